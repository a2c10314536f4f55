"""The RDF terms pyoxigraph gives and takes, under one name for annotations."""

from __future__ import annotations

from typing import TypeAlias

import pyoxigraph as ox

#: A subject, predicate or object as pyoxigraph has it.
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
#: What may be the subject of a triple.
Subject: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Triple


def text_of(term: Term) -> str:
    """A term's lexical form (an IRI, a blank node's label, a literal's text); a triple term as
    N-Triples text."""
    return str(term) if isinstance(term, ox.Triple) else term.value


_XSD = "http://www.w3.org/2001/XMLSchema#"
_DATE_TYPES = {4: _XSD + "gYear", 7: _XSD + "gYearMonth", 10: _XSD + "date"}


def date_literal(value: str) -> ox.Literal:
    """`2025`, `2025-02` or `2025-02-07` (checked already) as an xsd:gYear, gYearMonth or date
    literal: the datatype says the precision, as the build writes dates.

    >>> date_literal("2025-02").datatype.value
    'http://www.w3.org/2001/XMLSchema#gYearMonth'
    """
    return ox.Literal(value, datatype=ox.NamedNode(_DATE_TYPES[len(value)]))
