"""`kg serve`: a SPARQL 1.1 Protocol endpoint over the built store, run by Oxigraph's own server.

The server is the `oxigraph` command (PyPI package `oxigraph`, the `server` extra), started as
`oxigraph serve-read-only` on a published store directory. Published directories are never
written again (kg.store), so serving one read-only while `kg build` publishes the next is safe;
the server keeps answering from the directory it was started on.

Oxigraph runs the SERVICE clauses of a query (and LOAD in an update) by fetching the URLs they
name, and has no option to stop it: anyone who can query the endpoint could make it call any
server it can reach. And its engine cannot stop a query that runs too long or takes too much
memory, nor one whose client went away; a query nested a few thousand levels deep makes the
whole server exit. So Oxigraph listens on a private loopback port behind a small guard
(`Guard`): it checks every SPARQL text (kg.query.limits), refuses SERVICE and LOAD unless
`allow_service` is given, runs the queries in workers under a time and memory limit, and passes
the other requests on. Queries may use kg's predefined prefixes (kg:, ent:, ...) without declaring
them, as with `kg query`; a query that does not parse is answered with one line giving the
position in the text the client sent. `writable` serves a copy of the store that takes updates
and goes when the server stops: a published store is never written (its readers, its dump and
the next build rely on that), and what an update changes belongs in data/, from which the next
build makes the graph again.

>>> from kg.builder.store import current_path
>>> with start(current_path(kg.find_project().build_dir)) as server:   # on a free port
...     len(kg.load(endpoint=server.query_url).query("lawsuits").rows()) > 0
True
"""

from __future__ import annotations

import collections
import http.client
import http.server
import math
import os
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
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ..builder import store
from ..errors import EXIT_ENVIRONMENT, KGError
from ..prefixes import PREFIXES
from . import limits
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
                  hint="pip install 'conflict-kg[server]' (the PyPI package oxigraph)", exit_code=EXIT_ENVIRONMENT)


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
        self.arguments: list[str] = []
        self._restarting = threading.Lock()

    def restart(self, stuck: subprocess.Popen) -> None:
        """Stop Oxigraph and start it again on the same store and port: its engine cannot stop
        one query alone, and one over its time limit would otherwise run on (updates already
        made are on disk). Several callers that saw the same `stuck` process restart it once."""
        with self._restarting:
            if self.process is not stuck:
                return
            stuck.kill()
            stuck.wait()
            self.process = _launch(self.arguments, self._errors)
            _wait_until_ready(self, "127.0.0.1", int(self.arguments[self.arguments.index("--bind") + 1]
                                                     .rsplit(":", 1)[1]), 15.0)

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
            if self.guard.pool is not None:
                self.guard.pool.close()
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

    def __enter__(self) -> Server:
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
          writable: bool = False, allow_service: bool = False, bounds: limits.Limits | None = None) -> Server:
    """Start Oxigraph's server read-only on the store directory `location` and wait until it
    accepts connections. `port=0` picks a free port. `writable`: serve a copy that takes
    updates, removed on stop. `allow_service`: let queries call other endpoints. `bounds`: the
    time and memory limits of each query (kg.query.limits's defaults if None)."""
    location = Path(location)
    bounds = bounds or limits.Limits()
    command = server_command()
    port = port or _free_port(host)
    _check_port(host, port)
    scratch = _copy(location) if writable else None
    served = scratch / "store" if scratch else location
    inner_host, inner_port = "127.0.0.1", _free_port("127.0.0.1")
    bind = f"{inner_host}:{inner_port}"
    # Oxigraph's own time limit on what the guard passes on; it does not stop a query that is
    # running (see Server.restart), but costs nothing.
    limit = ["--timeout-s", str(max(1, math.ceil(bounds.timeout)))] if bounds.timeout else []
    arguments = [str(command), "serve" if writable else "serve-read-only",
                 "--location", str(served), "--bind", bind, *limit]
    errors: collections.deque = collections.deque(maxlen=50)
    try:
        process = _launch(arguments, errors)
    except BaseException:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    server = Server(process, served, host, port, errors)
    server.arguments = arguments
    server.scratch = scratch
    try:
        if not writable:
            server.reader_lock = store.hold(location)  # builds must not remove what is being served
        _wait_until_ready(server, inner_host, inner_port, timeout)
        # Queries of a read-only store run in kg's workers, under the limits; a writable copy's
        # go to Oxigraph, which alone sees its updates (the guard restarts it past the deadline).
        pool = None if writable else limits.Pool(ox.Store.read_only(str(served)), bounds,
                                                  size=max(2, os.cpu_count() or 2))
        server.guard = Guard(host, port, inner_port, pool=pool, allow_service=allow_service,
                             server=server, timeout=bounds.timeout)
        threading.Thread(target=server.guard.serve_forever, daemon=True).start()
    except BaseException:  # including Ctrl-C while it starts: never leave the server behind
        server.stop()
        raise
    return server


def _launch(arguments: list[str], errors: collections.deque) -> subprocess.Popen:
    # Its own session: Ctrl-C reaches kg alone, which then stops the server and says so.
    process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
    threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True).start()
    return process


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


#: The header of an HTTP 503 for a query stopped by a limit (`time` or `memory`): kg's client
#: (kg.query.remote) does not send such a query again.
LIMIT_HEADER = "Kg-Query-Limit"

#: Headers that belong to one connection, not to the request or answer passed on.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
               "upgrade", "expect", "proxy-authorization", "proxy-authenticate"}


class Guard(http.server.ThreadingHTTPServer):
    """Listens on the endpoint's address. Every SPARQL text is checked first (kg.query.limits:
    size, nesting; and unless `allow_service`, that it makes no fetch, see `fetches`: HTTP 403).
    Queries then run in `pool`'s workers under the time and memory limits; the rest (the query
    page, updates, the graph store protocol, every request if `pool` is None) goes on to Oxigraph
    on `inner_port`."""

    daemon_threads = True
    # Connections wait in the kernel's queue while the threads take them: with Python's default
    # of 5, a burst of clients on loopback met connection resets.
    request_queue_size = 1024

    def __init__(self, host: str, port: int, inner_port: int, *, pool: limits.Pool | None = None,
                 allow_service: bool = False, server: Server | None = None, timeout: float | None = None):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.inner_port = inner_port
        self.pool = pool
        self.allow_service = allow_service
        #: Oxigraph, restarted when a query passed on to it outruns `timeout` (its own
        #: --timeout-s does not stop a running query).
        self.oxigraph = server
        self.timeout = timeout
        super().__init__((host, port), _GuardHandler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # without HTTPServer's reverse DNS lookup
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hung up half-way is no news to print


#: The longest request body passed on: a query or update (form-encoded, up to three bytes a
#: character), or RDF for the graph store protocol of --writable.
_MAX_BODY = 3 * limits.MAX_BYTES + 1024
_MAX_STORE_BODY = 256 * 1024 * 1024
#: An answer up to this size is sent with its length, once complete, so that a limit met while
#: it is written still gets an HTTP error; a longer one streams.
_BUFFERED = 1 << 20


#: Where Oxigraph's server answers queries (/sparql is its alias of /query).
_QUERY_PATHS = ("/query", "/sparql")


def _query_request(command: str, path: str, content_type: str, body: bytes) -> tuple[str, dict] | None:
    """The query text and URL/form parameters of a request that carries a SPARQL 1.1 Protocol
    query, to any path, or None if it carries none (the query page, an update, the graph store
    protocol)."""
    target = urllib.parse.urlsplit(path)
    params = urllib.parse.parse_qs(target.query, keep_blank_values=True)
    media = content_type.split(";")[0].strip().lower()
    if command == "POST" and media == "application/x-www-form-urlencoded":
        for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    elif command == "POST" and media == "application/sparql-query":
        params["query"] = [body.decode("utf-8", "replace")]
    elif command != "GET":
        return None
    texts = params.get("query", [])
    return (texts[0], params) if len(texts) == 1 else None


def _accepted(header: str) -> tuple[str, ...]:
    """The media types of an Accept header, most wanted first (q values; ties keep their order)."""
    ranked = []
    for position, item in enumerate(header.split(",")):
        media, *options = [part.strip() for part in item.split(";")]
        weight = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media and weight > 0:
            ranked.append((-weight, position, media))
    return tuple(media for _, _, media in sorted(ranked))


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
    timeout = 60  # seconds a client may take to send its request or read a piece of the answer

    def log_message(self, *args) -> None:
        pass

    def _refuse(self, status: int, message: str, limit: str | None = None) -> None:
        body = (message + "\n").encode()
        self.send_response(status)
        if limit:  # the query was stopped by a limit: asking again would only meet it again
            self.send_header(LIMIT_HEADER, limit)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _forward(self) -> None:
        body = self._body()
        if body is None:
            return
        content_type = self.headers.get("Content-Type", "")
        if self._refused(content_type, body):
            return
        query = _query_request(self.command, self.path, content_type, body)
        if query is not None and self.server.pool is not None:
            route = urllib.parse.urlsplit(self.path).path
            if route in _QUERY_PATHS:
                return self._answer(*query)
            if route != "/":  # the query page ignores a query; no other path may run one unlimited
                return self._refuse(404, f"queries go to {' or '.join(_QUERY_PATHS)}")
        self._relay(content_type, body, is_query=query is not None)

    def _body(self) -> bytes | None:
        """The request's body; None when its length refuses it (the client has been answered)."""
        if self.headers.get("Transfer-Encoding"):
            self._refuse(411, "send the request with a Content-Length, not in chunks")
            return None
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            self._refuse(400, "the Content-Length is not a number")
            return None
        most = _MAX_STORE_BODY if self.path.startswith("/store") else _MAX_BODY
        if int(length) > most:
            self._refuse(413, f"the request is {int(length):,} bytes long; at most {most:,} are allowed")
            return None
        return self.rfile.read(int(length))

    def _refused(self, content_type: str, body: bytes) -> bool:
        """Whether a SPARQL text of the request is over a limit or would fetch other URLs (and so
        was answered with an error)."""
        for text in _sparql_texts(self.path, content_type, body):
            try:
                limits.check(text)
            except limits.QueryRefused as exc:
                self._refuse(413 if "bytes long" in exc.args[0] else 400, str(exc))
                return True
            keyword = None if self.server.allow_service else fetches(text)
            if keyword:
                self._refuse(403, f"{keyword} is off on this endpoint: its queries may not make it "
                                  "fetch other URLs (kg serve --allow-service allows it)")
                return True
        return False

    def _relay(self, content_type: str, body: bytes, is_query: bool) -> None:
        """Pass the request on to Oxigraph and its answer back, a query under the time limit."""
        path, body, original, added = _with_prefixes(self.path, content_type, body)
        limited = is_query and self.server.timeout is not None and self.server.oxigraph is not None
        inner = http.client.HTTPConnection("127.0.0.1", self.server.inner_port,
                                           timeout=self.server.timeout if limited else 600)
        oxigraph = self.server.oxigraph.process if self.server.oxigraph is not None else None
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
        except TimeoutError:
            if limited and not answered:
                self.server.oxigraph.restart(oxigraph)
                return self._refuse(503, f"the query ran longer than the time limit ({self.server.timeout:g} s) "
                                         "and was stopped (hint: raise the limit with kg serve --timeout SECONDS)",
                                    limit="time")
            if not answered:
                self._refuse(502, "the Oxigraph server behind this endpoint did not answer")
        except OSError:
            if not answered:
                self._refuse(502, "the Oxigraph server behind this endpoint did not answer")
        finally:
            inner.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward

    def _gone(self) -> bool:
        """Whether the client closed its connection (it sends nothing after its request)."""
        try:
            return self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _answer(self, text: str, params: dict[str, list[str]]) -> None:
        """Run a query in a worker of the pool and send its answer; a query over a limit gets
        an HTTP error, one whose client went away is stopped."""
        # Without a format the client accepts, the protocol's usual ones: JSON, N-Triples.
        accept = _accepted(self.headers.get("Accept", "")) + ("application/sparql-results+json",
                                                                "application/n-triples")
        # kg's prefixes, as `kg query` knows them: a query need not declare kg:, ent:, ...
        request = limits.Request(text, PREFIXES, accept=accept,
                                 default_graph=params.get("default-graph-uri") or None,
                                 named_graphs=params.get("named-graph-uri") or None,
                                 union="union-default-graph" in params)
        with self.server.pool.worker() as worker:
            try:
                (kind, media_type), chunks = worker.stream(request, self._gone, self.connection.fileno())
                head: list[bytes] = []
                size = 0
                for chunk in chunks:  # a small answer is sent whole, with its length
                    head.append(chunk)
                    size += len(chunk)
                    if size > _BUFFERED:
                        break
                else:
                    return self._send_answer(media_type, b"".join(head))
                self.send_response(200)
                self.send_header("Content-Type", media_type)
                self.end_headers()
                for chunk in head:
                    self.wfile.write(chunk)
                for chunk in chunks:
                    self.wfile.write(chunk)
            except limits.ClientGone:
                return
            except limits.QueryRefused as exc:
                return self._refuse(503, str(exc), limit="memory" if "memory" in exc.args[0] else "time")
            except SyntaxError as exc:
                return self._refuse(400, error_line(str(exc), text))
            except (RuntimeError, ValueError, TypeError) as exc:
                return self._refuse(400, f"the query failed: {exc}")
            except OSError as exc:
                if isinstance(exc, (BrokenPipeError, ConnectionResetError)):
                    return  # the client left while the answer was written: the pool stops the worker
                return self._refuse(502, f"the query failed: {exc}")
            except KGError as exc:
                return self._refuse(500, str(exc))

    def _send_answer(self, media_type: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _describe(bounds: limits.Limits, writable: bool) -> str:
    """The limits every query runs under, in words."""
    time_limit = f"{bounds.timeout:g} s" if bounds.timeout else "no time limit"
    if writable:  # Oxigraph runs them: it sees the updates, and has a time limit only
        return f"limits: {time_limit} per query (--timeout)"
    memory = f"{bounds.memory_mb} MB" if bounds.memory_mb else "no memory limit"
    return f"limits: {time_limit} and {memory} per query (--timeout, --memory)"


def run(location: Path, host: str = "127.0.0.1", port: int = 7878,
        announce: Callable[[str], None] = print, *, writable: bool = False,
        allow_service: bool = False, bounds: limits.Limits | None = None) -> None:
    """Serve `location` until Ctrl-C (or SIGTERM), then stop the server cleanly."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # SIGINT too: a shell starts background jobs with SIGINT ignored, yet Ctrl-C must stop us.
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with start(location, host, port, writable=writable, allow_service=allow_service, bounds=bounds) as server:
            try:
                if writable:
                    announce(f"serving a writable copy of {location} in {server.location}: updates "
                             "change the copy, which goes when the server stops")
                else:
                    announce(f"serving {location} read-only")
                announce(f"SPARQL endpoint: {server.query_url}")
                announce(f"query page:      {server.url}/")
                announce(_describe(bounds or limits.Limits(), writable))
                if host not in ("127.0.0.1", "::1", "localhost"):
                    announce(f"warning: listening on {host}: other machines can query this graph")
                if allow_service:
                    announce("warning: queries may make the server fetch other URLs (SERVICE, LOAD)")
                announce("press Ctrl-C to stop")
                while True:  # a process restarted after a query outran its limit is no stop
                    waited = server.process
                    code = waited.wait()
                    with server._restarting:
                        if server.process is waited:
                            break
            except KeyboardInterrupt:
                announce("stopping the server")
                return
            raise KGError(f"the Oxigraph server stopped (exit {code}): {server.last_error()}",
                          exit_code=EXIT_ENVIRONMENT)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
