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

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ["graph.html", "ego-ThomasHoman.html", "ego-DavidChiu.html", "family-lawsuits.html", "timeline.html",
         "story"]
FOCUS = {"ego-ThomasHoman.html", "ego-DavidChiu.html", "story"}


def open_page(b, seed_views, seed_story, file):
    path = seed_story if file == "story" else seed_views.folder / file
    page = b.page()
    page.goto(path.as_uri())
    page.wait_for("window.kgView && window.kgView.stable")
    return page


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
    if file in FOCUS:  # every line drawn says what it is
        drawn = page.evaluate("kgView.edges.get({filter: e => !e.hidden}).map(e => e.id)")
        said = {line["id"]: line["text"] for line in lines}
        assert drawn and set(drawn) <= set(said), set(drawn) - set(said)
        edges = {e["id"]: e for e in data["edges"]}
        assert all(said[i].startswith(edges[i]["text"].split(" · ")[0]) for i in drawn)
        assert all(" · " in said[i] for i in drawn)  # and when
        # Lines between two neighbours wait for the toggle.
        between = [e["id"] for e in data["edges"] if e["between"]]
        assert not set(between) & set(drawn)
    if file in FOCUS or data["shape"] == "box":  # names whole, never cut
        assert not [b["text"] for b in names if b["text"].endswith("…")]
        assert all(" ".join(n["lines"]) == " ".join(n["name"].split()) for n in data["nodes"])
        near = {n["id"] for n in data["nodes"] if n["must"] or n["focus"]}
        assert near <= {b["id"] for b in names}  # the focus and its neighbours always named


def test_the_ten_most_central_are_named_in_the_whole_graph(chromium, seed_views):
    page = open_page(chromium, seed_views, None, "graph.html")
    top = {n["id"] for n in page.evaluate("kgView.data.nodes") if n["rank"] < 10}
    assert top <= {b["id"] for b in page.evaluate("kgView.labelBoxes()")}


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


def test_the_timeline_axis_is_proportional_to_time(chromium, seed_views):
    page = open_page(chromium, seed_views, None, "timeline.html")
    data = page.evaluate("kgView.data")
    years = [(int(t[0]), t[1]) for t in data["ticks"] if t[2] and t[0].isdigit()]
    breaks = data["breaks"]
    assert len(years) >= 4
    spans = []
    for (y0, x0), (y1, x1) in zip(years, years[1:]):
        if any(x0 <= b[0] < x1 for b in breaks):  # a break in the axis: years left out, marked
            continue
        spans.append((x1 - x0) / (y1 - y0))
    assert spans and max(spans) - min(spans) < 1.0  # a year is as wide everywhere
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


@pytest.mark.parametrize("typed, wanted", [("Homna", "Thomas Homan"), ("Tom Homan", "Thomas Homan"),
                                           ("David Chu", "David Chiu"), ("sancturay", "Sanctuary jurisdictions")])
def test_typing_offers_the_right_name_before_enter(chromium, seed_views, typed, wanted):
    page = open_page(chromium, seed_views, None, "graph.html")
    offered = type_in(page, typed)
    assert wanted in offered[:3], offered
    # The matches stand out on the canvas as one types.
    faded = page.evaluate("kgView.nodes.get().filter(n => n.color && n.color.background === '#e4e4e4').length")
    assert faded > 0


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


def test_each_source_in_the_panel_opens_its_stored_text_at_the_quote(chromium, seed_views, seed_graph):
    page = open_page(chromium, seed_views, None, "ego-ThomasHoman.html")
    page.evaluate("kgView.select('ThomasHoman', true)")
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


def test_the_story_page_shows_its_headline_notes_and_credit_and_its_pictures_match(chromium, seed_story):
    page = chromium.page()
    page.goto(seed_story.as_uri())
    page.wait_for("window.kgView && window.kgView.stable")
    assert page.evaluate("document.querySelector('h1').textContent") == "Homan and the sanctuary cities, 2017–2025"
    notes = page.evaluate("[...document.querySelectorAll('.kg-notes li')].map(li => li.innerText)")
    assert len(notes) == 3 and "border czar" in notes[2]
    assert "Graphic: kg" in page.evaluate("document.querySelector('.kg-credit').innerText")
    assert len([p for p in page.evaluate("kgView.pins()") if p]) == 3  # each note pinned on the graph
    shown = set(page.evaluate("kgView.dots().map(d => d.id)"))
    named = {b["id"] for b in page.evaluate("kgView.labelBoxes()")}
    svg = ET.parse(seed_story.parent / "story.svg").getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert {c.get("data-id") for c in svg.iter(f"{ns}circle") if c.get("data-id")} == shown
    assert {t.get("data-id") for t in svg.iter(f"{ns}text") if t.get("data-id")} == named
    assert "Homan and the sanctuary cities" in "".join(svg.itertext())
    width, height, _ = browser.decode_png((seed_story.parent / "story.png").read_bytes())
    assert width > 600 and height > 400
    assert browser.coloured_pixels((seed_story.parent / "story.png").read_bytes()) > 0.01 * width * height
    assert page.errors == []
