"""Add a statement ingest missed (`kg review FILE --add "SUBJECT RELATION OBJECT" --quote ...`).

The quote is found in the article's stored copy beside the review file, whatever its white space
and its style of quotes, apostrophes, dashes and ellipses (straight or curly), so nobody types the
article's curly quotes by hand; the statement records the text exactly as stored, with its
offsets. `--sentence N` quotes the article's sentence N as `--sentences` numbers them.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..builder import curated
from ..errors import KGError
from ..ontology import Ontology
from .forms import norm

#: Characters that differ between a typed quote and the article only in style.
_STYLE = str.maketrans({c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u00b4`"}
                       | {c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"}
                       | {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}
                       | {"\u00a0": " "})
#: A sentence ends at . ! ? or … (and closing quotes or brackets) before white space and a
#: capital, digit or opening quote.
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[A-Z0-9])")
#: ... unless the period ends an initial ('J.'), a dotted abbreviation ('U.S.') or a short
#: capitalised one ('Gov.', 'Feb.').
_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]|[A-Z][a-z]{1,3})\.$")


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` with quote style unified and white space runs made one space, and for each of its
    characters the offset it came from."""
    out, where = [], []
    for i, char in enumerate(text.translate(_STYLE)):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        for piece in ("..." if char == "\u2026" else char):  # an ellipsis typed as three dots
            out.append(piece)
            where.append(i)
    return "".join(out), where


def find_quote(text: str, quote: str) -> tuple[int, int]:
    """The offsets of `quote` in `text`, matched whatever the white space and quote style.

    >>> text = "Marsh said: \u201cWe\u2019re  not going to\\nturn our deputies.\u201d"
    >>> start, end = find_quote(text, "We're not going to turn")
    >>> text[start:end]
    'We\u2019re  not going to\\nturn'
    """
    haystack, where = _folded(text)
    needle = _folded(quote.strip())[0].strip()
    if not needle:
        raise KGError("--quote is empty", hint="quote the words of the article that state the fact", exit_code=2)
    hits = [m.start() for m in re.finditer(re.escape(needle), haystack)]
    if not hits:
        raise KGError(f"the quote is not in the article: {quote.strip()!r}" + _nearest(text, needle),
                      hint="copy the words from the article (quotes and spacing may differ), or use --sentence N")
    if len(hits) > 1:
        raise KGError(f"the quote occurs {len(hits)} times in the article: {quote.strip()!r}",
                      hint="quote more of the sentence, so that it occurs once")
    start = where[hits[0]]
    return start, where[hits[0] + len(needle) - 1] + 1


def _nearest(text: str, needle: str) -> str:
    from rapidfuzz import fuzz

    best = max(sentences(text), key=lambda s: fuzz.partial_ratio(needle, _folded(text[s[0]:s[1]])[0]), default=None)
    if best is None:
        return ""
    number = sentences(text).index(best) + 1
    return f"; nearest is sentence {number}: {' '.join(text[best[0]:best[1]].split())!r}"


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of `text` as (start, end) offsets: each line (a line break before a lower-case
    word only wraps the line), cut after a full stop."""
    out = []
    for line in re.finditer(r"(?:[^\n]|\n(?=[ \t]*[a-z]))+", text):
        start = line.start()
        for end in _END.finditer(line.group()):
            head = line.group()[max(0, end.start() - 12):end.start() + 1]
            if _ABBREVIATION.search(head):
                continue
            out.append((start, line.start() + end.end()))
            start = line.start() + end.end()
        out.append((start, line.end()))
    trimmed = []
    for start, end in out:
        piece = text[start:end]
        start += len(piece) - len(piece.lstrip())
        end -= len(piece) - len(piece.rstrip())
        if end > start and any(c.isalnum() for c in text[start:end]):
            trimmed.append((start, end))
    return trimmed


def sentence(text: str, number: int) -> tuple[int, int]:
    found = sentences(text)
    if not 1 <= number <= len(found):
        raise KGError(f"the article has sentences 1 to {len(found)}, not {number}",
                      hint="see them numbered with 'kg review FILE --sentences'", exit_code=2)
    return found[number - 1]


def did_you_mean(name: str, doc: dict, data: curated.Curated) -> str:
    """Entities a mistyped id may have meant: an id, label or alias containing it, or close to it."""
    entries = [(e.id, [e.label, *e.aliases]) for e in data.entities.values()]
    entries += [(str(e["id"]), [str(f) for f in [e.get("label"), *(e.get("aliases") or [])] if f])
                for e in doc["entities"]]
    want = norm(name).replace(" ", "")
    close = [ident for ident, forms in entries
             if len(want) >= 3 and any(want in norm(f).replace(" ", "") for f in [ident, *forms])]
    close = list(dict.fromkeys(close))
    if not close or len(close) > 5:
        close = difflib.get_close_matches(name, [i for i, _ in entries], n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(close[:5])}?" if close else ""


def resolve(name: str, role: str, doc: dict, data: curated.Curated) -> str:
    """The entity id `name` stands for (an id of the review file or of data/), or one clear error."""
    mine = next((e for e in doc["entities"] if e["id"] == name), None)
    if mine is not None:
        if str(mine.get("status", "")).lower() in ("rejected", "reject", "no"):
            raise KGError(f"{role} {name} is a rejected candidate", hint=f"accept it first: --accept {name}")
        return name
    if name in data.entities:
        return name
    raise KGError(f"no entity '{name}' (the {role}) in the review file or data/" + did_you_mean(name, doc, data),
                  hint="see the ids with 'kg review FILE' or find one with --search NAME", exit_code=2)


def triple(spec: str, doc: dict, data: curated.Curated, onto: Ontology) -> tuple[str, str, str]:
    parts = spec.split()
    if len(parts) != 3:
        raise KGError(f"--add takes \"SUBJECT RELATION OBJECT\" (three ids), not {spec!r}",
                      hint='for example: --add "ThomasHoman threatened GraniteCounty" --quote "..."', exit_code=2)
    subject, relation, object_ = parts
    if relation not in onto.relations:
        close = difflib.get_close_matches(relation, list(onto.relations), n=3, cutoff=0.6)
        raise KGError(f"no relation '{relation}' in the ontology"
                      + (f"; did you mean {' or '.join(close)}?" if close else ""),
                      hint="see 'kg query relations' or ontology/kg.ttl", exit_code=2)
    if onto.relations[relation].datatype:
        raise KGError(f"'{relation}' takes a number, not an entity; --add writes statements between entities",
                      hint="add value statements in data/statements/ by hand", exit_code=2)
    return resolve(subject, "subject", doc, data), relation, resolve(object_, "object", doc, data)


def add(doc: dict, text: str, spec: str, data: curated.Curated, onto: Ontology, *,
        quote: str | None = None, number: int | None = None, date: str | None = None, implied: bool = False) -> str:
    """Add the statement `spec` to `doc`, accepted, quoting `quote` or sentence `number` of
    `text` (with the `date` it happened, if the text gives one; `implied` if the text implies it
    rather than says it); return what was done. A statement the file or data/ already has is not
    added twice."""
    from .. import values

    subject, relation, object_ = triple(spec, doc, data, onto)
    if date is not None and not values.is_date(str(date)):
        raise KGError(f"--date {date!r} is not a real YYYY, YYYY-MM or YYYY-MM-DD",
                      hint="write the date the text gives, e.g. 2025-06-15", exit_code=2)
    if (quote is None) == (number is None):
        raise KGError("--add needs the words of the article that state it: --quote \"...\" or --sentence N",
                      hint="see the sentences numbered with 'kg review FILE --sentences'", exit_code=2)
    start, end = find_quote(text, quote) if quote is not None else sentence(text, number)
    source = doc["source"]
    for st in doc["statements"]:
        same = (st.get("subject"), st.get("relation"), st.get("object")) == (subject, relation, object_)
        offsets = st.get("offsets") or [None, None]
        if same and (offsets[0] is None or (offsets[0] < end and start < offsets[1])):
            st["status"] = "accepted"
            return f"{st['id']} already states {subject} {relation} {object_}: accepted it"
    for st in data.statements.values():
        if st.source == source and (st.subject, st.relation, st.object) == (subject, relation, object_):
            return f"{st.id} in data/ already states {subject} {relation} {object_}: nothing added"
    taken = {str(st["id"]) for st in doc["statements"]} | set(data.statements)
    numbers = [int(m.group(1)) for i in taken if (m := re.fullmatch(re.escape(source) + r"-(\d+)", i))]
    number_ = max(numbers, default=0) + 1
    while f"{source}-{number_:03d}" in taken:
        number_ += 1
    ident = f"{source}-{number_:03d}"
    record = {"id": ident, "subject": subject, "relation": relation, "object": object_, "quote": text[start:end]}
    if date:
        record["date"] = str(date)
    record.update(confidence="implied" if implied else "explicit", status="accepted", rule="review --add",
                  score=1.0, offsets=[start, end])
    doc["statements"].append(record)
    return f"added {ident}: {subject} {relation} {object_}" + (f" [{date}]" if date else "") \
        + f" ({'implied, ' if implied else ''}accepted), quoting characters {start}-{end}: " \
        + f"\u201c{' '.join(text[start:end].split())}\u201d"


def numbered(text: str) -> list[list]:
    """Rows of number, sentence (white space made single) for `--sentences`."""
    return [[n, " ".join(text[s:e].split())] for n, (s, e) in enumerate(sentences(text), 1)]


def article(path: Path, doc: dict) -> str:
    from .review import _article_text

    return _article_text(Path(path), doc["article"])


def add_to_file(path: str | Path, project, spec: str, *, quote: str | None = None,
                number: int | None = None, date: str | None = None, implied: bool = False) -> str:
    """`add` on the review file at `path`, saved; what was done."""
    from .. import ontology
    from .. import project as projects
    from .review import load, save

    path = Path(path)
    project = project if isinstance(project, projects.Project) else projects.find(project)
    doc = load(path)
    data = curated.read(project.data_dir, project.root)
    said = add(doc, article(path, doc), spec, data, ontology.load(project.ontology_dir), quote=quote, number=number,
               date=date, implied=implied)
    save(path, doc)
    return said
