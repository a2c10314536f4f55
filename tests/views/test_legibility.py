"""Views a story can use, as a graphics editor checks them in real Chromium on the seed graph, at a
laptop's 1280 x 800 and a phone's 390 x 844: lines that say what they are, names whole and clear
of each other and of every dot, a phone layout, an honest time axis, forgiving search, sources
that open at the quote, and a story page with its pictures."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlparse

import browser
import pytest

from kg.views import labels
from kg.views import pages as views

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ["graph.html", "ego-ThomasHoman.html", "ego-DavidChiu.html", "family-lawsuits.html", "timeline.html",
         "story"]
FOCUS = {"ego-ThomasHoman.html", "ego-DavidChiu.html", "story"}


SIZES = ["laptop", "phone"]


def open_page(b, seed_views, seed_story, file):
    path = seed_story if file == "story" else seed_views.folder / file
    page = b.page()
    page.goto(path.as_uri())
    page.wait_for("window.kgView && window.kgView.stable")
    return page


def sized(chromium, phone, size):
    return chromium if size == "laptop" else phone


# Where a box or polygon in canvas units falls on the canvas, in its pixels: [left, top, right, bottom],
# and the canvas's own size.
ON_SCREEN = """(function (pts) {
  var ps = pts.map(function (p) { return network.canvasToDOM({x: p[0], y: p[1]}); });
  var xs = ps.map(function (p) { return p.x; }), ys = ps.map(function (p) { return p.y; });
  return [Math.min.apply(null, xs), Math.min.apply(null, ys), Math.max.apply(null, xs), Math.max.apply(null, ys)];
})(%s)"""
# The canvas's size, less what a phone's closed drawer covers of its foot.
CANVAS = """(function (c, a) {
  var cover = a.top > c.top && a.left < c.right ? Math.max(0, c.bottom - a.top) : 0;
  return [c.width, c.height - cover];
})(document.getElementById('kg-graph').getBoundingClientRect(), document.getElementById('kg-panel').getBoundingClientRect())"""


def outside_frame(page, shapes, across_only=False, cut_only=False):
    """The texts of the shapes (name boxes or line-label polygons) not wholly inside the canvas as it opens;
    with `cut_only`, only those the canvas's edge cuts (one wholly outside is seen as the reader pans)."""
    import json

    width, height = page.evaluate(CANVAS)
    out = []
    for text, pts in shapes:
        left, top, right, bottom = page.evaluate(ON_SCREEN % json.dumps(pts))
        if cut_only and (right < 0 or left > width or (not across_only and (bottom < 0 or top > height))):
            continue
        if left < -0.5 or right > width + 0.5 or (not across_only and (top < -0.5 or bottom > height + 0.5)):
            out.append(text)
    return out


def meets(a, b):
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def rect(b):
    return [(b["left"], b["top"]), (b["right"], b["top"]), (b["right"], b["bottom"]), (b["left"], b["bottom"])]


def covers_dot(box, dot):
    """Whether a name's box covers any of a dot (the nearest point of the box is inside it)."""
    x = min(max(dot["x"], box["left"]), box["right"])
    y = min(max(dot["y"], box["top"]), box["bottom"])
    return (x - dot["x"]) ** 2 + (y - dot["y"]) ** 2 < dot["r"] ** 2


@pytest.mark.parametrize("size", ["laptop", "phone"])
@pytest.mark.parametrize("file", PAGES)
def test_names_and_line_labels_keep_clear(chromium, phone, seed_views, seed_story, file, size):
    page = open_page(chromium if size == "laptop" else phone, seed_views, seed_story, file)
    data = page.evaluate("kgView.data")
    names = page.evaluate("kgView.labelBoxes()")
    lines = page.evaluate("kgView.lineLabels()")
    assert names
    for i, a in enumerate(names):  # no two names overlap
        for b in names[i + 1:]:
            assert not meets(a, b), (a["text"], b["text"])
    if data["shape"] == "dot":  # no drawn name covers another entity's dot
        dots = page.evaluate("kgView.dots()")
        for box in names:
            hit = [d["id"] for d in dots if d["id"] != box["id"] and covers_dot(box, d)]
            assert not hit, (box["text"], hit)
    for i, line in enumerate(lines):  # no line label overlaps a name or another line label
        for box in names:
            assert not labels.polygons_meet(line["poly"], rect(box)), (line["text"], box["text"])
        for other in lines[i + 1:]:
            assert not labels.polygons_meet(line["poly"], other["poly"]), (line["text"], other["text"])
    if file in FOCUS:  # a line's label says what it is, and when
        drawn = page.evaluate("kgView.edges.get({filter: e => !e.hidden}).map(e => e.id)")
        said = {line["id"]: line["text"] for line in lines}
        edges = {e["id"]: e for e in data["edges"]}
        assert said and all(said[i].startswith(edges[i]["text"].split(" · ")[0]) for i in said)
        assert all(" · " in text for text in said.values())
        # Lines between two neighbours wait for the toggle.
        between = [e["id"] for e in data["edges"] if e["between"]]
        assert drawn and not set(between) & set(drawn)
    if file in FOCUS or data["shape"] == "box":  # names whole, never cut
        assert not [b["text"] for b in names if b["text"].endswith("…")]
        assert all(" ".join(n["lines"]) == " ".join(n["name"].split()) for n in data["nodes"])
        near = {n["id"] for n in data["nodes"] if n["must"] or n["focus"]}
        assert near <= {b["id"] for b in names}  # the focus and its neighbours always named


PHONE_CHIU = "at 390 px two of Chiu's fourteen neighbours' long names do not fit inside the screen beside its ring"
PHONE_CASES = "on a phone the case map's four columns are wider than the screen at a readable size: it pans"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("file", PAGES)
def test_what_is_drawn_lies_inside_the_frame_as_it_opens(request, chromium, phone, seed_views, seed_story, file,
                                                        size):
    """No name or line label cut by the edge of the canvas; a focus view and a story open wholly inside it. A
    case map stacks its cards downward (the reader scrolls the map): across only. The whole graph and the
    timeline may run past the frame (the reader pans), with no name across its edge."""
    if file == "family-lawsuits.html" and size == "phone":
        request.applymarker(pytest.mark.xfail(strict=True, reason=PHONE_CASES))
    if file == "ego-DavidChiu.html" and size == "phone":
        request.applymarker(pytest.mark.xfail(strict=True, reason=PHONE_CHIU))
    page = open_page(sized(chromium, phone, size), seed_views, seed_story, file)
    names = page.evaluate("kgView.labelBoxes()")
    lines = page.evaluate("kgView.lineLabels()")
    shapes = [(b["text"], rect(b)) for b in names] + [(line["text"], line["poly"]) for line in lines]
    assert not outside_frame(page, shapes, across_only=page.evaluate("kgView.data.shape") == "box",
                             cut_only=file in ("graph.html", "timeline.html"))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("file", sorted(FOCUS))
def test_every_line_of_a_focus_view_has_a_visible_label(chromium, phone, seed_views, seed_story, file, size):
    page = open_page(sized(chromium, phone, size), seed_views, seed_story, file)
    drawn = page.evaluate("kgView.edges.get({filter: e => !e.hidden}).map(e => e.id)")
    lines = page.evaluate("kgView.lineLabels()")
    said = {line["id"] for line in lines}
    assert drawn and set(drawn) <= said, set(drawn) - said
    # Visible: inside the frame the page opens with (the placer leaves out a label the frame would cut).
    assert not outside_frame(page, [(line["text"], line["poly"]) for line in lines])


@pytest.mark.parametrize("size", [
    "laptop", pytest.param("phone", marks=pytest.mark.xfail(strict=True, reason=(
        "at 390 px the whole graph opens on its centre, named, but one or two of the ten sit at the screen's edge "
        "with no room for their names inside it")))])
def test_the_ten_most_central_are_named_in_the_whole_graph(chromium, phone, seed_views, size):
    page = open_page(sized(chromium, phone, size), seed_views, None, "graph.html")
    top = {n["id"] for n in page.evaluate("kgView.data.nodes") if n["rank"] < 10}
    names = [b for b in page.evaluate("kgView.labelBoxes()") if b["id"] in top]
    assert top <= {b["id"] for b in names}
    assert not outside_frame(page, [(b["text"], rect(b)) for b in names])  # and seen as the view opens


def test_the_neighbour_lines_come_with_the_toggle(chromium, seed_views):
    page = open_page(chromium, seed_views, None, "ego-ThomasHoman.html")
    between = {e["id"] for e in page.evaluate("kgView.data.edges") if e["between"]}
    assert between
    page.evaluate("document.querySelector('#kg-nb input').click()")
    assert between <= set(page.evaluate("kgView.edges.get({filter: e => !e.hidden}).map(e => e.id)"))
    assert "nb=1" in page.evaluate("location.hash")


CONTROLS = """[...document.querySelectorAll('header a, .kg-bar input, .kg-bar button, .kg-bar select, .kg-bar label, ' +
  'aside input, aside select, aside button, aside a')].filter(e => e.offsetParent !== null)
  .map(e => { var r = e.getBoundingClientRect(); return {what: e.id || e.textContent.trim().slice(0, 30) || e.tagName,
  left: r.left, right: r.right}; })"""


@pytest.mark.parametrize("file", PAGES)
def test_on_a_phone_the_graph_takes_the_width_and_every_control_fits(phone, seed_views, seed_story, file):
    page = open_page(phone, seed_views, seed_story, file)
    width = page.evaluate("document.getElementById('kg-graph').getBoundingClientRect().width")
    assert width >= 0.9 * 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("document.getElementById('kg-drawer').click()")  # the panel, opened as a drawer
    phone.pump(0.4)
    outside = [c for c in page.evaluate(CONTROLS) if c["left"] < -0.5 or c["right"] > 390.5]
    assert not outside


@pytest.mark.parametrize("size", SIZES)
def test_the_timeline_axis_is_proportional_to_time(chromium, phone, seed_views, size):
    page = open_page(sized(chromium, phone, size), seed_views, None, "timeline.html")
    data = page.evaluate("kgView.data")
    # Where each year's tick is drawn on the screen.
    at = page.evaluate("kgView.data.ticks.map(t => network.canvasToDOM({x: t[1], y: 0}).x)")
    years = [(int(t[0]), x) for t, x in zip(data["ticks"], at) if t[2] and t[0].isdigit()]
    breaks = [[page.evaluate(f"network.canvasToDOM({{x: {b[0]}, y: 0}}).x"),
               page.evaluate(f"network.canvasToDOM({{x: {b[1]}, y: 0}}).x")] for b in data["breaks"]]
    assert len(years) >= 4
    spans = []
    for (y0, x0), (y1, x1) in zip(years, years[1:]):
        if any(x0 <= b[0] < x1 for b in breaks):  # a break in the axis: years left out, marked
            continue
        spans.append((x1 - x0) / (y1 - y0))
    assert spans and max(spans) - min(spans) < 0.01 * max(spans)  # a year is as wide everywhere
    assert min(spans) >= 20  # and wide enough to tell one year from the next
    # No name hides a year's label on the axis.
    ticks = page.evaluate("""(function () {
      var s = network.getScale(), top = Math.min.apply(null, kgView.data.nodes.map(n => n.y)) - 50;
      var c = document.createElement('canvas').getContext('2d');
      return kgView.data.ticks.filter(t => t[2]).map(t => {
        c.font = '600 14px sans-serif';
        var x = t[1] + 4 / s, y = top + 4 / s;
        return {text: t[0], left: x, top: y, right: x + c.measureText(t[0]).width / s, bottom: y + 14 / s};
      });
    })()""")
    names = page.evaluate("kgView.labelBoxes()")
    assert not [(t["text"], b["text"]) for t in ticks for b in names if meets(t, b)]
    # Each entity sits at (or, where a month is crowded, just after) its date.
    periods = page.evaluate("kgView.periods")
    assert periods == [str(y) for y in range(int(periods[0]), int(periods[-1]) + 1)]


def test_views_without_dates_show_no_slider(chromium, tmp_path):
    import networkx as nx

    from kg.views import pages as views

    G = nx.MultiDiGraph([("a", "b", {"relation": "supported", "families": ["supports"], "quote": "q"})])
    views.copy_assets(tmp_path)
    path = views.write(tmp_path / "v.html", views.render(G, title="No dates"))
    page = chromium.page()
    page.goto(path.as_uri())
    page.wait_for("window.kgView && window.kgView.stable")
    assert page.evaluate("getComputedStyle(document.querySelector('.kg-time')).display") == "none"


def test_a_view_dated_in_one_month_shows_no_range_but_says_what_is_dated(chromium, seed_views):
    page = open_page(chromium, seed_views, None, "ego-SanFranciscoLawsuitAgainstTrump2017.html")
    if len(page.evaluate("kgView.periods")) > 1:
        pytest.skip("this lawsuit's view has dates in more than one month")
    assert page.evaluate("getComputedStyle(document.querySelector('.kg-time')).display") == "none"
    assert "statements dated" in page.evaluate("document.getElementById('kg-time-note').innerText")


def type_in(page, text):
    page.evaluate("(function (s) { s.value = ''; s.focus(); })(document.getElementById('kg-search'))")
    page.send("Input.insertText", {"text": text})
    return page.evaluate("[...document.querySelectorAll('#kg-hits .kg-hit-name')].map(li => li.textContent)")


# A typo of a name each page holds ("Homna" wherever Thomas Homan is drawn).
TYPOS = {"graph.html": [("Homna", "Thomas Homan"), ("Tom Homan", "Thomas Homan"), ("David Chu", "David Chiu"),
                        ("sancturay", "Sanctuary jurisdictions")],
         "ego-ThomasHoman.html": [("Homna", "Thomas Homan")], "story": [("Homna", "Thomas Homan")],
         "timeline.html": [("Homna", "Thomas Homan")], "ego-DavidChiu.html": [("David Chu", "David Chiu")],
         "family-lawsuits.html": [("Santa Clra", "Santa Clara")]}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("file, typed, wanted", [(f, t, w) for f in PAGES for t, w in TYPOS[f]])
def test_typing_offers_the_right_name_before_enter(chromium, phone, seed_views, seed_story, file, typed, wanted,
                                                   size):
    page = open_page(sized(chromium, phone, size), seed_views, seed_story, file)
    offered = type_in(page, typed)
    assert wanted in offered[:3], offered
    # The offers are on the screen, under the search box, and the matches stand out on the canvas.
    box = page.evaluate("(function (r) { return [r.left, r.right, r.height]; })"
                        "(document.getElementById('kg-hits').getBoundingClientRect())")
    assert box[0] >= 0 and box[1] <= page.evaluate("window.innerWidth") and box[2] > 0
    wanted_id = page.evaluate(f"kgView.data.nodes.find(n => n.name === {wanted!r}).id")
    colours = page.evaluate("Object.fromEntries(kgView.nodes.get().map(n => [n.id, n.color && n.color.background]))")
    assert colours[wanted_id] != "#e4e4e4"
    assert any(c == "#e4e4e4" for c in colours.values())


def test_the_canvas_takes_keys_and_back_steps_through_selections(chromium, seed_views):
    page = open_page(chromium, seed_views, None, "graph.html")
    scale = page.evaluate("network.getScale()")
    page.evaluate("document.getElementById('kg-zoom-in').click()")
    assert page.evaluate("network.getScale()") > scale
    page.evaluate("document.getElementById('kg-graph').dispatchEvent(new KeyboardEvent('keydown', {key: '-', bubbles: true}))")
    assert abs(page.evaluate("network.getScale()") - scale * 1.3 / 1.25) < 1e-6
    x = page.evaluate("network.getViewPosition().x")
    page.evaluate("document.getElementById('kg-graph').dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}))")
    assert page.evaluate("network.getViewPosition().x") > x
    page.evaluate("kgView.select('ThomasHoman', true)")
    page.evaluate("kgView.select('DavidChiu', true)")
    page.evaluate("history.back()")
    page.wait_for("kgView.state.sel === 'ThomasHoman'", timeout=10)
    # Clearing the filters keeps the selection; resetting the view drops it.
    page.evaluate("document.querySelector('.kg-fam[value=opposes]').click()")
    page.evaluate("document.getElementById('kg-clear').click()")
    assert page.evaluate("kgView.state.sel") == "ThomasHoman" and page.evaluate("kgView.state.fam.opposes") is None
    page.evaluate("document.getElementById('kg-reset').click()")
    assert page.evaluate("kgView.state.sel") is None


# Whom to select on each page: its focus, or an entity at the heart of it.
PICK = {"graph.html": "ThomasHoman", "ego-ThomasHoman.html": "ThomasHoman", "story": "ThomasHoman",
        "ego-DavidChiu.html": "DavidChiu", "family-lawsuits.html": "SanFrancisco", "timeline.html": "ThomasHoman"}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("file", PAGES)
def test_each_source_in_the_panel_opens_its_stored_text_at_the_quote(chromium, phone, seed_views, seed_story,
                                                                     seed_graph, file, size):
    page = open_page(sized(chromium, phone, size), seed_views, seed_story, file)
    page.evaluate(f"kgView.select('{PICK[file]}', true)")
    items = page.evaluate("""[...document.querySelectorAll('#kg-details .kg-statement')].map(li => ({
        quote: (li.querySelector('.kg-quote') || {}).textContent, source: li.querySelector('.kg-source').innerText,
        href: (li.querySelector('a.kg-source-link') || {}).href}))""")
    assert items
    spans = {r["statement"]: r for r in seed_graph.query("view-spans")}
    for item in items:
        assert item["href"], item
        assert re.search(r"\d{4}", item["source"])  # outlet (or its absence said) and date
        url = urlparse(item["href"])
        path, anchor = Path(unquote(url.path)), unquote(url.fragment)
        text = path.read_text(encoding="utf-8")
        statement = anchor.removeprefix("s-")
        assert f'id="{anchor}"' in text
        marked = "".join(html.unescape(m) for m in re.findall(
            rf'<mark data-s="[^"]*\b{re.escape(statement)}\b[^"]*">(.*?)</mark>', text, re.S))
        assert spans[statement]["end"] - spans[statement]["start"] == len(marked)
        # The quote shown is the stored one, repaired for display: its words are the marked words.
        words = re.findall(r"[A-Za-z0-9]+", item["quote"])
        assert words[:3] == re.findall(r"[A-Za-z0-9]+", marked)[:3]
    # Opened, the stored text shows the quote marked, on the screen.
    page.goto(items[0]["href"])
    box = page.evaluate("(function (r) { return [r.top, r.bottom]; })"
                        "(document.querySelector('mark.here').getBoundingClientRect())")
    assert 0 <= box[0] and box[1] <= page.evaluate("window.innerHeight"), box


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("file", PAGES)
def test_a_range_draws_and_lists_only_what_holds_in_it(chromium, phone, seed_views, seed_story, seed_graph, file,
                                                       size):
    """With the range on 2017 (or a page's first period when it has no 2017), no role outside its valid time is
    drawn or listed (Mirkarimi's sheriff role is not), and the undated are out, or back and marked when asked."""
    page = open_page(sized(chromium, phone, size), seed_views, seed_story, file)
    periods = page.evaluate("kgView.periods")
    assert len(periods) >= 2
    period = "2017" if "2017" in periods else periods[0]
    first, last = (f"{period}-01-01", f"{period}-12-31") if len(period) == 4 else (f"{period}-01", f"{period}-31")
    for slider in ("kg-from", "kg-to"):
        page.evaluate(f"(function (s) {{ s.value = {periods.index(period)}; s.dispatchEvent(new Event('input')); }})"
                      f"(document.getElementById('{slider}'))")
    G = seed_graph.to_networkx()
    spans = {d["statement"]: views.valid_time(d) for _, _, d in G.edges(data=True)}
    data = {e["id"]: e for e in page.evaluate("kgView.data.edges")}
    drawn = page.evaluate("kgView.edges.get({filter: e => !e.hidden}).map(e => e.id)")
    statements = {i: data[i]["statement"] for i in drawn}
    assert all(spans[s] is not None for s in statements.values())  # undated out once a range is set
    assert not [s for s in statements.values() if spans[s][0] > last or spans[s][1] < first]
    # The panel follows: an entity's roles and statements are those the filters pass (drawn, with the lines
    # between neighbours or cases asked for).
    if page.evaluate("!document.getElementById('kg-nb').hidden"):
        page.evaluate("document.querySelector('#kg-nb input').click()")
        drawn = page.evaluate("kgView.edges.get({filter: e => !e.hidden}).map(e => e.id)")
        assert not [i for i in drawn if spans[data[i]["statement"]] is None]
    who = "RossMirkarimi" if page.evaluate("!!kgView.data.nodes.find(n => n.id === 'RossMirkarimi')") else PICK[file]
    page.evaluate(f"kgView.select('{who}', true)")
    listed = page.evaluate("document.querySelectorAll('#kg-details .kg-statement').length")
    assert listed == len([i for i in drawn if who in (data[i]["from"], data[i]["to"])])
    card = page.evaluate("document.querySelector('#kg-details .kg-card').innerText")
    if who == "RossMirkarimi":  # the source does not date his term as sheriff
        assert "Sheriff of" not in card and "Roles:" not in card
    # Asked for, the undated come back, each marked: dotted, labelled with when it was reported.
    page.evaluate("document.getElementById('kg-undated').click()")
    back = page.evaluate("kgView.edges.get({filter: e => !e.hidden}).map(e => [e.id, e.dashes])")
    undated = [(i, dashes) for i, dashes in back if spans[data[i]["statement"]] is None]
    assert all(dashes == [2, 4] and "reported" in data[i]["text"] for i, dashes in undated)
    if who == "RossMirkarimi":
        card = page.evaluate("document.querySelector('#kg-details .kg-card').innerText")
        assert "Sheriff of San Francisco (not dated; reported 2017)" in card


@pytest.mark.parametrize("size", SIZES)
def test_the_story_page_shows_its_headline_notes_and_credit_and_its_pictures_match(chromium, phone, seed_story, size):
    b = sized(chromium, phone, size)
    page = b.page()
    page.goto(seed_story.as_uri())
    page.wait_for("window.kgView && window.kgView.stable")
    assert page.evaluate("document.querySelector('h1').textContent") == "Homan and the sanctuary cities, 2017–2025"
    notes = page.evaluate("[...document.querySelectorAll('.kg-notes li')].map(li => li.innerText)")
    assert len(notes) == 3 and "border czar" in notes[2]
    assert "Graphic: kg" in page.evaluate("document.querySelector('.kg-credit').innerText")
    # Headline, notes and credit are shown, and fit the width of the screen.
    for sel in ("h1", ".kg-notes", ".kg-credit"):
        r = page.evaluate(f"(function (r) {{ return [r.left, r.right, r.width, r.height]; }})"
                          f"(document.querySelector('{sel}').getBoundingClientRect())")
        assert r[2] > 0 and r[3] > 0 and r[0] >= 0 and r[1] <= b.width + 0.5, (sel, r)
    # Each note is pinned on the graph, inside the frame the page opens with.
    pins = page.evaluate("kgView.pins()")
    assert len([p for p in pins if p]) == 3
    r = 10 / page.evaluate("network.getScale()")  # a pin's disc
    assert not outside_frame(page, [(p["n"], [[p["x"] - r, p["y"] - r], [p["x"] + r, p["y"] + r]]) for p in pins])
    # and clear of every name, line label and dot.
    assert [page.evaluate(f"kgView.pinCovers({p['n']})") for p in pins] == [False] * 3
    shown = set(page.evaluate("kgView.dots().map(d => d.id)"))
    named = {b["id"] for b in page.evaluate("kgView.labelBoxes()")}
    svg = ET.parse(seed_story.parent / "story.svg").getroot()
    ns = "{http://www.w3.org/2000/svg}"
    circles = [c for c in svg.iter(f"{ns}circle") if c.get("data-id")]
    assert {c.get("data-id") for c in circles} == shown
    assert {t.get("data-id") for t in svg.iter(f"{ns}text") if t.get("data-id")} == named
    assert "Homan and the sanctuary cities" in "".join(svg.itertext())
    # The PNG is the same frame: each entity's dot, where the SVG puts it, in its colour.
    png = (seed_story.parent / "story.png").read_bytes()
    width, height, rows = browser.decode_png(png)
    assert (width, height) == (round(float(svg.get("width"))), round(float(svg.get("height"))))
    group = next(g for g in svg.iter(f"{ns}g") if g.get("transform", "").startswith("translate("))
    dx, dy = (float(v) for v in re.findall(r"-?[0-9.]+", group.get("transform")))
    bpp = len(rows[0]) // width
    for c in circles:
        x, y = round(float(c.get("cx")) + dx), round(float(c.get("cy")) + dy)
        got = rows[y][x * bpp:x * bpp + 3]
        want = bytes.fromhex(c.get("fill").lstrip("#"))
        assert max(abs(g - w) for g, w in zip(got, want)) < 24, (c.get("data-id"), got.hex(), c.get("fill"))
    # The pictures' pins are inside them too.
    pins = [c for c in svg.iter(f"{ns}circle") if c.get("fill") == "#b8002e"]
    assert len(pins) == 3
    for c in pins:
        x, y, r = float(c.get("cx")) + dx, float(c.get("cy")) + dy, float(c.get("r"))
        assert r <= x <= width - r and r <= y <= height - r
    assert page.errors == []


@pytest.mark.parametrize("size", SIZES)
def test_the_case_map_keeps_each_line_on_its_card(chromium, phone, seed_views, size):
    """No line runs from one case's card to another's unless asked for; asked for, they come back."""
    page = open_page(sized(chromium, phone, size), seed_views, None, "family-lawsuits.html")
    data = page.evaluate("kgView.data")
    y = {n["id"]: n["y"] for n in data["nodes"]}

    def card(node):
        return next(i for i, (_, top, bottom) in enumerate(data["cards"]) if top <= y[node] <= bottom)

    assert len(data["cards"]) >= 3
    ends = {e["id"]: (e["from"], e["to"]) for e in data["edges"]}
    drawn = page.evaluate("kgView.edges.get({filter: e => !e.hidden}).map(e => e.id)")
    assert drawn and all(card(ends[i][0]) == card(ends[i][1]) for i in drawn)
    across = {i for i, (u, v) in ends.items() if card(u) != card(v)}
    assert across
    toggle = page.evaluate("document.getElementById('kg-nb').innerText")
    assert "between cases" in toggle
    page.evaluate("document.querySelector('#kg-nb input').click()")
    assert across <= set(page.evaluate("kgView.edges.get({filter: e => !e.hidden}).map(e => e.id)"))
