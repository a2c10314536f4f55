"""Which names a view draws: the most important entities first, each name below its dot, drawn
only where its box meets no other drawn name.

The page ships each entity's rank and short name and the labels chosen here, so its first frame
shows them; the page's script then repeats the same greedy choice with the browser's own text
measures at the zoom it opens at (and again as the reader zooms), so drawn labels never overlap
whatever the fonts. Long names are shortened on the canvas and shown whole on hover.

>>> place({"a": (0, 0), "b": (5, 0)}, {"a": 8, "b": 8}, {"a": "Alpha", "b": "Beta"}, ["a", "b"])
{'a': 'below'}
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

Node = Hashable
#: Type size of names on the canvas, in canvas units (pixels at the opening zoom of about 1).
FONT = 14
#: A name longer than this is shortened on the canvas.
WIDTH = 30
#: The most names a view draws at its opening zoom.
MOST = 60
#: Average advance of a character of the system sans-serif, as a share of the type size.
CHAR = 0.56


def shorten(text: str, width: int = WIDTH) -> str:
    """`text` cut at a word to at most `width` characters, with an ellipsis when cut.

    >>> shorten("U.S. Immigration and Customs Enforcement", 24)
    'U.S. Immigration and…'
    """
    if len(text) <= width:
        return text
    cut = text[:width - 1]
    if " " in cut[width // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def ranked(nodes: Sequence[Node], scores: dict[Node, float], focus: Node | None = None) -> list[Node]:
    """`nodes` by importance: the focus first, then by score (ties by id, so the order is stable).

    >>> ranked(["a", "b", "c"], {"a": 0.1, "b": 0.5, "c": 0.1}, focus="c")
    ['c', 'b', 'a']
    """
    return sorted(nodes, key=lambda n: (n != focus, -scores.get(n, 0.0), str(n)))


def box(x: float, y: float, radius: float, text: str, where: str,
        font: float = FONT) -> tuple[float, float, float, float]:
    """The (left, top, right, bottom) of a label drawn below or above a dot at x, y, as
    vis-network draws it (3 units below the dot; one line as high as the type size)."""
    width = len(text) * CHAR * font + 4
    height = font * 1.2
    top = y + radius + 3 if where == "below" else y - radius - 3 - height
    return x - width / 2, top, x + width / 2, top + height


def place(pos: dict[Node, tuple[float, float]], sizes: dict[Node, float], names: dict[Node, str],
          order: Sequence[Node], most: int = MOST, font: float = FONT) -> dict[Node, str]:
    """For the nodes in `order` (most important first), 'below' for each whose name is drawn
    below its dot; a node whose name would meet one already drawn gets none."""
    taken: list[tuple[float, float, float, float]] = []
    chosen: dict[Node, str] = {}
    for node in order:
        if len(chosen) >= most:
            break
        if node not in pos:
            continue
        x, y = pos[node]
        b = box(x, y, sizes.get(node, 8.0), names[node], "below", font)
        if not any(b[0] < t[2] and t[0] < b[2] and b[1] < t[3] and t[1] < b[3] for t in taken):
            taken.append(b)
            chosen[node] = "below"
    return chosen
