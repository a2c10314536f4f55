"""The curl and SPARQLWrapper examples of docs/sparql.md, run as written against a real `kg serve`."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess

from conftest import REPO

README_URL = "http://127.0.0.1:7878/query"


def readme_blocks(language: str) -> list[str]:
    """The fenced code blocks of one language in the section of docs/sparql.md on `kg serve`."""
    text = (REPO / "docs" / "sparql.md").read_text(encoding="utf-8")
    section = text[text.index("## `kg serve`"):]
    section = section[:section.index("\n## ", 1)]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)



def sued_trump(seed_graph) -> list[tuple[str, str]]:
    return [(r["date"], r["who"]) for r in seed_graph.query(
        "SELECT ?date ?who WHERE { ?st rdf:predicate kg:sued ; rdf:object ent:TrumpAdministration ; "
        "rdf:subject/rdfs:label ?who ; kg:eventDate ?date } ORDER BY ?date ?who")]


def test_the_curl_example(served, seed_graph):
    block = next(b for b in readme_blocks("sh") if b.startswith("curl"))
    assert README_URL in block
    result = subprocess.run(["bash", "-c", block.replace(README_URL, served)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.replace("\r\n", "\n").splitlines()
    expected = sorted({who for who in (r["who"] for r in seed_graph.query(
        "SELECT ?who WHERE { ?who kg:sued ent:TrumpAdministration }"))})
    assert rows == ["who", *expected] and len(expected) >= 5


def test_the_sparqlwrapper_example(served, seed_graph):
    block = next(b for b in readme_blocks("python") if "SPARQLWrapper" in b)
    assert README_URL in block
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.replace(README_URL, served), "README.md", "exec"), {})
    assert printed.getvalue().splitlines() == [f"{date} {who}" for date, who in sued_trump(seed_graph)]
    assert "2025-02-07 San Francisco" in printed.getvalue()
