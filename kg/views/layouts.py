"""Where each entity of a view is drawn: deterministic layouts computed here and shipped with
the page, so a page draws its first frame at once (no physics in the browser) and the same data
always give the same picture.

- :func:`force` for the whole graph and the family views: a seeded force layout (numpy
  Fruchterman-Reingold) that starts from communities placed apart, so camps stay apart;
- :func:`rings` for a focus view: the focus at the centre, its neighbours on a ring grouped by
  relation family, what lies two links away on an outer ring beside the neighbour that reaches it;
- :func:`case_map` for lawsuits: one band per case, read left to right (plaintiffs, the case,
  defendants, the courts that ruled), its claims beneath and the provisions they invoke under them;
- :func:`timeline` for time: entities along one axis by their first date.

Each takes plain lists (node ids, edges as ``(u, v)`` pairs with attributes) and returns
``{node: (x, y)}`` in canvas units, about as wide as a laptop screen's drawing area.

>>> pos = force(["a", "b", "c"], [("a", "b"), ("b", "c")], {"a": 8, "b": 12, "c": 8})
>>> pos == force(["a", "b", "c"], [("a", "b"), ("b", "c")], {"a": 8, "b": 12, "c": 8})
True
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence

import numpy as np

Node = Hashable
Pos = dict[Node, tuple[float, float]]
#: The drawing area a layout fills, in canvas units: the canvas of a 1280x800 laptop window
#: beside the side panel, so the page opens at a zoom near 1 and type keeps its size.
WIDTH, HEIGHT = 940.0, 660.0
#: Above this many entities the force layout's n x n arrays get too large; larger views are
#: laid out as a sunflower by community and centrality instead (linear time).
DENSE_LIMIT = 1500
SEED = 7


def force(nodes: Sequence[Node], pairs: Iterable[tuple[Node, Node]], sizes: dict[Node, float],
          groups: dict[Node, int] | None = None, seed: int = SEED, iterations: int | None = None) -> Pos:
    """A seeded force layout of `nodes`, linked by `pairs` (parallel pairs pull harder),
    fitted to the drawing area with no two dots overlapping.

    `groups` (a community number per node) sets the starting places: each group starts in its
    own sector, so the layout keeps communities apart.
    """
    nodes = list(nodes)
    n = len(nodes)
    # Small views get more steps; large ones settle in fewer, each step costing n x n.
    iterations = iterations or (100 if n <= 250 else 45)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    weight: dict[tuple[int, int], int] = defaultdict(int)
    for u, v in pairs:
        i, j = index.get(u), index.get(v)
        if i is not None and j is not None and i != j:
            weight[min(i, j), max(i, j)] += 1
    radius = np.array([sizes.get(node, 8.0) for node in nodes], dtype=float)
    rng = np.random.default_rng(seed)
    if n > DENSE_LIMIT:
        return _fit(nodes, _sunflower(nodes, groups), radius)
    # Each connected piece is laid out on its own, then the pieces are packed side by side:
    # small pieces neither drift off nor squeeze the main one.
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in weight:
        parent[root(i)] = root(j)
    pieces: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        pieces[root(i)].append(i)
    start = _start(nodes, groups, rng)
    placed = []
    for members in sorted(pieces.values(), key=lambda m: (-len(m), m[0])):
        local = {i: a for a, i in enumerate(members)}
        links = [(local[i], local[j], c) for (i, j), c in weight.items() if i in local]
        piece = _spring(start[members], links, radius[members], iterations)
        placed.append((members, piece))
    return _fit(nodes, _pack(placed, radius, n), radius, scale=False)


def _spring(pos: np.ndarray, links: list[tuple[int, int, int]], radius: np.ndarray,
            iterations: int) -> np.ndarray:
    """Fruchterman-Reingold on one connected piece, hubs pushing harder (as ForceAtlas2's
    degree-weighted repulsion), so a hub's many neighbours spread round it; in units where the
    piece spans about sqrt(its size). Each step is a few n x n array operations."""
    m = len(pos)
    if m == 1:
        return np.zeros((1, 2))
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    ij = np.array([(i, j) for i, j, _ in links], dtype=int).reshape(-1, 2)
    w = np.log1p(np.array([c for _, _, c in links], dtype=float))
    mass = 1.0 + np.bincount(ij.ravel(), minlength=m) ** 0.5 if len(ij) else np.ones(m)
    k2mm = (1.0 / m) * np.outer(mass, mass)  # k squared times both masses
    np.fill_diagonal(k2mm, 0.0)
    k = 1.0 / math.sqrt(m)
    step = 0.1
    cool = step / (iterations + 1)
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        push = k2mm / np.maximum(dx * dx + dy * dy, 1e-6)
        fx = (dx * push).sum(axis=1)
        fy = (dy * push).sum(axis=1)
        if len(ij):
            ex, ey = x[ij[:, 0]] - x[ij[:, 1]], y[ij[:, 0]] - y[ij[:, 1]]
            pull = np.hypot(ex, ey) / k * w
            fx += np.bincount(ij[:, 1], ex * pull, m) - np.bincount(ij[:, 0], ex * pull, m)
            fy += np.bincount(ij[:, 1], ey * pull, m) - np.bincount(ij[:, 0], ey * pull, m)
        fx -= (x - x.mean()) * 0.05 * mass
        fy -= (y - y.mean()) * 0.05 * mass
        length = np.maximum(np.hypot(fx, fy), 1e-9)
        scale = np.minimum(length, step) / length
        x += fx * scale
        y += fy * scale
        step -= cool
    pos = np.stack([x - x.mean(), y - y.mean()], axis=1)
    # A force layout packs the hubs' neighbourhoods tight and flings chains far out; moving each
    # node along its own direction to the radius its rank of distance would have in an evenly
    # filled disc keeps every angle and order but evens the density out, so names find room.
    r = np.hypot(pos[:, 0], pos[:, 1])
    even = np.empty(m)
    even[np.argsort(r, kind="stable")] = np.sqrt((np.arange(m) + 0.5) / m)
    r_max = max(float(r.max()), 1e-9)
    target = 0.25 * r / r_max + 0.75 * even
    pos *= (target / np.maximum(r, 1e-9))[:, None]
    span = max(float(np.abs(pos).max()), 1e-9)
    return pos / span * math.sqrt(m)


def _pack(placed: list[tuple[list[int], np.ndarray]], radius: np.ndarray, n: int) -> np.ndarray:
    """The largest piece fills most of the drawing area; the small ones (largest first) sit in
    rows in a column at its right, so the eye goes to the main story. In canvas units."""
    pos = np.zeros((n, 2))
    main, piece = placed[0]
    rest = placed[1:]
    side = 0.0 if not rest else min(0.3, 0.08 + 0.5 * sum(len(m) for m, _ in rest) / n)
    width = WIDTH * (1 - side)
    pos[main] = _scaled(piece, width, HEIGHT) + np.array([-WIDTH / 2 + width / 2, 0.0])
    if rest:
        # Rows in the column, each piece in a cell sized by its number of members.
        left, right = WIDTH / 2 - WIDTH * side + 20, WIDTH / 2
        x, y, row = left, -HEIGHT / 2, 0.0
        for members, p in rest:
            cell = 34 * math.sqrt(len(members)) + 30
            if x > left and x + cell > right:
                x, y, row = left, y + row, 0.0
            pos[members] = _scaled(p, cell - 30, cell - 30) + np.array([x + cell / 2, y + cell / 2])
            x += cell
            row = max(row, cell)
    return pos


def _scaled(piece: np.ndarray, width: float, height: float) -> np.ndarray:
    piece = piece - piece.mean(axis=0)
    span = np.maximum(np.abs(piece).max(axis=0), 1e-9)
    return piece / span * np.array([width / 2, height / 2])


def _start(nodes: list[Node], groups: dict[Node, int] | None, rng: np.random.Generator) -> np.ndarray:
    n = len(nodes)
    pos = rng.random((n, 2))
    if not groups:
        return pos
    count = max(groups.values(), default=0) + 1
    for i, node in enumerate(nodes):
        g = groups.get(node)
        if g is None:
            continue
        angle = 2 * math.pi * g / count
        pos[i] = (0.5 + 0.35 * math.cos(angle) + 0.15 * (pos[i, 0] - 0.5),
                  0.5 + 0.35 * math.sin(angle) + 0.15 * (pos[i, 1] - 0.5))
    return pos


def _sunflower(nodes: list[Node], groups: dict[Node, int] | None) -> np.ndarray:
    """Nodes on a golden-angle spiral in the order given (most central first by the caller),
    grouped by community so each community is one arc of the spiral."""
    order = sorted(range(len(nodes)), key=lambda i: ((groups or {}).get(nodes[i], 0), i))
    pos = np.zeros((len(nodes), 2))
    golden = math.pi * (3 - math.sqrt(5))
    for rank, i in enumerate(order):
        r = math.sqrt(rank + 0.5)
        pos[i] = (r * math.cos(rank * golden), r * math.sin(rank * golden))
    return pos


def _fit(nodes: list[Node], pos: np.ndarray, radius: np.ndarray, width: float = WIDTH,
         height: float = HEIGHT, gap: float = 6.0, scale: bool = True) -> Pos:
    """Scale `pos` into width x height (centred on 0, 0) unless told not to, then push apart
    dots that overlap."""
    if scale:
        pos = _scaled(pos, width, height)
    n = len(nodes)
    if 1 < n <= DENSE_LIMIT:
        x, y = pos[:, 0].copy(), pos[:, 1].copy()
        need = radius[:, None] + radius[None, :] + gap
        np.fill_diagonal(need, 0.0)
        for _ in range(20):
            dx = x[:, None] - x[None, :]
            dy = y[:, None] - y[None, :]
            dist = np.maximum(np.sqrt(dx * dx + dy * dy), 1e-6)
            push = np.maximum(need - dist, 0.0) / 2 / dist
            if not push.any():
                break
            x += (dx * push).sum(axis=1)
            y += (dy * push).sum(axis=1)
        pos = np.stack([x, y], axis=1)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in zip(nodes, pos)}


def rings(focus: Node, first: Sequence[tuple[Node, str]], second: Sequence[tuple[Node, Node]],
          sizes: dict[Node, float], aspect: float = 1.2) -> Pos:
    """The focus at the centre; `first` (neighbour, family) on a ring (an ellipse, wider than
    high like the screen), each family one arc in the order given; `second` (node, the neighbour
    it is reached through) on an outer ring, beside that neighbour.

    >>> pos = rings("f", [("a", "opposes"), ("b", "opposes"), ("c", "supports")], [("d", "a")], {})
    >>> ring = {round(math.hypot(x / 1.2, y)) for x, y in (pos["a"], pos["b"], pos["c"])}
    >>> pos["f"], len(ring)
    ((0.0, 0.0), 1)
    """
    pos: Pos = {focus: (0.0, 0.0)}
    if not first:
        return pos
    # Arcs per family, with an empty slot between families so the groups read apart.
    slots: list[Node | None] = []
    last = None
    for node, family in first:
        if last is not None and family != last:
            slots.append(None)
        slots.append(node)
        last = family
    if len(set(f for _, f in first)) > 1:
        slots.append(None)
    count = len(slots)
    # Room for each dot and a label beside it: the ring grows with its members.
    spacing = 2 * max((sizes.get(n, 8.0) for n, _ in first), default=8.0) + 34
    inner = max(HEIGHT * 0.42, spacing * count / (2 * math.pi))
    angle_of = {}
    for i, node in enumerate(slots):
        if node is None:
            continue
        angle = -math.pi / 2 + 2 * math.pi * i / count
        angle_of[node] = angle
        pos[node] = (round(inner * math.cos(angle) * aspect, 1), round(inner * math.sin(angle), 1))
    if second:
        by_parent: dict[Node, list[Node]] = defaultdict(list)
        for node, parent in second:
            by_parent[parent].append(node)
        outer_count = len(second)
        outer = max(inner * 1.9, spacing * 0.8 * outer_count / (2 * math.pi))
        # Keep the parents' order around the circle, each child near its parent's angle.
        order = [node for parent in sorted(by_parent, key=lambda p: angle_of.get(p, 0.0))
                 for node in by_parent[parent]]
        start = angle_of.get(second[0][1], -math.pi / 2) if order else 0.0
        start = min(angle_of.get(p, 0.0) for p in by_parent) if by_parent else start
        for i, node in enumerate(order):
            angle = start + 2 * math.pi * i / len(order)
            pos[node] = (round(outer * math.cos(angle) * aspect, 1), round(outer * math.sin(angle), 1))
    return pos


#: Columns of a case map, left to right, in canvas units.
CASE_COLUMNS = {"plaintiff": 0.0, "case": 265.0, "defendant": 530.0, "court": 795.0}


def case_map(cases: Sequence[Node], roles: dict[Node, list[tuple[Node, str]]],
             heights: dict[Node, float], others: Sequence[Node] = ()) -> tuple[Pos, list[tuple[str, float]]]:
    """One band per case in the order given (newest first), top to bottom: its plaintiffs left, the
    case in the middle with its claims beneath and the provisions they invoke beneath those,
    its defendants and what the claims challenge right, the courts that ruled on it far right.

    `roles[case]` lists (node, role) with role one of plaintiff, defendant, court, claim,
    provision, target; a node of several cases goes in the band of the case it has most ties
    to (the earliest of those), so fewer lines run between bands. `heights` is each
    node's drawn height (its wrapped label); `others` (legal action outside any case) go in a
    last band, in columns by whether they act or are acted on. Returns the positions and the
    captions of the rows that run across the columns (text, y of the row's top): the claims and
    provisions span every column, so they are named where they start, not left under the heads
    of the parties' columns.

    >>> pos, captions = case_map(["L"], {"L": [("p", "plaintiff"), ("d", "defendant"), ("c", "claim")]}, {})
    >>> pos["p"][0] < pos["L"][0] < pos["d"][0], pos["c"][1] > pos["L"][1], captions
    (True, True, [('Claims made in it', 76.0)])
    """
    pos: Pos = {}
    captions: list[tuple[str, float]] = []
    top = 0.0
    gap = 18.0
    caption = 34.0  # room above a row of claims or provisions for its caption

    def grid(nodes: list[Node], text: str, y: float) -> float:
        if not nodes:
            return y
        captions.append((text, round(y, 1)))
        return _grid(pos, nodes, heights, y + caption)

    def stack(column: list[Node], x: float, y: float) -> float:
        for node in column:
            h = heights.get(node, 40.0)
            pos[node] = (x, round(y + h / 2, 1))
            y += h + gap
        return y

    ties: dict[Node, dict[Node, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        for node, _ in roles.get(case, ()):
            ties[node][case] += 1
    rank = {case: i for i, case in enumerate(cases)}
    home = {node: max(by_case, key=lambda c: (by_case[c], -rank[c])) for node, by_case in ties.items()}
    for case in cases:
        columns: dict[str, list[Node]] = defaultdict(list)
        for node, role in roles.get(case, ()):
            if node not in pos and node != case and home.get(node) == case and node not in columns[role]:
                columns[role].append(node)
        ends = [stack(columns["plaintiff"], CASE_COLUMNS["plaintiff"], top),
                stack([case], CASE_COLUMNS["case"], top),
                stack(columns["defendant"] + columns["target"], CASE_COLUMNS["defendant"], top),
                stack(columns["court"], CASE_COLUMNS["court"], top)]
        # The claims in rows across the band, beneath its parties; the provisions they invoke
        # in rows beneath them.
        bottom = grid(columns["claim"], "Claims made in it", max(ends) + gap)
        bottom = grid(columns["provision"], "Provisions the claims invoke", bottom)
        top = bottom + gap * 3
    grid([n for n in others if n not in pos], "Other legal action", top)
    return pos, captions


def _grid(pos: Pos, nodes: list[Node], heights: dict[Node, float], top: float,
          gap: float = 18.0) -> float:
    """Place `nodes` in rows across the case map's columns, from `top`; return the bottom."""
    xs = list(CASE_COLUMNS.values())
    y = top
    for row in range(0, len(nodes), len(xs)):
        members = nodes[row:row + len(xs)]
        h = max(heights.get(n, 40.0) for n in members)
        for x, node in zip(xs, members):
            pos[node] = (x, round(y + h / 2, 1))
        y += h + gap
    return y if nodes else top


#: A run of this many years or more without a date is drawn as a break in the time axis.
GAP_YEARS = 2
#: The width of such a break, in canvas units.
BREAK = 70.0
MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _years(date: str) -> float:
    """A date as a number of years (2017-07-01 -> about 2017.5), by the middle of its span."""
    parts = [int(p) for p in date.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return year + 0.5
    month = min(max(parts[1], 1), 12)
    day = (min(parts[2], 28) - 1) / 28 if len(parts) > 2 else 0.5
    return year + (month - 1 + day) / 12


def timeline(nodes: Sequence[Node], first_date: dict[Node, str | None], lanes: dict[Node, int],
             rows: int = 14, row_height: float = 42.0, spacing: float = 30.0):
    """Entities along a time axis in proportion to real time, each at its first date: a year is
    as wide everywhere (as wide as the most crowded year needs), and a run of GAP_YEARS empty
    years or more is cut out and drawn as a break. Entities of one time share rows, kind by kind
    (`lanes`); undated entities go after a last break. Returns the positions, the ticks (text, x,
    whether it is a year) and the breaks (x where each starts and ends).

    >>> pos, ticks, breaks = timeline(["a", "b", "c"], {"a": "2017-01-25", "b": "2018-02"}, {})
    >>> pos["a"][0] < pos["b"][0] < pos["c"][0], [t[0] for t in ticks if t[2]], len(breaks)
    (True, ['2017', '2018', '2019', 'no date'], 1)
    """
    dated = sorted((n for n in nodes if first_date.get(n)), key=lambda n: (first_date[n], lanes.get(n, 0), str(n)))
    undated = [n for n in nodes if not first_date.get(n)]
    per_year: dict[int, int] = defaultdict(int)
    per_month: dict[str, int] = defaultdict(int)
    for n in dated:
        per_year[int(first_date[n][:4])] += 1
        per_month[first_date[n][:7]] += 1
    # A year as wide as its most crowded month needs, twelve times over.
    year_width = max(150.0, 12 * max((math.ceil(c / rows) * spacing for c in per_month.values()), default=0))
    years = sorted(per_year)
    # Segments of years with no long gap inside; each maps a year to x.
    segments: list[list[int]] = []
    for y in years:
        if segments and y - segments[-1][1] <= GAP_YEARS:
            segments[-1][1] = y
        else:
            segments.append([y, y])
    offsets, breaks, ticks = [], [], []
    x = 0.0
    for i, (lo, hi) in enumerate(segments):
        if i:
            breaks.append((round(x, 1), round(x + BREAK, 1)))
            x += BREAK
        offsets.append(x - lo * year_width)
        for y in range(lo, hi + 2):
            ticks.append((str(y), round(x + (y - lo) * year_width, 1), True))
            if y <= hi and per_year.get(y, 0) > rows:  # a crowded year is marked by month too
                ticks.extend((f"{MONTH_NAMES[m]} {y}", round(x + (y - lo + m / 12) * year_width, 1), False)
                             for m in (3, 6, 9))
        x += (hi + 1 - lo) * year_width
    ticks = [t for t in ticks if not (t[2] and any(t[1] == b[0] for b in breaks))]

    def at(date: str) -> float:
        y = int(date[:4])
        k = next(i for i, (lo, hi) in enumerate(segments) if lo <= y <= hi)
        return offsets[k] + _years(date) * year_width

    pos: Pos = {}
    ends = [-math.inf] * rows
    for n in dated:
        target = at(first_date[n])
        row = min(range(rows), key=lambda r: (max(0.0, ends[r] + spacing - target), r))
        px = max(target, ends[row] + spacing)
        ends[row] = px
        pos[n] = (round(px, 1), round(row * row_height, 1))
    if undated:
        breaks.append((round(x, 1), round(x + BREAK, 1)))
        x += BREAK
        ticks.append(("no date", round(x, 1), True))
        for i, n in enumerate(undated):
            pos[n] = (round(x + spacing / 2 + (i // rows) * spacing * 3, 1), round((i % rows) * row_height, 1))
    return pos, ticks, breaks
