"""How the graph holds together: communities, k-cores, articulation points."""

from __future__ import annotations

import random
from collections import Counter

import networkx as nx

from .engine import engine, use_igraph
from .simple import Node, collapse, ranked

__all__ = ["communities", "core_numbers", "articulation_points", "components", "COMMUNITY_METHODS"]

#: Community searches `communities` runs: Louvain (networkx's, or igraph's multilevel, the same
#: method, within 0.01 of its modularity) and Leiden (igraph: better-connected communities).
COMMUNITY_METHODS = ("louvain", "leiden")


def communities(G: nx.Graph, seed: int = 0, method: str = "louvain", *,
                backend: str | None = None) -> list[set[Node]]:
    """Communities of the undirected projection by modularity, largest first (fixed `seed`).

    >>> two = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    >>> sorted(map(sorted, communities(two)))
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    >>> sorted(map(sorted, communities(two, method="leiden")))
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    if method not in COMMUNITY_METHODS:
        raise ValueError(f"unknown community method {method!r}: choose one of {', '.join(COMMUNITY_METHODS)}")
    if method == "leiden" or use_igraph(backend):
        found = _igraph_communities(G, seed, method)
    else:
        found = nx.community.louvain_communities(collapse(G), weight="weight", seed=seed)
    return sorted(found, key=lambda c: (-len(c), sorted(map(str, c))))


def _igraph_communities(G: nx.Graph, seed: int, method: str) -> list[set[Node]]:
    import igraph as ig

    E = engine(G)
    if not E.nodes:
        return []
    # igraph draws from one global generator: seeded for this search, then given back.
    ig.set_random_number_generator(random.Random(seed))
    try:
        if method == "leiden":
            found = E.graph.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
        else:
            found = E.graph.community_multilevel(weights="weight")
    finally:
        ig.set_random_number_generator(random)
    return [{E.nodes[i] for i in members} for members in found]


def core_numbers(G: nx.Graph, *, backend: str | None = None) -> dict[Node, int]:
    """k-core number of each node: the largest k such that it is in a subgraph of degree >= k.

    >>> core_numbers(nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]))["d"]
    1
    """
    if not use_igraph(backend):
        cores: dict[Node, int] = nx.core_number(collapse(G))
        return cores
    E = engine(G)
    return dict(zip(E.nodes, E.graph.coreness()))


def articulation_points(G: nx.Graph, *, backend: str | None = None) -> dict[Node, int]:
    """Cut points and how many more components their removal leaves (direction ignored).

    >>> articulation_points(nx.MultiDiGraph([("a", "b"), ("b", "c")]))
    {'b': 1}
    """
    # Removing a node splits its component into one piece per biconnected block it belongs to;
    # counting blocks takes one pass, where removing each cut point in turn took one per point.
    if use_igraph(backend):
        E = engine(G)
        blocks = Counter(E.nodes[i] for block in E.graph.biconnected_components() for i in block)
    else:
        blocks = Counter(n for block in nx.biconnected_components(collapse(G)) for n in block)
    return {n: int(count) for n, count in ranked({n: count - 1 for n, count in blocks.items() if count > 1})}


def components(G: nx.Graph, *, backend: str | None = None) -> int:
    """How many connected components `G` has, direction ignored.

    >>> components(nx.MultiDiGraph([("a", "b"), ("c", "d")]))
    2
    """
    if not len(G):
        return 0
    if use_igraph(backend):
        return len(engine(G).graph.connected_components())
    return int(nx.number_connected_components(collapse(G)))
