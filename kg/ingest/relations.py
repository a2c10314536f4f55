"""Propose relation statements from the wording of each sentence.

The wording rules live in rules.yaml. A rule's trigger ('sued', 'filed a lawsuit against',
'threatened to', 'testified before') is found in a sentence; the subject is the nearest fitting
mention before it and the object the first fitting mention after it (the other way round for
passive rules), each widened to the whole list it stands in ('Portland, New Haven and Kings
County sued ...'). 'Fitting' means of a type the ontology allows for that relation (or the
narrower `domain` / `range` of the rule). Mentions in parentheses or asides, objects of
prepositions and the examples after 'including' are passed over as subjects; a participle after
a comma takes the subject of the main clause; a name that only modifies a noun ('the DOJ
actions') is no object. An action that is only threatened, planned or conditional ('threatened
to sue', 'would withhold') is dropped or read as a threat (`factual` in rules.yaml).

Reported speech is read in kg.ingest.speech, relations carried by names and phrases (roles,
membership, location, owners of policies, events) in kg.ingest.structure.
"""

from __future__ import annotations

import bisect
import re

from ..namespace import K
from .dates import find as find_dates
from .forms import LIST_SEP, camel_id, fold, norm
from .mentions import Found
from .model import EntityCandidate, Mention, Sentence, StatementCandidate
from .rules import rules
from .speech import Speech
from .structure import Structure

_ASIDE = re.compile(r"—[^—]{0,200}—|\([^()]*\)")  # an aside between dashes or in brackets
_OBJECT_SEP = re.compile(r"(?:\s|,|\band\b|\bor\b|\bas well as\b)*")
_DATELINE = re.compile(r"[A-Z][A-Z .'-]{2,}(?:, [A-Z][A-Za-z. ]{1,20})?\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s+")
_VERB = re.compile(r"\b(?:has|have|had|is|are|was|were|will|would|did|does|do|can|could|should|may|might|must|\w+ed)\b", re.I)
_PREPOSITION = re.compile(r"\b(?:of|against|with|from|to|by|for|on|in|about|over|at|into|under|toward|towards|than|"
                          r"between|across|throughout|within|around|among|beyond|near|without|despite|after|"
                          r"before|during|since|via|through)\s+(?:the\s+|a\s+|an\s+)?$", re.I)


class _Extractor(Speech, Structure):
    def __init__(self, text: str, sentences: list[Sentence], found: Found, article_date: str | None, onto):
        self.text = text
        self.folded = fold(text)
        self.sentences = sentences
        self.found = found
        self.article_date = article_date
        self.onto = onto
        self.rules = rules()
        self.triggers: dict[str, re.Pattern] = {}
        titles = "|".join(re.escape(t["title"]) for t in sorted(self.rules["titles"], key=lambda t: -len(t["title"])))
        self.title_between = re.compile(rf" (?:{titles}) ")  # 'Chicago Mayor Brandon Johnson'
        # 'sued the City of A, Mayor B and the City Council': a title before a listed name
        self.object_sep = re.compile(rf"(?:\s|,|\band\b|\bor\b|\bas well as\b|(?<=and )other\b|(?<=, )(?:{titles})(?= )|(?<=and )(?:{titles})(?= ))*")
        self.sentence_starts = [s.start for s in sentences]
        self.dates_in: dict[int, list] = {}
        self.firing: dict[int, list[dict]] | None = None  # sentence -> the rules whose trigger is in it
        self.hits: dict[str, dict[int, list[tuple[int, int]]]] = {}  # rule -> sentence -> trigger spans
        self.new_names = {norm(f): ident for ident, cand in found.entities.items() if not cand.known
                          for f in [cand.label, *cand.aliases]}  # (the proposed entities by name)
        self.out: list[StatementCandidate] = []
        self.linked: set[tuple[str, str, int]] = set()  # (subject, object, sentence) of self.out
        self.by_sentence: dict[int, list[Mention]] = {}
        at = 0
        for m in found.mentions:
            while at < len(sentences) and sentences[at].end <= m.start:
                at += 1
            if at < len(sentences) and sentences[at].start <= m.start:
                self.by_sentence.setdefault(at, []).append(m)

    # --- types -------------------------------------------------------------------------
    def type_of(self, ident: str) -> str | None:
        if ident in self.found.entities:
            return self.found.entities[ident].type
        ent = self.found.known.get(ident)
        return ent.type if ent else None

    def fits(self, ident: str, cls: str | tuple[str, ...] | None) -> bool:
        kind = self.type_of(ident)
        if kind is None or cls is None:
            return kind is not None
        return any(self.onto.is_a(kind, c) for c in ((cls,) if isinstance(cls, str) else cls))

    def label(self, ident: str) -> str:
        if ident in self.found.entities:
            return self.found.entities[ident].label
        return self.found.known[ident].label

    # --- output ------------------------------------------------------------------------
    def emit(self, subject: str, relation: str, obj: str, sentence: Sentence, rule: str, score: float,
             confidence: str = "explicit", date: str | None = None, title: str | None = None,
             note: str | None = None, mode: str | None = None, manner: str | None = None) -> None:
        info = self.onto.relations.get(relation)
        if subject == obj or info is None:
            return
        if not (self.fits(subject, info.domain) and self.fits(obj, info.range)):
            return
        for ambiguous in (subject, obj):
            cand = self.found.entities.get(ambiguous)
            if cand and cand.ambiguous:
                note = (note + "; " if note else "") + (
                    f"'{ambiguous}' may also be {', '.join(cand.ambiguous)}: check")
                score = min(score, 0.3)
        self.out.append(StatementCandidate(subject, relation, obj, sentence, rule, round(score, 2),
                                           confidence, date, title, note, mode, manner))
        self.linked.add((subject, obj, sentence.index))

    def new_entity(self, label: str, type_: str, rule: str, sentence: Sentence | None, score: float = 0.4) -> str:
        key = norm(label)
        if key in self.new_names and self.new_names[key] in self.found.entities:
            return self.new_names[key]
        ident, n = camel_id(label), 2
        base = ident
        while ident in self.found.entities or ident in self.found.known:
            ident, n = f"{base}{n}", n + 1
        self.found.entities[ident] = EntityCandidate(ident, type_, label, rule, score=score,
                                                     evidence=(sentence.start, sentence.end) if sentence else None)
        self.new_names[key] = ident
        return ident

    def date_near(self, sentence: Sentence, at: int) -> str | None:
        found = self.dates_in.get(sentence.index)
        if found is None:  # (once per sentence: several statements ask)
            found = self.dates_in[sentence.index] = find_dates(sentence.text, self.article_date)
        if not found:
            return None
        return min(found, key=lambda d: abs(d.start - (at - sentence.start))).value

    # --- mention geometry --------------------------------------------------------------
    def in_parentheses(self, m: Mention, sentence: Sentence) -> bool:
        """Inside '( ... )' or an aside between dashes ('—a national nonprofit that ...—')."""
        before = self.folded[sentence.start:m.start]
        if before.count("(") > before.count(")"):
            return True
        for dash in ("—", " - ", " – "):  # 'cities - including A and B - said'
            if before.count(dash) % 2 == 1 and dash in self.folded[m.end:sentence.end]:
                return True
        return False

    def parenthesised(self, m: Mention) -> bool:
        """'Brandon Johnson (Chicago)': the place in brackets after a name."""
        return self.folded[m.start - 1:m.start] == "(" and self.folded[m.end:m.end + 1] == ")"

    def between(self, a: Mention, b: Mention) -> str:
        """The text between two mentions, without bracketed asides and 'the city of' before a name."""
        text = re.sub(r"\s*\([^()]*\)", "", self.folded[a.end:b.start])
        return re.sub(r"\bthe (?:city|county|state|town|village) of\s*$", "", text)

    def unlike(self, a: Mention, b: Mention, between: str) -> bool:
        """A person and a place or body side by side with a bare comma are no list: 'senators from
        California, Kamala Harris and ...' (the comma opens an apposition)."""
        return between.strip() == "," and self.fits(a.entity, K.Person) != self.fits(b.entity, K.Person)

    def group_left(self, ms: list[Mention], first: int, cls: str | None) -> list[Mention]:
        group = [ms[first]]
        i = first - 1
        while i >= 0:
            if self.parenthesised(ms[i]) and ms[i].end <= group[-1].start:
                i -= 1
                continue
            between = self.between(ms[i], group[-1])
            if ms[i].end > group[-1].start or not LIST_SEP.fullmatch(between) or not between.strip() \
                    or not self.fits(ms[i].entity, cls) or self.unlike(ms[i], group[-1], between):
                break  # (only white space between: a modifier such as a title, not a list)
            if re.search(r"\b(?:including|led by|such as|like)\b", between) and self.is_group(ms[i].entity):
                break  # 'sanctuary cities, led by A and including B': the category, not a member
            if self.fits(group[-1].entity, K.State) and between == ", " and self.fits(ms[i].entity, K.Jurisdiction):
                group.pop()  # 'Nashville, Tenn.': the city, not its state
            group.append(ms[i])
            i -= 1
        return _listed(group, [self.between(a, b) for b, a in zip(group, group[1:])])

    def group_right(self, ms: list[Mention], first: int, cls: str | None, sep: re.Pattern = _OBJECT_SEP) -> list[Mention]:
        group = [ms[first]]
        for m in ms[first + 1:]:
            if self.parenthesised(m):
                continue
            between = self.between(group[-1], m)
            if not sep.fullmatch(between) or not between.strip(" ") \
                    or not self.fits(m.entity, cls) or self.unlike(group[-1], m, between) \
                    or (self.fits(m.entity, K.State) and between == ", " and self.fits(group[-1].entity, K.Jurisdiction)):
                break
            group.append(m)
        return _listed(group, [self.between(a, b) for a, b in zip(group, group[1:])])

    def list_head(self, ms: list[Mention], group: list[Mention], before: int) -> list[Mention]:
        """'These jurisdictions, including A, B and C, argue': the category acts, not the examples
        (unless the list names who leads: 'several cities, led by A and including B, sued')."""
        first = min(group, key=lambda m: m.start)
        last = max(group, key=lambda m: m.end)
        window = max(0, first.start - 40)
        lead = re.search(r",?\s+(?:including|such as|like|among them)\s+$", self.folded[window:first.start])
        head = [m for m in ms if m.end <= first.start and self.is_group(m.entity)]
        if not lead or not head or re.search(r"\bled by\b", self.folded[head[-1].end:first.start]) \
                or self.type_of(head[-1].entity) != K.JurisdictionGroup:
            return group  # named people or bodies act themselves; a set of places acts as one
        if head[-1].end != window + lead.start() and not re.fullmatch(r",?\s*", self.folded[head[-1].end:window + lead.start()]):
            return group
        return [head[-1]] if re.fullmatch(r"[^,;]*,\s*(?:\w+ly\s+)?", self.folded[last.end:before] or ",") else group

    def is_group(self, ident: str) -> bool:
        return self.type_of(ident) in (K.JurisdictionGroup, K.Group)

    def subjects(self, ms, sentence, before: int, cls, gap: int = 160, possessive: bool = False) -> list[Mention]:
        if re.search(r"\w\s+and\s+(?:then\s+|also\s+)?$", self.folded[sentence.start:before]) \
                and _VERB.search(self.folded[sentence.start:before]):
            return self.main_subject(ms, sentence, before, cls)  # 'X praised Y and said ...': X said it
        aside = re.search(r",\s*(?:a|an|the)\s[^,;()\"]*,\s*(?:\w+ly\s+)?$", self.folded[sentence.start:before])
        if aside and any(m.end == sentence.start + aside.start() for m in ms):
            before = sentence.start + aside.start()  # 'X, a nonprofit that represents Y, praised': X
        candidates = [i for i, m in enumerate(ms) if m.end <= before
                      and len(re.sub(_ASIDE, " ", self.folded[m.end:before])) <= gap]
        for i in reversed(candidates):
            m = ms[i]
            between = re.sub(_ASIDE, " ", self.folded[m.end:before])
            if re.fullmatch(r"(?:\s+(?:in|on|last|this|since)\s+[\w.]+(?:\s+\d+)?)?\s+(?:that|which)\s+(?:\w+ly\s+)?", between) \
                    and self.fits(m.entity, cls) and not self.in_parentheses(m, sentence):
                return [m]  # 'an order in January that threatened ...': the order did
            aside = re.fullmatch(r",\s*(?:who|which)\b[^,;]*,\s*|,? who\s*", between)
            if re.search(r"[;:]|\bthat\b|\bwhich\b|\bwho\b|\bwhile\b|\bbut\b", between) and not aside:
                return []
            if self.in_parentheses(m, sentence) or not self.fits(m.entity, cls):
                continue
            if possessive and self.folded.startswith("'s", m.end) and not re.search(r"[,;]", between):
                return [m]  # "Trump's measures against immigrants": the owner of the noun acts
            people = re.search(r"\b(?:officials|mayors|leaders|representatives|departments|residents|lawmakers|officers|"
                               r"agencies|governments|police)(?: and [a-z ]{2,30}?)? (?:from|of|in) $", self.folded[sentence.start:m.start])
            if people and self.is_group(m.entity):
                return [m]  # 'mayors and police departments from several cities said': the cities
            head = ms[i - 1] if i and self.folded[max(0, m.start - 8):m.start].endswith(("of ", "of the ")) else None
            if head and re.fullmatch(r"\s+of\s+(?:the\s+)?", self.folded[head.end:m.start]) and self.is_group(head.entity) \
                    and self.fits(head.entity, cls) and not self.in_parentheses(head, sentence):
                return [head]  # 'Critics of the mayor say ...': the critics say it, not the mayor
            if (_PREPOSITION.search(self.folded[sentence.start:m.start]) and between.strip()) \
                    or (self.folded.startswith("'s", m.end) and not possessive):
                continue  # (right before its verb a name is its subject: 'with Denver Public Schools suing')
            return self.list_head(ms, self.group_left(ms, i, cls), before)
        return []

    def main_subject(self, ms, sentence, before: int, cls) -> list[Mention]:
        """The subject of a sentence's first clause, for a participle after a comma
        ('the DOJ sued Chicago, accusing ...')."""
        for i, m in enumerate(ms):
            if m.start >= before:
                break
            if self.in_parentheses(m, sentence) or not self.fits(m.entity, cls) or self.folded.startswith("'s", m.end):
                continue
            if _PREPOSITION.search(self.folded[sentence.start:m.start]) and not \
                    re.search(r"\bled by\s+$", self.folded[sentence.start:m.start]):
                continue
            if self.is_group(m.entity) and re.match(r",?\s+(?:led by)\b", self.folded[m.end:before]):
                continue  # the category of a list whose leaders are named: the members act
            if self.type_of(m.entity) == K.JurisdictionGroup and re.match(r",?\s+(?:including|such as|like)\b", self.folded[m.end:before]):
                return [m]  # 'These jurisdictions, including A and B, argue': the set acts
            if self.is_group(m.entity) and re.match(r",?\s+(?:including|such as|like)\b", self.folded[m.end:before]):
                continue  # 'critics like A claim': the ones named act
            if _VERB.search(self.folded[sentence.start:m.start].replace("led by", "")):
                return []  # past the first verb: this is no longer the subject
            head = next((x for x in ms[i + 1:] if x.start < before and self.fits(x.entity, cls)
                         and re.fullmatch(r"(?:\s+[A-Z][\w.'-]*)*\s+", self.folded[m.end:x.start])), None)
            if head:  # 'Arizona Attorney General Mark Whitlock': the person, not the place before the title
                continue
            return [x for x in self.group_right(ms, i, cls, LIST_SEP) if x.end <= before]
        return []

    def relative_object(self, ms, subs, cls) -> list[Mention]:
        """'the Trust Ordinance, which the City Council passed in 2018': the council passed the
        ordinance (the object stands before the relative pronoun; 'that' only after a document,
        so that 'X said that the city sued' stays no suit against X)."""
        first = min(subs, key=lambda m: m.start)
        prev = [m for m in ms if m.end <= first.start]
        if not prev or not self.fits(prev[-1].entity, cls):
            return []
        joint = re.fullmatch(r"(,?)\s+(which|that)\s+(?:the\s+)?", self.folded[prev[-1].end:first.start])
        if joint and (joint.group(1) and joint.group(2) == "which" or self.fits(prev[-1].entity, K.Policy)):
            return [prev[-1]]
        return []

    def participle(self, sentence: Sentence, start: int, end: int) -> bool:
        word = self.folded[start:end].split(" ")[0]
        before = self.folded[sentence.start:start]
        return word.endswith("ing") and bool(re.search(r",\s*(?:and\s+)?$|\bby\s+$", before)
                                             or re.search(r",\s*\w+ing\b[^,;]*\band\s+$", before))

    def passive(self, sentence: Sentence, start: int) -> bool:
        if re.match(r"\w+ing\b", self.folded[start:start + 30]):
            return False  # 'is currently working with': progressive, not passive
        return bool(re.search(r"\b(?:be|been|being|is|are|was|were|get|got)\s+(?:\w+ly,?\s+|or\s+|and\s+|not\s+)*$",
                              self.folded[sentence.start:start]))

    def objects(self, ms, sentence, after: int, cls, gap: int = 60) -> list[Mention]:
        for i, m in enumerate(ms):
            if m.start < after or m.start - after > gap:
                continue
            if self.in_parentheses(m, sentence) or not self.fits(m.entity, cls):
                continue
            between = re.sub(r"\bthe (?:city|county|state|town|village) of\s*$", "", self.folded[after:m.start])
            between = re.sub(r"^[^,;]{0,50}, (?:such as|including|like|especially|notably) $", "", between)  # examples of it
            if re.search(r"[;,]|\b\w{3,}ing\b|\bof\b", between):
                return []  # the object follows its verb within the clause, not inside a modifier of it
            if re.search(r"\b(?:and|but)\s+(?:then\s+|also\s+)?(?:said|says|told|tells|\w+ed|is|are|was|were|has|have|had|will|would)\b",
                         between, re.I):
                return []  # 'criticized the decision and said the department ...': another verb's object
            head = re.match(r" ([a-z]+)\b", self.folded[m.end:m.end + 20])
            if head and head.group(1) in self.rules["modifier_heads"] and not self.parenthesised(m):
                return []  # 'rebuked the DOJ actions': the actions, not the DOJ
            while i + 1 < len(ms) and self.fits(ms[i + 1].entity, cls) and (
                    (ms[i + 1].start in (ms[i].end + 1, ms[i].end + 3) and self.folded[ms[i].end:ms[i + 1].start] in (" ", "'s "))
                    or (self.fits(ms[i].entity, K.Jurisdiction) and self.fits(ms[i + 1].entity, K.Person)
                        and self.title_between.fullmatch(self.folded[ms[i].end:ms[i + 1].start]))):
                i += 1  # 'U.S. Department of ...', "Trump's mass deportation plans", 'Chicago Mayor Brandon
                #         Johnson': the head, not its modifier
            return self.group_right(ms, i, cls, self.object_sep)
        return []

    # --- passes ------------------------------------------------------------------------
    def run(self) -> list[StatementCandidate]:
        self.claimed: dict[int, list[tuple[int, int]]] = {}  # sentence -> spans read as claims
        self.spoke: dict[int, list[Mention]] = {}  # sentence -> who speaks in it
        self.suits: dict[int, tuple[str, list[Mention], list[Mention]]] = {}  # sentence -> suit filed in it
        self.lawsuits: list[tuple[str, set[str], set[str], str | None]] = []  # (id, plaintiffs, defendants, date)
        self.renamed: dict[str, str] = {}
        self.rulings: list[tuple] = []  # (judge, ruled*, object, sentence, rule, score, date)
        for sentence in self.sentences:
            ms = self.by_sentence.get(sentence.index, [])
            if not ms and not self.lawsuits:
                continue
            self.location(sentence, ms)
            dateline = _DATELINE.match(self.folded, sentence.start, sentence.end)
            if dateline:  # 'RIVERTON, Ore. (AP) — ': where the report was filed, not an actor
                ms = [m for m in ms if m.start >= dateline.end()]
            ms = self.suit_references(sentence, ms)
            self.wording(sentence, ms)
            self.claims(sentence, ms)
            self.roles(sentence, ms)
            self.membership(sentence, ms)
            self.part_of(sentence, ms)
            self.owned_policies(sentence, ms)
            self.events(sentence, ms)
        self.quoted_claims()
        self.judges_rulings()
        return self.dedupe()

    def judges_rulings(self) -> None:
        """A judge's ruling: the court rules (ruledAgainst, ruledFor, ruledOn) and the judge, a
        person, opposes or supports what was ruled on."""
        courts = {st.subject: st.object for st in self.out if st.relation == K.holdsRole and self.fits(st.object, K.Court)}
        # the judge opposes what the court rules against; ruling for a party is no support of it
        stance = {K.ruledAgainst: K.opposed}
        for st in [st for st in self.out if st.relation in stance and self.fits(st.subject, K.Court)]:
            # 'Judge A of the B District dismissed ...': the court read as the subject; the judge too
            for judge in [j for j, c in courts.items() if c == st.subject
                          and any(x.subject == j and x.relation == K.holdsRole and x.sentence.index == st.sentence.index
                                  for x in self.out)]:
                self.emit(judge, stance[st.relation], st.object, st.sentence, st.rule + "-judge", st.score, date=st.date)
        for judge, relation, obj, sentence, rule, score, date in self.rulings:
            if judge in courts:
                self.emit(courts[judge], relation, obj, sentence, rule + "-court", score, date=date)
                if relation in stance:
                    self.emit(judge, stance[relation], obj, sentence, rule + "-judge", score, date=date)

    def suit_references(self, sentence: Sentence, ms: list[Mention]) -> list[Mention]:
        """'the lawsuit', 'the case': the suit the article last told of."""
        if not self.lawsuits:
            return ms
        extra = [Mention(sentence.start + m.start(), sentence.start + m.end(), m.group(), self.lawsuits[-1][0], "suit-reference", 0.5)
                 for m in re.finditer(r"\b[Tt]he (?:lawsuit|suit|case|complaint|legal challenge)\b(?! (?:of|against|by|that|filed))",
                                      self.folded[sentence.start:sentence.end])]
        extra = [x for x in extra if not any(m.start < x.end and x.start < m.end for m in ms)]
        return sorted([*ms, *extra], key=lambda m: m.start) if extra else ms

    def wording(self, sentence: Sentence, ms: list[Mention]) -> None:
        headline = _headline(sentence.text)
        if self.firing is None:  # every rule's triggers, found once over the whole text
            self.firing = {}
            for rule in self.rules["relations"]:
                for at in self.trigger_hits(rule):
                    self.firing.setdefault(at, []).append(rule)
        for rule in self.firing.get(sentence.index, ()):
            if rule["relation"] == K.holdsRole or (headline and rule.get("score", 0.5) < 0.5):
                continue  # a headline's capitals hide its grammar: only the surer rules there
            info = self.onto.relations[rule["relation"]]
            domain = tuple(rule.get("domain", ())) or info.domain
            range_ = tuple(rule.get("range", ())) or info.range
            for t_start, t_end in self.trigger_hits(rule).get(sentence.index, ()):
                if not rule.get("spans_names") and any(m.start < t_end and t_start < m.end for m in ms):
                    continue  # the trigger word is part of a name ('Justice Department')
                relation, confidence = rule["relation"], rule.get("confidence", "explicit")
                mode = self.modality(sentence, t_start)
                # "the administration's attempt to withhold": the owner of the attempt acts
                owner = mode == "attempted" and re.search(r"'s (?:\w+ )?(?:attempts?|efforts?|bids?|push|moves?|plans?) to\s+$",
                                                          self.folded[sentence.start:t_start]) is not None
                threat = False
                if mode == K.threatened or (mode and rule.get("factual") == K.threatened
                                            and mode not in ("denied", "directed")):
                    # 'threatened last night to cut all funding to X', 'will investigate X',
                    # 'an attempt to withhold funds from X': a threat against X, not the act
                    relation, threat = K.threatened, True
                    confidence = "explicit" if mode == K.threatened else "implied"
                    mode = None
                elif mode in ("denied", "hypothetical", "directed"):
                    continue  # 'barred police from cooperating', 'if it did not cooperate': not done
                if rule.get("between"):  # 'the battle between A and B': each side against the other
                    sides = self.objects(ms, sentence, t_end, domain, 10)
                    for a in sides:
                        for b in sides:
                            self.emit(a.entity, relation, b.entity, sentence, rule["rule"], rule.get("score", 0.5) * 0.9,
                                      confidence, self.date_near(sentence, t_start))
                    continue
                if rule.get("passive"):
                    subs = self.objects(ms, sentence, t_end, domain, rule.get("gap", 80))
                    objs = self.subjects(ms, sentence, t_start, range_, rule.get("subject_gap", 160))
                else:
                    if self.passive(sentence, t_start):
                        continue  # 'officials can be investigated': the doer is not before it
                    if self.participle(sentence, t_start, t_end):
                        subs = self.main_subject(ms, sentence, t_start, domain)
                    elif rule.get("lawsuit") and self.folded.startswith("'s", t_start):
                        # "the Justice Department's suit against A": the owner of the suit sued
                        subs = [m for m in ms if m.end == t_start and self.fits(m.entity, domain)]
                    else:
                        subs = self.subjects(ms, sentence, t_start, domain, rule.get("subject_gap", 160),
                                             possessive=rule.get("possessive", False) or owner)
                    objs = self.document(ms, sentence, t_end, subs) if rule.get("document") and subs else []
                    objs = objs or self.objects(ms, sentence, t_end, range_, rule.get("gap", 60))
                    if subs and not objs:
                        objs = self.relative_object(ms, subs, range_)
                if rule.get("lawsuit") and relation == rule["relation"] and subs and not objs \
                        and re.match(r"\s*(?:[,.;]|over\b|in\b|on\b|last\b|this\b|again\b|$)", self.folded[t_end:sentence.end]):
                    date = self.date_near(sentence, t_start)  # 'Numerous cities then sued, ...': a suit
                    self.lawsuit(sentence, subs, [], date, rule.get("score", 0.5) * 0.8)
                if not subs and objs and info.domain == K.Court and relation == rule["relation"]:
                    # 'Judge A blocked X': the judge's ruling is the court's (found once roles are known)
                    for judge in self.subjects(ms, sentence, t_start, K.Person, rule.get("subject_gap", 160)):
                        for o in objs:
                            self.rulings.append((judge.entity, relation, o.entity, sentence, rule["rule"],
                                                 rule.get("score", 0.5) * 0.8, self.date_near(sentence, t_start)))
                if not subs or not objs:
                    continue
                date = self.date_near(sentence, t_start)
                score = rule.get("score", 0.5) * min(m.score for m in [*subs, *objs]) ** 0.5
                for s in subs:
                    for o in objs:
                        manner = _act(self.text[t_start:o.end]) if threat else None
                        self.emit(s.entity, relation, o.entity, sentence, rule["rule"], score, confidence, date,
                                  mode=mode, manner=manner)
                if rule.get("lawsuit") and relation == rule["relation"] and not mode:
                    self.lawsuit(sentence, subs, objs, date, score)

    def modality(self, sentence: Sentence, at: int) -> str | None:
        """The mode of the act whose wording starts at `at`, from its clause: threatened,
        attempted, denied (negated or forbidden), planned or hypothetical; None if done."""
        clause = " " + re.split(r"[;:]|,(?! (?:and|or) )|\bbut\b", self.folded[sentence.start:at])[-1]
        joined = re.search(r"\s(?:and|or)\s+to\s+$", clause)
        if joined:  # 'told the department to cut off funds to X and to investigate': both acts told
            for first in reversed([m.start() for m in re.finditer(r" to ", clause[:joined.start()])]):
                mode = self.modality(sentence, at - len(clause) + first + len(" to "))
                if mode:
                    return mode
        for mode, pattern in self.rules["modality"].items():
            if re.search(pattern, clause, re.I):
                return mode
        if self.irrealis(sentence, at):
            return "hypothetical" if re.search(r"\b(?:if|unless|whether|could|would|might|may|should)\b",
                                               clause, re.I) else "planned"
        return None

    def trigger_hits(self, rule: dict) -> dict[int, list[tuple[int, int]]]:
        """Where the rule's trigger occurs, by sentence: one pass over the whole text per rule
        (not one per sentence), so that the time stays linear in the article's length."""
        hits = self.hits.get(rule["rule"])
        if hits is None:
            hits = self.hits[rule["rule"]] = {}
            for trig in re.compile(rule["trigger"], re.I).finditer(self.folded):
                at = bisect.bisect_right(self.sentence_starts, trig.start()) - 1
                if at >= 0 and trig.end() <= self.sentences[at].end:  # (not across two sentences)
                    hits.setdefault(at, []).append((trig.start(), trig.end()))
        return hits

    def irrealis(self, sentence: Sentence, at: int) -> bool:
        """Whether the action at `at` is threatened, planned, wished for or conditional."""
        clause = re.split(r"[,;:]", self.folded[sentence.start:at])[-1]
        return re.search(self.rules["irrealis"], " " + clause, re.I) is not None \
            or re.search(r"\b(?:if|unless|whether|when|whenever)\b", clause, re.I) is not None

    def document(self, ms, sentence: Sentence, after: int, subs: list[Mention]) -> list[Mention]:
        """'released a memo ... on "X"': the document named after the noun; 'signed an
        executive order': an unnamed document, which becomes a new entity."""
        rest = self.folded[after:sentence.end]
        for doc in self.rules["document_nouns"]:
            m = re.match(rf"\s+({doc['pattern']})\b", rest, re.I)
            if m:
                here = [x for x in ms if x.start == after + m.start(1)] or \
                    [x for x in ms if after + m.start(1) <= x.start < after + m.end(1) and self.fits(x.entity, K.Policy)]
                if here:  # 'issued a Department of Transportation order': the order named there
                    return here[-1:]
                named = [x for x in ms if x.start >= after + m.end(1) and x.rule == "named-document"
                         and x.start - (after + m.end(1)) < 80]
                if named:
                    return named[:1]
                date = self.date_near(sentence, after)
                label = f"{self.label(subs[0].entity)}'s {doc['label']}" + (f" of {date}" if date else "")
                ident = self.new_entity(label, doc["type"], "unnamed-document", sentence)
                start = after + m.start(1)
                made = Mention(start, after + m.end(1), self.text[start:after + m.end(1)], ident, "unnamed-document", 0.6)
                if not any(x.start < made.end and made.start < x.end for x in ms):
                    ms.append(made)  # later rules of the sentence see it ('an order stating that ...')
                    ms.sort(key=lambda x: x.start)
                return [made]
        return []

    def lawsuit(self, sentence, subs, objs, date, score) -> None:
        def side(group):
            names = [self.label(m.entity) for m in sorted(group, key=lambda m: m.start)]
            return names[0] + (" et al." if len(names) > 2 else "") if len(names) != 2 else " and ".join(names)
        plaintiffs, defendants = {m.entity for m in subs}, {m.entity for m in objs}
        # the same suit told again, in part or in full ('sues Los Angeles' in the headline, then
        # 'sued the City of Los Angeles, Mayor Karen Bass and the City Council')
        same = next((x for x in self.lawsuits if x[1] == plaintiffs and (x[2] <= defendants or defendants <= x[2])
                     and (x[3] is None or date is None or x[3] == date)), None)
        label = (f"{side(subs)} v. {side(objs)}" if objs else f"Lawsuit by {side(subs)}") + (f" ({date})" if date else "")
        if same:  # the same suit again ('Alder County sues ...' in the headline, then in full)
            ident = same[0]
            if defendants > same[2]:  # named now more fully (the fuller sentence is its evidence)
                new = self.new_entity(label, K.Lawsuit, "lawsuit", sentence)
                if not same[2]:
                    self.found.entities[new].evidence = self.found.entities[ident].evidence
                self.renamed[ident] = new
                self.lawsuits[self.lawsuits.index(same)] = (new, plaintiffs, set(defendants) | same[2], same[3] or date)
                ident = new
        else:
            ident = self.new_entity(label, K.Lawsuit, "lawsuit", sentence)
            self.lawsuits.append((ident, plaintiffs, set(defendants), date))
        for m in subs:
            self.emit(m.entity, K.plaintiffIn, ident, sentence, "lawsuit", score * 0.9, date=date)
            if re.search(r"\bled by\s+(?:the\s+)?$", self.folded[sentence.start:m.start]):
                self.emit(m.entity, K.leads, ident, sentence, "lawsuit-led-by", score * 0.8, date=date)
        for m in objs:
            self.emit(m.entity, K.defendantIn, ident, sentence, "lawsuit", score * 0.9, date=date)
        self.suits[sentence.index] = (ident, subs, objs)


    def dedupe(self) -> list[StatementCandidate]:
        best: dict[tuple, StatementCandidate] = {}
        for old in self.renamed:
            self.found.entities.pop(old, None)
        def final(ident: str) -> str:
            while ident in self.renamed:  # (a suit renamed twice as it is told more fully)
                ident = self.renamed[ident]
            return ident
        for st in self.out:
            st.subject, st.object = final(st.subject), final(st.object)
            key = (st.subject, st.relation, st.object, st.sentence.index)
            if key not in best or st.score > best[key].score:
                if key in best:  # keep what the other reading knew ('threatened' + what was threatened)
                    st.manner, st.date = st.manner or best[key].manner, st.date or best[key].date
                best[key] = st
            else:
                best[key].manner, best[key].date = best[key].manner or st.manner, best[key].date or st.date
        return sorted(best.values(), key=lambda s: (s.sentence.index, -s.score))


def _act(text: str, limit: int = 90) -> str:
    """The threatened act as the manner of a threat, on one line and not too long."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _headline(text: str) -> bool:
    """A line in title case ('Sanctuary Cities Stand Firm Against Trump's Deportation Push')."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words) and not text.rstrip().endswith(".")


def _listed(group: list[Mention], joints: list[str]) -> list[Mention]:
    """A list names its last member with 'and' or 'or'; names joined by commas alone are
    clauses side by side ('While X seeks ..., legal experts note ...')."""
    if len(group) > 1 and not any(re.search(r"\b(?:and|or|including|led by|as well as|along with|together with|such as|like)\b", j)
                                  for j in joints):
        return group[:1]
    return group


def extract(text: str, sentences: list[Sentence], found: Found, article_date: str | None, onto) -> list[StatementCandidate]:
    """Candidate statements for every sentence of `text`; may add claim, lawsuit and document
    entities to `found.entities`."""
    return _Extractor(text, sentences, found, article_date, onto).run()
