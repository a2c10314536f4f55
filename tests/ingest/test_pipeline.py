"""The ingest pipeline: declared steps run alone, and the frames they read, in sentences written
for this test (invented places and people)."""

from __future__ import annotations

import pytest

from kg.ingest import extract, pipeline


def _triples(text: str, onto, date: str = "2025-03-03") -> set[tuple]:
    return {(s.subject, s.relation, s.object, s.mode) for s in extract(text, date=date, onto=onto).statements}


def test_each_step_needs_only_what_the_steps_before_it_give():
    given = {"article", "date", "known", "roles", "onto"}
    for step in pipeline.STEPS:
        assert set(step.needs) <= given, step.name
        given |= set(step.gives)
    assert [s.name for s in pipeline.STEPS] == ["repair", "parse", "mentions", "roles", "anaphora", "frames", "implied", "dates"]


def test_a_step_runs_alone_on_a_state_and_refuses_one_without_its_inputs(onto):
    state = pipeline.State("Lake County sued the Ohio Department of Health on Feb. 7.", date="2025-02", onto=onto)
    pipeline.run(state, pipeline.STEPS[:-1])  # all but dates
    assert [s.date for s in state.statements if s.relation == "sued"] == [None]
    pipeline.run(state, pipeline.STEPS[-1:])  # dates alone
    assert [s.date for s in state.statements if s.relation == "sued"] == ["2025-02-07"]
    with pytest.raises(ValueError, match="ingest step 'frames' needs doc"):
        pipeline.run(pipeline.State("text"), pipeline.STEPS[5:6])


def test_subject_and_object_come_from_the_parse_with_coordination_and_passive(onto):
    triples = _triples("Lake County and the city of Dayton sued the Ohio Department of Health.", onto)
    assert {t[0] for t in triples if t[1] == "sued"} == {"LakeCounty", "Dayton"}
    passive = _triples("The Ohio Department of Health was sued by Lake County on Monday.", onto)
    assert ("LakeCounty", "sued", "OhioDepartmentOfHealth", None) in passive


def test_a_plan_or_a_threat_to_act_is_never_the_act(onto):
    planned = _triples("Lake County plans to sue the Ohio Department of Health.", onto)
    assert not [t for t in planned if t[1] == "sued"]
    assert ("LakeCounty", "threatened", "OhioDepartmentOfHealth", None) in planned
    threat = extract("Governor Ann Ruiz threatened to cut state aid to Dayton.", date="2025-03", onto=onto)
    [st] = [s for s in threat.statements if s.relation == "threatened"]
    assert (st.subject, st.object) == ("AnnRuiz", "Dayton") and "cut state aid" in st.manner
    assert not [s for s in threat.statements if s.relation == "withheldFunding" and not s.mode]


def test_a_negated_act_is_no_act(onto):
    assert not [t for t in _triples("Lake County did not sue the Ohio Department of Health.", onto) if t[1] == "sued"]


def test_a_quotation_is_its_speakers_claim_and_the_attribution_is_not_the_claim(onto):
    found = extract('"The new rules break state law," Mayor Tom Baker of Dayton said on Monday.', date="2025-03",
                    onto=onto)
    [said] = [s for s in found.statements if s.relation == "asserts"]
    assert said.subject == "TomBaker"
    label = found.entities[said.object].label
    assert label.startswith("The new rules break state law") and "said" not in label and "Monday" not in label


@pytest.mark.parametrize("sentence", [
    '"We will appeal the decision," Mayor Tom Baker of Dayton said.',
    "Mayor Tom Baker of Dayton said the city plans to hire more officers.",
    '"I want the clinics open," Mayor Tom Baker of Dayton said.',
    "Mayor Tom Baker of Dayton said the city stood to lose $4 million a year.",
])
def test_what_a_speaker_will_do_or_wants_is_no_claim(onto, sentence):
    assert not [s for s in extract(sentence, date="2025-03", onto=onto).statements if s.relation == "asserts"]


def test_reported_speech_with_would_is_still_a_claim(onto):
    found = extract("Mayor Tom Baker of Dayton said the new rules would break state law.", date="2025-03", onto=onto)
    assert [s for s in found.statements if s.relation == "asserts" and s.subject == "TomBaker"]


def test_a_ruling_by_a_judge_is_the_courts_and_goes_against_the_owner_of_what_it_blocks(onto):
    triples = _triples("U.S. District Judge Nora Pike of the Southern District of Ohio blocked the Ohio "
                       "Department of Health's plan to close the clinics.", onto)
    assert ("NoraPike", "holdsRole", "SouthernDistrictOfOhio", None) in triples
    assert ("SouthernDistrictOfOhio", "ruledAgainst", "OhioDepartmentOfHealth", None) in triples


def test_a_title_gives_a_role_in_the_body_before_it(onto):
    triples = _triples("Dayton Mayor Tom Baker criticized the Ohio Department of Health.", onto)
    assert ("TomBaker", "holdsRole", "Dayton", None) in triples
    assert ("TomBaker", "criticized", "OhioDepartmentOfHealth", None) in triples


def _known(*entities):
    from kg.builder.curated import Entity, Loc
    return {e[0]: Entity(e[0], e[1], e[2], Loc("entities/test.yaml", 1), list(e[3])) for e in entities}


def test_the_graphs_names_are_found_wherever_the_article_uses_them_but_generic_ones_are_not(onto):
    known = _known(("WaterAgency", "GovernmentAgency", "State Water Agency", ["SWA"]),
                   ("DroughtTowns", "JurisdictionGroup", "Drought towns", ["drought towns"]),
                   ("LakeviewCouncil", "LegislativeBody", "Lakeview City Council", ["City Council"]))
    found = extract("SWA agents visited three drought towns. The City Council of Dayton met on Monday.",
                    date="2025-03", known=known, onto=onto)
    linked = {m.text: m.entity for m in found.mentions}
    assert linked["SWA"] == "WaterAgency" and linked["drought towns"] == "DroughtTowns"
    assert "LakeviewCouncil" not in linked.values()  # 'City Council' names a different body in each article


def test_a_known_persons_titled_alias_leaves_the_title_to_the_roles_step(onto):
    known = _known(("RuthHale", "Person", "Ruth Hale", ["Attorney General Ruth Hale"]))
    triples = {(s.subject, s.relation) for s in extract("Attorney General Ruth Hale opened an inquiry.",
                                                        date="2025-03", known=known, onto=onto).statements}
    assert ("RuthHale", "holdsRole") in triples


def test_a_title_of_a_place_with_no_place_beside_it_belongs_to_the_place_named_last(onto):
    triples = _triples("Ohio officials sued Dayton, Ohio, on Monday. Mayor Tom Baker said the suit was wrong.", onto)
    assert ("TomBaker", "holdsRole", "Dayton", None) in triples
    triples = _triples("Lake County Attorney Omar Diaz filed the brief.", onto)
    assert ("OmarDiaz", "holdsRole", "LakeCounty", None) in triples


def test_members_of_a_named_group_by_inclusion_and_by_being_one(onto):
    known = _known(("DroughtTowns", "JurisdictionGroup", "Drought towns", ["drought towns"]))
    found = extract("Several drought towns, including Dayton and Akron, asked for water. Nevada, Iowa, is a drought "
                    "town too.", date="2025-03", known=known, onto=onto)
    members = {s.subject for s in found.statements if s.relation == "memberOf" and s.object == "DroughtTowns"}
    assert {"Dayton", "Akron", "Nevada"} <= members
    assert not [s for s in found.statements if s.relation == "memberOf" and s.object != "DroughtTowns"]


def test_the_administration_with_none_named_before_is_the_one_the_graph_knows(onto):
    one = _known(("SmithAdministration", "GovernmentAgency", "Smith administration", []))
    found = extract("The administration sued Dayton, Ohio, on Monday.", date="2025-03", known=one, onto=onto)
    assert ("SmithAdministration", "sued", "Dayton") in {(s.subject, s.relation, s.object) for s in found.statements}
    two = _known(("SmithAdministration", "GovernmentAgency", "Smith administration", []),
                 ("JonesAdministration", "GovernmentAgency", "Jones administration", []))
    found = extract("The administration sued Dayton, Ohio, on Monday.", date="2025-03", known=two, onto=onto)
    assert not [s for s in found.statements if s.relation == "sued"]


def test_two_suits_named_in_full_are_two_and_the_suit_is_the_last_one(onto):
    found = extract("Ohio's lawsuit against Dayton, Ohio, went to trial. Michigan's lawsuit against Flint, Michigan, "
                    "was dismissed. The suit had been filed in May.", date="2025-03", onto=onto)
    suits = [m.entity for m in found.mentions if found.entities[m.entity].type == "Lawsuit"]
    assert len(set(suits)) == 2 and suits[-1] == suits[1]


@pytest.mark.parametrize("sentence, body", [
    ("Newly named Agriculture Secretary Dale Hunt visited the port.", "DepartmentOfAgriculture"),
    ("Department of Labor Secretary Dale Hunt visited the port on Monday.", "DepartmentOfLabor"),
    ("Republican Representative Dale Hunt visited the port.", "USHouseOfRepresentatives"),
])
def test_the_body_of_a_title_is_named_in_full_and_a_party_is_none(onto, sentence, body):
    roles = {s.object for s in extract(sentence, date="2025-03", onto=onto).statements if s.relation == "holdsRole"}
    assert roles == {body}


def test_a_generic_body_is_the_one_of_the_place_the_article_named_last(onto):
    known = _known(("LakeviewCouncil", "LegislativeBody", "Lakeview City Council", ["City Council"]))
    found = extract("Flooding hit Dayton, Ohio, on Monday. The City Council voted to sue the state.",
                    date="2025-03", known=known, onto=onto)
    [council] = [m.entity for m in found.mentions if m.text.endswith("City Council")]
    assert found.entities[council].label == "Dayton City Council"
