"""Entities of the ingest: names the model misses, one referent one entity, and the common nouns
that stand for something named before, in sentences written for this test (invented places and
people)."""

from __future__ import annotations

from kg.builder.curated import Entity, Loc
from kg.ingest import extract


def _found(text: str, onto, known: dict | None = None):
    return extract(text, date="2025-03-03", onto=onto, known=known or {})


def _by_text(found) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in found.mentions:
        out.setdefault(m.text, set()).add(m.entity)
    return out


def test_a_named_law_the_model_missed_is_an_entity_labelled_with_its_owner(onto):
    found = _found("Harbor County's Safe Harbor Act, passed in 2019, bars deputies from holding people.", onto)
    [law] = [e for e in found.entities.values() if e.type == "Statute"]
    assert law.label == "Harbor County Safe Harbor Act"


def test_the_states_act_is_the_act_of_the_state_named_before_and_links_to_the_graph(onto):
    text = "Oregon lawmakers met on Monday. They said the state's Sanctuary Promise Act protects residents."
    [law] = [e for e in _found(text, onto).entities.values() if e.type == "Statute"]
    assert law.label == "Oregon Sanctuary Promise Act"
    known = {"PromiseAct": Entity("PromiseAct", "Statute", "Oregon Sanctuary Promise Act", Loc("x", 1))}
    assert _by_text(_found(text, onto, known))["Sanctuary Promise Act"] == {"PromiseAct"}


def test_a_city_police_and_its_police_department_are_one_body(onto):
    found = _found("Dayton police said on Monday that they would not help. The Dayton Police Department later "
                   "confirmed it.", onto)
    names = _by_text(found)
    assert names["Dayton police"] == names["Dayton Police Department"]
    assert len(names["Dayton police"]) == 1


def test_an_ordinal_is_no_part_of_a_label_but_a_capital_one_of_a_name_is(onto):
    found = _found("Residents welcomed the second appellate ruling of the year.", onto)
    assert [e.label for e in found.entities.values() if e.type == "Event"] == ["Appellate ruling"]
    amendment = _found("The claim rests on the First Amendment, the lawyers said.", onto)
    assert any("First Amendment" in e.label for e in amendment.entities.values())


def test_plural_laws_name_no_statute(onto):
    assert not [e for e in _found("Local laws differ from town to town, the mayor said.", onto).entities.values()
                if e.type == "Statute"]


def test_a_program_named_in_capitals_is_a_program(onto):
    found = _found("Towns that take Rural Water Access Grants must file yearly reports, the agency said.", onto)
    assert [(e.label, e.type) for e in found.entities.values()] == [("Rural Water Access Grants", "Program")]


def test_the_ordinance_is_the_ordinance_named_before(onto):
    found = _found("The Lakeview Tenant Protection Ordinance took effect in May. Landlords said the ordinance would "
                   "raise rents.", onto)
    names = _by_text(found)
    assert names["ordinance"] == names["Lakeview Tenant Protection Ordinance"]


def test_an_acronym_after_a_full_name_is_that_body(onto):
    found = _found("The Federal Aviation Administration opened an inquiry. The FAA said it would report in June.", onto)
    assert _by_text(found)["FAA"] == {"FederalAviationAdministration"}


def test_a_name_before_a_state_is_a_city_and_stays_one(onto):
    # the model reads 'Twin Falls' as a person's name
    found = _found("The grants go to Salem and Twin Falls, Idaho. Officials in Twin Falls said they welcomed the "
                   "money.", onto)
    assert found.entities["TwinFalls"].type == "City"
    assert _by_text(found)["Twin Falls"] == {"TwinFalls"}


def test_an_officials_letter_is_a_directive_and_the_letter_is_it_again(onto):
    found = _found("Secretary Dale Hunt sent a letter to every school district. The letter told districts to "
                   "report their spending.", onto)
    [letter] = [e for e in found.entities.values() if e.type == "Memorandum"]
    assert [m.entity for m in found.mentions if m.text == "letter"] == [letter.id, letter.id]


def test_a_building_is_no_city(onto):
    found = _found("Protesters gathered outside City Hall on Monday, the police said.", onto)
    assert not [e for e in found.entities.values() if e.type == "City"]


def test_the_department_is_the_department_named_last(onto):
    found = _found("The Commerce Department said the rule would stand. The department will review the filings, "
                   "officials said.", onto)
    assert _by_text(found)["department"] == {"CommerceDepartment"}


def test_the_mayor_and_the_judge_are_the_people_titled_so_before(onto):
    mayor = _found("Mayor Tom Baker spoke first. The mayor said the city would sue the state.", onto)
    assert _by_text(mayor)["mayor"] == {"TomBaker"}
    judge = _found("Judge Nora Pike heard the case on Monday. The judge said she would rule soon.", onto)
    assert _by_text(judge)["judge"] == {"NoraPike"}
    nobody = _found("Tom Baker spoke first. The mayor said the city would sue the state.", onto)
    assert "mayor" not in _by_text(nobody)


def test_a_common_noun_in_apposition_to_a_named_law_is_that_law(onto):
    found = _found("The board cited the Water Access Code, a state law that bars new wells near rivers.", onto)
    names = _by_text(found)
    assert names["law"] == names["Water Access Code"]
