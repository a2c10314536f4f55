"""The Python API over a built graph: `kg.load()` and what it returns."""

from __future__ import annotations

import datetime
import inspect
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import pyoxigraph as ox

from .. import project as projects
from ..builder import store
from ..errors import EXIT_ENVIRONMENT, EXIT_INVALID, KGError
from ..prefixes import PREFIXES
from ..terms import Term, date_literal
from ..values import DATE_HINT, is_id, parse_date
from . import catalog, forms, limits
from .catalog import NamedQuery
from .forms import _XSD, Result, gc_paused, to_python  # noqa: F401  (kg.query.graph.Result, as before)
from .sparql import error_line, form_of

# Strings, not kg.namespace's rdflib objects: the query path does not import rdflib.
ENT, SRC = PREFIXES["ent"], PREFIXES["src"]
T = TypeVar("T")

class TableResult(Result):
    """The rows of a catalog query read from the build's analysis snapshot (an Arrow table)
    instead of the engine: the same columns, rows and values. Rows are converted a slice at a
    time, so the first screen of a table costs what it shows."""

    _SLICE = 1024

    def __init__(self, table: Any, numbers: str | None = None):  # a pyarrow Table
        self.variables = list(table.column_names)
        self.table = table
        #: The column that holds numbers as their lexical form (kg.builder.snapshot.VALUE_COLUMNS).
        self.numbers = numbers

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def count(self) -> int:
        return int(self.table.num_rows)

    def _rows(self) -> Iterator[tuple[Any, ...]]:
        from ..builder.snapshot import number

        at = self.variables.index(self.numbers) if self.numbers else None
        for start in range(0, self.table.num_rows, self._SLICE):
            columns = [c.to_pylist() for c in self.table.slice(start, self._SLICE).columns]
            if at is not None:
                columns[at] = [None if v is None else number(v) for v in columns[at]]
            yield from zip(*columns)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        names = self.variables
        for row in self._rows():
            yield dict(zip(names, row))

    @property  # computed from the table, never assigned
    def terms(self) -> Iterator[list[Term | None]]:  # type: ignore[override]
        """The rows as RDF terms, as the engine gives them (SPARQL JSON is written from these)."""
        integer, decimal = ox.NamedNode(_XSD + "integer"), ox.NamedNode(_XSD + "decimal")

        def term(value: Any) -> Term | None:
            if value is None:
                return None
            if isinstance(value, str):
                return ox.Literal(value)
            return ox.Literal(repr(value), datatype=integer if isinstance(value, int) else decimal)
        return ([term(v) for v in row] for row in self._rows())


class LocalStore:
    """A pyoxigraph Store queried in process; parameters are the engine's own substitutions.

    The other backend, a SPARQL server over HTTP, is kg.remote.Endpoint; both answer
    `select(text, bindings)` with a Result (or a Boolean or Triples, by the query's form), so
    Graph does not care which it has.
    """

    def __init__(self, oxstore: ox.Store, path: Path | None = None, bounds: limits.Limits | None = None,
                 read_only: bool = False):
        self.store = oxstore
        self.path = path
        # Every query runs in a worker process under a time and memory limit (kg.query.limits),
        # kept between queries if the store cannot change under it.
        self.runner = limits.Runner(oxstore, bounds, keep=read_only)

    def __str__(self) -> str:
        return str(self.path or "an in-memory store")

    def select(self, text: str, bindings: dict[str, Term], *, stream: bool = False) -> forms.Answer:
        """Run a query of any form (the name is from when only SELECT was run)."""
        try:
            answer = Result.of(self.runner.run(limits.Request(text, PREFIXES, bindings)).value(), stream=stream)
        except (OSError, RuntimeError, SyntaxError) as exc:
            raise _engine_error(exc, text) from exc
        if stream and not isinstance(answer, forms.Boolean):
            # The engine evaluates as it is read: its errors come while iterating.
            if isinstance(answer, Result):
                answer.terms = _translated(answer.terms, text)
            else:
                answer.triples = _translated(answer.triples, text)
        return answer


def _translated(items: Iterable[T], text: str) -> Iterator[T]:
    try:
        yield from items
    except (OSError, RuntimeError, SyntaxError) as exc:
        raise _engine_error(exc, text) from exc


def _engine_error(exc: Exception, text: str) -> KGError:
    """An error of pyoxigraph's as one line with a hint."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, OSError):  # reading the store, or another endpoint a SERVICE clause calls, failed
        return KGError(f"the query failed: {first}", hint="does it call another endpoint (SERVICE)? "
                       "is that one up?", exit_code=EXIT_ENVIRONMENT)
    if isinstance(exc, RuntimeError):
        if "SELECT projection" not in str(exc):
            return KGError(f"the query failed: {first}", hint="check the query text", exit_code=EXIT_INVALID)
        return KGError(f"a parameter must appear in the query's SELECT clause: {exc}",
                       hint="add the parameter variable to SELECT (and to GROUP BY if any)")
    return KGError(error_line(str(exc), text), hint="check the query text; prefixes kg:, ent:, rdfs: ... "
                   "are predefined", exit_code=EXIT_INVALID)


#: A parameter's name becomes a SPARQL variable; an id is how data/ names entities and sources.
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Graph:
    """A built graph: the local store opened read-only (any number of readers may open it at
    once), or a SPARQL server (kg.load(endpoint=URL)). The API is the same over both."""

    def __init__(self, backend: forms.Backend | ox.Store, path: Path | None = None,
                 project: projects.Project | None = None):
        if isinstance(backend, ox.Store):
            backend = LocalStore(backend, path)
        self.backend = backend
        #: The pyoxigraph Store, for local graphs only (None over a SPARQL server).
        self.store: ox.Store | None = backend.store if isinstance(backend, LocalStore) else None
        self.store_path = path  # not `path`, which is the method for explained paths
        self.project = project or projects.find()
        self._catalog: dict[str, NamedQuery] | None = None
        #: For a store opened by load(): the reader lock that keeps it on disk while it is read.
        self.reader_lock: IO[str] | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.backend}>"

    @property
    def catalog(self) -> dict[str, NamedQuery]:
        """The named queries of queries/."""
        if self._catalog is None:
            self._catalog = catalog.load(self.project.queries_dir)
        return self._catalog

    def query(self, query: str, **params: Any) -> Result | forms.Boolean | forms.Triples:
        """Run a named query of the catalog, a .rq file or SPARQL text. `params` are bound as
        variables by the engine, never pasted into the text; a catalog parameter of kind `iri`
        takes an entity's id, label or alias (kind `source`: a source's id).

        SELECT gives a Result (rows); ASK a Boolean (true in a condition); CONSTRUCT and
        DESCRIBE give Triples (iterate for rdflib triples, `.graph()` for an rdflib Graph,
        `.serialize("turtle")`). Updates are refused: the graph is built from data/.

        >>> g = load()
        >>> g.query("entity", entity="Chiu").rows()[0]["subject"]
        'David Chiu'
        >>> bool(g.query("ASK { ?who kg:sued ent:TrumpAdministration }"))
        True
        """
        from_snapshot = self._from_snapshot(query, params)
        if from_snapshot is not None:  # not `or`: a table of no rows is falsy
            return from_snapshot
        return self.backend.select(*self._prepare(query, params))

    #: Catalog queries whose rows the analysis snapshot holds: query -> (table, numbers column).
    SNAPSHOT_QUERIES = {"nodes": ("entities", None), "edges": ("statements", None),
                        "network-values": ("values", "value"), "network-terms": ("terms", None)}

    def _from_snapshot(self, query: str, params: dict[str, Any]) -> TableResult | None:
        """The rows of a catalog query the build's snapshot answers, when it belongs to this
        graph's store (same build id) and has the query's columns; else None (ask the engine)."""
        found = self.SNAPSHOT_QUERIES.get(query)
        if found is None or params or self.store_path is None or query not in self.catalog:
            return None
        from ..builder import snapshot

        tables = snapshot.read(self.store_path)
        if tables is None:
            return None
        table = tables[found[0]]
        # A project may have rewritten the query: then its columns are not the snapshot's.
        head = re.search(r"^SELECT\s+(.*?)\s*(?:WHERE|\{)", self.catalog[query].text, re.M | re.S)
        if head is None or head[1].split() != [f"?{c}" for c in table.column_names]:
            return None
        return TableResult(table, found[1])
    def select(self, query: str, **params: Any) -> Result:
        """As `query`, for a SELECT: its rows, typed as such; another form is refused.

        >>> load().select("entity-lookup", name="Chiu").rows()[0]["label"]
        'David Chiu'
        """
        result = self.query(query, **params)
        if not isinstance(result, Result):
            raise KGError(f"the query is a {result.form}, not a SELECT: it gives no rows",
                          hint="use g.query() for ASK, CONSTRUCT and DESCRIBE")
        return result

    def stream(self, query: str, **params: Any) -> Result | forms.Boolean | forms.Triples:
        """As `query`, but rows (and triples) come from the engine as it finds them, to be read
        once: for results larger than memory (`kg query` writes CSV, TSV and JSON this way).

        >>> sum(1 for _ in load().stream("SELECT * WHERE { ?s ?p ?o }")) > 0
        True
        """
        from_snapshot = self._from_snapshot(query, params)
        if from_snapshot is not None:
            return from_snapshot
        text, bindings = self._prepare(query, params)
        select: Callable[..., forms.Answer] = self.backend.select
        if "stream" not in inspect.signature(select).parameters:
            return select(text, bindings)  # a backend that cannot stream reads it all
        return select(text, bindings, stream=True)

    def _prepare(self, query: str, params: dict[str, Any]) -> tuple[str, dict[str, Term]]:
        """The query text and its parameters as RDF terms, checked."""
        named = self._named(query)
        kinds = {p.name: p.kind for p in named.params} if named else {}
        if named:
            unknown = set(params) - set(kinds)
            if unknown:
                raise KGError(f"query '{named.name}' has no parameter {sorted(unknown)[0]!r}",
                              hint=f"its parameters: {', '.join(kinds) or 'none'}")
            missing = sorted(set(kinds) - set(params))
            if missing:
                raise KGError(f"query '{named.name}' needs parameter {missing[0]!r}",
                              hint=f"g.query({named.name!r}, {missing[0]}=...)",
                              cli_hint=f"pass --param {missing[0]}=VALUE")
        text = named.text if named else query
        if form_of(text) == "UPDATE":
            raise forms.refuse_update()
        for name in params:
            if not _VARIABLE.fullmatch(name):
                raise KGError(f"{name!r} cannot be a query parameter",
                              hint="a parameter is a variable name: letters, digits and _")
        limits.check(text)  # before any engine, local or remote, reads it
        return text, {name: self.bind(value, kinds.get(name)) for name, value in params.items()}

    def _named(self, query: str) -> NamedQuery | None:
        """The catalog entry or .rq file `query` names; None if it is SPARQL text."""
        if query in self.catalog:
            return self.catalog[query]
        if query.endswith(".rq") and "\n" not in query:
            path = Path(query)
            if not path.is_file():
                raise KGError(f"no query file {query}",
                              hint="give a .rq file, a name of g.catalog or SPARQL text",
                              cli_hint="give a .rq file, a name from 'kg query --list' or -e SPARQL")
            return catalog.parse(path)
        if re.fullmatch(r"[\w.-]+", query):  # a name: SPARQL text always has a space or a brace
            import difflib

            close = difflib.get_close_matches(query, list(self.catalog), n=1)
            raise KGError(f"no named query {query!r}",
                          hint=f"did you mean {close[0]!r}?" if close else "see sorted(g.catalog)",
                          cli_hint=f"did you mean {close[0]!r}?" if close else "see 'kg query --list'")
        return None

    def bind(self, value: Any, kind: str | None) -> Term:
        """A parameter value as an RDF term: `kind` is the catalog's (iri, source, string, date,
        integer); without one, the Python type decides (str, int, float, bool, date)."""
        if isinstance(value, (ox.NamedNode, ox.Literal)):
            return value
        if kind == "iri":
            return ox.NamedNode(self.resolve(str(value)))
        if kind == "source":
            return ox.NamedNode(self.resolve_source(str(value)))
        if kind == "integer" or (kind is None and isinstance(value, int) and not isinstance(value, bool)):
            try:
                return ox.Literal(str(int(value)), datatype=ox.NamedNode(_XSD + "integer"))
            except ValueError:
                raise KGError(f"{value!r} is not an integer", hint="write digits, e.g. 10") from None
        if kind == "date" or (kind is None and isinstance(value, datetime.date)):
            try:
                return date_literal(parse_date(value).text)
            except ValueError as exc:
                raise KGError(str(exc), hint=DATE_HINT) from None
        if kind is None and isinstance(value, bool):
            return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
        if kind is None and isinstance(value, float):
            return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
        return ox.Literal(str(value))

    def resolve(self, name: str) -> str:
        """The IRI of the entity or source called `name`: its IRI, its id, its label or an alias."""
        if name.startswith(("http://", "https://")):
            try:
                ox.NamedNode(name)
            except ValueError as exc:
                raise KGError(f"{name!r} is not a valid IRI: {exc}",
                              hint="IRIs have no spaces, quotes or <>") from None
            if self._known(name):
                return name
            raise KGError(f"nothing in the graph is called {name!r}",
                          hint="g.query('entities') lists the entities",
                          cli_hint="'kg query entities' lists the entities")
        if is_id(name):
            for namespace in (ENT, SRC):
                if self._known(str(namespace) + name):
                    return str(namespace) + name
        hits = self.select("entity-lookup", name=name).rows()
        if not hits:
            suggestion = self._suggest(name)
            raise KGError(f"no entity is called {name!r}",
                          hint=suggestion or "g.query('entities') lists the entities",
                          cli_hint=suggestion or "'kg query entities' lists the entities")
        return str(hits[0]["entity"])

    def resolve_source(self, name: str) -> str:
        """The IRI of the source document `name`: its id (as in data/sources.yaml) or IRI."""
        iri = name if name.startswith(SRC) else SRC + name
        if is_id(iri.removeprefix(SRC)) and self._known(iri):
            return iri
        import difflib

        ids = [r["source"] for r in self.select("stats-sources")]
        close = difflib.get_close_matches(name, ids, n=1)
        listing = f"the sources: {', '.join(ids)}"
        raise KGError(f"no source is called {name!r}",
                      hint=f"did you mean {close[0]!r}? ({listing})" if close else listing)

    def _known(self, iri: str) -> bool:
        """Whether the graph says anything about `iri`."""
        found = self.backend.select("SELECT ?x WHERE { ?x ?p ?o } LIMIT 1", {"x": ox.NamedNode(iri)})
        return isinstance(found, Result) and len(found) > 0

    def _suggest(self, name: str) -> str | None:
        import difflib

        names = {r["name"]: r["entity"] for r in self.select("entity-names")}
        close = difflib.get_close_matches(name, list(names), n=3, cutoff=0.6)
        return f"did you mean {', '.join(repr(c) for c in close)}?" if close else None

    def stats(self) -> dict[str, list[dict[str, Any]]]:
        """Counts by entity type, by relation and by source, and of the statements between two
        entities and about one (the queries stats-*.rq)."""
        return {name.removeprefix("stats-"): self.select(name).rows()
                for name in ("stats-types", "stats-relations", "stats-sources", "stats-statements")}

    def rdflib(self) -> Any:  # rdflib.Graph (rdflib is imported only when asked for)
        """The same store as an rdflib Graph (through oxrdflib), for rdflib's API."""
        import rdflib
        from oxrdflib import OxigraphStore

        if self.store is None:
            raise KGError("the rdflib view needs the local store", hint="use kg.load() without endpoint")
        # A Graph's default identifier is a blank node, for which oxrdflib finds nothing.
        return rdflib.Graph(store=OxigraphStore(store=self.store),
                            identifier=rdflib.graph.DATASET_DEFAULT_GRAPH_ID)


def load(root: str | os.PathLike[str] | None = None, store_dir: str | os.PathLike[str] | None = None, *,
         endpoint: str | None = None, timeout: float | None = limits.DEFAULT_TIMEOUT,
         memory: int | None = limits.DEFAULT_MEMORY_MB, kind: type[Graph] = Graph) -> Graph:
    """Open the built graph read-only, without reparsing data/; with `endpoint`, the graph that
    `kg build --endpoint` loaded into that SPARQL server (queries/ still comes from the project).

    >>> g = load()
    >>> g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Statement }").rows()[0]["n"] > 0
    True
    >>> remote = load(endpoint="http://localhost:7878/query")  # doctest: +SKIP

    Each query may run `timeout` seconds and use `memory` MB (None: no limit); with `endpoint`,
    `timeout` is how long to wait for the server's answer.
    `kind` is the class to return: kg.load() asks for kg.api.KnowledgeGraph, which adds the
    network and view methods of the stages above this one.
    """
    bounds = limits.Limits(timeout, memory)  # NaN, infinities, absurd values: refused first
    project = projects.find(root, store_dir)
    if endpoint:
        from .remote import Endpoint

        return kind(Endpoint(endpoint, timeout=bounds.timeout), None, project)
    oxstore, path, lock = store.open_read_only(project.build_dir)
    graph = kind(LocalStore(oxstore, path, bounds, read_only=True), path, project)
    graph.reader_lock = lock  # kept for the graph's lifetime: builds leave its store in place
    return graph
