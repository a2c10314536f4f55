"""The build under hostile input, concurrent use and faults: nothing crashes, nothing is lost."""

import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from conftest import REPO
from kg.builder import curated, store
from kg.errors import ValidationError

HOSTILE = ["NEL\x85 LS\u2028 PS\u2029 in one line", '<script>alert("x")</script>', '<img src=x onerror=alert(1)>',
           'x" } ; DROP ALL ; #', '> . ?s ?p ?o', "back\\slash \\u0022", "\u202eRTL override\u202c and עברית",
           "tab\tnew\nline\rreturn", "\x00\x07\x1b[31m", "\ufeffBOM", "😀 astral 𝔘"]


def _write_project(root: Path, text: str) -> None:
    """A one-statement project whose label, alias, note, source text and quote are `text`."""
    (root / "data" / "sources").mkdir(parents=True, exist_ok=True)
    (root / "data" / "entities").mkdir(exist_ok=True)
    (root / "data" / "statements").mkdir(exist_ok=True)
    (root / "data" / "sources" / "s.txt").write_bytes(f"Before. {text} After.".encode())

    def dump(obj, path):
        path.write_text(curated.dump(obj), encoding="utf-8")

    dump({"sources": [{"id": "s", "file": "sources/s.txt", "title": text}]}, root / "data" / "sources.yaml")
    dump({"entities": [{"id": "A", "type": "Person", "label": text, "aliases": [text + "!"]},
                       {"id": "B", "type": "City", "label": "B"}]}, root / "data" / "entities" / "e.yaml")
    dump({"source": "s", "statements": [{"id": "s-1", "subject": "A", "relation": "criticized",
                                         "object": "B", "quote": text, "note": text}]},
         root / "data" / "statements" / "s.yaml")


def _roundtrip(root: Path, store_dir: Path, text: str) -> None:
    _write_project(root, text)
    try:
        kg.build(str(root), store_dir=store_dir)
    except ValidationError as exc:
        for problem in exc.problems:
            assert "\n" not in str(problem) and "\r" not in str(problem)
        return
    g = kg.load(root, store_dir)
    row = g.query("""SELECT ?label ?quote ?note ?text ?start ?end WHERE {
        ent:A rdfs:label ?label . ?st kg:quote ?quote ; kg:note ?note ; kg:startOffset ?start ;
        kg:endOffset ?end ; prov:wasDerivedFrom/kg:fullText ?text }""").rows()[0]
    assert row["label"] == text and row["quote"] == text and row["note"] == text
    assert row["text"][row["start"]:row["end"]] == text


@pytest.fixture
def project(tmp_path):
    import shutil

    root = tmp_path / "p"
    root.mkdir()
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "queries", root / "queries")
    return root


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_survive_the_store_exactly(project, tmp_path, text):
    _roundtrip(project, tmp_path / "store", text)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=80))
def test_arbitrary_unicode_survives_or_fails_in_one_line(project, tmp_path_factory, text):
    _roundtrip(project, tmp_path_factory.mktemp("store"), text)


def test_a_one_megabyte_quote_and_label(project, tmp_path):
    _roundtrip(project, tmp_path / "store", "long sentence, " * 70_000)


def test_readers_see_the_old_graph_or_the_new_one(mini, tmp_path):
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Statement }"
    before = kg.load(mini, store_dir)
    old = before.query(count).rows()[0]["n"]
    extra = mini / "data" / "statements" / "extra.yaml"
    extra.write_text("source: memo\nstatements:\n  - id: memo-100\n    subject: JaneRoe\n"
                     "    relation: opposed\n    object: FederalAgency\n"
                     "    quote: \"Mayor Jane Roe said the city would not back down.\"\n")
    seen, stop = set(), threading.Event()

    def read():
        while not stop.is_set():
            seen.add(kg.load(mini, store_dir).query(count).rows()[0]["n"])

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(3):
            kg.build(str(mini), store_dir=store_dir)
    finally:
        stop.set()
        reader.join()
    assert seen <= {old, old + 1} and old + 1 in seen
    assert before.query(count).rows()[0]["n"] == old  # an open reader keeps its graph


def test_two_builds_at_once_both_finish_and_the_store_is_whole(mini, tmp_path):
    store_dir = tmp_path / "store"
    procs = [subprocess.Popen([sys.executable, "-m", "kg", "--root", str(mini), "--store",
                               str(store_dir), "build"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert len(kg.load(mini, store_dir).query("SELECT ?s WHERE { ?s a kg:Statement }")) == 5
    assert len([p for p in store_dir.glob("store-*") if p.is_dir()]) == 2  # current and previous


@pytest.mark.slow
def test_a_build_killed_half_way_leaves_the_previous_store(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    root, store_dir = tmp_path / "big", tmp_path / "store"
    generate(150_000, root)
    kg.build(str(root), store_dir=store_dir)
    published = store.current_path(store_dir)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "--root", str(root), "--store",
                             str(store_dir), "build"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(store_dir.glob(".tmp-store-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(store_dir.glob(".tmp-*")), "the build should have been killed while writing"
    assert store.current_path(store_dir) == published
    g = kg.load(root, store_dir)
    assert len(g.query("SELECT ?s WHERE { ?s a kg:Statement } LIMIT 5")) == 5
    kg.build(str(root), store_dir=store_dir)  # the next build clears what the killed one left
    assert not list(store_dir.glob(".tmp-*"))


def test_a_full_disk_is_a_clear_error_and_keeps_the_store(mini, tmp_path):
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    published = store.current_path(store_dir)

    def small_disk():  # files may not grow past 2 KiB: writing fails as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    result = subprocess.run([sys.executable, "-m", "kg", "--root", str(mini), "--store",
                             str(store_dir), "build"], capture_output=True, text=True,
                            preexec_fn=small_disk, timeout=120)
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("kg: error: writing the store in"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert store.current_path(store_dir) == published
    assert len(kg.load(mini, store_dir).query("SELECT ?s WHERE { ?s a kg:Statement }")) == 5


def test_builds_never_remove_a_store_that_is_being_read_or_served(mini, tmp_path):
    from kg.query import serve

    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    reader = kg.load(mini, store_dir)
    with serve.start(store.current_path(store_dir)) as server:
        served = server.location
        for _ in range(3):
            kg.build(str(mini), store_dir=store_dir)
        assert served.exists() and reader.store_path.exists()
        assert len(reader.query("SELECT ?s WHERE { ?s a kg:Statement }")) == 5
    del reader
    import gc

    gc.collect()
    kg.build(str(mini), store_dir=store_dir)  # no reader now: the old stores go
    assert not served.exists()
    assert len([p for p in store_dir.glob("store-*") if p.is_dir()]) == 2
