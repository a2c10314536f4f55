"""The command line under concurrent use and hostile text: `kg query` processes during builds
see the old graph or the new one, a second build waits and says so, and article text reaches
the terminal as text (no markup, no control sequences), errors in one line."""

from __future__ import annotations

import fcntl
import io
import json
import re
import subprocess
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from conftest import run_kg
from kg import output

EXTRA = ("source: memo\nstatements:\n  - id: memo-100\n    subject: JaneRoe\n    relation: opposed\n"
         "    object: FederalAgency\n    quote: \"Mayor Jane Roe said the city would not back down.\"\n")
# Both counts in one query: a reader that saw parts of two stores would pair them wrongly.
COUNTS = ("SELECT ?statements ?triples WHERE { { SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o } } "
          "{ SELECT (COUNT(?st) AS ?statements) WHERE { ?st a kg:Statement } } }")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NASTY = ["[/]", "[bold red]loud[/bold red]", "[link=https://example.org]click[/link]", "\x1b[2J\x1b[31mred",
         "\x1b]0;new window title\x07", "\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\", "\r overwritten",
         "\u202eevil\u202c", "\x00nul", "\x9b31m C1", "<script>alert(1)</script>", "tab\there"]


def counts(g) -> tuple[int, int]:
    row = g.query(COUNTS).rows()[0]
    return row["statements"], row["triples"]


# --- kg query while kg build publishes ---

def test_query_processes_during_builds_see_the_old_graph_or_the_new_one(mini, tmp_path):
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    old = counts(kg.load(mini, store_dir))
    extra = mini / "data" / "statements" / "extra.yaml"
    extra.write_text(EXTRA)
    kg.build(str(mini), store_dir=tmp_path / "probe")
    new = counts(kg.load(mini, tmp_path / "probe"))
    assert new != old
    seen, failures, building = [], [], threading.Event()

    def build_four_times():
        try:
            for number in range(4):  # new, old, new, old
                extra.write_text(EXTRA) if number % 2 == 0 else extra.unlink()
                built = run_kg("--root", str(mini), "--store", str(store_dir), "build", "-q")
                if built.returncode:
                    failures.append(built.stderr)
        finally:
            building.set()

    builder = threading.Thread(target=build_four_times)
    builder.start()
    while not building.is_set():
        result = run_kg("--root", str(mini), "--store", str(store_dir), "query", "-e", COUNTS, "--format", "json")
        if result.returncode:
            failures.append(result.stderr)
            continue
        row = json.loads(result.stdout)["results"]["bindings"][0]
        seen.append((int(row["statements"]["value"]), int(row["triples"]["value"])))
    builder.join()
    assert failures == []
    assert len(seen) >= 3 and set(seen) <= {old, new}, seen


def test_a_second_build_waits_for_the_first_and_says_so(mini, tmp_path):
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    with open(store_dir / ".lock", "w") as held:  # as a running build holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = subprocess.Popen([sys.executable, "-m", "kg", "--root", str(mini), "--store", str(store_dir),
                                    "build"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        said = waiting.stderr.readline()
        assert said == f"waiting for another kg build in {store_dir} to finish...\n"
        assert waiting.poll() is None
    out, err = waiting.communicate(timeout=120)  # the lock is free: it goes on
    assert waiting.returncode == 0 and out.startswith("built "), err
    assert len(kg.load(mini, store_dir).query("SELECT ?s WHERE { ?s a kg:Statement }")) == 5


# --- article text in the terminal ---

def test_table_output_shows_markup_and_control_characters_as_text(seed_build):
    values = " ".join(json.dumps(v) for v in NASTY)
    result = run_kg("--store", str(seed_build), "query", "-e", f"SELECT ?text WHERE {{ VALUES ?text {{ {values} }} }}",
                    "--format", "table")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert not CONTROL.search(result.stdout)
    shown = result.stdout
    for text in ("[/]", "[bold red]loud[/bold red]", "[link=https://example.org]click[/link]",
                 "\\x1b[2J\\x1b[31mred", "\\x1b]0;new window title\\x07", "\\x00nul", "\\x9b31m C1",
                 "\\x0d overwritten", "<script>alert(1)</script>"):
        assert text in shown, text


def test_csv_and_json_keep_the_text_exactly(seed_build):
    values = " ".join(json.dumps(v) for v in NASTY)
    result = run_kg("--store", str(seed_build), "query", "-e", f"SELECT ?text WHERE {{ VALUES ?text {{ {values} }} }}",
                    "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [b["text"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]] == NASTY


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=4), st.text(max_size=20))
def test_any_text_in_a_table_prints_without_control_characters(cells, title):
    stream = io.StringIO()
    output.write_rows(["a", "b", "c", "d"][:len(cells)], [cells], "table", title=title, stream=stream)
    assert not CONTROL.search(stream.getvalue())


@pytest.mark.parametrize("args", [
    ["query", "-e", "SELECT ?x WHERE {\n ?x ?y \x1b[31m }"],
    ["query", "entity", "--param", "entity=\x1b]0;title\x07\nHoman"],
    ["query", "\x1b[2Jlawsuits"],
    ["query", "entity-lookup", "--param", "name=x", "--param", "\x1b[31m=y"],
    ["query", "-e", "SELECT * WHERE { SERVICE ?nowhere { ?s ?p ?o } }"],
    ["viz", "--focus", "[/]\x1b[31m<script>", "--out", "{tmp}"],
    ["path", "Homan", "\u202e\x01"],
])
def test_hostile_arguments_fail_in_one_line_without_echoing_control_characters(seed_build, tmp_path, args):
    result = run_kg("--store", str(seed_build), *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.stderr
    assert not CONTROL.search(result.stderr.rstrip("\n"))
