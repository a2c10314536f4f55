"""The walkthrough of docs/ingest.md ('From an article to the graph'), run exactly as written:
each command in a copy of the seed project, its exit code and the key line of its output
checked, and the graph it ends with holding the facts the reviewer added."""

from __future__ import annotations

import re
import shlex
import shutil

import pytest

from conftest import REPO, run_kg
from kg.builder import curated

DOC = REPO / "docs" / "ingest.md"
ARTICLE = "tests/fixtures/ingest/lakeland_jail_detainers.txt"

#: Each command of the walkthrough, in order: how it starts, and what its output must say (a
#: pattern searched in stdout). Counts and ids are left open: they depend on the extractor.
STEPS = [
    ("kg ingest " + ARTICLE, r"\d+ entities and \d+ statements proposed for source 'lakeland2025'\n"
                             r"review file: \S*candidates/lakeland2025\.yaml"),
    ("kg review candidates/lakeland2025.yaml", r"statement,lakeland2025-001,candidate,"),
    ("kg review candidates/lakeland2025.yaml --merge-duplicates",
     r"^(no likely duplicates to merge|merged \S+ into \S+ \()"),
    ("kg review candidates/lakeland2025.yaml --sentences",
     r"\n12,\"He promised to send more ICE officers to Denver, .*\n13,.*\n14,\"The Justice Department opened"),
    ("kg review candidates/lakeland2025.yaml --add \"DOJ investigated Denver\"",
     r"^(added lakeland2025-\d+: DOJ investigated Denver \[2025-04\] \(accepted\), quoting characters \d+-\d+: "
     "\u201copened an inquiry into Denver\u2019s jail policies\u201d"
     r"|lakeland2025-\d+ already states DOJ investigated Denver: accepted it)\n"),
    ("kg review candidates/lakeland2025.yaml --add \"ThomasHoman threatened Denver\"",
     r"^(added lakeland2025-\d+: ThomasHoman threatened Denver \[2025-06-15\] \(implied, accepted\)"
     r"|lakeland2025-\d+ already states ThomasHoman threatened Denver: accepted it)"),
    ("kg review candidates/lakeland2025.yaml --accept all", r"^accepted \d+ entities and \d+ statements"),
    ("kg review candidates/lakeland2025.yaml --apply",
     r"^added source 'lakeland2025': \d+ entities, \d+ aliases, \d+ statements \(run 'kg build' to publish\)\n$"),
    ("kg build", r"^built 6 sources, "),
]


def walkthrough() -> list[str]:
    """The `$ kg ...` lines of the console block under 'From an article to the graph'."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## From an article to the graph", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S).group(1)
    return [line[2:] for line in block.splitlines() if line.startswith("$ ")]


def test_the_doc_lists_the_steps_this_test_checks():
    commands = walkthrough()
    assert len(commands) == len(STEPS)
    for command, (start, _) in zip(commands, STEPS):
        assert command.startswith(start), command


@pytest.mark.slow
def test_the_walkthrough_runs_from_ingest_to_a_clean_build(seeds_project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(seeds_project, root)
    (root / ARTICLE).parent.mkdir(parents=True)
    shutil.copy(REPO / ARTICLE, root / ARTICLE)
    for command, (_, expected) in zip(walkthrough(), STEPS):
        args = shlex.split(command)
        assert args[0] == "kg"
        result = run_kg(*args[1:], cwd=root, env={"KG_ROOT": str(root), "KG_STORE": str(root / "build")})
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        assert re.search(expected, result.stdout, re.M), f"{command}\n{result.stdout[:2000]}"
        assert "Traceback" not in result.stderr
    data = curated.read(root / "data", root)
    mine = {(s.subject, s.relation, s.object): s for s in data.statements.values() if s.source == "lakeland2025"}
    text = data.sources["lakeland2025"].text
    investigated = mine[("DOJ", "investigated", "Denver")]
    assert "Denver\u2019s jail policies" in investigated.quote and investigated.quote in text  # the article's own
    assert mine[("ThomasHoman", "threatened", "Denver")].confidence == "implied"
    assert "Tom Homan" in data.entities["ThomasHoman"].aliases
    assert run_kg("--root", str(root), "check").returncode == 0
    assert not (root / "data" / "sources.yaml").read_text(encoding="utf-8").count("id: lakeland2025") > 1
    again = run_kg("review", "candidates/lakeland2025.yaml", "--apply", cwd=root, env={"KG_ROOT": str(root)})
    assert again.returncode == 0 and again.stdout.startswith("nothing new"), again.stderr
