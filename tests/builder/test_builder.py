"""`kg build` on the real seed data: conformance, provenance, counts, atomic output."""

import rdflib

import kg
from conftest import REPO, SEED_SOURCES, run_kg
from kg.builder import pipeline as builder
from kg.builder import store


def test_the_curated_data_is_valid_and_covers_every_article():
    """data/ as it stands (the five seed articles and any a user has added since)."""
    checked = builder.check(str(REPO))
    assert SEED_SOURCES <= set(checked.data.sources)
    sources = {st.source for st in checked.data.statements.values()}
    assert sources == set(checked.data.sources)


def test_every_quote_is_found_in_its_source_in_the_store(seed_graph):
    rows = seed_graph.query("""
        SELECT ?st ?quote ?start ?end ?text WHERE {
          ?st a kg:Statement ; kg:quote ?quote ; kg:startOffset ?start ; kg:endOffset ?end ;
              prov:wasDerivedFrom/kg:fullText ?text }""").rows()
    assert len(rows) >= 200
    for row in rows:
        assert row["text"][row["start"]:row["end"]] == row["quote"], row["st"]


def test_every_statement_has_a_direct_edge_unless_deprecated(seed_graph):
    # As Wikidata's truthy triples: a deprecated statement keeps its record, not its edge, and so
    # does an act only threatened, planned or imagined (a mode); the edge is there only when
    # another statement, neither, says the same.
    edges = seed_graph.query("""
        SELECT ?st (EXISTS { ?s ?p ?o } AS ?edge)
               (EXISTS { ?st kg:rank kg:DeprecatedRank } AS ?deprecated) (EXISTS { ?st kg:mode [] } AS ?moded)
               (EXISTS { ?other rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . FILTER(?other != ?st)
                         FILTER NOT EXISTS { ?other kg:rank kg:DeprecatedRank } FILTER NOT EXISTS { ?other kg:mode [] } }
                AS ?said)
        WHERE { ?st a kg:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }""").rows()
    assert all(r["edge"] == (r["said"] or not (r["deprecated"] or r["moded"])) for r in edges)
    # Harris's and Feinstein's 'state senator' titles and Kim Davis's jail date: the sources' errors.
    assert sum(r["deprecated"] for r in edges) == 3
    assert sum(r["moded"] for r in edges) == 3  # 'may push back', 'in favor of suing', 'toying with the idea'


def test_every_entity_is_typed_and_labelled(seed_graph):
    unlabelled = seed_graph.query("""
        SELECT DISTINCT ?e WHERE { { ?st rdf:subject ?e } UNION { ?st rdf:object ?e FILTER(isIRI(?e))
                                   FILTER NOT EXISTS { ?e a kg:CaseStatus } }
          FILTER NOT EXISTS { ?e a ?c . ?c rdfs:subClassOf* kg:Entity . ?e rdfs:label ?l } }""").rows()
    assert unlabelled == []


def test_damaged_quotes_have_a_clean_display_form(seed_graph):
    rows = seed_graph.query("""
        SELECT ?quote ?display WHERE { ?st prov:wasDerivedFrom src:targeting2025 ;
                                       kg:quote ?quote ; kg:displayQuote ?display }""").rows()
    damaged = [r for r in rows if "â" in r["quote"]]
    assert damaged, "targeting2025 should have quotes with damaged characters"
    assert all("â" not in r["display"] for r in damaged)


def test_dates_are_typed(seed_graph):
    datatypes = {r["dt"] for r in seed_graph.query(
        "SELECT DISTINCT (DATATYPE(?d) AS ?dt) WHERE { ?st kg:eventDate ?d }")}
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert datatypes <= {xsd + "date", xsd + "gYearMonth", xsd + "gYear"}
    assert xsd + "date" in datatypes


def test_dump_holds_the_same_triples_as_the_store(seed_build, seed_graph):
    dumped = rdflib.Graph().parse(seed_build / store.DUMP, format="nt")
    count = seed_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0]["n"]
    assert len(dumped) == count


def test_load_does_not_reparse_data(seed_build, monkeypatch):
    from kg.builder import curated

    def refuse(*args, **kwargs):
        raise AssertionError("kg.load() must not read data/")

    monkeypatch.setattr(curated, "read", refuse)
    g = kg.load(REPO, seed_build)
    assert len(g.query("SELECT ?s WHERE { ?s a kg:Statement }")) >= 200


def test_rdflib_view_over_the_same_store(seed_graph):
    from kg.namespace import ENT

    g = seed_graph.rdflib()
    assert str(g.value(ENT.DavidChiu, rdflib.RDFS.label)) == "David Chiu"
    assert len(g) == len(seed_graph.query("SELECT * WHERE { ?s ?p ?o }"))


def test_a_second_build_replaces_the_store_and_keeps_one_previous(mini, tmp_path):
    store_dir = tmp_path / "store"
    first = kg.build(str(mini), store_dir=store_dir).store_path
    second = kg.build(str(mini), store_dir=store_dir).store_path
    third = kg.build(str(mini), store_dir=store_dir).store_path
    assert store.current_path(store_dir) == third
    assert second.exists() and not first.exists()


def test_build_cli_prints_counts_and_paths(mini, tmp_path):
    result = run_kg("--root", str(mini), "--store", str(tmp_path / "s"), "build")
    assert result.returncode == 0, result.stderr
    assert "5 entities, 5 statements" in result.stdout
    assert "store:" in result.stdout and "dump:" in result.stdout
