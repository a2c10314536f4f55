"""Find the entities an article mentions: known ones from the curated data, and new ones.

Known entities are matched by label and alias (longest first; a lower-case alias also matches
capitalised at a sentence start or in a title-case headline; 'Justice Department' also as
'Department of Justice'). New ones are proposed from the shapes news give names: a title before
a name ('Attorney General Pam Bondi'), a name before a verb of speech, capitalised names typed by
their words ('... Committee', '... Amendment'), documents titled in quotation marks, places in a
list with known places and in datelines. Phrases (collective actors, offices, terms of law,
policies, studies, events) are found by kg.ingest.phrases; surnames, 'the city', 'he' and
acronyms are resolved by kg.ingest.coreference.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..builder.curated import Entity
from ..namespace import K
from . import courts
from .coreference import Coreference
from .forms import (
    NAME,
    WORD,
    article_bound,
    camel_id,
    case_fits,
    chunk_pattern,
    cited_pieces,
    fold,
    inside_name,
    name_pieces,
    norm,
    only_keywords,
    ordinal_amendment,
    typed_as,
    usable_forms,
)
from .linking import Linker, is_title
from .model import EntityCandidate, Mention, Sentence
from .phrases import Phrases
from .rules import rules

__all__ = ["Found", "find", "fold", "norm", "camel_id"]


@dataclass
class Found:
    """The result of `find`: mentions in text order and the entities they stand for."""

    mentions: list[Mention]
    entities: dict[str, EntityCandidate]
    known: dict[str, Entity] = field(default_factory=dict)
    #: people the text names only by office ('the governor') -> (the place, the title)
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: a place's own body ('Denver police') -> the place
    parts: dict[str, str] = field(default_factory=dict)
    #: a place's own ordinance ('a 2019 ordinance' in a story about it) -> the place
    owners: dict[str, str] = field(default_factory=dict)


class _Finder(Phrases, Coreference):
    def __init__(self, text: str, sentences: list[Sentence], known: dict[str, Entity], types=None):
        self.text = text
        self.folded = fold(text)
        self.sentences = sentences
        self.known = known
        self.rules = rules()
        self.taken = bytearray(len(text))
        self.mentions: list[Mention] = []
        self.entities: dict[str, EntityCandidate] = {}
        self.by_norm: dict[str, str] = {}
        for ent in known.values():
            for form in [ent.label, *(a for a in ent.aliases if not article_bound(a, ent.label))]:
                self.by_norm.setdefault(norm(form), ent.id)
        self.types = types
        self.linker = Linker(known, types)
        self.title_words = {w for t in self.rules["titles"] for w in t["title"].split()}
        self.not_names = set(self.rules["not_names"])
        self.parts: dict[str, str] = {}  # a place's police or council -> the place
        self.owners: dict[str, str] = {}  # a place's ordinance -> the place
        self.titles: dict[str, set[str]] = {}  # person id -> the titles the article gives them
        self.roles: dict[str, tuple[str, str]] = {}  # unnamed office holder -> (place, title)
        self.counted: dict[tuple[int, str], str] = {}  # (count, what) -> the counted group
        self.chunk = chunk_pattern(tuple(self.rules["possessive_name_heads"]))
        self.starts = [s.start for s in sentences]
        self.ordered: tuple[list[Mention], list[int]] | None = None  # mentions by start, for `before`

    # --- bookkeeping -------------------------------------------------------------------
    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def add(self, start: int, end: int, entity: str, rule: str, score: float = 1.0) -> None:
        if start >= end or not self.free(start, end):
            return
        self.taken[start:end] = b"\x01" * (end - start)
        mention = Mention(start, end, self.text[start:end], entity, rule, score)
        self.mentions.append(mention)
        if self.ordered is not None:  # keep the ordered view of `before` up to date
            at = bisect.bisect_left(self.ordered[1], start)
            self.ordered[0].insert(at, mention)
            self.ordered[1].insert(at, start)

    def untake(self, start: int, end: int) -> None:
        """Forget the mentions lying wholly inside [start, end)."""
        for m in [m for m in self.before(start, end) if m.end <= end]:
            self.mentions.remove(m)
            self.taken[m.start:m.end] = bytes(m.end - m.start)
            ordered, starts = self.ordered  # (before() just built it) keep it in step: no re-sort
            at = bisect.bisect_left(starts, m.start)
            while ordered[at] is not m:
                at += 1
            del ordered[at], starts[at]

    def sentence_at(self, pos: int) -> Sentence | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.sentences[i] if i >= 0 and pos < self.sentences[i].end else None

    def before(self, floor: int, at: int) -> list[Mention]:
        """The mentions starting in [floor, at), in text order."""
        if self.ordered is None or len(self.ordered[0]) != len(self.mentions):
            ordered = sorted(self.mentions, key=lambda m: m.start)
            self.ordered = (ordered, [m.start for m in ordered])
        ordered, starts = self.ordered
        return ordered[bisect.bisect_left(starts, floor):bisect.bisect_left(starts, at)]

    def entity_for(self, label: str, type_: str, rule: str, surface: str, score: float,
                   at: int | None = None, evidence: tuple[int, int] | None = None) -> str:
        """The id for a proposed name: a known entity with that name, or a new candidate."""
        key = norm(label)
        ident = self.by_norm.get(key) or self.by_norm.get(norm(surface))
        if ident and ident in self.known:
            self.note_alias(ident, surface)
            return ident
        if ident and ident in self.entities:
            cand = self.entities[ident]
            if surface not in cand.aliases and surface != cand.label:
                cand.aliases.append(surface)
            return ident
        link = self.linker.person(label) if type_ == K.Person else self.linker.other(label, type_)
        if link and len(link.ids) == 1 and link.score >= 0.6:  # a name variant of a known entity
            self.note_alias(link.ids[0], surface)
            self.by_norm[key] = link.ids[0]
            return link.ids[0]
        # a person's id without middle initials ('William H. Orrick' -> WilliamOrrick)
        ident = camel_id(re.sub(r"(?<=\w) (?:[A-Z]\.)+(?= \w)", "", label) if type_ == K.Person else label)
        base, n = ident, 2
        while ident in self.known or ident in self.entities:
            ident, n = f"{base}{n}", n + 1
        self.entities[ident] = EntityCandidate(ident, type_, label, rule, score=score,
                                               aliases=[surface] if surface != label else [],
                                               evidence=evidence, ambiguous=link.ids if link else [])
        self.by_norm[key] = ident
        self.by_norm.setdefault(norm(surface), ident)
        return ident

    def note_alias(self, ident: str, surface: str) -> None:
        ent = self.known[ident]
        if norm(surface) in {norm(f) for f in [ent.label, *ent.aliases]}:
            if surface in ent.aliases or surface == ent.label:
                self._known_candidate(ident)
                return
        cand = self._known_candidate(ident)
        if surface != ent.label and surface not in ent.aliases and surface not in cand.aliases:
            cand.aliases.append(surface)

    def _known_candidate(self, ident: str) -> EntityCandidate:
        if ident not in self.entities:
            ent = self.known[ident]
            self.entities[ident] = EntityCandidate(ident, ent.type, ent.label, "known", known=True,
                                                   score=1.0)
        return self.entities[ident]

    # --- passes ------------------------------------------------------------------------
    def known_names(self) -> None:
        forms: dict[str, list[str]] = {}
        for ent in self.known.values():
            for form in usable_forms(ent):
                forms.setdefault(fold(form), []).append(ent.id)
        names = {f for f, ids in forms.items() if " " in f or not f.islower()}
        for form in [f for f in forms if f[:1].islower() and len(f.split()) >= 3]:
            if not any(self.types.is_a(self.known[i].type, K.Actor) for i in forms[form]) \
                    and any(n != form and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", form) for n in names):
                del forms[form]  # 'lawsuits against the Trump administration': a description around a
                #                  name, which the rules read better (who sued whom) than the phrase
        if not forms:
            return
        labels = {fold(ent.label) for ent in self.known.values()}
        not_names = set(self.rules["not_names"])
        modifier_heads = set(self.rules["modifier_heads"])
        alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.IGNORECASE)
        lowered: dict[str, list[str]] = {}
        for form in forms:
            lowered.setdefault(form.lower(), []).append(form)
        pos = 0
        while m := pattern.search(self.folded, pos):
            form = next((f for f in lowered.get(m.group().lower(), []) if case_fits(m.group(), f)), None)
            if form is None:
                pos = m.start() + 1  # a shorter form may still fit further in
                continue
            pos = m.end()
            ids = forms[form]
            if " " not in form and form not in labels and inside_name(self.folded, m.start(), m.end(), not_names):
                continue  # 'Studies' in 'Center for Immigration Studies': a word of a longer name
            if " of " not in form and self.folded.startswith(" of ", m.end()) \
                    and all(self.known[i].type in (K.Group, K.JurisdictionGroup) for i in ids):
                continue  # 'Critics of the county': not the known 'Critics of sanctuary policies'
            head = re.match(r" ([a-z]+)\b", self.folded[m.end():m.end() + 20])
            if form.islower() and head and head.group(1) in modifier_heads:
                continue  # 'federal immigration law officers': the officers, not the law
            first = re.search(r"(?<![\w.])([A-Z][a-z]+|[A-Z]\.) $", self.folded[max(0, m.start() - 20):m.start()])
            if first and " " not in form and first.group(1) not in not_names and first.group(1) not in self.title_words \
                    and all(self.types.is_a(self.known[i].type, K.Person) for i in ids):
                # 'Tom Homan' where the graph knows 'Homan' (Thomas Homan): the full name decides
                start = m.start() - len(first.group(0))
                link = self.linker.person(self.text[start:m.end()])
                if link is None or link.why in ("surname", "ambiguous") or not set(link.ids) & set(ids):
                    continue  # another first name: another person, proposed later
                self.add(start, m.end(), link.ids[0], "known-variant", link.score)
                self.note_alias(link.ids[0], self.text[start:m.end()])
                continue
            self.add(m.start(), m.end(), ids[0], "known")
            for ident in ids:
                self.note_alias(ident, self.text[m.start():m.end()])
            if len(ids) > 1:
                self.entities[ids[0]].ambiguous = sorted(set(ids[1:]))

    def courts(self) -> None:
        """Courts that courts-db resolves ('the Northern District of California'), with their id."""
        for court in courts.find(self.folded):
            if not self.free(court.start, court.end):
                continue
            surface = self.text[court.start:court.end]
            known = next((self.by_norm[f] for f in map(norm, (court.label, surface, court.name)) if f in self.by_norm), None)
            if known and known in self.known:
                self.note_alias(known, surface)
                self.add(court.start, court.end, known, "court", 0.9)
                continue
            ident = self.entity_for(court.label, K.Court, "court", surface, 0.8)
            cand = self.entities.get(ident)
            if cand is not None and not cand.known:
                cand.description = f"{court.name} (courts-db id {court.court_id})"
                if court.name not in cand.aliases and court.name != cand.label:
                    cand.aliases.append(court.name)
                if cand.id != court.ident and court.ident not in self.entities and court.ident not in self.known:
                    self._rename(cand.id, court.ident)
                    ident = court.ident
            self.add(court.start, court.end, ident, "court", 0.8)

    _BODIES = (("police department", "Police Department", K.GovernmentAgency),
               ("police", "Police Department", K.GovernmentAgency),
               ("sheriff's office", "Sheriff's Office", K.GovernmentAgency),
               ("city council", "City Council", K.LegislativeBody),
               ("county commission", "County Commission", K.LegislativeBody),
               ("county board of supervisors", "County Board of Supervisors", K.LegislativeBody),
               ("board of supervisors", "Board of Supervisors", K.LegislativeBody),
               ("council", "City Council", K.LegislativeBody))

    def local_bodies(self) -> None:
        """A place's police or council is its own body, named by the place: 'Denver police' is
        the Denver Police Department (not one 'police' for every city); 'the City Council'
        after Los Angeles is the Los Angeles City Council. Each is part of its place."""
        heads = "|".join(re.escape(b[0]) for b in self._BODIES)
        kinds = {b[0]: b[1:] for b in self._BODIES}
        places = (K.City, K.County)  # (not a state's or a country's 'local police')
        place_name = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}"
        for m in re.finditer(rf"(?<![\w])(?:({place_name}) |[Tt]he (?:(?:city|county|town|local) )?|(?<!their )(?<!our )(?<!your )(?<!Their )(?<!Our )(?:[Ll]ocal|[Cc]ity|[Cc]ounty) )((?i:{heads}))(?![\w-])(?! (?:chief|officers?|union|member|members|chair|president)\b)", self.folded):
            head = m.group(2).lower()
            if m.group(1):  # 'Denver police': the place is named
                place = next((x for x in self.before(m.start(1), m.end(1)) if x.end == m.end(1)
                              and self.types.is_a(self.type_of(x.entity) or "", K.Jurisdiction)), None)
                if place is None:
                    continue
                start = place.start
            else:  # 'the City Council': the place last named (this sentence or the five before)
                here = self.sentence_at(m.start())
                back = 5 if m.group().lower().startswith("the") else 1  # ('local police': this story's place)
                floor = self.sentences[max(0, here.index - back)].start if here else 0
                nearby = [x for x in self.before(floor, m.start())
                          if any(self.types.is_a(self.type_of(x.entity) or "", k) for k in places)]
                if not nearby:
                    continue
                place, start = nearby[-1], m.start()
            suffix, type_ = kinds[head]
            label = f"{self.label(place.entity)} {suffix}"
            for x in [x for x in self.before(start, m.end()) if x.end <= m.end()]:
                if x is not place or m.group(1):
                    self.untake(x.start, x.end)
            if not self.free(start, m.end()):
                continue
            ident = self.entity_for(label, type_, "local-body", self.text[start:m.end()] if m.group(1) else label, 0.6)
            self.add(start, m.end(), ident, "local-body", 0.6)
            self.parts[ident] = place.entity
        # a body named by its place ('the Riverton Police Department', or a known 'Boston police'):
        # part of that place, whether the graph knows it already or not
        bodies = "|".join(re.escape(b) for b in ("police department", "police", "sheriff's office", "sheriff's department",
                                                 "city council", "county council", "county commission",
                                                 "board of supervisors", "fire department"))
        for x in list(self.mentions):
            named = re.fullmatch(rf"(?:[Tt]he )?({place_name}) (?i:{bodies})", fold(x.text))
            kind = self.type_of(x.entity) or ""
            if x.entity in self.parts or not named or not (self.types.is_a(kind, K.GovernmentAgency)
                                                            or self.types.is_a(kind, K.LegislativeBody)):
                continue
            place = self.by_norm.get(norm(named.group(1)))
            if place and place != x.entity and any(self.types.is_a(self.type_of(place) or "", k) for k in places):
                self.parts[x.entity] = place

    def known_roles(self, roles: dict[str, set[str]]) -> None:
        """'the border czar', "Trump's border czar": the one person the graph (or this article)
        gives that title, so that speech and acts go to them ('..., he said' then finds them)."""
        holders = {t: set(ids) for t, ids in roles.items() if all(i in self.known for i in ids)}
        for person, titles in self.titles.items():
            for t in titles:
                holders.setdefault(t, set()).add(person)
        specific = {t: ids for t, ids in holders.items() if len(ids) == 1 and len(t) > 3
                    and t not in ("president", "mayor", "governor", "judge", "senator", "spokesperson")}
        if not specific:
            return
        alternation = "|".join(re.escape(t) for t in sorted(specific, key=len, reverse=True))
        for m in re.finditer(rf"(?:\b[Tt]he |(?<=['’]s) |\b[Hh]is |\b[Hh]er )((?i:{alternation}))(?![\w-])(?! [A-Z])", self.folded):
            start = m.start(1)
            if self.free(start, m.end(1)):
                self.add(start, m.end(1), next(iter(specific[m.group(1).lower()])), "role", 0.7)

    def local_laws(self) -> None:
        """'a 2019 ordinance', 'the city ordinance' in a story about one place: that place's
        ordinance (enacted by it), not a nameless one."""
        places = (K.City, K.County, K.State, K.Jurisdiction)
        named = sorted((x.start, x.entity) for x in self.mentions if self.type_of(x.entity) == K.Ordinance)
        for m in re.finditer(r"(?<![\w])(?:[Aa]|[Tt]he|[Ii]ts) (?:(\d{4}) )?(?:(?:city|county|local|sanctuary) )?(ordinance|resolution)(?![\w-])", self.folded):
            if not self.free(m.start(), m.end()):
                continue
            here = self.sentence_at(m.start())
            floor = self.sentences[max(0, here.index - 2)].start if here else 0
            nearby = [x for x in self.before(floor, m.start())
                      if any(self.types.is_a(self.type_of(x.entity) or "", k) for k in places)]
            if not nearby:
                continue
            place = nearby[-1]
            year = m.group(1)
            last = bisect.bisect_left(named, (m.start(), "")) - 1  # (ordinances by start: no scan of all mentions)
            if not year and not m.group().lower().startswith("a ") and last >= 0:  # 'the ordinance': the one named before
                self.add(m.start(), m.end(), named[last][1], "local-law-again", 0.5)
                continue
            label = f"{self.label(place.entity)} {m.group(2)}" + (f" of {year}" if year else "")
            ident = self.entity_for(label, K.Ordinance, "local-law", label, 0.5,
                                    evidence=(here.start, here.end) if here else None)
            self.add(m.start(), m.end(), ident, "local-law", 0.5)
            self.owners[ident] = place.entity
            bisect.insort(named, (m.start(), ident))

    def judges(self) -> None:
        """'A federal judge', 'the judge': the one judge the article names (before or after)."""
        judges = {p for p, held in self.titles.items() if any("judge" in t for t in held)}
        if len(judges) != 1:
            return
        judge = judges.pop()
        for m in re.finditer(r"(?<![\w])(?:[Aa]|[Tt]he) (?:federal |U\.S\. |district |trial )*judge(?![\w-])(?! of\b)", self.folded):
            if self.free(m.start(), m.end()):
                self.add(m.start(), m.end(), judge, "judge", 0.6)

    _CITED = re.compile(r"U\.\s?S\.\s?C\.|§|\b\d{1,4} (?:U\.S\.|S\. ?Ct\.|F\.(?: ?\dd| Supp\.))")

    def citations(self) -> None:
        """Statute and case citations, read by eyecite: '8 U.S.C. § 1373' is a statutory
        provision; 'Printz v. United States, 521 U.S. 898 (1997)' a decided case (its citation in
        the description). Only sentences that hold a citation's marks are given to eyecite."""
        from eyecite import get_citations

        for sentence in self.sentences:
            if not self._CITED.search(self.folded, sentence.start, sentence.end):
                continue
            for cite in get_citations(sentence.text):
                start, end = (sentence.start + x for x in cite.span())
                kind = type(cite).__name__
                if kind == "FullLawCitation":
                    label = " ".join(self.text[start:end].split())
                    ident = self.entity_for(label, K.StatutoryProvision, "citation", label, 0.8,
                                            evidence=(sentence.start, sentence.end))
                    groups = cite.groups  # '8 U.S.C. § 1373' -> USC8Sec1373: short and readable
                    short = re.sub(r"\W", "", f"{groups.get('reporter', '')}{groups.get('title', '')}Sec{groups.get('section', '')}")
                    cand = self.entities.get(ident)
                    if cand is not None and not cand.known and short[:1].isalpha() and short not in self.entities \
                            and short not in self.known and not any(m.entity == ident for m in self.mentions):
                        self._rename(ident, short)
                        ident = short
                elif kind == "FullCaseCitation" and cite.metadata.plaintiff and cite.metadata.defendant:
                    name = re.search(rf"{re.escape(cite.metadata.plaintiff)},?\s+v\.?\s+{re.escape(cite.metadata.defendant)}",
                                     self.text[max(sentence.start, start - 200):start])
                    if not name:
                        continue
                    start = max(sentence.start, start - 200) + name.start()
                    label = " ".join(name.group().split())
                    ident = self.entity_for(label, K.Lawsuit, "citation", label, 0.8,
                                            evidence=(sentence.start, sentence.end))
                    cand = self.entities.get(ident)
                    if cand is not None and not cand.known:
                        year = f" ({cite.metadata.year})" if cite.metadata.year else ""
                        cand.description = f"Cited as {cite.matched_text()}{year} (eyecite)"
                else:
                    continue
                if self.free(start, end):
                    self.add(start, end, ident, "citation", 0.8)

    def _rename(self, old: str, new: str) -> None:
        """Give a proposed entity a shorter id (no mention uses `old` yet)."""
        cand = self.entities.pop(old)
        cand.id = new
        self.entities[new] = cand
        for key, value in list(self.by_norm.items()):
            if value == old:
                self.by_norm[key] = new

    def titled_people(self) -> None:
        titles = sorted((t["title"] for t in self.rules["titles"]), key=len, reverse=True)
        title_re = "|".join(re.escape(t) for t in titles)
        pattern = re.compile(rf"\b(?:{title_re}) ({NAME}|[A-Z][a-z]+(?=[,.]? (?:{'|'.join(self.rules['speech_verbs'])})\b))")
        kinds = {t["title"]: t["org"] for t in self.rules["titles"]}
        not_names = set(self.rules["not_names"])
        for m in pattern.finditer(self.folded):
            title = self.folded[m.start():m.start(1)].strip()
            for x in [x for x in self.before(m.start() - 60, m.start(1)) if x.start < m.start(1) - 1
                      and m.start(1) - 1 <= x.end <= m.start(1) and x.end > m.start()]:
                # 'U.S. Attorney General' before a name: a title, not the office
                self.untake(x.start, x.end)
            ident = self.person(m.start(1), m.end(1), "titled-name", 0.8)
            if ident:
                self.titles.setdefault(ident, set()).add(title.lower())
            place = re.search(r"(?<![\w'])((?:[A-Z][a-z]+ ){1,3})$", self.folded[max(0, m.start() - 40):m.start()])
            if place and kinds.get(title) in (K.City, K.County, K.State):
                start = m.start() - len(place.group(1))
                words = place.group(1).split()
                if words[0] not in not_names and self.free(start, m.start() - 1):
                    self._place(start, m.start() - 1, kinds[title])  # 'Riverton Mayor Ann Lee'


    def person(self, start: int, end: int, rule: str, score: float) -> str | None:
        name = self.text[start:end]
        words = name.split()
        not_names, title_words = self.not_names, self.title_words
        while len(words) > 2 and (words[0] in title_words or is_title(words[0])):  # 'Counsel Maria Okafor'
            start += len(words.pop(0)) + 1
        while words and words[-1] in not_names:
            words.pop()
        if not words or words[0] in not_names or typed_as(" ".join(words), self.rules) is not None:
            return None
        end = start + len(" ".join(words))
        if not self.free(start, end):
            return next((m.entity for m in self.before(start, start + 1) if m.end == end
                         and self.type_of(m.entity) == K.Person), None)
        ident = self.entity_for(" ".join(words), K.Person, rule, self.text[start:end], score)
        self.add(start, end, ident, rule, score)
        return ident

    def named_documents(self) -> None:
        for doc in self.rules["named_documents"]:
            pattern = re.compile(rf"\b(?:{doc['noun']})\b[^.\"]{{0,60}}?\b(?:titled|entitled|called|named|on|dubbed)\s*\"([^\"]{{3,120}}?)[,.]?\"", re.IGNORECASE)
            for m in pattern.finditer(self.folded):
                title = self.text[m.start(1):m.end(1)].rstrip(",.")
                start, end = m.start(1), m.start(1) + len(title)
                s = self.sentence_at(start)
                ident = self.entity_for(title, doc["type"], "named-document", title, 0.8,
                                        evidence=(s.start, s.end) if s else None)
                self.add(start, end, ident, "named-document", 0.8)

    def capitalised_names(self) -> None:
        not_names = set(self.rules["not_names"])
        for m in (m for s in self.sentences for m in self.chunk.finditer(self.folded, s.start, s.end)):
            for start, end in cited_pieces(self.text, name_pieces(self.text, m.start(), m.end(), not_names, self.rules), self.rules):
                type_ = typed_as(self.text[start:end], self.rules)
                if self.free(start, end) or (type_ and self.subsume(start, end, type_)):
                    self.typed_name(start, end)
                    continue
                # 'Section 287(g) of the Immigration and Nationality Act': the free part is a name too
                at = start
                while at < end:
                    while at < end and self.taken[at]:
                        at += 1
                    stop = at
                    while stop < end and not self.taken[stop]:
                        stop += 1
                    segment = self.text[at:stop].strip(" ")
                    first = at + self.text[at:stop].index(segment) if segment else at
                    for a, b in name_pieces(self.text, first, first + len(segment), not_names, self.rules):
                        if (a, b) != (start, end) and self.text[a:b][:1].isupper() and self.free(a, b):
                            self.typed_name(a, b, partial=True)
                    at = stop

    def typed_name(self, start: int, end: int, partial: bool = False) -> None:
        """A capitalised name whose words say its type ('... Committee', '... Amendment')."""
        states, standalone = self.rules["states"], self.rules["standalone_names"]
        surface = self.text[start:end]
        type_ = standalone.get(surface) or typed_as(surface, self.rules)
        label = surface
        full = next((name for name, abbr in states.items() if surface in abbr), None)
        if type_ is None and (surface.removesuffix(" State") in states or full):
            type_, label = K.State, full or surface
        if type_ is None or (type_ != K.MediaOrganization and surface not in standalone
                             and only_keywords(surface, self.rules)):
            return
        if type_ == K.ConstitutionalProvision:
            label = ordinal_amendment(surface)
        place = re.fullmatch(r"(?:City|Town|Village|County) of ((?:[A-Z][\w.'-]*(?: |$)){1,4})", surface)
        if type_ in (K.City, K.County) and place:
            label = place.group(1).strip()  # 'the City of Los Angeles' is Los Angeles (and its council
            #                                 the Los Angeles City Council)
        if re.fullmatch(r"(?:(?:U\.?S\.?|United States|Federal|District|Circuit|Appeals|Supreme|Court|of|the)\s*)+", surface) \
                and (type_ != K.Court or courts.resolve(surface) is None):
            return  # 'the US District Court', 'U.S. District (Judge)': no court named (courts-db knows none)
        s = self.sentence_at(start)
        if self.free(start, end):
            score = 0.5 if partial else 0.6
            ident = self.entity_for(label, type_, "typed-name", surface, score,
                                    evidence=(s.start, s.end) if s else None)
            self.add(start, end, ident, "typed-name", score)

    def subsume(self, start: int, end: int, type_: str) -> bool:
        """Let an organisation's name take over the place names inside it
        ('California Police Chiefs Association' over 'California')."""
        inside = [m for m in self.before(start - 200, end) if m.start < end and m.end > start]
        places = {K.City, K.County, K.State, K.Country, K.Jurisdiction}
        if type_ in places or not all(start <= m.start and m.end <= end and (m.end - m.start) < (end - start)
                                      and self.type_of(m.entity) in places for m in inside):
            return False
        for m in inside:
            self.untake(m.start, m.end)
        return True

    def speakers(self) -> None:
        verbs = "|".join(self.rules["speech_verbs"])
        # 'X said', 'X, the mayor, said', 'X during an interview on Fox News last night said'
        pattern = re.compile(rf"(?<![\w'])({NAME})(?:,[^,.\"]{{3,120}},|,| (?:during|in|at|after|on) [^,.\"]{{3,70}}?)? (?:{verbs})\b")
        for m in pattern.finditer(self.folded):
            self.person(m.start(1), m.end(1), "speaker", 0.6)
        # The attribution turned round, as news writes it after a quotation: '..., said Maria
        # Okafor, a law professor.'
        turned = "|".join(self.rules["inverted_speech_verbs"])
        for m in re.finditer(rf"(?<![\w'])(?:{turned}) ({NAME})(?=\s*[,.;:\"”]|\s*$)", self.folded):
            self.person(m.start(1), m.end(1), "speaker-after", 0.6)
        for m in re.finditer(rf"\(([A-Z][\w.&]*(?: [A-Z][\w.&]*){{0,3}}) Photo ?/ ?({NAME})\)", self.folded):
            outlet = self.entity_for(m.group(1), K.MediaOrganization, "photo-credit", self.text[m.start(1):m.end(1)], 0.6)
            self.add(m.start(1), m.end(1), outlet, "photo-credit", 0.6)  # '(AP Photo/Jeff Chiu)'
            self.person(m.start(2), m.end(2), "photo-credit", 0.6)
        appositive = re.compile(rf"(?<![\w'])({NAME}), (?:the |a |an )?(?:[A-Za-z'-]+ ){{0,4}}(?:of|at|for) ")
        for m in appositive.finditer(self.folded):
            words = self.folded[m.end(1):m.end()].lower()
            if re.search(r"\b(?:director|founder|president|chair|head|chief|secretary|spokes\w+|attorney|"
                         r"commissioner|professor|researcher|member|leader|mayor|governor|ceo|"
                         r"fellow|counsel|executive|manager|officer|superintendent|sheriff)\b", words):
                self.person(m.start(1), m.end(1), "appositive", 0.7)
        plural = "|".join(re.escape(t) for t in self.rules["plural_titles"])
        for m in re.finditer(rf"\b(?:{plural})\b[^,.;]{{0,40}}, ({NAME}(?:(?:,|,? and) {NAME})*)", self.folded):
            for name in re.finditer(NAME, m.group(1)):
                self.person(m.start(1) + name.start(), m.start(1) + name.end(), "listed-name", 0.6)
        listed = re.compile(rf"(?<![\w'])({NAME}) \((?=[A-Z])")
        for m in listed.finditer(self.folded):
            self.person(m.start(1), m.end(1), "name-with-place", 0.6)

    def places_in_lists(self) -> None:
        """An untyped capitalised name listed with known places is a place of the same kind."""
        states = self.rules["states"]
        state_names = [*states, *(a for abbr in states.values() for a in abbr)]
        state_re = "|".join(re.escape(n) for n in sorted(state_names, key=len, reverse=True))
        dateline = re.compile(rf"(?<![\w'])({WORD}(?: {WORD}){{0,2}}), (?:{state_re})(?=[\s,.;)]|$)")
        kinds = {"city": K.City, "town": K.City, "county": K.County, "state": K.State}
        for m in re.finditer(rf"\b(?:the )?(city|town|county|state) of (?=[A-Z])({WORD}(?: {WORD}){{0,2}})", self.folded):
            if self.free(m.start(), m.end()):  # 'the city of Springfield'
                self._place(m.start(), m.end(), kinds[m.group(1)], self.text[m.start(2):m.end(2)])
        kinds.update(village=K.City, suburb=K.City, borough=K.City)
        name_before = re.compile(rf"(?<![\w'])({WORD}(?: {WORD}){{0,2}})$")
        for a in re.finditer(r", an? (?:[a-z-]+ ){0,3}(city|town|village|suburb|borough|county)\b(?! (?:of|in|on)\b)", self.folded):
            m = name_before.search(self.folded, max(0, a.start() - 60), a.start())  # (the name, only where it may be)
            if m is None:
                continue
            start = m.start(1)
            while (lead := re.match(r"(\w+) ", self.folded[start:m.end(1)])) and lead.group(1) in self.not_names:
                start += lead.end()  # ('In Port Alder, a small city': Port Alder)
            if self.free(start, m.end(1)):  # 'Port Alder, a small coastal city,'
                self._place(start, m.end(1), kinds[a.group(1)])
        for m in dateline.finditer(self.folded):  # 'Santa Fe, N.M.': a city and its state
            if self.free(m.start(1), m.end(1)) and m.group(1) not in states:
                self._place(m.start(1), m.end(1), K.City)
        places = {K.City, K.County, K.Jurisdiction}  # not states: 'senators from Ohio, Ann Lee'
        changed = True
        while changed:
            changed = False
            spans = sorted(self.mentions, key=lambda x: x.start)
            for mention in spans:
                kind = self.type_of(mention.entity)
                if kind not in places:
                    continue
                for m in re.finditer(rf"(?:(?<=\W)|^)({WORD}(?: {WORD}){{0,2}})(?=(?:,| and|, and) )", self.folded[max(0, mention.start - 60):mention.start]):
                    start = max(0, mention.start - 60) + m.start(1)
                    end = max(0, mention.start - 60) + m.end(1)
                    between = self.folded[end:mention.start]
                    if re.fullmatch(r"(?:,|,? and|,? or)\s*", between) and self.free(start, end):
                        changed |= self._place(start, end, kind)
                after = re.match(rf"(?:,|,? and|,? or) ({WORD}(?: {WORD}){{0,2}})(?![\w'])", self.folded[mention.end:mention.end + 60])
                if after:
                    start, end = mention.end + after.start(1), mention.end + after.end(1)
                    if self.free(start, end):
                        changed |= self._place(start, end, kind)

    def _place(self, start: int, end: int, kind: str, name: str | None = None) -> bool:
        surface = self.text[start:end]
        label = name or (surface.title() if surface.isupper() and len(surface) > 3 else surface)
        if label.split()[0] in set(self.rules["not_names"]) or typed_as(label, self.rules) not in (None, kind):
            return False
        if label in self.rules["states"]:
            kind = K.State  # 'Kentucky County Clerk Kim Davis': the title's place is the state
        ident = self.entity_for(label, kind if kind in (K.City, K.State, K.County) else K.Jurisdiction, "listed-place",
                                surface, 0.5)
        self.add(start, end, ident, "listed-place", 0.5)
        return True


    def label(self, ident: str) -> str:
        return self.entities[ident].label if ident in self.entities else self.known[ident].label


    def type_of(self, ident: str) -> str | None:
        if ident in self.entities:
            return self.entities[ident].type
        ent = self.known.get(ident)
        return ent.type if ent else None


def find(text: str, sentences: list[Sentence], known: dict[str, Entity], types,
         roles: dict[str, set[str]] | None = None) -> Found:
    """Mentions of known and new entities in `text` (repaired), in text order.

    `types` answers `is_a(type, ancestor)` (a kg.ontology.Ontology).
    """
    finder = _Finder(text, sentences, known, types)
    finder.courts()  # (before the places inside a court's name are taken: 'District of Illinois')
    finder.citations()  # (and before 'United States' in 'Printz v. United States')
    finder.known_names()
    finder.named_documents()
    finder.demonyms()
    finder.titled_people()
    finder.speakers()
    finder.judges()
    finder.known_roles(roles or {})
    finder.legal_terms()
    finder.capitalised_names()
    finder.offices()
    finder.places_in_lists()
    finder.dateline_outlet()
    finder.studies()
    finder.events()
    finder.groups()
    finder.local_bodies()
    finder.repeats()
    finder.short_forms()
    finder.anaphora()
    finder.policies()
    finder.local_laws()  # (after the policies their owners name: 'the city's ordinance', then 'the ordinance')
    finder.pronouns()
    finder.acronyms()
    mentions = sorted(finder.mentions, key=lambda m: m.start)
    used = {m.entity for m in mentions}
    entities = {k: v for k, v in finder.entities.items() if k in used}
    return Found(mentions, entities, known, finder.roles, finder.parts, finder.owners)
