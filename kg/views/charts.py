"""Charts of the graph, drawn with matplotlib: plain functions of a graph, as the HTML views are.

- ``timeline``: statements per month (or year) by relation family, on the date the event
  happened (valid time), not the date a source reported it;
- ``centrality``: the most central actors (PageRank, degree, betweenness, hubs, authorities);
- ``camps``: the two camps of the signed network (hostile vs cooperative statements), with the
  statements that cross them the wrong way dashed.

`kg chart NAME -o FILE.png|svg` writes one; in Python ``g.chart(NAME)`` returns the matplotlib
Figure (shown inline in a notebook) or, given a path, writes it.

>>> import kg
>>> fig = kg.load().chart("centrality", top=8)
>>> kg.load().chart("timeline", "timeline.svg")
PosixPath('timeline.svg')
"""

from __future__ import annotations

import colorsys
import datetime as dt
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from ..errors import EXIT_ENVIRONMENT, KGError
from ..namespace import K
from ..network import metrics
from ..network.convert import to_networkx

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..query.graph import Graph

#: The relation families in the order their bars stack, with a hue each (as the views colour them).
FAMILIES = {K.legalAction: ("legal action", 280), K.opposes: ("opposition", 0),
            K.supports: ("support", 125), K.policyAction: ("policy", 28),
            K.affiliation: ("roles and membership", 210), K.communication: (K.communication, 185)}
#: How central: the measures of `kg metrics --by`, as functions of the graph.
MEASURES: dict[str, Callable[[nx.MultiDiGraph], dict]] = {
    "pagerank": metrics.pagerank, "degree": lambda G: dict(G.degree()),
    "betweenness": metrics.betweenness, "hub": lambda G: metrics.hits(G)[0],
    "authority": lambda G: metrics.hits(G)[1]}
#: The file types charts are written as.
SUFFIXES = (".png", ".svg")
HOSTILE, COOPERATIVE, SIDES = "#c0392b", "#2e8b57", ("#4e79a7", "#f28e2b")


def _colour(hue: int, lightness: float = 0.5) -> str:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, 0.6)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _figure(width: float = 10, height: float = 5.6) -> Figure:
    # A Figure of its own, not pyplot's global state: safe in a server or a thread, and a
    # notebook shows it when a cell returns it.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def timeline(G: nx.MultiDiGraph, period: str = "auto") -> Figure:
    """Statements per month (or year) by relation family, dated by when the event happened.
    `period`: month, year, or auto (month when the dates span six years or less)."""
    dated = [(d["date"], d.get("families") or []) for _, _, d in G.edges(data=True) if d.get("date")]
    if period == "auto":
        years = [int(date[:4]) for date, _ in dated]
        period = "month" if years and max(years) - min(years) <= 6 else "year"
    if period not in ("month", "year"):
        raise KGError(f"period {period!r} is not month, year or auto", hint="period='month' or period='year'",
                      cli_hint="--period month|year|auto")
    size = 7 if period == "month" else 4
    counts: dict[str, Counter] = defaultdict(Counter)
    coarse = 0  # dated to the year only: no month to put them in
    for date, families in dated:
        if len(date) < size:
            coarse += 1
            continue
        family = next((f for f in FAMILIES if f in families), "other")
        counts[family][date[:size]] += 1
    fig = _figure()
    ax = fig.add_subplot()
    periods = sorted({p for c in counts.values() for p in c})
    if not periods:
        ax.text(0.5, 0.5, "no dated statements", ha="center", va="center", transform=ax.transAxes)
    else:
        when = [dt.date(int(p[:4]), int(p[5:7]) if period == "month" else 1, 1) for p in periods]
        width = 25 if period == "month" else 300
        bottom = [0] * len(periods)
        for family in [*FAMILIES, "other"]:
            if family not in counts:
                continue
            heights = [counts[family].get(p, 0) for p in periods]
            label, hue = FAMILIES.get(family, ("other", None))
            ax.bar(when, heights, width=width, bottom=bottom, label=label, align="edge",
                   color=_colour(hue) if hue is not None else "#9a9a9a")
            bottom = [b + h for b, h in zip(bottom, heights)]
        ax.legend(title="relation family", frameon=False, loc="upper left")
        from matplotlib import dates

        locator = dates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
        ax.margins(y=0.1)
    ax.set_ylabel(f"statements per {period}")
    ax.set_title(f"What happened when: statements per {period} by relation family")
    undated = G.number_of_edges() - len(dated)
    ax.set_xlabel(f"date of the event (valid time). {sum(map(sum, (c.values() for c in counts.values())))} "
                  f"statements drawn; {undated} have no event date"
                  + (f" and {coarse} only a year" if coarse else "") + ".", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def centrality(G: nx.MultiDiGraph, top: int = 10, by: str = "pagerank") -> Figure:
    """The `top` actors by `by` (pagerank, degree, betweenness, hub, authority), as bars."""
    if by not in MEASURES:
        raise KGError(f"{by!r} is not a centrality measure", hint=f"by= one of {', '.join(MEASURES)}",
                      cli_hint=f"--by {'|'.join(MEASURES)}")
    scores = MEASURES[by](G)
    actors = {n: s for n, s in scores.items() if K.Actor in G.nodes[n].get("classes", ())} or scores
    ranked = metrics.ranked(actors, top)
    fig = _figure(9, 0.45 * max(len(ranked), 3) + 1.4)
    ax = fig.add_subplot()
    labels = [G.nodes[n].get("label", n) for n, _ in ranked][::-1]
    values = [s for _, s in ranked][::-1]
    bars = ax.barh(labels, values, color="#4e79a7")
    ax.bar_label(bars, labels=[f"{v:.3g}" for v in values], padding=3, fontsize=9)
    ax.set_title(f"The {len(ranked)} most central actors by {by}")
    ax.set_xlabel({"pagerank": "PageRank (what is acted upon, weighted by who acts)",
                   "degree": "statements in which the actor takes part",
                   "betweenness": "betweenness (who brokers between others)",
                   "hub": "HITS hub score (who acts)", "authority": "HITS authority (who is acted upon)"}[by])
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def camps(G: nx.MultiDiGraph, labels: int = 8) -> Figure:
    """The two camps of the largest signed component, side by side: hostile statements red,
    cooperative green, those that break the split dashed; the `labels` busiest of each side named."""
    found = metrics.camps(G)
    fig = _figure(11, 7)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if not found:
        ax.text(0.5, 0.5, "no hostile or cooperative statements", ha="center", va="center")
        return fig
    split = found[0]
    members = split.sides[0] | split.sides[1]
    S = nx.Graph()
    S.add_nodes_from(members)
    signs: dict[tuple, int] = {}
    for u, v, d in G.edges(data=True):
        if u in members and v in members and u != v and d.get("sign"):
            S.add_edge(u, v)
            signs[frozenset((u, v))] = signs.get(frozenset((u, v)), 0) + d["sign"]
    pos = {}
    for side in (0, 1):  # each camp laid out on its own, A on the left, B on the right
        part = S.subgraph(split.sides[side])
        placed = nx.spring_layout(part, seed=7, k=1.5 / max(len(part), 1) ** 0.5) if len(part) > 1 else \
            {n: (0.0, 0.0) for n in part}
        pos.update({n: (x + 2.8 * side, y) for n, (x, y) in placed.items()})
    frustrated = {frozenset((u, v)) for u, v, _, _ in split.frustrated}
    for u, v in S.edges():
        pair = frozenset((u, v))
        sign = signs.get(pair, 0)
        ax.plot(*zip(pos[u], pos[v]), color=HOSTILE if sign < 0 else COOPERATIVE, alpha=0.55, lw=1,
                linestyle="--" if pair in frustrated else "-", zorder=1)
    degree = dict(G.degree(members))
    placed: list[tuple[float, float]] = []
    for side in (0, 1):
        nodes = sorted(split.sides[side], key=str)
        ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=[30 + 12 * degree[n] for n in nodes],
                   color=SIDES[side], edgecolors="white", linewidths=0.8, zorder=2,
                   label=f"camp {'AB'[side]}: {len(nodes)} entities")
        for n in sorted(nodes, key=lambda n: (-degree[n], str(n)))[:labels]:
            # A label near one already drawn goes below its node instead of above.
            near = any(abs(pos[n][0] - x) < 0.6 and abs(pos[n][1] - y) < 0.08 for x, y in placed)
            placed.append(pos[n])
            ax.annotate(G.nodes[n].get("label", n), pos[n], xytext=(4, -12 if near else 4),
                        textcoords="offset points", fontsize=8.5, zorder=3)
    ax.plot([], [], color=HOSTILE, label="hostile")
    ax.plot([], [], color=COOPERATIVE, label="cooperative")
    ax.plot([], [], color="#777777", linestyle="--", label="against the split")
    ax.legend(frameon=False, loc="lower center", ncol=5, bbox_to_anchor=(0.5, -0.06))
    ax.set_title(f"Camps of the signed network: {len(split.frustrated)} of {split.signed_edges} "
                 f"hostile or cooperative statements break the split (dashed)")
    return fig


#: The charts by name: `kg chart NAME`.
CHARTS = {"timeline": timeline, "centrality": centrality, "camps": camps}


def chart(g: Graph, name: str, path: str | os.PathLike | None = None, *, top: int = 10,
          by: str = "pagerank", period: str = "auto", **filters) -> Figure | Path:
    """The chart `name` (timeline, centrality, camps) of `g` (filtered as for to_networkx):
    a matplotlib Figure, or, given `path` ending in .png or .svg, written there (its path)."""
    if name not in CHARTS:
        import difflib

        close = difflib.get_close_matches(name, list(CHARTS), n=1)
        raise KGError(f"no chart called {name!r}", hint=(f"did you mean {close[0]!r}? " if close else "")
                      + f"the charts: {', '.join(CHARTS)}")
    G = to_networkx(g, **filters)
    fig = {"timeline": lambda: timeline(G, period), "centrality": lambda: centrality(G, top, by),
           "camps": lambda: camps(G)}[name]()
    if path is None:
        return fig
    return save(fig, path)


def save(fig: Figure, path: str | os.PathLike) -> Path:
    """Write `fig` to `path` (.png or .svg), making its folder."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise KGError(f"cannot tell the image type of {path}", hint="end the file name in .png or .svg")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format=path.suffix[1:].lower(), facecolor="white")
    except OSError as exc:
        raise KGError(f"cannot write {path}: {exc.strerror or exc}", hint="choose another file",
                      cli_hint="choose another file with -o", exit_code=EXIT_ENVIRONMENT) from None
    return path
