"""Check curated records against the ontology and the sources; every problem knows its line.

The SHACL shapes are checked on the assembled graph by `shapes_problems`.
"""

from __future__ import annotations

import difflib
import re

import pyoxigraph as ox

from ..errors import Problem
from ..namespace import K
from ..ontology import Ontology, RelationInfo
from ..text import clean
from ..validtime import date_span
from .curated import Curated, Loc, Statement

RANKS = ("preferred", "normal", "deprecated")
#: Relations a judge qualifier may go with: a court's rulings.
RULINGS = (K.ruledOn, K.ruledFor, K.ruledAgainst)

WIKIDATA_RE = re.compile(r"^Q[1-9]\d*\Z")  # \Z: "$" would let "Q42\n" through

#: Values of a statement's `mode:` (kg:Mode in ontology/kg.ttl); no mode: the act was done.
MODES = (K.threatened, "planned", "attempted", "denied", "hypothetical")


def _did_you_mean(word: str, choices) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _problem(rule, message, loc: Loc, entity=None, hint=None) -> Problem:
    return Problem(rule, message, loc.file, loc.line, entity, hint)


def locate_quote(st: Statement, text: str) -> tuple[int, int] | None:
    """Offsets of the statement's quote (its `occurrence`-th appearance) in `text`."""
    at = -1
    for _ in range(st.occurrence):
        at = text.find(st.quote, at + 1)
        if at < 0:
            return None
    return at, at + len(st.quote)


def _excerpt(quote: str) -> str:
    """The quote's start and end (where a stray quote mark usually is), within about 60 characters."""
    return repr(quote if len(quote) <= 60 else f"{quote[:40]} ... {quote[-16:]}")


def _quote_hint(quote: str, text: str) -> str:
    stray = quote.strip("\"'")
    if stray != quote and stray and stray in text:
        return ("a quote mark at its start or end is not in the source: a value's opening quote is missing, "
                "or a closing one is left over; quote the whole value, or drop the mark")
    folded = " ".join(quote.split())
    if folded and folded in " ".join(text.split()):
        return "the words are there but the spacing or line breaks differ; copy the span exactly"
    if quote.lower() in text.lower():
        return "the text differs only in letter case; copy the span exactly"
    if clean(quote) in clean(text) and quote not in text:
        return "the source has damaged characters here; quote them as stored (e.g. 'â')"
    return "copy the quote character for character from the source file, on one line"


def check(data: Curated, onto: Ontology) -> list[Problem]:
    """Reference, type, relation, quote and domain/range checks; sets statement offsets."""
    problems: list[Problem] = []
    classes = onto.entity_classes
    for ent in data.entities.values():
        if ent.type not in classes:
            problems.append(_problem("unknown-type", f"type '{ent.type}' is not a class of the ontology",
                                     ent.loc, ent.id, _did_you_mean(ent.type, classes)
                                     or "see the classes in ontology/kg.ttl"))
        if ent.wikidata is not None and not WIKIDATA_RE.match(ent.wikidata):
            problems.append(_problem("schema", f"wikidata '{ent.wikidata}' is not a Q-identifier",
                                     ent.loc, ent.id, "write it as Q123, verified on Wikidata"))

    for st in data.statements.values():
        rel = onto.relations.get(st.relation)
        problems.extend(_fields(st, rel, onto))
        problems.extend(_references(st, rel, data, onto))
        source = data.sources[st.source]
        found = locate_quote(st, source.text)
        if found is None:
            problems.append(_problem("quote-not-found",
                                     f"quote is not in source '{st.source}': {_excerpt(st.quote)}",
                                     st.loc, st.id, _quote_hint(st.quote, source.text)))
        else:
            st.start_offset, st.end_offset = found
        if rel is not None and not rel.datatype:
            problems.extend(_domain_range(st, rel, data, onto))
        problems.extend(_rank(st))
        problems.extend(_valid_time(st, rel, source.date))
        problems.extend(_judge(st, data, onto))
    return problems


def _fields(st: Statement, rel: RelationInfo | None, onto: Ontology) -> list[Problem]:
    """A statement's relation, mode, threatened act and confidence: each one the schema allows."""
    problems = []
    relations = onto.relations
    if rel is None:
        problems.append(_problem("unknown-relation",
                                 f"relation '{st.relation}' is not in the ontology", st.loc,
                                 st.id, _did_you_mean(st.relation, relations)
                                 or "see the relations in ontology/kg.ttl"))
    elif rel.datatype != (st.value is not None):
        want = "value: <number>" if rel.datatype else "object: <entity id>"
        problems.append(_problem("schema", f"relation '{st.relation}' takes {want}", st.loc,
                                 st.id, f"write '{want}'"))
    if st.mode is not None and st.mode not in MODES:
        problems.append(_problem("schema", f"mode '{st.mode}' is not one of {', '.join(MODES)}",
                                 st.loc, st.id, "leave mode out when the act was done"))
    if st.threatens is not None and (st.relation != "threatened" or st.threatens not in relations):
        problems.append(_problem("schema", f"threatens '{st.threatens}' must name a relation of the ontology, "
                                 "on a 'threatened' statement", st.loc, st.id,
                                 _did_you_mean(st.threatens, relations) or "e.g. threatens: withheldFunding"))
    if st.confidence not in ("explicit", "implied"):
        problems.append(_problem("schema", f"confidence '{st.confidence}' is not explicit or implied",
                                 st.loc, st.id, "use 'explicit' or 'implied'"))
    return problems


def _references(st: Statement, rel: RelationInfo | None, data: Curated, onto: Ontology) -> list[Problem]:
    """The entities a statement names exist; an object from a closed list is one of its members."""
    problems = []
    members = onto.enumerations.get(rel.range) if rel is not None else None
    if members is not None and st.object is not None and st.object not in members:
        problems.append(_problem("range", f"'{st.relation}' takes one of {', '.join(members)} as "
                                 f"object, not '{st.object}'", st.loc, st.id,
                                 _did_you_mean(st.object, members) or "see ontology/kg.ttl"))
    for role in ("subject", "object", "via", "judge"):
        ref = getattr(st, role)
        if role == "object" and members is not None:
            continue
        if ref is not None and ref not in data.entities:
            problems.append(_problem("unknown-entity",
                                     f"{role} '{ref}' is not defined in data/entities/", st.loc,
                                     st.id, _did_you_mean(ref, data.entities)
                                     or "define it in a file of data/entities/"))
    return problems


def _rank(st: Statement) -> list[Problem]:
    """Wikidata's ranks: a deprecated statement says why; a reason goes with a rank."""
    status = st.status or "normal"
    if status not in RANKS:
        return [_problem("rank", f"status '{status}' is not preferred, normal or deprecated", st.loc,
                         st.id, _did_you_mean(status, RANKS) or "use preferred, normal or deprecated")]
    if status == "deprecated" and not st.reason:
        return [_problem("rank", "a deprecated statement needs a reason", st.loc, st.id,
                         "add 'reason:', e.g. 'source error'")]
    if status == "normal" and st.reason:
        return [_problem("rank", "'reason' explains a preferred or deprecated status, and this one is normal",
                         st.loc, st.id, "add 'status: deprecated' (or preferred), or drop 'reason'")]
    return []


def _valid_time(st: Statement, rel, published: str | None) -> list[Problem]:
    """Valid time that can be true: a span only for a state, an end not before its start, a date
    within the span, and no act dated after the source that reports it was published."""
    out = []
    if rel is not None and not rel.state and (st.start or st.end or st.latest_end):
        out.append(_problem("valid-time", f"'{st.relation}' is an act, at a point in time; 'start', "
                            "'end' and 'latest_end' are the span of a state (holdsRole, memberOf, caseStatus, ...)",
                            st.loc, st.id, "give when it happened as 'date'"))
        return out
    if st.start and st.end and date_span(st.start)[0] > date_span(st.end)[1]:
        out.append(_problem("valid-time", f"end {st.end} is before start {st.start}", st.loc, st.id,
                            "check both dates against the text"))
        return out
    if st.latest_end and ((st.end and date_span(st.end)[0] > date_span(st.latest_end)[1])
                          or (lower := st.start or st.date) and date_span(lower)[0] > date_span(st.latest_end)[1]):
        out.append(_problem("valid-time", f"latest_end {st.latest_end} is before the state began or ended",
                            st.loc, st.id, "latest_end bounds an undated end; check the dates"))
        return out
    if st.date and ((st.start and date_span(st.date)[1] < date_span(st.start)[0])
                    or (st.end and date_span(st.date)[0] > date_span(st.end)[1])):
        out.append(_problem("valid-time", f"date {st.date} lies outside start {st.start or '?'} - end "
                            f"{st.end or '?'}", st.loc, st.id,
                            "the date is when the text says the state held; check the dates"))
    if rel is not None and not rel.state and st.date and published \
            and date_span(st.date)[0] > date_span(published)[1]:
        out.append(_problem("valid-time", f"dated {st.date}, after its source was published ({published}): "
                            "an act reported cannot have happened later", st.loc, st.id,
                            "a planned or threatened act is a threat or a plan, not the act; "
                            "or fix the date"))
    return out


def _judge(st: Statement, data: Curated, onto: Ontology) -> list[Problem]:
    if st.judge is None:
        return []
    if st.relation not in RULINGS:
        return [_problem("schema", f"'judge' qualifies a ruling ({', '.join(RULINGS)}), not "
                         f"'{st.relation}'", st.loc, st.id, "drop 'judge', or make it a ruling")]
    ent = data.entities.get(st.judge)
    if ent is not None and ent.type in onto.class_parents and not onto.is_a(ent.type, K.Person):
        return [_problem("range", f"judge '{st.judge}' is a {ent.type}, not a Person", st.loc, st.id,
                         "the court is the statement's subject; the judge is a person")]
    return []


def _domain_range(st: Statement, rel, data: Curated, onto: Ontology) -> list[Problem]:
    out = []
    for role, want in (("subject", rel.domain), ("object", rel.range)):
        ent = data.entities.get(getattr(st, role))
        if ent is None or want is None or ent.type not in onto.class_parents:
            continue
        if not onto.is_a(ent.type, want):
            rule = "domain" if role == "subject" else "range"
            out.append(_problem(rule, f"'{st.relation}' takes a {want} as {role}, but "
                                f"'{ent.id}' is a {ent.type}", st.loc, st.id,
                                "use another relation, or fix the entity's type"))
    return out


def shapes_problems(store: ox.Store, shapes_path, data: Curated, full: bool = False, checker=None) -> list[Problem]:
    """Check the assembled graph in `store` against the SHACL shapes; locate each violation.

    By default kg.builder.shacl checks them (`checker`: one that has read the graph's lines as
    they were written); `full` runs pySHACL instead.
    """
    from .assemble import locations

    if full:
        violations = _pyshacl_violations(store, shapes_path)
    elif checker is not None:
        violations = checker.finish(store)
    else:
        from . import shacl

        violations = shacl.validate(store, shapes_path)
    if not violations:
        return []
    where = locations(data)
    problems = []
    for v in sorted(set(violations), key=lambda v: (v.focus, v.path or "")):
        loc, ident = where.get(v.focus, (None, v.focus))
        path = f" ({v.path.rsplit('/', 1)[-1].rsplit('#', 1)[-1]})" if v.path else ""
        problems.append(Problem("shacl", v.message + path, loc.file if loc else None,
                                loc.line if loc else None, ident,
                                "see ontology/shapes.ttl for the rule"))
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0))


def _pyshacl_violations(store: ox.Store, shapes_path):
    import pyshacl
    import rdflib

    from .shacl import Violation

    data_graph = rdflib.Graph()
    data_graph.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
                     .decode("utf-8"), format="nt")
    shapes = rdflib.Graph().parse(str(shapes_path), format="turtle")
    conforms, results, _ = pyshacl.validate(data_graph, shacl_graph=shapes, inference="none")
    if conforms:
        return []
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    out = []
    # Only the report's own results: nested sh:detail results describe the same violation.
    for result in results.objects(None, SH.result):
        path = results.value(result, SH.resultPath)
        out.append(Violation(str(results.value(result, SH.focusNode)), str(path) if path else None,
                             str(results.value(result, SH.resultMessage) or "shape violated"),
                             str(results.value(result, SH.sourceConstraintComponent))))
    return out
