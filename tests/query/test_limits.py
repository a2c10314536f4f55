"""No query crashes or exhausts kg: nested and chained texts are refused before the engine, a
query over its time or memory limit is stopped (locally and served) and the process goes on,
Ctrl-C stops a local query at once, and a served query whose client went away is stopped."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import kg
from conftest import REPO, run_kg, start_kg_serve
from kg.query import limits

NESTED = "SELECT * WHERE { " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000 + " }"
CHAINED = "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10000) + " } LIMIT 1"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
GREEDY = "SELECT ?a ?b ?c ?d WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def kg_query(store, *args: str) -> subprocess.CompletedProcess:
    return run_kg("--store", str(store), "query", *args, "--format", "csv")


def children(pid: int) -> set[int]:
    """The processes `pid` started (its query workers, its Oxigraph server)."""
    found = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return found
    for task in tasks:
        # A thread may end between the listing and the read (Python's own helper threads do).
        try:
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                found.update(int(child) for child in listed.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# -- the check before the engine ---------------------------------------------------------------

def test_depth_and_operators_skip_strings_iris_and_comments():
    assert limits.depth('SELECT * { ?s ?p "{{{{" . ?s <urn:x> ?o } # {{{{') == 1
    assert limits.operators('SELECT ?s { ?s ?p "a + b || c" } # UNION UNION') == 0
    assert limits.operators("SELECT ?s { {?s ?p 1} UNION {?s ?p 2} FILTER(?s != 3 && !bound(?x)) }") == 4


def test_every_catalog_query_passes_the_check(seed_graph):
    for named in seed_graph.catalog.values():
        limits.check(named.text)


@pytest.mark.parametrize("text, words", [(NESTED, "nested 5001 deep"), (CHAINED, "chains"),
                                         ("# " + "x" * 2_000_000 + "\nASK {}", "bytes long")])
def test_a_monster_query_is_one_line_and_exit_1(seed_build, tmp_path, text, words):
    (tmp_path / "monster.rq").write_text(text)  # too long for a command line
    result = kg_query(seed_build, str(tmp_path / "monster.rq"))
    assert result.returncode == 1, result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_the_api_refuses_a_nested_query_and_goes_on(seed_graph):
    with pytest.raises(limits.QueryRefused, match="nested"):
        seed_graph.query(NESTED)
    assert seed_graph.query(COUNT).rows()[0]["n"] > 0


def test_an_engine_crash_is_contained_in_its_worker(seed_graph):
    """Were a text to pass the check and kill the engine (here the worker is asked directly,
    past the check), one worker ends, not the caller, and the next query gets a new one."""
    runner = limits.Runner(seed_graph.store, limits.Limits(30, 512))
    worker = limits.Worker(seed_graph.store, limits.Limits(30, 512))
    with pytest.raises(kg.KGError) as failure:
        worker.run(limits.Request(CHAINED))  # past the check: the engine's stack overflows
    assert not worker.alive and "stopped" in str(failure.value)
    assert runner.run(limits.Request(COUNT)).value()


# -- time and memory limits ---------------------------------------------------------------------

def test_a_cartesian_query_is_stopped_by_the_time_limit(seed_build):
    started = time.monotonic()
    result = kg_query(seed_build, "--timeout", "2", "-e", CARTESIAN)
    assert result.returncode == 1, result.stderr
    assert "time limit (2 s)" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 15


def test_a_greedy_query_is_stopped_by_the_memory_limit(seed_build):
    result = kg_query(seed_build, "--memory", "256", "--timeout", "60", "-e", GREEDY)
    assert result.returncode == 1, result.stderr
    assert "memory limit (256 MB)" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_api_goes_on_after_a_stopped_query(seed_build):
    g = kg.load(REPO, seed_build, timeout=1, memory=512)
    with pytest.raises(limits.QueryRefused, match="time limit"):
        g.query(CARTESIAN)
    assert g.query("lawsuits").rows()  # a fresh worker answers
    assert g.query(COUNT).rows()[0]["n"] > 0


def test_every_query_form_passes_through_a_worker(seed_graph):
    runner = limits.Runner(seed_graph.store)
    assert bool(runner.run(limits.Request("ASK { ?s a kg:Lawsuit }", {"kg": kg.prefixes.PREFIXES["kg"]})).value())
    triples = runner.run(limits.Request("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")).value()
    assert len(triples) == 3 and all(hasattr(t, "subject") for t in triples)
    solutions = runner.run(limits.Request("SELECT ?x WHERE { VALUES ?x { 'a\\tb\\nc' 1 <urn:x> } }")).value()
    assert [s["x"].value for s in solutions] == ["a\tb\nc", "1", "urn:x"]


def test_ctrl_c_stops_a_local_query_at_once(seed_build):
    process = subprocess.Popen([sys.executable, "-m", "kg", "--store", str(seed_build), "query", "-e", CARTESIAN],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not children(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children(process.pid)
    assert workers, "the query runs in a worker"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    started = time.monotonic()
    assert process.wait(timeout=10) == 130
    assert time.monotonic() - started < 2
    assert "aborted" in process.stderr.read()
    # The parent has exited; the kernel may take a moment to reap on a loaded machine.
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers), "the worker was stopped with the query"


# -- the served endpoint ------------------------------------------------------------------------

def post(port: int, text: str, timeout: float = 60, path: str = "/query") -> tuple[int, str]:
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data,
                                     {"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture(scope="module")
def limited(seed_build):
    process, port, _ = start_kg_serve(seed_build, "--timeout", "2", "--memory", "512")
    yield process, port
    process.send_signal(signal.SIGINT)
    process.wait(timeout=15)


def test_served_monster_queries_are_refused_and_the_server_goes_on(limited):
    process, port = limited
    for text, status in ((NESTED, 400), (CHAINED, 400)):
        code, body = post(port, text)
        assert code == status and ("nested" in body or "chains" in body)
    assert process.poll() is None
    code, body = post(port, COUNT)
    assert code == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 0


def test_a_served_cartesian_query_is_stopped_and_the_server_goes_on(limited):
    process, port = limited
    started = time.monotonic()
    code, body = post(port, CARTESIAN)
    assert code == 503 and "time limit (2 s)" in body
    assert time.monotonic() - started < 10
    code, body = post(port, GREEDY)
    assert code == 503 and "limit" in body
    code, body = post(port, CARTESIAN, path="/sparql")  # Oxigraph's other name for /query
    assert code == 503 and "time limit" in body
    assert post(port, CARTESIAN, path="/query/")[0] == 404  # no path runs a query unlimited
    assert process.poll() is None
    assert post(port, COUNT)[0] == 200


def test_a_query_whose_client_went_away_is_stopped(seed_build):
    process, port, _ = start_kg_serve(seed_build, "--timeout", "60")
    try:
        server_pid = next(p for p in children(process.pid) if "oxigraph" in open(f"/proc/{p}/cmdline").read())
        body = urllib.parse.urlencode({"query": CARTESIAN})
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall((f"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n{body}").encode())
        deadline = time.monotonic() + 20
        while not (children(process.pid) - {server_pid}) and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = children(process.pid) - {server_pid}
        assert workers, "the query runs in a worker"
        time.sleep(0.5)
        client.close()  # the client gives up
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in workers), "its worker was stopped long before the time limit"
        assert post(port, COUNT)[0] == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


def test_served_answers_follow_the_accept_header(limited):
    _, port = limited
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
                       headers={"Accept": "application/sparql-results+xml"})
    answer = connection.getresponse()
    assert answer.status == 200 and "xml" in answer.headers["Content-Type"]
    assert b"<boolean>true</boolean>" in answer.read()


def test_a_writable_servers_slow_query_is_stopped_and_updates_stay(seed_build):
    """Oxigraph answers queries of --writable itself and its --timeout-s lets a running query go
    on: kg restarts it on the same copy, so the work really stops and the updates stay."""
    process, port, _ = start_kg_serve(seed_build, "--writable", "--timeout", "2")
    try:
        oxigraph = {p for p in children(process.pid) if "oxigraph" in open(f"/proc/{p}/cmdline").read()}
        update = urllib.parse.urlencode({"update": "INSERT DATA { <urn:kg:a> <urn:kg:b> <urn:kg:c> }"}).encode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/update", update, timeout=30) as answer:
            assert answer.status in (200, 204)
        started = time.monotonic()
        code, body = post(port, CARTESIAN)
        assert code == 503 and "time limit (2 s)" in body
        assert time.monotonic() - started < 15
        time.sleep(0.2)
        assert not any(alive(pid) for pid in oxigraph), "the Oxigraph that ran it was stopped"
        code, body = post(port, "ASK { <urn:kg:a> <urn:kg:b> <urn:kg:c> }")
        assert code == 200 and json.loads(body)["boolean"] is True
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0


def test_a_query_for_a_remote_endpoint_is_checked_before_it_is_sent(seed_build):
    result = kg_query(seed_build, "--endpoint", "http://127.0.0.1:9/query",
                      "-e", "ASK { " + "{ " * 200 + "}" * 200 + " }")
    assert result.returncode == 1 and "nested" in result.stderr, result.stderr


def test_a_store_the_caller_still_writes_is_queried_as_it_is_now(seed_graph):
    """A worker sees the store as it was when forked: over a store that may change, each query
    gets a fresh one, so a triple added between two queries is found by the second."""
    import pyoxigraph as ox

    store = ox.Store()
    g = kg.KnowledgeGraph(store, None, seed_graph.project)
    ask = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert g.query(ask).rows()[0]["n"] == 0
    store.add(ox.Quad(ox.NamedNode("urn:kg:a"), ox.NamedNode("urn:kg:b"), ox.NamedNode("urn:kg:c")))
    assert g.query(ask).rows()[0]["n"] == 1


def test_kgs_client_does_not_repeat_a_query_stopped_by_the_limit(limited):
    """kg serve marks the 503 of a stopped query; `kg query --endpoint` reports it once, at
    once, instead of running it twice more."""
    _, port = limited
    started = time.monotonic()
    result = run_kg("query", "--endpoint", f"http://127.0.0.1:{port}/query", "-e", CARTESIAN)
    assert result.returncode == 1 and "time limit (2 s)" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 2 * 2 + 5  # one try, not three
