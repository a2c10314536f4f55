"""Measures year by year, by the valid time of each statement (never its source's date)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx

from ..convert import edge_date
from .simple import Node, ranked

__all__ = ["by_year", "threats_made_good"]


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
    years: dict[int, list[tuple[Node, Node, Any]]] = defaultdict(list)
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


def threats_made_good(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per threatener, how many of its threats (and plans) were carried out, challenged in court,
    stopped in court, or followed by nothing reported, from the rows of the catalog query
    ``threat-outcomes`` (the one place that links a threat to what followed it). A threat with
    several outcomes counts once under each; 'threats' counts each threat once.

    >>> rows = [{"threat": "t1", "actor": "A", "outcome": "carried out"},
    ...         {"threat": "t1", "actor": "A", "outcome": "stopped in court"},
    ...         {"threat": "t2", "actor": "A", "outcome": "nothing reported by 2025-02"}]
    >>> threats_made_good(rows)["A"]
    {'threats': 2, 'carried out': 1, 'challenged in court': 0, 'stopped in court': 1, 'nothing reported': 1}
    """
    seen: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        outcome = "nothing reported" if row["outcome"].startswith("nothing") else row["outcome"]
        seen[row["actor"]]["threats"].add(row["threat"])
        seen[row["actor"]][outcome].add(row["threat"])
    kinds = ("threats", "carried out", "challenged in court", "stopped in court", "nothing reported")
    return {actor: {kind: len(found[kind]) for kind in kinds} for actor, found in seen.items()}

