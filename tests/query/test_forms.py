"""Every SPARQL query form (ASK, CONSTRUCT, DESCRIBE beside SELECT) in `kg query`, in `g.query()`
and over `--endpoint` against the real Oxigraph server behind `kg serve`; updates refused with
their own line; kg's prefixes and readable errors on `kg serve`."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
import rdflib

import kg
from conftest import REPO, invoke_kg
from kg.prefixes import PREFIXES
from kg.query import forms

ENT, KG = PREFIXES["ent"], PREFIXES["kg"]
ASK_TRUE = "ASK { ?who kg:sued ent:TrumpAdministration }"
ASK_FALSE = "ASK { ent:TrumpAdministration kg:sued ent:SanFrancisco }"
CONSTRUCT = "CONSTRUCT { ?who kg:sued ?whom } WHERE { ?who kg:sued ?whom }"
DESCRIBE = "DESCRIBE ent:DavidChiu"
#: --format name -> how to read it back.
READ_BACK = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
             "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}



@pytest.fixture(scope="module", params=["local", "endpoint"])
def where(request, seed_build):
    """Command-line arguments that run `kg query` on the store, or on `kg serve` over HTTP."""
    base = ["--root", str(REPO), "--store", str(seed_build), "query"]
    if request.param == "local":
        return base, []
    return base, ["--endpoint", request.getfixturevalue("served")]


def expected_sued(seed_graph) -> set[tuple[str, str]]:
    return {(r["who"], r["whom"]) for r in seed_graph.query("SELECT ?who ?whom WHERE { ?who kg:sued ?whom }")}


def pairs(triples) -> set[tuple[str, str]]:
    return {(t.subject.value, t.object.value) for t in triples if t.predicate.value == KG + "sued"}


# --- ASK ---

@pytest.mark.parametrize("text, answer", [(ASK_TRUE, "true"), (ASK_FALSE, "false")])
def test_ask_prints_true_or_false_and_exits_0(where, text, answer):
    base, remote = where
    result = invoke_kg(*base, "-e", text, *remote)
    assert (result.returncode, result.stdout, result.stderr) == (0, answer + "\n", "")
    as_json = invoke_kg(*base, "-e", text, "--format", "json", *remote)
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": answer == "true"}


def test_ask_in_python_is_a_boolean(seed_graph, served):
    remote = kg.load(REPO, endpoint=served)
    for g in (seed_graph, remote):
        yes, no = g.query(ASK_TRUE), g.query(ASK_FALSE)
        assert isinstance(yes, forms.Boolean) and yes and not no
        assert (yes.value, no.value) == (True, False)


# --- CONSTRUCT and DESCRIBE ---

@pytest.mark.parametrize("fmt", list(READ_BACK))
def test_construct_in_each_rdf_format(where, seed_graph, fmt):
    base, remote = where
    result = invoke_kg(*base, "-e", CONSTRUCT, "--format", fmt, *remote)
    assert result.returncode == 0, result.stderr
    triples = list(ox.parse(result.stdout.encode(), format=READ_BACK[fmt]))
    assert pairs(triples) == expected_sued(seed_graph) and len(triples) == len(expected_sued(seed_graph))
    if fmt in ("turtle", "jsonld"):  # for reading: kg's prefixes (JSON-LD: as its @context)
        assert "ent:SanFrancisco" in result.stdout and "https://w3id.org/conflict-kg/id/" in result.stdout


@pytest.mark.parametrize("fmt", list(READ_BACK))
def test_describe_in_each_rdf_format(where, fmt):
    base, remote = where
    result = invoke_kg(*base, "-e", DESCRIBE, "--format", fmt, *remote)
    assert result.returncode == 0, result.stderr
    triples = list(ox.parse(result.stdout.encode(), format=READ_BACK[fmt]))
    assert {t.subject.value for t in triples} == {ENT + "DavidChiu"}
    assert (KG + "holdsRole", ENT + "SanFrancisco") in {(t.predicate.value, t.object.value) for t in triples}
    assert ox.Literal("David Chiu") in {t.object for t in triples}


def test_graph_defaults_turtle_for_people_and_ntriples_in_a_pipe(seed_build):
    # A pipe here: N-Triples, one triple a line.
    piped = invoke_kg("--root", str(REPO), "--store", str(seed_build), "query", "-e", DESCRIBE)
    assert all(line.startswith(f"<{ENT}DavidChiu> ") and line.endswith(" .") for line in piped.stdout.splitlines())
    turtle = invoke_kg("--root", str(REPO), "--store", str(seed_build), "query", "-e", DESCRIBE, "--format", "turtle")
    assert "@prefix ent: <https://w3id.org/conflict-kg/id/> ." in turtle.stdout
    assert "ent:DavidChiu kg:holdsRole ent:SanFrancisco" in turtle.stdout


def test_construct_and_describe_in_python(seed_graph, served):
    remote = kg.load(REPO, endpoint=served)
    for g in (seed_graph, remote):
        built = g.query(CONSTRUCT)
        assert isinstance(built, forms.Triples)
        graph = built.graph()  # an rdflib Graph
        assert isinstance(graph, rdflib.Graph) and len(graph) == len(built)
        assert {(str(s), str(o)) for s, _, o in built} == expected_sued(seed_graph)
        assert all(isinstance(term, rdflib.URIRef) for triple in built for term in triple)
        described = g.query(DESCRIBE)
        assert (rdflib.URIRef(ENT + "DavidChiu"), rdflib.RDFS.label, rdflib.Literal("David Chiu")) in described.graph()
        assert "ent:DavidChiu" in described.serialize("turtle")


def test_construct_with_a_bound_parameter_locally_and_remotely(seed_graph, served):
    text = "CONSTRUCT { ?who kg:sued ?whom } WHERE { ?who kg:sued ?whom }"
    for g in (seed_graph, kg.load(REPO, endpoint=served)):
        built = g.query(text, whom=rdflib_free(ENT + "Chicago"))
        assert {(str(s), str(o)) for s, _, o in built} == {(ENT + "DOJ", ENT + "Chicago")}


def rdflib_free(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def test_a_graph_result_refuses_row_formats_and_rows_refuse_rdf_formats(seed_build):
    base = ["--root", str(REPO), "--store", str(seed_build), "query"]
    graph = invoke_kg(*base, "-e", DESCRIBE, "--format", "csv")
    assert graph.returncode == 2 and "gives a graph: use --format turtle|ntriples|jsonld|rdfxml" in graph.stderr
    rows = invoke_kg(*base, "lawsuits", "--format", "turtle")
    assert rows.returncode == 2 and "--format turtle is for graphs" in rows.stderr


# --- updates ---

UPDATES = ["INSERT DATA { ent:A kg:sued ent:B }", "DELETE WHERE { ?s ?p ?o }",
           "PREFIX ex: <urn:ex:> # a comment\nWITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
           "DROP ALL", "LOAD <http://example.org/data.ttl>", "CLEAR DEFAULT"]


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused_with_their_own_line(where, seed_graph, text):
    base, remote = where
    before = seed_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0]["n"]
    result = invoke_kg(*base, "-e", text, *remote)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["kg: error: a SPARQL update is not run: the graph is built from "
                                          "data/, not edited in the store (hint: change the files in data/ "
                                          "and rebuild; 'kg serve --writable' takes updates on a throw-away copy)"]
    assert seed_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0]["n"] == before


def test_updates_are_refused_in_python(seed_graph):
    with pytest.raises(kg.KGError, match="a SPARQL update is not run"):
        seed_graph.query("INSERT DATA { ent:A kg:sued ent:B }")


def test_query_words_inside_strings_and_iris_do_not_fool_the_form():
    from kg.query.sparql import form_of

    assert form_of('PREFIX x: <urn:INSERT> SELECT ?s WHERE { ?s ?p "DELETE" }') == "SELECT"
    assert form_of("# DROP ALL\nASK { ?s ?p ?o }") == "ASK"
    assert form_of("BASE <urn:x> construct where { ?s ?p ?o }") == "CONSTRUCT"
    assert form_of("describe <urn:x>") == "DESCRIBE"


# --- kg serve: kg's prefixes and one-line errors ---

def post(url: str, text: str, accept: str = "application/sparql-results+json") -> tuple[int, str]:
    request = urllib.request.Request(url, urllib.parse.urlencode({"query": text}).encode(),
                                     {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_kg_serve_answers_queries_using_kg_prefixes(served, seed_graph):
    text = "SELECT ?who WHERE { ?who kg:sued ent:TrumpAdministration } ORDER BY ?who"
    status, body = post(served, text)
    assert status == 200, body
    got = [b["who"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert got == [r["who"] for r in seed_graph.query(text)] and got
    # by GET and with the query as the body, too; and a query's own declaration wins
    with urllib.request.urlopen(f"{served}?{urllib.parse.urlencode({'query': ASK_TRUE})}", timeout=30) as response:
        assert json.load(response)["boolean"] is True
    own = "PREFIX kg: <urn:not-kg:> ASK { ?who kg:sued ?whom }"
    assert json.loads(post(served, own)[1])["boolean"] is False


def test_kg_serve_errors_are_one_line_with_the_position_in_the_query_sent(served):
    status, body = post(served, "SELECT ?x WHERE {\n  ?x kg:sued }")
    assert status == 400
    assert body == "SPARQL syntax error at line 2, column 14, near '}': not expected here\n"
    status, body = post(served, "SELEKT ?x WHERE { ?x ?p ?o }")
    assert status == 400 and body.startswith("SPARQL syntax error at line 1, column ")
    assert body.endswith(": a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after its PREFIX lines)\n")
    assert len(body.splitlines()) == 1 and len(body) < 200
