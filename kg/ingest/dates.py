"""The `dates` step: the date of each act, from a date the model finds in its clause, read
against the article's own date by dateparser.

'on Feb. 7' in an article of 2025-02 is 2025-02-07; 'in December' is the last December up to the
article's month; 'on Thursday' is the last Thursday up to the article's day; 'last month' the
month before. The precision is what the text gives: a day, a month or a year. Without an article
date only dates that carry their own year resolve.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def _base(article_date: str | None) -> datetime.datetime | None:
    parts = [int(p) for p in str(article_date or "").split("-") if p.isdigit()]
    if not parts:
        return None
    year, month, day = (parts + [12, 28])[:3] if len(parts) == 1 else (parts + [28])[:3]
    return datetime.datetime(year, month, day, 12)


@lru_cache(maxsize=2048)
def resolve(phrase: str, article_date: str | None) -> str | None:
    """The date `phrase` names (YYYY, YYYY-MM or YYYY-MM-DD), read against `article_date`.

    >>> resolve("Feb. 7", "2025-02"), resolve("December", "2025-02"), resolve("Thursday", "2025-04-25")
    ('2025-02-07', '2024-12', '2025-04-24')
    """
    from dateparser.date import DateDataParser

    base = _base(article_date)
    has_year = any(w.isdigit() and len(w) == 4 for w in phrase.replace(",", " ").split())
    if base is None and not has_year:
        return None
    settings = {"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": False}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(phrase)
    if data is None or data.date_obj is None:
        return None
    found = data.date_obj
    if base is not None and not has_year and found > base:
        found = found.replace(year=found.year - 1)
    period = data.period if data.period in _FORMATS else "day"
    if period == "day" and base is not None and len(str(article_date).split("-")) < 3 and not any(
            c.isdigit() for c in phrase):
        return None  # 'on Thursday' in an article known only to the month: which Thursday?
    return found.strftime(_FORMATS[period])


def run(state) -> None:
    doc = state.doc
    by_sentence: dict[int, list] = {}  # sentence start -> its dates (asked once, not per statement)
    for ent in doc.ents:
        if ent.label_ == "DATE":
            by_sentence.setdefault(ent.sent.start, []).append(ent)
    for st in state.statements:
        if st.token is None or st.date:
            continue
        trigger = doc[st.token]
        for ent in by_sentence.get(trigger.sent.start, []):
            # the date must belong to the trigger's clause: the first verb above it is the trigger
            head = ent.root.head
            while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
                head = head.head
            if head.i == trigger.i:
                st.date = resolve(ent.text, state.date)
                if st.date:
                    break
