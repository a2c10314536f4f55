"""The stored text of each source as a page of its own beside the views, every quoted span
marked and each statement's quote reachable by an anchor (``sources/ID.html#s-STATEMENT``),
so that a reader goes from a line to the sentence behind it, offline. The text is escaped; the
page's one small script only reads the anchor and highlights that quote.

>>> spans = {"s1": (4, 9)}
>>> "<mark" in source_page("t", "Outlet", "2017", "The <b>quote</b> here", spans)
True
"""

from __future__ import annotations

import bisect
import html
import re
from pathlib import Path
from typing import Any

FOLDER = "sources"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · source · kg</title>
<style>
body {{ font: 17px/1.6 Georgia, 'Times New Roman', serif; color: #222; max-width: 42em; margin: 0 auto;
        padding: 12px 16px 48px; }}
h1 {{ font: 600 22px/1.3 system-ui, sans-serif; margin: 8px 0 4px; }}
.meta {{ font: 14px system-ui, sans-serif; color: #555; margin-bottom: 14px; }}
.text {{ white-space: pre-wrap; }}
mark {{ background: #fff3bf; }}
mark.here {{ background: #ffd43b; outline: 2px solid #e8a400; }}
</style>
</head>
<body>
<h1>{title}</h1>
<div class="meta">{meta}</div>
<div class="text">{text}</div>
<script>
(function () {{
  function show() {{
    var id = decodeURIComponent(location.hash.replace(/^#s-/, ""));
    document.querySelectorAll("mark.here").forEach(function (m) {{ m.classList.remove("here"); }});
    var first = null;
    document.querySelectorAll("mark[data-s]").forEach(function (m) {{
      if (m.getAttribute("data-s").split(" ").indexOf(id) >= 0) {{ m.classList.add("here"); first = first || m; }}
    }});
    if (first) first.scrollIntoView({{block: "center"}});
  }}
  window.addEventListener("hashchange", show);
  show();
  // Once loaded, again: the browser's own jump to the anchor puts the quote at the very top.
  window.addEventListener("load", show);
}})();
</script>
</body>
</html>
"""


def anchor(statement: str) -> str:
    """The anchor of a statement's quote in its source's page."""
    return "s-" + re.sub(r"[^A-Za-z0-9_.-]", "_", statement)


def source_page(title: str, outlet: str | None, published: str | None, text: str,
                spans: dict[str, tuple[int, int]]) -> str:
    """One source's page: its text, escaped, with each quoted span marked by the statements
    that quote it and an anchor at each quote's start."""
    cuts = sorted({0, len(text), *(p for span in spans.values() for p in span if 0 <= p <= len(text))})
    starts: dict[int, list[str]] = {}
    for statement, (start, _) in sorted(spans.items()):
        starts.setdefault(start, []).append(statement)
    # The statements covering each piece between two cuts, found by bisection (a source of a
    # thousand quotes would otherwise compare every piece with every quote).
    covers: list[list[str]] = [[] for _ in cuts]
    for s, (start, end) in spans.items():
        for i in range(bisect.bisect_left(cuts, start), bisect.bisect_right(cuts, end) - 1):
            covers[i].append(s)
    out = []
    for i, (a, b) in enumerate(zip(cuts, cuts[1:])):
        out.extend(f'<span id="{html.escape(anchor(s), quote=True)}"></span>' for s in starts.get(a, ()))
        piece = html.escape(text[a:b], quote=False)
        covering = covers[i]
        if covering:
            out.append(f'<mark data-s="{html.escape(" ".join(sorted(covering)), quote=True)}">{piece}</mark>')
        else:
            out.append(piece)
    meta = " · ".join(html.escape(str(x)) for x in (outlet, published) if x) or "Outlet and date not given"
    return _PAGE.format(title=html.escape(title), meta=meta, text="".join(out))


def write_sources(folder: Path, sources: list[dict[str, Any]], spans: list[dict[str, Any]]) -> dict[str, str]:
    """Write one page per source into `folder`/sources; return each source's page, relative to
    `folder`."""
    by_source: dict[str, dict[str, tuple[int, int]]] = {}
    for row in spans:
        if row.get("start") is not None and row.get("end") is not None:
            by_source.setdefault(row["source"], {})[row["statement"]] = (int(row["start"]), int(row["end"]))
    (folder / FOLDER).mkdir(parents=True, exist_ok=True)
    pages = {}
    for s in sources:
        stem = re.sub(r"[^A-Za-z0-9_-]", "_", str(s["source"]))
        text = source_page(s["title"], s.get("outlet"), s.get("published"), s.get("text") or "",
                           by_source.get(s["source"], {}))
        (folder / FOLDER / f"{stem}.html").write_text(text, encoding="utf-8", newline="\n")
        pages[s["source"]] = f"{FOLDER}/{stem}.html"
    return pages
