"""HTML views of the graph: vis-network pages that work offline and show article text as text.

Each page draws one networkx graph of :func:`kg.network.to_networkx`: node colour by type,
edge colour by relation (hue by family), node size by PageRank, tooltips with the verbatim
quote and its source. The page is written from our own template: vis-network's script and
stylesheet (shipped inside pyvis) are copied beside the pages, so nothing is fetched from a
CDN, and the data travel as JSON with ``<``, ``>`` and ``&`` escaped, turned into DOM text.

>>> import kg
>>> views = kg.load().view(out="out/views")          # the index and every view
>>> views.index.name
'index.html'
"""

from __future__ import annotations

import colorsys
import dataclasses
import functools
import heapq
import html
import json
import re
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable

import jinja2
import networkx as nx
from markupsafe import Markup

from ..network import metrics
from ..errors import EXIT_ENVIRONMENT, KGError
from ..namespace import ENT
from ..network.convert import date_span, to_networkx
from ..validtime import holds, state_span, window

if TYPE_CHECKING:
    from ..query.graph import Graph

ASSETS = Path(__file__).parent / "assets"
#: Above this many entities a view shows only the most central ones, and says so.
LIMIT = 500
#: Names drawn on the canvas: the most central entities of a view; the others show on hover.
LABELS = 30
#: Relation families with a view of their own: (family, file stem, title).
FAMILY_VIEWS = [("legalAction", "lawsuits", "Lawsuits and legal action"),
                ("opposes", "opposition", "Threats and opposition"),
                ("supports", "support", "Support and cooperation"),
                ("policyAction", "policy", "Policies: signed, issued, enacted, implemented"),
                ("affiliation", "affiliation", "Roles and membership"),
                ("communication", "communication", "Statements, claims and reports")]

# Node colours: the first of these classes that a node belongs to (Tableau 10 and kin).
TYPE_COLOURS = {"Person": "#4e79a7", "GovernmentAgency": "#f28e2b", "Court": "#9c755f",
                "Organization": "#edc948", "Jurisdiction": "#59a14f", "Group": "#8cd17d",
                "Policy": "#e15759", "LegalProvision": "#b07aa1", "Lawsuit": "#ff9da7",
                "LegalClaim": "#76b7b2", "FactualClaim": "#bab0ac", "Claim": "#d7b5a6",
                "Event": "#d37295", "Study": "#a0cbe8"}
OTHER_COLOUR = "#c7c7c7"
# Edge colours: a hue per family, a shade per relation; a relation of two families (sued is
# legal action and opposition) takes the first in this order.
FAMILY_HUES = {"legalAction": 280, "policyAction": 28, "opposes": 0, "supports": 125,
               "affiliation": 210, "communication": 185}
COMMUNITY_COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                     "#ff9da7", "#9c755f", "#8cd17d", "#d37295", "#a0cbe8", "#ffbe7d", "#86bcb6"]


def words(name: str) -> str:
    """An ontology name for reading: 'refusedToCooperate' -> 'refused to cooperate'.

    >>> words("GovernmentAgency"), words("holdsRole")
    ('government agency', 'holds role')
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


@dataclass
class Style:
    """What every page of one run shares, so that a colour means the same thing on each."""

    scores: dict[Hashable, float]
    relation_colours: dict[str, str]
    relation_family: dict[str, str | None]
    sources: dict[str, str] = field(default_factory=dict)
    roles: dict[Hashable, list[str]] = field(default_factory=dict)
    ego_pages: dict[Hashable, str] = field(default_factory=dict)


def style(G: nx.MultiDiGraph, sources: dict[str, str] | None = None,
          scores: dict[Hashable, float] | None = None) -> Style:
    """Colours, centrality and roles for the pages drawn from `G` (or subgraphs of it).

    >>> G = nx.MultiDiGraph([("a", "b", {"relation": "sued", "families": ["legalAction", "opposes"]})])
    >>> style(G).relation_family["sued"]
    'legalAction'
    """
    by_family: dict[str | None, Counter] = defaultdict(Counter)
    family_of = {}
    for _, _, d in G.edges(data=True):
        relation = d.get("relation", "")
        lineage = set(d.get("families", ())) | {relation}
        family = next((f for f in FAMILY_HUES if f in lineage), None)
        family_of[relation] = family
        by_family[family][relation] += 1
    colours = {}
    for family, counts in by_family.items():
        # Shades from dark to light, the most used relation darkest.
        ranked = [r for r, _ in metrics.ranked(counts)]
        for i, relation in enumerate(ranked):
            lightness = 0.38 + 0.32 * (i / max(len(ranked) - 1, 1))
            if family is None:
                r, g, b = colorsys.hls_to_rgb(0, lightness, 0)
            else:
                r, g, b = colorsys.hls_to_rgb(FAMILY_HUES[family] / 360, lightness, 0.7)
            colours[relation] = "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))
    return Style(scores=metrics.pagerank(G) if scores is None else scores,
                 relation_colours=colours, relation_family=family_of,
                 sources=dict(sources or {}), roles=roles(G))


def roles(G: nx.MultiDiGraph) -> dict[Hashable, list[str]]:
    """Each person's roles as text, from holdsRole edges: 'Mayor of Springfield (2025-02)'.

    >>> G = nx.MultiDiGraph([("r", "s", {"relation": "holdsRole", "title": "Mayor", "date": "2025"})])
    >>> G.nodes["s"]["label"] = "Springfield"
    >>> roles(G)["r"]
    ['Mayor of Springfield (2025)']
    """
    found: dict[Hashable, list[str]] = defaultdict(list)
    for u, v, d in G.edges(data=True):
        if d.get("relation") != "holdsRole":
            continue
        text = f"{d.get('title') or 'Role'} of {G.nodes[v].get('label', v)}"
        start, end = d.get("start_date"), d.get("end_date")
        when = f"{start or ''}–{end or ''}" if start or end else d.get("date")
        text += f" ({when})" if when else ""
        if text not in found[u]:
            found[u].append(text)
    return dict(found)


def type_colour(classes: Iterable[str]) -> tuple[str, str]:
    """The legend entry and colour of a node with these classes.

    >>> type_colour(["City", "Jurisdiction", "Actor", "Entity"])
    ('Jurisdiction', '#59a14f')
    """
    classes = set(classes)
    for name, colour in TYPE_COLOURS.items():
        if name in classes:
            return name, colour
    return "Other", OTHER_COLOUR


def most_central(G: nx.MultiDiGraph, scores: dict[Hashable, float], limit: int,
                 keep: Iterable[Hashable] = ()) -> tuple[nx.MultiDiGraph, str | None]:
    """The subgraph of the `limit` highest-scoring nodes of `G` (and the `keep` nodes) when
    `G` has more, with a note saying so; else `G` itself and no note.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> H, note = most_central(G, {"a": 1, "b": 3, "c": 2}, 2)
    >>> sorted(H), note
    (['b', 'c'], 'Showing the 2 most central of 3 entities (by PageRank); the other views show the rest.')
    """
    if len(G) <= limit:
        return G, None
    kept = set(keep)
    top = heapq.nlargest(limit - len(kept), (n for n in G if n not in kept),
                         key=lambda n: (scores.get(n, 0.0), str(n)))
    return (G.subgraph(kept.union(top)),
            f"Showing the {limit} most central of {len(G)} entities (by PageRank); "
            f"the other views show the rest.")


def ego(G: nx.MultiDiGraph, node: Hashable, depth: int = 1) -> nx.MultiDiGraph:
    """`node` and everything within `depth` links of it (either direction), with their edges.

    >>> sorted(ego(nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")]), "a", 2))
    ['a', 'b', 'c']
    """
    reached = nx.single_source_shortest_path_length(nx.to_undirected(G), node, cutoff=depth)
    return G.subgraph(reached)


def periods(G: nx.MultiDiGraph) -> tuple[list[str], dict[tuple, int], dict[tuple, int]]:
    """The years (months, when the edges span two years or less) in which edges begin to hold,
    and for each edge (u, v, key) the first and the last period it belongs to: the graph as of
    period ``i`` is the edges with ``since <= i <= until`` -- the same edges as
    ``to_networkx(as_of=periods[i])``, decided by `kg.validtime.holds`. An act stays once it
    has happened; a state leaves when its valid time ends; an edge in no period is in neither.

    >>> G = nx.MultiDiGraph([("a", "b", "s1", {"date": "2016-12-01"}), ("b", "c", "s2", {"published": "2025"}),
    ...                      ("c", "a", "s3", {"kind": "state", "date": "2018-03"})])
    >>> periods(G)
    (['2016', '2018', '2025'], {('a', 'b', 's1'): 0, ('b', 'c', 's2'): 2, ('c', 'a', 's3'): 1}, {('c', 'a', 's3'): 1})
    """
    begins = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        if d.get("kind") == "state":
            span = state_span(d.get("date"), d.get("start_date"), d.get("end_date"))
            first = span[0] if span else None
        elif d.get("date"):
            first = date_span(d["date"])[0]
        else:  # known to have happened by the end of its attestation
            first = date_span(d["published"])[1] if d.get("published") else None
        if first:
            begins[u, v, k] = first
    years = {first[:4] for first in begins.values()}
    width = 4 if len(years) > 2 else 7
    found = sorted({first[:width] for first in begins.values()})
    windows = [window(as_of=p) for p in found]
    since, until = {}, {}
    for u, v, k, d in G.edges(keys=True, data=True):
        inside = [i for i, w in enumerate(windows) if holds(d, w)] if (u, v, k) in begins else []
        if inside:
            since[u, v, k] = inside[0]
            if d.get("kind") == "state" and inside[-1] < len(found) - 1:
                until[u, v, k] = inside[-1]
    return found, since, until


def options(nodes: int, edges: int) -> dict[str, Any]:
    """vis-network options through pyvis: a force layout that stabilises, then stops.

    >>> options(10, 12)["physics"]["solver"]
    'forceAtlas2Based'
    """
    from pyvis.network import Network

    net = Network(directed=True)
    # Short springs and some pull to the centre: a compact layout, drawn large enough to read.
    net.force_atlas_2based(gravity=-40, central_gravity=0.03, spring_length=70,
                           spring_strength=0.05, damping=0.6, overlap=0.3)
    net.set_edge_smooth("continuous")
    net.toggle_stabilization(True)
    opts = json.loads(net.options.to_json())
    big = edges > 2000
    opts["physics"]["stabilization"].update(iterations=400 if big else 1000, updateInterval=50, fit=True)
    opts["physics"]["minVelocity"] = 1.0
    opts["edges"].update(color={"inherit": False}, width=1.3, hoverWidth=0.6, selectionWidth=1.5,
                         arrows={"to": {"enabled": True, "scaleFactor": 0.45}},
                         smooth={"enabled": not big, "type": "continuous"})
    opts["nodes"] = {"shape": "dot", "font": {"size": 13, "face": "system-ui, sans-serif"},
                     "scaling": {"min": 7, "max": 36, "label": {"enabled": True, "min": 12, "max": 22,
                                                                "drawThreshold": 5}}}
    opts["interaction"].update(hover=True, tooltipDelay=120, hideEdgesOnDrag=big,
                               hideEdgesOnZoom=big, navigationButtons=False)
    # A fixed seed gives the same layout each time; the slow "improved" layout only for small graphs.
    opts["layout"] = {"randomSeed": 7, "improvedLayout": nodes <= 150}
    return opts


def _short(text: str, width: int = 38) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _curves(G: nx.MultiDiGraph) -> dict[tuple, list | None]:
    """Parallel edges between two entities bend apart, each its own way, so all stay visible."""
    by_pair: dict[frozenset, list] = defaultdict(list)
    for edge in G.edges(keys=True):
        by_pair[frozenset(edge[:2])].append(edge)
    curves: dict[tuple, list | None] = {}
    for edges in by_pair.values():
        if len(edges) == 1:
            curves[edges[0]] = None  # the page's default smooth curve
            continue
        # The first straight, then alternately to either side, further out each time; a bend
        # is clockwise along the edge's own direction, so reversed edges bend the other way.
        for i, edge in enumerate(edges):
            clockwise = bool(i % 2) == (edge[:2] == edges[0][:2])
            curves[edge] = ["curvedCW" if clockwise else "curvedCCW", 0.3 * ((i + 1) // 2)]
    return curves


def page_data(G: nx.MultiDiGraph, look: Style, *, focus: Hashable | None = None,
              colours: dict[Hashable, str] | None = None, since: dict[tuple, int] | None = None,
              until: dict[tuple, int] | None = None, link_ego: bool = True) -> dict[str, Any]:
    """The nodes and edges of one page as plain JSON-ready data, in one pass over `G`."""
    label = lambda n: G.nodes[n].get("label", str(n))  # noqa: E731
    named = set(heapq.nlargest(LABELS, G, key=lambda n: (look.scores.get(n, 0.0), str(n))))
    nodes = []
    for n, d in G.nodes(data=True):
        name = d.get("label", str(n))
        score = look.scores.get(n, 0.0)
        nodes.append({
            "id": n, "name": name, "short": _short(name) if n in named or n == focus else None,
            "type": words(d.get("type", "entity")).capitalize(),
            "roles": look.roles.get(n, []), "aliases": d.get("aliases", []),
            "description": d.get("description"), "wikidata": d.get("wikidata"),
            "score": f"{score:.4f}", "value": score, "focus": n == focus,
            "color": (colours or {}).get(n) or type_colour(d.get("classes", [d.get("type", "")]))[1],
            "ego": look.ego_pages.get(n) if link_ego else None})
    curves = _curves(G)
    edges = []
    for u, v, k, d in G.edges(keys=True, data=True):
        relation = d.get("relation", "relatedTo")
        document = d.get("document")
        source = look.sources.get(document, document)
        when = d.get("published")
        edges.append({
            # Statement ids are unique; the keys of another multigraph may repeat across pairs.
            "id": d.get("statement", f"{u}→{v}#{k}"), "from": u, "to": v, "relation": words(relation),
            "ends": f"{label(u)} → {label(v)}", "date": d.get("date"), "quote": d.get("quote"),
            "source": f"{source} ({when})" if source and when else source,
            "confidence": d.get("confidence"), "statement": d.get("statement", k),
            "color": look.relation_colours.get(relation, OTHER_COLOUR), "curve": curves[u, v, k],
            "since": None if since is None else since.get((u, v, k)),
            "until": None if until is None else until.get((u, v, k))})
    return {"nodes": nodes, "edges": edges, "options": options(len(nodes), len(edges))}


def _legends(G: nx.MultiDiGraph, look: Style, groups: list[tuple[str, str, int]] | None):
    if groups is not None:
        node_legend = [{"name": name, "colour": colour, "count": count} for name, colour, count in groups]
    else:
        counts = Counter(type_colour(d.get("classes", [d.get("type", "")])) for _, d in G.nodes(data=True))
        order = {name: i for i, name in enumerate([*TYPE_COLOURS, "Other"])}
        node_legend = [{"name": words(name).capitalize(), "colour": colour, "count": count}
                       for (name, colour), count in sorted(counts.items(), key=lambda kv: order[kv[0][0]])]
    per_relation = Counter(d.get("relation", "relatedTo") for _, _, d in G.edges(data=True))
    edge_legend = []
    for family in [*FAMILY_HUES, None]:
        members = [{"name": words(r), "colour": look.relation_colours.get(r, OTHER_COLOUR), "count": c}
                   for r, c in metrics.ranked(per_relation) if look.relation_family.get(r) == family]
        if members:
            edge_legend.append({"name": words(family).capitalize() if family else "Other", "relations": members})
    return node_legend, edge_legend


def _distinct_colours(G: nx.MultiDiGraph, look: Style) -> Style:
    """Shades of one hue tell families apart; on a page of one family, relations get hues."""
    used = Counter(d.get("relation", "relatedTo") for _, _, d in G.edges(data=True))
    if len({look.relation_family.get(r) for r in used}) != 1 or len(used) > len(COMMUNITY_COLOURS):
        return look
    colours = {r: COMMUNITY_COLOURS[i] for i, (r, _) in enumerate(metrics.ranked(used))}
    return dataclasses.replace(look, relation_colours={**look.relation_colours, **colours})


@functools.lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _vis_dir() -> Path:
    return Path(str(resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"))


def _inline_assets() -> dict[str, str]:
    """Scripts and styles to put inside a page; none may close its own tag early."""
    found = {"vis_js": (_vis_dir() / "vis-network.min.js").read_text(encoding="utf-8"),
             "vis_css": (_vis_dir() / "vis-network.css").read_text(encoding="utf-8"),
             "js": (ASSETS / "view.js").read_text(encoding="utf-8"),
             "css": (ASSETS / "view.css").read_text(encoding="utf-8")}
    for name, text in found.items():
        if re.search(r"</(script|style)", text, re.I):
            raise KGError(f"asset {name} cannot be inlined", hint="write the views to a folder instead")
    return {name: Markup(text) for name, text in found.items()}


def render(G: nx.MultiDiGraph, *, title: str, look: Style | None = None, summary: str | None = None,
           note: str | None = None, focus: Hashable | None = None,
           groups: list[tuple[str, set[Hashable]]] | None = None, timeline: bool = False,
           limit: int | None = LIMIT, inline: bool = False, lib: str = "lib",
           index: str | None = "index.html") -> str:
    """One view of `G` as an HTML page.

    Above `limit` entities, the page shows the most central ones and says so. With `groups`
    (name, members), nodes are coloured by group instead of type; with `timeline`, a
    slider shows the graph as of each year (or month). `inline` puts vis-network inside the
    page (for notebooks); otherwise the page loads it from the folder `lib` beside it.

    >>> page = render(nx.MultiDiGraph([("a", "b", {"relation": "sued", "quote": "<b>x</b>"})]), title="t")
    >>> "<b>x</b>" in page, "\\\\u003cb\\\\u003ex" in page
    (False, True)
    """
    look = _distinct_colours(G, look or style(G))
    if limit is not None:
        G, cut = most_central(G, look.scores, limit, [focus] if focus is not None else ())
        note = " ".join(filter(None, (note, cut))) or None
    colours, legend = None, None
    if groups is not None:
        colours, legend = {}, []
        for name, members in groups:
            inside = [n for n in members if n in G]
            if len(inside) < 2:
                continue
            colour = COMMUNITY_COLOURS[len(legend) % len(COMMUNITY_COLOURS)]
            colours.update(dict.fromkeys(inside, colour))
            lead = [_short(G.nodes[n].get("label", str(n)), 30) for n, _ in
                    metrics.ranked({n: look.scores.get(n, 0.0) for n in inside}, 3)]
            legend.append((f"{name}: {'; '.join(lead)}", colour, len(inside)))
        rest = [n for n in G if n not in colours]
        colours.update(dict.fromkeys(rest, OTHER_COLOUR))
        if rest:
            legend.append(("In none of these", OTHER_COLOUR, len(rest)))
    steps, since, until = periods(G) if timeline else ([], None, None)
    data = page_data(G, look, focus=focus, colours=colours, since=since, until=until, link_ego=not inline)
    data["periods"] = steps  # view.js reads the slider's periods from the page data
    node_legend, edge_legend = _legends(G, look, legend)
    documents = {d.get("document") for _, _, d in G.edges(data=True)} - {None}
    summary = summary or (f"{len(G)} entities, {G.number_of_edges()} statements "
                          f"from {len(documents)} source{'s' if len(documents) != 1 else ''}.")
    return _templates().get_template("view.html").render(
        title=title, summary=summary, note=note, data=data, periods=steps,
        colour_title="Groups" if groups is not None else "Entity types",
        node_legend=node_legend, edge_legend=edge_legend, lib=lib, index=index,
        inline=_inline_assets() if inline else None)


def write(path: str | Path, text: str) -> Path:
    """Write a page as UTF-8 whatever the platform's encoding."""
    path = Path(path)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def copy_assets(folder: Path) -> Path:
    """vis-network (from pyvis's package) and our script and style, into `folder`/lib."""
    lib = folder / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    for source in (_vis_dir() / "vis-network.min.js", _vis_dir() / "vis-network.css",
                   ASSETS / "view.js", ASSETS / "view.css"):
        shutil.copyfile(source, lib / source.name)
    return lib


@dataclass
class Page:
    file: str
    title: str
    nodes: int
    edges: int
    note: str = ""


@dataclass
class Views:
    """The views written by :func:`write_views`; shows the main one inline in a notebook."""

    folder: Path
    pages: list[Page]
    main: str
    _inline: Callable[[], str] = field(repr=False, default=lambda: "")

    @property
    def index(self) -> Path:
        return self.folder / "index.html"

    @property
    def paths(self) -> list[Path]:
        return [self.folder / p.file for p in self.pages]

    def __fspath__(self) -> str:
        return str(self.index)

    def _repr_html_(self) -> str:
        # The page runs in a sandboxed frame: its scripts cannot reach the notebook.
        return (f'<iframe srcdoc="{html.escape(self._inline(), quote=True)}" '
                f'sandbox="allow-scripts allow-popups" style="box-sizing: border-box; width: 100%; '
                f'height: 640px; border: 1px solid #ddd"></iframe>')


def _safe_stem(node: Hashable) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(node))


def write_views(g: Graph, out: str | Path, *, focus: str | None = None, depth: int = 1,
                top: int = 5, limit: int = LIMIT) -> Views:
    """Write the index and every view of `g` into the folder `out` (the API of ``kg viz``).

    The views: the whole graph (its `limit` most central entities when larger); the
    neighbourhood within `depth` links of `focus` (a label, alias or id) and of the `top` most
    central actors; one view per relation family and one of legal claims; communities; and a
    timeline.
    """
    folder = Path(out)
    focus_id = g.resolve(focus).removeprefix(str(ENT)) if focus else None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        copy_assets(folder)
    except OSError as exc:
        raise KGError(f"cannot write views to {folder}: {exc.strerror or exc}",
                      hint="choose another folder with --out", exit_code=EXIT_ENVIRONMENT) from exc

    G = to_networkx(g)
    sources = {r["source"]: r["title"] for r in g.query("stats-sources")}
    look = style(G, sources)
    actors = [n for n, _ in metrics.ranked(look.scores) if "Actor" in G.nodes[n].get("classes", ())]
    egos = ([focus_id] if focus_id else []) + [n for n in actors[:top] if n != focus_id]
    look.ego_pages = {n: f"ego-{_safe_stem(n)}.html" for n in egos}

    sections: dict[str, list[Page]] = defaultdict(list)
    inline: dict[str, Callable[[], str]] = {}

    def emit(section: str, file: str, title: str, H: nx.MultiDiGraph, note: str | None = None,
             **kwargs) -> None:
        shown, cut = most_central(H, look.scores, limit, [kwargs["focus"]] if "focus" in kwargs else ())
        note = " ".join(filter(None, (note, cut))) or None
        write(folder / file, render(shown, title=title, look=look, note=note, limit=None, **kwargs))
        inline[file] = functools.partial(render, shown, title=title, look=look, note=note, limit=None,
                                         inline=True, index=None, **kwargs)
        sections[section].append(Page(file, title, len(shown), shown.number_of_edges(), note or ""))

    emit("The whole graph", "graph.html", "The whole graph", G)
    for n in egos:
        label = G.nodes[n].get("label", n)
        emit("Neighbourhoods", look.ego_pages[n], f"Around {label} ({depth} link{'s' if depth > 1 else ''})",
             ego(G, n, depth), focus=n)
    for family, stem, title in FAMILY_VIEWS:
        emit("Relation families", f"family-{stem}.html", title, to_networkx(g, families={family}))
    claims = [n for n, d in G.nodes(data=True) if "LegalClaim" in d.get("classes", ())]
    claim_edges = [(u, v, k) for n in claims for u, v, k in
                   (*G.in_edges(n, keys=True), *G.out_edges(n, keys=True))]
    emit("Relation families", "family-claims.html", "Legal claims: who asserts them, what they "
         "challenge, which provisions they invoke", G.edge_subgraph(claim_edges))
    found = metrics.communities(G)
    emit("Camps and communities", "communities.html", "Communities (Louvain)", G,
         groups=[(f"Community {i + 1}", c) for i, c in enumerate(found)])
    split = metrics.camps(G)
    if split:
        emit("Camps and communities", "camps.html",
             "Camps: the two sides of the signed network (hostile vs cooperative)", G,
             groups=[("Camp A", split[0].sides[0]), ("Camp B", split[0].sides[1])],
             note=f"Hostile statements run between the camps and cooperative ones within them, "
                  f"except {len(split[0].frustrated)} of the {split[0].signed_edges} signed statements.")
    emit("Timeline", "timeline.html", "The graph over time", G, timeline=True)

    _write_index(folder, G, sections)
    main = look.ego_pages[focus_id] if focus_id else "graph.html"
    pages = [p for section in sections.values() for p in section]
    return Views(folder=folder, pages=pages, main=main, _inline=inline[main])


def _write_index(folder: Path, G: nx.MultiDiGraph, sections: dict[str, list[Page]]) -> None:
    documents = {d.get("document") for _, _, d in G.edges(data=True)} - {None}
    text = _templates().get_template("index.html").render(
        title="Views of the graph", lib="lib",
        summary=f"{len(G)} entities and {G.number_of_edges()} statements from {len(documents)} sources. "
                f"Each view opens offline; hover over an entity or a line for its details and quote.",
        sections=[{"name": name, "pages": pages} for name, pages in sections.items()])
    write(folder / "index.html", text)
