"""`kg story`: a story file in, a page and its pictures out; a bad file gets one line naming the
file, the line and the key."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_kg
from kg.views import story

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "homan-story.yaml"


def test_kg_story_writes_the_page_and_its_pictures(seed_build, tmp_path):
    done = run_kg("--store", str(seed_build), "story", str(EXAMPLE), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Homan and the sanctuary cities, 2017–2025" in page and "Graphic: kg" in page
    root = ET.parse(tmp_path / "out" / "story.svg").getroot()
    assert "ThomasHoman" in {c.get("data-id") for c in root.iter("{http://www.w3.org/2000/svg}circle")}
    assert (tmp_path / "out" / "story.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list((tmp_path / "out" / "sources").glob("*.html"))


def test_the_story_keeps_to_its_range_and_its_focus(seed_graph, tmp_path):
    page = story.write_story(seed_graph, EXAMPLE, tmp_path)
    import json
    import re

    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page.read_text(encoding="utf-8"), re.S).group(1))
    assert data["focus"] == "ThomasHoman" and data["edges"]
    # Only what the sources date, within 2017-2025: nothing undated slips into a dated story.
    assert all(e["t0"] and e["t0"] <= "2025-12-31" and e["t1"] >= "2017-01-01" for e in data["edges"])
    assert [n["n"] for n in data["notes"]] == [1, 2, 3]


GOOD = EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize("text, line, key", [
    (GOOD.replace("headline: Homan", "title: Homan"), 4, "title: unknown key"),
    ("\n".join(x for x in GOOD.splitlines() if not x.startswith("credit:")), 1, "credit: missing"),
    (GOOD.replace("focus: Thomas Homan", "focus: Nobody Atall"), 10, "show.focus: no entity is called"),
    (GOOD.replace("range: [2017, 2025]", "range: [2017]"), 12, "show.range: must be [FIRST, LAST]"),
    (GOOD.replace("statement: arrest2018-024", "statement: resist2016-001"), 14,
     "annotations[1].statement: 'resist2016-001' is not drawn in this story"),
    (GOOD.replace("  - entity: Thomas Homan\n", "  - colour: red\n"), 18, "annotations[3].colour: unknown key"),
    (GOOD.replace("depth: 1", "depth: [1"), 12, "yaml:"),
])
def test_a_bad_story_file_gets_one_line_naming_file_line_and_key(seed_build, tmp_path, text, line, key):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    done = run_kg("--store", str(seed_build), "story", str(bad), "--out", str(tmp_path / "out"))
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"{bad}:{line}: {key}" in done.stderr, done.stderr
    assert not (tmp_path / "out" / "index.html").exists()
