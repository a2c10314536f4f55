"""The developer's loop as docs/development.md describes it: `./dev test` lints with ruff (imports
sorted, modern syntax, complexity at most 15, lines at most 120) and checks types with mypy before
it runs the whole suite; `./dev test fast` leaves out the slow, browser, Virtuoso and benchmark
tests; the page gives both loops' times."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import REPO

MARKERS = ("slow", "browser", "virtuoso", "benchmark")


def _test_branch() -> list[str]:
    """The lines of the `test)` branch of ./dev, comments and blank lines left out."""
    text = (REPO / "dev").read_text(encoding="utf-8")
    branch = text[text.index("\n  test)"):].split("\n    ;;")[0]
    return [line.strip() for line in branch.splitlines()[2:] if line.strip() and not line.strip().startswith("#")]


def test_dev_test_lints_then_checks_types_then_runs_the_suite():
    steps = _test_branch()
    ruff = next(i for i, line in enumerate(steps) if re.match(r'"\$VENV/bin/ruff" check .*\.( |$)', line))
    mypy = next(i for i, line in enumerate(steps) if line.startswith('"$VENV/bin/mypy"'))
    pytest_ = next(i for i, line in enumerate(steps) if line.startswith('exec "$VENV/bin/python" -m pytest "$@"'))
    assert ruff < mypy < pytest_
    assert "exit 1" in steps[ruff] and "exit 1" in steps[mypy], "a lint or type error must stop the run"
    fast = next(line for line in steps if line.startswith("set -- -m "))
    assert sorted(re.findall(r"not (\w+)", fast)) == sorted(MARKERS)
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(config["tool"]["mypy"]["files"]) == {"kg"}
    registered = {m.split(":")[0] for m in config["tool"]["pytest"]["ini_options"]["markers"]}
    assert set(MARKERS) <= registered


def test_ruff_as_configured_flags_each_rule_the_project_holds_to(tmp_path):
    # The project's own configuration, on a file that breaks each rule once: E501, I001, UP006/UP007, C901.
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(16))
    probe = tmp_path / "probe.py"
    probe.write_text("import sys\nimport os\nfrom typing import Dict, Optional\n\n\n"
                     f"def far(x: Optional[int]) -> Dict[str, int]:\n{branches}\n    return {{}}\n\n\n"
                     f"LONG = {'x' * 120!r}\nprint(os, sys)\n")
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "--config", str(REPO / "pyproject.toml"), "--no-cache",
                             "--output-format", "concise", str(probe)], capture_output=True, text=True, timeout=60)
    found = set(re.findall(r": ([A-Z]+\d+) ", result.stdout))
    assert {"E501", "I001", "UP006", "UP045", "C901"} <= found or {"E501", "I001", "UP006", "UP007", "C901"} <= found, \
        result.stdout


def test_the_development_page_gives_both_loops_times():
    page = (REPO / "docs" / "development.md").read_text(encoding="utf-8")
    section = page[page.index("## How long they take"):].split("\n## ")[0]
    rows = {cells[0]: cells for cells in (
        [cell.strip() for cell in line.strip("|").split("|")] for line in section.splitlines() if line.startswith("|"))}
    for run in ("`./dev test fast`", "`./dev test`"):
        assert run in rows and re.search(r"\d+(\.\d+)? (min|s)\b", " ".join(rows[run][1:])), run


def test_mypy_holds_the_shared_modules_query_and_network_to_strict_and_skips_none_of_them():
    overrides = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]["overrides"]
    strict = next(o for o in overrides if o.get("disallow_untyped_defs"))
    assert {"kg", "kg.query", "kg.query.*", "kg.network", "kg.network.*"} <= set(strict["module"])
    assert all(strict.get(flag) for flag in ("disallow_any_generics", "disallow_untyped_calls", "warn_return_any",
                                             "check_untyped_defs", "disallow_incomplete_defs"))
    skipped = {m for o in overrides if o.get("ignore_errors") for m in o["module"]}
    assert not {m for m in skipped if m.startswith(("kg.query", "kg.network"))}
