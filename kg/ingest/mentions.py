"""The `mentions` step: noun phrases that name something, each linked to one entity.

Names come from the model's named entities (people, organizations, places, laws), the entity
rules (an executive order, an ordinance, a lawsuit, an amendment) and courts-db (courts). A
mention is linked to the graph before a new entity is made (an alias, a person's parsed name, a
fuzzy label), and within the article to the entity an earlier mention made ('Jane Roe' ...
'Roe'), so that one referent is one entity. Numbers, dates, bylines and page furniture name
nothing.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span

from ..namespace import K
from . import courts
from .forms import camel_id, fold, norm
from .linking import Link, Linker, generic
from .model import EntityCandidate, Mention, definite
from .rules import compiled, load


@dataclass
class _Span:
    start: int  # token indices [start, end)
    end: int
    type: str
    rule: str
    label: str | None = None  # a readable label when the text is not one ('executive order' ...)
    court_id: str | None = None
    ident: str | None = None  # a readable id given by the source of the span (courts-db's court)
    owner: str | None = None  # the common noun that owns it ('the state's TRUST Act': 'state')


@dataclass
class _Builder:
    state: object
    rules: object
    linker: Linker
    spans: list[_Span] = field(default_factory=list)
    by_form: dict[str, str] = field(default_factory=dict)  # norm(form) -> entity id, in this article
    people: dict[str, str] = field(default_factory=dict)  # surname -> entity id, in this article
    heads: dict[str, str] = field(default_factory=dict)  # common-noun head lemma -> entity id
    head_at: dict[str, int] = field(default_factory=dict)  # entity rule -> token where `heads` last named it
    #: last word of a thing's proper name ('ordinance' of 'the Lakeview Trust Ordinance') -> (entity id, token)
    named_heads: dict[str, tuple[str, int]] = field(default_factory=dict)
    acronyms: dict[str, str] = field(default_factory=dict)  # 'FEMA' -> the body named in full before


def _type_by_rules(rules, text: str, ner: str | None, head: str | None = None) -> str | None:
    words = text.split()
    for rule in rules["types"]:
        pos, ws = rule.data.get("position", "ner"), rule.data["words"]
        if pos == "name" and text.lower().removeprefix("the ") in {w.lower() for w in ws}:
            return rule.data["type"]
        if pos == "last" and words and any(text.endswith(" " + w) or text == w for w in ws):
            return rule.data["type"]
        if pos == "head" and head and head.lower() in {w.lower() for w in ws}:
            return rule.data["type"]
        if pos == "ner" and ner in ws:
            return rule.data["type"]
    return None


def _has_verb(sent) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in sent)


def _names(doc, rules) -> list[_Span]:
    """Named entities of the model, with the common noun that makes some of them a body."""
    furniture = {w.lower() for w in rules.words("furniture")}
    heads = {w.lower() for r in rules["types"] if r.data.get("position") == "head" for w in r.data["words"]}
    title_words = {w.lower() for r in rules["titles"] for w in r.data["words"] if " " not in w}
    title_pairs = {tuple(w.lower().split()[:2]) for r in rules["titles"] for w in r.data["words"] if " " in w}
    out = []
    for ent in doc.ents:
        split = _split_title(doc, rules, ent, title_words)
        if split:
            out += split
            continue
        # a building or a jail ('City Hall', 'the Harbor Detention Center') is no city: typed by its name, else a body
        ner_type = _type_by_rules(rules, ent.text, "ORG" if ent.label_ == "FAC" else ent.label_)
        if ner_type is None or not any(c.isalpha() for c in ent.text) or ent.text.lower() in furniture \
                or "\n" in ent.text:
            continue
        if not _has_verb(ent.sent) or not any(c.isupper() for c in ent.text):
            continue  # a byline or dateline line, or lower-case noise
        if _is_title(rules, ent.text):
            continue  # 'U.S. Attorney General' before a name: a title, which the roles step reads
        start, end = ent.start, ent.end
        dashes = [t.i for t in ent if t.is_punct and t.text in "-–—"]
        if dashes:  # a dateline run into a name: 'DENVER - Homeland Security'
            start = dashes[-1] + 1
        while start < end and doc[start].pos_ in ("DET", "PUNCT"):
            start += 1
        if end < len(doc) and end - start > 1 and (doc[end - 1].lower_, doc[end].lower_) in title_pairs:
            end -= 1  # 'San Francisco City' + 'Attorney': the title took a word of the name
        while end > start and doc[end - 1].pos_ == "PART":  # "'s"
            end -= 1
        if start >= end:
            continue
        last = doc[end - 1]
        head = last.head
        if last.dep_ == "compound" and head.i == end and head.lemma_.lower() in heads and head.pos_ == "NOUN":
            text = doc[start:head.i + 1].text
            out.append(_Span(start, head.i + 1, _type_by_rules(rules, text, None, head.lemma_) or K.Organization,
                             "name+head"))
            continue
        text = doc[start:end].text
        type_ = _type_by_rules(rules, text, None) or (K.City if _before_state(doc, rules, end) else ner_type)
        out.append(_Span(start, end, type_, f"ner-{ent.label_.lower()}"))
    towns = {doc[s.start:s.end].text for s in out if s.type == K.City}
    for span in out:  # the same name elsewhere in the article ('as to Central Falls')
        if span.type == K.Person and doc[span.start:span.end].text in towns:
            span.type = K.City
    return out


def _before_state(doc, rules, end: int) -> bool:
    """'Pine Bluff, Arkansas': a name before a comma and a state's name is a city's, whatever the
    model's label (it reads some towns as people)."""
    if end + 1 >= len(doc) or doc[end].text != "," or doc[end + 1].ent_iob_ != "B":
        return False
    nxt = doc[end + 1]
    following = next((e for e in doc.ents if e.start == nxt.i), None)
    return following is not None and _type_by_rules(rules, following.text, following.label_) == K.State


def _is_title(rules, text: str) -> bool:
    words = text.split()
    prefixes = {w.lower() for w in rules.words("name-prefixes")}
    while words and words[0].lower() in prefixes:
        words = words[1:]
    titles = {w.lower() for r in rules["titles"] for w in r.data["words"]}
    return bool(words) and " ".join(words).lower() in titles


def _split_title(doc, rules, ent, title_words) -> list[_Span]:
    """'Riverdale Mayor Jo Lane', read by the model as one name of any kind: the place before the
    title, and the person after it."""
    start, end = ent.start, ent.end
    dashes = [t.i for t in ent if t.is_punct and t.text in "-–—"]
    start = dashes[-1] + 1 if dashes else start
    titled = [t.i for t in doc[start:end] if t.lower_ in title_words and t.is_title and t.i > start]
    person = end - titled[-1] > 2 and all(t.is_title for t in doc[titled[-1] + 1:end]) if titled else False
    if not titled or not (person or titled[-1] == end - 1):  # a name, or a title that ends the span
        return []
    out = []
    place = doc[start:titled[0]]
    if any(t.pos_ == "PROPN" for t in place):
        out.append(_Span(start, titled[0], _type_by_rules(rules, place.text, "GPE") or K.City, "ner-gpe"))
    if person:
        out.append(_Span(titled[-1] + 1, end, K.Person, "ner-person"))
    return out


def _things(doc, rules, taken: set[int]) -> list[_Span]:
    """Policies, lawsuits and provisions named by the entity rules (their noun phrase as label)."""
    matcher = compiled().tokens
    out = []
    for match_id, start, end in sorted(matcher(doc), key=lambda m: (m[1], -m[2])):
        if any(i in taken for i in range(start, end)):
            continue
        name = doc.vocab.strings[match_id].split(":", 1)[1]
        rule = next(r for r in rules["entities"] if r.name == name)
        head = doc[end - 1]
        if head.dep_ == "compound":  # 'executive order' as a modifier of another noun
            continue
        owner = next((t for t in head.children if t.dep_ == "poss"), None)
        owned = {t.i for t in owner.subtree} if owner is not None else set()  # 'Lake County's': once, before
        # no number, date or count in a label; nor 'third' ('the third ruling'), though 'First' of a name stays
        phrase = [t for t in head.subtree if t.i <= head.i and t.dep_ not in ("det", "poss", "case", "punct")
                  and t.pos_ not in ("NUM",) and t.ent_type_ not in ("DATE", "CARDINAL")
                  and not (t.ent_type_ == "ORDINAL" and t.is_lower) and t.i not in owned]
        words = " ".join(t.text for t in phrase if t.i >= min(start, phrase[0].i if phrase else start))
        label = words if not owner or owner.pos_ == "PRON" else f"{_owner_text(owner)} {words}"
        out.append(_Span(start, end, rule.data["type"], f"entity-{name}", label=label[:1].upper() + label[1:],
                         owner=owner.lemma_.lower() if owner is not None and owner.pos_ == "NOUN" else None))
        taken.update(range(start, end))
    return out


def _owner_text(token) -> str:
    tokens = [t for t in token.subtree if t.dep_ not in ("case", "det", "punct")]
    return " ".join(t.text for t in tokens)


def _courts(doc) -> list[_Span]:
    out = []
    for court in courts.find(doc.text):
        span = doc.char_span(court.start, court.end, alignment_mode="expand")
        if span is not None:
            out.append(_Span(span.start, span.end, K.Court, "court", label=court.label, court_id=court.court_id,
                             ident=court.ident))
    return out


def _gazetteer_forms(known: dict, rules) -> dict[tuple[str, str], str]:
    """(attribute, form) -> the one known entity it names. A capitalised form is matched as
    written ('ICE', not 'ice'); a lower-case one of several words in any case ('sanctuary cities');
    a lower-case word alone, a form bound to its article ('several cities', 'the two cities') and a
    generic one ('City Council') are left to the model and the linker."""
    titles = {w.lower() for r in rules["titles"] for t in r.data["words"] for w in t.split()}
    forms: dict[tuple[str, str], set[str]] = {}
    for ent in known.values():
        for form in {ent.label, *ent.aliases}:
            form = re.sub(r"\s*\([^)]*\)", "", fold(form)).strip()
            words = form.split()
            if words and words[0].lower() == "the":
                words = words[1:]
            if not words or generic(form):
                continue
            if ent.type == K.Person and {w.lower() for w in words} & titles:
                continue  # 'Mayor Jo Lane': the title is read by the roles step, the name by the model
            if any(c.isupper() for c in form):
                key = ("ORTH", " ".join(words))
            elif len(words) > 1 and words[0] not in STOP_WORDS and not any(c.isdigit() for c in form):
                key = ("LEMMA", " ".join(words).lower())
            else:
                continue
            forms.setdefault(key, set()).add(ent.id)
    return {key: next(iter(ids)) for key, ids in forms.items() if len(ids) == 1}


def _known_spans(doc, state, rules) -> list[_Span]:
    """Names of the graph's entities wherever the article uses them, longest first."""
    from spacy.matcher import PhraseMatcher
    from spacy.util import filter_spans

    from . import nlp

    forms = _gazetteer_forms(state.known, rules)
    if not forms:
        return []
    model = nlp.load()
    matchers = {attr: PhraseMatcher(doc.vocab, attr=attr) for attr in ("ORTH", "LOWER", "LEMMA")}
    ids = {}
    lower = sorted(f for a, f in forms if a == "LEMMA")
    lemmatized = dict(zip(lower, model.pipe(lower, disable=["parser", "ner"]), strict=True))
    for (attr, form), ident in forms.items():
        key = f"{attr}:{form}"
        ids[key] = ident
        if attr == "ORTH":
            matchers["ORTH"].add(key, [model.make_doc(form)])
        else:  # 'Mayors of ...' opening a sentence has no lemma 'mayor': its lower case still matches
            matchers["LOWER"].add(key, [model.make_doc(form)])
            matchers["LEMMA"].add(key, [lemmatized[form]])
    found = [Span(doc, start, end, label=key) for attr, m in matchers.items() for key, start, end in m(doc)]
    out = []
    for span in filter_spans(found):
        ident = ids[doc.vocab.strings[span.label]]
        out.append(_Span(span.start, span.end, state.known[ident].type, "known", ident=ident))
    return out


def _place_before(b: _Builder, span: _Span) -> str | None:
    """The city (or county, for a county's body) named last before `span`: 'the City Council' of
    an article about Dayton is the Dayton City Council."""
    state = b.state
    kind = K.County if "county" in (span.label or "").lower().split() else K.City
    at = state.doc[span.start].idx
    places = [m for m in state.mentions if m.start < at and state.entities[m.entity].type == kind]
    return state.entities[places[-1].entity].label if places else None


def _owned_by_place(b: _Builder, span: _Span) -> None:
    """'the state's TRUST Act' is the TRUST Act of the state named last before it ('Illinois TRUST
    Act'), as 'the state' is (the `anaphor` type rules)."""
    kinds = {w.lower(): r.data["type"] for r in b.rules["types"] if r.data.get("position") == "anaphor"
             for w in r.data["words"]}
    if not span.owner or span.owner not in kinds or not span.label \
            or not span.label.lower().startswith(span.owner + " "):
        return
    state = b.state
    at = state.doc[span.start].idx
    onto = state.onto
    places = [m for m in state.mentions if m.start < at and (ent := state.entities.get(m.entity)) is not None
              and (ent.type == kinds[span.owner] or (onto is not None and onto.is_a(ent.type, kinds[span.owner])))]
    if places:
        span.label = f"{state.entities[places[-1].entity].label} {span.label[len(span.owner) + 1:]}"


def _entity_for(b: _Builder, span: _Span, text: str) -> tuple[str, float]:
    """The id of the entity `span` names: known, met earlier in the article, or new."""
    state = b.state
    _owned_by_place(b, span)
    form = norm(span.label if span.rule.startswith("entity-") and span.label else text)  # 'Ohio's lawsuit', not 'lawsuit'
    for prefix in b.rules.words("place-prefixes"):  # 'the City of Lakeview' is Lakeview
        if form.startswith(prefix + " ") and form[len(prefix) + 1:] in b.by_form:
            form = form[len(prefix) + 1:]
    if form in b.by_form:
        return b.by_form[form], 1.0
    if len(text.split()) == 1 and text in b.people:  # 'Roe' after 'Jane Roe', whatever the model's label
        return b.people[text], 1.0
    if span.rule != "known" and text in b.acronyms:  # 'FEMA' after 'the Federal Emergency Management Agency'
        return b.acronyms[text], 1.0
    if span.rule == "known" and span.ident:
        link = Link([span.ident], 1.0, "alias")
    elif span.type == K.Person:
        link = b.linker.person(text)
    elif span.rule.startswith("entity-"):
        if (named := _named_before(b, span, text)) is not None:
            return named, 0.8
        head = state.doc[span.end - 1]
        if head.dep_ == "appos" and (before := state.token_mention.get(head.head.i)) is not None \
                and before.entity in state.entities and _is_thing(b, state.entities[before.entity].type):
            return before.entity, 0.8  # '8 U.S.C. 1373, a federal law that ...': the law is the section
        cand = state.entities.get(b.heads.get(span.rule, ""))
        # 'the order' after 'an executive order' is one referent; 'the county's suit' after 'the
        # state's suit' is another, and 'the order' then means the last one named
        if cand is not None and (len((span.label or text).split()) == 1 or len(cand.label.split()) == 1):
            if span.label and len(span.label) > len(cand.label):  # the fullest name of it
                cand.aliases.append(cand.label)
                cand.label = span.label
            return cand.id, 0.8
        # a proper name ('Illinois TRUST Act') may be one the graph has; a common noun never is
        words = (span.label or text).split()
        link = b.linker.other(span.label or text, span.type) if sum(w[:1].isupper() for w in words) > 1 else None
    else:
        link = b.linker.other(span.label or text, span.type)
    if link and span.court_id:  # a court is linked to a known one only if that one names the same court
        link.ids = [i for i in link.ids if courts.names_court([state.known[i].label, *state.known[i].aliases],
                                                               span.court_id)]
    if link and len(link.ids) == 1 and link.score >= 0.9:
        ident = link.ids[0]
        ent = state.known[ident]
        cand = state.entities.get(ident) or EntityCandidate(ident, ent.type, ent.label, "known", known=True, score=1.0)
        if text != ent.label and text not in ent.aliases and text not in cand.aliases and text[:1].isupper():
            cand.aliases.append(text)
        state.entities[ident] = cand
        return ident, link.score
    label = span.label or text
    if generic(label) and span.type != K.Person and (place := _place_before(b, span)) is not None:
        label = f"{place} {' '.join(w for w in label.split() if w.lower() != 'the')}"  # 'Dayton City Council'
    ident = (span.ident if span.rule != "known" else None) or camel_id(label)
    base, n = ident, 2
    while (ident in state.known and norm(state.known[ident].label) != norm(label)) or (
            ident in state.entities and norm(state.entities[ident].label) != norm(label)):
        ident, n = f"{base}{n}", n + 1
    if ident not in state.entities:
        sent = state.doc[span.start].sent
        state.entities[ident] = EntityCandidate(
            ident, span.type, label, span.rule, score=0.6,
            ambiguous=list(link.ids) if link and len(link.ids) > 1 else [],
            evidence=(sent.start_char, sent.end_char))
    elif text != label and text not in state.entities[ident].aliases:
        state.entities[ident].aliases.append(text)
    return ident, 0.6


def run(state) -> None:
    rules = load()
    doc = state.doc
    b = _Builder(state, rules, Linker(state.known, state.onto))
    state.entities, state.mentions, state.token_mention = {}, [], {}
    named = [*_courts(doc), *_names(doc, rules)]
    # a known name stands unless the model or courts-db found a longer name around it
    spans = [k for k in _known_spans(doc, state, rules)
             if not any(n.start <= k.start and k.end <= n.end and n.end - n.start > k.end - k.start for n in named)]
    taken = {i for s in spans for i in range(s.start, s.end)}
    for span in named:
        if not any(i in taken for i in range(span.start, span.end)):
            spans.append(span)
            taken.update(range(span.start, span.end))
    spans += _things(doc, rules, taken)
    _retitle(doc, rules, spans)
    # full names first, so that a surname alone finds the person the article named in full
    for span in sorted(spans, key=lambda s: (s.type != K.Person or s.end - s.start < 2, s.start)):
        text = doc[span.start:span.end].text
        ident, score = _entity_for(b, span, text)
        b.by_form.setdefault(norm(span.label if span.rule.startswith("entity-") and span.label else text), ident)
        for form in _short_and_full(b, span, text):
            b.by_form.setdefault(form, ident)
        for prefix in rules.words("place-prefixes"):
            if norm(text).startswith(prefix + " "):
                b.by_form.setdefault(norm(text)[len(prefix) + 1:], ident)
        if span.type == K.Person and len(text.split()) > 1:
            b.people.setdefault(text.split()[-1], ident)
        elif span.type != K.Person:
            for acronym in _acronyms(rules, state.entities[ident].label if ident in state.entities else text):
                b.acronyms.setdefault(acronym, ident)
        if span.rule.startswith("entity-"):
            b.heads[span.rule], b.head_at[span.rule] = ident, span.start
        elif span.type != K.Person and len(text.split()) > 1 and _is_thing(b, span.type):
            last = doc[span.end - 1]
            for key in (last.lower_, last.lemma_.lower()):
                b.named_heads[key] = (ident, span.start)
        first = doc[span.start]
        mention = Mention(first.idx, doc[span.end - 1].idx + len(doc[span.end - 1]), text, ident, span.rule, score)
        state.mentions.append(mention)
        for i in range(span.start, span.end):
            state.token_mention[i] = mention
    _pronouns(state, rules)
    state.mentions.sort(key=lambda m: m.start)


def _acronyms(rules, label: str) -> set[str]:
    """The initials a body's name may be shortened to: 'Department of Justice' -> DOJ, DJ; 'U.S.
    Immigration and Customs Enforcement' -> ICE (with or without the `name-prefixes`)."""
    words = re.findall(r"[A-Za-z]+", re.sub(r"\([^)]*\)", "", label))
    if len(words) < 2 or not all(w[:1].isupper() or w.lower() in STOP_WORDS for w in words):
        return set()
    prefixes = {p for w in rules.words("name-prefixes") for p in re.findall(r"[a-z]+", w)}
    out = set()
    for start in range(len(words)):
        rest = words[start:]
        out |= {"".join(w[0].upper() for w in rest), "".join(w[0] for w in rest if w.lower() not in STOP_WORDS)}
        if words[start].lower() not in prefixes:
            break
    return {a for a in out if len(a) >= 2 and a.isupper()}


def _is_thing(b: _Builder, type_: str) -> bool:
    """A type the entity rules name with a common noun (an ordinance, an act, a lawsuit)."""
    onto = b.state.onto
    kinds = {r.data["type"] for r in b.rules["entities"]}
    return type_ in kinds or (onto is not None and any(onto.is_a(type_, k) for k in kinds))


def _named_before(b: _Builder, span: _Span, text: str) -> str | None:
    """'the ordinance' after 'the Lakeview Trust Ordinance' is that ordinance, unless a thing of
    its own rule was named since ('a new ordinance')."""
    head = b.state.doc[span.end - 1]
    found = b.named_heads.get(head.lemma_.lower()) or b.named_heads.get(head.lower_)
    if found is None or len((span.label or text).split()) != 1 or not definite(head):
        return None
    ident, at = found
    return ident if b.head_at.get(span.rule, -1) < at else None


def _short_and_full(b: _Builder, span: _Span, text: str) -> list[str]:
    """The other name of a body within the article: 'Lakeview police' for 'the Lakeview Police
    Department', and the reverse (a place's name before a head noun of the `head` type rules)."""
    if span.type == K.Person or span.rule.startswith("entity-") or len(text.split()) < 2:
        return []
    heads = {w.lower() for r in b.rules["types"] if r.data.get("position") == "head" for w in r.data["words"]}
    words = norm(text).split()
    suffixes = b.rules.words("body-suffixes")
    if len(words) > 2 and words[-1] in suffixes and words[-2] in heads:
        return [" ".join(words[:-1])]
    if words[-1] in heads:
        return [f"{' '.join(words)} {s}" for s in suffixes]
    return []


def _retitle(doc, rules, spans: list[_Span]) -> None:
    """A name after a person's title is a person ('Mayor Lee Park', whatever the model said)."""
    words = {w.lower() for r in rules["titles"] for w in r.data["words"]}
    for span in spans:
        if span.type != K.Person and span.start > 0 and span.rule.startswith("ner-") \
                and doc[span.start - 1].text.lower() in words and doc[span.start - 1].is_title:
            span.type = K.Person


def _pronouns(state, rules) -> None:
    """'he' and 'she' stand for the last person named before them, within three sentences."""
    pronouns = rules.words("person-pronouns")
    doc = state.doc
    people = [m for m in sorted(state.mentions, key=lambda m: m.start)
              if state.entities.get(m.entity) and state.entities[m.entity].type == K.Person]
    sent_of = {s.start: n for n, s in enumerate(doc.sents)}
    starts = [m.start for m in people]
    for tok in doc:
        if tok.lower_ not in pronouns or tok.i in state.token_mention:
            continue
        at = bisect.bisect_left(starts, tok.idx)
        if not at:
            continue
        last = people[at - 1]
        here = sent_of[tok.sent.start]
        there = sent_of[doc.char_span(last.start, last.end, alignment_mode="expand").sent.start]
        if here - there <= 3:
            mention = Mention(tok.idx, tok.idx + len(tok), tok.text, last.entity, "pronoun", 0.7)
            state.mentions.append(mention)
            state.token_mention[tok.i] = mention
