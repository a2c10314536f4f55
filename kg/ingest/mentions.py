"""Find the entities an article mentions: known ones from the curated data, and new ones.

Known entities are matched by label and alias (longest first; a lower-case alias also matches
capitalised at a sentence start or in a title-case headline). New ones are proposed from the
shapes news give names: a title before a name ('Attorney General Pam Bondi'), a name before a
verb of speech, capitalised names typed by their words ('... Committee', '... Amendment'),
documents titled in quotation marks, places in a list with known places, and collective actors
('legal experts'). A surname alone ('Chiu') stands for the person of that surname named in full
earlier in the article; if there is none, or more than one, the mention is flagged ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..curated import Entity
from .model import EntityCandidate, Mention, Sentence
from .rules import rules

_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their",
                "our", "my", "your", "some", "one"}
_CONNECTORS = {"of", "the", "and", "for", "on", "to", "in", "&"}
_ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
             "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth",
             "Seventeenth", "Eighteenth", "Nineteenth", "Twentieth"]
_WORD = r"(?:[A-Z][a-z]{0,3}\.(?:[A-Z]\.)*|[A-Z][A-Za-z]*(?:[-'][A-Z][A-Za-z]*)*|\d+(?:st|nd|rd|th)|\d+\w*(?:\([a-z0-9]\))?)"
_CONNECT = r"(?:of|the|and|for|on|to|in|&|de|del|la|van|von|v\.)"
_CHUNK = re.compile(rf"(?<![\w'])(?:{_WORD})(?:[ ](?:{_CONNECT}[ ])*(?:{_WORD}))*(?![\w])")
_NAME = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+|'[A-Z][a-z]+)*(?: (?:[A-Z]\.|[A-Z][a-z]+(?:-[A-Z]?[a-z]+|'[A-Z][a-z]+)*)){1,2}"


def fold(text: str) -> str:
    """Curly quotes and apostrophes as straight ones: same length, so offsets still hold."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def camel_id(label: str) -> str:
    """An entity id from a label: 'Attorney General's memo' -> 'AttorneyGeneralsMemo'."""
    import unicodedata

    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_label.replace("'", ""))
    ident = "".join(w[:1].upper() + w[1:] for w in words)[:60] or "Entity"
    return ident if ident[0].isalpha() else "E" + ident


def norm(form: str) -> str:
    """A surface form reduced for comparison: folded, lower case, no article, no possessive."""
    form = fold(form).strip().lower()
    form = re.sub(r"^(?:the|a|an)\s+", "", form)
    form = re.sub(r"'s$", "", form)
    return " ".join(re.sub(r"\s*\([^)]*\)", "", form).split())


@dataclass
class Found:
    """The result of `find`: mentions in text order and the entities they stand for."""

    mentions: list[Mention]
    entities: dict[str, EntityCandidate]
    known: dict[str, Entity] = field(default_factory=dict)


def _usable_forms(ent: Entity) -> list[str]:
    """The surface forms of a known entity worth matching in a new text."""
    label = re.sub(r"\s*\([^)]*\)", "", ent.label).strip()
    forms = [label]
    for alias in ent.aliases:
        words = alias.split()
        if alias.islower() and (words[0].lower() in _DETERMINERS or len(words) == 1) and norm(alias) != norm(label):
            continue  # 'the city', 'policies': anaphora and common words, not names
        if ent.type == "Person" and fold(alias).endswith(fold(label)) and alias != label:
            continue  # 'Mayor Jane Roe': the title is read by the role rules
        if ent.type == "Person" and len(words) == 1 and alias != label:
            continue  # a surname alone is resolved in context (short_forms)
        forms.append(alias)
    return list(dict.fromkeys(f for f in forms if f))


class _Finder:
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
            for form in [ent.label, *ent.aliases]:
                self.by_norm.setdefault(norm(form), ent.id)
        self.types = types

    # --- bookkeeping -------------------------------------------------------------------
    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def add(self, start: int, end: int, entity: str, rule: str, score: float = 1.0) -> None:
        if start >= end or not self.free(start, end):
            return
        self.taken[start:end] = b"\x01" * (end - start)
        self.mentions.append(Mention(start, end, self.text[start:end], entity, rule, score))

    def sentence_at(self, pos: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= pos < s.end:
                return s
        return None

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
        ident = camel_id(label)
        base, n = ident, 2
        while ident in self.known or ident in self.entities:
            ident, n = f"{base}{n}", n + 1
        self.entities[ident] = EntityCandidate(ident, type_, label, rule, score=score,
                                               aliases=[surface] if surface != label else [],
                                               evidence=evidence)
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
            for form in _usable_forms(ent):
                forms.setdefault(fold(form), []).append(ent.id)
        if not forms:
            return
        alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.IGNORECASE)
        lowered: dict[str, list[str]] = {}
        for form in forms:
            lowered.setdefault(form.lower(), []).append(form)
        pos = 0
        while m := pattern.search(self.folded, pos):
            form = next((f for f in lowered.get(m.group().lower(), []) if _case_fits(m.group(), f)), None)
            if form is None:
                pos = m.start() + 1  # a shorter form may still fit further in
                continue
            pos = m.end()
            ids = forms[form]
            self.add(m.start(), m.end(), ids[0], "known")
            for ident in ids:
                self.note_alias(ident, self.text[m.start():m.end()])
            if len(ids) > 1:
                self.entities[ids[0]].ambiguous = sorted(set(ids[1:]))

    def titled_people(self) -> None:
        titles = sorted((t["title"] for t in self.rules["titles"]), key=len, reverse=True)
        title_re = "|".join(re.escape(t) for t in titles)
        pattern = re.compile(rf"\b(?:{title_re}) ({_NAME}|[A-Z][a-z]+(?=[,.]? (?:{'|'.join(self.rules['speech_verbs'])})\b))")
        kinds = {t["title"]: t["org"] for t in self.rules["titles"]}
        not_names = set(self.rules["not_names"])
        for m in pattern.finditer(self.folded):
            self.person(m.start(1), m.end(1), "titled-name", 0.8)
            place = re.search(r"(?<![\w'])((?:[A-Z][a-z]+ ){1,3})$", self.folded[max(0, m.start() - 40):m.start()])
            title = self.folded[m.start():m.start(1)].strip()
            if place and kinds.get(title) in ("City", "County", "State"):
                start = m.start() - len(place.group(1))
                words = place.group(1).split()
                if words[0] not in not_names and self.free(start, m.start() - 1):
                    self._place(start, m.start() - 1, kinds[title])  # 'Riverton Mayor Ann Lee'

    def person(self, start: int, end: int, rule: str, score: float) -> None:
        name = self.text[start:end]
        words = name.split()
        not_names = set(self.rules["not_names"])
        title_words = {w for t in self.rules["titles"] for w in t["title"].split()}
        while len(words) > 2 and words[0] in title_words:  # 'Counsel Maria Okafor'
            start += len(words.pop(0)) + 1
        while words and words[-1] in not_names:
            words.pop()
        if not words or words[0] in not_names or _typed(" ".join(words), self.rules) is not None:
            return
        end = start + len(" ".join(words))
        if not self.free(start, end):
            return
        ident = self.entity_for(" ".join(words), "Person", rule, self.text[start:end], score)
        self.add(start, end, ident, rule, score)

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
        states = self.rules["states"]
        for m in (m for s in self.sentences for m in _CHUNK.finditer(self.folded, s.start, s.end)):
            for start, end in _pieces(self.text, m.start(), m.end(), not_names, self.rules):
                surface = self.text[start:end]
                type_ = _typed(surface, self.rules)
                label = surface
                full = next((name for name, abbr in states.items() if surface in abbr), None)
                if type_ is None and (surface.removesuffix(" State") in states or full):
                    type_, label = "State", full or surface
                if type_ is None or (type_ != "MediaOrganization" and _only_keywords(surface, self.rules)):
                    continue
                if type_ == "ConstitutionalProvision":
                    label = _ordinal_amendment(surface)
                s = self.sentence_at(start)
                evidence = (s.start, s.end) if s else None
                if not self.free(start, end) and not self.subsume(start, end, type_):
                    continue
                ident = self.entity_for(label, type_, "typed-name", surface, 0.6, evidence=evidence)
                self.add(start, end, ident, "typed-name", 0.6)

    def subsume(self, start: int, end: int, type_: str) -> bool:
        """Let an organisation's name take over the place names inside it
        ('California Police Chiefs Association' over 'California')."""
        inside = [m for m in self.mentions if m.start < end and m.end > start]
        places = {"City", "County", "State", "Country", "Jurisdiction"}
        if type_ in places or not all(start <= m.start and m.end <= end and (m.end - m.start) < (end - start)
                                      and self.type_of(m.entity) in places for m in inside):
            return False
        for m in inside:
            self.mentions.remove(m)
            self.taken[m.start:m.end] = bytes(m.end - m.start)
        return True

    def speakers(self) -> None:
        verbs = "|".join(self.rules["speech_verbs"])
        pattern = re.compile(rf"(?<![\w'])({_NAME})(?:,[^,.\"]{{3,120}},)? (?:{verbs})\b")
        for m in pattern.finditer(self.folded):
            self.person(m.start(1), m.end(1), "speaker", 0.6)
        appositive = re.compile(rf"(?<![\w'])({_NAME}), (?:the |a |an )?(?:[A-Za-z'-]+ ){{0,4}}(?:of|at|for) ")
        for m in appositive.finditer(self.folded):
            words = self.folded[m.end(1):m.end()].lower()
            if re.search(r"\b(?:director|founder|president|chair|head|chief|secretary|spokes\w+|attorney|"
                         r"commissioner|professor|researcher|member|leader|mayor|governor|ceo|"
                         r"fellow|counsel|executive|manager|officer|superintendent|sheriff)\b", words):
                self.person(m.start(1), m.end(1), "appositive", 0.7)
        plural = "|".join(re.escape(t) for t in self.rules["plural_titles"])
        for m in re.finditer(rf"\b(?:{plural})\b[^,.;]{{0,40}}, ({_NAME}(?:(?:,|,? and) {_NAME})*)", self.folded):
            for name in re.finditer(_NAME, m.group(1)):
                self.person(m.start(1) + name.start(), m.start(1) + name.end(), "listed-name", 0.6)
        listed = re.compile(rf"(?<![\w'])({_NAME}) \((?=[A-Z])")
        for m in listed.finditer(self.folded):
            self.person(m.start(1), m.end(1), "name-with-place", 0.6)

    def places_in_lists(self) -> None:
        """An untyped capitalised name listed with known places is a place of the same kind."""
        states = self.rules["states"]
        state_names = [*states, *(a for abbr in states.values() for a in abbr)]
        state_re = "|".join(re.escape(n) for n in sorted(state_names, key=len, reverse=True))
        dateline = re.compile(rf"(?<![\w'])({_WORD}(?: {_WORD}){{0,2}}), (?:{state_re})(?=[\s,.;)]|$)")
        kinds = {"city": "City", "town": "City", "county": "County", "state": "State"}
        for m in re.finditer(rf"\b(?:the )?(city|town|county|state) of ({_WORD}(?: {_WORD}){{0,2}})", self.folded):
            if self.free(m.start(), m.end()):  # 'the city of Springfield'
                self._place(m.start(), m.end(), kinds[m.group(1)], self.text[m.start(2):m.end(2)])
        for m in dateline.finditer(self.folded):  # 'Santa Fe, N.M.': a city and its state
            if self.free(m.start(1), m.end(1)) and m.group(1) not in states:
                self._place(m.start(1), m.end(1), "City")
        places = {"City", "County", "Jurisdiction"}  # not states: 'senators from Ohio, Ann Lee'
        changed = True
        while changed:
            changed = False
            spans = sorted(self.mentions, key=lambda x: x.start)
            for mention in spans:
                kind = self.type_of(mention.entity)
                if kind not in places:
                    continue
                for m in re.finditer(rf"(?:(?<=\W)|^)({_WORD}(?: {_WORD}){{0,2}})(?=(?:,| and|, and) )", self.folded[max(0, mention.start - 60):mention.start]):
                    start = max(0, mention.start - 60) + m.start(1)
                    end = max(0, mention.start - 60) + m.end(1)
                    between = self.folded[end:mention.start]
                    if re.fullmatch(r"(?:,|,? and|,? or)\s*", between) and self.free(start, end):
                        changed |= self._place(start, end, kind)
                after = re.match(rf"(?:,|,? and|,? or) ({_WORD}(?: {_WORD}){{0,2}})(?![\w'])", self.folded[mention.end:mention.end + 60])
                if after:
                    start, end = mention.end + after.start(1), mention.end + after.end(1)
                    if self.free(start, end):
                        changed |= self._place(start, end, kind)

    def _place(self, start: int, end: int, kind: str, name: str | None = None) -> bool:
        surface = self.text[start:end]
        label = name or (surface.title() if surface.isupper() and len(surface) > 3 else surface)
        if label.split()[0] in set(self.rules["not_names"]) or _typed(label, self.rules) not in (None, kind):
            return False
        ident = self.entity_for(label, kind if kind in ("City", "State", "County") else "Jurisdiction", "listed-place",
                                surface, 0.5)
        self.add(start, end, ident, "listed-place", 0.5)
        return True

    def groups(self) -> None:
        for group in self.rules["groups"]:
            pattern = re.compile(rf"(?<![\w-])(?:{group['pattern']})(?![\w-])", re.IGNORECASE)
            for m in pattern.finditer(self.folded):
                if not self.free(m.start(), m.end()):
                    continue
                surface = m.group()
                label = group.get("label") or surface[:1].upper() + surface[1:]
                ident = self.entity_for(label, group["type"], "group", surface, 0.5)
                self.add(m.start(), m.end(), ident, "group", 0.5)

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
            if self.free(m.start(), m.end()):
                self.add(m.start(), m.end(), forms[m.group()], "repeat", 0.7)

    def short_forms(self) -> None:
        """A surname alone stands for the one person of that surname the article names in full."""
        people: dict[str, set[str]] = {}
        first_seen: dict[str, int] = {}
        for mention in self.mentions:
            if self.type_of(mention.entity) == "Person" and len(mention.text.split()) >= 2:
                people.setdefault(mention.text.split()[-1], set()).add(mention.entity)
                first_seen.setdefault(mention.entity, mention.start)
        everyone: dict[str, set[str]] = {}
        for ent in self.known.values():
            if ent.type == "Person" and len(ent.label.split()) >= 2:
                everyone.setdefault(ent.label.split()[-1], set()).add(ent.id)
                for alias in ent.aliases:
                    if len(alias.split()) == 1:
                        everyone.setdefault(alias, set()).add(ent.id)
        for m in re.finditer(r"(?<![\w'])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![\w])", self.folded):
            name = m.group()
            if not self.free(m.start(), m.end()) or (name not in people and name not in everyone):
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
                before = [x for x in self.mentions if floor <= x.start < m.start()
                          and self.types.is_a(self.type_of(x.entity) or "", rule["type"])]
                if before:
                    last = max(before, key=lambda x: x.start)
                    self.add(m.start(), m.end(), last.entity, "anaphora", 0.5)

    def type_of(self, ident: str) -> str | None:
        if ident in self.entities:
            return self.entities[ident].type
        ent = self.known.get(ident)
        return ent.type if ent else None


def _case_fits(found: str, form: str) -> bool:
    if found == form:
        return True
    if not form.islower() and not form[:1].islower():
        return False
    if found == form[:1].upper() + form[1:]:
        return True
    return found == form.title() or found == " ".join(w[:1].upper() + w[1:] for w in form.split())


def _typed(name: str, rules_: dict, last_only: bool = False) -> str | None:
    words = name.split()
    for rule in rules_["name_types"]:
        for key in rule.get("last", []):
            if name == key or name.endswith(" " + key):
                return rule["type"]
        if last_only:
            continue
        for key in rule.get("any", []):
            if re.search(rf"(?<![\w]){re.escape(key)}(?![\w])", name):
                return rule["type"]
        for key in rule.get("first", []):
            if name.startswith(key + " ") and len(words) > len(key.split()):
                return rule["type"]
    return None


def _pieces(text: str, start: int, end: int, not_names: set[str], rules_: dict):
    """Split a capitalised run into names: drop sentence-start words, cut at 'and' unless the
    whole run is one typed name ('Immigration and Customs Enforcement')."""
    chunk = text[start:end]
    words = chunk.split(" ")
    lead = 0
    while words and (words[0].rstrip(".") in not_names or words[0].lower() in _DETERMINERS | _CONNECTORS
                     or words[0].isdigit()):
        lead += len(words.pop(0)) + 1
    while words and (words[-1].lower() in _CONNECTORS or words[-1] in not_names):
        words.pop()
    if words and words[-1].endswith(".") and words[-1][:-1] not in rules_["abbreviations"]:
        words[-1] = words[-1][:-1]
    if not words:
        return
    start += lead
    chunk = " ".join(words)
    parts = chunk.split(" and ")
    if len(parts) > 1 and (_typed(chunk, rules_) is None or text[:start].endswith(", ")
                           or _typed(parts[0], rules_, last_only=True) is not None):
        at = start
        for part in parts:
            skip = len(part) - len(part.removeprefix("the "))
            yield at + skip, at + len(part)
            at += len(part) + len(" and ")
        return
    yield start, start + len(chunk)


def _only_keywords(name: str, rules_: dict) -> bool:
    """'Executive Order', 'Administration': a capitalised common noun, not a name."""
    keys = {w for rule in rules_["name_types"] for k in [*rule.get("last", []), *rule.get("any", [])]
            for w in k.split()}
    return all(w in keys or w.lower() in _CONNECTORS for w in name.split())


def _ordinal_amendment(name: str) -> str:
    m = re.match(r"(\d+)(?:st|nd|rd|th) (Amendment)$", name)
    if m and 1 <= int(m.group(1)) <= len(_ORDINALS):
        return f"{_ORDINALS[int(m.group(1)) - 1]} {m.group(2)}"
    return name


def find(text: str, sentences: list[Sentence], known: dict[str, Entity], types) -> Found:
    """Mentions of known and new entities in `text` (repaired), in text order.

    `types` answers `is_a(type, ancestor)` (a kg.ontology.Ontology).
    """
    finder = _Finder(text, sentences, known, types)
    finder.known_names()
    finder.named_documents()
    finder.titled_people()
    finder.speakers()
    finder.capitalised_names()
    finder.places_in_lists()
    finder.groups()
    finder.repeats()
    finder.short_forms()
    finder.anaphora()
    mentions = sorted(finder.mentions, key=lambda m: m.start)
    used = {m.entity for m in mentions}
    entities = {k: v for k, v in finder.entities.items() if k in used}
    return Found(mentions, entities, known)
