"""Competency questions: what a researcher asks of the sanctuary graph, and what the articles answer.

Each tests/competency/NN-slug.rq is one SPARQL query, using kg's predefined prefixes (so
`kg query tests/competency/01-....rq` runs a SELECT question too), under a header::

    # question: Which jurisdictions sued the Trump administration in February 2025?
    # expected:
    # SanFrancisco
    # Portland

A question the graph cannot answer yet (it needs a field or model that does not exist) carries
`# skip: <reason>` in its header, keeps its expected answer, and is skipped with that reason.

One comment line per expected row, the SELECT variables in order, separated by ' | '. Entities,
relations and sources are written by their local names; literals as they are. An ASK query
expects one row, `true` or `false`. Rows are compared as a set, exactly: the answers come from
the articles, so a failing question means the data (or the question) is wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.namespace import ENT, KG, SRC
from kg.query.forms import Boolean

SUITE = Path(__file__).resolve().parent / "competency"
QUESTIONS = sorted(SUITE.glob("*.rq"))
_LOCAL = (str(ENT), str(KG._NS), str(SRC))


def parse(path: Path) -> tuple[str, set[tuple[str, ...]], str]:
    """The question, the expected rows and the query text of one .rq file."""
    text = path.read_text(encoding="utf-8")
    question, expected, in_expected = "", set(), False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        if body.startswith("question:"):
            question = body.removeprefix("question:").strip()
        elif body.startswith("expected:"):
            in_expected = True
        elif in_expected and body:
            expected.add(tuple(cell.strip() for cell in body.split(" | ")))
    return question, expected, text


def skip_reason(path: Path) -> str | None:
    """The reason given by a `# skip:` header line, if the question is not answerable yet."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            return None
        if line[1:].strip().startswith("skip:"):
            return line[1:].strip().removeprefix("skip:").strip()
    return None


def show(value) -> str:
    """A result value as the expected lines write it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value)
    for namespace in _LOCAL:
        if value.startswith(namespace):
            return value[len(namespace):]
    return value


def answer(graph, text: str) -> set[tuple[str, ...]]:
    """The rows a query returns, as strings; an ASK query gives one row, 'true' or 'false'."""
    result = graph.query(text)
    if isinstance(result, Boolean):
        return {(str(result),)}
    return {tuple(show(row[v]) for v in result.variables) for row in result}


def test_the_suite_is_large_enough_and_well_formed():
    assert len(QUESTIONS) >= 25
    for path in QUESTIONS:
        question, expected, _ = parse(path)
        assert question.endswith("?"), path.name
        assert expected, f"{path.name}: no expected rows"


@pytest.mark.parametrize("path", QUESTIONS, ids=lambda p: p.stem)
def test_competency_question(seed_graph, path):
    question, expected, text = parse(path)
    if reason := skip_reason(path):
        pytest.skip(reason)
    got = answer(seed_graph, text)
    assert got == expected, (f"{question}\n  missing: {sorted(expected - got)}"
                             f"\n  unexpected: {sorted(got - expected)}")


def test_roles_carry_a_title_and_no_wikidata_ids(seed_graph):
    untitled = seed_graph.query("""SELECT ?st WHERE { ?st rdf:predicate kg:holdsRole
                                   FILTER NOT EXISTS { ?st kg:title ?t } }""").rows()
    assert untitled == []
    assert len(seed_graph.query("SELECT ?e WHERE { ?e kg:wikidata ?q }")) == 0


def test_the_surname_chiu_names_the_city_attorney_not_the_photographer(seed_graph):
    def lookup(name):
        return [r["entity"] for r in seed_graph.query("entity-lookup", name=name)]

    assert lookup("Chiu") == [str(ENT.DavidChiu)]
    assert lookup("Jeff Chiu") == [str(ENT.JeffChiu)]
