"""The views as a reader meets them, in a real headless Chromium on the seed graph: ink at once,
names that never overlap, the focus marked, and search, filters, the date range, the side panel
and the state in the URL, each driven through the page."""

from __future__ import annotations

import json

import browser
import pytest

from kg.views import pages as views

from .probes import NODE_AT

pytestmark = pytest.mark.browser

PAGES = ["graph.html", "ego-ThomasHoman.html", "family-lawsuits.html"]
VISIBLE_EDGES = "kgView.edges.get({filter: e => !e.hidden}).map(e => e.id)"
VISIBLE_NODES = "kgView.nodes.get({filter: n => !n.hidden}).map(n => n.id)"


def load(chromium, seed_views, file, hash_=""):
    page = chromium.page()
    page.goto((seed_views.folder / file).as_uri() + hash_)
    page.wait_for("window.kgView && window.kgView.stable")
    return page


def page_data(page):
    return page.evaluate("kgView.data")


@pytest.mark.parametrize("file", PAGES)
def test_the_canvas_has_ink_half_a_second_after_load(chromium, seed_views, file):
    page = chromium.page()
    page.goto((seed_views.folder / file).as_uri())
    chromium.pump(0.5)
    box = page.evaluate("(function () { var r = document.getElementById('kg-graph').getBoundingClientRect();"
                        " return [r.left, r.top, r.width, r.height].map(Math.round); })()")
    drawn = browser.coloured_pixels(page.screenshot(), tuple(box))
    assert drawn > 0.02 * box[2] * box[3], f"only {drawn} pixels drawn"
    assert page.evaluate("network.physics.options.enabled") is False  # laid out in Python, not here


@pytest.mark.parametrize("file", PAGES)
def test_drawn_names_never_overlap_and_are_readable(chromium, seed_views, file):
    page = load(chromium, seed_views, file)
    boxes = page.evaluate("kgView.labelBoxes()")
    assert len(boxes) >= 8, boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a["left"] < b["right"] and b["left"] < a["right"] and
                        a["top"] < b["bottom"] and b["top"] < a["bottom"]), (a, b)
    # Type of at least 12 pixels on the screen, whatever the zoom the page opened at.
    sizes = page.evaluate("kgView.labelBoxes().map(b => b.font)")  # screen pixels
    assert min(sizes) >= 11.9, sizes
    # Zooming in shows more names, still none over another.
    page.evaluate("network.moveTo({scale: network.getScale() * 2.5}); network.emit('zoom', {}); 0")
    chromium.pump(0.5)
    page.evaluate("network.redraw()")
    chromium.pump(0.2)
    more = page.evaluate("kgView.labelBoxes()")
    if file == "graph.html":  # more names than fitted at the opening zoom, in a smaller area
        assert len(more) > 0.6 * len(boxes)
    assert all(not (a["left"] < b["right"] and b["left"] < a["right"]
                    and a["top"] < b["bottom"] and b["top"] < a["bottom"])
               for i, a in enumerate(more) for b in more[i + 1:])


def test_the_focus_is_at_the_centre_labelled_and_marked(chromium, seed_views):
    page = load(chromium, seed_views, "ego-ThomasHoman.html")
    assert "ThomasHoman" in [b["id"] for b in page.evaluate("kgView.labelBoxes()")]
    node = page.evaluate("(function (b) { return {x: b.x, y: b.y, size: b.options.size, "
                         "border: b.options.borderWidth}; })"
                         "(network.body.nodes['ThomasHoman'])")
    sizes = page.evaluate("Object.values(network.body.nodes).map(b => b.options.size)")
    assert (node["x"], node["y"]) == (0, 0) and node["size"] == max(sizes) and node["border"] >= 4
    # Its neighbours on a ring round it, grouped by relation family.
    data = page_data(page)
    near = {e["to"] if e["from"] == "ThomasHoman" else e["from"] for e in data["edges"]
            if "ThomasHoman" in (e["from"], e["to"])} - {"ThomasHoman"}
    radii = {round(((n["x"] / 1.2) ** 2 + n["y"] ** 2) ** 0.5) for n in data["nodes"] if n["id"] in near}
    assert len(radii) == 1


def type_in(page, text):
    """Type into the search box as a reader does (the page hears each input)."""
    page.evaluate("(function (s) { s.value = ''; s.focus(); })(document.getElementById('kg-search'))")
    page.send("Input.insertText", {"text": text})
    return page.evaluate("[...document.querySelectorAll('#kg-hits .kg-hit-name')].map(li => li.textContent)")


def choose(page, text):
    type_in(page, text)
    page.evaluate("document.getElementById('kg-search').dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}))")


@pytest.mark.parametrize("file", PAGES)
def test_search_by_name_or_alias_centres_highlights_and_dims(chromium, seed_views, seed_graph, file):
    page = load(chromium, seed_views, file)
    data = page_data(page)
    # The best-connected entity with an alias that is not its name.
    n = max((n for n in data["nodes"] if [a for a in n["aliases"] if a.lower() != n["name"].lower()]),
            key=lambda n: -n["rank"])
    alias = next(a for a in n["aliases"] if a.lower() != n["name"].lower())
    assert n["name"] in type_in(page, n["name"][:5]) and n["name"] in type_in(page, alias)  # as one types
    choose(page, alias)
    assert page.evaluate("kgView.state.sel") == n["id"]
    assert f"sel={n['id']}" in page.evaluate("location.hash")
    neighbours = {e["from"] for e in data["edges"] if e["to"] == n["id"]} | \
        {e["to"] for e in data["edges"] if e["from"] == n["id"]}
    colours = page.evaluate("Object.fromEntries(kgView.nodes.get().map(x => [x.id, x.color.background]))")
    others = [x["id"] for x in data["nodes"] if x["id"] not in neighbours | {n["id"]}]
    assert all(colours[x] == "#e4e4e4" for x in others)
    assert all(colours[x] != "#e4e4e4" for x in neighbours | {n["id"]})
    centre = page.evaluate("network.getViewPosition()")
    assert abs(centre["x"] - n["x"]) < 1 and abs(centre["y"] - n["y"]) < 1
    assert n["id"] in [b["id"] for b in page.evaluate("kgView.labelBoxes()")]


def test_each_filter_hides_what_it_should(chromium, seed_views):
    page = load(chromium, seed_views, "graph.html")
    data = page_data(page)
    edges = {e["id"]: e for e in data["edges"]}
    nodes = {n["id"]: n for n in data["nodes"]}
    page.evaluate("document.querySelector('.kg-fam[value=opposes]').click()")
    shown = page.evaluate(VISIBLE_EDGES)
    assert set(shown) == {i for i, e in edges.items() if e["family"] != "opposes"}
    assert "nofam=opposes" in page.evaluate("location.hash")
    page.evaluate("document.querySelector('.kg-fam[value=opposes]').click()")
    page.evaluate("document.querySelector('.kg-type[value=Person]').click()")
    assert not [n for n in page.evaluate(VISIBLE_NODES) if nodes[n]["group"] == "Person"]
    assert not [i for i in page.evaluate(VISIBLE_EDGES)
                if "Person" in (nodes[edges[i]["from"]]["group"], nodes[edges[i]["to"]]["group"])]
    page.evaluate("document.querySelector('.kg-type[value=Person]').click()")
    page.evaluate("(function (s) { s.value = '1'; s.dispatchEvent(new Event('change')); })"
                  "(document.getElementById('kg-source'))")
    shown = page.evaluate(VISIBLE_EDGES)
    assert shown and set(shown) == {i for i, e in edges.items() if e["doc"] == 1}
    assert "src=1" in page.evaluate("location.hash")
    page.evaluate("(function (s) { s.value = ''; s.dispatchEvent(new Event('change')); })"
                  "(document.getElementById('kg-source'))")
    page.evaluate("document.querySelector('.kg-conf[value=implied]').click()")
    shown = page.evaluate(VISIBLE_EDGES)
    assert set(shown) == {i for i, e in edges.items() if e["confidence"] != "implied"}
    assert len(shown) < len(edges)


def test_the_date_range_hides_what_falls_outside(chromium, seed_views, seed_graph):
    page = load(chromium, seed_views, "graph.html")
    periods = page.evaluate("kgView.periods")
    # Every year from the first to the last, gaps included.
    assert periods == [str(y) for y in range(int(periods[0]), int(periods[-1]) + 1)] and "2019" in periods
    assert page.evaluate("document.getElementById('kg-undated').checked") is True  # no range yet: all in
    # 2017 alone: events dated in 2017 and roles valid then; the undated are out once a range is set.
    set_range(page, "2017", "2017")
    G = seed_graph.to_networkx()
    spans = {d["statement"]: views.valid_time(d) for _, _, d in G.edges(data=True)}
    dated = {s for s, span in spans.items() if span and span[0] <= "2017-12-31" and span[1] >= "2017-01-01"}
    undated = {s for s, span in spans.items() if span is None}
    assert set(page.evaluate(VISIBLE_EDGES)) == dated
    assert page.evaluate("document.getElementById('kg-undated').checked") is False
    assert "from=2017" in page.evaluate("location.hash") and "to=2017" in page.evaluate("location.hash")
    # Asked for, the undated come back, each marked: dotted, and labelled with when it was reported.
    page.evaluate("document.getElementById('kg-undated').click()")
    assert set(page.evaluate(VISIBLE_EDGES)) == dated | undated
    marks = page.evaluate("kgView.edges.get({filter: e => !e.hidden}).filter(e => !kgView.data.edges.find("
                          "d => d.id === e.id).t0).map(e => [e.dashes, kgView.data.edges.find(d => d.id === e.id).text])")
    assert marks and all(dashes == [2, 4] and "reported" in text for dashes, text in marks)


def set_range(page, first, last):
    periods = page.evaluate("kgView.periods")
    for slider, value in (("kg-from", first), ("kg-to", last)):
        page.evaluate(f"(function (s) {{ s.value = {periods.index(value)}; s.dispatchEvent(new Event('input')); }})"
                      f"(document.getElementById('{slider}'))")


@pytest.mark.parametrize("file", ["graph.html", "ego-RossMirkarimi.html", "timeline.html"])
def test_with_the_range_on_2017_no_role_outside_its_time_is_drawn_or_listed(chromium, seed_views, seed_graph, file):
    page = load(chromium, seed_views, file)
    if "2017" not in page.evaluate("kgView.periods"):
        pytest.skip("no 2017 in this view")
    set_range(page, "2017", "2017")
    G = seed_graph.to_networkx()
    roles = {d["statement"]: views.valid_time(d) for _, _, d in G.edges(data=True) if d["relation"] == "holdsRole"}
    outside = {s for s, span in roles.items() if not span or span[0] > "2017-12-31" or span[1] < "2017-01-01"}
    assert not outside & set(page.evaluate(VISIBLE_EDGES))
    if "RossMirkarimi" not in {n["id"] for n in page_data(page)["nodes"]}:
        return
    # Mirkarimi's panel lists no role: the source does not date his term as sheriff.
    page.evaluate("kgView.select('RossMirkarimi', true)")
    card = page.evaluate("document.querySelector('#kg-details .kg-card').innerText")
    assert "Ross Mirkarimi" in card and "Roles:" not in card and "Sheriff of" not in card
    # With the undated asked for, the role shows, marked as reported, not as held in 2017.
    page.evaluate("document.getElementById('kg-undated').click()")
    card = page.evaluate("document.querySelector('#kg-details .kg-card').innerText")
    assert "Sheriff of San Francisco (not dated; reported 2017)" in card


@pytest.mark.parametrize("file", PAGES)
def test_clicking_an_entity_lists_its_statements_with_quotes_and_sources(chromium, seed_views, seed_graph, file):
    page = load(chromium, seed_views, file)
    data = page_data(page)
    target = "ThomasHoman" if file != "family-lawsuits.html" else "SanFrancisco"
    page.evaluate(f"network.moveTo({{position: network.getPositions(['{target}'])['{target}'], scale: 1.5}})")
    chromium.pump(0.2)
    x, y = page.evaluate(NODE_AT % json.dumps(target))
    page.click(x, y)
    page.wait_for(f"kgView.state.sel === '{target}'", timeout=10)
    mine = [e for e in data["edges"] if target in (e["from"], e["to"])]
    items = page.evaluate("[...document.querySelectorAll('#kg-details .kg-statement')].map(li => li.innerText)")
    assert len(items) == len(mine)
    titles = {r["source"]: r["title"] for r in seed_graph.query("stats-sources")}
    text = "\n".join(items)
    for e in mine:
        assert e["quote"] in text and e["relation"] in text
    assert any(t in text for t in titles.values())
    link = page.evaluate("(document.querySelector('#kg-details a.kg-ego') || {}).href")
    if file == "ego-ThomasHoman.html":
        assert link is None  # already its focus view
    else:
        assert link.endswith(f"ego-{target}.html")
    # The other end of a statement is a button that moves the panel to it.
    other = page.evaluate("document.querySelector('#kg-details .kg-other').textContent")
    page.evaluate("document.querySelector('#kg-details .kg-other').click()")
    assert page.evaluate("document.querySelector('#kg-details .kg-title').textContent") == other


def test_the_url_holds_the_state_and_restores_it(chromium, seed_views):
    page = load(chromium, seed_views, "graph.html", "#sel=ThomasHoman&nofam=opposes&noconf=implied&notype=Event")
    assert page.evaluate("kgView.state.sel") == "ThomasHoman"
    assert page.evaluate("document.querySelector('#kg-details .kg-title').textContent") == "Thomas Homan"
    assert page.evaluate("document.querySelector('.kg-fam[value=opposes]').checked") is False
    assert page.evaluate("document.querySelector('.kg-conf[value=implied]').checked") is False
    data = page_data(page)
    edges = {e["id"]: e for e in data["edges"]}
    shown = page.evaluate(VISIBLE_EDGES)
    assert shown and all(edges[i]["family"] != "opposes" and edges[i]["confidence"] != "implied" for i in shown)
    # A change made in the page goes back into the URL, for sharing.
    page.evaluate("document.querySelector('.kg-fam[value=opposes]').click()")
    assert "nofam" not in page.evaluate("location.hash") and "sel=ThomasHoman" in page.evaluate("location.hash")


def test_the_index_describes_each_view_with_its_counts(chromium, seed_views):
    page = chromium.page()
    page.goto(seed_views.index.as_uri())
    cards = page.evaluate("[...document.querySelectorAll('.kg-view')].map(li => ({title: li.querySelector("
                          "'.kg-view-title').innerText, href: li.querySelector('a').getAttribute('href'), "
                          "counts: li.querySelector('.kg-view-counts').innerText, thumb: !!li.querySelector('svg')}))")
    by_file = {p.file: p for p in seed_views.pages + seed_views.more}
    assert {c["href"] for c in cards} == set(by_file)  # every view written, each once
    for card in cards:
        page_ = by_file[card["href"]]
        assert f"{page_.nodes} entities, {page_.edges} statements" in card["counts"] and card["thumb"]
        assert page_.nodes >= views.MIN_FOCUS or not page_.name or page_.file == "ego-ThomasHoman.html"
    # Focus views: people first, the most central first; Homan and Chiu among them.
    focus = [c["title"] for c in cards if c["href"].startswith("ego-")]
    people = [p for p in seed_views.pages + seed_views.more if p.name and p.person]
    assert focus[:len(people)] == [p.name for p in sorted(people, key=lambda p: (-p.score, p.name))]
    assert "Thomas Homan" in focus and "David Chiu" in focus
    # The list is searchable as one types.
    page.evaluate("(function (s) { s.value = 'chiu'; s.dispatchEvent(new Event('input')); })"
                  "(document.getElementById('kg-index-search'))")
    shown = page.evaluate("[...document.querySelectorAll('.kg-focus-view')].filter(li => !li.hidden)"
                          ".map(li => li.dataset.name)")
    assert shown == ["David Chiu"]


def test_a_large_view_draws_entities_first_then_its_lines_and_still_filters(chromium, tmp_path):
    import networkx as nx

    G = nx.MultiDiGraph()
    for i in range(1500):
        G.add_node(f"E{i}", label=f"Entity {i}", type="Person", classes=["Person", "Actor", "Entity"])
    for i in range(3200):  # above the page's 3,000 lines: lines join after the first frame
        relation, families = (("supported", ["supports"]) if i % 2 else ("threatened", ["opposes"]))
        G.add_edge(f"E{(i * 7) % 1500}", f"E{(i * 13 + 1) % 1500}", f"s{i}", relation=relation,
                   families=families, statement=f"s{i}", quote="text", confidence="explicit")
    views.copy_assets(tmp_path)
    path = views.write(tmp_path / "big.html", views.render(G, title="Big", limit=1500))
    page = chromium.page()
    page.goto(path.as_uri())
    page.wait_for("window.kgView && window.kgView.stable", timeout=120)
    assert page.evaluate("kgView.firstFrame <= kgView.linesFrame")
    assert page.evaluate("network.body.data.edges.length") == 3200
    page.evaluate("document.querySelector('.kg-fam[value=opposes]').click()")
    assert len(page.evaluate(VISIBLE_EDGES)) == 1600
    assert page.errors == []
