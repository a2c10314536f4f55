"""The `frames` step: who did what to whom, read from a verb's subject, object and clauses.

The `frames:` rules name a trigger and the dependency paths to its subject and object; this step
turns the tokens a rule matched into entities: a mention's entity; each member of a coordination
('A and B sued'); the noun a relative pronoun stands for ('the county, which sued'); the owner of
a possessive when the rule asks for it ('blocked the agency's plan': the agency). The `modality:`
rules give an act its mode (threatened, planned, attempted, denied, hypothetical) or drop it
(negation); a frame with `negated:` reads its negation as another relation ('would not cooperate'
is refusedToCooperate). The `attribution:` rules give a speaker and what was said: the claim is
the clause said, never the attribution around it.
"""

from __future__ import annotations

import re
import sys
from functools import cache

from ..namespace import K
from .forms import camel_id
from .model import EntityCandidate, StatementCandidate, sentence_of
from .rules import compiled, load, parse_path, walk


def resolve(state, tok, owner: bool = False, depth: int = 0) -> list[str]:
    """The entities token `tok` stands for (several when coordinated)."""
    if depth > 4:
        return []
    out: list[str] = []
    mention = state.token_mention.get(tok.i)
    if mention is not None and mention.rule == "anaphor" and _named_by_of(state, tok) is not None:
        mention = None  # 'the city of Chicago' names its city: no anaphor for the one named before
    if mention is not None:
        out.append(mention.entity)
    elif tok.tag_ in ("WDT", "WP") and tok.head.dep_ == "relcl":
        out += resolve(state, tok.head.head, owner, depth + 1)
    elif (named := _named_by_of(state, tok)) is not None:
        out += resolve(state, named, owner, depth + 1)
    else:
        for child in tok.children:
            if child.dep_ == "compound" and child.i in state.token_mention:
                out.append(state.token_mention[child.i].entity)
                break
        else:
            if owner:
                for child in tok.children:
                    if child.dep_ == "poss":
                        out += resolve(state, child, False, depth + 1)
    for child in _conjuncts(state, tok):
        out += resolve(state, child, owner, depth + 1)
    return list(dict.fromkeys(out))


def _members(state, tok) -> list[str]:
    """'several cities, led by A and including B and C': the named members of a plural noun (the
    `group-members` words of the rules), as the ones who act."""
    if tok.tag_ != "NNS":
        return []
    words = load().words("group-members")
    out = []
    for child in tok.children:
        if child.dep_ in ("acl", "prep") and child.lemma_.lower() in words:
            out += [m.entity for t in child.subtree if (m := state.token_mention.get(t.i)) is not None]
    return list(dict.fromkeys(out))


def _conjuncts(state, tok) -> list:
    """The tokens coordinated with `tok`, or with any word of the name it is part of ('the
    Department of Labor and Secretary Dale Hunt': the parser hangs the second name from 'Labor')."""
    mention = state.token_mention.get(tok.i)
    words = [tok]
    if mention is not None:
        span = tok.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        words = list(span) if span is not None else [tok]
    return [c for w in words for c in w.children
            if c.dep_ == "conj" and (mention is None or state.token_mention.get(c.i) is not mention)]


def _named_by_of(state, tok):
    """'the city of Lakeview': a place noun (the `anaphor` type rules) named by its 'of' phrase."""
    if tok.lemma_.lower() not in _place_nouns():
        return None
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.i == tok.i + 1:
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.i in state.token_mention:
                    return pobj
    return None


@cache
def _place_nouns() -> set[str]:
    return {w.lower() for r in load()["types"] if r.data.get("position") == "anaphor" for w in r.data["words"]}


def _is_a(state, ident: str, types: list[str] | None) -> bool:
    if not types:
        return True
    ent = state.entities.get(ident)
    if ent is None:
        return False
    return any(ent.type == t or (state.onto is not None and state.onto.is_a(ent.type, t)) for t in types)


def _modes(doc, matches) -> dict[int, str]:
    """Token index of an act -> its mode, from the modality rules."""
    modes: dict[int, str] = {}
    for m in matches:
        if m.rule.section != "modality":
            continue
        for chain in m.roles["path"]:
            act = chain[-1].i
            if modes.get(act) != "drop":  # a negated threat is not a threat; 'drop' wins over any other mode
                modes[act] = m.rule.data["mode"]
    # an act coordinated with a qualified one shares its mode ('vowed to sue and to cut'), unless
    # it has a past tense of its own ('would defend the rule and accused the agency of ...')
    for tok in doc:
        if tok.dep_ == "conj" and tok.head.i in modes and tok.i not in modes and tok.tag_ != "VBD":
            modes[tok.i] = modes[tok.head.i]
    return modes


def _add(state, seen, st: StatementCandidate) -> None:
    key = (st.subject, st.relation, st.object, st.sentence.start)
    if st.subject == st.object or key in seen:
        return
    seen.add(key)
    state.statements.append(st)


def _frame(state, seen, doc, rule, trigger, subj_chain, obj_chain, modes) -> None:
    subj_tok, obj_tok = subj_chain[-1], obj_chain[-1]
    relation = rule.data["relation"]
    mode = modes.get(trigger.i)
    if mode in ("drop", "denied"):
        if not rule.get("negated"):
            return
        relation, mode = rule.data["negated"], None
    if mode and relation == K.threatened:
        return  # 'may threaten': not even a threat
    if mode in ("threatened", "planned", "hypothetical") and _hostile(state, relation):
        # a hostile act announced, planned or held out as a possibility is a threat, never the act
        relation, mode = K.threatened, None
        manner = _phrase(trigger)
    else:
        manner = _phrase(obj_chain[0]) if relation == K.threatened and len(obj_chain) > 1 else None
    # 'several sanctuary cities, led by A and including B, sued': the named members act, even when
    # the plural itself names a group the graph knows
    subjects = [s for s in _members(state, subj_tok) or resolve(state, subj_tok) or _it(state, subj_tok, rule)
                if _is_a(state, s, rule.get("subject_types"))]
    if rule.get("subject_titles"):
        subjects = [s for s in subjects if state.entities[s].type != K.Person
                    or state.titles.get(s, (None,))[0] in rule.data["subject_titles"]]
    objects = [o for o in resolve(state, obj_tok, owner=bool(rule.get("object_owner")))
               if _is_a(state, o, rule.get("object_types"))]
    sentence = sentence_of(state, trigger)
    for s in subjects:
        judge = None
        if state.entities[s].type == K.Person and relation in (K.ruledAgainst, K.ruledFor, K.ruledOn):
            court = state.titles.get(s, (None, None))[1]
            if court and state.entities.get(court) and state.entities[court].type == K.Court:
                judge, s = s, court
        for o in objects:
            _add(state, seen, StatementCandidate(s, relation, o, sentence, f"frames:{rule.name}", 0.7,
                                                 mode=None if mode == "drop" else mode, token=trigger.i, manner=manner))
            if judge and relation == K.ruledAgainst:  # the judge who rules against a party opposes it
                _add(state, seen, StatementCandidate(judge, K.opposed, o, sentence, f"frames:{rule.name}", 0.6,
                                                     token=trigger.i, confidence="implied"))


def _it(state, tok, rule) -> list[str]:
    """'The suit names the agency. It asks the court ...': an 'it' with no mention stands for the last
    thing of the kind the rule's subject must be (a suit, a policy), named in its own sentence before it or
    in the sentence before. Only for things: a rule that asks no kind, or an actor (whom an 'it' may
    stand for among the several a sentence names), takes none."""
    types = rule.get("subject_types")
    if tok.lower_ != "it" or not types or tok.i in state.token_mention or state.onto is None \
            or any(t == K.Actor or state.onto.is_a(t, K.Actor) for t in types):
        return []
    sent = tok.sent
    start = sent.start_char
    if sent.start > 0:
        start = state.doc[sent.start - 1].sent.start_char
    before = [m for m in state.mentions if start <= m.start < tok.idx and _is_a(state, m.entity, types)]
    return [max(before, key=lambda m: m.start).entity] if before else []


def _hostile(state, relation: str) -> bool:
    """An actor's hostile act (what a policy would bar is what it says, never a threat)."""
    info = state.onto.relations.get(relation) if state.onto is not None else None
    return bool(info and info.polarity == "hostile") and relation != K.prohibited


def _phrase(tok) -> str:
    """The words of the clause headed by `tok` ('cut all federal funding to the city')."""
    words = [t for t in tok.subtree if t.dep_ not in ("mark", "advcl") or t.i == tok.i]
    words = [t for t in words if not (t.dep_ == "aux" and t.head.i == tok.i and t.i < tok.i)]
    return "".join(t.text_with_ws for t in words).strip()


def _claim_tokens(trigger, clause) -> list:
    skip = {t.i for t in trigger.subtree} if trigger.i in {t.i for t in clause.subtree} else set()
    skip.discard(clause.i)
    for t in clause.subtree:  # asides: relative clauses and appositions ('which the law assigns to ...')
        if t.dep_ in ("relcl", "appos", "parataxis") and t.i != clause.i:
            skip.update(x.i for x in t.subtree)
    for t in clause.children:  # '... that A and that B': B is a claim of its own
        if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX"):
            skip.update(x.i for x in t.subtree)
            skip.update(c.i for c in clause.children if c.dep_ == "cc" and c.i < t.i)
    tokens = [t for t in clause.subtree if t.i not in skip]
    if clause.dep_ == "oprd":  # 'called the rules unconstitutional': the rules, unconstitutional
        tokens = [t for c in clause.head.children if c.dep_ == "dobj" for t in c.subtree] + tokens
    while tokens and (tokens[0].is_punct or tokens[0].dep_ == "mark"):
        tokens.pop(0)
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    return tokens


def _not_a_claim(rule, clause, modes) -> bool:
    """What someone will or plans to do is no claim about the world ('we will appeal', 'the city
    plans to hire'), nor is what the speakers themselves want or did, nor a figure ('the county
    stands to lose $4 million': an amount, which ingest does not propose)."""
    acts = [clause, *(c for c in clause.children if c.dep_ == "xcomp")]
    if any(modes.get(t.i) in rule.get("not_claim_modes", []) for t in acts):
        return True
    if clause.dep_ == "relcl" or any(t.dep_ in ("nsubj", "nsubjpass") and t.tag_ in ("WDT", "WP")
                                     for t in clause.children):
        return True  # a relative clause ('..., who leads the effort') describes someone, no claim is said
    subjects = {t.lower_ for t in clause.children if t.dep_ in ("nsubj", "nsubjpass", "expl")}
    if subjects & {w.lower() for w in rule.get("not_claim_subjects", [])}:
        return True
    if _dated(clause, rule.get("not_claim_dated", [])):
        return True
    return any(t.ent_type_ in rule.get("not_claim_entities", []) for t in clause.subtree)


def _dated(clause, types: list[str]) -> bool:
    """Whether a verb of the clause is dated ('the county wrote to the agency in August', 'the board
    will meet next week'): the narration of an event, not a claim about the world."""
    for verb in clause.subtree:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        for child in verb.children:
            if child.dep_ == "npadvmod" and child.ent_type_ in types:
                return True
            if child.dep_ == "prep" and any(c.dep_ == "pobj" and c.ent_type_ in types for c in child.children):
                return True
    return False


def _attribution(state, seen, doc, rule, trigger, speaker_chain, claim_chain, modes,
                 said=()) -> tuple[str, list] | None:
    """The claim said (its id and its tokens), with who said it."""
    speaker_tok, clause = speaker_chain[-1], claim_chain[-1]
    predicate = rule.get("predicative") and clause.dep_ == "oprd" and clause.pos_ in ("ADJ", "NOUN") and all(
        c.tag_ not in ("PRP", "WDT", "WP") for c in clause.head.children if c.dep_ == "dobj")  # not 'called it ...'
    if not predicate and (clause.pos_ not in ("VERB", "AUX") or _not_a_claim(rule, clause, modes)):
        return None
    speakers = resolve(state, speaker_tok) or _speaker_before(rule, speaker_tok, said)
    if not speakers or _of_speakers(state, rule, clause, speakers) or _ambiguous(state, rule, speaker_tok):
        return None
    return _claim(state, seen, rule, trigger, speakers, clause, f"attribution:{rule.name}")


def _ambiguous(state, rule, tok) -> bool:
    """'"...," he said' when the sentence before and this one up to 'he' name no person, the one 'he'
    was read as not among them, or more than one: who said it is a guess, and a claim is never given
    to a guess."""
    mention = state.token_mention.get(tok.i)
    if not rule.get("one_person_for_pronoun") or mention is None or mention.rule != "pronoun":
        return False
    index = state.sentence_index.get(tok.sent.start_char, 0)
    start = state.sentences[max(index - 1, 0)].start
    people = {m.entity for m in state.mentions if start <= m.start < tok.idx and m.rule != "pronoun"
              and state.entities.get(m.entity) is not None and state.entities[m.entity].type == K.Person}
    return len(people) > 1 or mention.entity not in people


def _speaker_before(rule, tok, said) -> list[str]:
    """'The lawsuit argues that ... It also argues that ...': a pronoun speaker no mention stands for
    is the speaker of the sentence just before, when a verb of saying there has one."""
    if not rule.get("pronoun_speaker") or tok.tag_ != "PRP":
        return []
    before = [speakers for _, trigger, speakers, _, _ in said if speakers
              and trigger.sent.end == tok.sent.start]
    return before[-1] if before else []


def _of_speakers(state, rule, clause, speakers: list[str]) -> bool:
    return bool(rule.get("not_claim_self") and _about_self(state, clause, speakers)
                or rule.get("not_claim_own") and _about_own(state, clause, speakers))


def _about_self(state, clause, speakers: list[str]) -> bool:
    """'she said she would run again', 'the agency said it had acted lawfully': what the speakers say
    of themselves (reported speech's 'I' and 'we') is no claim about the world."""
    bodies = all(state.entities[s].type != K.Person for s in speakers if s in state.entities)
    return any(set(resolve(state, t)) & set(speakers)
               # 'the agency said it would appeal': a body's unresolved 'it' or 'they' is the body
               or (bodies and t.tag_ == "PRP" and t.i not in state.token_mention)
               for t in clause.children if t.dep_ in ("nsubj", "nsubjpass"))


def _about_own(state, clause, speakers: list[str]) -> bool:
    """'the mayor said the city would appeal', 'the sheriff said her deputies would ...', 'Dayton's
    mayor said Dayton police would ...': what the speaker's own body (the one their title belongs
    to), a body named after it, or the speaker's people do is the speaker's own account."""
    bodies = {state.titles[s][1] for s in speakers if s in state.titles and state.titles[s][1]}
    bodies |= {st.object for st in state.statements if st.relation == K.holdsRole and st.subject in speakers}
    labels = [state.entities[b].label + " " for b in bodies if b in state.entities]
    for t in clause.children:
        if t.dep_ not in ("nsubj", "nsubjpass"):
            continue
        subjects = set(resolve(state, t))
        if subjects & bodies or any(c.dep_ == "poss" and set(resolve(state, c)) & (set(speakers) | bodies)
                                    for c in t.children):
            return True
        if any(state.entities[x].label.startswith(label) for x in subjects if x in state.entities for label in labels):
            return True
    return False


def _claim(state, seen, rule, trigger, speakers, clause, rule_name) -> tuple[str, list] | None:
    claim = _claim_tokens(trigger, clause)
    if len(claim) < 3:
        return None
    words = claim[:14]  # a space where an aside was left out ('The rules, she said, break ...')
    text = "".join(t.text + (" " if t.whitespace_ or (n + 1 < len(words) and words[n + 1].i > t.i + 1
                                                        and not words[n + 1].is_punct) else "")
                   for n, t in enumerate(words)).strip()
    text = re.sub(r"\s*([,;:])(?:\s*[,;:])+", r"\1", text)  # the commas around an aside left out
    label = text[:1].upper() + text[1:]
    ident = camel_id(label)
    sentence = sentence_of(state, clause)
    if ident not in state.entities:
        state.entities[ident] = EntityCandidate(ident, K.Claim, label, rule_name, score=0.5,
                                                evidence=(sentence.start, sentence.end))
    if rule.get("relation"):  # 'the court held that ...': a ruling on the claim (kg/ingest/rulings.py)
        from .rulings import holding
        for st in holding(state, rule, trigger, speakers, ident, sentence):
            _add(state, seen, st)
        return None
    for s in speakers:
        if _is_a(state, s, [K.Lawsuit]):
            _add(state, seen, StatementCandidate(ident, K.assertedIn, s, sentence, rule_name, 0.6, token=trigger.i))
        else:
            _add(state, seen, StatementCandidate(s, K.asserts, ident, sentence, rule_name, 0.6, token=trigger.i))
    return ident, claim


def _quotations(doc) -> list[tuple[int, int]]:
    """The quotations of `doc` as (first, last) token indexes inside the quote marks: a curly mark
    opens or closes, a straight one by turns; a paragraph break closes any quotation left open.
    Single marks are left alone (an apostrophe, or a quotation inside a quotation)."""
    out: list[tuple[int, int]] = []
    start = None
    text = doc.text  # (spaCy joins every token's text again on each `doc.text`)
    for tok in doc:
        if start is not None and tok.i and "\n" in text[doc[tok.i - 1].idx:tok.idx]:
            out.append((start, tok.i - 1))
            start = None
        if not tok.is_quote or tok.text in _SINGLE_QUOTES:
            continue
        opens = tok.is_left_punct and (not tok.is_right_punct or start is None)
        if opens:
            start = tok.i + 1
        elif start is not None:
            out.append((start, tok.i - 1))
            start = None
    return [(a, b) for a, b in out if b >= a]


_SINGLE_QUOTES = "'\u2018\u2019"


def _quoted_on(state, seen, doc, said: list[tuple], modes) -> None:
    """A quotation of several sentences is its speaker's in each of them ('"A. B," she said.'), and so
    is the quotation that follows in the same paragraph with no attribution of its own ('"A," she
    said. "B."'). When the clause the attribution governs is no claim ('"We will appeal. The rule is
    unlawful," she said.'), the first sentence of the quotations that is one is the claim: one claim
    for the speaker's quotations, as a reader would sum them up."""
    quotations = _quotations(doc)
    attributed = {trigger.sent.start for _, trigger, _, _, _ in said}
    runs: list[list[int]] = []  # the quotations of one attribution, in order
    owner: dict[int, tuple] = {}  # run index -> (rule, trigger, speakers, claim made or None)
    for q, (first, last) in enumerate(quotations):
        for rule, trigger, speakers, tokens, made in said:
            if rule.get("quotation") and not first <= trigger.i <= last and any(first <= t <= last for t in tokens):
                owner[len(runs)] = (rule, trigger, speakers, made)
                runs.append([q])
                break
        else:
            if runs and runs[-1][-1] == q - 1 and _follows(state.text, doc, quotations[q - 1], (first, last),
                                                           owner[len(runs) - 1][1]):
                runs[-1].append(q)
    for r, run in enumerate(runs):
        rule, trigger, speakers, made = owner[r]
        if made or not speakers:
            continue
        sentences = sorted({doc[i].sent for q in run for i in range(quotations[q][0], quotations[q][1] + 1)},
                           key=lambda sent: sent.start)
        for sent in sentences:
            around = next((quotations[q] for q in run if quotations[q][0] <= sent.root.i <= quotations[q][1]), None)
            if around is None or sent.start in attributed or any(
                    not t.is_punct for t in sent if not around[0] - 1 <= t.i <= around[1] + 1):
                continue  # a sentence partly outside the quotation, or one with an attribution of its own
            root = sent.root
            if root.pos_ not in ("VERB", "AUX") or _not_a_claim(rule, root, modes) or \
                    _of_speakers(state, rule, root, speakers):
                continue
            if _claim(state, seen, rule, trigger, speakers, root, f"attribution:{rule.name}+quotation"):
                break


def _follows(text: str, doc, before: tuple[int, int], after: tuple[int, int], trigger) -> bool:
    """Whether quotation `after` opens in the paragraph and sentence just after the attribution
    (`trigger`) of quotation `before`, with nothing but that attribution between them."""
    between = text[doc[before[1]].idx:doc[after[0]].idx]
    return "\n" not in between and trigger.i in range(before[1], after[0]) and \
        doc[after[0]].sent.start >= trigger.sent.start and doc[after[0]].sent.start <= trigger.sent.end


def _claim_links(state, seen, matches, claims: dict[str, set[int]], modes) -> None:
    """What a claim challenges and the law it invokes, from the `claims:` rules fired inside the
    clause said ('the lawsuit argues that the fees violate the Commerce Clause': the claim
    challenges the fees and invokes the clause). A negated trigger says the opposite: nothing."""
    for m in matches:
        if m.rule.section == "claims" and m.rule.get("claimant") is not None:
            _noun_claim(state, seen, m)
            continue
        by_speaker = bool(m.rule.get("from_speaker"))  # its paths ask for the negation they need
        if m.rule.section != "claims" or (not by_speaker and modes.get(m.trigger.i) in ("drop", "denied")):
            continue
        for ident, tokens in claims.items():
            if m.trigger.i not in tokens or _in_second_clause(m.trigger, tokens):
                continue
            subjects = [st.subject for st in state.statements if st.relation == K.asserts and st.object == ident] \
                if by_speaker else [ident]
            objects = [o for chain in m.roles["object"] if chain[-1].i in tokens for o in resolve(state, chain[-1])]
            for s in subjects:
                for o in objects:
                    if _is_a(state, o, m.rule.get("object_types")):
                        _add(state, seen, StatementCandidate(s, m.rule.data["relation"], o,
                                                             sentence_of(state, m.trigger), f"claims:{m.rule.name}",
                                                             0.6, token=m.trigger.i))


def _noun_claim(state, seen, m) -> None:
    """'their claims under the Tenth Amendment and the Spending Clause': a claim for each provision,
    made by the owner of the noun or the subject of the verb that raises it (a suit: made in it)."""
    trigger, relation = m.trigger, m.rule.data["relation"]
    claimants = [c for path in m.rule.data["claimant"] for chain in walk(trigger, parse_path(path))
                 for c in resolve(state, chain[-1])]
    sentence = sentence_of(state, trigger)
    for chain in m.roles["object"]:
        for tok in [chain[-1], *(c for c in chain[-1].conjuncts)]:
            mention = state.token_mention.get(tok.i)
            if mention is None or not _is_a(state, mention.entity, m.rule.get("object_types")):
                continue
            phrase = state.doc[tok.left_edge.i:tok.i + 1].text
            label = f"{trigger.lemma_[:1].upper()}{trigger.lemma_[1:]} {chain[0].text} {phrase}"
            ident = camel_id(label)
            if ident not in state.entities:
                state.entities[ident] = EntityCandidate(ident, K.Claim, label, f"claims:{m.rule.name}", score=0.5,
                                                        evidence=(sentence.start, sentence.end))
            rule = f"claims:{m.rule.name}"
            _add(state, seen, StatementCandidate(ident, relation, mention.entity, sentence, rule, 0.6, token=trigger.i))
            for c in claimants:
                st = StatementCandidate(ident, K.assertedIn, c, sentence, rule, 0.6, token=trigger.i) \
                    if _is_a(state, c, [K.Lawsuit]) else \
                    StatementCandidate(c, K.asserts, ident, sentence, rule, 0.6, token=trigger.i)
                _add(state, seen, st)


def _drop_suit_challenges(state) -> None:
    """'The lawsuit challenges the order': its plaintiffs oppose the order (an `implied:` rule);
    only a claim challenges (kg:challenges is a claim's), so the suit's own statement goes."""
    state.statements[:] = [st for st in state.statements
                           if not (st.relation == K.challenges and _is_a(state, st.subject, [K.Lawsuit]))]


#: The stance, threat and claim relations whose ends `_fit_ontology` checks.
_CHECKED = (K.opposed, K.supported, K.criticized, K.accused, K.threatened, K.demanded, K.refusedToCooperate,
            K.defied, K.cooperatedWith, K.challenges, K.invokes, K.cited, K.assertedIn, K.prohibited, K.enacted,
            K.targeted, K.withheldFunding, K.signed)


def _fit_ontology(state) -> None:
    """A claim that is made in a suit, challenges or invokes is a legal claim; a stance, threat or
    claim statement whose ends the relation's domain and range refuse ('cooperated with' a policy)
    goes, as `kg check` would refuse it."""
    onto = state.onto
    if onto is None:
        return
    for st in state.statements:
        ent = state.entities.get(st.subject)
        if st.relation in (K.assertedIn, K.challenges, K.invokes) and ent is not None and ent.type == K.Claim:
            ent.type = K.LegalClaim

    def fits(ident: str, cls: str | None) -> bool:
        ent = state.entities.get(ident)
        return cls is None or ent is None or ent.type == cls or onto.is_a(ent.type, cls)

    state.statements[:] = [st for st in state.statements if st.relation not in _CHECKED or (
        (info := onto.relations.get(st.relation)) is None or (fits(st.subject, info.domain) and fits(st.object, info.range)))]


def _in_second_clause(tok, tokens: set[int]) -> bool:
    """Whether `tok` is in a second 'that' clause of the claim ('argues that the fee is too high
    and that the rule violates the charter'), a claim of its own the claim's label does not name."""
    for t in [tok, *tok.ancestors]:
        if t.i not in tokens or t.head.i not in tokens:
            return False
        if t.dep_ == "conj" and any(c.dep_ == "mark" for c in t.children):
            return True
    return False


def _suit_parties(state, sued, mentions) -> list:
    """The 'sued' statements of a suit: in a sentence that names it, else in the sentence just
    before one that does ('A sued B on Monday. The lawsuit says ...')."""
    here = [st for st in sued if any(st.sentence.start <= m.start < st.sentence.end for m in mentions)]
    if here:
        return here
    named = {state.sentence_index.get(state.doc.char_span(m.start, m.end, alignment_mode="expand").sent.start_char)
             for m in mentions}
    return [st for st in sued if st.sentence.index + 1 in named]


def _lawsuit_parties(state, seen) -> None:
    """Suits and their parties. A suit named in the sentence of a 'sued' statement, or in the
    sentence after it, has the suers as plaintiffs and the sued as
    defendants, and a label naming them ('Lakeview lawsuit against Harbor County')."""
    suits: dict[str, list] = {}
    for m in state.mentions:
        if _is_a(state, m.entity, [K.Lawsuit]):
            suits.setdefault(m.entity, []).append(m)
    sued = [st for st in state.statements if st.relation == K.sued and not st.mode]
    if not suits or not sued:
        return
    for ident, mentions in suits.items():
        parties = _suit_parties(state, sued, mentions)
        if not parties:
            continue
        suit = state.entities[ident]
        if len(suit.label.split()) == 1 or (suit.rule.startswith("entity-") and not suit.known
                                            and " against " not in suit.label):
            plaintiffs = list(dict.fromkeys(state.entities[st.subject].label for st in parties))
            defendant = state.entities[parties[0].object].label
            suit.aliases.append(suit.label)
            suit.label = f"{' and '.join(plaintiffs)} lawsuit against {defendant}"
        for st in parties:
            _add(state, seen, StatementCandidate(st.subject, K.plaintiffIn, ident, st.sentence, st.rule, 0.6,
                                                 token=st.token))
            _add(state, seen, StatementCandidate(st.object, K.defendantIn, ident, st.sentence, st.rule, 0.6,
                                                 token=st.token))


def _owners(state, seen) -> None:
    """'the city's ordinance': a place or a legislature that owns a policy enacted it; 'the Lakeview
    police', 'the Lakeview City Council': a body named after a place is part of it."""
    doc = state.doc
    places = {e.label: i for i, e in state.entities.items() if _is_a(state, i, [K.Jurisdiction])}
    for m in state.mentions:
        ent = state.entities.get(m.entity)
        if ent is None:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if _is_a(state, m.entity, [K.Policy]):
            for child in span.root.children:
                owner = resolve(state, child) if child.dep_ == "poss" else []
                for o in owner:
                    if _is_a(state, o, [K.Jurisdiction, K.LegislativeBody]):
                        _add(state, seen, StatementCandidate(o, K.enacted, m.entity, sentence_of(state, span.root),
                                                             "frames:owner-enacted", 0.6, token=span.root.i,
                                                             confidence="implied"))
        elif _is_a(state, m.entity, [K.Organization]) and m.rule != "pronoun":
            words = m.text.split()
            for n in range(len(words) - 1, 0, -1):  # the longest place name the body's name begins with
                ident = places.get(" ".join(words[:n]))
                if ident and ident != m.entity:
                    _add(state, seen, StatementCandidate(m.entity, K.partOf, ident, sentence_of(state, span.root),
                                                         "frames:named-after-place", 0.6, token=span.root.i))
                    break


def run(state) -> None:
    from . import acts, rulings
    doc = state.doc
    rulings.judges_by_place(state)
    rulings.appellate_judges(state)
    rulings.captions(state)
    matches = compiled().matches(doc)
    modes = _modes(doc, matches)
    seen = {(s.subject, s.relation, s.object, s.sentence.start) for s in state.statements}
    claims: dict[str, set[int]] = {}  # claim id -> the tokens of the clause said
    said: list[tuple] = []  # (rule, trigger, speakers, tokens of the clause, claim made or None)
    for m in matches:
        if m.rule.section == "frames":
            for s_chain in m.roles["subject"]:
                for o_chain in m.roles["object"]:
                    _frame(state, seen, doc, m.rule, m.trigger, s_chain, o_chain, modes)
        elif m.rule.section == "attribution":
            for s_chain in m.roles["speaker"]:
                for c_chain in m.roles["claim"]:
                    made = _attribution(state, seen, doc, m.rule, m.trigger, s_chain, c_chain, modes, said)
                    if made:
                        claims.setdefault(made[0], set()).update(t.i for t in made[1])
                    said.append((m.rule, m.trigger, resolve(state, s_chain[-1]) or _speaker_before(
                        m.rule, s_chain[-1], said), {t.i for t in c_chain[-1].subtree}, made))
    _quoted_on(state, seen, doc, said, modes)
    _claim_links(state, seen, matches, claims, modes)
    _lawsuit_parties(state, seen)
    for st in acts.run(state, modes, sys.modules[__name__]):
        _add(state, seen, st)
    rulings.after_frames(state)
    _owners(state, seen)  # then the `implied` step: chains, and the ontology check (_fit_ontology)
    state.statements.sort(key=lambda s: (s.sentence.start, s.token or 0))
