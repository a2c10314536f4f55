"""The `implied` step: statements the article's own statements imply by what their relations mean.

Each `implied:` rule (kg/ingest/rules/implied.yaml) is a chain of triple patterns with variables
('P plaintiffIn L', 'D defendantIn L') and the statement they imply ('P sued D'), with optional
conditions: the types of the variables, patterns that must have no match (`unless`), variables
that must have one value only (`unique`), and how many sentences apart the premises may stand
(`within`). Only acts are premises (a planned or threatened act implies nothing). The new
statement is `implied`; it quotes the sentence of premise `quote`, else of the premise that names
both its ends, else of the later premise. Rules run until nothing new follows (a few rounds), then
the ontology check of the frames step refuses what the relations' domains and ranges refuse.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from .frames import _drop_suit_challenges, _fit_ontology, _is_a
from .model import StatementCandidate
from .rules import Pattern, Rule, Rules, load, parse_pattern

#: Rounds of the rules: a statement implied in one round may be a premise in the next.
ROUNDS = 3


class _Index:
    """The article's acts by relation and subject, and by relation and object."""

    def __init__(self, statements: list[StatementCandidate]):
        self.by_subject: dict[tuple[str, str], list[StatementCandidate]] = {}
        self.by_object: dict[tuple[str, str], list[StatementCandidate]] = {}
        self.by_relation: dict[str, list[StatementCandidate]] = {}
        for st in statements:
            if not st.mode:
                self.by_subject.setdefault((st.relation, st.subject), []).append(st)
                self.by_object.setdefault((st.relation, st.object), []).append(st)
                self.by_relation.setdefault(st.relation, []).append(st)

    def candidates(self, pattern: Pattern, binding: dict[str, str]) -> list[StatementCandidate]:
        if pattern.subject in binding:
            return [st for r in pattern.relations for st in self.by_subject.get((r, binding[pattern.subject]), [])]
        if pattern.object in binding:
            return [st for r in pattern.relations for st in self.by_object.get((r, binding[pattern.object]), [])]
        return [st for r in pattern.relations for st in self.by_relation.get(r, [])]


@dataclass(frozen=True)
class Chain:
    rule: Rule
    premises: tuple[Pattern, ...]
    gives: Pattern
    unless: tuple[Pattern, ...]
    types: dict[str, list[str]]
    unique: tuple[str, ...]


@cache
def shipped() -> tuple[Chain, ...]:
    """The `implied:` rules of kg/ingest/rules/, ready to run."""
    return chains(load())


def chains(rules: Rules) -> tuple[Chain, ...]:
    out = []
    for rule in rules["implied"]:
        types = {var: t if isinstance(t, list) else [t] for var, t in rule.get("types", {}).items()}
        out.append(Chain(rule, tuple(parse_pattern(p) for p in rule.data["premises"]),
                         parse_pattern(rule.data["gives"]), tuple(parse_pattern(p) for p in rule.get("unless", [])),
                         types, tuple(rule.get("unique", []))))
    return tuple(out)


def _fits(pattern: Pattern, st: StatementCandidate, binding: dict[str, str]) -> dict[str, str] | None:
    """`binding` extended so that `pattern` reads `st`, or None."""
    if st.relation not in pattern.relations:
        return None
    out = dict(binding)
    for var, value in ((pattern.subject, st.subject), (pattern.object, st.object)):
        if var == "_":
            continue
        if out.get(var, value) != value:
            return None
        out[var] = value
    return out


def _bindings(chain: Chain, acts: _Index) -> list[tuple[dict[str, str], list[StatementCandidate]]]:
    """Every way the premises read statements of the article: (variables, the statements read)."""
    found: list[tuple[dict[str, str], list[StatementCandidate]]] = [({}, [])]
    for pattern in chain.premises:
        found = [(b2, [*used, st]) for b, used in found for st in acts.candidates(pattern, b)
                 if all(st is not u for u in used) and (b2 := _fits(pattern, st, b)) is not None]
    return found


def _holds(state, chain: Chain, binding: dict[str, str], used: list[StatementCandidate], acts: _Index) -> bool:
    if not all(_is_a(state, binding[var], types) for var, types in chain.types.items()):
        return False
    within = chain.rule.get("within")
    if within is not None:
        indexes = [st.sentence.index for st in used]
        if max(indexes) - min(indexes) > within:
            return False
    return not any(_fits(p, st, binding) is not None for p in chain.unless for st in acts.candidates(p, binding))


def _unique(chain: Chain, found: list) -> list:
    """Only the bindings in which each `unique` variable has one value for the others' values."""
    for var in chain.unique:
        values: dict[tuple, set[str]] = {}
        for binding, _ in found:
            values.setdefault(tuple(sorted((k, v) for k, v in binding.items() if k != var)), set()).add(binding[var])
        found = [(b, used) for b, used in found
                 if len(values[tuple(sorted((k, v) for k, v in b.items() if k != var))]) == 1]
    return found


def _named(state) -> dict[int, set[str]]:
    """Sentence start -> the entities named in the sentence."""
    starts = sorted(s.start for s in state.sentences or [])
    out: dict[int, set[str]] = {}
    for m in state.mentions:
        at = bisect_right(starts, m.start) - 1
        if at >= 0:
            out.setdefault(starts[at], set()).add(m.entity)
    return out


def _quoted(chain: Chain, subject: str, obj: str, used: list[StatementCandidate],
            named: dict[int, set[str]]) -> StatementCandidate:
    """The premise whose sentence the new statement quotes."""
    if chain.rule.get("quote"):
        return used[chain.rule.data["quote"] - 1]
    for st in sorted(used, key=lambda s: s.sentence.start):
        if {subject, obj} <= named.get(st.sentence.start, set()):
            return st
    return max(used, key=lambda s: (s.sentence.start, s.token or 0))


def _apply(state, chain: Chain, acts: _Index, have: set[tuple[str, str, str]],
           named: dict[int, set[str]]) -> list[StatementCandidate]:
    found = [(b, used) for b, used in _bindings(chain, acts) if _holds(state, chain, b, used, acts)]
    new = []
    for binding, used in _unique(chain, found):
        subject, obj = binding[chain.gives.subject], binding[chain.gives.object]
        triple = (subject, chain.gives.relations[0], obj)
        if subject == obj or triple in have:
            continue
        have.add(triple)
        premise = _quoted(chain, subject, obj, used, named)
        new.append(StatementCandidate(subject, triple[1], obj, premise.sentence, f"implied:{chain.rule.name}", 0.5,
                                      confidence="implied", token=premise.token))
    return new


def run(state, rules: tuple[Chain, ...] | None = None) -> None:
    have = {(st.subject, st.relation, st.object) for st in state.statements}
    named = _named(state)
    for _ in range(ROUNDS):
        acts = _Index(state.statements)
        new = [st for chain in rules or shipped() for st in _apply(state, chain, acts, have, named)]
        if not new:
            break
        state.statements.extend(new)
    _drop_suit_challenges(state)
    _fit_ontology(state)
    state.statements.sort(key=lambda s: (s.sentence.start, s.token or 0))
