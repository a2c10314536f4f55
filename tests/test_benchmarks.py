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
