"""`kg serve`: a SPARQL 1.1 Protocol endpoint over the built store, run by Oxigraph's own server.

The server is the `oxigraph` command (PyPI package `oxigraph`, the `server` extra), started as
`oxigraph serve-read-only` on a published store directory. Published directories are never
written again (kg.store), so serving one read-only while `kg build` publishes the next is safe;
the server keeps answering from the directory it was started on.

Oxigraph runs the SERVICE clauses of a query (and LOAD in an update) by fetching the URLs they
name, and has no option to stop it: anyone who can query the endpoint could make it call any
server it can reach. So Oxigraph listens on a private loopback port behind a small guard
(`Guard`) that refuses such requests (unless `allow_service` is given) and passes the others on,
with kg's predefined prefixes (kg:, ent:, ...) added to a query that does not declare them, as
`kg query` does; a query Oxigraph cannot parse is answered with one line giving the position in
the text the client sent. `writable` serves a copy of the store that takes updates and goes when the server stops:
a published store is never written (its readers, its dump and the next build rely on that), and
what an update changes belongs in data/, from which the next build makes the graph again.

>>> from kg.builder.store import current_path
>>> with start(current_path(kg.find_project().build_dir)) as server:   # on a free port
...     len(kg.load(endpoint=server.query_url).query("lawsuits").rows()) > 0
True
"""

from __future__ import annotations

import collections
import http.client
import http.server
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Callable

from ..builder import store
from ..errors import EXIT_ENVIRONMENT, KGError
from .sparql import add_prefixes, code_only, error_line


def server_command() -> Path:
    """The `oxigraph` command: next to this Python (a virtualenv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise KGError("the Oxigraph server is not installed",
                  hint="pip install 'kg[server]' (the PyPI package oxigraph)", exit_code=EXIT_ENVIRONMENT)


#: The SPARQL keywords that make a server fetch a URL: SERVICE in queries and updates, LOAD in updates.
_FETCHING = re.compile(r"service|load", re.IGNORECASE)


def fetches(text: str) -> str | None:
    """The keyword (SERVICE or LOAD) with which the SPARQL `text` would make a server fetch a
    URL, or None. The word inside a string, IRI or comment, a variable (?service) or a prefixed
    name (ex:download) does not count. What the check cannot read for sure counts as SERVICE: a
    backslash outside strings and IRIs, the word right after a '.' or '-' (ex:a.service).

    >>> fetches('SELECT ?service { ?service ex:load "SERVICE" } # SERVICE'), fetches("ASK { SERVICE <x> {} }")
    (None, 'SERVICE')
    """
    code = code_only(text)
    if "\\" in code:
        return "SERVICE"
    for match in _FETCHING.finditer(code):
        start = match.start()  # back to the start of the name the word may be the end of
        while start and (code[start - 1].isalnum() or code[start - 1] in "_:"):
            start -= 1
        name, before = code[start:match.start()], code[start - 1:start]
        variable = before in ("?", "$") and ":" not in name
        prefixed = re.match(r"(?:[^\W\d_]\w*)?:", name) is not None
        if not (variable or prefixed):
            return match.group().upper()
    return None


class Server:
    """A running `oxigraph serve-read-only`; `stop()` (or leaving a `with` block) ends it."""

    def __init__(self, process: subprocess.Popen, location: Path, host: str, port: int,
                 errors: collections.deque):
        self.process = process
        self.location = location
        self.host = host
        self.port = port
        self._errors = errors
        self.guard: Guard | None = None
        self.reader_lock = None
        self.scratch: Path | None = None  # the folder of a writable copy

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return self.url + "/query"

    def last_error(self) -> str:
        return next((line for line in reversed(self._errors) if line.strip()), "no message")

    def stop(self) -> int:
        """End the server (SIGTERM, then SIGKILL after 5 s) and return its exit code."""
        if self.guard is not None:
            self.guard.shutdown()
            self.guard.server_close()
            self.guard = None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.reader_lock is not None:
            self.reader_lock.close()
            self.reader_lock = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None
        return self.process.returncode

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise KGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                          hint="choose another port with --port (or --port 0 for any free one)",
                          exit_code=EXIT_ENVIRONMENT) from None


def start(location: Path, host: str = "127.0.0.1", port: int = 0, timeout: float = 15.0, *,
          writable: bool = False, allow_service: bool = False) -> Server:
    """Start Oxigraph's server read-only on the store directory `location` and wait until it
    accepts connections. `port=0` picks a free port. `writable`: serve a copy that takes
    updates, removed on stop. `allow_service`: let queries call other endpoints."""
    location = Path(location)
    command = server_command()
    port = port or _free_port(host)
    _check_port(host, port)
    scratch = _copy(location) if writable else None
    served = scratch / "store" if scratch else location
    # Oxigraph always sits behind the guard, which adds kg's prefixes to queries and makes its
    # errors readable; without allow_service the guard also refuses SERVICE and LOAD.
    inner_host, inner_port = "127.0.0.1", _free_port("127.0.0.1")
    bind = f"[{inner_host}]:{inner_port}" if ":" in inner_host else f"{inner_host}:{inner_port}"
    try:
        # Its own session: Ctrl-C reaches kg alone, which then stops the server and says so.
        process = subprocess.Popen([str(command), "serve" if writable else "serve-read-only",
                                    "--location", str(served), "--bind", bind],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True, errors="replace", start_new_session=True)
    except BaseException:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    errors: collections.deque = collections.deque(maxlen=50)
    threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True).start()
    server = Server(process, served, host, port, errors)
    server.scratch = scratch
    try:
        if not writable:
            server.reader_lock = store.hold(location)  # builds must not remove what is being served
        server.guard = Guard(host, port, inner_port, allow_service=allow_service)
        threading.Thread(target=server.guard.serve_forever, daemon=True).start()
        _wait_until_ready(server, inner_host, inner_port, timeout)
    except BaseException:  # including Ctrl-C while it starts: never leave the server behind
        server.stop()
        raise
    return server


def _copy(location: Path) -> Path:
    """A folder in the temporary folder holding a copy of the store `location` as `store`."""
    scratch = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        with store.hold(location):  # builds must not remove it while it is copied
            shutil.copytree(location, scratch / "store")
    except OSError as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise KGError(f"cannot copy the store to {scratch}: {exc.strerror or exc}",
                      hint="free some space in the temporary folder (TMPDIR)", exit_code=EXIT_ENVIRONMENT) from None
    return scratch


def _wait_until_ready(server: Server, host: str, port: int, timeout: float) -> None:
    probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            time.sleep(0.1)  # let the reader thread collect the last message
            raise KGError(f"the Oxigraph server stopped at once: {server.last_error()}",
                          hint=f"is {server.location} a built store?", exit_code=EXIT_ENVIRONMENT)
        try:
            socket.create_connection((probe_host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise KGError(f"the Oxigraph server did not start within {timeout:g} s", exit_code=EXIT_ENVIRONMENT)


#: Headers that belong to one connection, not to the request or answer passed on.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
               "upgrade", "expect", "proxy-authorization", "proxy-authenticate"}


class Guard(http.server.ThreadingHTTPServer):
    """Listens on the endpoint's address and passes each request on to Oxigraph on `inner_port`,
    unless it would make Oxigraph fetch a URL (see `fetches`): that one gets HTTP 403."""

    daemon_threads = True

    def __init__(self, host: str, port: int, inner_port: int, *, allow_service: bool = False):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.inner_port = inner_port
        self.allow_service = allow_service
        super().__init__((host, port), _GuardHandler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # without HTTPServer's reverse DNS lookup
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hung up half-way is no news to print


def _sparql_texts(path: str, content_type: str, body: bytes) -> list[str]:
    """Every text in a request that Oxigraph may read as a query or an update: the `query` and
    `update` parameters of the URL and of a form, or the body itself."""
    def params(encoded: str) -> list[str]:
        return [v for k, v in urllib.parse.parse_qsl(encoded, keep_blank_values=True) if k in ("query", "update")]

    target = urllib.parse.urlsplit(path)
    texts = params(target.query)
    if body:
        text = body.decode("utf-8", "replace")
        if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
            texts += params(text)
        elif not target.path.startswith("/store"):  # the graph store protocol takes RDF, not SPARQL
            texts.append(text)
    return texts


def _with_prefixes(path: str, content_type: str, body: bytes) -> tuple[str, bytes, str, int]:
    """The request with kg's prefixes added to its query or update where it does not declare
    them: (path, body, the text as sent by the client, lines added before it)."""
    target = urllib.parse.urlsplit(path)
    media = content_type.split(";")[0].strip().lower()

    def rewrite(encoded: str) -> tuple[str, str, int]:
        pairs = urllib.parse.parse_qsl(encoded, keep_blank_values=True)
        original, added = "", 0
        for number, (key, value) in enumerate(pairs):
            if key in ("query", "update"):
                original = value
                text, added = add_prefixes(value)
                pairs[number] = (key, text)
        return urllib.parse.urlencode(pairs), original, added

    if target.query and media != "application/x-www-form-urlencoded" and not body:
        query, original, added = rewrite(target.query)
        return urllib.parse.urlunsplit(target._replace(query=query)), body, original, added
    if media == "application/x-www-form-urlencoded" and body:
        encoded, original, added = rewrite(body.decode("utf-8", "replace"))
        return path, encoded.encode(), original, added
    if media in ("application/sparql-query", "application/sparql-update") and body:
        original = body.decode("utf-8", "replace")
        text, added = add_prefixes(original)
        return path, text.encode(), original, added
    return path, body, "", 0


class _GuardHandler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, and an answer of unknown length ends when it closes.
    server: Guard

    def log_message(self, *args) -> None:
        pass

    def _refuse(self, status: int, message: str) -> None:
        body = (message + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _forward(self) -> None:
        if self.headers.get("Transfer-Encoding"):
            return self._refuse(411, "send the request with a Content-Length, not in chunks")
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            return self._refuse(400, "the Content-Length is not a number")
        body = self.rfile.read(int(length))
        for text in _sparql_texts(self.path, self.headers.get("Content-Type", ""), body):
            keyword = fetches(text) if not self.server.allow_service else None
            if keyword:
                return self._refuse(403, f"{keyword} is off on this endpoint: its queries may not make it "
                                         "fetch other URLs (kg serve --allow-service allows it)")
        path, body, original, added = _with_prefixes(self.path, self.headers.get("Content-Type", ""), body)
        inner = http.client.HTTPConnection("127.0.0.1", self.server.inner_port, timeout=600)
        answered = False
        try:
            inner.putrequest(self.command, path, skip_host="Host" in self.headers,
                             skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    inner.putheader(name, value)
            if body or self.command in ("POST", "PUT"):
                inner.putheader("Content-Length", str(len(body)))
            inner.endheaders(body or None)
            answer = inner.getresponse()
            if answer.status == 400 and original:  # a syntax error: one line, at the client's position
                message = answer.read().decode("utf-8", "replace")
                answered = True
                located = re.search(r"\d+:\d+|line \d+", message)
                return self._refuse(400, error_line(message, original, added) if located
                                    else " ".join(message.split())[:300])
            self.send_response_only(answer.status, answer.reason)
            answered = True
            for name, value in answer.getheaders():
                if name.lower() not in _HOP_BY_HOP:
                    self.send_header(name, value)
            self.end_headers()
            while self.command != "HEAD" and (chunk := answer.read(65536)):
                self.wfile.write(chunk)
        except OSError:
            if not answered:
                self._refuse(502, "the Oxigraph server behind this endpoint did not answer")
        finally:
            inner.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward


def run(location: Path, host: str = "127.0.0.1", port: int = 7878,
        announce: Callable[[str], None] = print, *, writable: bool = False,
        allow_service: bool = False) -> None:
    """Serve `location` until Ctrl-C (or SIGTERM), then stop the server cleanly."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # SIGINT too: a shell starts background jobs with SIGINT ignored, yet Ctrl-C must stop us.
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with start(location, host, port, writable=writable, allow_service=allow_service) as server:
            try:
                if writable:
                    announce(f"serving a writable copy of {location} in {server.location}: updates "
                             "change the copy, which goes when the server stops")
                else:
                    announce(f"serving {location} read-only")
                announce(f"SPARQL endpoint: {server.query_url}")
                announce(f"query page:      {server.url}/")
                if host not in ("127.0.0.1", "::1", "localhost"):
                    announce(f"warning: listening on {host}: other machines can query this graph")
                if allow_service:
                    announce("warning: queries may make the server fetch other URLs (SERVICE, LOAD)")
                announce("press Ctrl-C to stop")
                code = server.process.wait()
            except KeyboardInterrupt:
                announce("stopping the server")
                return
            raise KGError(f"the Oxigraph server stopped (exit {code}): {server.last_error()}",
                          exit_code=EXIT_ENVIRONMENT)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
