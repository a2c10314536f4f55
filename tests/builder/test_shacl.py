"""The fast shape checks (kg.builder.shacl) find exactly what pySHACL finds, on a valid and on broken graphs."""

import pyoxigraph as ox
import pytest

from conftest import REPO
from kg import ontology
from kg.builder import assemble, curated, shacl, validate
from kg.namespace import ENT, KG, SRC, STMT

SHAPES = REPO / "ontology" / "shapes.ttl"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD = "http://www.w3.org/2001/XMLSchema#"


def _store(root):
    onto = ontology.load(root / "ontology")
    data = curated.read(root / "data", root)
    assert validate.check(data, onto) == []
    store = ox.Store()
    store.extend(onto.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    store.load(input="".join(assemble.ntriples(data)).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _n(iri):
    return ox.NamedNode(str(iri))


def _rdf(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"http://www.w3.org/1999/02/22-rdf-syntax-ns#{name}")


BREAKAGES = {
    "entity without label": lambda s: s.remove(ox.Quad(_n(ENT.JaneRoe), LABEL, ox.Literal("Jane Roe"))),
    "entity with two labels": lambda s: s.add(ox.Quad(_n(ENT.JaneRoe), LABEL, ox.Literal("J. Roe"))),
    "untyped statement object": lambda s: s.add(ox.Quad(_n(STMT["memo-001"]), _rdf("object"), _n(ENT.Nobody))),
    "second quote": lambda s: s.add(ox.Quad(_n(STMT["memo-001"]), _n(KG.quote), ox.Literal("again"))),
    "empty quote": lambda s: [s.remove(q) for q in list(s.quads_for_pattern(_n(STMT["memo-002"]), _n(KG.quote), None))]
                             and s.add(ox.Quad(_n(STMT["memo-002"]), _n(KG.quote), ox.Literal(""))),
    "date as plain string": lambda s: s.add(ox.Quad(_n(STMT["memo-003"]), _n(KG.eventDate), ox.Literal("Feb 2025"))),
    "bad confidence": lambda s: s.add(ox.Quad(_n(STMT["memo-003"]), _n(KG.confidence), _n(KG.Hostile))),
    "negative offset": lambda s: [s.remove(q) for q in
                                  list(s.quads_for_pattern(_n(STMT["memo-004"]), _n(KG.startOffset), None))]
                                 and s.add(ox.Quad(_n(STMT["memo-004"]), _n(KG.startOffset),
                                                   ox.Literal("-3", datatype=_n(XSD + "integer")))),
    "offset not a number": lambda s: s.add(ox.Quad(_n(STMT["memo-004"]), _n(KG.endOffset), ox.Literal("abc"))),
    "source without text": lambda s: [s.remove(q) for q in
                                      list(s.quads_for_pattern(_n(SRC.memo), _n(KG.fullText), None))],
    "predicate not a relation": lambda s: s.add(ox.Quad(_n(STMT["memo-005"]), _rdf("predicate"), LABEL)),
    # Valid time and ranks (SHACL Core, and SHACL-SPARQL for what compares two values).
    "span on an act": lambda s: s.add(ox.Quad(_n(STMT["memo-001"]), _n(KG.startDate), _date("2025"))),
    "end before start": lambda s: [s.add(ox.Quad(_n(STMT["memo-004"]), _n(KG.startDate), _date("2025-02"))),
                                   s.add(ox.Quad(_n(STMT["memo-004"]), _n(KG.endDate), _date("2024")))],
    "act after its source": lambda s: s.add(ox.Quad(_n(STMT["memo-003"]), _n(KG.eventDate), _date("2025-03-01"))),
    "deprecated without reason": lambda s: [s.remove(ox.Quad(_n(STMT["memo-002"]), _n(KG.rank), _n(KG.NormalRank))),
                                            s.add(ox.Quad(_n(STMT["memo-002"]), _n(KG.rank), _n(KG.DeprecatedRank)))],
    "two ranks": lambda s: s.add(ox.Quad(_n(STMT["memo-002"]), _n(KG.rank), _n(KG.PreferredRank))),
    "judge not a person": lambda s: s.add(ox.Quad(_n(STMT["memo-001"]), _n(KG.judge), _n(ENT.Springfield))),
}


def _date(value):
    return ox.Literal(value, datatype=_n(XSD + {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]))


def _both(store):
    fast = {(v.focus, v.path) for v in shacl.validate(store, SHAPES)}
    full = {(v.focus, v.path) for v in validate._pyshacl_violations(store, SHAPES)}
    return fast, full


def test_valid_graph_conforms_under_both(mini):
    fast, full = _both(_store(mini))
    assert fast == full == set()


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_broken_graph_same_violations_as_pyshacl(mini, name):
    store = _store(mini)
    BREAKAGES[name](store)
    fast, full = _both(store)
    assert fast, f"{name}: the fast shape checks found nothing"
    assert fast == full


def test_unsupported_shape_is_refused(tmp_path):
    from kg.errors import KGError

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES.read_text() + """
kgsh:Extra a sh:NodeShape ; sh:targetClass kg:Person ;
    sh:property [ sh:path rdfs:label ; sh:pattern "^[A-Z]" ] .
""")
    with pytest.raises(KGError, match="pattern"):
        shacl.compile_shapes(shapes)


def test_sparql_constraint_targets_instances_of_subclasses(mini, tmp_path):
    # The class hierarchy is read with the data: a SHACL-SPARQL constraint on kg:Entity reaches
    # a kg:Person, as pySHACL's does.
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES.read_text() + """
kgsh:NoJane a sh:NodeShape ; sh:targetClass kg:Entity ;
    sh:sparql [ sh:message "no Jane" ; sh:select \"\"\"SELECT $this WHERE {
        $this <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(STRSTARTS(?label, "Jane")) }\"\"\" ] .
""")
    store = _store(mini)
    fast = {(v.focus, v.message) for v in shacl.validate(store, shapes)}
    assert fast == {(v.focus, v.message) for v in validate._pyshacl_violations(store, shapes)}
    assert (str(ENT.JaneRoe), "no Jane") in fast
