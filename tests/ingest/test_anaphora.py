"""The anaphora step: pronouns and definite nouns for what the article named before, in sentences
written for this test (invented places and people)."""

from __future__ import annotations

from kg.ingest import extract


def _found(text: str, onto):
    return extract(text, date="2025-03-03", onto=onto)


def _it(found) -> set[str]:
    return {m.entity for m in found.mentions if m.text.lower() == "it"}


def test_a_main_it_is_the_body_the_sentence_before_was_about(onto):
    found = _found("The Harbor Water Authority opened an inquiry into the levy last year. "
                   "It sued Lake County in March.", onto)
    assert _it(found) == {"HarborWaterAuthority"}
    assert ("HarborWaterAuthority", "sued", "LakeCounty") in {(s.subject, s.relation, s.object) for s in found.statements}


def test_after_a_sentence_that_says_what_its_subject_is_it_is_the_body_in_it(onto):
    found = _found("The suit is the third in a series the Harbor Water Authority has filed. "
                   "It sued Lake County in March.", onto)
    assert _it(found) == {"HarborWaterAuthority"}


def test_it_is_never_a_person_a_plural_a_subject_about_a_named_thing_or_a_dummy(onto):
    person = _found("Mayor Tom Baker opened an inquiry into the levy. It sued Lake County in March.", onto)
    assert _it(person) == set()
    plural = _found("Federal agents opened an inquiry into the levy. It sued Lake County in March.", onto)
    assert _it(plural) == set()
    thing = _found("The vote was on the Lakeview Tenant Protection Ordinance, which the Lakeview City Council "
                   "passed in 2019. It bars landlords from raising rents.", onto)
    assert _it(thing) == set()
    dummy = _found("The Harbor Water Authority sued Lake County. It is the third suit this year.", onto)
    assert _it(dummy) == set()
    inner = _found("The Harbor Water Authority said on Monday that it would sue Lake County.", onto)
    assert _it(inner) == set()


def _by_text(found) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in found.mentions:
        out.setdefault(m.text.lower(), set()).add(m.entity)
    return out


def test_a_title_of_several_words_is_the_person_last_given_it(onto):
    found = _found("County Attorney Rosa Lind filed the brief on Monday. Later the county attorney said the levy "
                   "was unlawful.", onto)
    assert _by_text(found)["attorney"] == {"RosaLind"}
    named = _found("County Attorney Rosa Lind filed the brief. The county attorney, Omar Diaz, disagreed.", onto)
    assert "RosaLind" not in _by_text(named).get("attorney", set())


def test_one_determiner_serves_two_coordinated_place_nouns(onto):
    found = _found("The city of Lakeview and Harbor County sued the state in May. The city and county argue "
                   "that the levy is unlawful.", onto)
    assert _by_text(found)["county"] == {"HarborCounty"}


def test_staff_named_by_a_word_of_an_agency_are_that_agency(onto):
    found = _found("The Federal Aviation Administration fined the airline in May. The county ordinance bars "
                   "deputies from helping aviation officials.", onto)
    assert _by_text(found)["officials"] == {"FederalAviationAdministration"}
    role = _found("The Federal Aviation Administration fined the airline. The county will not act as aviation "
                  "officials.", onto)
    assert "officials" not in _by_text(role)
    none = _found("The Federal Aviation Administration fined the airline. Federal officials said little.", onto)
    assert "officials" not in _by_text(none)


def test_a_title_is_the_one_of_the_place_its_sentence_names(onto):
    found = _found("Lakeview Mayor Ann Cole and Harbor City Mayor Ben Ruiz met on Monday. Back in Lakeview, "
                   "the mayor said the talks had failed.", onto)
    assert _by_text(found)["mayor"] == {"AnnCole"}
