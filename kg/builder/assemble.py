"""Turn curated records into RDF: a direct edge and a statement record per relation.

The output is N-Triples text, streamed: Oxigraph bulk-loads it far faster than it takes Python
quad objects, and the same text is the build's dump.
"""

from __future__ import annotations

import json
from typing import Iterator

from rdflib.namespace import RDF, RDFS, SKOS, XSD

from .curated import Curated, Loc
from ..namespace import ENT, KG, PROV, SRC, STMT, WD
from ..text import clean

_DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}


def date_literal(value: str):
    """`2025`, `2025-02` or `2025-02-07` as a pyoxigraph xsd:gYear, gYearMonth or date literal."""
    import pyoxigraph as ox

    return ox.Literal(value, datatype=ox.NamedNode(str(_DATE_TYPES[len(value)])))


def locations(data: Curated) -> dict[str, tuple[Loc, str]]:
    """Per subject IRI, where in data/ it was defined and its id (to locate shape violations)."""
    where = {str(SRC[s.id]): (s.loc, s.id) for s in data.sources.values()}
    where.update({str(ENT[e.id]): (e.loc, e.id) for e in data.entities.values()})
    where.update({str(STMT[s.id]): (s.loc, s.id) for s in data.statements.values()})
    return where


def _iri(value) -> str:
    # Every IRI here is built from a namespace and an id that curated.ID_RE has vetted.
    return f"<{value}>"


def _text(value: str) -> str:
    # JSON string escapes (\\", \\\\, \\n, \\uXXXX ...) are all valid N-Triples escapes.
    return json.dumps(value, ensure_ascii=False)


def _typed(lexical: str, datatype) -> str:
    return f'"{lexical}"^^<{datatype}>'


def _date(value: str) -> str:
    return _typed(value, _DATE_TYPES[len(value)])


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return _typed(str(value), XSD.integer)
    return _typed(repr(value), XSD.decimal)


def ntriples(data: Curated) -> Iterator[str]:
    """N-Triples lines for `data`: sources, entities, and per statement an edge and its record."""
    a, label = _iri(RDF.type), _iri(RDFS.label)

    def line(s: str, p, o: str | None) -> str:
        return f"{s} {_iri(p)} {o} .\n"

    for src in data.sources.values():
        node = _iri(SRC[src.id])
        yield f"{node} {a} {_iri(KG.SourceDocument)} .\n"
        yield f"{node} {label} {_text(clean(src.title))} .\n"
        yield line(node, KG.fullText, _text(src.text))
        for prop, value in ((KG.outlet, src.outlet), (KG.author, src.author),
                            (KG.dateBasis, src.date_basis), (KG.seedFile, src.seed)):
            if value:
                yield line(node, prop, _text(value))
        if src.date:
            yield line(node, KG.published, _date(src.date))

    for ent in data.entities.values():
        node = _iri(ENT[ent.id])
        yield f"{node} {a} {_iri(KG[ent.type])} .\n"
        yield f"{node} {label} {_text(ent.label)} .\n"
        for alias in ent.aliases:
            if alias != ent.label:
                yield line(node, SKOS.altLabel, _text(alias))
        if ent.description:
            yield line(node, KG.description, _text(ent.description))
        if ent.wikidata:
            yield line(node, KG.wikidata, _iri(WD[ent.wikidata]))

    explicit, implied = _iri(KG.Explicit), _iri(KG.Implied)
    ranks = {"preferred": _iri(KG.PreferredRank), "deprecated": _iri(KG.DeprecatedRank)}
    for st in data.statements.values():
        node = _iri(STMT[st.id])
        subject, predicate = _iri(ENT[st.subject]), _iri(KG[st.relation])
        if st.object is None:
            obj = _number(st.value)
        else:
            # An object that is no entity is a value of a closed list of the ontology (a case
            # status): validation allows nothing else.
            obj = _iri(ENT[st.object] if st.object in data.entities else KG[st.object])
        rank = st.status or "normal"
        # As Wikidata's truthy triples: a deprecated statement keeps its record, not its edge.
        if rank != "deprecated":
            yield f"{subject} {predicate} {obj} .\n"
        yield f"{node} {a} {_iri(KG.Statement)} .\n"
        yield line(node, RDF.subject, subject)
        yield line(node, RDF.predicate, predicate)
        yield line(node, RDF.object, obj)
        yield line(node, PROV.wasDerivedFrom, _iri(SRC[st.source]))
        yield line(node, KG.quote, _text(st.quote))
        yield line(node, KG.displayQuote, _text(clean(st.quote)))
        if st.start_offset is not None:
            yield line(node, KG.startOffset, _number(st.start_offset))
            yield line(node, KG.endOffset, _number(st.end_offset))
        yield line(node, KG.confidence, implied if st.confidence == "implied" else explicit)
        for prop, value in ((KG.eventDate, st.date), (KG.startDate, st.start), (KG.endDate, st.end),
                            (KG.latestEnd, st.latest_end)):
            if value:
                yield line(node, prop, _date(value))
        for prop, value in ((KG.title, st.title), (KG.manner, st.manner), (KG.unit, st.unit),
                            (KG.note, st.note)):
            if value:
                yield line(node, prop, _text(value))
        if st.via:
            yield line(node, KG.via, _iri(ENT[st.via]))
        if st.judge:
            yield line(node, KG.judge, _iri(ENT[st.judge]))
        # Normal is the default and is written too, so that a query can ask for it plainly.
        yield line(node, KG.rank, ranks.get(rank, _iri(KG.NormalRank)))
        if st.reason:
            yield line(node, KG.rankReason, _text(st.reason))
