"""Validate a graph against SHACL shapes by compiling each constraint to a SPARQL query.

pySHACL walks an rdflib graph in Python and needs minutes for a million triples; the shapes of
ontology/shapes.ttl use only SHACL Core's plainest components, each of which is one query that
Oxigraph answers in milliseconds; a SHACL-SPARQL constraint (sh:sparql, whose SELECT projects
$this) is already a query, and is joined to its shape's targets. A shape using anything else is
refused rather than skipped, so
no check is lost silently; `kg check --full-shacl` runs pySHACL instead, and the tests compare
the two on broken graphs.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS, SH

from ..errors import KGError
from ..terms import Term

_fresh = itertools.count()
_SUBCLASS_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
# Predicates a shape may use; anything else in the sh: namespace is refused.
_SUPPORTED = {str(SH[name]) for name in (
    "NodeShape", "PropertyShape", "targetClass", "targetObjectsOf", "targetSubjectsOf",
    "targetNode", "property", "path", "minCount", "maxCount", "datatype", "class", "nodeKind",
    "in", "minLength", "minInclusive", "node", "or", "message", "IRI", "Literal", "BlankNode",
    "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral", "name", "description",
    "sparql", "select", "SPARQLConstraint")}
_NODE_KINDS = {
    "IRI": "isIRI({v})", "Literal": "isLiteral({v})", "BlankNode": "isBlank({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str


@dataclass(frozen=True)
class _Check:
    """One compiled constraint: a query whose rows are violations."""

    query: str
    path: str | None
    message: str


class _Shapes:
    def __init__(self, shapes_path: Path):
        self.store = ox.Store()
        self.store.load(path=str(shapes_path), format=ox.RdfFormat.TURTLE)
        self.origin = shapes_path

    def values(self, node, name: str) -> list[Term]:
        return [q.object for q in self.store.quads_for_pattern(node, ox.NamedNode(SH[name]), None)]

    def value(self, node, name: str) -> Term | None:
        found = self.values(node, name)
        return found[0] if found else None

    def items(self, head) -> list[Term]:
        out = []
        nil = ox.NamedNode(str(RDF.nil))
        while head is not None and head != nil:
            out.append(self._one(head, RDF.first))
            head = self._one(head, RDF.rest)
        return out

    def _one(self, node, predicate) -> Term | None:
        found = [q.object for q in self.store.quads_for_pattern(node, ox.NamedNode(str(predicate)), None)]
        return found[0] if found else None

    def refuse_unsupported(self) -> None:
        for quad in self.store:
            predicate = quad.predicate.value
            if predicate.startswith(str(SH)) and predicate not in _SUPPORTED:
                raise KGError(f"{self.origin}: shape uses {predicate}, which the fast validator "
                              "does not implement", hint="use 'kg check --full-shacl' (pySHACL)")

    def node_shapes(self) -> list[Term]:
        return [q.subject for q in self.store.quads_for_pattern(
            None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SH.NodeShape)))]


def _instance_of(var: str, cls: ox.NamedNode, subclasses) -> str:
    """A pattern true when `var` is an instance of `cls` or of one of its subclasses."""
    if subclasses is None:
        return f"{var} {_SUBCLASS_PATH} {cls}"
    # A fixed list of classes lets Oxigraph use its indexes instead of a path per value; each
    # occurrence gets its own variable so that a test inside EXISTS is not joined to the target.
    t = f"?_type{next(_fresh)}"
    return f"{var} <{RDF.type}> {t} . VALUES {t} {{ {' '.join(map(str, subclasses(cls)))} }}"


def _targets(shapes: _Shapes, shape, subclasses) -> str | None:
    """A group pattern binding ?focus to every target node of `shape`."""
    parts = [f"{{ {_instance_of('?focus', c, subclasses)} }}" for c in shapes.values(shape, "targetClass")]
    parts += [f"{{ ?_s {p} ?focus }}" for p in shapes.values(shape, "targetObjectsOf")]
    parts += [f"{{ ?focus {p} ?_o }}" for p in shapes.values(shape, "targetSubjectsOf")]
    parts += [f"{{ VALUES ?focus {{ {n} }} }}" for n in shapes.values(shape, "targetNode")]
    return " UNION ".join(parts) if parts else None


def _value_test(shapes: _Shapes, shape, var: str, subclasses) -> str | None:
    """A SPARQL expression true when `var` conforms to the value constraints of `shape`."""
    tests = []
    for dt in shapes.values(shape, "datatype"):
        tests.append(f"(isLiteral({var}) && DATATYPE({var}) = {dt})")
    for cls in shapes.values(shape, "class"):
        tests.append(f"EXISTS {{ {_instance_of(var, cls, subclasses)} }}")
    for kind in shapes.values(shape, "nodeKind"):
        tests.append(_NODE_KINDS[kind.value.removeprefix(str(SH))].format(v=var))
    for head in shapes.values(shape, "in"):
        members = shapes.items(head)
        tests.append("(" + " || ".join(f"sameTerm({var}, {m})" for m in members) + ")")
    for n in shapes.values(shape, "minLength"):
        tests.append(f"(!isBlank({var}) && STRLEN(STR({var})) >= {n.value})")
    for low in shapes.values(shape, "minInclusive"):
        tests.append(f"({var} >= {low})")
    for other in shapes.values(shape, "node"):
        inner = _value_test(shapes, other, var, subclasses)
        if inner:
            tests.append(inner)
    for head in shapes.values(shape, "or"):
        options = [_value_test(shapes, s, var, subclasses) or "true" for s in shapes.items(head)]
        tests.append("(" + " || ".join(options) + ")")
    return " && ".join(tests) if tests else None


def _message(shapes: _Shapes, shape, default: str) -> str:
    message = shapes.value(shape, "message")
    return message.value if message is not None else default


def _property_check(shapes: _Shapes, prop, path: ox.NamedNode, targets: str, subclasses) -> _Check:
    """One query for all constraints of a property shape: one pass over the focus nodes."""
    message = _message(shapes, prop, f"values of {path.value} break the shape")
    low, high = shapes.value(prop, "minCount"), shapes.value(prop, "maxCount")
    test = _value_test(shapes, prop, "?v", subclasses)
    broken = []
    if low is not None:
        broken.append(f"?n < {low.value}")
    if high is not None:
        broken.append(f"?n > {high.value}")
    if test:
        broken.append("?bad > 0")
    # A test that raises a type error fails, as in SHACL, hence COALESCE(..., false).
    bad = f"SUM(IF(BOUND(?v) && !COALESCE({test}, false), 1, 0))" if test else "0"
    return _Check(
        f"SELECT ?focus WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?v) AS ?n) ({bad} AS ?bad) "
        f"WHERE {{ {targets} OPTIONAL {{ ?focus {path} ?v }} }} GROUP BY ?focus }} "
        f"FILTER({' || '.join(broken) or 'false'}) }}", path.value, message)


def _sparql_check(shapes: _Shapes, constraint, targets: str, origin: Path) -> _Check:
    """A SHACL-SPARQL constraint: its SELECT, whose rows are the violating ``$this``, joined to
    the shape's targets (evaluated once for all of them, not once per focus node)."""
    select = shapes.value(constraint, "select")
    text = select.value if select is not None else ""
    head = text.split("{", 1)[0]
    if "$this" not in head or "PREFIX" in head.upper() or "$" in text.replace("$this", ""):
        raise KGError(f"{origin}: a sh:select must project $this, with full IRIs and no other "
                      "pre-bound variable", hint="use 'kg check --full-shacl' (pySHACL)")
    inner = text.replace("$this", "?focus")
    return _Check(f"SELECT DISTINCT ?focus WHERE {{ {targets} {{ {inner} }} }}", None,
                  _message(shapes, constraint, "the node breaks a SPARQL constraint"))


def compile_shapes(shapes_path: Path, subclasses=None) -> list[_Check]:
    """Turn every constraint of the shapes file into a violation query.

    `subclasses(cls)` lists a class and its subclasses; without it, queries walk
    rdfs:subClassOf paths themselves (correct, but slow on large graphs).
    """
    shapes = _Shapes(Path(shapes_path))
    shapes.refuse_unsupported()
    checks = []
    for shape in shapes.node_shapes():
        targets = _targets(shapes, shape, subclasses)
        if targets is None:
            continue  # a shape referenced by sh:node, checked where it is used
        test = _value_test(shapes, shape, "?focus", subclasses)
        if test:
            checks.append(_Check(
                f"SELECT DISTINCT ?focus WHERE {{ {targets} FILTER(!COALESCE({test}, false)) }}",
                None, _message(shapes, shape, "the node breaks its shape")))
        for constraint in shapes.values(shape, "sparql"):
            checks.append(_sparql_check(shapes, constraint, targets, shapes_path))
        for prop in shapes.values(shape, "property"):
            path = shapes.value(prop, "path")
            if not isinstance(path, ox.NamedNode):
                raise KGError(f"{shapes_path}: only predicate paths are supported",
                              hint="use 'kg check --full-shacl' (pySHACL)")
            checks.append(_property_check(shapes, prop, path, targets, subclasses))
    return checks


def validate(store: ox.Store, shapes_path: Path) -> list[Violation]:
    """Every violation of the shapes in `store`'s default graph."""
    cache: dict[ox.NamedNode, list[ox.NamedNode]] = {}

    def subclasses(cls: ox.NamedNode) -> list[ox.NamedNode]:
        if cls not in cache:
            rows = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {cls} }}")
            cache[cls] = [row["c"] for row in rows] or [cls]
        return cache[cls]

    def run(check: _Check) -> list[Violation]:
        return [Violation(row["focus"].value, check.path, check.message) for row in store.query(check.query)]

    checks = compile_shapes(shapes_path, subclasses)
    # Oxigraph releases the GIL while it evaluates, so the checks share the cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [v for found in pool.map(run, checks) for v in found]
