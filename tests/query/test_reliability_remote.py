"""Remote endpoints under faults: down, slow, HTTP 500 and 401 give one line and exit 3; requests
that are safe to repeat are tried again with backoff, the others never alone; hostile parameters
stay values. Faults come from small HTTP servers started here on loopback, which count what
they are sent; the happy path runs against a real `oxigraph serve`."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from conftest import REPO, free_port, invoke_kg
from kg.query import remote

from .test_remote import OxigraphServer

RESULTS = "application/sparql-results+json"
NO = json.dumps({"head": {}, "boolean": False}).encode()
HOSTILE = ['x" } ; DROP ALL ; #', "> . ?s ?p ?o", "x' } DELETE WHERE { ?s ?p ?o } #",
           '"""\n} ; CLEAR ALL ; SELECT * { """', "\\\" ) } INSERT DATA { <urn:x> <urn:y> <urn:z> } #",
           "Chiu\n} ; DROP ALL", "<script>alert(1)</script>", "\u202eRTL\u202c", "\x00\x1b[31m",
           "SERVICE <http://127.0.0.1:1/> { ?s ?p ?o }", "Homan" + " " * 10_000 + "x"]


def rows(*values: int) -> bytes:
    """SPARQL results JSON: one row per value, of the variable n."""
    return json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
        {"n": {"type": "literal", "value": str(v), "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
        for v in values]}}).encode()


def empty_graph(request, number):
    """What a server without the main graph answers: no to the ASK, no rows to a SELECT."""
    return 200, RESULTS, NO if "ASK {" in request.text else rows()


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]

    @property
    def text(self) -> str:
        return self.form.get("query") or self.form.get("update") or ""

    @property
    def step(self) -> str:
        """What a load's request does: DROP, INSERT (INSERT+blank with blank nodes), MOVE or query."""
        if "update" not in self.form:
            return "query"
        word = self.text.split()[0]
        return word + ("+blank" if word == "INSERT" and "_:" in self.text else "")


class Scripted:
    """An HTTP server on loopback whose answers `answer(request, number)` decides: (status,
    content type, body), after `delay` seconds. It keeps every request it was sent."""

    def __init__(self, answer: Callable[[Request, int], tuple[int, str, bytes]], delay: float = 0.0):
        self.requests: list[Request] = []
        scripted = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                request = Request(self.command, self.path, dict(self.headers),
                                  dict(urllib.parse.parse_qsl(body, keep_blank_values=True)))
                scripted.requests.append(request)
                status, kind, payload = answer(request, len(scripted.requests))
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda *args: None  # a client that gave up waiting
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/query"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted():
    started = []

    def start(answer, delay=0.0) -> Scripted:
        started.append(Scripted(answer, delay))
        return started[-1]

    yield start
    for server in started:
        server.close()


class FlakyProxy(Scripted):
    """A real SPARQL server behind a proxy that fails the requests `fault(request)` names:
    'before' answers HTTP 500 without passing the request on, 'after' passes it on (the server
    does it) and then answers 500, as when an answer is lost."""

    def __init__(self, target: OxigraphServer, fault: Callable[[Request], str | None]):
        def answer(request: Request, number: int) -> tuple[int, str, bytes]:
            failure = fault(request)
            if failure == "before":
                return 500, "text/plain", b"injected failure"
            path = "/update" if "update" in request.form else "/query"
            forwarded = urllib.request.Request(
                f"http://127.0.0.1:{target.port}{path}", urllib.parse.urlencode(request.form).encode(),
                {"Accept": request.headers.get("Accept", "*/*")})
            with urllib.request.urlopen(forwarded, timeout=60) as response:
                status, kind, body = response.status, response.headers.get("Content-Type", ""), response.read()
            return (500, "text/plain", b"injected failure") if failure == "after" else (status, kind, body)

        super().__init__(answer)

    def steps(self) -> list[str]:
        return [r.step for r in self.requests if r.step != "query"]


@pytest.fixture
def oxigraph(tmp_path):
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()


def endpoint(url: str, **options) -> remote.Endpoint:
    """An Endpoint that waits 10 ms before trying again, so that the tests stay quick."""
    return remote.Endpoint(url, backoff=0.01, **options)


def one_line_error(result, code: int = 3) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def local_triples(g) -> int:
    return g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0]["n"]


def load_steps(g, batch_size: int) -> list[str]:
    """The updates of one load of `g`: DROP, the batches (the one with blank nodes first), MOVE."""
    triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in g.store))
    batches = remote._batches(triples, batch_size)
    return ["DROP", *("INSERT+blank" if blank else "INSERT" for *_, blank in batches), "MOVE"]


# --- down, slow, HTTP 500 and 401: one line, exit 3, and how often each was asked ---

def test_http_500_is_tried_three_times_then_one_line_and_exit_3(scripted):
    broken = scripted(lambda request, n: (500, "text/plain", b"boom\nstack trace line 2"))
    result = invoke_kg("--root", str(REPO), "query", "lawsuits", "--endpoint", broken.url)
    assert one_line_error(result) == f"kg: error: {broken.url} answered HTTP 500: boom (hint: check the server's log)"
    assert len(broken.requests) == 3  # the first and two more, after 0.5 s and 1 s


def test_a_build_into_a_broken_server_stops_at_its_first_step(scripted, mini, tmp_path):
    broken = scripted(lambda request, n: (500, "text/plain", b"boom"))
    result = invoke_kg("--root", str(mini), "--store", str(tmp_path / "store"), "build", "-q",
                       "--endpoint", broken.url, "--update-endpoint", broken.url)
    assert one_line_error(result).startswith(f"kg: error: {broken.url} answered HTTP 500: boom")
    assert [r.step for r in broken.requests] == ["DROP", "DROP", "DROP"]  # emptying staging is safe to repeat


def test_http_401_is_not_tried_again_and_names_credentials(scripted):
    locked = scripted(lambda request, n: (401, "text/plain", b"Unauthorized"))
    result = invoke_kg("--root", str(REPO), "query", "lawsuits", "--endpoint", locked.url)
    assert "answered HTTP 401: Unauthorized" in one_line_error(result)
    assert "http://user:password@host/" in result.stderr
    assert len(locked.requests) == 1


def test_credentials_in_the_url_are_sent_as_basic_auth(scripted):
    def answer(request, n):
        if request.headers.get("Authorization") != "Basic YW5uOnMzY3JldA==":  # ann:s3cret
            return 401, "text/plain", b"Unauthorized"
        return empty_graph(request, n)

    server = scripted(answer)
    url = server.url.replace("http://", "http://ann:s3cret@")
    assert kg.load(REPO, endpoint=url).query("SELECT ?n WHERE { ?x ?p ?n }").rows() == []
    assert len(server.requests) == 2 and all("ann" not in r.path for r in server.requests)


def test_a_slow_server_times_out_once_in_one_line(scripted):
    slow = scripted(empty_graph, delay=3)
    result = invoke_kg("--root", str(REPO), "query", "lawsuits", "--endpoint", slow.url, "--timeout", "0.5")
    assert one_line_error(result).startswith(f"kg: error: {slow.url} did not answer within 0.5 s")
    assert "--timeout" in result.stderr
    assert len(slow.requests) == 1  # a timeout is not tried again


def test_a_server_that_is_down_is_one_line_for_build_and_query(mini, tmp_path):
    url = f"http://127.0.0.1:{free_port()}/query"
    for args in (["query", "entities"], ["build", "-q"]):
        result = invoke_kg("--root", str(mini), "--store", str(tmp_path / "store"), *args, "--endpoint", url)
        assert "connection refused" in one_line_error(result)


def test_a_query_is_tried_again_after_a_passing_failure(scripted):
    def answer(request, n):
        if n == 1:
            return 503, "text/plain", b"starting up"
        return 200, RESULTS, NO if "ASK {" in request.text else rows(7)

    flaky = scripted(answer)
    far = kg.load(REPO, endpoint=flaky.url)
    far.backend.backoff = 0.01
    assert far.query("SELECT ?n WHERE { ?s ?p ?n }").rows() == [{"n": 7}]
    assert len(flaky.requests) == 3  # the ASK twice (503, then 200), the SELECT once


def test_an_update_is_never_tried_again_on_its_own(scripted):
    broken = scripted(lambda request, n: (500, "text/plain", b"boom"))
    with pytest.raises(kg.KGError, match="answered HTTP 500") as failure:
        endpoint(broken.url).update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert failure.value.exit_code == 3 and len(broken.requests) == 1


# --- loads: idempotent steps again, the others only by starting the whole load again ---

def test_an_insert_that_failed_is_sent_again_on_its_own(oxigraph, seed_graph):
    failed = []

    def fault(request):
        if request.step == "INSERT" and not failed:
            failed.append(request.text)
            return "before"

    proxy = FlakyProxy(oxigraph, fault)
    try:
        assert endpoint(proxy.url).load(seed_graph.store, batch_size=2000) == local_triples(seed_graph)
        once = load_steps(seed_graph, 2000)
        assert once[:3] == ["DROP", "INSERT+blank", "INSERT"]
        assert proxy.steps() == once[:3] + once[2:]  # the first plain INSERT twice
        inserts = [r.text for r in proxy.requests if r.step == "INSERT"]
        assert inserts[0] == inserts[1] == failed[0]  # the same batch, once more
        assert oxigraph.graphs() == {remote.MAIN_GRAPH: local_triples(seed_graph), "": 0}
    finally:
        proxy.close()


@pytest.mark.parametrize("step", ["MOVE", "INSERT+blank"])
def test_a_lost_answer_to_a_step_that_must_not_run_twice_restarts_the_load(oxigraph, seed_graph, step):
    """The server did the MOVE (or inserted the blank nodes), but its answer was lost. Sent
    again alone, the MOVE would move the now empty staging graph over the main graph, and the
    blank nodes would be inserted twice: the load starts again from the beginning instead."""
    failed = []

    def fault(request):
        if request.step == step and not failed:
            failed.append(request)
            return "after"

    proxy = FlakyProxy(oxigraph, fault)
    try:
        assert endpoint(proxy.url).load(seed_graph.store, batch_size=2000) == local_triples(seed_graph)
        once = load_steps(seed_graph, 2000)
        failed_at = once.index(step) + 1
        assert proxy.steps() == once[:failed_at] + once  # up to the failure, then all of it again
        assert oxigraph.graphs() == {remote.MAIN_GRAPH: local_triples(seed_graph), "": 0}
        blank = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"
        local_blank = seed_graph.query(blank.replace("GRAPH ?g {", "{")).rows()[0]["n"]
        assert int(oxigraph.select(blank)[0]["n"]) == local_blank > 0
    finally:
        proxy.close()


def _serve_mini(oxigraph, mini, tmp_path) -> kg.KnowledgeGraph:
    """The mini project built and loaded into the server: the old graph a failed load must keep."""
    kg.build(str(mini), store_dir=tmp_path / "mini-store")
    old = kg.load(mini, tmp_path / "mini-store")
    endpoint(oxigraph.query_url).load(old.store)
    return old


def test_a_move_that_keeps_failing_gives_up_and_keeps_the_old_graph(oxigraph, seed_graph, mini, tmp_path):
    old = _serve_mini(oxigraph, mini, tmp_path)
    proxy = FlakyProxy(oxigraph, lambda request: "before" if request.step == "MOVE" else None)
    try:
        with pytest.raises(kg.KGError, match="answered HTTP 500") as failure:
            endpoint(proxy.url).load(seed_graph.store, batch_size=2000)
        assert failure.value.exit_code == 3
        assert proxy.steps().count("MOVE") == 3 and proxy.steps().count("DROP") == 3
        assert oxigraph.graphs()[remote.MAIN_GRAPH] == local_triples(old)  # readers keep the old graph
    finally:
        proxy.close()


def test_readers_see_the_old_graph_or_the_new_one_during_a_load(oxigraph, seed_graph, mini, tmp_path):
    old = _serve_mini(oxigraph, mini, tmp_path)
    sizes, errors, reads, stop = [], [], threading.Semaphore(0), threading.Event()

    def read():
        reader = endpoint(oxigraph.query_url)
        while not stop.is_set():
            try:
                sizes.append(reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}).rows()[0]["n"])
            except Exception as exc:  # noqa: BLE001 -- any failure of a reader is the finding
                errors.append(exc)
            reads.release()

    thread = threading.Thread(target=read)
    thread.start()
    try:
        reads.acquire()  # a read before the load ...
        endpoint(oxigraph.query_url).load(seed_graph.store, batch_size=300)  # some 20 requests
        for _ in range(2):  # ... and one begun after it
            reads.acquire()
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert set(sizes) == {local_triples(old), local_triples(seed_graph)}, sorted(set(sizes))


# --- hostile values for every parameter of the catalog, here and on a server ---

def catalog_params(g) -> list[tuple[str, str, str]]:
    return [(name, p.name, p.kind) for name, q in sorted(g.catalog.items()) for p in q.params]


def test_the_catalog_has_string_and_iri_parameters_to_test(seed_graph):
    assert {"string", "iri"} <= {kind for *_, kind in catalog_params(seed_graph)}


def ask_hostile(g, name: str, param: str, kind: str, value: str) -> None:
    """A hostile value finds nothing (a string), or is no entity, date or number: one line."""
    try:
        rows = g.query(name, **{param: value}).rows()
    except kg.KGError as exc:
        assert kind != "string" and "\n" not in str(exc) and "\r" not in str(exc), str(exc)
        return
    assert kind == "string" and rows == []


@pytest.fixture(scope="module")
def loaded_server(tmp_path_factory, seed_graph):
    server = OxigraphServer(tmp_path_factory.mktemp("hostile-oxigraph")).start()
    remote.Endpoint(server.query_url).load(seed_graph.store)
    yield server
    server.stop()


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_of_every_catalog_parameter_locally(seed_graph, value):
    before = local_triples(seed_graph)
    for name, param, kind in catalog_params(seed_graph):
        ask_hostile(seed_graph, name, param, kind, value)
    assert local_triples(seed_graph) == before


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_of_every_catalog_parameter_on_a_server(loaded_server, seed_graph, value):
    before = loaded_server.graphs()
    far = kg.load(REPO, endpoint=loaded_server.query_url)
    assert far.query("entity-lookup", name="Chiu").rows()  # a value is bound: a plain one is found
    for name, param, kind in catalog_params(seed_graph):
        ask_hostile(far, name, param, kind, value)
    assert loaded_server.graphs() == before


@pytest.mark.parametrize("where", ["local", "server"])
def test_hostile_values_on_the_command_line(loaded_server, seed_build, seed_graph, where):
    before = loaded_server.graphs()
    far = ["--endpoint", loaded_server.query_url] if where == "server" else []
    for name, param, kind in catalog_params(seed_graph):
        result = invoke_kg("--root", str(REPO), "--store", str(seed_build), "query", name,
                           "--param", f"{param}={HOSTILE[0]}", "--format", "csv", *far)
        if kind == "string":
            assert result.returncode == 0 and len(result.stdout.strip().splitlines()) == 1, result.stderr
        else:
            one_line_error(result, 1)
    assert loaded_server.graphs() == before


@functools.cache
def known_names(g) -> frozenset[str]:
    return frozenset(r["name"].lower() for r in g.query("entity-names"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=60))
def test_arbitrary_values_of_every_catalog_parameter(seed_graph, value):
    for name, param, kind in catalog_params(seed_graph):
        try:
            g_rows = seed_graph.query(name, **{param: value}).rows()
        except kg.KGError as exc:
            assert kind != "string" and "\n" not in str(exc)
            continue
        if kind == "string" and value.lower() not in known_names(seed_graph):
            assert g_rows == []
