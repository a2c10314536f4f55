"""The benchmark harness runs end to end at a small size (a smoke test: no timing asserts)."""

import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = [pytest.mark.benchmark, pytest.mark.slow]  # the harness end to end


def test_quick_benchmark_fills_every_row(tmp_path):
    out = tmp_path / "RESULTS.md"
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "3000",
                             "--out", str(out), "--json", str(tmp_path / "raw.json")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "Steps that failed" not in text, text
    for row in ("build, cold (parse, validate, store, snapshot)", "build, one file changed", "one GROUP BY",
                "to_networkx (analysis snapshot)", "to_networkx (SPARQL", "metrics report", "`kg metrics`",
                "views", "cold `kg query`"):
        line = next(l for l in text.splitlines() if l.startswith(f"| {row}"))
        assert "–" not in line.split("|")[2], line  # kg's own figure is there
    assert "n/a" not in text, "every catalog query ran on the synthetic graph"
    # Each step says how loaded the machine was; the raw bulk load ran twice, between kg's builds.
    build = next(l for l in text.splitlines() if l.startswith("| build, cold (parse"))
    assert float(build.split("|")[4]) >= 0  # the load column
    assert text.count("Raw pyoxigraph bulk loads") == 1 and len(
        next(l for l in text.splitlines() if l.startswith("Raw pyoxigraph")).split(",")) == 2


AIMS = ("cold build with validation", "cold build without validation", "`to_networkx`", "`kg metrics`",
        "`kg viz`", "`kg query edges` first screen", "`kg serve` throughput")


def test_aims_measures_every_aim_in_one_run(tmp_path):
    """benchmarks/aims.py at a small size: a row per aim, each with kg's figure and a verdict."""
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Issue 13: kept\n\nas it was\n")
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "aims.py"), "--sizes", "2000",
                             "--aim-sizes", "2000", "--workdir", str(tmp_path / "work"), "--results", str(results),
                             "--serve-rounds", "1", "--serve-seconds", "1", "--screens", "1"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    text = results.read_text()
    assert text.index("## Issue 25: every aim in one run") < text.index("## Issue 13: kept")
    assert "as it was" in text
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| ") and "2,000" in line]
    assert sorted(row[0].removeprefix("| ") for row in rows) == sorted(AIMS)
    for row in rows:
        assert "CPU" in row[2] or "answers/s" in row[2], row  # kg's figure, CPU (or throughput) beside wall
        assert row[6] in ("**met**", "**missed**"), row
    assert "Not measured" not in text  # the budget left nothing out at this size


def test_aims_section_replaces_its_earlier_self(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    import aims

    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Issue 13: kept\n\nas it was\n")
    aims.write_section(results, aims.HEADING + "\n\nfirst\n")
    aims.write_section(results, aims.HEADING + "\n\nsecond\n")
    text = results.read_text()
    assert text.count(aims.HEADING) == 1 and "second" in text and "first" not in text
    assert text.index(aims.HEADING) < text.index("## Issue 13: kept") and "as it was" in text
