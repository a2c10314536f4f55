"""The graph under the heavy measures, in igraph (C): made once per report, with the node order.

networkx stays the graph users get and the reference the tests compare against; igraph runs
PageRank, betweenness, HITS, coreness, cut points and community search 10-100x faster on the
same simple graph (`collapse`: one edge per linked pair, ``weight`` = statements, no loops).
Set ``KG_METRICS_ENGINE=networkx`` to run every measure on networkx instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .simple import Node, collapse, pair_counts, remembered

__all__ = ["Engine", "engine", "use_igraph", "BACKENDS"]

#: The engines a measure can run on (its `backend=` keyword, as networkx's own dispatch names it).
BACKENDS = ("igraph", "networkx")


@dataclass
class Engine:
    """An igraph graph and the networkx nodes its vertex numbers stand for."""

    graph: Any  # igraph.Graph (imported lazily: `kg query` never loads it; igraph ships no types)
    nodes: list[Node]

    def scores(self, values: Iterable[Any]) -> dict[Node, float]:
        """Vertex-ordered values as a dict by node."""
        return dict(zip(self.nodes, (float(v) for v in values)))


def use_igraph(backend: str | None = None) -> bool:
    """Whether a measure runs on igraph: `backend` if given, else KG_METRICS_ENGINE, else igraph
    when it is installed.

    >>> use_igraph("networkx")
    False
    """
    chosen = (backend or os.environ.get("KG_METRICS_ENGINE") or "igraph").lower()
    if chosen not in BACKENDS:
        raise ValueError(f"unknown metrics backend {chosen!r}: choose one of {', '.join(BACKENDS)}")
    if chosen == "networkx":
        return False
    try:
        import igraph  # noqa: F401
    except ImportError:  # pragma: no cover - igraph is a dependency; the fallback is for trimmed installs
        return False
    return True


def engine(G: nx.Graph, *, directed: bool = False, loops: bool = False) -> Engine:
    """The simple graph under `G` in igraph, edge attribute ``weight``; once per `collapsed_once`.

    With `loops`, a directed graph of `G`'s own pairs, loops kept (what networkx's PageRank reads).

    >>> E = engine(nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "c")]))
    >>> E.nodes, E.graph.es["weight"]
    (['a', 'b', 'c'], [2.0, 1.0])
    """
    if loops:
        return remembered(G, ("igraph", "loops"), lambda: _make(G, pair_counts(G), True))
    H = collapse(G, directed=directed)
    return remembered(G, ("igraph", directed), lambda: _make(H, H.edges(data="weight", default=1), directed))


def _make(G: nx.Graph, edges: Iterable[tuple[Node, Node, Any]], directed: bool) -> Engine:
    import igraph as ig

    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    pairs, weights = [], []
    for u, v, w in edges:
        pairs.append((index[u], index[v]))
        weights.append(float(w))
    graph = ig.Graph(n=len(nodes), edges=pairs, directed=directed)
    graph.es["weight"] = weights
    return Engine(graph, nodes)
