"""A SPARQL 1.1 server as the store: Fuseki, GraphDB, Virtuoso, Neptune, Oxigraph or any other.

The graph is loaded with the SPARQL 1.1 Update protocol and queried with the Query protocol,
through the standard library's HTTP client. Loading never shows readers a half-loaded graph
and a re-run repairs whatever a failed run left: the triples go into a staging graph (emptied
first) in batches, then one `MOVE` replaces the main graph with it. Queries name the main graph
as their default graph (the protocol's `default-graph-uri`), so the catalog runs unchanged; on
a server without that graph (such as `kg serve`), they read the server's own default graph.

>>> endpoint = Endpoint("http://localhost:7878/query")      # its update URL: .../update
>>> endpoint.load(kg.load().store)                           # = kg build --endpoint URL
>>> kg.load(endpoint="http://localhost:7878/query").query("lawsuits").rows()
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Iterable

import pyoxigraph as ox

from . import __version__
from .errors import EXIT_ENVIRONMENT, EXIT_INVALID, KGError
from .graph import Result
from .prefixes import BASE, PREFIXES

#: Where `kg build --endpoint` puts the graph, and where it stages it first.
MAIN_GRAPH = BASE + "graph/main"
STAGING_GRAPH = BASE + "graph/staging"
#: Query MAIN_GRAPH if the server has it, else the server's default graph.
AUTO = "auto"

_RESULTS_JSON = "application/sparql-results+json"
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What may hide a '{' before the WHERE group: strings, IRIs and comments, in the order SPARQL reads them.
_TOKENS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                     r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''
                     r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n\r]*|\{', re.S)


def bind_values(text: str, bindings: dict[str, ox.Term]) -> str:
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
    where = next((m.start() for m in _TOKENS.finditer(text) if m.group() == "{"), None)
    if where is None:
        raise KGError("the query has no WHERE group to bind parameters in",
                      hint="write SELECT ... WHERE { ... }")
    block = (f" VALUES ({' '.join('?' + n for n in bindings)})"
             f" {{ ({' '.join(str(t) for t in bindings.values())}) }}")
    return text[:where + 1] + block + text[where + 1:]


def _with_prefixes(text: str) -> str:
    # Declaring a prefix again is allowed and the query's own declaration comes later, so it wins.
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + text


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


class Endpoint:
    """A SPARQL 1.1 server: `select` queries `graph` (as the default graph), `load` replaces it.

    `update_url` defaults to the usual one next to `url` (see _update_url); give it when the
    server puts it elsewhere. Credentials may be given in the URLs (http://user:pw@host/...).
    `graph` is MAIN_GRAPH, None for the server's own default graph, or AUTO: MAIN_GRAPH if the
    server holds it (decided at the first query), else the default graph.
    """

    def __init__(self, url: str, update_url: str | None = None, *, graph: str | None = AUTO,
                 timeout: float = 60.0):
        self.url, self._auth = _split_credentials(url)
        self.update_url, self._update_auth = _split_credentials(update_url or _update_url(url))
        self.graph = graph
        self.timeout = timeout

    def __str__(self) -> str:
        return self.url if self.graph in (None, AUTO) else f"{self.url} (graph <{self.graph}>)"

    def select(self, text: str, bindings: dict[str, ox.Term]) -> Result:
        """Run a SELECT query with its parameters bound by a VALUES block."""
        if self.graph == AUTO:
            self.graph = MAIN_GRAPH if self._query(f"ASK {{ GRAPH <{MAIN_GRAPH}> {{ ?s ?p ?o }} }}") else None
        return Result.of(self._query(bind_values(_with_prefixes(text), bindings), self.graph))

    def _query(self, text: str, graph: str | None = None) -> ox.QuerySolutions | ox.QueryBoolean:
        form = {"query": text, **({"default-graph-uri": graph} if graph else {})}
        body, kind = self._post(self.url, self._auth, form, f"{_RESULTS_JSON}, */*;q=0.1", query=True)
        if not kind.startswith(_RESULTS_JSON):
            raise KGError("only SELECT queries return rows", hint="use SELECT, or 'kg export' for graphs")
        try:
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            raise KGError(f"{self.url} answered with unreadable SPARQL results: {exc}",
                          exit_code=EXIT_ENVIRONMENT) from exc

    def update(self, text: str) -> None:
        """Run a SPARQL Update request."""
        self._post(self.update_url, self._update_auth, {"update": text}, "*/*", query=False)

    def load(self, quads: Iterable[ox.Quad] | ox.Store, *, batch_size: int = 5000,
             progress: Callable[[int, int], None] | None = None) -> int:
        """Replace the endpoint's graph (MAIN_GRAPH unless `graph` says otherwise) with `quads`
        (their own graph names are ignored) and return how many triples it now holds.
        `progress(done, total)` is called before the first batch and after each one.

        Triples go to a staging graph in batches of at most `batch_size` triples or about 1 MB,
        and one MOVE then makes them the main graph: readers see the old graph or the new one,
        and a run that fails half-way leaves only the staging graph, which the next run empties.
        """
        if self.graph == AUTO:
            self.graph = MAIN_GRAPH
        target = "DEFAULT" if self.graph is None else f"GRAPH <{self.graph}>"
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        batches = _batches(triples, batch_size)
        self.update(f"DROP SILENT GRAPH <{STAGING_GRAPH}>")
        done = 0
        if progress:
            progress(done, len(triples))
        for lines, count in batches:
            self.update(f"INSERT DATA {{ GRAPH <{STAGING_GRAPH}> {{\n{lines}}} }}")
            done += count
            if progress:
                progress(done, len(triples))
        self.update(f"MOVE SILENT GRAPH <{STAGING_GRAPH}> TO {target}")
        return self.select("SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }", {}).rows()[0]["triples"]

    def _post(self, url: str, auth: str | None, form: dict[str, str], accept: str,
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
            detail = _first_line(exc.read().decode("utf-8", "replace")) or exc.reason
            if query and exc.code == 400:
                raise KGError(f"the endpoint rejected the query: {detail}",
                              hint="check the query text; prefixes kg:, ent:, rdfs: ... are predefined",
                              exit_code=EXIT_INVALID) from None
            elsewhere = "" if query else "; give --update-endpoint if updates go elsewhere"
            hint = {401: "give credentials in the URL: http://user:password@host/...",
                    403: "the server refuses this request: is it read-only, or are credentials needed?",
                    404: "check the URL" + elsewhere}.get(exc.code, "check the server's log")
            raise KGError(f"{url} answered HTTP {exc.code}: {detail}", hint=hint,
                          exit_code=EXIT_ENVIRONMENT) from None
        except urllib.error.URLError as exc:
            raise KGError(f"cannot reach {url}: {_reason(exc.reason)}",
                          hint="is the SPARQL server running, and is the URL right?",
                          exit_code=EXIT_ENVIRONMENT) from None
        except TimeoutError:
            raise KGError(f"{url} did not answer within {self.timeout:g} s",
                          hint="is the server overloaded? try again, or raise the timeout",
                          exit_code=EXIT_ENVIRONMENT) from None
        except OSError as exc:  # the connection was reset or closed half-way
            raise KGError(f"the connection to {url} failed: {_reason(exc)}",
                          hint="is the SPARQL server running? a re-run repairs a half-done load",
                          exit_code=EXIT_ENVIRONMENT) from None


def _batches(triples: list[ox.Triple], size: int, max_bytes: int = 1_000_000) -> list[tuple[str, int]]:
    """N-Triples text in batches. Triples with blank nodes all go in the first batch: a blank
    node label means the same node only within one INSERT DATA request."""
    def blank(t: ox.Triple) -> bool:
        return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)

    with_blanks = [t for t in triples if blank(t)]
    batches, lines, length = [], [], 0
    if with_blanks:
        batches.append((_ntriples(with_blanks), len(with_blanks)))
    for triple in (t for t in triples if not blank(t)):
        line = _ntriples([triple])
        if lines and (len(lines) >= size or length + len(line) > max_bytes):
            batches.append(("".join(lines), len(lines)))
            lines, length = [], 0
        lines.append(line)
        length += len(line)
    if lines:
        batches.append(("".join(lines), len(lines)))
    return batches


def _ntriples(triples: list[ox.Triple]) -> str:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:300]


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    return getattr(reason, "strerror", None) or str(reason)
