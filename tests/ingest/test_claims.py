"""Claims and their attribution (the `attribution:` rules and frames.py), in sentences written for
this test about invented places and people."""

from __future__ import annotations

import pytest

from kg.ingest import extract


def _claims(text: str, onto) -> dict[str, list[str]]:
    """Speaker -> the labels of the claims the speaker asserts."""
    found = extract(text, date="2025-03-03", onto=onto)
    out: dict[str, list[str]] = {}
    for st in found.statements:
        if st.relation == "asserts":
            out.setdefault(st.subject, []).append(found.entities[st.object].label)
    return out


def test_a_quotation_whose_attributed_clause_is_no_claim_goes_on_to_the_next_sentence(onto):
    text = ('"We will appeal on Monday," Mayor Tom Baker of Dayton said at a news conference. '
            '"The new water rules break state law."')
    assert _claims(text, onto) == {"TomBaker": ["The new water rules break state law"]}


def test_a_quotation_of_several_sentences_is_its_speakers_in_each(onto):
    text = ('"We did nothing wrong. The audit counted the wrong wells," Governor Ann Ruiz of Ohio said.')
    assert _claims(text, onto) == {"AnnRuiz": ["The audit counted the wrong wells"]}


def test_a_quotation_gives_one_claim_when_its_attributed_clause_is_one(onto):
    """A reader sums up the speaker's quotation as one claim: the clause the verb of saying governs."""
    text = ('"The audit counted the wrong wells," Governor Ann Ruiz of Ohio said. "It is a political stunt."')
    assert _claims(text, onto) == {"AnnRuiz": ["The audit counted the wrong wells"]}


def test_a_quotation_in_another_paragraph_is_not_the_speakers(onto):
    text = ('"We will appeal on Monday," Mayor Tom Baker of Dayton said.\n\n'
            '"The new water rules break state law."')
    assert _claims(text, onto) == {}


@pytest.mark.parametrize("sentence", [
    "Governor Ann Ruiz of Ohio said she would run for a third term.",
    "Mayor Tom Baker told reporters on Monday that he had done nothing wrong.",
])
def test_what_speakers_say_of_themselves_is_no_claim(onto, sentence):
    assert _claims(sentence, onto) == {}


def test_what_speakers_say_of_others_is_a_claim(onto):
    claims = _claims("Governor Ann Ruiz of Ohio said the Federal Water Agency had acted within the law.", onto)
    assert claims == {"AnnRuiz": ["The Federal Water Agency had acted within the law"]}


def test_a_warning_is_no_claim(onto):
    assert _claims("Governor Ann Ruiz of Ohio warned that towns without a plan could lose their grants.", onto) == {}


@pytest.mark.parametrize("sentence", [
    "Springfield Mayor Tom Baker said the city would keep its clinics open.",
    "Springfield Mayor Tom Baker said Springfield police would keep answering every call.",
])
def test_what_the_speakers_own_body_does_is_no_claim(onto, sentence):
    assert not _claims(sentence, onto).get("TomBaker")


def test_what_another_body_does_is_a_claim(onto):
    claims = _claims("Dayton Mayor Tom Baker said the Ohio Department of Health had broken the law.", onto)
    assert claims.get("TomBaker") == ["The Ohio Department of Health had broken the law"]


def test_a_pronoun_speaker_is_the_speaker_of_the_sentence_before(onto):
    text = ("The lawsuit, Dayton v. Ohio Department of Health, argues that the fees break the state charter. "
            "It also argues that the new fees are arbitrary and capricious.")
    found = extract(text, date="2025-03-03", onto=onto)
    made_in = {found.entities[st.subject].label for st in found.statements if st.relation == "assertedIn"}
    assert any(label.startswith("The new fees are arbitrary") for label in made_in), made_in


def test_a_pronoun_speaker_with_no_speaker_before_says_nothing(onto):
    assert _claims("The fees rose in May. It also argues that the new fees are arbitrary and capricious.", onto) == {}


def test_an_accusation_is_the_accusers_claim(onto):
    claims = _claims("Governor Ann Ruiz accused the water agency of trying to hide records from auditors.", onto)
    assert claims == {"AnnRuiz": ["Trying to hide records from auditors"]}


@pytest.mark.parametrize("sentence", [
    "Governor Ann Ruiz said the water board would meet in closed session next week.",
    "Governor Ann Ruiz said the water board had written to the agency in August.",
])
def test_a_dated_event_is_narration_not_a_claim(onto, sentence):
    assert _claims(sentence, onto) == {}


def test_a_claim_may_name_an_amendment_or_a_year(onto):
    claims = _claims("Governor Ann Ruiz said the water rules violate the 10th Amendment.", onto)
    assert claims == {"AnnRuiz": ["The water rules violate the 10th Amendment"]}


def test_a_relative_clause_beside_the_verb_of_saying_is_no_claim(onto):
    text = '"The rules are fair," Ann Ruiz says, who as the state engineer is leading the review.'
    assert _claims(text, onto) == {"AnnRuiz": ["The rules are fair"]}


def test_a_claims_label_leaves_out_the_aside_and_keeps_its_words_apart(onto):
    claims = _claims("The water rules, Governor Ann Ruiz said, break state law.", onto)
    assert claims == {"AnnRuiz": ["The water rules break state law"]}
    claims = _claims("Governor Ann Ruiz said the agency cannot use the power of the purse, which the law gives "
                     "to the board, to punish towns.", onto)
    [label] = claims["AnnRuiz"]
    assert label.startswith("The agency cannot use the power of the purse, to punish") and ", ," not in label


def test_what_a_speaker_calls_something_is_a_claim_about_it(onto):
    claims = _claims("Governor Ann Ruiz called the water rules unconstitutional.", onto)
    assert claims == {"AnnRuiz": ["The water rules unconstitutional"]}


def test_a_pronoun_speaker_is_trusted_only_beside_the_one_person_it_stands_for(onto):
    named = 'Governor Ann Ruiz toured the dam on Monday. "The water rules break state law," she said.'
    assert _claims(named, onto) == {"AnnRuiz": ["The water rules break state law"]}
    far = ('Governor Ann Ruiz toured the dam on Monday. The dam holds back the lake. '
           '"The water rules break state law," she said.')
    assert _claims(far, onto) == {}
    two = ('Governor Ann Ruiz met Mayor Lena Ortiz on Monday. "The water rules break state law," she said.')
    assert _claims(two, onto) == {}


def test_what_a_body_says_of_it_is_no_claim(onto):
    assert _claims("The Federal Water Agency said it would review the permits.", onto) == {}
    claims = _claims("The Federal Water Agency said the permits broke no rule.", onto)
    assert claims == {"FederalWaterAgency": ["The permits broke no rule"]}


def test_what_a_speaker_calls_a_pronoun_is_no_claim(onto):
    assert _claims("Governor Ann Ruiz called it a disgrace.", onto) == {}
