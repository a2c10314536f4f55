"""Exports read back by the tools they are for: networkx and igraph, D3's JSON, CSV, RDF parsers."""

import csv
import json

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from conftest import invoke_kg
from kg.network.export import csv_paths, flat, flatten


@pytest.fixture(scope="module")
def graph(seed_graph):
    return seed_graph.to_networkx()


def same_graph(read, G):
    """`read` holds every node, edge (by statement key) and attribute of flatten(G)."""
    H = flatten(G)
    assert set(read) == set(H)
    assert read.number_of_edges() == H.number_of_edges()
    for n, data in H.nodes(data=True):
        assert {k: v for k, v in read.nodes[n].items() if k != "id"} == data, n
    for u, v, k, data in H.edges(keys=True, data=True):
        got = read.edges[u, v, k]
        assert {a: x for a, x in got.items() if a != "id"} == data, k


def test_flat_values_are_what_graphml_accepts():
    assert flat(["a", "b"]) == "a | b"
    assert flat({"value": 39, "unit": "cities", "date": None}) == "value=39; unit=cities"
    H = flatten(nx.MultiDiGraph([("a", "b", {"families": ["opposes", "legalAction"], "date": None, "sign": -1})]))
    assert H.edges["a", "b", 0] == {"families": "opposes | legalAction", "sign": -1}


def test_graphml_reads_back_in_networkx(seed_graph, graph, tmp_path):
    [path] = seed_graph.export("graphml", tmp_path / "g.graphml")
    same_graph(nx.read_graphml(path, force_multigraph=True), graph)


def test_graphml_reads_back_in_igraph(seed_graph, graph, tmp_path):
    import igraph

    [path] = seed_graph.export("graphml", tmp_path / "g.graphml")
    read = igraph.Graph.Read_GraphML(str(path))
    assert read.is_directed()
    assert (read.vcount(), read.ecount()) == (graph.number_of_nodes(), graph.number_of_edges())
    assert {"label", "type", "classes", "aliases"} <= set(read.vs.attributes())
    assert {"relation", "quote", "document", "polarity", "statement"} <= set(read.es.attributes())
    chiu = read.vs.find(id="DavidChiu")
    assert chiu["label"] == "David Chiu" and "Chiu" in chiu["aliases"].split(" | ")
    for edge in read.es:
        u, v = read.vs[edge.source]["id"], read.vs[edge.target]["id"]
        data = graph.edges[u, v, edge["statement"]]
        assert (edge["relation"], edge["quote"]) == (data["relation"], data["quote"])


def test_gexf_reads_back_in_networkx(seed_graph, graph, tmp_path):
    [path] = seed_graph.export("gexf", tmp_path / "g.gexf")
    read = nx.read_gexf(path)
    same_graph(read, graph)
    assert all(read.edges[e]["id"] == e[2] for e in read.edges(keys=True))  # Gephi's edge id: the statement


def test_nodelink_is_d3_json(seed_graph, graph, tmp_path):
    [path] = seed_graph.export("nodelink", tmp_path / "g.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert {"id", "label", "type"} <= set(doc["nodes"][0])
    assert {"source", "target", "key", "relation", "quote", "document"} <= set(doc["links"][0])
    read = nx.node_link_graph(doc, edges="links")
    assert set(read) == set(graph) and sorted(read.edges(keys=True)) == sorted(graph.edges(keys=True))


def test_csv_tables_into_a_folder_and_with_a_prefix(seed_graph, graph, tmp_path):
    nodes, edges = seed_graph.export("csv", f"{tmp_path}/tables/")  # a trailing slash: a folder
    assert (nodes.name, edges.name) == ("nodes.csv", "edges.csv")
    assert csv_paths(tmp_path / "out" / "sanctuary") == (tmp_path / "out/sanctuary-nodes.csv",
                                                         tmp_path / "out/sanctuary-edges.csv")
    with open(nodes, encoding="utf-8") as f:
        node_rows = list(csv.DictReader(f))
    with open(edges, encoding="utf-8") as f:
        edge_rows = list(csv.DictReader(f))
    assert len(node_rows) == graph.number_of_nodes() and len(edge_rows) == graph.number_of_edges()
    assert list(edge_rows[0])[:5] == ["source", "target", "key", "relation", "statement"]
    row = next(r for r in edge_rows if r["key"] == next(iter(graph.edges(keys=True)))[2])
    assert row["quote"] == graph.edges[row["source"], row["target"], row["key"]]["quote"]


@pytest.mark.parametrize("fmt, rdf_format", [("ttl", ox.RdfFormat.TURTLE), ("nquads", ox.RdfFormat.N_QUADS),
                                             ("jsonld", ox.RdfFormat.JSON_LD)])
def test_rdf_formats_hold_every_triple_of_the_store(seed_graph, tmp_path, fmt, rdf_format):
    [path] = seed_graph.export(fmt, tmp_path / f"g.{fmt}")
    count = seed_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0]["n"]
    assert len(set(ox.parse(path=str(path), format=rdf_format))) == count
    if fmt == "ttl":  # and rdflib reads it too, prefixes included
        assert len(rdflib.Graph().parse(path, format="turtle")) == count
        assert "@prefix kg: <https://w3id.org/conflict-kg/ontology/>" in path.read_text(encoding="utf-8")


def test_export_cli_infers_the_format_and_reports_files(seed_build, tmp_path):
    result = invoke_kg("--store", str(seed_build), "export", "-o", str(tmp_path / "g.gexf"), "--family", "opposes")
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stderr
    read = nx.read_gexf(tmp_path / "g.gexf")
    assert read.number_of_edges() > 0
    assert all("opposes" in d["families"].split(" | ") for *_, d in read.edges(data=True))


def test_export_cli_to_standard_output(seed_build):
    result = invoke_kg("--store", str(seed_build), "export", "--format", "nodelink", "--type", "Person")
    assert result.returncode == 0, result.stderr
    assert {n["type"] for n in json.loads(result.stdout)["nodes"]} == {"Person"}


@pytest.mark.parametrize("args, message", [
    (["--format", "csv"], "needs -o"),
    (["--format", "ttl", "--family", "opposes"], "filters do not apply"),
    (["-o", "graph.xyz"], "give --format"),
])
def test_export_cli_usage_errors(seed_build, args, message):
    result = invoke_kg("--store", str(seed_build), "export", *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_cli_offers_every_export_format():
    from kg.cli import cli
    from kg.network import export

    [option] = [p for p in cli.commands["export"].params if p.name == "fmt"]
    assert tuple(option.type.choices) == export.FORMATS
