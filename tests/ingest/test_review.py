"""kg review: accepted candidates move into data/, merged with what is there; failures change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import kg
from conftest import run_kg, tree_hash
from kg.builder import curated
from kg.errors import KGError, ValidationError
from kg.ingest import ingest
from kg.ingest.review import apply, load, mark

ARTICLE = """\
Springfield fights agency over grants

On March 3, the city of Springfield sued the Federal Agency, arguing that its grant condition violates the Tenth Amendment.
Springfield Mayor Jane Roe criticized the Federal Agency. Budget Director Sam Pike said the city would lose $2 million.
"""


@pytest.fixture
def candidates(mini, tmp_path) -> Path:
    article = tmp_path / "springfield.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    return ingest(article, mini, source_id="grants", date="2025-03-10", outlet="Gazette",
                  out=mini / "candidates" / "grants.yaml").path


def test_accepted_candidates_enter_data_and_pass_check(mini, candidates):
    doc = mark(candidates, accept=["all"])
    applied = apply(candidates, mini)
    data = curated.read(mini / "data", mini)
    assert "grants" in data.sources
    assert data.sources["grants"].text == ARTICLE  # stored verbatim
    assert data.sources["grants"].outlet == "Gazette"
    assert set(applied.statements) == {s["id"] for s in doc["statements"]}
    assert {s.id for s in data.statements.values() if s.source == "grants"} == set(applied.statements)
    sued = [s for s in data.statements.values() if s.source == "grants" and s.relation == "sued"]
    assert [(s.subject, s.object, s.date) for s in sued] == [("Springfield", "FederalAgency", "2025-03-03")]
    assert "SamPike" in data.entities and "Springfield" not in applied.entities  # no duplicate
    statement_file = (mini / "data" / "statements" / "grants.yaml").read_text(encoding="utf-8")
    assert "status:" not in statement_file and "display_quote" not in statement_file
    assert kg.check(mini).counts["sources"] == 2  # the next build picks it up


def test_a_known_id_merges_aliases_instead_of_duplicating(mini, candidates):
    doc = load(candidates)
    pike = next(e for e in doc["entities"] if e["id"] == "SamPike")
    pike.update(id="JaneRoe", label="Jane Roe", aliases=["Sam Pike"])  # a reviewer's merge
    for st in doc["statements"]:
        for role in ("subject", "object"):
            if st[role] == "SamPike":
                st[role] = "JaneRoe"
    candidates.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    mark(candidates, accept=["all"])
    applied = apply(candidates, mini)
    assert applied.aliases["JaneRoe"] == ["Sam Pike"]
    roe = curated.read(mini / "data", mini).entities["JaneRoe"]
    assert roe.aliases[-1] == "Sam Pike" and "Roe" in roe.aliases
    assert "JaneRoe" not in applied.entities


def test_an_invalid_review_leaves_data_unchanged(mini, candidates):
    doc = mark(candidates, accept=["all"])
    doc["statements"][0]["relation"] = "sues"
    candidates.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    before = tree_hash(mini / "data")
    with pytest.raises(ValidationError) as failure:
        apply(candidates, mini)
    assert any(p.rule == "unknown-relation" and p.file == "data/statements/grants.yaml"
               for p in failure.value.problems)
    assert tree_hash(mini / "data") == before
    assert not list(mini.glob(".kg-review-*"))


def test_nothing_accepted_or_applied_twice_is_refused(mini, candidates):
    with pytest.raises(KGError, match="nothing .* is accepted"):
        apply(candidates, mini)
    mark(candidates, accept=["all"])
    apply(candidates, mini)
    with pytest.raises(KGError, match="already in data/sources.yaml"):
        apply(candidates, mini)


def test_rejected_entity_used_by_an_accepted_statement_is_refused(mini, candidates):
    doc = load(candidates)
    st = next(s for s in doc["statements"] if s["subject"] == "SamPike" or s["object"] == "SamPike")
    mark(candidates, accept=[st["id"]], reject=["SamPike"])
    before = tree_hash(mini / "data")
    with pytest.raises(KGError, match="rejected"):
        apply(candidates, mini)
    assert tree_hash(mini / "data") == before


def test_edited_article_copy_is_refused(mini, candidates):
    mark(candidates, accept=["all"])
    candidates.with_suffix(".txt").write_text(ARTICLE + "more", encoding="utf-8")
    with pytest.raises(KGError, match="changed since"):
        apply(candidates, mini)


def test_review_command_lists_marks_and_applies(mini, candidates):
    listed = run_kg("--root", str(mini), "review", str(candidates), "--format", "csv")
    assert listed.returncode == 0 and "sued" in listed.stdout and "candidate" in listed.stdout
    done = run_kg("--root", str(mini), "review", str(candidates), "--accept", "all", "--apply")
    assert done.returncode == 0, done.stderr
    assert "added source 'grants'" in done.stdout
    assert run_kg("--root", str(mini), "check").returncode == 0
    again = run_kg("--root", str(mini), "review", str(candidates), "--apply")
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1
