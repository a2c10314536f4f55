"""Competency questions a historian asks of time, answered on the seed articles: who held an
office on a given day, what was pending, what holds only possibly and why, and what followed
each threat. Each answer is what the texts fix; where they only bound a date, 'possible'."""

from __future__ import annotations

import json

import pytest

from conftest import invoke_kg
from kg.validtime import state_on

SUIT = "San Francisco-led lawsuit against the Trump Administration (Feb. 7, 2025)"
SUIT_ID = "SanFranciscoLawsuitAgainstTrumpAdministration2025"


def held(seed_graph, day: str, possible: bool = False) -> dict[str, str]:
    """(subject, relation, object, title) -> certainty, as the catalog query answers for `day`."""
    rows = seed_graph.query("as-of-possible" if possible else "as-of", date=day)
    return {(r["subject"], r["relation"], r["object"], r["title"]): r.get("certainty", "certain") for r in rows}


def office(seed_graph, day: str, title: str, organization: str, possible: bool = False) -> set[str]:
    return {s for (s, rel, o, t) in held(seed_graph, day, possible) if rel == "holds role" and t == title
            and o == organization}


# --- the Feb. 7, 2025 suit: nothing before its filing, pending and led by Chiu after ---

def test_nothing_about_the_san_francisco_led_suit_holds_before_it_was_filed(seed_graph):
    for possible in (False, True):
        assert not {k for k in held(seed_graph, "2025-02-03", possible) if SUIT in (k[0], k[2])}
        G = seed_graph.to_networkx(as_of="2025-02-03", possible=possible)
        assert SUIT_ID not in G
        status = [r for r in seed_graph.query("network-values") if r["entity"] == SUIT_ID]
        assert status and all(state_on({"kind": "state", "date": "2025-02", "start_date": "2025-02-07"}, "2025-02-03")
                              == "not held" for _ in status)


def test_on_february_10_the_suit_is_pending_and_chiu_leads_it_by_the_month_the_texts_give(seed_graph):
    rows = held(seed_graph, "2025-02-10", possible=True)
    assert rows[(SUIT, "case status", "pending", None)] == "possible"
    assert rows[("David Chiu", "leads", SUIT, None)] == "possible"
    assert rows[("San Francisco", "leads", SUIT, None)] == "possible"
    # Certain on the day of filing, which the text gives to the day.
    certain = held(seed_graph, "2025-02-07")
    assert {("David Chiu", "leads", SUIT, None), (SUIT, "case status", "pending", None)} <= set(certain)
    why = {r["statement"]: r["why"] for r in seed_graph.query("as-of-possible", date="2025-02-10")}
    assert why["targeting2025-275"] == "start 2025-02-07, held 2025-02"
    G = seed_graph.to_networkx(as_of="2025-02-10", possible=True)
    assert G.edges["DavidChiu", SUIT_ID, "targeting2025-275"]["certainty"] == "possible"


# --- who held the offices, day by day ---

@pytest.mark.parametrize("day, certain, possible", [
    ("2016-11-14", set(), set()),
    ("2017-01-10", set(), {"Donald Trump"}),
    ("2017-06-01", {"Donald Trump"}, {"Donald Trump"}),
    ("2020-01-01", set(), {"Donald Trump"}),     # the first term's end is only bounded (by Jan. 20, 2025)
    ("2025-01-10", set(), {"Donald Trump"}),     # only the first term's bound reaches it
    ("2025-01-20", {"Donald Trump"}, {"Donald Trump"}),
    ("2025-02-10", set(), {"Donald Trump"}),
])
def test_who_was_president(seed_graph, day, certain, possible):
    assert office(seed_graph, day, "President", "United States") == certain
    assert office(seed_graph, day, "President", "United States", possible=True) == possible


def test_the_second_term_begins_on_january_20_2025(seed_graph):
    # standfirm2025-073 ('President Trump', 2025) starts with the second term, not on Jan. 1.
    before = {r["statement"] for r in seed_graph.query("as-of-possible", date="2025-01-10")}
    assert "standfirm2025-073" not in before and "targeting2025-001" not in before
    assert "targeting2025-024" in before  # the first term, whose end the texts bound by Jan. 20, 2025


def test_on_january_10_2017_trump_is_not_both_president_and_president_elect(seed_graph):
    titles = {t for (s, rel, o, t) in held(seed_graph, "2017-01-10") if s == "Donald Trump"}
    assert not {"President", "President-elect"} <= titles
    maybe = {t for (s, rel, o, t) in held(seed_graph, "2017-01-10", possible=True) if s == "Donald Trump"}
    assert {"President", "President-elect"} <= maybe   # the texts give the takeover to the month
    assert office(seed_graph, "2016-12-31", "President-elect", "United States") == {"Donald Trump"}


@pytest.mark.parametrize("day, title, organization, certain, possible", [
    ("2017-06-01", "Attorney General", "U.S. Department of Justice", set(), set()),
    ("2018-01", "Attorney General", "U.S. Department of Justice", {"Jeff Sessions"}, {"Jeff Sessions"}),
    ("2018-01-16", "Attorney General", "U.S. Department of Justice", set(), {"Jeff Sessions"}),
    ("2025-02-05", "Attorney General", "U.S. Department of Justice", {"Pam Bondi"}, {"Pam Bondi"}),
    ("2017-06-01", "acting director", "U.S. Immigration and Customs Enforcement", set(), set()),
    ("2018-01", "acting director", "U.S. Immigration and Customs Enforcement", {"Thomas Homan"}, {"Thomas Homan"}),
    ("2020-01-01", "acting director", "U.S. Immigration and Customs Enforcement", set(), set()),
    ("2025-01-10", "Secretary", "U.S. Department of Transportation", set(), {"Sean Duffy"}),
])
def test_who_was_attorney_general_and_ice_director(seed_graph, day, title, organization, certain, possible):
    # The texts place Sessions and Homan in office in January 2018 only; 2017 is not fixed by them.
    assert office(seed_graph, day, title, organization) == certain
    assert office(seed_graph, day, title, organization, possible=True) == possible


# --- what was pending ---

def _pending(seed_graph, day: str) -> dict[str, str]:
    return {s: c for (s, rel, o, t), c in held(seed_graph, day, possible=True).items()
            if rel == "case status" and o == "pending"}


def test_what_was_pending(seed_graph):
    assert _pending(seed_graph, "2025-02-03") == {"Denver Public Schools lawsuit over ICE presence in schools": "possible"}
    assert _pending(seed_graph, "2025-02-10") == {
        "Denver Public Schools lawsuit over ICE presence in schools": "possible", SUIT: "possible"}
    assert not {s for (s, rel, o, t) in held(seed_graph, "2025-02-10") if rel == "case status"}  # none certain


# --- which statements hold only possibly, and why ---

def test_what_holds_only_possibly_on_a_date_and_why(seed_graph):
    rows = seed_graph.query("as-of-possible", date="2018-01-16").rows()
    possible = {r["statement"]: r["why"] for r in rows if r["certainty"] == "possible"}
    certain = {r["statement"] for r in rows if r["certainty"] == "certain"}
    assert possible["arrest2018-011"] == "held 2018-01"               # Sessions: the article's month
    assert possible["arrest2018-024"] == "held 2018-01"               # Homan
    assert "arrest2018-018" in certain                                # Nielsen, 'On January 16'
    assert {r["statement"] for r in seed_graph.query("as-of", date="2018-01-16")} == certain
    assert all(state_on({"kind": "state", "date": "2018-01"}, "2018-01-16") == "possible" for _ in possible)


def test_the_command_line_answers_alike(seed_build):
    def rows(*args):
        done = invoke_kg("--store", str(seed_build), "query", *args, "--format", "json")
        assert done.returncode == 0, done.stderr
        bindings = json.loads(done.stdout)["results"]["bindings"]
        return [{k: v["value"] for k, v in b.items()} | {"title": b.get("title", {}).get("value")} for b in bindings]

    assert not [r for r in rows("as-of", "--param", "date=2025-02-03") if SUIT in (r["subject"], r["object"])]
    feb10 = rows("as-of-possible", "--param", "date=2025-02-10")
    assert {(r["subject"], r["certainty"]) for r in feb10 if r["object"] == SUIT} == {
        ("David Chiu", "possible"), ("San Francisco", "possible")}
    jan10 = {r["title"] for r in rows("as-of", "--param", "date=2017-01-10") if r["subject"] == "Donald Trump"}
    assert not {"President", "President-elect"} <= jan10
    done = invoke_kg("--store", str(seed_build), "metrics", "--as-of", "2025-02-10", "--possible", "--format", "json")
    assert done.returncode == 0, done.stderr
    threats = json.loads(done.stdout)[0]["threats"]
    assert {r["actor"]: r["stopped in court"] for r in threats}["Donald Trump"] == 1


# --- what followed each threat ---

def test_every_threat_says_what_followed_it_with_its_quote(seed_graph):
    threats = seed_graph.query("threats").rows()
    outcomes = seed_graph.query("threat-outcomes").rows()
    assert len(threats) == len(seed_graph.query(
        "SELECT ?st WHERE { ?st rdf:predicate kg:threatened FILTER NOT EXISTS { ?st kg:rank kg:DeprecatedRank } }"))
    for row in threats:
        assert row["outcome"], row["statement"]
        if row["outcome"].startswith("nothing reported by "):
            assert row["followedBy"] is None and row["followUps"] == 0
        else:
            # the first follow-up with its statement and quote; the others in threat-outcomes
            kind, statement, quote = row["followedBy"].split(": ", 2)
            assert kind == row["outcome"].split("; ")[0] and quote, row
            assert row["followUps"] == len({r["followedBy"] for r in outcomes if r["threat"] == row["statement"]})


def test_the_2017_funding_threat_was_stopped_in_court(seed_graph):
    rows = [r for r in seed_graph.query("threat-outcomes") if r["threat"] == "targeting2025-027"]
    stopped = {r["followedBy"]: r for r in rows if r["outcome"] == "stopped in court"}
    assert set(stopped) == {"targeting2025-035", "targeting2025-322"}
    assert stopped["targeting2025-035"]["in"] == "Lawsuits by cities and counties over the 2017 sanctuary funding order"
    assert stopped["targeting2025-035"]["followQuote"] == "some courts repeatedly upheld the legality of sanctuary laws"
    assert {r["outcome"] for r in rows} == {"stopped in court", "challenged in court", "carried out"}
    [threat] = [r for r in seed_graph.query("threats") if r["statement"] == "targeting2025-027"]
    assert threat["outcome"] == "stopped in court; challenged in court; carried out"
    assert threat["followedBy"] == ("stopped in court: targeting2025-035: "
                                    "some courts repeatedly upheld the legality of sanctuary laws")


def test_the_2025_threats(seed_graph):
    outcomes: dict[str, set[str]] = {}
    for r in seed_graph.query("threat-outcomes"):
        outcomes.setdefault(r["threat"], set()).add((r["outcome"], r["followedBy"]))
    # The Jan. 20 order's funding threat: challenged by the Feb. 7 suit (after it, to the day),
    # and New York's withheld reimbursements, which the texts do not date (possibly after).
    assert outcomes["targeting2025-013"] >= {("challenged in court", "targeting2025-270"),
                                             ("carried out", "standfirm2025-071")}
    assert ("carried out", "targeting2025-233") in outcomes["targeting2025-017"]  # Comer's investigation
    for threat in ("targeting2025-208", "targeting2025-212"):  # Bondi's prosecution, the DOT order
        assert outcomes[threat] == {("nothing reported by 2025-02", None)}
    # The DOJ 'toying with the idea' of charges is a plan, linked too; nothing followed it.
    assert outcomes["arrest2018-014"] == {("nothing reported by 2025-02", None)}
    followed = {(r["threat"], r["followedBy"]): r["followed"] for r in seed_graph.query("threat-outcomes")}
    assert followed[("targeting2025-013", "targeting2025-270")] == "certainly"
    assert followed[("targeting2025-013", "standfirm2025-071")] == "possibly"


def test_every_quote_is_verbatim_at_its_offsets(seed_graph):
    rows = seed_graph.query("""SELECT ?st ?quote ?text ?start ?end WHERE {
        ?st kg:quote ?quote ; kg:startOffset ?start ; kg:endOffset ?end ; prov:wasDerivedFrom/kg:fullText ?text }""")
    assert len(rows) > 400
    for r in rows:
        assert r["text"][r["start"]:r["end"]] == r["quote"], r["st"]
