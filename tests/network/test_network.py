"""The typed export to networkx: entities as nodes, statements as edges, and its filters."""


import networkx as nx
import pyoxigraph as ox
import pytest

import kg
from kg.network.convert import date_span, to_networkx

LETTER = ("In a 2024 letter, the Federal Agency threatened Springfield with the loss of funding.\n"
          "Springfield sued the Federal Agency. The city runs 12 shelters.\n")
LETTER_SOURCE = """
  - id: letter
    file: sources/letter.txt
    title: A letter and a lawsuit
    date: 2024-06
"""
LETTER_STATEMENTS = """source: letter
statements:
  - id: letter-001
    subject: FederalAgency
    relation: threatened
    object: Springfield
    manner: loss of funding
    quote: "the Federal Agency threatened Springfield with the loss of funding"
    date: 2024
  - id: letter-002
    subject: Springfield
    relation: sued
    object: FederalAgency
    quote: "Springfield sued the Federal Agency"
  - id: letter-003
    subject: Springfield
    relation: count
    value: 12
    unit: shelters
    quote: "The city runs 12 shelters"
"""


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> kg.KnowledgeGraph:
    """The mini project plus a second source: one edge told twice, a value, two years."""
    from conftest import copy_mini

    root = copy_mini(tmp_path_factory.mktemp("town") / "town")
    (root / "data/sources/letter.txt").write_text(LETTER, encoding="utf-8")
    with open(root / "data/sources.yaml", "a", encoding="utf-8") as f:
        f.write(LETTER_SOURCE)
    (root / "data/statements/letter.yaml").write_text(LETTER_STATEMENTS, encoding="utf-8")
    kg.build(str(root), store_dir=root / "build")
    return kg.load(root, root / "build")


def edges(G):
    return sorted((u, d["relation"], v, k) for u, v, k, d in G.edges(keys=True, data=True))


def test_nodes_are_entities_with_label_type_and_aliases(town):
    G = town.to_networkx()
    assert isinstance(G, nx.MultiDiGraph)
    assert set(G) == {"Springfield", "FederalAgency", "JaneRoe", "TenthAmendment", "OrderIsUnconstitutional"}
    roe = G.nodes["JaneRoe"]
    assert roe["label"] == "Jane Roe" and roe["type"] == "Person"
    assert set(roe["aliases"]) == {"Roe", "Mayor Jane Roe"}
    assert {"Person", "Actor", "Entity"} <= set(roe["classes"])


def test_edges_are_statements_with_their_provenance(town):
    G = town.to_networkx()
    data = G.edges["Springfield", "FederalAgency", "memo-001"]
    assert data["relation"] == "sued" and data["statement"] == "memo-001"
    assert data["polarity"] == "hostile" and data["sign"] == -1 and data["cameo"] == "115"
    assert data["date"] == "2025-02-07" and data["document"] == "memo"
    assert data["quote"] == "On Feb. 7, the city of Springfield sued the Federal Agency"
    assert data["families"] == ["legalAction", "opposes"]
    assert G.edges["Springfield", "OrderIsUnconstitutional", "memo-002"]["sign"] == 1
    assert G.edges["JaneRoe", "Springfield", "memo-004"]["title"] == "Mayor"


def test_quotes_on_edges_are_the_repaired_display_form(town):
    quote = town.to_networkx().edges["JaneRoe", "FederalAgency", "memo-005"]["quote"]
    assert quote == "Trump’s order was “unlawful,” Roe said."


def test_the_same_edge_from_two_sources_stays_two_edges(town):
    G = town.to_networkx()
    told = G.get_edge_data("Springfield", "FederalAgency")
    assert set(told) == {"memo-001", "letter-002"}
    assert {d["document"] for d in told.values()} == {"memo", "letter"}


def test_values_are_node_attributes_not_edges(town):
    G = town.to_networkx()
    assert all(isinstance(v, str) for v in G)  # no literal became a node
    assert G.number_of_edges() == 7
    [value] = G.nodes["Springfield"]["values"]
    assert value["relation"] == "count" and value["value"] == 12 and value["unit"] == "shelters"


def test_families_follow_the_relation_hierarchy(town):
    opposes = town.to_networkx(families={"opposes"})
    assert edges(opposes) == [
        ("FederalAgency", "threatened", "Springfield", "letter-001"),
        ("JaneRoe", "criticized", "FederalAgency", "memo-005"),
        ("Springfield", "sued", "FederalAgency", "letter-002"),
        ("Springfield", "sued", "FederalAgency", "memo-001")]
    assert set(opposes) == {"FederalAgency", "Springfield", "JaneRoe"}
    legal = town.to_networkx(families=["legalAction"])
    assert {rel for _, rel, _, _ in edges(legal)} == {"sued", "invokes"}
    assert {rel for _, rel, _, _ in edges(town.to_networkx(families="sued"))} == {"sued"}


def test_types_include_subclasses(town):
    actors = town.to_networkx(types={"Actor"})
    assert set(actors) == {"Springfield", "FederalAgency", "JaneRoe"}
    assert {rel for _, rel, _, _ in edges(actors)} == {"sued", "threatened", "holdsRole", "criticized"}
    jurisdictions = town.to_networkx(types={"Jurisdiction"})
    assert set(jurisdictions) == {"Springfield"} and jurisdictions.number_of_edges() == 0


def test_as_of_keeps_what_was_dated_by_then(town):
    # letter-002 has no event date: it is known to have happened by its source's date, 2024-06.
    assert [k for *_, k in edges(town.to_networkx(as_of="2024"))] == ["letter-001", "letter-002"]
    # letter-001 is dated 2024: by May 31 it had only possibly happened.
    assert [k for *_, k in edges(town.to_networkx(as_of="2024-05-31"))] == []
    assert [k for *_, k in edges(town.to_networkx(as_of="2024-05-31", possible=True))] == ["letter-001"]
    # In a window with a start, an undated act (memo-003, memo-005) has no place: it may be older.
    later = town.to_networkx(as_of=("2025", None))
    assert {k for *_, k in edges(later)} == {"memo-001", "memo-002", "memo-004"}


def test_confidence_explicit_drops_implied_edges(town):
    G = town.to_networkx(confidence="explicit")
    assert "memo-005" not in {k for *_, k in edges(G)} and G.number_of_edges() == 6


@pytest.mark.parametrize("filters, message", [
    ({"families": {"oposes"}}, "did you mean 'opposes'"),
    ({"types": {"Persn"}}, "did you mean 'Person'"),
    ({"as_of": "Feb 2025"}, "YYYY"),
    ({"confidence": "certain"}, "explicit"),
])
def test_bad_filters_say_what_to_write(town, filters, message):
    with pytest.raises(kg.KGError, match=message):
        town.to_networkx(**filters)


def test_date_span_covers_partial_dates():
    assert date_span("2017") == ("2017-01-01", "2017-12-31")
    assert date_span("2017-02") == ("2017-02-01", "2017-02-31")
    assert date_span("2017-02-07") == ("2017-02-07", "2017-02-07")


def test_seed_graph_has_one_edge_per_entity_to_entity_statement(seed_graph):
    G = to_networkx(seed_graph)
    # Not a case status (a value, not an entity), a deprecated statement (not a fact) nor an act
    # only threatened, planned or imagined (a mode).
    expected = seed_graph.query("""SELECT (COUNT(?st) AS ?n) WHERE {
        ?st a kg:Statement ; rdf:object ?o . FILTER(STRSTARTS(STR(?o), STR(ent:)))
        FILTER NOT EXISTS { ?st kg:rank kg:DeprecatedRank } FILTER NOT EXISTS { ?st kg:mode [] } }""").rows()[0]["n"]
    assert G.number_of_edges() == expected
    assert to_networkx(seed_graph, deprecated=True).number_of_edges() == expected + 3
    assert to_networkx(seed_graph, modes=True).number_of_edges() == expected + 3
    assert all(d["quote"] and d["document"] for _, _, d in G.edges(data=True))
    chiu = G.nodes["DavidChiu"]
    assert chiu["label"] == "David Chiu" and "Chiu" in chiu["aliases"]


def test_example_network_runs(seed_build):
    import os
    import subprocess
    import sys

    from conftest import REPO

    env = {**os.environ, "KG_STORE": str(seed_build), "KG_ROOT": str(REPO)}
    result = subprocess.run([sys.executable, str(REPO / "examples" / "network.py")], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Camp A" in result.stdout and "Camp B" in result.stdout
    path = result.stdout.split("How Thomas Homan connects to David Chiu:")[1].splitlines()[1:]
    assert path and all(line.strip().startswith("“") for line in path[1::2])


def test_the_same_graph_from_a_sparql_server(seed_build, seed_graph, tmp_path):
    """Everything goes through KnowledgeGraph.query, so a SPARQL server gives the same answers."""
    from conftest import REPO
    from kg.builder import store
    from kg.query import serve

    with serve.start(store.current_path(seed_build)) as server:
        remote = kg.load(REPO, seed_build, endpoint=server.query_url)
        local_G, remote_G = seed_graph.to_networkx(families={"opposes"}), remote.to_networkx(families={"opposes"})
        assert dict(remote_G.nodes(data=True)) == dict(local_G.nodes(data=True))
        assert sorted(remote_G.edges(keys=True, data=True), key=lambda e: e[2]) == \
            sorted(local_G.edges(keys=True, data=True), key=lambda e: e[2])
        assert remote.path("Homan", "Chiu") == seed_graph.path("Homan", "Chiu")
        [ttl] = remote.export("ttl", tmp_path / "remote.ttl")
    count = seed_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0]["n"]
    assert len(set(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE))) == count
