"""Turn curated records into RDF quads: a direct edge and a statement record per relation."""

from __future__ import annotations

from typing import Iterator

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from .curated import Curated, Loc
from .namespace import ENT, KG, PROV, SRC, STMT, WD
from .text import clean

_DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}


def _nn(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def date_literal(value: str) -> ox.Literal:
    """`2025`, `2025-02` or `2025-02-07` as xsd:gYear, xsd:gYearMonth or xsd:date."""
    return ox.Literal(value, datatype=_nn(_DATE_TYPES[len(value)]))


def _number(value: int | float) -> ox.Literal:
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_nn(XSD.integer))
    return ox.Literal(repr(value), datatype=_nn(XSD.decimal))


def locations(data: Curated) -> dict[str, tuple[Loc, str]]:
    """Per subject IRI, where in data/ it was defined and its id (to locate shape violations)."""
    where = {str(SRC[s.id]): (s.loc, s.id) for s in data.sources.values()}
    where.update({str(ENT[e.id]): (e.loc, e.id) for e in data.entities.values()})
    where.update({str(STMT[s.id]): (s.loc, s.id) for s in data.statements.values()})
    return where


def _triple(s, p, o) -> ox.Quad | None:
    if o is None:
        return None
    if not isinstance(o, (ox.NamedNode, ox.Literal)):
        o = ox.Literal(str(o))
    return ox.Quad(s, _nn(p), o)


def assemble(data: Curated) -> Iterator[ox.Quad]:
    """The quads of `data`: sources, entities, and per statement a direct edge and its record."""
    for quad in _quads(data):
        if quad is not None:
            yield quad


def _quads(data: Curated) -> Iterator[ox.Quad | None]:
    t = _triple
    type_ = RDF.type

    for src in data.sources.values():
        node = _nn(SRC[src.id])
        yield t(node, type_, _nn(KG.SourceDocument))
        yield t(node, RDFS.label, clean(src.title))
        yield t(node, KG.fullText, src.text)
        yield t(node, KG.outlet, src.outlet)
        yield t(node, KG.author, src.author)
        yield t(node, KG.published, date_literal(src.date) if src.date else None)
        yield t(node, KG.dateBasis, src.date_basis)
        yield t(node, KG.seedFile, src.seed)

    for ent in data.entities.values():
        node = _nn(ENT[ent.id])
        yield t(node, type_, _nn(KG[ent.type]))
        yield t(node, RDFS.label, ent.label)
        for alias in ent.aliases:
            if alias != ent.label:
                yield t(node, SKOS.altLabel, alias)
        yield t(node, KG.description, ent.description)
        if ent.wikidata:
            yield t(node, KG.wikidata, _nn(WD[ent.wikidata]))

    for st in data.statements.values():
        node = _nn(STMT[st.id])
        subject = _nn(ENT[st.subject])
        predicate = _nn(KG[st.relation])
        obj = _nn(ENT[st.object]) if st.object is not None else _number(st.value)
        yield ox.Quad(subject, predicate, obj)
        yield t(node, type_, _nn(KG.Statement))
        yield t(node, RDF.subject, subject)
        yield t(node, RDF.predicate, predicate)
        yield t(node, RDF.object, obj)
        yield t(node, PROV.wasDerivedFrom, _nn(SRC[st.source]))
        yield t(node, KG.quote, st.quote)
        yield t(node, KG.displayQuote, clean(st.quote))
        if st.start_offset is not None:
            yield t(node, KG.startOffset, _number(st.start_offset))
            yield t(node, KG.endOffset, _number(st.end_offset))
        yield t(node, KG.confidence, _nn(KG.Implied if st.confidence == "implied" else KG.Explicit))
        for attr, prop in (("date", KG.eventDate), ("start", KG.startDate), ("end", KG.endDate)):
            value = getattr(st, attr)
            yield t(node, prop, date_literal(value) if value else None)
        yield t(node, KG.title, st.title)
        yield t(node, KG.manner, st.manner)
        yield t(node, KG.unit, st.unit)
        yield t(node, KG.note, st.note)
        yield t(node, KG.via, _nn(ENT[st.via]) if st.via else None)
