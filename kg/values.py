"""Values that data files, catalog parameters and the command line spell the same way: ids of
entities, statements and sources, dates of year, month or day precision, and the limits of a
query (seconds, megabytes).

One parser for each, so that `date: 2025-02-30` in data/, `--as-of 2025-02-30` on the command
line and a `date` parameter of a catalog query are refused with the same words, as are
`--timeout nan` on the command line, `kg.load(timeout=float("inf"))` and `kg serve --timeout 1e308`.

>>> parse_date("2025-02").precision
'month'
>>> parse_date("2023-02-29")
Traceback (most recent call last):
...
ValueError: '2023-02-29' is not a day of the calendar
>>> is_id("DavidChiu"), is_id("David Chiu"), is_id("Chiu\\n")
(True, False, False)
>>> parse_seconds("1e308")
Traceback (most recent call last):
...
ValueError: 1e308 seconds is more than the longest limit kg takes (604,800 s, a week)
"""

from __future__ import annotations

import datetime
import math
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


#: The widest limits kg takes: a longer time or a larger memory is a typo, and would overflow the
#: clocks and counters it is added to (a deadline of 1e308 s, an address space of 1e308 MB).
MAX_SECONDS = 7 * 24 * 3600
MAX_MEGABYTES = 1 << 20  # 1 TB
MIN_MEGABYTES = 64  # below, the engine cannot even start
LIMIT_HINT = "give a plain number, such as 60 (seconds) or 2048 (MB)"


def _number(value: object, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{value!r} is not a number of {unit}")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise ValueError(f"{value!r} is not a number of {unit}") from None
    if math.isnan(number):
        raise ValueError(f"{value!r} is not a number of {unit}")
    return number


def parse_seconds(value: object) -> float:
    """A time limit in seconds: a number above 0 and at most MAX_SECONDS (no NaN, no infinity);
    ValueError, with the reason, for anything else."""
    seconds = _number(value, "seconds")
    if not seconds > 0:
        raise ValueError(f"{value} seconds is no time: a limit must be above 0")
    if seconds > MAX_SECONDS:
        raise ValueError(f"{value} seconds is more than the longest limit kg takes ({MAX_SECONDS:,} s, a week)")
    return seconds


def parse_megabytes(value: object) -> int:
    """A memory limit in MB: a whole number from MIN_MEGABYTES to MAX_MEGABYTES; ValueError,
    with the reason, for anything else."""
    megabytes = _number(value, "megabytes")
    if megabytes > MAX_MEGABYTES:
        raise ValueError(f"{value} MB is more than the largest limit kg takes ({MAX_MEGABYTES:,} MB, 1 TB)")
    if megabytes < MIN_MEGABYTES:
        raise ValueError(f"{value} MB is less than the least memory a query needs ({MIN_MEGABYTES} MB)")
    if megabytes != int(megabytes):
        raise ValueError(f"{value} MB is not a whole number of megabytes")
    return int(megabytes)
