"""The `implied` step alone, on statements built by hand (invented places and people): what the
chains of rules/implied.yaml give, quote and refuse."""

from __future__ import annotations

from kg.ingest import implied, pipeline
from kg.ingest.model import EntityCandidate, Mention, Sentence, StatementCandidate
from kg.ingest.rules import read

SENTENCES = [Sentence(0, 0, 40, "Ashford County filed a lawsuit Monday."),
             Sentence(1, 41, 100, "The complaint names the Bellmont Water Authority as defendant."),
             Sentence(2, 101, 160, "The county also sued the state of Vermont in 2019."),
             Sentence(3, 161, 220, "A judge ruled for the county on Friday.")]
TYPES = {"AshfordCounty": "County", "BellmontWaterAuthority": "GovernmentAgency", "Vermont": "State",
         "Suit": "Lawsuit", "OldSuit": "Lawsuit", "DistrictOfVermont": "Court", "Policy1": "Policy",
         "FeesUnlawful": "Claim", "CleanWaterAct": "Statute"}


def _state(onto, *triples) -> pipeline.State:
    """A state after frames: (subject, relation, object, sentence index[, mode]) statements."""
    state = pipeline.State("", onto=onto)
    state.entities = {i: EntityCandidate(i, t, i, "test") for i, t in TYPES.items()}
    state.mentions = [Mention(SENTENCES[0].start, SENTENCES[0].start + 5, "Ashford", "AshfordCounty", "test"),
                      Mention(SENTENCES[1].start + 4, SENTENCES[1].start + 9, "Bellmont", "BellmontWaterAuthority",
                              "test")]
    state.statements = [StatementCandidate(s, r, o, SENTENCES[i], "frames:test", 0.6, mode=rest[0] if rest else None,
                                           token=SENTENCES[i].start)
                        for s, r, o, i, *rest in triples]
    return state


def _implied(state) -> set[tuple[str, str, str, int, str]]:
    return {(s.subject, s.relation, s.object, s.sentence.index, s.rule) for s in state.statements
            if s.confidence == "implied"}


def test_a_suits_sides_imply_who_sued_whom_quoting_where_the_defendant_is_named(onto):
    state = _state(onto, ("AshfordCounty", "plaintiffIn", "Suit", 0), ("BellmontWaterAuthority", "defendantIn", "Suit", 1))
    implied.run(state)
    assert _implied(state) == {("AshfordCounty", "sued", "BellmontWaterAuthority", 1, "implied:parties-sued")}
    [st] = [s for s in state.statements if s.relation == "sued"]
    assert st.score == 0.5 and st.token == SENTENCES[1].start  # the dates step reads the quoted clause


def test_a_planned_or_threatened_act_implies_nothing(onto):
    state = _state(onto, ("AshfordCounty", "plaintiffIn", "Suit", 0, "planned"),
                   ("BellmontWaterAuthority", "defendantIn", "Suit", 1))
    implied.run(state)
    assert _implied(state) == set()


def test_a_statement_the_article_already_makes_is_not_implied_again(onto):
    state = _state(onto, ("AshfordCounty", "plaintiffIn", "Suit", 0), ("BellmontWaterAuthority", "defendantIn", "Suit", 1),
                   ("AshfordCounty", "sued", "BellmontWaterAuthority", 0))
    implied.run(state)
    assert [s.confidence for s in state.statements if s.relation == "sued"] == ["explicit"]


def test_what_a_suit_challenges_its_plaintiffs_oppose_and_the_suits_own_challenge_goes(onto):
    state = _state(onto, ("AshfordCounty", "plaintiffIn", "Suit", 0), ("BellmontWaterAuthority", "defendantIn", "Suit", 0),
                   ("AshfordCounty", "sued", "BellmontWaterAuthority", 0), ("Suit", "challenges", "Policy1", 1))
    implied.run(state)
    assert ("AshfordCounty", "opposed", "Policy1", 1, "implied:suit-challenge-opposed") in _implied(state)
    assert not [s for s in state.statements if s.relation == "challenges"]  # kg:challenges is a claim's


def test_a_legal_claim_is_made_in_the_plaintiffs_one_suit_and_not_when_it_has_two(onto):
    one = [("AshfordCounty", "plaintiffIn", "Suit", 0), ("AshfordCounty", "asserts", "FeesUnlawful", 2),
           ("FeesUnlawful", "invokes", "CleanWaterAct", 2)]
    state = _state(onto, *one)
    implied.run(state)
    assert ("FeesUnlawful", "assertedIn", "Suit", 2, "implied:plaintiff-claims-in-suit") in _implied(state)
    assert state.entities["FeesUnlawful"].type == "LegalClaim"  # the ontology check after the chains
    state = _state(onto, *one, ("AshfordCounty", "plaintiffIn", "OldSuit", 2))
    implied.run(state)
    assert not [s for s in state.statements if s.relation == "assertedIn"]


def test_a_ruling_for_one_side_is_against_the_other_unless_the_court_ruled_both_ways(onto):
    sides = [("AshfordCounty", "plaintiffIn", "Suit", 0), ("BellmontWaterAuthority", "defendantIn", "Suit", 1),
             ("DistrictOfVermont", "ruledFor", "AshfordCounty", 3)]
    state = _state(onto, *sides)
    implied.run(state)
    assert ("DistrictOfVermont", "ruledAgainst", "BellmontWaterAuthority", 3,
            "implied:ruled-for-plaintiff-against-defendant") in _implied(state)
    state = _state(onto, *sides, ("DistrictOfVermont", "ruledFor", "BellmontWaterAuthority", 3))
    implied.run(state)
    assert not [s for s in state.statements if s.relation == "ruledAgainst"]


RULES = """\
implied:
  - name: opposed-what-they-sued-over
    premises: ["P sued D", "D issued X"]
    within: 1
    gives: P opposed X
    examples: {match: [{text: "x", gives: "A opposed B"}]}
  - name: opposition-is-criticism
    premises: ["P opposed X"]
    gives: P criticized X
    examples: {match: [{text: "x", gives: "A criticized B"}]}
"""


def test_premises_stand_at_most_within_sentences_apart_and_a_conclusion_feeds_the_next_round(onto, tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "implied.yaml").write_text(RULES, encoding="utf-8")
    chains = implied.chains(read(folder))
    near = _state(onto, ("AshfordCounty", "sued", "Vermont", 2), ("Vermont", "issued", "Policy1", 3))
    implied.run(near, chains)
    assert {(s, r, o) for s, r, o, *_ in _implied(near)} == {("AshfordCounty", "opposed", "Policy1"),
                                                             ("AshfordCounty", "criticized", "Policy1")}
    far = _state(onto, ("AshfordCounty", "sued", "Vermont", 0), ("Vermont", "issued", "Policy1", 3))
    implied.run(far, chains)
    assert _implied(far) == set()
