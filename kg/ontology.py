"""The ontology as Python sees it: classes, relations, their domains, ranges and polarity."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS

from .namespace import KG, K
from .terms import Term

_NS = str(KG._NS)


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _name(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


@dataclass(frozen=True)
class RelationInfo:
    name: str
    iri: str
    label: str
    datatype: bool  # True for value relations (count, amount)
    domain: str | None
    range: str | None
    polarity: str  # hostile | cooperative | neutral
    cameo: str | None
    plover: str | None
    parents: tuple[str, ...]
    #: True for a kg:StateRelation (holds over a span: start, end), False for an act (a point).
    state: bool = False


@dataclass
class Ontology:
    """Parsed ontology files; `store` holds their triples for loading into the graph."""

    store: ox.Store
    files: list[Path] = field(default_factory=list)

    def _objects(self, subject: str, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        # The ontology has no RDF 1.2 triple terms.
        return [q.object for q in self.store.quads_for_pattern(_nn(subject), _nn(predicate), None)
                if not isinstance(q.object, ox.Triple)]

    def _local(self, term: Term | None) -> str | None:
        if isinstance(term, ox.NamedNode) and term.value.startswith(_NS):
            return term.value[len(_NS):]
        return None

    @cached_property
    def class_parents(self) -> dict[str, set[str]]:
        """Each kg class -> its kg superclasses, itself included (transitive)."""
        direct: dict[str, set[str]] = {}
        for q in self.store.quads_for_pattern(None, _nn(RDF.type), _nn(OWL.Class)):
            name = self._local(q.subject)
            if name:
                direct[name] = {p for o in self._objects(_name(q.subject), RDFS.subClassOf)
                                if (p := self._local(o))}
        closed = {}
        for name in direct:
            seen, todo = {name}, [name]
            while todo:
                for parent in direct.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            closed[name] = seen
        return closed

    @cached_property
    def entity_classes(self) -> list[str]:
        """Classes an entity in data/ may have (subclasses of kg:Entity)."""
        return sorted(c for c, ups in self.class_parents.items() if K.Entity in ups)

    @cached_property
    def relations(self) -> dict[str, RelationInfo]:
        out = {}
        for q in self.store.quads_for_pattern(None, _nn(RDF.type), _nn(KG.Relation)):
            name = self._local(q.subject)
            if not name:
                continue
            iri = _name(q.subject)
            types = {t.value for t in self._objects(iri, RDF.type)}

            def first(pred: str, iri: str = iri) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
                values = self._objects(iri, pred)
                return values[0] if values else None

            polarity = self._local(first(KG.polarity)) or "Neutral"
            cameo = first(KG.cameoCode)
            plover = first(KG.ploverCategory)
            label = first(RDFS.label)
            out[name] = RelationInfo(
                name=name, iri=iri, label=label.value if label else name,
                datatype=str(OWL.DatatypeProperty) in types,
                domain=self._local(first(RDFS.domain)), range=self._local(first(RDFS.range)),
                polarity=polarity.lower(), cameo=cameo.value if cameo else None,
                plover=plover.value if plover else None,
                state=str(KG.StateRelation) in types,
                parents=tuple(sorted(p for o in self._objects(iri, RDFS.subPropertyOf)
                                     if (p := self._local(o)))))
        return out

    @cached_property
    def enumerations(self) -> dict[str, list[str]]:
        """Each class that is a closed list of kg individuals (owl:oneOf) -> their local names.

        A relation whose range is one of them (caseStatus -> CaseStatus) takes one of these
        names as its object instead of an entity id.
        """
        out = {}
        for q in self.store.quads_for_pattern(None, _nn(OWL.oneOf), None):
            name = self._local(q.subject)
            if name:
                out[name] = sorted(m for i in self.store.quads_for_pattern(None, _nn(RDF.type), q.subject)
                                   if (m := self._local(i.subject)))
        return out

    def is_a(self, cls: str, ancestor: str) -> bool:
        return ancestor in self.class_parents.get(cls, ())

    def families(self, relation: str) -> set[str]:
        """All super-relations of `relation`, itself included."""
        seen, todo = {relation}, [relation]
        while todo:
            info = self.relations.get(todo.pop())
            for parent in info.parents if info else ():
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


def load(ontology_dir: Path) -> Ontology:
    """Parse every Turtle file of `ontology_dir` except the SHACL shapes."""
    store = ox.Store()
    files = sorted(p for p in Path(ontology_dir).glob("*.ttl") if p.name != "shapes.ttl")
    for path in files:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return Ontology(store=store, files=files)
