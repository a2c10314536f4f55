"""The command line's edges as a user meets them: tables in a terminal (word wrapping, a screenful,
how to get the rest), streams that stay complete and flat in memory, a closed pipe, where outputs
go, help texts and hints that name the right thing."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import tracemalloc
from pathlib import Path

import pytest

import kg
from conftest import REPO, invoke_kg, read_terminal, run_kg
from kg import output


def in_terminal(args: list[str], rows: int = 30, columns: int = 100, cwd: Path = REPO) -> str:
    """Run `kg ARGS` with its output on a pseudo-terminal of `rows` x `columns`; what it shows."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "KG_ROOT")}
    process = subprocess.Popen([sys.executable, "-m", "kg", *args], stdout=follower, stderr=follower,
                               stdin=subprocess.DEVNULL, cwd=cwd, env={**env, "TERM": "xterm", "NO_COLOR": "1"})
    os.close(follower)
    output = read_terminal(leader)
    assert process.wait(timeout=120) == 0, output.decode()
    shown = output.decode().replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)  # bold headers, the cursor


@pytest.fixture(scope="module")
def kg_args(seed_build):
    return ["--root", str(REPO), "--store", str(seed_build)]


# --- tables in a terminal ---

def test_a_table_in_a_terminal_shows_a_screenful_and_says_how_to_get_all(kg_args, seed_graph):
    total = len(seed_graph.query("edges"))
    shown = in_terminal([*kg_args, "query", "timeline"], rows=30)
    lines = shown.rstrip("\n").splitlines()
    assert len(lines) <= 30
    dated = len(seed_graph.query("timeline"))
    assert lines[-1].endswith(f"of {dated} rows shown; --limit N shows N, --all every row")
    assert total > 30
    three = in_terminal([*kg_args, "query", "timeline", "--limit", "3"], rows=30)
    assert three.rstrip("\n").splitlines()[-1] == f"3 of {dated} rows shown; --limit N shows N, --all every row"
    # roles has 15 columns (its spans of certain and possible days among them): a wide terminal.
    everything = in_terminal([*kg_args, "query", "roles", "--all"], rows=20, columns=240)
    assert "rows shown" not in everything
    assert everything.count("\n│ ") + everything.count("\n┃ ") >= len(seed_graph.query("roles"))


def test_tables_wrap_between_words_and_give_quotes_the_room(kg_args):
    shown = in_terminal([*kg_args, "query", "entity", "--param", "entity=Chiu", "--limit", "4"], rows=60, columns=200)
    header = next(line for line in shown.splitlines() if line.startswith("┃"))
    widths = {cell.strip(): len(cell) for cell in header.strip("┃").split("┃") if cell.strip()}
    assert widths["quote"] == max(widths.values())  # the quote column is the widest
    assert "ent:DavidChiu" in shown  # IRIs as prefixed names in a table
    # every word of the cells is whole: no word is cut across two lines
    words = {w for line in shown.splitlines() if line.startswith("│")
             for cell in line.strip("│").split("│") for w in cell.split()}
    assert "Attorney" in words and not {"Attorn", "Franci"} & words


@pytest.mark.parametrize("columns", [80, 120, 160])
@pytest.mark.parametrize("query", ["lawsuits", "roles", "threats"])
def test_no_word_is_cut_at_any_terminal_width(kg_args, query, columns):
    """A table too narrow for its longest words is shown as records, never with words split
    ("Gran|ite"): every word shown is a word of the data or of the frame."""
    shown = in_terminal([*kg_args, "query", query, "--all"], rows=500, columns=columns)
    piped = run_kg(*kg_args, "query", query, "--format", "tsv").stdout
    known = set(re.split(r"[\s|]+", piped)) | {"row", "rows", "shown;", "of"}
    frame = re.compile(r"^[\W_]*$")
    for line in shown.splitlines():
        for word in re.split(r"[\s│┃]+", line):
            assert frame.match(word) or word in known or word.isdigit(), (word, line)


def test_column_widths_keep_words_whole_and_short_columns_whole():
    rows = [["family-affiliation.html", "Roles and membership", 81, 60, "A long note " * 12]]
    widths = output.column_widths(["file", "title", "entities", "statements", "note"], rows, 80)
    assert widths[0] >= len("family-affiliation.html") and widths[2] >= len("entities")
    assert sum(widths) + 3 * 5 + 1 <= 80


def test_csv_json_and_tsv_are_streamed_in_flat_memory():
    class Sink(io.TextIOBase):  # counts what it is given, keeps nothing
        written = 0

        def write(self, text: str) -> int:
            self.written += len(text)
            return len(text)

    many = 200_000
    for fmt in ("csv", "tsv", "json"):
        sink = Sink()
        tracemalloc.start()
        output.write_rows(["n", "text"], ([n, "a row of text"] for n in range(many)), fmt, stream=sink)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert sink.written > many * 15
        assert peak < 1_000_000, (fmt, peak)  # the rows as a list would take ~30 MB


def test_stream_reads_rows_as_the_engine_gives_them(seed_graph):
    streamed = seed_graph.stream("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert not isinstance(streamed.terms, list)
    assert sum(1 for _ in streamed) == len(seed_graph.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))


def test_piped_output_is_complete(kg_args, seed_graph):
    piped = invoke_kg(*kg_args, "query", "edges")
    assert len(piped.stdout.splitlines()) == len(seed_graph.query("edges")) + 1
    first = invoke_kg(*kg_args, "query", "edges", "--limit", "5")  # asked for: the first N, in any format
    assert first.stdout.splitlines() == piped.stdout.splitlines()[:6]


# --- a closed pipe ---

def test_a_closed_pipe_ends_quietly_with_the_status_of_sigpipe(kg_args):
    command = " ".join([sys.executable, "-m", "kg", *kg_args, "query", "edges"])
    result = subprocess.run(["bash", "-c", f"{command} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.stdout.strip() == "141"  # 128 + SIGPIPE, as `seq 1e9 | head -1` gives
    assert result.stderr == ""


# --- where outputs go ---

def test_viz_writes_into_the_build_folder_not_where_you_stand(tmp_path, seed_build):
    store = tmp_path / "store"
    kg.build(str(REPO), store_dir=store)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = invoke_kg("--root", str(REPO), "--store", str(store), "viz", "--top", "0", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (store / "views" / "index.html").is_file() and not any(elsewhere.iterdir())
    assert f"open {store / 'views' / 'index.html'}" in result.stderr
    # kg viz says which statements it draws, and what the others are
    stated = kg.load(REPO, store).stats()["statements"][0]
    assert (f"{stated['between']} of the {stated['statements']} statements are drawn as lines; "
            f"{stated['values']} state a value about one entity") in result.stderr
    assert f"{stated['recordsOnly']} are records only, not drawn" in result.stderr
    relative = invoke_kg("--root", str(REPO), "--store", str(store), "viz", "--top", "0", "--out", "mine", cwd=elsewhere)
    assert relative.returncode == 0 and (elsewhere / "mine" / "graph.html").is_file()


def test_stats_says_which_statements_are_drawn(kg_args, seed_graph):
    result = invoke_kg(*kg_args, "stats")
    tail = result.stdout.strip().splitlines()[-3:]
    assert tail[0].startswith("# Statements between two entities (drawn as lines, counted as edges)")
    stated, between, values, records_only = map(int, tail[2].split(","))
    assert stated == sum(r["statements"] for r in seed_graph.stats()["relations"]) == between + values + records_only
    assert records_only >= 2  # the deprecated 'state senator' titles
    assert between == seed_graph.to_networkx().number_of_edges()


# --- help texts and hints ---

def test_build_help_names_the_n_triples_dump():
    text = invoke_kg("build", "--help").stdout
    assert "N-Triples dump" in text and "Turtle dump" not in text


def test_api_errors_carry_api_hints_and_the_cli_its_flags(seed_graph, kg_args):
    with pytest.raises(kg.KGError) as raised:
        seed_graph.query("entity")
    assert "--param" not in str(raised.value) and "g.query('entity', entity=...)" in str(raised.value)
    cli = invoke_kg(*kg_args, "query", "entity")
    assert "(hint: pass --param entity=VALUE)" in cli.stderr
    with pytest.raises(kg.KGError) as raised:
        seed_graph.query("lawsuitz")
    assert "did you mean 'lawsuits'?" in str(raised.value)
    with pytest.raises(kg.KGError) as raised:
        seed_graph.query("entity", entity="Nobody At All Here")
    assert "kg query" not in str(raised.value)


def test_a_graph_in_a_terminal_is_turtle_and_ask_is_a_word(kg_args):
    described = in_terminal([*kg_args, "query", "-e", "DESCRIBE ent:DavidChiu"])
    assert "@prefix ent: <https://w3id.org/conflict-kg/id/> ." in described
    assert "ent:DavidChiu kg:holdsRole ent:SanFrancisco" in described
    assert in_terminal([*kg_args, "query", "-e", "ASK { ent:SanFrancisco kg:sued ?x }"]).strip() == "true"


def test_outside_a_project_kg_refuses_unless_root_names_one(tmp_path, seeds_project):
    outside = invoke_kg("stats", cwd=tmp_path)
    assert outside.returncode == 3, outside.stdout
    assert outside.stderr.startswith(f"kg: error: no kg project in {tmp_path.resolve()}") and "--root" in outside.stderr
    named = invoke_kg("--root", str(seeds_project), "check", cwd=tmp_path)
    assert named.returncode == 0, named.stderr


def test_the_screenshot_script_without_arguments_gives_its_usage():
    result = subprocess.run([sys.executable, str(REPO / "tests" / "browser.py")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("usage: python tests/browser.py VIEW.html")
    assert "Traceback" not in result.stderr
