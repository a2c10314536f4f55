"""Validate a graph against SHACL shapes in one pass over its N-Triples text.

pySHACL walks an rdflib graph in Python, node by node, and needs minutes for a million triples;
compiled to SPARQL, each constraint is a GROUP BY over the store, one after another, and reading
terms back from the store decodes every string. The build writes the graph as N-Triples text
anyway: the Checker reads those lines as they are written (one split per line), counts each
path's values per node and tests them as plain Python on the terms' text: cardinality, datatype
(with the lexical form of the types kg writes), class, node kind, sh:in, lengths, bounds,
sh:node and sh:or. A SHACL-SPARQL constraint (sh:sparql, whose SELECT projects $this) is already
a query: it is joined to its shape's targets and runs on the loaded store, beside the Python
checks. A shape using anything else is refused rather than skipped, so no check is lost
silently; `kg check --full-shacl` runs pySHACL instead, and the tests compare the two with a
fault of every constraint injected (tests/builder/test_shape_faults.py).
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
from ..terms import Term

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
_LEXICAL = {str(XSD.integer): re.compile(r"[+-]?\d+"),
            str(XSD.date): re.compile(r"-?\d{4,}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?"),
            str(XSD.gYearMonth): re.compile(r"-?\d{4,}-\d\d(Z|[+-]\d\d:\d\d)?"),
            str(XSD.gYear): re.compile(r"-?\d{4,}(Z|[+-]\d\d:\d\d)?")}

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
    """A SHACL-SPARQL constraint: its SELECT with ``$this`` as ``?focus``, to be joined to its
    shape's targets once the class hierarchy has been read."""

    select: str
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


class _Classes:
    """The class hierarchy and the types of the nodes, as read from the triples."""

    def __init__(self):
        self.types: dict[str, list[str]] = {}
        self.parents: dict[str, list[str]] = {}
        self._instances: dict[str, frozenset] = {}

    def subclasses(self, cls: str) -> set[str]:
        """`cls` and every class below it (N-Triples IRIs)."""
        children: dict[str, list[str]] = {}
        for child, ups in self.parents.items():
            for up in ups:
                children.setdefault(up, []).append(child)
        found, todo = {cls}, [cls]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def instances(self, cls: str) -> frozenset:
        if cls not in self._instances:
            below = self.subclasses(cls)
            self._instances[cls] = frozenset(node for node, types in self.types.items()
                                             if not below.isdisjoint(types))
        return self._instances[cls]


def _literal(term: str) -> tuple[str, str] | None:
    """(lexical form, datatype IRI) of an N-Triples literal; None for an IRI or a blank node."""
    if term[0] != '"':
        return None
    end = term.rindex('"')
    lexical, rest = term[1:end], term[end + 1:]
    if "\\" in lexical:
        lexical = _unescape(lexical)
    if not rest:
        return lexical, str(XSD.string)
    if rest[0] == "@":
        return lexical, str(RDF.langString)
    return lexical, rest[3:-1]


def _unescape(lexical: str) -> str:
    return re.sub(r"\\(U[0-9A-Fa-f]{8}|u[0-9A-Fa-f]{4}|.)", lambda m: _ESCAPES.get(m[1]) or chr(int(m[1][1:], 16)),
                  lexical)


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _value(term: str) -> str:
    """A term's value as Violation.focus gives it: an IRI without <>, a literal's text."""
    if term[0] == "<":
        return term[1:-1]
    found = _literal(term)
    return found[0] if found else term


def _number(term: str) -> Decimal | None:
    found = _literal(term)
    if found is None or found[1] not in _NUMERIC:
        return None
    try:
        return Decimal(found[0])
    except InvalidOperation:
        return None


def _at_least(low: ox.Term) -> Test:
    bound = _number(str(low))
    if bound is None:
        raise KGError(f"sh:minInclusive {low} is not a number", hint="use 'kg check --full-shacl' (pySHACL)")

    def test(v: str) -> bool:
        # A value that is not a number cannot be compared: it fails, as in SHACL.
        number = _number(v)
        return number is not None and number >= bound
    return test


def _datatype(want: ox.NamedNode) -> Test:
    lexical, iri = _LEXICAL.get(want.value), want.value
    if iri == str(XSD.string):  # a simple literal: "..." (a typed one ends in >, a tagged one in its tag)
        return lambda v: v[0] == '"' and v[-1] == '"'
    # Oxigraph and kg write a typed literal as "lexical"^^<datatype>: its end says the type.
    suffix = f'"^^<{iri}>'
    if lexical is None:
        return lambda v: v[0] == '"' and v.endswith(suffix)
    cut = len(suffix)
    return lambda v: v[0] == '"' and v.endswith(suffix) and lexical.fullmatch(v[1:-cut]) is not None


_KIND_OF = {"<": ox.NamedNode, "_": ox.BlankNode, '"': ox.Literal}


@dataclass
class _Test:
    component: str
    test: Test
    #: Whether it asks the types of nodes, known only when every triple has been read.
    classes: bool


def _value_tests(shapes: _Shapes, shape, classes: _Classes) -> list[_Test]:
    """A test per value constraint of `shape`, true when a value (an N-Triples term) conforms."""
    tests: list[_Test] = []
    for dt in shapes.values(shape, "datatype"):
        tests.append(_Test("Datatype", _datatype(dt), False))
    for cls in shapes.values(shape, "class"):
        tests.append(_Test("Class", lambda v, cls=str(cls): v in classes.instances(cls), True))
    for kind in shapes.values(shape, "nodeKind"):
        kinds = _NODE_KINDS[kind.value.removeprefix(str(SH))]
        tests.append(_Test("NodeKind", lambda v, kinds=kinds: _KIND_OF[v[0]] in kinds, False))
    for head in shapes.values(shape, "in"):
        members = frozenset(map(str, shapes.items(head)))
        tests.append(_Test("In", members.__contains__, False))
    for n in shapes.values(shape, "minLength"):
        tests.append(_Test("MinLength", lambda v, n=int(n.value): v[0] != "_" and len(_value(v)) >= n, False))
    for low in shapes.values(shape, "minInclusive"):
        tests.append(_Test("MinInclusive", _at_least(low), False))
    for other in shapes.values(shape, "node"):
        inner = _value_tests(shapes, other, classes)
        tests.append(_Test("Node", lambda v, inner=inner: all(t.test(v) for t in inner),
                           any(t.classes for t in inner)))
    for head in shapes.values(shape, "or"):
        options = [_value_tests(shapes, s, classes) for s in shapes.items(head)]
        tests.append(_Test("Or", lambda v, options=options: any(all(t.test(v) for t in o) for o in options),
                           any(t.classes for o in options for t in o)))
    return tests


def _message(shapes: _Shapes, shape, default: str) -> str:
    message = shapes.value(shape, "message")
    return message.value if message is not None else default


def _instance_of(var: str, cls: ox.NamedNode, subclasses) -> str:
    """A pattern true when `var` is an instance of `cls` or of one of its subclasses."""
    # A fixed list of classes lets Oxigraph use its indexes instead of a path per value.
    t = f"?_type{next(_fresh)}"
    return f"{var} <{RDF.type}> {t} . VALUES {t} {{ {' '.join(sorted(subclasses(str(cls))))} }}"


def _target_pattern(shapes: _Shapes, shape, subclasses) -> str:
    """A group pattern binding ?focus to every target node of `shape` (for SHACL-SPARQL)."""
    parts = [f"{{ {_instance_of('?focus', c, subclasses)} }}" for c in shapes.values(shape, "targetClass")]
    parts += [f"{{ ?_s {p} ?focus }}" for p in shapes.values(shape, "targetObjectsOf")]
    parts += [f"{{ ?focus {p} ?_o }}" for p in shapes.values(shape, "targetSubjectsOf")]
    parts += [f"{{ VALUES ?focus {{ {n} }} }}" for n in shapes.values(shape, "targetNode")]
    return " UNION ".join(parts)


def _sparql(shapes: _Shapes, constraint, origin: Path) -> _Sparql:
    """A SHACL-SPARQL constraint: its SELECT, whose rows are the violating ``$this``, joined to
    the shape's targets (evaluated once for all of them, not once per focus node)."""
    select = shapes.value(constraint, "select")
    text = select.value if select is not None else ""
    head = text.split("{", 1)[0]
    if "$this" not in head or "PREFIX" in head.upper() or "$" in text.replace("$this", ""):
        raise KGError(f"{origin}: a sh:select must project $this, with full IRIs and no other "
                      "pre-bound variable", hint="use 'kg check --full-shacl' (pySHACL)")
    return _Sparql(text.replace("$this", "?focus"), _message(shapes, constraint, "the node breaks a SPARQL constraint"))


@dataclass
class _Property:
    path: str
    message: str
    min_count: int
    max_count: int | None
    tests: list[_Test]


@dataclass
class _Rule:
    """One node shape with targets: how to find them, and what they must satisfy."""

    classes: list[str]
    objects_of: list[str]
    subjects_of: list[str]
    nodes: list[str]
    node_tests: list[_Test]
    node_message: str
    properties: list[_Property]
    sparql: list[_Sparql] = field(default_factory=list)
    #: A group pattern binding ?focus to the targets, for the SHACL-SPARQL constraints.
    pattern: Callable[[], str] = lambda: ""


def compile_shapes(shapes_path: Path, classes: _Classes | None = None) -> list[_Rule]:
    """Read every shape of the shapes file into a rule; refuse what the checks do not implement."""
    shapes = _Shapes(Path(shapes_path))
    shapes.refuse_unsupported()
    classes = classes or _Classes()
    rules = []
    for shape in shapes.node_shapes():
        targets = [list(map(str, shapes.values(shape, name)))
                   for name in ("targetClass", "targetObjectsOf", "targetSubjectsOf", "targetNode")]
        if not any(targets):
            continue  # a shape referenced by sh:node, checked where it is used
        properties = []
        for prop in shapes.values(shape, "property"):
            path = shapes.value(prop, "path")
            if not isinstance(path, ox.NamedNode):
                raise KGError(f"{shapes_path}: only predicate paths are supported",
                              hint="use 'kg check --full-shacl' (pySHACL)")
            low, high = shapes.value(prop, "minCount"), shapes.value(prop, "maxCount")
            properties.append(_Property(
                str(path), _message(shapes, prop, f"values of {path.value} break the shape"),
                int(low.value) if low is not None else 0, int(high.value) if high is not None else None,
                _value_tests(shapes, prop, classes)))
        rules.append(_Rule(*targets, _value_tests(shapes, shape, classes),
                           _message(shapes, shape, "the node breaks its shape"), properties,
                           [_sparql(shapes, c, shapes_path) for c in shapes.values(shape, "sparql")],
                           # Made when the checks run: the subclasses are known only then.
                           lambda shape=shape: _target_pattern(shapes, shape, classes.subclasses)))
    return rules


def _component(name: str) -> str:
    return f"{SH}{name}ConstraintComponent"


_TYPE, _SUBCLASS = f"<{RDF.type}>", f"<{RDFS.subClassOf}>"


class Checker:
    """The shapes checked on the N-Triples text of a graph as it is written, in one pass.

    Feed it every line (`feed`), then `finish` with the loaded store, where the SHACL-SPARQL
    constraints run. While reading, it counts each path's values per node and tests the values
    whose test needs no types; it keeps only the values a class test needs, the types, and the
    values that make targets.
    """

    def __init__(self, shapes_path: Path):
        self.origin = Path(shapes_path)
        self.classes = _Classes()
        self.rules = compile_shapes(self.origin, self.classes)
        self.counts: dict[str, dict[str, int]] = {}
        self.kept: dict[str, dict[str, list[str]]] = {}  # path -> node -> values, for class tests
        self.failed: dict[int, list[tuple[str, str]]] = {}  # id(property) -> (node, component)
        self.objects: dict[str, set[str]] = {}
        self.subjects: dict[str, set[str]] = {}
        actions: dict[str, list[Callable[[str, str], None]]] = {}
        for rule in self.rules:
            for p in rule.objects_of:
                objects = self.objects.setdefault(p, set())
                actions.setdefault(p, []).append(lambda s, o, seen=objects: seen.add(o))
            for p in rule.subjects_of:
                subjects = self.subjects.setdefault(p, set())
                actions.setdefault(p, []).append(lambda s, o, seen=subjects: seen.add(s))
            for prop in rule.properties:
                actions.setdefault(prop.path, []).extend(self._actions(prop))
        self.actions = {p: list(dict.fromkeys(found)) for p, found in actions.items()}

    def _actions(self, prop: _Property) -> list[Callable[[str, str], None]]:
        out = []
        # Counts and kept values are per path, read once however many shapes use the path.
        if (prop.min_count or prop.max_count is not None) and prop.path not in self.counts:
            counts = self.counts[prop.path] = {}
            out.append(lambda s, o: counts.__setitem__(s, counts.get(s, 0) + 1))
        if any(t.classes for t in prop.tests) and prop.path not in self.kept:
            kept = self.kept[prop.path] = {}
            out.append(lambda s, o: kept.setdefault(s, []).append(o))
        now = [t for t in prop.tests if not t.classes]
        if now:
            failed = self.failed.setdefault(id(prop), [])

            def test(s: str, o: str) -> None:
                for t in now:
                    if not t.test(o):
                        failed.append((s, t.component))
            out.append(test)
        return out

    def feed(self, text: str) -> None:
        """Read N-Triples lines (one triple a line, as Oxigraph and kg write them)."""
        actions, types, parents = self.actions, self.classes.types, self.classes.parents
        for line in text.split("\n"):
            if not line:
                continue
            s, p, o = line.split(" ", 2)
            o = o[:-2]  # " ."
            if p == _TYPE:
                types.setdefault(s, []).append(o)
            elif p == _SUBCLASS:
                parents.setdefault(s, []).append(o)
            found = actions.get(p)
            if found is not None:
                for act in found:
                    act(s, o)

    def _targets(self, rule: _Rule) -> set[str]:
        found = set(rule.nodes)
        for cls in rule.classes:
            found |= self.classes.instances(cls)
        for p in rule.objects_of:
            found |= self.objects.get(p, set())
        for p in rule.subjects_of:
            found |= self.subjects.get(p, set())
        return found

    def _check(self, rule: _Rule) -> list[Violation]:
        targets = self._targets(rule)
        out = [Violation(_value(f), None, rule.node_message, _component(t.component))
               for t in rule.node_tests for f in targets if not t.test(f)]
        for prop in rule.properties:
            out += self._check_property(prop, targets)
        return out

    def _check_property(self, prop: _Property, targets: set[str]) -> list[Violation]:
        broken: list[tuple[str, str]] = []
        counts = self.counts.get(prop.path, {})
        if prop.min_count:
            broken += [(node, "MinCount") for node in targets if counts.get(node, 0) < prop.min_count]
        if prop.max_count is not None:
            broken += [(node, "MaxCount") for node, n in counts.items() if n > prop.max_count and node in targets]
        broken += [found for found in dict.fromkeys(self.failed.get(id(prop), ())) if found[0] in targets]
        kept = self.kept.get(prop.path, {})
        for t in (t for t in prop.tests if t.classes):
            broken += [(node, t.component) for node, values in kept.items()
                       if node in targets and not all(t.test(v) for v in values)]
        path = prop.path[1:-1]
        return [Violation(_value(node), path, prop.message, _component(component)) for node, component in broken]

    def finish(self, store: ox.Store) -> list[Violation]:
        """Every violation, with the SHACL-SPARQL constraints run on `store` (the same graph)."""
        def run(rule: _Rule, check: _Sparql) -> list[Violation]:
            query = f"SELECT DISTINCT ?focus WHERE {{ {rule.pattern()} {{ {check.select} }} }}"
            return [Violation(row["focus"].value, None, check.message, _component("SPARQL"))
                    for row in store.query(query)]

        # Oxigraph releases the GIL while it evaluates: the queries run beside the Python checks.
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending = [pool.submit(run, rule, c) for rule in self.rules for c in rule.sparql]
            found = [v for rule in self.rules for v in self._check(rule)]
            return found + [v for job in pending for v in job.result()]


def validate(store: ox.Store, shapes_path: Path) -> list[Violation]:
    """Every violation of the shapes in `store`'s default graph, with its constraint component."""
    checker = Checker(shapes_path)
    checker.feed(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8"))
    return checker.finish(store)
