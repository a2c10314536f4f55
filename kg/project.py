"""Where a project's ontology, data, queries and built store live."""

from __future__ import annotations

import os
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


def _is_project(path: Path) -> bool:
    return (path / "data").is_dir() and (path / "ontology").is_dir()


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
