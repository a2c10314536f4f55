"""Score `kg ingest` against the curated statements of the stored articles (`kg evaluate`).

Each source is ingested from its stored text with the article date of data/sources.yaml.
By default the known entities are held out: only entities that other sources' statements use
are known, with only the aliases that occur in other sources' texts, as if the article were
new. `held_out=False` knows the whole curated data instead (an upper bound).

Matching:
- an entity the extractor found as a known one matches itself; a new one matches the curated
  entity of this source sharing a normalised surface form (label or alias; case, 'the' and
  possessive ignored); a new claim, lawsuit, document, study or event matches a curated one of
  the same kind whose statements quote the sentence it came from and whose label shares a
  content word with it. Matching is one to one.
- a statement (subject, relation, object) matches a curated one with the same matched subject
  and object and the same relation, or its inverse with the sides swapped ('strict'); 'family'
  also accepts another relation of the same family (opposes, supports, legalAction,
  policyAction, affiliation, communication), so 'threatened' for 'targeted' counts.
- statements with a value (count, amount) are left out: the extractor does not propose them.

>>> report = evaluate()               # doctest: +SKIP
>>> report.total.family.recall        # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..builder import curated
from .. import ontology, project as projects
from . import extract
from .mentions import norm
from ..namespace import KG
from ..project import Project
from ..text import clean
from ..builder.validate import locate_quote

FAMILIES = ("opposes", "supports", "legalAction", "policyAction", "affiliation", "communication")
_KINDS = {"Claim": "claim", "Lawsuit": "lawsuit", "Policy": "document", "Study": "study", "Event": "event"}
_STOP = {"the", "a", "an", "of", "and", "or", "to", "in", "on", "for", "that", "is", "are", "was",
         "with", "by", "as", "at", "its", "their", "his", "her", "it", "they", "be", "s", "v"}


@dataclass
class Score:
    """Counts behind a precision and a recall."""

    correct: int = 0  # predictions that match
    predicted: int = 0
    found: int = 0  # curated items matched
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    def __iadd__(self, other: Score) -> Score:
        self.correct += other.correct
        self.predicted += other.predicted
        self.found += other.found
        self.gold += other.gold
        return self


@dataclass
class Result:
    source: str
    entities: Score = field(default_factory=Score)
    named: Score = field(default_factory=Score)  # entities other than claims
    strict: Score = field(default_factory=Score)
    family: Score = field(default_factory=Score)


@dataclass
class Evaluation:
    held_out: bool
    sources: list[Result]
    total: Result

    COLUMNS = ["source", "entity_P", "entity_R", "named_P", "named_R", "statements_gold",
               "statements_predicted", "strict_P", "strict_R", "family_P", "family_R"]

    def rows(self) -> list[list]:
        out = []
        for r in [*self.sources, self.total]:
            out.append([r.source, *(round(x, 3) for x in (r.entities.precision, r.entities.recall,
                                                           r.named.precision, r.named.recall)),
                        r.family.gold, r.family.predicted,
                        *(round(x, 3) for x in (r.strict.precision, r.strict.recall,
                                                r.family.precision, r.family.recall))])
        return out


def _kind(onto, type_: str | None) -> str | None:
    for cls, kind in _KINDS.items():
        if type_ and onto.is_a(type_, cls):
            return kind
    return None


def _words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9]+", norm(text)) if w not in _STOP}


def _inverses(onto) -> dict[str, str]:
    out = {}
    for q in onto.store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2002/07/owl#inverseOf"), None):
        a, b = (str(t.value).removeprefix(str(KG._NS)) for t in (q.subject, q.object))
        out[a], out[b] = b, a
    return out


def _known_for(data: curated.Curated, source: str, held_out: bool) -> dict[str, curated.Entity]:
    if not held_out:
        return dict(data.entities)
    # Entities only: a case status (caseStatus's object) is a value of the ontology.
    used = {x for st in data.statements.values() if st.source != source
            for x in (st.subject, st.object, st.via) if x in data.entities}
    other_text = norm(" ".join(clean(s.text) for sid, s in data.sources.items() if sid != source))
    known = {}
    for ident in used:
        ent = data.entities[ident]
        aliases = [a for a in ent.aliases if norm(a) and norm(a) in other_text]
        known[ident] = curated.Entity(ent.id, ent.type, ent.label, ent.loc, aliases, ent.description)
    return known


def _align(found, gold_ids: set[str], data, source, onto, text: str) -> dict[str, str]:
    """Predicted entity id -> curated entity id, one to one."""
    aligned: dict[str, str] = {}
    for ident, cand in found.entities.items():
        if cand.known and ident in gold_ids:
            aligned[ident] = ident
    taken = set(aligned.values())
    forms = {g: {norm(f) for f in [data.entities[g].label, *data.entities[g].aliases]} for g in gold_ids}
    for ident, cand in sorted(found.entities.items()):
        if cand.known or ident in aligned:
            continue
        mine = {norm(f) for f in [cand.label, *cand.aliases]}
        match = next((g for g in sorted(gold_ids - taken) if mine & forms[g]), None)
        if match:
            aligned[ident] = match
            taken.add(match)
    # claims, lawsuits, documents: by the sentence they came from and a shared word
    quotes: dict[str, list[tuple[int, int]]] = {}
    for st in data.statements.values():
        if st.source == source and (span := locate_quote(st, text)):
            for x in (st.subject, st.object):
                if x:
                    quotes.setdefault(x, []).append(span)
    pairs = []
    for ident, cand in found.entities.items():
        if ident in aligned or cand.evidence is None or _kind(onto, cand.type) is None:
            continue
        start, end = found.original_span(*cand.evidence)
        for g in gold_ids - taken:
            if _kind(onto, data.entities[g].type) != _kind(onto, cand.type):
                continue
            if not any(a < end and start < b for a, b in quotes.get(g, [])):
                continue
            shared = _words(cand.label) & _words(data.entities[g].label + " " + (data.entities[g].description or ""))
            if shared:
                pairs.append((len(shared), ident, g))
    for _, ident, g in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if ident not in aligned and g not in taken:
            aligned[ident] = g
            taken.add(g)
    return aligned


def _score_entities(predicted: set[str], gold: set[str], aligned: dict[str, str]) -> Score:
    hits = {p for p in predicted if p in aligned and aligned[p] in gold}
    return Score(len(hits), len(predicted), len({aligned[p] for p in hits}), len(gold))


def _score_statements(predicted, gold, same) -> Score:
    correct = sum(1 for p in predicted if any(same(p, g) for g in gold))
    found = sum(1 for g in gold if any(same(p, g) for p in predicted))
    return Score(correct, len(predicted), found, len(gold))


def evaluate(project: Project | str | None = None, *, held_out: bool = True,
             sources: list[str] | None = None) -> Evaluation:
    """Precision and recall of entities and statements, per source and in total."""
    project = project if isinstance(project, Project) else projects.find(project)
    onto = ontology.load(project.ontology_dir)
    data = curated.read(project.data_dir, project.root)
    inverse = _inverses(onto)
    family = {name: set(onto.families(name)) & set(FAMILIES) for name in onto.relations}

    def strict(p, g):
        return (p[1] == g[1] and p[0] == g[0] and p[2] == g[2]) or (
            inverse.get(p[1]) == g[1] and p[0] == g[2] and p[2] == g[0])

    def related(p, g):
        if strict(p, g):
            return True
        same_way = p[0] == g[0] and p[2] == g[2]
        swapped = p[0] == g[2] and p[2] == g[0] and inverse.get(p[1]) is not None
        rel = inverse[p[1]] if swapped and not same_way else p[1]
        return (same_way or swapped) and bool(family.get(rel, set()) & family.get(g[1], set()))

    results = []
    total = Result("total")
    for sid in sources or sorted(data.sources):
        src = data.sources[sid]
        statements = [st for st in data.statements.values() if st.source == sid and st.object in data.entities]
        gold_ids = {x for st in data.statements.values() if st.source == sid
                    for x in (st.subject, st.object, st.via) if x in data.entities}
        found = extract(src.text, date=src.date, known=_known_for(data, sid, held_out), onto=onto)
        aligned = _align(found, gold_ids, data, sid, onto, src.text)
        predicted = set(found.entities)
        claims = {g for g in gold_ids if _kind(onto, data.entities[g].type) == "claim"}
        result = Result(sid)
        result.entities = _score_entities(predicted, gold_ids, aligned)
        result.named = _score_entities({p for p in predicted if _kind(onto, found.entities[p].type) != "claim"},
                                       gold_ids - claims, aligned)
        gold = {(st.subject, st.relation, st.object) for st in statements}
        mine = {(aligned.get(s.subject, "?" + s.subject), s.relation, aligned.get(s.object, "?" + s.object))
                for s in found.statements}
        result.strict = _score_statements(mine, gold, strict)
        result.family = _score_statements(mine, gold, related)
        for name in ("entities", "named", "strict", "family"):
            getattr(total, name).__iadd__(getattr(result, name))
        results.append(result)
    return Evaluation(held_out, results, total)
