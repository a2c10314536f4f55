"""HTML views of the graph (``kg viz``): vis-network pages that open offline, draw at once and
show article text as text.

The graph is read once (one :func:`kg.network.to_networkx`); each view is a :class:`Part` of
it (node ids and statement edges) cut in one pass, laid out here (kg.views.layouts: a force
layout, rings round a focus, a case map, a time axis), its names chosen and placed so none
overlaps (kg.views.labels), and written with its data as JSON (``<``, ``>`` and ``&`` escaped,
turned into DOM text by the page's script). vis-network's script and stylesheet (shipped in
kg/views/assets) are copied beside the pages, so nothing is fetched from a CDN.

>>> import kg
>>> views = kg.load().view(out="out/views")          # the index and every view
>>> views.index.name
'index.html'
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import html
import json
import math
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import networkx as nx
from markupsafe import Markup

from ..errors import EXIT_ENVIRONMENT, KGError
from ..namespace import ENT, K
from ..network import metrics
from ..network.convert import to_networkx
from ..validtime import date_span, readings
from . import labels, layouts, texts

if TYPE_CHECKING:
    from ..query.graph import Graph

ASSETS = Path(__file__).parent / "assets"
#: Above this many entities a view shows only the most central ones, and says so.
LIMIT = 500
#: A view shows at most this many statements per entity it shows (the strongest links first).
STATEMENTS_PER_ENTITY = 4
#: Up to this many entities, every entity gets a focus view of its own (linked from its panel).
FOCUS_ALL = 300
#: A focus view of fewer entities than this is not written (the entity's panel says as much).
MIN_FOCUS = 5
#: Relation families with a view of their own: (family, file stem, title, what it answers).
FAMILY_VIEWS = [
    (K.legalAction, "lawsuits", "Lawsuits and legal action",
     "Who sued whom, in which case, claiming what under which provision, and how courts ruled."),
    (K.opposes, "opposition", "Threats and opposition",
     "Who threatened, targeted, criticised or defied whom."),
    (K.supports, "support", "Support and cooperation", "Who backed, praised or cooperated with whom."),
    (K.policyAction, "policy", "Policies: signed, issued, enacted, implemented",
     "Who made or carried out which policy."),
    (K.affiliation, K.affiliation, "Roles and membership", "Who holds which office, who belongs where."),
    (K.communication, K.communication, "Statements, claims and reports", "Who said or reported what.")]

# Node colours: the first of these classes that a node belongs to (Tableau 10 and kin).
TYPE_COLOURS = {K.Person: "#4e79a7", K.GovernmentAgency: "#f28e2b", K.Court: "#9c755f",
                K.Organization: "#edc948", K.Jurisdiction: "#59a14f", K.Group: "#8cd17d",
                K.Policy: "#e15759", K.LegalProvision: "#b07aa1", K.Lawsuit: "#ff9da7",
                K.LegalClaim: "#76b7b2", K.FactualClaim: "#bab0ac", K.Claim: "#d7b5a6",
                K.Event: "#d37295", K.Study: "#a0cbe8"}
OTHER_COLOUR = "#c7c7c7"
# Edge colours: one colour per family (a relation of two families, sued is legal action and
# opposition, takes the first in this order); within a family, relations differ by line style.
FAMILY_COLOURS = {K.legalAction: "#7b3294", K.policyAction: "#d95f02", K.opposes: "#d7191c",
                  K.supports: "#1a9641", K.affiliation: "#2c7bb6", K.communication: "#5e9ea0"}
FAMILY_NAMES = {K.legalAction: "Legal action", K.policyAction: "Policy action", K.opposes: "Opposition",
                K.supports: "Support", K.affiliation: "Affiliation", K.communication: "Communication",
                None: "Other"}
# Line styles within a family, the most used relation solid (vis-network dash arrays).
DASHES = [False, [10, 5], [2, 4], [12, 4, 2, 4], [5, 5], [1, 3], [16, 6]]
COMMUNITY_COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                     "#ff9da7", "#9c755f", "#8cd17d", "#d37295", "#a0cbe8", "#ffbe7d", "#86bcb6"]
# Lanes of the timeline, top to bottom: by the legend group of the entity.
LANES = [K.Person, K.GovernmentAgency, K.Court, K.Organization, K.Group, K.Jurisdiction, K.Policy,
         K.LegalProvision, K.Lawsuit, K.LegalClaim, K.Event, K.FactualClaim, K.Claim, K.Study, "Other"]


def words(name: str) -> str:
    """An ontology name for reading: 'refusedToCooperate' -> 'refused to cooperate'.

    >>> words("GovernmentAgency"), words("holdsRole")
    ('government agency', 'holds role')
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


def valid_time(d: dict[str, Any]) -> tuple[str, str] | None:
    """When a statement may have held, as (first day, last day) ISO strings, for the date slider:
    an act over the days its date may mean, a state (a role, a membership, a case's status) from
    the first day its start may fall on to the last its end may (kg.validtime.readings); None
    when the source gives no time (the date it was reported is not when it held).

    The one place the views read valid time from the export's attributes; `certain_time` gives
    the other bound of the same decision.

    >>> valid_time({"date": "2017-01"}), valid_time({"kind": "state", "start_date": "2025-01-20"})
    (('2017-01-01', '2017-01-31'), ('2025-01-20', '2025-01-20'))
    """
    found = _readings(d)
    return None if found is None else (found[0], found[3])


def certain_time(d: dict[str, Any]) -> tuple[str, str] | None:
    """What a window must hold for a statement to be certainly in it (kg.validtime.standing): for
    an act, every day its date may mean (a window holding both days holds the act); for a state,
    the last day its start may fall on and the first its end may (a window reaching the first and
    starting by the second meets every reading). None when the source gives no time.

    >>> certain_time({"date": "2017-01"}), certain_time({"kind": "state", "start_date": "2025", "date": "2025-02"})
    (('2017-01-01', '2017-01-31'), ('2025-02-31', '2025-02-01'))
    """
    found = _readings(d)
    return None if found is None else (found[1], found[2])


def _is_state(d: dict[str, Any]) -> bool:
    return d.get("kind") == "state" or bool(d.get("start_date") or d.get("end_date"))


def _readings(d: dict[str, Any]) -> tuple[str, str, str, str] | None:
    return _span(_is_state(d), d.get("date"), d.get("start_date"), d.get("end_date"), d.get("latest_end"))


@functools.lru_cache(maxsize=65536)  # a graph has far fewer distinct dates than statements
def _span(state: bool, date: str | None, start: str | None, end: str | None,
          latest_end: str | None) -> tuple[str, str, str, str] | None:
    """(first, certain from, certain to, last): an act's are its date's first and last days twice."""
    if state:
        found = readings(date, start, end, latest_end)
        return None if found is None else tuple(found)
    if not date:
        return None
    first, last = date_span(date)
    return first, first, last, last


def _certain_cells(d: dict[str, Any]) -> dict[str, Any]:
    certain = certain_time(d)
    return {"c0": certain[0] if certain else None, "c1": certain[1] if certain else None, "act": not _is_state(d)}


@dataclass
class Style:
    """What every page of one run shares, so that a colour means the same thing on each."""

    scores: dict[Hashable, float]
    relation_colours: dict[str, str]
    relation_family: dict[str, str | None]
    sources: dict[str, str] = field(default_factory=dict)
    outlets: dict[str, str] = field(default_factory=dict)
    source_pages: dict[str, str] = field(default_factory=dict)
    roles: dict[Hashable, list[str]] = field(default_factory=dict)
    ego_pages: dict[Hashable, str] = field(default_factory=dict)
    relation_dashes: dict[str, Any] = field(default_factory=dict)
    published: dict[str, str] = field(default_factory=dict)


def family_of(d: dict[str, Any]) -> str | None:
    """The family a statement is drawn in: the first of FAMILY_COLOURS its relation belongs to."""
    lineage = set(d.get("families", ())) | {d.get("relation", "")}
    return next((f for f in FAMILY_COLOURS if f in lineage), None)


def style(G: nx.MultiDiGraph, sources: dict[str, str] | None = None,
          scores: dict[Hashable, float] | None = None) -> Style:
    """Colours, line styles, centrality and roles for the pages drawn from `G` (or parts of it).

    >>> G = nx.MultiDiGraph([("a", "b", {"relation": "sued", "families": ["legalAction", "opposes"]})])
    >>> style(G).relation_family["sued"]
    'legalAction'
    """
    by_family: dict[str | None, Counter] = defaultdict(Counter)
    family = {}
    published = {}
    for _, _, d in G.edges(data=True):
        relation = d.get("relation", "")
        if relation not in family:
            family[relation] = family_of(d)
        by_family[family[relation]][relation] += 1
        if d.get("document") and d.get("published"):
            published[d["document"]] = d["published"]
    colours, dashes = {}, {}
    for fam, counts in by_family.items():
        for i, (relation, _) in enumerate(metrics.ranked(counts)):
            colours[relation] = FAMILY_COLOURS.get(fam, "#888888")
            dashes[relation] = DASHES[i % len(DASHES)]
    return Style(scores=metrics.pagerank(G) if scores is None else scores,
                 relation_colours=colours, relation_family=family, sources=dict(sources or {}),
                 roles=roles(G), relation_dashes=dashes, published=published)


def roles(G: nx.MultiDiGraph) -> dict[Hashable, list[str]]:
    """Each person's roles as text, from holdsRole edges: 'Mayor of Springfield (2025-02)'.

    >>> G = nx.MultiDiGraph([("r", "s", {"relation": "holdsRole", "title": "Mayor", "date": "2025"})])
    >>> G.nodes["s"]["label"] = "Springfield"
    >>> roles(G)["r"]
    ['Mayor of Springfield (2025)']
    """
    found: dict[Hashable, list[str]] = defaultdict(list)
    for u, v, d in G.edges(data=True):
        if d.get("relation") != K.holdsRole:
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


# --- parts of the graph, cut in one pass each -------------------------------------------------

Edge = tuple[Hashable, Hashable, Hashable, dict]


@dataclass
class Part:
    """One view's share of the graph: its node ids (in order) and its statements."""

    nodes: list[Hashable]
    edges: list[Edge]
    note: str | None = None

    @classmethod
    def of(cls, G: nx.MultiDiGraph) -> Part:
        # From the adjacency dicts directly: networkx's edge views cost a call per edge.
        return cls(list(G), [(u, v, k, d) for u, nbrs in G._succ.items() for v, keyed in nbrs.items()
                             for k, d in keyed.items()])

    @classmethod
    def from_edges(cls, edges: list[Edge], keep: Iterable[Hashable] = ()) -> Part:
        """The edges and the nodes they touch (and `keep`), in order of first appearance."""
        seen = dict.fromkeys(keep)
        for u, v, _, _ in edges:
            seen.setdefault(u)
            seen.setdefault(v)
        return cls(list(seen), edges)


def ego(G: nx.MultiDiGraph, node: Hashable, depth: int = 1, limit: int | None = None,
        scores: dict[Hashable, float] | None = None) -> Part:
    """`node` and everything within `depth` links of it (either direction), with their edges;
    with `limit`, only `node` and the `limit` - 1 highest-scoring of the others, and at most
    STATEMENTS_PER_ENTITY times `limit` statements (see :func:`bound`). Linear in the size of
    the neighbourhood.

    >>> sorted(ego(nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")]), "a", 2).nodes)
    ['a', 'b', 'c']
    """
    succ, pred = G._succ, G._pred  # plain dicts: no views built per step
    reached = {node: 0}
    frontier = [node]
    for level in range(1, depth + 1):
        nxt = []
        for n in frontier:
            for m in (*succ[n], *pred[n]):
                if m not in reached:
                    reached[m] = level
                    nxt.append(m)
        frontier = nxt
    note = None
    if limit is not None and len(reached) > limit:
        scores = scores or {}
        top = heapq.nlargest(limit - 1, (n for n in reached if n != node),
                             key=lambda n: (scores.get(n, 0.0), str(n)))
        note = len(reached)
        reached = {n: reached[n] for n in [node, *top]}
    edges = [(u, v, k, d) for u in reached for v, keyed in succ[u].items() if v in reached
             for k, d in keyed.items()]
    part = Part(list(reached), edges)
    if note is not None:
        part = bound(part, scores or {}, limit, [node])
        rest = (part.note or "").removeprefix(f"Showing all {len(part.nodes)} entities")
        part.note = (f"Showing the {len(part.nodes)} most central of the {note} entities within "
                     f"{depth} link{'s' if depth > 1 else ''}" + (rest or "; the other views show the rest."))
    return part


def bound(part: Part, scores: dict[Hashable, float], limit: int | None,
          keep: Iterable[Hashable] = ()) -> Part:
    """At most `limit` entities (the most central, and `keep`) and STATEMENTS_PER_ENTITY times
    as many statements among them: one per linked pair first (pairs with a `keep` node, then
    the strongest), then a second per pair, and so on. Says what it left out in the part's note.

    >>> p = bound(Part(["a", "b", "c"], [("a", "b", 1, {}), ("b", "c", 2, {})]), {"a": 1, "b": 3, "c": 2}, 2)
    >>> p.nodes, len(p.edges), p.note
    (['b', 'c'], 1, 'Showing the 2 most central of 3 entities (by PageRank); the other views show the rest.')
    """
    most = None if limit is None else STATEMENTS_PER_ENTITY * limit
    if limit is None or (len(part.nodes) <= limit and len(part.edges) <= most):
        return part
    if len(part.nodes) <= limit:
        nodes, inside = part.nodes, part.edges
        note = f"Showing all {len(nodes)} entities"
    else:
        members = set(part.nodes)
        kept = [n for n in keep if n in members]
        skip = set(kept)
        top = heapq.nlargest(limit - len(kept), (n for n in part.nodes if n not in skip),
                             key=lambda n: (scores.get(n, 0.0), str(n)))
        chosen = set(kept).union(top)
        nodes = [n for n in part.nodes if n in chosen]
        inside = [e for e in part.edges if e[0] in chosen and e[1] in chosen]
        note = f"Showing the {len(nodes)} most central of {len(part.nodes)} entities (by PageRank)"
    if len(inside) > most:
        by_pair: dict[frozenset, list[Edge]] = defaultdict(list)
        for e in inside:
            by_pair[frozenset(e[:2])].append(e)
        score = scores.get
        first = set(keep)  # a focus keeps its own statements before those among the others
        strength = {pair: (not first & pair, -(score(e[0][0], 0.0) + score(e[0][1], 0.0)))
                    for pair, e in by_pair.items()}
        order = sorted(by_pair, key=lambda pair: (strength[pair], str(by_pair[pair][0][2])))
        pairs = [by_pair[pair] for pair in order]
        picked: list[Edge] = []
        depth = 0
        while len(picked) < most:
            layer = [es[depth] for es in pairs if len(es) > depth]
            if not layer:
                break
            picked.extend(layer[:most - len(picked)])
            depth += 1
        note += f" and {len(picked)} of the {len(inside)} statements among them (one per linked pair first)"
        inside = picked
    return Part(nodes, inside, note + "; the other views show the rest.")


# --- one page's data ----------------------------------------------------------------------------

def _curves(edges: list[Edge]) -> dict[int, list | None]:
    """Parallel edges between two entities bend apart, each its own way, so all stay visible."""
    by_pair: dict[frozenset, list[int]] = defaultdict(list)
    for i, e in enumerate(edges):
        by_pair[frozenset(e[:2])].append(i)
    curves: dict[int, list | None] = {}
    for members in by_pair.values():
        if len(members) == 1:
            curves[members[0]] = None
            continue
        first = edges[members[0]][:2]
        for j, i in enumerate(members):
            clockwise = bool(j % 2) == (edges[i][:2] == first)
            curves[i] = ["curvedCW" if clockwise else "curvedCCW", 0.25 * ((j + 1) // 2)]
    return curves


def _size(score: float, top: float) -> float:
    return round(5 + 15 * math.sqrt(score / top), 1) if top > 0 else 7.0


def _case_roles(G: nx.MultiDiGraph, part: Part) -> tuple[list, dict, list]:
    """The cases of a legal-action part, newest first, each with its parties, claims, provisions,
    targets and courts, for :func:`kg.views.layouts.case_map`."""
    nodes = G.nodes
    cases = [n for n in part.nodes if K.Lawsuit in nodes[n].get("classes", ())]
    when: dict[Hashable, str] = {}
    roles: dict[Hashable, list] = defaultdict(list)
    claim_case: dict[Hashable, Hashable] = {}
    role_of = {K.plaintiffIn: "plaintiff", K.leads: "plaintiff", K.defendantIn: "defendant",
               K.assertedIn: "claim", K.ruledOn: "court"}
    for u, v, _, d in part.edges:
        role = role_of.get(d.get("relation"))
        if role and v in cases:
            roles[v].append((u, role))
            if role == "claim":
                claim_case.setdefault(u, v)
            span = valid_time(d)
            if span and span[0] > "0000" and (v not in when or span[0] < when[v]):
                when[v] = span[0]
    for u, v, _, d in part.edges:
        case = claim_case.get(u)
        if case is not None and d.get("relation") in (K.invokes, K.cited):
            roles[case].append((v, "provision"))
        elif case is not None and d.get("relation") == K.challenges:
            roles[case].append((v, "target"))
    # The newest case first, as a story leads with the news; undated cases last.
    cases.sort(key=lambda c: (c not in when, "".join(chr(0x10FFFF - ord(ch)) for ch in when.get(c, "")), str(c)))
    _case_roles.filed = when  # read by page_data for each case's card
    return cases, roles, [n for n in part.nodes if n not in cases]


def case_details(G: nx.MultiDiGraph, case: Hashable, filed: str | None) -> list[str]:
    """What a case's box says under its name: when it was filed (by the earliest date its
    parties' statements give) and its status as the sources last state it.

    >>> G = nx.MultiDiGraph(); G.add_node("L", status=[{"value": "pending", "date": "2025-02"}])
    >>> case_details(G, "L", "2025-02-07")
    ['filed 7 Feb 2025', 'STATUS: PENDING (Feb 2025)']
    """
    out = []
    if filed:
        parts = filed.split("-")
        day = f"{int(parts[2])} " if len(parts) > 2 and not filed.endswith("-01-01") else ""
        out.append(f"filed {day}{when_text(filed)}".replace("filed  ", "filed "))
    states = [s for s in G.nodes[case].get("status", []) or [] if isinstance(s, dict) and s.get("value")]
    if states:
        last = max(states, key=lambda s: str(s.get("date") or ""))
        date = f" ({when_text(last.get('date'))})" if last.get("date") else ""
        out.append(f"STATUS: {str(last['value']).upper()}{date}")
    else:
        out.append("status not reported")
    return out


def page_data(G: nx.MultiDiGraph, part: Part, look: Style, *, kind: str = "force",
              focus: Hashable | None = None, colours: dict[Hashable, str] | None = None,
              groups: dict[Hashable, int] | None = None, link_ego: bool = True,
              cache: dict | None = None, aspect: float = 1.2) -> dict[str, Any]:
    """The nodes (with their positions) and statements of one page as JSON-ready data; linear in
    the size of the part (the layouts aside: the force layout is quadratic up to
    :data:`kg.views.layouts.DENSE_LIMIT` entities)."""
    attrs = G.nodes
    scores = look.scores
    top = max((scores.get(n, 0.0) for n in part.nodes), default=0.0)
    sizes = {n: _size(scores.get(n, 0.0), top) for n in part.nodes}
    if focus is not None and focus in sizes:
        sizes[focus] = 24.0
    names = {n: attrs[n].get("label", str(n)) for n in part.nodes}
    order = labels.ranked(part.nodes, scores, focus)
    wrapped = {n: labels.wrap(names[n]) for n in part.nodes}
    pairs = [(u, v) for u, v, _, _ in part.edges]
    ticks: list = []
    arcs: list = []
    captions: list = []
    breaks: list = []
    sides: list = []
    cards: list = []
    details: dict = {}
    shape = "dot"
    if kind == "focus" and focus is not None:
        pos, arcs = _focus_layout(G, part, focus, scores, sizes, aspect)
    elif kind == "cases":
        shape = "box"
        cases, case_roles, others = _case_roles(G, part)
        heights = {n: _box_height(names[n]) + (2 * labels.FONT * 1.25 if n in cases else 0) for n in part.nodes}
        pos, captions = layouts.case_map(cases, case_roles, heights,
                                         [n for n in labels.ranked(others, scores)])
        colours, sides, cards = _case_sides(cases, case_roles, part, pos, heights)
        details = {c: case_details(G, c, _case_roles.filed.get(c)) for c in cases}
    elif kind == "timeline":
        pos, ticks, breaks = _timeline_layout(G, part, order)
    elif cache is not None and (id(part), kind) in cache:
        pos = cache[id(part), kind]
    else:
        pos = layouts.force(order, pairs, sizes, groups)
        if cache is not None:
            cache[id(part), kind] = pos
    must = must_name(part, G, order, kind, focus)
    if shape == "dot" and kind != "focus":
        pos = labels.make_room(pos, sizes, wrapped, must, font=labels.FONT / 0.8)  # at the opening zoom
    drawn = ({} if shape == "box" else labels.place(pos, sizes, wrapped, order, must=must))
    rank = {n: i for i, n in enumerate(order)}
    nodes = []
    for n in part.nodes:
        d = attrs[n]
        group, colour = type_colour(d.get("classes", [d.get("type", "")]))
        x, y = pos.get(n, (0.0, 0.0))
        nodes.append({
            "id": n, "name": names[n], "lines": wrapped[n], "label": drawn.get(n), "rank": rank[n],
            "must": n in must, "x": x, "y": y, "size": sizes[n],
            "type": words(d.get("type", "entity")).capitalize(), "group": group,
            "aliases": d.get("aliases", []), "description": d.get("description"), "wikidata": d.get("wikidata"),
            "focus": n == focus, "color": (colours or {}).get(n) or colour, "detail": details.get(n),
            "ego": look.ego_pages.get(n) if link_ego else None})
    curves = _curves(part.edges) if len(part.edges) <= 3000 else {}
    card = _card_of(pos, cards)
    sources: dict[str, int] = {}
    edges = []
    for i, (u, v, k, d) in enumerate(part.edges):
        relation = d.get("relation", K.relatedTo)
        document = d.get("document")
        if document is not None and document not in sources:
            sources[document] = len(sources)
        span = valid_time(d)
        when = d.get("date")
        if d.get("start_date") or d.get("end_date"):
            when = f"{d.get('start_date') or '…'} – {d.get('end_date') or '…'}"
        edges.append({
            # Statement ids are unique; the keys of another multigraph may repeat across pairs.
            "id": d.get("statement", f"{u}→{v}#{k}"), "from": u, "to": v, "relation": words(relation),
            "text": line_text(d), "title": d.get("title"),
            "family": look.relation_family.get(relation) or "other",
            "date": when, "t0": span[0] if span else None, "t1": span[1] if span else None,
            # What a date range must hold for the statement to be in it certainly, not possibly.
            **_certain_cells(d),
            "reported": None if span else (d.get("published") or "")[:4] or None,
            # Lines a reader asks for: in a focus view those between two neighbours, in a case map
            # those from one case's card to another's.
            "between": (kind == "focus" and focus is not None and focus not in (u, v))
            or (kind == "cases" and card.get(u) != card.get(v)),
            "quote": d.get("quote"), "doc": sources.get(document), "statement": d.get("statement", k),
            "confidence": d.get("confidence"), "role": relation == K.holdsRole,
            # A case map says its relations in words: its lines are all one grey.
            "color": CASE_LINE if kind == "cases" else look.relation_colours.get(relation, "#888888"),
            "dashes": False if kind == "cases" else look.relation_dashes.get(relation, False),
            "curve": curves.get(i)})
    source_list = [{"id": s, "title": look.sources.get(s, s), "published": look.published.get(s),
                    "outlet": look.outlets.get(s), "page": look.source_pages.get(s)} for s in sources]
    heads = {"plaintiff": "Plaintiffs", "case": "Case", "defendant": "Defendants, targets",
             "court": "Courts that ruled"}
    columns = [[heads[role], x] for role, x in layouts.CASE_COLUMNS.items()] if kind == "cases" else []
    families = _family_legend(part, look)
    if kind == "cases":  # grey lines, told apart by their words
        for f in families:
            f["colour"] = CASE_LINE
            for r in f["relations"]:
                r["colour"], r["dashes"] = CASE_LINE, False
    return {"kind": kind, "shape": shape, "focus": focus, "nodes": nodes, "edges": edges, "columns": columns,
            "arcs": arcs, "captions": captions, "breaks": breaks, "lineFont": labels.LINE_FONT,
            "sides": sides, "cards": cards, "betweenLabel": "lines between cases" if kind == "cases" else None,
            "lineLabels": "all" if kind in ("focus", "cases") else "selected",
            "sources": source_list, "ticks": ticks, "font": labels.FONT,
            "families": families, "types": _type_legend(G, part, colours, groups)}


#: A case map's colours: one per side, and grey lines that say their relation.
SIDE_COLOURS = {"plaintiff": ("Plaintiffs", "#2c7bb6"), "case": ("Cases", "#555555"),
                "defendant": ("Defendants and what is challenged", "#d7191c"), "target": None,
                "court": ("Courts", "#9c755f"), "claim": ("Claims", "#1a9641"),
                "provision": ("Provisions invoked", "#b07aa1")}
CASE_LINE = "#7a7a7a"


def _case_sides(cases: list, case_roles: dict, part: Part, pos: dict, heights: dict):
    """The colour of each box of a case map by its side (plaintiffs, defendants, ...), the
    legend of those sides, and each case's card (its band of the map: case, top, bottom)."""
    side: dict[Hashable, str] = {}
    for case in cases:
        side.setdefault(case, "case")
        for node, role in case_roles.get(case, ()):
            side.setdefault(node, "defendant" if role == "target" else role)
    colours = {n: SIDE_COLOURS[side[n]][1] for n in part.nodes if n in side}
    counts = Counter(side[n] for n in part.nodes if n in side)
    legend = [{"name": SIDE_COLOURS[r][0], "colour": SIDE_COLOURS[r][1], "count": counts[r]}
              for r in SIDE_COLOURS if SIDE_COLOURS[r] and counts[r]]
    tops = [pos[c][1] - heights.get(c, 40.0) / 2 - 40 for c in cases if c in pos]
    bottom = max((y + heights.get(n, 40.0) / 2 for n, (_, y) in pos.items()), default=0.0) + 20
    cards = [[str(c), round(t, 1), round((tops[i + 1] - 14) if i + 1 < len(tops) else bottom, 1)]
             for i, (c, t) in enumerate(zip(cases, tops))]
    return colours, legend, cards


def _card_of(pos: dict, cards: list) -> dict:
    """The index of the case card (its band of the map) each entity sits in."""
    out = {}
    for n, (_, y) in pos.items():
        for i, (_, top, bottom) in enumerate(cards):
            if top <= y <= bottom:
                out[n] = i
                break
    return out


def _box_height(name: str) -> float:
    """The drawn height of a name wrapped in a case-map box (at most 200 units wide)."""
    lines = max(1, math.ceil(len(name) * labels.CHAR * labels.FONT / 165))
    return lines * labels.FONT * 1.25 + 14


MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def when_text(date: str | None) -> str:
    """A date as a line label says it: 'Feb 2025', '2017'.

    >>> when_text("2025-02-14"), when_text("2017"), when_text(None)
    ('Feb 2025', '2017', '')
    """
    if not date:
        return ""
    parts = str(date).split("-")
    return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}" if len(parts) > 1 and parts[1].isdigit() else parts[0]


def line_text(d: dict[str, Any]) -> str:
    """What a line says: its relation in words and when it held or happened, or, for a fact the
    sources do not date, when it was reported.

    >>> line_text({"relation": "sued", "date": "2025-02-07"})
    'sued · Feb 2025'
    >>> line_text({"relation": "holdsRole", "title": "acting director", "kind": "state", "published": "2018-01"})
    'holds role: acting director · reported 2018'
    """
    relation = d.get("relation", K.relatedTo)
    text = words(relation)
    if relation == K.holdsRole and d.get("title"):
        text = f"holds role: {d['title']}"
    if d.get("judge"):
        text += f" (Judge {d['judge']})" if not str(d["judge"]).lower().startswith("judge") else f" ({d['judge']})"
    start, end = d.get("start_date"), d.get("end_date")
    if start or end:
        when = f"{when_text(start)}–{when_text(end)}" if start != end else when_text(start)
    elif d.get("date"):
        when = when_text(d["date"])
    elif d.get("published"):
        when = f"reported {str(d['published'])[:4]}"
    else:
        when = ""
    return f"{text} · {when}" if when else text


def must_name(part: Part, G: nx.MultiDiGraph, order: list[Hashable], kind: str,
              focus: Hashable | None) -> list[Hashable]:
    """The entities a view always names: the focus and its neighbours in a focus view, the ten
    most central otherwise (the case map names every box)."""
    if kind == "focus" and focus is not None:
        near = {v if u == focus else u for u, v, _, _ in part.edges if focus in (u, v)}
        return [n for n in order if n == focus or n in near]
    return order[:10] if kind != "cases" else []


def _timeline_layout(G: nx.MultiDiGraph, part: Part, order: list[Hashable]):
    first: dict[Hashable, str] = {}
    for u, v, _, d in part.edges:
        span = valid_time(d)
        if span and span[0] > "0000":
            for n in (u, v):
                if n not in first or span[0] < first[n]:
                    first[n] = span[0]
    lane_of = {name: i for i, name in enumerate(LANES)}
    lanes = {n: lane_of[type_colour(G.nodes[n].get("classes", ()))[0]] for n in part.nodes}
    return layouts.timeline(order, first, lanes)


def _focus_layout(G: nx.MultiDiGraph, part: Part, focus: Hashable, scores: dict, sizes: dict,
                  aspect: float = 1.2):
    """Rings round the focus: each neighbour in the family of its strongest tie to the focus."""
    inside = set(part.nodes)
    ties: dict[Hashable, Counter] = defaultdict(Counter)
    for u, v, _, d in part.edges:
        if u == focus and v != focus:
            ties[v][family_of(d)] += 1
        elif v == focus and u != focus:
            ties[u][family_of(d)] += 1
    family_rank = {f: i for i, f in enumerate([*FAMILY_COLOURS, None])}
    first = sorted(((n, c.most_common(1)[0][0]) for n, c in ties.items() if n in inside),
                   key=lambda nf: (family_rank[nf[1]], -scores.get(nf[0], 0.0), str(nf[0])))
    near = {n for n, _ in first}
    parent: dict[Hashable, Hashable] = {}
    for u, v, _, _ in part.edges:
        for a, b in ((u, v), (v, u)):
            if a in near and b not in near and b != focus and b in inside:
                if b not in parent or scores.get(a, 0.0) > scores.get(parent[b], 0.0):
                    parent[b] = a
    second = sorted(parent.items(), key=lambda bp: (-scores.get(bp[0], 0.0), str(bp[0])))
    pos = layouts.rings(focus, first, second, sizes, aspect)
    # Each family's arc of the ring, for the page to name: from its first to its last member.
    arcs = []
    members: dict[str | None, list[float]] = defaultdict(list)
    for n, family in first:
        x, y = pos[n]
        members[family].append(math.atan2(y, x / aspect))
    radius = math.hypot(pos[first[0][0]][0] / aspect, pos[first[0][0]][1]) if first else 0.0
    if len(members) > 1:
        for family, angles in members.items():
            arcs.append({"name": FAMILY_NAMES[family], "colour": FAMILY_COLOURS.get(family, "#888888"),
                         "angles": sorted(angles), "radius": round(radius, 1), "aspect": aspect})
    return pos, arcs


def _family_legend(part: Part, look: Style) -> list[dict[str, Any]]:
    per_relation = Counter(d.get("relation", K.relatedTo) for _, _, _, d in part.edges)
    legend = []
    for family in [*FAMILY_COLOURS, None]:
        members = [{"name": words(r), "count": c, "dashes": look.relation_dashes.get(r, False),
                    "colour": look.relation_colours.get(r, "#888888")}
                   for r, c in metrics.ranked(per_relation) if look.relation_family.get(r) == family]
        if members:
            legend.append({"key": family or "other", "name": FAMILY_NAMES[family],
                           "colour": FAMILY_COLOURS.get(family, "#888888"),
                           "count": sum(m["count"] for m in members), "relations": members})
    return legend


def _type_legend(G: nx.MultiDiGraph, part: Part, colours, groups) -> list[dict[str, Any]]:
    counts = Counter(type_colour(G.nodes[n].get("classes", [G.nodes[n].get("type", "")]))
                     for n in part.nodes)
    order = {name: i for i, name in enumerate([*TYPE_COLOURS, "Other"])}
    return [{"key": name, "name": words(name).capitalize(), "colour": colour, "count": count}
            for (name, colour), count in sorted(counts.items(), key=lambda kv: order[kv[0][0]])]


def _distinct_colours(part: Part, look: Style) -> Style:
    """One colour per family tells families apart; on a page of one family, relations get hues."""
    used = Counter(d.get("relation", K.relatedTo) for _, _, _, d in part.edges)
    if len({look.relation_family.get(r) for r in used}) != 1 or len(used) > len(COMMUNITY_COLOURS):
        return look
    colours = {r: COMMUNITY_COLOURS[i] for i, (r, _) in enumerate(metrics.ranked(used))}
    return dataclasses.replace(look, relation_colours={**look.relation_colours, **colours},
                               relation_dashes={**look.relation_dashes, **dict.fromkeys(colours, False)})


# --- pages --------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _vis_dir() -> Path:
    """vis-network's script and stylesheet, shipped with kg (assets/VENDORED.md)."""
    return ASSETS


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


def _group_colours(part: Part, G: nx.MultiDiGraph, look: Style, groups: list[tuple[str, set]]):
    """Node colours and legend entries for named groups (communities, camps) of a part."""
    inside = set(part.nodes)
    colours: dict[Hashable, str] = {}
    number: dict[Hashable, int] = {}
    legend = []
    for name, members in groups:
        here = [n for n in members if n in inside]
        if len(here) < 2:
            continue
        colour = COMMUNITY_COLOURS[len(legend) % len(COMMUNITY_COLOURS)]
        for n in here:
            colours[n] = colour
            number[n] = len(legend)
        lead = [labels.shorten(G.nodes[n].get("label", str(n)), 30) for n, _ in
                metrics.ranked({n: look.scores.get(n, 0.0) for n in here}, 3)]
        legend.append({"name": f"{name}: {'; '.join(lead)}", "colour": colour, "count": len(here)})
    rest = [n for n in part.nodes if n not in colours]
    colours.update(dict.fromkeys(rest, OTHER_COLOUR))
    if rest:
        legend.append({"name": "In none of these", "colour": OTHER_COLOUR, "count": len(rest)})
    return colours, number, legend


def render_part(G: nx.MultiDiGraph, part: Part, *, title: str, look: Style, kind: str = "force",
                summary: str | None = None, note: str | None = None, focus: Hashable | None = None,
                groups: list[tuple[str, set]] | None = None, clusters: dict[Hashable, int] | None = None,
                inline: bool = False, lib: str = "lib", index: str | None = "index.html",
                cache: dict | None = None, keep: dict | None = None) -> str:
    """One view of a part of `G` as an HTML page (see :func:`render`); `clusters` (a group
    number per node) start the force layout apart, `cache` keeps layouts for pages of one part,
    `keep` receives the page's data (for its thumbnail)."""
    look = _distinct_colours(part, look) if kind != "cases" else look
    colours, number, group_legend = (_group_colours(part, G, look, groups) if groups is not None
                                     else (None, None, None))
    data = page_data(G, part, look, kind=kind, focus=focus, colours=colours,
                     groups=clusters if clusters is not None else number, link_ego=not inline, cache=cache)
    data["groups"] = group_legend or data.get("sides") or None
    if keep is not None:
        keep.update(data)
    documents = {d.get("document") for _, _, _, d in part.edges} - {None}
    summary = summary or (f"{len(part.nodes)} entities, {len(part.edges)} statements "
                          f"from {len(documents)} source{'s' if len(documents) != 1 else ''}.")
    note = " ".join(filter(None, (note, part.note))) or None
    return _templates().get_template("view.html").render(
        title=title, summary=summary, note=note, data=_json(data), lib=lib, index=index,
        inline=_inline_assets() if inline else None, story=None)


def render(G: nx.MultiDiGraph, *, title: str, look: Style | None = None, summary: str | None = None,
           note: str | None = None, focus: Hashable | None = None,
           groups: list[tuple[str, set[Hashable]]] | None = None, timeline: bool = False,
           kind: str | None = None, limit: int | None = LIMIT, inline: bool = False,
           lib: str = "lib", index: str | None = "index.html") -> str:
    """One view of `G` as an HTML page.

    Above `limit` entities, the page shows the most central ones and says so. `kind` picks the
    layout: 'force' (the default), 'focus' (rings round `focus`, the default when one is given),
    'cases' (a case map) or 'timeline' (the default with `timeline`). With `groups` (name,
    members), nodes are coloured by group instead of type. `inline` puts vis-network inside
    the page (for notebooks); otherwise the page loads it from the folder `lib` beside it.

    >>> page = render(nx.MultiDiGraph([("a", "b", {"relation": "sued", "quote": "<b>x</b>"})]), title="t")
    >>> "<b>x</b>" in page, "\\\\u003cb\\\\u003ex" in page
    (False, True)
    """
    look = look or style(G)
    kind = kind or ("timeline" if timeline else "focus" if focus is not None else "force")
    part = bound(Part.of(G), look.scores, limit, [focus] if focus is not None else ())
    return render_part(G, part, title=title, look=look, kind=kind, summary=summary, note=note,
                       focus=focus, groups=groups, inline=inline, lib=lib, index=index)


def _json(data: Any) -> Markup:
    """`data` as JSON safe inside a script element: ``<``, ``>``, ``&`` and ``'`` escaped, as
    Jinja's tojson does, without sorting keys (a large page's data in half the time)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
                  .replace("'", "\\u0027").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def write(path: str | Path, text: str) -> Path:
    """Write a page as UTF-8 whatever the platform's encoding."""
    path = Path(path)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def copy_assets(folder: Path) -> Path:
    """vis-network (shipped in assets/) and our script and style, into `folder`/lib."""
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
    about: str = ""
    thumbnail: str = ""
    person: bool = False
    score: float = 0.0
    name: str = ""
    kind: str = ""


def thumbnail(data: dict, width: int = 150, height: int = 96) -> Markup:
    """A small SVG of a page's opening picture: its dots and the lines drawn at first (no text,
    so nothing from an article is in it)."""
    nodes = {n["id"]: n for n in data.get("nodes", [])}
    if not nodes:
        return Markup("")
    xs = [n["x"] for n in nodes.values()]
    ys = [n["y"] for n in nodes.values()]
    span = max(max(xs) - min(xs), (max(ys) - min(ys)) * width / height, 1.0)
    k = (width - 10) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def at(n):
        return round(width / 2 + (n["x"] - cx) * k, 1), round(height / 2 + (n["y"] - cy) * k, 1)

    parts = [f'<svg class="kg-thumb" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             'aria-hidden="true">']
    for e in data.get("edges", [])[:600]:
        if e.get("between"):
            continue
        (x0, y0), (x1, y1) = at(nodes[e["from"]]), at(nodes[e["to"]])
        parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="{html.escape(e["color"])}" '
                     'stroke-width="0.7" stroke-opacity="0.6"/>')
    for n in sorted(nodes.values(), key=lambda n: -n["rank"])[-400:]:
        x, y = at(n)
        r = max(1.2, min(5.0, n["size"] * k * 0.8))
        parts.append(f'<circle cx="{x}" cy="{y}" r="{r:.1f}" fill="{html.escape(n["color"])}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass
class Views:
    """The views written by :func:`write_views`; shows the main one inline in a notebook.

    `pages` are the views the index lists; `more` the focus views of every other entity, each
    linked from that entity's panel.
    """

    folder: Path
    pages: list[Page]
    main: str
    _inline: Callable[[], str] = field(repr=False, default=lambda: "")
    more: list[Page] = field(default_factory=list)

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
    central actors (and of every entity, on graphs of up to FOCUS_ALL entities); one view per
    relation family (legal action as a case map) and one of legal claims; communities and
    camps; and a timeline. The graph is read once.
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
    stored = list(g.query("view-sources"))
    sources = {r["source"]: r["title"] for r in stored}
    look = style(G, sources)
    look.outlets = {r["source"]: r["outlet"] for r in stored if r.get("outlet")}
    look.source_pages = texts.write_sources(folder, stored, list(g.query("view-spans")))
    everything = Part.of(G)
    actors = [n for n, _ in metrics.ranked(look.scores) if K.Actor in G.nodes[n].get("classes", ())]
    listed = ([focus_id] if focus_id else []) + [n for n in actors[:top] if n != focus_id]
    linked = [n for n in G if n not in set(listed) and G.degree(n)] if len(G) <= FOCUS_ALL else []
    # A focus view of fewer than MIN_FOCUS entities says less than the entity's panel: none is
    # written (but the one asked for with --focus).
    egos = {n: ego(G, n, depth, limit, look.scores) for n in [*listed, *linked]}
    egos = {n: p for n, p in egos.items() if n == focus_id or len(p.nodes) >= MIN_FOCUS}
    listed = [n for n in listed if n in egos]
    linked = [n for n in linked if n in egos]
    look.ego_pages = {n: f"ego-{_safe_stem(n)}.html" for n in egos}

    sections: dict[str, list[Page]] = defaultdict(list)
    inline: dict[str, Callable[[], str]] = {}
    more: list[Page] = []
    cache: dict = {}  # the whole graph's layout, shared by the pages that draw it

    def emit(section: str | None, file: str, title: str, part: Part, about: str,
             note: str | None = None, **kwargs) -> None:
        keep = [kwargs["focus"]] if kwargs.get("focus") is not None else ()
        shown = bound(part, look.scores, limit, keep)
        drawn: dict = {}
        write(folder / file, render_part(G, shown, title=title, look=look, note=note, cache=cache, keep=drawn,
                                         **kwargs))
        inline[file] = functools.partial(render_part, G, shown, title=title, look=look, note=note,
                                         inline=True, index=None, cache=cache, **kwargs)
        page = Page(file, title, len(shown.nodes), len(shown.edges),
                    " ".join(filter(None, (note, shown.note))), about, thumbnail(drawn))
        if kwargs.get("focus") is not None:
            focus_node = G.nodes[kwargs["focus"]]
            page.person = K.Person in focus_node.get("classes", ())
            page.score = look.scores.get(kwargs["focus"], 0.0)
            page.name = focus_node.get("label", str(kwargs["focus"]))
            page.kind = words(focus_node.get("type", "entity")).capitalize()
        (sections[section] if section else more).append(page)

    whole = bound(everything, look.scores, limit)
    # Communities of what the whole-graph page shows, so each is a visible group.
    found = metrics.communities(_simple(whole))
    community = {n: i for i, c in enumerate(found) for n in c}
    emit("The whole graph", "graph.html", "The whole graph", whole,
         "Every actor, policy, law and claim, and how they connect; the most central are named.",
         clusters=community)
    for n in [*listed, *linked]:
        label = G.nodes[n].get("label", n)
        emit("Neighbourhoods" if n in listed else None, look.ego_pages[n],
             f"Around {label} ({depth} link{'s' if depth > 1 else ''})", egos[n],
             f"Everything {label} did or had done to them, grouped by kind of relation.",
             focus=n, kind="focus")
    by_family: dict[str, list[Edge]] = defaultdict(list)
    claim_edges = []
    claims = {n for n, d in G.nodes(data=True) if K.LegalClaim in d.get("classes", ())}
    for e in everything.edges:
        for family in e[3].get("families", ()):
            by_family[family].append(e)
        if e[0] in claims or e[1] in claims:
            claim_edges.append(e)
    for family, stem, title, about in FAMILY_VIEWS:
        emit("Relation families", f"family-{stem}.html", title, Part.from_edges(by_family[family]),
             about, kind="cases" if family == K.legalAction else "force")
    emit("Relation families", "family-claims.html", "Legal claims: who asserts them, what they "
         "challenge, which provisions they invoke", Part.from_edges(claim_edges),
         "Each legal claim with who makes it, what it challenges and the law it rests on.")
    emit("Camps and communities", "communities.html", "Communities (Louvain)", whole,
         "Groups of entities more linked to each other than to the rest.", clusters=community,
         groups=[(f"Community {i + 1}", c) for i, c in enumerate(found)])
    split = metrics.camps(_simple(whole, signed=True, G=G))
    if split:
        emit("Camps and communities", "camps.html",
             "Camps: the two sides of the signed network (hostile vs cooperative)", whole,
             "The two sides that hostile statements run between and cooperative ones within.",
             clusters=community, groups=[("Camp A", split[0].sides[0]), ("Camp B", split[0].sides[1])],
             note=f"Hostile statements run between the camps and cooperative ones within them, "
                  f"except {len(split[0].frustrated)} of the {split[0].signed_edges} signed statements.")
    dated = Part.from_edges([e for e in whole.edges if valid_time(e[3])])
    emit("Timeline", "timeline.html", "The graph over time", dated,
         "Who and what entered the story when, left to right by the first date the sources give.",
         kind="timeline", note=f"Only the {len(dated.edges)} statements the sources date (events by "
                               f"their date, roles by their term), and the entities they link.")

    _write_index(folder, G, sections, more, len(sources))
    main = look.ego_pages[focus_id] if focus_id else "graph.html"
    pages = [p for section in sections.values() for p in section]
    return Views(folder=folder, pages=pages, main=main, _inline=inline[main], more=more)


def _simple(part: Part, signed: bool = False, G: nx.MultiDiGraph | None = None) -> nx.MultiDiGraph:
    """A MultiDiGraph of a part, built directly (no subgraph views) for the metrics."""
    H = nx.MultiDiGraph()
    H.add_nodes_from(part.nodes if G is None else ((n, G.nodes[n]) for n in part.nodes))
    H.add_edges_from((u, v, k, d) for u, v, k, d in part.edges)
    return H


#: Beside the index, what it lists: so that a later write into the same folder (`g.view(top=0)`
#: after `kg viz`) adds its views to the index instead of dropping the others.
MANIFEST = "views.json"


def _with_earlier(folder: Path, sections: dict[str, list[Page]]) -> dict[str, list[Page]]:
    """`sections` and, after them, the views an earlier write listed whose files are still there."""
    try:
        earlier = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return sections
    merged = {name: list(pages) for name, pages in sections.items()}
    written = {p.file for pages in sections.values() for p in pages}
    for name, pages in earlier.items() if isinstance(earlier, dict) else ():
        for entry in pages if isinstance(pages, list) else ():
            try:
                page = Page(**entry)
            except TypeError:
                continue
            # Only a page of this folder (a plain file name) that is still there.
            if page.file not in written and Path(page.file).name == page.file and (folder / page.file).is_file():
                merged.setdefault(name, []).append(page)
                written.add(page.file)
    return merged


def _write_index(folder: Path, G: nx.MultiDiGraph, sections: dict[str, list[Page]], more: list[Page] = (),
                 documents: int | None = None) -> None:
    sections = _with_earlier(folder, sections)
    write(folder / MANIFEST, json.dumps({name: [asdict(p) for p in pages] for name, pages in sections.items()},
                                        ensure_ascii=False, indent=1))
    if documents is None:
        documents = len({d.get("document") for _, _, d in G.edges(data=True)} - {None})
    focus = [p for p in [*sections.get("Neighbourhoods", []), *more] if p.name]
    focus.sort(key=lambda p: (not p.person, -p.score, p.name))  # people first, the most central first
    others = {name: pages for name, pages in sections.items() if name != "Neighbourhoods"}
    text = _templates().get_template("index.html").render(
        title="Views of the graph", lib="lib",
        summary=f"{len(G)} entities and {G.number_of_edges()} statements from {documents} sources. "
                f"Each view opens offline: search for a name, filter by relation, type, source and "
                f"date, and click an entity for its statements and their quotes.",
        focus=focus, min_focus=MIN_FOCUS,
        sections=[{"name": name, "pages": pages} for name, pages in others.items()])
    write(folder / "index.html", text)
