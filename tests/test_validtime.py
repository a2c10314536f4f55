"""Two times, never confused: valid time decides as-of graphs, the timeline and the views; a
source's date (attestation) never makes a fact true from then on."""

from __future__ import annotations

import pytest

from kg.validtime import date_span, holds, state_span, window

YEARS = [str(year) for year in range(2014, 2027)]
DAYS = YEARS + ["2016-11-14", "2017-01", "2018-01-16", "2018-02", "2025-01-20", "2025-02-05", "2025-02"]


# --- the decision itself ---

@pytest.mark.parametrize("edge, as_of, expected", [
    # A state holds where its valid time meets the date, at the text's precision.
    ({"kind": "state", "date": "2018-01"}, "2018-01-16", True),
    ({"kind": "state", "date": "2018-01"}, "2018-02", False),
    ({"kind": "state", "start_date": "2017", "date": "2018-01"}, "2017-06", True),
    ({"kind": "state", "start_date": "2017", "date": "2018-01"}, "2019", False),  # no open end
    ({"kind": "state", "date": "2016-12", "end_date": "2017-01"}, "2017-02", False),
    # An attested state with no valid time holds on no date, not even its source's.
    ({"kind": "state", "published": "2017"}, "2017", False),
    ({"kind": "state", "published": "2017"}, "2020", False),
    # An act is in the graph from when it happened on; an undated one from the end of its attestation.
    ({"date": "2017-02"}, "2017", True),
    ({"date": "2017-02"}, "2016", False),
    ({"published": "2018-01"}, "2018-01", True),
    ({"published": "2018-01"}, "2017-12-31", False),
    ({}, "2030", False),
])
def test_holds_as_of(edge, as_of, expected):
    assert holds(edge, window(as_of=as_of)) is expected


def test_in_a_window_with_a_start_an_undated_act_has_no_place():
    assert holds({"date": "2025-02-07"}, window(as_of=("2025", None)))
    assert not holds({"published": "2025-02"}, window(as_of=("2025", None)))
    assert holds({"kind": "state", "start_date": "2017-01-20", "end_date": "2021-01-20"},
                 window(as_of=("2020", "2022")))


# --- the seed graph: never in office outside the dates the texts give ---

def _offices(seed_graph, day: str) -> set[tuple[str, str]]:
    G = seed_graph.to_networkx(as_of=day, families={"holdsRole"})
    return {(u, d["title"]) for u, _, d in G.edges(data=True)}


@pytest.mark.parametrize("day", DAYS)
def test_as_of_keeps_a_role_only_within_its_valid_time(seed_graph, day):
    G = seed_graph.to_networkx(as_of=day, families={"affiliation", "caseStatus"})
    first, last = date_span(day)
    for _, _, d in G.edges(data=True):
        assert d["kind"] == "state", d["statement"]
        span = state_span(d.get("date"), d.get("start_date"), d.get("end_date"))
        assert span is not None and span[0] <= last and span[1] >= first, (day, d["statement"], span)


@pytest.mark.parametrize("day", DAYS)
def test_the_as_of_query_and_the_networkx_export_decide_alike(seed_graph, day):
    # A case status is a value of its lawsuit, not an edge between two entities.
    by_query = {r["statement"] for r in seed_graph.query("as-of", date=day) if r["relation"] != "case status"}
    G = seed_graph.to_networkx(as_of=day)
    by_graph = {d["statement"] for _, _, d in G.edges(data=True) if d["kind"] == "state"}
    assert by_query == by_graph


def test_mirkarimi_is_never_placed_in_office(seed_graph):
    # mayors2017 (2017) only recalls what he told CNN; he left office in January 2016.
    assert not any(("RossMirkarimi", "Sheriff") in _offices(seed_graph, day) for day in DAYS)


def test_homan_acting_director_only_when_attested_in_office(seed_graph):
    held = [day for day in DAYS if ("ThomasHoman", "acting director") in _offices(seed_graph, day)]
    assert held == ["2018", "2018-01-16"]
    czar = [day for day in DAYS if ("ThomasHoman", "border czar") in _offices(seed_graph, day)]
    assert czar == ["2025", "2025-02-05", "2025-02"]
    bound = seed_graph.query("""SELECT ?end WHERE { ?st rdf:subject ent:ThomasHoman ;
                                   kg:title "acting director" ; kg:latestEnd ?end }""").rows()
    assert [r["end"] for r in bound] == ["2025-02"]  # 'former', in February 2025


def test_sessions_is_attorney_general_in_january_2018_only(seed_graph):
    held = [day for day in DAYS if ("JeffSessions", "Attorney General") in _offices(seed_graph, day)]
    assert held == ["2018", "2018-01-16"]
    attorneys = {r["subject"] for r in seed_graph.query("as-of", date="2025-02-05")
                 if r["title"] == "Attorney General"}
    assert attorneys == {"Pam Bondi"}


def test_ed_lee_is_mayor_in_november_2016_only(seed_graph):
    held = [day for day in DAYS if ("EdLee", "Mayor") in _offices(seed_graph, day)]
    assert held == ["2016", "2016-11-14"]


def test_trump_president_elect_until_january_2017_then_president_by_the_texts(seed_graph):
    assert _offices(seed_graph, "2016-12") >= {("DonaldTrump", "President-elect")}
    assert ("DonaldTrump", "President-elect") not in _offices(seed_graph, "2017-02")
    assert ("DonaldTrump", "President") not in _offices(seed_graph, "2020")  # no text says so
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
    assert set(kept) == {"arrest2018-045", "arrest2018-046"}
    assert all(d["rank_reason"].startswith("source error") for d in kept.values())
    roles = {r["person"]: r for r in seed_graph.query("roles") if r["title"] == "state senator"}
    assert {p: (r["rank"], r["reason"][:12]) for p, r in roles.items()} == {
        "Kamala Harris": ("deprecated", "source error"), "Dianne Feinstein": ("deprecated", "source error")}
    assert not seed_graph.query("SELECT ?o WHERE { ent:KamalaHarris kg:holdsRole ?o }").rows()
    assert "Kamala Harris" not in {r["subject"] for r in seed_graph.query("as-of", date="2018-01")}


def test_a_lawsuit_node_carries_where_it_stands(seed_graph):
    G = seed_graph.to_networkx()
    [status] = G.nodes["SanFranciscoLawsuitAgainstTrump2017"]["status"]
    assert (status["value"], status["date"], status["document"]) == ("decided", "2025-02", "targeting2025")
    assert "status" not in G.nodes["DOJLawsuitAgainstIllinoisAndChicago"]  # the text does not say


def test_the_command_line_counts_deprecated_statements_only_when_asked(seed_build, tmp_path):
    import csv

    from conftest import run_kg

    def deprecated(*flags):
        done = run_kg("--store", str(seed_build), "export", "--format", "csv", "-o", str(tmp_path / "x"), *flags)
        assert done.returncode == 0, done.stderr
        with open(tmp_path / "x-edges.csv", encoding="utf-8") as f:
            return {row["statement"] for row in csv.DictReader(f) if row.get("rank") == "deprecated"}

    assert deprecated() == set()
    assert deprecated("--deprecated") == {"arrest2018-045", "arrest2018-046"}
    done = run_kg("--store", str(seed_build), "metrics", "--as-of", "2018-01", "--since", "2018-01", "--format", "json")
    assert done.returncode == 0, done.stderr
