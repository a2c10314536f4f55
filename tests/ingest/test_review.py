"""kg review: accepted candidates move into data/, merged with what is there; failures change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import kg
from conftest import invoke_kg, run_kg, tree_hash
from kg.builder import curated
from kg.errors import KGError, ValidationError
from kg.ingest import ingest
from kg.ingest.review import apply, edit, load, mark, save, search

ARTICLE = """\
Springfield fights agency over grants

On March 3, the city of Springfield sued the Federal Agency, arguing that its grant condition \
violates the Tenth Amendment.
Springfield Mayor Jane Roe criticized the Federal Agency. Budget Director Sam Pike said the city would lose $2 million.
"""


@pytest.fixture
def candidates(mini, tmp_path) -> Path:
    article = tmp_path / "springfield.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    return ingest(article, mini, source_id="grants", date="2025-03-10", outlet="Gazette",
                  out=mini / "candidates" / "grants.yaml").path


def test_accepted_candidates_enter_data_and_pass_check(mini, candidates):
    doc = mark(candidates, accept=["all"], project=mini)
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
    mark(candidates, accept=["all"], project=mini)
    applied = apply(candidates, mini)
    assert applied.aliases["JaneRoe"] == ["Sam Pike"]
    roe = curated.read(mini / "data", mini).entities["JaneRoe"]
    assert roe.aliases[-1] == "Sam Pike" and "Roe" in roe.aliases
    assert "JaneRoe" not in applied.entities


def test_an_invalid_review_leaves_data_unchanged(mini, candidates):
    doc = mark(candidates, accept=["all"], project=mini)
    doc["statements"][0]["relation"] = "sues"
    candidates.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    before = tree_hash(mini / "data")
    with pytest.raises(ValidationError) as failure:
        apply(candidates, mini)
    assert any(p.rule == "unknown-relation" and p.file == "data/statements/grants.yaml"
               for p in failure.value.problems)
    assert tree_hash(mini / "data") == before
    assert not list(mini.glob(".kg-review-*"))


def test_a_source_with_no_accepted_statement_is_never_written(mini, candidates):
    before = tree_hash(mini / "data")
    with pytest.raises(KGError, match="no statement .* is accepted"):
        apply(candidates, mini)
    known = next(e["id"] for e in load(candidates)["entities"] if e["id"] == "SamPike")
    mark(candidates, accept=[known], project=mini)  # an entity alone: still no source to write
    with pytest.raises(KGError, match="no statement .* is accepted"):
        apply(candidates, mini)
    assert tree_hash(mini / "data") == before
    assert "grants" not in curated.read(mini / "data", mini).sources


def test_applying_again_adds_only_what_data_lacks(mini, candidates):
    doc = load(candidates)
    first = doc["statements"][0]["id"]
    mark(candidates, accept=[first], project=mini)
    applied = apply(candidates, mini)
    assert applied.statements == [first] and not applied.again
    unchanged = tree_hash(mini / "data")
    assert apply(candidates, mini) == type(applied)("grants", again=True)  # nothing new, not an error
    assert tree_hash(mini / "data") == unchanged
    mark(candidates, accept=["all"], project=mini)
    more = apply(candidates, mini)
    assert more.again and first not in more.statements
    assert set(more.statements) == {s["id"] for s in doc["statements"]} - {first}
    data = curated.read(mini / "data", mini)
    assert {s.id for s in data.statements.values() if s.source == "grants"} == {s["id"] for s in doc["statements"]}
    assert kg.check(mini).counts["sources"] == 2
    assert apply(candidates, mini).again and not apply(candidates, mini).statements


def test_another_article_under_an_applied_id_is_refused(mini, candidates):
    mark(candidates, accept=["all"], project=mini)
    apply(candidates, mini)
    before = tree_hash(mini / "data")
    doc = load(candidates)
    text = candidates.with_suffix(".txt")
    text.write_text(ARTICLE + "More.\n", encoding="utf-8")
    doc["article"]["sha256"] = __import__("hashlib").sha256(text.read_bytes()).hexdigest()
    save(candidates, doc)
    with pytest.raises(KGError, match="another text"):
        apply(candidates, mini)
    assert tree_hash(mini / "data") == before


def test_rejecting_an_entity_rejects_its_statements_and_apply_then_succeeds(mini, candidates):
    from kg.ingest.review import marks

    doc = load(candidates)
    uses = {s["id"] for s in doc["statements"] if "SamPike" in (s["subject"], s["object"])}
    assert uses
    _, said = marks(candidates, reject=["SamPike"], project=mini)
    assert said == [f"rejected SamPike and the {len(uses)} statement(s) that use it: " + ", ".join(sorted(uses))]
    doc, said = marks(candidates, accept=["all"], project=mini)
    assert all(s["status"] == ("rejected" if s["id"] in uses else "accepted") for s in doc["statements"])
    with pytest.raises(KGError, match=f"{sorted(uses)[0]} uses rejected entity SamPike"):
        mark(candidates, accept=[sorted(uses)[0]], project=mini)  # one clear line, nothing marked
    applied = apply(candidates, mini)
    assert not uses & set(applied.statements) and "SamPike" not in curated.read(mini / "data", mini).entities


def test_a_hand_edited_file_accepting_a_statement_of_a_rejected_entity_is_refused(mini, candidates):
    doc = load(candidates)
    st = next(s for s in doc["statements"] if s["subject"] == "SamPike" or s["object"] == "SamPike")
    st["status"] = "accepted"
    next(e for e in doc["entities"] if e["id"] == "SamPike")["status"] = "rejected"
    save(candidates, doc)
    before = tree_hash(mini / "data")
    with pytest.raises(KGError, match="rejected"):
        apply(candidates, mini)
    assert tree_hash(mini / "data") == before


def test_edited_article_copy_is_refused(mini, candidates):
    mark(candidates, accept=["all"], project=mini)
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
    assert again.returncode == 0 and again.stdout.startswith("nothing new: source 'grants'"), again.stderr


# --- review in one command each --------------------------------------------------------------

VARIANTS = """\
Springfield mayor answers the agency

Mayor Janie Roe said on March 3 that Springfield would not comply. Budget Director Sam Pike criticized
the Federal Agency, and Sam Pike said the city would lose $2 million.
"""


@pytest.fixture
def variants(mini, tmp_path) -> Path:
    article = tmp_path / "variants.txt"
    article.write_text(VARIANTS, encoding="utf-8")
    return ingest(article, mini, source_id="answers", date="2025-03-10", out=mini / "candidates" / "answers.yaml").path


def _refs(doc: dict, ident: str) -> int:
    return sum(st.get(role) == ident for st in doc["statements"] for role in ("subject", "object", "via"))


def test_merge_into_an_entity_of_data_updates_every_reference(mini, candidates):
    before = load(candidates)
    uses = _refs(before, "SamPike")
    assert uses >= 1
    [done] = edit(candidates, mini, merge=["SamPike=JaneRoe"])
    assert done.startswith("merged SamPike into JaneRoe")
    doc = load(candidates)
    assert _refs(doc, "SamPike") == 0 and not [e for e in doc["entities"] if e["id"] == "SamPike"]
    roe = next(e for e in doc["entities"] if e["id"] == "JaneRoe")
    assert roe["known"] and "Sam Pike" in roe["aliases"]  # the merged names become aliases
    mark(candidates, accept=["all"], project=mini)
    apply(candidates, mini)
    data = curated.read(mini / "data", mini)
    assert "SamPike" not in data.entities and "Sam Pike" in data.entities["JaneRoe"].aliases


def test_rename_relabel_retype_and_relation_each_take_one_command(mini, candidates):
    edit(candidates, mini, rename=["SamPike=SamuelPike"], relabel=["SamuelPike=Samuel Pike"],
         retype=["SamuelPike=Person"])
    doc = load(candidates)
    pike = next(e for e in doc["entities"] if e["id"] == "SamuelPike")
    assert pike["label"] == "Samuel Pike" and "Sam Pike" in pike["aliases"] and _refs(doc, "SamPike") == 0
    sued = next(s for s in doc["statements"] if s["relation"] == "sued")
    edit(candidates, mini, relate=[f"{sued['id']}=threatened"])
    assert next(s for s in load(candidates)["statements"] if s["id"] == sued["id"])["relation"] == "threatened"
    for bad, match in ((dict(rename=["SamuelPike=JaneRoe"]), "already an entity"),
                       (dict(retype=["SamuelPike=Wizard"]), "not an entity type"),
                       (dict(relate=[f"{sued['id']}=sues"]), "not a relation"),
                       (dict(merge=["SamuelPike=Nobody"]), "no entity 'Nobody'"),
                       (dict(rename=["JaneRoe=Jane"]), "no candidate entity|data/ already has")):
        with pytest.raises(KGError, match=match):
            edit(candidates, mini, **bad)


def test_accept_all_refuses_while_a_name_variant_duplicates_an_entity(mini, variants):
    doc = load(variants)
    janie = next(e for e in doc["entities"] if e.get("label") == "Janie Roe") if any(
        e.get("label") == "Janie Roe" for e in doc["entities"]) else None
    if janie is None:  # linked at ingest already: the name variant is an alias of JaneRoe
        assert any(e["id"] == "JaneRoe" and "Janie Roe" in (e.get("aliases") or []) for e in doc["entities"])
        return
    with pytest.raises(KGError, match=f"{janie['id']} may duplicate JaneRoe"):
        mark(variants, accept=["all"], project=mini)
    edit(variants, mini, merge=[f"{janie['id']}=JaneRoe"])
    mark(variants, accept=["all"], project=mini)


def test_accept_all_refuses_a_duplicate_until_merged_or_accepted_by_id(mini, candidates):
    doc = load(candidates)
    doc["entities"].append({"id": "Springfield2", "type": "City", "label": "the city of Springfield",
                            "status": "candidate", "rule": "test", "score": 0.5})
    doc["entities"].append({"id": "Roe2", "type": "Person", "label": "Roe", "status": "candidate",
                            "ambiguous": ["JaneRoe", "JohnRoe"]})
    save(candidates, doc)
    with pytest.raises(KGError) as refused:
        mark(candidates, accept=["all"], project=mini)
    assert "Springfield2 may duplicate Springfield" in str(refused.value)
    assert "Roe2 may" in str(refused.value)
    assert all(e.get("status") != "accepted" for e in load(candidates)["entities"])  # nothing marked
    edit(candidates, mini, merge=["Springfield2=Springfield"])
    mark(candidates, accept=["Roe2"], project=mini)  # the reviewer keeps it as a new person
    mark(candidates, accept=["all"], project=mini)


def test_search_finds_part_of_a_name_an_alias_and_a_name_variant(mini, candidates):
    data = curated.read(mini / "data", mini)
    doc = load(candidates)
    assert [r[0] for r in search(doc, data, "spring")][:1] == ["Springfield"]
    assert "SamPike" in [r[0] for r in search(doc, data, "pike")]
    assert "JaneRoe" in [r[0] for r in search(doc, data, "Mayor Jane")]  # an alias
    assert "FederalAgency" in [r[0] for r in search(doc, data, "federal agncy")]  # a typo


def test_review_table_fits_80_columns(mini, candidates):
    listed = run_kg("--root", str(mini), "review", str(candidates), "--format", "table", env={"COLUMNS": "80"})
    assert listed.returncode == 0, listed.stderr
    assert max(len(line) for line in listed.stdout.splitlines()) <= 80
    assert "sued" in listed.stdout and "\u201c" in listed.stdout  # the triple, its sentence below
    merged = run_kg("--root", str(mini), "review", str(candidates), "--merge", "SamPike=JaneRoe", "--format", "csv")
    assert merged.returncode == 0 and "merged SamPike into JaneRoe" in merged.stdout
    bad = invoke_kg("--root", str(mini), "review", str(candidates), "--merge", "SamPike")
    assert bad.returncode == 2 and "ID=VALUE" in bad.stderr
