"""The analysis snapshot: written by the build beside its store, the same rows as the catalog
queries it stands for, read by to_networkx only when it belongs to the store it reads."""

from __future__ import annotations

import shutil

import pytest

import kg
from conftest import REPO
from kg import ontology
from kg.builder import curated, snapshot
from kg.network.convert import Tables

# Cells that hold a set written as text: the engine's GROUP_CONCAT order is its own.
_SETS = {"families": " ", "classes": " ", "ancestors": " ", "aliases": " | "}


def _comparable(columns, rows):
    out = []
    for row in rows:
        cells = []
        for column, cell in zip(columns, row):
            if column in _SETS and cell is not None:
                cell = tuple(sorted(cell.split(_SETS[column])))
            elif column == "value" and isinstance(cell, str):
                cell = snapshot.number(cell)
            cells.append(cell)
        out.append(tuple(cells))
    return out


@pytest.mark.parametrize("table", list(Tables.QUERIES))
def test_each_table_holds_the_rows_of_its_query(seed_graph, table):
    tables = snapshot.read(seed_graph.store_path)
    assert tables is not None, "the build writes a snapshot"
    columns, rows = snapshot.rows(tables[table])
    name = Tables.QUERIES[table]
    answer = seed_graph.query(seed_graph.catalog[name].text)  # the text: the engine answers, not the snapshot
    assert columns == answer.variables
    sparql = [[row[v] for v in answer.variables] for row in answer]
    assert len(rows) > 0
    # Same rows in the same order (each query has an ORDER BY).
    assert _comparable(columns, rows) == _comparable(columns, sparql)


@pytest.mark.parametrize("filters", [{}, {"families": {"opposes", "legalAction"}}, {"types": {"Actor"}},
                                     {"as_of": ("2017", "2018-06")}, {"confidence": "explicit"}])
def test_to_networkx_is_the_same_from_the_snapshot_and_from_sparql(seed_graph, filters):
    fast = seed_graph.to_networkx(**filters)
    # The same store without its path: no snapshot to find, so the queries run.
    plain = kg.KnowledgeGraph(seed_graph.store, None, seed_graph.project)
    assert Tables(plain).snapshot is None and Tables(seed_graph).snapshot is not None
    slow = plain.to_networkx(**filters)

    def nodes(G):
        return [(n, {**d, "aliases": sorted(d["aliases"])}) for n, d in G.nodes(data=True)]

    assert nodes(fast) == nodes(slow) and fast.number_of_nodes() > 0
    assert list(fast.edges(keys=True, data=True)) == list(slow.edges(keys=True, data=True))
    if not filters:
        chiu = fast.nodes["DavidChiu"]
        assert chiu["label"] == "David Chiu" and "Person" in chiu["classes"]
        assert any("values" in d for _, d in fast.nodes(data=True))


def test_a_snapshot_of_another_build_is_not_read(seeds_project, tmp_path):
    kg.build(str(seeds_project), store_dir=tmp_path)
    g = kg.load(seeds_project, tmp_path)
    assert snapshot.read(g.store_path) is not None
    whole = g.to_networkx()
    # The folder holds tables stamped by another build (as if a build died half-way through
    # swapping them): they are ignored, and the graph comes from SPARQL, whole.
    data = curated.read(seeds_project / "data", seeds_project)
    shutil.rmtree(snapshot.path_for(g.store_path))
    snapshot.write(snapshot.path_for(g.store_path), "another-build", data, ontology.load(REPO / "ontology"))
    assert snapshot.read(g.store_path) is None
    assert sorted(g.to_networkx().edges(keys=True)) == sorted(whole.edges(keys=True))
    shutil.rmtree(snapshot.path_for(g.store_path))
    assert snapshot.read(g.store_path) is None and sorted(g.to_networkx()) == sorted(whole)


def test_snapshots_are_published_and_removed_with_their_stores(tmp_path):
    for _ in range(3):
        kg.build(str(REPO), store_dir=tmp_path)
    stores = sorted(p.name.removeprefix("store-") for p in tmp_path.glob("store-*") if p.is_dir())
    analyses = sorted(p.name.removeprefix(snapshot.PREFIX) for p in tmp_path.glob(snapshot.PREFIX + "*"))
    assert len(stores) == 2 and analyses == stores  # current and previous, each with its own
    assert not list(tmp_path.glob(".tmp-*"))
    current = (tmp_path / "current").resolve()
    assert snapshot.read(current)["statements"].num_rows == len(kg.load(REPO, tmp_path).query("edges"))
