"""`kg query` and KnowledgeGraph.query: names, files, -e text, bound parameters, formats, errors,
and the example script."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import json
import os
import subprocess
import sys

import pytest

import kg
from conftest import REPO, invoke_kg
from kg.prefixes import PREFIXES

INJECTIONS = ['x" } ; DROP ALL ; #', "> . ?s ?p ?o", "x' } DELETE WHERE { ?s ?p ?o } #", 'Chiu"@en . } #']


@pytest.fixture(scope="module")
def cli(seed_build):
    """Run `kg` on the seed store."""
    return lambda *args: invoke_kg("--root", str(REPO), "--store", str(seed_build), *args)


def triples(g) -> int:
    return g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0]["n"]


# --- the command line ---

def test_list_shows_every_catalog_query_with_its_parameters(cli):
    result = cli("query", "--list", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    for name in ("lawsuits", "provisions", "threats", "roles", "timeline", "claims", "entity", "source",
                 "corroboration"):
        assert name in rows and rows[name]["title"] and rows[name]["description"]
    assert rows["entity"]["params"] == "entity:iri"
    assert rows["source"]["params"] == "source:source"


def test_named_query_with_a_parameter_as_csv(cli):
    result = cli("query", "entity", "--param", "entity=Chiu", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["entity"] for r in rows} == {PREFIXES["ent"] + "DavidChiu"}
    assert ("David Chiu", "leads") in {(r["subject"], r["relation"]) for r in rows}


def test_json_is_sparql_results_json(cli):
    result = cli("query", "lawsuits", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"][:3] == ["lawsuit", "label", "filed"]
    feb7 = next(b for b in doc["results"]["bindings"]
                if b["lawsuit"]["value"] == "SanFranciscoLawsuitAgainstTrumpAdministration2025")
    assert feb7["filed"] == {"type": "literal", "value": "2025-02-07"}


def test_tsv_and_piped_default_csv(cli):
    tsv = cli("query", "threats", "--format", "tsv").stdout.splitlines()
    assert tsv[0].split("\t")[:4] == ["date", "actor", "actorType", "target"]
    piped = cli("query", "roles").stdout.splitlines()
    assert piped[0].startswith("person,title,organization")


def test_table_format_is_a_rich_table(seed_build):
    result = invoke_kg("--root", str(REPO), "--store", str(seed_build), "query", "roles", "--format", "table",
                       env={"COLUMNS": "400"})
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("┏━") and "┃ person" in lines[1]
    assert any("│ Ed Lee" in line and "│ Mayor" in line for line in lines)


def test_expression_and_rq_file(cli, tmp_path):
    text = cli("query", "-e", "SELECT ?who WHERE { ?who kg:sued ent:TrumpAdministration }", "--format", "csv")
    assert {row["who"] for row in csv.DictReader(io.StringIO(text.stdout))} >= {
        PREFIXES["ent"] + "SanFrancisco", PREFIXES["ent"] + "Portland"}
    rq = tmp_path / "suers.rq"
    rq.write_text("# title: Who sued whom\n# param: target iri  Who was sued.\n"
                  "SELECT ?who ?target WHERE { ?who kg:sued ?target }\n")
    result = cli("query", str(rq), "--param", "target=Illinois", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert [r["who"] for r in csv.DictReader(io.StringIO(result.stdout))] == [PREFIXES["ent"] + "DOJ"]


@pytest.mark.parametrize("args, message, hint", [
    (["query", "-e", "SELECT ?x WHERE { ?x ?y }"], "SPARQL syntax error", "check the query text"),
    (["query", "lawsuit"], "no named query 'lawsuit'", "did you mean 'lawsuits'?"),
    (["query", "entity", "--param", "who=Chiu"], "query 'entity' has no parameter 'who'", "its parameters: entity"),
    (["query", "entity"], "query 'entity' needs parameter 'entity'", "--param entity=VALUE"),
    (["query", "entity", "--param", "entity=Homann"], "no entity is called 'Homann'", "did you mean 'Homan'"),
    (["query", "source", "--param", "source=targeting2024"], "no source is called 'targeting2024'",
     "did you mean 'targeting2025'?"),
    (["query", "missing.rq"], "no query file missing.rq", "kg query --list"),
    (["query", "-e", "INSERT DATA { ent:a kg:sued ent:b }"], "a SPARQL update is not run",
     "change the files in data/"),
    (["query", "-e", "SELECT ?x WHERE {\n  ?x kg:sued }"], "SPARQL syntax error at line 2, column 14, near '}'",
     "check the query text"),
])
def test_errors_are_one_line_with_a_hint_and_exit_1(cli, args, message, hint):
    result = cli(*args)
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.stderr
    assert message in lines[0] and hint in lines[0]


def test_usage_errors_exit_2(seed_build):
    def cli(*args):
        return invoke_kg("--root", str(REPO), "--store", str(seed_build), *args)

    assert cli("query").returncode == 2
    assert cli("query", "lawsuits", "-e", "SELECT * {}").returncode == 2
    assert cli("query", "entity", "--param", "novalue").returncode == 2


@pytest.mark.parametrize("value", INJECTIONS)
def test_injected_parameters_are_literals_on_the_command_line(cli, seed_graph, value):
    before = triples(seed_graph)
    result = cli("query", "entity-lookup", "--param", f"name={value}", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "entity,label,type,name,statements"
    adhoc = cli("query", "-e", "SELECT ?s ?name WHERE { ?s rdfs:label ?name }", "--param", f"name={value}",
                "--format", "csv")
    assert adhoc.returncode == 0 and adhoc.stdout.strip() == "s,name"
    assert triples(seed_graph) == before


# --- the Python API ---

def test_python_api_rows_and_bound_values(seed_graph):
    result = seed_graph.query("lawsuits")
    assert result.variables[0] == "lawsuit" and len(result) == len(result.rows())
    assert all(isinstance(row, dict) for row in result)
    rows = seed_graph.query("SELECT ?s ?d WHERE { ?s kg:eventDate ?d }", d=datetime.date(2025, 2, 7)).rows()
    assert {r["s"].rsplit("/", 1)[1] for r in rows} >= {"targeting2025-248", "targeting2025-249"}
    counts = seed_graph.query("SELECT ?st ?n WHERE { ?st rdf:object ?n }", n=20000).rows()
    assert [r["n"] for r in counts] == [20000]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injected_parameters_are_literals_in_python(seed_graph, value):
    before = triples(seed_graph)
    assert seed_graph.query("entity-lookup", name=value).rows() == []
    assert seed_graph.query("SELECT ?s ?name WHERE { ?s rdfs:label ?name }", name=value).rows() == []
    assert triples(seed_graph) == before


def test_iri_parameters_with_forbidden_characters_are_rejected(seed_graph):
    with pytest.raises(kg.KGError, match="not a valid IRI"):
        seed_graph.query("entity", entity=PREFIXES["ent"] + "DavidChiu> . ?s ?p ?o")
    with pytest.raises(kg.KGError, match="no entity is called"):
        seed_graph.query("entity", entity="> . ?s ?p ?o")
    with pytest.raises(kg.KGError, match="cannot be a query parameter"):
        seed_graph.query("SELECT ?s WHERE { ?s ?p ?o }", **{"s) } ; #": "x"})


def test_bad_typed_parameter_values(seed_graph, tmp_path):
    rq = tmp_path / "since.rq"
    rq.write_text("# title: Since\n# param: since date  From.\n# param: n integer  How many.\n"
                  "SELECT ?since ?n WHERE { BIND(1 AS ?one) }\n")
    assert seed_graph.query(str(rq), since="2025-02", n="3").rows() == [{"since": "2025-02", "n": 3}]
    with pytest.raises(kg.KGError, match="is not a date"):
        seed_graph.query(str(rq), since="Feb 2025", n="3")
    with pytest.raises(kg.KGError, match="is not an integer"):
        seed_graph.query(str(rq), since="2025", n="three")


#: Values of each kind of catalog parameter, for the import guard below: a date at each precision.
VALUES_OF_KIND = {"iri": ["Chiu"], "source": ["targeting2025"], "date": ["2025", "2025-02", "2025-02-07"],
                  "string": ["Chiu"], "integer": ["3"]}
#: What the query path must not import (ARCHITECTURE.md): rdflib and the build's machinery.
BUILD_MACHINERY = ("rdflib", "pyshacl", "yaml", "kg.builder.pipeline", "kg.builder.assemble")


def test_no_catalog_query_imports_the_build_machinery(seed_build):
    # Every named query of the catalog, each parameter bound with values of its kind (a date at every
    # precision), in one cold process that reports after each call what it has imported, so the
    # first call that pulls in rdflib is named.
    from kg.query import catalog

    queries = catalog.load(REPO / "queries").values()
    assert {p.kind for q in queries for p in q.params} <= set(VALUES_OF_KIND)
    assert [q for q in queries if any(p.kind == "date" for p in q.params)], "no catalog query takes a date"
    calls = []
    for q in queries:
        choices = [[("--param", f"{p.name}={value}") for value in VALUES_OF_KIND[p.kind]] for p in q.params]
        for binding in itertools.product(*choices):
            calls.append(["query", q.name, "--format", "csv", *itertools.chain.from_iterable(binding)])
    code = ("import io, json, sys, contextlib, kg.cli\n"
            "for call in json.loads(sys.argv[3]):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        code = kg.cli.main(['--root', sys.argv[1], '--store', sys.argv[2], *call])\n"
            "    print(json.dumps([call, code, sorted(m for m in json.loads(sys.argv[4]) if m in sys.modules)]))\n")
    result = subprocess.run([sys.executable, "-c", code, str(REPO), str(seed_build), json.dumps(calls),
                             json.dumps(BUILD_MACHINERY)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [call for call, _, _ in reports] == calls, result.stderr
    for call, exit_code, imported in reports:
        assert (exit_code, imported) == (0, []), f"kg {' '.join(call)}: exit {exit_code}, imported {imported}"


def test_example_script_runs(seed_build):
    env = {**os.environ, "KG_ROOT": str(REPO), "KG_STORE": str(seed_build)}
    result = subprocess.run([sys.executable, str(REPO / "examples" / "queries.py")], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ("Plaintiffs of the Feb. 7, 2025 lawsuit: Kings County, New Haven, Portland, San Francisco, "
            "Santa Clara") in out
    assert "Pam Bondi threatened Officials of sanctuary jurisdictions (2025-02-05)" in out
    assert "Sanctuary policies make cities safer" in out
    printed = [line for line in out.splitlines() if line.strip()]
    assert len(printed) == len(set(printed)), "a line printed twice"
    assert "Sanctuary policies make cities safer: for Jill Habig [targeting2025" in out
