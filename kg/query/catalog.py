"""The catalog of named SPARQL queries: one .rq file per question under queries/.

A file starts with a header of comment lines::

    # title: Lawsuits
    # description: Each lawsuit with its plaintiffs, defendants and court.
    # param: entity iri  The entity to describe (an id, label or alias).
    # param: source source  The source document (its id).

Parameters are variables of the query; their values are bound by the engine, never pasted in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KGError

_HEADER_RE = re.compile(r"^#\s*(title|description|param):\s*(.*)$")
PARAM_KINDS = ("iri", "source", "string", "date", "integer")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path
    params: tuple[Param, ...] = field(default_factory=tuple)


def parse(path: Path) -> NamedQuery:
    """Read one .rq file and its header."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = _HEADER_RE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in PARAM_KINDS:
                raise KGError(f"{path}:{number}: error[catalog] bad param line {line!r}",
                              hint=f"write '# param: NAME KIND description' with KIND in {PARAM_KINDS}")
            params.append(Param(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
        else:
            meta[key] = value.strip()
    return NamedQuery(name=path.stem, title=meta.get("title", path.stem),
                      description=meta.get("description", ""), text=text, path=path,
                      params=tuple(params))


def load(queries_dir: Path) -> dict[str, NamedQuery]:
    """Every named query of the catalog, by name."""
    return {q.name: q for q in map(parse, sorted(Path(queries_dir).glob("*.rq")))}
