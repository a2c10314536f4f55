"""Frames whose two ends are named in one sentence, each in a sentence written for this test
(invented places and people): the relation the sentence says, not the act it only orders or the
mode of a neighbouring verb."""

from __future__ import annotations

from kg.builder.curated import Entity, Loc
from kg.ingest import extract

LOC = Loc("data/entities/test.yaml", 1)
KNOWN = {ident: Entity(ident, type_, label, LOC, []) for ident, type_, label in (
    ("BorderPatrol", "GovernmentAgency", "Border Patrol"),
    ("MarshCounty", "County", "Marsh County"),
    ("NoraPike", "Person", "Nora Pike"),
    ("DaleHunt", "Person", "Dale Hunt"),
    ("LakeCity", "City", "Lake City"),
    ("CoastalTowns", "Group", "coastal towns"),
)}


def _found(text: str, onto):
    return extract(text, date="2025-06-02", known=KNOWN, onto=onto)


def _triples(found, mode=None) -> set[tuple[str, str, str]]:
    return {(s.subject, s.relation, s.object) for s in found.statements if s.mode == mode}


def test_conditions_attached_to_grants_are_issued_by_who_attached_them(onto):
    found = _found("Governor Nora Pike attached new conditions to the road grants of Marsh County.", onto)
    issued = {(s, o) for s, r, o in _triples(found) if r == "issued"}
    assert [found.entities[o].type for s, o in issued if s == "NoraPike"] == ["Policy"]


def test_an_arrest_someone_is_ordered_to_make_is_a_threat_never_the_arrest(onto):
    found = _found("Nora Pike ordered the Border Patrol to arrest Dale Hunt.", onto)
    triples = _triples(found)
    assert ("NoraPike", "threatened", "DaleHunt") in triples
    assert ("NoraPike", "demanded", "BorderPatrol") in triples
    assert not {t for t in triples if t[1] == "targeted"}


def test_a_past_act_keeps_its_own_mode_beside_a_would(onto):
    found = _found("Nora Pike said Marsh County would defend its jail rules in court and accused the Border "
                   "Patrol of lying.", onto)
    triples = _triples(found)
    assert ("MarshCounty", "accused", "BorderPatrol") in triples
    assert not {t for t in triples if t[1] == "threatened"}


def test_a_policy_that_cuts_money_targets_and_an_actor_withholds(onto):
    policy = _triples(_found("The executive order cuts road money to Marsh County.", onto))
    assert {(r, o) for _, r, o in policy} == {("targeted", "MarshCounty")}
    actor = _triples(_found("Nora Pike cut road money to Marsh County.", onto))
    assert ("NoraPike", "withheldFunding", "MarshCounty") in actor


def test_a_judges_injunction_is_the_order_the_judge_issued(onto):
    found = _found("Judge Nora Pike's injunction remains in force.", onto)
    [(subject, relation, order)] = _triples(found)
    assert (subject, relation, found.entities[order].type) == ("NoraPike", "issued", "Event")
    assert not _triples(_found("Nora Pike's house remains for sale.", onto))


def test_a_policy_bars_a_named_body_not_a_plural_of_none(onto):
    named = _triples(_found("The county's new ordinance bars the Border Patrol from its jails.", onto))
    assert {(r, o) for _, r, o in named if r == "prohibited"} == {("prohibited", "BorderPatrol")}
    plural = _triples(_found("The county's new ordinance bars local governments from raising fees.", onto))
    assert not {t for t in plural if t[1] == "prohibited"}


def test_it_is_the_suit_before_it_and_its_plaintiffs_oppose_what_it_asks_a_court_to_void(onto):
    suit = ("Marsh County sued the Border Patrol on Monday. The lawsuit names the agency and Nora Pike as "
            "defendants. It asks the court to declare the new conditions unlawful.")
    found = _found(suit, onto)
    opposed = {(s, found.entities[o].type) for s, r, o in _triples(found) if r == "opposed"}
    assert opposed == {("MarshCounty", "Policy")}
    # with no suit named in its sentence or the one before, an 'it' stands for nothing (never a person or a body)
    far = _found("Marsh County sued the Border Patrol on Monday. Nora Pike spoke at a rally. It asks the "
                 "court to declare the new conditions unlawful.", onto)
    assert not {t for t in _triples(far) if t[1] == "opposed"}


def test_the_named_members_of_a_plural_act_for_it_even_when_the_graph_knows_the_plural(onto):
    found = _found("Several coastal towns, led by Marsh County and including Lake City, sued the Border Patrol "
                   "on Monday.", onto)
    sued = {s for s, r, o in _triples(found) if r == "sued" and o == "BorderPatrol"}
    assert sued == {"MarshCounty", "LakeCity"}


def test_who_vows_to_end_something_opposes_it(onto):
    found = _found("Nora Pike vowed to abolish the Border Patrol.", onto)
    assert ("NoraPike", "opposed", "BorderPatrol") in _triples(found)
    kept = _found("Nora Pike vowed to expand the Border Patrol.", onto)
    assert not {t for t in _triples(kept) if t[1] == "opposed"}


def test_the_city_of_a_name_is_that_city_not_the_one_named_before(onto):
    found = _found("Lake City joined the coalition last year. On Monday the Border Patrol sued the state of Ohio "
                   "and the city of Dayton.", onto)
    sued = {o for s, r, o in _triples(found) if r == "sued" and s == "BorderPatrol"}
    assert "LakeCity" not in sued
    assert {found.entities[o].label for o in sued} == {"Ohio", "Dayton"}
