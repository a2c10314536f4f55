"""Review files stay inside the project: a path named in one resolves inside data/ (the article's
place there) or beside the review file (its article copy), or the file is refused with one line
naming file, line and rule, and nothing is written anywhere."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import run_kg, tree_hash
from kg.ingest import ingest

ARTICLE = """\
Springfield fights agency over grants

On March 3, the city of Springfield sued the Federal Agency, arguing that its grant condition violates the \
Tenth Amendment.
"""


@pytest.fixture
def candidates(mini, tmp_path) -> Path:
    article = tmp_path / "springfield.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    path = ingest(article, mini, source_id="grants", date="2025-03-10", out=mini / "candidates" / "grants.yaml").path
    assert run_kg("--root", str(mini), "review", str(path), "--accept", "all").returncode == 0
    return path


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` by `new` in the review file; return the line it is on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text[:text.index(new)].count("\n") + 1


def apply_refused(mini: Path, candidates: Path, rule: str, line: int) -> str:
    before = tree_hash(mini / "data")
    result = run_kg("--root", str(mini), "review", str(candidates), "--apply")
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{candidates}:{line}: error[{rule}]"), lines
    assert "Traceback" not in result.stderr
    assert tree_hash(mini / "data") == before, "data/ is unchanged"
    return lines[0]


@pytest.mark.parametrize("name", ["ABSOLUTE", "../../escaped.txt", "sources/../../escaped.txt"])
def test_an_article_file_outside_data_is_refused_and_not_written(mini, candidates, tmp_path, name):
    outside = tmp_path / "written-outside.txt"
    name = str(outside) if name == "ABSOLUTE" else name
    line = edit(candidates, "file: sources/grants.txt", f"file: {name}")
    apply_refused(mini, candidates, "outside-path", line)
    assert not outside.exists() and not (mini.parent / "escaped.txt").exists() and not (mini / "escaped.txt").exists()


def test_a_source_id_that_is_a_path_is_refused_and_not_written(mini, candidates, tmp_path):
    target = tmp_path / "planted"
    line = edit(candidates, "source: grants", f"source: {target}")
    apply_refused(mini, candidates, "bad-id", line)
    assert not Path(f"{target}.yaml").exists() and not list(tmp_path.glob("planted*"))


@pytest.mark.parametrize("how", ["absolute", "symlink"])
def test_an_article_text_outside_the_review_folder_never_enters_the_graph(mini, candidates, tmp_path, how):
    secret = tmp_path / "secret.txt"
    secret.write_text(ARTICLE.replace("Springfield", "Springfield") + "SECRET\n", encoding="utf-8")
    text = candidates.read_text(encoding="utf-8")
    digest = next(l for l in text.splitlines() if "sha256:" in l)
    edit(candidates, digest + "\n", "")  # as the attacker did: no digest to compare with
    if how == "absolute":
        line = edit(candidates, "text: grants.txt", f"text: {secret}")
    else:
        (candidates.parent / "link.txt").symlink_to(secret)
        line = edit(candidates, "text: grants.txt", "text: link.txt")
    apply_refused(mini, candidates, "outside-path", line)
    assert "SECRET" not in "".join(p.read_text(errors="replace") for p in (mini / "data").rglob("*") if p.is_file())


def test_an_alias_bomb_in_a_review_file_is_refused_quickly(mini, candidates):
    bomb = "x: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
        f"y{i}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    candidates.write_text(candidates.read_text(encoding="utf-8") + bomb, encoding="utf-8")
    started = time.monotonic()
    result = run_kg("--root", str(mini), "review", str(candidates))
    assert time.monotonic() - started < 10  # a process start included; the check itself takes milliseconds
    assert result.returncode == 1 and "yaml-limit" in result.stderr and "aliases" in result.stderr, result.stderr


@pytest.mark.parametrize("old, new, rule", [
    ("date: '2025-03-03'", "date: 2025-03-30x", None),
    ("date: '2025-03-03'", "date: 2025-02-30", "yaml"),
    ("date: '2025-03-03'", "date: '2025-02-30'", "bad-date"),
    ("date: '2025-03-03'", "date: \"2025-03-03\\n\"", "bad-date"),
])
def test_impossible_dates_in_a_review_file_are_refused_with_the_line(mini, candidates, old, new, rule):
    line = edit(candidates, old, new)
    if rule is None:  # not a date at all: the validator of 'kg check' names it
        result = run_kg("--root", str(mini), "review", str(candidates), "--apply")
        assert result.returncode == 1 and "bad-date" in result.stderr, result.stderr
        return
    apply_refused(mini, candidates, rule, line)
