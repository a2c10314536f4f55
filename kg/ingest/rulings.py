"""Lawsuits and rulings, read across a sentence or an article (part of the `frames` step).

What one verb frame cannot say alone: a case's caption names its sides ('Lake County v. Harbor
Water District': a suit, its plaintiff and defendant, the one suing the other); a suit's plaintiffs
sued the defendants it names; a court that rules, or whose judge issues an order, in an article
about one suit ruled on that suit; a judge named by a common noun and a place ('a federal judge in
Dayton') is the court sitting there (courts-db); an order a court issued or upheld is labelled
with that court. The words these read are the `words:` lists of rules/rulings.yaml.
"""

from __future__ import annotations

from ..namespace import K
from . import courts
from .forms import camel_id, norm
from .linking import Linker, _key
from .model import EntityCandidate, Mention, StatementCandidate, sentence_of
from .rules import load

RULINGS = (K.ruledFor, K.ruledAgainst, K.ruledOn)


def _is_a(state, ident: str, type_: str) -> bool:
    ent = state.entities.get(ident)
    return bool(ent) and (ent.type == type_ or (state.onto is not None and state.onto.is_a(ent.type, type_)))


def _statement(state, subject, relation, obj, tok, rule, score=0.6, confidence="explicit") -> StatementCandidate:
    return StatementCandidate(subject, relation, obj, sentence_of(state, tok), f"rulings:{rule}", score,
                              confidence=confidence, token=tok.i)


def _add(state, st: StatementCandidate) -> None:
    key = (st.subject, st.relation, st.object)
    if st.subject != st.object and not any((s.subject, s.relation, s.object) == key and not s.mode
                                           for s in state.statements):
        state.statements.append(st)


# --- before the frames: judges named by a place, captions -------------------------------------

def _tokens(doc, words: set[str]) -> list:
    """The tokens of `doc` that are one of `words` (lower case), found on the token array: a
    1 MB article has 300,000 tokens, too many to visit one by one for a rare word."""
    import numpy
    from spacy.attrs import LOWER

    if not len(doc):
        return []
    wanted = numpy.array([doc.vocab.strings.add(w) for w in words], dtype="uint64")
    lowers = doc.to_array([LOWER]).reshape(-1)
    return [doc[int(i)] for i in numpy.nonzero(numpy.isin(lowers, wanted))[0]]


def judges_by_place(state) -> None:
    """'a federal judge in Dayton': the judge noun stands for the federal court sitting there; 'a
    panel of the Sixth Circuit', 'a judge on the Ninth Circuit': for the court named."""
    rules = load()
    for tok in _tokens(state.doc, rules.words("judge-nouns")):
        if tok.pos_ != "NOUN" or tok.i in state.token_mention:
            continue
        for prep in tok.children:
            place = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep.dep_ == "prep" else None
            mention = state.token_mention.get(place.i) if place is not None else None
            if mention is None:
                continue
            ident = None
            if prep.lower_ in rules.words("bench-prepositions") and _is_a(state, mention.entity, K.Court):
                ident = mention.entity
            elif prep.lower_ in rules.words("seat-prepositions") and _is_a(state, mention.entity, K.Jurisdiction):
                court = courts.sitting_in(mention.text)
                ident = _court_entity(state, court) if court is not None else None
            if ident is not None:
                m = Mention(tok.idx, tok.idx + len(tok), tok.text, ident, "judge-of-court", 0.7)
                state.mentions.append(m)
                state.token_mention[tok.i] = m
                break


def appellate_judges(state) -> None:
    """A judge whose paragraph speaks of a majority, a panel or a dissent sits on the one appellate
    court the article names, not on the trial court named nearer ('Writing for the majority,
    Judge Ana Cole ...')."""
    rules = load()
    signals, names = rules.words("appellate-signals"), rules.words("appellate-courts")
    benches = [m for m in sorted(state.mentions, key=lambda m: m.start) if _is_a(state, m.entity, K.Court)
               and any(n in state.entities[m.entity].label.lower() for n in names)]
    if not benches:
        return
    for st in state.statements:
        if st.relation != K.holdsRole or not st.rule.startswith("titles:judge") or st.token is None:
            continue
        if not _is_a(state, st.object, K.Court) or any(st.object == m.entity for m in benches):
            continue
        at = state.doc[st.token]
        text = state.text
        start, end = text.rfind("\n\n", 0, at.idx), text.find("\n\n", at.idx)
        paragraph = state.doc.char_span(start + 1, len(text) if end < 0 else end, alignment_mode="expand")
        if any(t.lemma_.lower() in signals for t in paragraph or at.sent):  # the judge's paragraph
            court = next((m.entity for m in reversed(benches) if m.start < at.idx), benches[0].entity)
            st.object = court
            if st.subject in state.titles:
                state.titles[st.subject] = (state.titles[st.subject][0], court)


def _court_entity(state, court: courts.Court) -> str:
    for ident, ent in state.entities.items():
        if ent.type == K.Court and (ident == court.ident or ent.label == court.label):
            return ident
    state.entities[court.ident] = EntityCandidate(court.ident, K.Court, court.label, "court", score=0.6,
                                                  aliases=[court.name])
    return court.ident


def captions(state) -> None:
    """'Lake County v. Harbor Water District': a suit, its plaintiff, its defendant, who sued whom."""
    doc = state.doc
    for tok in _tokens(doc, load().words("caption-separators")):
        if not 0 < tok.i < len(doc) - 1:
            continue
        left, right = _side(state, tok, -1), _side(state, tok, 1)
        if not left or not right:
            continue
        (lstart, ltext), (rend, rtext) = left, right
        caption = doc[lstart:rend]
        if caption.sent.start != tok.sent.start or _beside_suit(state, caption) is None:
            continue  # a precedent cited by its caption ('as the court held in A v. B') is not the suit
        suit = _caption_suit(state, caption, f"{ltext} v. {rtext}")
        plaintiff, defendant = _party(state, ltext), _party(state, rtext)
        at = caption.root
        for st in (_statement(state, plaintiff, K.plaintiffIn, suit, at, "caption"),
                   _statement(state, defendant, K.defendantIn, suit, at, "caption"),
                   _statement(state, plaintiff, K.sued, defendant, at, "caption")):
            _add(state, st)


def _side(state, sep, step: int) -> tuple[int, str] | None:
    """The name on one side of a caption's 'v.': (its outer token index, its text)."""
    doc = state.doc
    joins = load().words("caption-joins")
    i, words = sep.i + step, []
    while 0 <= i < len(doc) and doc[i].sent.start == sep.sent.start and not doc[i].is_punct and (
            doc[i].is_title or doc[i].is_upper or doc[i].lower_ in joins):
        words.append(doc[i])
        i += step
    words.sort(key=lambda t: t.i)
    while words and words[0].pos_ != "PROPN":  # 'In', 'the', 'of' at the edges
        words.pop(0)
    while words and words[-1].pos_ != "PROPN":
        words.pop()
    if not words:
        return None
    text = doc[words[0].i:words[-1].i + 1].text
    return (words[0].i if step < 0 else words[-1].i + 1), text


def _party(state, text: str) -> str:
    """The entity a side of a caption names: one the article named, a known one, or a new one."""
    from .mentions import _type_by_rules

    rules = load()
    key = _key(text)
    stripped = norm(text)
    for prefix in rules.words("place-prefixes"):
        stripped = stripped.removeprefix(prefix + " ")
    for ident, ent in state.entities.items():
        forms = [ent.label, *ent.aliases]
        if any(_key(f) == key or norm(f) == stripped for f in forms):
            return ident
    type_ = _type_by_rules(rules, text, None) or _type_by_rules(rules, stripped.title(), None) or K.Organization
    link = Linker(state.known, state.onto).other(text, type_)
    if link and len(link.ids) == 1 and link.score >= 0.9:
        ident = link.ids[0]
        ent = state.known[ident]
        state.entities.setdefault(ident, EntityCandidate(ident, ent.type, ent.label, "known", known=True, score=1.0))
        return ident
    ident = camel_id(text)
    state.entities.setdefault(ident, EntityCandidate(ident, type_, text, "rulings:caption", score=0.5))
    return ident


def _beside_suit(state, caption) -> str | None:
    """The suit a caption stands beside: 'The case, A v. B,', 'the lawsuit A v. B'."""
    head = caption.root
    near = [head.head] if head.dep_ in ("appos", "compound", "npadvmod") else []
    near += [t for t in caption.doc[max(caption.start - 2, 0):caption.start] if not t.is_punct]
    for tok in near:
        mention = state.token_mention.get(tok.i)
        if mention is not None and _is_a(state, mention.entity, K.Lawsuit) and not (
                caption.start_char <= mention.start < caption.end_char):
            return mention.entity
    return None


def _caption_suit(state, caption, label: str) -> str:
    """The suit a caption names: the suit it stands beside ('The case, A v. B,'); its tokens
    become a mention of it."""
    ident = _beside_suit(state, caption)
    if ident is None:
        ident = camel_id(label)
        state.entities.setdefault(ident, EntityCandidate(ident, K.Lawsuit, label, "rulings:caption", score=0.6,
                                                         evidence=(caption.sent.start_char, caption.sent.end_char)))
    else:
        suit = state.entities[ident]
        if len(suit.label.split()) == 1 or suit.rule.startswith("entity-"):
            suit.aliases.append(suit.label)
            suit.label = label
    mention = Mention(caption.start_char, caption.end_char, caption.text, ident, "rulings:caption", 0.8)
    state.mentions = [m for m in state.mentions if not (caption.start_char <= m.start < caption.end_char)]
    state.mentions.append(mention)
    for i in range(caption.start, caption.end):
        state.token_mention[i] = mention
    return ident


def holding(state, rule, trigger, speakers: list[str], claim: str, sentence) -> list[StatementCandidate]:
    """'The court held that ...', 'Judge Pike found that ...': the court ruled for the claim held
    (a judge's ruling is the court's); what others 'find' is no ruling."""
    out = []
    for s in speakers:
        court = _court_of(state, s)
        if court is not None:
            out.append(StatementCandidate(court, rule.data["relation"], claim, sentence, f"attribution:{rule.name}",
                                          0.6, token=trigger.i))
    return out


# --- after the frames: parties, the suit ruled on, the orders' labels ---------------------------

def after_frames(state) -> None:
    _drop_modal_rulings(state)
    _drop_counsel(state)
    _suits_ruled_against(state)
    _ruled_on_the_suit(state)
    _label_orders(state)


def _drop_counsel(state) -> None:
    """'X filed the complaint on behalf of Y': Y is the plaintiff, X (a person) its counsel."""
    markers = load().words("counsel-markers")
    behalf = {s.token for s in state.statements if s.token is not None and s.relation == K.plaintiffIn
              and any(t.lower_ in markers for c in state.doc[s.token].children for t in c.subtree)}
    state.statements[:] = [s for s in state.statements if not (
        s.relation == K.plaintiffIn and s.token in behalf and s.rule != "frames:file-on-behalf"
        and _is_a(state, s.subject, K.Person))]


def _drop_modal_rulings(state) -> None:
    """'would have upheld', 'is expected to rule against': no ruling was made."""
    state.statements[:] = [s for s in state.statements
                           if not (s.mode and (s.relation in RULINGS or s.rule.startswith("frames:issue-ruling")))]


def _suits_ruled_against(state) -> None:
    """A court that dismissed or struck down a suit ruled on it, against its plaintiffs and for
    its defendants (a suit is no party)."""
    for st in [s for s in state.statements if s.relation == K.ruledAgainst and _is_a(state, s.object, K.Lawsuit)]:
        state.statements[:] = [s for s in state.statements if s is not st and not (
            s.relation == K.opposed and s.object == st.object and s.token == st.token)]
        _add(state, StatementCandidate(st.subject, K.ruledOn, st.object, st.sentence, st.rule, st.score,
                                       mode=st.mode, token=st.token))
        for s in list(state.statements):  # the sides stated near the ruling (one entity may stand for two suits)
            if s.object == st.object and s.relation in (K.plaintiffIn, K.defendantIn) and not s.mode \
                    and 0 <= st.sentence.index - s.sentence.index <= 1:
                relation = K.ruledAgainst if s.relation == K.plaintiffIn else K.ruledFor
                _add(state, StatementCandidate(st.subject, relation, s.subject, st.sentence, st.rule, 0.5,
                                               confidence="implied", mode=st.mode, token=st.token))


def _court_of(state, ident: str) -> str | None:
    if _is_a(state, ident, K.Court):
        return ident
    court = (state.titles or {}).get(ident, (None, None))[1]
    return court if court and _is_a(state, court, K.Court) else None


def _ruled_on_the_suit(state) -> None:
    """A court that rules for or against a party of a suit, or rules (or has its judge issue an
    order) in a sentence that names one suit, ruled on that suit."""
    suits = [m for m in state.mentions if _is_a(state, m.entity, K.Lawsuit)]
    parties: dict[str, set[str]] = {}
    for s in state.statements:
        if s.relation in (K.plaintiffIn, K.defendantIn) and not s.mode:
            parties.setdefault(s.subject, set()).add(s.object)
        elif s.relation in (K.hasPlaintiff, K.hasDefendant) and not s.mode:
            parties.setdefault(s.object, set()).add(s.subject)
    for st in list(state.statements):
        if st.mode or not (st.relation in (K.ruledFor, K.ruledAgainst) or st.rule == "frames:issue-ruling"):
            continue
        court = _court_of(state, st.subject)
        if court is None:
            continue
        here = {m.entity for m in suits if st.sentence.start <= m.start < st.sentence.end}
        if len(here) != 1:
            here = parties.get(st.object, set())
        if len(here) == 1 and st.object not in here:
            _add(state, StatementCandidate(court, K.ruledOn, next(iter(here)), st.sentence, st.rule, 0.5,
                                           confidence="implied", token=st.token))


def _label_orders(state) -> None:
    """An order named by a common noun ('the injunction') takes the name of the court that issued
    or ruled it, else of the first court the article reports ruling ('Ruling of the U.S. District
    Court for the District of Lakeview'); a suit named by a common noun, its plaintiffs' names."""
    first = next((c for s in state.statements if s.relation in RULINGS and not s.mode
                  and (c := _court_of(state, s.subject))), None)
    for ident, ent in state.entities.items():
        if ent.known or not ent.rule.startswith("entity-"):
            continue
        if ent.type == K.Event and len(ent.label.split()) <= 2:
            by = [_court_of(state, s.subject) for s in state.statements if s.object == ident and not s.mode
                  and (s.relation == K.issued or s.relation in RULINGS)]
            court = next((c for c in by if c), first)
            if court is not None:
                ent.aliases.append(ent.label)
                ent.label = f"{ent.label} of the {state.entities[court].label}"
        elif ent.type == K.Lawsuit and " against " not in ent.label:
            sides = [[state.entities[s.subject].label for s in state.statements
                      if s.relation == relation and s.object == ident and not s.mode]
                     for relation in (K.plaintiffIn, K.defendantIn)]
            if sides[0]:
                ent.aliases.append(ent.label)
                ent.label = " ".join([" and ".join(dict.fromkeys(sides[0])), "lawsuit",
                                      *(["against", " and ".join(dict.fromkeys(sides[1]))] if sides[1] else [])])
