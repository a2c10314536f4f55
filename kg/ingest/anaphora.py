"""The `anaphora` step: a definite common noun that stands for an entity the article named.

'the city' is the last city named before it (the `anaphor` type rules); 'the administration' is
the entity named last whose name ends with that noun ('the Smith administration'). ('the judge'
for the one judge an article names was tried and left out: it lowered the held-out figures.)
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
    heads = {}
    for ident, ent in state.entities.items():
        words = ent.label.split()
        if len(words) > 1 and words[-1].islower():
            heads.setdefault(words[-1], []).append(ident)
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.i in state.token_mention or tok.dep_ == "compound":
            continue
        lemma = tok.lemma_.lower()
        ident = None
        if not _definite(tok):
            continue
        if lemma in anaphors:
            before = [m for m in named if m.end <= tok.idx and _is_a(state, m.entity, anaphors[lemma])]
            ident = before[-1].entity if before else None
        elif lemma in heads:
            before = [m for m in named if m.end <= tok.idx and m.entity in heads[lemma]]
            ident = before[-1].entity if before else None
        if ident:
            mention = Mention(tok.idx, tok.idx + len(tok), tok.text, ident, "anaphor", 0.6)
            state.mentions.append(mention)
            state.token_mention[tok.i] = mention
    state.mentions.sort(key=lambda m: m.start)
