"""Coreference for the mention finder: a new name found once wherever it stands again, a
surname for the person named in full, 'the city' and 'the association' for the one named before,
'the governor' for the office holder, 'he' and 'she' for the person last named as a subject, and
an acronym for the name whose initials it spells.

A mixin of the mention finder (kg.ingest.mentions): it reads and writes the finder's state.
"""

from __future__ import annotations

import re

from ..namespace import K
from .forms import CONNECTORS, fold, norm
from .model import Mention


class Coreference:
    """The coreference passes of kg.ingest.mentions._Finder."""

    def repeats(self) -> None:
        """A new name found once is a mention wherever else it stands."""
        forms = {}
        for ident, cand in self.entities.items():
            if not cand.known:
                for form in [cand.label, *cand.aliases]:
                    if len(form) > 2 and not form.islower():
                        forms.setdefault(fold(form), ident)
        if not forms:
            return
        alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        for m in re.finditer(rf"(?<![\w])(?:{alternation})(?![\w])", self.folded):
            ident = forms[m.group()]
            if self.entities[ident].rule == "office" and any(x.start == m.end() + 1 and self.type_of(x.entity) == K.Person
                                                             for x in self.mentions):
                continue  # 'Attorney General Pam Bondi': the title of a person, not the office
            if self.free(m.start(), m.end()):
                self.add(m.start(), m.end(), ident, "repeat", 0.7)

    def short_forms(self) -> None:
        """A surname alone stands for the one person of that surname the article names in full."""
        people: dict[str, set[str]] = {}
        first_seen: dict[str, int] = {}
        for mention in self.mentions:
            if self.type_of(mention.entity) == K.Person and len(mention.text.split()) >= 2:
                people.setdefault(mention.text.split()[-1], set()).add(mention.entity)
                first_seen.setdefault(mention.entity, mention.start)
        everyone: dict[str, set[str]] = {}
        for ent in self.known.values():
            if ent.type == K.Person and len(ent.label.split()) >= 2:
                everyone.setdefault(ent.label.split()[-1], set()).add(ent.id)
                for alias in ent.aliases:
                    if len(alias.split()) == 1:
                        everyone.setdefault(alias, set()).add(ent.id)
        for m in re.finditer(r"(?<![\w'])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![\w])", self.folded):
            name = m.group()
            if not self.free(m.start(), m.end()) or (name not in people and name not in everyone):
                continue
            first = re.search(r"(?<![\w.])([A-Z][a-z]+|[A-Z]\.) $", self.folded[max(0, m.start() - 20):m.start()])
            if first and first.group(1) not in self.title_words and first.group(1) not in self.rules["not_names"] \
                    and self.free(m.start() - len(first.group(0)), m.start()):
                # 'Tom Homan' where the graph has Thomas Homan: the full name decides, and a
                # different first name ('Sarah Johnston') is another person
                link = self.linker.person(self.text[m.start() - len(first.group(0)):m.end()])
                if link and len(link.ids) == 1 and link.why in ("same", "initial", "nickname"):
                    self.add(m.start() - len(first.group(0)), m.end(), link.ids[0], "known-variant", link.score)
                    self.note_alias(link.ids[0], self.text[m.start() - len(first.group(0)):m.end()])
                continue
            here = people.get(name, set())
            if len(here) == 1:
                ident = next(iter(here))
                self.add(m.start(), m.end(), ident, "short-form", 0.8)
                self.note_surface(ident, name)
                continue
            options = sorted(here or everyone[name])
            ident = options[0]
            self.add(m.start(), m.end(), ident, "short-form-ambiguous", 0.3)
            cand = self.entities.get(ident) or self._known_candidate(ident)
            cand.ambiguous = sorted(set(cand.ambiguous) | set(options[1:]))

    def note_surface(self, ident: str, surface: str) -> None:
        if ident in self.known:
            self.note_alias(ident, surface)
        elif ident in self.entities and surface not in self.entities[ident].aliases:
            self.entities[ident].aliases.append(surface)

    def anaphora(self) -> None:
        """'the city' stands for the city last named in the five sentences before."""
        for rule in self.rules["anaphora"]:
            pattern = re.compile(rf"(?<![\w])(?:{rule['pattern']})(?![\w-]| of\b)", re.IGNORECASE)
            for m in pattern.finditer(self.folded):
                if not self.free(m.start(), m.end()):
                    continue
                here = self.sentence_at(m.start())
                floor = self.sentences[max(0, here.index - 5)].start if here else 0
                before = [x for x in self.before(floor, m.start())
                          if self.types.is_a(self.type_of(x.entity) or "", rule["type"])]
                if before:
                    last = max(before, key=lambda x: x.start)
                    self.add(m.start(), m.end(), last.entity, "anaphora", 0.5)
        heads = "|".join(re.escape(h) for h in self.rules["definite_heads"])
        for m in re.finditer(rf"(?<![\w])[Tt]he ({heads})(?![\w-]| of\b)", self.folded):
            here = self.sentence_at(m.start())  # 'the association': the last '... Association' named
            floor = self.sentences[max(0, here.index - 8)].start if here else 0
            before = [x for x in self.before(floor, m.start()) if x.rule != "anaphora"
                      and m.group(1).lower() in norm(self.label(x.entity)).split()]
            if before and self.free(m.start(), m.end()):
                self.add(m.start(), m.end(), max(before, key=lambda x: x.start).entity, "anaphora", 0.5)
            elif m.group(1).lower() == "administration" and self.free(m.start(), m.end()):
                self.administration(m.start(), m.end())
        titles = "|".join(re.escape(t) for t in sorted(self.rules["title_anaphora"], key=len, reverse=True))
        for m in re.finditer(rf"(?<![\w])[Tt]he ({titles})(?![\w-]| of\b)", self.folded, re.IGNORECASE):
            holders = {p for p, held in self.titles.items() if m.group(1).lower() in held}
            before = [x for x in self.mentions if x.start < m.start() and x.entity in holders]
            if before and self.free(m.start(), m.end()):  # 'the sheriff': the person titled Sheriff
                self.add(m.start(), m.end(), max(before, key=lambda x: x.start).entity, "anaphora", 0.5)
            elif self.free(m.start(), m.end()):
                self.unnamed_office(m.start(), m.end(), m.group(1).lower())

    def administration(self, start: int, end: int) -> None:
        """'the administration' with none named before: the administration of the president the
        article has named ('President Trump' ... 'the administration' is the Trump administration),
        when the graph knows it."""
        if not hasattr(self, "_presidents"):  # (once per article: where each president is first named)
            self._administrations: dict[str, set[str]] = {}
            for ident, ent in self.known.items():
                for form in [ent.label, *ent.aliases]:
                    if named := re.fullmatch(r"(?:the )?(\w+)(?:'s)? administration", form, re.I):
                        self._administrations.setdefault(named.group(1), set()).add(ident)
            self._presidents: dict[str, int] = {}
            for x in sorted(self.mentions, key=lambda x: x.start):
                if self.types.is_a(self.type_of(x.entity) or "", K.Person) \
                        and re.search(r"\bPresident\s+(?:[A-Z][\w.]*\s+)*$", self.folded[max(0, x.start - 40):x.start]):
                    self._presidents.setdefault(self.label(x.entity).split()[-1], x.start)
        ids = {i for name, at in self._presidents.items() if at < start for i in self._administrations.get(name, ())}
        if len(ids) == 1:
            self.add(start, end, ids.pop(), "anaphora", 0.5)

    def unnamed_office(self, start: int, end: int, title: str) -> None:
        """'The governor issued an order' with no governor named: the governor of the state last
        named in the eight sentences before, a person the text does not name."""
        kind = self.rules["unnamed_offices"].get(title)
        here = self.sentence_at(start)
        if kind is None or here is None:
            return
        floor = self.sentences[max(0, here.index - 8)].start
        places = [x for x in self.before(floor, start) if self.type_of(x.entity) == kind]
        if not places:
            return
        place = max(places, key=lambda x: x.start).entity
        label = f"{title.title()} of {self.label(place)}"
        ident = self.entity_for(label, K.Person, "unnamed-office", self.text[start:end], 0.4)
        self.roles[ident] = (place, title.title())
        self.add(start, end, ident, "unnamed-office", 0.4)

    def pronouns(self) -> None:
        """'he', 'she' (and 'his', 'her' before a gerund: 'her refusing to'): the person last
        named as a subject in this sentence, else the first named as one in the three before (a
        subject: not in a possessive or after a preposition, as in 'fight against Trump's ...')."""
        for m in re.finditer(r"(?<![\w'])(?:[Hh]e|[Ss]he|(?:his|her)(?= \w+ing\b))(?![\w'])", self.folded):
            here = self.sentence_at(m.start())
            if here is None:
                continue
            first = here.index - 1 if m.group().lower() in ("his", "her") else here.index  # (rarely the subject beside it)
            for back in range(first, max(-1, here.index - 4), -1):
                s = self.sentences[back]
                people = [x for x in self.before(s.start, min(s.end, m.start())) if self.type_of(x.entity) == K.Person]
                subjects = [x for x in people if not self.folded.startswith("'s", x.end)
                            and not re.search(r"\b(?:of|against|with|from|to|by|for|on|about|at|than)\s+$",
                                              self.folded[s.start:x.start])]
                if subjects or people:
                    self.add(m.start(), m.end(), (subjects or people)[0 if back < here.index else -1].entity,
                             "pronoun", 0.5)
                    break

    def acronyms(self) -> None:
        """'AP' and 'Associated Press' in one article: one entity, the acronym an alias."""
        def initials(label: str) -> str:
            return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", label)
                           if w.lower() not in CONNECTORS | {"the", "a", "an"}).upper()
        for short in [c for c in self.entities.values() if not c.known and re.fullmatch(r"[A-Z]{2,6}", c.label)]:
            long = next((c for c in self.entities.values() if c is not short and len(c.label.split()) > 1
                         and initials(c.label) == short.label and c.type == short.type), None)
            if long is None:
                continue
            self.mentions = [Mention(m.start, m.end, m.text, long.id, m.rule, m.score) if m.entity == short.id else m
                             for m in self.mentions]
            self.ordered = None
            long.aliases.append(short.label)
            del self.entities[short.id]
