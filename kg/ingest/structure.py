"""Relations read from the shape of names and phrases rather than from a verb.

Roles from titles ('Oakland Mayor Jane Roe', 'Jane Roe, director of the Agency', 'An ICE
spokeswoman, Tanya Reyes,', 'the governor'), party membership ('Republican Representative X'),
membership ('X, including A and B', 'identified by ICE as sanctuary cities'), location ('City,
State', 'immigrants in the U.S.'), parts ("A's B"), the owner of a policy ("San Francisco's 1989
ordinance") and who held an event or did a study.

A mixin of the relation extractor (kg.ingest.relations): it reads and writes its state.
"""

from __future__ import annotations

import re

from ..namespace import K
from .forms import LIST_SEP, fold, norm
from .model import EntityCandidate, Mention, Sentence

_TITLE_PHRASE = (r"(?:(?:former|acting|new|interim|deputy|associate|assistant|executive|senior|chief|"
                 r"founding|then|current)[ -])*(?:founder and president|founder|president|executive director|"
                 r"director|chair(?:man|woman)?|head|chief|secretary|spokes(?:person|man|woman)|city attorney|"
                 r"attorney general|attorney|commissioner|administrator|mayor|governor|leader|member|"
                 r"professor|researcher|fellow|counsel|superintendent|sheriff|ceo|manager|officer|"
                 r"border czar|czar)")


# 'RIVERTON - ', 'LOS ANGELES (AP) — ': the place a story is filed from
_DATELINE_START = re.compile(r"[A-Z][A-Z .'-]{2,}(?:, [A-Z][A-Za-z. ]{1,20})?\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s+")


class Structure:
    """The structural passes of kg.ingest.relations._Extractor."""

    def roles(self, sentence: Sentence, ms: list[Mention]) -> None:
        """Roles from titles: before a name ('Oakland Mayor Jane Roe', 'Transportation Secretary
        X'; a national title alone means the national office), after it ('X, director of Y'), a
        plural title with places ('mayors ... A (Chicago)', 'senators from California, A and B'),
        an outlet's spokesperson or photographer; and the party of each person named."""
        if not hasattr(self, "_title_parts"):  # (built once per article, not per sentence)
            titles = {t["title"]: t for t in self.rules["titles"]}
            self._title_parts = (titles, "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)),
                                 "|".join(re.escape(q) for q in self.rules["title_qualifiers"]))
        titles, title_re, quals = self._title_parts
        date = self.date_near(sentence, sentence.start) or self.article_date
        for i, m in enumerate(ms):
            if not self.fits(m.entity, K.Person):
                continue
            if m.entity in self.found.roles:  # 'the governor': of the state named before
                place, title = self.found.roles[m.entity]
                self.emit(m.entity, K.holdsRole, place, sentence, "unnamed-office", 0.4, "implied", date=date, title=title)
            before = self.folded[sentence.start:m.start]
            t = re.search(rf"(?:\b(?i:{quals}) )*\b({title_re}) $", before) \
                or re.search(rf"\b[Tt]he ((?i:{title_re})), $", before)  # 'The attorney general, Pam Bondi,'
            if t:
                title = t.group(1) if t.group(1) in titles else next(k for k in titles if k.lower() == t.group(1).lower())
                spec = titles[title]
                org = next((x for x in reversed(ms[:i]) if x.end <= sentence.start + t.start()
                            and re.fullmatch(r"(?:'s)?\s*", self.folded[x.end:sentence.start + t.start()])), None)
                if spec["org"] == K.Court:  # 'U.S. District Judge A of the Northern District of B': that court
                    court = next((x for x in ms if x.start > m.end and self.fits(x.entity, K.Court)
                                  and re.fullmatch(r",? (?:of|on|for|in|at) (?:the )?", self.folded[m.end:x.start])), None)
                    org = court or (org if org and self.fits(org.entity, K.Court) else None)
                    if org is None:
                        only = self.only_court(before[:t.start()] + t.group(0))
                        if only:  # 'U.S. District Judge A' and one district court in the article: that court
                            self.emit(m.entity, K.holdsRole, only, sentence, "title-before-name", 0.5, "implied",
                                      date=date, title=title)
                        continue
                local = re.search(r"\b(?:state|county|city)\b", t.group(0), re.I)
                branch = re.search(r"((?:[A-Z][a-z]+ ){1,3})$", before[:t.start()]) if spec["org"] == K.GovernmentAgency else None
                department = self.department(branch.group(1).strip()) if branch and not org else None
                org_id = org.entity if org else department or (None if local else self.default_org(spec))
                implied = False
                if org_id is None and spec["org"] in (K.City, K.County):
                    # 'City Manager A' in a story datelined in one city and naming no other: that city
                    # (a council member: its council, when the article names it)
                    org_id = self.story_place(spec["org"], m.start, council="Council" in title)
                    implied = org_id is not None
                if org_id:
                    self.emit(m.entity, K.holdsRole, org_id, sentence, "title-before-name",
                              0.8 if org else 0.5, "implied" if implied else "explicit", date=date, title=title)
            after = self.folded[m.end:sentence.end]
            a = re.match(rf",? (?:who (?:as|is|was|serves as) )?(?:the |a |an )?(?:\w+'s )?({_TITLE_PHRASE}) (?:of|at|for) (?:the )?", after, re.I)
            if a:
                org = self.org_phrase(ms, m.end + a.end())
                if org:
                    self.emit(m.entity, K.holdsRole, org, sentence, "appositive-title", 0.7, date=date,
                              title=a.group(1))
            p = re.match(r" \(([^)]{2,40})\)", after)
            if p:
                place = next((x for x in ms if x.start == m.end + 2), None)
                plural = re.search(r"\b(" + "|".join(self.rules["plural_titles"]) + r")\b", fold(sentence.text), re.I)
                if place and plural:
                    self.emit(m.entity, K.holdsRole, place.entity, sentence, "name-with-place", 0.6,
                              date=date, title=self.rules["plural_titles"][plural.group(1).lower()])
            self.party(sentence, ms, m, before, after)
            credit = re.search(r"\(([^()]*?) Photo ?/ ?$", before)
            if credit and after.startswith(")"):  # '(AP Photo/Jeff Chiu)'
                outlet = next((x for x in ms if x.end <= m.start and x.start == sentence.start + credit.start(1)), None)
                if outlet:
                    self.emit(m.entity, K.holdsRole, outlet.entity, sentence, "photo-credit", 0.5, "implied",
                              date=date, title="Photographer")
        # 'An ICE spokeswoman, Tanya Reyes,' / 'ICE spokesman John Doe'
        for a, b in zip(ms, ms[1:]):
            r = re.fullmatch(r" (spokes(?:wo)?(?:man|person)|officials?|director|chief|attorney|lawyer)(?:,)? ", self.folded[a.end:b.start])
            if r and self.fits(a.entity, K.Organization) and self.fits(b.entity, K.Person):
                self.emit(b.entity, K.holdsRole, a.entity, sentence, "org-title-name", 0.6, date=date, title=r.group(1))
        # 'state senators from California, Kamala Harris and Dianne Feinstein'
        plurals = self.rules["plural_titles"]
        for r in re.finditer(rf"\b({'|'.join(map(re.escape, plurals))}) (?:from|of|in) ", self.folded[sentence.start:sentence.end], re.I):
            place = next((i for i, x in enumerate(ms) if x.start == sentence.start + r.end() and self.fits(x.entity, K.Jurisdiction)), None)
            if place is None:
                continue
            names = [x for x in ms[place + 1:] if self.fits(x.entity, K.Person)]
            if names and re.fullmatch(r",\s*", self.folded[ms[place].end:names[0].start]):
                for x in self.group_right(ms, ms.index(names[0]), K.Person):
                    self.emit(x.entity, K.holdsRole, ms[place].entity, sentence, "plural-title-from", 0.6,
                              date=date, title=plurals[r.group(1).lower()])
        # 'acting director of the Agency, Jane Roe'
        for r in re.finditer(rf"\b({_TITLE_PHRASE}) (?:of|at) (?:the )?", self.folded[sentence.start:sentence.end], re.I):
            org = self.org_phrase(ms, sentence.start + r.end())
            if not org:
                continue
            org_end = max(x.end for x in ms if x.entity == org and x.start >= sentence.start + r.end())
            person = next((x for x in ms if x.start >= org_end and re.fullmatch(r",\s*", self.folded[org_end:x.start])
                           and self.fits(x.entity, K.Person)), None)
            if person:
                self.emit(person.entity, K.holdsRole, org, sentence, "title-of-org-name", 0.7, date=date,
                          title=r.group(1))

    def story_place(self, kind: str, before: int, council: bool = False) -> str | None:
        """The city (or county) of the article's dateline ('RIVERTON - '), if no other place of
        that kind is named before `before`; with `council`, that place's council if named."""
        cache = self.__dict__.setdefault("_story_places", {})
        if kind not in cache:  # (once per kind and article: the place, and where another is first named)
            cache[kind] = None
            line = next((d for s in self.sentences[:3] if (d := _DATELINE_START.match(self.folded, s.start, s.end))), None)
            if line is not None:  # (the dateline opens the first paragraph, after a headline or two)
                name = norm(re.match(r"[A-Z][A-Z .'-]*[A-Z]", line.group()).group())  # 'LOS ANGELES' in capitals
                places = [x for x in self.found.mentions if self.fits(x.entity, kind)]
                here = {x.entity for x in places if norm(self.label(x.entity)) == name}
                if len(here) == 1:
                    other = min((x.start for x in places if x.start >= line.start() and x.entity not in here),
                                default=len(self.text))
                    cache[kind] = (here.pop(), other)
        if cache[kind] is None or before > cache[kind][1]:
            return None
        place = cache[kind][0]
        if council:
            bodies = [b for b, p in self.found.parts.items() if p == place and self.fits(b, K.LegislativeBody)]
            return bodies[0] if len(bodies) == 1 else place
        return place

    def only_court(self, title: str) -> str | None:
        """The one court of the kind a judge's title names ('District Judge', 'Circuit Judge')
        that the article names anywhere; None when it names none or several."""
        kind = re.search(r"\b(District|Circuit|Appeals|Bankruptcy)\s+(?:Court\s+)?Judge\s*$", title)
        if kind is None:
            return None
        word = {"Appeals": "Circuit"}.get(kind.group(1), kind.group(1))
        cache = self.__dict__.setdefault("_only_courts", {})
        if word not in cache:  # (once per article and kind of court)
            courts = {x.entity for x in self.found.mentions if self.fits(x.entity, K.Court)
                      and word in self.label(x.entity).split()}
            cache[word] = courts.pop() if len(courts) == 1 else None
        return cache[word]

    def party(self, sentence: Sentence, ms: list[Mention], m: Mention, before: str, after: str) -> None:
        """'Republican Representative James Comer', 'Dale Pruitt, a Republican from Yuma,',
        'Sen. Ann Lee (D-Ore.)': the person belongs to the party."""
        parties = self.rules["parties"]
        if not hasattr(self, "_party_parts"):  # (built once per article, not per person)
            self._party_parts = ("|".join(re.escape(t["title"]) for t in self.rules["titles"]),
                                 "|".join(re.escape(p) for p in parties if len(p) > 1))
        titles, names = self._party_parts
        found = re.search(rf"\b({names}) (?:(?:former|state|U\.S\.) )*(?:{titles}) $", before) \
            or re.match(rf",? (?:a|an|the) ({names})\b(?! (?:Party|National|Committee))", after) \
            or re.match(r" \(([RDI])-[A-Z][A-Za-z. ]{1,15}\)", after)
        if found:
            party = self.named(parties[found.group(1)], K.Group, sentence)
            self.emit(m.entity, K.memberOf, party, sentence, "party", 0.6)

    def named(self, label: str, type_: str, sentence: Sentence | None) -> str:
        """The entity of that name: known, already proposed, or new."""
        key = norm(label)
        for ident, ent in self.found.known.items():
            if key in {norm(f) for f in [ent.label, *ent.aliases]}:
                if ident not in self.found.entities:
                    self.found.entities[ident] = EntityCandidate(ident, ent.type, ent.label, "known", known=True, score=1.0)
                return ident
        return self.new_entity(label, type_, "named", sentence, 0.5)

    def org_phrase(self, ms: list[Mention], at: int) -> str | None:
        """The organisation named from `at` on: the last of a possessive chain ('A's B' -> B)."""
        chain = []
        for m in ms:
            if m.start < at:
                continue
            if chain and not re.fullmatch(r"'s\s+|\s+", self.folded[chain[-1].end:m.start]):
                break
            if not chain and m.start != at:
                break
            chain.append(m)
        chain = [m for m in chain if self.fits(m.entity, K.Actor)]
        return chain[-1].entity if chain else None

    def department(self, name: str) -> str | None:
        """'Transportation Secretary': the Department of Transportation, if the article or the
        curated data name it."""
        forms = {norm(f"Department of {name}"), norm(f"U.S. Department of {name}"), norm(f"{name} Department")}
        for ident, cand in self.found.entities.items():
            if forms & {norm(f) for f in [cand.label, *cand.aliases]}:
                return ident
        for ent in self.found.known.values():
            if forms & {norm(f) for f in [ent.label, *ent.aliases]}:
                return self.named(ent.label, ent.type, None)
        return None

    def default_org(self, spec: dict) -> str | None:
        name = spec.get("default")
        if not name:
            return None
        return self.named(name, spec["org"], None)  # the office national news mean by the bare title

    def membership(self, sentence: Sentence, ms: list[Mention]) -> None:
        """'X, including A and B': A and B are members of X; 'the city's commitment to being a
        sanctuary city', 'identified by ICE as sanctuary cities': the subject is a member."""
        for i, m in enumerate(ms):
            if not self.is_group(m.entity):
                continue
            copula = re.search(r"\b(?:being|become|becomes|became|becoming|remain|remains|remained|remaining|is|are|was|were|"
                               r"(?:identified|designated|labell?ed|listed|classified|regarded|known|described|branded)\b[^,;]{0,80}?\bas|"
                               r"considered|declared (?:itself|themselves))\s+(?:an?\s+)?$",
                               self.folded[sentence.start:m.start])
            if copula:
                kind = K.Jurisdiction if self.type_of(m.entity) == K.JurisdictionGroup else K.Actor
                members = [x for x in self.subjects(ms, sentence, sentence.start + copula.start(), (kind, K.JurisdictionGroup),
                                                    120, possessive=True)
                           if x.entity != m.entity and not self.fits(x.entity, K.Person)]
                for x in members:
                    self.emit(x.entity, K.memberOf, m.entity, sentence, "is-a", 0.5)
                agent = next((x for x in ms if sentence.start <= x.start < m.start and self.fits(x.entity, K.Actor)
                              and re.search(r"\b(?:identified|designated|labell?ed|listed|classified|named)\s+by\s+(?:the\s+)?$",
                                            self.folded[sentence.start:x.start])), None)
                for x in members if agent else []:  # 'identified by ICE as sanctuary cities': ICE reports it
                    self.emit(agent.entity, K.reported, x.entity, sentence, "identified-by", 0.5)
            after = self.folded[m.end:sentence.end]
            if not re.match(r"(?:,|\s+[-—–])?\s+(?:including|such as|like|among them|led by)\b", after):
                continue
            last = None
            for x in ms[i + 1:]:
                if self.parenthesised(x):
                    continue
                between = self.between(m, x)
                if last and self.fits(x.entity, K.State) and between == ", " and self.fits(last.entity, K.Jurisdiction):
                    m = Mention(m.start, x.end, m.text, m.entity, m.rule)
                    continue  # 'Chicago, Ill.': where the member lies
                if not LIST_SEP.fullmatch(between):
                    break
                last = x
                m = Mention(m.start, x.end, m.text, m.entity, m.rule)
                if self.type_of(x.entity) == K.Person and self.type_of(m.entity) == K.JurisdictionGroup:
                    continue
                self.emit(x.entity, K.memberOf, m.entity, sentence, "including", 0.6)

    def location(self, sentence: Sentence, ms: list[Mention]) -> None:
        """'Santa Fe, N.M.': the city in its state; 'undocumented immigrants in the U.S.': a group
        or body in a place."""
        for a, b in zip(ms, ms[1:]):
            if re.fullmatch(r"\s+in\s+(?:the\s+)?", self.folded[a.end:b.start]) and self.fits(a.entity, (K.Group, K.Organization)) \
                    and self.fits(b.entity, K.Jurisdiction) and not self.fits(a.entity, K.JurisdictionGroup):
                self.emit(a.entity, K.locatedIn, b.entity, sentence, "group-in-place", 0.5)
            if self.folded[a.end:b.start] == ", " and self.fits(a.entity, K.Jurisdiction) \
                    and self.fits(b.entity, K.State) and not self.fits(a.entity, K.State):
                self.emit(a.entity, K.locatedIn, b.entity, sentence, "place-comma-state", 0.8)

    def part_of(self, sentence: Sentence, ms: list[Mention]) -> None:
        """'A's B' of two organisations: B is part of A; 'Section 1 of the X Act': related."""
        for m in ms:
            if m.entity in self.found.parts and (m.rule == "local-body" or norm(m.text).startswith(
                    norm(self.label(self.found.parts[m.entity])) + " ")):  # 'Denver police'
                self.emit(m.entity, K.partOf, self.found.parts[m.entity], sentence, "local-body", 0.6, "implied")
            if m.entity in self.found.owners and m.rule == "local-law":  # 'a 2019 ordinance'
                self.emit(self.found.owners[m.entity], K.enacted, m.entity, sentence, "local-law", 0.5, "implied",
                          date=re.search(r"\d{4}", m.text).group() if re.search(r"\d{4}", m.text) else None)
        for a, b in zip(ms, ms[1:]):
            if re.fullmatch(r"'s\s+", self.folded[a.end:b.start]) and self.fits(a.entity, K.Organization) \
                    and self.fits(b.entity, K.Organization):
                self.emit(b.entity, K.partOf, a.entity, sentence, "possessive-organization", 0.6)
            if re.fullmatch(r"\s+of\s+(?:the\s+)?", self.folded[a.end:b.start]) and self.fits(a.entity, K.LegalProvision) \
                    and self.fits(b.entity, (K.Statute, K.StatutoryProvision)):
                self.emit(a.entity, K.relatedTo, b.entity, sentence, "provision-of-statute", 0.6)

    def owned_policies(self, sentence: Sentence, ms: list[Mention]) -> None:
        """"Trump's mass deportation plans", "San Francisco's 1989 ordinance": the owner signed an
        order, issued a memo, enacted a law or a local policy, and carries out a plan."""
        for a, b in zip(ms, ms[1:]):
            if b.rule != "owned-policy" or not re.fullmatch(r"'s\s+|\s+", self.folded[a.end:b.start]):
                continue
            kind = self.type_of(b.entity) or ""
            if kind == K.ExecutiveOrder and self.fits(a.entity, K.Person):
                relation, confidence = K.signed, "explicit"
            elif kind in (K.Memorandum, K.AgencyOrder):
                relation, confidence = K.issued, "explicit"
            elif self.fits(a.entity, K.Jurisdiction) and kind in (K.Ordinance, K.Statute, K.Policy):
                relation, confidence = K.enacted, "implied" if kind == K.Policy else "explicit"
            else:
                relation, confidence = K.implements, "implied"
            self.emit(a.entity, relation, b.entity, sentence, "owned-policy", 0.6, confidence)

    def events(self, sentence: Sentence, ms: list[Mention]) -> None:
        """Who held an event and who took part: 'in an interview with Fox News, X said', 'X speaks
        during a meeting ... by A and B', 'X is launching an investigation'; who did a study:
        'a 2017 study by the Center', 'A 2020 Cambridge University study'."""
        for i, e in enumerate(ms):
            if e.rule == "study":
                before = ms[i - 1] if i else None
                if before and self.folded[before.end:e.start] in (" ", "'s ") and self.fits(before.entity, K.Organization):
                    self.emit(before.entity, K.conducted, e.entity, sentence, "study-by", 0.6)
                for x in ms[i + 1:i + 2]:
                    if re.fullmatch(r"\s+(?:by|from)\s+(?:the\s+)?", self.folded[e.end:x.start]) and self.fits(x.entity, K.Actor):
                        self.emit(x.entity, K.conducted, e.entity, sentence, "study-by", 0.6)
                continue
            if e.rule != "event":
                continue
            after = [x for x in ms[i + 1:] if x.start - e.end < 60]
            host = next((x for x in after if re.fullmatch(r"\s+with\s+(?:the\s+)?", self.folded[e.end:x.start])
                         and self.fits(x.entity, K.MediaOrganization)), None)
            if host:  # 'an interview with Fox News': the outlet held it, the speaker took part
                self.emit(host.entity, K.conducted, e.entity, sentence, "event-with", 0.6)
                for who in self.spoke.get(sentence.index, []):
                    self.emit(who.entity, K.participatedIn, e.entity, sentence, "event-speaker", 0.5)
            by = re.search(r"\bby\s+", self.folded[e.end:min(sentence.end, e.end + 80)])
            if by:
                first = next((j for j, x in enumerate(ms) if x.start == e.end + by.end()), None)
                if first is not None and self.fits(ms[first].entity, K.Actor):
                    for x in self.group_right(ms, first, K.Actor):
                        self.emit(x.entity, K.conducted, e.entity, sentence, "event-by", 0.6)
            lead = self.folded[sentence.start:e.start]
            took_part = re.search(r"\b(?:\w+s|spoke|appeared|testified|attended|participated)\s+(?:during|at|in)\s+(?:an?|the)\s+$", lead)
            if took_part:
                for x in self.subjects(ms, sentence, sentence.start + took_part.start(), K.Person, 40):
                    self.emit(x.entity, K.participatedIn, e.entity, sentence, "event-at", 0.5)
            held = re.search(r"\b(?:launch\w*|open\w*|hold|holds|held|holding|host\w*|conduct\w*|escalat\w*|"
                             r"announc\w*|organiz\w*|call\w*|stag\w*|carr\w+ out)\s+(?:(?:an?|the|new|its|their)\s+)?(?:[a-z-]+\s+){0,2}$", lead)
            if held and not self.irrealis(sentence, sentence.start + held.start()):
                t = sentence.start + held.start()
                subs = self.main_subject(ms, sentence, t, K.Actor) if self.participle(sentence, t, t + 12) \
                    else self.subjects(ms, sentence, t, K.Actor, 120)
                for x in subs:
                    self.emit(x.entity, K.conducted, e.entity, sentence, "event-held", 0.6)
