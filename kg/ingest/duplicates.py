"""Which candidates of a review file may be an entity data/ has, or another candidate (`kg review`).

A candidate may duplicate an entity only if both are of one type (or one's type is a kind of the
other's) and, for what belongs to a time (groups, lawsuits, claims, events, or a label with a
year), of one period: the cities the Justice Department sued in 2025 are not the cities that
spoke up in 2016, whatever both articles called them. A name only its own article can resolve
('several cities', 'the city') is never grounds. A lawsuit is also a likely duplicate of a case
data/ has when they share a plaintiff and a defendant in one period.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..builder import curated
from ..ontology import Ontology
from .forms import article_bound, norm

#: Types whose members belong to a time: the same name in another period is another thing.
TIMED = ("Group", "Lawsuit", "Claim", "Event")
#: Years apart that still count as one period (a case filed in December, ruled on in January).
SLACK = 1
#: Relations that name a case's parties: subject is the party, object the case.
PARTIES = {"plaintiffIn": "plaintiff", "defendantIn": "defendant"}


@dataclass(frozen=True)
class Suggestion:
    """Candidate `ident` may be `target` (an entity of data/, or another candidate), because `why`."""

    ident: str
    target: str
    where: str  # "data/" or "candidate"
    why: str
    #: False for a near spelling only: listed, but --merge-duplicates leaves it to the reviewer.
    sure: bool = True

    def line(self) -> str:
        return (f"{self.ident} may duplicate {self.target} ({self.where}, {self.why}): "
                f"--merge {self.ident}={self.target}, or --accept {self.ident} to keep it new")


def names(label: object, aliases: object) -> list[str]:
    """The forms of an entity that can ground a match: its label, and aliases that name it
    beyond their own article."""
    label = str(label or "")
    out = [label] if label else []
    return out + [str(a) for a in aliases or [] if a and not article_bound(str(a), label)]


def _years(text: object) -> set[int]:
    return {int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", str(text or ""))}


class Index:
    """What data/ has, for matching candidates: names, types, periods and case parties."""

    def __init__(self, data: curated.Curated, onto: Ontology):
        self.data, self.onto = data, onto
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for ent in data.entities.values():
            for form in names(ent.label, ent.aliases):
                if ent.id not in self.by_name[norm(form)]:
                    self.by_name[norm(form)].append(ent.id)
        self.years: dict[str, set[int]] = defaultdict(set)
        self.parties: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for st in data.statements.values():
            source = data.sources.get(st.source)
            year = _years(st.date) or _years(source.date if source else None)
            for role in (st.subject, st.object, st.via):
                if role:
                    self.years[role] |= year
            if st.relation in PARTIES and st.object:
                self.parties[st.object][PARTIES[st.relation]].add(st.subject)
        for ent in data.entities.values():
            self.years[ent.id] |= _years(re.findall(r"\(([^)]*)\)", ent.label))

    def kin(self, a: str | None, b: str | None) -> bool:
        """Whether types `a` and `b` can be one entity: the same, or one a kind of the other."""
        if not a or not b:
            return True
        return a == b or self.onto.is_a(a, b) or self.onto.is_a(b, a)

    def timed(self, type_: str | None, label: str) -> bool:
        return bool(re.search(r"\([^)]*\b(?:1[89]|20)\d\d\b[^)]*\)", label)) \
            or any(type_ and self.onto.is_a(type_, t) for t in TIMED)

    def same_period(self, type_: str | None, label: str, years: set[int], other: str) -> bool:
        known = self.data.entities[other]
        if not (self.timed(type_, label) or self.timed(known.type, known.label)):
            return True
        theirs = self.years.get(other) or set()
        return not years or not theirs or any(abs(a - b) <= SLACK for a in years for b in theirs)


def _candidate_years(doc: dict, ent: dict) -> set[int]:
    years = _years(re.findall(r"\(([^)]*)\)", str(ent.get("label") or "")))
    for st in doc["statements"]:
        if ent["id"] in (st.get("subject"), st.get("object"), st.get("via")):
            years |= _years(st.get("date"))
    return years or _years((doc.get("article") or {}).get("date"))


def _candidate_parties(doc: dict, ident: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for st in doc["statements"]:
        if st.get("object") == ident and st.get("relation") in PARTIES and str(st.get("status")) != "rejected":
            out[PARTIES[st["relation"]]].add(st.get("subject"))
    return out


def find(doc: dict, data: curated.Curated, onto: Ontology, *, settled=lambda ent: False) -> list[Suggestion]:
    """Likely duplicates among the open candidate entities of `doc` (`settled(ent)` skips one)."""
    from .linking import Linker

    index = Index(data, onto)
    linker = Linker(data.entities)
    seen: dict[str, dict] = {}
    out = []
    for ent in doc["entities"]:
        if ent.get("known") or ent["id"] in data.entities or settled(ent):
            continue
        label, type_ = str(ent.get("label") or ""), ent.get("type")
        forms = names(label, ent.get("aliases"))
        years = _candidate_years(doc, ent)
        found = _in_data(index, linker, doc, ent, forms, years)
        if found:
            out.append(found)
            continue
        twin = next((seen[norm(f)] for f in forms if norm(f) in seen
                     and index.kin(type_, seen[norm(f)].get("type"))), None)
        if twin:
            out.append(Suggestion(ent["id"], twin["id"], "candidate", "same name"))
        for form in forms:
            seen.setdefault(norm(form), ent)
    return out


def _in_data(index: Index, linker, doc: dict, ent: dict, forms: list[str], years: set[int]) -> Suggestion | None:
    label, type_ = str(ent.get("label") or ""), ent.get("type")

    def fits(other: str) -> bool:
        return index.kin(type_, index.data.entities[other].type) and index.same_period(type_, label, years, other)

    for form in forms:
        for other in index.by_name.get(norm(form), []):
            if fits(other):
                return Suggestion(ent["id"], other, "data/", f"same name {form!r}")
    if type_ == "Person":
        link = linker.person(label)
        if link and len(link.ids) == 1 and link.why != "surname" and fits(link.ids[0]):
            return Suggestion(ent["id"], link.ids[0], "data/", f"name variant ({link.why})")
    if type_ and index.onto.is_a(type_, "Lawsuit"):
        case = _same_case(index, doc, ent, fits)
        if case:
            return case
    return _near_spelling(index, ent, forms, fits)


#: A near spelling: at least this similar (rapidfuzz ratio, 0-100) and this long, to be listed.
NEAR, NEAR_LENGTH = 94, 10


def _near_spelling(index: Index, ent: dict, forms: list[str], fits) -> Suggestion | None:
    """A name of data/ spelled nearly as one of the candidate's ('Sheriffs Office' and 'Sheriff's Office')."""
    from rapidfuzz import fuzz, process

    keys = [norm(f) for f in forms if len(norm(f)) >= NEAR_LENGTH]
    for key in keys:
        for name, _score, _ in process.extract(key, list(index.by_name), scorer=fuzz.ratio, limit=5,
                                              score_cutoff=NEAR):
            other = next((o for o in index.by_name[name] if fits(o)), None)
            if other and len(name) >= NEAR_LENGTH:
                return Suggestion(ent["id"], other, "data/", f"near spelling {name!r}", sure=False)
    return None


def _same_case(index: Index, doc: dict, ent: dict, fits) -> Suggestion | None:
    """A known case with a plaintiff and a defendant of this candidate's, in its period."""
    mine = _candidate_parties(doc, ent["id"])
    if not mine.get("plaintiff") or not mine.get("defendant"):
        return None
    for case, theirs in index.parties.items():
        if case in index.data.entities and fits(case) and mine["plaintiff"] & theirs.get("plaintiff", set()) \
                and mine["defendant"] & theirs.get("defendant", set()):
            both = sorted(mine["plaintiff"] & theirs["plaintiff"]) + sorted(mine["defendant"] & theirs["defendant"])
            return Suggestion(ent["id"], case, "data/", "same parties " + ", ".join(both))
    return None


def known_as(doc: dict, ent: dict, data: curated.Curated, onto: Ontology, index: Index | None = None) -> str | None:
    """The entity of data/ a candidate is by its label alone (one type, one period), as `apply`
    merges it; None if it is new."""
    label = str(ent.get("label") or "")
    if not label:
        return None
    index = index or Index(data, onto)
    years = _candidate_years(doc, ent)
    return next((other for other in index.by_name.get(norm(label), [])
                 if index.kin(ent.get("type"), data.entities[other].type)
                 and index.same_period(ent.get("type"), label, years, other)), None)


def plausible(doc: dict, ent: dict, options: list, data: curated.Curated, onto: Ontology,
              index: Index | None = None) -> list[str]:
    """Of the entities ingest found a candidate may be (`ambiguous:`), those of its type and period."""
    index = index or Index(data, onto)
    label, type_ = str(ent.get("label") or ""), ent.get("type")
    years = _candidate_years(doc, ent)
    return [str(o) for o in options if str(o) not in data.entities
            or (index.kin(type_, data.entities[str(o)].type) and index.same_period(type_, label, years, str(o)))]
