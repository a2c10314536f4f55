"""Bipartite projections: actors linked by the provisions they invoke or the suits they join."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from ...namespace import K
from .simple import Node, by_relation

__all__ = ["shared_provisions", "co_plaintiffs"]


def _is(G: nx.Graph, node: Node, cls: str) -> bool:
    return cls in G.nodes[node].get("classes", ())


def _project(pairs: Iterable[tuple[Node, Node]], attr: str) -> nx.Graph:
    """Actors linked by the things they share: ``weight`` = how many, `attr` = which."""
    by_thing: dict[Node, set[Node]] = defaultdict(set)
    for actor, thing in pairs:
        by_thing[thing].add(actor)
    things = sorted(by_thing, key=str)
    P = nx.Graph()
    held: dict[Node, set[int]] = defaultdict(set)  # per actor, the things it has, by rank
    for rank, thing in enumerate(things):
        P.add_nodes_from(by_thing[thing])
        for actor in by_thing[thing]:
            held[actor].add(rank)
    # Pair by pair, from each actor's things, not thing by thing: a thing that n actors share
    # makes n²/2 pairs, tens of millions on large graphs, where the distinct pairs are far fewer.
    shared = {}
    for a in held:
        for b in {b for rank in held[a] for b in by_thing[things[rank]]}:
            if str(a) < str(b):
                shared[a, b] = sorted(held[a] & held[b])
    # Edges in the order that walking the things (and each thing's pairs) in name order gives.
    order = sorted(shared, key=lambda ab: (shared[ab][0], str(ab[0]), str(ab[1])))
    P.add_edges_from((a, b, {"weight": len(shared[a, b]), attr: [things[r] for r in shared[a, b]]})
                     for a, b in order)
    return P


def shared_provisions(G: nx.MultiDiGraph) -> nx.Graph:
    """Actors linked by the legal provisions they invoke: cited directly, or invoked by a claim
    they assert (asserts -> claim -> invokes -> provision) or that is asserted in a lawsuit they
    brought (plaintiffIn -> lawsuit <- assertedIn <- claim -> invokes -> provision).

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["SF", "LA"], classes=["Actor"]); G.add_node("X", classes=["LegalProvision"])
    >>> keys = G.add_edges_from([("SF", "X", {"relation": "cited"}), ("LA", "c", {"relation": "asserts"}),
    ...                          ("c", "X", {"relation": "invokes"})])
    >>> shared_provisions(G)["LA"]["SF"]["provisions"]
    ['X']
    """
    return _project(_invoked_provisions(G), "provisions")


def _invoked_provisions(G: nx.MultiDiGraph) -> set[tuple[Node, Node]]:
    """(actor, provision) for each provision an actor invokes (see shared_provisions)."""
    edges = by_relation(G)
    invoked: defaultdict[Node, set[Node]] = defaultdict(set)
    argued: defaultdict[Node, set[Node]] = defaultdict(set)
    for claim, target in edges.get(K.invokes, ()):
        invoked[claim].add(target)
    for claim, lawsuit in edges.get(K.assertedIn, ()):
        argued[lawsuit] |= invoked[claim]
    pairs = {(actor, target) for actor, target in edges.get(K.cited, ()) if _is(G, target, K.LegalProvision)}
    for actor, claim in edges.get(K.asserts, ()):
        pairs.update((actor, p) for p in invoked[claim])
    pairs.update((actor, p) for actor, lawsuit in _plaintiffs(G) for p in argued[lawsuit])
    return {(a, p) for a, p in pairs if _is(G, a, K.Actor)}


def _plaintiffs(G: nx.MultiDiGraph) -> set[tuple[Node, Node]]:
    """(actor, lawsuit) for each plaintiffIn edge and each hasPlaintiff edge turned around."""
    edges = by_relation(G)
    return {*edges.get(K.plaintiffIn, ()), *((actor, lawsuit) for lawsuit, actor in edges.get(K.hasPlaintiff, ()))}


def co_plaintiffs(G: nx.MultiDiGraph) -> nx.Graph:
    """Actors linked by the lawsuits they brought together (plaintiffIn, hasPlaintiff).

    >>> G = nx.MultiDiGraph([("SF", "case", {"relation": "plaintiffIn"}), ("case", "LA", {"relation": "hasPlaintiff"})])
    >>> co_plaintiffs(G)["LA"]["SF"]["lawsuits"]
    ['case']
    """
    return _project(_plaintiffs(G), "lawsuits")


def _strongest(pairs: Iterable[tuple[Node, Node]], top: int) -> list[tuple[Node, Node, int, list[Node]]]:
    """The `top` edges of ``_project(pairs)`` by weight, then by the actors' names, as
    (actor, actor, weight, things shared): without building the whole projection, which holds
    n²/2 pairs for a thing that n actors share (minutes and gigabytes on large graphs).

    Two actors share at most as many things as the one with fewer has. So the pairs sharing at
    least t things are all among the actors holding at least t: the product is taken over those
    only, lowering t until it yields `top` pairs, and ties at the last weight come whole.

    >>> _strongest([("a", "x"), ("b", "x"), ("a", "y"), ("b", "y"), ("c", "y")], 2)
    [('a', 'b', 2, ['x', 'y']), ('a', 'c', 1, ['y'])]
    """
    held: dict[Node, set[Node]] = defaultdict(set)
    for actor, thing in pairs:
        held[actor].add(thing)
    actors = sorted(held, key=str)  # so that in each pair (i < j) the first has the first name
    t = max(map(len, held.values()), default=0)
    while True:
        found = _pairs_sharing(held, [a for a in actors if len(held[a]) >= t], t)
        if len(found) >= top or t <= 1:
            break
        t = max(1, t // 2)
    best = sorted(found, key=lambda p: (-p[2], str(p[0]), str(p[1])))[:top]
    return [(a, b, w, sorted(held[a] & held[b], key=str)) for a, b, w in best]


def _pairs_sharing(held: dict[Node, set[Node]], actors: list[Node], least: int) -> list[tuple[Node, Node, int]]:
    """(a, b, things shared) for the pairs of `actors` (a before b) sharing at least `least`."""
    import numpy as np
    import scipy.sparse as sparse

    column = {thing: i for i, thing in enumerate({t for a in actors for t in held[a]})}
    rows, cols = zip(*((i, column[t]) for i, a in enumerate(actors) for t in held[a])) if actors else ((), ())
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(actors), len(column)))
    shared = sparse.triu(X @ X.T, k=1).tocoo()  # things shared, per pair of actors
    keep = shared.data >= least
    return [(actors[i], actors[j], int(w)) for i, j, w in
            zip(shared.row[keep].tolist(), shared.col[keep].tolist(), shared.data[keep].tolist())]
