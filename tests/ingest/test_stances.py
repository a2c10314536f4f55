"""Stances, threats, policies and claims, each in a sentence written for this test (invented places
and people): the right relation between the right ends, and never a threat or a refusal as the act."""

from __future__ import annotations

from kg.builder.curated import Entity, Loc
from kg.ingest import extract

LOC = Loc("data/entities/test.yaml", 1)
KNOWN = {ident: Entity(ident, type_, label, LOC, []) for ident, type_, label in (
    ("BorderPatrol", "GovernmentAgency", "Border Patrol"),
    ("MarshCounty", "County", "Marsh County"),
    ("NoraPike", "Person", "Nora Pike"),
    ("MarshCountySheriffsOffice", "GovernmentAgency", "Marsh County Sheriff's Office"),
    ("FourthAmendment", "ConstitutionalProvision", "Fourth Amendment"),
    ("ICE", "GovernmentAgency", "Immigration and Customs Enforcement"),
)}


def _statements(text: str, onto) -> list:
    return extract(text, date="2025-06-02", known=KNOWN, onto=onto).statements


def _triples(statements, mode=None) -> set[tuple[str, str, str]]:
    return {(s.subject, s.relation, s.object) for s in statements if s.mode == mode}


def test_a_warning_of_loss_is_a_threat_and_never_the_loss(onto):
    found = _statements("Governor Nora Pike warned Marsh County that it could lose its road money.", onto)
    assert ("NoraPike", "threatened", "MarshCounty") in _triples(found)
    assert not {s for s in found if s.relation == "withheldFunding" and not s.mode}


def test_a_condition_said_as_a_warning_is_a_threat_to_the_one_addressed(onto):
    found = _statements('"If Marsh County does not comply, it will pay for it," Nora Pike said.', onto)
    assert ("NoraPike", "threatened", "MarshCounty") in _triples(found)
    kept = _statements('"If Marsh County complies, it will keep its grants," Nora Pike said.', onto)
    assert ("NoraPike", "threatened", "MarshCounty") not in _triples(kept)


def test_refusing_to_let_someone_help_is_a_refusal_never_cooperation(onto):
    found = _statements("Nora Pike refused to let the Marsh County Sheriff's Office help the Border Patrol.", onto)
    triples = _triples(found)
    assert ("NoraPike", "refusedToCooperate", "BorderPatrol") in triples
    assert not {t for t in triples if t[1] == "cooperatedWith"}


def test_what_a_policy_bars_is_prohibited_and_a_bill_that_would_bar_is_no_threat(onto):
    text = "The county's new ordinance bars the Marsh County Sheriff's Office from helping the Border Patrol."
    triples = _triples(_statements(text, onto))
    assert {(o, r) for _, r, o in triples if r == "prohibited"} == {
        ("MarshCountySheriffsOffice", "prohibited"), ("BorderPatrol", "prohibited")}
    would = _statements("The county's new ordinance would bar the Marsh County Sheriff's Office from "
                        "helping the Border Patrol.", onto)
    assert not {s for s in would if s.relation == "threatened"}
    assert {s.mode for s in would if s.relation == "prohibited"} == {"hypothetical"}


def test_a_claim_challenges_the_policy_and_invokes_the_provision_it_names(onto):
    found = _statements("Marsh County argues that the state's new jail rule violates the Fourth Amendment.", onto)
    [claim] = {s.object for s in found if s.relation == "asserts" and s.subject == "MarshCounty"}
    relations = {(s.relation, s.object) for s in found if s.subject == claim}
    assert ("invokes", "FourthAmendment") in relations
    assert any(r == "challenges" for r, _ in relations)
    negated = _statements("Marsh County argues that the state's new jail rule does not violate the Fourth "
                          "Amendment.", onto)
    assert not {s for s in negated if s.relation == "challenges"}


def test_a_critic_of_someone_criticizes_them(onto):
    found = _statements("Nora Pike, a longtime critic of the Border Patrol, spoke first.", onto)
    assert ("NoraPike", "criticized", "BorderPatrol") in _triples(found)


def test_an_arrest_held_out_is_a_threat_and_one_made_is_the_act(onto):
    for text in ("Nora Pike vowed to detain the Marsh County Sheriff's Office.",
                 "Nora Pike said she was willing to throw the Marsh County Sheriff's Office in jail."):
        held_out = _triples(_statements(text, onto))
        assert ("NoraPike", "threatened", "MarshCountySheriffsOffice") in held_out
        assert not {t for t in held_out if t[1] == "targeted"}
    done = _triples(_statements("Nora Pike detained the Marsh County Sheriff's Office on Friday.", onto))
    assert ("NoraPike", "targeted", "MarshCountySheriffsOffice") in done


def test_holding_people_only_on_a_warrant_or_no_longer_is_a_refusal_never_cooperation(onto):
    for text in ("Sheriff Nora Pike will hold people for Immigration and Customs Enforcement only when a judge "
                 "has signed a warrant.",
                 "Sheriff Nora Pike stopped honoring detainer requests from Immigration and Customs Enforcement.",
                 "Sheriff Nora Pike limits her cooperation with Immigration and Customs Enforcement."):
        triples = _triples(_statements(text, onto))
        assert {r for _, r, o in triples if o == "ICE"} == {"refusedToCooperate"}, text
