"""Values that data files, catalog parameters and the command line spell the same way: ids of
entities, statements and sources, and dates of year, month or day precision.

One parser for each, so that `date: 2025-02-30` in data/, `--as-of 2025-02-30` on the command
line and a `date` parameter of a catalog query are refused with the same words.

>>> parse_date("2025-02").precision
'month'
>>> parse_date("2023-02-29")
Traceback (most recent call last):
...
ValueError: '2023-02-29' is not a day of the calendar
>>> is_id("DavidChiu"), is_id("David Chiu"), is_id("Chiu\\n")
(True, False, False)
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

#: What an id may be: a letter, then letters, digits, '-', '_' and '.'. Used with fullmatch, so
#: a trailing newline is not an id.
ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
ID_HINT = "use letters, digits, '-', '_' and '.', starting with a letter"

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
DATE_HINT = "write YYYY, YYYY-MM or YYYY-MM-DD, as precisely as the text gives it"


def is_id(text: str) -> bool:
    """Whether `text` is an id as data/ writes them."""
    return isinstance(text, str) and ID_PATTERN.fullmatch(text) is not None


def is_date(value: object) -> bool:
    """Whether `value` is a date parse_date takes."""
    try:
        parse_date(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day, as a text gives it."""

    text: str  # YYYY, YYYY-MM or YYYY-MM-DD
    precision: str  # "year", "month" or "day"

    @property
    def first(self) -> datetime.date:
        """The first day it may mean."""
        year, month, day = (int(p) for p in (self.text.split("-") + ["1", "1"])[:3])
        return datetime.date(year, month, day)

    @property
    def last(self) -> datetime.date:
        """The last day it may mean.

        >>> parse_date("2024-02").last
        datetime.date(2024, 2, 29)
        """
        first = self.first
        if self.precision == "day":
            return first
        if self.precision == "year":
            return datetime.date(first.year, 12, 31)
        following = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)

    def __str__(self) -> str:
        return self.text


def parse_date(value: object) -> PartialDate:
    """`value` (text, or a date YAML already read as one) as a PartialDate; ValueError, with the
    reason, for anything else: another format, a month 13, a 30 February, a trailing newline."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return PartialDate(value.isoformat(), "day")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{value!r} is not a date")
    text = str(value)
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a date")
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"{text!r} has no month {month}")
    if day:
        try:
            datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{text!r} is not a day of the calendar") from None
    return PartialDate(text, "day" if day else "month" if month else "year")
