"""Things an article names only through an act (kg/ingest/acts.py, rules/acts.yaml), on invented
sentences: 'X sued Y' with no 'lawsuit' written makes one suit, with its sides."""

from __future__ import annotations

import pytest

from conftest import REPO
from kg import ontology
from kg.ingest import extract


@pytest.fixture(scope="module")
def onto():
    return ontology.load(REPO / "ontology")


def _suits(found) -> dict[str, dict[str, set[str]]]:
    out: dict[str, dict[str, set[str]]] = {}
    for ident, ent in found.entities.items():
        if ent.type == "Lawsuit":
            out[ident] = {r: {s.subject for s in found.statements if s.relation == r and s.object == ident}
                          for r in ("plaintiffIn", "defendantIn")}
    return out


def test_a_suit_no_noun_names_is_made_with_its_sides_and_labelled_by_them(onto):
    found = extract("Harbor County sued the Department of Labor on Monday. County officials said the new rule "
                    "would hurt farmers.", date="2025-06-02", onto=onto)
    suits = _suits(found)
    assert list(suits.values()) == [{"plaintiffIn": {"HarborCounty"}, "defendantIn": {"DepartmentOfLabor"}}]
    assert found.entities[next(iter(suits))].label == "Harbor County lawsuit against Department of Labor"


def test_the_same_sides_suing_twice_make_one_suit(onto):
    found = extract("Harbor County sued the Department of Labor on Monday. Officials met on Tuesday. "
                    "In May the county sued Labor Secretary Dale Hunt and the Department of Labor over the rule.",
                    date="2025-06-02", onto=onto)
    assert list(_suits(found).values()) == [{"plaintiffIn": {"HarborCounty"},
                                             "defendantIn": {"DepartmentOfLabor", "DaleHunt"}}]


def test_a_suit_with_no_object_takes_the_case_named_after_it(onto):
    found = extract("Harbor County, which sued in March, won a delay on Friday. A judge paused the rule "
                    "while the case goes forward.", date="2025-06-02", onto=onto)
    suits = _suits(found)
    assert len(suits) == 1
    ident, sides = next(iter(suits.items()))
    assert sides["plaintiffIn"] == {"HarborCounty"}
    assert found.entities[ident].label == "Harbor County lawsuit"


def test_a_planned_suit_makes_none(onto):
    found = extract("Harbor County plans to sue the Department of Labor. Officials said the rule would hurt "
                    "farmers.", date="2025-06-02", onto=onto)
    assert not _suits(found)
