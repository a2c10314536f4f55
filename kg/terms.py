"""The RDF terms pyoxigraph gives and takes, under one name for annotations."""

from __future__ import annotations

from typing import TypeAlias

import pyoxigraph as ox

#: A subject, predicate or object as pyoxigraph has it.
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def text_of(term: Term) -> str:
    """A term's lexical form (an IRI, a blank node's label, a literal's text); a triple term as
    N-Triples text."""
    return str(term) if isinstance(term, ox.Triple) else term.value
