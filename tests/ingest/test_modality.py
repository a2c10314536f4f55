"""Modality: a threatened, planned, attempted, denied or hypothetical act is never the act.

In data/ it is a statement with `mode:`; in the graph a statement record with kg:mode and no
direct edge. In ingest it is the relation of the threat (`threatened`, `demanded`, ...) with what
was threatened as its manner, or the act with a mode.
"""

from __future__ import annotations

import pytest

import kg
from kg.errors import ValidationError
from kg.prefixes import BASE


def _add_statement(root, extra: str) -> None:
    path = root / "data" / "statements" / "memo.yaml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


WITHHOLD = """\
  - id: memo-090
    subject: FederalAgency
    relation: withheldFunding
    object: Springfield
    quote: "On Feb. 7, the city of Springfield sued the Federal Agency"
    mode: {mode}
"""


def test_a_statement_with_a_mode_is_a_record_and_never_the_edge(mini, tmp_path):
    _add_statement(mini, WITHHOLD.format(mode="threatened"))
    kg.build(mini, store_dir=tmp_path / "store")
    g = kg.load(mini, tmp_path / "store")
    kgo = f"{BASE}ontology/"
    edges = g.query(f"SELECT ?o WHERE {{ <{BASE}id/FederalAgency> <{kgo}withheldFunding> ?o }}")
    assert len(edges) == 0
    record = g.query(f"""SELECT ?mode WHERE {{ <{BASE}statement/memo-090> <{kgo}mode> ?mode ;
                         <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <{kgo}withheldFunding> }}""")
    assert [r["mode"] for r in record] == [f"{kgo}Threatened"]
    done = g.query(f"SELECT ?o WHERE {{ <{BASE}id/Springfield> <{kgo}sued> ?o }}")
    assert [r["o"] for r in done] == [f"{BASE}id/FederalAgency"]  # an act without a mode stays an edge


def test_an_unknown_mode_is_one_clear_problem(mini):
    _add_statement(mini, WITHHOLD.format(mode="rumoured"))
    with pytest.raises(ValidationError) as caught:
        kg.check(mini)
    [problem] = caught.value.problems
    assert problem.rule == "schema" and problem.entity == "memo-090" and "rumoured" in problem.message
    assert problem.file.endswith("memo.yaml") and problem.line


def test_relations_carry_plover_beside_cameo(mini):
    from kg import ontology
    onto = ontology.load(mini / "ontology")
    assert (onto.relations["threatened"].cameo, onto.relations["threatened"].plover) == ("130", "THREATEN")
    assert onto.relations["demanded"].plover == "DEMAND"
    assert onto.relations["stated"].plover is None  # PLOVER codes no simple commentary
