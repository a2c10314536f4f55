"""A SPARQL 1.1 server as the store: Fuseki, GraphDB, Virtuoso, Neptune, Oxigraph or any other.

The graph is loaded with the SPARQL 1.1 Update protocol and queried with the Query protocol,
through the standard library's HTTP client. Loading never shows readers a half-loaded graph
and a re-run repairs whatever a failed run left: the triples go into a staging graph (emptied
first) in batches, then one `MOVE` replaces the main graph with it. Queries name the main graph
as their default graph (the protocol's `default-graph-uri`), so the catalog runs unchanged; on
a server without that graph (such as `kg serve`), they read the server's own default graph.

A request that failed for a passing reason (connection refused or reset, HTTP 429, 500, 502,
503, 504) is tried again after 0.5 s, then 1 s, but only if running it twice does no harm:
queries, emptying the staging graph, and inserting triples without blank nodes (a graph is a
set). The other steps of a load (the batch with blank nodes, the MOVE, which would empty the
main graph if it ran again) are never repeated alone: the whole load starts again instead.

>>> endpoint = Endpoint("http://localhost:7878/query")      # its update URL: .../update
>>> endpoint.load(kg.load().store)                           # = kg build --endpoint URL  # doctest: +SKIP
>>> kg.load(endpoint="http://localhost:7878/query").query("lawsuits").rows()  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from .. import __version__, values
from ..errors import EXIT_ENVIRONMENT, EXIT_INVALID, KGError
from ..prefixes import BASE
from ..terms import Term
from . import forms
from .forms import Result
from .sparql import add_prefixes, code_only, error_line, form_of

#: Where `kg build --endpoint` puts the graph, and where it stages it first.
MAIN_GRAPH = BASE + "graph/main"
STAGING_GRAPH = BASE + "graph/staging"
#: A graph kg never writes: the only named graph queries of MAIN_GRAPH see, so they see none.
NO_GRAPH = BASE + "graph/none"
#: Query MAIN_GRAPH if the server has it, else the server's default graph.
AUTO = "auto"

_RESULTS_JSON = "application/sparql-results+json"
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
#: Answers that mean "try again later".
_TRANSIENT_STATUS = {429, 500, 502, 503, 504}


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """`text` with a VALUES block binding `bindings` at the start of its top-level WHERE group.

    Each value is written as pyoxigraph serializes a term (N-Triples: quotes and backslashes
    escaped, IRIs checked when the NamedNode was made), so a value can never end the literal
    or the block it sits in.

    >>> bind_values("SELECT ?s WHERE { ?s ?p ?name }", {"name": ox.Literal('x" } ; DROP ALL ; #')})
    'SELECT ?s WHERE { VALUES (?name) { ("x\\\\" } ; DROP ALL ; #") } ?s ?p ?name }'
    """
    if not bindings:
        return text
    for name, term in bindings.items():
        if not _VARIABLE.fullmatch(name):
            raise KGError(f"{name!r} cannot be a query parameter", hint="letters, digits and _ only")
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise KGError(f"parameter {name!r} must be an IRI or a literal, not {term!r}")
    where = _where_group(text)
    if where is None:
        raise KGError("the query has no WHERE group to bind parameters in",
                      hint="write SELECT ... WHERE { ... }")
    block = (f" VALUES ({' '.join('?' + n for n in bindings)})"
             f" {{ ({' '.join(str(t) for t in bindings.values())}) }}")
    return text[:where + 1] + block + text[where + 1:]


def _where_group(text: str) -> int | None:
    """Where the WHERE group's '{' is: the first '{', except after CONSTRUCT's template."""
    code = code_only(text)  # strings, IRIs and comments blanked, their length kept
    braces = [i for i, char in enumerate(code) if char == "{"]
    construct = re.search(r"\bCONSTRUCT\b", code, re.IGNORECASE)
    if not braces or construct is None or re.match(r"\s*WHERE\b", code[construct.end():], re.IGNORECASE):
        return braces[0] if braces else None
    depth = 0  # skip the template, a group of its own, to the '{' after it
    for index, char in enumerate(code[braces[0]:], braces[0]):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return next((b for b in braces if b > index), None)
    return None


def _update_url(query_url: str) -> str:
    """The usual update URL next to a query URL: Oxigraph /query -> /update, Fuseki /ds/query ->
    /ds/update, GraphDB /repositories/R -> /repositories/R/statements; else the same URL
    (Virtuoso, Neptune, Fuseki's /ds)."""
    parts = urllib.parse.urlsplit(query_url)
    path = parts.path
    if path.endswith("/query"):
        path = path[: -len("query")] + "update"
    elif re.search(r"/repositories/[^/]+/?$", path):
        path = path.rstrip("/") + "/statements"
    return urllib.parse.urlunsplit(parts._replace(path=path))


def _split_credentials(url: str) -> tuple[str, str | None]:
    """The URL without user:password@, and the Basic authorization header they make."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KGError(f"{url!r} is not an http(s) URL", hint="e.g. http://localhost:3030/ds/query",
                      exit_code=EXIT_INVALID)
    if parts.username is None:
        return url, None
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), f"Basic {token}"


def _ask_from_rows(solutions: ox.QuerySolutions) -> forms.Boolean:
    """An ASK answered as rows, as Virtuoso 7.2 does: one row of ``__ASK_RETVAL`` 1 for true,
    no row for false."""
    rows = list(solutions)
    if [v.value for v in solutions.variables] != ["__ASK_RETVAL"] or len(rows) > 1:
        raise KGError("the endpoint answered an ASK query with rows, not true or false",
                      hint="check that the URL is a SPARQL endpoint", exit_code=EXIT_ENVIRONMENT)
    return forms.Boolean(bool(rows) and rows[0][0].value not in ("0", "false"))


class EndpointError(KGError):
    """A request the server did not answer well; `transient` if trying again later may work;
    `rejected`: the server's own message, for a query it refused (HTTP 400)."""

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int = EXIT_ENVIRONMENT,
                 transient: bool = False, rejected: str | None = None, cli_hint: str | None = None):
        super().__init__(message, hint=hint, exit_code=exit_code, cli_hint=cli_hint)
        self.transient = transient
        self.rejected = rejected


class _Restart(Exception):
    """A step of a load that must not run twice failed for a passing reason: start the load again."""

    def __init__(self, error: EndpointError):
        super().__init__(str(error))
        self.error = error


class Endpoint:
    """A SPARQL 1.1 server: `select` queries `graph` (as the default graph), `load` replaces it.

    `update_url` defaults to the usual one next to `url` (see _update_url); give it when the
    server puts it elsewhere. Credentials may be given in the URLs (http://user:pw@host/...).
    `graph` is MAIN_GRAPH, None for the server's own default graph, or AUTO: MAIN_GRAPH if the
    server holds it (decided at the first query), else the default graph.
    A request that may be repeated is tried `retries` more times after a passing failure,
    waiting `backoff` seconds, then twice as long each time.
    """

    def __init__(self, url: str, update_url: str | None = None, *, graph: str | None = AUTO,
                 timeout: float | None = 60.0, retries: int = 2, backoff: float = 0.5):
        self.url, self._auth = _split_credentials(url)
        self.update_url, self._update_auth = _split_credentials(update_url or _update_url(url))
        self.graph = graph
        try:  # the one parser of limits (kg.values): no NaN, no infinity, nothing absurd
            self.timeout = None if timeout is None else values.parse_seconds(timeout)
        except ValueError as exc:
            raise KGError(f"bad timeout: {exc}", hint=values.LIMIT_HINT) from None
        self.retries = retries
        self.backoff = backoff

    def __str__(self) -> str:
        return self.url if self.graph in (None, AUTO) else f"{self.url} (graph <{self.graph}>)"

    def select(self, text: str, bindings: dict[str, Term], *, stream: bool = False) -> forms.Answer:
        """Run a query of any form, with kg's prefixes it does not declare added and its
        parameters bound by a VALUES block. With `stream`, rows are parsed as they are read."""
        if self.graph == AUTO:
            self.graph = MAIN_GRAPH if self._query(f"ASK {{ GRAPH <{MAIN_GRAPH}> {{ ?s ?p ?o }} }}") else None
        full, added = add_prefixes(text)
        try:
            return Result.of(self._query(bind_values(full, bindings), self.graph), stream=stream)
        except EndpointError as exc:
            if exc.rejected is None:
                raise
            # One line, at the position in the text the user wrote (without the added prefixes).
            raise EndpointError(f"the endpoint rejected the query: {error_line(exc.rejected, text, added)}",
                                hint=exc.hint, exit_code=EXIT_INVALID) from None

    def _query(self, text: str, graph: str | None = None,
               ) -> ox.QuerySolutions | ox.QueryBoolean | forms.Boolean | forms.Triples:
        # The main graph is the default graph and, as in the local store, there are no named
        # graphs: naming one that never exists keeps GRAPH ?g from reaching the server's own
        # (Virtuoso lists its system graphs; Oxigraph lists none once a default graph is given).
        form = {"query": text, **({"default-graph-uri": graph, "named-graph-uri": NO_GRAPH} if graph else {})}
        # Ask for the graph first where the query builds one: Virtuoso gives whichever is named
        # first, a CONSTRUCT's triples as rows of ?s ?p ?o included.
        kind_of_query = form_of(text)
        accept = ("application/n-triples, text/turtle;q=0.9, */*;q=0.1" if kind_of_query in ("CONSTRUCT", "DESCRIBE")
                  else f"{_RESULTS_JSON}, */*;q=0.1")
        body, kind = self._post(self.url, self._auth, form, accept, query=True, repeatable=True)
        media = kind.split(";")[0].strip().lower()
        try:
            if media == _RESULTS_JSON:
                if b"nodeID://" in body:  # Virtuoso names blank nodes nodeID://b123, not a valid label
                    body = _VIRTUOSO_BNODE.sub(rb"\1", body)
                results = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
                if kind_of_query == "ASK" and not isinstance(results, ox.QueryBoolean):
                    return _ask_from_rows(results)
                return results
            if media in forms.RDF_MEDIA_TYPES:  # the graph of a CONSTRUCT or DESCRIBE
                return forms.Triples([ox.Triple(q.subject, q.predicate, q.object)
                                      for q in ox.parse(body, format=forms.RDF_MEDIA_TYPES[media])])
        except SyntaxError as exc:
            raise KGError(f"{self.url} answered with unreadable results: {exc}",
                          exit_code=EXIT_ENVIRONMENT) from exc
        raise KGError(f"{self.url} answered in a format kg does not read ({media or 'none given'})",
                      hint="kg reads SPARQL results JSON, N-Triples and Turtle", exit_code=EXIT_ENVIRONMENT)

    def update(self, text: str, *, repeatable: bool = False) -> None:
        """Run a SPARQL Update request; tried again after a passing failure only if `repeatable`
        (running it twice does what running it once does)."""
        self._post(self.update_url, self._update_auth, {"update": text}, "*/*", query=False,
                   repeatable=repeatable)

    def load(self, quads: Iterable[ox.Quad] | ox.Store, *, batch_size: int = 2000,
             progress: Callable[[int, int], None] | None = None) -> int:
        """Replace the endpoint's graph (MAIN_GRAPH unless `graph` says otherwise) with `quads`
        (their own graph names are ignored) and return how many triples it now holds.
        `progress(done, total)` is called before the first batch and after each one.

        Triples go to a staging graph in batches of at most `batch_size` triples or about 1 MB
        (Virtuoso's SPARQL parser gives up at about 4,990 triples in one request),
        and one MOVE then makes them the main graph: readers see the old graph or the new one,
        and a run that fails half-way leaves only the staging graph, which the next run empties.
        When a step that must not run twice fails for a passing reason, the load starts again
        from the beginning (at most `retries` times): the whole load is idempotent, its steps are not.
        """
        if self.graph == AUTO:
            self.graph = MAIN_GRAPH
        target = "DEFAULT" if self.graph is None else f"GRAPH <{self.graph}>"
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        batches = _batches(triples, batch_size)
        for attempt in range(self.retries + 1):
            try:
                self._load_once(batches, len(triples), target, progress)
                break
            except _Restart as restart:
                if attempt == self.retries:
                    raise restart.error from None
                time.sleep(self.backoff * 2 ** attempt)
        counted = self.select("SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }", {})
        assert isinstance(counted, Result)
        return int(counted.rows()[0]["triples"])

    def _load_once(self, batches: list[tuple[str, int, bool]], total: int, target: str,
                   progress: Callable[[int, int], None] | None) -> None:
        self.update(f"DROP SILENT GRAPH <{STAGING_GRAPH}>", repeatable=True)
        done = 0
        if progress:
            progress(done, total)
        for lines, count, blank_nodes in batches:
            # Blank nodes are new nodes each time they are inserted: that batch must not run
            # twice. They go in as the template of an INSERT with an empty WHERE (one solution,
            # so one node per label): Virtuoso refuses blank nodes in INSERT DATA.
            text = (f"INSERT {{ GRAPH <{STAGING_GRAPH}> {{\n{lines}}} }} WHERE {{}}" if blank_nodes else
                    f"INSERT DATA {{ GRAPH <{STAGING_GRAPH}> {{\n{lines}}} }}")
            self._step(text, repeatable=not blank_nodes)
            done += count
            if progress:
                progress(done, total)
        # Run twice, MOVE would move an empty staging graph over the graph it had just replaced.
        self._step(f"MOVE SILENT GRAPH <{STAGING_GRAPH}> TO {target}", repeatable=False)

    def _step(self, text: str, repeatable: bool) -> None:
        """One update of a load; a passing failure of one that is not repeatable restarts the load."""
        try:
            self.update(text, repeatable=repeatable)
        except EndpointError as exc:
            if exc.transient and not repeatable:
                raise _Restart(exc) from None
            raise

    def _post(self, url: str, auth: str | None, form: dict[str, str], accept: str, query: bool,
              repeatable: bool) -> tuple[bytes, str]:
        """Send one request; if `repeatable`, again after a passing failure, waiting longer each time."""
        attempts = self.retries + 1 if repeatable else 1
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return self._send(url, auth, form, accept, query)
            except EndpointError as exc:
                if not exc.transient or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send(self, url: str, auth: str | None, form: dict[str, str], accept: str,
              query: bool) -> tuple[bytes, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                   "Accept": accept, "User-Agent": f"kg/{__version__}"}
        if auth:
            headers["Authorization"] = auth
        request = urllib.request.Request(url, urllib.parse.urlencode(form).encode(), headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            message = exc.read().decode("utf-8", "replace")
            detail = _first_line(message) or exc.reason
            if query and exc.code == 400:
                raise EndpointError(f"the endpoint rejected the query: {detail}",
                                    hint="check the query text; prefixes kg:, ent:, rdfs: ... are predefined",
                                    exit_code=EXIT_INVALID, rejected=message) from None
            if exc.headers.get("Kg-Query-Limit"):  # kg serve stopped it at its limit (serve.LIMIT_HEADER)
                raise EndpointError(f"the endpoint stopped the query: {detail}", exit_code=EXIT_INVALID) from None
            elsewhere = "" if query else "; give --update-endpoint if updates go elsewhere"
            hint = {401: "give credentials in the URL: http://user:password@host/...",
                    403: "the server refuses this request: is it read-only, or are credentials needed?",
                    404: "check the URL" + elsewhere}.get(exc.code, "check the server's log")
            raise EndpointError(f"{url} answered HTTP {exc.code}: {detail}", hint=hint,
                                transient=exc.code in _TRANSIENT_STATUS) from None
        except urllib.error.URLError as exc:
            # Refused: nothing listens there (yet); a server starting or restarting does that.
            raise EndpointError(f"cannot reach {url}: {_reason(exc.reason)}",
                                hint="is the SPARQL server running, and is the URL right?",
                                transient=isinstance(exc.reason, (ConnectionRefusedError, ConnectionResetError))
                                ) from None
        except TimeoutError:
            # Not tried again: the user has waited long enough, and a slow server is slower when asked twice.
            raise EndpointError(f"{url} did not answer within {self.timeout:g} s",
                                hint="is the server overloaded? try again, or raise timeout=",
                                cli_hint="is the server overloaded? try again, or raise --timeout") from None
        except OSError as exc:  # the connection was reset or closed half-way
            raise EndpointError(f"the connection to {url} failed: {_reason(exc)}",
                                hint="is the SPARQL server running? a re-run repairs a half-done load",
                                transient=True) from None


def _batches(triples: list[ox.Triple], size: int,
             max_bytes: int = 1_000_000) -> list[tuple[str, int, bool]]:
    """N-Triples text in batches: (text, triples, whether it has blank nodes). Triples with blank
    nodes all go in the first batch: a blank node label means the same node only within one
    INSERT DATA request."""
    def blank(t: ox.Triple) -> bool:
        return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)

    with_blanks = [t for t in triples if blank(t)]
    batches: list[tuple[str, int, bool]] = []
    lines: list[str] = []
    length = 0
    if with_blanks:
        batches.append((_ntriples(with_blanks), len(with_blanks), True))
    for triple in (t for t in triples if not blank(t)):
        line = _ntriples([triple])
        if lines and (len(lines) >= size or length + len(line) > max_bytes):
            batches.append(("".join(lines), len(lines), False))
            lines, length = [], 0
        lines.append(line)
        length += len(line)
    if lines:
        batches.append(("".join(lines), len(lines), False))
    return batches


def _ntriples(triples: list[ox.Triple]) -> str:
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)  # bytes, with no output given
    assert text is not None
    return text.decode("utf-8")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:300]


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    return getattr(reason, "strerror", None) or str(reason)
