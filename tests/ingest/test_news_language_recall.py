"""More news constructions, each in a sentence written for this test (invented places and people)."""

from __future__ import annotations

from kg.builder.curated import Entity, Loc
from kg.ingest import extract

LOC = Loc("data/entities/test.yaml", 1)


def _known(*specs) -> dict[str, Entity]:
    return {ident: Entity(ident, type_, label, LOC, list(aliases)) for ident, type_, label, *aliases in specs}


KNOWN = _known(
    ("DOJ", "GovernmentAgency", "Department of Justice", "Justice Department"),
)


def _triples(text: str, onto, date: str = "2025-03-03", known=KNOWN) -> set[tuple[str, str, str]]:
    found = extract(text, date=date, known=known, onto=onto)
    return {(s.subject, s.relation, s.object) for s in found.statements if not s.mode}


def test_an_object_after_a_second_verb_belongs_to_that_verb(onto):
    known = _known(("DOJ", "GovernmentAgency", "Department of Justice", "Justice Department"),
                   ("ClaraVance", "Person", "Clara Vance", "Vance"))
    text = "Clara Vance criticized the decision and said the Justice Department was studying it."
    assert ("ClaraVance", "criticized", "DOJ") not in _triples(text, onto, known=known)
    # (while a list after one verb still gives one statement each)
    text = "Clara Vance criticized the Justice Department and the Harlow City Council."
    assert ("ClaraVance", "criticized", "DOJ") in _triples(text, onto, known=known)


def test_a_number_after_town_of_is_no_town(onto):
    found = extract("Marsh Falls, a mill town of 9,000 people, is the county seat.", date="2025-04-10",
                    known={}, onto=onto)
    assert not [e for e in found.entities.values() if e.label[:1].isdigit()]


