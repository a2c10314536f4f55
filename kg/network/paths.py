"""Explained paths: how two entities are connected, each hop with the statement behind it.

Reachability ignores direction (an actor sued by another is still linked to it), but each hop
is reported in its true direction, with its relation, date, quote and source.

>>> import kg
>>> hops = kg.load().path("Homan", "Chiu")
>>> all(h.quote for h in hops)
True
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..errors import KGError
from .convert import CONFIDENCE, edge_date
from .metrics import collapse

Node = Hashable


@dataclass(frozen=True)
class Hop:
    """One step of a path: the statement `subject relation object`, walked `forward` or not."""

    subject: Node
    relation: str
    object: Node
    forward: bool
    statement: str
    quote: str | None
    date: str | None
    document: str | None
    subject_label: str
    object_label: str
    others: int = 0  # further statements linking the same two entities
    #: With an as-of date: 'certain', or 'possible' (asked for, and only some reading of a rough date says so).
    certainty: str | None = None

    def as_row(self) -> dict[str, Any]:
        row = {"subject": self.subject_label, "relation": self.relation, "object": self.object_label,
               "walked": "forward" if self.forward else "backward", "date": self.date, "quote": self.quote,
               "source": self.document, "statement": self.statement, "more": self.others}
        return row if self.certainty is None else {**row, "certainty": self.certainty}


Statement = tuple[Node, Node, str, dict[str, Any]]


def _best(statements: list[Statement]) -> Statement:
    # Prefer certain over possible, explicit over implied, hostile or cooperative over neutral,
    # quoted, dated, then the statement id for a stable pick.
    def rank(item: Statement) -> tuple[bool, int, bool, bool, bool, str]:
        _, _, key, d = item
        level = CONFIDENCE.index(d["confidence"]) if d.get("confidence") in CONFIDENCE else len(CONFIDENCE)
        return (d.get("certainty") == "possible", level, not d.get("sign"), not d.get("quote"), not edge_date(d),
                str(key))

    return min(statements, key=rank)


def explained_path(G: nx.MultiDiGraph, a: Node, b: Node) -> list[Hop]:
    """The hops of a shortest path from `a` to `b`, direction ignored for reaching.

    Raises KGError when either is missing or no path joins them.

    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="s1", relation="sued", quote="A sued B")
    's1'
    >>> G.add_edge("c", "b", key="s2", relation="criticized", quote="C criticized B")
    's2'
    >>> [(h.subject, h.relation, h.object, h.forward) for h in explained_path(G, "a", "c")]
    [('a', 'sued', 'b', True), ('c', 'criticized', 'b', False)]
    """
    for node in (a, b):
        if node not in G:
            raise KGError(f"{node!r} is not in the graph", hint="check the filters, or its name")
    def label(n: Node) -> Any:
        return G.nodes[n].get("label", str(n))

    try:
        # On the collapsed graph, whose neighbour order is the statement order: the undirected
        # view of a MultiDiGraph walks neighbours in set order, so its pick changes run to run.
        nodes = nx.shortest_path(collapse(G), a, b)
    except nx.NetworkXNoPath:
        raise KGError(f"no path links {label(a)!r} and {label(b)!r}",
                      hint="they lie in different components of the graph") from None
    hops = []
    for u, v in zip(nodes, nodes[1:]):
        statements = ([(u, v, k, d) for k, d in G.get_edge_data(u, v, default={}).items()]
                      + [(v, u, k, d) for k, d in G.get_edge_data(v, u, default={}).items()])
        s, o, key, d = _best(statements)
        hops.append(Hop(subject=s, relation=d.get("relation", ""), object=o, forward=(s == u),
                        statement=d.get("statement", str(key)), quote=d.get("quote"), date=edge_date(d),
                        document=d.get("document"), subject_label=label(s), object_label=label(o),
                        others=len(statements) - 1, certainty=d.get("certainty")))
    return hops


def describe(hops: list[Hop]) -> str:
    """The path as text for people: one line per hop, then its quote and source.

    >>> print(describe([Hop("a", "sued", "b", True, "s1", "A sued B.", "2025", "news", "A", "B")]))
    A —sued→ B (2025)
        “A sued B.” [news, s1]
    """
    lines = []
    for hop in hops:
        when = f" ({hop.date})" if hop.date else ""
        when += " (possibly)" if hop.certainty == "possible" else ""
        more = f" (+{hop.others} more statement{'s' if hop.others > 1 else ''})" if hop.others else ""
        lines.append(f"{hop.subject_label} —{hop.relation}→ {hop.object_label}{when}{more}")
        lines.append(f"    “{hop.quote}” [{hop.document}, {hop.statement}]")
    return "\n".join(lines)
