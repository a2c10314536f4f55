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

The guard stays fair under load and abuse (`Fairness`): short queries run in their own lane and
never wait behind long ones; connections, request bodies and slow clients are bounded per
address and in all; what cannot be served now is refused at once with a Retry-After. Oxigraph is
supervised: restarted when it dies, and it dies with kg serve, however that ends.

>>> from kg.builder.store import current_path
>>> with start(current_path(kg.find_project().build_dir)) as server:   # on a free port
...     len(kg.load(endpoint=server.query_url).query("lawsuits").rows()) > 0
True
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import http.client
import http.server
import math
import os
import re
import resource
import select
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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeAlias

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
#: A client's connection as socketserver names it (a TCP server's is always the socket), and its
#: address: (host, port), or IPv6's (host, port, flow, scope).
Connection: TypeAlias = socket.socket | tuple[bytes, socket.socket]
Address: TypeAlias = tuple[Any, ...]


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


@dataclass
class Fairness:
    """How the guard shares itself among clients, as public endpoints that survive the internet do
    (Wikidata's query service: per-client concurrency and 429 with Retry-After; Virtuoso and
    Fuseki: time and cost limits). An address is a client: on loopback, each 127.x.y.z is one.

    Every query starts in the short lane; one still running after `promote_after` seconds moves
    to the long lane (at lower CPU priority), or is stopped with 503 when that lane is full or
    its client already has `per_client_long` there. So a long query holds a short slot for at
    most `promote_after` seconds, and short queries never wait behind long ones."""

    short_slots: int = 16  # queries running in the short lane at once
    long_slots: int = 2  # queries running past `promote_after`
    promote_after: float = 0.5  # seconds
    per_client_long: int = 1
    per_client_queries: int = 64  # running or waiting, per address; beyond: 429
    max_waiting: int = 4096  # queries waiting for a short slot, in all; beyond: 503
    queue_wait: float = 10.0  # the longest a query waits for a short slot; then 503
    max_connections: int = 4096  # open at once, in all (the guard raises its open-file limit)
    per_client_connections: int = 1024
    header_seconds: float = 20.0  # to send the request line and headers
    request_seconds: float = 30.0  # to send the whole request, body included
    #: Bodies larger than `free_body` are admitted only within these budgets of bytes being
    #: received at once: 1,500 half-sent 3 MB bodies would otherwise hold 4.5 GB.
    free_body: int = 64 * 1024
    body_budget: int = 64 * 1024 * 1024
    per_client_body: int = 8 * 1024 * 1024
    #: An answer is held (in memory up to 1 MB, then in a temporary file) until complete, so
    #: that one cut by a limit is a 503, never a 200; larger than this, it is refused.
    max_answer: int = 512 * 1024 * 1024

    @classmethod
    def for_machine(cls) -> Fairness:
        cores = os.cpu_count() or 2
        return cls(short_slots=max(16, 8 * cores), long_slots=max(2, cores), per_client_long=max(1, cores // 2))


class Server:
    """A running, supervised `oxigraph serve(-read-only)` behind the guard; `stop()` (or
    leaving a `with` block) ends both."""

    def __init__(self, arguments: list[str], location: Path, host: str, port: int, *,
                 memory_mb: int | None = None):
        self.arguments = arguments
        self.location = location
        self.host = host
        self.port = port
        self.inner_port = int(arguments[arguments.index("--bind") + 1].rsplit(":", 1)[1])
        self.memory_mb = memory_mb
        self.process: subprocess.Popen[str] | None = None
        self._errors: collections.deque[str] = collections.deque(maxlen=50)
        self.guard: Guard | None = None
        self.reader_lock: IO[str] | None = None
        self.scratch: Path | None = None  # the folder of a writable copy
        #: How many times Oxigraph was started again after it died or was stopped.
        self.restarts = 0
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._failed: KGError | None = None
        self._supervisor: threading.Thread | None = None

    def supervise(self, timeout: float) -> None:
        """Start Oxigraph in a thread that starts it again whenever it dies, and wait until it
        accepts connections. The thread lives as long as the server: Oxigraph is told to die
        with it (Linux's parent-death signal follows the thread that started the process)."""
        self._supervisor = threading.Thread(target=self._supervise, args=(timeout,), daemon=True,
                                            name="kg-serve-oxigraph")
        self._supervisor.start()
        self._ready.wait()
        if self._failed is not None:
            raise self._failed

    def _supervise(self, timeout: float) -> None:
        backoff, first = 0.5, True
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                self.process = _launch(self.arguments, self._errors, self.memory_mb)
                _wait_until_ready(self, self.process, "127.0.0.1", self.inner_port, timeout)
            except KGError as exc:
                if first:  # a store that cannot be served: say so, and stop
                    self._failed = exc
                    self._ready.set()
                    return
                self._errors.append(str(exc))
                self._stopping.wait(backoff)
                backoff = min(2 * backoff, 30.0)
                continue
            first = False
            self._ready.set()
            self.process.wait()
            self._ready.clear()
            if self._stopping.is_set():
                return
            self.restarts += 1
            # One that died at once is not started again and again without a pause.
            backoff = 0.5 if time.monotonic() - started > 60 else min(2 * backoff, 30.0)
            self._stopping.wait(0.0 if self.restarts == 1 else backoff)

    def restart(self, stuck: subprocess.Popen[str] | None, timeout: float = 15.0) -> None:
        """Stop Oxigraph and let the supervisor start it again on the same store and port: its
        engine cannot stop one query alone, and one over its time limit would otherwise run on
        (updates already made are on disk). Returns when it accepts connections again."""
        if stuck is not None and stuck is self.process and stuck.poll() is None:
            stuck.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                stuck.wait(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._stopping.is_set():
            if self._ready.wait(0.1) and self.process is not stuck:
                return

    def died(self, process: subprocess.Popen[str], wait: float = 1.0) -> bool:
        """Whether `process` ended (its supervisor reaps it; given `wait` seconds to)."""
        deadline = time.monotonic() + wait
        while process.returncode is None and time.monotonic() < deadline:
            time.sleep(0.02)
        return process.returncode is not None

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

    def stop(self) -> int | None:
        """End the guard and the server (SIGTERM, then SIGKILL after 5 s); Oxigraph's exit code."""
        self._stopping.set()
        if self.guard is not None:
            self.guard.shutdown()
            self.guard.server_close()
            if self.guard.pool is not None:
                self.guard.pool.close()
            self.guard = None
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._supervisor is not None:
            self._supervisor.join(10)
        if self.reader_lock is not None:
            self.reader_lock.close()
            self.reader_lock = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None
        return None if process is None else process.returncode

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


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


def _raise_open_files() -> int:
    """Raise this process's limit of open files to its hard limit (each connection is one);
    returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return soft


def start(location: Path, host: str = "127.0.0.1", port: int = 0, timeout: float = 15.0, *,
          writable: bool = False, allow_service: bool = False, bounds: limits.Limits | None = None,
          fairness: Fairness | None = None) -> Server:
    """Start Oxigraph's server read-only on the store directory `location` and wait until it
    accepts connections. `port=0` picks a free port. `writable`: serve a copy that takes
    updates, removed on stop. `allow_service`: let queries call other endpoints. `bounds`: the
    time and memory limits of each query (kg.query.limits's defaults if None); `fairness`: how
    the guard shares itself (Fairness.for_machine() if None)."""
    location = Path(location)
    bounds = bounds or limits.Limits()
    fairness = fairness or Fairness.for_machine()
    command = server_command()
    port = port or _free_port(host)
    _check_port(host, port)
    open_files = _raise_open_files()
    # Room for every connection, its worker's pipes and the store's files.
    fairness.max_connections = max(16, min(fairness.max_connections, open_files - 256))
    scratch = _copy(location) if writable else None
    served = scratch / "store" if scratch else location
    # A random loopback port, told to no one: Oxigraph has no Unix socket and no access control.
    bind = f"127.0.0.1:{_free_port('127.0.0.1')}"
    # Oxigraph's own time limit on what the guard passes on; it does not stop a query that is
    # running (see Server.restart), but costs nothing.
    limit = ["--timeout-s", str(max(1, math.ceil(bounds.timeout)))] if bounds.timeout else []
    arguments = [str(command), "serve" if writable else "serve-read-only",
                 "--location", str(served), "--bind", bind, *limit]
    # A writable copy's queries run in Oxigraph itself (it alone sees the updates): its memory
    # is limited as a whole, the server's own needs plus what one query may take.
    server = Server(arguments, served, host, port,
                    memory_mb=(_OXIGRAPH_BASE_MB + bounds.memory_mb) if writable and bounds.memory_mb else None)
    server.scratch = scratch
    try:
        if not writable:
            server.reader_lock = store.hold(location)  # builds must not remove what is being served
        server.supervise(timeout)
        # Queries of a read-only store run in kg's workers, under the limits; a writable copy's
        # go to Oxigraph, which alone sees its updates (the guard restarts it past the deadline).
        pool = None if writable else limits.Pool(ox.Store.read_only(str(served)), bounds,
                                                  size=fairness.short_slots + fairness.long_slots)
        server.guard = Guard(host, port, server.inner_port, pool=pool, allow_service=allow_service,
                             server=server, timeout=bounds.timeout, fairness=fairness, writable=writable)
        threading.Thread(target=server.guard.serve_forever, daemon=True).start()
    except BaseException:  # including Ctrl-C while it starts: never leave the server behind
        server.stop()
        raise
    return server


#: What Oxigraph's server needs of address space before any query (measured: 420 MB with its
#: threads started), added to --memory for a writable copy.
_OXIGRAPH_BASE_MB = 1024
_PR_SET_PDEATHSIG = 1


def _bound_child(memory_mb: int | None, parent: int) -> Callable[[], None]:
    """What the Oxigraph process does before it starts: die with kg serve (the parent-death
    signal, Linux), and take no more memory than `memory_mb` if given."""
    def prepare() -> None:
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError, AttributeError):
                ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # kg serve ended before we could ask
            os._exit(1)
        if memory_mb:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return prepare


def _launch(arguments: list[str], errors: collections.deque[str], memory_mb: int | None = None,
            ) -> subprocess.Popen[str]:
    # Its own session: Ctrl-C reaches kg alone, which then stops the server and says so.
    # Few malloc arenas: each thread's would count 64 MB of address space against the limit.
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True,
                               preexec_fn=_bound_child(memory_mb, os.getpid()), env=env)
    stderr = process.stderr
    assert stderr is not None  # stderr=PIPE
    threading.Thread(target=lambda: errors.extend(stderr), daemon=True).start()
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


def _wait_until_ready(server: Server, process: subprocess.Popen[str], host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            time.sleep(0.1)  # let the reader thread collect the last message
            raise KGError(f"the Oxigraph server stopped at once: {server.last_error()}",
                          hint=f"is {server.location} a built store?", exit_code=EXIT_ENVIRONMENT)
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise KGError(f"the Oxigraph server did not start within {timeout:g} s", exit_code=EXIT_ENVIRONMENT)


#: The header of an HTTP 503 for a query stopped by a limit (`time` or `memory`): kg's client
#: (kg.query.remote) does not send such a query again.
LIMIT_HEADER = "Kg-Query-Limit"

#: Headers that belong to one connection, not to the request or answer passed on.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
               "upgrade", "expect", "proxy-authorization", "proxy-authenticate"}

#: The longest request body: a query or update (form-encoded, up to three bytes a character);
#: with --writable, RDF for the graph store protocol (passed on as it comes, never held whole).
_MAX_BODY = 3 * limits.MAX_BYTES + 1024
_MAX_STORE_BODY = 256 * 1024 * 1024
#: An answer is held in memory up to this size, then in a temporary file.
_BUFFERED = 1 << 20


class Busy(Exception):
    """A request the guard cannot take now: HTTP `status` (429, 503) with a Retry-After."""

    def __init__(self, status: int, message: str, retry: int = 1):
        super().__init__(message)
        self.status = status
        self.retry = retry


class _Counted:
    """Counts per address and in all, under a lock: connections open, body bytes admitted."""

    def __init__(self, total: int, each: int):
        self.total, self.each = total, each
        self.used = 0
        self.by_address: collections.Counter[str] = collections.Counter()
        self._freed = threading.Condition()

    def take(self, address: str, amount: int = 1, wait: float = 0.0) -> bool:
        """Take `amount` for `address` if both counts allow it, waiting up to `wait` seconds."""
        deadline = time.monotonic() + wait
        with self._freed:
            while self.used + amount > self.total or self.by_address[address] + amount > self.each:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._freed.wait(left)
            self.used += amount
            self.by_address[address] += amount
            return True

    def fits(self, address: str, amount: int) -> bool:
        with self._freed:
            return self.used + amount <= self.total and self.by_address[address] + amount <= self.each

    def give(self, address: str, amount: int = 1) -> None:
        with self._freed:
            self.used -= amount
            self.by_address[address] -= amount
            if self.by_address[address] <= 0:
                del self.by_address[address]
            self._freed.notify_all()


class _Reaper:
    """Closes connections past their deadline: a client that sends its request a byte at a time
    (or reads its answer so) holds a thread, never longer than the deadline."""

    def __init__(self) -> None:
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True, name="kg-serve-reaper").start()

    def watch(self, connection: socket.socket, deadline: float) -> None:
        with self._lock:
            self._deadlines[connection] = deadline

    def forget(self, connection: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(connection, None)

    def close(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            now = time.monotonic()
            with self._lock:
                late = [c for c, deadline in self._deadlines.items() if deadline < now]
                for connection in late:
                    del self._deadlines[connection]
            for connection in late:  # wakes the thread blocked reading or writing it
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class _Lanes:
    """The short and the long lane of queries (see Fairness)."""

    def __init__(self, fairness: Fairness):
        self.fairness = fairness
        self._short = threading.Semaphore(fairness.short_slots)
        self._long = _Counted(fairness.long_slots, fairness.per_client_long)
        self._clients = _Counted(1 << 62, fairness.per_client_queries)
        self._waiting = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def enter(self, address: str) -> Iterator[_Ticket]:
        """A place in the short lane for one query of `address`; Busy if none can be had now."""
        fair = self.fairness
        with self._lock:
            if self._waiting >= fair.max_waiting:
                raise Busy(503, f"the server is full ({self._waiting:,} queries waiting); try again shortly")
            if not self._clients.take(address):
                raise Busy(429, f"too many queries at once from {address}: at most {fair.per_client_queries} "
                                "may run or wait; send the next when one is answered")
            self._waiting += 1
        ticket = _Ticket(self, address)
        try:
            got = self._short.acquire(timeout=fair.queue_wait)
            with self._lock:
                self._waiting -= 1
            if not got:
                raise Busy(503, f"no query could start within {fair.queue_wait:g} s: the server is busy; "
                                "try again shortly", retry=2)
            ticket.lane = "short"
            yield ticket
        finally:
            ticket.leave()
            self._clients.give(address)


class _Ticket:
    def __init__(self, lanes: _Lanes, address: str):
        self.lanes, self.address = lanes, address
        self.lane: str | None = None
        self.worker: limits.Worker | None = None

    def promote(self, worker: limits.Worker) -> float | None:
        """The query ran `promote_after` seconds: move it to the long lane, at lower priority.

        When that lane is full, a query that has had little of a processor so far (less than
        half that time: it waited on a busy machine, it may well be short) keeps its short slot
        at the lower priority, for at most four times `promote_after` in all; any other is
        refused. Refusing on wall-clock time alone turned away 82 of 52,000 short queries in a
        soak on a loaded machine; counting processor time alone let long queries starved of a
        processor hold the short lane, at full priority, for seconds (the p50 of short queries
        went from 30 ms to 2 s)."""
        lanes = self.lanes
        after = lanes.fairness.promote_after
        if lanes._long.take(self.address):
            self.lane = "long"
            lanes._short.release()
            self._lower(worker)
            return None
        used, waited = worker.cpu_seconds(), time.monotonic() - worker.started
        if used is not None and worker.cpu_at_start is not None and used - worker.cpu_at_start < after / 2 \
                and waited < 4 * after:
            self._lower(worker)
            return min(after, 4 * after - waited)
        fair = lanes.fairness
        raise Busy(503, f"the query ran past {after:g} s and the lane for long queries is full "
                        f"({fair.long_slots} in all, {fair.per_client_long} per client); try again later", retry=5)

    def _lower(self, worker: limits.Worker) -> None:
        if self.worker is None:
            self.worker = worker
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, worker.pid, 10)

    def _restore(self) -> None:
        """A long query's worker goes back to the normal priority, or is not used again (only
        a privileged process may raise a priority back)."""
        worker, self.worker = self.worker, None
        if worker is not None and worker.alive:
            try:
                os.setpriority(os.PRIO_PROCESS, worker.pid, 0)
            except OSError:
                worker.retire = True

    def leave(self) -> None:
        self._restore()
        if self.lane == "short":
            self.lanes._short.release()
        elif self.lane == "long":
            self.lanes._long.give(self.address)
        self.lane = None


_NO_ROOM_FOR_BODY = "too many large requests are being received at once; try again shortly"


class _Heads:
    """Waits for the request heads (request line and headers) of new connections in one thread
    (epoll, edge-triggered, Linux), peeking, not reading; a connection is given a thread only
    once its head is in. A thousand clients sending their headers a byte a second hold no
    thread, and one that has not sent its head by the deadline is closed."""

    _MOST = 65536 + 100 * 1024  # the request line and 100 header lines, as http.server reads them

    def __init__(self, guard: Guard):
        self.guard = guard
        self._poll = select.epoll()
        self._pending: dict[int, tuple[socket.socket, Address, float]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True, name="kg-serve-heads").start()

    def add(self, connection: socket.socket, address: Address, deadline: float) -> None:
        with self._lock:
            self._pending[connection.fileno()] = (connection, address, deadline)
        self._poll.register(connection.fileno(), select.EPOLLIN | select.EPOLLRDHUP | select.EPOLLET)

    def close(self) -> None:
        self._stop.set()

    def _take(self, fd: int) -> tuple[socket.socket, Address, float] | None:
        with self._lock:
            entry = self._pending.pop(fd, None)
        if entry is not None:
            with contextlib.suppress(OSError, ValueError):
                self._poll.unregister(fd)
        return entry

    def _room_for_body(self, head: bytes, address: str) -> bool:
        """Whether the body the head announces fits the budget now (the thread checks again)."""
        length = re.search(rb"\ncontent-length:[ \t]*(\d{1,15})", head, re.IGNORECASE)
        size = int(length.group(1)) if length else 0
        bodies = self.guard.bodies
        if self.guard.writable or size <= self.guard.fairness.free_body or size > min(bodies.total, bodies.each):
            return True  # small; or too large ever to fit, which the thread answers (413)
        return bodies.fits(address, size)

    def _run(self) -> None:
        while not self._stop.is_set():
            for fd, _ in self._poll.poll(0.25):
                with self._lock:
                    entry = self._pending.get(fd)
                if entry is None:
                    continue
                try:
                    seen = entry[0].recv(self._MOST, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                except BlockingIOError:
                    continue
                except OSError:
                    seen = b""
                if seen and b"\n\r\n" not in seen and b"\n\n" not in seen and len(seen) < self._MOST:
                    continue  # more to come
                entry = self._take(fd)
                if entry is None:
                    continue
                if seen and not self._room_for_body(seen, entry[1][0]):
                    _turn_away(entry[0], _NO_ROOM_FOR_BODY)  # at once, and without a thread
                    self.guard.drop(entry[0], entry[1])
                elif seen:  # the head is in (or too long, which http.server answers): a thread takes it
                    self.guard.reaper.watch(entry[0], entry[2])
                    self.guard.handle_in_thread(entry[0], entry[1])
                else:
                    self.guard.drop(entry[0], entry[1])
            now = time.monotonic()
            with self._lock:
                late = [fd for fd, (_, _, deadline) in self._pending.items() if deadline < now]
            for fd in late:
                entry = self._take(fd)
                if entry is not None:
                    self.guard.drop(entry[0], entry[1])
        self._poll.close()


class Guard(http.server.ThreadingHTTPServer):
    """Listens on the endpoint's address. Every SPARQL text is checked first (kg.query.limits:
    size, nesting; and unless `allow_service`, that it makes no fetch, see `fetches`: HTTP 403).
    Queries then run in `pool`'s workers under the time and memory limits, in the lanes of
    `fairness`; the rest (the query page, updates, the graph store protocol, every request if
    `pool` is None) goes on to Oxigraph on `inner_port`."""

    daemon_threads = True
    # Connections wait in the kernel's queue while the threads take them: with Python's default
    # of 5, a burst of clients on loopback met connection resets.
    request_queue_size = 4096

    def __init__(self, host: str, port: int, inner_port: int, *, pool: limits.Pool | None = None,
                 allow_service: bool = False, server: Server | None = None, timeout: float | None = None,
                 fairness: Fairness | None = None, writable: bool = False):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.inner_port = inner_port
        self.pool = pool
        self.allow_service = allow_service
        self.writable = writable
        #: Oxigraph, restarted when a query passed on to it outruns `timeout` (its own
        #: --timeout-s does not stop a running query).
        self.oxigraph = server
        self.timeout = timeout
        self.fairness = fairness or Fairness.for_machine()
        self.connections = _Counted(self.fairness.max_connections, self.fairness.per_client_connections)
        self.bodies = _Counted(self.fairness.body_budget, self.fairness.per_client_body)
        self.lanes = _Lanes(self.fairness)
        self.reaper = _Reaper()
        self.heads = _Heads(self) if hasattr(select, "epoll") else None
        super().__init__((host, port), _GuardHandler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # without HTTPServer's reverse DNS lookup
        host, self.server_port = self.server_address[:2]
        self.server_name = str(host)

    def server_close(self) -> None:
        self.reaper.close()
        if self.heads is not None:
            self.heads.close()
        super().server_close()

    def process_request(self, request: Connection, client_address: Address) -> None:
        assert isinstance(request, socket.socket)  # a TCP server's request is its connection
        address = client_address[0]
        if not self.connections.take(address):
            _turn_away(request, "too many connections are open (from this address, or in all); try again shortly")
            self.shutdown_request(request)
            return
        if self.heads is not None:  # a thread only once the request's head is in
            self.heads.add(request, client_address, time.monotonic() + self.fairness.header_seconds)
        else:
            self.reaper.watch(request, time.monotonic() + self.fairness.header_seconds)
            self.handle_in_thread(request, client_address)

    def handle_in_thread(self, request: socket.socket, client_address: Address) -> None:
        try:
            super().process_request(request, client_address)
        except RuntimeError:  # no thread could be started
            self.reaper.forget(request)
            self.connections.give(client_address[0])
            _turn_away(request, "the server is out of threads; try again shortly")
            self.shutdown_request(request)

    def process_request_thread(self, request: Connection, client_address: Address) -> None:
        assert isinstance(request, socket.socket)  # a TCP server's request is its connection
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.reaper.forget(request)
            self.connections.give(client_address[0])

    def drop(self, request: socket.socket, client_address: Address) -> None:
        """A connection that left, or sent no request head in time, before any thread took it."""
        self.shutdown_request(request)
        self.connections.give(client_address[0])

    def handle_error(self, request: Connection, client_address: Address) -> None:
        pass  # a client that hung up half-way is no news to print


def _turn_away(connection: socket.socket, message: str) -> None:
    """Answer 503 with a Retry-After without reading the request or waiting on the client."""
    body = (message + "\n").encode()
    head = (f"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    with contextlib.suppress(OSError):
        connection.setblocking(False)
        connection.send(head + body)


#: Where Oxigraph's server answers queries (/sparql is its alias of /query).
_QUERY_PATHS = ("/query", "/sparql")


def _query_request(command: str, path: str, content_type: str, body: bytes,
                   ) -> tuple[str, dict[str, list[str]]] | None:
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
    # HTTP/1.0: one request per connection.
    server: Guard
    timeout = 30  # seconds a client may take to send or read a piece; the reaper bounds the whole

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        self.accepted = time.monotonic()
        super().setup()

    def _refuse(self, status: int, message: str, limit: str | None = None, retry: int | None = None) -> None:
        body = (message + "\n").encode()
        self.send_response(status)
        if limit:  # the query was stopped by a limit: asking again would only meet it again
            self.send_header(LIMIT_HEADER, limit)
        if retry is not None:
            self.send_header("Retry-After", str(retry))
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _forward(self) -> None:
        if self.headers.get("Transfer-Encoding"):
            return self._refuse(411, "send the request with a Content-Length, not in chunks")
        declared = self.headers.get("Content-Length") or "0"
        if not declared.isdigit() or len(declared) > 15:
            return self._refuse(400, "the Content-Length is not a number")
        length = int(declared)
        route = urllib.parse.urlsplit(self.path).path
        passed_as_is = self.server.writable and route.startswith("/store")  # RDF, not SPARQL
        most = _MAX_STORE_BODY if passed_as_is else _MAX_BODY
        if length > most:
            return self._refuse(413, f"the request is {length:,} bytes long; at most {most:,} are allowed")
        address = self.client_address[0]
        # A body held in memory counts against the budget; one passed on as it comes does not.
        admitted = length if length > self.server.fairness.free_body and not passed_as_is else 0
        if admitted and not self.server.bodies.take(address, admitted):
            return self._refuse(503, _NO_ROOM_FOR_BODY, retry=2)
        try:
            self.server.reaper.watch(self.connection, self.accepted + self.server.fairness.request_seconds)
            if passed_as_is:
                return self._pass_on(self.path, b"", "", 0, length)
            body = self.rfile.read(length)
            if len(body) < length:
                return  # the client left, or was too slow (the reaper closed it)
        finally:
            if admitted:
                self.server.bodies.give(address, admitted)
        self.server.reaper.forget(self.connection)
        self._route(route, body)

    def _route(self, route: str, body: bytes) -> None:
        content_type = self.headers.get("Content-Type", "")
        if self._refused(content_type, body):
            return
        query = _query_request(self.command, self.path, content_type, body)
        if query is not None and self.server.pool is not None:
            if route in _QUERY_PATHS:
                return self._answer(*query)
            if route != "/":  # the query page ignores a query; no other path may run one unlimited
                return self._refuse(404, f"queries go to {' or '.join(_QUERY_PATHS)}")
        self._pass_on(*_with_prefixes(self.path, content_type, body), query=query is not None)

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

    def _pass_on(self, path: str, body: bytes, original: str, added: int, streamed: int = 0, *,
                 query: bool = False) -> None:
        """Send the request on to Oxigraph and its whole answer back (or a 5xx, never half of
        one). `streamed`: the length of a body still to be read from the client and passed on
        as it comes."""
        oxigraph = self.server.oxigraph
        limited = query and self.server.timeout is not None and oxigraph is not None
        inner = http.client.HTTPConnection("127.0.0.1", self.server.inner_port,
                                           timeout=self.server.timeout if limited else 600)
        process = oxigraph.process if oxigraph is not None else None
        try:
            inner.putrequest(self.command, path, skip_host="Host" in self.headers, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    inner.putheader(name, value)
            if body or streamed or self.command in ("POST", "PUT"):
                inner.putheader("Content-Length", str(len(body) or streamed))
            inner.endheaders(body or None)
            while streamed:
                chunk = self.rfile.read(min(streamed, 1 << 16))
                if not chunk:
                    return  # the client left half-way: Oxigraph sees a short body and drops it
                inner.send(chunk)
                streamed -= len(chunk)
            self.server.reaper.forget(self.connection)
            answer = inner.getresponse()
            if answer.status == 400 and original:  # a syntax error: one line, at the client's position
                message = answer.read(1 << 16).decode("utf-8", "replace")
                located = re.search(r"\d+:\d+|line \d+", message)
                return self._refuse(400, error_line(message, original, added) if located
                                    else " ".join(message.split())[:300])
            with tempfile.SpooledTemporaryFile(_BUFFERED) as spool:
                size = self._spool(iter(lambda: answer.read(1 << 16), b""), spool)
                if size is None:
                    return
                headers = [(n, v) for n, v in answer.getheaders() if n.lower() not in _HOP_BY_HOP | {"content-length"}]
                self._send_spooled(answer.status, answer.reason, headers, spool, size)
        except TimeoutError:
            if limited and oxigraph is not None:
                oxigraph.restart(process)
                return self._refuse(503, f"the query ran longer than the time limit ({self.server.timeout:g} s) "
                                         "and was stopped (hint: raise the limit with kg serve --timeout SECONDS)",
                                    limit="time")
            self._refuse(502, "the Oxigraph server behind this endpoint did not answer")
        except (OSError, http.client.HTTPException):
            if oxigraph is not None and process is not None and oxigraph.died(process):
                # Out of memory, Rust aborts (SIGABRT) saying "memory allocation of N bytes failed".
                if oxigraph.memory_mb and (process.returncode == -signal.SIGABRT
                                           or "memory allocation" in oxigraph.last_error()):
                    return self._refuse(503, "the request needed more memory than the server may use "
                                             f"({oxigraph.memory_mb} MB) and was stopped (hint: raise the limit with "
                                             "kg serve --memory MB)", limit="memory")
                return self._refuse(503, "the Oxigraph server behind this endpoint stopped (it is being started "
                                         "again); try again shortly", retry=2)
            self._refuse(502, "the Oxigraph server behind this endpoint did not answer in full")
        finally:
            inner.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward

    def _spool(self, chunks: Iterable[bytes], spool: IO[bytes]) -> int | None:
        """Write the answer's chunks into `spool`; its size, or None if it was refused as too large."""
        size, most = 0, self.server.fairness.max_answer
        for chunk in chunks:
            size += len(chunk)
            if size > most:
                self._refuse(503, f"the answer is larger than this endpoint sends ({most:,} bytes); "
                                  "narrow the query (LIMIT, more specific patterns)", limit="size")
                return None
            spool.write(chunk)
        return size

    def _send_spooled(self, status: int, reason: str, headers: list[tuple[str, str]], spool: IO[bytes],
                      size: int) -> None:
        # A reader that takes its answer a byte at a time is bounded too (64 KB/s at the least).
        self.server.reaper.watch(self.connection, time.monotonic() + 30 + size / 65536)
        self.send_response_only(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command != "HEAD":
            spool.seek(0)
            shutil.copyfileobj(spool, self.wfile, 1 << 16)

    def _gone(self) -> bool:
        """Whether the client closed its connection (it sends nothing after its request)."""
        try:
            return bool(self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"")
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _answer(self, text: str, params: dict[str, list[str]]) -> None:
        """Run a query in a worker of the pool, in its lane, and send its whole answer; a query
        over a limit gets an HTTP error (never a 200 cut short), one whose client went away is
        stopped."""
        # Without a format the client accepts, the protocol's usual ones: JSON, N-Triples.
        accept = _accepted(self.headers.get("Accept", "")) + ("application/sparql-results+json",
                                                                "application/n-triples")
        # kg's prefixes, as `kg query` knows them: a query need not declare kg:, ent:, ...
        request = limits.Request(text, PREFIXES, accept=accept,
                                 default_graph=params.get("default-graph-uri") or None,
                                 named_graphs=params.get("named-graph-uri") or None,
                                 union="union-default-graph" in params)
        pool = self.server.pool
        assert pool is not None  # _route sends queries here only when there is a pool
        with tempfile.SpooledTemporaryFile(_BUFFERED) as spool:
            try:
                with self.server.lanes.enter(self.client_address[0]) as ticket, pool.worker() as worker:
                    checkpoint = (self.server.fairness.promote_after, lambda: ticket.promote(worker))
                    (kind, media_type), chunks = worker.stream(request, self._gone, self.connection.fileno(),
                                                               checkpoint)
                    size = self._spool(chunks, spool)
                    if size is None:
                        worker.kill()
                        return
            except Busy as exc:
                return self._refuse(exc.status, str(exc), retry=exc.retry)
            except limits.ClientGone:
                return
            except limits.QueryRefused as exc:
                return self._refuse(503, str(exc), limit="memory" if "memory" in exc.args[0] else "time")
            except SyntaxError as exc:
                return self._refuse(400, error_line(str(exc), text))
            except (RuntimeError, ValueError, TypeError) as exc:
                return self._refuse(400, f"the query failed: {exc}")
            except OSError as exc:
                return self._refuse(502, f"the query failed: {exc}")
            except KGError as exc:
                return self._refuse(500, str(exc))
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send_spooled(200, "OK", [("Content-Type", media_type)], spool, size)


def _describe(bounds: limits.Limits, writable: bool) -> str:
    """The limits every query runs under, in words."""
    time_limit = f"{bounds.timeout:g} s" if bounds.timeout else "no time limit"
    memory = f"{bounds.memory_mb} MB" if bounds.memory_mb else "no memory limit"
    if writable:  # Oxigraph runs them: it sees the updates; its memory is limited as a whole
        return f"limits: {time_limit} per query, {memory} for the server's queries (--timeout, --memory)"
    return f"limits: {time_limit} and {memory} per query (--timeout, --memory)"


def run(location: Path, host: str = "127.0.0.1", port: int = 7878,
        announce: Callable[[str], None] = print, *, writable: bool = False,
        allow_service: bool = False, bounds: limits.Limits | None = None) -> None:
    """Serve `location` until Ctrl-C (or SIGTERM, SIGHUP), then stop the server cleanly. After
    Ctrl-C it returns; after SIGTERM or SIGHUP it raises kg.signals.Stopped once all is
    stopped, so that the command exits 143 or 129 as a process ended by that signal."""
    from ..signals import STOPPING, Stopped

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt if signum == signal.SIGINT else Stopped(signum)

    # A thread per connection, thousands of them: small stacks keep the process (and each
    # worker forked from it) small. The guard's threads parse and pass bytes, nothing deep.
    threading.stack_size(512 * 1024)
    # SIGINT too: a shell starts background jobs with SIGINT ignored, yet Ctrl-C must stop us.
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, *STOPPING)
                if sig == signal.SIGINT or signal.getsignal(sig) is not signal.SIG_IGN}
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
                while True:  # Oxigraph, if it dies, is started again by its supervisor
                    time.sleep(3600)
            except Stopped:
                for sig in previous:  # the cleanup is not cut by a second signal
                    signal.signal(sig, signal.SIG_IGN)
                announce("stopping the server")
                raise
            except KeyboardInterrupt:
                for sig in previous:
                    signal.signal(sig, signal.SIG_IGN)
                announce("stopping the server")
                return
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
