"""Reading SPARQL text without a parser: which form a query is, which of kg's prefixes it lacks,
and an engine's error message as one readable line with the position in the user's own text.

Used wherever a query enters kg: `g.query()` and `kg query` (the form decides what comes back),
the client of remote servers (kg.query.remote) and the endpoint of `kg serve` (kg.query.serve),
which add kg's prefixes where a query does not declare them.

>>> form_of("PREFIX ex: <urn:x> ASK { ?s ex:p ?o }"), form_of("INSERT DATA { <a:b> <a:c> <a:d> }")
('ASK', 'UPDATE')
"""

from __future__ import annotations

import re

from ..prefixes import PREFIXES

# What may hide a '{' (or a keyword) from a scan of the query: strings, IRIs and comments, in
# the order SPARQL reads them.
_TOKENS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                     r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''
                     r'|<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>|#[^\n\r]*|\{', re.S)

#: The query forms of SPARQL 1.1, and the words an update request starts with.
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_FIRST_WORD = re.compile(r"\b(" + "|".join(QUERY_FORMS + UPDATE_WORDS) + r")\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*|BASE\s*)<[^>]*>\s*)*", re.IGNORECASE)
_DECLARED = re.compile(r"\bPREFIX\s+([^\s:]*):", re.IGNORECASE)


def code_only(text: str) -> str:
    """`text` with its strings, IRIs and comments blanked out: what is left are the keywords,
    names, variables and punctuation of the query.

    >>> code_only('SELECT ?s { ?s <urn:SERVICE> "SERVICE" } # SERVICE')
    'SELECT ?s { ?s                         }          '
    """
    return _TOKENS.sub(lambda m: m.group() if m.group() == "{" else " " * len(m.group()), text)


def form_of(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; UPDATE for an update request; None if unreadable."""
    # The prologue's IRIs are blanked by code_only; skip it on the original text.
    prologue = _PROLOGUE.match(_strip_comments(text)) if text else None
    rest = text[prologue.end():] if prologue else text
    match = _FIRST_WORD.search(code_only(rest))
    if match is None:
        return None
    word = match.group(1).upper()
    return word if word in QUERY_FORMS else "UPDATE"


def _strip_comments(text: str) -> str:
    """Comments blanked, strings and IRIs kept (the prologue's IRIs must stay to be skipped)."""
    return _TOKENS.sub(lambda m: " " * len(m.group()) if m.group().startswith("#") else m.group(), text)


def missing_prefixes(text: str) -> dict[str, str]:
    """kg's predefined prefixes that `text` does not declare itself."""
    declared = {name.lower() for name in _DECLARED.findall(code_only(text))}
    return {name: iri for name, iri in PREFIXES.items() if name.lower() not in declared}


def add_prefixes(text: str) -> tuple[str, int]:
    """`text` with kg's prefixes it does not declare added on one first line, and how many lines
    were added (0 or 1), so that positions in an engine's errors can be given back in `text`.

    >>> add_prefixes("PREFIX kg: <urn:mine> ASK { ?s kg:p ent:x }")[0].count("PREFIX kg:")
    1
    """
    missing = missing_prefixes(text)
    if not missing:
        return text, 0
    return " ".join(f"PREFIX {p}: <{iri}>" for p, iri in missing.items()) + "\n" + text, 1


# Oxigraph: "error at 3:14: expected ..."; Jena (Fuseki): "... at line 3, column 14."
_OXIGRAPH_AT = re.compile(r"(?:error )?at (\d+):(\d+):?\s*")
_JENA_AT = re.compile(r"at line (\d+), column (\d+)\.?")
_EXPECTED = re.compile(r"expected (one of )?(.*)", re.S)


def error_line(message: str, text: str, added_lines: int = 0) -> str:
    """An engine's syntax error as one readable line: the position in `text` (the query as the
    user wrote it, before `added_lines` of prefixes were put in front), the words there, and
    what the engine expected when that is short to say.

    >>> error_line("error at 1:29: expected one of \\"$\\", \\"(\\", \\"*\\", \\"+\\", \\"-\\", \\".\\"",
    ...            "SELECT ?x WHERE { ?x kg:foo }")
    "SPARQL syntax error at line 1, column 29, near '}': not expected here"
    """
    message = " ".join(message.split())
    found = _OXIGRAPH_AT.search(message) or _JENA_AT.search(message)
    if not found:
        return f"SPARQL syntax error: {message[:200]}"
    line, column = int(found.group(1)) - added_lines, int(found.group(2))
    where = f"line {line}, column {column}"
    lines = text.splitlines()
    if 1 <= line <= len(lines):
        near = lines[line - 1][max(column - 1, 0):][:20].strip()
        where += f", near {near!r}" if near else ", at the end of the line"
    elif line > len(lines):
        where += " (the end of the query)"
    rest = message[found.end():]
    if found.re is _JENA_AT:  # Jena says what it found before the position; kg's own line, after it
        rest = re.sub(r"^[,.]?\s*(near '.*?'|at the end of the line|\(the end of the query\))?:?\s*", "", rest)
        if not rest or rest.startswith("Was expecting"):
            rest = message[:found.start()]
    expected = _EXPECTED.match(rest.strip())
    if form_of(text) is None:  # engines then say what an *update* could start with ("expected CONSTRUCT")
        what = "a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after its PREFIX lines)"
    elif expected and not expected.group(1):  # "expected CONSTRUCT": one thing, say it
        what = f"expected {expected.group(2).strip()[:60]}"
    elif expected:
        options = expected.group(2).count('",') + 1
        what = "not expected here" if options > 4 else f"expected one of {expected.group(2)[:80]}"
    else:
        what = rest.strip(" .:")[:120] or "cannot read the query here"
    return f"SPARQL syntax error at {where}: {what}"
