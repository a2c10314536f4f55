"""Roles and memberships read by ingest (kg/ingest/roles.py, rules/titles.yaml, rules/affiliation.yaml),
in sentences written for this test (invented places and people)."""

from __future__ import annotations

import pytest

from kg.builder.curated import Entity, Loc
from kg.ingest import extract


def _known(*entities):
    return {e[0]: Entity(e[0], e[1], e[2], Loc("entities/test.yaml", 1), list(e[3])) for e in entities}


def _triples(text: str, onto, **kw) -> set[tuple[str, str, str]]:
    return {(s.subject, s.relation, s.object) for s in extract(text, date="2025-03-03", onto=onto, **kw).statements}


def test_a_title_of_its_body_before_the_name(onto):
    triples = _triples("Secretary of Homeland Security Dale Hunt visited the port.", onto)
    assert ("DaleHunt", "holdsRole", "DepartmentOfHomelandSecurity") in triples


def test_us_before_a_title_is_no_body_and_a_state_is_one(onto):
    assert ("RuthHale", "holdsRole", "DepartmentOfJustice") in _triples(
        "U.S. Attorney General Ruth Hale opened an inquiry.", onto)
    assert ("RuthHale", "holdsRole", "Ohio") in _triples("Ohio Attorney General Ruth Hale opened an inquiry.", onto)


def test_a_nationality_before_a_title_is_not_its_default_country(onto):
    assert not [t for t in _triples("Mexican President Alma Reyes signed the treaty.", onto) if t[2] == "UnitedStates"]


def test_a_lawmaker_sits_in_congress_unless_the_article_speaks_of_a_statehouse(onto):
    assert ("PaulOrtiz", "holdsRole", "USSenate") in _triples("Sen. Paul Ortiz voted against the bill.", onto)
    statehouse = _triples("The Ohio Legislature passed the bill on Monday. Sen. Paul Ortiz voted against it.", onto)
    assert not [t for t in statehouse if t[0] == "PaulOrtiz" and t[1] == "holdsRole"]


def test_an_attorney_general_in_an_article_about_state_attorneys_general_is_not_the_justice_departments(onto):
    assert ("RuthHale", "holdsRole", "DepartmentOfJustice") in _triples(
        "Attorney General Ruth Hale opened an inquiry.", onto)
    states = _triples("Twelve state attorneys general sued the agency. Attorney General Ruth Hale said the rule "
                      "was unlawful.", onto)
    assert ("RuthHale", "holdsRole", "DepartmentOfJustice") not in states
    # a statehouse story: the attorney general beside a governor and a legislature is the state's
    statehouse = _triples("The county sued Gov. Omar Wills and Attorney General Ruth Hale. The Legislature passed "
                          "the law in March.", onto)
    assert ("RuthHale", "holdsRole", "DepartmentOfJustice") not in statehouse


def test_a_second_title_in_apposition_gives_a_second_role(onto):
    triples = _triples("Commissioner Maria Lopez, chair of the Harbor Port Authority, opened the meeting.", onto)
    assert ("MariaLopez", "holdsRole", "HarborPortAuthority") in triples


def test_a_czar_belongs_to_the_administration_the_article_names_or_the_graphs_one(onto):
    smith = _known(("SmithAdministration", "GovernmentAgency", "Smith administration", []))
    assert ("MariaLopez", "holdsRole", "SmithAdministration") in _triples(
        "Drug czar Maria Lopez toured the port in Dayton, Ohio.", onto, known=smith)
    two = _known(("SmithAdministration", "GovernmentAgency", "Smith administration", []),
                 ("JonesAdministration", "GovernmentAgency", "Jones administration", []))
    assert not [t for t in _triples("Drug czar Maria Lopez toured the port in Dayton, Ohio.", onto, known=two)
                if t[1] == "holdsRole"]
    named = _triples("The Jones administration sent help to Dayton, Ohio. Drug czar Maria Lopez toured the port.",
                     onto, known=two)
    assert ("MariaLopez", "holdsRole", "JonesAdministration") in named


def test_a_council_member_sits_on_the_council_named_before(onto):
    triples = _triples("The Dayton City Council voted 5-2 on Monday. Council member Maria Lopez opposed the plan.", onto)
    assert ("MariaLopez", "holdsRole", "DaytonCityCouncil") in triples


def test_a_generic_council_after_the_city_council_of_one_place_is_that_council(onto):
    known = _known(("Dayton", "City", "Dayton", []))
    found = extract("Flooding hit Dayton on Monday. The City Council met on Tuesday. Council member Maria Lopez "
                    "said the Council would ask for state aid.", date="2025-03-03", onto=onto, known=known)
    councils = {m.entity for m in found.mentions if "Council" in m.text}
    assert councils == {"DaytonCityCouncil"}


@pytest.mark.parametrize("sentence, person, party", [
    ("Republican Sen. Paul Ortiz voted against the bill.", "PaulOrtiz", "Republicans"),
    ("Rep. Maria Lopez, D-Ohio, voted for the bill.", "MariaLopez", "Democrats"),
])
def test_a_party_beside_a_title_is_membership_not_a_role(onto, sentence, person, party):
    triples = _triples(sentence, onto)
    assert (person, "memberOf", party) in triples
    assert (person, "holdsRole", party) not in triples


def test_a_national_title_standing_alone_is_the_one_person_the_graph_gives_it(onto):
    known = _known(("EdLyle", "Person", "Ed Lyle", []), ("JoLane", "Person", "Jo Lane", []),
                   ("SmithAdministration", "GovernmentAgency", "Smith administration", []))
    roles = {"border czar": {"EdLyle"}, "city attorney": {"JoLane"}}
    found = extract("The border czar toured Dayton, Ohio, on Monday. The city attorney criticized the visit.",
                    date="2025-03-03", onto=onto, known=known, roles=roles)
    linked = {m.text: m.entity for m in found.mentions}
    assert linked.get("border czar") == "EdLyle"
    assert ("EdLyle", "holdsRole", "SmithAdministration") in {(s.subject, s.relation, s.object)
                                                              for s in found.statements}
    assert "JoLane" not in linked.values()  # a city attorney is another person in each city


def test_an_office_named_with_its_body_and_no_name_is_an_unnamed_person(onto):
    found = extract("Flooding hit Dayton, Ohio, on Monday. The Dayton police chief closed two roads.",
                    date="2025-03-03", onto=onto)
    [chief] = [e for e in found.entities.values() if e.type == "Person"]
    assert chief.label == "Dayton police chief"
    assert (chief.id, "holdsRole", "Dayton") in {(s.subject, s.relation, s.object) for s in found.statements}


def test_a_named_person_is_no_unnamed_office_holder(onto):
    found = extract("Dayton Police Chief Maria Lopez spoke first. The Dayton police chief said the roads were closed.",
                    date="2025-03-03", onto=onto)
    assert [e.id for e in found.entities.values() if e.type == "Person"] == ["MariaLopez"]


def test_staff_of_a_named_body_belong_to_it_and_without_one_nothing(onto):
    assert ("MariaLopez", "memberOf", "LakeviewUniversity") in _triples(
        "Maria Lopez, a professor at Lakeview University, wrote the study.", onto)
    assert ("MariaLopez", "memberOf", "HarborTenantsAlliance") in _triples(
        "Maria Lopez, a member of the Harbor Tenants Alliance, spoke first.", onto)
    assert not _triples("Maria Lopez, an economist, wrote the study.", onto)


def test_the_office_of_a_title_naming_its_place_is_an_agency_of_it(onto):
    found = extract("Flooding hit Akron, Ohio, in May. The Akron city solicitor's office sued the state.",
                    date="2025-03-03", onto=onto)
    [office] = [e for e in found.entities.values() if e.type == "GovernmentAgency"]
    assert office.label == "Akron city solicitor's office"
    triples = {(s.subject, s.relation, s.object) for s in found.statements}
    assert {(office.id, "partOf", "Akron"), (office.id, "sued", "Ohio")} <= triples


@pytest.mark.parametrize("sentence, leader, body", [
    ("Maria Lopez, who heads the Harbor Tenants Alliance, spoke first.", "MariaLopez", "HarborTenantsAlliance"),
    ("The Harbor Tenants Alliance, led by Maria Lopez, sued the city of Dayton.", "MariaLopez",
     "HarborTenantsAlliance"),
])
def test_who_leads_a_body(onto, sentence, leader, body):
    assert (leader, "leads", body) in _triples(sentence, onto)


def test_a_judge_whose_paragraph_speaks_of_the_majority_sits_on_the_appeals_court(onto):
    text = ("U.S. District Judge Nora Pike of the Southern District of Ohio blocked the rule in May.\n\n"
            "A divided panel of the U.S. Court of Appeals for the Sixth Circuit upheld the order on Tuesday. "
            "Writing for the majority, Judge Ana Cole agreed. \"The rule fails,\" she wrote. "
            "Judge Lee Park joined the opinion.")
    triples = _triples(text, onto)
    assert ("LeePark", "holdsRole", "SixthCircuit") in triples
    assert ("NoraPike", "holdsRole", "SouthernDistrictOfOhio") in triples


def test_a_generic_board_after_a_board_named_in_full_is_that_board(onto):
    found = extract("The Board of Supervisors voted 3-2 on Monday. Supervisor Maria Lopez said the Board would "
                    "appeal, and the Board hired a lawyer.", date="2025-03-03", onto=onto)
    boards = {m.entity for m in found.mentions if "Board" in m.text}
    assert len(boards) == 1
