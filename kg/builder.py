"""Validate data/ against the ontology and shapes, and write the store (`kg check`, `kg build`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import assemble, curated, ontology, project as projects, store, validate
from .errors import ValidationError
from .namespace import ENT, KG, PROV, SRC, STMT
from .project import Project

PREFIXES = {
    "kg": str(KG._NS), "ent": str(ENT), "stmt": str(STMT), "src": str(SRC), "prov": str(PROV),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "wd": "http://www.wikidata.org/entity/",
}


@dataclass
class Checked:
    """The outcome of validation: the records, the quads (ontology included) and the counts."""

    data: curated.Curated
    quads: list[ox.Quad]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Built(Checked):
    store_path: Path | None = None
    dump_path: Path | None = None


def _project(project: Project | str | None, store_dir=None) -> Project:
    return project if isinstance(project, Project) else projects.find(project, store_dir)


def check(project: Project | str | None = None) -> Checked:
    """Read and validate everything; raise ValidationError listing every problem found.

    >>> check().counts["sources"]
    5
    """
    project = _project(project)
    started = time.perf_counter()
    onto = ontology.load(project.ontology_dir)
    data = curated.read(project.data_dir, project.root)
    problems = list(data.problems)
    problems += validate.check(data, onto)
    quads = list(onto.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if not problems:
        data_quads, where = assemble.assemble(data)
        quads += data_quads
        problems += validate.shapes_problems(quads, project.shapes_path, where)
    if problems:
        raise ValidationError(problems)
    quads = list(dict.fromkeys(quads))  # two sources may support the same direct edge
    counts = {"sources": len(data.sources), "entities": len(data.entities),
              "statements": len(data.statements), "triples": len(quads)}
    return Checked(data, quads, counts, time.perf_counter() - started)


def build(project: Project | str | None = None, store_dir=None) -> Built:
    """Check, then publish the store and its Turtle dump atomically.

    `project` is a Project or a project folder (default: found as `kg.find_project` does).
    """
    project = _project(project, store_dir)
    checked = check(project)
    started = time.perf_counter()
    store_path, dump_path = store.publish(project.build_dir, checked.quads, PREFIXES)
    return Built(checked.data, checked.quads, checked.counts,
                 checked.seconds + time.perf_counter() - started, store_path, dump_path)
