"""Measures year by year, by the valid time of each statement (never its source's date)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping

import networkx as nx

from ..convert import edge_date
from .simple import Node, ranked

__all__ = ["by_year"]


def by_year(G: nx.MultiDiGraph, measure: Callable[[nx.Graph], dict[Node, float]] | None = None,
            top: int = 5, keep: Callable[[Node], bool] | None = None) -> dict[int, list[tuple[Node, float]]]:
    """The `top` nodes by `measure` (default: statements) on each year's edges, by when they
    happened or began (`edge_date`); an edge known only from its source's date belongs to no
    year. `keep` limits who is ranked, e.g. to actors.

    >>> G = nx.MultiDiGraph([("a", "b", {"date": "2017-02"}), ("c", "b", {"date": "2025"}),
    ...                      ("c", "d", {"date": "2025"}), ("d", "e", {"published": "2025"})])
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
        scores: Mapping[Node, float]
        if measure is None:  # statements per node, counted from the edges: a subgraph view is slow
            scores = Counter(n for u, v, _ in years[year] for n in (u, v))
        else:
            scores = measure(G.edge_subgraph(years[year]))
        out[year] = ranked({n: s for n, s in scores.items() if keep is None or keep(n)}, top)
    return out
