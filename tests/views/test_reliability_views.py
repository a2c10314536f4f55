"""Every string from an article stays text in every HTML output of kg.views: arbitrary labels,
aliases, descriptions, roles, quotes and titles (hypothesis) change no tag of a page, reach its
JSON escaped and come back exact; and the nastiest of them, built into a graph, run nothing in
a real browser (tests/browser.py, the harness of tests/test_views.py)."""

from __future__ import annotations

import html
import html.parser
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg.views import pages as views

from .probes import NODE_AT, hover, hover_edge, open_view

PWN = "console.error('PWNED');window.pwned=1"
# Each closes or opens something on the way: the script element, a tag, an attribute, a comment,
# CDATA, the template, a JavaScript string, a URL, the text direction.
NASTIEST = [f"</script><script>{PWN}</script>", f'<img src=x onerror="{PWN}">', f"'\"><svg onload={PWN}>",
            "<!--", "]]>", "<![CDATA[", f"{{{{7*7}}}} {{% if 1 %}}x{{% endif %}} ${{{PWN}}}",
            f'<a href="javascript:{PWN}">link</a>', f"<iframe srcdoc=\"<script>{PWN}</script>\"></iframe>",
            "\u2028\u2029 line separators", "\u202e\u2066 right-to-left \u202c", "&lt;&amp;&#x3C;", "\\u003c/script>",
            f"</title></style></textarea><script>{PWN}</script>"]
TEXT = st.one_of(st.sampled_from(NASTIEST), st.text(max_size=30),
                 st.lists(st.sampled_from(NASTIEST + ["<", ">", "&", "\"", "'", "/", " "]), max_size=6).map("".join))


class Tags(html.parser.HTMLParser):
    """The tags, comments and declarations of a page, in order, with their attributes."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple] = []
        self.data: dict[str, str] = {}
        self._in: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append(("start", tag, tuple(attrs)))
        self._in = dict(attrs).get("id") or tag

    def handle_endtag(self, tag):
        self.found.append(("end", tag))
        self._in = None

    def handle_comment(self, data):
        self.found.append(("comment", data))

    def handle_decl(self, decl):
        self.found.append(("decl", decl))

    def unknown_decl(self, data):
        self.found.append(("unknown", data))

    def handle_pi(self, data):
        self.found.append(("pi", data))

    def handle_data(self, data):
        if self._in:
            self.data[self._in] = self.data.get(self._in, "") + data


def graph(strings: dict[str, str]) -> nx.MultiDiGraph:
    """Two people, a city and a claim, every text of them taken from `strings`."""
    G = nx.MultiDiGraph()
    for node, kind in (("A", "Person"), ("B", "Person"), ("C", "City"), ("D", "LegalClaim")):
        G.add_node(node, label=strings[f"label{node}"], type=kind, classes=[kind, "Entity"],
                   aliases=[strings["alias"], strings["labelA"]], description=strings["description"],
                   wikidata=strings["wikidata"])
    edges = [("A", "B", "sued", ["legalAction", "opposes"]), ("B", "A", "supported", ["supports"]),
             ("A", "C", "holdsRole", ["affiliation"]), ("A", "D", "asserts", ["communication"]),
             ("A", "B", "criticized", ["opposes"])]
    for number, (u, v, relation, families) in enumerate(edges):
        G.add_edge(u, v, f"s{number}", relation=relation, families=families, statement=f"s{number}",
                   quote=strings["quote"], document="doc", published="2025-02", date="2025-02-07",
                   confidence="implied" if number % 2 else "explicit", title=strings["role"])
    return G


KEYS = ["labelA", "labelB", "labelC", "labelD", "alias", "description", "wikidata", "quote", "role",
        "source", "title", "note", "group"]


def pages(strings: dict[str, str]) -> dict[str, str]:
    """The HTML kg.views writes for a graph of `strings`: a view (with groups and a timeline), the
    notebook frame, the index."""
    G = graph(strings)
    look = views.style(G, {"doc": strings["source"]})
    look.ego_pages = {"A": "ego-A.html"}
    page = views.render(G, title=strings["title"], look=look, note=strings["note"], focus="A",
                        groups=[(strings["group"], {"A", "B"}), ("Other", {"C", "D"})], timeline=True)
    inline = views.render(G, title=strings["title"], look=look, inline=True, index=None)
    frame = views.Views(Path("."), [], "graph.html", lambda: inline)._repr_html_()
    return {"page": page, "inline": inline, "frame": frame}


@settings(max_examples=40, deadline=None)
@given(st.fixed_dictionaries({key: TEXT for key in KEYS}))
def test_article_text_changes_no_tag_and_comes_back_exactly(strings):
    written = pages(strings)
    plain = pages({key: "x" if value else "" for key, value in strings.items()})  # the same page, harmless text
    for name in ("page", "inline"):
        tags = Tags(written[name])
        assert tags.found == Tags(plain[name]).found, name
        raw = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', written[name], re.S).group(1)
        assert "<" not in raw and ">" not in raw
        data = json.loads(raw)
        assert [n["name"] for n in data["nodes"]] == [strings[f"label{n}"] for n in "ABCD"]
        assert all(e["quote"] == strings["quote"] for e in data["edges"])
        assert data["nodes"][0]["aliases"] == [strings["alias"], strings["labelA"]]
        # Roles are read from the role statements shown, so the panel follows the filters.
        assert any(e["title"] == strings["role"] and e["role"] for e in data["edges"])
        assert tags.data["title"] == f"{strings['title']} · kg"
        assert tags.data.get("h1", "") == strings["title"]
    assert Tags(written["page"]).data.get("p", "").count(strings["note"]) >= 1 or not strings["note"]
    frame = Tags(written["frame"])
    assert [t[:2] for t in frame.found] == [("start", "iframe"), ("end", "iframe")]
    assert dict(frame.found[0][2])["srcdoc"] == written["inline"]  # the page, whole, as one attribute


@settings(max_examples=40, deadline=None)
@given(st.fixed_dictionaries({key: TEXT for key in ("title", "outlet", "text")}))
def test_a_source_page_shows_its_text_as_text(strings):
    from kg.views import texts

    text = strings["text"] + "quoted words" + strings["text"]
    start = len(strings["text"])
    written = texts.source_page(strings["title"], strings["outlet"], "2017", text, {"s-1": (start, start + 12)})
    plain = texts.source_page("x", "x" if strings["outlet"] else "", "2017", "x" * len(strings["text"]) + "quoted words"
                              + "x" * len(strings["text"]), {"s-1": (start, start + 12)})
    assert Tags(written).found == Tags(plain).found
    assert html.unescape(re.search(r'<div class="text">(.*?)</div>', written, re.S).group(1)
                         .replace('<span id="s-s-1"></span>', "").replace('<mark data-s="s-1">', "")
                         .replace("</mark>", "")) == text


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=4))
def test_the_index_shows_titles_and_notes_as_text(tmp_path_factory, entries):
    folder = tmp_path_factory.mktemp("index")
    sections = {"Views": [views.Page(f"p{i}.html", title, 1, 1, note) for i, (title, note) in enumerate(entries)]}
    views._write_index(folder, nx.MultiDiGraph(), sections)
    written = (folder / "index.html").read_bytes().decode("utf-8")
    tags = Tags(written)
    assert [t[1] for t in tags.found if t[0] == "start" and t[1] == "a"] == ["a"] * len(entries)
    assert {t[1] for t in tags.found if t[0] == "start"} <= {"html", "head", "meta", "title", "link", "body",
                                                              "header", "h1", "p", "div", "ul", "li", "span",
                                                              "h2", "a", "script"}
    assert [t for t in tags.found if t[0] == "start" and t[1] == "script"] == [("start", "script", (("data-kg", "index"),))]
    assert not [t for t in tags.found if t[0] in ("comment", "unknown", "pi")]
    text = html.unescape(re.sub(r"<[^>]*>", "", written))
    for title, note in entries:
        assert title in text and note in text


# --- the nastiest strings, built into a graph and opened in Chromium ---

@pytest.fixture
def nasty_views(mini, tmp_path):
    """The mini project plus an article whose name, aliases, description, quotes, role and title
    are the strings above."""
    data = mini / "data"
    label, quote = NASTIEST[0] + " " + NASTIEST[5], NASTIEST[1] + " " + NASTIEST[7]
    title, role = NASTIEST[13], NASTIEST[2]
    text = f"Officials met {label}.\n{quote} said the {role}.\n"
    (data / "sources" / "nasty.txt").write_text(text, encoding="utf-8")
    with open(data / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(f"  - id: nasty\n    file: sources/nasty.txt\n    title: {json.dumps(title)}\n    date: 2025-03\n")
    (data / "entities" / "nasty.yaml").write_text(
        "entities:\n  - id: Nasty\n    type: Person\n"
        f"    label: {json.dumps(label)}\n    aliases: {json.dumps(NASTIEST[3:7])}\n"
        f"    description: {json.dumps(NASTIEST[8] + NASTIEST[9] + NASTIEST[10])}\n", encoding="utf-8")
    (data / "statements" / "nasty.yaml").write_text(
        "source: nasty\nstatements:\n"
        f"  - id: nasty-001\n    subject: Nasty\n    relation: criticized\n    object: JaneRoe\n"
        f"    quote: {json.dumps(quote)}\n    date: 2025-03-01\n"
        f"  - id: nasty-002\n    subject: Nasty\n    relation: holdsRole\n    object: Springfield\n"
        f"    title: {json.dumps(role)}\n    quote: {json.dumps(role)}\n", encoding="utf-8")
    kg.build(str(mini), store_dir=tmp_path / "store")
    written = views.write_views(kg.load(mini, tmp_path / "store"), tmp_path / "views", focus="Nasty")
    return written, label, quote, title


def assert_inert(page) -> None:
    assert page.evaluate("window.pwned") is None
    # The index's own thumbnails (shapes only) and its one small script are the page's, not data.
    assert page.evaluate("document.querySelectorAll('img, svg:not(.kg-thumb), iframe, a[href^=\"javascript\"], "
                         "script:not([src]):not([type]):not([data-kg]), svg.kg-thumb text').length") == 0
    assert page.evaluate("document.querySelectorAll('script[data-kg]').length") <= 1
    assert not [e for e in page.errors if "PWNED" in str(e)]
    assert page.errors == []


def test_the_nastiest_strings_show_as_text_and_run_nothing(chromium, nasty_views):  # noqa: F811
    written, label, quote, title = nasty_views
    for file in ("graph.html", "ego-Nasty.html", "timeline.html", "family-opposition.html"):
        page = open_view(chromium, written.folder / file)
        chromium.pump(0.3)
        assert_inert(page)
        text = hover(page, NODE_AT % json.dumps("Nasty"), label)
        assert NASTIEST[3] in text and NASTIEST[8] in text
        page.mouse_move(1, 1)
        if file != "timeline.html":  # on the time axis, a column of dots covers this line
            text = hover_edge(page, "nasty-001", "criticized")
            assert quote in text and title in text
        page.evaluate("kgView.select('Nasty')")  # the side panel: its statements, quotes, sources
        text = page.evaluate("document.getElementById('kg-details').innerText")
        assert text.startswith(label) and quote in text and title in text
        assert_inert(page)
    ego = open_view(chromium, written.folder / "ego-Nasty.html")
    assert ego.evaluate("document.title") == f"Around {label} (1 link) · kg"
    index = chromium.page()
    index.goto(written.index.as_uri())
    chromium.pump(0.3)
    assert label in index.evaluate("document.body.innerText")
    assert_inert(index)


def test_the_notebook_frame_runs_nothing_from_the_data(chromium, nasty_views, tmp_path):  # noqa: F811
    written, label, _, _ = nasty_views
    wrapper = tmp_path / "notebook.html"
    wrapper.write_text(f"<!DOCTYPE html><meta charset=utf-8><title>notebook</title><body>{written._repr_html_()}",
                       encoding="utf-8")
    page = chromium.page()
    page.goto(wrapper.as_uri())
    chromium.pump(3)
    assert page.evaluate("document.title") == "notebook"
    assert page.evaluate("document.querySelectorAll('iframe').length") == 1
    assert page.evaluate("window.pwned") is None
    assert not [e for e in page.errors if "PWNED" in str(e)]
