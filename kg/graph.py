"""The Python API over a built graph: `kg.load()` and what it returns."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pyoxigraph as ox

from . import catalog, project as projects, store
from .builder import PREFIXES
from .errors import EXIT_INVALID, KGError
from .namespace import ENT

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {_XSD + t: int for t in ("integer", "int", "long", "nonNegativeInteger")}
_NUMERIC.update({_XSD + t: float for t in ("decimal", "double", "float")})


def to_python(term: ox.Term | None) -> Any:
    """A query value as plain Python: IRIs and strings as str, numbers as int or float."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        convert = _NUMERIC.get(term.datatype.value)
        if convert is not None:
            try:
                return convert(term.value)
            except ValueError:
                return term.value
        if term.datatype.value == _XSD + "boolean":
            return term.value == "true"
        return term.value
    return term.value


@dataclass
class Result:
    """Rows of a SELECT query. Iterating gives dicts of plain Python values."""

    variables: list[str]
    terms: list[list[ox.Term | None]]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.terms:
            yield {v: to_python(t) for v, t in zip(self.variables, row)}

    def __len__(self) -> int:
        return len(self.terms)

    def rows(self) -> list[dict[str, Any]]:
        return list(self)

    def to_dataframe(self):
        """The rows as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=self.variables)


class KnowledgeGraph:
    """A built graph, opened read-only; any number of readers may open it at once."""

    def __init__(self, oxstore: ox.Store, path: Path, project: projects.Project):
        self.store = oxstore
        self.path = path
        self.project = project
        self._catalog: dict[str, catalog.NamedQuery] | None = None

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.path}>"

    @property
    def catalog(self) -> dict[str, catalog.NamedQuery]:
        """The named queries of queries/."""
        if self._catalog is None:
            self._catalog = catalog.load(self.project.queries_dir)
        return self._catalog

    def query(self, query: str, **params: Any) -> Result:
        """Run a named query or SPARQL text; `params` are bound as variables, never pasted.

        >>> g = load()
        >>> [r["type"] for r in g.query("entity-types")][:1]
        ['Person']
        """
        named = self.catalog.get(query)
        text = named.text if named else query
        kinds = {p.name: p.kind for p in named.params} if named else {}
        if named:
            unknown = set(params) - set(kinds)
            if unknown:
                raise KGError(f"query '{query}' has no parameter {sorted(unknown)[0]!r}",
                              hint=f"its parameters: {', '.join(kinds) or 'none'}")
            missing = set(kinds) - set(params)
            if missing:
                raise KGError(f"query '{query}' needs parameter {sorted(missing)[0]!r}",
                              hint=f"pass --param {sorted(missing)[0]}=VALUE")
        bindings = {ox.Variable(k): self.bind(v, kinds.get(k, "string")) for k, v in params.items()}
        try:
            solutions = self.store.query(text, prefixes=PREFIXES, substitutions=bindings)
        except RuntimeError as exc:
            if "SELECT projection" not in str(exc):
                raise
            raise KGError(f"a parameter must appear in the query's SELECT clause: {exc}",
                          hint="add the parameter variable to SELECT (and to GROUP BY if any)") from exc
        except SyntaxError as exc:
            raise KGError(f"SPARQL syntax error: {str(exc).splitlines()[0]}",
                          hint="check the query text; prefixes kg:, ent:, rdfs: ... are predefined",
                          exit_code=EXIT_INVALID) from exc
        if not isinstance(solutions, ox.QuerySolutions):
            raise KGError("only SELECT queries return rows", hint="use SELECT, or export for graphs")
        variables = [v.value for v in solutions.variables]
        return Result(variables, [[s[v] for v in variables] for s in solutions])

    def bind(self, value: Any, kind: str) -> ox.Term:
        """A parameter value as an RDF term; an entity is found by id, label or alias."""
        if isinstance(value, (ox.NamedNode, ox.Literal)):
            return value
        if kind == "iri":
            return ox.NamedNode(self.resolve(str(value)))
        if kind == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(_XSD + "integer"))
        if kind == "date":
            from .assemble import date_literal
            return date_literal(str(value))
        return ox.Literal(str(value))

    def resolve(self, name: str) -> str:
        """The IRI of the entity called `name` (its id, IRI, label or an alias)."""
        if name.startswith(str(ENT)):
            return name
        if ox.NamedNode(str(ENT) + name) in self._subjects():
            return str(ENT) + name
        hits = self.query("entity-lookup", name=name).rows()
        if not hits:
            raise KGError(f"no entity is called {name!r}",
                          hint=self._suggest(name) or "try 'kg query entities' to list them")
        return hits[0]["entity"]

    def _subjects(self) -> set[ox.NamedNode]:
        return {q.subject for q in self.store.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)}

    def _suggest(self, name: str) -> str | None:
        import difflib

        names = {r["name"]: r["entity"] for r in self.query("entity-names")}
        close = difflib.get_close_matches(name, list(names), n=3, cutoff=0.6)
        return f"did you mean {', '.join(repr(c) for c in close)}?" if close else None

    def stats(self) -> dict[str, list[dict[str, Any]]]:
        """Counts by entity type, by relation and by source (the queries stats-*.rq)."""
        return {name.removeprefix("stats-"): self.query(name).rows()
                for name in ("stats-types", "stats-relations", "stats-sources")}

    def rdflib(self):
        """The same store as an rdflib Graph (through oxrdflib), for rdflib's API."""
        import rdflib
        from oxrdflib import OxigraphStore

        # A Graph's default identifier is a blank node, for which oxrdflib finds nothing.
        return rdflib.Graph(store=OxigraphStore(store=self.store),
                            identifier=rdflib.graph.DATASET_DEFAULT_GRAPH_ID)


def load(root: str | os.PathLike | None = None, store_dir: str | os.PathLike | None = None) -> KnowledgeGraph:
    """Open the built graph read-only, without reparsing data/.

    >>> g = load()
    >>> g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Statement }").rows()[0]["n"] > 0
    True
    """
    project = projects.find(root, store_dir)
    oxstore, path = store.open_read_only(project.build_dir)
    return KnowledgeGraph(oxstore, path, project)
