"""How the graph holds together: communities, k-cores, articulation points."""

from __future__ import annotations

from collections import Counter

import networkx as nx

from .simple import Node, collapse, ranked

__all__ = ["communities", "core_numbers", "articulation_points"]


def communities(G: nx.Graph, seed: int = 0) -> list[set[Node]]:
    """Louvain communities of the undirected projection, largest first (fixed `seed`).

    >>> two = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    >>> sorted(map(sorted, communities(two)))
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    H = collapse(G)
    found = nx.community.louvain_communities(H, weight="weight", seed=seed)
    return sorted(found, key=lambda c: (-len(c), sorted(map(str, c))))


def core_numbers(G: nx.Graph) -> dict[Node, int]:
    """k-core number of each node: the largest k such that it is in a subgraph of degree >= k.

    >>> core_numbers(nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]))["d"]
    1
    """
    return nx.core_number(collapse(G))


def articulation_points(G: nx.Graph) -> dict[Node, int]:
    """Cut points and how many more components their removal leaves (direction ignored).

    >>> articulation_points(nx.MultiDiGraph([("a", "b"), ("b", "c")]))
    {'b': 1}
    """
    # Removing a node splits its component into one piece per biconnected block it belongs to;
    # counting blocks takes one pass, where removing each cut point in turn took one per point.
    blocks = Counter(n for block in nx.biconnected_components(collapse(G)) for n in block)
    return {n: int(count) for n, count in ranked({n: count - 1 for n, count in blocks.items() if count > 1})}
