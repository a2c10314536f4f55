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

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..builder import snapshot
from ..errors import KGError
from ..namespace import K
from ..query.forms import gc_paused
from ..terms import text_of
from ..validtime import NOT_HELD, POSSIBLE, DateLike, Window, date_span, holds, standing, valid_date  # noqa: F401  # noqa: F401
from ..validtime import window as _window

if TYPE_CHECKING:
    from ..query.graph import Graph

#: Confidence levels, strongest first; `confidence=LEVEL` keeps LEVEL and the stronger ones.
CONFIDENCE = ("explicit", "implied")
#: The sign of each polarity in the signed network.
SIGN = {"hostile": -1, "cooperative": 1, "neutral": 0}
#: The relation at the top of the hierarchy; its direct sub-relations are the families
#: (opposes, supports, legalAction, policyAction, affiliation, communication).
TOP = K.relatedTo

#: Between the items of a list, where one value must hold them (aliases in queries/nodes.rq,
#: list attributes in GraphML, GEXF and CSV).
JOIN = " | "
#: Node attributes, in the order exports list them.
NODE_ATTRIBUTES = ("label", "type", "classes", "aliases", "description", "wikidata", "values", "status")
#: Edge attributes, in the order exports list them. The source document is `document`: a
#: `source` attribute would collide with the edge ends of node-link JSON, Gephi and CSV edge
#: lists; role dates are `start_date`/`end_date`, as GEXF reads `start`/`end` as time spans.
EDGE_ATTRIBUTES = ("relation", "statement", "document", "kind", "date", "published", "quote", "polarity",
                   "sign", "families", "confidence", "cameo", "manner", "via", "title", "start_date",
                   "end_date", "latest_end", "rank", "rank_reason", "judge", "mode", "certainty")
#: The column of queries/edges.rq each edge attribute comes from, where the names differ.
_EDGE_COLUMNS = {"document": "doc", "start_date": "start", "end_date": "end", "latest_end": "latestEnd",
                 "rank_reason": "reason"}


@gc_paused()  # a graph of many small dicts, without cycles: see gc_paused
def to_networkx(g: Graph, *, families: Iterable[str] | None = None,
                types: Iterable[str] | None = None,
                as_of: DateLike | tuple[DateLike | None, DateLike | None] | None = None,
                confidence: str | None = None, deprecated: bool = False,
                modes: bool = False, possible: bool = False) -> nx.MultiDiGraph:
    """The graph as a MultiDiGraph: one node per entity, one edge per statement.

    Nodes are entity ids ('DavidChiu') with ``label``, ``type``, ``classes`` (the type and its
    superclasses), ``aliases``, and where known ``description``, ``wikidata`` and ``values``
    (the count and amount statements about the entity) and, for a lawsuit, ``status`` (where
    it stands: pending, decided, ..., with the date it held). Edges go from subject to object, keyed
    by statement id, with ``relation``, ``families`` (the families its relation belongs to),
    ``polarity`` (hostile, cooperative, neutral), ``sign`` (-1, 1, 0), ``statement``,
    ``document`` (the source), ``quote`` (repaired for display), ``confidence``, ``kind`` ('act',
    or 'state' for a relation that holds over a span), ``rank`` (preferred, normal, deprecated),
    and where known ``date`` (valid time: when the act happened, or a time the state held),
    ``start_date``, ``end_date`` and ``latest_end`` (of a state), ``published`` (the source's date: when it was
    attested, never when it held), ``rank_reason``, ``mode``, ``cameo``, ``manner``, ``via``, ``title``,
    ``judge``. Two sources for one edge give two parallel edges.

    Filters: ``families`` keeps edges whose relation is one of these or a sub-relation of one;
    ``types`` keeps entities of these classes or their subclasses; ``as_of`` keeps, by valid
    time (`kg.validtime.standing`), the acts that happened by a date and the states that held on
    it, or what happened or held within a ``(since, until)`` window: those certain by every
    reading of their dates' precision, and with ``possible=True`` those possible by some reading
    too, each edge marked ``certainty`` ('certain' or 'possible'); ``confidence='explicit'``
    drops implied edges; deprecated statements are left out unless ``deprecated=True``, and acts
    that were only threatened, planned, attempted, denied or imagined (``mode``) unless ``modes=True``. An
    edge filter also drops the entities it leaves without an edge.

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
        if row["entity"] in G and (deprecated or row["rank"] != "deprecated"):
            # Where a lawsuit stands is its `status`; counts and amounts are its `values`.
            key = "status" if row["relation"] == K.caseStatus else "values"
            G.nodes[row["entity"]].setdefault(key, []).append(_drop_none({
                "relation": row["relation"], "value": row["value"], "unit": row["unit"],
                "date": row["date"], "document": row["doc"], "statement": row["statement"]}))

    # Tens of thousands of edges on large graphs: each row is a list of the cells' text (every
    # column of queries/edges.rq is a string), and the families of each of the few dozen
    # relations are split once.
    variables, edge_rows = tables.lists("statements")
    at = {column: i for i, column in enumerate(variables)}
    # Column indexes, named apart from the filters of the same names (families, confidence).
    source_at, target_at, families_at, polarity_at, confidence_at = (
        at[c] for c in ("source", "target", "families", "polarity", "confidence"))
    # The sign is computed (in the cell after the last column); certainty is decided below.
    cells = [(a, len(at) if a == "sign" else at[_EDGE_COLUMNS.get(a, a)]) for a in EDGE_ATTRIBUTES
             if a != "certainty"]
    lineages: dict[str, tuple[set[str], list[str]]] = {}
    touched: set[str] = set()
    unranked: set[str] = set()
    for edge in edge_rows:
        u, v = edge[source_at], edge[target_at]
        if u not in G or v not in G:
            continue
        if edge[families_at] not in lineages:
            lineage = set(edge[families_at].split())
            lineages[edge[families_at]] = lineage, sorted(top_families & lineage)
        lineage, tops = lineages[edge[families_at]]
        if wanted_families is not None and not wanted_families & lineage:
            continue
        if accepted is not None and edge[confidence_at] not in accepted:
            continue
        edge[families_at] = list(tops)
        edge.append(SIGN.get(edge[polarity_at], 0))  # the sign, in the cell after the last column
        data = {a: edge[i] for a, i in cells if edge[i] is not None}
        if (not deprecated and data.get("rank") == "deprecated") or (not modes and data.get("mode")):
            unranked.update((u, v))  # not facts: a source's known error, an act that did not happen
            continue
        if window is not None:
            answer = standing(data, window)
            if answer == NOT_HELD or (answer == POSSIBLE and not possible):
                continue
            data["certainty"] = answer
        G.add_edge(u, v, data["statement"], **data)
        touched.update((u, v))
    if wanted_families is not None or window is not None or accepted is not None:
        G.remove_nodes_from([n for n in list(G) if n not in touched])
    else:  # only what a deprecated statement alone linked goes with it
        G.remove_nodes_from(unranked - touched)
    return G


def edge_date(data: dict[str, Any]) -> str | None:
    """When an edge happened or began, as a text gives it; None when it is only attested (its
    source's date says when it was reported, not when it held). See `kg.validtime`.

    >>> edge_date({"published": "2018-01"}) is None
    True
    >>> edge_date({"kind": "state", "start_date": "2017", "published": "2018-01"})
    '2017'
    """
    return valid_date(data)


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
        result = self.g.select(self.QUERIES[name])
        return result.variables, ([None if t is None else text_of(t) for t in terms]
                                  for terms in result.terms)

    def dicts(self, name: str) -> Iterable[dict[str, Any]]:
        """Rows as dicts of plain Python values, as Graph.query gives them."""
        if self.snapshot is None:
            return self.g.select(self.QUERIES[name])
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
