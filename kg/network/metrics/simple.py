"""The simple weighted graph under a multigraph, and ranking of scores."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any, TypeVar

import networkx as nx

Node = Hashable
K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

__all__ = ["collapse", "ranked", "collapsed_once", "by_relation"]

# Within `collapsed_once`, what was made from a multigraph so far, by (id of the multigraph, kind).
_MADE: contextvars.ContextVar[dict[tuple[int, Hashable], tuple[Any, Any]] | None] = contextvars.ContextVar(
    "collapsed", default=None)


@contextlib.contextmanager
def collapsed_once() -> Iterator[None]:
    """Within this block, `collapse` makes each simple graph once and gives it again (and the
    igraph copy of it, `engine`): for a report, whose measures each need it (0.7 s a time at 1M
    triples) and change neither graph."""
    token = _MADE.set({})
    try:
        yield
    finally:
        _MADE.reset(token)


def collapse(G: nx.Graph, *, directed: bool = False) -> nx.Graph:
    """The simple graph under `G`: one edge per linked pair, ``weight`` = statements, no loops.

    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "a")])
    >>> collapse(G)["a"]["b"]["weight"]
    3
    """
    return remembered(G, ("nx", directed), lambda: _collapse(G, directed))


def remembered(G: nx.Graph, kind: Hashable, make: Callable[[], T]) -> T:
    """`make()`, or within `collapsed_once` what it gave for this `G` and `kind` already."""
    made = _MADE.get()
    if made is None:
        return make()
    if (id(G), kind) not in made:
        made[id(G), kind] = (G, make())  # G kept alive, so its id is not reused within the block
    made_before: T = made[id(G), kind][1]
    return made_before


def _collapse(G: nx.Graph, directed: bool) -> nx.Graph:
    H = nx.DiGraph() if directed else nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    weight: dict[tuple[Node, Node], int] = {}  # counted in a plain dict: H[u][v] is slow to reach
    for u, v, count in pair_counts(G):
        if u != v:
            pair = (u, v) if directed or (v, u) not in weight else (v, u)
            weight[pair] = weight.get(pair, 0) + count
    H.add_edges_from((u, v, {"weight": w}) for (u, v), w in weight.items())
    return H


def pair_counts(G: nx.Graph) -> Iterator[tuple[Node, Node, int]]:
    """(u, v, edges from u to v) for each linked ordered pair (each unordered pair once, if
    `G` is undirected), loops included: read from the adjacency, as networkx's own algorithms
    do, not edge by edge (8x faster on a multigraph).

    >>> sorted(pair_counts(nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "b")])))
    [('a', 'b', 2), ('b', 'b', 1)]
    """
    seen = set()
    for u, neighbours in G._adj.items():
        for v, keys in neighbours.items():
            if not G.is_directed():
                if (v, u) in seen:
                    continue
                seen.add((u, v))
            yield u, v, len(keys) if G.is_multigraph() else 1


def by_relation(G: nx.Graph) -> dict[str, list[tuple[Node, Node]]]:
    """The (subject, object) pairs of each relation, one per edge, in one pass over `G`.

    >>> by_relation(nx.MultiDiGraph([("a", "b", {"relation": "sued"})]))
    {'sued': [('a', 'b')]}
    """
    def make() -> dict[str, list[tuple[Node, Node]]]:
        pairs: dict[str, list[tuple[Node, Node]]] = {}
        for u, v, relation in G.edges(data="relation"):
            pairs.setdefault(relation, []).append((u, v))
        return pairs

    return remembered(G, "by relation", make)


def ranked(scores: Mapping[K, float], top: int | None = None) -> list[tuple[K, float]]:
    """`scores` from highest to lowest (ties by node name), the first `top` of them.

    >>> ranked({"a": 1, "b": 3, "c": 3}, 2)
    [('b', 3), ('c', 3)]
    """
    return sorted(scores.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]
