"""Duplicate keys are errors (YAML would keep the last and hide the first), and a document is bounded
in items as well as in bytes."""

from __future__ import annotations

import subprocess
import sys

from conftest import invoke_kg

MEMO = "data/statements/memo.yaml"


def test_a_duplicate_key_is_one_line_naming_file_line_and_key(mini):
    memo = mini / MEMO
    text = memo.read_text(encoding="utf-8")
    # an invalid start date hidden by a later, valid one
    memo.write_text(text.replace("    date: 2025-02-07\n", "    start: 2023-02-29\n    date: 2025-02-07\n"
                                 "    start: 2023-02-28\n", 1), encoding="utf-8")
    line = memo.read_text(encoding="utf-8").splitlines().index("    start: 2023-02-28") + 1
    for command in ("check", "build"):
        done = invoke_kg("--root", str(mini), "--store", str(mini / "store"), command)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        errors = [e for e in done.stderr.splitlines() if "error[" in e]
        assert errors == [f"{MEMO}:{line}: error[duplicate-key] key 'start' is given twice in one mapping "
                          f"(first on line {line - 2}) (hint: keep one of them: YAML would silently use the last)"]


def test_a_duplicate_top_level_key_is_an_error_too(mini):
    entities = mini / "data" / "entities" / "all.yaml"
    entities.write_text(entities.read_text(encoding="utf-8") + "entities: []\n", encoding="utf-8")
    done = invoke_kg("--root", str(mini), "check")
    assert done.returncode == 1 and "error[duplicate-key] key 'entities'" in done.stderr


def test_a_flow_list_of_millions_of_items_is_refused_in_bounded_memory(mini, tmp_path):
    entities = mini / "data" / "entities" / "all.yaml"
    with open(entities, "a", encoding="utf-8") as out:
        out.write("  - id: Many\n    type: Person\n    label: Many\n    aliases: [")
        out.write("a, " * 5_000_000)  # 15 MB
        out.write("a]\n")
    script = ("import resource, subprocess, sys\n"
              "p = subprocess.run([sys.executable, '-m', 'kg', '--root', sys.argv[1], 'check'], capture_output=True, text=True)\n"
              "print(p.returncode); print(p.stderr); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", script, str(mini)], capture_output=True, text=True, timeout=120)
    code, *rest = done.stdout.splitlines()
    peak_kb = int(rest[-1])
    assert code == "1" and "error[yaml-limit]" in done.stdout and "items" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout
    assert peak_kb < 400_000, f"peak {peak_kb / 1024:.0f} MB for a 15 MB file"
