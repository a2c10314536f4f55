"""`kg serve` is safe by default: on loopback only, read-only, and its queries cannot make the
server fetch other URLs (SERVICE); `--writable` writes a copy, never a published store; served
queries keep answering from the same graph while builds publish new ones."""

from __future__ import annotations

import hashlib
import http.client
import http.server
import json
import signal
import socket
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from conftest import REPO, run_kg, start_kg_serve
from kg.builder import store
from kg.query import serve

JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class Recorder:
    """A SPARQL endpoint on loopback that notes every request it gets and answers no rows."""

    def __init__(self):
        self.paths: list[str] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                recorder.paths.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", JSON)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str = "sparql") -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def recorder():
    running = Recorder()
    yield running
    running.close()


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0


@pytest.fixture(scope="module")
def served(seed_build):
    process, port, announced = start_kg_serve(seed_build)
    yield port
    stop(process)


def ask(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data, {"Accept": JSON, **(headers or {})}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def count(port: int) -> int:
    status, body = ask(f"http://127.0.0.1:{port}/query?{urllib.parse.urlencode({'query': COUNT})}")
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- loopback and read-only by default ---

def test_it_listens_on_loopback_only(served):
    socket.create_connection(("127.0.0.1", served), timeout=5).close()
    with pytest.raises(OSError):  # 127.0.0.2 is this machine too, but not the address it listens on
        socket.create_connection(("127.0.0.2", served), timeout=5).close()


@pytest.mark.parametrize("method,path,body,kind", [
    ("POST", "/update", b"update=DROP+ALL", "application/x-www-form-urlencoded"),
    ("POST", "/update", b"CLEAR DEFAULT", "application/sparql-update"),
    ("DELETE", "/store?default", b"", None),
    ("PUT", "/store?default", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples"),
    ("POST", "/store?default", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples"),
])
def test_no_request_changes_the_served_graph(served, seed_graph, method, path, body, kind):
    status, _ = ask(f"http://127.0.0.1:{served}{path}", body or None,
                    {"Content-Type": kind} if kind else {}, method=method)
    assert 400 <= status < 500
    assert count(served) == seed_graph.query(COUNT).rows()[0]["n"]


# --- SERVICE: the server never calls out unless told to ---

SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE<{url}>{{ ?s ?q ?r }} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "PREFIX far: <{url}> SELECT * WHERE {{ SERVICE far: {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?where {{ <{url}> }} SERVICE ?where {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o .SERVICE <{url}> {{ ?x ?y ?z }} }} # a comment\n",
]


def protocol_requests(port: int, text: str) -> list[urllib.request.Request]:
    """The three ways the SPARQL 1.1 Protocol sends a query: GET, a form, the bare query."""
    url = f"http://127.0.0.1:{port}/query"
    return [urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': text})}", headers={"Accept": JSON}),
            urllib.request.Request(url, urllib.parse.urlencode({"query": text}).encode(), {"Accept": JSON}),
            urllib.request.Request(url, text.encode(), {"Accept": JSON, "Content-Type": "application/sparql-query"})]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_a_served_query_with_service_never_reaches_the_other_server(served, recorder, template):
    text = template.format(url=recorder.url(f"refused-{SERVICE_QUERIES.index(template)}"))
    for request in protocol_requests(served, text):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403
        assert refused.value.read().decode().startswith("SERVICE is off on this endpoint")
    assert recorder.paths == []
    assert count(served) > 0  # and the endpoint goes on answering


def test_kg_query_names_the_refusal_in_one_line(served, recorder):
    text = SERVICE_QUERIES[0].format(url=recorder.url("cli"))
    result = run_kg("--root", str(REPO), "query", "-e", text, "--endpoint", f"http://127.0.0.1:{served}/query")
    assert result.returncode == 3 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "answered HTTP 403: SERVICE is off on this endpoint" in result.stderr
    assert recorder.paths == []


def test_prefixed_names_and_variables_that_contain_the_word_still_work(served, seed_graph):
    text = ("PREFIX ex: <https://example.org/> SELECT ?service ?payload WHERE { "
            "?service a ?payload . OPTIONAL { ?service ex:serviceArea ex:download } "
            "FILTER(?service != <urn:SERVICE> && ?payload != 'LOAD SERVICE') } LIMIT 3 # SERVICE")
    for request in protocol_requests(served, text):
        with urllib.request.urlopen(request, timeout=30) as response:
            assert len(json.load(response)["results"]["bindings"]) == 3


def test_with_allow_service_the_server_does_call_out(seed_build, recorder):
    """What the guard is for: Oxigraph itself fetches the URL a SERVICE clause names."""
    process, port, announced = start_kg_serve(seed_build, "--allow-service")
    try:
        assert any("SERVICE" in line for line in announced if line.startswith("warning"))
        text = SERVICE_QUERIES[0].format(url=recorder.url("allowed"))
        status, _ = ask(f"http://127.0.0.1:{port}/query?{urllib.parse.urlencode({'query': text})}")
        assert status == 200 and recorder.paths == ["/allowed"]
    finally:
        recorder.paths.clear()
        stop(process)


# What may hide a keyword from a reader of SPARQL that is not quite Oxigraph's own.
DISGUISES = ['"', "'", '"""', "'''", "#", "\n", "\\", "\\'", "\\u0053", "<", ">", "ex:", "ex:a.", "ex:a-",
             "?", "$", ".", ";", "1", "_:b", "%53", " ", "'x'", '"x"', "<urn:a>", "?o", "{", "}", "(", ")",
             "FILTER(", "BIND(", "AS ?v)", "ex:a\\'", "ex:a\\#", "<urn:\\u0041'>", '"""a""""', "a"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(st.sampled_from(DISGUISES), max_size=6),
       keyword=st.sampled_from(["SERVICE", "service", "Service", "SERVICE SILENT"]),
       after=st.lists(st.sampled_from(DISGUISES), max_size=6))
def test_whatever_the_guard_lets_through_calls_no_one(recorder, before, keyword, after):
    """The guard reads SPARQL with a few regular expressions; Oxigraph's parser (the same in
    pyoxigraph) decides what runs. Any query the guard passes must not call out when it runs."""
    recorder.paths.clear()
    text = (f"PREFIX ex: <urn:ex:> SELECT * WHERE {{ {''.join(before)} {keyword} <{recorder.url('leak')}> "
            f"{{ ?x ?y ?z }} {''.join(after)} }}")
    if serve.fetches(text) is not None:
        return
    local = ox.Store()
    local.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    try:
        list(local.query(text))
    except (SyntaxError, OSError, RuntimeError):
        pass
    assert recorder.paths == [], text


def test_the_guard_refuses_what_it_cannot_check(served):
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    connection.putrequest("POST", "/query")
    connection.putheader("Content-Type", "application/sparql-query")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders(b"5\r\nASK{}\r\n0\r\n\r\n")
    assert connection.getresponse().status == 411
    connection.close()


def test_large_answers_pass_the_guard_whole(served, seed_graph):
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    status, body = ask(f"http://127.0.0.1:{served}/query?{urllib.parse.urlencode({'query': text})}",
                       headers={"Accept": "application/n-triples"})
    assert status == 200
    assert len(list(ox.parse(body, ox.RdfFormat.N_TRIPLES))) == seed_graph.query(COUNT).rows()[0]["n"]


# --- --writable: updates go to a copy ---

def test_writable_serves_a_copy_and_never_writes_the_published_store(mini, tmp_path, recorder):
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    published = store.current_path(store_dir)
    before = snapshot(published)
    process, port, announced = start_kg_serve(store_dir, "--writable")
    try:
        assert announced[0].startswith(f"serving a writable copy of {published} in ")
        copy = Path(announced[0].split(" in ", 1)[1].split(":")[0])
        assert copy.is_dir() and not copy.is_relative_to(store_dir)
        status, _ = ask(f"http://127.0.0.1:{port}/update", b"update=DELETE+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D",
                        {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 204 and count(port) == 0  # the copy took the update
        status, body = ask(f"http://127.0.0.1:{port}/update",
                           f"LOAD <{recorder.url('load')}>".encode(), {"Content-Type": "application/sparql-update"})
        assert status == 403 and body.startswith(b"LOAD is off") and recorder.paths == []
        # `kg build --endpoint` can load into it: a local endpoint to try the remote path with
        loaded = run_kg("--root", str(mini), "--store", str(store_dir), "build", "-q",
                        "--endpoint", f"http://127.0.0.1:{port}/query")
        assert loaded.returncode == 0, loaded.stderr
        far = run_kg("--root", str(mini), "query", "-e", "SELECT ?s WHERE { ?s a kg:Statement }",
                     "--endpoint", f"http://127.0.0.1:{port}/query", "--format", "csv")
        assert far.returncode == 0 and len(far.stdout.splitlines()) == 1 + 5, far.stderr
    finally:
        stop(process)
    assert snapshot(published) == before
    assert len(kg.load(mini, store_dir).query("SELECT ?s WHERE { ?s a kg:Statement }")) == 5
    assert not copy.exists()


# --- serving while builds publish ---

def test_served_queries_keep_answering_from_one_graph_during_builds(mini, tmp_path):
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    process, port, _ = start_kg_serve(store_dir)
    answers, stop_reading = [], threading.Event()

    def read():
        while not stop_reading.is_set():
            answers.append(count(port))

    reader = threading.Thread(target=read)
    try:
        served = count(port)
        extra = mini / "data" / "statements" / "extra.yaml"
        extra.write_text("source: memo\nstatements:\n  - id: memo-100\n    subject: JaneRoe\n"
                         "    relation: opposed\n    object: FederalAgency\n"
                         "    quote: \"Mayor Jane Roe said the city would not back down.\"\n")
        reader.start()
        for _ in range(3):
            built = run_kg("--root", str(mini), "--store", str(store_dir), "build", "-q")
            assert built.returncode == 0, built.stderr
    finally:
        stop_reading.set()
        if reader.is_alive():
            reader.join()
        stop(process)
    assert answers and set(answers) == {served}  # the served store stays as it was started
    assert len(kg.load(mini, store_dir).query("SELECT ?s WHERE { ?s a kg:Statement }")) == 6
