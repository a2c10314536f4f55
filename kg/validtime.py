"""Two times, never confused: when a source said something, and when it held or happened.

Attestation is the source's publication date, always known. Valid time is given only where a
text gives or fixes it: an act's event date (a point), a state's start and end (a kg:StateRelation
such as holdsRole), or a date at which the text says the state held. Each is a day, a month or a
year (its precision), so each stands for a span of days, and comparisons are made on spans.

A statement with no valid time is only attested: an undated act is known to have happened by
the end of its attestation, and nothing more; an undated state is not known to hold at any date.

>>> holds({"kind": "state", "published": "2017"}, window(as_of="2017"))
False
>>> holds({"relation": "sued", "published": "2018-01"}, window(as_of="2018"))
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from .errors import KGError
from .values import DATE_HINT, parse_date

DateLike = str | dt.date
PRECISION = {4: "year", 7: "month", 10: "day"}


def date_span(value: DateLike) -> tuple[str, str]:
    """The first and last day a date of 1, 2 or 3 parts can mean, as ISO strings.

    >>> date_span("2017-02")
    ('2017-02-01', '2017-02-31')
    """
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    parts = text.split("-")
    if not (1 <= len(parts) <= 3 and all(p.isdigit() and len(p) == n for p, n in zip(parts, (4, 2, 2)))):
        raise KGError(f"bad date {value!r}", hint="write YYYY, YYYY-MM or YYYY-MM-DD")
    # Lexical order of ISO dates is time order, so an impossible '-31' still bounds the month.
    first = "-".join(parts + ["01"] * (3 - len(parts)))
    last = "-".join(parts + ["12", "31"][len(parts) - 1:]) if len(parts) < 3 else text
    return first, last


def precision(value: str) -> str:
    """'day', 'month' or 'year', from how much of the date is written.

    >>> precision("2025-02")
    'month'
    """
    return PRECISION[len(value)]


def state_span(date: str | None, start: str | None, end: str | None) -> tuple[str, str] | None:
    """The days over which the texts say a state held: from its start (else the date it is said
    to hold) to its end (else that date); None when the texts give no valid time.

    An open end is not "until now": a role that started in 2017 and is said to hold in January
    2018 is known to hold from 2017 to January 2018, not in 2020.

    >>> state_span("2018-01", "2017", None)
    ('2017-01-01', '2018-01-31')
    >>> state_span(None, None, None) is None
    True
    """
    lower, upper = start or date, end or date
    if lower is None or upper is None:
        if lower is None and upper is None:
            return None
        lower = upper = lower or upper
    assert lower is not None and upper is not None
    return date_span(lower)[0], date_span(upper)[1]


class Window(NamedTuple):
    """The days a graph is asked about (see `window`): acts from `acts_from` (None: from the
    beginning), states held at some day from `states_from`, both up to `to`."""

    acts_from: str | None
    states_from: str
    to: str


def _checked(value: DateLike) -> None:
    """Refuse a date the calendar does not have, as data/ and the command line refuse it."""
    try:
        parse_date(value)
    except ValueError as exc:
        raise KGError(str(exc), hint=DATE_HINT) from None


def window(as_of: DateLike | tuple[DateLike | None, DateLike | None] | None = None) -> Window | None:
    """The window of an ``as_of`` filter: a date D (acts that happened by the end of D, states
    that held during D) or a ``(since, until)`` pair (what happened or held within it).

    >>> window(as_of="2017")
    Window(acts_from=None, states_from='2017-01-01', to='2017-12-31')
    >>> window(as_of=("2017", None))
    Window(acts_from='2017-01-01', states_from='2017-01-01', to='9999-12-31')
    >>> try:
    ...     window(as_of="2025-02-30")
    ... except KGError as exc:
    ...     print(exc.args[0])
    '2025-02-30' is not a day of the calendar
    """
    if as_of is None:
        return None
    for value in as_of if isinstance(as_of, tuple) else (as_of,):
        if value is not None:
            _checked(value)
    if isinstance(as_of, tuple):
        since, until = as_of
        first = date_span(since)[0] if since else "0000-01-01"
        return Window(first if since else None, first, date_span(until)[1] if until else "9999-12-31")
    first, last = date_span(as_of)
    return Window(None, first, last)


def holds(data: dict[str, Any], win: Window | None) -> bool:
    """Whether a statement (an edge's attributes: ``kind`` -- 'state' or 'act' --, ``date``,
    ``start_date``, ``end_date``, ``published``) belongs to the graph of `win`, by valid time alone.

    The one place this is decided: the networkx export, the views' timeline and any
    analysis snapshot call it. A date of month or year precision counts where its span meets
    the window. A state counts only where its valid time meets the window; an act counts where
    it happened in the window, and an undated act only in an as-of graph that begins at the
    beginning and ends after its attestation (it happened by then, when, we do not know).

    >>> w = window(as_of="2016")
    >>> holds({"kind": "state", "date": "2016-11-14"}, w), holds({"kind": "state"}, w)
    (True, False)
    >>> holds({"date": "2017-02"}, w), holds({"published": "2016-12"}, w)
    (False, True)
    """
    if win is None:
        return True
    if data.get("kind") == "state":
        span = state_span(data.get("date"), data.get("start_date"), data.get("end_date"))
        return span is not None and span[0] <= win.to and span[1] >= win.states_from
    when = data.get("date")
    if when:
        first, last = date_span(when)
        return first <= win.to and (win.acts_from is None or last >= win.acts_from)
    attested = data.get("published")
    return win.acts_from is None and attested is not None and date_span(attested)[1] <= win.to


def valid_date(data: dict[str, Any]) -> str | None:
    """When a statement happened or began, as the text gives it (a state's start, else the
    event date or the date it is said to hold, else its end); None when it is only attested.

    >>> valid_date({"published": "2018-01"}) is None
    True
    """
    return data.get("start_date") or data.get("date") or data.get("end_date")
