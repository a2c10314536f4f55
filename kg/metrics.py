"""Network metrics of a typed graph: plain functions of a networkx graph, then one report.

The functions take the MultiDiGraph of :func:`kg.network.to_networkx` (or any networkx graph
with the same attributes); parallel edges count as weight, one per statement.

>>> import kg
>>> from kg import metrics
>>> G = kg.load().to_networkx()
>>> top = metrics.ranked(metrics.pagerank(G), 3)
"""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable

import networkx as nx

from .network import JOIN, edge_date

Node = Hashable


# --- projections -------------------------------------------------------------------------

def collapse(G: nx.Graph, *, directed: bool = False) -> nx.Graph:
    """The simple graph under `G`: one edge per linked pair, ``weight`` = statements, no loops.

    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "a")])
    >>> collapse(G)["a"]["b"]["weight"]
    3
    """
    H = nx.DiGraph() if directed else nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    weight: dict[tuple[Node, Node], int] = {}  # counted in a plain dict: H[u][v] is slow to reach
    for u, v in G.edges():
        if u != v:
            pair = (u, v) if directed or (v, u) not in weight else (v, u)
            weight[pair] = weight.get(pair, 0) + 1
    H.add_edges_from((u, v, {"weight": w}) for (u, v), w in weight.items())
    return H


def ranked(scores: dict[Node, float], top: int | None = None) -> list[tuple[Node, float]]:
    """`scores` from highest to lowest (ties by node name), the first `top` of them.

    >>> ranked({"a": 1, "b": 3, "c": 3}, 2)
    [('b', 3), ('c', 3)]
    """
    return sorted(scores.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]


# --- centrality ----------------------------------------------------------------------------

def degrees(G: nx.MultiDiGraph, family: str | None = None) -> dict[Node, tuple[int, int]]:
    """(in, out) statements per node; with `family`, only relations of that family.

    >>> G = nx.MultiDiGraph([("a", "b", {"relation": "sued", "families": ["opposes"]})])
    >>> degrees(G, "opposes")["b"]
    (1, 0)
    """
    keep = (lambda d: True) if family is None else (
        lambda d: d.get("relation") == family or family in d.get("families", ()))
    counts = {n: [0, 0] for n in G}
    for u, v, d in G.edges(data=True):
        if keep(d):
            counts[u][1] += 1
            counts[v][0] += 1
    return {n: (i, o) for n, (i, o) in counts.items()}


def families(G: nx.MultiDiGraph) -> list[str]:
    """The relation families the edges of `G` belong to, most used first.

    >>> families(nx.MultiDiGraph([("a", "b", {"families": ["opposes", "legalAction"]})]))
    ['legalAction', 'opposes']
    """
    used = Counter(f for _, _, fs in G.edges(data="families", default=()) for f in fs)
    return [f for f, _ in ranked(used)]


def pagerank(G: nx.Graph, alpha: float = 0.85) -> dict[Node, float]:
    """PageRank along edge direction: high for what many (important) actors act upon.

    >>> pr = pagerank(nx.MultiDiGraph([("a", "c"), ("b", "c")]))
    >>> max(pr, key=pr.get)
    'c'
    """
    return nx.pagerank(G, alpha=alpha) if len(G) else {}


def betweenness(G: nx.Graph, k: int | None = None, seed: int = 0) -> dict[Node, float]:
    """Brokers: the share of shortest paths (direction ignored) through each node.

    `k` samples that many source nodes, for large graphs.

    >>> betweenness(nx.MultiDiGraph([("a", "b"), ("b", "c")]))["b"]
    1.0
    """
    H = collapse(G)
    if not k or k >= len(H):
        return nx.betweenness_centrality(H)
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
        for level in range(level, 0, -1):
            at = dist == level
            share = np.divide(1.0 + delta, sigma, out=np.zeros_like(sigma), where=at)
            delta += np.where(dist == level - 1, sigma * (A @ share), 0.0)
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


def hits(G: nx.Graph) -> tuple[dict[Node, float], dict[Node, float]]:
    """HITS (hubs, authorities): hubs act on many authorities, authorities are acted upon.

    >>> hubs, auths = hits(nx.MultiDiGraph([("a", "c"), ("a", "d"), ("b", "c")]))
    >>> max(hubs, key=hubs.get), max(auths, key=auths.get)
    ('a', 'c')
    """
    H = collapse(G, directed=True)
    if H.number_of_edges() == 0:
        zero = dict.fromkeys(H, 0.0)
        return zero, dict(zero)
    hubs, authorities = nx.hits(H, max_iter=1000)
    # The solver leaves tiny negative scores where the true value is zero.
    return ({n: max(0.0, s) for n, s in hubs.items()}, {n: max(0.0, s) for n, s in authorities.items()})


# --- structure -----------------------------------------------------------------------------

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
    return dict(ranked({n: count - 1 for n, count in blocks.items() if count > 1}))


# --- camps of the signed network ----------------------------------------------------------

@dataclass
class Camps:
    """A two-camp split of one connected component of the signed network."""

    sides: tuple[set[Node], set[Node]]
    frustrated: list[tuple[Node, Node, Any, dict]] = field(default_factory=list)
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
    found, side, component = [], {}, {}
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


def _edge_arrays(S: nx.Graph):
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

    def gain(n):  # frustrated edges at n now, less those after moving n across
        return sum((d["neg"] - d["pos"]) * (1 if side[n] == side[m] else -1) for m, d in adjacent[n].items())

    while True:
        gains = {n: gain(n) for n in adjacent}
        heap = [(-g, next(tick), n) for n, g in gains.items()]
        heapq.heapify(heap)
        moved, locked, total, best, best_at = [], set(), 0, 0, 0
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
            for m in adjacent[n]:
                if m not in locked:
                    gains[m] = gain(m)
                    heapq.heappush(heap, (-gains[m], next(tick), m))
        for n in moved[best_at:]:
            side[n] = 1 - side[n]
        if best <= 0:
            return side


# --- bipartite projections ----------------------------------------------------------------

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
    invoked, argued = defaultdict(set), defaultdict(set)
    for claim, target, rel in G.edges(data="relation"):
        if rel == "invokes":
            invoked[claim].add(target)
    for claim, lawsuit, rel in G.edges(data="relation"):
        if rel == "assertedIn":
            argued[lawsuit] |= invoked[claim]
    pairs = set()
    for actor, target, rel in G.edges(data="relation"):
        if rel == "cited" and _is(G, target, "LegalProvision"):
            pairs.add((actor, target))
        elif rel == "asserts":
            pairs.update((actor, p) for p in invoked[target])
    pairs.update((actor, p) for actor, lawsuit in _plaintiffs(G) for p in argued[lawsuit])
    return {(a, p) for a, p in pairs if _is(G, a, "Actor")}


def _plaintiffs(G: nx.MultiDiGraph) -> set[tuple[Node, Node]]:
    """(actor, lawsuit) for each plaintiffIn edge and each hasPlaintiff edge turned around."""
    return {(u, v) if rel == "plaintiffIn" else (v, u) for u, v, rel in G.edges(data="relation")
            if rel in ("plaintiffIn", "hasPlaintiff")}


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
    """
    import numpy as np
    import scipy.sparse as sparse

    held: dict[Node, set[Node]] = defaultdict(set)
    for actor, thing in pairs:
        held[actor].add(thing)
    actors = sorted(held, key=str)  # so that in each pair (i < j) the first has the first name
    column = {thing: i for i, thing in enumerate({t for things in held.values() for t in things})}
    rows, cols = zip(*((i, column[t]) for i, a in enumerate(actors) for t in held[a])) if held else ((), ())
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(actors), len(column)))
    shared = sparse.triu(X @ X.T, k=1).tocoo()  # things shared, per pair of actors
    best = np.lexsort((shared.col, shared.row, -shared.data))[:top]
    return [(actors[i], actors[j], int(w), sorted(held[actors[i]] & held[actors[j]], key=str))
            for i, j, w in zip(shared.row[best].tolist(), shared.col[best].tolist(), shared.data[best].tolist())]


# --- time ---------------------------------------------------------------------------------

def by_year(G: nx.MultiDiGraph, measure: Callable[[nx.Graph], dict[Node, float]] = None,
            top: int = 5, keep: Callable[[Node], bool] | None = None) -> dict[int, list[tuple[Node, float]]]:
    """The `top` nodes by `measure` (default: statements) on each year's edges (event date,
    else the source's date); `keep` limits who is ranked, e.g. to actors.

    >>> G = nx.MultiDiGraph([("a", "b", {"date": "2017-02"}), ("c", "b", {"date": "2025"}), ("c", "d", {"date": "2025"})])
    >>> by_year(G, top=1)
    {2017: [('a', 1)], 2025: [('c', 2)]}
    """
    years: dict[int, list] = defaultdict(list)
    for u, v, k, d in G.edges(keys=True, data=True):
        when = edge_date(d)
        if when:
            years[int(when[:4])].append((u, v, k))
    out = {}
    for year in sorted(years):
        if measure is None:  # statements per node, counted from the edges: a subgraph view is slow
            scores = Counter(n for u, v, _ in years[year] for n in (u, v))
        else:
            scores = measure(G.edge_subgraph(years[year]))
        out[year] = ranked({n: s for n, s in scores.items() if keep is None or keep(n)}, top)
    return out


# --- the report ---------------------------------------------------------------------------

@dataclass
class Table:
    """One table of the report: a title, column names and rows of plain values."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


#: How `report` can order its centrality table.
SORT_KEYS = ("degree", "pagerank", "betweenness", "hub", "authority")


def report(G: nx.MultiDiGraph, top: int = 10, by: str = "degree") -> list[Table]:
    """Every measure of this module on `G`, as tables of the `top` rows; `by` orders the
    centrality table (one of SORT_KEYS).

    >>> [t.name for t in report(nx.MultiDiGraph([("a", "b")]), top=1)][:3]
    ['summary', 'centrality', 'families']
    """
    label = lambda n: G.nodes[n].get("label", n)  # noqa: E731
    names = lambda nodes: JOIN.join(label(n) for n in nodes)  # noqa: E731
    degree = degrees(G)
    pr = pagerank(G)
    bc = betweenness(G, k=500 if len(G) > 2000 else None)  # sampled on large graphs
    hubs, authorities = hits(G)
    cores = core_numbers(G)
    groups = communities(G)
    balance = camps(G)
    by_pagerank = lambda nodes: [n for n, _ in ranked({n: pr.get(n, 0) for n in nodes}, top)]  # noqa: E731
    score = {"degree": {n: i + o for n, (i, o) in degree.items()}, "pagerank": pr, "betweenness": bc,
             "hub": hubs, "authority": authorities}[by]
    community = {n: number for number, c in enumerate(groups, 1) for n in c}
    tables = [_summary(G, cores, groups, balance)]

    tables.append(Table("centrality", f"Most central entities (by {by})",
                        ["id", "label", "type", "in", "out", "pagerank", "betweenness", "hub", "authority",
                         "core", "community"],
                        [[n, label(n), G.nodes[n].get("type"), *degree[n], *(round(m.get(n, 0), 4) for m in
                          (pr, bc, hubs, authorities)), cores.get(n, 0), community.get(n)]
                         for n, _ in ranked(score, top)]))

    rows = []
    for family in families(G):
        per = degrees(G, family)
        rows += [[family, n, label(n), *per[n]] for n, s in ranked({n: sum(io) for n, io in per.items()}, top) if s]
    tables.append(Table("families", "Degree by relation family", ["family", "id", "label", "in", "out"], rows))

    tables.append(Table("communities", "Communities (Louvain, undirected)", ["community", "size", "members"],
                        [[number, len(c), names(by_pagerank(c))] for number, c in enumerate(groups[:top], 1)]))
    tables.append(Table("articulation", "Articulation points (removing one disconnects the graph)",
                        ["id", "label", "components added"],
                        [[n, label(n), more] for n, more in list(articulation_points(G).items())[:top]]))

    tables.append(Table("camps", "Camps of the signed network (hostile vs cooperative)",
                        ["component", "camp", "size", "members"],
                        [[number, "AB"[side], len(found.sides[side]), names(by_pagerank(found.sides[side]))]
                         for number, found in enumerate(balance[:3], 1) for side in (0, 1)]))
    frustrated = balance[0].frustrated[:top] if balance else []
    tables.append(Table("frustrated", "Edges that break the split into two camps",
                        ["subject", "relation", "object", "statement", "quote"],
                        [[u, d.get("relation"), v, d.get("statement", k), d.get("quote")]
                         for u, v, k, d in frustrated]))

    # The strongest pairs of shared_provisions(G) and co_plaintiffs(G), without building them whole.
    for name, title, pairs, attr in (("provisions", "Actors invoking the same provisions", _invoked_provisions(G),
                                      "provisions"), ("plaintiffs", "Co-plaintiffs", _plaintiffs(G), "lawsuits")):
        tables.append(Table(name, title, ["actor", "actor", "shared", attr],
                            [[label(a), label(b), weight, names(things)]
                             for a, b, weight, things in _strongest(pairs, top)]))

    actors = lambda n: _is(G, n, "Actor") or "classes" not in G.nodes[n]  # noqa: E731
    tables.append(Table("years", "Most active actors year by year (statements dated that year)",
                        ["year", "rank", "id", "label", "statements"],
                        [[year, rank, n, label(n), s]
                         for year, best in by_year(G, top=min(top, 5), keep=actors).items()
                         for rank, (n, s) in enumerate(best, 1)]))
    return tables


def _summary(G: nx.MultiDiGraph, cores: dict, groups: list, balance: list[Camps]) -> Table:
    U = collapse(G)
    k_max = max(cores.values(), default=0)
    rows = [["entities", len(G)], ["statements (edges)", G.number_of_edges()],
            ["linked pairs", U.number_of_edges()],
            ["connected components", nx.number_connected_components(U) if len(U) else 0],
            ["communities", len(groups)],
            ["innermost k-core", f"k={k_max}, {sum(1 for c in cores.values() if c == k_max)} entities"]]
    if balance:
        main = balance[0]
        rows += [["signed edges (main signed component)", main.signed_edges],
                 ["frustrated edges", f"{len(main.frustrated)} ({'exact' if main.exact else 'heuristic'} split)"]]
    return Table("summary", "Summary", ["measure", "value"], rows)
