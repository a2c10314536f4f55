"""Things an article names only through an act (kg/ingest/acts.py, rules/acts.yaml), on invented
sentences: 'X sued Y' with no 'lawsuit' written makes one suit, with its sides."""

from __future__ import annotations

from kg.ingest import extract


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


def test_which_sued_after_a_list_of_places_names_them_not_the_order_before(onto):
    found = extract("A judge granted an injunction sought by Lakeview, Harbor County and other towns, which sued "
                    "in March. The order bars the agency from cutting grants while the case goes forward.",
                    date="2025-06-02", onto=onto)
    assert [s["plaintiffIn"] for s in _suits(found).values()] == [{"Lakeview", "HarborCounty"}]


def test_which_hung_on_the_wrong_noun_stands_for_the_places_just_before_it(onto):
    """The parser sometimes hangs 'which sued' on the order ('an injunction sought by A and B, which
    sued'): the suers are the places just before the pronoun, never the order."""
    from types import SimpleNamespace

    from spacy.tokens import Doc

    from kg.ingest import acts, frames, nlp
    from kg.ingest.model import EntityCandidate, Mention
    from kg.ingest.rules import load

    words = ["an", "injunction", "sought", "by", "Lakeview", "and", "Oakdale", ",", "which", "sued"]
    heads = [1, 1, 1, 2, 3, 4, 4, 1, 9, 1]
    deps = ["det", "ROOT", "acl", "agent", "pobj", "cc", "conj", "punct", "nsubj", "relcl"]
    tags = ["DT", "NN", "VBN", "IN", "NNP", "CC", "NNP", ",", "WDT", "VBD"]
    doc = Doc(nlp.load().vocab, words=words, heads=heads, deps=deps, tags=tags)
    ents = {"Injunction": EntityCandidate("Injunction", "Event", "Injunction", "entity-injunction"),
            "Lakeview": EntityCandidate("Lakeview", "City", "Lakeview", "ner-gpe"),
            "Oakdale": EntityCandidate("Oakdale", "City", "Oakdale", "ner-gpe")}
    token_mention = {i: Mention(doc[i].idx, doc[i].idx + len(doc[i]), doc[i].text, e, "test")
                     for i, e in ((1, "Injunction"), (4, "Lakeview"), (6, "Oakdale"))}
    state = SimpleNamespace(entities=ents, token_mention=token_mention, onto=onto, doc=doc,
                            mentions=list(token_mention.values()))
    rule = next(r for r in load()["acts"] if r.name == "sue")
    assert acts._subjects(state, rule, doc[8], frames) == ["Lakeview", "Oakdale"]


def test_an_official_who_sends_a_letter_issued_it(onto):
    found = extract("Labor Secretary Dale Hunt sent a letter to every state agency on Monday, warning that grants "
                    "could be cut.", date="2025-06-02", onto=onto)
    letters = [i for i, e in found.entities.items() if e.type == "Memorandum"]
    assert letters and any((s.subject, s.relation, s.object) == ("DaleHunt", "issued", letters[0])
                           for s in found.statements)


def test_the_unnamed_rest_of_the_suers_is_no_party(onto):
    from kg.builder.curated import Entity, Loc

    known = {"CoastalTowns": Entity("CoastalTowns", "Group", "coastal towns", Loc("data/entities/test.yaml", 1), [])}
    found = extract("Toledo, Lucas County and other coastal towns, which sued in March, won a delay on Friday.",
                    date="2025-06-02", known=known, onto=onto)
    assert [s["plaintiffIn"] for s in _suits(found).values()] == [{"Toledo", "LucasCounty"}]
