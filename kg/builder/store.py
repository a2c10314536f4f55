"""The on-disk Oxigraph store, published atomically.

Each build writes a fresh store directory (and an N-Triples dump beside it) and then swaps the
`current` symlink to it with one rename, so a reader opens either the old graph or the new one,
never a mix, and a build that fails or is killed leaves the published store untouched. The store
before the current one is kept for readers that opened it just before the swap; older ones are
removed unless a reader (`kg.load()`, `kg serve`) still holds them.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import os
import shutil
import sys
import time
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..errors import EXIT_ENVIRONMENT, KGError, StoreNotFound

CURRENT = "current"
DUMP = "graph.nt"
_PREFIX = "store-"
#: The analysis snapshot of store-ID is analysis-ID (kg.builder.snapshot), published with it.
_ANALYSIS = "analysis-"
_TMP = ".tmp-"
_READERS = ".readers"


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
    with open(build_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another kg build in {build_dir} to finish...", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _check_writable(build_dir: Path) -> None:
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        probe = build_dir / f"{_TMP}probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise KGError(f"cannot write to {build_dir}: {exc.strerror or exc}",
                      hint="choose a writable folder: kg.build(store_dir=...) or KG_STORE",
                      cli_hint="choose a writable folder with --store", exit_code=EXIT_ENVIRONMENT) from exc


class Stage:
    """A store being written in a temporary directory; `publish` makes it the current one."""

    def __init__(self, build_dir: Path):
        stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        self.build_dir = build_dir
        self.tmp_dir = build_dir / f"{_TMP}{_PREFIX}{stamp}"
        self.final_dir = build_dir / f"{_PREFIX}{stamp}"
        #: The build id, and where the builder writes the analysis snapshot of this store.
        self.build_id = stamp
        self.analysis_dir = build_dir / f"{_TMP}{_ANALYSIS}{stamp}"
        #: Where the builder writes the graph as N-Triples, to load it and keep it as the dump.
        self.dump_path = build_dir / f"{_TMP}{DUMP}"
        self.store: ox.Store | None = ox.Store(str(self.tmp_dir))
        self.published = False

    def publish(self) -> tuple[Path, Path]:
        """Close the store and switch `current` (and the dump) to it atomically."""
        assert self.store is not None, "published twice"
        self.store.flush()
        self.store = None  # closes the store: only then may readers open it
        gc.collect()
        os.rename(self.tmp_dir, self.final_dir)
        if self.analysis_dir.is_dir():  # complete before `current` names its store
            os.rename(self.analysis_dir, self.build_dir / f"{_ANALYSIS}{self.build_id}")
        tmp_link = self.build_dir / f"{_TMP}{CURRENT}"
        with contextlib.suppress(FileNotFoundError):
            tmp_link.unlink()
        tmp_link.symlink_to(self.final_dir.name)
        os.replace(tmp_link, self.build_dir / CURRENT)  # the atomic switch
        os.replace(self.dump_path, self.build_dir / DUMP)
        self.published = True
        return self.final_dir, self.build_dir / DUMP

    def discard(self) -> None:
        self.store = None
        gc.collect()
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        shutil.rmtree(self.analysis_dir, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            self.dump_path.unlink()


@contextlib.contextmanager
def staging(build_dir: Path):
    """Hold the build lock and yield a Stage; unless it was published, remove it afterwards."""
    build_dir = Path(build_dir)
    _check_writable(build_dir)
    with build_lock(build_dir):
        _remove_stale(build_dir)
        try:
            stage = Stage(build_dir)
        except OSError as exc:
            raise _write_error(build_dir, exc) from exc
        try:
            yield stage
        except OSError as exc:
            raise _write_error(build_dir, exc) from exc
        finally:
            if not stage.published:
                stage.discard()
        _remove_old(build_dir, keep=stage.final_dir)


def _write_error(build_dir: Path, exc: OSError) -> KGError:
    return KGError(f"writing the store in {build_dir} failed: {exc.strerror or exc}",
                   hint="check free disk space and permissions; the previous graph is intact",
                   exit_code=EXIT_ENVIRONMENT)


def _remove_stale(build_dir: Path) -> None:
    """Remove what a killed build left behind (only called under the build lock)."""
    for path in build_dir.glob(f"{_TMP}*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _remove_old(build_dir: Path, keep: Path) -> None:
    """Remove stores older than the previous one, unless a reader (`hold`) still has them."""
    stores = sorted((p for p in build_dir.glob(f"{_PREFIX}*") if p.is_dir() and p != keep),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in stores[1:]:  # the newest previous store stays for readers that opened it
        readers = build_dir / f"{old.name}{_READERS}"
        with open(readers, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being read or served: a later build removes it
            shutil.rmtree(old, ignore_errors=True)
            shutil.rmtree(build_dir / (_ANALYSIS + old.name.removeprefix(_PREFIX)), ignore_errors=True)
            readers.unlink()
    for orphan in build_dir.glob(f"{_ANALYSIS}*"):  # its store was removed by hand
        if not (build_dir / (_PREFIX + orphan.name.removeprefix(_ANALYSIS))).is_dir():
            shutil.rmtree(orphan, ignore_errors=True)
