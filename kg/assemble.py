"""Turn curated records into RDF quads: a direct edge and a statement record per relation."""

from __future__ import annotations

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


class _Triples:
    def __init__(self):
        self.quads: list[ox.Quad] = []

    def add(self, s, p, o) -> None:
        if o is None:
            return
        if not isinstance(o, (ox.NamedNode, ox.Literal)):
            o = ox.Literal(str(o))
        self.quads.append(ox.Quad(s, _nn(p), o))


def assemble(data: Curated) -> tuple[list[ox.Quad], dict[str, tuple[Loc, str]]]:
    """Return the quads of `data` and, per subject IRI, where in data/ it was defined."""
    t = _Triples()
    where: dict[str, tuple[Loc, str]] = {}
    type_ = RDF.type

    for src in data.sources.values():
        node = _nn(SRC[src.id])
        where[node.value] = (src.loc, src.id)
        t.add(node, type_, _nn(KG.SourceDocument))
        t.add(node, RDFS.label, clean(src.title))
        t.add(node, KG.fullText, src.text)
        t.add(node, KG.outlet, src.outlet)
        t.add(node, KG.author, src.author)
        t.add(node, KG.published, date_literal(src.date) if src.date else None)
        t.add(node, KG.dateBasis, src.date_basis)
        t.add(node, KG.seedFile, src.seed)

    for ent in data.entities.values():
        node = _nn(ENT[ent.id])
        where[node.value] = (ent.loc, ent.id)
        t.add(node, type_, _nn(KG[ent.type]))
        t.add(node, RDFS.label, ent.label)
        for alias in ent.aliases:
            if alias != ent.label:
                t.add(node, SKOS.altLabel, alias)
        t.add(node, KG.description, ent.description)
        if ent.wikidata:
            t.add(node, KG.wikidata, _nn(WD[ent.wikidata]))

    for st in data.statements.values():
        node = _nn(STMT[st.id])
        where[node.value] = (st.loc, st.id)
        subject = _nn(ENT[st.subject])
        predicate = _nn(KG[st.relation])
        obj = _nn(ENT[st.object]) if st.object is not None else _number(st.value)
        t.quads.append(ox.Quad(subject, predicate, obj))
        t.add(node, type_, _nn(KG.Statement))
        t.add(node, RDF.subject, subject)
        t.add(node, RDF.predicate, predicate)
        t.add(node, RDF.object, obj)
        t.add(node, PROV.wasDerivedFrom, _nn(SRC[st.source]))
        t.add(node, KG.quote, st.quote)
        t.add(node, KG.displayQuote, clean(st.quote))
        if st.start_offset is not None:
            t.add(node, KG.startOffset, _number(st.start_offset))
            t.add(node, KG.endOffset, _number(st.end_offset))
        t.add(node, KG.confidence, _nn(KG.Implied if st.confidence == "implied" else KG.Explicit))
        for attr, prop in (("date", KG.eventDate), ("start", KG.startDate), ("end", KG.endDate)):
            value = getattr(st, attr)
            t.add(node, prop, date_literal(value) if value else None)
        t.add(node, KG.title, st.title)
        t.add(node, KG.manner, st.manner)
        t.add(node, KG.unit, st.unit)
        t.add(node, KG.note, st.note)
        t.add(node, KG.via, _nn(ENT[st.via]) if st.via else None)
    return t.quads, where
