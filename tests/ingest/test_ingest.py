"""kg ingest: candidates from the seed articles and from a new article in another outlet's style."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import kg
from conftest import FIXTURES, run_kg, tree_hash
from kg.builder import curated
from kg.ingest import dates, extract, ingest
from kg.ingest.review import apply, edit, mark, problems
from kg.text import clean, repair
from kg.values import is_id

FIXTURE = FIXTURES / "ingest" / "county_suit.txt"
#: A local TV station's web story, written before the rules were tuned: a held-out check.
STATION_STORY = FIXTURES / "ingest" / "sheriff_detainers.txt"
SEEDS = ["resist2016", "mayors2017", "arrest2018", "standfirm2025", "targeting2025"]


@pytest.fixture(scope="module")
def data(seeds_project):
    return curated.read(seeds_project / "data", seeds_project)


def _check_review_file(path: Path, onto) -> dict:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    original = (path.parent / doc["article"]["text"]).read_text(encoding="utf-8")
    repaired = repair(original).text
    assert doc["statements"], "no statements proposed"
    ids = {e["id"] for e in doc["entities"]}
    for st in doc["statements"]:
        start, end = st["offsets"]
        assert original[start:end] == st["quote"]  # verbatim, as `kg check` wants it
        assert st["display_quote"] in repaired  # and readable
        assert st["relation"] in onto.relations
        assert st["status"] == "candidate" and st["rule"] and 0 < st["score"] <= 1
    for ent in doc["entities"]:
        assert is_id(ent["id"]) and ent["type"] in onto.entity_classes
    assert ids  # the proposals name the entities they use
    return doc


@pytest.mark.slow
@pytest.mark.parametrize("source", SEEDS)
def test_seed_articles_give_reviewable_candidates(source, tmp_path, onto, data, seeds_project):
    src = data.sources[source]
    article = tmp_path / f"{source}.txt"
    article.write_text(src.text, encoding="utf-8", newline="")
    written = ingest(article, seeds_project, source_id=f"{source}-again", date=src.date, out=tmp_path / "c.yaml")
    doc = _check_review_file(written.path, onto)
    assert doc["article"]["date"] == src.date


def test_damaged_seed_quotes_keep_the_damage_and_display_repairs_it(tmp_path, onto, data, seeds_project):
    article = tmp_path / "t.txt"
    article.write_text(data.sources["targeting2025"].text, encoding="utf-8", newline="")
    doc = _check_review_file(ingest(article, seeds_project, date="2025-02", out=tmp_path / "c.yaml").path, onto)
    damaged = [st for st in doc["statements"] if "â" in st["quote"]]
    assert damaged and all("â" not in st["display_quote"] for st in damaged)


@pytest.mark.slow
@pytest.mark.parametrize("article, date", [(FIXTURE, "2025-04-10"), (STATION_STORY, "2025-03-14")])
def test_every_candidate_is_valid_data(mini, article, date):
    """Accepted wholesale, the candidates of a new article pass `kg check` (types, domains, ranges, shapes)."""
    written = ingest(article, mini, date=date, out=mini / "candidates" / "new.yaml")
    doc = yaml.safe_load(written.path.read_text(encoding="utf-8"))
    for problem in problems(doc, curated.read(mini / "data", mini)):  # as a reviewer would: merge
        ident, target = problem.split(": --merge ")[1].split(",")[0].split("=")  # what it duplicates
        if target != "ONE":
            edit(written.path, mini, merge=[f"{ident}={target}"])
        else:
            mark(written.path, accept=[ident], project=mini)  # ambiguous: keep it as new
    mark(written.path, accept=["all"], project=mini)
    apply(written.path, mini)
    assert kg.check(mini).counts["statements"] >= written.statements


def _triples(text: str, onto, date: str = "2025-03") -> set[tuple[str, str, str]]:
    return {(s.subject, s.relation, s.object) for s in extract(text, date=date, onto=onto).statements}


def test_a_threatened_action_is_a_threat_not_the_action(onto):
    triples = _triples("Ohio threatened to sue the city of Springfield on March 3. Governor Ann Lee said the state "
                       "would withhold grants from the city of Springfield.", onto)
    assert ("Ohio", "threatened", "Springfield") in triples  # 'the state' is Ohio
    assert not {t for t in triples if t[1] in ("sued", "withheldFunding")}


def test_the_subject_is_found_past_an_apposition_and_before_a_second_verb(onto):
    triples = _triples("The Ohio Justice Project, a nonprofit that represents detained immigrants, praised Mayor "
                       "Ann Lee and said the city should not back down.", onto)
    assert ("OhioJusticeProject", "supported", "AnnLee") in triples
    assert {t[0] for t in triples if t[1] == "asserts"} == {"OhioJusticeProject"}


def test_an_owner_and_its_policy(onto):
    found = extract("Under the city of Springfield's 1989 ordinance, police may not ask about immigration status.",
                    date="2025-03", onto=onto)
    [enacted] = [s for s in found.statements if s.relation == "enacted"]
    assert enacted.subject == "Springfield" and found.entities[enacted.object].type == "Ordinance"


def test_short_form_is_the_person_named_in_full(data, onto):
    text = ("San Francisco City Attorney David Chiu filed the suit. "
            "Chiu says the order violates the Tenth Amendment.")
    known = {k: data.entities[k] for k in ("SanFrancisco", "JeffChiu", "TenthAmendment")}
    found = extract(text, date="2025-02", known=known, onto=onto)
    chiu = [m for m in found.mentions if m.text == "Chiu"]
    assert chiu and chiu[0].entity == "DavidChiu" != "JeffChiu"
    assert ("DavidChiu", "holdsRole", "SanFrancisco") in {(s.subject, s.relation, s.object) for s in found.statements}
    assert not found.entities["DavidChiu"].ambiguous


def test_dates_resolve_against_the_article_date():
    assert dates.resolve("Feb. 7", "2025-02") == "2025-02-07"
    assert dates.resolve("December", "2025-02") == "2024-12"  # the last December up to the article
    assert dates.resolve("January 16", "2018-01") == "2018-01-16"
    assert dates.resolve("Nov. 14, 2016", None) == "2016-11-14"
    assert dates.resolve("last month", "2025-01-15") == "2024-12"
    assert dates.resolve("Thursday", "2025-04-25") == "2025-04-24"
    assert dates.resolve("Feb. 7", None) is None  # no anchor, no guess


def test_an_act_is_dated_by_a_date_of_its_own_clause(onto):
    found = extract("On Feb. 7, Lake County sued the Ohio Department of Health, which was founded in 1917.",
                    date="2025-02", onto=onto)
    [sued] = [s for s in found.statements if s.relation == "sued"]
    assert sued.date == "2025-02-07"


def test_repair_maps_back_to_the_original():
    original = "Trumpâs âsanctuary citiesâ and cafÃ© funding.Â Done"
    fixed = repair(original)
    assert fixed.text == "Trump’s “sanctuary cities” and café funding. Done"
    assert fixed.text == clean(original)
    for word, stored in [("Trump’s", "Trumpâs"), ("“sanctuary cities”", "âsanctuary citiesâ"),
                         ("café", "cafÃ©"), ("Done", "Done")]:
        at = fixed.text.index(word)
        start, end = fixed.original_span(at, at + len(word))
        assert original[start:end] == stored


# --- bad input: one clear line, a non-zero exit, data/ untouched --------------------------

def _ingest_cli(mini: Path, article: Path, *extra: str):
    before = tree_hash(mini / "data")
    result = run_kg("--root", str(mini), "ingest", str(article), "--out", str(mini / "c" / "x.yaml"), *extra)
    assert tree_hash(mini / "data") == before
    return result


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \n\n  ", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ("Caf\u00e9 owners sued the city.".encode("cp1252"), "not utf-8 text"),
])
def test_bad_input_gets_one_clear_line(mini, tmp_path, content, message):
    article = tmp_path / "bad.txt"
    article.write_bytes(content)
    result = _ingest_cli(mini, article)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0].lower() and "Traceback" not in result.stderr
    assert not (mini / "c" / "x.yaml").exists()


def test_other_encodings_are_read_when_named(mini, tmp_path):
    article = tmp_path / "latin.txt"
    article.write_bytes("Mayor Jos\u00e9 Ortega said the city of Springfield sued the Federal Agency.".encode("cp1252"))
    result = _ingest_cli(mini, article, "--encoding", "cp1252")
    assert result.returncode == 0, result.stderr
    assert "José Ortega" in (mini / "c" / "x.txt").read_text(encoding="utf-8")


def test_five_megabyte_article_is_refused_quickly(mini, tmp_path):
    article = tmp_path / "huge.txt"
    article.write_text(("The city of Springfield sued the Federal Agency. " * 110_000), encoding="utf-8")
    assert article.stat().st_size > 5_000_000
    result = _ingest_cli(mini, article)
    assert result.returncode == 1 and "too long for one article" in result.stderr


def test_missing_file_and_bad_date_are_one_line(mini, tmp_path):
    assert _ingest_cli(mini, tmp_path / "nope.txt").returncode == 1
    result = _ingest_cli(mini, FIXTURE, "--date", "Feb 7")
    assert result.returncode == 1 and "--date" in result.stderr and "YYYY" in result.stderr
