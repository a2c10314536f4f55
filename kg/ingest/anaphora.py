"""The `anaphora` step: a definite common noun that stands for an entity the article named.

'the city' is the last city named before it (the `anaphor` type rules); 'the administration' is
the entity named last whose name ends with that noun ('the Smith administration'). ('the judge'
for the one judge an article names was tried and left out: it lowered the held-out figures.) A
plural ('the cities') stands for no one entity.
"""

from __future__ import annotations

from .model import Mention
from .rules import load


def _is_a(state, ident, type_) -> bool:
    ent = state.entities.get(ident)
    return bool(ent) and (ent.type == type_ or (state.onto is not None and state.onto.is_a(ent.type, type_)))


def _definite(tok) -> bool:
    return any(c.dep_ in ("det", "poss") and ("Def" in c.morph.get("Definite") or "Dem" in c.morph.get("PronType"))
               for c in tok.children)


def run(state) -> None:
    rules = load()
    doc = state.doc
    anaphors = {w.lower(): r.data["type"] for r in rules["types"] if r.data.get("position") == "anaphor"
                for w in r.data["words"]}
    named = sorted((m for m in state.mentions if m.rule not in ("pronoun", "anaphor")), key=lambda m: m.start)
    last_of: dict[str, int] = {}  # type or head noun -> index in `named` of its last mention so far
    cursor = 0
    heads = {}
    for ident, ent in state.entities.items():
        words = ent.label.split()
        if len(words) > 1 and words[-1].islower():
            heads.setdefault(words[-1], []).append(ident)
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
        if not _definite(tok) or lemma not in anaphors and lemma not in heads:
            continue
        if "Plur" in tok.morph.get("Number"):
            continue  # 'the cities' are several, not the last city named
        ident = named[last_of[lemma]].entity if lemma in last_of else None
        if ident:
            mention = Mention(tok.idx, tok.idx + len(tok), tok.text, ident, "anaphor", 0.6)
            state.mentions.append(mention)
            state.token_mention[tok.i] = mention
    state.mentions.sort(key=lambda m: m.start)
