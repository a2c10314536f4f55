"""Write rows for people (rich tables in a terminal) or for programs (CSV, TSV, JSON when piped)."""

from __future__ import annotations

import csv
import json
import re
import sys
from typing import IO, Any, Iterable

import pyoxigraph as ox

FORMATS = ("table", "csv", "tsv", "json")


def pick_format(requested: str | None, stream: IO[str] = sys.stdout) -> str:
    """`requested`, else a table on a terminal and CSV in a pipe."""
    if requested:
        return requested
    return "table" if stream.isatty() else "csv"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# Control characters other than tab and newline: in a terminal they move the cursor, recolour,
# retitle the window or hide text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """`text` with control characters shown as \\xNN, so article text cannot drive the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _cell(value: Any):
    """A table cell that shows article text as it is: no rich markup, control characters as \\xNN."""
    from rich.text import Text

    return Text(terminal_safe(_text(value)))


def _sparql_json_term(term: ox.Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def write_rows(columns: list[str], rows: Iterable[list[Any]], fmt: str, *, title: str | None = None,
               stream: IO[str] = sys.stdout, terms: list[list[ox.Term | None]] | None = None) -> None:
    """Write `rows` under `columns`. With `terms`, JSON is SPARQL 1.1 Query Results JSON."""
    rows = [list(r) for r in rows]
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title and _cell(title), show_lines=False, header_style="bold")
        for column in columns:
            table.add_column(_cell(column), overflow="fold")
        for row in rows:
            table.add_row(*(_cell(v) for v in row))
        Console(file=stream, soft_wrap=False).print(table)
        if not rows:
            print("(no rows)", file=stream)
    elif fmt in ("csv", "tsv"):
        writer = csv.writer(stream, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(v) for v in row] for row in rows)
    elif fmt == "json":
        if terms is not None:
            bindings = [{c: _sparql_json_term(t) for c, t in zip(columns, row) if t is not None}
                        for row in terms]
            doc: Any = {"head": {"vars": columns}, "results": {"bindings": bindings}}
        else:
            doc = [dict(zip(columns, row)) for row in rows]
        json.dump(doc, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")
