"""OpenLink Virtuoso for the tests and the benchmarks: `virtuoso-t` (Debian's
virtuoso-opensource-7-bin, which `./dev test` installs) started in the foreground over a fresh
database folder, its SQL and HTTP ports on loopback.

    with VirtuosoServer(folder).start() as server:
        kg.load(endpoint=server.query_url)
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


VIRTUOSO = os.environ.get("KG_VIRTUOSO", "/usr/bin/virtuoso-t")
ISQL = os.environ.get("KG_VIRTUOSO_ISQL", "/usr/bin/isql-vt")

_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql}
ServerThreads = 4
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = {db}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {db}
ServerThreads = 4
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


class VirtuosoServer:
    """`virtuoso-t` in the foreground over a fresh database folder, its SQL and HTTP ports on
    loopback; the SPARQL user may update, as an administrator would allow for kg."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.process = None

    def start(self) -> VirtuosoServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = free_port(), free_port()
        ini = self.folder / "virtuoso.ini"
        ini.write_text(_INI.format(db=self.folder, sql=self.sql_port, http=self.http_port))
        self.process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=self.folder,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90  # a new database is made on first start
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.folder / "virtuoso.log").read_text()[-2000:]
            try:
                self.select("ASK { }")
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        else:
            raise AssertionError("virtuoso did not start")
        # Updates through /sparql run as the SPARQL user, which may not write by default.
        granted = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba"],
                                 input='GRANT SPARQL_UPDATE TO "SPARQL";\n', capture_output=True,
                                 text=True, timeout=60)
        assert granted.returncode == 0 and "Error" not in granted.stdout, granted.stdout + granted.stderr
        return self

    def __enter__(self) -> VirtuosoServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def select(self, text: str) -> list[dict]:
        """A plain SPARQL Protocol client: POST the query, read SPARQL JSON, no default graph."""
        request = urllib.request.Request(self.query_url, urllib.parse.urlencode({"query": text}).encode(),
                                         {"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
        return [{k: v["value"] for k, v in b.items()} for b in answer.get("results", {}).get("bindings", [])]

    def graphs(self, prefix: str = "https://w3id.org/conflict-kg/graph/") -> dict[str, int]:
        """Triples per named graph whose IRI starts with `prefix` (Virtuoso keeps graphs of its own)."""
        return {r["g"]: int(r["n"]) for r in self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            if r["g"].startswith(prefix)}




def available() -> bool:
    return os.access(VIRTUOSO, os.X_OK) and os.access(ISQL, os.X_OK)
