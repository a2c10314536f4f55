"""The prefixes every query may use without declaring them: kg:, ent:, stmt:, src:, rdf:, ...

Plain strings, without rdflib, so that `kg query` starts fast; kg.namespace builds the
vocabulary objects on the same base.
"""

BASE = "https://w3id.org/conflict-kg/"

PREFIXES = {
    "kg": BASE + "ontology/", "ent": BASE + "id/", "stmt": BASE + "statement/", "src": BASE + "source/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "wd": "http://www.wikidata.org/entity/",
}
