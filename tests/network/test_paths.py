"""Explained paths: direction ignored for reaching, kept for telling, a quote on every hop."""

import networkx as nx
import pytest

import kg
from conftest import invoke_kg
from kg.network.paths import describe, explained_path


@pytest.fixture
def chain():
    G = nx.MultiDiGraph()
    G.add_node("a", label="Alpha")
    G.add_edge("a", "b", key="s1", relation="sued", quote="A sued B", date="2025", confidence="explicit")
    G.add_edge("c", "b", key="s2", relation="stated", quote="C spoke of B", confidence="explicit", sign=0)
    G.add_edge("c", "b", key="s3", relation="criticized", quote="C criticized B", confidence="explicit", sign=-1)
    G.add_edge("b", "c", key="s4", relation="opposed", quote="B opposed C", confidence="implied", sign=-1)
    G.add_node("island")
    return G


def test_hops_keep_their_true_direction(chain):
    hops = explained_path(chain, "a", "c")
    assert [(h.subject, h.relation, h.object, h.forward) for h in hops] == [
        ("a", "sued", "b", True), ("c", "criticized", "b", False)]
    # Explicit before implied, hostile or cooperative before neutral; the others are counted.
    assert hops[1].others == 2 and hops[0].subject_label == "Alpha"


def test_no_path_and_unknown_node_are_errors(chain):
    with pytest.raises(kg.KGError, match="no path"):
        explained_path(chain, "a", "island")
    with pytest.raises(kg.KGError, match="not in the graph"):
        explained_path(chain, "a", "zeta")


def test_describe_prints_each_hop_with_its_quote(chain):
    text = describe(explained_path(chain, "a", "c"))
    assert text.splitlines() == ["Alpha —sued→ b (2025)", "    “A sued B” [None, s1]",
                                 "c —criticized→ b (+2 more statements)", "    “C criticized B” [None, s3]"]


def test_seed_path_by_alias(seed_graph):
    hops = seed_graph.path("Homan", "Chiu")
    assert hops[0].subject == "ThomasHoman" or hops[0].object == "ThomasHoman"
    assert "DavidChiu" in (hops[-1].subject, hops[-1].object)
    for before, after in zip(hops, hops[1:]):  # consecutive hops share an entity
        assert {before.subject, before.object} & {after.subject, after.object}


def test_kg_path_homan_chiu_every_hop_has_a_quote(seed_build):
    import csv
    import io

    result = invoke_kg("--store", str(seed_build), "path", "Homan", "Chiu")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(row["quote"].strip() for row in rows)
    assert all(row["relation"] and row["source"] and row["statement"] for row in rows)
    assert "Thomas Homan" in (rows[0]["subject"], rows[0]["object"])
    assert "David Chiu" in (rows[-1]["subject"], rows[-1]["object"])


def test_kg_path_text_format(seed_build):
    result = invoke_kg("--store", str(seed_build), "path", "Thomas Homan", "David Chiu", "--format", "text")
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and len(lines) % 2 == 0
    assert all(line.startswith("    “") for line in lines[1::2])


def test_kg_path_misspelt_name_suggests(seed_build):
    result = invoke_kg("--store", str(seed_build), "path", "Homn", "Chiu")
    assert result.returncode == 1
    assert "did you mean 'Homan'" in result.stderr and "Traceback" not in result.stderr


def test_path_text_cannot_drive_the_terminal():
    from kg.network.paths import Hop, describe
    from kg.output import terminal_safe

    text = terminal_safe(describe([Hop("a", "sued", "b", True, "s1", "\x1b[2J\x1b]0;owned\x07 A sued B.",
                                       "2025", "news", "A", "B")]))
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J\\x1b]0;owned\\x07 A sued B." in text
