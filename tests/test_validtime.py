"""Two times, never confused: valid time decides as-of graphs, the timeline and the views; a
source's date (attestation) never makes a fact true from then on."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.validtime import date_span, holds, readings, standing, state_between, state_on, window

YEARS = [str(year) for year in range(2014, 2027)]
DAYS = YEARS + ["2016-11-14", "2017-01", "2018-01-16", "2018-02", "2025-01-20", "2025-02-05", "2025-02"]


# --- the decision itself ---

@pytest.mark.parametrize("edge, as_of, expected", [
    # A state is certain where every reading of its dates covers the date, possible where some does.
    ({"kind": "state", "date": "2018-01"}, "2018-01-16", "possible"),
    ({"kind": "state", "date": "2018-01"}, "2018-01", "certain"),
    ({"kind": "state", "date": "2018-01"}, "2018-02", "not held"),
    ({"kind": "state", "start_date": "2017", "date": "2018-01"}, "2017-06", "possible"),
    ({"kind": "state", "start_date": "2017", "date": "2018-01"}, "2017-12-31", "certain"),
    ({"kind": "state", "start_date": "2017", "date": "2018-01"}, "2019", "not held"),  # no open end
    ({"kind": "state", "date": "2016-12", "end_date": "2017-01"}, "2017-02", "not held"),
    ({"kind": "state", "date": "2016-12", "end_date": "2017-01"}, "2017-01-10", "possible"),
    # A bound on an undated end ('former') keeps it possible up to the bound, never certain.
    ({"kind": "state", "start_date": "2017-01", "date": "2018-01", "latest_end": "2025-01-20"}, "2020-01-01", "possible"),
    ({"kind": "state", "start_date": "2017-01", "date": "2018-01", "latest_end": "2025-01-20"}, "2017-06-01", "certain"),
    ({"kind": "state", "start_date": "2017-01", "date": "2018-01", "latest_end": "2025-01-20"}, "2025-01-21", "not held"),
    ({"kind": "state", "latest_end": "2025-02"}, "2020", "not held"),
    # An attested state with no valid time holds on no date, not even its source's.
    ({"kind": "state", "published": "2017"}, "2017", "not held"),
    ({"kind": "state", "published": "2017"}, "2020", "not held"),
    # An act is in the graph from when it happened on; an undated one from the end of its attestation.
    ({"date": "2017-02"}, "2017", "certain"),
    ({"date": "2017-02"}, "2017-02-10", "possible"),
    ({"date": "2017-02"}, "2016", "not held"),
    ({"published": "2018-01"}, "2018-01", "certain"),
    ({"published": "2018-01"}, "2017-12-31", "not held"),
    ({}, "2030", "not held"),
])
def test_standing_as_of(edge, as_of, expected):
    assert standing(edge, window(as_of=as_of)) == expected
    assert holds(edge, window(as_of=as_of)) is (expected == "certain")
    assert holds(edge, window(as_of=as_of), possible=True) is (expected != "not held")


def test_in_a_window_with_a_start_an_undated_act_has_no_place():
    assert holds({"date": "2025-02-07"}, window(as_of=("2025", None)))
    assert not holds({"published": "2025-02"}, window(as_of=("2025", None)))
    assert holds({"kind": "state", "start_date": "2017-01-20", "end_date": "2021-01-20"},
                 window(as_of=("2020", "2022")))


# --- the seed graph: never in office outside the dates the texts give ---

def _offices(seed_graph, day: str, possible: bool = False) -> set[tuple[str, str]]:
    G = seed_graph.to_networkx(as_of=day, families={"holdsRole"}, possible=possible)
    return {(u, d["title"]) for u, _, d in G.edges(data=True)}


@pytest.mark.parametrize("day", DAYS)
def test_as_of_keeps_a_role_only_within_its_valid_time(seed_graph, day):
    G = seed_graph.to_networkx(as_of=day, families={"affiliation", "caseStatus"}, possible=True)
    first, last = date_span(day)
    for _, _, d in G.edges(data=True):
        assert d["kind"] == "state", d["statement"]
        r = readings(d.get("date"), d.get("start_date"), d.get("end_date"), d.get("latest_end"))
        assert r is not None and r.start_first <= last and r.end_last >= first, (day, d["statement"], r)


@pytest.mark.parametrize("day", DAYS)
def test_the_as_of_query_and_the_networkx_export_decide_alike(seed_graph, day):
    # A case status is a value of its lawsuit, not an edge between two entities.
    for name, possible in (("as-of", False), ("as-of-possible", True)):
        by_query = {(r["statement"], r.get("certainty", "certain")) for r in seed_graph.query(name, date=day)
                    if r["relation"] != "case status"}
        G = seed_graph.to_networkx(as_of=day, possible=possible)
        by_graph = {(d["statement"], d["certainty"]) for _, _, d in G.edges(data=True) if d["kind"] == "state"}
        assert by_query == by_graph, (name, day)


def test_mirkarimi_is_never_placed_in_office(seed_graph):
    # mayors2017 (2017) only recalls what he told CNN; he left office in January 2016.
    assert not any(("RossMirkarimi", "Sheriff") in _offices(seed_graph, day, possible=True) for day in DAYS)


def test_homan_acting_director_only_when_attested_in_office(seed_graph):
    # Attested in January 2018 only: certain in that month (and year), possible on its days.
    held = [day for day in DAYS if ("ThomasHoman", "acting director") in _offices(seed_graph, day)]
    assert held == ["2018"]
    held = [day for day in DAYS if ("ThomasHoman", "acting director") in _offices(seed_graph, day, possible=True)]
    assert held == ["2018", "2018-01-16"]
    czar = [day for day in DAYS if ("ThomasHoman", "border czar") in _offices(seed_graph, day)]
    assert czar == ["2025", "2025-02"]
    czar = [day for day in DAYS if ("ThomasHoman", "border czar") in _offices(seed_graph, day, possible=True)]
    assert czar == ["2025", "2025-02-05", "2025-02"]
    bound = seed_graph.query("""SELECT ?end WHERE { ?st rdf:subject ent:ThomasHoman ;
                                   kg:title "acting director" ; kg:latestEnd ?end }""").rows()
    assert [r["end"] for r in bound] == ["2025-02"]  # 'former', in February 2025


def test_sessions_is_attorney_general_in_january_2018_only(seed_graph):
    held = [day for day in DAYS if ("JeffSessions", "Attorney General") in _offices(seed_graph, day, possible=True)]
    assert held == ["2018", "2018-01-16"]
    assert ("JeffSessions", "Attorney General") not in _offices(seed_graph, "2018-01-16")
    attorneys = {r["subject"] for r in seed_graph.query("as-of", date="2025-02-05")
                 if r["title"] == "Attorney General"}
    assert attorneys == {"Pam Bondi"}


def test_ed_lee_is_mayor_in_november_2016_only(seed_graph):
    held = [day for day in DAYS if ("EdLee", "Mayor") in _offices(seed_graph, day, possible=True)]
    assert held == ["2016", "2016-11-14"]
    assert ("EdLee", "Mayor") in _offices(seed_graph, "2016-11-14")  # the photo's day: certain


def test_trump_president_elect_until_january_2017_then_president_by_the_texts(seed_graph):
    assert _offices(seed_graph, "2016-12") >= {("DonaldTrump", "President-elect")}
    assert ("DonaldTrump", "President-elect") not in _offices(seed_graph, "2017-02")
    # The texts bound the first term's end by the second's start, Jan. 20, 2025, and date it no
    # further: in 2020 he is President by some reading of the dates, not by every one.
    assert ("DonaldTrump", "President") not in _offices(seed_graph, "2020")
    assert ("DonaldTrump", "President") in _offices(seed_graph, "2020", possible=True)
    assert ("DonaldTrump", "President") in _offices(seed_graph, "2017-06-01")
    assert ("DonaldTrump", "President") in _offices(seed_graph, "2025-01-20")


def test_an_undated_act_counts_from_its_attestation_and_in_no_year(seed_graph):
    # arrest2018-049: Sessions 'has argued in the past' that crime is higher in sanctuary cities.
    def has(G):
        return "arrest2018-049" in {d["statement"] for _, _, d in G.edges(data=True)}

    assert has(seed_graph.to_networkx(as_of="2018-01"))
    assert not has(seed_graph.to_networkx(as_of="2017"))
    assert not has(seed_graph.to_networkx(as_of=("2018", "2018")))


# --- the timeline orders by valid time, never by attestation ---

def test_timeline_is_valid_time_in_order(seed_graph):
    rows = seed_graph.query("timeline").rows()
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    valid = seed_graph.query("""SELECT ?st (STR(COALESCE(?s, ?d, ?e)) AS ?when) WHERE {
        ?st a kg:Statement . OPTIONAL { ?st kg:eventDate ?d } OPTIONAL { ?st kg:startDate ?s }
        OPTIONAL { ?st kg:endDate ?e } FILTER(BOUND(?d) || BOUND(?s) || BOUND(?e))
        FILTER NOT EXISTS { ?st kg:rank kg:DeprecatedRank } }""").rows()
    expected = {(r["st"].rsplit("/", 1)[-1], r["when"]) for r in valid}
    assert {(r["statement"], r["date"]) for r in rows} == expected
    assert all(r["precision"] == {4: "year", 7: "month", 10: "day"}[len(r["date"])] for r in rows)
    trump = [r for r in rows if r["subject"] == "Donald Trump" and r["relation"] == "holds role"]
    assert ("2016-12", "2017-01") in {(r["date"], r["until"]) for r in trump}
    assert "2025-01-20" in {r["date"] for r in trump}


def test_by_year_counts_valid_time_only(seed_graph):
    from kg.network import metrics

    G = seed_graph.to_networkx()
    counted = sum(n for year in metrics.by_year(G, top=1000).values() for _, n in year) // 2
    dated = sum(1 for _, _, d in G.edges(data=True) if d.get("date") or d.get("start_date") or d.get("end_date"))
    assert counted <= dated < G.number_of_edges()


# --- deprecated statements are not facts, but stay queryable ---

def test_deprecated_titles_are_kept_with_their_reason_but_not_counted(seed_graph):
    default = {d["statement"] for _, _, d in seed_graph.to_networkx().edges(data=True)}
    assert not {"arrest2018-045", "arrest2018-046"} & default
    everything = seed_graph.to_networkx(deprecated=True)
    kept = {d["statement"]: d for _, _, d in everything.edges(data=True) if d.get("rank") == "deprecated"}
    assert set(kept) == {"arrest2018-045", "arrest2018-046", "resist2016-041"}
    assert all(d["rank_reason"].startswith("source error") for d in kept.values())
    roles = {r["person"]: r for r in seed_graph.query("roles") if r["title"] == "state senator"}
    assert {p: (r["rank"], r["reason"][:12]) for p, r in roles.items()} == {
        "Kamala Harris": ("deprecated", "source error"), "Dianne Feinstein": ("deprecated", "source error")}
    # Beside each, the preferred statement of the office the text gives, without its error.
    held = {(r["subject"], r["title"]) for r in seed_graph.query("as-of", date="2018-01")}
    assert ("Kamala Harris", "senator from California") in held and ("Kamala Harris", "state senator") not in held
    preferred = {r["person"]: r["rank"] for r in seed_graph.query("roles") if r["title"] == "senator from California"}
    assert preferred == {"Kamala Harris": "preferred", "Dianne Feinstein": "preferred"}


def test_a_lawsuit_node_carries_where_it_stands(seed_graph):
    G = seed_graph.to_networkx()
    [status] = G.nodes["SanFranciscoLawsuitAgainstTrump2017"]["status"]
    assert (status["value"], status["date"], status["document"]) == ("decided", "2025-02", "targeting2025")
    assert "status" not in G.nodes["DOJLawsuitAgainstIllinoisAndChicago"]  # the text does not say


def test_the_command_line_counts_deprecated_statements_only_when_asked(seed_build, tmp_path):
    import csv

    from conftest import invoke_kg

    def deprecated(*flags):
        done = invoke_kg("--store", str(seed_build), "export", "--format", "csv", "-o", str(tmp_path / "x"), *flags)
        assert done.returncode == 0, done.stderr
        with open(tmp_path / "x-edges.csv", encoding="utf-8") as f:
            return {row["statement"] for row in csv.DictReader(f) if row.get("rank") == "deprecated"}

    assert deprecated() == set()
    assert deprecated("--deprecated") == {"arrest2018-045", "arrest2018-046", "resist2016-041"}
    done = invoke_kg("--store", str(seed_build), "metrics", "--as-of", "2018-01", "--since", "2018-01", "--format", "json")
    assert done.returncode == 0, done.stderr


# --- certain, possible, not held: properties of the decision ---

_DAYS = st.dates(min_value=datetime.date(2014, 1, 1), max_value=datetime.date(2027, 12, 31))


@st.composite
def _date(draw, day=None):
    """A date as a text may give it: a day, or only its month or year (a coarsening of `day`)."""
    day = day or draw(_DAYS)
    return day.isoformat()[:draw(st.sampled_from((4, 7, 10)))]


@st.composite
def _state(draw):
    """A state's dates as a text may give them, each at some precision: a start, a date at which
    it held, an end, a bound on its end; in order, as `kg check` requires."""
    days = sorted(draw(st.lists(_DAYS, min_size=4, max_size=4)))
    fields = {}
    for name, day in zip(("start_date", "date", "end_date", "latest_end"), days):
        if draw(st.booleans()):
            fields[name] = draw(_date(day))
    return {"kind": "state", **fields}


def _refine(value: str, draw) -> str:
    """A finer reading of a date: one of its months or days (a day stays itself)."""
    first, last = date_span(value)
    if value == first:
        return value
    start = datetime.date.fromisoformat(first)
    span = (datetime.date.fromisoformat(last[:8] + "01") - start).days + 27  # within the span
    day = start + datetime.timedelta(days=draw(st.integers(0, span)))
    return day.isoformat()[:draw(st.sampled_from([n for n in (7, 10) if n > len(value)]))]


@settings(max_examples=400, deadline=None)
@given(_state(), _date(), st.data())
def test_certain_is_possible_and_a_finer_date_never_unmakes_a_certainty(state, day, data):
    win = window(as_of=day)
    answer = standing(state, win)
    # certain ⊆ possible
    assert not holds(state, win) or holds(state, win, possible=True)
    # A finer reading of the state's dates: what was certain stays certain, what was not held
    # stays not held; only 'possible' can move.
    finer = {k: _refine(v, data.draw) if k != "kind" else v for k, v in state.items()}
    if readings(finer.get("date"), finer.get("start_date"), finer.get("end_date"), finer.get("latest_end")) is None:
        return  # the finer dates contradict each other: no reading, nothing to compare
    refined = standing(finer, win)
    if answer == "certain":
        assert refined == "certain", (state, finer, day)
    if answer == "not held":
        assert refined == "not held", (state, finer, day)


@settings(max_examples=300, deadline=None)
@given(_state(), _DAYS)
def test_a_day_of_a_month_or_year_left_open_is_possible_not_certain(state, day):
    """A state given only by a date of month or year precision is possible on the days its
    precision leaves open, certain on none of them, and certain on the month or year itself."""
    held = state.get("date") or state.get("start_date")
    if not held or len(held) == 10:
        return
    only = {"kind": "state", "date": held}
    first, last = date_span(held)
    iso = day.isoformat()
    expected = "possible" if first <= iso <= last else "not held"
    assert state_on(only, iso) == expected
    assert state_on(only, held) == "certain"


@settings(max_examples=300, deadline=None)
@given(_date(), _date(), st.data())
def test_an_act_is_certain_in_a_window_only_when_every_day_it_may_mean_is_in_it(when, since, data):
    until = data.draw(_date())
    first, last = date_span(when)
    lo, hi = date_span(since)[0], date_span(until)[1]
    answer = state_between({"date": when}, since, until)
    assert answer == ("certain" if lo <= first and last <= hi else
                      "possible" if first <= hi and last >= lo else "not held")
