"""The row-per-statement catalog queries (edges, nodes, network-values, network-terms) answered
from the build's analysis snapshot give the rows, values and terms SPARQL gives; a snapshot of
another build is not used."""

import shutil
import sys

import pytest

import kg
from conftest import REPO, run_kg
from kg.builder import snapshot
from kg.query.graph import Graph, Result, TableResult

QUERIES = sorted(Graph.SNAPSHOT_QUERIES)


# Cells that hold a set written as text: the engine's GROUP_CONCAT order is its own, the
# snapshot's sorted.
_SETS = {"families": " ", "classes": " ", "ancestors": " ", "aliases": " | "}


def _comparable(variables, rows):
    return [{c: tuple(sorted(v.split(_SETS[c]))) if c in _SETS and v is not None else v
             for c, v in zip(variables, row)} for row in rows]


def _terms(variables, rows):
    return [[None if t is None else (tuple(sorted(t.value.split(_SETS[c]))) if c in _SETS else t.value,
                                     t.datatype.value) for c, t in zip(variables, row)] for row in rows]


def _same_as_sparql(g, name):
    fast = g.query(name)
    assert isinstance(fast, TableResult), f"{name} was not answered from the snapshot"
    engine = g.query(g.catalog[name].text)  # the text, not the name: the engine answers
    assert isinstance(engine, Result) and not isinstance(engine, TableResult)
    assert fast.variables == engine.variables
    variables = fast.variables
    assert _comparable(variables, ([r[c] for c in variables] for r in fast)) == \
        _comparable(variables, ([r[c] for c in variables] for r in engine))
    # SPARQL JSON is written from the terms: the same values with the same datatypes.
    assert _terms(variables, fast.terms) == _terms(variables, engine.terms)
    assert len(fast) == fast.count() == len(engine)
    return len(fast)


@pytest.mark.parametrize("name", QUERIES)
def test_seed_rows_from_the_snapshot_are_the_engines(seed_graph, name):
    assert _same_as_sparql(seed_graph, name) > 0


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    root = tmp_path_factory.mktemp("gen") / "project"
    generate(10_000, root)
    store_dir = tmp_path_factory.mktemp("gen-store")
    kg.build(str(root), store_dir=store_dir)
    return root, store_dir


@pytest.mark.slow
def test_generated_rows_from_the_snapshot_are_the_engines(generated):
    g = kg.load(*generated)
    counts = {name: _same_as_sparql(g, name) for name in QUERIES}
    assert counts["edges"] > 500 and counts["nodes"] > 100


@pytest.mark.slow
def test_snapshot_of_another_build_is_not_used(generated, tmp_path):
    root, store_dir = generated
    g = kg.load(root, store_dir)
    directory = snapshot.path_for(g.store_path)
    moved = tmp_path / "analysis"
    shutil.move(directory, moved)
    try:
        answer = kg.load(root, store_dir).query("edges")
        assert not isinstance(answer, TableResult)
        assert answer.rows() == g.query(g.catalog["edges"].text).rows() and len(answer) > 0
    finally:
        shutil.move(moved, directory)


def test_cli_table_says_how_many_rows_from_the_snapshot(seeds_project, seed_build, seed_graph):
    total = len(seed_graph.query("edges"))
    shown = run_kg("--root", str(seeds_project), "--store", str(seed_build), "query", "edges", "--limit", "2",
                    "--format", "table")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.rstrip("\n").splitlines()[-1] == f"2 of {total} rows shown; --limit N shows N, --all every row"
