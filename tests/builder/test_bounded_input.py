"""Every input is bounded and checked: YAML aliases, nesting and sizes are limited before values
are built (an alias bomb is refused in well under a second), every pattern is anchored (a
trailing newline is an error), impossible dates, NaN and infinite numbers are refused with
file:line and rule; the command line refuses impossible dates too."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import invoke_kg, run_kg
from kg import values
from kg.builder import curated
from kg.errors import KGError

STATEMENTS = "data/statements/memo.yaml"
ENTITIES = "data/entities/all.yaml"

BOMB = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)) + \
    "statements: [*i]\nsource: memo\n"


def _check(root: Path) -> tuple[int, list[str]]:
    result = run_kg("--root", str(root), "--store", str(root / "build"), "check")
    return result.returncode, result.stderr.strip().splitlines()


def _line_of(root: Path, rel: str, needle: str) -> int:
    for number, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_an_alias_bomb_is_refused_in_under_a_second(mini):
    assert len(BOMB) < 1500
    (mini / STATEMENTS).write_text(BOMB, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(curated.YAMLBound, match="aliases"):
        curated._load(BOMB)
    assert time.monotonic() - started < 1
    code, lines = _check(mini)
    assert code == 1 and any(f"{STATEMENTS}:" in line and "error[yaml-limit]" in line and "aliases" in line
                             for line in lines), lines
    assert not any("Traceback" in l for l in lines)


@pytest.mark.parametrize("text, words", [
    ("x: &a [*a]\n", "inside of"),
    ("x: " + "[" * 80 + "]" * 80 + "\n", "nested deeper"),
    ("x: '" + "y" * 1_100_000 + "'\n", "characters"),
])
def test_recursive_deep_and_huge_yaml_is_refused_with_its_line(mini, text, words):
    (mini / STATEMENTS).write_text("source: memo\nstatements: []\n" + text, encoding="utf-8")
    code, lines = _check(mini)
    assert code == 1 and any(f"{STATEMENTS}:3:" in l and "yaml-limit" in l and words in l for l in lines), lines
    with pytest.raises(curated.YAMLBound):
        curated.safe_load(text)  # review files' loader has the same bounds


def test_a_50_mb_label_is_one_clear_line(mini):
    path = mini / ENTITIES
    path.write_text(path.read_text(encoding="utf-8").replace("label: Springfield", "label: " + "S" * 50_000_000, 1),
                    encoding="utf-8")
    code, lines = _check(mini)
    assert code == 1 and any(f"{ENTITIES}:" in l and "yaml-limit" in l for l in lines), lines[:3]


@pytest.mark.parametrize("rel, old, new, rule, locator", [
    (STATEMENTS, "date: 2025-02-07", 'date: "2025-02-07\\n"', "bad-date", "date: \"2025-02-07\\n\""),
    (STATEMENTS, "date: 2025-02-07", "date: 2025-02-30", "bad-date", "date: 2025-02-30"),
    (STATEMENTS, "date: 2025-02-07", "date: 2023-02-29", "bad-date", "date: 2023-02-29"),
    (STATEMENTS, "id: memo-001", 'id: "memo-001\\n"', "schema", "id: \"memo-001\\n\""),
    (ENTITIES, "id: Springfield", 'id: "Springfield\\n"', "schema", "id: \"Springfield\\n\""),
])
def test_trailing_newlines_and_impossible_dates_are_refused(mini, rel, old, new, rule, locator):
    path = mini / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, lines = _check(mini)
    line = _line_of(mini, rel, locator)
    assert code == 1, lines
    assert any(l.startswith(f"{rel}:{line}:") and f"error[{rule}]" in l for l in lines), (line, lines)
    assert not any("Traceback" in l for l in lines)


@pytest.mark.parametrize("number", ["nan", "1e400", "-1e400", "1" + "0" * 5000])
def test_nan_and_infinite_values_are_refused(mini, number):
    path = mini / STATEMENTS
    text = path.read_text(encoding="utf-8")
    text = text.replace("    object: OrderIsUnconstitutional\n", f"    value: {number}\n", 1)
    path.write_text(text, encoding="utf-8")
    code, lines = _check(mini)
    line = _line_of(mini, STATEMENTS, f"value: {number}")
    assert code == 1 and any(f"{STATEMENTS}:{line}:" in l and "error[bad-number]" in l for l in lines), lines


def test_a_wikidata_id_with_a_trailing_newline_is_refused(mini):
    path = mini / ENTITIES
    text = path.read_text(encoding="utf-8")
    text = text.replace("label: Springfield\n", 'label: Springfield\n    wikidata: "Q42\\n"\n', 1)
    path.write_text(text, encoding="utf-8")
    code, lines = _check(mini)
    assert code == 1 and any(ENTITIES in l and "Q42" in l for l in lines), lines


def test_is_date_knows_the_calendar():
    assert [values.is_date(d) for d in ("2024-02-29", "2025", "2025-12", "2025-04-31", "2023-02-29",
                                         "2018-13", "2018\n", "2018-00")] == \
        [True, True, True, False, False, False, False, False]


@pytest.mark.parametrize("args", [["metrics", "--as-of", "2018-13"], ["metrics", "--since", "2025-02-30"],
                                  ["ingest", "README.md", "--date", "2025-02-30"],
                                  ["ingest", "README.md", "--date", "2018\n"]])
def test_the_command_line_refuses_impossible_dates(args, tmp_path):
    # As `--param date=...` and data/ refuse them: one line naming the option, exit 1.
    result = invoke_kg(*args)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"kg: error: {args[-2]}: ") and "YYYY" in lines[0], lines


@pytest.mark.parametrize("as_of", ["2025-13", "2025-02-30", ("2025-02-30", None), (None, "2018-00")])
def test_the_python_api_refuses_impossible_dates_too(seed_graph, as_of):
    with pytest.raises(KGError, match="month|calendar|not a date"):
        seed_graph.to_networkx(as_of=as_of)


@pytest.mark.parametrize("name", ["ABSOLUTE", "../../outside.txt", "LINK"])
def test_a_source_text_outside_data_is_refused_with_its_line(mini, tmp_path, name):
    secret = tmp_path / "outside.txt"
    secret.write_text("On Feb. 7, the city of Springfield sued the Federal Agency SECRET", encoding="utf-8")
    if name == "ABSOLUTE":
        name = str(secret)
    elif name == "LINK":
        (mini / "data" / "sources" / "link.txt").symlink_to(secret)
        name = "sources/link.txt"
    sources = mini / "data" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    assert "file: sources/memo.txt" in text
    sources.write_text(text.replace("file: sources/memo.txt", f"file: {name}"), encoding="utf-8")
    code, lines = _check(mini)
    line = _line_of(mini, "data/sources.yaml", f"file: {name}")
    assert code == 1 and any(l.startswith(f"data/sources.yaml:{line}:") and "error[outside-path]" in l
                             for l in lines), lines


def test_a_quote_left_open_is_reported_at_the_line_it_opens(mini):
    path = mini / STATEMENTS
    text = path.read_text(encoding="utf-8")
    assert '    quote: "arguing that its order violates the Tenth Amendment"\n' in text.splitlines(True)[12]
    path.write_text(text.replace('violates the Tenth Amendment"\n', "violates the Tenth Amendment\n", 1),
                    encoding="utf-8")
    result = invoke_kg("--root", str(mini), "--store", str(mini / "build"), "check")
    assert result.returncode == 1, result.stderr
    assert f"{STATEMENTS}:13: error[yaml]" in result.stderr and "not closed" in result.stderr, result.stderr


def test_a_missing_opening_quote_shows_the_stray_mark_and_says_so(mini):
    path = mini / STATEMENTS
    text = path.read_text(encoding="utf-8")
    wrong = '    quote: arguing that its order violates the Tenth Amendment"\n'
    path.write_text(text.replace('    quote: "arguing that its order violates the Tenth Amendment"\n', wrong, 1),
                    encoding="utf-8")
    result = invoke_kg("--root", str(mini), "--store", str(mini / "build"), "check")
    assert result.returncode == 1, result.stderr
    line = next(line for line in result.stderr.splitlines() if "quote-not-found" in line)
    assert 'Amendment"' in line and "quote mark" in line, line
