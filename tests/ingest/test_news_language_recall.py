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


def test_a_body_named_by_its_place_is_part_of_it_known_or_new(onto):
    known = _known(("Ashford", "City", "Ashford"), ("Lakemont", "County", "Lakemont"),
                   ("AshfordPolice", "GovernmentAgency", "Ashford Police Department", "Ashford police"))
    text = ("Ashford police do not ask callers where they were born. In nearby Lakemont, the "
            "Lakemont Sheriff's Office keeps its own records.")
    found = extract(text, date="2025-03-03", known=known, onto=onto)
    triples = {(s.subject, s.relation, s.object) for s in found.statements}
    assert ("AshfordPolice", "partOf", "Ashford") in triples
    office = next(e.id for e in found.entities.values() if e.label == "Lakemont Sheriff's Office")
    assert (office, "partOf", "Lakemont") in triples
    # a body whose name only starts like a place's is not made part of it
    found = extract("The Ashford Valley Police Department said nothing.", date="2025-03-03", known=known, onto=onto)
    assert not [s for s in found.statements if s.relation == "partOf"]


def test_who_passed_a_law_in_a_relative_clause_or_a_passive(onto):
    known = _known(("Oakvale", "City", "Oakvale"))
    text = ("In Oakvale, the fight is over the Open Door Ordinance, which the City Council passed in 2021. "
            "A second measure, the Tenant Protection Ordinance, approved by the City Council in 2022, "
            "caps rents.")
    triples = _triples(text, onto, known=known)
    assert ("OakvaleCityCouncil", "enacted", "OpenDoorOrdinance") in triples
    assert ("OakvaleCityCouncil", "enacted", "TenantProtectionOrdinance") in triples
    # 'said that X passed': the person spoken of is no law
    said = _triples("Mayor Ann Roe said that the City Council passed in haste.", onto, known=known)
    assert not [t for t in said if t[1] == "enacted"]


def test_a_suit_alleging_a_law_is_unlawful_is_the_plaintiffs_claim_against_that_law(onto):
    known = _known(("DOJ", "GovernmentAgency", "Department of Justice", "Justice Department"),
                   ("Oakvale", "City", "Oakvale"))
    text = ("The Justice Department sued Oakvale on Tuesday, alleging that the city's shelter ordinance "
            "illegally obstructs federal agents. The ordinance was approved by the City Council in 2020.")
    found = extract(text, date="2025-03-03", known=known, onto=onto)
    triples = {(s.subject, s.relation, s.object) for s in found.statements}
    claim = next(e.id for e in found.entities.values() if e.type == "LegalClaim")
    ordinance = next(e.id for e in found.entities.values() if e.type == "Ordinance")
    assert ("DOJ", "asserts", claim) in triples  # not the ordinance, which is named after the verb
    assert (claim, "challenges", ordinance) in triples and (claim, "challenges", "Oakvale") not in triples
    # 'the ordinance' later is the same ordinance, not a second one
    assert [e.type for e in found.entities.values()].count("Ordinance") == 1
    assert ("OakvaleCityCouncil", "enacted", ordinance) in triples


def test_acts_a_memo_tells_someone_to_do_are_not_done_nor_threats_by_the_one_told(onto):
    known = _known(("DOJ", "GovernmentAgency", "Department of Justice", "Justice Department"),
                   ("ClaraVance", "Person", "Clara Vance", "Vance"),
                   ("Harlow", "City", "Harlow"), ("Brisk", "City", "Brisk"))
    text = ("The suit targets a memo from Clara Vance that told the Justice Department to cut off funds "
            "to Harlow and to investigate Brisk.")
    found = extract(text, date="2025-03-03", known=known, onto=onto)
    acts = {(s.subject, s.relation, s.object) for s in found.statements if s.relation != "holdsRole"}
    assert not {t for t in acts if t[0] == "DOJ" or t[1] in ("withheldFunding", "investigated")}, acts


def test_an_object_after_a_second_verb_belongs_to_that_verb(onto):
    known = _known(("DOJ", "GovernmentAgency", "Department of Justice", "Justice Department"),
                   ("ClaraVance", "Person", "Clara Vance", "Vance"))
    text = "Clara Vance criticized the decision and said the Justice Department was studying it."
    assert ("ClaraVance", "criticized", "DOJ") not in _triples(text, onto, known=known)
    # (while a list after one verb still gives one statement each)
    text = "Clara Vance criticized the Justice Department and the Harlow City Council."
    assert ("ClaraVance", "criticized", "DOJ") in _triples(text, onto, known=known)


def test_the_administration_is_the_named_presidents_when_the_graph_knows_it(onto):
    known = _known(("TrumpAdministration", "GovernmentAgency", "Trump administration"),
                   ("ObamaAdministration", "GovernmentAgency", "Obama administration"),
                   ("DonaldTrump", "Person", "Donald Trump", "Trump"),
                   ("Harlow", "City", "Harlow"), ("Ohio", "State", "Ohio"))
    text = ("President Donald Trump wants results. According to two people briefed on the talks, "
            "the administration plans to sue Harlow and the state of Ohio.")
    triples = _triples(text, onto, known=known)
    assert {("TrumpAdministration", "threatened", "Harlow"), ("TrumpAdministration", "threatened", "Ohio")} <= triples
    assert not [t for t in triples if t[1] == "sued"]  # a plan to sue is a threat, not a suit
    # no president named: 'the administration' stays unresolved
    assert not _triples("The administration plans to sue Harlow, officials said.", onto, known=known)


def test_a_district_judge_sits_on_the_one_district_court_named_and_a_dismissal_rules_both_ways(onto):
    known = _known(("DOJ", "GovernmentAgency", "Department of Justice", "Justice Department"),
                   ("Harlow", "City", "Harlow"), ("Ohio", "State", "Ohio"))
    text = ("The Justice Department sued Ohio and Harlow in March in the U.S. District Court for the "
            "Southern District of Ohio. On Friday, U.S. District Judge Mara Quill dismissed the Justice "
            "Department's suit against Ohio and Harlow.")
    triples = _triples(text, onto, date="2025-06-03", known=known)
    assert ("MaraQuill", "holdsRole", "SouthernDistrictOfOhio") in triples
    assert {("SouthernDistrictOfOhio", "ruledAgainst", "DOJ"), ("MaraQuill", "opposed", "DOJ"),
            ("SouthernDistrictOfOhio", "ruledFor", "Ohio"), ("SouthernDistrictOfOhio", "ruledFor", "Harlow")} <= triples
    # two district courts named: which one is the judge's is not guessed
    text = text.replace("Southern District of Ohio.", "Southern District of Ohio, then moved to the "
                        "U.S. District Court for the Northern District of Ohio.")
    assert not [t for t in _triples(text, onto, date="2025-06-03", known=known) if t[0] == "MaraQuill"]


def test_local_titles_without_a_place_belong_to_the_datelined_city(onto):
    known = _known(("Harlow", "City", "Harlow"), ("Brisk", "City", "Brisk"))
    text = ("Harlow weighs a lawsuit\n\n"
            "HARLOW - City Manager Rosa Lind said Harlow could lose grants. Council member Omar Hale "
            "said the City Council would meet on Monday.")
    triples = _triples(text, onto, known=known)
    assert ("RosaLind", "holdsRole", "Harlow") in triples
    assert ("OmarHale", "holdsRole", "HarlowCityCouncil") in triples
    # another city named before the title: whose manager she is is not guessed
    text = text.replace("City Manager Rosa Lind said Harlow", "Brisk officials called. City Manager Rosa Lind said it")
    assert not [t for t in _triples(text, onto, known=known) if t[:2] == ("RosaLind", "holdsRole")]
    # no dateline: no guess either
    assert not [t for t in _triples("City Manager Rosa Lind said Harlow could lose grants.", onto, known=known)
                if t[1] == "holdsRole"]


def test_refusing_to_help_an_agency_is_a_refusal_to_cooperate(onto):
    known = _known(("Harlow", "City", "Harlow"),
                   ("ICE", "GovernmentAgency", "Immigration and Customs Enforcement", "ICE"))
    text = "The mayor said again that the Harlow Police Department will not help ICE with raids."
    assert ("HarlowPoliceDepartment", "refusedToCooperate", "ICE") in _triples(text, onto, known=known)
    # help refused to a place is no refusal to cooperate with an agency
    text = "The Harlow Police Department said the grant will not help Harlow much."
    assert not [t for t in _triples(text, onto, known=known) if t[1] == "refusedToCooperate"]


def test_a_name_called_a_city_in_apposition_is_a_city_with_its_own_police(onto):
    text = ("Over in Gull Point, a quiet river town, a 2018 ordinance bars local police from working "
            "with federal agents.")
    found = extract(text, date="2025-03-03", known={}, onto=onto)
    assert found.entities["GullPoint"].type == "City"
    triples = {(s.subject, s.relation, s.object) for s in found.statements}
    assert ("GullPointPoliceDepartment", "partOf", "GullPoint") in triples
    assert ("GullPointOrdinanceOf2018", "prohibited", "GullPointPoliceDepartment") in triples
    # 'X, a city official,' is no city
    found = extract("Ann Roe, a city official, said no.", date="2025-03-03", known={}, onto=onto)
    assert all(e.type != "City" for e in found.entities.values())


def test_critics_of_someone_speak_for_themselves(onto):
    known = _known(("AnnRoe", "Person", "Ann Roe", "Roe"))
    found = extract("Critics of Ann Roe say the plan wastes money.", date="2025-03-03", known=known, onto=onto)
    speakers = [s.subject for s in found.statements if s.relation == "asserts"]
    assert [found.entities[x].label for x in speakers] == ["Critics of Ann Roe"]


def test_a_suit_filed_on_a_day_against_someone_is_a_suit(onto):
    known = _known(("Ohio", "State", "Ohio"))
    text = "Marsh County filed a lawsuit on Tuesday against the state of Ohio, arguing the law is unconstitutional."
    found = extract(text, date="2025-04-10", known=known, onto=onto)
    sued = [s for s in found.statements if s.relation == "sued"]
    assert [(s.subject, s.object, s.date) for s in sued] == [("MarshCounty", "Ohio", "2025-04-08")]
    assert any(e.type == "Lawsuit" for e in found.entities.values())


def test_a_number_after_town_of_is_no_town(onto):
    found = extract("Marsh Falls, a mill town of 9,000 people, is the county seat.", date="2025-04-10",
                    known={}, onto=onto)
    assert not [e for e in found.entities.values() if e.label[:1].isdigit()]


def test_critics_of_someone_else_are_not_a_known_group_of_critics(onto):
    known = _known(("PolicyCritics", "Group", "Critics of sanctuary policies", "Critics"),
                   ("MarshCounty", "County", "Marsh County"))
    found = extract("Critics of Marsh County say the suit wastes money.", date="2025-04-10", known=known, onto=onto)
    assert "PolicyCritics" not in {s.subject for s in found.statements}
    found = extract("Critics say the policy wastes money.", date="2025-04-10", known=known, onto=onto)
    assert "PolicyCritics" in {s.subject for s in found.statements}


def test_a_title_set_off_before_a_name_gives_the_role(onto):
    known = _known(("DOJ", "GovernmentAgency", "U.S. Department of Justice", "Justice Department"))
    found = extract("The attorney general, Nora Fisk, said the department would appeal.", date="2025-03-03",
                    known=known, onto=onto)
    roles = [(s.subject, s.object, s.title) for s in found.statements if s.relation == "holdsRole"]
    assert roles == [("NoraFisk", "DOJ", "Attorney General")]
