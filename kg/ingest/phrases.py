"""Entity proposals from phrases rather than capitalised names: collective actors ('legal
experts', 'more than 300 cities'), offices named by their title, terms of law, policies named by
their owner ("Trump's mass deportation plans"), studies, events, a dateline's outlet and the
country of a nationality before a title.

A mixin of the mention finder (kg.ingest.mentions): it reads and writes the finder's state.
"""

from __future__ import annotations

import re

from ..namespace import K
from .forms import DAY, count_key


class Phrases:
    """The phrase passes of kg.ingest.mentions._Finder."""

    def groups(self) -> None:
        """Collective actors: named ones of rules.yaml, quantified jurisdictions ('more than 300
        cities'), and plural nouns for people with their classifying words ('legal experts')."""
        for group in self.rules["groups"]:
            self._groups(group["pattern"], group["type"], group.get("label"))
        spec = self.rules["quantified_groups"]
        for quantity, take_over in ((spec["counted"], True), (spec["vague"], False)):
            quantified = rf"(?<!\d, )(?:{quantity}) (?:[a-z-]+ ){{0,2}}?(?:{spec['nouns']})(?: and (?:(?:{quantity}) )?(?:{spec['nouns']}))?"
            self._groups(quantified, K.JurisdictionGroup, take_over=take_over, count=take_over)
        nouns = self.rules["group_nouns"]
        mods = "|".join(re.escape(w) for w in sorted(nouns["modifiers"], key=len, reverse=True))
        heads = "|".join(re.escape(w) for w in [*nouns["bare"], *nouns["heads"]])
        self._groups(rf"(?:(?:{mods}) ){{1,2}}(?:{heads})", K.Group, take_over=True)
        self._groups("|".join(re.escape(w) for w in nouns["bare"]), K.Group, qualified=True)

    def _groups(self, pattern: str, type_: str, label: str | None = None, take_over: bool = False,
                count: bool = False, qualified: bool = False) -> None:
        """Propose the groups `pattern` finds; with `take_over`, a longer phrase wins over a
        known group inside it ('criminal illegal immigrants' over 'illegal immigrants'); with
        `qualified`, a bare noun takes the name after 'of' ('critics of the county')."""
        for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", self.folded, re.IGNORECASE):
            inside = [x for x in self.mentions if x.start < m.end() and m.start() < x.end] \
                if take_over and not self.free(m.start(), m.end()) else []
            if inside and all(m.start() <= x.start and x.end <= m.end()
                                 and self.types.is_a(self.type_of(x.entity) or "", K.Group) for x in inside):
                self.untake(m.start(), m.end())  # 'three dozen sanctuary cities': a part of the group
            if not self.free(m.start(), m.end()):
                continue
            surface = m.group()
            name = label or surface[:1].upper() + surface[1:]
            key = count_key(surface) if count else None
            if key and key in self.counted:  # 'more than 3 dozen sanctuary cities' = 'at least three dozen ...'
                ident = self.counted[key]
                self.entities[ident].aliases.append(surface)
            else:
                whose = re.match(r" of (?:the )?", self.folded[m.end():m.end() + 8]) if qualified else None
                other = next((x for x in self.before(m.end(), m.end() + 9)
                              if x.start in (m.end() + whose.end(), m.end() + 4)), None) if whose else None
                if other is not None:  # 'Critics of the county': those critics, not any known 'Critics'
                    surface = self.text[m.start():other.end]
                    name = surface[:1].upper() + surface[1:]
                ident = self.entity_for(name, type_, "group", surface, 0.5)
            if key:
                self.counted[key] = ident
            self.add(m.start(), m.end(), ident, "group", 0.5)

    def legal_terms(self) -> None:
        """Provisions and doctrines named in lower case: 'birthright citizenship', "the
        Constitution's federalism protections", 'constitutional limits on federal power'."""
        for spec in self.rules["constitutional_phrases"]:
            self._phrases(spec["pattern"], spec["type"], "legal-term")
        for term, type_ in sorted(self.rules["legal_terms"].items(), key=lambda t: -len(t[0])):
            self._phrases(re.escape(term), type_, "legal-term", lower=True)  # capitalised: a name, read later
        self._phrases(self.rules["policy_phrases"], K.Policy, "policy-phrase")
        for m in re.finditer(rf"\b{self.rules['policy_verbs']} (?:the )?([A-Z]{{3,6}})\b", self.folded, re.IGNORECASE):
            if self.folded[m.start(1):m.end(1)].isupper() and self.free(m.start(1), m.end(1)):
                ident = self.entity_for(m.group(1), K.Program, "policy-acronym", m.group(1), 0.5)
                self.add(m.start(1), m.end(1), ident, "policy-acronym", 0.5)

    def _phrases(self, pattern: str, type_: str, rule: str, lower: bool = False) -> None:
        for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", self.folded, 0 if lower else re.IGNORECASE):
            if not self.free(m.start(), m.end()):
                continue
            surface = self.text[m.start():m.end()]
            label = re.sub(r"^(?:the|an?) ", "", surface, flags=re.I)
            s = self.sentence_at(m.start())
            ident = self.entity_for(label[:1].upper() + label[1:], type_, rule, surface, 0.5,
                                    evidence=(s.start, s.end) if s else None)
            self.add(m.start(), m.end(), ident, rule, 0.5)

    def offices(self) -> None:
        """'the Attorney General and Secretary of Homeland Security should ...': an office named by
        its title, with no name after it."""
        offices = "|".join(self.rules["offices"])
        for m in re.finditer(rf"(?<![\w.])(?:U\.S\. )?(?:{offices})(?! [A-Z][a-z]| [A-Z]\.)(?![\w'])", self.folded):
            before = self.folded[max(0, m.start() - 30):m.start()]
            if re.search(r"[A-Z][\w.]*\s$", before) or not self.free(m.start(), m.end()):
                continue  # 'Arizona Attorney General': another place's office, named with it
            ident = self.entity_for(m.group(), K.GovernmentAgency, "office", self.text[m.start():m.end()], 0.5)
            self.add(m.start(), m.end(), ident, "office", 0.5)

    def dateline_outlet(self) -> None:
        """'RIVERTON, Ore. (AP) —': the outlet that filed the story."""
        for s in self.sentences:
            m = re.match(r"[A-Z][A-Z .'-]{2,}(?:, [A-Z][A-Za-z. ]{1,20})? \(([A-Z][\w .&-]{0,30}?)\) [—–-]",
                         self.folded[s.start:s.end])
            if m and self.free(s.start + m.start(1), s.start + m.end(1)):
                start, end = s.start + m.start(1), s.start + m.end(1)
                ident = self.entity_for(m.group(1), K.MediaOrganization, "dateline", self.text[start:end], 0.6)
                self.add(start, end, ident, "dateline", 0.6)

    def studies(self) -> None:
        """'a 2017 study by the Center for X', 'A 2020 Cambridge University study', 'Studies show'."""
        nouns = self.rules["study_nouns"]
        pattern = re.compile(rf"\b(?:[Aa]n?|[Tt]he|[Oo]ne|[Aa]nother|[Tt]his) (?:(\d{{4}}) )?(?:new |recent |federal |internal )?"
                             rf"((?:[A-Z][\w.&'-]*(?: (?:of|for|on) )?[ ]?)*?)({nouns})\b(?: (?:by|from) (?:the )?)?")
        for m in pattern.finditer(self.folded):
            if not self.free(m.start(3), m.end(3)):
                continue
            author = next((x for x in self.mentions if x.start == m.end() or
                           (m.group(2) and x.start == m.start(2))), None)
            who = self.label(author.entity) if author else ""
            label = " ".join(w for w in [m.group(1), who if m.group(2) else "", m.group(3)] if w)
            if author and not m.group(2):
                label += f" by {who}"
            s = self.sentence_at(m.start())
            surface = self.text[m.start():m.end(3)] if not author or m.group(2) else self.text[m.start():author.end]
            ident = self.entity_for(label[:1].upper() + label[1:], K.Study, "study", surface, 0.6,
                                    evidence=(s.start, s.end) if s else None)
            if m.group(1):
                self.add(m.start(1), m.end(1), ident, "study", 0.6)
            self.add(m.start(3), m.end(3), ident, "study", 0.6)
        for s in self.sentences:  # 'Studies show ...': unnamed studies as the subject of a finding
            m = re.match(r"(?:Studies|Research|Surveys|Reports) (?:\w+ly )?(?:show|shows|found|find|suggest|suggests)\b",
                         self.folded[s.start:s.end])
            if m and self.free(s.start, s.start + len(m.group().split()[0])):
                end = s.start + len(m.group().split()[0])
                ident = self.entity_for(self.text[s.start:end], K.Study, "study", self.text[s.start:end], 0.5,
                                        evidence=(s.start, s.end))
                self.add(s.start, end, ident, "study", 0.5)

    def events(self) -> None:
        """'an interview with Fox News', 'a meeting at City Hall', 'an investigation into X'."""
        nouns = self.rules["event_nouns"]
        pattern = re.compile(rf"\b(?:an?|the|[a-z]+ed) ((?:[a-z-]+ ){{0,2}}?)({nouns})\b((?: (?:with|at|into|of|on|by|before|in) [^,.;:]{{2,60}}?)?)"
                             rf"(?=[,.;:]| (?:about|that|to|and|in|on|by|during|where|which|who|after|before)\b|$)", re.IGNORECASE)
        held = r"(?:launch|open|hold|held|host|conduct|escalat|announc|organiz|call|stag|attend|led|lead)\w*"
        for m in pattern.finditer(self.folded):
            if not self.free(m.start(2), m.end(2)) or re.search(r"\d", m.group(1)):
                continue
            if not m.group(3) and not re.search(rf"\b{held}\s+(?:\w+\s+)?$", self.folded[max(0, m.start(2) - 40):m.start(2)], re.I):
                continue  # 'a deportation hearing': an event only with what or who it was with, or who held it
            rest = " ".join(m.group(3).split()[:6])
            label = (m.group(2) + (" " + rest if rest else "")).strip()
            s = self.sentence_at(m.start(2))
            ident = self.entity_for(label[:1].upper() + label[1:], K.Event, "event", self.text[m.start(2):m.end(3)].strip(), 0.5,
                                    evidence=(s.start, s.end) if s else None)
            self.add(m.start(2), m.end(2), ident, "event", 0.5)

    def policies(self) -> None:
        """"Trump's mass deportation plans", "the city's policies", "a Department of Transportation
        order": a policy named by its owner and a head noun (rules.yaml: policy_nouns)."""
        nouns = self.rules["policy_nouns"]
        stop = {"the", "a", "an", "of", "to", "in", "on", "for", "with", "that", "which", "who", "is", "are",
                "was", "were", "has", "have", "had", "will", "would", "and", "or", "but", "not", "own", "as", "be"}
        head = "|".join(sorted(map(re.escape, nouns), key=len, reverse=True))
        for owner in list(self.mentions):
            kind = self.type_of(owner.entity) or ""
            if not self.types.is_a(kind, K.Actor):
                continue
            rest = self.folded[owner.end:owner.end + 80]
            m = re.match(rf"'s ((?:(?:[a-z][a-z-]*|\$?\d[\d,.]*(?:-[a-z]+)?|{DAY}) ){{0,5}}?)({head})\b(?![-'])", rest, re.I)
            if not m and self.types.is_a(kind, K.Organization) and re.search(r"\b(?:the|an?) $", self.folded[max(0, owner.start - 4):owner.start], re.I):
                m = re.match(rf" ((?:[a-z][a-z-]* ){{0,3}}?)({head})\b(?![-'])", rest)  # 'a DOT order'
            dated = m and re.fullmatch(rf"(?:{DAY} )?", m.group(1))
            if not m or set(m.group(1).lower().split()) & stop or (m.group(2)[:1].isupper() and not dated) \
                    or (m.group(1)[:1].isupper() and not dated):
                continue  # (capitalised words other than a date: a title, read as a name)
            start, end = owner.end + m.start(1 if m.group(1) else 2), owner.end + m.end(2)
            if not self.free(start, end):
                continue
            type_ = nouns[m.group(2).lower()]
            if type_ == K.ExecutiveOrder and kind != K.Person:
                type_ = K.AgencyOrder
            earlier = [x for x in self.before(0, owner.start) if self.type_of(x.entity) == type_] \
                if type_ in (K.ExecutiveOrder, K.Memorandum) and dated else []
            if earlier:
                # "Trump's order", "Trump's Jan. 20 Executive Order": the one the article named before
                self.add(start, end, max(earlier, key=lambda x: x.start).entity, "owned-policy", 0.5)
                continue
            surface = self.text[owner.start:end]
            if self.folded[max(0, owner.start - 4):owner.start].lower() == "the ":
                surface = self.text[owner.start - 4:end]
            words = m.group(1) + m.group(2)
            label = f"{self.label(owner.entity)}'s {words}" if not m.group(0).startswith(" ") else f"{self.label(owner.entity)} {words}"
            s = self.sentence_at(start)
            ident = self.entity_for(label, type_, "owned-policy", surface, 0.5, evidence=(s.start, s.end) if s else None)
            self.add(start, end, ident, "owned-policy", 0.5)

    def demonyms(self) -> None:
        """'Mexican President Enrique Nieto': the country the title belongs to."""
        titles = "|".join(re.escape(t["title"]) for t in self.rules["titles"] if t["org"] == K.Country)
        names = "|".join(map(re.escape, self.rules["demonyms"]))
        for m in re.finditer(rf"\b({names}) (?=(?:{titles}) [A-Z])", self.folded):
            country = self.rules["demonyms"][m.group(1)]
            if self.free(m.start(1), m.end(1)):
                ident = self.entity_for(country, K.Country, "demonym", self.text[m.start(1):m.end(1)], 0.6)
                self.add(m.start(1), m.end(1), ident, "demonym", 0.6)
