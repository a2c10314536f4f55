"""Which names and line labels a view draws, and where: the most important first, each where
its box meets no other drawn name, no line label and no other entity's dot.

Names are wrapped to at most three lines (never cut); each is tried below its dot, then above,
right, left and at the corners. Line labels ("sued · Feb 2025") run along their line, tried at
its middle and then further along it; a label that finds no free place is not drawn. The page's
script repeats the same greedy choice with the browser's own text measures at the zoom it opens
at (and again as the reader zooms); the static pictures of a story use this module's choice.

>>> place({"a": (0, 0), "b": (5, 0)}, {"a": 8, "b": 8}, {"a": ["Alpha"], "b": ["Beta"]}, ["a", "b"])
{'a': 'below', 'b': 'above'}
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Hashable, Sequence

Node = Hashable
Box = tuple[float, float, float, float]
Corners = list[tuple[float, float]]
#: Type size of names on the canvas, in canvas units (pixels at the opening zoom of about 1).
FONT = 14
#: Type size of line labels.
LINE_FONT = 11
#: A name is wrapped at about this many characters a line.
WIDTH = 22
#: And to at most this many lines; a longer name gets longer lines, never an ellipsis.
LINES = 3
#: The most names a view draws at its opening zoom.
MOST = 60
#: Average advance of a character of the system sans-serif, as a share of the type size.
CHAR = 0.56
#: Height of a line of text, as a share of the type size.
LEADING = 1.15
#: Where a name may go round its dot, in the order tried.
WHERE = ("below", "above", "right", "left", "below-right", "below-left", "above-right", "above-left")
#: Where along a line its label may go (share of the way from its start), in the order tried.
ALONG = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)


def shorten(text: str, width: int = WIDTH) -> str:
    """`text` cut at a word to at most `width` characters, with an ellipsis when cut (for
    legends, never for names on the canvas).

    >>> shorten("U.S. Immigration and Customs Enforcement", 24)
    'U.S. Immigration and…'
    """
    if len(text) <= width:
        return text
    cut = text[:width - 1]
    if " " in cut[width // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def wrap(text: str, width: int = WIDTH, lines: int = LINES) -> list[str]:
    """`text` whole, in at most `lines` lines of about `width` characters (wider when it must be).

    >>> wrap("Trump's sanctuary actions violate the Tenth Amendment")
    ["Trump's sanctuary", 'actions violate the', 'Tenth Amendment']
    >>> wrap("Thomas Homan")
    ['Thomas Homan']
    """
    text = " ".join(text.split())
    if len(text) <= width:
        return [text]
    width = max(width, math.ceil(len(text) / lines))
    while True:
        out = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
        if len(out) <= lines:
            return out
        width += 2


def ranked(nodes: Sequence[Node], scores: dict[Node, float], focus: Node | None = None) -> list[Node]:
    """`nodes` by importance: the focus first, then by score (ties by id, so the order is stable).

    >>> ranked(["a", "b", "c"], {"a": 0.1, "b": 0.5, "c": 0.1}, focus="c")
    ['c', 'b', 'a']
    """
    return sorted(nodes, key=lambda n: (n != focus, -scores.get(n, 0.0), str(n)))


def text_size(lines: Sequence[str], font: float = FONT) -> tuple[float, float]:
    """Width and height of wrapped text, by the average advance of a character."""
    return max(len(s) for s in lines) * CHAR * font + 4, len(lines) * font * LEADING


def box(x: float, y: float, radius: float, lines: Sequence[str] | str, where: str = "below",
        font: float = FONT) -> Box:
    """The (left, top, right, bottom) of a name drawn `where` round a dot at x, y."""
    width, height = text_size([lines] if isinstance(lines, str) else lines, font)
    gap = radius + 3
    diagonal = gap * 0.75
    if where == "below":
        left, top = x - width / 2, y + gap
    elif where == "above":
        left, top = x - width / 2, y - gap - height
    elif where == "right":
        left, top = x + gap, y - height / 2
    elif where == "left":
        left, top = x - gap - width, y - height / 2
    else:
        vertical, horizontal = where.split("-")
        top = y + diagonal if vertical == "below" else y - diagonal - height
        left = x + diagonal if horizontal == "right" else x - diagonal - width
    return left, top, left + width, top + height


def meets(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class Grid:
    """Boxes by the cells of a coarse grid, so that asking what a box meets looks at its
    neighbourhood only (a view of thousands of dots stays linear)."""

    def __init__(self, cell: float = 80.0):
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[Box, object]]] = defaultdict(list)

    def _keys(self, b: Box):
        c = self.cell
        for i in range(math.floor(b[0] / c), math.floor(b[2] / c) + 1):
            for j in range(math.floor(b[1] / c), math.floor(b[3] / c) + 1):
                yield i, j

    def add(self, b: Box, owner: object = None) -> None:
        for key in self._keys(b):
            self.cells[key].append((b, owner))

    def hits(self, b: Box, ignore: Sequence[object] = ()) -> bool:
        return any(meets(b, other) and owner not in ignore
                   for key in self._keys(b) for other, owner in self.cells.get(key, ()))


def dot_box(x: float, y: float, r: float) -> Box:
    return x - r, y - r, x + r, y + r


def place(pos: dict[Node, tuple[float, float]], sizes: dict[Node, float], names: dict[Node, list[str]],
          order: Sequence[Node], most: int = MOST, font: float = FONT, must: Sequence[Node] = (),
          taken: Grid | None = None, prefer: dict[Node, Sequence[str]] | None = None) -> dict[Node, str]:
    """For the nodes in `order` (most important first), where each drawn name goes (one of
    WHERE); a name that would meet a drawn name or another entity's dot gets none. Those in
    `must` are tried first and are not counted in `most`. `taken` collects the names' boxes;
    `prefer` gives a node its own order of places to try."""
    dots = Grid()
    for n, (x, y) in pos.items():
        dots.add(dot_box(x, y, sizes.get(n, 8.0)), n)
    taken = taken if taken is not None else Grid()
    chosen: dict[Node, str] = {}
    first = set(must)
    tried = 0
    for node in [*[n for n in order if n in first], *[n for n in order if n not in first]]:
        # The most important few hundred are tried (as the page does): the rest would not fit.
        if len(chosen) >= most + len(first) or tried >= 8 * most + len(first):
            break
        if node not in pos:
            continue
        tried += 1
        x, y = pos[node]
        for where in (prefer or {}).get(node, WHERE):
            b = box(x, y, sizes.get(node, 8.0), names[node], where, font)
            if not taken.hits(b) and not dots.hits(b, (node,)):
                taken.add(b, node)
                chosen[node] = where
                break
    return chosen


ROUND = ("right", "below-right", "below", "below-left", "left", "above-left", "above", "above-right")


def outward(pos: dict[Node, tuple[float, float]], focus: Node) -> dict[Node, list[str]]:
    """Round a focus, each name's places in order, the side away from the focus first (as the
    page does), so the ring's inside stays free for the labels of the lines.

    >>> outward({"f": (0, 0), "a": (0, 10)}, "f")["a"][:3]
    ['below', 'below-left', 'below-right']
    """
    fx, fy = pos[focus]
    out = {}
    for n, (x, y) in pos.items():
        if n == focus:
            continue
        k = round(math.atan2(y - fy, x - fx) / (math.pi / 4)) % 8
        out[n] = [ROUND[(k + d) % 8] for d in (0, 1, 7, 2, 6, 3, 5, 4)]
    return out


def along(x0: float, y0: float, x1: float, y1: float, t: float, text: str,
          font: float = LINE_FONT) -> Corners:
    """The corners of a label of `text` centred at `t` of the way along a straight line, turned
    to run along it (upright: never upside down)."""
    cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    angle = math.atan2(y1 - y0, x1 - x0)
    if angle > math.pi / 2 or angle < -math.pi / 2:
        angle += math.pi
    w = len(text) * CHAR * font / 2 + 2
    h = font * 0.65
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + dx * c - dy * s, cy + dx * s + dy * c) for dx, dy in ((-w, -h), (w, -h), (w, h), (-w, h))]


def bounds(corners: Corners) -> Box:
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _axes(poly: Corners):
    for i in range(len(poly)):
        (x0, y0), (x1, y1) = poly[i], poly[(i + 1) % len(poly)]
        yield y0 - y1, x1 - x0


def polygons_meet(a: Corners, b: Corners) -> bool:
    """Whether two convex polygons overlap (the separating axis test).

    >>> polygons_meet([(0, 0), (2, 0), (2, 2), (0, 2)], [(1, 1), (3, 1), (3, 3), (1, 3)])
    True
    >>> polygons_meet([(0, 0), (2, 0), (2, 2), (0, 2)], [(3, 0), (5, 0), (5, 2), (3, 2)])
    False
    """
    for ax, ay in [*_axes(a), *_axes(b)]:
        pa = [x * ax + y * ay for x, y in a]
        pb = [x * ax + y * ay for x, y in b]
        if max(pa) <= min(pb) or max(pb) <= min(pa):
            return False
    return True


def rect(b: Box) -> Corners:
    return [(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])]


def place_lines(lines: Sequence[tuple[object, tuple[float, float], tuple[float, float], str]],
                names: Grid, pos: dict[Node, tuple[float, float]], sizes: dict[Node, float],
                ends: dict[object, tuple[Node, Node]] | None = None,
                font: float = LINE_FONT) -> dict[object, float]:
    """For each line (key, start, end, text), most important first, where along it its label
    goes (see ALONG), so that no label meets a name (`names`, the boxes of the drawn names),
    another line's label or a dot other than the line's own ends; lines left out get none."""
    dots = Grid()
    for n, (x, y) in pos.items():
        dots.add(dot_box(x, y, sizes.get(n, 8.0)), n)
    drawn: list[tuple[Box, Corners]] = []
    chosen: dict[object, float] = {}
    for key, (x0, y0), (x1, y1), text in lines:
        own = (ends or {}).get(key, ())
        length = math.hypot(x1 - x0, y1 - y0)
        if length < len(text) * CHAR * font * 0.8:
            continue
        for t in ALONG:
            poly = along(x0, y0, x1, y1, t, text, font)
            b = bounds(poly)
            if dots.hits(b, own) and _meets_dots(poly, b, dots, own):
                continue
            if names.hits(b) and _meets_names(poly, b, names):
                continue
            if any(meets(b, ob) and polygons_meet(poly, op) for ob, op in drawn):
                continue
            drawn.append((b, poly))
            chosen[key] = t
            break
    return chosen


def _meets_dots(poly: Corners, b: Box, dots: Grid, own) -> bool:
    return any(meets(b, other) and owner not in own and polygons_meet(poly, rect(other))
               for key in dots._keys(b) for other, owner in dots.cells.get(key, ()))


def _meets_names(poly: Corners, b: Box, names: Grid) -> bool:
    return any(meets(b, other) and polygons_meet(poly, rect(other))
               for key in names._keys(b) for other, _ in names.cells.get(key, ()))


def make_room(pos: dict[Node, tuple[float, float]], sizes: dict[Node, float], names: dict[Node, list[str]],
              must: Sequence[Node], font: float = FONT, rounds: int = 3) -> dict[Node, tuple[float, float]]:
    """Move dots out of the place below each name that must be drawn, so that it can be drawn
    without covering one: each dot in the way goes to the nearest side of that name's box.

    >>> make_room({"a": (0, 0), "b": (0, 22)}, {"a": 8, "b": 5}, {"a": ["Alpha"]}, ["a"])["b"]
    (0, 37.1)
    """
    import numpy as np

    pos = dict(pos)
    keys = list(pos)
    coords = np.array([pos[k] for k in keys], dtype=float).reshape(-1, 2)
    radii = np.array([sizes.get(k, 8.0) + 2 for k in keys], dtype=float)
    index = {k: i for i, k in enumerate(keys)}
    for _ in range(rounds):
        moved = False
        boxes: list[Box] = []
        for n in must:
            if n not in pos:
                continue
            x, y = pos[n]
            left, top, right, bottom = box(x, y, sizes.get(n, 8.0), names[n], "below", font)
            # A name that would meet a more important one's: its dot moves down, out of the way.
            for other in boxes:
                if meets((left, top, right, bottom), other):
                    shift = other[3] - top + 4
                    y += shift
                    top, bottom = top + shift, bottom + shift
                    pos[n] = (x, round(y, 1))
                    coords[index[n]] = pos[n]
                    moved = True
            boxes.append((left, top, right, bottom))
            w = (right - left) * 0.08 + 3  # room for the browser's wider measures
            left, right, bottom = left - w, right + w, bottom + 3
            xs, ys, rs = coords[:, 0], coords[:, 1], radii
            inside = np.nonzero((xs + rs > left) & (xs - rs < right) & (ys + rs > top) & (ys - rs < bottom))[0]
            for k in inside:
                m = keys[k]
                mx, my = pos[m]
                r = sizes.get(m, 8.0) + 2
                if m == n or not meets((mx - r, my - r, mx + r, my + r), (left, top, right, bottom)):
                    continue
                options = [(abs(mx + r - left), (left - r, my)), (abs(right - (mx - r)), (right + r, my)),
                           (abs(bottom - (my - r)), (mx, bottom + r))]
                pos[m] = tuple(round(v, 1) for v in min(options)[1])
                coords[k] = pos[m]
                moved = True
        if not moved:
            break
    return pos
