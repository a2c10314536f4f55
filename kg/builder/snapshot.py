"""The analysis snapshot: the tables analysis reads again and again, written by the build.

Beside each store directory `store-ID`, the build writes `analysis-ID/` holding four Arrow IPC
files, the answers of the four catalog queries the typed export to networkx is built from, made
from the validated records instead of by querying the new store:

    entities.arrow    queries/nodes.rq           one row per entity: id, label, type, classes, ...
    statements.arrow  queries/edges.rq           one row per statement between two entities
    values.arrow      queries/network-values.rq  one row per count or amount statement
    terms.arrow       queries/network-terms.rq   every class and relation with its ancestors

The columns have the queries' names and order (tests check the rows are the same), so a reader
takes either. Each file carries the build id (the ID of `store-ID`) in its schema's metadata; a
reader uses the snapshot only when that id is its store's, and otherwise (an older build, or a
remote endpoint, where there is no snapshot) asks SPARQL. The directory is complete before the
build switches `current` to the new store, and it is removed with that store.

Arrow IPC rather than Parquet: the snapshot is a cache of one build, read by this program on
every analysis, not an archive. An uncompressed IPC file is read without decoding (Parquet
decodes and decompresses every column each time), and it still opens in pandas, polars or
DuckDB (`pyarrow.feather.read_table`).

Nothing on disk is trusted: `manifest.json` beside the tables holds the build id and each
file's size and SHA-256, written by the build. A reader opens regular files only (no link, FIFO
or device; never blocking), reads each into memory (a mapped file that shrinks under a reader
kills it with SIGBUS) and checks its hash before Arrow sees a byte; on any mismatch it warns in
one line and the caller asks SPARQL instead.

>>> tables = read(kg.load().store_path)
>>> tables["statements"].column_names[:4]
['statement', 'source', 'relation', 'target']
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..prefixes import PREFIXES
from ..text import clean

if TYPE_CHECKING:
    from ..ontology import Ontology
    from .curated import Curated

PREFIX = "analysis-"
#: Bump when the tables change shape: a snapshot of another version is not read.
VERSION = "4"  # 3 was two shapes on two branches (latest_end; the hash manifest): both are 4
MANIFEST = "manifest.json"
TABLES = ("entities", "statements", "values", "terms")
_BUILD_KEY, _VERSION_KEY = b"kg.build", b"kg.snapshot"
_KG = PREFIXES["kg"]


def path_for(store_path: Path) -> Path:
    """The snapshot directory of a store directory (`store-ID` -> `analysis-ID`)."""
    return Path(store_path).parent / (PREFIX + build_id(store_path))


def build_id(store_path: Path) -> str:
    """A store's build id: the stamp in its directory name."""
    return Path(store_path).name.removeprefix("store-")


class _Context:
    """What the rows need beyond one record, worked out once per build."""

    def __init__(self, data: Curated, onto: Ontology):
        self.data = data
        relations = onto.relations
        self.families = {name: " ".join(sorted(f for f in onto.families(name) if f in relations))
                         for name in relations}
        self.polarity = {name: _polarity(onto, info.iri) for name, info in relations.items()}
        self.cameo = {name: info.cameo for name, info in relations.items()}
        self.kind = {name: "state" if info.state else "act" for name, info in relations.items()}
        self.labels = _labels(onto)
        self.datatype = {name for name, info in relations.items() if info.datatype}
        from ..namespace import K  # here, not at the top: `kg query` reads snapshots without rdflib

        parents = onto.class_parents
        self.ancestors = {name: " ".join(sorted(up for up in ups if K.Entity in parents.get(up, ())))
                          for name, ups in parents.items() if K.Entity in ups}
        self.published = {src.id: src.date for src in data.sources.values()}


def _labels(onto: Ontology) -> dict[str, str]:
    """The labels of the ontology's own terms, by local name (a case status's value)."""
    import pyoxigraph as ox

    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    return {q.subject.value.removeprefix(_KG): q.object.value for q in onto.store.quads_for_pattern(None, label, None)
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(_KG)}


def _polarity(onto: Ontology, iri: str) -> str | None:
    # As the queries read it: the local name of kg:polarity in lower case, None when absent
    # (RelationInfo says 'neutral' then, which is what the build checks mean, not what it says).
    import pyoxigraph as ox

    for quad in onto.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(_KG + "polarity"), None):
        return quad.object.value.removeprefix(_KG).lower()
    return None


Row = Callable[[Any, _Context], Any]

#: The columns of each table, in the order of its query; a column is one line: its name, its
#: Arrow type and how a record gives its value. Adding an attribute of statements is a line here
#: and a column in queries/edges.rq (a test checks both say the same).
ENTITY_COLUMNS: dict[str, tuple[str, Row]] = {
    "id": ("string", lambda e, c: e.id),
    "label": ("string", lambda e, c: e.label),
    "type": ("string", lambda e, c: e.type),
    "classes": ("string", lambda e, c: c.ancestors[e.type]),
    "aliases": ("string", lambda e, c: " | ".join(a for a in e.aliases if a != e.label) or None),
    "description": ("string", lambda e, c: e.description),
    "wikidata": ("string", lambda e, c: e.wikidata),
}
STATEMENT_COLUMNS: dict[str, tuple[str, Row]] = {
    "statement": ("string", lambda s, c: s.id),
    "source": ("string", lambda s, c: s.subject),
    "relation": ("string", lambda s, c: s.relation),
    "target": ("string", lambda s, c: s.object),
    "families": ("string", lambda s, c: c.families[s.relation]),
    "polarity": ("string", lambda s, c: c.polarity[s.relation]),
    "cameo": ("string", lambda s, c: c.cameo[s.relation]),
    "kind": ("string", lambda s, c: c.kind[s.relation]),
    "date": ("string", lambda s, c: s.date),
    "published": ("string", lambda s, c: c.published[s.source]),
    "doc": ("string", lambda s, c: s.source),
    "quote": ("string", lambda s, c: clean(s.quote)),
    "confidence": ("string", lambda s, c: "implied" if s.confidence == "implied" else "explicit"),
    "manner": ("string", lambda s, c: s.manner),
    "via": ("string", lambda s, c: s.via),
    "title": ("string", lambda s, c: s.title),
    "start": ("string", lambda s, c: s.start),
    "end": ("string", lambda s, c: s.end),
    "latestEnd": ("string", lambda s, c: s.latest_end),
    "rank": ("string", lambda s, c: s.status or "normal"),
    "reason": ("string", lambda s, c: s.reason),
    "judge": ("string", lambda s, c: s.judge),
    "mode": ("string", lambda s, c: s.mode),
}
VALUE_COLUMNS: dict[str, tuple[str, Row]] = {
    "statement": ("string", lambda s, c: s.id),
    "entity": ("string", lambda s, c: s.subject),
    "relation": ("string", lambda s, c: s.relation),
    # A number as its N-Triples lexical form (see `number`); a case status as its label.
    "value": ("string", lambda s, c: repr(s.value) if s.object is None else c.labels[s.object]),
    "unit": ("string", lambda s, c: s.unit),
    "date": ("string", lambda s, c: s.start or s.date),
    "doc": ("string", lambda s, c: s.source),
    "quote": ("string", lambda s, c: clean(s.quote)),
    "rank": ("string", lambda s, c: s.status or "normal"),
}
TERM_COLUMNS: dict[str, tuple[str, Row]] = {
    "kind": ("string", lambda t, c: t[0]),
    "name": ("string", lambda t, c: t[1]),
    "ancestors": ("string", lambda t, c: t[2]),
    "polarity": ("string", lambda t, c: t[3]),
}


def write(directory: Path, build: str, data: Curated, onto: Ontology) -> None:
    """Write the four tables of `data` into `directory` (created), stamped with `build`."""
    import pyarrow as pa
    import pyarrow.ipc

    ctx = _Context(data, onto)
    statements = sorted(data.statements.values(), key=lambda s: s.id)
    entities = sorted((e for e in data.entities.values() if e.type in ctx.ancestors), key=lambda e: e.id)
    terms = sorted([("class", name, ups, None) for name, ups in ctx.ancestors.items()]
                   + [("relation", name, fams, ctx.polarity[name]) for name, fams in ctx.families.items()])
    tables = {
        "entities": (ENTITY_COLUMNS, entities),
        "statements": (STATEMENT_COLUMNS, [s for s in statements if s.object in data.entities]),
        # Counts and amounts (a literal), and where each lawsuit stands (a term of the ontology).
        "values": (VALUE_COLUMNS, sorted((s for s in statements if (s.object is None and s.relation in ctx.datatype)
                                          or (s.object is not None and s.object not in data.entities)),
                                         key=lambda s: (s.subject, s.id))),
        "terms": (TERM_COLUMNS, terms),
    }
    directory.mkdir(parents=True, exist_ok=True)
    metadata = {_BUILD_KEY: build.encode(), _VERSION_KEY: VERSION.encode()}
    files = {}
    for name, (columns, records) in tables.items():
        arrays = [pa.array([get(r, ctx) for r in records], type=getattr(pa, kind)())
                  for kind, get in columns.values()]
        table = pa.Table.from_arrays(arrays, names=list(columns)).replace_schema_metadata(metadata)
        with pa.OSFile(str(directory / f"{name}.arrow"), "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
        # The store is flushed before the switch; so is the snapshot.
        with open(directory / f"{name}.arrow", "rb") as handle:
            os.fsync(handle.fileno())
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        files[f"{name}.arrow"] = {"size": (directory / f"{name}.arrow").stat().st_size, "sha256": digest}
    with open(directory / MANIFEST, "w", encoding="utf-8") as handle:
        json.dump({"build": build, "version": VERSION, "files": files}, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())


class Untrusted(Exception):
    """A snapshot file that is not what its build wrote."""


_WARNED: set[str] = set()


def _read_regular(path: Path, limit: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes: never a link
    (O_NOFOLLOW), never waiting on a FIFO or device (O_NONBLOCK, then fstat)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Untrusted(f"{path.name} cannot be opened ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Untrusted(f"{path.name} is not a regular file")
        if info.st_size > limit:
            raise Untrusted(f"{path.name} is larger than its build wrote it")
        chunks, left = [], limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 24))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise Untrusted(f"{path.name} cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)


def _manifest(directory: Path, build: str) -> dict[str, dict]:
    try:
        doc = json.loads(_read_regular(directory / MANIFEST, 1 << 20))
    except ValueError:
        raise Untrusted(f"{MANIFEST} is not what the build wrote") from None
    if not isinstance(doc, dict):
        raise Untrusted(f"{MANIFEST} is not what the build wrote")
    files = doc.get("files")
    if doc.get("build") != build or doc.get("version") != VERSION or not isinstance(files, dict):
        raise Untrusted(f"{MANIFEST} belongs to another build")
    for name in TABLES:
        entry = files.get(f"{name}.arrow")
        if not (isinstance(entry, dict) and isinstance(entry.get("size"), int) and entry["size"] >= 0
                and isinstance(entry.get("sha256"), str)):
            raise Untrusted(f"{MANIFEST} does not list {name}.arrow")
    return files


def _table(directory: Path, name: str, entry: dict, build: str):
    import pyarrow as pa
    import pyarrow.ipc

    data = _read_regular(directory / f"{name}.arrow", entry["size"])
    if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise Untrusted(f"{name}.arrow is not what the build wrote (its hash differs)")
    try:
        table = pa.ipc.open_file(pa.py_buffer(data)).read_all()
    except Exception as exc:  # noqa: BLE001 (hash-checked: only a bug of Arrow's gets here)
        raise Untrusted(f"{name}.arrow cannot be read ({type(exc).__name__})") from None
    meta = table.schema.metadata or {}
    if meta.get(_BUILD_KEY) != build.encode() or meta.get(_VERSION_KEY) != VERSION.encode():
        raise Untrusted(f"{name}.arrow belongs to another build")
    return table


def read(store_path: Path | None) -> dict[str, Any] | None:
    """The snapshot tables of the store at `store_path` (pyarrow Tables in memory), or None
    when there is none, or it belongs to another build or version, or any file of it is not
    what the build wrote (then with one warning line on stderr)."""
    if store_path is None:
        return None
    directory = path_for(store_path)
    try:
        mode = os.lstat(directory).st_mode
    except OSError:
        return None  # no snapshot: an older build, or one written elsewhere
    build = build_id(store_path)
    try:
        if not stat.S_ISDIR(mode):
            raise Untrusted("it is not a folder")
        files = _manifest(directory, build)
        return {name: _table(directory, name, files[f"{name}.arrow"], build) for name in TABLES}
    except Untrusted as exc:
        if str(directory) not in _WARNED:
            _WARNED.add(str(directory))
            print(f"kg: warning: the analysis snapshot {directory.name} is not trusted ({exc}); "
                  "reading the store with SPARQL instead (hint: run 'kg build' again)", file=sys.stderr)
        return None


def rows(table) -> tuple[list[str], list[list[Any]]]:
    """A table as (column names, rows of Python values), the shape of a query's rows."""
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return table.column_names, [list(r) for r in zip(*columns)]


def number(lexical: str) -> int | float | str:
    """A `value` cell as the query gives it: int for an xsd:integer, float for another number,
    and the text of a value that is no number (where a lawsuit stands).

    >>> number("12"), number("2.5"), number("pending")
    (12, 2.5, 'pending')
    """
    for kind in (int, float):
        try:
            return kind(lexical)
        except ValueError:
            pass
    return lexical
