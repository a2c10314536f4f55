"""Validate a graph against SHACL shapes in one read of the predicates the shapes name.

pySHACL walks an rdflib graph in Python, node by node, and needs minutes for a million triples.
Here each property path is read from the store once (one index scan per predicate), the targets
are sets, and the constraints are plain Python tests on the values: cardinality, datatype (with
the lexical form of the types kg writes), class, node kind, sh:in, lengths, bounds, sh:node and
sh:or. A SHACL-SPARQL constraint (sh:sparql, whose SELECT projects $this) is already a query; it
is joined to its shape's targets and runs in the engine, beside the Python checks. A shape using
anything else is refused rather than skipped, so no check is lost silently; `kg check
--full-shacl` runs pySHACL instead, and the tests compare the two on broken graphs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS, SH, XSD

from ..errors import KGError

_fresh = itertools.count()
# Predicates a shape may use; anything else in the sh: namespace is refused.
_SUPPORTED = {str(SH[name]) for name in (
    "NodeShape", "PropertyShape", "targetClass", "targetObjectsOf", "targetSubjectsOf",
    "targetNode", "property", "path", "minCount", "maxCount", "datatype", "class", "nodeKind",
    "in", "minLength", "minInclusive", "node", "or", "message", "IRI", "Literal", "BlankNode",
    "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral", "name", "description",
    "sparql", "select", "SPARQLConstraint")}
_NODE_KINDS = {
    "IRI": (ox.NamedNode,), "Literal": (ox.Literal,), "BlankNode": (ox.BlankNode,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode), "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}
_NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger",
                                  "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                  "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
# An ill-typed literal ("abc"^^xsd:integer) breaks sh:datatype, as pySHACL says; these are the
# types kg writes.
_LEXICAL = {str(XSD.integer): re.compile(r"[+-]?\d+"), str(XSD.date): re.compile(r"-?\d{4,}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?"),
            str(XSD.gYearMonth): re.compile(r"-?\d{4,}-\d\d(Z|[+-]\d\d:\d\d)?"),
            str(XSD.gYear): re.compile(r"-?\d{4,}(Z|[+-]\d\d:\d\d)?")}
_SUBCLASS_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"

Test = Callable[[object], bool]


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    #: The SHACL constraint component broken (sh:MinCountConstraintComponent, ...).
    component: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class _Sparql:
    """A SHACL-SPARQL constraint: a query whose rows are the violating focus nodes."""

    query: str
    message: str


@dataclass
class _Property:
    path: ox.NamedNode
    message: str
    min_count: int | None
    max_count: int | None
    tests: list[tuple[str, Test]]


@dataclass
class _Rule:
    """One node shape with targets: how to find them, and what they must satisfy."""

    targets: Callable[[], set]
    node_tests: list[tuple[str, Test]]
    node_message: str
    properties: list[_Property]
    sparql: list[_Sparql]


class _Shapes:
    def __init__(self, shapes_path: Path):
        self.store = ox.Store()
        self.store.load(path=str(shapes_path), format=ox.RdfFormat.TURTLE)
        self.origin = shapes_path

    def values(self, node, name: str) -> list[ox.Term]:
        return [q.object for q in self.store.quads_for_pattern(node, ox.NamedNode(SH[name]), None)]

    def value(self, node, name: str) -> ox.Term | None:
        found = self.values(node, name)
        return found[0] if found else None

    def items(self, head) -> list[ox.Term]:
        out = []
        nil = ox.NamedNode(str(RDF.nil))
        while head is not None and head != nil:
            out.append(self._one(head, RDF.first))
            head = self._one(head, RDF.rest)
        return out

    def _one(self, node, predicate) -> ox.Term | None:
        found = [q.object for q in self.store.quads_for_pattern(node, ox.NamedNode(str(predicate)), None)]
        return found[0] if found else None

    def refuse_unsupported(self) -> None:
        for quad in self.store:
            predicate = quad.predicate.value
            if predicate.startswith(str(SH)) and predicate not in _SUPPORTED:
                raise KGError(f"{self.origin}: shape uses {predicate}, which the fast validator "
                              "does not implement", hint="use 'kg check --full-shacl' (pySHACL)")

    def node_shapes(self) -> list[ox.Term]:
        return [q.subject for q in self.store.quads_for_pattern(
            None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SH.NodeShape)))]


class _Graph:
    """The data graph as the checks read it: instances of a class, values of a predicate."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._instances: dict[ox.NamedNode, frozenset] = {}
        self._values: dict[ox.NamedNode, dict] = {}

    def subclasses(self, cls: ox.NamedNode) -> list[ox.NamedNode]:
        rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {cls} }}")
        return [row["c"] for row in rows] or [cls]

    def instances(self, cls: ox.NamedNode) -> frozenset:
        if cls not in self._instances:
            a, default = ox.NamedNode(str(RDF.type)), ox.DefaultGraph()
            self._instances[cls] = frozenset(q.subject for c in self.subclasses(cls)
                                             for q in self.store.quads_for_pattern(None, a, c, default))
        return self._instances[cls]

    def values(self, path: ox.NamedNode) -> dict:
        """Subject -> its values of `path`, read in one scan of the predicate's index."""
        if path not in self._values:
            found: dict = {}
            for q in self.store.quads_for_pattern(None, path, None, ox.DefaultGraph()):
                found.setdefault(q.subject, []).append(q.object)
            self._values[path] = found
        return self._values[path]


def _number(term) -> Decimal | None:
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        try:
            return Decimal(term.value)
        except InvalidOperation:
            return None
    return None


def _at_least(low: ox.Term) -> Test:
    bound = _number(low)
    if bound is None:
        raise KGError(f"sh:minInclusive {low} is not a number", hint="use 'kg check --full-shacl' (pySHACL)")

    def test(v) -> bool:
        # A value that is not a number cannot be compared: it fails, as in SHACL.
        number = _number(v)
        return number is not None and number >= bound
    return test


def _datatype(want: ox.NamedNode) -> Test:
    lexical = _LEXICAL.get(want.value)
    return lambda v: (isinstance(v, ox.Literal) and v.datatype == want
                      and (lexical is None or lexical.fullmatch(v.value) is not None))


def _value_tests(shapes: _Shapes, shape, graph: _Graph) -> list[tuple[str, Test]]:
    """(component, test) for each value constraint of `shape`; a test is true when a value conforms."""
    tests: list[tuple[str, Test]] = []
    for dt in shapes.values(shape, "datatype"):
        tests.append(("Datatype", _datatype(dt)))
    for cls in shapes.values(shape, "class"):
        tests.append(("Class", lambda v, cls=cls: v in graph.instances(cls)))
    for kind in shapes.values(shape, "nodeKind"):
        kinds = _NODE_KINDS[kind.value.removeprefix(str(SH))]
        tests.append(("NodeKind", lambda v, kinds=kinds: isinstance(v, kinds)))
    for head in shapes.values(shape, "in"):
        members = frozenset(shapes.items(head))
        tests.append(("In", members.__contains__))
    for n in shapes.values(shape, "minLength"):
        tests.append(("MinLength", lambda v, n=int(n.value): not isinstance(v, ox.BlankNode) and len(v.value) >= n))
    for low in shapes.values(shape, "minInclusive"):
        tests.append(("MinInclusive", _at_least(low)))
    for other in shapes.values(shape, "node"):
        inner = [t for _, t in _value_tests(shapes, other, graph)]
        tests.append(("Node", lambda v, inner=inner: all(t(v) for t in inner)))
    for head in shapes.values(shape, "or"):
        options = [[t for _, t in _value_tests(shapes, s, graph)] for s in shapes.items(head)]
        tests.append(("Or", lambda v, options=options: any(all(t(v) for t in o) for o in options)))
    return tests


def _message(shapes: _Shapes, shape, default: str) -> str:
    message = shapes.value(shape, "message")
    return message.value if message is not None else default


def _instance_of(var: str, cls: ox.NamedNode, subclasses) -> str:
    """A pattern true when `var` is an instance of `cls` or of one of its subclasses."""
    if subclasses is None:
        return f"{var} {_SUBCLASS_PATH} {cls}"
    # A fixed list of classes lets Oxigraph use its indexes instead of a path per value.
    t = f"?_type{next(_fresh)}"
    return f"{var} <{RDF.type}> {t} . VALUES {t} {{ {' '.join(map(str, subclasses(cls)))} }}"


def _target_pattern(shapes: _Shapes, shape, subclasses) -> str:
    """A group pattern binding ?focus to every target node of `shape` (for SHACL-SPARQL)."""
    parts = [f"{{ {_instance_of('?focus', c, subclasses)} }}" for c in shapes.values(shape, "targetClass")]
    parts += [f"{{ ?_s {p} ?focus }}" for p in shapes.values(shape, "targetObjectsOf")]
    parts += [f"{{ ?focus {p} ?_o }}" for p in shapes.values(shape, "targetSubjectsOf")]
    parts += [f"{{ VALUES ?focus {{ {n} }} }}" for n in shapes.values(shape, "targetNode")]
    return " UNION ".join(parts)


def _target_set(shapes: _Shapes, shape, graph: _Graph) -> Callable[[], set] | None:
    classes = shapes.values(shape, "targetClass")
    objects_of, subjects_of = shapes.values(shape, "targetObjectsOf"), shapes.values(shape, "targetSubjectsOf")
    nodes = shapes.values(shape, "targetNode")
    if not (classes or objects_of or subjects_of or nodes):
        return None

    def targets() -> set:
        found = set(nodes)
        for cls in classes:
            found |= graph.instances(cls)
        for p in objects_of:
            found.update(v for vs in graph.values(p).values() for v in vs)
        for p in subjects_of:
            found.update(graph.values(p))
        return found
    return targets


def _sparql(shapes: _Shapes, constraint, targets: str, origin: Path) -> _Sparql:
    """A SHACL-SPARQL constraint: its SELECT, whose rows are the violating ``$this``, joined to
    the shape's targets (evaluated once for all of them, not once per focus node)."""
    select = shapes.value(constraint, "select")
    text = select.value if select is not None else ""
    head = text.split("{", 1)[0]
    if "$this" not in head or "PREFIX" in head.upper() or "$" in text.replace("$this", ""):
        raise KGError(f"{origin}: a sh:select must project $this, with full IRIs and no other "
                      "pre-bound variable", hint="use 'kg check --full-shacl' (pySHACL)")
    inner = text.replace("$this", "?focus")
    return _Sparql(f"SELECT DISTINCT ?focus WHERE {{ {targets} {{ {inner} }} }}",
                   _message(shapes, constraint, "the node breaks a SPARQL constraint"))


def compile_shapes(shapes_path: Path, graph: _Graph | None = None) -> list[_Rule]:
    """Read every shape of the shapes file into a rule; refuse what the checks do not implement."""
    shapes = _Shapes(Path(shapes_path))
    shapes.refuse_unsupported()
    graph = graph or _Graph(ox.Store())
    rules = []
    for shape in shapes.node_shapes():
        targets = _target_set(shapes, shape, graph)
        if targets is None:
            continue  # a shape referenced by sh:node, checked where it is used
        properties = []
        for prop in shapes.values(shape, "property"):
            path = shapes.value(prop, "path")
            if not isinstance(path, ox.NamedNode):
                raise KGError(f"{shapes_path}: only predicate paths are supported",
                              hint="use 'kg check --full-shacl' (pySHACL)")
            low, high = shapes.value(prop, "minCount"), shapes.value(prop, "maxCount")
            properties.append(_Property(
                path, _message(shapes, prop, f"values of {path.value} break the shape"),
                int(low.value) if low is not None else None, int(high.value) if high is not None else None,
                _value_tests(shapes, prop, graph)))
        pattern = _target_pattern(shapes, shape, graph.subclasses)
        rules.append(_Rule(targets, _value_tests(shapes, shape, graph),
                           _message(shapes, shape, "the node breaks its shape"), properties,
                           [_sparql(shapes, c, pattern, shapes_path) for c in shapes.values(shape, "sparql")]))
    return rules


def _component(name: str) -> str:
    return f"{SH}{name}ConstraintComponent"


def _check_rule(rule: _Rule, graph: _Graph) -> list[Violation]:
    out = []
    targets = rule.targets()
    for name, test in rule.node_tests:
        out += [Violation(f.value, None, rule.node_message, _component(name)) for f in targets if not test(f)]
    for prop in rule.properties:
        values = graph.values(prop.path)
        path = prop.path.value
        if prop.min_count or prop.max_count is not None:
            low, high = prop.min_count or 0, prop.max_count
            for focus in targets:
                n = len(values.get(focus, ()))
                if n < low:
                    out.append(Violation(focus.value, path, prop.message, _component("MinCount")))
                if high is not None and n > high:
                    out.append(Violation(focus.value, path, prop.message, _component("MaxCount")))
        for name, test in prop.tests:
            for focus, found in values.items():
                if focus in targets and not all(test(v) for v in found):
                    out.append(Violation(focus.value, path, prop.message, _component(name)))
    return out


def validate(store: ox.Store, shapes_path: Path) -> list[Violation]:
    """Every violation of the shapes in `store`'s default graph, with its constraint component."""
    graph = _Graph(store)
    rules = compile_shapes(shapes_path, graph)

    def run(check: _Sparql) -> list[Violation]:
        return [Violation(row["focus"].value, None, check.message, _component("SPARQL"))
                for row in store.query(check.query)]

    # Oxigraph releases the GIL while it evaluates, so the SPARQL constraints run beside the
    # Python checks on the other core.
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = [pool.submit(run, c) for rule in rules for c in rule.sparql]
        found = [v for rule in rules for v in _check_rule(rule, graph)]
        return found + [v for job in pending for v in job.result()]
