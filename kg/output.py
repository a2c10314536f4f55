"""Write rows for people (rich tables in a terminal) or for programs (CSV, TSV, JSON when piped)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import sys
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from .terms import Term

if TYPE_CHECKING:  # rich is imported where a table is drawn: CSV and JSON do not need it
    from rich.console import Console, Group, RenderableType
    from rich.table import Table
    from rich.text import Text

FORMATS = ("table", "csv", "tsv", "json")


def pick_format(requested: str | None, stream: IO[str] | None = None) -> str:
    """`requested`, else a table on a terminal and CSV in a pipe (`stream`: standard output)."""
    if requested:
        return requested
    return "table" if (stream or sys.stdout).isatty() else "csv"


def fit(text: str, stream: IO[str] | None = None) -> str:
    """`text` with each line wrapped between words to the terminal's width when `stream`
    (standard output) is a terminal, continuation lines indented under their first; whole
    otherwise, for programs.

    >>> print(fit("a b c d e f", io.StringIO()))
    a b c d e f
    """
    stream = stream or sys.stdout
    if not stream.isatty():
        return text
    import shutil
    import textwrap

    width = max(shutil.get_terminal_size().columns, 20)
    lines = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        lines.append(textwrap.fill(line, width, subsequent_indent=indent + "  ", break_long_words=False,
                                   break_on_hyphens=False) if len(line) > width else line)
    return "\n".join(lines)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# Control characters other than tab and newline (C0, DEL, C1): in a terminal they move the
# cursor, recolour, retitle the window or hide text. Bidirectional overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) reorder what follows them, so a line reads other than it is.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with control characters shown as \\xNN and bidi overrides as \\uNNNN, so article
    text cannot drive the terminal or reorder a line.

    >>> print(terminal_safe("a\\x1b[2Jb \\u202etxt.exe"))
    a\\x1b[2Jb \\u202etxt.exe
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        text)


#: The first characters with which a spreadsheet reads a cell as a formula (OWASP, CSV Injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ tab or carriage return
    gets a leading ' (OWASP's rule; spreadsheets hide it). Numbers stay numbers.

    >>> spreadsheet_cell("=1+1"), spreadsheet_cell("-5 degrees"), spreadsheet_cell(-5), spreadsheet_cell("Trump")
    ("'=1+1", "'-5 degrees", -5, 'Trump')
    """
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _cell(value: Any) -> Text:
    """A table cell that shows article text as it is: no rich markup, control characters as \\xNN."""
    from rich.text import Text

    return Text(terminal_safe(_text(value)))


def _sparql_json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):  # an RDF 1.2 triple term: shown as N-Triples text
        return {"type": "triple", "value": str(term)}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


#: `limit` of write_rows: as many rows as fit on the terminal's screen.
SCREEN = "screen"
#: What a table cut to a screenful says about the other rows, unless told otherwise.
MORE = "--format csv writes every row"


def write_rows(columns: list[str], rows: Iterable[list[Any]], fmt: str, *, title: str | None = None,
               stream: IO[str] | None = None, terms: Iterable[list[Term | None]] | None = None,
               limit: int | str | None = SCREEN, more: str = MORE, exact: bool = False,
               unbroken: Iterable[str] = (), total: int | None = None) -> None:
    """Write `rows` under `columns`. With `terms`, JSON is SPARQL 1.1 Query Results JSON.
    CSV and TSV cells are neutralised for spreadsheets (`spreadsheet_cell`) unless `exact`.

    CSV, TSV and JSON are written row by row as `rows` (or `terms`) come: memory stays flat
    whatever the size. A table shows the first `limit` rows (SCREEN: a screenful, in a
    terminal; None: all) and says how many there are and how to get the rest (`more`); the
    `unbroken` columns (ids a reader copies) are never wrapped; the rows it does not show are
    counted after it is shown, unless `total` says how many there are.
    `stream` is standard output unless given (looked up at each call, so redirections count).
    """
    stream = stream or sys.stdout
    if fmt == "table":
        _write_table(columns, rows, title, stream, limit, more, set(unbroken), total)
    elif fmt in ("csv", "tsv"):
        writer = csv.writer(stream, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        def safe(value: Any) -> Any:
            return value if exact else spreadsheet_cell(value)

        writer.writerow([safe(c) for c in columns])
        for row in rows:
            writer.writerow([_text(safe(v)) for v in row])
    elif fmt == "json":
        if terms is not None:
            stream.write(json.dumps({"head": {"vars": columns}})[:-1] + ', "results": {"bindings": [')
            for number, row in enumerate(terms):
                binding = {c: _sparql_json_term(t) for c, t in zip(columns, row) if t is not None}
                stream.write(("," if number else "") + "\n  " + json.dumps(binding, ensure_ascii=False))
            stream.write("\n]}}\n")
        else:
            stream.write("[")
            for number, row in enumerate(rows):
                stream.write(("," if number else "") + "\n  " + json.dumps(dict(zip(columns, row)),
                                                                         ensure_ascii=False, default=str))
            stream.write("\n]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")


def _write_table(columns: list[str], rows: Iterable[list[Any]], title: str | None, stream: IO[str],
                 limit: int | str | None, more: str, unbroken: AbstractSet[str] = frozenset(),
                 total: int | None = None) -> None:
    from rich.console import Console

    console = Console(file=stream, soft_wrap=False)
    screen = limit == SCREEN
    most = (max(console.size.height - 8, 5) if stream.isatty() else None) if screen else limit
    assert most is None or isinstance(most, int)
    iterator = iter(rows)
    shown = [list(r) for r in itertools.islice(iterator, most)] if most is not None else [list(r) for r in iterator]
    taken = len(shown)
    widths = column_widths(columns, shown, console.width, unbroken)
    # Columns that cannot fit their longest words would split words: show each row as a record
    # instead (one line per column, as psql's expanded display does).
    expanded = sum(widths) + 3 * len(columns) + 1 > console.width
    def render(part: list[list[Any]]) -> RenderableType:
        return _records(columns, part, title, console.width) if expanded else _table(columns, part, widths, title)

    if screen and most is not None:  # rows wrap: fewer of them may fill the screen
        while len(shown) > 1 and _height(render(shown), console) > console.size.height - 3:
            shown = shown[: max(1, len(shown) * 3 // 4)]
    console.print(render(shown))
    if total is None:  # counted after the screen is out, not kept: flat memory
        stream.flush()
        total = taken + sum(1 for _ in iterator)
    if not total:
        print("(no rows)", file=stream)
    elif len(shown) < total:
        print(f"{len(shown)} of {total} rows shown; {more}", file=stream)


def _table(columns: list[str], rows: list[list[Any]], widths: list[int], title: str | None) -> Table:
    from rich.table import Table

    table = Table(title=title and _cell(title), show_lines=False, header_style="bold")
    for column, width in zip(columns, widths):
        table.add_column(_cell(column), overflow="fold", width=width)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    return table


def _records(columns: list[str], rows: list[list[Any]], title: str | None, width: int) -> Group:
    """Rows as records: a rule naming the row, then one line per column, wrapped between words."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.table import Table

    key_width = min(max(len(c) for c in columns), 20)
    parts: list[RenderableType] = [Rule(_cell(title), style="bold")] if title else []
    for number, row in enumerate(rows, 1):
        parts.append(Rule(f"row {number}", align="left", style="dim"))
        record = Table.grid(padding=(0, 1))
        record.add_column(style="bold", width=key_width, overflow="fold")
        record.add_column(overflow="fold", max_width=max(width - key_width - 1, 10))
        for column, value in zip(columns, row):
            record.add_row(_cell(column), _cell(value))
        parts.append(record)
    return Group(*parts)


def _height(renderable: RenderableType, console: Console) -> int:
    from rich.console import Console

    text = io.StringIO()
    Console(width=console.width, file=text, soft_wrap=False, color_system=None).print(renderable)
    return text.getvalue().count("\n")


def column_widths(columns: list[str], rows: list[list[Any]], width: int,
                  unbroken: AbstractSet[str] = frozenset()) -> list[int]:
    """Widths of the columns of a table `width` cells wide: every column at least as wide as its
    longest word (up to 24 cells) so that text wraps between words, short columns whole where
    there is room, and the room left to the columns of long text (quotes) in proportion to what
    they hold. Where even the longest words do not fit, the widths add up to more than `width`:
    the table is then shown as records (see _write_table), never with words cut.

    >>> column_widths(["id", "quote"], [["a-1", "a long sentence " * 10]], 40)
    [3, 30]
    """
    from rich.cells import cell_len

    room = width - 3 * len(columns) - 1  # "│ " before each cell, " " after, and the last "│"
    cells = [[terminal_safe(_text(row[i])) if i < len(row) else "" for row in rows] for i in range(len(columns))]
    natural = [max([cell_len(c) for c in column] + [cell_len(name)]) for name, column in zip(columns, cells)]
    if sum(natural) <= room:
        return natural
    words = [max((cell_len(w) for c in column + [name] for w in c.split()), default=1)
             for name, column in zip(columns, cells)]
    least = [n if name in unbroken else min(w, 24, n) for name, n, w in zip(columns, natural, words)]
    widths = [n if n <= 12 else m for n, m in zip(natural, least)]
    if sum(widths) > room:
        widths = least  # short columns wrap too, between their words
    if sum(widths) > room:
        return widths
    spare = room - sum(widths)
    while spare > 0:
        wanting = {i: natural[i] - widths[i] for i in range(len(columns)) if natural[i] > widths[i]}
        if not wanting:
            break
        need = sum(wanting.values())
        given = 0
        for i, want in wanting.items():
            extra = min(want, max(1, spare * want // need))
            if given + extra > spare:
                extra = spare - given
            widths[i] += extra
            given += extra
            if given >= spare:
                break
        spare -= given
    return widths
