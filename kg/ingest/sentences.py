"""Split repaired text into sentences, keeping their offsets.

Rules rather than a model: a sentence ends at . ! ? or … (and any closing quotes or brackets)
when white space and a capital, digit or opening quote follow, unless the word before the
period is an abbreviation ('Feb.', 'Gov.', 'U.S.') or an initial. Line breaks always end one,
so headlines and captions stand alone. A run-on longer than MAX_CHARS (a list, a table, text
without full stops) is cut at clause boundaries, so that every later step works on bounded
pieces and the time of ingest stays linear in the article's length.
"""

from __future__ import annotations

import re

from .model import Sentence
from .rules import rules

_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[A-Z0-9—–-])")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
_CLAUSE_END = re.compile(r"[;:,](?=\s)|\s(?=(?:and|but|or|while|whereas)\s)|\s")
#: Longer sentences are cut into pieces (real news sentences are far shorter).
MAX_CHARS = 600


def split(text: str) -> list[Sentence]:
    """The sentences of `text`, in order.

    >>> [s.text for s in split("On Feb. 7, the city sued. Mayor J. Roe said so.\\nHeadline")]
    ['On Feb. 7, the city sued.', 'Mayor J. Roe said so.', 'Headline']
    """
    abbreviations = set(rules()["abbreviations"])
    out: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end in _END.finditer(line.group()):
            head = line.group()[max(0, end.start() - 60):end.start() + 1]
            word = _WORD_BEFORE.search(head)
            if word and (word.group(1) in abbreviations or re.fullmatch(r"[A-Z]", word.group(1))
                         or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word.group(1))):
                continue
            _add(out, text, start, line.start() + end.end())
            start = line.start() + end.end()
        _add(out, text, start, line.end())
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    while end - start > MAX_CHARS:  # a run-on: cut at the last clause boundary that fits
        window = text[start + MAX_CHARS // 2:start + MAX_CHARS]
        cuts = [m.end() for m in _CLAUSE_END.finditer(window) if not m.group().isspace()] \
            or [m.end() for m in _CLAUSE_END.finditer(window)] or [len(window)]
        cut = start + MAX_CHARS // 2 + cuts[-1]
        _add(out, text, start, cut)
        start = cut
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(c.isalnum() for c in text[start:end]):
        out.append(Sentence(len(out), start, end, text[start:end]))
