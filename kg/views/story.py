"""A story: a page to publish, from a small story file (``kg story FILE.yaml``).

The file names a headline, a dek, what to show (a focus and its neighbourhood, entities,
statements, a catalog query, a date range), two or three annotations pinned to entities or
statements, and a credit line. The page is a view of that part of the graph (the same layout,
search, panel and sources, at the quote) under the headline, with the annotations numbered on
the graph and written out beside it, and the sources listed with outlet, date and link. Beside
it, ``story.svg`` and ``story.png``: its opening frame drawn from the same layout and the same
name and line-label placement, for print and social.

Every error in the file is one line naming the file, the line and the key.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..builder.curated import YAMLBound, _load
from ..errors import EXIT_ENVIRONMENT, KGError
from ..namespace import ENT
from ..network.convert import to_networkx
from ..validtime import standing, window
from . import labels
from . import pages as views

if TYPE_CHECKING:
    from ..query.graph import Graph

#: The keys of a story file: (key, type, required).
SCHEMA = {"headline": (str, True), "dek": (str, False), "credit": (str, True), "show": (dict, True),
          "annotations": (list, True)}
SHOW = {"focus": str, "depth": str, "entities": list, "statements": list, "query": str, "range": list,
        "neighbour_lines": str}
ANNOTATION = {"text": str, "entity": str, "statement": str}


@dataclass
class Story:
    """A parsed story file."""

    file: Path
    headline: str
    credit: str
    dek: str = ""
    show: dict[str, Any] = field(default_factory=dict)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)


def _fail(path: Path, line: int, key: str, message: str, hint: str | None = None) -> KGError:
    return KGError(f"{path}:{line}: {key}: {message}", hint=hint)


def read(path: str | Path) -> Story:
    """Parse and check a story file against SCHEMA; one line per error (file, line, key)."""
    path = Path(path)
    doc = _parse(path)
    lines = getattr(doc, "key_lines", {})
    _check_keys(path, doc, lines)
    show = doc["show"]
    show_lines = getattr(show, "key_lines", {})
    _check_show(path, show, show_lines, lines)
    notes = doc["annotations"]
    _check_annotations(path, notes, lines)
    return Story(file=path, headline=doc["headline"].strip(), credit=doc["credit"].strip(),
                 dek=str(doc.get("dek", "")).strip(), show=dict(show),
                 annotations=[dict(n, line=min(getattr(n, "key_lines", {}).values(), default=1)) for n in notes],
                 lines={**{k: v for k, v in lines.items()}, **{f"show.{k}": v for k, v in show_lines.items()}})


def _parse(path: Path) -> dict:
    """The story file's YAML, a mapping of keys (with their lines)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KGError(f"{path}: cannot read the story file: {exc.strerror or exc}",
                      hint="give the path of a .yaml story file", exit_code=EXIT_ENVIRONMENT) from None
    try:
        doc = _load(text)
    except (YAMLBound, Exception) as exc:  # any YAML error: its line, from its mark
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        raise _fail(path, line, "yaml", str(getattr(exc, "problem", None) or exc).strip(),
                    "a story file is YAML: key: value lines") from None
    if not isinstance(doc, dict):
        raise _fail(path, 1, "story", "the file must be a mapping of keys",
                    "start with 'headline:' (see examples/homan-story.yaml)")
    return doc


def _check_keys(path: Path, doc: dict, lines: dict) -> None:
    for key in doc:
        if key not in SCHEMA:
            raise _fail(path, lines.get(key, 1), key, "unknown key",
                        f"the keys are {', '.join(SCHEMA)}")
    for key, (kind, required) in SCHEMA.items():
        if key not in doc:
            if required:
                raise _fail(path, 1, key, "missing", f"add '{key}:'")
            continue
        if not isinstance(doc[key], kind) or (kind is str and not doc[key].strip()):
            raise _fail(path, lines.get(key, 1), key, f"must be {_kind(kind)}")


def _check_show(path: Path, show: dict, show_lines: dict, lines: dict) -> None:
    for key, value in show.items():
        if key not in SHOW:
            raise _fail(path, show_lines.get(key, 1), f"show.{key}", "unknown key",
                        f"the keys are {', '.join(SHOW)}")
        if not isinstance(value, SHOW[key]):
            raise _fail(path, show_lines.get(key, 1), f"show.{key}", f"must be {_kind(SHOW[key])}")
    if not {"focus", "entities", "statements", "query"} & set(show):
        raise _fail(path, lines["show"], "show", "names nothing to show",
                    "give focus, entities, statements or query")
    if "depth" in show and not (show["depth"].isdigit() and 1 <= int(show["depth"]) <= 3):
        raise _fail(path, show_lines["depth"], "show.depth", "must be 1, 2 or 3")
    if "range" in show and (len(show["range"]) != 2 or not all(re.fullmatch(r"\d{4}(-\d\d)?", str(v))
                                                                 for v in show["range"])):
        raise _fail(path, show_lines["range"], "show.range", "must be [FIRST, LAST], each YYYY or YYYY-MM")


def _check_annotations(path: Path, notes: list, lines: dict) -> None:
    if not 1 <= len(notes) <= 5:
        raise _fail(path, lines["annotations"], "annotations",
                    f"has {len(notes)}; give two or three (at most five)")
    for i, note in enumerate(notes):
        line = getattr(note, "line", 0) or lines["annotations"] + 1
        note_lines = getattr(note, "key_lines", {})
        where = f"annotations[{i + 1}]"
        if not isinstance(note, dict):
            raise _fail(path, lines["annotations"] + 1 + i, where,
                        "must be a mapping with text and entity or statement")
        line = min(note_lines.values(), default=line)
        for key, value in note.items():
            if key not in ANNOTATION:
                raise _fail(path, note_lines.get(key, line), f"{where}.{key}", "unknown key",
                            "an annotation has text and an entity or a statement")
            if not isinstance(value, str) or not value.strip():
                raise _fail(path, note_lines.get(key, line), f"{where}.{key}", "must be text")
        if "text" not in note or ("entity" in note) == ("statement" in note):
            raise _fail(path, line, where, "needs text and exactly one of entity or statement")


def _kind(kind: type) -> str:
    return {str: "text", list: "a list", dict: "a mapping"}[kind]


def _select(g: Graph, G: nx.MultiDiGraph, story: Story, scores: dict) -> tuple[views.Part, Hashable | None]:
    """The part of `G` the story shows: the focus's neighbourhood, the named entities (with the
    statements among them and the focus), the named statements and what the query returns, in
    the range given (what the sources do not date is left out of a range)."""
    show, path = story.show, story.file

    def entity(name: str, key: str) -> str:
        try:
            iri = g.resolve(name)
        except KGError as exc:
            raise _fail(path, story.lines.get(key, 1), key, str(exc.args[0]), exc.hint) from None
        node = iri.removeprefix(str(ENT))
        if node not in G:
            raise _fail(path, story.lines.get(key, 1), key, f"{name!r} has no statements to draw")
        return node

    focus = entity(show["focus"], "show.focus") if "focus" in show else None
    keep = [focus] if focus else []
    edges: dict[Any, views.Edge] = {}
    if focus:
        for e in views.ego(G, focus, int(show.get("depth", "1")), views.LIMIT, scores).edges:
            edges[e[3].get("statement", e[2])] = e
    named = [entity(str(n), "show.entities") for n in show.get("entities", [])]
    keep += named
    wanted = {str(s) for s in show.get("statements", [])}
    if "query" in show:
        entities, statements = _queried(g, G, story)
        keep += entities
        wanted |= statements
    among = set(keep)
    for u, nbrs in G._succ.items():
        for v, keyed in nbrs.items():
            for k, d in keyed.items():
                statement = d.get("statement", k)
                if statement in wanted or (u in among and v in among and named):
                    edges[statement] = (u, v, k, d)
    missing = {s for s in show.get("statements", []) if str(s) not in edges}
    if missing:
        raise _fail(path, story.lines.get("show.statements", 1), "show.statements",
                    f"no drawn statement has the id {sorted(missing)[0]!r}", "ids as in data/statements")
    chosen = list(edges.values())
    if "range" in show:
        # Only what certainly happened or held in the range (kg.validtime's one decision).
        within = window((labels_span(str(show["range"][0]))[0], labels_span(str(show["range"][1]))[1]))
        chosen = [e for e in chosen if standing(e[3], within) == "certain"]
    return views.Part.from_edges(chosen, keep), focus


def _queried(g: Graph, G: nx.MultiDiGraph, story: Story) -> tuple[list[str], set[str]]:
    """What the story's query returns: the entities drawn in `G`, and every value's last segment
    as a statement id."""
    try:
        rows = list(g.query(story.show["query"]))
    except KGError as exc:
        raise _fail(story.file, story.lines.get("show.query", 1), "show.query", str(exc.args[0])) from None
    entities: list[str] = []
    statements: set[str] = set()
    for row in rows:
        for value in row.values():
            text = str(value).removeprefix(str(ENT))
            if text in G:
                entities.append(text)
            statements.add(str(value).rsplit("/", 1)[-1])
    return entities, statements


def labels_span(value: str) -> tuple[str, str]:
    from ..validtime import date_span

    return date_span(value)


def write_story(g: Graph, path: str | Path, out: str | Path | None = None) -> Path:
    """Build the story of the file `path` into the folder `out` (default: beside the views, in
    stories/<name>/); return the page. The API of ``kg story``."""
    story = read(path)
    folder = Path(out) if out is not None else g.project.build_dir / "stories" / story.file.stem
    try:
        folder.mkdir(parents=True, exist_ok=True)
        views.copy_assets(folder)
    except OSError as exc:
        raise KGError(f"cannot write the story to {folder}: {exc.strerror or exc}",
                      hint="choose another folder with --out", exit_code=EXIT_ENVIRONMENT) from exc
    G = to_networkx(g)
    stored = list(g.query("view-sources"))
    look = views.style(G, {r["source"]: r["title"] for r in stored})
    look.outlets = {r["source"]: r["outlet"] for r in stored if r.get("outlet")}
    part, focus = _select(g, G, story, look.scores)
    used = {d.get("document") for _, _, _, d in part.edges}
    look.source_pages = views.texts.write_sources(folder, [r for r in stored if r["source"] in used],
                                                  list(g.query("view-spans")))
    kind = "focus" if focus else "force"
    # A story's graph sits under its headline and notes: a wider, lower ring fits it.
    data = views.page_data(G, part, look, kind=kind, focus=focus, link_ego=False, aspect=1.7)
    data["notes"] = _pins(story, data)
    data["story"] = True
    data["groups"] = None
    sources = [s for s in data["sources"]]
    page = views._templates().get_template("view.html").render(
        title=story.headline, summary=story.dek, note=None, data=views._json(data), lib="lib", index=None,
        inline=None, story={"notes": data["notes"], "credit": story.credit, "sources": sources})
    target = views.write(folder / "index.html", page)
    svg = picture(data, story)
    views.write(folder / "story.svg", svg)
    raster(data, story, folder / "story.png")
    return target


def _pins(story: Story, data: dict) -> list[dict[str, Any]]:
    """Each annotation with its number and what it is pinned to (a node or an edge id)."""
    nodes = {n["id"]: n for n in data["nodes"]}
    names = {}
    for n in data["nodes"]:
        for text in [n["name"], *n.get("aliases", []), n["id"]]:
            names.setdefault(str(text).lower(), n["id"])
    edges = {e["statement"]: e for e in data["edges"]}
    out = []
    for i, note in enumerate(story.annotations, 1):
        if "entity" in note:
            node = names.get(note["entity"].lower())
            if node is None:
                raise _fail(story.file, note["line"], f"annotations[{i}].entity",
                            f"{note['entity']!r} is not drawn in this story", "pin it to an entity the story shows")
            out.append({"n": i, "text": note["text"], "node": node, "name": nodes[node]["name"]})
        else:
            edge = edges.get(note["statement"])
            if edge is None:
                raise _fail(story.file, note["line"], f"annotations[{i}].statement",
                            f"{note['statement']!r} is not drawn in this story",
                            "pin it to a statement the story shows")
            out.append({"n": i, "text": note["text"], "edge": edge["id"],
                        "name": f"{nodes[edge['from']]['name']} — {edge['text']} — {nodes[edge['to']]['name']}"})
    return out


# --- the static picture: the same layout, names and line labels, as SVG and PNG --------------

@dataclass
class Frame:
    """What the opening frame draws, in canvas units."""

    dots: list[tuple[str, float, float, float, str]]          # id, x, y, r, colour
    lines: list[tuple[str, float, float, float, float, str, bool]]  # id, x0, y0, x1, y1, colour, dotted
    names: list[tuple[str, list[str], float, float, str, bool]]     # id, lines, left, top, anchor, bold
    labels: list[tuple[str, float, float, float, str, str]]   # text, x, y, degrees, colour, id
    pins: list[tuple[int, float, float]]
    box: tuple[float, float, float, float]


def frame(data: dict) -> Frame:
    """The opening frame of a page's data: the lines drawn by default, every name the placer
    draws, each line's label where the placer puts it."""
    nodes = {n["id"]: n for n in data["nodes"]}
    pos = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    names = {n["id"]: n["lines"] for n in data["nodes"]}
    order = sorted(nodes, key=lambda i: nodes[i]["rank"])
    must = [i for i in order if nodes[i].get("must") or nodes[i].get("focus")]
    taken = labels.Grid()
    drawn = [e for e in data["edges"] if not e.get("between")]
    seen = {n for e in drawn for n in (e["from"], e["to"])}
    pos = {i: p for i, p in pos.items() if i in seen or nodes[i].get("focus")}
    order = [i for i in order if i in pos]
    focus = next((i for i in order if nodes[i].get("focus")), None)
    where = labels.place(pos, sizes, names, order, must=[i for i in must if i in pos], taken=taken,
                         prefer=labels.outward(pos, focus) if focus is not None else None)
    placed = labels.place_lines([(e["id"], pos[e["from"]], pos[e["to"]], e["text"]) for e in drawn],
                                taken, pos, sizes, {e["id"]: (e["from"], e["to"]) for e in drawn})
    ends = {n for e in drawn for n in (e["from"], e["to"])}
    dots = [(i, *pos[i], sizes[i], nodes[i]["color"]) for i in order if i in ends or nodes[i].get("focus")]
    lines = [(e["id"], *pos[e["from"]], *pos[e["to"]], e["color"], not e.get("t0")) for e in drawn]
    name_items = []
    for i, w in where.items():
        left, top, right, _ = labels.box(*pos[i], sizes[i], names[i], w)
        anchor = "end" if w.endswith("left") else "start" if w.endswith("right") else "middle"
        x = right - 2 if anchor == "end" else left + 2 if anchor == "start" else (left + right) / 2
        name_items.append((i, names[i], x, top, anchor, bool(nodes[i].get("focus"))))
    label_items = []
    by_id = {e["id"]: e for e in drawn}
    for key, t in placed.items():
        e = by_id[key]
        (x0, y0), (x1, y1) = pos[e["from"]], pos[e["to"]]
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
        label_items.append((e["text"], x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, angle, e["color"], key))
    pins = []
    for note in data.get("notes", []):
        if "node" in note:
            x, y = pos[note["node"]]
            r = sizes[note["node"]]
            pins.append((note["n"], x + r * 0.8 + 8, y - r * 0.8 - 8))
        else:
            e = by_id.get(note["edge"]) or next(d for d in data["edges"] if d["id"] == note["edge"])
            (x0, y0), (x1, y1) = pos[e["from"]], pos[e["to"]]
            t = placed.get(e["id"], 0.5)
            length = math.hypot(x1 - x0, y1 - y0) or 1.0
            nx_, ny_ = -(y1 - y0) / length, (x1 - x0) / length  # beside the line, clear of its label
            pins.append((note["n"], x0 + (x1 - x0) * t + nx_ * 18, y0 + (y1 - y0) * t + ny_ * 18))
    boxes = [(x - r, y - r, x + r, y + r) for _, x, y, r, _ in dots]
    boxes += [labels.box(*pos[i], sizes[i], names[i], w) for i, w in where.items()]
    boxes += [labels.bounds(labels.along(*pos[by_id[k]["from"]], *pos[by_id[k]["to"]], t, by_id[k]["text"]))
              for k, t in placed.items()]
    boxes += [(x - 11, y - 11, x + 11, y + 11) for _, x, y in pins]  # every pin inside the picture
    # Whole pixels, so the SVG and the PNG are the same size.
    box = (math.floor(min(b[0] for b in boxes) - 30), math.floor(min(b[1] for b in boxes) - 30),
           math.ceil(max(b[2] for b in boxes) + 30), math.ceil(max(b[3] for b in boxes) + 30))
    return Frame(dots, lines, name_items, label_items, pins, box)


def picture(data: dict, story: Story) -> str:
    """The opening frame as SVG, with the headline, dek, annotations and credit; every text
    escaped."""
    f = frame(data)
    left, top, right, bottom = f.box
    width = right - left
    head = 110 + 22 * len(data.get("notes", [])) + 19 * (len(_dek(story.dek, right - left)) - 1)
    height = bottom - top + head + 40
    e = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
           f'width="{width:.0f}" height="{height:.0f}" font-family="Helvetica, Arial, sans-serif">',
           '<rect width="100%" height="100%" fill="#ffffff"/>',
           f'<text x="20" y="40" font-size="26" font-weight="700" fill="#111">{e(story.headline)}</text>',
           *(f'<text x="20" y="{68 + 19 * i}" font-size="15" fill="#444">{e(t)}</text>'
             for i, t in enumerate(_dek(story.dek, width)))]
    for i, note in enumerate(data.get("notes", [])):
        y = 98 + 19 * (len(_dek(story.dek, width)) - 1) + 22 * i
        out.append(f'<text x="20" y="{y}" font-size="14" fill="#222"><tspan font-weight="700" '
                   f'fill="#b8002e">{note["n"]}</tspan>  {e(note["text"])}</text>')
    out.append(f'<g transform="translate({-left:.1f},{head - top:.1f})">')
    for key, x0, y0, x1, y1, colour, dotted in f.lines:
        dash = ' stroke-dasharray="2 4"' if dotted else ""
        out.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="{e(colour)}" stroke-width="1.6" '
                   f'stroke-opacity="0.8"{dash} data-id="{e(str(key))}"/>')
    for key, x, y, r, colour in f.dots:
        out.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{e(colour)}" stroke="#fff" stroke-width="1.5" '
                   f'data-id="{e(str(key))}"/>')
    for text, x, y, angle, colour, key in f.labels:
        # On a white ground, as on the page, so the line does not run through the words.
        w, h = len(text) * labels.CHAR * labels.LINE_FONT + 6, labels.LINE_FONT * 1.3
        out.append(f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#fff" '
                   f'fill-opacity="0.9" transform="rotate({angle:.1f} {x:.1f} {y:.1f})"/>')
        out.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{labels.LINE_FONT}" fill="{e(colour)}" '
                   f'text-anchor="middle" dominant-baseline="middle" transform="rotate({angle:.1f} {x:.1f} {y:.1f})" '
                   f'stroke="#fff" stroke-width="3" paint-order="stroke" data-line="{e(str(key))}">{e(text)}</text>')
    for key, lines, x, y, anchor, bold in f.names:
        weight = ' font-weight="700"' if bold else ""
        spans = "".join(f'<tspan x="{x:.1f}" y="{y + labels.FONT * (0.95 + labels.LEADING * i):.1f}">{e(t)}</tspan>'
                        for i, t in enumerate(lines))
        out.append(f'<text font-size="{labels.FONT}" text-anchor="{anchor}" fill="#1a1a1a" stroke="#fff" '
                   f'stroke-width="3.5" paint-order="stroke"{weight} data-id="{e(str(key))}">{spans}</text>')
    for n, x, y in f.pins:
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="#b8002e"/><text x="{x:.1f}" y="{y + 4.5:.1f}" '
                   f'font-size="13" font-weight="700" fill="#fff" text-anchor="middle">{n}</text>')
    out.append("</g>")
    out.append(f'<text x="20" y="{height - 16:.0f}" font-size="12" fill="#666">{e(story.credit)}</text>')
    out.append("</svg>\n")
    return "\n".join(out)


def _dek(text: str, width: float) -> list[str]:
    import textwrap

    return textwrap.wrap(text, max(30, int((width - 40) / (15 * labels.CHAR)))) or [""]


def raster(data: dict, story: Story, path: Path) -> Path:
    """The same frame as a PNG, drawn with matplotlib (no browser needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.patches
    import matplotlib.patheffects
    import matplotlib.pyplot as plt

    f = frame(data)
    left, top, right, bottom = f.box
    width = right - left
    dek = _dek(story.dek, width)
    head = 110 + 22 * len(data.get("notes", [])) + 19 * (len(dek) - 1)
    height = bottom - top + head + 40
    dpi = 100
    fig = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    pt = 72 / dpi  # canvas units are pixels; matplotlib sizes type in points
    dx, dy = -left, head - top
    ax.text(20, 40, story.headline, fontsize=26 * pt, fontweight="bold", color="#111", va="baseline")
    for i, t in enumerate(dek):
        ax.text(20, 68 + 19 * i, t, fontsize=15 * pt, color="#444", va="baseline")
    for i, note in enumerate(data.get("notes", [])):
        ax.text(20, 98 + 19 * (len(dek) - 1) + 22 * i, f"{note['n']}  {note['text']}", fontsize=14 * pt,
                color="#222", va="baseline")
    for _, x0, y0, x1, y1, colour, dotted in f.lines:
        ax.plot([x0 + dx, x1 + dx], [y0 + dy, y1 + dy], color=colour, lw=1.6 * pt, alpha=0.8,
                linestyle=(0, (1, 2.5)) if dotted else "-", zorder=1)
    for _, x, y, r, colour in f.dots:
        ax.add_patch(matplotlib.patches.Circle((x + dx, y + dy), r, facecolor=colour, edgecolor="white",
                                               lw=1.5 * pt, zorder=2))
    halo = [matplotlib.patheffects.withStroke(linewidth=3, foreground="white")]
    for text, x, y, angle, colour, _ in f.labels:
        ax.text(x + dx, y + dy, text, fontsize=labels.LINE_FONT * pt, color=colour, rotation=-angle,
                rotation_mode="anchor", ha="center", va="center", zorder=3, path_effects=halo,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9, "pad": 1.2})
    for _, lines, x, y, anchor, bold in f.names:
        ha = {"end": "right", "start": "left", "middle": "center"}[anchor]
        ax.text(x + dx, y + dy, "\n".join(lines), fontsize=labels.FONT * pt, ha=ha, va="top", color="#1a1a1a",
                fontweight="bold" if bold else "normal", linespacing=labels.LEADING, zorder=4, path_effects=halo,
                multialignment=ha)
    for n, x, y in f.pins:
        ax.add_patch(matplotlib.patches.Circle((x + dx, y + dy), 10, facecolor="#b8002e", zorder=5))
        ax.text(x + dx, y + dy, str(n), fontsize=13 * pt, color="white", fontweight="bold", ha="center",
                va="center", zorder=6)
    ax.text(20, height - 16, story.credit, fontsize=12 * pt, color="#666", va="baseline")
    fig.savefig(path, dpi=dpi, facecolor="white")
    plt.close(fig)
    return path

