"""Validate data/ against the ontology and shapes, and write the store (`kg check`, `kg build`)."""

from __future__ import annotations

import contextlib
import gc
import itertools
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import ontology
from .. import project as projects
from ..errors import ValidationError
from ..project import Project
from . import assemble, curated, shacl, snapshot, store, validate


@dataclass
class Checked:
    """The outcome of validation: the records, the counts and how long each phase took."""

    data: curated.Curated
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    #: CPU seconds of each phase, every thread of the process (the bulk load's too).
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


@dataclass
class Built(Checked):
    store_path: Path | None = None
    dump_path: Path | None = None


class _Phases:
    """Times the phases of a build (reported by `kg build` and the benchmarks)."""

    def __init__(self):
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str):
        started, cpu = time.perf_counter(), time.process_time()
        yield
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started
        self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu


@contextlib.contextmanager
def _gc_paused():
    """Pause the cycle collector while the lines are written and checked: they make many small
    objects, none in a cycle, and each full collection would walk every record read so far."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _project(project: Project | str | None, store_dir=None) -> Project:
    return project if isinstance(project, Project) else projects.find(project, store_dir)


#: Where builds keep the parsed YAML of data/ by content hash (curated.ParseCache).
PARSE_CACHE = ".cache/yaml"


def _read(project: Project, phase: _Phases, write_cache: bool) -> tuple[curated.Curated, ontology.Ontology]:
    """Read ontology and data and run the record-level checks; raise on any problem."""
    with phase("read"):
        onto = ontology.load(project.ontology_dir)
        cache = curated.ParseCache(project.build_dir / PARSE_CACHE, write=write_cache)
        data = curated.read(project.data_dir, project.root, cache)
    with phase("check"):
        problems = list(data.problems) + validate.check(data, onto)
    if problems:
        raise ValidationError(problems)
    return data, onto


def _load(target: ox.Store, nt_path: Path, data: curated.Curated, onto: ontology.Ontology,
          project: Project, phase: _Phases, full_shacl: bool) -> dict[str, int]:
    """Write ontology and data as N-Triples to `nt_path`, bulk-load that into `target`, then
    check the shapes there; raise ValidationError on violations."""
    # Unless pySHACL is asked for, the shapes are checked on the lines as they are written
    # (kg.builder.shacl.Checker): the graph is not read back from the store.
    checker = None if full_shacl else shacl.Checker(project.shapes_path)
    with phase("load"), _gc_paused():
        with open(nt_path, "w", encoding="utf-8") as out:
            for text in itertools.chain([ox.serialize(onto.store.quads_for_pattern(None, None, None, ox.DefaultGraph()),
                                                      format=ox.RdfFormat.N_TRIPLES).decode("utf-8")],
                                        assemble.ntriples(data)):
                out.write(text)
                if checker is not None:
                    checker.feed(text)
        target.bulk_load(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
    with phase("shapes"):
        problems = validate.shapes_problems(target, project.shapes_path, data, full=full_shacl, checker=checker)
    if problems:
        raise ValidationError(problems)
    return {"sources": len(data.sources), "entities": len(data.entities),
            "statements": len(data.statements), "triples": len(target)}


def check(project: Project | str | None = None, *, full_shacl: bool = False) -> Checked:
    """Read and validate everything in memory; raise ValidationError listing every problem.

    >>> check().counts["sources"]
    5
    """
    project, phase = _project(project), _Phases()
    data, onto = _read(project, phase, write_cache=False)
    with tempfile.TemporaryDirectory(prefix="kg-check-") as tmp:
        counts = _load(ox.Store(), Path(tmp) / "graph.nt", data, onto, project, phase, full_shacl)
    return Checked(data, counts, phase.timings, phase.cpu)


def build(project: Project | str | None = None, store_dir=None, *, full_shacl: bool = False) -> Built:
    """Check, then publish the store, its N-Triples dump and its analysis snapshot atomically.

    `project` is a Project or a project folder (default: found as `kg.find_project` does).
    The data is loaded once, into a new store on disk, validated there, and published only if
    valid: a failed build leaves the previous store as it was.
    """
    project, phase = _project(project, store_dir), _Phases()
    store.claim(project.build_dir)  # before anything is written there, the cache included
    data, onto = _read(project, phase, write_cache=True)
    with store.staging(project.build_dir) as stage:
        counts = _load(stage.store, stage.dump_path, data, onto, project, phase, full_shacl)
        with phase("snapshot"):
            snapshot.write(stage.analysis_dir, stage.build_id, data, onto)
        with phase("write"):
            store_path, dump_path = stage.publish()
    return Built(data, counts, phase.timings, phase.cpu, store_path, dump_path)
