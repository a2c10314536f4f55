"""What queries return: SELECT rows (Result), ASK a Boolean, CONSTRUCT and DESCRIBE Triples.

>>> g = kg.load()
>>> bool(g.query("ASK { ?who kg:sued ?whom }"))
True
>>> triples = g.query("CONSTRUCT { ?who kg:sued ?whom } WHERE { ?who kg:sued ?whom }")
>>> all(line.endswith(" .") for line in triples.serialize("ntriples").splitlines())
True
>>> len(triples.graph()) == len(list(triples))   # an rdflib Graph, kg's prefixes bound
True
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol, TypeAlias

import pyoxigraph as ox

from ..errors import KGError
from ..prefixes import PREFIXES
from ..terms import Term, text_of

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: RDF formats a graph result is written in: --format name -> pyoxigraph format.
RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
               "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
#: Media types a SPARQL server may answer a CONSTRUCT or DESCRIBE with, and how to read them.
RDF_MEDIA_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
                   "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD,
                   "text/plain": ox.RdfFormat.N_TRIPLES}


def refuse_update(what: str = "a SPARQL update") -> KGError:
    """The error for an update request: the store is built from data/, not edited."""
    return KGError(f"{what} is not run: the graph is built from data/, not edited in the store",
                   hint="change the files in data/ and rebuild; 'kg serve --writable' takes updates "
                        "on a throw-away copy")


@dataclass(frozen=True)
class Boolean:
    """The answer of an ASK query: true in a condition, `.value`, or SPARQL results JSON."""

    value: bool
    form = "ASK"

    def __bool__(self) -> bool:
        return self.value

    def __str__(self) -> str:
        return "true" if self.value else "false"

    def to_json(self) -> dict[str, Any]:
        """SPARQL 1.1 Query Results JSON for a boolean."""
        return {"head": {}, "boolean": self.value}


class Triples:
    """The graph a CONSTRUCT or DESCRIBE query builds. Iterating gives (subject, predicate,
    object) as rdflib terms; `graph()` is an rdflib Graph; `serialize()` is RDF text.

    Made from a list (iterate as often as you like) or, by `kg.query.graph.Graph.stream`, from the
    engine's own iterator (once, in constant memory).
    """

    form = "CONSTRUCT"

    def __init__(self, triples: Iterable[ox.Triple]):
        self.triples = triples

    def __len__(self) -> int:
        return len(self.triples)  # type: ignore[arg-type]  # a TypeError for a stream, as for any iterator

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        import rdflib

        def term(t: Term) -> Any:
            if isinstance(t, ox.NamedNode):
                return rdflib.URIRef(t.value)
            if isinstance(t, ox.BlankNode):
                return rdflib.BNode(t.value)
            if isinstance(t, ox.Triple):
                raise TypeError(f"rdflib has no term for the triple term {t}")
            if t.language:
                return rdflib.Literal(t.value, lang=t.language)
            datatype = t.datatype.value
            return rdflib.Literal(t.value, datatype=None if datatype == _XSD_STRING else datatype)

        for triple in self.triples:
            yield term(triple.subject), term(triple.predicate), term(triple.object)

    def __repr__(self) -> str:
        size = len(self.triples) if isinstance(self.triples, list) else "a stream of"
        return f"<Triples: {size} triples>"

    def write(self, stream: IO[bytes], fmt: str = "turtle") -> None:
        """Write the triples to a binary `stream` as `fmt` (turtle, ntriples, jsonld, rdfxml),
        with kg's prefixes where the format has them. N-Triples is written as it comes."""
        if fmt not in RDF_FORMATS:
            raise KGError(f"{fmt!r} is not an RDF format", hint=f"use one of {', '.join(RDF_FORMATS)}")
        if fmt == "ntriples":  # line by line: a graph of any size in constant memory
            for triple in self.triples:
                stream.write(f"{triple.subject} {triple.predicate} {triple.object} .\n".encode())
            return
        stream.write(self.serialize_bytes(fmt))

    def serialize_bytes(self, fmt: str = "turtle") -> bytes:
        triples = self.triples if isinstance(self.triples, list) else list(self.triples)
        prefixes = {} if fmt == "ntriples" else _used_prefixes(triples, rdf=fmt == "rdfxml")
        if fmt == "jsonld":  # compacted with kg's prefixes as its @context (pyoxigraph writes full IRIs)
            self.triples = triples
            compacted: str = self.graph().serialize(format="json-ld", context=prefixes, auto_compact=True)
            return compacted.encode("utf-8") + b"\n"
        text = ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes) or b""
        return text if not text or text.endswith(b"\n") else text + b"\n"

    def serialize(self, fmt: str = "turtle") -> str:
        """The triples as RDF text: turtle (default), ntriples, jsonld or rdfxml."""
        if fmt not in RDF_FORMATS:
            raise KGError(f"{fmt!r} is not an RDF format", hint=f"use one of {', '.join(RDF_FORMATS)}")
        return self.serialize_bytes(fmt).decode("utf-8")

    def graph(self) -> Any:  # rdflib.Graph (rdflib is imported only when asked for)
        """The triples as an rdflib Graph, with kg's prefixes bound."""
        import rdflib

        graph = rdflib.Graph()
        for name, iri in PREFIXES.items():
            graph.bind(name, iri)
        for triple in self:
            graph.add(triple)
        return graph


def _used_prefixes(triples: list[ox.Triple], rdf: bool = False) -> dict[str, str]:
    """kg's prefixes that some IRI of `triples` starts with (and `rdf`: rdf:, which RDF/XML needs)."""
    used = {"rdf"} if rdf else set()
    iris = {t.value for triple in triples for t in (triple.subject, triple.predicate, triple.object)
            if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for triple in triples if isinstance(t := triple.object, ox.Literal)}
    for name, namespace in PREFIXES.items():
        if any(iri.startswith(namespace) for iri in iris):
            used.add(name)
    return {name: PREFIXES[name] for name in PREFIXES if name in used}


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC: dict[str, type[int] | type[float]] = {_XSD + t: int for t in ("integer", "int", "long",
                                                                          "nonNegativeInteger")}
_NUMERIC.update({_XSD + t: float for t in ("decimal", "double", "float")})


def to_python(term: Term | None) -> Any:
    """A query value as plain Python: IRIs and strings as str, numbers as int or float."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value  # read once: each read builds a new object
        if datatype == _XSD + "string":
            return term.value
        convert = _NUMERIC.get(datatype)
        if convert is not None:
            try:
                return convert(term.value)
            except ValueError:
                return term.value
        if datatype == _XSD + "boolean":
            return term.value == "true"
    return text_of(term)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building many objects that form no cycles (rows,
    graphs): it would walk every object built so far, again and again (a third of the time)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


#: What a query answers, by its form: rows (SELECT), true or false (ASK), triples (CONSTRUCT, DESCRIBE).
Answer: TypeAlias = "Result | Boolean | Triples"


class Backend(Protocol):
    """What a Graph queries: the local store (kg.query.graph.LocalStore) or a SPARQL server
    (kg.query.remote.Endpoint); either may also take `stream=True`."""

    def select(self, text: str, bindings: dict[str, Term]) -> Answer: ...


@dataclass
class Result:
    """Rows of a SELECT query. Iterating gives dicts of plain Python values.

    ASK and CONSTRUCT/DESCRIBE queries answer with kg.query.Boolean and Triples instead.
    From `Graph.stream`, `terms` is the engine's iterator: the rows can be read once, and
    have no len().
    """

    variables: list[str]
    terms: list[list[Term | None]] | Iterator[list[Term | None]]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        texts: dict[int, str] = {}  # one str per IRI, as `of` keeps one object per IRI

        def value(term: Term | None) -> Any:
            if type(term) is ox.NamedNode:
                text = texts.get(id(term))
                if text is None:
                    text = texts[id(term)] = term.value
                return text
            return to_python(term)

        for row in self.terms:
            yield dict(zip(self.variables, map(value, row)))

    def __len__(self) -> int:
        if not isinstance(self.terms, list):
            raise TypeError("a streamed result has no len(): its rows are read once, as they come")
        return len(self.terms)

    def count(self) -> int | None:
        """How many rows there are, when that is known without reading them (else None)."""
        return len(self.terms) if isinstance(self.terms, list) else None

    def rows(self) -> list[dict[str, Any]]:
        with gc_paused():
            return list(self)

    @classmethod
    def of(cls, solutions: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple] | Boolean
           | Triples, *, stream: bool = False) -> Result | Boolean | Triples:
        """The answer of any query form, from the local store or parsed from a server's answer:
        rows (SELECT), a Boolean (ASK) or Triples (CONSTRUCT, DESCRIBE). With `stream`, rows and
        triples are read from the engine as they come (once)."""
        if isinstance(solutions, (Boolean, Triples)):  # a server's answer, already read
            return solutions
        if isinstance(solutions, list):  # a query worker's triples (kg.query.limits)
            return Triples(solutions)
        if isinstance(solutions, ox.QueryBoolean):
            return Boolean(bool(solutions))
        if isinstance(solutions, ox.QueryTriples):
            return Triples(solutions if stream else list(solutions))
        if stream:
            return cls([v.value for v in solutions.variables], (list(s) for s in solutions))
        # A solution lists its values in the order of `variables` (3x faster than s[name]). One
        # object is kept per distinct IRI: rows repeat subjects and relations (on a dump of the
        # graph, half the memory), rarely a literal.
        with gc_paused():
            iris: dict[ox.NamedNode, ox.NamedNode] = {}
            rows = [[iris.setdefault(t, t) if type(t) is ox.NamedNode else t for t in s] for s in solutions]
            return cls([v.value for v in solutions.variables], rows)

    def to_dataframe(self) -> Any:  # pandas.DataFrame (pandas is optional)
        """The rows as a pandas DataFrame (needs pandas: pip install 'conflict-kg[pandas]')."""
        try:
            import pandas as pd
        except ImportError:
            raise KGError("to_dataframe needs pandas, which is not installed",
                          hint="pip install pandas; or use .rows() for a list of dicts") from None
        return pd.DataFrame(self.rows(), columns=self.variables)
