"""The SPARQL catalog (queries/*.rq) on the seed graph: each question's rows against what the
five articles say."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

import kg
from conftest import REPO
from kg.prefixes import PREFIXES
from kg.query import catalog

FEB7_PLAINTIFFS = {"San Francisco", "Portland", "New Haven", "Santa Clara", "Kings County"}


def names(cell: str | None) -> set[str]:
    return set(cell.split(" | ")) if cell else set()


def stated(cell: str | None) -> set[str]:
    """The names of a list cell that the text states (not marked '(implied)')."""
    return {n for n in names(cell) if not n.endswith(" (implied)")}


def unmarked(cell: str | None) -> set[str]:
    return {n.removesuffix(" (implied)") for n in names(cell)}


def by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


# --- the catalog itself ---

def test_every_query_has_a_header_and_answers_on_the_seed_graph(seed_graph):
    samples = {"entity": "DavidChiu", "name": "Chiu", "source": "targeting2025",
               "lawsuit": "SanFranciscoLawsuitAgainstTrump2017", "date": "2025-02-05"}
    for name, query in seed_graph.catalog.items():
        assert query.title != name and query.description, f"{name}.rq lacks a title or description"
        if all(p.name in samples for p in query.params):
            params = {p.name: samples[p.name] for p in query.params}
            assert len(seed_graph.query(name, **params)) > 0, f"{name} returns no rows"


def test_every_parameter_is_projected_so_both_backends_bind_it():
    # Local substitutions need the variable in SELECT; the remote VALUES block does not.
    for query in catalog.load(REPO / "queries").values():
        select = re.search(r"SELECT(.*?)WHERE", query.text, re.S).group(1)
        for param in query.params:
            assert f"?{param.name}" in select.split(), f"{query.name}: ?{param.name} is not projected"


# --- lawsuits ---

def test_lawsuits_feb_7_2025_plaintiffs_defendant_date_and_claims(seed_graph):
    suits = by(seed_graph.query("lawsuits").rows(), "lawsuit")
    feb7 = suits["SanFranciscoLawsuitAgainstTrumpAdministration2025"]
    assert feb7["filed"] == "2025-02-07"
    assert stated(feb7["plaintiffs"]) == FEB7_PLAINTIFFS
    assert unmarked(feb7["defendants"]) == {"Trump administration"}
    assert {"Trump's sanctuary actions violate the 10th Amendment",
            "Trump's sanctuary actions violate the Spending Clause",
            "Trump's sanctuary actions violate the Due Process Clause",
            "Trump's sanctuary actions violate the Separation of Powers Doctrine",
            "Trump's sanctuary actions violate the Administrative Procedure Act",
            } <= unmarked(feb7["claims"])
    assert names(feb7["sources"]) == {"targeting2025", "standfirm2025"}


def test_lawsuits_doj_v_illinois_and_the_first_term_suit(seed_graph):
    suits = by(seed_graph.query("lawsuits").rows(), "lawsuit")
    doj = suits["DOJLawsuitAgainstIllinoisAndChicago"]
    assert (doj["filed"], names(doj["plaintiffs"]), names(doj["defendants"])) == (
        "2025-02-06", {"U.S. Department of Justice"}, {"Illinois", "Chicago"})
    assert names(doj["claims"]) == {"Illinois and Chicago impede Trump's immigration enforcement policies"}
    first = suits["SanFranciscoLawsuitAgainstTrump2017"]
    assert (names(first["plaintiffs"]), names(first["defendants"])) == ({"San Francisco"}, {"Donald Trump"})
    assert names(first["courts"]) == {"U.S. Court of Appeals for the Ninth Circuit", "U.S. Supreme Court"}


def test_lawsuits_lists_every_lawsuit_once(seed_graph):
    rows = seed_graph.query("lawsuits").rows()
    count = seed_graph.query("SELECT (COUNT(?s) AS ?n) WHERE { ?s a kg:Lawsuit }").rows()[0]["n"]
    assert len(rows) == len({r["lawsuit"] for r in rows}) == count


def test_every_lawsuit_answers_its_course(seed_graph):
    """Filed when, by whom, against whom, where, claiming what, decided how (or pending): what
    the texts give, each step with its quote, and nothing they do not."""
    suits = [r["lawsuit"] for r in seed_graph.query("lawsuits")]
    course = {suit: seed_graph.query("case", lawsuit=suit).rows() for suit in suits}
    for suit, rows in course.items():
        assert {"filed by"} <= {r["step"] for r in rows}, suit
        assert all(r["quote"] and r["source"] and r["attested"] for r in rows), suit
        order = ["filed by", "filed against", "court", "claim", "provision", "ruling", "status"]
        assert [order.index(r["step"]) for r in rows] == sorted(order.index(r["step"]) for r in rows)

    def steps(suit, step):
        return {(r["who"], r["what"], r["date"]) for r in course[suit] if r["step"] == step}

    feb7 = "SanFranciscoLawsuitAgainstTrumpAdministration2025"
    assert {who for who, _, when in steps(feb7, "filed by") if when == "2025-02-07"} == FEB7_PLAINTIFFS
    assert ("Trump administration", "", "2025-02-07") in steps(feb7, "filed against")
    assert {what for _, what, _ in steps(feb7, "provision")} == {
        "Tenth Amendment", "Separation of Powers Doctrine", "Spending Clause", "Due Process Clause",
        "Administrative Procedure Act"}
    assert steps(feb7, "ruling") == set() and steps(feb7, "status") == {("", "pending", "2025-02")}

    first = "SanFranciscoLawsuitAgainstTrump2017"
    rulings = {(who, what) for who, what, _ in steps(first, "ruling")}
    assert ("U.S. Court of Appeals for the Ninth Circuit", "ruled for San Francisco") in rulings
    assert ("U.S. Supreme Court", "ruled on: declined to hear the case") in rulings
    assert steps(first, "status") == {("", "decided", "2025-02")}
    assert ("Denver Public Schools", "", None) in steps("DenverPublicSchoolsICELawsuit", "filed by")  # suing, undated
    assert steps("DOJLawsuitAgainstIllinoisAndChicago", "status") == set()  # the text does not say

    table = by(seed_graph.query("lawsuits").rows(), "lawsuit")
    assert table[feb7]["status"] == "pending (2025-02)"
    assert table[first]["status"] == "decided (2025-02)"
    assert "U.S. Supreme Court ruled on: declined to hear the case" in names(table[first]["rulings"])


def test_as_of_lists_what_held_on_the_day(seed_graph):
    rows = seed_graph.query("as-of", date="2018-01-16").rows()
    held = {(r["subject"], r["title"]) for r in rows if r["relation"] == "holds role"}
    # Nielsen 'On January 16' is certain; Sessions, attested in the article's month, only possible.
    assert ("Kirstjen Nielsen", "Secretary") in held and ("Jeff Sessions", "Attorney General") not in held
    maybe = {(r["subject"], r["title"]): r["certainty"] for r in seed_graph.query("as-of-possible", date="2018-01-16")}
    assert maybe[("Jeff Sessions", "Attorney General")] == "possible"
    assert maybe[("Kirstjen Nielsen", "Secretary")] == "certain"
    assert not {p for p, _ in maybe} & {"Ross Mirkarimi", "Ed Lee", "Pam Bondi"}
    assert ("Kamala Harris", "state senator") not in maybe  # deprecated: the source's error
    assert {(r["subject"], r["object"]) for r in seed_graph.query("as-of", date="2025-02")
            if r["relation"] == "case status"} == {
        ("San Francisco-led lawsuit against the Trump Administration (Feb. 7, 2025)", "pending"),
        ("San Francisco's first-term lawsuit against Trump over sanctuary policies", "decided")}
    # Denver's, said to be pending in 2025, may or may not be in February.
    assert {(r["subject"], r["certainty"]) for r in seed_graph.query("as-of-possible", date="2025-02")
            if r["relation"] == "case status" and r["subject"].startswith("Denver")} == {
        ("Denver Public Schools lawsuit over ICE presence in schools", "possible")}


# --- provisions ---

def test_provisions_invoked_by_chiu_habig_and_the_sanctuary_jurisdictions(seed_graph):
    rows = seed_graph.query("provisions").rows()
    invoked: dict[str, set[str]] = {}
    for r in rows:
        invoked.setdefault(r["actor"], set()).add(r["provision"])
    assert invoked["David Chiu"] == {"Tenth Amendment", "Separation of Powers Doctrine", "Spending Clause",
                                     "Due Process Clause", "Administrative Procedure Act"}
    assert invoked["Jill Habig"] == {"Fourth Amendment"}
    assert invoked["Legal experts"] == {"Constitutional limits on federal power"}
    cited = [r for r in rows if r["actor"] == "Sanctuary jurisdictions" and r["claim"] is None]
    assert [(r["provision"], r["confidence"]) for r in cited] == [("Fourth Amendment", "explicit")]
    spending = next(r for r in rows if r["provision"] == "Spending Clause")
    assert (spending["kind"], spending["source"]) == ("ConstitutionalProvision", "targeting2025")
    assert "Spending Clause" in spending["quote"]


# --- threats ---

def test_threats_by_federal_actors_with_targets_means_and_dates(seed_graph):
    rows = seed_graph.query("threats").rows()
    seen = {(r["actor"], r["target"], r["date"], r["via"]) for r in rows}
    assert ("Pam Bondi", "Officials of sanctuary jurisdictions", "2025-02-05",
            "Sanctuary Jurisdiction Directives") in seen
    assert ("Sean Duffy", "Sanctuary jurisdictions", "2025-01",
            "Department of Transportation order on funding for non-cooperating local governments") in seen
    assert {r["actor"] for r in rows} >= {"Donald Trump", "Thomas Homan", "U.S. Department of Justice",
                                          "Trump administration", "Protecting the American People Against Invasion"}
    bondi = next(r for r in rows if r["actor"] == "Pam Bondi")
    assert bondi["manner"] == "prosecution over immigration enforcement" and bondi["confidence"] == "explicit"
    assert "prosecute local officials" in bondi["quote"]
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated)


def test_threats_leave_out_local_actors(seed_graph):
    """A city, its mayor, a school district located in a city: not federal. A person holding
    office in a federal agency, and the order that agency issued: federal."""
    store = ox.Store()
    store.bulk_extend(seed_graph.store)
    ent, kgo = PREFIXES["ent"], PREFIXES["kg"]
    for number, (actor, target) in enumerate([("Oakland", "ICE"), ("LibbySchaaf", "DOJ"),
                                              ("DenverPublicSchools", "ICE"), ("KirstjenNielsen", "Oakland"),
                                              ("DepartmentOfTransportationFundingOrder", "Denver")]):
        st = ox.NamedNode(f"{PREFIXES['stmt']}test-{number}")
        for p, o in [(PREFIXES["rdf"] + "type", ox.NamedNode(kgo + "Statement")),
                     (PREFIXES["rdf"] + "subject", ox.NamedNode(ent + actor)),
                     (PREFIXES["rdf"] + "predicate", ox.NamedNode(kgo + "threatened")),
                     (PREFIXES["rdf"] + "object", ox.NamedNode(ent + target)),
                     (kgo + "confidence", ox.NamedNode(kgo + "Explicit")),
                     (PREFIXES["prov"] + "wasDerivedFrom", ox.NamedNode(PREFIXES["src"] + "arrest2018")),
                     (kgo + "displayQuote", ox.Literal("a test sentence"))]:
            store.add(ox.Quad(st, ox.NamedNode(p), o))
    g = kg.KnowledgeGraph(store, None, seed_graph.project)
    added = {r["statement"]: r["actor"] for r in g.query("threats") if r["statement"].startswith("test-")}
    assert added == {"test-3": "Kirstjen Nielsen",
                     "test-4": "Department of Transportation order on funding for non-cooperating local governments"}


# --- roles over time ---

def test_roles_of_homan_over_time(seed_graph):
    rows = [r for r in seed_graph.query("roles") if r["person"] == "Thomas Homan"]
    assert {(r["title"], r["organization"]) for r in rows} == {
        ("acting director", "U.S. Immigration and Customs Enforcement"), ("border czar", "Trump administration")}
    dated = [(r["title"], r["attested"]) for r in rows if r["attested"]]
    assert dated[0] == ("acting director", "2018-01")
    assert ("border czar", "2025-02") in dated


def test_roles_are_in_time_order_for_each_person(seed_graph):
    rows = seed_graph.query("roles").rows()
    trump = [(r["title"], r["attested"]) for r in rows if r["person"] == "Donald Trump"]
    assert trump[0] == ("President-elect", "2016-12")
    assert {t for t, _ in trump[1:]} == {"President"}
    chiu = {(r["title"], r["organization"]) for r in rows if r["person"] == "David Chiu"}
    assert chiu == {("City Attorney", "San Francisco")}
    for person in {r["person"] for r in rows}:
        when = [r["start"] or r["attested"] for r in rows if r["person"] == person]
        dated = [w for w in when if w]
        assert when == dated + [None] * (len(when) - len(dated)) and dated == sorted(dated), person


# --- timeline ---

def test_timeline_holds_every_dated_statement_in_order(seed_graph):
    rows = seed_graph.query("timeline").rows()
    dated = seed_graph.query("""SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE { ?st a kg:Statement ; ?when ?d
        VALUES ?when { kg:eventDate kg:startDate kg:endDate }
        FILTER NOT EXISTS { ?st kg:rank kg:DeprecatedRank } }""").rows()
    assert len(rows) == dated[0]["n"]
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    events = {(r["date"], r["subject"], r["relation"], r["object"]) for r in rows}
    assert {("2025-02-07", city, "sued", "Trump administration") for city in FEB7_PLAINTIFFS} <= events
    assert ("2025-02-06", "U.S. Department of Justice", "sued", "Illinois") in events
    assert ("2025-02-05", "Pam Bondi", "issued", "Sanctuary Jurisdiction Directives") in events
    assert ("1989", "San Francisco", "enacted", "San Francisco 1989 sanctuary ordinance") in events


# --- claims and counter-claims ---

def test_claims_safer_is_asserted_and_disputed_with_sources(seed_graph):
    rows = [r for r in seed_graph.query("claims") if r["claim"] == "Sanctuary policies make cities safer"]
    sides = {(r["side"], r["actor"]) for r in rows}
    assert {("for", "Jill Habig"), ("for", "Ross Mirkarimi")} <= sides
    assert {("against", "James Comer"), ("against", "Donald Trump")} <= sides
    assert {r["contested"] for r in rows} == {"yes"}
    assert {r["source"] for r in rows} >= {"mayors2017", "targeting2025"}
    mirkarimi = next(r for r in rows if r["actor"] == "Ross Mirkarimi")
    assert "makes us safer" in mirkarimi["quote"]


def test_claims_contested_first_and_every_claim_statement_once(seed_graph):
    rows = seed_graph.query("claims").rows()
    flags = [r["contested"] for r in rows]
    assert flags == sorted(flags, reverse=True) and flags[0] == "yes" and flags[-1] == "no"
    about = seed_graph.query("""SELECT (COUNT(?st) AS ?n) WHERE {
        ?st a kg:Statement ; rdf:object ?c . ?c a/rdfs:subClassOf* kg:Claim }""").rows()
    assert len(rows) == len({r["statement"] for r in rows}) == about[0]["n"]


# --- one entity ---

def test_entity_by_alias_gives_everything_with_quotes(seed_graph):
    rows = seed_graph.query("entity", entity="Pam Bondi").rows()
    assert {r["entity"] for r in rows} == {PREFIXES["ent"] + "PamBondi"}
    said = {(r["subject"], r["relation"], r["object"]) for r in rows}
    assert ("Pam Bondi", "issued", "Sanctuary Jurisdiction Directives") in said
    assert ("Pam Bondi", "threatened", "Officials of sanctuary jurisdictions") in said
    role = next(r for r in rows if r["relation"] == "holds role")
    assert (role["object"], role["details"]) == ("U.S. Department of Justice", "title: Attorney General")
    assert all(r["quote"] and r["source"] for r in rows)


def test_entity_as_object_and_as_channel(seed_graph):
    rows = seed_graph.query("entity", entity="SanctuaryJurisdictionDirectives").rows()
    roles = {(r["role"], r["subject"], r["relation"]) for r in rows}
    assert ("object", "Pam Bondi", "issued") in roles
    assert ("via", "Pam Bondi", "threatened") in roles
    counted = seed_graph.query("entity", entity="Jailing of Kim Davis (August 2015)").rows()
    assert any(r["relation"] == "count" and r["object"].startswith("5 ") for r in counted)


# --- one source ---

def test_source_lists_its_statements_in_text_order(seed_graph):
    rows = seed_graph.query("source", source="arrest2018").rows()
    total = seed_graph.query("SELECT (COUNT(?st) AS ?n) WHERE { ?st prov:wasDerivedFrom src:arrest2018 }").rows()
    assert len(rows) == total[0]["n"] > 0
    assert {r["source"] for r in rows} == {PREFIXES["src"] + "arrest2018"}
    starts = [r["start"] for r in rows]
    assert starts == sorted(starts)
    assert ("Thomas Homan", "holds role", "U.S. Immigration and Customs Enforcement") in {
        (r["subject"], r["relation"], r["object"]) for r in rows}


# --- corroboration ---

def test_corroboration_counts_sources_per_relation(seed_graph):
    rows = seed_graph.query("corroboration").rows()
    edges = {(r["subject"], r["relation"], r["object"]): r for r in rows}
    member = edges[("San Francisco", "member of", "Sanctuary jurisdictions")]
    assert member["support"] == "corroborated" and member["sources"] >= 3
    assert {"targeting2025", "standfirm2025", "resist2016"} <= names(member["documents"])
    sued = edges[("San Francisco", "sued", "Trump administration")]
    assert names(sued["documents"]) == {"targeting2025", "standfirm2025"}
    memo = edges[("Pam Bondi", "issued", "Sanctuary Jurisdiction Directives")]
    assert (memo["support"], memo["sources"], memo["explicitSources"]) == ("single source", 1, 1)
    assert all(r["explicitSources"] <= r["sources"] for r in rows)
    counts = [r["sources"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_corroboration_accounts_for_every_statement_once(seed_graph):
    rows = seed_graph.query("corroboration").rows()
    listed = [s for r in rows for s in r["statements"].split(" | ")]
    total = seed_graph.query("SELECT (COUNT(?st) AS ?n) WHERE { ?st a kg:Statement }").rows()[0]["n"]
    assert len(listed) == len(set(listed)) == total


@pytest.mark.parametrize("name", ["lawsuits", "threats", "timeline", "claims", "corroboration"])
def test_catalog_query_as_dataframe_or_a_clear_error_without_pandas(seed_graph, name):
    result = seed_graph.query(name)
    try:
        import pandas as pd
    except ImportError:
        with pytest.raises(kg.KGError, match="needs pandas"):
            result.to_dataframe()
        return
    frame = result.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == result.variables and len(frame) == len(result) > 0
