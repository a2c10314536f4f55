"""The fast shape checks (kg.builder.shacl) find exactly what pySHACL finds: on the seed graph,
and with a fault of every constraint of ontology/shapes.ttl injected, each into its own copy of
a real node, in the seed graph and in a generated one (benchmarks/generate.py)."""

from __future__ import annotations

import sys

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, SH, XSD

from conftest import REPO
from kg.builder import shacl, validate
from kg.namespace import ENT, KG, STMT

from .test_shacl import _store  # the seed of a fault test: data/ checked, assembled and loaded

SHAPES = REPO / "ontology" / "shapes.ttl"
A = ox.NamedNode(str(RDF.type))
SUBJECT, PREDICATE, OBJECT = (ox.NamedNode(str(RDF[n])) for n in ("subject", "predicate", "object"))
#: The SHACL parameter of each constraint component the shapes may use.
COMPONENTS = {"minCount": "MinCount", "maxCount": "MaxCount", "datatype": "Datatype", "class": "Class",
              "nodeKind": "NodeKind", "in": "In", "minLength": "MinLength", "minInclusive": "MinInclusive",
              "node": "Node", "or": "Or"}


def _n(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def constraints(shapes: rdflib.Graph):
    """(shape, property shape or None, component, parameter value) for every constraint."""
    targets = (SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf, SH.targetNode)
    for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape)):
        if not any(shapes.value(shape, t) for t in targets):
            continue  # used through sh:node only
        for name, component in COMPONENTS.items():
            for value in shapes.objects(shape, SH[name]):
                yield shape, None, component, value
        for constraint in shapes.objects(shape, SH.sparql):
            yield shape, None, "SPARQL", str(shapes.value(constraint, SH.message))
        for prop in shapes.objects(shape, SH.property):
            for name, component in COMPONENTS.items():
                for value in shapes.objects(prop, SH[name]):
                    yield shape, prop, component, value


class Faults:
    """Injects one fault per constraint, each into a fresh copy of a node that conforms."""

    def __init__(self, store: ox.Store, shapes: rdflib.Graph):
        self.store, self.shapes, self.count = store, shapes, 0
        states = {r["r"] for r in store.query(f"SELECT ?r WHERE {{ ?r a {_n(KG.StateRelation)} }}")}
        # An act reported by a dated source, with no span, mode or qualifier that a copy would drag along.
        self.act = next(r["st"] for r in store.query(f"""
            SELECT ?st WHERE {{ ?st a {_n(KG.Statement)} ; {PREDICATE} ?p ; {_n(KG.rank)} {_n(KG.NormalRank)} ;
                <http://www.w3.org/ns/prov#wasDerivedFrom> [ {_n(KG.published)} ?d ] .
              FILTER NOT EXISTS {{ ?st {_n(KG.startDate)}|{_n(KG.endDate)}|{_n(KG.mode)}|{_n(KG.judge)} ?x }}
            }} ORDER BY ?st""") if r["p"] not in states)
        self.state_relation = sorted(states, key=str)[0]
        self.entity = next(r["e"] for r in store.query(
            f"SELECT ?e WHERE {{ ?e a {_n(KG.Person)} }} ORDER BY ?e LIMIT 1"))
        self.source = next(r["s"] for r in store.query(
            f"SELECT ?s WHERE {{ ?s a {_n(KG.SourceDocument)} }} ORDER BY ?s LIMIT 1"))

    def fresh(self, namespace=STMT) -> ox.NamedNode:
        self.count += 1
        return _n(namespace[f"fault-{self.count}"])

    def copy(self, node) -> ox.NamedNode:
        new = self.fresh(STMT if node == self.act else ENT)
        for q in list(self.store.quads_for_pattern(node, None, None, ox.DefaultGraph())):
            self.store.add(ox.Quad(new, q.predicate, q.object))
        return new

    def set(self, node, path, *values) -> None:
        for q in list(self.store.quads_for_pattern(node, path, None, ox.DefaultGraph())):
            self.store.remove(q)
        for value in values:
            self.store.add(ox.Quad(node, path, value))

    def base(self, shape) -> ox.NamedNode:
        """A new node that is a target of `shape` and conforms to it."""
        cls = self.shapes.value(shape, SH.targetClass)
        if cls == KG.Entity:
            return self.copy(self.entity)
        if cls == KG.SourceDocument:
            return self.copy(self.source)
        node = self.copy(self.act)
        if self.shapes.value(shape, SH.targetSubjectsOf) is not None:  # the span of a state
            self.set(node, PREDICATE, self.state_relation)
            self.set(node, _n(KG.startDate), _date("2020"))
        return node

    def valid_values(self, prop) -> list[ox.Term]:
        """Values that break no constraint of `prop` but its sh:maxCount."""
        shapes, path = self.shapes, _n(self.shapes.value(prop, SH.path))
        if shapes.value(prop, SH["in"]) is not None:
            return [_n(m) for m in rdflib.collection.Collection(shapes, shapes.value(prop, SH["in"]))]
        if shapes.value(prop, SH.node) is not None:
            return [_date("2020"), _date("2021-03")]
        if shapes.value(prop, SH["class"]) is not None or path in (SUBJECT, OBJECT):
            cls = shapes.value(prop, SH["class"]) or KG.Entity
            return [r["x"] for r in self.store.query(f"""SELECT DISTINCT ?x WHERE {{
                ?x a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {_n(cls)} }} ORDER BY ?x LIMIT 2""")]
        kind = shapes.value(prop, SH.datatype)
        if kind == XSD.integer:
            return [ox.Literal(n, datatype=_n(XSD.integer)) for n in ("1", "2")]
        return [ox.Literal("one"), ox.Literal("two")]

    def inject(self, shape, prop, component, value) -> tuple[str, str | None, str]:
        """Break the constraint on a new node; the violation pySHACL should report."""
        if component == "SPARQL":
            return self.sparql_fault(value)
        node = self.base(shape)
        if prop is None:  # a node shape on the values of rdf:subject or rdf:object
            wrong = self.fresh(ENT)
            self.set(node, _n(self.shapes.value(shape, SH.targetObjectsOf)), wrong)
            return wrong.value, None, str(SH[f"{component}ConstraintComponent"])
        path = _n(self.shapes.value(prop, SH.path))
        if component == "MinCount":
            self.set(node, path)
        elif component == "MaxCount":
            self.set(node, path, *self.valid_values(prop)[: int(value) + 1])
        else:
            self.set(node, path, self.wrong_value(component, value))
        return node.value, path.value, str(SH[f"{component}ConstraintComponent"])

    @staticmethod
    def wrong_value(component, value) -> ox.Term:
        if component == "Datatype":
            # A string where a number is due, a number where a string is.
            return ox.Literal("7", datatype=_n(XSD.integer)) if value == XSD.string else ox.Literal("seven")
        return {"Class": _n(ENT["fault-untyped"]), "NodeKind": ox.Literal("not an IRI"),
                "In": ox.NamedNode(str(KG) + "NotAMember"), "MinLength": ox.Literal(""),
                "MinInclusive": ox.Literal("-1", datatype=_n(XSD.integer)),
                "Node": ox.Literal("Feb 2025")}[component]

    def sparql_fault(self, message: str) -> tuple[str, None, str]:
        node = self.copy(self.act)
        if "deprecated" in message:
            self.set(node, _n(KG.rank), _n(KG.DeprecatedRank))
        elif "end date is before the start date" in message:
            self.set(node, PREDICATE, self.state_relation)
            self.set(node, _n(KG.startDate), _date("2025-02"))
            self.set(node, _n(KG.endDate), _date("2024"))
        elif "after its source was published" in message:
            self.set(node, _n(KG.eventDate), _date("2999"))
        else:
            pytest.fail(f"no fault written for the SPARQL constraint {message!r}: add one here")
        return node.value, None, str(SH.SPARQLConstraintComponent)


def _date(value):
    return ox.Literal(value, datatype=_n(XSD[{4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]]))


def _found(violations):
    return {(v.focus, v.path, v.component, v.message) for v in violations}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    root = tmp_path_factory.mktemp("generated") / "project"
    generate(2500, root)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("graph", ["seeds", "generated"])
def test_a_fault_of_every_constraint_found_as_pyshacl_finds_it(graph, seeds_project, generated):
    store = _store(seeds_project if graph == "seeds" else generated)
    assert shacl.validate(store, SHAPES) == []  # the graph as built conforms (pySHACL: below)
    shapes = rdflib.Graph().parse(SHAPES)
    faults = Faults(store, shapes)
    expected = {}
    for shape, prop, component, value in constraints(shapes):
        expected[(shape, prop, component, str(value))] = faults.inject(shape, prop, component, value)
    # The ill-typed literal: the datatype's name is right, its text is no integer.
    offset = faults.copy(faults.act)
    faults.set(offset, _n(KG.startOffset), ox.Literal("abc", datatype=_n(XSD.integer)))
    expected["ill-typed"] = (offset.value, str(KG.startOffset), str(SH.DatatypeConstraintComponent))

    fast, full = _found(shacl.validate(store, SHAPES)), _found(validate._pyshacl_violations(store, SHAPES))
    assert len(expected) >= 60  # every constraint of the shapes file (62 today), one fault each
    fast_keys, full_keys = {f[:3] for f in fast}, {f[:3] for f in full}
    for constraint, want in expected.items():
        assert want in full_keys, f"the fault for {constraint} is not one pySHACL reports: {want}"
        assert want in fast_keys, f"the fast checks miss {constraint}: {want}"
    # The seed's or generated nodes add nothing either: the whole graph is compared.
    assert fast == full
