"""The `anaphora` step: a definite common noun that stands for an entity the article named.

'the city' is the last city named before it (the `anaphor` type rules); 'the administration' is
the entity named last whose name ends with that noun ('the Smith administration'), or, for the
`body-anaphors` words, whose proper name has it ('the department': the Commerce Department).
'the mayor', 'the judge' (the `title-anaphors` words) stand for the person the article last gave
that title ('the judge' as the one judge an article names was tried and left out: it lowered the
held-out figures). A plural ('the cities') stands for no one entity. A head noun with no antecedent in the article
stands for the one entity of the graph named with it ('the administration': the Trump
administration), when there is only one. 'the city and county': one determiner serves both nouns.
A sentence's main 'It' is the body or place the sentence before was about (the `body-pronouns`);
'immigration agents' (the `agency-staff` words) the one agency the article names with that word.
"""

from __future__ import annotations

from ..namespace import K
from .model import EntityCandidate, Mention, definite
from .rules import load


def _is_a(state, ident, type_) -> bool:
    ent = state.entities.get(ident)
    return bool(ent) and (ent.type == type_ or (state.onto is not None and state.onto.is_a(ent.type, type_)))


def _only_known(state, head: str, anaphors) -> str | None:
    """'the administration' with none named before it: the one entity of the graph whose name ends
    with that noun ('Trump administration'), if there is exactly one."""
    if head in anaphors:  # 'the city' with no city named is no known city
        return None
    fits = [ident for ident, ent in state.known.items()
            if len(ent.label.split()) > 1 and ent.label.split()[-1] == head]
    if len(fits) != 1:
        return None
    ident = fits[0]
    if ident not in state.entities:
        ent = state.known[ident]
        state.entities[ident] = EntityCandidate(ident, ent.type, ent.label, "known", known=True, score=0.8)
    return ident


def _titled(state, tok, title: str, before) -> None:
    """'the mayor', 'the attorney general' is the person the article last titled so, if it named one."""
    if tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].pos_ == "PROPN" \
            or any(c.dep_ == "appos" and c.i in state.token_mention for c in tok.children):
        return  # 'the mayor, Jo Lane' or 'the mayor Jo Lane': the name is the mention
    people = [m for m in before if (state.titles or {}).get(m.entity, (None,))[0] == title]
    # 'In Harbor City, the mayor said ...': the mayor of the place its sentence names, if one was named
    here = {m.entity for m in before if m.start >= tok.sent.start_char} & {state.titles[m.entity][1] for m in people}
    if here:
        people = [m for m in people if state.titles[m.entity][1] in here]
    if people:
        mention = Mention(tok.idx, tok.idx + len(tok), tok.text, people[-1].entity, "anaphor", 0.6)
        state.mentions.append(mention)
        state.token_mention[tok.i] = mention


def _definite(tok) -> bool:
    """'the county', and 'county' in 'the city and county' (the determiner of the first noun serves both)."""
    return definite(tok) or (tok.dep_ == "conj" and tok.head.pos_ == "NOUN" and definite(tok.head)
                             and not any(c.dep_ in ("det", "poss") for c in tok.children))


def _subject_before(state, tok):
    """The subject a sentence's main 'It' continues: the main subject of the sentence before ('The
    agency opened an inquiry. It sued ...'; not 'the council' of 'The dispute is over the ordinance,
    which the council passed. It bars ...'), or, when that sentence only says what its subject is
    ('The suit is the latest the agency has filed'), its last subject. Nothing when that sentence
    has no main verb (a parse not to trust). Relative pronouns do not count (their noun came before)."""
    doc = state.doc
    if tok.sent.start == 0 or tok.head.i != tok.sent.root.i \
            or any(t.dep_ in ("nsubj", "nsubjpass") for t in doc[tok.sent.start:tok.i]):
        return None
    sent = doc[tok.sent.start - 1].sent
    if sent.root.pos_ not in ("VERB", "AUX"):
        return None
    # not the subject of a clause about a named thing ('the ordinance, which the council passed')
    before = [t for t in sent if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN", "PRON")
              and t.tag_ not in ("WDT", "WP") and not (t.head.dep_ == "relcl" and t.head.head.i in state.token_mention)]
    main = [t for t in before if t.head.i == sent.root.i]
    if main and sent.root.lemma_ != "be":
        return main[-1]
    return before[-1] if before else None


def _it(state, tok, words) -> None:
    """A sentence's main 'It' for the body or place its sentence before was about (one singular,
    not a person; not a thing such as a suit or a policy, which the frames step reads)."""
    if tok.lower_ not in words or tok.i in state.token_mention or tok.dep_ != "nsubj" or tok.head.lemma_ == "be":
        return  # 'It is the second time ...': no referent
    subject = _subject_before(state, tok)
    found = state.token_mention.get(subject.i) if subject is not None else None
    if found is None or subject.tag_ in ("NNS", "NNPS") \
            or not (_is_a(state, found.entity, K.Organization) or _is_a(state, found.entity, K.Jurisdiction)):
        return
    mention = Mention(tok.idx, tok.idx + len(tok), tok.text, found.entity, "pronoun", 0.6)
    state.mentions.append(mention)
    state.token_mention[tok.i] = mention


def _staff(state, tok, nouns, roles, used) -> None:
    """'immigration agents', 'federal immigration authorities' with no determiner: the one agency the
    article names with that word ('Immigration and Customs Enforcement'; not 'federal' or 'city', which
    prefix or describe many); not a role taken ('act as immigration agents')."""
    if tok.i in state.token_mention or tok.tag_ != "NNS" or tok.lemma_.lower() not in nouns \
            or any(c.dep_ in ("det", "poss") for c in tok.children) or tok.head.lower_ in roles:
        return
    rules = load()
    words = {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound")} \
        - rules.words("name-prefixes") - rules.words("generic-words")
    fits = {i for i in used if _is_a(state, i, K.GovernmentAgency)
            and words & {w.lower() for w in state.entities[i].label.split() if w[:1].isupper()}}
    if len(fits) == 1:
        mention = Mention(tok.idx, tok.idx + len(tok), tok.text, fits.pop(), "anaphor", 0.5)
        state.mentions.append(mention)
        state.token_mention[tok.i] = mention


def run(state) -> None:
    rules = load()
    doc = state.doc
    anaphors = {w.lower(): r.data["type"] for r in rules["types"] if r.data.get("position") == "anaphor"
                for w in r.data["words"]}
    named = sorted((m for m in state.mentions if m.rule not in ("pronoun", "anaphor")), key=lambda m: m.start)
    last_of: dict[str, int] = {}  # type or head noun -> index in `named` of its last mention so far
    cursor = 0
    heads: dict[str, list[str]] = {}
    named_nouns = rules.words("body-anaphors")
    for ident, ent in state.entities.items():
        words = ent.label.split()
        if len(words) > 1 and words[-1].islower():
            heads.setdefault(words[-1], []).append(ident)
        # 'the department' after 'the Justice Department' or 'DOT' (the Department of Transportation)
        if _is_a(state, ident, K.Organization):
            for word in {w.lower() for w in words if w[:1].isupper()} & named_nouns:
                heads.setdefault(word, []).append(ident)
    # only the nouns that make a name a body ('the Smith administration'): 'the letter' is no known letter
    body_heads = {w.lower() for r in rules["types"] if r.data.get("position") == "head" for w in r.data["words"]}
    known_heads = {ent.label.split()[-1] for ent in state.known.values() if len(ent.label.split()) > 1} & body_heads
    title_nouns = {w: r.name for r in rules["titles"] for w in r.data["words"] if w in rules.words("title-anaphors")}
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.i in state.token_mention or tok.dep_ == "compound":
            continue
        while cursor < len(named) and named[cursor].end <= tok.idx:  # the mentions before the noun, once each
            m = named[cursor]
            for key, type_ in anaphors.items():
                if _is_a(state, m.entity, type_):
                    last_of[key] = cursor
            for key, idents in heads.items():
                if m.entity in idents:
                    last_of[key] = cursor
            cursor += 1
        lemma = tok.lemma_.lower()
        title = " ".join([c.lower_ for c in tok.lefts if c.dep_ == "compound"] + [lemma])  # 'the attorney general'
        if title in title_nouns and definite(tok) and "Plur" not in tok.morph.get("Number"):
            _titled(state, tok, title_nouns[title], named[:cursor])
            continue
        if lemma in title_nouns and definite(tok) and "Plur" not in tok.morph.get("Number"):
            _titled(state, tok, title_nouns[lemma], named[:cursor])
            continue
        if not _definite(tok) or lemma not in anaphors and lemma not in heads and lemma not in known_heads:
            continue
        if "Plur" in tok.morph.get("Number"):
            continue  # 'the cities' are several, not the last city named
        ident = named[last_of[lemma]].entity if lemma in last_of else _only_known(state, lemma, anaphors)
        if ident:
            mention = Mention(tok.idx, tok.idx + len(tok), tok.text, ident, "anaphor", 0.6)
            state.mentions.append(mention)
            state.token_mention[tok.i] = mention
    it_words, staff, as_roles = rules.words("body-pronouns"), rules.words("agency-staff"), rules.words("role-prepositions")
    used = {m.entity for m in named}
    for tok in doc:
        _it(state, tok, it_words)
        _staff(state, tok, staff, as_roles, used)
    state.mentions.sort(key=lambda m: m.start)
