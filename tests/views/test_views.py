"""kg.views: pages that open offline in a real headless Chromium, draw, show their tooltips,
and show hostile article text as text."""

from __future__ import annotations

import json
import re

import browser
import networkx as nx
import pytest

import kg
from conftest import run_kg
from kg.views import pages as views

from .probes import CLEAR_EDGE, EDGE_AT, NODE_AT, hover, hover_edge, open_view

PWNED = "document.title='pwned'"
HOSTILE_LABEL = f'<img src=x onerror="{PWNED}">'
HOSTILE_ALIAS = f"<script>{PWNED}</script>"
HOSTILE_QUOTE = f"</script><script>{PWNED}</script> & <b>bold</b>"
HOSTILE_TITLE = f"<script>{PWNED}</script> report"

@pytest.fixture
def hostile_views(mini, tmp_path):
    """The mini project plus an article whose names, quote and title are markup."""
    data = mini / "data"
    text = f"Officials met {HOSTILE_LABEL}.\nThey said {HOSTILE_QUOTE} again.\n"
    (data / "sources" / "hostile.txt").write_text(text, encoding="utf-8")
    with open(data / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(f"  - id: hostile\n    file: sources/hostile.txt\n    title: {json.dumps(HOSTILE_TITLE)}\n"
                f"    date: 2025-03\n")
    (data / "entities" / "hostile.yaml").write_text(
        "entities:\n  - id: HostileGroup\n    type: Group\n"
        f"    label: {json.dumps(HOSTILE_LABEL)}\n    aliases: [{json.dumps(HOSTILE_ALIAS)}]\n    wikidata: Q1\n"
        f"    description: {json.dumps(HOSTILE_QUOTE)}\n", encoding="utf-8")
    (data / "statements" / "hostile.yaml").write_text(
        "source: hostile\nstatements:\n  - id: hostile-001\n    subject: JaneRoe\n"
        f"    relation: criticized\n    object: HostileGroup\n    quote: {json.dumps(HOSTILE_QUOTE)}\n"
        "    date: 2025-03-01\n", encoding="utf-8")
    store = tmp_path / "store"
    kg.build(str(mini), store_dir=store)
    return views.write_views(kg.load(mini, store), tmp_path / "views", focus="HostileGroup")


# --- in the browser -------------------------------------------------------------------------

def test_every_view_loads_offline_without_errors(chromium, seed_views):
    assert {p.file for p in seed_views.pages} >= {
        "graph.html", "ego-ThomasHoman.html", "family-lawsuits.html", "family-opposition.html",
        "family-claims.html", "communities.html", "timeline.html"}
    for path in [seed_views.index, *seed_views.paths]:
        page = chromium.page()
        page.goto(path.as_uri())
        if path != seed_views.index:
            page.wait_for("window.kgView && window.kgView.stable")
            assert page.evaluate("network.body.data.nodes.length") > 0, path.name
        chromium.pump(0.2)
        assert page.errors == [], path.name
        assert page.requests and all(url.startswith("file://") for url in page.requests), page.requests


def test_index_links_every_view(chromium, seed_views):
    page = chromium.page()
    page.goto(seed_views.index.as_uri())
    links = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert sorted(links) == sorted(p.file for p in seed_views.pages + seed_views.more)


def test_the_main_view_draws(chromium, seed_views):
    page = open_view(chromium, seed_views.folder / "graph.html")
    box = page.evaluate("(function () { var r = document.getElementById('kg-graph').getBoundingClientRect();"
                        " return [r.left, r.top, r.width, r.height].map(Math.round); })()")
    drawn = browser.coloured_pixels(page.screenshot(), tuple(box))
    assert drawn > 0.01 * box[2] * box[3], f"only {drawn} pixels drawn"


def test_hovering_a_node_shows_its_details(chromium, seed_views):
    page = open_view(chromium, seed_views.folder / "ego-ThomasHoman.html")
    text = hover(page, NODE_AT % json.dumps("ThomasHoman"), "Thomas Homan")
    assert "Type: Person" in text and "Also called:" in text and "Homan" in text


def test_hovering_an_edge_shows_its_quote_and_source(chromium, seed_views, seed_graph):
    G = seed_graph.to_networkx()
    page = open_view(chromium, seed_views.folder / "ego-ThomasHoman.html")
    single = [k for u, v, k in G.edges("ThomasHoman", keys=True)
              if G.number_of_edges(u, v) + G.number_of_edges(v, u) == 1]
    key = page.evaluate(CLEAR_EDGE % json.dumps(single))
    u, v, data = next((u, v, d) for u, v, k, d in G.edges(keys=True, data=True) if k == key)
    text = hover_edge(page, key, views.words(data["relation"]))
    title = {r["source"]: r["title"] for r in seed_graph.query("stats-sources")}[data["document"]]
    assert f"{G.nodes[u]['label']} → {G.nodes[v]['label']}" in text
    assert data["quote"] in text and title in text


def test_clicking_a_node_keeps_its_details_with_links(chromium, hostile_views):
    page = open_view(chromium, hostile_views.folder / "graph.html")
    x, y = page.evaluate(NODE_AT % json.dumps("HostileGroup"))
    page.click(x, y)
    links = page.wait_for("[...document.querySelectorAll('#kg-details a')].map(a => a.getAttribute('href'))")
    assert links[:2] == ["https://www.wikidata.org/wiki/Q1", "ego-HostileGroup.html"]
    assert links[2:] and all(link.startswith("sources/hostile.html#s-") for link in links[2:])  # at the quote
    assert page.evaluate("document.getElementById('kg-details').innerText").startswith(HOSTILE_LABEL)


def middles(page, keys):
    return {tuple(round(c) for c in page.evaluate(EDGE_AT % json.dumps(k))) for k in keys}


def test_parallel_edges_are_drawn_apart(chromium, seed_views, seed_graph, tmp_path):
    G = seed_graph.to_networkx()
    pairs = {}
    for u, v, k in G.edges(keys=True):
        pairs.setdefault(frozenset((u, v)), []).append(k)
    keys = max(pairs.values(), key=len)
    assert len(keys) >= 2
    page = open_view(chromium, seed_views.folder / "graph.html")
    assert len(middles(page, keys)) == len(keys)
    # Both directions between one pair, five statements.
    H = nx.MultiDiGraph([("a", "b", f"s{i}", {"statement": f"s{i}"}) if i < 2 else
                         ("b", "a", f"s{i}", {"statement": f"s{i}"}) for i in range(5)])
    views.copy_assets(tmp_path)
    page = open_view(chromium, views.write(tmp_path / "pair.html", views.render(H, title="pair")))
    length = page.evaluate("(function (p) { return Math.hypot(p.a.x - p.b.x, p.a.y - p.b.y); })"
                           "(network.getPositions())")
    points = [page.evaluate(f"network.body.edges['s{i}'].edgeType.getPoint(0.5)") for i in range(5)]
    gaps = [((p["x"] - q["x"]) ** 2 + (p["y"] - q["y"]) ** 2) ** 0.5
            for i, p in enumerate(points) for q in points[i + 1:]]
    assert min(gaps) > 0.1 * length, gaps  # each bends its own way, none on top of another


def test_a_large_graph_shows_its_most_central_entities_and_settles(chromium, tmp_path):
    G = nx.MultiDiGraph()
    for i in range(800):
        G.add_node(f"E{i}", label=f"Entity {i}", type="Person", classes=["Person", "Actor", "Entity"])
    for i in range(1, 800):  # keyed 0, 1, ... per pair, as networkx does: ids must not clash
        G.add_edge(f"E{i}", f"E{i // 3}", relation="supported", families=["supports"], quote="text")
        G.add_edge(f"E{i}", f"E{i // 3}", relation="memberOf", families=["affiliation"], quote="text")
    path = views.write(tmp_path / "big.html", views.render(G, title="Big", limit=300))
    views.copy_assets(tmp_path)
    page = open_view(chromium, path)
    assert page.evaluate("network.body.data.nodes.length") == 300
    assert "300 most central of 800" in page.evaluate("document.querySelector('.kg-note').textContent")
    before = page.evaluate("JSON.stringify(network.getPositions())")
    chromium.pump(0.5)
    assert page.evaluate("JSON.stringify(network.getPositions())") == before  # physics has stopped
    assert page.errors == []


def test_hostile_text_shows_as_text_and_runs_nothing(chromium, hostile_views):
    titles = {"graph.html": "The whole graph · kg", "ego-HostileGroup.html": f"Around {HOSTILE_LABEL} (1 link) · kg"}
    for file, title in titles.items():
        page = open_view(chromium, hostile_views.folder / file)
        chromium.pump(0.3)
        assert page.evaluate("document.title") == title
        assert page.evaluate("document.querySelectorAll('img, script:not([src]):not([type])').length") == 0
        text = hover(page, NODE_AT % json.dumps("HostileGroup"), HOSTILE_LABEL)
        assert HOSTILE_ALIAS in text and HOSTILE_QUOTE in text
        page.mouse_move(1, 1)
        text = hover_edge(page, "hostile-001", "criticized")
        assert "Jane Roe → " in text
        assert HOSTILE_QUOTE in text and HOSTILE_TITLE in text
        assert page.evaluate("document.title") == title
        assert page.errors == []
    page = chromium.page()
    page.goto(hostile_views.index.as_uri())
    assert HOSTILE_LABEL in page.evaluate("document.body.innerText")
    assert page.evaluate("document.title") == "Views of the graph · kg"


def test_the_notebook_frame_draws_on_its_own(chromium, seed_views, tmp_path):
    alone = tmp_path / "notebook.html"  # a folder without lib/: everything must be inline
    alone.write_text(f"<!DOCTYPE html><meta charset=utf-8><body style='margin:0'>{seed_views._repr_html_()}",
                     encoding="utf-8")
    page = chromium.page()
    page.goto(alone.as_uri())
    chromium.pump(3)
    drawn = browser.coloured_pixels(page.screenshot(), (10, 120, 800, 500))  # the graph, below the heading
    assert drawn > 0.01 * 800 * 500
    assert page.errors == [] and all(url.startswith(("file://", "about:")) for url in page.requests)


# --- the files --------------------------------------------------------------------------------

def test_pages_are_utf8_and_escape_article_text(hostile_views):
    raw = (hostile_views.folder / "ego-HostileGroup.html").read_bytes()
    text = raw.decode("utf-8")
    assert "<script>document.title" not in text and "<img src=x" not in text
    assert "\\u003cimg src=x" in text  # the JSON data, escaped
    assert "&lt;img src=x" in text  # the page title and heading
    assert re.findall(r"<script[^>]*>", text) == ['<script type="application/json" id="kg-data">',
                                                  '<script src="lib/vis-network.min.js">',
                                                  '<script src="lib/view.js">']


def test_the_notebook_display_is_a_sandboxed_self_contained_frame(hostile_views):
    shown = hostile_views._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts allow-popups"' in shown
    assert "<script" not in shown and "<img" not in shown  # all of the page is an attribute value
    assert "lib/vis-network" not in shown  # the script is inside, so it works without the folder


def test_valid_time_reads_events_by_date_and_roles_by_start_and_end():
    assert views.valid_time({"date": "2025-02-07", "published": "2025-03"}) == ("2025-02-07", "2025-02-07")
    assert views.valid_time({"start_date": "2017", "end_date": "2021-01"}) == ("2017-01-01", "2021-01-31")
    # Known only to hold at its end: not "since the beginning of time" (kg.validtime).
    assert views.valid_time({"end_date": "2021"}) == ("2021-01-01", "2021-12-31")
    assert views.valid_time({"published": "2025-03"}) is None  # reported then, not held then


def test_a_limit_on_entities_bounds_statements_too():
    G = nx.MultiDiGraph()
    for i in range(40):
        for j in range(i + 1, 40):
            for k in range(3):
                G.add_edge(f"E{i}", f"E{j}", f"s{i}-{j}-{k}", statement=f"s{i}-{j}-{k}")
    part = views.bound(views.Part.of(G), {f"E{i}": 1 / (i + 1) for i in range(40)}, 10)
    assert len(part.nodes) == 10 and len(part.edges) == views.STATEMENTS_PER_ENTITY * 10
    assert len({frozenset(e[:2]) for e in part.edges}) == 40  # one per linked pair (45) first, the strongest
    assert "40 of the 135 statements" in part.note
    # A focus keeps its own statements first, though it is the least central.
    part = views.bound(views.Part.of(G), {f"E{i}": 1 / (i + 1) for i in range(40)}, 10, keep=["E39"])
    assert "E39" in part.nodes
    assert {frozenset(e[:2]) for e in part.edges} >= {frozenset(("E39", n)) for n in part.nodes if n != "E39"}


def test_kg_viz_writes_the_views_and_an_index(seed_build, tmp_path):
    out = tmp_path / "views"
    done = run_kg("--store", str(seed_build), "viz", "--out", str(out), "--focus", "Homan", "--format", "csv")
    assert done.returncode == 0, done.stderr
    files = [line.split(",")[0] for line in done.stdout.splitlines()[1:]]
    assert "ego-ThomasHoman.html" in files and all((out / f).is_file() for f in files)
    assert (out / "index.html").is_file() and (out / "lib" / "vis-network.min.js").is_file()


def test_kg_viz_names_an_unknown_focus_in_one_line(seed_build, tmp_path):
    done = run_kg("--store", str(seed_build), "viz", "--out", str(tmp_path), "--focus", "Homann")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Homann" in done.stderr and "Traceback" not in done.stderr


def test_the_case_map_names_its_claims_and_provisions_rows_not_the_party_heads(seed_views):
    """Claims and provisions run across every column of a case map: each row is captioned where
    it starts, and the columns' heads speak only for the parties above."""
    html = (seed_views.folder / "family-lawsuits.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', html, re.S).group(1))
    assert [head for head, _ in data["columns"]] == ["Plaintiffs", "Case", "Defendants, targets",
                                                   "Courts that ruled"]
    captions = sorted((y, text) for text, y in data["captions"])
    assert {text for _, text in captions} >= {"Claims made in it", "Provisions the claims invoke"}
    row_of = {"Legal claim": "Claims made in it", "Constitutional provision": "Provisions the claims invoke",
              "Statutory provision": "Provisions the claims invoke"}
    placed = 0
    for node in data["nodes"]:
        if node["type"] in row_of:
            above = [text for y, text in captions if y < node["y"]]
            assert above and above[-1] in (row_of[node["type"]], "Other legal action"), node["name"]
            placed += above[-1] == row_of[node["type"]]
    assert placed >= 10


def test_the_shipped_vis_network_is_pyvis_s_copy():
    from importlib import resources

    pyvis = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    for name in ("vis-network.min.js", "vis-network.css"):
        assert (views.ASSETS / name).read_bytes() == (pyvis / name).read_bytes(), name


def test_a_second_write_into_the_folder_keeps_the_first_one_s_views_in_the_index(seed_graph, tmp_path):
    first = seed_graph.view(out=tmp_path, top=2)
    second = seed_graph.view(focus="Chiu", out=tmp_path, top=0)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for page in [*first.pages, *second.pages]:
        assert f'href="{page.file}"' in index, page.file
