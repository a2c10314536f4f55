"""The typed export to networkx: entities as nodes, statements as edges, from SPARQL rows.

Unlike rdflib's ``rdflib_to_networkx_*``, which makes a node of every literal and class, the
graph is built from two catalog queries (queries/nodes.rq and queries/edges.rq), so nodes keep
their labels and types and every edge keeps the statement, quote and source behind it. On a
local store it reads their answers from the build's analysis snapshot (kg.builder.snapshot),
which holds the same rows, without running them.

>>> import kg
>>> G = kg.load().to_networkx(families={"opposes"})
>>> all(d["quote"] and "opposes" in d["families"] for _, _, d in G.edges(data=True))
True
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import TYPE_CHECKING, Any, Iterable

import networkx as nx

from ..builder import snapshot
from ..errors import KGError
from ..query.graph import gc_paused

if TYPE_CHECKING:
    from ..query.graph import Graph

#: Confidence levels, strongest first; `confidence=LEVEL` keeps LEVEL and the stronger ones.
CONFIDENCE = ("explicit", "implied")
#: The sign of each polarity in the signed network.
SIGN = {"hostile": -1, "cooperative": 1, "neutral": 0}
#: The relation at the top of the hierarchy; its direct sub-relations are the families
#: (opposes, supports, legalAction, policyAction, affiliation, communication).
TOP = "relatedTo"

#: Between the items of a list, where one value must hold them (aliases in queries/nodes.rq,
#: list attributes in GraphML, GEXF and CSV).
JOIN = " | "
DateLike = str | dt.date
Window = tuple[DateLike | None, DateLike | None]
#: Node attributes, in the order exports list them.
NODE_ATTRIBUTES = ("label", "type", "classes", "aliases", "description", "wikidata", "values")
#: Edge attributes, in the order exports list them. The source document is `document`: a
#: `source` attribute would collide with the edge ends of node-link JSON, Gephi and CSV edge
#: lists; role dates are `start_date`/`end_date`, as GEXF reads `start`/`end` as time spans.
EDGE_ATTRIBUTES = ("relation", "statement", "document", "date", "published", "quote", "polarity", "sign",
                   "families", "confidence", "cameo", "manner", "via", "title", "start_date", "end_date")
#: The column of queries/edges.rq each edge attribute comes from, where the names differ.
_EDGE_COLUMNS = {"document": "doc", "start_date": "start", "end_date": "end"}


@gc_paused()  # a graph of many small dicts, without cycles: see gc_paused
def to_networkx(g: Graph, *, families: Iterable[str] | None = None,
                types: Iterable[str] | None = None, as_of: DateLike | Window | None = None,
                confidence: str | None = None) -> nx.MultiDiGraph:
    """The graph as a MultiDiGraph: one node per entity, one edge per statement.

    Nodes are entity ids ('DavidChiu') with ``label``, ``type``, ``classes`` (the type and its
    superclasses), ``aliases``, and where known ``description``, ``wikidata`` and ``values``
    (the count and amount statements about the entity). Edges go from subject to object, keyed
    by statement id, with ``relation``, ``families`` (the families its relation belongs to),
    ``polarity`` (hostile, cooperative, neutral), ``sign`` (-1, 1, 0), ``statement``,
    ``document`` (the source), ``quote`` (repaired for display), ``confidence``, and where known
    ``date`` (of the event), ``published`` (of the source), ``cameo``, ``manner``, ``via``,
    ``title``, ``start_date``, ``end_date``. Two sources for one edge give two parallel edges.

    Filters: ``families`` keeps edges whose relation is one of these or a sub-relation of one;
    ``types`` keeps entities of these classes or their subclasses; ``as_of`` keeps edges dated
    (by event, else by source) on or before a date, or within a ``(start, end)`` window;
    ``confidence='explicit'`` drops implied edges. An edge filter also drops the entities it
    leaves without an edge.

    >>> import kg
    >>> G = to_networkx(kg.load(), types={"Actor"}, as_of="2017")
    >>> G.nodes["DonaldTrump"]["label"]
    'Donald Trump'
    """
    tables = Tables(g)
    terms = _terms(tables)
    wanted_families = _check_names(families, terms["relation"], "relation")
    wanted_types = _check_names(types, terms["class"], "class")
    top_families = {name for name, ups in terms["relation"].items()
                    if name != TOP and set(ups) == {name, TOP}}
    window = _window(as_of)
    if confidence is not None and confidence not in CONFIDENCE:
        raise KGError(f"unknown confidence {confidence!r}", hint=f"use one of {', '.join(CONFIDENCE)}")
    accepted = set(CONFIDENCE[:CONFIDENCE.index(confidence) + 1]) if confidence else None

    G = nx.MultiDiGraph()
    for row in tables.dicts("entities"):
        classes = row["classes"].split()
        if wanted_types is not None and not wanted_types.intersection(classes):
            continue
        G.add_node(row["id"], **_drop_none({
            "label": row["label"], "type": row["type"], "classes": sorted(classes),
            # Sorted: GROUP_CONCAT's order is each engine's own.
            "aliases": sorted(row["aliases"].split(JOIN)) if row["aliases"] else [],
            "description": row["description"], "wikidata": row["wikidata"]}))
    for row in tables.dicts("values"):
        if row["entity"] in G:
            G.nodes[row["entity"]].setdefault("values", []).append(_drop_none({
                "relation": row["relation"], "value": row["value"], "unit": row["unit"],
                "date": row["date"], "document": row["doc"], "statement": row["statement"]}))

    # Tens of thousands of edges on large graphs: each row is a list of the cells' text (every
    # column of queries/edges.rq is a string), and the families of each of the few dozen
    # relations are split once.
    variables, edge_rows = tables.lists("statements")
    at = {column: i for i, column in enumerate(variables)}
    source, target, families, polarity, confidence = (
        at[c] for c in ("source", "target", "families", "polarity", "confidence"))
    cells = [(a, len(at) if a == "sign" else at[_EDGE_COLUMNS.get(a, a)]) for a in EDGE_ATTRIBUTES]
    lineages: dict[str, tuple[set[str], list[str]]] = {}
    touched = set()
    for row in edge_rows:
        u, v = row[source], row[target]
        if u not in G or v not in G:
            continue
        if row[families] not in lineages:
            lineage = set(row[families].split())
            lineages[row[families]] = lineage, sorted(top_families & lineage)
        lineage, tops = lineages[row[families]]
        if wanted_families is not None and not wanted_families & lineage:
            continue
        if accepted is not None and row[confidence] not in accepted:
            continue
        row[families] = list(tops)
        row.append(SIGN.get(row[polarity], 0))  # the sign, in the cell after the last column
        data = {a: row[i] for a, i in cells if row[i] is not None}
        if window is not None and not _in_window(edge_date(data), window):
            continue
        G.add_edge(u, v, data["statement"], **data)
        touched.update((u, v))
    if wanted_families is not None or window is not None or accepted is not None:
        G.remove_nodes_from([n for n in list(G) if n not in touched])
    return G


def edge_date(data: dict[str, Any]) -> str | None:
    """When an edge held: its event date, else its source's publication date.

    >>> edge_date({"published": "2018-01"})
    '2018-01'
    """
    return data.get("date") or data.get("published")


def date_span(value: DateLike) -> tuple[str, str]:
    """The first and last day a date of 1, 2 or 3 parts can mean, as ISO strings.

    >>> date_span("2017-02")
    ('2017-02-01', '2017-02-31')
    """
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    parts = text.split("-")
    if not (1 <= len(parts) <= 3 and all(p.isdigit() and len(p) == n for p, n in zip(parts, (4, 2, 2)))):
        raise KGError(f"bad date {value!r}", hint="write YYYY, YYYY-MM or YYYY-MM-DD")
    # Lexical order of ISO dates is time order, so an impossible '-31' still bounds the month.
    first = "-".join(parts + ["01"] * (3 - len(parts)))
    last = "-".join(parts + ["12", "31"][len(parts) - 1:]) if len(parts) < 3 else text
    return first, last


def _window(as_of) -> tuple[str, str] | None:
    if as_of is None:
        return None
    start, end = as_of if isinstance(as_of, tuple) else (None, as_of)
    return (date_span(start)[0] if start else "0000", date_span(end)[1] if end else "9999")


def _in_window(value: str | None, window: tuple[str, str]) -> bool:
    if not value:
        return False  # an edge of unknown time belongs to no window
    first, last = date_span(value)
    return first <= window[1] and last >= window[0]


class Tables:
    """The rows to_networkx reads: from the build's analysis snapshot when it belongs to the
    graph's store (kg.builder.snapshot), else from the catalog queries it was made to answer
    (a remote endpoint, an older build). Either way the same columns and rows."""

    QUERIES = {"entities": "nodes", "statements": "edges", "values": "network-values",
               "terms": "network-terms"}

    def __init__(self, g: Graph):
        self.g = g
        self.snapshot = snapshot.read(g.store_path) if g.store_path is not None else None

    def lists(self, name: str) -> tuple[list[str], Iterable[list[Any]]]:
        """Column names and rows as lists; every cell a str or None (the statements table)."""
        if self.snapshot is not None:
            return snapshot.rows(self.snapshot[name])
        result = self.g.query(self.QUERIES[name])
        return result.variables, ([None if t is None else t.value for t in terms] for terms in result.terms)

    def dicts(self, name: str) -> Iterable[dict[str, Any]]:
        """Rows as dicts of plain Python values, as Graph.query gives them."""
        if self.snapshot is None:
            return self.g.query(self.QUERIES[name])
        columns, rows = snapshot.rows(self.snapshot[name])
        found = (dict(zip(columns, row)) for row in rows)
        if name == "values":  # stored as its lexical form, given back as int or float
            return ({**row, "value": snapshot.number(row["value"])} for row in found)
        return found


def _terms(tables: Tables) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {"relation": {}, "class": {}}
    for row in tables.dicts("terms"):
        out[row["kind"]][row["name"]] = row["ancestors"].split()
    return out


def _check_names(names: Iterable[str] | None, known: dict[str, Any], kind: str) -> set[str] | None:
    if names is None:
        return None
    names = {names} if isinstance(names, str) else set(names)
    for name in sorted(names - set(known)):
        close = difflib.get_close_matches(name, list(known), n=1)
        raise KGError(f"no {kind} is called {name!r}",
                      hint=f"did you mean {close[0]!r}?" if close else "see 'kg query network-terms'")
    return names


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
