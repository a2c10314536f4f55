"""A real SPARQL 1.1 server (Oxigraph's, started here) as the store: `kg build --endpoint`,
`kg query --endpoint`, kg.load(endpoint=...), idempotent loads, bound parameters and errors."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from conftest import REPO, feb7_plaintiffs, free_port, invoke_kg
from kg.query import remote

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
INJECTIONS = ['x" } ; DROP ALL ; #', "> . ?s ?p ?o", "x' } DELETE WHERE { ?s ?p ?o } #",
              'a" . } } ; CLEAR ALL ; SELECT * { { ?s ?p "']


class OxigraphServer:
    """`oxigraph serve` (read-write) on a free loopback port, over a store folder."""

    def __init__(self, location: Path):
        self.location = location
        self.process = None

    def start(self) -> OxigraphServer:
        self.port = free_port()
        self.process = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(self.location),
                                         "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                assert self.process.poll() is None, "oxigraph serve exited"
                time.sleep(0.05)
        raise AssertionError("oxigraph serve did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def select(self, text: str) -> list[dict]:
        """A plain SPARQL Protocol client: POST the query, read SPARQL JSON, no default graph."""
        request = urllib.request.Request(self.query_url, urllib.parse.urlencode({"query": text}).encode(),
                                         {"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            bindings = json.load(response)["results"]["bindings"]
        return [{k: v["value"] for k, v in b.items()} for b in bindings]

    def graphs(self) -> dict[str, int]:
        """Triples per named graph, and in the default graph under ''."""
        counts = {r["g"]: int(r["n"]) for r in self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        counts[""] = int(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
        return counts


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    assert OXIGRAPH.is_file(), "the oxigraph server belongs in the venv (the test extra)"
    running = OxigraphServer(tmp_path_factory.mktemp("oxigraph")).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def own_store(tmp_path_factory) -> Path:
    """A store folder of this module's own: `kg build` here never replaces the shared seed store."""
    return tmp_path_factory.mktemp("remote-build")


@pytest.fixture(scope="module")
def loaded(server, own_store, seeds_project):
    """The seed graph (the fixture copy) built and loaded into the server by the real command
    line; its stdout."""
    result = invoke_kg("--root", str(seeds_project), "--store", str(own_store), "build", "--endpoint", server.query_url)
    assert result.returncode == 0, result.stderr
    return result.stdout


def local_triples(g) -> int:
    return g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0]["n"]


# Cells that hold a set written as text: the engine's GROUP_CONCAT order is its own; a query the
# analysis snapshot answers (edges, nodes, ...) gives them sorted.
_SETS = {"families": " ", "classes": " ", "ancestors": " ", "aliases": " | "}


def comparable(result) -> list[str]:
    """Rows as sortable text, with blank node labels (which differ between stores) blanked out and
    the names inside set cells in order."""
    def cell(column, term):
        if isinstance(term, ox.BlankNode):
            return "_:b"
        if column in _SETS and isinstance(term, ox.Literal):
            return ox.Literal(_SETS[column].join(sorted(term.value.split(_SETS[column]))), datatype=term.datatype)
        return term
    return sorted(repr([cell(c, t) for c, t in zip(result.variables, row)]) for row in result.terms)


# --- loading ---

def test_build_loads_the_graph_into_a_named_graph(server, loaded, seed_graph):
    count = local_triples(seed_graph)
    assert f"endpoint: {count} triples in <{remote.MAIN_GRAPH}>" in loaded
    assert server.graphs() == {remote.MAIN_GRAPH: count, "": 0}


def test_a_second_build_replaces_instead_of_duplicating(server, loaded, own_store, seed_graph, seeds_project):
    again = invoke_kg("--root", str(seeds_project), "--store", str(own_store), "build", "-q",
                      "--endpoint", server.query_url)
    assert again.returncode == 0 and again.stdout == "", again.stderr
    assert server.graphs() == {remote.MAIN_GRAPH: local_triples(seed_graph), "": 0}


def test_a_rerun_repairs_a_half_done_load(tmp_path, seed_graph):
    """The server dies in the middle of a load: readers still see the old graph, and the next
    run leaves exactly the new one."""
    spare = OxigraphServer(tmp_path / "store").start()
    try:
        endpoint = remote.Endpoint(spare.query_url)
        endpoint.update(f"INSERT DATA {{ GRAPH <{remote.MAIN_GRAPH}> {{ <urn:old> <urn:p> <urn:o> }} }}")

        def die_after_two_batches(done, total):
            if done >= 200:
                spare.stop()

        with pytest.raises(kg.KGError) as failure:
            endpoint.load(seed_graph.store, batch_size=100, progress=die_after_two_batches)
        assert failure.value.exit_code == 3
        spare.start()
        left = spare.graphs()
        assert left[remote.MAIN_GRAPH] == 1 and 0 < left[remote.STAGING_GRAPH] < local_triples(seed_graph)
        assert remote.Endpoint(spare.query_url).load(seed_graph.store) == local_triples(seed_graph)
        assert spare.graphs() == {remote.MAIN_GRAPH: local_triples(seed_graph), "": 0}
    finally:
        spare.stop()


# --- querying ---

def test_every_catalog_query_gives_the_same_rows_remotely(server, loaded, seed_graph):
    far = kg.load(REPO, endpoint=server.query_url)
    samples = {"entity": "Chiu", "name": "Homan", "source": "targeting2025"}
    for name, query in seed_graph.catalog.items():
        if any(p.name not in samples for p in query.params):
            continue
        params = {p.name: samples[p.name] for p in query.params}
        near_rows, far_rows = seed_graph.query(name, **params), far.query(name, **params)
        assert far_rows.variables == near_rows.variables, name
        assert comparable(far_rows) == comparable(near_rows), name


def test_query_command_on_the_endpoint(server, loaded):
    assert feb7_plaintiffs(server.query_url) == {"San Francisco", "Portland", "New Haven", "Santa Clara",
                                                 "Kings County"}


def test_entity_names_resolve_through_the_endpoint(server, loaded):
    far = kg.load(REPO, endpoint=server.query_url)
    assert far.store is None and far.resolve("Chiu") == kg.query.graph.ENT + "DavidChiu"
    assert far.resolve("targeting2025") == kg.query.graph.SRC + "targeting2025"
    with pytest.raises(kg.KGError, match="did you mean 'Homan'"):
        far.query("entity", entity="Homann")


@pytest.mark.parametrize("value", INJECTIONS)
def test_injected_parameters_stay_literals_on_the_endpoint(server, loaded, value):
    before = server.graphs()
    far = kg.load(REPO, endpoint=server.query_url)
    assert far.query("entity-lookup", name=value).rows() == []
    assert far.query("SELECT ?s ?name WHERE { ?s rdfs:label ?name }", name=value).rows() == []
    cli = invoke_kg("--root", str(REPO), "query", "entity-lookup", "--param", f"name={value}",
                    "--endpoint", server.query_url, "--format", "csv")
    assert cli.returncode == 0 and cli.stdout.strip() == "entity,label,type,name,statements", cli.stderr
    assert server.graphs() == before


def test_iri_parameters_with_forbidden_characters_never_reach_the_endpoint(server, loaded):
    far = kg.load(REPO, endpoint=server.query_url)
    with pytest.raises(kg.KGError, match="not a valid IRI"):
        far.query("entity", entity="https://w3id.org/conflict-kg/id/X> . ?s ?p ?o")
    with pytest.raises(ValueError):
        ox.NamedNode("urn:x> } ; DROP ALL ; #")
    with pytest.raises(kg.KGError, match="cannot be a query parameter"):
        remote.bind_values("SELECT ?s { ?s ?p ?o }", {"s) } ; #": ox.Literal("x")})


def test_values_go_into_the_top_level_where_group():
    # '#' in an IRI starts no comment; braces in strings and comments open no group.
    text = ('PREFIX ex: <http://example.org/#> SELECT ?name (CONCAT("{", ?name, \'}\') AS ?shown) '
            '# a comment { with a brace\nWHERE { ?s ?p ?o . FILTER(?o != """{ not here }""") }')
    bound = remote.bind_values(text, {"name": ox.Literal('a"b'), "s": ox.NamedNode("urn:s")})
    assert bound.endswith('WHERE { VALUES (?name ?s) { ("a\\"b" <urn:s>) } ?s ?p ?o . '
                          'FILTER(?o != """{ not here }""") }')
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    rows = list(store.query(bound))
    assert [(r["name"].value, r["shown"].value) for r in rows] == [('a"b', '{a"b}')]


# --- errors ---

def test_connection_refused_is_one_line_and_exit_3(own_store):
    url = f"http://127.0.0.1:{free_port()}/query"
    for command, reached in (("query", url), ("build", url.replace("/query", "/update"))):
        args = ["query", "lawsuits"] if command == "query" else ["build", "-q"]
        result = invoke_kg("--root", str(REPO), "--store", str(own_store), *args, "--endpoint", url)
        assert result.returncode == 3, result.stderr
        assert result.stderr.strip().splitlines() == [
            f"kg: error: cannot reach {reached}: connection refused "
            "(hint: is the SPARQL server running, and is the URL right?)"]


def test_a_server_that_never_answers_times_out():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        accepted = []
        threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
        far = kg.load(REPO, endpoint=f"http://127.0.0.1:{silent.getsockname()[1]}/query", timeout=0.5)
        with pytest.raises(kg.KGError, match="did not answer within 0.5 s") as failure:
            far.query("lawsuits")
        assert failure.value.exit_code == 3


def test_http_errors_and_syntax_errors(server, loaded, own_store):
    wrong = invoke_kg("--root", str(REPO), "query", "lawsuits", "--endpoint",
                      server.query_url.replace("/query", "/nope"))
    assert wrong.returncode == 3 and "answered HTTP 404" in wrong.stderr and len(wrong.stderr.splitlines()) == 1
    bad = invoke_kg("--root", str(REPO), "query", "-e", "SELECT ?x WHERE { ?x ?y }", "--endpoint", server.query_url)
    assert bad.returncode == 1 and "the endpoint rejected the query" in bad.stderr
    assert len(bad.stderr.splitlines()) == 1
    refused = invoke_kg("--root", str(REPO), "--store", str(own_store), "build", "-q", "--endpoint", server.query_url,
                        "--update-endpoint", server.query_url.replace("/query", "/nope"))
    assert refused.returncode == 3 and "--update-endpoint" in refused.stderr


def test_update_urls_of_common_servers():
    assert remote.Endpoint("http://h:7878/query").update_url == "http://h:7878/update"
    assert remote.Endpoint("http://h:3030/ds/query").update_url == "http://h:3030/ds/update"
    assert remote.Endpoint("http://h:7200/repositories/kg").update_url == "http://h:7200/repositories/kg/statements"
    assert remote.Endpoint("http://h:8890/sparql").update_url == "http://h:8890/sparql"
    secured = remote.Endpoint("http://ann:s%40cret@h:3030/ds/query")
    assert secured.url == "http://h:3030/ds/query" and secured._auth == "Basic YW5uOnNAY3JldA=="
    with pytest.raises(kg.KGError, match="is not an http"):
        remote.Endpoint("localhost:7878/query")
