import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from conftest import REPO
from kg import ontology
from kg.namespace import KG

ONTOLOGY = REPO / "ontology" / "kg.ttl"


def _graph():
    return rdflib.Graph().parse(ONTOLOGY)


def test_ontology_parses_and_declares_itself():
    g = _graph()
    assert (rdflib.URIRef(str(KG._NS)), RDF.type, OWL.Ontology) in g


def test_namespace_module_matches_ontology_both_ways():
    g = _graph()
    ns = str(KG._NS)
    in_ttl = {str(t)[len(ns):] for t in g.all_nodes()
              if isinstance(t, rdflib.URIRef) and str(t).startswith(ns) and str(t) != ns}
    in_py = set(KG.__annotations__)
    assert in_ttl - in_py == set(), "terms in kg.ttl missing from kg/namespace.py"
    assert in_py - in_ttl == set(), "terms in kg/namespace.py missing from kg.ttl"
    assert set(KG.__annotations__.values()) == {rdflib.URIRef}


def test_local_names_are_the_same_terms_and_a_typo_fails():
    from kg.namespace import K

    assert K.sued == "sued" and K.LegalClaim == "LegalClaim" and str(KG.sued).endswith("/" + K.sued)
    with pytest.raises(AttributeError, match="not a term of ontology/kg.ttl"):
        getattr(K, "sues")  # noqa: B009 -- the attribute access is the point


def test_every_relation_has_label_comment_domain_range_polarity():
    g = _graph()
    relations = set(g.subjects(RDF.type, KG.Relation))
    assert len(relations) >= 40
    for rel in relations:
        for prop in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range, KG.polarity):
            assert g.value(rel, prop) is not None, f"{rel} has no {prop}"
        assert g.value(rel, KG.polarity) in (KG.Hostile, KG.Cooperative, KG.Neutral)


def test_required_relations_and_classes_exist():
    onto = ontology.load(REPO / "ontology")
    for name in ("sued", "threatened", "cited", "signed", "issued", "targeted", "opposed",
                 "supported", "criticized", "testifiedBefore", "investigated", "holdsRole",
                 "memberOf", "locatedIn", "partyTo", "plaintiffIn", "defendantIn", "ruledOn",
                 "ruledFor", "ruledAgainst", "withheldFunding", "cooperatedWith",
                 "refusedToCooperate", "enacted", "prohibited", "stated"):
        assert name in onto.relations, name
    for name in ("Person", "GovernmentAgency", "Court", "LegislativeBody", "AdvocacyOrganization",
                 "ResearchOrganization", "MediaOrganization", "City", "County", "State", "Country",
                 "ExecutiveOrder", "Ordinance", "Memorandum", "Statute", "Program",
                 "ConstitutionalProvision", "StatutoryProvision", "LegalDoctrine", "Lawsuit",
                 "LegalClaim", "Event"):
        assert name in onto.entity_classes, name
    assert onto.is_a("City", "Actor") and onto.is_a("Court", "Organization")
    assert not onto.is_a("Lawsuit", "Actor")


def test_cameo_codes_and_families():
    onto = ontology.load(REPO / "ontology")
    expected = {"sued": "115", "threatened": "130", "criticized": "111", "supported": "051",
                "investigated": "090", "demanded": "100"}
    assert {k: onto.relations[k].cameo for k in expected} == expected
    assert {"legalAction", "opposes"} <= onto.families("sued")
    assert "affiliation" in onto.families("holdsRole")
    assert onto.relations["sued"].polarity == "hostile"
    assert onto.relations["cooperatedWith"].polarity == "cooperative"


def test_inverses_are_declared_both_ways():
    g = _graph()
    for a, b in g.subject_objects(OWL.inverseOf):
        assert (b, OWL.inverseOf, a) in g, f"{a} inverseOf {b} is one-sided"


def test_shapes_parse():
    shapes = rdflib.Graph().parse(REPO / "ontology" / "shapes.ttl")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(set(shapes.subjects(RDF.type, SH.NodeShape))) >= 5


def test_the_namespace_module_s_comments_are_the_ontology_s_whole_or_marked_as_cut():
    import re

    g = _graph()
    lines = (REPO / "kg" / "namespace.py").read_text(encoding="utf-8").splitlines()
    above: list[str] = []
    checked = 0
    for line in lines:
        if m := re.match(r"\s+#: (.*)$", line):
            above.append(m.group(1))
            continue
        if m := re.match(r"\s+(\w+): URIRef(?:  # (.*))?$", line):
            name, text = m.group(1), m.group(2) or " ".join(above)
            comment = " ".join(str(g.value(rdflib.URIRef(str(KG._NS) + name), RDFS.comment) or "").split())
            if text.endswith("..."):
                assert comment.startswith(text[:-3]), name
            elif text:
                assert text == comment, f"{name}: {text!r} is not its rdfs:comment {comment!r}"
            checked += 1
        above = []
    assert checked == len(KG.__annotations__)
