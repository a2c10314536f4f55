"""Find dates in a sentence and resolve them against the article's own date.

'On Feb. 7' in an article of 2025-02 is 2025-02-07; 'in December' in an article of 2025-02 is
2024-12 (the last December before); 'last month' is the month before the article's; 'eight
years ago' is the year eight before; 'on Thursday' and 'last night' in an article of a known
day are resolved by dateparser against it. Without an article date, only dates that carry their
own year resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_MONTHS = {name: i + 1 for i, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")]) for name in names}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "a": 1, "an": 1}
_PATTERNS = [
    ("month-day-year", re.compile(rf"\b({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?, (\d{{4}})\b")),
    ("month-day", re.compile(rf"\b({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?\b(?!,? \d{{4}})")),
    ("month-year", re.compile(rf"\b({_MONTH}),? (\d{{4}})\b")),
    ("month", re.compile(rf"\b(?:in|since|by|until|during|early|late|mid-?|last|this) ({_MONTH})(?! \d)\b")),
    ("year", re.compile(r"\b(?:in|since|during|by|until|of|from|early|late|mid-?) (\d{4})\b(?!\s*(?:study|report|people|cities))")),
    ("relative-month", re.compile(r"\b(last|this|next) month\b")),
    ("relative-year", re.compile(r"\b(last|this|next) year\b")),
    ("years-ago", re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an) years? ago\b")),
    # 'on Thursday', 'last night', 'yesterday': resolved by dateparser against a full article date
    ("relative-day", re.compile(r"\b(?:(?:on|last|this past|late|early) )?((?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?: (?:night|morning|afternoon|evening))?)\b(?!,? (?:" + _MONTH[3:-1] + r"))"
                                r"|\b(last night|yesterday|today|this morning|this afternoon|this evening|tonight|earlier today)\b", re.I)),
]


@dataclass(frozen=True)
class DateMention:
    start: int  # offsets within the sentence
    end: int
    text: str
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD
    rule: str


def _anchor(article_date: str | None) -> tuple[int | None, int | None]:
    if not article_date:
        return None, None
    parts = str(article_date).split("-")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 else None


def _month_year(month: int, year: int | None, article_month: int | None) -> int | None:
    """The year of a month named without one: the last such month up to the article's."""
    if year is None:
        return None
    if article_month is not None and month > article_month + 1:
        return year - 1
    return year


def find(sentence: str, article_date: str | None) -> list[DateMention]:
    """Dates in `sentence`, resolved against `article_date` (YYYY, YYYY-MM or YYYY-MM-DD).

    >>> [d.value for d in find("On Feb. 7, the city sued; in December it had warned.", "2025-02")]
    ['2025-02-07', '2024-12']
    """
    year, month = _anchor(article_date)
    parts = str(article_date or "").split("-")
    day = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for rule, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _value(rule, m, year, month, day)
            if value:
                found.append(DateMention(m.start(), m.end(), m.group(), value, rule))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


@lru_cache(maxsize=1024)
def _relative_day(phrase: str, year: int | None, month: int | None, day: int | None) -> str | None:
    """'thursday' or 'last night' in an article of YYYY-MM-DD: the day it names (the most recent
    such weekday up to the article's day), by dateparser."""
    import datetime

    if not (year and month and day):
        return None
    base = datetime.datetime(year, month, day, 12)
    weekday = re.match(r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)", phrase)
    if weekday:
        if base.strftime("%A").lower() == weekday.group(1):
            return base.date().isoformat()  # 'on Friday' in Friday's paper: that day
        phrase = weekday.group(1)
    elif phrase in ("today", "this morning", "this afternoon", "this evening", "tonight", "earlier today"):
        return base.date().isoformat()
    elif phrase == "last night":
        phrase = "yesterday"
    import dateparser

    found = dateparser.parse(phrase, languages=["en"],
                             settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})
    return found.date().isoformat() if found and found <= base else None


def _value(rule: str, m: re.Match[str], year: int | None, month: int | None, day: int | None = None) -> str | None:
    def month_of(text: str) -> int:
        return _MONTHS[text.rstrip(".").lower()]

    if rule == "month-day-year":
        return f"{int(m.group(3)):04d}-{month_of(m.group(1)):02d}-{int(m.group(2)):02d}"
    if rule == "month-day":
        mo = month_of(m.group(1))
        y = _month_year(mo, year, month)
        day = int(m.group(2))
        return f"{y:04d}-{mo:02d}-{day:02d}" if y and 1 <= day <= 31 else None
    if rule == "month-year":
        return f"{int(m.group(2)):04d}-{month_of(m.group(1)):02d}"
    if rule == "month":
        mo = month_of(m.group(1))
        y = _month_year(mo, year, month)
        return f"{y:04d}-{mo:02d}" if y else None
    if rule == "year":
        y = int(m.group(1))
        return str(y) if 1900 <= y <= 2100 else None
    if rule == "relative-month":
        if year is None or month is None:
            return None
        shift = {"last": -1, "this": 0, "next": 1}[m.group(1).lower()]
        total = year * 12 + month - 1 + shift
        return f"{total // 12:04d}-{total % 12 + 1:02d}"
    if rule == "relative-year":
        return str(year + {"last": -1, "this": 0, "next": 1}[m.group(1).lower()]) if year else None
    if rule == "relative-day":
        return _relative_day((m.group(1) or m.group(2)).lower(), year, month, day)
    if rule == "years-ago":
        n = m.group(1).lower()
        return str(year - (int(n) if n.isdigit() else _NUMBERS[n])) if year else None
    return None
