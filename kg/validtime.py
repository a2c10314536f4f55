"""Two times, never confused: when a source said something, and when it held or happened.

Attestation is the source's publication date, always known. Valid time is given only where a
text gives or fixes it: an act's event date (a point), a state's start and end (a kg:StateRelation
such as holdsRole), or a date at which the text says the state held. Each is a day, a month or a
year (its precision), or a bound on an end ('former' in February 2025: it had ended by then),
so each stands for a span of days. On a date a statement is **certain** (every reading of its
dates, one day picked in each span, covers the date), **possible** (some reading does) or
**not held**; analysis takes the certain ones unless asked for the possible ones too.

A statement with no valid time is only attested: an undated act is known to have happened by
the end of its attestation, and nothing more; an undated state is not known to hold at any date.

>>> holds({"kind": "state", "published": "2017"}, window(as_of="2017"))
False
>>> holds({"relation": "sued", "published": "2018-01"}, window(as_of="2018"))
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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


#: The three answers to "did it hold then?": every reading of the dates says so, some do, none do.
CERTAIN, POSSIBLE, NOT_HELD = "certain", "possible", "not held"
ANSWERS = (CERTAIN, POSSIBLE, NOT_HELD)


class Readings(NamedTuple):
    """The days a state's start and its end may fall on, by every reading of its dates' precision
    (ISO strings, a month's last day written '-31' as in `date_span`)."""

    start_first: str
    start_last: str
    end_first: str
    end_last: str


def readings(date: str | None, start: str | None, end: str | None,
             latest_end: str | None = None) -> Readings | None:
    """Where a state's start and end may fall, from its `start`, `end`, a `date` at which the text
    says it held and a `latest_end` (the state had ended by then: 'former'); None when the texts
    give it no valid time, or dates no reading can satisfy.

    A state is claimed only where the texts place it: without a start it begins no earlier than
    its first dated day; without an end it lasts, at most, to the last day of its latest date
    (or its `latest_end`). A reading picks one day in each date's span; the state held from its
    start to its end, and on the day it is said to hold.

    >>> readings("2018-01", "2017", None)
    Readings(start_first='2017-01-01', start_last='2017-12-31', end_first='2018-01-01', end_last='2018-01-31')
    >>> readings("2025-02", "2025-02-07", None).start_last, readings(None, None, None, "2025-02")
    ('2025-02-07', None)
    """
    given = [date_span(v) for v in (start, date, end) if v]
    if not given:
        return None
    start_first = date_span(start)[0] if start else given[0][0]
    start_last = min(span[1] for span in given)
    end_first = max(span[0] for span in given)
    if end:
        end_last = date_span(end)[1]
    elif latest_end:
        end_last = date_span(latest_end)[1]
    else:
        end_last = max(span[1] for span in given)
    if latest_end:
        end_last = min(end_last, date_span(latest_end)[1])
    if start_first > start_last or end_first > end_last or start_first > end_last:
        return None
    return Readings(start_first, start_last, end_first, end_last)


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


def standing(data: Mapping[str, Any], win: Window | None) -> str:
    """'certain', 'possible' or 'not held': whether a statement (an edge's attributes: ``kind``
    -- 'state' or 'act' --, ``date``, ``start_date``, ``end_date``, ``latest_end``,
    ``published``) belongs to the graph of `win`, by valid time alone.

    The one place this is decided: the networkx export, metrics, paths, the views' date range
    and the analysis snapshot call it, and queries/as-of.rq says the same in SPARQL. A state is
    certain where every reading of its dates (`readings`) has it hold on some day of the
    window, possible where some reading does. An act is certain where every day its date may
    mean is in the window, possible where one is; an undated act is certain in an as-of graph
    that begins at the beginning and ends after its attestation (it happened by then; when, we
    do not know, so no earlier window is offered as possible either).

    >>> w = window(as_of="2016-11-14")
    >>> standing({"kind": "state", "date": "2016-11-14"}, w), standing({"kind": "state", "date": "2016-11"}, w)
    ('certain', 'possible')
    >>> standing({"kind": "state"}, w), standing({"date": "2016"}, w), standing({"date": "2017-02"}, w)
    ('not held', 'possible', 'not held')
    """
    if win is None:
        return CERTAIN
    if data.get("kind") == "state":
        r = readings(data.get("date"), data.get("start_date"), data.get("end_date"), data.get("latest_end"))
        if r is None or r.start_first > win.to or r.end_last < win.states_from:
            return NOT_HELD
        return CERTAIN if r.start_last <= win.to and r.end_first >= win.states_from else POSSIBLE
    when = data.get("date")
    if when:
        first, last = date_span(when)
        if first > win.to or (win.acts_from is not None and last < win.acts_from):
            return NOT_HELD
        return CERTAIN if last <= win.to and (win.acts_from is None or first >= win.acts_from) else POSSIBLE
    attested = data.get("published")
    if win.acts_from is None and attested is not None and date_span(attested)[1] <= win.to:
        return CERTAIN
    return NOT_HELD


def state_on(data: Mapping[str, Any], day: DateLike) -> str:
    """`standing` on one date (a day, or a whole month or year: held at some time in it).

    >>> state_on({"kind": "state", "start_date": "2025-02-07", "date": "2025-02"}, "2025-02-03")
    'not held'
    >>> state_on({"kind": "state", "start_date": "2025-02-07", "date": "2025-02"}, "2025-02-10")
    'possible'
    """
    return standing(data, window(as_of=day))


def state_between(data: Mapping[str, Any], since: DateLike | None, until: DateLike | None) -> str:
    """`standing` within a date range (either end open): what a timeline's or a view's range keeps.

    >>> state_between({"date": "2017"}, "2017-01", "2017-06"), state_between({"date": "2017-03"}, "2017", None)
    ('possible', 'certain')
    """
    return standing(data, window(as_of=(since, until)))


def holds(data: Mapping[str, Any], win: Window | None, possible: bool = False) -> bool:
    """Whether a statement is in the graph of `win`: certainly, or possibly too when `possible`.

    >>> w = window(as_of="2016")
    >>> holds({"kind": "state", "date": "2016-11-14"}, w), holds({"kind": "state"}, w)
    (True, False)
    >>> holds({"date": "2017-02"}, w), holds({"published": "2016-12"}, w)
    (False, True)
    >>> holds({"kind": "state", "date": "2016-11"}, window(as_of="2016-11-14"), possible=True)
    True
    """
    answer = standing(data, win)
    return answer == CERTAIN or (possible and answer == POSSIBLE)


def valid_date(data: dict[str, Any]) -> str | None:
    """When a statement happened or began, as the text gives it (a state's start, else the
    event date or the date it is said to hold, else its end); None when it is only attested.

    >>> valid_date({"published": "2018-01"}) is None
    True
    """
    return data.get("start_date") or data.get("date") or data.get("end_date")
