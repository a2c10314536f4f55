"""Repair encoding damage for display; stored text and quotes stay verbatim.

Two kinds of damage turn up in scraped news: ordinary mojibake (UTF-8 read as cp1252,
'â€™' for '’'), and mojibake whose continuation bytes were then lost, leaving a bare 'â'
where a quotation mark, apostrophe or dash stood. The first is undone by ftfy; the second
cannot be undone byte for byte, so the bare 'â' is read from its neighbours.

`repair` also keeps a map from the repaired text back to the original's offsets, so that a
span found in the readable text can be quoted verbatim from the stored one.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

import ftfy

# UTF-8 punctuation read as cp1252 that ftfy leaves alone because a byte is missing.
_MOJIBAKE = {
    "â€™": "’", "â€˜": "‘", "â€œ": "“", "â€\x9d": "”", "â€": "”",
    "â€”": "—", "â€“": "–", "â€¦": "…", "Â\xa0": "\xa0",
}
_MOJIBAKE_RE = re.compile("|".join(sorted(map(re.escape, _MOJIBAKE), key=len, reverse=True)))

# Lost-byte damage, in the order the rules must apply.
_LOST_BYTE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile("âŚ|⌠"), "…"),  # ellipsis: the one survivor of three bytes
    (re.compile("Â(?=[\\s\xa0]|$)"), ""),  # a no-break space's lead byte
    (re.compile("ââ"), "”—"),  # a closing quote run into a dash
    (re.compile(r"(?<=[A-Za-z])â(?=(?:s|t|re|ll|ve|d|m)\b)"), "’"),  # Trump’s, don’t, they’re
    (re.compile(r"(?<=[A-Za-z0-9])â(?=[A-Za-z])"), "—"),  # jurisdictions—which
    (re.compile(r"(?:(?<=^)|(?<=[\s(\[—]))â(?=\S)", re.M), "“"),  # an opening quote
    (re.compile("â"), "”"),  # whatever is left closes a quote
]
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")

#: One replacement: text[new_start:new_end] of the output stands for [old_start:old_end] of the input.
Edit = tuple[int, int, int, int]


@dataclass(frozen=True)
class Repaired:
    """A repaired text, the original, and the edits that lead from one to the other.

    >>> r = repair("Trumpâs order")
    >>> r.text, r.original_span(0, 7), r.original[slice(*r.original_span(0, 7))]
    ('Trump’s order', (0, 7), 'Trumpâs')
    """

    original: str
    text: str
    passes: tuple[_Pass, ...] = field(default=(), repr=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that [start, end) of the repaired text came from."""
        for step in reversed(self.passes):
            start, end = step.back(start, False), step.back(end, True)
        return start, end


class _Pass:
    """The edits of one rewriting pass, searchable by position."""

    def __init__(self, edits: list[Edit]):
        self.edits = edits
        self.starts = [e[0] for e in edits]
        self.ends = [e[1] for e in edits]

    def back(self, pos: int, is_end: bool) -> int:
        """Map a position of the output to the input; inside an edit, to the edit's bounds."""
        i = bisect_right(self.starts, pos) - 1
        if i >= 0:
            new_start, new_end, old_start, old_end = self.edits[i]
            if (new_start < pos <= new_end) if is_end else (new_start <= pos < new_end):
                return old_end if is_end else old_start
        j = (bisect_left(self.ends, pos) if is_end else bisect_right(self.ends, pos)) - 1
        return pos if j < 0 else pos - self.edits[j][1] + self.edits[j][3]


def _substitute(text: str, pattern: re.Pattern[str],
                replace: Callable[[re.Match[str]], str]) -> tuple[str, list[Edit]]:
    parts, edits, at, shift = [], [], 0, 0
    for match in pattern.finditer(text):
        new = replace(match)
        if new == match.group():
            continue
        parts.append(text[at:match.start()])
        parts.append(new)
        start = match.start() + shift
        edits.append((start, start + len(new), match.start(), match.end()))
        shift += len(new) - (match.end() - match.start())
        at = match.end()
    if not edits:
        return text, edits
    parts.append(text[at:])
    return "".join(parts), edits


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _: text


def repair(text: str) -> Repaired:
    """Repair mojibake (ftfy) and lost-byte damage, keeping a map back to `text`'s offsets."""
    if text.isascii():
        return Repaired(text, text)
    passes: list[list[tuple[int, int, int, int]]] = []
    out, edits = _substitute(text, _NON_ASCII_RUN, lambda m: ftfy.fix_encoding(m.group()))
    passes.append(edits)
    if "â" in out or "Â" in out or "⌠" in out:
        steps: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
            (_MOJIBAKE_RE, lambda m: _MOJIBAKE[m.group()])]
        steps += [(pattern, _constant(replacement)) for pattern, replacement in _LOST_BYTE_RULES]
        for pattern, replace in steps:
            out, edits = _substitute(out, pattern, replace)
            passes.append(edits)
    done = tuple(_Pass(p) for p in passes if p)
    return Repaired(text, out if done else text, done)


def clean(text: str) -> str:
    """Return `text` with mojibake and lost-byte damage repaired for reading.

    >>> clean("Trumpâs âsanctuary citiesâ")
    'Trump’s “sanctuary cities”'
    """
    return repair(text).text
