"""`kg serve`: Oxigraph's server over the built store, spoken to as a SPARQL 1.1 Protocol client."""

from __future__ import annotations

import json
import signal
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import kg
from conftest import REPO, run_kg, start_kg_serve
from kg.builder import store
from kg.query import serve

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = "application/sparql-results+json"


def answer(request: urllib.request.Request | str) -> dict:
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith(JSON)
        return json.load(response)


def count(doc: dict) -> int:
    return int(doc["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def served(seed_build):
    process, port, announced = start_kg_serve(seed_build)
    yield process, port, announced
    process.send_signal(signal.SIGINT)
    process.wait(timeout=15)


def test_announces_the_directory_and_the_urls(served, seed_build):
    process, port, announced = served
    assert announced == [f"serving {store.current_path(seed_build)} read-only",
                         f"SPARQL endpoint: http://127.0.0.1:{port}/query",
                         f"query page:      http://127.0.0.1:{port}/",
                         "limits: 60 s and 2048 MB per query (--timeout, --memory)",
                         "press Ctrl-C to stop"]


def test_get_and_both_posts_of_the_protocol(served, seed_graph):
    _, port, _ = served
    url = f"http://127.0.0.1:{port}/query"
    expected = seed_graph.query(COUNT).rows()[0]["n"]
    by_get = answer(urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': COUNT})}",
                                           headers={"Accept": JSON}))
    by_form = answer(urllib.request.Request(url, urllib.parse.urlencode({"query": COUNT}).encode(),
                                            {"Accept": JSON, "Content-Type": "application/x-www-form-urlencoded"}))
    by_body = answer(urllib.request.Request(url, COUNT.encode(),
                                            {"Accept": JSON, "Content-Type": "application/sparql-query"}))
    assert count(by_get) == count(by_form) == count(by_body) == expected


def test_the_data_is_in_the_default_graph(served):
    _, port, _ = served
    text = ("PREFIX kg: <https://w3id.org/conflict-kg/ontology/> "
            "SELECT ?who WHERE { ?who kg:sued <https://w3id.org/conflict-kg/id/Illinois> }")
    doc = answer(urllib.request.Request(f"http://127.0.0.1:{port}/query",
                                        urllib.parse.urlencode({"query": text}).encode(), {"Accept": JSON}))
    assert [b["who"]["value"] for b in doc["results"]["bindings"]] == ["https://w3id.org/conflict-kg/id/DOJ"]


def test_the_catalog_runs_against_the_served_graph(served, seed_graph):
    _, port, _ = served
    far = kg.load(REPO, endpoint=f"http://127.0.0.1:{port}/query")
    for name in ("lawsuits", "threats", "corroboration"):
        assert sorted(map(repr, far.query(name).terms)) == sorted(map(repr, seed_graph.query(name).terms))
    result = run_kg("--root", str(REPO), "query", "entity", "--param", "entity=Chiu",
                    "--endpoint", f"http://127.0.0.1:{port}/query", "--format", "csv")
    assert result.returncode == 0 and "David Chiu" in result.stdout, result.stderr


def test_the_query_page_is_there(served):
    _, port, _ = served
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
        assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")


def test_updates_are_refused(served, seed_graph):
    _, port, _ = served
    before = count(answer(f"http://127.0.0.1:{port}/query?{urllib.parse.urlencode({'query': COUNT})}"))
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/update",
                                                      urllib.parse.urlencode({"update": "DROP ALL"}).encode()),
                               timeout=30)
    assert 400 <= refused.value.code < 500
    assert count(answer(f"http://127.0.0.1:{port}/query?{urllib.parse.urlencode({'query': COUNT})}")) == before


def test_ctrl_c_stops_the_server_cleanly(seed_build):
    process, port, _ = start_kg_serve(seed_build)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert process.stdout.read().strip() == "stopping the server"
    assert process.stderr.read() == ""
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_a_busy_port_is_one_line_and_exit_3(seed_build):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_kg("--root", str(REPO), "--store", str(seed_build), "serve", "--port", str(port))
    assert result.returncode == 3
    assert result.stderr.startswith(f"kg: error: cannot listen on 127.0.0.1:{port}")
    assert "--port" in result.stderr and len(result.stderr.splitlines()) == 1


def test_nothing_built_yet(tmp_path):
    result = run_kg("--root", str(REPO), "--store", str(tmp_path / "none"), "serve")
    assert result.returncode == 3 and "run 'kg build' first" in result.stderr


def test_start_and_stop_from_python(seed_build):
    with serve.start(store.current_path(seed_build)) as server:
        assert server.process.poll() is None and server.port > 0
        assert count(answer(f"{server.query_url}?{urllib.parse.urlencode({'query': COUNT})}")) > 0
    assert server.process.returncode is not None
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=0.5).close()
            time.sleep(0.1)
        except OSError:
            return
    raise AssertionError("the port is still open after stop()")


def test_a_folder_that_is_no_store_fails_clearly(tmp_path):
    (tmp_path / "not-a-store").write_text("")
    with pytest.raises(kg.KGError) as failure:
        serve.start(tmp_path / "not-a-store")
    assert failure.value.exit_code == 3 and "stopped at once" in str(failure.value)


def test_the_commands_of_the_docs_start_a_server(seed_build):
    # docs/sparql.md's ```sh block on `kg serve`, each line as it is written, on a free port.
    import re
    import shlex

    text = (REPO / "docs" / "sparql.md").read_text(encoding="utf-8")
    shown = [shlex.split(line, comments=True) for line in re.search(r"```sh\n(kg serve.*?)```", text, re.S)[1]
             .splitlines()]
    assert [argv[:2] for argv in shown] == [["kg", "serve"], ["kg", "serve"]]
    for argv in shown:
        flags = argv[2:]
        if "--port" in flags:
            del flags[flags.index("--port"):flags.index("--port") + 2]
        process, port, announced = start_kg_serve(seed_build, *flags)
        try:
            others = "--host" in flags and flags[flags.index("--host") + 1] not in ("127.0.0.1", "localhost")
            warned = [line for line in announced if "other machines can query" in line]
            assert len(warned) == others, (argv, announced)
            assert count(answer(f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": COUNT}))) > 0
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=15)
