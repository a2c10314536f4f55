"""Where a project's ontology, data, queries and built store live."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import EXIT_ENVIRONMENT, KGError


@dataclass(frozen=True)
class Project:
    root: Path
    build_dir: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_path(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"


#: The prefix of the folder in which `kg review --apply` stages a copy of data/, and the file
#: that marks such a folder as kg's (a folder of the user's with that prefix is left alone).
REVIEW_STAGING = ".kg-review-"
REVIEW_MARK = "kg-review-staging"


def _is_project(path: Path) -> bool:
    if (path / "ontology").is_dir():
        recover(path)
    return (path / "data").is_dir() and (path / "ontology").is_dir()


def recover(root: Path) -> None:
    """Finish or undo what a killed `kg review --apply` left in `root`, and remove its copies.

    An apply holds a lock on its staging folder while it runs; one without a lock was killed.
    If it was killed while data/ was moved aside (the two-rename fallback of the switch), its
    checked copy becomes data/ (the apply completes), or failing that the old data/ returns."""
    for staging in root.glob(REVIEW_STAGING + "*"):
        try:
            fd = os.open(staging, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue  # not a folder kg made
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # an apply is running
            if not (staging / REVIEW_MARK).is_file():
                continue  # not a staging folder kg made
            data = root / "data"
            if not os.path.lexists(data) and (staging / "previous").is_dir():
                forward = staging / "data"
                with contextlib.suppress(OSError):
                    os.replace(forward if forward.is_dir() else staging / "previous", data)
            if os.path.lexists(data):  # else keep the copy: it may be the only one left
                shutil.rmtree(staging, ignore_errors=True)
        finally:
            os.close(fd)


def pause_for_tests(point: str) -> None:
    """A test seam: with KG_TEST_PAUSE=<point>, stop here (KG_TEST_PAUSE_SECONDS, default 5) so
    that a test can kill the process at exactly this point of a publish. Unset, nothing."""
    if os.environ.get("KG_TEST_PAUSE") == point:
        print(f"kg: paused at {point}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("KG_TEST_PAUSE_SECONDS", "5")))


def find(root: str | os.PathLike[str] | None = None, build_dir: str | os.PathLike[str] | None = None) -> Project:
    """Locate the project: `root`, else $KG_ROOT, else the nearest folder above the working
    directory holding data/ and ontology/; never the checkout kg was installed from, which a
    user outside any project did not ask for (a build would write into it).
    The store goes to `build_dir`, else $KG_STORE, else <root>/build."""
    explicit = root or os.environ.get("KG_ROOT")
    if explicit:
        candidate = Path(explicit).resolve()
        if not _is_project(candidate):
            raise KGError(f"{candidate} has no data/ and ontology/ folders",
                          hint="point root= (or KG_ROOT) at a kg project",
                          cli_hint="point --root (or KG_ROOT) at a kg project", exit_code=EXIT_ENVIRONMENT)
    else:
        here = Path.cwd().resolve()
        found = next((p for p in (here, *here.parents) if _is_project(p)), None)
        if found is None:
            raise KGError(f"no kg project in {here} or above it (a folder with data/ and ontology/)",
                          hint="run from a project folder, pass root= (kg.load(root=...)) or set KG_ROOT",
                          cli_hint="run from a project folder or pass --root DIR", exit_code=EXIT_ENVIRONMENT)
        candidate = found
    build = build_dir or os.environ.get("KG_STORE")
    return Project(root=candidate, build_dir=Path(build).resolve() if build else candidate / "build")
