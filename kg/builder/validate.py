"""Check curated records against the ontology and the sources; every problem knows its line.

The SHACL shapes are checked on the assembled graph by `shapes_problems`.
"""

from __future__ import annotations

import difflib
import re

import pyoxigraph as ox

from .curated import Curated, Loc, Statement
from ..errors import Problem
from ..ontology import Ontology
from ..text import clean

WIKIDATA_RE = re.compile(r"^Q[1-9]\d*\Z")  # \Z: "$" would let "Q42\n" through

#: Values of a statement's `mode:` (kg:Mode in ontology/kg.ttl); no mode: the act was done.
MODES = ("threatened", "planned", "attempted", "denied", "hypothetical")


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


def _quote_hint(quote: str, text: str) -> str:
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

    relations = onto.relations
    for st in data.statements.values():
        rel = relations.get(st.relation)
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
        if st.confidence not in ("explicit", "implied"):
            problems.append(_problem("schema", f"confidence '{st.confidence}' is not explicit or implied",
                                     st.loc, st.id, "use 'explicit' or 'implied'"))
        for role in ("subject", "object", "via"):
            ref = getattr(st, role)
            if ref is not None and ref not in data.entities:
                problems.append(_problem("unknown-entity",
                                         f"{role} '{ref}' is not defined in data/entities/", st.loc,
                                         st.id, _did_you_mean(ref, data.entities)
                                         or "define it in a file of data/entities/"))
        source = data.sources[st.source]
        found = locate_quote(st, source.text)
        if found is None:
            problems.append(_problem("quote-not-found",
                                     f"quote is not in source '{st.source}': {st.quote[:60]!r}",
                                     st.loc, st.id, _quote_hint(st.quote, source.text)))
        else:
            st.start_offset, st.end_offset = found
        if rel is not None and not rel.datatype:
            problems.extend(_domain_range(st, rel, data, onto))
    return problems


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


def shapes_problems(store: ox.Store, shapes_path, data: Curated, full: bool = False) -> list[Problem]:
    """Check the assembled graph in `store` against the SHACL shapes; locate each violation.

    By default the shapes run as SPARQL on Oxigraph (kg.shacl); `full` runs pySHACL instead.
    """
    from .assemble import locations

    if full:
        violations = _pyshacl_violations(store, shapes_path)
    else:
        from . import shacl

        violations = shacl.validate(store, shapes_path)
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
                             str(results.value(result, SH.resultMessage) or "shape violated")))
    return out
