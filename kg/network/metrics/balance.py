"""Camps of the signed network: the split into two sides that leaves the fewest hostile ties inside
and cooperative ties across (structural balance)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ...namespace import K
from .simple import Node

__all__ = ["Camps", K.signed, "frustration", "camps"]


@dataclass
class Camps:
    """A two-camp split of one connected component of the signed network."""

    sides: tuple[set[Node], set[Node]]
    frustrated: list[tuple[Node, Node, Any, dict[str, Any]]] = field(default_factory=list)
    signed_edges: int = 0
    exact: bool = True

    def side_of(self, node: Node) -> int | None:
        return 0 if node in self.sides[0] else 1 if node in self.sides[1] else None


def signed(G: nx.Graph) -> nx.Graph:
    """The undirected signed graph: ``pos`` and ``neg`` count cooperative and hostile edges.

    >>> S = signed(nx.MultiDiGraph([("a", "b", {"sign": -1}), ("b", "a", {"sign": -1})]))
    >>> S["a"]["b"]["neg"], S["a"]["b"]["pos"]
    (2, 0)
    """
    S = nx.Graph()
    for u, v, sign in G.edges(data="sign", default=0):
        if u == v or not sign:
            continue
        if not S.has_edge(u, v):
            S.add_edge(u, v, pos=0, neg=0)
        S[u][v]["pos" if sign > 0 else "neg"] += 1
    return S


def frustration(S: nx.Graph, side: dict[Node, int]) -> int:
    """Edges that break a split: hostile ones within a camp, cooperative ones across.

    >>> S = signed(nx.MultiDiGraph([("a", "b", {"sign": -1})]))
    >>> frustration(S, {"a": 0, "b": 0})
    1
    """
    return sum(d["neg"] if side[u] == side[v] else d["pos"] for u, v, d in S.edges(data=True))


def camps(G: nx.Graph, exact_limit: int = 16) -> list[Camps]:
    """Structural balance: per signed component, the two camps leaving the fewest frustrated edges.

    Components of up to `exact_limit` nodes are solved exactly; larger ones from the leading
    eigenvector of the signed adjacency matrix, improved by Fiduccia-Mattheyses passes.
    Largest component first; side 0 holds the node with most statements.

    >>> G = nx.MultiDiGraph([("a", "b", {"sign": 1}), ("a", "c", {"sign": -1}), ("b", "c", {"sign": -1})])
    >>> c = camps(G)[0]
    >>> sorted(c.sides[0]), sorted(c.sides[1]), c.frustrated
    (['a', 'b'], ['c'], [])
    """
    S = signed(G)
    weight = dict(G.degree())
    found: list[Camps] = []
    side: dict[Node, int] = {}
    component: dict[Node, int] = {}
    for nodes in nx.connected_components(S):
        part = S.subgraph(nodes)
        exact = len(part) <= exact_limit
        split = _exact_split(part) if exact else _local_search(part, _spectral_split(part))
        lead = max(sorted(nodes, key=str), key=lambda n: weight.get(n, 0))
        flip = split[lead]
        side.update((n, s ^ flip) for n, s in split.items())
        component.update(dict.fromkeys(nodes, len(found)))
        found.append(Camps(sides=({n for n in nodes if side[n] == 0}, {n for n in nodes if side[n] == 1}),
                           exact=exact,
                           signed_edges=sum(d["pos"] + d["neg"] for _, _, d in part.edges(data=True))))
    for u, v, k, d in G.edges(keys=True, data=True):
        if u in side and u != v and d.get("sign") and (side[u] == side[v]) != (d["sign"] > 0):
            found[component[u]].frustrated.append((u, v, k, d))
    return sorted(found, key=lambda c: (-(len(c.sides[0]) + len(c.sides[1])), -c.signed_edges))


def _edge_arrays(S: nx.Graph) -> tuple[list[Node], Any, Any, Any, Any]:  # numpy arrays
    import numpy as np

    index = {n: i for i, n in enumerate(S)}
    rows = [(index[u], index[v], d["pos"], d["neg"]) for u, v, d in S.edges(data=True)]
    i, j, pos, neg = (np.array(c, dtype=int) for c in zip(*rows)) if rows else [np.zeros(0, int)] * 4
    return list(S), i, j, pos, neg


def _exact_split(S: nx.Graph) -> dict[Node, int]:
    import numpy as np

    nodes, i, j, pos, neg = _edge_arrays(S)
    # Every split as a row of bits; node 0 stays on side 0, as a split and its mirror are one.
    masks = np.arange(2 ** (len(nodes) - 1), dtype=np.int64) << 1
    bits = (masks[:, None] >> np.arange(len(nodes))) & 1
    same = bits[:, i] == bits[:, j]
    cost = same @ neg + (~same) @ pos
    best = bits[int(np.argmin(cost))]
    return {n: int(b) for n, b in zip(nodes, best)}


def _spectral_split(S: nx.Graph) -> dict[Node, int]:
    import numpy as np
    import scipy.sparse as sparse
    from scipy.sparse.linalg import eigsh

    nodes, i, j, pos, neg = _edge_arrays(S)
    A = sparse.coo_matrix((np.r_[pos - neg, pos - neg], (np.r_[i, j], np.r_[j, i])),
                          shape=(len(nodes), len(nodes))).tocsr().astype(float)
    if len(nodes) <= 500:
        lead = np.linalg.eigh(A.toarray())[1][:, -1]
    else:
        lead = eigsh(A, k=1, which="LA")[1][:, 0]
    return {n: int(x < 0) for n, x in zip(nodes, lead)}


def _local_search(S: nx.Graph, side: dict[Node, int], patience: int = 200) -> dict[Node, int]:
    """Fiduccia-Mattheyses passes: move every node once, best gain first even when it is
    negative, then keep the best prefix of the moves; stop when a pass gains nothing.

    Moving only nodes that gain stalls, for example, on a ring split into arcs. Among equal
    gains the node whose gain changed last goes first (FM's LIFO rule), so a pass follows a
    boundary along; it gives up `patience` moves after its last best, to stay fast.
    """
    import heapq

    side = dict(side)
    tick = itertools.count(0, -1)
    adjacent = {n: dict(S[n]) for n in S}  # plain dicts: a subgraph view filters at every read

    def gain(n: Node) -> int:  # frustrated edges at n now, less those after moving n across
        return sum((d["neg"] - d["pos"]) * (1 if side[n] == side[m] else -1) for m, d in adjacent[n].items())

    while True:
        gains = {n: gain(n) for n in adjacent}
        heap = [(-g, next(tick), n) for n, g in gains.items()]
        heapq.heapify(heap)
        moved: list[Node] = []
        locked: set[Node] = set()
        total, best, best_at = 0, 0, 0
        while heap and len(moved) - best_at <= patience:
            g, _, n = heapq.heappop(heap)
            if n in locked or -g != gains[n]:
                continue  # moved already, or a stale gain
            side[n] = 1 - side[n]
            locked.add(n)
            moved.append(n)
            total -= g
            if total > best:
                best, best_at = total, len(moved)
            for m, d in adjacent[n].items():
                if m not in locked:
                    # Only the edge to n changed sides: its term flips, so the gain moves by
                    # twice it (as gain(m) would find, without walking all of m's edges again).
                    gains[m] += 2 * (d["neg"] - d["pos"]) * (1 if side[n] == side[m] else -1)
                    heapq.heappush(heap, (-gains[m], next(tick), m))
        for n in moved[best_at:]:
            side[n] = 1 - side[n]
        if best <= 0:
            return side
