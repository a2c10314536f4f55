"""Split repaired text into sentences, keeping their offsets.

Rules rather than a model: a sentence ends at . ! ? or … (and any closing quotes or brackets)
when white space and a capital, digit or opening quote follow, unless the word before the
period is an abbreviation ('Feb.', 'Gov.', 'U.S.') or an initial. Line breaks always end one,
so headlines and captions stand alone.
"""

from __future__ import annotations

import re

from .model import Sentence
from .rules import rules

_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[A-Z0-9—–-])")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


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
            head = line.group()[:end.start() + 1]
            word = _WORD_BEFORE.search(head)
            if word and (word.group(1) in abbreviations or re.fullmatch(r"[A-Z]", word.group(1))
                         or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word.group(1))):
                continue
            _add(out, text, start, line.start() + end.end())
            start = line.start() + end.end()
        _add(out, text, start, line.end())
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(c.isalnum() for c in text[start:end]):
        out.append(Sentence(len(out), start, end, text[start:end]))
