"""Who is central: degrees by family, PageRank, betweenness (sampled when large), HITS."""

from __future__ import annotations

import random
import warnings
from collections import Counter
from typing import Any

import networkx as nx

from .engine import engine, use_igraph
from .simple import Node, collapse, ranked

__all__ = ["degrees", "family_degrees", "families", "pagerank", "betweenness", "hits"]


def degrees(G: nx.MultiDiGraph, family: str | None = None) -> dict[Node, tuple[int, int]]:
    """(in, out) statements per node; with `family`, only relations of that family.

    >>> G = nx.MultiDiGraph([("a", "b", {"relation": "sued", "families": ["opposes"]})])
    >>> degrees(G, "opposes")["b"]
    (1, 0)
    """
    def keep(d: dict[str, Any]) -> bool:
        return family is None or d.get("relation") == family or family in d.get("families", ())

    counts = {n: [0, 0] for n in G}
    for u, v, d in G.edges(data=True):
        if keep(d):
            counts[u][1] += 1
            counts[v][0] += 1
    return {n: (i, o) for n, (i, o) in counts.items()}


def family_degrees(G: nx.MultiDiGraph) -> dict[str, dict[Node, tuple[int, int]]]:
    """`degrees(G, family)` for every family of families(G), in one pass over the edges.

    >>> family_degrees(nx.MultiDiGraph([("a", "b", {"relation": "sued", "families": ["opposes"]})]))
    {'opposes': {'a': (0, 1), 'b': (1, 0)}}
    """
    counts: dict[str, dict[Node, list[int]]] = {f: {n: [0, 0] for n in G} for f in families(G)}
    for u, v, d in G.edges(data=True):
        for family in {*d.get("families", ()), d.get("relation")}:
            if family in counts:
                counts[family][u][1] += 1
                counts[family][v][0] += 1
    return {f: {n: (i, o) for n, (i, o) in per.items()} for f, per in counts.items()}


def families(G: nx.MultiDiGraph) -> list[str]:
    """The relation families the edges of `G` belong to, most used first.

    >>> families(nx.MultiDiGraph([("a", "b", {"families": ["opposes", "legalAction"]})]))
    ['legalAction', 'opposes']
    """
    used: Counter[str] = Counter(f for _, _, fs in G.edges(data="families", default=()) for f in fs)
    return [f for f, _ in ranked(used)]


def pagerank(G: nx.Graph, alpha: float = 0.85, *, backend: str | None = None) -> dict[Node, float]:
    """PageRank along edge direction: high for what many (important) actors act upon.

    Parallel edges count as weight and loops are kept, as networkx's `pagerank(G)` reads a
    multigraph; igraph's PRPACK solves it exactly where networkx iterates to 1e-6 per node.

    >>> pr = pagerank(nx.MultiDiGraph([("a", "c"), ("b", "c")]))
    >>> max(pr, key=pr.get)
    'c'
    """
    if not len(G):
        return {}
    if not use_igraph(backend):
        scores: dict[Node, float] = nx.pagerank(G, alpha=alpha)
        return scores
    E = engine(G, loops=True)
    return E.scores(E.graph.pagerank(directed=True, damping=alpha, weights="weight"))


def betweenness(G: nx.Graph, k: int | None = None, seed: int = 0, *,
                backend: str | None = None) -> dict[Node, float]:
    """Brokers: the share of shortest paths (direction ignored) through each node.

    `k` samples that many source nodes, for large graphs: the sources networkx would draw with
    `seed`, and networkx's scaling, on either backend.

    >>> betweenness(nx.MultiDiGraph([("a", "b"), ("b", "c")]))["b"]
    1.0
    """
    H = collapse(G)
    if use_igraph(backend):
        sources = random.Random(seed).sample(list(H), k) if k and k < len(H) else None
        return _igraph_betweenness(G, sources)
    if not k or k >= len(H):
        # Exact: from every node as a source. Past a few hundred nodes the batched matrix search
        # below gives networkx's figures (to 1e-15) 13x faster (0.5 s against 7 s at 1,785).
        return nx.betweenness_centrality(H) if len(H) <= 300 else _sampled_betweenness(H, list(H))
    # The sources networkx would sample; their paths are then counted all at once, with sparse
    # matrices (50x faster than networkx's search from one source at a time).
    return _sampled_betweenness(H, random.Random(seed).sample(list(H), k))


def _sampled_betweenness(H: nx.Graph, sources: list[Node], batch: int = 100) -> dict[Node, float]:
    """Brandes' betweenness from `sources` only, rescaled as networkx rescales a sample.

    A breadth-first search from a batch of sources at once, level by level: `sigma` counts
    the shortest paths to each node from each source, then `delta` sums, from the farthest
    level back, the share of those paths that go on through each node.
    """
    import numpy as np

    nodes = list(H)
    n, index = len(nodes), {node: i for i, node in enumerate(nodes)}
    A = nx.to_scipy_sparse_array(H, nodelist=nodes, weight=None, format="csr").astype(float)
    total = np.zeros(n)
    for start in range(0, len(sources), batch):
        rows = np.array([index[s] for s in sources[start:start + batch]])
        cols = np.arange(len(rows))
        sigma, dist = np.zeros((n, len(rows))), np.full((n, len(rows)), -1)
        sigma[rows, cols], dist[rows, cols] = 1.0, 0
        frontier, level = sigma.copy(), 0
        while True:
            reached = A @ frontier
            new = (reached > 0) & (dist < 0)
            if not new.any():
                break
            level += 1
            dist[new] = level
            frontier = np.where(new, reached, 0.0)
            sigma += frontier
        delta = np.zeros_like(sigma)
        for depth in range(level, 0, -1):
            at = dist == depth
            share = np.divide(1.0 + delta, sigma, out=np.zeros_like(sigma), where=at)
            delta += np.where(dist == depth - 1, sigma * (A @ share), 0.0)
        delta[rows, cols] = 0.0  # a source is an end of its paths, not between
        total += delta.sum(axis=1)
    # networkx's scaling for a sample of k sources, end points excluded, normalized: a source
    # lies between k - 1 of the sampled sources' pairs, any other node between k of them.
    k, N = len(sources), n - 1
    if N < 2:
        return dict(zip(nodes, total.tolist()))
    sampled = set(sources)
    scale = {True: 1 / ((k - 1) * (N - 1)) if k > 1 else float("nan"), False: 1 / (k * (N - 1))}
    return {node: value * scale[node in sampled] for node, value in zip(nodes, total.tolist())}


def _igraph_betweenness(G: nx.Graph, sources: list[Node] | None) -> dict[Node, float]:
    """Betweenness on igraph, scaled as networkx scales it (normalized, end points excluded)."""
    E = engine(G)
    n = len(E.nodes)
    if n < 3:
        return dict.fromkeys(E.nodes, 0.0)
    if sources is None:  # igraph counts each unordered pair once
        return E.scores(value * 2 / ((n - 1) * (n - 2)) for value in E.graph.betweenness(directed=False))
    index = {node: i for i, node in enumerate(E.nodes)}
    # From a subset of sources igraph counts each (source, target) path once, where Brandes'
    # dependencies (networkx's sample) count it from both ends: hence the 2.
    raw = E.graph.betweenness(directed=False, sources=[index[s] for s in sources])
    k, sampled = len(sources), set(sources)
    scale = {True: 2 / ((k - 1) * (n - 2)) if k > 1 else float("nan"), False: 2 / (k * (n - 2))}
    return {node: value * scale[node in sampled] for node, value in zip(E.nodes, raw)}


def hits(G: nx.Graph, *, backend: str | None = None) -> tuple[dict[Node, float], dict[Node, float]]:
    """HITS (hubs, authorities): hubs act on many authorities, authorities are acted upon.

    >>> hubs, auths = hits(nx.MultiDiGraph([("a", "c"), ("a", "d"), ("b", "c")]))
    >>> max(hubs, key=hubs.get), max(auths, key=auths.get)
    ('a', 'c')
    """
    H = collapse(G, directed=True)
    if H.number_of_edges() == 0:
        zero = dict.fromkeys(H, 0.0)
        return zero, dict(zero)
    if use_igraph(backend):
        E = engine(G, directed=True)
        with warnings.catch_warnings():  # igraph warns where many scores are 0, as on any news graph
            warnings.simplefilter("ignore", RuntimeWarning)
            found = [E.graph.hub_score(weights="weight"), E.graph.authority_score(weights="weight")]
        # networkx's scale: each score vector sums to 1 (igraph's tops at 1).
        totals = [sum(scores) or 1.0 for scores in found]
        hubs, authorities = (E.scores(s / total for s in scores) for scores, total in zip(found, totals))
    else:
        hubs, authorities = nx.hits(H, max_iter=1000)
    # The solver leaves tiny negative scores where the true value is zero.
    return ({n: max(0.0, s) for n, s in hubs.items()}, {n: max(0.0, s) for n, s in authorities.items()})
