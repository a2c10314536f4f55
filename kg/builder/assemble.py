"""Turn curated records into RDF: a direct edge and a statement record per relation.

The output is N-Triples text, streamed: Oxigraph bulk-loads it far faster than it takes Python
quad objects, and the same text is the build's dump.
"""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring

from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ..namespace import ENT, KG, PROV, SRC, STMT, WD
from ..text import clean
from .curated import Curated, Loc

_DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}


def locations(data: Curated) -> dict[str, tuple[Loc, str]]:
    """Per subject IRI, where in data/ it was defined and its id (to locate shape violations)."""
    where = {str(SRC[s.id]): (s.loc, s.id) for s in data.sources.values()}
    where.update({str(ENT[e.id]): (e.loc, e.id) for e in data.entities.values()})
    where.update({str(STMT[s.id]): (s.loc, s.id) for s in data.statements.values()})
    return where


def _iri(value) -> str:
    # Every IRI here is built from a namespace and an id that kg.values.is_id has vetted.
    return f"<{value}>"


def _text(value: str) -> str:
    # JSON string escapes (\\", \\\\, \\n, \\uXXXX ...) are all valid N-Triples escapes; this is
    # json.dumps(value, ensure_ascii=False) without its overhead (C, one call).
    return encode_basestring(value)


def _typed(lexical: str, datatype) -> str:
    return f'"{lexical}"^^<{datatype}>'


def _date(value: str) -> str:
    return _typed(value, _DATE_TYPES[len(value)])


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return _typed(str(value), XSD.integer)
    return _typed(repr(value), XSD.decimal)


def ntriples(data: Curated) -> Iterator[str]:
    """N-Triples text for `data`: a line per source and entity triple, and per statement one
    string holding its edge and its record."""
    yield from _sources(data)
    yield from _entities(data)
    yield from _statements(data)


def _line(s: str, p, o: str | None) -> str:
    return f"{s} {_iri(p)} {o} .\n"


def _sources(data: Curated) -> Iterator[str]:
    a, label = _iri(RDF.type), _iri(RDFS.label)
    for src in data.sources.values():
        node = _iri(SRC[src.id])
        yield f"{node} {a} {_iri(KG.SourceDocument)} .\n"
        yield f"{node} {label} {_text(clean(src.title))} .\n"
        yield _line(node, KG.fullText, _text(src.text))
        for prop, value in ((KG.outlet, src.outlet), (KG.author, src.author),
                            (KG.dateBasis, src.date_basis), (KG.seedFile, src.seed)):
            if value:
                yield _line(node, prop, _text(value))
        if src.date:
            yield _line(node, KG.published, _date(src.date))


def _entities(data: Curated) -> Iterator[str]:
    a, label = _iri(RDF.type), _iri(RDFS.label)
    for ent in data.entities.values():
        node = _iri(ENT[ent.id])
        yield f"{node} {a} {_iri(KG[ent.type])} .\n"
        yield f"{node} {label} {_text(ent.label)} .\n"
        for alias in ent.aliases:
            if alias != ent.label:
                yield _line(node, SKOS.altLabel, _text(alias))
        if ent.description:
            yield _line(node, KG.description, _text(ent.description))
        if ent.wikidata:
            yield _line(node, KG.wikidata, _iri(WD[ent.wikidata]))


def _statements(data: Curated) -> Iterator[str]:
    a = _iri(RDF.type)
    # Per statement, the lines every record has are one string, and each IRI is written from
    # a prefix made once: at a million triples this is most of the build's own Python work.
    a_statement = f"{a} {_iri(KG.Statement)} .\n"
    p_subject, p_predicate, p_object = _iri(RDF.subject), _iri(RDF.predicate), _iri(RDF.object)
    p_source, p_quote, p_display = _iri(PROV.wasDerivedFrom), _iri(KG.quote), _iri(KG.displayQuote)
    p_start, p_end, p_confidence = _iri(KG.startOffset), _iri(KG.endOffset), _iri(KG.confidence)
    integer = f"^^<{XSD.integer}>"
    level = {"implied": _iri(KG.Implied)}
    explicit = _iri(KG.Explicit)
    dates = [(_iri(KG.eventDate), "date"), (_iri(KG.startDate), "start"), (_iri(KG.endDate), "end"),
             (_iri(KG.latestEnd), "latest_end")]
    texts = [(_iri(KG.title), "title"), (_iri(KG.manner), "manner"), (_iri(KG.unit), "unit"),
             (_iri(KG.note), "note")]
    p_via, p_mode, p_judge, p_threatens = _iri(KG.via), _iri(KG.mode), _iri(KG.judge), _iri(KG.threatensAct)
    p_rank, p_reason = _iri(KG.rank), _iri(KG.rankReason)
    ranks = {"preferred": _iri(KG.PreferredRank), "deprecated": _iri(KG.DeprecatedRank)}
    normal = _iri(KG.NormalRank)
    stmt, ent, src, kg = f"<{STMT}", f"<{ENT}", f"<{SRC}", f"<{KG}"
    for st in data.statements.values():
        node = f"{stmt}{st.id}>"
        subject, predicate = f"{ent}{st.subject}>", f"{kg}{st.relation}>"
        if st.object is None:
            assert st.value is not None, "validation gives a statement an object or a value"
            obj = _number(st.value)
        else:
            # An object that is no entity is a value of a closed list of the ontology (a case
            # status): validation allows nothing else.
            obj = f"{ent}{st.object}>" if st.object in data.entities else f"{kg}{st.object}>"
        rank = st.status or "normal"
        # As Wikidata's truthy triples: a deprecated statement keeps its record, not its edge;
        # and a threatened, planned, ... act (a mode) is a record only, never the edge.
        edge = rank != "deprecated" and st.mode is None
        record = (f"{subject} {predicate} {obj} .\n" if edge else "") + (
                  f"{node} {a_statement}"
                  f"{node} {p_subject} {subject} .\n{node} {p_predicate} {predicate} .\n"
                  f"{node} {p_object} {obj} .\n{node} {p_source} {src}{st.source}> .\n"
                  f"{node} {p_quote} {_text(st.quote)} .\n{node} {p_display} {_text(clean(st.quote))} .\n")
        if st.start_offset is not None:
            record += (f'{node} {p_start} "{st.start_offset}"{integer} .\n'
                       f'{node} {p_end} "{st.end_offset}"{integer} .\n')
        record += f"{node} {p_confidence} {level.get(st.confidence, explicit)} .\n"
        if st.mode:
            record += f"{node} {p_mode} {kg}{st.mode.capitalize()}> .\n"
        for prop, name in dates:
            value = getattr(st, name)
            if value:
                record += f"{node} {prop} {_date(value)} .\n"
        for prop, name in texts:
            value = getattr(st, name)
            if value:
                record += f"{node} {prop} {_text(value)} .\n"
        if st.via:
            record += f"{node} {p_via} {ent}{st.via}> .\n"
        if st.judge:
            record += f"{node} {p_judge} {ent}{st.judge}> .\n"
        if st.threatens:
            record += f"{node} {p_threatens} {kg}{st.threatens}> .\n"
        # Normal is the default and is written too, so that a query can ask for it plainly.
        record += f"{node} {p_rank} {ranks.get(rank, normal)} .\n"
        if st.reason:
            record += f"{node} {p_reason} {_text(st.reason)} .\n"
        yield record
