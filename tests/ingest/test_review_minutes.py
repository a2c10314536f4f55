"""kg review in minutes: merges only within one type and period, whole quotes, every edit said,
--add finding its quote in the article, and aliases that can be removed. Review files are
written here in the shape `kg ingest` writes, so these tests do not depend on the extractor."""

from __future__ import annotations

import hashlib
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, read_terminal, run_kg, tree_hash
from kg.builder import curated
from kg.ingest.review import load

ARTICLE = (
    "Justice Department widens its sanctuary suits\n"
    "\n"
    "The Justice Department sued the state of Illinois again this spring, and it sued several cities "
    "that refused to hold people for ICE. \u201cWe\u2019re  going to win this one,\u201d Attorney "
    "General Pam Bondi said.\n"
    "Tom Homan, the border czar, said the cities had \u201cchosen criminals over\ncitizens\u201d and "
    "promised more agents. The state\u2019s governor called the suit a stunt that would not survive a "
    "first hearing in any federal court of the United States, and said the state would fight it "
    "through every appeal it is allowed.\n"
)


@pytest.fixture
def seeds(seeds_project, tmp_path) -> Path:
    """A writable copy of the seed project."""
    root = tmp_path / "seeds"
    shutil.copytree(seeds_project, root)
    return root


def review_file(root: Path, source: str, date: str, entities: list[dict], statements: list[dict],
                text: str = ARTICLE) -> Path:
    """A review file and its article copy, as `kg ingest` writes them."""
    folder = root / "candidates"
    folder.mkdir(exist_ok=True)
    (folder / f"{source}.txt").write_bytes(text.encode("utf-8"))
    for number, st in enumerate(statements, 1):
        start = text.index(st.pop("words"))
        end = text.index("\n", start) if "\n" in text[start:] else len(text)
        st.update(id=f"{source}-{number:03d}", quote=text[start:end], offsets=[start, end],
                  status="candidate",
                  rule="test", score=0.5, confidence="explicit")
    doc = {"source": source,
           "article": {"id": source, "file": f"sources/{source}.txt", "title": text.splitlines()[0], "date": date,
                       "text": f"{source}.txt", "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()},
           "entities": [{"status": "candidate", "rule": "test", "score": 0.5, **e} for e in entities],
           "statements": statements}
    path = folder / f"{source}.yaml"
    path.write_text("# Candidates written by a test.\n" + curated.dump(doc), encoding="utf-8")
    return path


def suits(root: Path, date: str = "2025-05-02") -> Path:
    return review_file(root, "suits", date, [
        {"id": "SeveralCities", "type": "JurisdictionGroup", "label": "Several cities", "aliases": ["several cities"]},
        {"id": "ChicagoTeam", "type": "Organization", "label": "Chicago"},
        {"id": "SantaFe2", "type": "City", "label": "Santa Fe"},
        {"id": "SuitAgainstIllinois", "type": "Lawsuit", "label": "Justice Department suit against Illinois"},
    ], [
        {"subject": "DOJ", "relation": "sued", "object": "SeveralCities", "words": "The Justice Department sued"},
        {"subject": "DOJ", "relation": "plaintiffIn", "object": "SuitAgainstIllinois", "words": "The Justice"},
        {"subject": "Illinois", "relation": "defendantIn", "object": "SuitAgainstIllinois", "words": "The Justice"},
    ])


def kg_review(root: Path, path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_kg("--root", str(root), "review", str(path), *args, env=env)


def test_merges_are_suggested_only_within_one_type_and_period(seeds):
    listed = kg_review(seeds, suits(seeds), "--format", "table", env={"COLUMNS": "160"})
    assert listed.returncode == 0, listed.stderr
    told = " ".join(listed.stdout[listed.stdout.index("to resolve before --accept all"):].split())
    # 'several cities' (an alias only its 2016 article could resolve) and a 2016 group: no merge
    assert "SeveralCities" not in told and "CitiesWorkingWithICEOnViolentOffenders" not in told
    assert "ChicagoTeam" not in told  # an organization is not the city
    assert "SantaFe2 may duplicate SantaFe (data/, same name 'Santa Fe')" in told
    # the case data/ has: same plaintiff and defendant in the same year
    assert "SuitAgainstIllinois may duplicate DOJLawsuitAgainstIllinoisAndChicago" in told
    assert "--merge SuitAgainstIllinois=DOJLawsuitAgainstIllinoisAndChicago, or --accept SuitAgainstIllinois" in told


def test_a_case_of_another_period_is_not_a_duplicate(seeds):
    listed = kg_review(seeds, suits(seeds, date="2017-05-02"), "--format", "table", env={"COLUMNS": "160"})
    assert listed.returncode == 0, listed.stderr
    assert "SuitAgainstIllinois" not in listed.stdout.split("to resolve before")[-1]
    assert "SantaFe2 may duplicate SantaFe" in listed.stdout  # a city is a city in any year


def test_accept_all_refuses_until_duplicates_are_merged(seeds):
    path = suits(seeds)
    before = path.read_text(encoding="utf-8")
    refused = kg_review(seeds, path, "--accept", "all")
    assert refused.returncode == 1
    assert "SuitAgainstIllinois may duplicate DOJLawsuitAgainstIllinoisAndChicago" in refused.stderr
    assert "SantaFe2 may duplicate SantaFe" in refused.stderr and "--merge-duplicates" in refused.stderr
    assert path.read_text(encoding="utf-8") == before  # nothing marked
    merged = kg_review(seeds, path, "--merge-duplicates", "--accept", "all", "--format", "csv")
    assert merged.returncode == 0, merged.stderr
    lines = merged.stdout.splitlines()
    assert lines[0].startswith("merged SantaFe2 into SantaFe (0 references") and "[same name 'Santa Fe']" in lines[0]
    assert lines[1].startswith("merged SuitAgainstIllinois into DOJLawsuitAgainstIllinoisAndChicago (2 references")
    assert lines[2] == "accepted 2 entities and 3 statements"  # the merged two were accepted by the merge
    doc = load(path)
    assert {s["object"] for s in doc["statements"]} == {"SeveralCities", "DOJLawsuitAgainstIllinoisAndChicago"}
    applied = kg_review(seeds, path, "--apply")
    assert applied.returncode == 0, applied.stderr
    data = curated.read(seeds / "data", seeds)
    assert "SeveralCities" in data.entities and "SuitAgainstIllinois" not in data.entities
    assert "several cities" in data.entities["SeveralCities"].aliases
    assert "Justice Department suit against Illinois" in data.entities["DOJLawsuitAgainstIllinoisAndChicago"].aliases
    assert run_kg("--root", str(seeds), "check").returncode == 0


def test_merge_drops_names_only_its_article_resolves_and_aliases_can_be_removed(mini):
    path = review_file(mini, "edits", "2025-05-02", [
        {"id": "CityHall", "type": "City", "label": "Springfield City",
         "aliases": ["the city", "Springfield City Hall"]},
        {"id": "Pike", "type": "Person", "label": "Sam Pike", "aliases": ["Pike", "the budget man"]},
        {"id": "Rally", "type": "Event", "label": "Rally"},
    ], [{"subject": "Pike", "relation": "criticized", "object": "CityHall", "words": "The Justice"}])
    done = kg_review(mini, path, "--merge", "CityHall=Springfield", "--remove-alias", "Pike", "the budget man",
                     "--describe", "Rally", "A rally  outside\nthe courthouse.", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:3] == [
        "merged CityHall into Springfield (1 references; names not kept as aliases: 'the city')",
        "removed alias 'the budget man' from Pike",
        "described Rally: A rally outside the courthouse.",
    ]
    doc = load(path)
    springfield = next(e for e in doc["entities"] if e["id"] == "Springfield")
    assert springfield["known"] and springfield["aliases"] == ["Springfield City", "Springfield City Hall"]
    assert next(e for e in doc["entities"] if e["id"] == "Pike")["aliases"] == ["Pike"]
    relabel = kg_review(mini, path, "--relabel", "Rally=Courthouse rally", "--drop-aliases", "--format", "csv")
    assert relabel.stdout.splitlines()[0] == "labelled Rally 'Courthouse rally' ('Rally' not kept as an alias)"
    assert "aliases" not in next(e for e in load(path)["entities"] if e["id"] == "Rally")
    before = path.read_text(encoding="utf-8")
    for args, message in ((("--remove-alias", "Pike", "Sammy"), "Pike has no alias 'Sammy'"),
                          (("--remove-alias", "Pike", "Sam Pike"), "'Sam Pike' is the label of Pike"),
                          (("--describe", "Springfield", "x"), "'Springfield' is an entity data/ already has")):
        refused = kg_review(mini, path, *args)
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    assert path.read_text(encoding="utf-8") == before


def test_add_finds_the_quote_in_the_article_whatever_its_quote_style(seeds):
    path = suits(seeds)
    typed = "\"We're going to win this one,\" Attorney General Pam Bondi said"  # straight quotes, one space
    added = kg_review(seeds, path, "--add", "PamBondi asserts SeveralCities", "--quote", typed, "--format", "csv")
    assert added.returncode == 0, added.stderr
    text = (seeds / "candidates" / "suits.txt").read_text(encoding="utf-8")
    start = text.index("\u201cWe\u2019re")
    end = text.index("Bondi said") + len("Bondi said")
    assert added.stdout.splitlines()[0] == (
        f"added suits-004: PamBondi asserts SeveralCities (accepted), quoting characters {start}-{end}: "
        "\u201c\u201cWe\u2019re going to win this one,\u201d Attorney General Pam Bondi said\u201d")
    st = next(s for s in load(path)["statements"] if s["id"] == "suits-004")
    assert st["quote"] == text[start:end] and "\u2019re  going" in st["quote"]  # verbatim, as stored
    assert st["offsets"] == [start, end] and st["status"] == "accepted"
    again = kg_review(seeds, path, "--add", "PamBondi asserts SeveralCities", "--quote", "going to win")
    assert again.stdout.splitlines()[0] == "suits-004 already states PamBondi asserts SeveralCities: accepted it"
    # across a line break, by sentence number
    numbered = kg_review(seeds, path, "--sentences", "--format", "csv")
    row = next(line for line in numbered.stdout.splitlines() if "chosen criminals over citizens" in line)
    number = row.split(",")[0]
    homan = kg_review(seeds, path, "--add", "ThomasHoman criticized SeveralCities", "--sentence", number)
    assert homan.returncode == 0, homan.stderr
    st = next(s for s in load(path)["statements"] if s["subject"] == "ThomasHoman")
    assert st["quote"].startswith("Tom Homan") and "over\ncitizens" in st["quote"]


@pytest.mark.parametrize(("spec", "quote", "message"), [
    ("Homan threatened SeveralCities", "going to win", "no entity 'Homan' (the subject) in the review file or data/; "
                                                       "did you mean ThomasHoman"),
    ("DOJ sues SeveralCities", "going to win", "no relation 'sues' in the ontology; did you mean sued"),
    ("DOJ sued SeveralCities", "going to lose", "the quote is not in the article: 'going to lose'; nearest is "
                                                "sentence 3"),
    ("DOJ sued SeveralCities", "the state", "the quote occurs 2 times in the article"),
    ("DOJ sued", "going to win", "--add takes \"SUBJECT RELATION OBJECT\""),
])
def test_add_refuses_in_one_line_and_changes_nothing(seeds, spec, quote, message):
    path = suits(seeds)
    before = path.read_text(encoding="utf-8")
    refused = kg_review(seeds, path, "--add", spec, "--quote", quote)
    assert refused.returncode in (1, 2) and message in refused.stderr, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
    assert path.read_text(encoding="utf-8") == before


def test_marks_say_what_they_did(mini):
    path = review_file(mini, "marks", "2025-05-02", [
        {"id": "Pike", "type": "Person", "label": "Sam Pike"},
        {"id": "Rally", "type": "Event", "label": "Rally"},
    ], [{"subject": "Pike", "relation": "criticized", "object": "Springfield", "words": "The Justice"},
        {"subject": "JaneRoe", "relation": "criticized", "object": "Springfield", "words": "Tom Homan"}])
    rejected = kg_review(mini, path, "--reject", "Pike", "--reject", "Rally", "--format", "csv")
    assert rejected.stdout.splitlines()[:2] == ["rejected Pike and the 1 statement(s) that use it: marks-001",
                                                "rejected Rally"]
    accepted = kg_review(mini, path, "--accept", "all", "--format", "csv")
    assert accepted.stdout.splitlines()[0] == "accepted 0 entities and 1 statements (3 rejected left out)"
    before = tree_hash(mini / "data")
    applied = kg_review(mini, path, "--apply")
    assert applied.stdout.strip() == "added source 'marks': 0 entities, 0 aliases, 1 statements " \
                                     "(run 'kg build' to publish)"
    assert tree_hash(mini / "data") != before and run_kg("--root", str(mini), "check").returncode == 0


def _in_terminal(args: list[str], columns: int = 80, lines: int = 24) -> str:
    """What `kg` prints to a terminal of `columns` x `lines`."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": str(lines), "TERM": "dumb", "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "kg", *args], stdout=slave, stderr=subprocess.PIPE,
                               cwd=REPO, env=env)
    os.close(slave)
    shown = read_terminal(master, 60)
    process.wait(timeout=60)
    return shown.decode("utf-8").replace("\r\n", "\n")


def test_listing_shows_whole_quotes_wrapped_and_says_how_to_see_the_rest(seeds):
    path = suits(seeds)
    shown = _in_terminal(["--root", str(seeds), "review", str(path)], lines=20)
    assert max(len(line) for line in shown.splitlines()) <= 80
    assert "--all lists every row" in shown and "rows shown" in shown
    every = _in_terminal(["--root", str(seeds), "review", str(path), "--all"], lines=20)
    assert "rows shown" not in every and "suits-003" in every
    words = " ".join(every.replace("\u2502", " ").split())
    governor = ("The state\u2019s governor called the suit a stunt that would not survive a first hearing in any "
                "federal court of the United States, and said the state would fight it through every appeal it "
                "is allowed.")
    assert " ".join(governor.split()) not in words  # not a candidate's sentence ...
    assert "Homan, the border czar" not in words
    sued = ("The Justice Department sued the state of Illinois again this spring, and it sued several cities that "
            "refused to hold people for ICE. \u201cWe\u2019re going to win this one,\u201d Attorney General Pam "
            "Bondi said.")
    assert sued in words  # ... but this one, whole, wrapped between words


def test_a_near_spelling_is_listed_but_merged_only_by_the_reviewer(seeds):
    path = review_file(seeds, "typo", "2025-05-02", [
        {"id": "TransportTypo", "type": "GovernmentAgency", "label": "Department of Transportaton"},
    ], [{"subject": "TransportTypo", "relation": "criticized", "object": "Chicago", "words": "The Justice"}])
    left = kg_review(seeds, path, "--merge-duplicates", "--accept", "all")
    assert left.returncode == 1
    assert left.stdout.startswith("left TransportTypo: TransportTypo may duplicate DepartmentOfTransportation "
                                  "(data/, near spelling 'department of transportation')")
    assert "TransportTypo may duplicate DepartmentOfTransportation" in left.stderr  # --accept all refused
    kept = kg_review(seeds, path, "--accept", "TransportTypo", "--accept", "all", "--format", "csv")
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.splitlines()[:2] == ["accepted TransportTypo", "accepted 0 entities and 1 statements"]


def test_accept_all_leaves_what_kg_check_would_refuse_and_apply_goes_through(mini):
    path = review_file(mini, "later", "2025-05-02", [], [
        {"subject": "JaneRoe", "relation": "criticized", "object": "Springfield", "words": "The Justice"},
        {"subject": "Springfield", "relation": "sued", "object": "JaneRoe", "words": "Tom Homan",
         "date": "2025-07-01"},
    ])
    accepted = kg_review(mini, path, "--accept", "all", "--format", "csv")
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.splitlines()[:2] == [
        "accepted 0 entities and 1 statements; 1 left as candidates, as 'kg check' would refuse them "
        "(fix, or --reject):",
        "  later-002: valid-time: dated 2025-07-01, after its source was published (2025-05-02): "
        "an act reported cannot have happened later"]
    assert [s["status"] for s in load(path)["statements"]] == ["accepted", "candidate"]
    applied = kg_review(mini, path, "--apply")
    assert applied.returncode == 0 and "1 statements" in applied.stdout, applied.stderr
    refused = kg_review(mini, path, "--accept", "later-002", "--apply")  # accepted by hand: apply says why
    assert refused.returncode == 1 and "valid-time" in refused.stderr


def test_apply_completes_a_source_an_earlier_apply_left_without_statements(mini):
    """As the old `--apply` did with nothing accepted: the source in data/, nothing else."""
    path = review_file(mini, "legacy", "2025-05-02", [{"id": "Pike", "type": "Person", "label": "Sam Pike"}],
                       [{"subject": "Pike", "relation": "criticized", "object": "Springfield", "words": "The Justice"}])
    shutil.copy(path.with_suffix(".txt"), mini / "data" / "sources" / "legacy.txt")
    with open(mini / "data" / "sources.yaml", "a", encoding="utf-8") as handle:
        handle.write("  - id: legacy\n    file: sources/legacy.txt\n    title: An earlier apply\n    date: 2025-05-02\n")
    assert run_kg("--root", str(mini), "check").returncode == 0
    done = kg_review(mini, path, "--accept", "all", "--apply", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "added to source 'legacy': 1 entities, 0 aliases, 1 statements " \
                                           "(run 'kg build' to publish)"
    data = curated.read(mini / "data", mini)
    assert [s.id for s in data.statements.values() if s.source == "legacy"] == ["legacy-001"]
    assert (mini / "data" / "sources.yaml").read_text(encoding="utf-8").count("id: legacy") == 1


def test_ambiguities_offer_only_entities_of_the_same_type_and_period(seeds):
    path = review_file(seeds, "options", "2025-05-02", [
        {"id": "SomeCities", "type": "JurisdictionGroup", "label": "Some cities",
         "ambiguous": ["CitiesWorkingWithICEOnViolentOffenders"]},
        {"id": "Homan2", "type": "Person", "label": "Mr. Homan", "ambiguous": ["ThomasHoman", "Chicago"]},
    ], [])
    listed = kg_review(seeds, path, "--format", "table", env={"COLUMNS": "200"})
    told = " ".join(listed.stdout[listed.stdout.index("to resolve before --accept all"):].split())
    assert "SomeCities" not in told  # the 2016 group was the only option: nothing to resolve
    assert "Homan2 may be ThomasHoman: --merge Homan2=ONE, or --accept Homan2 to keep it new" in told


@pytest.mark.parametrize("typed", ['"wait... no" - then', "\u201cwait\u2026 no\u201d \u2014 then", "wait...  no\" -\nthen"])
def test_a_quote_matches_whatever_its_quotes_dashes_ellipses_and_spacing(typed):
    from kg.ingest.additions import find_quote

    text = "He said \u201cwait\u2026 no\u201d \u2014 then left. He said \u201cwait\u2026 yes\u201d."
    start, end = find_quote(text, typed)
    assert text[start:end].strip("\u201c") == "wait\u2026 no\u201d \u2014 then"
