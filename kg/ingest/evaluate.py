"""Score `kg ingest` against the curated statements of the stored articles (`kg evaluate`).

Each source is ingested from its stored text with the article date of data/sources.yaml.
By default the known entities are held out: only entities that other sources' statements use
are known, with only the aliases that occur in other sources' texts, as if the article were
new. `held_out=False` knows the whole curated data instead (an upper bound).

Matching:
- an entity the extractor found as a known one matches itself; a new one matches the curated
  entity of this source sharing a normalised surface form (label or alias; case, 'the' and
  possessive ignored); a new claim, lawsuit, document, study or event matches a curated one of
  the same kind whose statements quote a sentence it stands in (where it was introduced or named
  again) and whose label shares a content word with it. Matching is one to one.
- a statement (subject, relation, object) matches a curated one with the same matched subject
  and object and the same relation, or its inverse with the sides swapped ('strict'); 'family'
  also accepts another relation of the same family (opposes, supports, legalAction,
  policyAction, affiliation, communication), so 'threatened' for 'targeted' counts.
- statements with a value (count, amount) are left out: the extractor does not propose them.
- 'as_act' counts a threat, plan, attempt, refusal or condition recorded as the act: a proposed
  statement without a mode that matches no curated one, quoting a sentence in which the curated
  data records, between the same two entities, a threat, demand, refusal or defiance, a statement
  with a mode, or a relation of the other polarity. The aim is 0.

Fixtures: `fixtures=DIR` scores the articles of another project (DIR or DIR/data holding
sources.yaml, sources/, entities/ and statements/), read with this project's ontology unless DIR
has its own. A file `held-out.txt` beside that data/ lists sources (one a line) never looked at
while the rules were written; they are totalled separately.

>>> report = evaluate()
>>> 0 < report.total.family.recall <= 1
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import ontology
from .. import project as projects
from ..builder import curated
from ..builder.validate import locate_quote
from ..errors import KGError, ValidationError
from ..namespace import KG, K
from ..project import Project
from ..text import clean
from . import extract, titles_of
from .forms import norm

FAMILIES = (K.opposes, K.supports, K.legalAction, K.policyAction, K.affiliation, K.communication)
_KINDS = {K.Claim: "claim", K.Lawsuit: "lawsuit", K.Policy: "document", K.Study: "study", K.Event: "event"}
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
    as_act: int = 0  # threats, plans, refusals ... recorded as the act
    #: (kind, subject, relation, object, rule, sentence): 'missed' curated statements and
    #: 'wrong' proposals (strict matching), for `kg evaluate --misses`.
    misses: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)

    def add(self, other: Result) -> None:
        for name in ("entities", "named", "strict", "family"):
            getattr(self, name).__iadd__(getattr(other, name))
        self.as_act += other.as_act


@dataclass
class Evaluation:
    held_out: bool
    sources: list[Result]
    total: Result
    #: Subtotals when some sources are marked held out: 'seen' and 'held out'.
    subtotals: list[Result] = field(default_factory=list)

    COLUMNS = ["source", "entity_P", "entity_R", "named_P", "named_R", "statements_gold",
               "statements_predicted", "strict_P", "strict_R", "family_P", "family_R", "as_act"]

    def rows(self) -> list[list]:
        out = []
        for r in [*self.sources, *self.subtotals, self.total]:
            out.append([r.source, *(round(x, 3) for x in (r.entities.precision, r.entities.recall,
                                                           r.named.precision, r.named.recall)),
                        r.family.gold, r.family.predicted,
                        *(round(x, 3) for x in (r.strict.precision, r.strict.recall,
                                                r.family.precision, r.family.recall)), r.as_act])
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
    # the sentences each candidate stands in: where it was introduced and where it is named again
    # ('the city's sanctuary ordinance' ... 'the ordinance, approved by the council')
    named_in: dict[str, list[tuple[int, int]]] = {}
    for m in found.mentions:
        sentence = next((s for s in found.sentences if s.start <= m.start < s.end), None)
        if sentence is not None:
            named_in.setdefault(m.entity, []).append(found.original_span(sentence.start, sentence.end))
    for ident, cand in found.entities.items():
        if ident in aligned or cand.evidence is None or _kind(onto, cand.type) is None:
            continue
        spans = [found.original_span(*cand.evidence), *named_in.get(ident, [])]
        for g in gold_ids - taken:
            if _kind(onto, data.entities[g].type) != _kind(onto, cand.type):
                continue
            if not any(a < end and start < b for a, b in quotes.get(g, []) for start, end in spans):
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


def fixture_data(folder: str | Path) -> Path:
    """The data/ folder of a fixture project given as DIR or DIR/data."""
    folder = Path(folder)
    for candidate in (folder / "data", folder):
        if (candidate / "sources.yaml").is_file():
            return candidate
    raise KGError(f"{folder}: no sources.yaml in it or in its data/",
                  hint="point --fixtures at a kg project (or its data/ folder)")


def held_out_sources(data_dir: Path) -> set[str]:
    """Sources listed in held-out.txt beside data/ (never looked at while writing rules)."""
    path = data_dir.parent / "held-out.txt"
    if not path.is_file():
        return set()
    return {line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()} - {""}


def _as_act(found, statements, mine_by_sentence, data, onto, text) -> int:
    """Proposed act statements that record a threat, plan, refusal or condition as the act."""
    modal = {K.threatened, K.demanded, K.refusedToCooperate, K.defied}
    gold_spans = [(st, locate_quote(st, text)) for st in statements]
    count = 0
    for (subject, relation, obj, span, mode, correct) in mine_by_sentence:
        if correct or mode:
            continue
        mine_polarity = onto.relations[relation].polarity if relation in onto.relations else None
        for st, where in gold_spans:
            if where is None or not (where[0] < span[1] and span[0] < where[1]):
                continue
            if {st.subject, st.object} != {subject, obj}:
                continue
            gold_polarity = onto.relations[st.relation].polarity if st.relation in onto.relations else None
            if st.relation in modal or st.mode or (
                    {mine_polarity, gold_polarity} == {"hostile", "cooperative"}):
                count += 1
                break
    return count


def _misses(found, statements, gold, aligned, strict, text) -> list[tuple[str, str, str, str, str, str]]:
    """Curated statements no proposal matches and proposals no curated statement matches."""
    out = []
    predicted = [((aligned.get(s.subject, "?" + s.subject), s.relation, aligned.get(s.object, "?" + s.object)), s)
                 for s in found.statements]
    for st in statements:
        triple = (st.subject, st.relation, st.object)
        if not any(strict(p, triple) for p, _ in predicted):
            span = locate_quote(st, text)
            out.append(("missed", *triple, "", " ".join((text[span[0]:span[1]] if span else st.quote or "").split())))
    listed = set()
    for triple, st in predicted:
        # one row a triple, as scored: the same wrong fact said twice (in two modes, say) is one
        if triple not in listed and not any(strict(triple, g) for g in gold):
            listed.add(triple)
            mode = f" [{st.mode}]" if getattr(st, "mode", None) else ""
            out.append(("wrong", *triple, st.rule + mode, " ".join(st.sentence.text.split())))
    return out


def evaluate(project: Project | str | None = None, *, held_out: bool = True,
             sources: list[str] | None = None, fixtures: str | Path | None = None) -> Evaluation:
    """Precision and recall of entities and statements, per source and in total."""
    project = project if isinstance(project, Project) else projects.find(project)
    data_dir, root, onto_dir = project.data_dir, project.root, project.ontology_dir
    if fixtures is not None:
        data_dir = fixture_data(fixtures)
        root = data_dir.parent
        if (root / "ontology" / "kg.ttl").is_file():
            onto_dir = root / "ontology"
    onto = ontology.load(onto_dir)
    data = curated.read(data_dir, root)
    if data.problems:
        raise ValidationError(data.problems)
    unseen = held_out_sources(data_dir)
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
        known = _known_for(data, sid, held_out)
        roles = titles_of(st for st in data.statements.values() if (st.source != sid or not held_out)
                          and st.subject in known)
        found = extract(src.text, date=src.date, known=known, onto=onto, roles=roles)
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
        proposed = []
        for st in found.statements:
            triple = (aligned.get(st.subject, "?" + st.subject), st.relation, aligned.get(st.object, "?" + st.object))
            span = found.original_span(st.sentence.start, st.sentence.end)
            proposed.append((*triple, span, getattr(st, "mode", None), any(strict(triple, g) for g in gold)))
        result.as_act = _as_act(found, statements, proposed, data, onto, src.text)
        result.misses = _misses(found, statements, gold, aligned, strict, src.text)
        if sid in unseen:
            result.source = sid + " (held out)"
        total.add(result)
        results.append(result)
    subtotals = []
    if unseen & {r.source.removesuffix(" (held out)") for r in results}:
        seen_total, unseen_total = Result("total seen"), Result("total held out")
        for r in results:
            (unseen_total if r.source.endswith("(held out)") else seen_total).add(r)
        subtotals = [seen_total, unseen_total]
    return Evaluation(held_out, results, total, subtotals)
