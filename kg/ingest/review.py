"""Review the candidates of `kg ingest` and move the accepted ones into data/ (`kg review`).

A review file (see kg/ingest/writer.py) marks each entity and statement `status: candidate`;
a person sets `accepted` or `rejected`, in an editor or with `mark`. `apply` then

- stores the article verbatim in data/sources/ and lists it in data/sources.yaml,
- writes the accepted new entities to data/entities/<source>.yaml and the accepted statements
  to data/statements/<source>.yaml, without the review fields,
- adds the new aliases of entities data/ already has to their definition instead of making a
  duplicate (a new entity whose label is already a known name, or whose id a reviewer set to a
  known id, is merged the same way),
- entities an accepted statement uses are accepted with it.

Everything is written into a copy of data/ first and checked there with the validator of
`kg check`; only if the copy is valid does it replace data/. On any problem data/ is unchanged.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..builder import pipeline as builder, curated
from .. import project as projects
from .. import values
from ..errors import EXIT_ENVIRONMENT, KGError, Problem, ValidationError
from .mentions import norm
from .writer import HEADER, atomic_write
from ..project import Project

REVIEW_FIELDS = ("status", "rule", "score", "offsets", "display_quote", "known", "ambiguous")
ACCEPTED = {"accepted", "accept", "yes"}
REJECTED = {"rejected", "reject", "no"}


@dataclass
class Applied:
    source: str
    entities: list[str] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    statements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Staged(Project):
    """A project whose data/ is the staged copy."""

    staged: Path = Path()

    @property
    def data_dir(self) -> Path:
        return self.staged


def load(path: str | Path) -> dict:
    """The review file at `path`, checked for the shape `kg ingest` writes."""
    path = Path(path)
    try:
        doc = curated.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KGError(f"{path}: no such review file", hint="run 'kg ingest ARTICLE' first") from None
    except curated.YAMLBound as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise ValidationError([Problem("yaml-limit", f"YAML over a safety bound: {exc.problem}", str(path), line,
                                       hint="review files need no aliases, deep nesting or huge values")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ValidationError([Problem("yaml", "not a readable review file: "
                                       + (getattr(exc, "problem", None) or str(exc).splitlines()[0]),
                                       str(path), mark.line + 1 if mark else 1,
                                       hint="fix the YAML, or run 'kg ingest' again")]) from None
    except UnicodeDecodeError as exc:
        raise KGError(f"{path}: not a readable review file ({str(exc).splitlines()[0]})",
                      hint="fix the YAML, or run 'kg ingest' again") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("article"), dict) \
            or not isinstance(doc.get("source"), str):
        raise KGError(f"{path}: not a review file of 'kg ingest' (no 'source:' and 'article:')",
                      hint="review files are written by 'kg ingest ARTICLE'")
    for key in ("entities", "statements"):
        doc[key] = doc.get(key) or []
        if not isinstance(doc[key], list) or not all(isinstance(x, dict) and "id" in x for x in doc[key]):
            raise KGError(f"{path}: '{key}:' must be a list of items with an id",
                          hint="keep the shape 'kg ingest' wrote")
    _check_values(path, doc)
    return doc


def _line(path: Path, key: str, after: str | None = None, value: object = None) -> int:
    """The line of `key:` in the review file (the first after the line `after:`, or the first
    whose value is `value`); 1 if it cannot be found."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(rf"\s*{re.escape(after)}:", line)), 0) if after else 0
    for number, line in enumerate(lines[start:], start + 1):
        match = re.match(rf"\s*(?:- )?{re.escape(key)}:\s*(.*)", line)
        if match and (value is None or str(value).strip() in match.group(1)):
            return number
    return 1


def _refuse(path: Path, line: int, rule: str, message: str, hint: str) -> ValidationError:
    return ValidationError([Problem(rule, message, str(path), line, hint=hint)])


def _check_values(path: Path, doc: dict) -> None:
    """Refuse a review file whose source id, article paths, dates or numbers could not go into
    data/ as they are: a source id becomes file names, and paths must stay in their folders."""
    source = doc["source"]
    if not values.is_id(source):
        raise _refuse(path, _line(path, "source"), "bad-id", f"source id {source!r} has characters ids cannot have",
                      "use letters, digits, '-', '_' and '.', starting with a letter")
    article = doc["article"]
    for key in ("file", "text"):
        name = article.get(key)
        if name is not None and (not isinstance(name, str) or not _inside(name, key)):
            where = "data/ (e.g. sources/<id>.txt)" if key == "file" else "the review file's folder, beside it"
            raise _refuse(path, _line(path, key, after="article"), "outside-path",
                          f"article {key} {name!r} is not a path inside {where}",
                          "review files may name only files in their own place; run 'kg ingest' again")
    for kind in ("entities", "statements"):
        for item in doc[kind]:
            for key in ("date", "start", "end"):
                value = item.get(key)
                if value is not None and not values.is_date(str(value)):
                    raise _refuse(path, _line(path, key, value=value), "bad-date",
                                  f"{key} {str(value)!r} of {item['id']} is not a real YYYY, YYYY-MM or YYYY-MM-DD",
                                  "write the date as the text gives it, e.g. 2025-02")
            value = item.get("value")
            if isinstance(value, float) and not math.isfinite(value):
                raise _refuse(path, _line(path, "value", value=value), "bad-number",
                              f"value {value!r} of {item['id']} is not a finite number",
                              "write the number the source gives")
    date = article.get("date")
    if date is not None and not values.is_date(str(date)):
        raise _refuse(path, _line(path, "date", after="article"), "bad-date",
                      f"article date {str(date)!r} is not a real YYYY, YYYY-MM or YYYY-MM-DD",
                      "write the publication date, e.g. 2025-02-07")


def _inside(name: str, key: str) -> bool:
    """Whether the relative path `name` stays inside its folder: no absolute path, no '..',
    and for the article copy (`text`), a plain file name."""
    pure = Path(name)
    if not name or pure.is_absolute() or ".." in pure.parts or "\\" in name or "\x00" in name:
        return False
    return key == "file" or len(pure.parts) == 1


def items(doc: dict) -> list[list]:
    """Rows for a table of the candidates: kind, id, status, what, score, rule, sentence."""
    rows = []
    for ent in doc["entities"]:
        what = f"{ent.get('type')}: {ent.get('label')}"
        if ent.get("aliases"):
            what += f" (aliases: {', '.join(map(str, ent['aliases']))})"
        if ent.get("known"):
            what = "known " + what
        rows.append(["entity", ent["id"], ent.get("status"), what, ent.get("score"), ent.get("rule"), ""])
    for st in doc["statements"]:
        rows.append(["statement", st["id"], st.get("status"),
                     f"{st.get('subject')} {st.get('relation')} {st.get('object')}"
                     + (f" [{st['date']}]" if st.get("date") else ""),
                     st.get("score"), st.get("rule"), st.get("display_quote", st.get("quote", ""))])
    return rows


def mark(path: str | Path, accept=(), reject=()) -> dict:
    """Set `status` of the named items (or 'all') to accepted / rejected and save the file."""
    path = Path(path)
    doc = load(path)
    every = {x["id"]: x for x in [*doc["entities"], *doc["statements"]]}
    for names, status in ((accept, "accepted"), (reject, "rejected")):
        for name in names:
            chosen = list(every.values()) if name == "all" else [every.get(name)]
            if chosen == [None]:
                raise KGError(f"no candidate '{name}' in {path}", hint="see the ids with 'kg review FILE'")
            for item in chosen:
                item["status"] = status
    header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(True)
                     if line.startswith("#")) or HEADER
    atomic_write(path, header + curated.dump(doc))
    return doc


def _status(item: dict) -> str:
    return str(item.get("status", "candidate")).lower()


def _strip(item: dict) -> dict:
    # an unquoted date a reviewer typed is read by YAML as a date; data/ keeps dates as text
    return {k: (str(v) if isinstance(v, datetime.date) else v) for k, v in item.items()
            if k not in REVIEW_FIELDS}


def apply(path: str | Path, project: Project | str | None = None) -> Applied:
    """Move the accepted candidates of the review file at `path` into data/, or change nothing."""
    path = Path(path)
    project = project if isinstance(project, Project) else projects.find(project)
    doc = load(path)
    article = doc["article"]
    source_id = doc["source"]
    text = _article_text(path, article)
    data = curated.read(project.data_dir, project.root)
    if source_id in data.sources:
        raise KGError(f"source '{source_id}' is already in data/sources.yaml",
                      hint="this article was applied before; ingest again with another --id to add more")
    plan = _plan(doc, data, path)
    if not plan.statements and not plan.entities and not plan.aliases:
        raise KGError(f"nothing in {path} is accepted",
                      hint="set 'status: accepted' on the items to keep, or use --accept ID|all")
    staging = Path(tempfile.mkdtemp(prefix=".kg-review-", dir=project.root))
    try:
        staged = staging / "data"
        shutil.copytree(project.data_dir, staged, symlinks=True)
        _write(staged, data, article, source_id, text, plan)
        try:
            builder.check(_Staged(project.root, project.build_dir, staged))
        except ValidationError as exc:
            raise ValidationError([_relocate(p, staged, project) for p in exc.problems]) from None
        _swap(project.data_dir, staged, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Applied(source_id, [e["id"] for e in plan.entities], plan.aliases,
                   [s["id"] for s in plan.statements])


@dataclass
class _Plan:
    entities: list[dict] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    statements: list[dict] = field(default_factory=list)


def _plan(doc: dict, data: curated.Curated, path: Path) -> _Plan:
    plan = _Plan()
    statements = [st for st in doc["statements"] if _status(st) in ACCEPTED]
    entities = {e["id"]: e for e in doc["entities"]}
    used = {st.get(role) for st in statements for role in ("subject", "object", "via")} - {None}
    names = {}
    for ent in data.entities.values():
        for form in [ent.label, *ent.aliases]:
            names.setdefault(norm(form), ent.id)
    rename: dict[str, str] = {}
    for ident, ent in entities.items():
        wanted = _status(ent) in ACCEPTED or (ident in used and _status(ent) not in REJECTED)
        if ident in used and _status(ent) in REJECTED and not ent.get("known") and ident not in data.entities:
            raise KGError(f"{path}: accepted statements use entity '{ident}', which is rejected",
                          hint="accept the entity, or reject the statements that use it")
        if not wanted:
            continue
        target = ident if ident in data.entities else names.get(norm(str(ent.get("label", ""))))
        if target:  # data/ has it: add what it lacks as aliases
            rename[ident] = target
            have = {norm(f) for f in [data.entities[target].label, *data.entities[target].aliases]}
            new = [str(a) for a in [ent.get("label"), *(ent.get("aliases") or [])]
                   if a and norm(str(a)) not in have]
            if new:
                plan.aliases.setdefault(target, []).extend(dict.fromkeys(new))
        else:
            plan.entities.append(_strip(ent))
    for st in statements:
        record = _strip(st)
        for role in ("subject", "object", "via"):
            if record.get(role) in rename:
                record[role] = rename[record[role]]
        plan.statements.append(record)
    return plan


def _article_text(path: Path, article: dict) -> str:
    text_path = path.parent / str(article.get("text", path.with_suffix(".txt").name))
    if not _resolves_in(text_path, path.parent):  # a symlink beside the review file
        raise _refuse(path, _line(path, "text", after="article"), "outside-path",
                      f"the article copy {text_path.name} leads outside the review file's folder",
                      "keep the article copy 'kg ingest' wrote beside the review file")
    try:
        with open(text_path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise KGError(f"{text_path}: the article copy beside the review file is missing",
                      hint="run 'kg ingest' again to write it") from None
    if article.get("sha256") and hashlib.sha256(text.encode("utf-8")).hexdigest() != article["sha256"]:
        raise KGError(f"{text_path} changed since 'kg ingest' wrote it; quotes and offsets no longer hold",
                      hint="restore it, or run 'kg ingest' again on the article")
    return text


def _resolves_in(path: Path, folder: Path) -> bool:
    """Whether `path`, symbolic links followed, is inside `folder`."""
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _dump_list(key: str, records: list[dict], head: str) -> str:
    body = curated.dump({key: records})
    return head + body


def _write(staged: Path, data: curated.Curated, article: dict, source_id: str, text: str, plan: _Plan) -> None:
    record = {k: v for k, v in article.items() if k not in ("text", "sha256")}
    record["id"] = source_id
    record.setdefault("file", f"sources/{source_id}.txt")
    if not _resolves_in(staged / record["file"], staged):
        raise KGError(f"article file {record['file']!r} leads outside data/", hint="name a file under sources/")
    (staged / record["file"]).parent.mkdir(parents=True, exist_ok=True)
    with open(staged / record["file"], "x", encoding="utf-8", newline="") as handle:
        handle.write(text)
    sources = staged / "sources.yaml"
    current = sources.read_text(encoding="utf-8")
    item = curated.dump([record])
    sources.write_text(current.rstrip("\n") + "\n" + "".join("  " + line for line in item.splitlines(True)),
                       encoding="utf-8")
    head = f"# Entities first defined for source {source_id}, added by `kg review`.\n"
    if plan.entities:
        (staged / "entities").mkdir(exist_ok=True)
        with open(staged / "entities" / f"{source_id}.yaml", "x", encoding="utf-8") as handle:
            handle.write(_dump_list("entities", plan.entities, head))
    if plan.statements:
        (staged / "statements").mkdir(exist_ok=True)
        body = curated.dump({"source": source_id, "statements": plan.statements})
        with open(staged / "statements" / f"{source_id}.yaml", "x", encoding="utf-8") as handle:
            handle.write(f"# Statements drawn from source {source_id}, accepted with `kg review`.\n" + body)
    for ident, aliases in plan.aliases.items():
        _add_aliases(staged, data.entities[ident], aliases, Path(data.entities[ident].loc.file))


def _add_aliases(staged: Path, ent: curated.Entity, aliases: list[str], rel_file: Path) -> None:
    """Add `aliases` to the entity's definition in its file, changing only those lines."""
    path = staged / Path(*rel_file.parts[1:]) if rel_file.parts[0] == "data" else staged / rel_file
    lines = path.read_text(encoding="utf-8").splitlines(True)
    first = ent.loc.line - 1
    item_indent = len(lines[first]) - len(lines[first].lstrip(" "))
    key_indent = item_indent + 2
    end = first + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith(" " * (key_indent))
                                and not lines[end].startswith(" " * item_indent + "- ")):
        end += 1
    quoted = [json.dumps(a, ensure_ascii=False) for a in aliases]
    for i in range(first, end):
        m = re.match(r"^(\s*(?:- )?)aliases:\s*(\[.*\])\s*$", lines[i])
        if m:
            inner = m.group(2)[1:-1].strip()
            lines[i] = f"{m.group(1)}aliases: [{inner + ', ' if inner else ''}{', '.join(quoted)}]\n"
            break
        if re.match(r"^\s*(?:- )?aliases:\s*$", lines[i]):
            last = i
            while last + 1 < end and re.match(r"^\s*- ", lines[last + 1]):
                last += 1
            indent = re.match(r"^(\s*)", lines[last + 1] if last > i else lines[i]).group(1)
            if last == i:
                indent = " " * (key_indent + 2)
            lines[last + 1:last + 1] = [f"{indent}- {q}\n" for q in quoted]
            break
    else:
        lines.insert(end if end > first + 1 else first + 1, f"{' ' * key_indent}aliases: [{', '.join(quoted)}]\n")
    path.write_text("".join(lines), encoding="utf-8")


def _relocate(problem: Problem, staged: Path, project: Project) -> Problem:
    """Name the file as it will be in data/, not in the staging copy."""
    file = problem.file
    if file:
        try:
            file = str(Path("data") / Path(file).resolve().relative_to(staged.resolve()))
        except ValueError:
            file = re.sub(r"^\.kg-review-[^/\\]+[/\\]data", "data", file)
    return Problem(problem.rule, problem.message, file, problem.line, problem.entity, problem.hint)


def _swap(data_dir: Path, staged: Path, staging: Path) -> None:
    """Put the staged copy in place of data/ with two renames; undo the first if the second fails."""
    old = staging / "previous"
    try:
        os.replace(data_dir, old)
    except OSError as exc:
        raise KGError(f"cannot replace {data_dir}: {exc.strerror}", exit_code=EXIT_ENVIRONMENT) from None
    try:
        os.replace(staged, data_dir)
    except OSError as exc:
        os.replace(old, data_dir)
        raise KGError(f"cannot replace {data_dir}: {exc.strerror}; it is unchanged",
                      exit_code=EXIT_ENVIRONMENT) from None
