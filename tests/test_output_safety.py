"""Output that cannot attack its reader: control characters and bidi overrides from the data are shown
escaped in terminal output, and CSV is neutralised for spreadsheets unless --exact asks otherwise."""

from __future__ import annotations

import csv
import io

import pytest

import kg
from conftest import invoke_kg

HOSTILE = "Jane \\e[2J\\e]0;owned\\a\\u202eRoe\\u2066x\\u0085"  # as YAML writes it, double-quoted


@pytest.fixture
def hostile(mini, tmp_path):
    entities = mini / "data" / "entities" / "all.yaml"
    entities.write_text(entities.read_text(encoding="utf-8").replace("    label: Jane Roe\n",
                                                                     f'    label: "{HOSTILE}"\n', 1),
                        encoding="utf-8")
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    return mini, store_dir


def _raw(text: str) -> list[str]:
    return [c for c in text if ord(c) < 0x20 and c not in "\n" or 0x7f <= ord(c) <= 0x9f
            or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]


@pytest.mark.parametrize("args", [["path", "JaneRoe", "FederalAgency", "--format", "text"],
                                  ["path", "JaneRoe", "FederalAgency", "--format", "table"],
                                  ["query", "-e", "SELECT ?l WHERE { ent:JaneRoe rdfs:label ?l }", "--format", "table"]])
def test_terminal_output_shows_control_and_bidi_characters_escaped(hostile, args):
    mini, store_dir = hostile
    done = invoke_kg("--root", str(mini), "--store", str(store_dir), *args)
    assert done.returncode == 0, done.stderr
    assert _raw(done.stdout) == [], [hex(ord(c)) for c in _raw(done.stdout)]
    assert "\\x1b[2J" in done.stdout and "\\u202e" in done.stdout and "\\u2066" in done.stdout
    assert "\\x85" in done.stdout or "\\x07" in done.stdout


FORMULAS = 'SELECT ("=HYPERLINK(\\"http://x\\",\\"y\\")" AS ?a) ("+cmd|\' /C calc\'!A0" AS ?b) ("@SUM(1)" AS ?c) ' \
           '("-2+3" AS ?d) ("\\tx" AS ?e) ("plain" AS ?f) (-5 AS ?n) WHERE {}'


def test_query_csv_is_neutralised_for_spreadsheets_and_exact_on_request(hostile):
    mini, store_dir = hostile
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        done = invoke_kg("--root", str(mini), "--store", str(store_dir), "query", "-e", FORMULAS, "--format", fmt)
        assert done.returncode == 0, done.stderr
        row = list(csv.reader(io.StringIO(done.stdout), delimiter=delimiter))[1]
        assert row == ["'=HYPERLINK(\"http://x\",\"y\")", "'+cmd|' /C calc'!A0", "'@SUM(1)", "'-2+3", "'\tx",
                       "plain", "-5"]
        exact = invoke_kg("--root", str(mini), "--store", str(store_dir), "query", "-e", FORMULAS, "--format", fmt,
                          "--exact")
        assert list(csv.reader(io.StringIO(exact.stdout), delimiter=delimiter))[1] == [
            "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\tx", "plain", "-5"]
