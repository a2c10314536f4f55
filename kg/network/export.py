"""Write the graph for other tools: Gephi and Cytoscape (GraphML, GEXF), D3 (node-link JSON),
spreadsheets (CSV node and edge tables), and RDF (Turtle, N-Quads, JSON-LD).

Graph formats are written from the typed export (kg.network), RDF formats from every triple of
the store, serialized by pyoxigraph.

>>> import kg
>>> kg.load().export("graphml", "sanctuary.graphml")
[PosixPath('sanctuary.graphml')]
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TypeAlias, cast

import networkx as nx
import pyoxigraph as ox

from .. import output
from ..errors import EXIT_USAGE, KGError
from ..query.forms import Result
from ..terms import Subject, Term
from .convert import EDGE_ATTRIBUTES, JOIN, NODE_ATTRIBUTES, to_networkx

if TYPE_CHECKING:
    from ..query.graph import Graph

GraphName: TypeAlias = ox.NamedNode | ox.BlankNode

RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
GRAPH_FORMATS = ("graphml", "gexf", "nodelink", "csv")
FORMATS = GRAPH_FORMATS + tuple(RDF_FORMATS)
#: The file name ending of each format (csv writes two files: PREFIX-nodes.csv, PREFIX-edges.csv).
SUFFIXES = {"graphml": ".graphml", "gexf": ".gexf", "nodelink": ".json", "csv": ".csv",
            "ttl": ".ttl", "nquads": ".nq", "jsonld": ".jsonld"}


def flat(value: Any) -> Any:
    """An attribute value as GraphML, GEXF and CSV accept it: lists joined, dicts as k=v.

    >>> flat(["Trump", "President Trump"]), flat({"value": 39, "unit": "cities", "date": None})
    ('Trump | President Trump', 'value=39; unit=cities')
    """
    if isinstance(value, (list, tuple, set, frozenset)):
        return JOIN.join(str(flat(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={flat(v)}" for k, v in value.items() if v is not None)
    return value


def flatten(G: nx.Graph) -> nx.Graph:
    """A copy of `G` whose attribute values are all str, int, float or bool (None dropped).

    >>> H = flatten(nx.MultiDiGraph([("a", "b", {"families": ["opposes"], "date": None})]))
    >>> list(H.edges(data=True))
    [('a', 'b', {'families': 'opposes'})]
    """
    H = G.__class__()
    H.graph.update((k, flat(v)) for k, v in G.graph.items() if v is not None)
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: flat(v) for k, v in d.items() if v is not None})
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, k, d in edges:
        attrs = {a: flat(x) for a, x in d.items() if x is not None}
        if G.is_multigraph():
            H.add_edge(u, v, key=k, **attrs)
        else:
            H.add_edge(u, v, **attrs)
    return H


#: What XML 1.0 cannot hold, not even as a character reference: C0 controls other than tab,
#: line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> Any:
    """`value` with the characters XML 1.0 forbids replaced by U+FFFD, so that the file parses
    (the store keeps the quote verbatim; only this copy of it changes).

    >>> xml_text("a\x01b\x0bc")
    'a\ufffdb\ufffdc'
    """
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _xml_safe(H: nx.Graph) -> nx.Graph:
    """`H` (flattened) with every text made fit for XML, in place; node ids are remapped."""
    for key in list(H.graph):
        H.graph[key] = xml_text(H.graph[key])
    for _, d in H.nodes(data=True):
        for key, value in d.items():
            if isinstance(value, str) and _NOT_XML.search(value):
                d[key] = xml_text(value)
    for *_, d in (H.edges(keys=True, data=True) if H.is_multigraph() else H.edges(data=True)):
        for key, value in d.items():
            if isinstance(value, str) and _NOT_XML.search(value):
                d[key] = xml_text(value)
    bad = {n: xml_text(n) for n in H if isinstance(n, str) and _NOT_XML.search(n)}
    return nx.relabel_nodes(H, bad, copy=False) if bad else H


def write_graphml(G: nx.Graph, out: str | Path | BinaryIO) -> None:
    """GraphML for Gephi, Cytoscape, yEd and igraph; edge ids are the statement ids."""
    nx.write_graphml(_xml_safe(flatten(G)), out)


def write_gexf(G: nx.Graph, out: str | Path | BinaryIO) -> None:
    """GEXF 1.2 for Gephi; edge ids are the statement ids."""
    H = _xml_safe(flatten(G))
    if H.is_multigraph():
        for _, _, k, d in H.edges(keys=True, data=True):
            d["id"] = xml_text(str(k))  # GEXF numbers edges otherwise
    nx.write_gexf(H, out)


def write_nodelink(G: nx.Graph, out: IO[str]) -> None:
    """Node-link JSON as D3 reads it: ``nodes`` with ``id``, ``links`` with ``source`` and ``target``."""
    json.dump(nx.node_link_data(G, edges="links"), out, ensure_ascii=False, indent=1)
    out.write("\n")


#: A CSV cell a spreadsheet will not run (kg.output.spreadsheet_cell), as every CSV kg writes.
cell = output.spreadsheet_cell


def write_csv(G: nx.Graph, nodes_out: IO[str], edges_out: IO[str]) -> None:
    """A node table (id, then attributes) and an edge table (source, target, key, then
    attributes); text cells are neutralised against formula injection (write_rows does it)."""
    H = flatten(G)
    columns = _columns((d for _, d in H.nodes(data=True)), NODE_ATTRIBUTES)
    output.write_rows(["id", *columns], ([n, *(d.get(c) for c in columns)] for n, d in H.nodes(data=True)),
                      "csv", stream=nodes_out)
    edges = list(H.edges(keys=True, data=True)) if H.is_multigraph() else [
        (u, v, None, d) for u, v, d in H.edges(data=True)]
    columns = _columns((d for *_, d in edges), EDGE_ATTRIBUTES)
    output.write_rows(["source", "target", "key", *columns],
                      ([u, v, k, *(d.get(c) for c in columns)] for u, v, k, d in edges),
                      "csv", stream=edges_out)


def _columns(dicts: Iterable[dict[str, Any]], known: tuple[str, ...]) -> list[str]:
    seen: dict[str, None] = {}
    for d in dicts:
        seen.update(dict.fromkeys(d))
    return [c for c in known if c in seen] + [c for c in seen if c not in known]


def csv_paths(target: str | Path) -> tuple[Path, Path]:
    """Where the CSV tables go: DIR/nodes.csv and DIR/edges.csv for a folder (an existing one,
    or a name ending in '/'), else PREFIX-nodes.csv and PREFIX-edges.csv.

    >>> csv_paths("out/sanctuary")
    (PosixPath('out/sanctuary-nodes.csv'), PosixPath('out/sanctuary-edges.csv'))
    """
    path = Path(target)
    if path.is_dir() or str(target).endswith(("/", "\\")):
        return path / "nodes.csv", path / "edges.csv"
    prefix = str(path.with_suffix("")) if path.suffix == ".csv" else str(path)
    return Path(prefix + "-nodes.csv"), Path(prefix + "-edges.csv")


def write_rdf(g: Graph, fmt: str, out: str | Path | BinaryIO) -> None:
    """Every triple of the store (queries/network-quads.rq) as Turtle, N-Quads or JSON-LD."""
    from ..prefixes import PREFIXES

    result = g.query("network-quads")
    if not isinstance(result, Result):
        raise TypeError("queries/network-quads.rq must be a SELECT query")
    # The query's columns hold a subject, a predicate (an IRI), an object and a graph or nothing.
    quads = [ox.Quad(cast(Subject, s), cast(ox.NamedNode, p), cast(Term, o),
                     cast(GraphName, graph) if graph is not None else ox.DefaultGraph())
             for s, p, o, graph in result.terms]
    if fmt == "ttl":  # Turtle holds one graph
        ox.serialize([q.triple for q in quads], out, RDF_FORMATS[fmt], prefixes=PREFIXES)
        return
    ox.serialize(quads, out, RDF_FORMATS[fmt], prefixes=None if fmt == "nquads" else PREFIXES)


def export(g: Graph, fmt: str, path: str | Path | None = None, **filters: Any) -> list[Path]:
    """Write `g` as `fmt` to `path` (standard output if None); return the files written.

    `filters` (families, types, as_of, confidence) select the graph as in
    :func:`kg.network.to_networkx`; they do not apply to the RDF formats, which hold the store.
    """
    if fmt not in FORMATS:
        raise KGError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}",
                      exit_code=EXIT_USAGE)
    if fmt in RDF_FORMATS:
        if any(v is not None for v in filters.values()):
            raise KGError(f"filters do not apply to {fmt}, which writes the whole store",
                          hint="use graphml, gexf, nodelink or csv for a filtered graph", exit_code=EXIT_USAGE)
        return _write(path, True, lambda out: write_rdf(g, fmt, out))
    G = to_networkx(g, **filters)
    if fmt == "csv":
        if path is None:
            raise KGError("csv writes two tables, nodes and edges, so it needs -o",
                          hint="give -o DIR/ (nodes.csv, edges.csv) or -o PREFIX (PREFIX-nodes.csv, ...)",
                          exit_code=EXIT_USAGE)
        nodes_path, edges_path = csv_paths(path)
        nodes_path.parent.mkdir(parents=True, exist_ok=True)
        with open(nodes_path, "w", encoding="utf-8", newline="") as nodes_out, \
             open(edges_path, "w", encoding="utf-8", newline="") as edges_out:
            write_csv(G, nodes_out, edges_out)
        return [nodes_path, edges_path]
    writers: dict[str, Callable[[nx.Graph, Any], None]] = {
        "graphml": write_graphml, "gexf": write_gexf, "nodelink": write_nodelink}
    return _write(path, fmt != "nodelink", lambda out: writers[fmt](G, out))


def _write(path: str | Path | None, binary: bool, write: Callable[[Any], None]) -> list[Path]:
    if path is None:
        write(sys.stdout.buffer if binary else sys.stdout)
        return []
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") if binary else open(path, "w", encoding="utf-8") as out:
        write(out)
    return [path]
