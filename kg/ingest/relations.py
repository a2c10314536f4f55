"""Propose relation statements from the wording of each sentence.

The wording rules live in rules.yaml. A rule's trigger ('sued', 'filed a lawsuit against',
'threatened to', 'testified before') is found in a sentence; the subject is the nearest fitting
mention before it and the object the first fitting mention after it (the other way round for
passive rules), each widened to the whole list it stands in ('Portland, New Haven and Kings
County sued ...'). 'Fitting' means of a type the ontology allows for that relation. Mentions in
parentheses and objects of prepositions are passed over as subjects.

Reported speech becomes a claim: 'X says (that) CLAUSE' or '"QUOTE," X says' makes a claim
entity that X asserts; a claim with legal wording is a LegalClaim that invokes the provisions it
names (one claim per provision when it lists several) and challenges what it says breaks them.
Roles come from titles ('Oakland Mayor Jane Roe', 'Jane Roe, director of the Agency'), membership
from 'X, including A, B and C', location from 'City, State'.
"""

from __future__ import annotations

import re

from .dates import find as find_dates
from .mentions import Found, camel_id, fold, norm
from .model import EntityCandidate, Mention, Sentence, StatementCandidate
from .rules import rules

_LIST_SEP = re.compile(r"(?:\s|,|;|\band\b|\bor\b|\bincluding\b|\bled by\b|\bas well as\b|\balong with\b|\btogether with\b|\bsuch as\b)*")
_DATELINE = re.compile(r"[A-Z][A-Z .'-]{2,}(?:, [A-Z][A-Za-z. ]{1,20})?\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s+")
_VERB = re.compile(r"\b(?:has|have|had|is|are|was|were|will|would|did|does|do|can|could|should|may|might|must|\w+ed)\b", re.I)
_PREPOSITION = re.compile(r"\b(?:of|against|with|from|to|by|for|on|in|about|over|at|into|under|toward|towards|than|between)\s+(?:the\s+|a\s+|an\s+)?$", re.I)
_TITLE_PHRASE = (r"(?:(?:former|acting|new|interim|deputy|associate|assistant|executive|senior|chief|"
                 r"founding|then|current)[ -])*(?:founder and president|founder|president|executive director|"
                 r"director|chair(?:man|woman)?|head|chief|secretary|spokes(?:person|man|woman)|city attorney|"
                 r"attorney general|attorney|commissioner|administrator|mayor|governor|leader|member|"
                 r"professor|researcher|fellow|counsel|superintendent|sheriff|ceo|manager|officer|"
                 r"border czar|czar)")


class _Extractor:
    def __init__(self, text: str, sentences: list[Sentence], found: Found, article_date: str | None, onto):
        self.text = text
        self.folded = fold(text)
        self.sentences = sentences
        self.found = found
        self.article_date = article_date
        self.onto = onto
        self.rules = rules()
        self.out: list[StatementCandidate] = []
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

    def fits(self, ident: str, cls: str | None) -> bool:
        kind = self.type_of(ident)
        return kind is not None and (cls is None or self.onto.is_a(kind, cls))

    def label(self, ident: str) -> str:
        if ident in self.found.entities:
            return self.found.entities[ident].label
        return self.found.known[ident].label

    # --- output ------------------------------------------------------------------------
    def emit(self, subject: str, relation: str, obj: str, sentence: Sentence, rule: str, score: float,
             confidence: str = "explicit", date: str | None = None, title: str | None = None,
             note: str | None = None) -> None:
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
                                           confidence, date, title, note))

    def new_entity(self, label: str, type_: str, rule: str, sentence: Sentence, score: float = 0.4) -> str:
        key = norm(label)
        for ident, cand in self.found.entities.items():
            if not cand.known and norm(cand.label) == key:
                return ident
        ident, n = camel_id(label), 2
        base = ident
        while ident in self.found.entities or ident in self.found.known:
            ident, n = f"{base}{n}", n + 1
        self.found.entities[ident] = EntityCandidate(ident, type_, label, rule, score=score,
                                                     evidence=(sentence.start, sentence.end))
        return ident

    def date_near(self, sentence: Sentence, at: int) -> str | None:
        found = find_dates(sentence.text, self.article_date)
        if not found:
            return None
        return min(found, key=lambda d: abs(d.start - (at - sentence.start))).value

    # --- mention geometry --------------------------------------------------------------
    def in_parentheses(self, m: Mention, sentence: Sentence) -> bool:
        """Inside '( ... )' or an aside between dashes ('—a national nonprofit that ...—')."""
        before = self.folded[sentence.start:m.start]
        if before.count("(") > before.count(")"):
            return True
        return before.count("—") % 2 == 1 and "—" in self.folded[m.end:sentence.end]

    def group_left(self, ms: list[Mention], first: int, cls: str | None) -> list[Mention]:
        group = [ms[first]]
        i = first - 1
        while i >= 0:
            between = self.folded[ms[i].end:group[-1].start]
            if ms[i].end > group[-1].start or not _LIST_SEP.fullmatch(between) or not between.strip() \
                    or not self.fits(ms[i].entity, cls):
                break  # (only white space between: a modifier such as a title, not a list)
            if re.search(r"\b(?:including|led by|such as)\b", between) and self.is_group(ms[i].entity):
                break  # 'sanctuary cities, led by A and including B': the category, not a member
            group.append(ms[i])
            i -= 1
        return group

    def group_right(self, ms: list[Mention], first: int, cls: str | None) -> list[Mention]:
        group = [ms[first]]
        for m in ms[first + 1:]:
            between = self.folded[group[-1].end:m.start]
            if not re.fullmatch(r"(?:\s|,|\band\b|\bor\b|\bas well as\b)*", between) or not between.strip(" ") \
                    or not self.fits(m.entity, cls):
                break
            group.append(m)
        return group

    def is_group(self, ident: str) -> bool:
        return self.type_of(ident) in ("JurisdictionGroup", "Group")

    def subjects(self, ms, sentence, before: int, cls, gap: int = 160) -> list[Mention]:
        candidates = [i for i, m in enumerate(ms) if m.end <= before and before - m.end <= gap]
        for i in reversed(candidates):
            m = ms[i]
            between = self.folded[m.end:before]
            aside = re.fullmatch(r",\s*(?:who|which)\b[^,;]*,\s*|,? who\s*", between)
            if re.search(r"[;:]|\bthat\b|\bwhich\b|\bwho\b|\bwhile\b|\bbut\b", between) and not aside:
                return []
            if self.in_parentheses(m, sentence) or not self.fits(m.entity, cls):
                continue
            if _PREPOSITION.search(self.folded[sentence.start:m.start]) or self.folded.startswith("'s", m.end):
                continue
            return self.group_left(ms, i, cls)
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
            if self.is_group(m.entity) and re.match(r",?\s+(?:including|led by|such as)\b", self.folded[m.end:before]):
                continue  # the category of a list, not its members
            if _VERB.search(self.folded[sentence.start:m.start].replace("led by", "")):
                return []  # past the first verb: this is no longer the subject
            group = [ms[i]]
            for x in ms[i + 1:]:
                if x.start >= before or not _LIST_SEP.fullmatch(self.folded[group[-1].end:x.start]) \
                        or not self.fits(x.entity, cls):
                    break
                group.append(x)
            return group
        return []

    def participle(self, sentence: Sentence, start: int, end: int) -> bool:
        word = self.folded[start:end].split(" ")[0]
        return word.endswith("ing") and bool(re.search(r",\s*(?:and\s+)?$", self.folded[sentence.start:start]))

    def passive(self, sentence: Sentence, start: int) -> bool:
        return bool(re.search(r"\b(?:be|been|being|is|are|was|were|get|got)\s+(?:\w+ly,?\s+|or\s+|and\s+|not\s+)*$",
                              self.folded[sentence.start:start]))

    def objects(self, ms, sentence, after: int, cls, gap: int = 60) -> list[Mention]:
        for i, m in enumerate(ms):
            if m.start < after or m.start - after > gap:
                continue
            if self.in_parentheses(m, sentence) or not self.fits(m.entity, cls):
                continue
            if re.search(r"[;,]", self.folded[after:m.start]):
                return []  # the object follows its verb within the clause
            while i + 1 < len(ms) and ms[i + 1].start == ms[i].end + 1 and self.fits(ms[i + 1].entity, cls):
                i += 1  # 'U.S. Department of ...': the name, not its modifier
            return self.group_right(ms, i, cls)
        return []

    # --- passes ------------------------------------------------------------------------
    def run(self) -> list[StatementCandidate]:
        for sentence in self.sentences:
            ms = self.by_sentence.get(sentence.index, [])
            if not ms:
                continue
            self.location(sentence, ms)
            dateline = _DATELINE.match(self.folded, sentence.start, sentence.end)
            if dateline:  # 'RIVERTON, Ore. (AP) — ': where the report was filed, not an actor
                ms = [m for m in ms if m.start >= dateline.end()]
            self.wording(sentence, ms)
            self.claims(sentence, ms)
            self.roles(sentence, ms)
            self.membership(sentence, ms)
            self.part_of(sentence, ms)
        return self.dedupe()

    def wording(self, sentence: Sentence, ms: list[Mention]) -> None:
        folded = self.folded[sentence.start:sentence.end]
        for rule in self.rules["relations"]:
            if rule["relation"] == "holdsRole":
                continue
            info = self.onto.relations[rule["relation"]]
            for trig in re.finditer(rule["trigger"], folded, re.I):
                t_start, t_end = sentence.start + trig.start(), sentence.start + trig.end()
                if any(m.start < t_end and t_start < m.end for m in ms):
                    continue  # the trigger word is part of a name ('Justice Department')
                if rule.get("passive"):
                    subs = self.objects(ms, sentence, t_end, info.domain, rule.get("gap", 80))
                    objs = self.subjects(ms, sentence, t_start, info.range, rule.get("subject_gap", 160))
                else:
                    if self.passive(sentence, t_start):
                        continue  # 'officials can be investigated': the doer is not before it
                    if self.participle(sentence, t_start, t_end):
                        subs = self.main_subject(ms, sentence, t_start, info.domain)
                    else:
                        subs = self.subjects(ms, sentence, t_start, info.domain, rule.get("subject_gap", 160))
                    objs = self.document(ms, sentence, t_end, subs) if rule.get("document") and subs else []
                    objs = objs or self.objects(ms, sentence, t_end, info.range, rule.get("gap", 60))
                if not subs or not objs:
                    continue
                date = self.date_near(sentence, t_start)
                score = rule.get("score", 0.5) * min(m.score for m in [*subs, *objs]) ** 0.5
                for s in subs:
                    for o in objs:
                        self.emit(s.entity, rule["relation"], o.entity, sentence, rule["rule"], score,
                                  rule.get("confidence", "explicit"), date)
                if rule.get("lawsuit"):
                    self.lawsuit(sentence, subs, objs, date, score)

    def document(self, ms, sentence: Sentence, after: int, subs: list[Mention]) -> list[Mention]:
        """'released a memo ... on "X"': the document named after the noun; 'signed an
        executive order': an unnamed document, which becomes a new entity."""
        rest = self.folded[after:sentence.end]
        for doc in self.rules["document_nouns"]:
            m = re.match(rf"\s+({doc['pattern']})\b", rest, re.I)
            if m:
                here = [x for x in ms if x.start == after + m.start(1)]
                if here:
                    return here
                named = [x for x in ms if x.start >= after + m.end(1) and x.rule == "named-document"
                         and x.start - (after + m.end(1)) < 80]
                if named:
                    return named[:1]
                date = self.date_near(sentence, after)
                label = f"{self.label(subs[0].entity)}'s {doc['label']}" + (f" of {date}" if date else "")
                ident = self.new_entity(label, doc["type"], "unnamed-document", sentence)
                start = after + m.start(1)
                return [Mention(start, after + m.end(1), self.text[start:after + m.end(1)], ident, "unnamed-document", 0.6)]
        return []

    def lawsuit(self, sentence, subs, objs, date, score) -> None:
        def side(group):
            names = [self.label(m.entity) for m in sorted(group, key=lambda m: m.start)]
            return names[0] + (" et al." if len(names) > 2 else "") if len(names) != 2 else " and ".join(names)
        label = f"{side(subs)} v. {side(objs)}" + (f" ({date})" if date else "")
        ident = self.new_entity(label, "Lawsuit", "lawsuit", sentence)
        for m in subs:
            self.emit(m.entity, "plaintiffIn", ident, sentence, "lawsuit", score * 0.9, date=date)
        for m in objs:
            self.emit(m.entity, "defendantIn", ident, sentence, "lawsuit", score * 0.9, date=date)

    def claims(self, sentence: Sentence, ms: list[Mention]) -> None:
        spec = self.rules["claims"]
        folded = self.folded[sentence.start:sentence.end]
        for trig in re.finditer(spec["say"], folded, re.I):
            t_start, t_end = sentence.start + trig.start(), sentence.start + trig.end()
            if any(m.start < t_end and t_start < m.end for m in ms):
                continue
            if self.participle(sentence, t_start, t_end):
                agent = [m for m in ms if m.end <= t_start and self.fits(m.entity, "Actor")
                         and re.search(r"\bfrom\s+(?:\w+\s+){0,2}$", self.folded[sentence.start:m.start])]
                speakers = agent[-1:] or self.main_subject(ms, sentence, t_start, "Actor")
            else:
                speakers = self.subjects(ms, sentence, t_start, "Actor", 60)
                speakers = self.appositive_speaker(ms, sentence, t_start, speakers)
            quote = re.match(r'\s*“?([^“”]{12,}?)[,.]?”', sentence.text) or re.match(r'\s*"([^"]{12,}?)[,.]?"', sentence.text)
            if quote and trig.start() > quote.end(1):
                start, end = sentence.start + quote.start(1), sentence.start + quote.end(1)
                if not speakers:  # '"...," says X'
                    speakers = self.objects(ms, sentence, t_end, "Actor", 5)
            else:
                start = t_end
                stop = re.search(r"[;]|\s+\b(?:but|while|whereas)\b", self.folded[t_end:sentence.end])
                end = t_end + stop.start() if stop else sentence.end
            clause = self.text[start:end].strip(" ,.:\"“”")
            if not speakers or len(clause.split()) < 3 or re.match(r"(?:who|which)\b", clause):
                continue
            self.claim(sentence, ms, speakers, clause, start, end, spec)
            break  # one claim per sentence: the first attribution governs it

    def claim(self, sentence, ms, speakers, clause, start, end, spec) -> None:
        folded_clause = fold(clause)
        legal = re.search(spec["legal"], folded_clause, re.I) is not None
        inside = [m for m in ms if start <= m.start and m.end <= end]
        for m in inside:  # an Act invoked in a legal claim is invoked as law
            cand = self.found.entities.get(m.entity)
            if cand and not cand.known and cand.type == "Statute" and (legal or breaks):
                cand.type = "StatutoryProvision"
        provisions = [m for m in inside if self.fits(m.entity, "LegalProvision")]
        breaks = re.search(spec["breaks"], folded_clause, re.I)
        target = None
        if breaks and not re.search(r"\b(?:be|been|being)\s+(?:\w+ly\s+)?$", folded_clause[:breaks.start()]):
            cut = start + (len(clause) and self.folded[start:end].find(breaks.group()))
            before = [m for m in inside if m.end <= cut and not self.fits(m.entity, "LegalProvision")]
            target = before[-1] if before else None
        date = self.date_near(sentence, start)
        score = spec.get("score", 0.5)
        kind = "LegalClaim" if legal or provisions else "FactualClaim"
        if kind == "LegalClaim" and breaks and len(provisions) > 1:
            head = clause[:clause.find(breaks.group())] if breaks.group() in clause else ""
            labels = [(f"{head}{breaks.group()} {self.label(p.entity)}".strip(), [p]) for p in provisions]
        else:
            labels = [(_short(clause), provisions)]
        for label, invoked in labels:
            ident = self.new_entity(label, kind, "claim", sentence, score)
            for s in speakers:
                self.emit(s.entity, "asserts", ident, sentence, "claim", score, date=date)
            for p in invoked:
                self.emit(ident, "invokes", p.entity, sentence, "claim-invokes", score)
            if target is not None and kind == "LegalClaim":
                self.emit(ident, "challenges", target.entity, sentence, "claim-challenges", score * 0.8)

    def appositive_speaker(self, ms, sentence, before: int, speakers: list[Mention]) -> list[Mention]:
        """'Ann Lee, director of the Agency, says': the person, not the agency."""
        if not speakers or self.fits(speakers[0].entity, "Person"):
            return speakers
        for m in ms:
            if m.end <= speakers[0].start and self.fits(m.entity, "Person") \
                    and re.match(r",[^,]*$", self.folded[m.end:speakers[0].start] + " ") \
                    and re.fullmatch(r"[^,]*,\s*", self.folded[speakers[-1].end:before]):
                return [m]
        return speakers

    def roles(self, sentence: Sentence, ms: list[Mention]) -> None:
        titles = {t["title"]: t for t in self.rules["titles"]}
        title_re = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
        quals = "|".join(re.escape(q) for q in self.rules["title_qualifiers"])
        date = self.date_near(sentence, sentence.start) or self.article_date
        for i, m in enumerate(ms):
            if not self.fits(m.entity, "Person"):
                continue
            before = self.folded[sentence.start:m.start]
            t = re.search(rf"(?:\b(?i:{quals}) )*\b({title_re}) $", before)
            if t:
                spec = titles[t.group(1)]
                org = next((x for x in reversed(ms[:i]) if x.end <= sentence.start + t.start()
                            and re.fullmatch(r"(?:'s)?\s*", self.folded[x.end:sentence.start + t.start()])), None)
                local = re.search(r"\b(?:state|county|city)\b", t.group(0), re.I)
                org_id = org.entity if org else (None if local else self.default_org(spec))
                if org_id:
                    self.emit(m.entity, "holdsRole", org_id, sentence, "title-before-name",
                              0.8 if org else 0.5, date=date, title=t.group(1))
            after = self.folded[m.end:sentence.end]
            a = re.match(rf",? (?:who (?:as|is|was|serves as) )?(?:the |a |an )?(?:\w+'s )?({_TITLE_PHRASE}) (?:of|at|for) (?:the )?", after, re.I)
            if a:
                org = self.org_phrase(ms, m.end + a.end())
                if org:
                    self.emit(m.entity, "holdsRole", org, sentence, "appositive-title", 0.7, date=date,
                              title=a.group(1))
            p = re.match(r" \(([^)]{2,40})\)", after)
            if p:
                place = next((x for x in ms if x.start == m.end + 2), None)
                plural = re.search(r"\b(" + "|".join(self.rules["plural_titles"]) + r")\b", fold(sentence.text), re.I)
                if place and plural:
                    self.emit(m.entity, "holdsRole", place.entity, sentence, "name-with-place", 0.6,
                              date=date, title=self.rules["plural_titles"][plural.group(1).lower()])
        # 'acting director of the Agency, Jane Roe'
        for r in re.finditer(rf"\b({_TITLE_PHRASE}) (?:of|at) (?:the )?", self.folded[sentence.start:sentence.end], re.I):
            org = self.org_phrase(ms, sentence.start + r.end())
            if not org:
                continue
            org_end = max(x.end for x in ms if x.entity == org and x.start >= sentence.start + r.end())
            person = next((x for x in ms if x.start >= org_end and re.fullmatch(r",\s*", self.folded[org_end:x.start])
                           and self.fits(x.entity, "Person")), None)
            if person:
                self.emit(person.entity, "holdsRole", org, sentence, "title-of-org-name", 0.7, date=date,
                          title=r.group(1))

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
        chain = [m for m in chain if self.fits(m.entity, "Actor")]
        return chain[-1].entity if chain else None

    def default_org(self, spec: dict) -> str | None:
        name = spec.get("default")
        if not name:
            return None
        key = norm(name)
        for ident, ent in self.found.known.items():
            if key in {norm(f) for f in [ent.label, *ent.aliases]}:
                return ident
        return None

    def membership(self, sentence: Sentence, ms: list[Mention]) -> None:
        for i, m in enumerate(ms):
            if not self.is_group(m.entity):
                continue
            after = self.folded[m.end:sentence.end]
            if not re.match(r",?\s+(?:including|such as|like|among them|led by)\b", after):
                continue
            for x in ms[i + 1:]:
                between = self.folded[m.end:x.start]
                if not _LIST_SEP.fullmatch(between):
                    break
                if self.type_of(x.entity) == "Person" and self.type_of(m.entity) == "JurisdictionGroup":
                    continue
                self.emit(x.entity, "memberOf", m.entity, sentence, "including", 0.6)
                m = Mention(m.start, x.end, m.text, m.entity, m.rule)

    def location(self, sentence: Sentence, ms: list[Mention]) -> None:
        for a, b in zip(ms, ms[1:]):
            if self.folded[a.end:b.start] == ", " and self.fits(a.entity, "Jurisdiction") \
                    and self.fits(b.entity, "State") and not self.fits(a.entity, "State"):
                self.emit(a.entity, "locatedIn", b.entity, sentence, "place-comma-state", 0.8)

    def part_of(self, sentence: Sentence, ms: list[Mention]) -> None:
        for a, b in zip(ms, ms[1:]):
            if re.fullmatch(r"'s\s+", self.folded[a.end:b.start]) and self.fits(a.entity, "Organization") \
                    and self.fits(b.entity, "Organization"):
                self.emit(b.entity, "partOf", a.entity, sentence, "possessive-organization", 0.6)

    def dedupe(self) -> list[StatementCandidate]:
        best: dict[tuple, StatementCandidate] = {}
        for st in self.out:
            key = (st.subject, st.relation, st.object, st.sentence.index)
            if key not in best or st.score > best[key].score:
                best[key] = st
        return sorted(best.values(), key=lambda s: (s.sentence.index, -s.score))


def _short(clause: str, limit: int = 110) -> str:
    clause = " ".join(clause.split())
    if len(clause) <= limit:
        return clause[:1].upper() + clause[1:]
    cut = clause[:limit].rsplit(" ", 1)[0]
    return cut[:1].upper() + cut[1:] + " …"


def extract(text: str, sentences: list[Sentence], found: Found, article_date: str | None, onto) -> list[StatementCandidate]:
    """Candidate statements for every sentence of `text`; may add claim, lawsuit and document
    entities to `found.entities`."""
    return _Extractor(text, sentences, found, article_date, onto).run()
