"""The `roles` step: a person's title, and the body it belongs to, is a role (holdsRole).

The title stands before the name ('Riverdale Mayor Lee Park', 'Secretary of Labor Dale Hunt',
'U.S. District Judge Nora Pike of the Southern District of Ohio') or beside it ('Jo Lane, director
of the Harbor Food Bank'); the body is a name before the title, the object of 'of' or 'for' after
it, or the title's default (a president's country; with `default_head`, the body the article
names with that noun: a czar's administration). A title's rule may give another relation (a
party, a professor's university: memberOf). A title standing alone is a person too ('the border
czar' the graph gives one person; 'the acting FEMA administrator', unnamed), and a title's office
naming its place an agency of it ('the Akron city solicitor's office'). Titles are the `titles:`
rules.
"""

from __future__ import annotations

import re

from ..namespace import K
from .forms import camel_id, norm
from .linking import Linker, _key
from .model import EntityCandidate, Mention, StatementCandidate, sentence_of
from .rules import load


def _title_rule(words: list[str], rules):
    """The longest title the words end with: (rule, number of words)."""
    best = None
    for rule in rules["titles"]:
        if rule.data["org"] == K.Group:
            continue  # a party, read by `_parties`
        for title in rule.data["words"]:
            tw = title.lower().split()
            if len(tw) <= len(words) and words[-len(tw):] == tw and (best is None or len(tw) > best[1]):
                best = (rule, len(tw))
    return best


def _left_tokens(doc, start: int, end: int) -> list:
    """The modifiers before a name within its noun phrase ('Riverdale Mayor' of 'Riverdale Mayor Lee Park')."""
    out = []
    i = start - 1
    while i >= 0 and doc[i].head.i in range(i + 1, end) and doc[i].dep_ in ("compound", "amod", "nmod", "npadvmod") \
            and doc[i].sent.start == doc[start].sent.start:
        out.insert(0, doc[i])
        i -= 1
    return out


def _body_after(tok, state):
    """The entity named by 'of X' / 'for X' hanging from `tok`."""
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lemma_ in load().words("body-prepositions"):
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.i in state.token_mention:
                    return state.token_mention[pobj.i].entity
    return None


def _default_by_head(head: str, state, at: int) -> str | None:
    """The body the article names with the noun `head` ('the Smith administration', 'the Lakeview
    City Council'): the one named last before `at`, or else first after it; with none named, the
    one the graph knows, when there is only one."""
    def fits(label: str) -> bool:
        words = label.split()
        return len(words) > 1 and words[-1].lower() == head

    named = [m for m in state.mentions if m.rule != "pronoun" and fits(state.entities[m.entity].label)]
    if named:
        before = [m for m in named if m.end <= at]
        return (before[-1] if before else named[0]).entity
    known = [ident for ident, ent in state.known.items() if fits(ent.label)]
    if len(known) != 1:
        return None
    ident = known[0]
    if ident not in state.entities:
        ent = state.known[ident]
        state.entities[ident] = EntityCandidate(ident, ent.type, ent.label, "known", known=True, score=1.0)
    return ident


def _default(rule, state, linker: Linker, at: int) -> str | None:
    if rule.get("default_head"):
        return _default_by_head(rule.data["default_head"], state, at)
    label = rule.get("default")
    if not label or _says_any(state, rule.get("default_unless", [])):
        return None  # 'Sen. Jo Smith' in an article about a statehouse: not the U.S. Senate
    key = set(_key(label).split())
    for ident, cand in state.entities.items():  # named in the article ('the Justice Department')
        if any(set(_key(form).split()) == key for form in (cand.label, *cand.aliases)):
            return ident
    link = linker.other(label, rule.data["org"], threshold=85)
    if link and len(link.ids) == 1:
        ident = link.ids[0]
        if ident not in state.entities:
            ent = state.known[ident]
            state.entities[ident] = EntityCandidate(ident, ent.type, ent.label, "known", known=True, score=1.0)
        return ident
    for ident, cand in state.entities.items():
        if norm(cand.label) == norm(label) or norm(label) in map(norm, cand.aliases):
            return ident
    ident = camel_id(label)
    state.entities.setdefault(ident, EntityCandidate(ident, rule.data["org"], label, f"titles:{rule.name}", score=0.5))
    return ident


def _says_any(state, phrases: list[str]) -> bool:
    """Whether the article uses one of `phrases` (as whole words, in any case). Asked once per
    title, so the answer is kept with the parse: a long article has many titles."""
    key = ("kg_says_any", tuple(phrases))
    if key not in state.doc.user_data:
        text = state.text.lower().replace("\u2019", "'")
        state.doc.user_data[key] = any(re.search(rf"\b{re.escape(p.lower())}(?!\w)", text) for p in phrases)
    return state.doc.user_data[key]


def _fits(state, rule, body: str | None) -> str | None:
    """`body` when it can be what the title belongs to (a judge's court is a court)."""
    if body is None:
        return None
    org = rule.data["org"]
    if org == K.Court and state.entities[body].type != K.Court:
        return None
    return body


def _named_body(state, rule, words) -> str | None:
    """The body named by proper nouns before a title that the model took for no name ('Riverdale'
    of 'Riverdale Mayor'), as the title's `body` pattern names it ('Transportation' of
    'Transportation Secretary': the Department of Transportation)."""
    if not words or not all(t.pos_ == "PROPN" and t.ent_type_ != "NORP" for t in words) or rule.data["org"] == K.Court:
        return None  # 'Republican Representative': a party is no body
    text = " ".join(t.text for t in words)
    label = rule.get("body", "{}").format(text)
    key = set(_key(label).split())
    for ident, cand in state.entities.items():
        if any(set(_key(form).split()) == key for form in (cand.label, *cand.aliases)):
            return ident
    ident = camel_id(label)
    if ident in state.known:
        ent = state.known[ident]
        state.entities[ident] = EntityCandidate(ident, ent.type, ent.label, "known", known=True, score=1.0)
        return ident
    sent = words[0].sent
    state.entities.setdefault(ident, EntityCandidate(ident, rule.data["org"], label, f"titles:{rule.name}", score=0.5,
                                                     evidence=(sent.start_char, sent.end_char)))
    return ident


def _proper_run(tokens) -> list:
    """The proper nouns that end `tokens` ('Transportation' of 'newly named Transportation')."""
    out: list = []
    for t in reversed(tokens):
        if t.pos_ != "PROPN":
            break
        out.insert(0, t)
    return out


def _nearest_court(state, rule, title: str, at: int, courts: list) -> str | None:
    """A judge's court: the court the article names nearest the judge, of the title's kind
    ('District Judge': a district court)."""
    if rule.data["org"] != K.Court:
        return None
    words = {w.lower() for w in (title or "").split()}
    fitting = [m for m in courts if words & {w.lower() for w in state.entities[m.entity].label.split()}]
    courts = fitting or courts
    return min(courts, key=lambda m: abs(m.start - at)).entity if courts else None


def _last_place(state, rule, at: int) -> str | None:
    """A mayor's city, a sheriff's county, when none is named beside the title: the place of that
    kind the article named last before the person (or first after, in a lead sentence)."""
    org = rule.data["org"]
    if state.onto is None or not state.onto.is_a(org, K.Jurisdiction):
        return None
    places = [m for m in state.mentions if m.entity in state.entities
              and (state.entities[m.entity].type == org or state.onto.is_a(state.entities[m.entity].type, org))]
    before = [m for m in places if m.end <= at]
    if before:
        return before[-1].entity
    return places[0].entity if places else None


def _before_title(state, rules, left, head):
    """A title before the name ('Riverdale Mayor Lee Park'): (rule, body, title, title token)."""
    found = _title_rule([t.lower_ for t in left], rules)
    if not found:
        return None
    rule, n = found
    title_words = left[len(left) - n:]
    before = left[:len(left) - n]
    if " ".join(t.lower_ for t in before) in rules.words("name-prefixes"):
        before = []  # 'U.S. Attorney General': the title's own default body, not a place 'U.S.'
    # a name that runs into the title is no body of it ('U.S. Attorney General' taken for a name)
    named = next((state.token_mention[t.i] for t in before if t.i in state.token_mention
                  and state.token_mention[t.i].end <= title_words[0].idx), None)
    body = named.entity if named else None
    names = _proper_run(before)
    if rule.get("body") and names and (named is None or named.start >= names[0].idx):
        # 'Transportation Secretary': the Department of Transportation, not a body named
        # 'Transportation'; but 'Department of Homeland Security Secretary' names its body in full
        body = _named_body(state, rule, names) or body
    body = _fits(state, rule, body) or _fits(state, rule, _body_after(head, state)) \
        or _named_body(state, rule, before)
    if body is None and rule.get("default") and any(t.ent_type_ == "NORP" and not _party(rules, t) for t in before):
        return None  # 'Mexican President Alma Reyes': not the country a president is by default
    title = " ".join(t.text for t in left if t.i >= title_words[0].i and t.i not in state.token_mention)
    return rule, body, title, title_words[-1]


def _party(rules, tok) -> bool:
    return any(tok.lower_ in r.data["words"] for r in rules["titles"] if r.data["org"] == K.Group)


def _of_title(state, rules, span):
    """'Secretary of Homeland Security Kristi Noem': a title before the name, with the body it is
    of between them: (rule, body, title, title token)."""
    doc = state.doc
    for c in span.root.children:
        if c.i >= span.start or c.dep_ not in ("nmod", "compound"):
            continue
        prep = next((p for p in c.children if p.dep_ == "prep" and p.i > c.i
                     and p.lower_ in rules.words("body-prepositions")), None)
        if prep is None:
            continue
        words = [t for t in doc[c.left_edge.i:c.i + 1] if t.dep_ not in ("det", "punct")]
        found = _title_rule([t.lower_ for t in words], rules)
        if not found:
            continue
        rule, n = found
        names = [t for t in doc[prep.i + 1:span.start] if t.pos_ == "PROPN"]
        body = (_named_body(state, rule, names) if rule.get("body") and names else None) \
            or _fits(state, rule, _body_after(c, state))
        return rule, body, " ".join(t.text for t in words[-n:]), c
    return None


def _appos_title(state, rules, head):
    """A title in apposition after the name ('Jo Lane, director of the Harbor Food Bank'), or the
    name in apposition after it ('the attorney general, Pam Bondi'): (rule, body, title, token)."""
    if head.dep_ == "appos" and (found := _title_rule(
            [t.lower_ for t in head.head.subtree if t.i <= head.head.i and t.dep_ not in ("det", "punct")], rules)):
        return found[0], _fits(state, found[0], _body_after(head.head, state)), None, head.head
    appos = next((c for c in head.children if c.dep_ == "appos"), None)
    if appos is None:
        return None
    words = [t.lower_ for t in appos.subtree if t.i <= appos.i and t.dep_ not in ("det", "punct")]
    found = _title_rule(words, rules)
    if not found:
        return None
    rule, n = found
    body = _body_after(appos, state) or next(
        (state.token_mention[t.i].entity for t in appos.subtree if t.i < appos.i and t.i in state.token_mention), None)
    return rule, body, " ".join(words[-n:]).title() if appos.i > head.i else None, appos


def _parties(rules, left, head) -> list:
    """A party word before the title ('Republican Sen. Jo Smith') or an initial before a place in
    apposition ('Jo Smith, R-Texas'): (rule, None, None, token) for each."""
    parties = [r for r in rules["titles"] if r.data["org"] == K.Group]
    out = []
    for tok in left:
        out += [(r, None, None, tok) for r in parties if tok.lower_ in r.data["words"]]
    for appos in (c for c in head.children if c.dep_ == "appos"):
        first = appos.left_edge
        if first.i + 1 < len(first.doc) and first.nbor().text == "-":
            out += [(r, None, None, first) for r in parties if f"{first.lower_} -" in r.data["words"]]
    return out


def _titles_of(state, rules, span) -> list:
    """Every title the name is given: before it, or in apposition, and the party it is of."""
    left = _left_tokens(state.doc, span.start, span.end)
    first = _before_title(state, rules, left, span.root) or _of_title(state, rules, span)
    out = [first] if first else []
    if (appos := _appos_title(state, rules, span.root)) and (first is None or appos[0].name != first[0].name):
        out.append(appos)
    for party in _parties(rules, left, span.root):
        if not any(party[0] is o[0] for o in out):
            out.append(party)
    return out


def _title_phrase(tok) -> list | None:
    """The words of a title standing alone ('the border czar', 'Trump's border czar'): a singular
    definite noun with no name beside it, no 'of' after it (the president of a college) and its
    modifiers before it; None for anything else."""
    if tok.pos_ != "NOUN" or "Plur" in tok.morph.get("Number") or tok.dep_ in ("compound", "appos", "poss"):
        return None
    if any(c.dep_ == "appos" or (c.dep_ == "prep" and c.lower_ in load().words("body-prepositions"))
           for c in tok.children if c.i > tok.i):
        return None
    dets = [c for c in tok.children if c.dep_ in ("det", "poss") and c.i < tok.i]
    if not any(c.dep_ == "poss" or "Def" in c.morph.get("Definite") for c in dets):
        return None
    words = [tok]
    while words[0].i > 0 and (prev := words[0].nbor(-1)).head.i == tok.i and prev.dep_ in ("compound", "amod"):
        words.insert(0, prev)
    return words


def _office_holder(state, rule, words, tok) -> tuple[str, str] | None:
    """'the acting FEMA administrator': a title standing alone with its body named in it is a
    person of their own, unnamed, unless a person the article names holds it."""
    body = next((state.token_mention[t.i].entity for t in words if t.i in state.token_mention), None)
    if body is None or not _fits(state, rule, body) or any(t == (rule.name, body) for t in state.titles.values()):
        return None
    label = " ".join(t.text for t in words)
    label = label[:1].upper() + label[1:]
    ident = camel_id(label)
    sent = tok.sent
    state.entities.setdefault(ident, EntityCandidate(ident, K.Person, label, f"titles:{rule.name}", score=0.5,
                                                     evidence=(sent.start_char, sent.end_char)))
    return ident, body


def _titled_people(state, rules) -> list:
    """A title standing alone is a person: the one the graph gives that national title (one with a
    default body: 'the border czar'), or an unnamed holder of an office the title names ('the
    acting FEMA administrator'). A mention of them, with the title (rule, title token) to read as
    a role."""
    out = []
    for tok in state.doc:
        if tok.i in state.token_mention or (words := _title_phrase(tok)) is None:
            continue
        found = _title_rule([t.lower_ for t in words], rules)
        if not found:
            continue
        first = words[len(words) - found[1]]
        ident = None
        if found[0].get("default") or found[0].get("default_head"):  # one holder; a city attorney is one a city
            title = " ".join(t.lower_ for t in words[len(words) - found[1]:])
            people = [p for p in state.roles.get(title, ()) if p in state.known]
            if len(people) == 1:
                ident = people[0]
                if ident not in state.entities:
                    ent = state.known[ident]
                    state.entities[ident] = EntityCandidate(ident, ent.type, ent.label, "known", known=True, score=0.8)
        body = None
        if ident is None and (held := _office_holder(state, found[0], words, tok)) is not None:
            (ident, body), first = held, words[0]
        if ident is None:
            continue
        mention = Mention(first.idx, tok.idx + len(tok), state.doc[first.i:tok.i + 1].text, ident, "title", 0.7)
        state.mentions.append(mention)
        for t in state.doc[first.i:tok.i + 1]:
            state.token_mention[t.i] = mention
        out.append((mention, found[0], body, tok))
    state.mentions.sort(key=lambda m: m.start)
    return out


def _offices(state, rules) -> list:
    """'the Lakeview city solicitor's office': the office of a title that names its place is a
    government agency, part of that place. A mention of it, and its (entity, body, token). (With no
    place named, 'the sheriff's office' of the county named last lowered the held-out precision.)"""
    doc = state.doc
    out = []
    for tok in doc:
        if tok.lemma_.lower() not in rules.words("title-offices") or tok.i in state.token_mention:
            continue
        owner = next((c for c in tok.children if c.dep_ == "poss" and c.pos_ == "NOUN"), None)
        if owner is None or owner.i in state.token_mention:
            continue
        words = [owner]
        while words[0].i > 0 and (prev := words[0].nbor(-1)).head.i == owner.i and prev.dep_ in ("compound", "amod"):
            words.insert(0, prev)
        found = _title_rule([t.lower_ for t in words], rules)
        if not found:
            continue
        rule = found[0]
        inside = next((state.token_mention[t.i].entity for t in words if t.i in state.token_mention), None)
        body = _fits(state, rule, inside)
        if body is None or not _is_a(state, body, rule.data["org"]):
            continue
        text = doc[words[0].i:tok.i + 1].text
        ident = camel_id(text)
        sent = tok.sent
        state.entities.setdefault(ident, EntityCandidate(ident, K.GovernmentAgency, text, f"titles:{rule.name}",
                                                         score=0.5, evidence=(sent.start_char, sent.end_char)))
        mention = Mention(words[0].idx, tok.idx + len(tok), text, ident, "title", 0.6)
        state.mentions.append(mention)
        for t in doc[words[0].i:tok.i + 1]:
            state.token_mention.setdefault(t.i, mention)
        out.append((ident, body, tok))
    state.mentions.sort(key=lambda m: m.start)
    return out


def _is_a(state, ident: str, type_: str) -> bool:
    ent = state.entities.get(ident)
    return ent is not None and (ent.type == type_ or (state.onto is not None and state.onto.is_a(ent.type, type_)))


def run(state) -> None:
    rules = load()
    doc = state.doc
    linker = Linker(state.known, state.onto)
    state.statements = state.statements or []
    state.titles = {}
    seen: set = set()
    courts = [m for m in state.mentions if state.entities[m.entity].type == K.Court]

    def emit(mention, titles) -> None:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        for k, (rule, body, title, title_tok) in enumerate(titles):
            if rule.get("needs_body") and body is None:
                continue
            body = body or _nearest_court(state, rule, title, mention.start, courts) \
                or _default(rule, state, linker, doc[min(title_tok.left_edge.i, span.start)].idx) \
                or _last_place(state, rule, mention.start)
            if k == 0 and not rule.get("relation"):
                state.titles[mention.entity] = (rule.name, body)
            if body is None or body == mention.entity or (mention.entity, body) in seen:
                continue
            seen.add((mention.entity, body))
            state.statements.append(StatementCandidate(mention.entity, rule.get("relation", K.holdsRole), body,
                                                       sentence_of(state, doc[span.start]), f"titles:{rule.name}",
                                                       0.8, title=title, token=title_tok.i))

    for mention in list(state.mentions):
        ent = state.entities.get(mention.entity)
        if ent is not None and ent.type == K.Person and mention.rule != "pronoun":
            emit(mention, _titles_of(state, rules, doc.char_span(mention.start, mention.end, alignment_mode="expand")))
    for mention, rule, body, tok in _titled_people(state, rules):
        emit(mention, [(rule, body, None, tok)])
    for office, body, tok in _offices(state, rules):
        state.statements.append(StatementCandidate(office, K.partOf, body, sentence_of(state, tok), "titles:office",
                                                   0.6, token=tok.i))
