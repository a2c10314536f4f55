"""Limits on every query: its text is checked before the engine sees it, and it runs in a worker
process under a time and a memory limit.

Oxigraph's engine cannot be interrupted from Python: it does not look at Ctrl-C, and a query
nested thousands of groups deep, or with ten thousand triple patterns in one group, overflows
its stack (a segmentation fault). So:

- `check` refuses a text longer than MAX_BYTES, nested deeper than MAX_DEPTH (brackets of any
  kind, outside strings, IRIs and comments), chaining more than MAX_OPERATORS operators (a
  chain nests in the engine as deep as it is long), or larger than MAX_TRIPLES, MAX_LIST or
  MAX_TERMS (see `sizes`) with one line, before any engine parses it.
- `Worker` runs queries in a child process forked from the one holding the store (the child
  shares the open read-only store, so a query costs no new store opening), with the address
  space limited by `setrlimit(RLIMIT_AS)`. The parent waits for the answer with a deadline and
  kills the child (SIGKILL) at the deadline, on Ctrl-C or when `cancelled()` says its client
  went away: the engine's work really stops and its memory is given back. A child that runs
  out of memory or crashes dies alone; the next query gets a fresh child. It also dies with its
  parent, however the parent ended (`_die_with`). The parent waits with poll(), not select(),
  which cannot take a descriptor above 1,024.

Requests and answer headers cross the pipe as JSON (data, never code); answers as serialized
bytes, whatever the query form: solutions as SPARQL TSV (or the format a server's client asked
for), a boolean, triples as N-Triples.

>>> check("SELECT * WHERE " + "{ " * 500 + "?s ?p ?o" + " }" * 500)
Traceback (most recent call last):
kg.query.limits.QueryRefused: the query is nested 500 deep; at most 100 levels are allowed ...
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import io
import json
import math
import os
import re
import resource
import select
import signal
import stat
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, cast

import pyoxigraph as ox

from .. import values
from ..errors import EXIT_ENVIRONMENT, EXIT_INVALID, KGError
from ..terms import Subject, Term

#: Defaults that suit a laptop; `kg query --timeout/--memory`, `kg serve --timeout/--memory`
#: and kg.load(timeout=, memory=) change them.
DEFAULT_TIMEOUT = 60.0  # seconds
DEFAULT_MEMORY_MB = 2048  # address space a query may add to its worker
#: No real query comes near these: the catalog's queries nest at most 10 levels, chain at most
#: 20 operators and are at most 4 KB long.
MAX_DEPTH = 100
MAX_BYTES = 1_000_000
#: Chains (a UNION b UNION c ..., 1 + 1 + ..., !!!x, p/p/p) nest as deep as they are long in
#: the engine: 10,000 links overflow its stack, with no bracket at all.
MAX_OPERATORS = 1000
#: Size as well as depth. Measured on pyoxigraph 0.5.13, each shape and size alone in a fresh
#: process (4 GB address space, 20-60 s): parsing never crashed (50,000 triple patterns parse in
#: 6.5 s); evaluating a group of 10,000 triple patterns, objects of one subject, or subgroups
#: crashes at once (signal 11, the join tree as deep as the group is long); 3,000 to 8,000 were
#: still being planned after 60 s, without a crash. VALUES of 500,000 terms (15 s) and IN lists
#: of 300,000 (22 s) ran. So: a tenth of the crashing size per group, and lists and totals
#: bounded where they stay quick. The catalog's largest group holds 28 patterns and subgroups,
#: its largest list 40 terms, its longest query 495 terms.
MAX_TRIPLES = 1000  # triple patterns in one group { }
MAX_LIST = 50_000  # terms directly inside one group or list: VALUES, IN ( ), a SELECT clause
MAX_TERMS = 200_000  # terms in the whole text (data of INSERT DATA aside)

# What may hide a bracket: strings, IRIs and comments, in the order SPARQL reads them (as
# kg.query.remote reads them to find the WHERE group).
_HIDDEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                     r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''
                     r'|<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>|#[^\n\r]*', re.S)
_BRACKETS = re.compile(r"[{}()\[\]]")
# After strings and IRIs became \x00: the tokens that count in the size of a query. A number, a
# variable, a blank node, a prefixed name or keyword, a string or IRI: a term; '.', ';' and ','
# end a triple; brackets open and close groups and lists.
_TOKENS = re.compile(r"(?P<term>\x00|[?$]\w+|_:[\w.-]*|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
                     r"|[^\W\d]?[\w.-]*:[\w.:%-]*|[^\W\d][\w-]*)|(?P<end>[.;,])|(?P<open>[{(\[])|(?P<close>[})\]])")
_OPERATORS = re.compile(r"\|\||&&|!=|<=|>=|[-+*/|!^=<>]|\b(?:UNION|MINUS|OPTIONAL)\b", re.IGNORECASE)


class QueryRefused(KGError):
    """A query refused before it ran (too long, too deep) or stopped by a limit."""

    exit_code = EXIT_INVALID


def depth(text: str) -> int:
    """How deep brackets ({ ( [) nest in the SPARQL `text`, strings, IRIs and comments aside.

    >>> depth('SELECT ?s { ?s ?p "{{{" FILTER((?p)) }')
    3
    """
    level = deepest = 0
    for match in _BRACKETS.finditer(_HIDDEN.sub(" ", text)):
        if match.group() in "{([":
            level += 1
            deepest = max(deepest, level)
        else:
            level = max(level - 1, 0)
    return deepest


def operators(text: str) -> int:
    """How many operators and UNION / MINUS / OPTIONAL the SPARQL `text` has, strings, IRIs
    and comments aside (a '-' inside a name counts too: the bound is far above real queries).

    >>> operators('SELECT * { {?s ?p "a+b"} UNION {?s <urn:a+b> ?o} FILTER(?o != 1 || !?x) }')
    5
    """
    return sum(1 for _ in _OPERATORS.finditer(_HIDDEN.sub(" ", text)))


def sizes(text: str) -> tuple[int, int, int]:
    """(terms in all, the most terms directly inside one group or list, the most triple patterns
    and subgroups in one group) of the SPARQL `text`: what the engine's planner grows with. The
    data of INSERT DATA / DELETE DATA is no pattern and is not counted (its bytes are).

    >>> sizes('SELECT * { ?s <urn:p> 1, 2, "3" . ?s ?q ?o VALUES ?v { 1 2 3 4 } }')  # keywords count
    (15, 10, 5)
    """
    code = _HIDDEN.sub(lambda m: " " if m.group().startswith("#") else " \x00 ", text)
    total = widest = longest = 0
    groups = [[0, 1, False]]  # for each open group: [terms in it, triples in it, holds data]
    previous = ""
    for match in _TOKENS.finditer(code):
        kind, group = match.lastgroup, groups[-1]
        if kind == "term":
            if not group[2]:
                total += 1
                group[0] += 1
        elif kind == "end":
            group[1] += 1
        elif kind == "open":
            groups.append([0, 1, group[2] or (match.group() == "{" and previous.upper() == "DATA")])
        elif len(groups) > 1:
            terms, triples, data = groups.pop()
            groups[-1][1] += 1  # a subgroup joins its siblings as a triple pattern does
            if not data:
                widest, longest = max(widest, terms), max(longest, triples)
        previous = match.group()
    for terms, triples, data in groups:
        if not data:
            widest, longest = max(widest, terms), max(longest, triples)
    return total, widest, longest


def check(text: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH,
          max_operators: int = MAX_OPERATORS) -> None:
    """Refuse (QueryRefused) a SPARQL query or update too long or too deeply nested to be a real one."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise QueryRefused(f"the query is {size:,} bytes long; at most {max_bytes:,} are allowed",
                           hint="load large data with 'kg build', not inside a query")
    nested = depth(text)
    if nested > max_depth:
        raise QueryRefused(f"the query is nested {nested} deep; at most {max_depth} levels are allowed",
                           hint="flatten the groups { } and parentheses of the query")
    chained = operators(text)
    if chained > max_operators:
        raise QueryRefused(f"the query chains {chained} operators (UNION, ||, +, /, ...); at most "
                           f"{max_operators} are allowed", hint="use VALUES for long lists of alternatives")
    total, widest, longest = sizes(text)
    if longest > MAX_TRIPLES:
        raise QueryRefused(f"the query has {longest:,} triple patterns in one group; at most {MAX_TRIPLES:,} "
                           "are allowed", hint="split the query, or match with fewer, more general patterns")
    if widest > MAX_LIST:
        raise QueryRefused(f"the query lists {widest:,} terms in one group or list (VALUES, IN, objects); at "
                           f"most {MAX_LIST:,} are allowed", hint="split the list over several queries")
    if total > MAX_TERMS:
        raise QueryRefused(f"the query has {total:,} terms in all; at most {MAX_TERMS:,} are allowed",
                           hint="split the query into smaller ones")


@dataclass
class Limits:
    """The time (seconds) and memory (MB) one query may use; None for no limit."""

    timeout: float | None = DEFAULT_TIMEOUT
    memory_mb: int | None = DEFAULT_MEMORY_MB

    def __post_init__(self) -> None:
        # The one parser of kg.values, as on the command line: NaN, infinities and absurd values
        # are refused in one line, never added to a clock or an address space.
        try:
            self.timeout = None if self.timeout is None else values.parse_seconds(self.timeout)
            self.memory_mb = None if self.memory_mb is None else values.parse_megabytes(self.memory_mb)
        except ValueError as exc:
            raise KGError(f"bad limit: {exc}", hint=values.LIMIT_HINT + "; None for no limit") from None


@dataclass
class Request:
    """What a worker runs: the query and the engine's options (pyoxigraph Store.query's)."""

    text: str
    prefixes: dict[str, str] | None = None
    substitutions: dict[str, Term] | None = None
    default_graph: list[str] | None = None
    named_graphs: list[str] | None = None
    union: bool = False
    #: The media types a server's client accepts, best first; empty: kg's own (TSV for solutions).
    accept: tuple[str, ...] = ()


@dataclass
class Answer:
    """A worker's answer: `kind` is solutions, boolean or triples; `body` the bytes serialized."""

    kind: str
    media_type: str
    body: bytes = b""

    def value(self) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
        """The answer as pyoxigraph values: solutions, a boolean, or a list of triples."""
        if self.kind == "triples":
            return [quad.triple for quad in ox.parse(self.body, format=ox.RdfFormat.N_TRIPLES)]
        return ox.parse_query_results(self.body, format=ox.QueryResultsFormat.from_media_type(self.media_type))


# Frames on the pipes: 4-byte length, then bytes; a zero length ends an answer's body.
_LEN = struct.Struct("!I")
_CHUNK = 1 << 16


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class _FrameWriter(io.RawIOBase):
    """A file pyoxigraph serializes into; each write goes to the parent as a frame."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # pyoxigraph writes bytes
        self.buffer += data
        if len(self.buffer) >= _CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            _write_all(self.fd, _LEN.pack(len(self.buffer)) + bytes(self.buffer))
            self.buffer.clear()


def _send(fd: int, obj: Any) -> None:
    # JSON: what crosses the pipe is data, and reading it runs no code.
    data = json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")
    _write_all(fd, _LEN.pack(len(data)) + data)


def _received(data: bytes | None) -> list[str]:
    """A header or an error sent by `_send`: a list of three strings."""
    try:
        message = json.loads(data or b"")
    except ValueError:
        message = None
    if not (isinstance(message, list) and len(message) == 3 and all(isinstance(m, str) for m in message)):
        return ["error", "RuntimeError", "the query worker sent an unreadable answer"]
    return message


def _term_to_json(term: Term) -> list[Any]:
    if isinstance(term, ox.NamedNode):
        return ["iri", term.value]
    if isinstance(term, ox.BlankNode):
        return ["bnode", term.value]
    if isinstance(term, ox.Literal):
        return ["literal", term.value, term.language or "", term.datatype.value]
    if isinstance(term, ox.Triple):
        return ["triple", *(_term_to_json(t) for t in (term.subject, term.predicate, term.object))]
    raise TypeError(f"{term!r} is not an RDF term")


def _term_from_json(data: list[Any]) -> Term:
    kind = data[0]
    if kind == "iri":
        return ox.NamedNode(data[1])
    if kind == "bnode":
        return ox.BlankNode(data[1])
    if kind == "literal":
        value, language, datatype = data[1:]
        return ox.Literal(value, language=language) if language else ox.Literal(value, datatype=ox.NamedNode(datatype))
    if kind == "triple":
        subject, predicate, object_ = (_term_from_json(t) for t in data[1:])
        return ox.Triple(cast(Subject, subject), cast(ox.NamedNode, predicate), object_)
    raise ValueError(f"unknown term kind {kind!r}")


def _request_to_json(request: Request) -> dict[str, Any]:
    fields = dict(vars(request))
    fields["substitutions"] = {k: _term_to_json(v) for k, v in (request.substitutions or {}).items()}
    fields["accept"] = list(request.accept)
    return fields


def _request_from_json(data: bytes) -> Request:
    fields = json.loads(data)
    fields["substitutions"] = {k: _term_from_json(v) for k, v in fields["substitutions"].items()} or None
    fields["accept"] = tuple(fields["accept"])
    return Request(**fields)


def _graph(name: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if name == "" else ox.NamedNode(name)


def _run(store: ox.Store, request: Request, out: int) -> None:
    """In the worker: run one request and send its header, then its body in frames."""
    try:
        options: dict[str, Any] = {"prefixes": request.prefixes, "use_default_graph_as_union": request.union}
        if request.substitutions:
            options["substitutions"] = {ox.Variable(k): v for k, v in request.substitutions.items()}
        if request.default_graph is not None:
            options["default_graph"] = [_graph(g) for g in request.default_graph]
        if request.named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
        result = store.query(request.text, **options)
        if isinstance(result, ox.QueryTriples):
            kind = "triples"
            graph_format = next(filter(None, map(ox.RdfFormat.from_media_type, request.accept)),
                                ox.RdfFormat.N_TRIPLES)
            media_type = graph_format.media_type
        else:
            kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
            rows_format = next(filter(None, map(ox.QueryResultsFormat.from_media_type, request.accept)),
                               ox.QueryResultsFormat.JSON if request.accept else ox.QueryResultsFormat.TSV)
            media_type = rows_format.media_type
    except (SyntaxError, RuntimeError, OSError, ValueError, TypeError) as exc:
        _send(out, ["error", type(exc).__name__, str(exc)])
        return
    except MemoryError:
        _send(out, ["memory", "", ""])
        return
    _send(out, [kind, media_type, ""])
    writer = _FrameWriter(out)
    try:
        # A raw binary file is what pyoxigraph writes to, though its stubs name IO[bytes].
        if isinstance(result, ox.QueryTriples):
            ox.serialize(result, cast(IO[bytes], writer), format=graph_format)
        else:
            result.serialize(cast(IO[bytes], writer), format=rows_format)
        writer.flush()
        _write_all(out, _LEN.pack(0))
    except MemoryError:
        os._exit(_OUT_OF_MEMORY)
    except (RuntimeError, OSError, ValueError) as exc:  # an error met while streaming solutions
        writer.buffer.clear()
        _write_all(out, _LEN.pack(0xFFFFFFFF))
        _send(out, ["error", type(exc).__name__, str(exc)])


_OUT_OF_MEMORY = 86  # the worker's exit code when Python itself ran out of memory


def _close_foreign_fds(keep: set[int]) -> None:
    """In a fresh worker: close the sockets and pipes inherited from the parent (a client's
    connection must end when the parent closes it), keep the store's files and our pipes."""
    with contextlib.suppress(OSError):
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd in keep or fd <= 2:
                continue
            with contextlib.suppress(OSError):
                mode = os.fstat(fd).st_mode
                if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode):
                    os.close(fd)


def _address_space() -> int:
    """The process's current virtual memory size in bytes (what RLIMIT_AS counts)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    return 0


def _cpu_backstop(timeout: float | None) -> None:
    """Let the kernel end this worker if a query outlives its parent's deadline: a parent killed
    with -9 cannot stop it, and Linux's parent-death signal follows the forking thread, not the
    process. The CPU time limit allows the query its time limit again, after what was spent."""
    if timeout is None:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime + 2 * timeout + 5)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.getrlimit(resource.RLIMIT_CPU)[1]))


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int, requests: int, main_thread: bool) -> None:
    """In a fresh worker: end when the parent ends, however it ended (kill -9 too).

    Linux's parent-death signal (prctl PR_SET_PDEATHSIG) is sent when the *thread* that forked
    us ends, so it is asked for only when the main thread forked. Everywhere, a thread watches
    the request pipe, whose writing end only the parent holds: it hangs up when the parent is
    gone, and the thread kills this process (the engine lets other threads run meanwhile)."""
    if main_thread and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before we could ask
        os._exit(70)

    def watch() -> None:
        poller = select.poll()
        poller.register(requests, 0)  # no events asked: poll still says when the writer hung up
        while True:
            for _, event in poller.poll():
                if event & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
                    os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()


def _worker_main(store: ox.Store, requests: int, answers: int, errors: int, limits: Limits) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it kills us
    for stop in (signal.SIGTERM, signal.SIGHUP):  # the parent's handlers are not ours
        signal.signal(stop, signal.SIG_DFL)
    # The engine's last words ("memory allocation failed", "stack overflow") go to a file the
    # parent reads if we die, not onto the user's terminal.
    os.dup2(errors, 2)
    os.close(errors)
    # A fault handler inherited from the parent (pytest's, or PYTHONFAULTHANDLER) would write a
    # crash's traceback to the parent's terminal: the parent reports the crash in one line.
    faulthandler.disable()
    _close_foreign_fds({requests, answers})
    if limits.memory_mb:
        limit = _address_space() + limits.memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    reader = os.fdopen(requests, "rb")
    while True:
        head = reader.read(_LEN.size)
        if len(head) < _LEN.size:
            return  # the parent is gone or closed us
        try:
            request = _request_from_json(reader.read(_LEN.unpack(head)[0]))
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            _send(answers, ["error", "ValueError", f"the query worker got an unreadable request: {exc}"])
            continue
        _cpu_backstop(limits.timeout)
        _run(store, request, answers)


class Worker:
    """A child process that runs queries on `store` one at a time under `limits`."""

    def __init__(self, store: ox.Store, limits: Limits):
        self.limits = limits
        requests_r, requests_w = os.pipe()
        answers_r, answers_w = os.pipe()
        self._errors = os.memfd_create("kg-query-worker-stderr")
        parent, main_thread = os.getpid(), threading.current_thread() is threading.main_thread()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                os.close(requests_w)
                os.close(answers_r)
                _die_with(parent, requests_r, main_thread)
                _worker_main(store, requests_r, answers_w, self._errors, limits)
            except MemoryError:
                code = _OUT_OF_MEMORY
            except BaseException:
                code = 70
            finally:
                os._exit(code)
        os.close(requests_r)
        os.close(answers_w)
        self.pid = pid
        self._requests = requests_w
        self._answers = answers_r
        self.alive = True
        self._watch: int | None = None
        self._cancelled: Callable[[], bool] | None = None
        self._checkpoint: tuple[float, Callable[[], float | None]] | None = None
        #: True while an answer is being read: a worker left half-way cannot take a new query.
        self.busy = False
        #: Set when it should not take another query (kg serve lowered its priority for good).
        self.retire = False
        #: When the current query was sent, and the processor time used until then.
        self.started = 0.0
        self.cpu_at_start: float | None = None

    def __del__(self) -> None:
        try:  # not contextlib.suppress: at interpreter exit the module's globals may be gone already
            self.kill()
        except Exception:
            pass

    def kill(self) -> int | None:
        """Stop the worker at once; returns how it ended (os.waitpid status)."""
        if not self.alive:
            return None
        self.alive = False
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        status = self._reap()
        with contextlib.suppress(OSError):
            os.close(self._errors)
        return status

    def cpu_seconds(self) -> float | None:
        """The processor time the worker has used so far (Linux's /proc), or None."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def last_words(self) -> str:
        """What the worker wrote to its standard error (the engine's message if it aborted)."""
        with contextlib.suppress(OSError):
            return os.pread(self._errors, 4096, 0).decode("utf-8", "replace")
        return ""

    def _reap(self) -> int | None:
        for fd in (self._requests, self._answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            return os.waitpid(self.pid, 0)[1]
        except ChildProcessError:
            return None

    def stream(self, request: Request, cancelled: Callable[[], bool] | None = None,
               watch: int | None = None, checkpoint: tuple[float, Callable[[], float | None]] | None = None,
               ) -> tuple[tuple[str, str], Iterator[bytes]]:
        """Send `request`; return the answer's (kind, media type) and an iterator of its body's
        chunks. The deadline runs from now over both. `watch` is a file descriptor (a client's
        socket) whose readability means `cancelled()` should be asked. `checkpoint` is (seconds,
        call): `call()` is made if the query is still running after that many seconds; it may
        raise to stop the query (the worker is then killed), or return seconds after which to be
        called again."""
        deadline = None if self.limits.timeout is None else time.monotonic() + self.limits.timeout
        self.started, self.cpu_at_start = time.monotonic(), self.cpu_seconds()
        self._watch, self._cancelled = watch, cancelled
        self._checkpoint = None if checkpoint is None else (time.monotonic() + checkpoint[0], checkpoint[1])
        self.busy = True
        try:
            _send(self._requests, _request_to_json(request))
        except OSError:
            raise self._died(self._reap_dead()) from None
        header = _received(self._frame(deadline))
        if header[0] == "error":
            self.busy = False
            raise _engine_error(header[1], header[2])
        if header[0] == "memory":
            self.kill()
            raise self._over_memory()
        return (header[0], header[1]), self._body(deadline)

    def _body(self, deadline: float | None) -> Iterator[bytes]:
        while True:
            chunk = self._frame(deadline)
            if chunk is None:
                header = _received(self._frame(deadline))
                self.busy = False
                raise _engine_error(header[1], header[2])
            if not chunk:
                self.busy = False
                return
            yield chunk

    def run(self, request: Request) -> Answer:
        """Run `request` and return the whole answer (local queries)."""
        (kind, media_type), chunks = self.stream(request)
        return Answer(kind, media_type, b"".join(chunks))

    def _frame(self, deadline: float | None) -> bytes | None:
        head = self._read(_LEN.size, deadline)
        size = _LEN.unpack(head)[0]
        if size == 0xFFFFFFFF:
            return None
        return self._read(size, deadline) if size else b""

    def _wait(self, deadline: float | None) -> list[int]:
        """The descriptors ready among the answer pipe and the watched socket, waiting at most
        until the deadline or the checkpoint. poll, not select: a process with more than 1,024
        open files has descriptors select cannot take."""
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            self.kill()
            raise QueryRefused(f"the query ran longer than the time limit ({self.limits.timeout:g} s) "
                               "and was stopped", hint="raise the limit with --timeout SECONDS, "
                               "or narrow the query (LIMIT, more specific patterns)")
        if self._checkpoint is not None:
            until = self._checkpoint[0] - time.monotonic()
            if until <= 0:
                call, self._checkpoint = self._checkpoint[1], None
                try:
                    again = call()
                except BaseException:
                    self.kill()
                    raise
                if again:  # it asks to be called again later
                    self._checkpoint = (time.monotonic() + again, call)
                return []
            wait = until if wait is None else min(wait, until)
        poller = select.poll()
        poller.register(self._answers, select.POLLIN)
        if self._watch is not None:
            poller.register(self._watch, select.POLLIN)
        try:
            return [fd for fd, _ in poller.poll(None if wait is None else max(1, math.ceil(wait * 1000)))]
        except BaseException:  # Ctrl-C (KeyboardInterrupt), SIGTERM while waiting: stop the query
            self.kill()
            raise

    def _read(self, size: int, deadline: float | None) -> bytes:
        parts, missing = [], size
        while missing:
            ready = self._wait(deadline)
            if self._watch is not None and self._watch in ready:
                if self._cancelled is not None and self._cancelled():
                    self.kill()
                    raise ClientGone()
                self._watch = None  # it sent more than its request: no longer a sign of leaving
            if self._answers not in ready:
                continue
            data = os.read(self._answers, min(missing, 1 << 20))
            if not data:
                raise self._died(self._reap_dead())
            parts.append(data)
            missing -= len(data)
        return b"".join(parts)

    def _reap_dead(self) -> int | None:
        self.alive = False
        return self._reap()

    def _died(self, status: int | None) -> KGError:
        words = self.last_words()
        with contextlib.suppress(OSError):
            os.close(self._errors)
        out_of_memory = "memory allocation" in words or (
            status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == _OUT_OF_MEMORY)
        if out_of_memory and self.limits.memory_mb:
            return self._over_memory()
        if status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
            return QueryRefused(f"the query used more processor time than its limit allows "
                                f"({self.limits.timeout:g} s) and was stopped",
                                hint="raise the limit with --timeout SECONDS, or narrow the query")
        if "overflow" in words:
            return QueryRefused("the query is too deeply nested for the engine (its stack overflowed); "
                                "it was stopped", hint="flatten the query's groups and expressions")
        how = f"signal {os.WTERMSIG(status)}" if status and os.WIFSIGNALED(status) else "no answer"
        line = next((l for l in words.splitlines() if l.strip()), "")
        return KGError(f"the query engine stopped ({how}{': ' + line if line else ''}); nothing else was affected",
                       hint="try the query again; if it fails again, simplify it", exit_code=EXIT_ENVIRONMENT)

    def _over_memory(self) -> QueryRefused:
        return QueryRefused(f"the query needed more than the memory limit ({self.limits.memory_mb} MB) "
                            "and was stopped", hint="raise the limit with --memory MB, or narrow the "
                            "query (LIMIT, more specific patterns)")


class ClientGone(Exception):
    """The client that asked for a query went away; its worker was stopped."""


def _engine_error(kind: str, message: str) -> Exception:
    """The engine's exception, raised again in the parent as the engine raised it."""
    cls: type[Exception] = {"SyntaxError": SyntaxError, "RuntimeError": RuntimeError, "OSError": OSError,
                            "ValueError": ValueError, "TypeError": TypeError}.get(kind, RuntimeError)
    return cls(message)


class Runner:
    """Runs queries on one store through a worker kept between queries (started on first use,
    replaced after it was stopped). Threads share it one query at a time; kg serve uses a Pool.

    A worker sees the store as it was when it was forked: `keep` only a store that cannot change
    (opened read-only); for one the caller may still write, each query gets a fresh worker."""

    def __init__(self, store: ox.Store, limits: Limits | None = None, keep: bool = True):
        import threading

        self.store = store
        self.limits = limits or Limits()
        self.keep = keep
        self._worker: Worker | None = None
        self._lock = threading.Lock()

    def run(self, request: Request) -> Answer:
        """Run `request` (its text already passed `check`: Graph.query checks every text)."""
        with self._lock:
            if self._worker is None or not self._worker.alive:
                self._worker = Worker(self.store, self.limits)
            try:
                return self._worker.run(request)
            finally:
                if not self.keep:
                    self._worker.kill()
                if not self._worker.alive:
                    self._worker = None

    def close(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None


class Pool:
    """Up to `size` workers for a server's threads: each query takes an idle worker (or waits
    for one), and gives it back unless it was stopped."""

    def __init__(self, store: ox.Store, limits: Limits, size: int):
        import threading

        self.store = store
        self.limits = limits
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)

    @contextlib.contextmanager
    def worker(self) -> Iterator[Worker]:
        with self._slots:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is None or not worker.alive:
                with self._lock:  # fork from one thread at a time
                    worker = Worker(self.store, self.limits)
                    self._all = {w for w in self._all if w.alive} | {worker}
            try:
                yield worker
            finally:
                if worker.busy or worker.retire:  # its answer was left half-read (the client went away)
                    worker.kill()
                if worker.alive:
                    with self._lock:
                        self._idle.append(worker)

    def close(self) -> None:
        with self._lock:
            for worker in self._all:  # busy ones too: their queries end with the server
                worker.kill()
            self._idle.clear()
            self._all.clear()
