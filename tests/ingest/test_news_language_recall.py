"""More news constructions, each in a sentence written for this test (invented places and people)."""

from __future__ import annotations

import pytest

from conftest import REPO
from kg import ontology
from kg.builder.curated import Entity, Loc
from kg.ingest import extract

LOC = Loc("data/entities/test.yaml", 1)


def _known(*specs) -> dict[str, Entity]:
    return {ident: Entity(ident, type_, label, LOC, list(aliases)) for ident, type_, label, *aliases in specs}


KNOWN = _known(
    ("DOJ", "GovernmentAgency", "Department of Justice", "Justice Department"),
)


@pytest.fixture(scope="module")
def onto():
    return ontology.load(REPO / "ontology")


def _triples(text: str, onto, date: str = "2025-03-03", known=KNOWN) -> set[tuple[str, str, str]]:
    found = extract(text, date=date, known=known, onto=onto)
    return {(s.subject, s.relation, s.object) for s in found.statements if not s.mode}


def test_the_city_of_a_place_is_the_place_and_its_council_is_named_by_it(onto):
    text = ("Justice Department sues Fernhill over shelter rules\n\n"
            "The Justice Department on Friday sued the City of Fernhill and the City Council over "
            "the city's shelter rules.")
    found = extract(text, date="2025-03-03", known=KNOWN, onto=onto)
    assert found.entities["Fernhill"].label == "Fernhill"
    assert "City of Fernhill" in found.entities["Fernhill"].aliases
    triples = {(s.subject, s.relation, s.object) for s in found.statements}
    assert {("DOJ", "sued", "Fernhill"), ("DOJ", "sued", "FernhillCityCouncil"),
            ("FernhillCityCouncil", "partOf", "Fernhill")} <= triples
    # the headline's suit and the fuller sentence's suit are one lawsuit
    suits = [e for e in found.entities.values() if e.type == "Lawsuit"]
    assert len(suits) == 1 and "Fernhill City Council" in suits[0].label
