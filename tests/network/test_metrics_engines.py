"""igraph runs the heavy measures; networkx is the reference. Both give the same figures, within
the tolerances stated here, on the seed graph and on the 10k-triple benchmark graph.

Tolerances: betweenness (exact and sampled), HITS, coreness, cut points and components are
exact computations on both sides (1e-9, float rounding only). PageRank: igraph solves the system
(PRPACK) where networkx iterates until the sum of changes is under n·1e-6, which can leave 1e-4
per score; so igraph's scores are compared with networkx's iterated to 1e-12 (within 1e-8), and
with networkx's default answer within 1e-3. Louvain is a randomised heuristic in both libraries: igraph's
partition must be as good (modularity within 0.01 of networkx's), not the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.network import metrics
from kg.network.metrics.simple import collapse

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench_graph(tmp_path_factory) -> nx.MultiDiGraph:
    """The benchmark generator's 10k-triple project, built and exported."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    root = tmp_path_factory.mktemp("bench10k") / "project"
    generate(10_000, root)
    store_dir = root.parent / "store"
    kg.build(str(root), store_dir=store_dir)
    return kg.load(root, store_dir).to_networkx()


@pytest.fixture(params=["seed", "bench10k"])
def graph(request, seed_graph, bench_graph) -> nx.MultiDiGraph:
    return seed_graph.to_networkx() if request.param == "seed" else bench_graph


def close(ours: dict, reference: dict, tolerance: float) -> None:
    assert ours.keys() == reference.keys()
    worst = max((abs(ours[n] - reference[n]), n) for n in reference)
    assert worst[0] <= tolerance, f"{worst[1]}: {ours[worst[1]]} against networkx's {reference[worst[1]]}"


def test_pagerank(graph):
    ours, reference = metrics.pagerank(graph, backend="igraph"), metrics.pagerank(graph, backend="networkx")
    close(ours, nx.pagerank(graph, tol=1e-12, max_iter=10_000), 1e-8)
    close(ours, reference, 1e-3)
    assert reference == nx.pagerank(graph)  # the reference is networkx's own, unchanged


@pytest.mark.parametrize("k", [None, 40])
def test_betweenness_exact_and_sampled(graph, k):
    ours = metrics.betweenness(graph, k=k, backend="igraph")
    close(ours, metrics.betweenness(graph, k=k, backend="networkx"), 1e-9)
    if k is None:
        close(ours, nx.betweenness_centrality(nx.Graph(collapse(graph))), 1e-9)


def test_hits(graph):
    for ours, reference in zip(metrics.hits(graph, backend="igraph"), metrics.hits(graph, backend="networkx")):
        close(ours, reference, 1e-6)


def test_cores_cut_points_and_components(graph):
    assert metrics.core_numbers(graph, backend="igraph") == metrics.core_numbers(graph, backend="networkx")
    assert (metrics.articulation_points(graph, backend="igraph")
            == metrics.articulation_points(graph, backend="networkx"))
    assert metrics.components(graph, backend="igraph") == nx.number_connected_components(collapse(graph))


def test_communities_are_as_good_as_networkx_louvain(graph):
    H = collapse(graph)
    modularity = {}
    for name, found in [("networkx", metrics.communities(graph, backend="networkx")),
                        ("igraph", metrics.communities(graph, backend="igraph")),
                        ("leiden", metrics.communities(graph, method="leiden"))]:
        assert set().union(*found) == set(H) and sum(map(len, found)) == len(H), name  # a partition
        modularity[name] = nx.community.modularity(H, found, weight="weight")
    assert modularity["igraph"] >= modularity["networkx"] - 0.01, modularity
    assert modularity["leiden"] >= modularity["igraph"] - 0.01, modularity
    assert metrics.communities(graph) == metrics.communities(graph)  # seeded: the same each time


def test_the_report_is_the_same_on_both_engines_where_the_measures_are_exact(graph, monkeypatch):
    tables = {}
    for backend in ("igraph", "networkx"):
        monkeypatch.setenv("KG_METRICS_ENGINE", backend)
        tables[backend] = {t.name: t.rows for t in metrics.report(graph, top=10, by="betweenness")}
    for name in ("families", "articulation", "provisions", "plaintiffs", "years"):
        assert tables["igraph"][name] == tables["networkx"][name], name
    ids = [row[0] for row in tables["networkx"]["centrality"]]
    assert [row[0] for row in tables["igraph"]["centrality"]] == ids


def test_an_unknown_backend_or_method_is_refused():
    G = nx.MultiDiGraph([("a", "b")])
    with pytest.raises(ValueError, match="unknown metrics backend 'graphx'"):
        metrics.pagerank(G, backend="graphx")
    with pytest.raises(ValueError, match="unknown community method"):
        metrics.communities(G, method="girvan")


def test_kg_metrics_runs_leiden_when_asked(seeds_project, seed_build):
    import click

    from conftest import run_kg
    from kg import cli

    choice = next(p for p in cli.metrics.params if p.name == "method").type
    assert isinstance(choice, click.Choice) and tuple(choice.choices) == metrics.COMMUNITY_METHODS
    done = run_kg("--root", str(seeds_project), "--store", str(seed_build), "metrics", "--top", "3",
                  "--communities", "leiden", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "# Communities (Leiden, undirected)" in done.stdout


def test_the_strongest_shared_pairs_are_the_whole_projection_s_heaviest():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kg.network.metrics.bipartite import _project, _strongest

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("stuvwxyz")), max_size=40),
           st.integers(min_value=1, max_value=12))
    def check(pairs, top):
        P = _project(pairs, "things")
        whole = sorted(((a, b) if a < b else (b, a), d["weight"], sorted(d["things"])) for a, b, d in P.edges(data=True))
        expected = sorted(whole, key=lambda e: (-e[1], e[0]))[:top]
        assert [((a, b), w, things) for a, b, w, things in _strongest(pairs, top)] == expected

    check()
