"""A second real SPARQL engine: OpenLink Virtuoso (Debian's virtuoso-opensource-7-bin, which
`./dev test` installs), started here on loopback with a database folder of its own.

`kg build --endpoint` loads the seed graph into it and `kg query --endpoint` reads it back; the
whole catalog gives the same rows as the local store (the README's section on servers names the
faults of Virtuoso 7.2.5 that the queries are written around).
"""

from __future__ import annotations

import os
import re
import subprocess

import pyoxigraph as ox
import pytest
from virtuoso import ISQL, VIRTUOSO, VirtuosoServer, available

import kg
from conftest import REPO, feb7_plaintiffs, run_kg
from kg.query import remote
from kg.query.forms import Boolean

pytestmark = pytest.mark.virtuoso  # a real Virtuoso server

#: A value for each catalog parameter.
SAMPLES = {"entity": "Chiu", "name": "Homan", "source": "targeting2025", "date": "2025-02-05",
           "lawsuit": "SanFranciscoLawsuitAgainstTrump2017"}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if not available():
        message = f"no Virtuoso at {VIRTUOSO} (apt-get install virtuoso-opensource-7-bin; ./dev test does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def loaded(virtuoso, seeds_project, tmp_path_factory):
    """The seed graph (the fixture copy) built and loaded into Virtuoso by the real command line;
    its stdout."""
    store_dir = tmp_path_factory.mktemp("virtuoso-build")
    result = run_kg("--root", str(seeds_project), "--store", str(store_dir), "build", "--endpoint", virtuoso.query_url)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _triples(g) -> int:
    return g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0]["n"]


# GROUP_CONCAT's order is each engine's own: such cells are compared as sets of their parts.
_CONCAT = re.compile(r'separator\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)', re.I)


def comparable(result, text: str) -> list[str]:
    """Rows as sortable text: blank node labels (each store's own) blanked out, concatenated
    lists sorted."""
    lists = {name: sep for sep, name in _CONCAT.findall(text)}
    out = []
    for row in result.terms:
        cells = []
        for name, term in zip(result.variables, row):
            if isinstance(term, ox.BlankNode):
                term = "_:b"
            elif name in lists and isinstance(term, ox.Literal):
                term = (term.datatype.value, sorted(term.value.split(lists[name])))
            cells.append(repr(term))
        out.append(repr(cells))
    return sorted(out)


def test_build_loads_the_graph_into_virtuoso(virtuoso, loaded, seed_graph):
    count = _triples(seed_graph)
    assert f"endpoint: {count} triples in <{remote.MAIN_GRAPH}>" in loaded
    assert virtuoso.graphs() == {remote.MAIN_GRAPH: count}  # the staging graph is gone
    # The ontology's blank nodes (OWL lists) arrive as one node each, linked as in the store.
    lists = "SELECT (COUNT(*) AS ?n) WHERE { ?l rdf:first ?x ; rdf:rest ?r }"
    far = kg.load(REPO, endpoint=virtuoso.query_url)
    assert far.query(lists).rows() == seed_graph.query(lists).rows() != [{"n": 0}]


def test_a_second_build_replaces_the_graph(virtuoso, loaded, seed_graph, seeds_project, tmp_path):
    again = run_kg("--root", str(seeds_project), "--store", str(tmp_path), "build", "-q",
                   "--endpoint", virtuoso.query_url)
    assert again.returncode == 0 and again.stdout == "", again.stderr
    assert virtuoso.graphs() == {remote.MAIN_GRAPH: _triples(seed_graph)}


@pytest.mark.parametrize("name", sorted(p.stem for p in (REPO / "queries").glob("*.rq")))
def test_every_catalog_query_gives_the_same_rows_on_virtuoso(virtuoso, loaded, seed_graph, name):
    query = seed_graph.catalog[name]
    params = {p.name: SAMPLES[p.name] for p in query.params}
    far = kg.load(REPO, endpoint=virtuoso.query_url)
    near_rows, far_rows = seed_graph.query(name, **params), far.query(name, **params)
    assert far_rows.variables == near_rows.variables
    assert len(near_rows) > 0 or name == "entity-lookup"
    assert comparable(far_rows, query.text) == comparable(near_rows, query.text)


@pytest.mark.parametrize(("name", "param", "values"), [
    ("as-of", "date", ["2017", "2017-03", "2018-01-15", "2025", "2025-02", "2026"]),
    ("as-of-possible", "date", ["2017-01-10", "2018-01-16", "2020-01-01", "2025-02-03", "2025-02-10"]),
    ("case", "lawsuit", ["SanFranciscoLawsuitAgainstTrumpAdministration2025", "DOJLawsuitAgainstIllinoisAndChicago",
                         "DenverPublicSchoolsICELawsuit", "SanctuaryFundingLawsuits2017"]),
])
def test_every_precision_and_every_case_agree_on_virtuoso(virtuoso, loaded, seed_graph, name, param, values):
    """Beyond the one sample: a year, a month and a day for `as-of`, each lawsuit's course."""
    far = kg.load(REPO, endpoint=virtuoso.query_url)
    text = seed_graph.catalog[name].text
    for value in values:
        near_rows, far_rows = seed_graph.query(name, **{param: value}), far.query(name, **{param: value})
        assert comparable(far_rows, text) == comparable(near_rows, text), value


@pytest.mark.virtuoso
@pytest.mark.parametrize("day", ["2016-12-31", "2017-01-10", "2017-06-01", "2018-01", "2018-01-16", "2020-01-01",
                                 "2025-01-10", "2025-02-03", "2025-02-07", "2025-02-10", "2025"])
def test_the_as_of_queries_on_virtuoso_decide_as_kg_validtime(virtuoso, loaded, seed_graph, day):
    """Virtuoso's answer to as-of and as-of-possible is the Python decision, date by date."""
    from kg.validtime import state_on

    far = kg.load(REPO, endpoint=virtuoso.query_url)
    G = seed_graph.to_networkx(families={"affiliation"})
    decided = {d["statement"]: state_on(d, day) for _, _, d in G.edges(data=True) if d["kind"] == "state"}
    certain = {r["statement"] for r in far.query("as-of", date=day) if r["statement"] in decided}
    maybe = {r["statement"]: r["certainty"] for r in far.query("as-of-possible", date=day) if r["statement"] in decided}
    assert certain == {s for s, answer in decided.items() if answer == "certain"}
    assert maybe == {s: answer for s, answer in decided.items() if answer != "not held"}
    if day == "2025-02-03":
        assert not [s for s in maybe if s in {"targeting2025-259", "targeting2025-275", "targeting2025-324"}]
    if day == "2025-02-10":
        assert {"targeting2025-259", "targeting2025-275"} <= set(maybe)
    if day == "2017-01-10":
        titles = {r["title"] for r in far.query("as-of", date=day) if r["subject"] == "Donald Trump"}
        assert not {"President", "President-elect"} <= titles


def test_query_command_and_network_on_virtuoso(virtuoso, loaded, seed_graph):
    assert feb7_plaintiffs(virtuoso.query_url) == {"San Francisco", "Portland", "New Haven", "Santa Clara",
                                                   "Kings County"}
    far = kg.load(REPO, endpoint=virtuoso.query_url)
    G, H = far.to_networkx(), seed_graph.to_networkx()
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    assert sorted(G.edges(keys=True, data=True)) == sorted(H.edges(keys=True, data=True))
    assert far.path("Homan", "Chiu") == seed_graph.path("Homan", "Chiu")


def test_ask_construct_and_describe_on_virtuoso(virtuoso, loaded, seed_graph, seeds_project):
    """Virtuoso answers ASK as a row of __ASK_RETVAL and a CONSTRUCT as rows when rows are asked
    for first; kg gives the same true/false and the same triples as the local store."""
    far = kg.load(REPO, endpoint=virtuoso.query_url)
    for ask in ("ASK { ?s a kg:Lawsuit }", "ASK { ?s a kg:NoSuchClass }"):
        assert isinstance(far.query(ask), Boolean) and bool(far.query(ask)) == bool(seed_graph.query(ask))
    labels = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a kg:Lawsuit ; rdfs:label ?l }"
    assert sorted(map(str, far.query(labels))) == sorted(map(str, seed_graph.query(labels))) != []
    # DESCRIBE is each engine's own choice of triples; both hold at least the entity's own.
    homan = "DESCRIBE ent:ThomasHoman"
    assert set(map(str, seed_graph.query(homan))) <= set(map(str, far.query(homan)))
    cli = run_kg("--root", str(seeds_project), "query", "-e", labels, "--format", "ntriples",
                 "--endpoint", virtuoso.query_url)
    assert cli.returncode == 0 and len(cli.stdout.splitlines()) == len(seed_graph.query(labels)), cli.stderr
    asked = run_kg("--root", str(seeds_project), "query", "-e", "ASK { ?s a kg:NoSuchClass }", "--format", "json",
                   "--endpoint", virtuoso.query_url)
    assert asked.returncode == 0 and '"boolean": false' in asked.stdout, asked.stdout + asked.stderr


def test_parameters_stay_values_and_errors_are_one_line(virtuoso, loaded):
    before = virtuoso.graphs()
    far = kg.load(REPO, endpoint=virtuoso.query_url)
    assert far.query("entity-lookup", name='x" } ; DROP ALL ; #').rows() == []
    assert virtuoso.graphs() == before
    bad = run_kg("--root", str(REPO), "query", "-e", "SELECT ?x WHERE { ?x ?y }", "--endpoint", virtuoso.query_url)
    assert bad.returncode == 1 and "the endpoint rejected the query" in bad.stderr
    assert len(bad.stderr.splitlines()) == 1


def test_updates_need_the_grant(virtuoso, loaded, seeds_project, tmp_path):
    """Without SPARQL_UPDATE for the SPARQL user, the load fails in one line and the graph stays."""
    revoke = subprocess.run([ISQL, f"127.0.0.1:{virtuoso.sql_port}", "dba", "dba"],
                            input='REVOKE SPARQL_UPDATE FROM "SPARQL";\n', capture_output=True, text=True, timeout=60)
    assert revoke.returncode == 0
    try:
        before = virtuoso.graphs()
        refused = run_kg("--root", str(seeds_project), "--store", str(tmp_path), "build", "-q", "--endpoint",
                         virtuoso.query_url)
        assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert "SPARQL_UPDATE" in refused.stderr or "permission" in refused.stderr.lower()
        assert virtuoso.graphs() == before
    finally:
        subprocess.run([ISQL, f"127.0.0.1:{virtuoso.sql_port}", "dba", "dba"],
                       input='GRANT SPARQL_UPDATE TO "SPARQL";\n', capture_output=True, text=True, timeout=60)
