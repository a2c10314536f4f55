"""All the metrics as tables: what `kg metrics` prints and `g.metrics()` returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ...namespace import K
from ...query.forms import gc_paused
from ..convert import JOIN
from .balance import Camps, camps
from .bipartite import _invoked_provisions, _is, _plaintiffs, _strongest
from .centrality import betweenness, degrees, family_degrees, hits, pagerank
from .simple import Node, collapse, collapsed_once, ranked
from .structure import articulation_points, communities, components, core_numbers
from .temporal import by_year, threats_made_good

__all__ = ["Table", "report", "threats_table", "SORT_KEYS"]


@dataclass
class Table:
    """One table of the report: a title, column names and rows of plain values."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


#: How `report` can order its centrality table.
SORT_KEYS = ("degree", "pagerank", "betweenness", "hub", "authority")


def report(G: nx.MultiDiGraph, top: int = 10, by: str = "degree", communities: str = "louvain") -> list[Table]:
    """Every measure of this module on `G`, as tables of the `top` rows; `by` orders the
    centrality table (one of SORT_KEYS), `communities` names the search (COMMUNITY_METHODS).

    >>> [t.name for t in report(nx.MultiDiGraph([("a", "b")]), top=1)][:3]
    ['summary', 'centrality', 'families']
    """
    # The measures share the simple graphs under G, each made once; they build many small
    # objects and no cycles, so the cycle collector is paused (see gc_paused).
    with collapsed_once(), gc_paused():
        return _report(G, top, by, communities)


def _report(G: nx.MultiDiGraph, top: int, by: str, method: str) -> list[Table]:
    def label(n: Node) -> Any:
        return G.nodes[n].get("label", n)

    def names(nodes: Iterable[Node]) -> str:
        return JOIN.join(label(n) for n in nodes)

    degree = degrees(G)
    pr = pagerank(G)
    bc = betweenness(G, k=500 if len(G) > 2000 else None)  # sampled on large graphs
    hubs, authorities = hits(G)
    cores = core_numbers(G)
    groups = communities(G, method=method)
    balance = camps(G)
    def by_pagerank(nodes: Iterable[Node]) -> list[Node]:
        return [n for n, _ in ranked({n: pr.get(n, 0) for n in nodes}, top)]

    scores: dict[str, dict[Node, float]] = {"degree": {n: i + o for n, (i, o) in degree.items()}, "pagerank": pr,
                                            "betweenness": bc, "hub": hubs, "authority": authorities}
    score = scores[by]
    community = {n: number for number, c in enumerate(groups, 1) for n in c}
    tables = [_summary(G, cores, groups, balance)]

    tables.append(Table("centrality", f"Most central entities (by {by})",
                        ["id", "label", "type", "in", "out", "pagerank", "betweenness", "hub", "authority",
                         "core", "community"],
                        [[n, label(n), G.nodes[n].get("type"), *degree[n], *(round(m.get(n, 0), 4) for m in
                          (pr, bc, hubs, authorities)), cores.get(n, 0), community.get(n)]
                         for n, _ in ranked(score, top)]))

    rows = []
    for family, per in family_degrees(G).items():
        rows += [[family, n, label(n), *per[n]] for n, s in ranked({n: sum(io) for n, io in per.items()}, top) if s]
    tables.append(Table("families", "Degree by relation family", ["family", "id", "label", "in", "out"], rows))

    tables.append(Table("communities", f"Communities ({method.capitalize()}, undirected)",
                        ["community", "size", "members"],
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

    def actors(n: Node) -> bool:
        return _is(G, n, K.Actor) or "classes" not in G.nodes[n]

    tables.append(Table("years", "Most active actors year by year (statements dated that year)",
                        ["year", "rank", "id", "label", "statements"],
                        [[year, rank, n, label(n), s]
                         for year, best in by_year(G, top=min(top, 5), keep=actors).items()
                         for rank, (n, s) in enumerate(best, 1)]))
    return tables


def _summary(G: nx.MultiDiGraph, cores: dict[Node, int], groups: list[set[Node]], balance: list[Camps]) -> Table:
    U = collapse(G)
    k_max = max(cores.values(), default=0)
    rows = [["entities", len(G)], ["statements (edges)", G.number_of_edges()],
            ["linked pairs", U.number_of_edges()],
            ["connected components", components(G)],
            ["communities", len(groups)],
            ["innermost k-core", f"k={k_max}, {sum(1 for c in cores.values() if c == k_max)} entities"]]
    if balance:
        main = balance[0]
        rows += [["signed edges (main signed component)", main.signed_edges],
                 ["frustrated edges", f"{len(main.frustrated)} ({'exact' if main.exact else 'heuristic'} split)"]]
    return Table("summary", "Summary", ["measure", "value"], rows)


def threats_table(rows: Iterable[dict[str, Any]], top: int = 10) -> Table:
    """Threats made good, per threatener (`threats_made_good` of the ``threat-outcomes`` rows),
    the most threatening first."""
    counts = threats_made_good(rows)
    order = sorted(counts, key=lambda actor: (-counts[actor]["threats"], actor))[:top]
    columns = ["actor", "threats", "carried out", "challenged in court", "stopped in court", "nothing reported"]
    return Table("threats",
                 "Threats and what followed them (carried out, challenged or stopped in court, nothing reported)",
                 columns, [[actor, *(counts[actor][c] for c in columns[1:])] for actor in order])

