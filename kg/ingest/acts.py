"""Things an article names only through an act (part of the `frames` step).

'Harbor County sued the Department of Labor on Monday' names no lawsuit, yet the suit is what
later sentences speak of ('the suit', 'the case') and what a court rules on. The `acts:` rules of
rules/acts.yaml name the verb, the paths to its parties, the kind of thing it makes and the
relation of each party to it. One thing per referent: the parties' own (named in full, or made
by an earlier act), else the one common noun of the kind the article names after the act with no
parties yet, else a new thing labelled from its parties.
"""

from __future__ import annotations

from .forms import camel_id
from .model import EntityCandidate, Mention, StatementCandidate, sentence_of
from .rules import compiled, load, parse_path, walk


def run(state, modes: dict[int, str], frames) -> list[StatementCandidate]:
    """The statements the acts give: `frames` is the frames step's reader of parties (resolve,
    _members, _is_a), passed in so that this module need not import the step that calls it."""
    out: list[StatementCandidate] = []
    # a planned, threatened, denied or negated act makes nothing ('plans to sue' is no suit)
    acts = [m for m in compiled().matches(state.doc, ("acts",)) if not modes.get(m.trigger.i)]
    for m in acts:
        rule = m.rule
        subjects = list(dict.fromkeys(s for chain in m.roles["subject"]
                                      for s in _subjects(state, rule, chain[-1], frames)))
        objects = list(dict.fromkeys(o for path in rule.get("object", [])
                                     for chain in walk(m.trigger, parse_path(path))
                                     for o in frames.resolve(state, chain[-1])
                                     if frames._is_a(state, o, rule.get("object_types"))))
        subjects = [s for s in subjects if s not in objects]
        if not subjects:
            continue
        thing = _referent(state, rule, m.trigger, subjects, objects, [a.trigger.idx for a in acts], out)
        sentence = sentence_of(state, m.trigger)
        name = f"acts:{rule.name}"
        have = {(st.subject, st.relation, st.object) for st in [*state.statements, *out] if not st.mode}
        sides = [(s, rule.data["relation"]) for s in subjects]
        sides += [(o, rule.data["object_relation"]) for o in objects if rule.get("object_relation")]
        for party, relation in sides:
            if (party, relation, thing) not in have:  # a second act of the same sides says nothing new
                out.append(StatementCandidate(party, relation, thing, sentence, name, 0.6, token=m.trigger.i))
        tok = m.trigger
        state.mentions.append(Mention(tok.idx, tok.idx + len(tok), tok.text, thing, name, 0.6))
    return out


def _subjects(state, rule, tok, frames) -> list[str]:
    """Who acted: the named members of a plural, the entities the token stands for; for a relative
    pronoun whose head is of no kind the rule takes ('an injunction sought by A and B, which sued'),
    the phrase just before it (the parser often hangs the clause on the wrong noun)."""
    types = rule.get("subject_types")
    found = [s for s in frames._members(state, tok) or frames.resolve(state, tok)
             if frames._is_a(state, s, types) and not _unnamed_rest(state, s, tok.sent)]
    if found or tok.tag_ not in ("WDT", "WP") or tok.i < 2:
        return found
    before = tok.doc[tok.i - 1]
    before = tok.doc[tok.i - 2] if before.is_punct else before
    first = min((before, *before.conjuncts), key=lambda t: t.i)  # resolving it takes its conjuncts
    return [s for s in frames.resolve(state, first) if frames._is_a(state, s, types)
            and not _unnamed_rest(state, s, tok.sent)]


def _unnamed_rest(state, ident: str, sent) -> bool:
    """'A, B and other towns': the rest, named in the act's sentence only as 'other towns' (the
    `unnamed-rest` words just before or in its name), is no one party."""
    words = load().words("unnamed-rest")
    spans = [span for m in state.mentions if m.entity == ident and sent.start_char <= m.start < sent.end_char
             and (span := state.doc.char_span(m.start, m.end, alignment_mode="expand")) is not None]
    return bool(spans) and all(any(t.lower_ in words for t in span.doc[max(span.start - 1, 0):span.end])
                               for span in spans)


def _kind(state, ident: str, type_: str) -> bool:
    ent = state.entities.get(ident)
    return ent is not None and (ent.type == type_ or (state.onto is not None and state.onto.is_a(ent.type, type_)))


def _referent(state, rule, trigger, subjects: list[str], objects: list[str], acts: list[int],
              made: list[StatementCandidate]) -> str:
    type_ = rule.data["makes"]
    relation, object_relation = rule.data["relation"], rule.get("object_relation")
    sides: dict[str, dict[str, set[str]]] = {}
    for st in [*state.statements, *made]:
        if not st.mode and st.relation in (relation, object_relation) and _kind(state, st.object, type_):
            sides.setdefault(st.object, {}).setdefault(st.relation, set()).add(st.subject)
    for ident, parties in sides.items():  # the parties' own: one thing per pair of sides
        theirs = parties.get(object_relation, set()) if object_relation else set()
        if parties.get(relation, set()) & set(subjects) and (not objects or not theirs or theirs & set(objects)):
            return ident
    # the common noun named after this act and before any other ('the case' is the last suit brought)
    later = {m.entity for m in state.mentions if m.start > trigger.idx and m.entity not in sides
             and not any(trigger.idx < a < m.start for a in acts)
             and _kind(state, m.entity, type_) and _generic(state.entities[m.entity])}
    if len(later) == 1:
        return next(iter(later))
    names = {"subject": " and ".join(state.entities[s].label for s in subjects),
             "object": " and ".join(state.entities[o].label for o in objects)}
    label = (rule.data["label"] if objects and rule.get("label") else rule.data["label_alone"]).format(**names)
    ident = camel_id(label)
    if ident not in state.entities:
        sentence = sentence_of(state, trigger)
        state.entities[ident] = EntityCandidate(ident, type_, label, f"acts:{rule.name}", score=0.5,
                                                evidence=(sentence.start, sentence.end))
    return ident


def _generic(ent) -> bool:
    """A thing named only by a common noun ('the suit'), not by a name of its own."""
    return not ent.known and ent.rule.startswith("entity-") and len(ent.label.split()) == 1
