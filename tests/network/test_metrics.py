"""Network metrics: small hand-made graphs with known answers, then sanity on the seed graph."""

import json

import networkx as nx
import pytest

from conftest import invoke_kg
from kg.network import metrics


def typed(*edges, **classes):
    """A MultiDiGraph of (u, relation, v[, sign]) edges; `classes` gives nodes their classes."""
    G = nx.MultiDiGraph()
    for node, cls in classes.items():
        G.add_node(node, classes=cls.split(), label=node.upper())
    for n, (u, rel, v, *sign) in enumerate(edges):
        G.add_edge(u, v, key=f"s{n}", relation=rel, statement=f"s{n}", sign=sign[0] if sign else 0,
                   families=["opposes"] if sign and sign[0] < 0 else [])
    return G


def test_degrees_count_statements_overall_and_per_family():
    G = typed(("a", "sued", "b", -1), ("a", "sued", "b", -1), ("b", "memberOf", "c"))
    assert metrics.degrees(G) == {"a": (0, 2), "b": (2, 1), "c": (1, 0)}
    assert metrics.degrees(G, "opposes") == {"a": (0, 2), "b": (2, 0), "c": (0, 0)}
    assert metrics.degrees(G, "memberOf")["c"] == (1, 0)
    assert metrics.families(G) == ["opposes"]


def test_pagerank_of_a_cycle_is_uniform_and_of_a_star_peaks_at_the_centre():
    cycle = metrics.pagerank(nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a")]))
    assert cycle == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})
    star = metrics.pagerank(nx.MultiDiGraph([(leaf, "hub") for leaf in "wxyz"]))
    assert max(star, key=star.get) == "hub"
    assert sum(star.values()) == pytest.approx(1)


def test_betweenness_ignores_direction():
    scores = metrics.betweenness(nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")]))
    # Path a-b-c-d: b and c each lie on 2 of the 3 pairs' shortest paths that pass a middle node.
    assert scores == pytest.approx({"a": 0, "b": 2 / 3, "c": 2 / 3, "d": 0})


def test_exact_betweenness_of_a_large_graph_is_networkx_s():
    """Past 300 nodes the batched search is used, exact; it must give networkx's figures, on a
    graph with several components, hubs and a parallel edge."""
    G = nx.MultiDiGraph(nx.barabasi_albert_graph(400, 2, seed=3))
    G.add_edges_from([(1000, 1001), (1001, 1002), (1000, 1001)])
    scores = metrics.betweenness(G)
    expected = nx.betweenness_centrality(nx.Graph(G))
    assert scores == pytest.approx(expected, abs=1e-12)
    assert max(scores.values()) > 0.1


def test_hits_separates_who_acts_from_who_is_acted_upon():
    hubs, authorities = metrics.hits(nx.MultiDiGraph([("a", "c"), ("a", "d"), ("b", "c")]))
    assert max(hubs, key=hubs.get) == "a" and max(authorities, key=authorities.get) == "c"
    assert hubs["c"] == 0 and authorities["a"] == 0


def test_communities_split_two_triangles_joined_by_one_edge():
    G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    assert sorted(map(sorted, metrics.communities(G))) == [["a", "b", "c"], ["x", "y", "z"]]


def test_core_numbers_and_articulation_points():
    G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("d", "f")])
    assert metrics.core_numbers(G) == {"a": 2, "b": 2, "c": 2, "d": 1, "e": 1, "f": 1}
    # Removing d leaves three pieces where there was one; removing c leaves two.
    assert metrics.articulation_points(G) == {"d": 2, "c": 1}


BALANCED = [("a", "supported", "b", 1), ("b", "cooperatedWith", "c", 1), ("a", "supported", "c", 1),
            ("d", "supported", "e", 1), ("a", "sued", "d", -1), ("e", "threatened", "b", -1),
            ("c", "opposed", "e", -1)]


@pytest.mark.parametrize("exact_limit", [16, 0])  # the exact search, then the heuristic
def test_camps_of_a_balanced_signed_graph(exact_limit):
    G = typed(*BALANCED, ("a", "stated", "x"))  # a neutral edge does not count
    [found] = metrics.camps(G, exact_limit=exact_limit)
    assert found.sides == ({"a", "b", "c"}, {"d", "e"})
    assert found.frustrated == [] and found.signed_edges == 7
    assert found.exact == bool(exact_limit)


@pytest.mark.parametrize("exact_limit", [16, 0])
def test_camps_name_the_one_edge_that_breaks_the_balance(exact_limit):
    G = typed(*BALANCED, ("b", "criticized", "c", -1))
    [found] = metrics.camps(G, exact_limit=exact_limit)
    assert found.sides == ({"a", "b", "c"}, {"d", "e"})
    assert [(u, d["relation"], v) for u, v, _, d in found.frustrated] == [("b", "criticized", "c")]


def test_the_heuristic_finds_a_planted_split_too_large_to_enumerate():
    left, right = [f"l{i}" for i in range(15)], [f"r{i}" for i in range(15)]
    edges = [(u, "supported", v, 1) for side in (left, right) for u, v in zip(side, side[1:] + side[:1])]
    edges += [(u, "opposed", v, -1) for u, v in zip(left, right)]
    edges += [("l0", "opposed", "l7", -1)]  # the one frustrated edge
    [found] = metrics.camps(typed(*edges))
    assert not found.exact
    assert found.sides == (set(left), set(right)) or found.sides == (set(right), set(left))
    assert [(u, v) for u, v, _, _ in found.frustrated] == [("l0", "l7")]


def test_each_signed_component_gets_its_own_camps():
    G = typed(*BALANCED, ("p", "sued", "q", -1))
    found = metrics.camps(G)
    assert [len(c.sides[0]) + len(c.sides[1]) for c in found] == [5, 2]
    assert found[1].sides in (({"p"}, {"q"}), ({"q"}, {"p"}))


def test_shared_provisions_through_claims_citations_and_lawsuits():
    G = typed(("sf", "asserts", "claim"), ("claim", "invokes", "tenth"), ("la", "cited", "tenth"),
              ("claim", "assertedIn", "case"), ("oak", "plaintiffIn", "case"), ("la", "cited", "eo"),
              sf="Actor", la="Actor", oak="Actor", tenth="LegalProvision", claim="LegalClaim", eo="Policy")
    P = metrics.shared_provisions(G)
    assert sorted(map(sorted, P.edges())) == [["la", "oak"], ["la", "sf"], ["oak", "sf"]]
    assert P["la"]["sf"] == {"weight": 1, "provisions": ["tenth"]}


def test_co_plaintiffs_from_both_directions():
    G = typed(("sf", "plaintiffIn", "case"), ("case", "hasPlaintiff", "la"), ("la", "plaintiffIn", "case2"),
              ("oak", "plaintiffIn", "case2"), ("doj", "defendantIn", "case"))
    P = metrics.co_plaintiffs(G)
    assert sorted(map(sorted, P.edges())) == [["la", "oak"], ["la", "sf"]]
    assert P["la"]["sf"]["lawsuits"] == ["case"]


def test_by_year_ranks_each_years_edges():
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", date="2017-02")
    G.add_edge("c", "b", date="2025")
    G.add_edge("c", "d", date="2025-01-01")
    G.add_edge("g", "h", kind="state", start_date="2016", published="2018")  # a role: from its start
    G.add_edge("e", "f", published="2025")  # only attested: the source's year is not the event's
    assert metrics.by_year(G, top=1) == {2016: [("g", 1)], 2017: [("a", 1)], 2025: [("c", 2)]}
    assert metrics.by_year(G, top=1, keep=lambda n: n != "c")[2025] == [("b", 1)]


def test_report_tables_on_a_small_graph():
    G = typed(*BALANCED, ("b", "criticized", "c", -1), a="Actor", b="Actor", c="Actor", d="Actor", e="Actor")
    tables = {t.name: t for t in metrics.report(G, top=3)}
    assert list(tables) == ["summary", "centrality", "families", "communities", "articulation", "camps",
                            "frustrated", "provisions", "plaintiffs", "years"]
    assert all(len(row) == len(t.columns) for t in tables.values() for row in t.rows)
    assert len(tables["centrality"].rows) == 3
    assert tables["frustrated"].rows == [["b", "criticized", "c", "s7", None]]


# --- the seed graph ---------------------------------------------------------------------

FEDERAL = {"DonaldTrump", "TrumpAdministration", "DOJ"}


def test_seed_federal_side_and_san_francisco_are_central(seed_graph):
    G = seed_graph.to_networkx()
    by_degree = [n for n, _ in metrics.ranked({n: d for n, d in G.degree()}, 10)]
    by_betweenness = [n for n, _ in metrics.ranked(metrics.betweenness(G), 10)]
    for top in (by_degree, by_betweenness):
        assert "DonaldTrump" in top and "SanFrancisco" in top
        assert len(FEDERAL & set(top)) >= 2
    hubs, _ = metrics.hits(G)
    assert "DonaldTrump" in [n for n, _ in metrics.ranked(hubs, 5)]


def test_seed_camps_are_the_federal_side_and_the_sanctuary_side(seed_graph):
    main = metrics.camps(seed_graph.to_networkx())[0]
    federal = {main.side_of(n) for n in ("DonaldTrump", "DOJ", "ICE", "TrumpAdministration", "ThomasHoman")}
    sanctuary = {main.side_of(n) for n in ("SanFrancisco", "DavidChiu", "JillHabig")}
    assert len(federal) == 1 and len(sanctuary) == 1 and federal != sanctuary and None not in federal
    # A balanced conflict: few statements cut across the camps the wrong way.
    assert len(main.frustrated) <= main.signed_edges // 10


def test_metrics_cli_json(seed_build):
    result = invoke_kg("--store", str(seed_build), "metrics", "--top", "3", "--format", "json")
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)
    assert len(report["centrality"]) == 3 and {"pagerank", "betweenness", "hub"} <= set(report["centrality"][0])
    assert report["camps"][0]["component"] == 1


def test_metrics_cli_csv_and_a_bad_family(seed_build):
    result = invoke_kg("--store", str(seed_build), "metrics", "--family", "opposes", "--top", "2")
    assert result.returncode == 0, result.stderr
    assert "# Most central entities (by degree)" in result.stdout
    bad = invoke_kg("--store", str(seed_build), "metrics", "--family", "oposes")
    assert bad.returncode == 1 and "did you mean 'opposes'" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_offers_every_sort_key():
    from kg.cli import cli

    [option] = [p for p in cli.commands["metrics"].params if p.name == "by"]
    assert tuple(option.type.choices) == metrics.SORT_KEYS
