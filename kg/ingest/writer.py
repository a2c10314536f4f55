"""Write the review file: candidates in the shape of data/ (see data/README.md), for a person.

One YAML file holds the source record (`article:`), the entities (`entities:`) and the
statements (`statements:`), in the fields of data/entities/*.yaml and data/statements/*.yaml,
plus review fields that `kg review` strips: `status` (candidate | accepted | rejected), `rule`
(what proposed it), `score` (0-1), and for statements `offsets` (in the stored text),
`display_quote` (the repaired sentence), and for entities `known` (an entity data/ already has,
to which the aliases would be added) and `ambiguous` (other entities it may be).
The article is copied verbatim beside it (same name, .txt), so the review needs nothing else.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import values
from ..builder import curated
from ..builder.curated import Curated
from ..errors import EXIT_ENVIRONMENT, KGError
from ..project import Project
from ..values import is_id
from .model import Extraction

HEADER = """\
# Candidates from `kg ingest` for source '{source}' ({n_ent} entities, {n_st} statements).
# Nothing here is in data/ yet. To review: set `status: accepted` (or `rejected`) on each item,
# fix ids, types, labels and relations as needed, then run:  kg review {name} --apply
# Review fields (status, rule, score, offsets, display_quote, known, ambiguous) are removed on apply.
# Quotes are verbatim from the stored text {text_name}; display_quote is the repaired reading.
"""

@dataclass
class Written:
    path: Path
    text_path: Path
    source_id: str
    entities: int
    statements: int
    extraction: Extraction

def source_id_for(article: Path, data: Curated, wanted: str | None) -> str:
    """A source id for the article: `wanted`, or one made from the file name."""
    ident = wanted or re.sub(r"[^a-z0-9]+", "-", article.stem.lower()).strip("-") or "article"
    if not is_id(ident):
        ident = "src-" + ident
        if not is_id(ident):
            raise KGError(f"source id {wanted!r} has characters ids cannot have",
                          hint="use letters, digits, '-', '_' and '.', starting with a letter")
    if ident in data.sources:
        raise KGError(f"source '{ident}' is already in data/sources.yaml",
                      hint="pass another --id for this article")
    return ident

def records(found: Extraction, source_id: str) -> tuple[list[dict], list[dict]]:
    """The entity and statement records of the review file."""
    entities = []
    for ent in sorted(found.entities.values(), key=lambda e: (e.known, e.id)):
        if ent.known and not ent.aliases and not ent.ambiguous:
            continue
        item = {"id": ent.id, "type": ent.type, "label": ent.label}
        if ent.aliases:
            item["aliases"] = list(dict.fromkeys(ent.aliases))
        if ent.description and not ent.known:
            item["description"] = ent.description
        item.update(status="candidate", rule=ent.rule, score=round(ent.score, 2))
        if ent.known:
            item["known"] = True
        if ent.ambiguous:
            item["ambiguous"] = ent.ambiguous
        entities.append(item)
    statements = []
    for number, st in enumerate(found.statements, 1):
        start, end = found.original_span(st.sentence.start, st.sentence.end)
        item = {"id": f"{source_id}-{number:03d}", "subject": st.subject, "relation": st.relation,
                "object": st.object, "quote": found.original[start:end]}
        if st.date:
            item["date"] = st.date
        if st.title:
            item["title"] = st.title
        if st.manner:
            item["manner"] = st.manner
        if st.mode:
            item["mode"] = st.mode
        item["confidence"] = st.confidence
        if st.note:
            item["note"] = st.note
        item.update(status="candidate", rule=st.rule, score=st.score, offsets=[start, end],
                    display_quote=st.sentence.text)
        statements.append(item)
    return entities, statements

def write(found: Extraction, *, article: Path, project: Project, data: Curated, source_id=None,
          title=None, date=None, outlet=None, author=None, out=None) -> Written:
    """Write the review file and the article copy beside it, each atomically."""
    if date is not None and not values.is_date(str(date)):
        raise KGError(f"{date!r} is not a real date", hint="write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2025-02-07")
    source_id = source_id_for(article, data, source_id)
    out = Path(out) if out else project.root / "candidates" / f"{source_id}.yaml"
    text_path = out.with_suffix(".txt")
    first_line = next((s.text for s in found.sentences), source_id)
    record = {"id": source_id, "file": f"sources/{source_id}.txt", "title": title or first_line[:200]}
    for key, value in (("outlet", outlet), ("author", author), ("date", date)):
        if value:
            record[key] = value
    record.update(seed=article.name, text=text_path.name,
                  sha256=hashlib.sha256(found.original.encode("utf-8")).hexdigest())
    entities, statements = records(found, source_id)
    doc = {"source": source_id, "article": record, "entities": entities, "statements": statements}
    header = HEADER.format(source=source_id, n_ent=len(entities), n_st=len(statements),
                           name=out.name, text_name=text_path.name)
    body = curated.dump(doc)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(text_path, found.original)
        atomic_write(out, header + body)
    except OSError as exc:
        raise KGError(f"cannot write {out}: {exc.strerror}", hint="choose another --out",
                      exit_code=EXIT_ENVIRONMENT) from None
    return Written(out, text_path, source_id, len(entities), len(statements), found)

def atomic_write(path: Path, text: str) -> None:
    """Write `text` (UTF-8, line endings as given) to `path` through a temp file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
