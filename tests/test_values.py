"""kg.values: one parser for ids and dates, in data/, catalog parameters and the command line."""

import pytest

from conftest import invoke_kg, run_kg
from kg.values import is_id, parse_date


@pytest.mark.parametrize("text", ["2025-02-30", "2023-02-29", "2018-13", "2018-00", "2018\n", "18", "2018-1",
                                  "2018-02-03T00:00", " 2018", "nan"])
def test_impossible_or_malformed_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("text, precision, last", [
    ("2024", "year", "2024-12-31"), ("2024-02", "month", "2024-02-29"), ("2023-02", "month", "2023-02-28"),
    ("2024-12", "month", "2024-12-31"), ("2025-02-07", "day", "2025-02-07")])
def test_dates_keep_their_precision(text, precision, last):
    date = parse_date(text)
    assert (date.text, date.precision, date.last.isoformat()) == (text, precision, last)


def test_ids_are_matched_whole():
    assert is_id("targeting2025-014") and is_id("U.S.Senate")
    assert not any(is_id(t) for t in ["", "1abc", "a b", "abc\n", "é", "a/b"])


def test_the_command_line_refuses_an_id_that_data_would_refuse():
    # Dates on the command line: tests/builder/test_bounded_input.py.
    result = invoke_kg("ingest", "a.txt", "--id", "no id")
    assert result.returncode == 1 and result.stderr.startswith("kg: error: --id: 'no id' is not an id"), result.stderr


def test_a_data_file_date_with_a_trailing_newline_is_one_bad_date_line(mini):
    path = mini / "data" / "statements" / "memo.yaml"
    text = path.read_text()
    assert "date:" in text
    path.write_text(_with_date(text, '"2018\\n"'))
    result = run_kg("--root", str(mini), "check")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "bad-date" in line]
    assert len(lines) == 1 and "memo.yaml:" in lines[0] and "is not a date" in lines[0], result.stderr


def _with_date(text: str, value: str) -> str:
    """The first statement's date replaced by `value` (YAML source text)."""
    head, rest = text.split("date: ", 1)
    return head + "date: " + value + "\n" + rest.split("\n", 1)[1]
