"""The on-disk Oxigraph store, published atomically.

Each build writes a fresh store directory (its N-Triples dump inside it) and then swaps the
`current` symlink to it with one rename; `graph.nt` is a fixed link to `current/graph.nt`. So a
reader opens either the old graph and dump or the new ones, never a mix, and a build that fails
or is killed leaves the published store untouched. The store before the current one is kept for
readers that opened it just before the swap; older ones are removed unless a reader
(`kg.load()`, `kg serve`) still holds them. The folder's manifest (`.kg-build.json`) names
everything kg wrote there: nothing else is ever removed, replaced or followed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..errors import EXIT_ENVIRONMENT, KGError, StoreNotFound
from ..project import pause_for_tests

CURRENT = "current"
DUMP = "graph.nt"
_PREFIX = "store-"
#: The analysis snapshot of store-ID is analysis-ID (kg.builder.snapshot), published with it.
_ANALYSIS = "analysis-"
_TMP = ".tmp-"
_READERS = ".readers"
#: What kg wrote in a build folder, by name: pruning and publishing touch nothing else.
MANIFEST = ".kg-build.json"
_LOCK = ".lock"
_STAMP = r"\d{8}T\d{6}-\d+-\d+"


def current_path(build_dir: Path) -> Path | None:
    """The published store directory, or None if nothing was built yet."""
    link = Path(build_dir) / CURRENT
    try:
        target = link.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        return None
    return target if target.is_dir() else None


def hold(store_dir: Path) -> IO[str]:
    """Take a shared lock that keeps builds from removing `store_dir` while it is read.

    The lock lasts until the returned handle is closed (or the process ends). Where the store
    cannot be written (a CD, a read-only container layer or network share), no build can remove
    it either: the lock is then taken on the file opened for reading if it is there, and is
    not needed if it is not.
    """
    path = Path(store_dir).parent / f"{Path(store_dir).name}{_READERS}"
    try:
        handle = open(path, "a")
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise
        try:
            handle = open(path)
        except OSError:
            return open(os.devnull)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
    except OSError as exc:  # a file system without locks (some network shares)
        if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EBADF):
            handle.close()
            raise
    return handle


def open_read_only(build_dir: Path) -> tuple[ox.Store, Path, IO[str]]:
    """Open the published store for reading; any number of processes may do so at once.

    Returns the store, its directory and the reader lock that keeps it on disk (see `hold`).
    """
    path = current_path(build_dir)
    if path is None:
        raise StoreNotFound(f"no built graph in {build_dir}", hint="run 'kg build' first")
    lock = hold(path)
    try:
        return ox.Store.read_only(str(path)), path, lock
    except OSError as exc:
        lock.close()
        raise KGError(f"cannot open the store at {path}: {exc}", hint="run 'kg build' again",
                      exit_code=EXIT_ENVIRONMENT) from exc


@contextlib.contextmanager
def build_lock(build_dir: Path):
    """Serialise builds into one build directory: a second build waits for the first."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / _LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another kg build in {build_dir} to finish...", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _check_writable(build_dir: Path) -> None:
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=build_dir, prefix=".kg-probe-")  # never a name that exists
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise KGError(f"cannot write to {build_dir}: {exc.strerror or exc}",
                      hint="choose a writable folder: kg.build(store_dir=...) or KG_STORE",
                      cli_hint="choose a writable folder with --store", exit_code=EXIT_ENVIRONMENT) from exc


class Manifest:
    """The names kg wrote in a build folder (`.kg-build.json`), kept as the folder changes.

    A name is added before the file or folder is made and dropped after it is removed, so a
    killed build leaves nothing kg does not know about; everything else in the folder is the
    user's and is never removed, overwritten or followed.
    """

    def __init__(self, build_dir: Path, names: set[str]):
        self.build_dir = build_dir
        self.names = names

    @classmethod
    def read(cls, build_dir: Path) -> Manifest | None:
        """The folder's manifest, or None if it has none (or not one kg wrote)."""
        path = build_dir / MANIFEST
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return None
            with open(path, "rb") as handle:
                doc = json.loads(handle.read(1 << 20))
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict) or doc.get("kg") != "build folder" or not isinstance(doc.get("names"), list):
            return None
        return cls(build_dir, {n for n in doc["names"] if isinstance(n, str) and _plain_name(n)})

    def save(self) -> None:
        doc = {"kg": "build folder", "note": "what kg wrote here; kg removes or replaces nothing else",
               "names": sorted(self.names)}
        fd, tmp = tempfile.mkstemp(dir=self.build_dir, prefix=f"{MANIFEST}.", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(doc, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.build_dir / MANIFEST)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def add(self, *names: str) -> None:
        if not set(names) <= self.names:
            self.names.update(names)
            self.save()

    def drop(self, *names: str) -> None:
        if set(names) & self.names:
            self.names.difference_update(names)
            self.save()

    def remove(self, name: str) -> None:
        """Remove the entry `name` (never following a link) and drop it from the manifest."""
        path = self.build_dir / name
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            shutil.rmtree(path, ignore_errors=True)
        elif mode is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        if not os.path.lexists(path):
            self.drop(name)


def _transient(name: str) -> bool:
    """A name kg holds only for a moment while it creates something atomically."""
    return (name.startswith(f"{MANIFEST}.") and name.endswith(".part")) or name.startswith(".kg-probe-")


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..", MANIFEST)


def _legacy_entry(build_dir: Path, name: str) -> bool:
    """Whether `name`, in a folder of a kg from before the manifest, has the shape kg gave it."""
    path = build_dir / name
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if name == CURRENT:
        return stat.S_ISLNK(mode) and re.fullmatch(_PREFIX + _STAMP, os.readlink(path)) is not None
    if name == DUMP and stat.S_ISLNK(mode):
        return os.readlink(path) == f"{CURRENT}/{DUMP}"
    if name in (DUMP, _LOCK) or re.fullmatch(_PREFIX + _STAMP + re.escape(_READERS), name):
        return stat.S_ISREG(mode)
    if name in (".cache", "views", "charts"):
        return stat.S_ISDIR(mode)
    if re.fullmatch(_PREFIX + _STAMP, name):
        return stat.S_ISDIR(mode) and (path / "CURRENT").is_file()  # a RocksDB folder
    if re.fullmatch(_ANALYSIS + _STAMP, name):
        return stat.S_ISDIR(mode) and all(p.suffix == ".arrow" or p.name == "manifest.json" for p in path.iterdir())
    return False


def claim(build_dir: Path, create: bool = True) -> Manifest | None:
    """The build folder's manifest: a new one if the folder is missing or empty, or if it is
    a build folder of an earlier kg; refuse a folder that holds anything else. With
    `create=False`, only refuse: nothing is written."""
    build_dir = Path(build_dir)
    manifest = Manifest.read(build_dir)
    if manifest is not None:
        return manifest
    try:
        names = sorted(os.listdir(build_dir))
    except FileNotFoundError:
        names = []
    except OSError:
        _check_writable(build_dir)  # says why in one line
        raise
    legacy = bool(names) and os.path.islink(build_dir / CURRENT)
    # Another build starting at the same moment may be writing the manifest (a temporary file,
    # then a rename) or probing the folder: those names are kg's, and its manifest follows.
    foreign = [n for n in names if not (legacy and _legacy_entry(build_dir, n)) and not _transient(n)]
    if foreign or len(foreign) < len(names):
        manifest = Manifest.read(build_dir)
        if manifest is not None:
            return manifest
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise KGError(f"{build_dir} holds files kg did not write ({shown}); kg builds only into an empty "
                      "folder or one of its own", hint="choose an empty or new folder: kg.build(store_dir=...)",
                      cli_hint="choose an empty or new folder with --store", exit_code=EXIT_ENVIRONMENT)
    if not create:
        return None
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        manifest = Manifest(build_dir, {n for n in names if not _transient(n)} | {_LOCK, ".cache"})
        manifest.save()
    except OSError as exc:
        raise _write_error(build_dir, exc) from exc
    return manifest


def _refuse_foreign(manifest: Manifest, *names: str) -> None:
    """Refuse to replace a name kg would publish to while the user's own file has it."""
    for name in names:
        if name not in manifest.names and os.path.lexists(manifest.build_dir / name):
            raise KGError(f"{manifest.build_dir / name} is not kg's; a build would replace it",
                          hint="move it out of the build folder, or build into another folder",
                          exit_code=EXIT_ENVIRONMENT)


class Stage:
    """A store being written in a temporary directory; `publish` makes it the current one."""

    def __init__(self, build_dir: Path, manifest: Manifest):
        stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        self.build_dir = build_dir
        self.manifest = manifest
        self.tmp_dir = build_dir / f"{_TMP}{_PREFIX}{stamp}"
        self.final_dir = build_dir / f"{_PREFIX}{stamp}"
        #: The build id, and where the builder writes the analysis snapshot of this store.
        self.build_id = stamp
        self.analysis_dir = build_dir / f"{_TMP}{_ANALYSIS}{stamp}"
        #: Where the builder writes the graph as N-Triples, to load it and keep it as the dump.
        self.dump_path = build_dir / f"{_TMP}{DUMP}"
        names = [self.tmp_dir.name, self.final_dir.name, self.analysis_dir.name, f"{_ANALYSIS}{stamp}",
                 self.dump_path.name, f"{_TMP}{CURRENT}"]
        _refuse_foreign(manifest, *names, CURRENT, DUMP)
        manifest.add(*names)  # before they exist: a kill leaves nothing kg does not know
        self.store: ox.Store | None = ox.Store(str(self.tmp_dir))
        self.published = False

    def publish(self) -> tuple[Path, Path]:
        """Close the store and switch `current`, and the dump with it, by one rename.

        The dump is kept inside its store's folder and `graph.nt` is a fixed link to
        `current/graph.nt`: no kill can pair one build's store with another's dump."""
        assert self.store is not None, "published twice"
        self.store.flush()
        self.store = None  # closes the store: only then may readers open it
        gc.collect()
        _refuse_foreign(self.manifest, CURRENT, DUMP)
        self.manifest.add(CURRENT, DUMP)
        os.rename(self.dump_path, self.tmp_dir / DUMP)
        os.rename(self.tmp_dir, self.final_dir)
        if self.analysis_dir.is_dir():  # complete before `current` names its store
            os.rename(self.analysis_dir, self.build_dir / f"{_ANALYSIS}{self.build_id}")
        tmp_link = self.build_dir / f"{_TMP}{CURRENT}"
        dump = self.build_dir / DUMP
        if os.path.islink(dump) is False or os.readlink(dump) != f"{CURRENT}/{DUMP}":
            # once, for a folder of an earlier kg: before the switch, so the old dump is never
            # shown beside the new store (for that moment there is none)
            with contextlib.suppress(FileNotFoundError):
                tmp_link.unlink()
            tmp_link.symlink_to(f"{CURRENT}/{DUMP}")
            os.replace(tmp_link, dump)
        with contextlib.suppress(FileNotFoundError):
            tmp_link.unlink()
        tmp_link.symlink_to(self.final_dir.name)
        pause_for_tests("publish")
        os.replace(tmp_link, self.build_dir / CURRENT)  # the atomic switch of store and dump
        self.published = True
        self.manifest.drop(self.tmp_dir.name, self.analysis_dir.name, tmp_link.name, self.dump_path.name)
        return self.final_dir, dump

    def discard(self) -> None:
        self.store = None
        gc.collect()
        current = _current_name(self.build_dir)
        for name in (self.tmp_dir.name, self.analysis_dir.name, self.dump_path.name, self.final_dir.name,
                     f"{_ANALYSIS}{self.build_id}", f"{_TMP}{CURRENT}"):
            if current in (name, _PREFIX + name.removeprefix(_ANALYSIS)):
                continue  # published after all: `current` names it
            with contextlib.suppress(OSError):
                self.manifest.remove(name)


@contextlib.contextmanager
def staging(build_dir: Path):
    """Hold the build lock and yield a Stage; unless it was published, remove it afterwards."""
    build_dir = Path(build_dir)
    claim(build_dir)
    _check_writable(build_dir)
    with build_lock(build_dir):
        manifest = claim(build_dir)  # again, under the lock: another build may have changed it
        try:
            _remove_stale(manifest)
            stage = Stage(build_dir, manifest)
        except OSError as exc:
            raise _write_error(build_dir, exc) from exc
        try:
            yield stage
        except OSError as exc:
            raise _write_error(build_dir, exc) from exc
        finally:
            if not stage.published:
                stage.discard()
        _remove_old(manifest, keep=stage.final_dir)


def _write_error(build_dir: Path, exc: OSError) -> KGError:
    return KGError(f"writing the store in {build_dir} failed: {exc.strerror or exc}",
                   hint="check free disk space and permissions; the previous graph is intact",
                   exit_code=EXIT_ENVIRONMENT)


def _remove_stale(manifest: Manifest) -> None:
    """Remove what a killed build left behind (only called under the build lock)."""
    for name in sorted(manifest.names):
        if name.startswith(_TMP):
            manifest.remove(name)
    current = _current_name(manifest.build_dir)
    for name in sorted(manifest.names):  # a store a killed build never published
        if re.fullmatch(_PREFIX + _STAMP, name) and not os.path.lexists(manifest.build_dir / name) \
                and name != current:
            manifest.drop(name, _ANALYSIS + name.removeprefix(_PREFIX))


def _current_name(build_dir: Path) -> str | None:
    try:
        return os.readlink(build_dir / CURRENT)
    except OSError:
        return None


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _remove_old(manifest: Manifest, keep: Path) -> None:
    """Remove stores older than the previous one, unless a reader (`hold`) still has them."""
    build_dir = manifest.build_dir
    current = _current_name(build_dir)
    stores = sorted((build_dir / n for n in manifest.names if re.fullmatch(_PREFIX + _STAMP, n)
                     and _is_dir(build_dir / n) and n != keep.name and n != current),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in stores[1:]:  # the newest previous store stays for readers that opened it
        readers = build_dir / f"{old.name}{_READERS}"
        if os.path.lexists(readers) and not stat.S_ISREG(os.lstat(readers).st_mode):
            continue  # not the lock file kg made: leave the store and it alone
        with open(readers, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being read or served: a later build removes it
            manifest.remove(_ANALYSIS + old.name.removeprefix(_PREFIX))
            manifest.remove(old.name)
            readers.unlink()
    for name in sorted(manifest.names):  # an analysis snapshot whose store was removed by hand
        if re.fullmatch(_ANALYSIS + _STAMP, name) and not _is_dir(build_dir / (_PREFIX + name.removeprefix(_ANALYSIS))):
            manifest.remove(name)
