"""Reported speech: who says what, read as claims.

'X says (that) CLAUSE', 'X told Y that CLAUSE', '"QUOTE," X says' and a quotation running over
several sentences with its attribution beside it make a claim entity that X asserts (an outlet
or a study reports it). A claim with legal wording is a LegalClaim: it invokes the provisions it
names (one claim per provision when it lists several), challenges what it says breaks them (or,
made in a lawsuit, its defendants) and is asserted in the lawsuit the sentence tells of.
'..., accusing X of Y-ing' is a claim against X; 'X said Y should ...' a demand on Y.

A mixin of the relation extractor (kg.ingest.relations): it reads and writes its state.
"""

from __future__ import annotations

import bisect
import re

from ..namespace import K
from .forms import fold
from .model import Mention, Sentence


class Speech:
    """The reported-speech passes of kg.ingest.relations._Extractor."""

    def claims(self, sentence: Sentence, ms: list[Mention]) -> None:
        """The claims of one sentence: each verb of saying with its speaker and its clause (or
        the quotation it attributes), then accusations and 'according to X'."""
        spec = self.rules["claims"]
        folded = self.folded[sentence.start:sentence.end]
        speaking = (K.Actor, K.Policy, K.Study)  # people and bodies speak, and so do orders and studies
        # A verb of saying inside a quotation is part of what is said ('"... it says nothing
        # Congress did not write," said X'): the quotation's own attribution is outside it.
        quoted = [q.span() for q in re.finditer(r'"[^"]*"', folded)]
        for trig in re.finditer(spec["say"], folded, re.I):
            t_start, t_end = sentence.start + trig.start(), sentence.start + trig.end()
            if any(m.start < t_end and t_start < m.end for m in ms):
                continue
            if any(a < trig.start() and trig.end() < b for a, b in quoted):
                continue
            verb = trig.group().split()[0].lower().rstrip(",")
            self.demands(sentence, ms, t_start, t_end)
            rest = self.folded[t_end:sentence.end]
            if verb in spec["noun_like"] and not trig.group().endswith("that") and not re.match(r"\s+that\b", rest) \
                    and not any(m.end <= t_start and re.fullmatch(r"\s*(?:\w+ly\s+)?", self.folded[m.end:t_start]) for m in ms):
                continue  # 'state grants', 'the claims': nouns, not a verb of saying
            if self.participle(sentence, t_start, t_end):
                agent = [m for m in ms if m.end <= t_start and self.fits(m.entity, K.Actor)
                         and re.search(r"\bfrom\s+(?:\w+\s+){0,2}$", self.folded[sentence.start:m.start])]
                document = [m for m in ms if m.end <= t_start and re.fullmatch(r"\s*", self.folded[m.end:t_start])
                            and self.fits(m.entity, (K.Policy, K.Study))]  # 'an order stating that ...'
                speakers = agent[-1:] or document[-1:] or self.main_subject(ms, sentence, t_start, speaking)
            else:
                speakers = self.subjects(ms, sentence, t_start, speaking, 60)
                speakers = self.appositive_speaker(ms, sentence, t_start, speakers)
            quote = re.match(r'\s*"([^"]{12,}?)[,.!?]?"', self.folded[sentence.start:sentence.end])
            if quote and trig.start() > quote.end(1):
                start, end = sentence.start + quote.start(1), sentence.start + quote.end(1)
                # A name inside the quotation is what is said, not who says it.
                speakers = [m for m in speakers if not (start <= m.start and m.end <= end)]
                after_quote = [x for x in ms if re.fullmatch(r'[,.!?]?"\s*', self.folded[end:x.start]) and self.fits(x.entity, K.Actor)]
                if after_quote and after_quote[0].end <= t_start:  # '"...," Thomas Homan, ..., said'
                    speakers = after_quote[:1]
                if not speakers:  # '"...," says X'
                    speakers = self.objects(ms, sentence, t_end, speaking, 5)
            else:
                start = t_end + self.preamble(ms, t_end, sentence.end, addressee=verb in ("told", "tells"))
                adverbial = re.match(r"(?:again|also|repeatedly|once more|this week|last week|on \w+day|today|"
                                     r"yesterday|in a statement|in an interview|publicly|\s|,)+that\s+", self.folded[start:sentence.end])
                if adverbial:  # 'insisted again this week that ...': the clause after 'that'
                    start += adverbial.end()
                stop = re.search(r"[;]|:\s*\"|\s+\b(?:but|while|whereas)\b", self.folded[start:sentence.end])
                end = start + stop.start() if stop else sentence.end
            aside = re.search(r",\s+(?:something|a move|a step|an? \w+ that|which)\b", self.folded[start:end])
            end = start + aside.start() if aside else end  # ', something X says is ...': another voice
            clause = self.text[start:end].strip(" ,.:\"“”")
            if not speakers or len(clause.split()) < 3 or re.match(r"(?:who|which)\b", clause):
                continue
            if any(a <= t_start < b for a, b in self.claimed.get(sentence.index, [])):
                continue  # the verb is inside a claim already read: reported speech within it
            first = start + len(self.folded[start:end]) - len(self.folded[start:end].lstrip(' "'))
            if any(m.start == first and m.rule == "pronoun" and m.entity in {x.entity for x in speakers} for m in ms):
                continue  # 'Schaaf said she is willing to ...': what the speaker will do, not a claim
            self.claim(sentence, ms, speakers, clause, start, end, spec, reported=verb.startswith("report"))
            self.claimed.setdefault(sentence.index, []).append((start, end))
            self.spoke.setdefault(sentence.index, []).extend(speakers)
        self.accusations(sentence, ms, spec)
        for m in re.finditer(r"\baccording to (?:the )?", folded, re.I):  # '..., according to X': X reports it
            source = [x for x in ms if x.start == sentence.start + m.end()]
            subject = self.main_subject(ms, sentence, sentence.start + m.start(), K.Actor)
            for who in source:
                for what in subject:
                    self.emit(who.entity, K.reported, what.entity, sentence, "according-to", 0.5)

    def demands(self, sentence: Sentence, ms: list[Mention], t_start: int, t_end: int) -> None:
        """'Homan said (that) the DOJ should hold politicians accountable': Homan demands it of the DOJ."""
        m = re.match(r"\s*(?:that\s+)?", self.folded[t_end:sentence.end])
        at = t_end + m.end()
        who = next((x for x in ms if x.start in (at, at + 4) and self.fits(x.entity, K.Actor)
                    and re.fullmatch(r"(?:the )?", self.folded[at:x.start])), None)
        if who is None or not re.match(r"\s+(?:should|must|needs? to|ought to|has to|have to)\b", self.folded[who.end:who.end + 20]):
            return
        for s in self.subjects(ms, sentence, t_start, K.Actor, 60):
            self.emit(s.entity, K.demanded, who.entity, sentence, "say-should", 0.5)

    def preamble(self, ms, at: int, stop: int, addressee: bool) -> int:
        """How far the reported clause starts after the verb: past 'that', the person told
        ('told KVTX that') and a phrase of place or manner ('said in a statement that')."""
        rest = self.folded[at:stop]
        if addressee:
            heard = next((m for m in ms if m.start >= at and re.fullmatch(r"\s*(?:the\s+)?", self.folded[at:m.start])), None)
            if heard:
                rest = self.folded[heard.end:stop]
                at_heard = heard.end - at
                m = re.match(r"\s+(?:on|in|at|during|after|before|last|this)\b[^,;.\"]{0,50}?\s+that\s+|\s+that\s+|\s*", rest)
                return at_heard + m.end()
        m = re.match(r"\s+(?:in|on|at|during|to|after|before|via|through|with)\b[^,;.\"]{0,70}?\s+that\b", rest)
        return m.end() if m else 0

    def accusations(self, sentence: Sentence, ms: list[Mention], spec: dict) -> None:
        """'..., accusing the authorities of impeding X': a claim the accuser asserts against the
        accused (the defendants of a suit in the same sentence, if the accused go unnamed)."""
        for m in re.finditer(r"\baccus(?:e|es|ed|ing) (.{2,60}?) of (\w+ing\b[^;]*?)(?=[.;]|, (?:and|but|while)\b|$)",
                             self.folded[sentence.start:sentence.end], re.I):
            t_start = sentence.start + m.start()
            if self.participle(sentence, t_start, t_start + 8):
                accusers = self.main_subject(ms, sentence, t_start, K.Actor)
            else:
                accusers = self.subjects(ms, sentence, t_start, K.Actor)
            accused = [x for x in ms if sentence.start + m.start(1) <= x.start and x.end <= sentence.start + m.end(1)
                       and self.fits(x.entity, K.Actor)]
            suit = self.suits.get(sentence.index)
            if not accused and suit and {x.entity for x in accusers} <= {x.entity for x in suit[1]}:
                accused = suit[2]
            if not accusers or not accused:
                continue
            what = self.text[sentence.start + m.start(2):sentence.start + m.end(2)]
            who = self.text[sentence.start + m.start(1):sentence.start + m.end(1)]
            start, end = sentence.start + m.start(1), sentence.start + m.end(2)
            self.claim(sentence, ms, accusers, f"{who} {what}", start, end, spec, targets=accused)
            for a in accusers:
                for x in accused:
                    self.emit(a.entity, K.accused, x.entity, sentence, "accuse-of", 0.6)

    def quoted_claims(self) -> None:
        """A quotation whose sentences gave no claim of their own: one claim, by its speaker."""
        spec = self.rules["claims"]
        for speakers, a, b in self.quotations():
            first = max(0, bisect.bisect_right(self.sentence_starts, a) - 1)
            parts = [s for s in self.sentences[first:bisect.bisect_left(self.sentence_starts, b)] if s.start < b and a < s.end]
            if not parts or any(x < b and a < y for s in parts for x, y in self.claimed.get(s.index, [])):
                continue
            clause = self.text[a:b].strip(" ,.:\"“”")
            if len(clause.split()) < 3:
                continue
            whole = Sentence(parts[0].index, parts[0].start, parts[-1].end, self.text[parts[0].start:parts[-1].end])
            ms = [m for p in parts for m in self.by_sentence.get(p.index, [])]
            self.claim(whole, ms, speakers, clause, a, b, spec)

    def conditional_threat(self, sentence, ms, speakers, start: int, end: int) -> None:
        """'If the city does not comply, it will lose grants', "If Chicago won't help us, we'll do it
        ourselves": said by X, a threat of X against the one the condition names (implied)."""
        text = self.folded[start:end]
        m = re.match(r"\W*if (.{2,80}?) (?:won't|will not|doesn't|does not|don't|do not|refuses? to|fails? to|"
                     r"keeps? refusing to)\b[^,;]{0,60}, (?:(?:then|we|we'll|it|they|you)\b[^.;]{0,80}\b(?:will|'ll)\b|"
                     r"(?:we|it|they|you)'ll\b)", text, re.I)
        if not m:
            return
        named = [x for x in ms if start + m.start(1) <= x.start and x.end <= start + m.end(1) and self.fits(x.entity, K.Actor)]
        if not named:  # 'the city' in the condition: the anaphora pass has made it a mention if it could
            return
        for who in speakers:
            for target in named:
                self.emit(who.entity, K.threatened, target.entity, sentence, "conditional-threat", 0.5, "implied",
                          manner=re.sub(r"\s+", " ", self.text[start:end]).strip(" \"“”,.")[:90])

    def quotations(self) -> list[tuple[list[Mention], int, int]]:
        """Quotations and who said them: the attribution next to the quotation ('"...," Ortega
        said'; 'Ortega said: "..."'), or the one before it in the same paragraph."""
        verbs = "|".join(self.rules["speech_verbs"])
        mentions = self.found.mentions  # in text order
        starts = [m.start for m in mentions]
        out: list[tuple[list[Mention], int, int]] = []
        for line in re.finditer(r"[^\n]+", self.folded):
            marks = [line.start() + i for i, c in enumerate(line.group()) if c == '"']
            spans = [(marks[i] + 1, marks[i + 1] if i + 1 < len(marks) else line.end()) for i in range(0, len(marks), 2)]
            speaker: list[Mention] = []
            for a, b in spans:
                before = self.folded[max(line.start(), a - 80):a - 1]
                found = None
                if b < line.end() and self.folded[b - 1:b] != ".":  # ('...memo."' ends its sentence)
                    near = mentions[bisect.bisect_right(starts, b):bisect.bisect_right(starts, b + 60)]
                    found = next((x for x in near if self.fits(x.entity, K.Actor)
                                  and (attributed := re.fullmatch(rf",?\s*((?:{verbs})\s+)?(?:[A-Z][\w.]*\s+)*",
                                                                  self.folded[b + 1:x.start]))  # (a title before the name)
                                  and (attributed.group(1) or re.match(rf"(?:,[^,]{{2,90}}?,?)?\s+(?:{verbs})\b",
                                                                       self.folded[x.end:x.end + 120]))), None)
                if found is None and re.search(rf"\b(?:{verbs})[,:]?\s*$", before):
                    near = mentions[bisect.bisect_left(starts, a - 120):bisect.bisect_left(starts, a)]
                    found = next((x for x in reversed(near) if a - 80 <= x.end <= a and self.fits(x.entity, K.Actor)), None)
                if found is not None:
                    speaker = [found]
                if speaker and b - a > 12:
                    out.append((speaker, a, b))
        return out

    def claim(self, sentence, ms, speakers, clause, start, end, spec, targets=None, reported=False,
              legal_part=True) -> None:
        """A claim entity for `clause` ([start, end) of the text) that `speakers` assert, with what
        it invokes, challenges and the suit it is made in; `targets`: what it is made against."""
        folded_clause = fold(clause)
        legal = legal_part and re.search(spec["legal"], folded_clause, re.I) is not None
        breaks = re.search(spec["breaks"], folded_clause, re.I) if legal_part else None
        inside = [m for m in ms if start <= m.start and m.end <= end]
        self.conditional_threat(sentence, ms, speakers, start, end)
        for m in inside:  # an Act invoked in a legal claim is invoked as law
            cand = self.found.entities.get(m.entity)
            if cand and not cand.known and cand.type == K.Statute and (legal or breaks):
                cand.type = K.StatutoryProvision
        provisions = [m for m in inside if self.fits(m.entity, K.LegalProvision)]
        target = None
        if breaks and re.search(r"\b(?:not|n't|never|no longer)\s+(?:\w+\s+)?$", folded_clause[:breaks.start()]):
            breaks = None  # 'conditions that do not violate the law': no charge of breaking it
        if breaks and not re.search(r"\b(?:be|been|being)\s+(?:\w+ly\s+)?$", folded_clause[:breaks.start()]):
            cut = start + (len(clause) and self.folded[start:end].find(breaks.group()))
            before = [m for m in inside if m.end <= cut and not self.fits(m.entity, K.LegalProvision)]
            target = before[-1] if before else None
            if target and re.search(r"\b\w{3,}ing\b", self.folded[start:target.start]):
                target = None  # 'withholding funds or prosecuting officials is unlawful': not the officials
        date = self.date_near(sentence, start)
        score = spec.get("score", 0.5)
        kind = K.LegalClaim if legal or provisions or targets else K.FactualClaim
        suit = self.suits.get(sentence.index)
        if suit and not {s.entity for s in speakers} <= {x.entity for x in suit[1]}:
            suit = None  # a claim made in a suit is its plaintiffs'
        if suit and kind == K.FactualClaim and re.search(r"\b(?:unconstitutional|unlawful|illegal)", folded_clause, re.I):
            kind = K.LegalClaim
        if target is None and kind == K.LegalClaim:  # 'the city's ordinance illegally obstructs ...'
            for word in re.finditer(spec["unlawful"], self.folded[start:end], re.I):  # what it calls unlawful
                target = next((m for m in inside if self.fits(m.entity, K.Policy) and not self.fits(m.entity, K.LegalProvision)
                               and re.fullmatch(r"\s+(?:(?:is|are|was|were|remains?)\s+)?", self.folded[m.end:start + word.start()])), None)
                if target:
                    break
        challenged = targets or ([target] if target is not None else []) or (suit[2] if suit and kind == K.LegalClaim else [])
        both = re.match(r"(.+?) (\w+s) (.+?),? and (" + re.escape(breaks.group()) + r".*)$", clause) if breaks else None
        if kind == K.LegalClaim and breaks and len(provisions) > 1:
            head = clause[:clause.find(breaks.group())] if breaks.group() in clause else ""
            labels = [(f"{head}{breaks.group()} {self.label(p.entity)}".strip(), [p]) for p in provisions]
        elif both and not re.search(spec["legal"], f"{both.group(2)} {both.group(3)}", re.I):
            # 'federal overreach undermines public safety and violates constitutional principles':
            # a claim of fact and a legal claim, made together
            self.claim(sentence, ms, speakers, f"{both.group(1)} {both.group(2)} {both.group(3)}", start, end, spec,
                       reported=reported, legal_part=False)
            labels = [(_short(f"{both.group(1)} {both.group(4)}"), provisions)]
        else:
            labels = [(_short(clause), provisions)]
        topic = next((m for m in inside if self.fits(m.entity, K.Actor)), None)
        for label, invoked in labels:
            ident = self.new_entity(label, kind, "claim", sentence, score)
            for s in speakers:
                if self.fits(s.entity, (K.MediaOrganization, K.Study)) or reported:  # outlets and studies report
                    self.emit(s.entity, K.reported, ident, sentence, "report", score, date=date)
                    if topic and self.fits(s.entity, K.MediaOrganization):
                        self.emit(s.entity, K.reported, topic.entity, sentence, "report", score * 0.8, date=date)
                else:
                    self.emit(s.entity, K.asserts, ident, sentence, "claim", score, date=date)
            for p in invoked:
                self.emit(ident, K.invokes, p.entity, sentence, "claim-invokes", score)
            if kind == K.LegalClaim:
                for t in challenged:
                    self.emit(ident, K.challenges, t.entity, sentence, "claim-challenges", score * 0.8)
                    for s in speakers:  # to call it unlawful is to oppose it (unless the text says how)
                        if (s.entity, t.entity, sentence.index) not in self.linked:
                            self.emit(s.entity, K.opposed, t.entity, sentence, "claim-opposes", score * 0.7, "implied")
                if suit:
                    self.emit(ident, K.assertedIn, suit[0], sentence, "claim-in-suit", score * 0.8)

    def appositive_speaker(self, ms, sentence, before: int, speakers: list[Mention]) -> list[Mention]:
        """'Ann Lee, director of the Agency, says': the person, not the agency."""
        if not speakers or self.fits(speakers[0].entity, K.Person):
            return speakers
        for m in ms:
            if m.end <= speakers[0].start and self.fits(m.entity, K.Person) \
                    and re.match(r",[^,]*$", self.folded[m.end:speakers[0].start] + " ") \
                    and re.fullmatch(r"[^,]*,\s*", self.folded[speakers[-1].end:before]):
                return [m]
        return speakers


def _short(clause: str, limit: int = 110) -> str:
    clause = " ".join(clause.split())
    if len(clause) <= limit:
        return clause[:1].upper() + clause[1:]
    cut = clause[:limit].rsplit(" ", 1)[0]
    return cut[:1].upper() + cut[1:] + " …"
