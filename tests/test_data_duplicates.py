"""No fact is curated twice from one source.

Within one source's statements (a source may be split over several files, as targeting2025 is),
a (subject, relation, object) triple, or (subject, relation, value) for counts and amounts,
appears once: a second sentence saying the same thing is a better or worse quote for the same
statement, not a second statement.

The one exception is a repetition that records a different event or state of affairs, as
Wikidata keeps two "position held" statements for two terms of office. Each such group is listed
below by its statement ids with the reason, and must differ in a qualifier that says so (date,
start, end, via, manner or title); a listed group that no longer repeats is an error too, so the
list cannot go stale.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from pathlib import Path

import yaml

from conftest import SEED_SOURCES

DATA = Path(__file__).resolve().parent.parent / "data"
QUALIFIERS = ("date", "start", "end", "via", "manner", "title")

DISTINCT_EVENTS = {
    frozenset({"targeting2025-001", "targeting2025-024"}):
        "Trump's two terms as President (2017, and from Jan. 20, 2025)",
    frozenset({"targeting2025-013", "targeting2025-027"}):
        "two threats eight years apart: through the 2025 order and through the 2017 order",
    frozenset({"targeting2025-016", "targeting2025-085"}):
        "two accusations: in the 2025 order, and in Trump's own words in 2018",
    frozenset({"targeting2025-012", "targeting2025-017"}):
        "one order, two threats: loss of funding, and investigation or prosecution",
    frozenset({"targeting2025-097", "targeting2025-313"}):
        "two accusations by Habig: the 'sleight of hand', and the bind put on local governments",
    # As Wikidata keeps a deprecated value beside the preferred one: the source's error, and the
    # statement without it.
    frozenset({"arrest2018-045", "arrest2018-055"}): "Harris: 'state senator' (the source's error), and senator",
    frozenset({"arrest2018-046", "arrest2018-056"}): "Feinstein: 'state senator' (the source's error), and senator",
    frozenset({"resist2016-041", "resist2016-052"}): "Kim Davis jailed 'In August 2015' (the source's error), and undated",
}


def statements_by_source() -> dict[str, list[dict]]:
    by_source: dict[str, list[dict]] = defaultdict(list)
    for path in sorted((DATA / "statements").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        by_source[doc["source"]].extend(doc["statements"])
    return by_source


def repeated_groups() -> dict[tuple, list[dict]]:
    groups = {}
    for source, statements in statements_by_source().items():
        seen: dict[tuple, list[dict]] = defaultdict(list)
        for st in statements:
            key = (source, st["subject"], st["relation"], st.get("object"), st.get("value"))
            seen[key].append(st)
        groups.update({key: sts for key, sts in seen.items() if len(sts) > 1})
    return groups


def test_the_statements_are_read():
    by_source = statements_by_source()
    # The seed articles, and any a user has added to data/ since.
    assert SEED_SOURCES <= set(by_source)
    assert all(by_source.values())


def test_no_triple_repeats_within_one_source_except_listed_distinct_events():
    unexplained = {key: sorted(st["id"] for st in sts) for key, sts in repeated_groups().items()
                   if frozenset(st["id"] for st in sts) not in DISTINCT_EVENTS}
    assert unexplained == {}, f"repeated within one source: {unexplained}"


def test_each_listed_distinct_event_still_repeats_and_differs_in_a_qualifier():
    groups = {frozenset(st["id"] for st in sts): sts for sts in repeated_groups().values()}
    assert set(DISTINCT_EVENTS) <= set(groups), f"stale: {set(DISTINCT_EVENTS) - set(groups)}"
    for ids in DISTINCT_EVENTS:
        for a, b in combinations(groups[ids], 2):
            assert any(a.get(q) != b.get(q) for q in QUALIFIERS), (
                f"{a['id']} and {b['id']} differ in no qualifier: merge them")
