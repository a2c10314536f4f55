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

Editing commands change the review file in one step each, updating every reference: `merge`
(a candidate into an entity data/ has or another candidate: its names become aliases),
`rename` (a candidate's id), `relabel`, `retype`, `relate` (a statement's relation); `search`
finds entities of data/ and of the file by part of a name or alias, or a name variant.
`mark(..., accept=['all'])` refuses while a candidate duplicates an entity (same name, or a name
variant data/ has) or is ambiguous: merge it, or accept it by its id to keep it as new.
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

from .. import project as projects
from .. import values
from ..builder import curated
from ..builder import pipeline as builder
from ..errors import EXIT_ENVIRONMENT, KGError, Problem, ValidationError
from ..namespace import K
from ..project import Project
from .mentions import norm
from .writer import HEADER, atomic_write

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
        line, what = curated.yaml_mistake(path.read_text(encoding="utf-8"), exc)
        raise ValidationError([Problem("yaml", "not a readable review file: " + what, str(path), line,
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


def compact(doc: dict, width: int = 80) -> list[list]:
    """Rows of id, status, candidate, score that read at `width` columns: an entity's type and
    label (and what it may duplicate), a statement's triple with its date, mode and the start of
    its sentence on the line below."""
    rows = []
    for ent in doc["entities"]:
        what = f"{ent.get('type')} {ent.get('label')}"
        if ent.get("known"):
            what += " (known: +aliases " + ", ".join(map(str, ent.get("aliases") or [])) + ")"
        if ent.get("ambiguous"):
            what += "\n  may be: " + ", ".join(map(str, ent["ambiguous"]))
        rows.append([ent["id"], _short_status(ent), what, ent.get("score")])
    for st in doc["statements"]:
        what = f"{st.get('subject')} {st.get('relation')} {st.get('object')}"
        extra = [str(st[k]) for k in ("date", "mode") if st.get(k)]
        if extra:
            what += f" [{', '.join(extra)}]"
        quote = re.sub(r"\s+", " ", str(st.get("display_quote", st.get("quote", ""))))
        limit = max(20, width - 30)
        what += "\n  \u201c" + (quote if len(quote) <= limit else quote[:limit - 1] + "\u2026") + "\u201d"
        rows.append([st["id"], _short_status(st), what, st.get("score")])
    return rows


def _short_status(item: dict) -> str:
    return {"candidate": "?", "accepted": "yes", "rejected": "no"}.get(_status(item), _status(item))


def mark(path: str | Path, accept=(), reject=(), project: Project | str | None = None) -> dict:
    """Set `status` of the named items (or 'all') to accepted / rejected and save the file.

    Accepting 'all' refuses while a candidate duplicates an entity or is ambiguous (see
    `problems`); accepting an entity by its id keeps it as a new entity, resolving that."""
    path = Path(path)
    doc = load(path)
    every = {x["id"]: x for x in [*doc["entities"], *doc["statements"]]}
    for name in accept:
        if name != "all" and name in every:
            every[name].pop("ambiguous", None)  # the reviewer chose: a new entity
    if "all" in accept:
        project = project if isinstance(project, Project) else projects.find(project)
        data = curated.read(project.data_dir, project.root)
        left = problems(doc, data)
        if left:
            raise KGError(f"--accept all refused: {len(left)} duplicate or ambiguous candidate(s) in {path}:\n  "
                          + "\n  ".join(left),
                          hint="merge each (--merge ID=TARGET), reject it, or accept it by its id; then --accept all")
    for names, status in ((accept, "accepted"), (reject, "rejected")):
        for name in names:
            chosen = list(every.values()) if name == "all" else [every.get(name)]
            if chosen == [None]:
                raise KGError(f"no candidate '{name}' in {path}", hint="see the ids with 'kg review FILE'")
            for item in chosen:
                if name == "all" and _status(item) in REJECTED:
                    continue  # 'accept all' accepts what is left, not what was rejected
                item["status"] = status
    save(path, doc)
    return doc


def save(path: str | Path, doc: dict) -> None:
    """Write the review file back, keeping its header comments."""
    path = Path(path)
    header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(True)
                     if line.startswith("#")) or HEADER
    atomic_write(path, header + curated.dump(doc))


def _pairs(values, what: str) -> list[tuple[str, str]]:
    out = []
    for value in values:
        left, sep, right = str(value).partition("=")
        if not sep or not left.strip() or not right.strip():
            raise KGError(f"{what} takes ID=VALUE, not {value!r}", hint=f"for example: --{what} TomHoman=ThomasHoman",
                          exit_code=2)
        out.append((left.strip(), right.strip()))
    return out


def _entity(doc: dict, ident: str, path) -> dict:
    found = next((e for e in doc["entities"] if e["id"] == ident), None)
    if found is None:
        raise KGError(f"no candidate entity '{ident}' in {path}", hint="see the ids with 'kg review FILE'")
    return found


def _replace_references(doc: dict, old: str, new: str) -> int:
    n = 0
    for st in doc["statements"]:
        for role in ("subject", "object", "via"):
            if st.get(role) == old:
                st[role] = new
                n += 1
    return n


def edit(path: str | Path, project: Project | str | None = None, *, merge=(), rename=(), relabel=(),
         retype=(), relate=()) -> list[str]:
    """Apply the edits (each 'ID=VALUE') to the review file at `path`; return what was done."""
    from .. import ontology

    path = Path(path)
    doc = load(path)
    project = project if isinstance(project, Project) else projects.find(project)
    data = curated.read(project.data_dir, project.root)
    onto = ontology.load(project.ontology_dir)
    done = []
    for old, target in _pairs(merge, "merge"):
        done.append(_merge(doc, old, target, data, path))
    for old, new in _pairs(rename, "rename"):
        ent = _entity(doc, old, path)
        if ent.get("known") or old in data.entities:
            raise KGError(f"'{old}' is an entity data/ already has; rename it there",
                          hint="or merge this candidate into another: --merge ID=TARGET")
        if not values.is_id(new):
            raise KGError(f"'{new}' is not a valid id", hint="letters, digits, '-', '_' and '.', starting with a letter")
        if new in data.entities or any(e["id"] == new for e in doc["entities"]):
            raise KGError(f"'{new}' is already an entity", hint=f"to make them one, use --merge {old}={new}")
        ent["id"] = new
        done.append(f"renamed {old} -> {new} ({_replace_references(doc, old, new)} references)")
    for ident, label in _pairs(relabel, "relabel"):
        ent = _entity(doc, ident, path)
        if ent.get("label") and ent["label"] != label:
            ent["aliases"] = list(dict.fromkeys([*(ent.get("aliases") or []), ent["label"]]))
        ent["label"] = label
        done.append(f"labelled {ident} '{label}'")
    for ident, type_ in _pairs(retype, "retype"):
        if type_ not in onto.entity_classes:
            raise KGError(f"'{type_}' is not an entity type of the ontology",
                          hint="one of: " + ", ".join(onto.entity_classes))
        _entity(doc, ident, path)["type"] = type_
        done.append(f"retyped {ident} as {type_}")
    for ident, relation in _pairs(relate, "relate"):
        st = next((x for x in doc["statements"] if x["id"] == ident), None)
        if st is None:
            raise KGError(f"no candidate statement '{ident}' in {path}", hint="see the ids with 'kg review FILE'")
        if relation not in onto.relations:
            raise KGError(f"'{relation}' is not a relation of the ontology",
                          hint="see 'kg query relations' or ontology/kg.ttl")
        st["relation"] = relation
        done.append(f"{ident}: relation {relation}")
    save(path, doc)
    return done


def _merge(doc: dict, old: str, target: str, data: curated.Curated, path) -> str:
    ent = _entity(doc, old, path)
    names = [str(x) for x in [ent.get("label"), *(ent.get("aliases") or [])] if x]
    other = next((e for e in doc["entities"] if e["id"] == target and e is not ent), None)
    if other is None and target not in data.entities:
        raise KGError(f"no entity '{target}' in data/ or in {path}",
                      hint="find it with 'kg review FILE --search NAME'")
    if other is None:  # the entity data/ has: this record now adds its names as aliases
        known = data.entities[target]
        have = {norm(f) for f in [known.label, *known.aliases]}
        ent.clear()
        ent.update(id=target, type=known.type, label=known.label)
        new = [n for n in dict.fromkeys(names) if norm(n) not in have]
        if new:
            ent["aliases"] = new
        ent.update(status="accepted", known=True)
    else:
        have = {norm(f) for f in [other.get("label", ""), *(other.get("aliases") or [])]}
        other["aliases"] = [*(other.get("aliases") or []), *[n for n in dict.fromkeys(names) if norm(n) not in have]]
        doc["entities"].remove(ent)
    n = _replace_references(doc, old, target)
    loops = [st for st in doc["statements"] if st.get("subject") == st.get("object")]
    for st in loops:
        doc["statements"].remove(st)  # 'X said X ...': nothing left to state
    return f"merged {old} into {target} ({n} references" + (f", {len(loops)} self-statements dropped)" if loops else ")")


def problems(doc: dict, data: curated.Curated) -> list[str]:
    """Candidates that `--accept all` must not write: duplicates and unresolved ambiguities."""
    from .linking import Linker

    linker = Linker(data.entities)
    names: dict[str, str] = {}
    for ent in data.entities.values():
        for form in [ent.label, *ent.aliases]:
            names.setdefault(norm(form), ent.id)
    seen: dict[str, str] = {}
    out = []
    for ent in doc["entities"]:
        if ent.get("known") or _status(ent) in REJECTED or _status(ent) in ACCEPTED or ent["id"] in data.entities:
            continue  # (accepted by its id: the reviewer keeps it as a new entity)
        forms = [str(f) for f in [ent.get("label"), *(ent.get("aliases") or [])] if f]
        same = next((names[norm(f)] for f in forms if norm(f) in names), None)
        if same is None and ent.get("type") == K.Person:
            link = linker.person(str(ent.get("label", "")))
            same = link.ids[0] if link and len(link.ids) == 1 and link.why != "surname" else None
        if same:
            out.append(f"{ent['id']} may duplicate {same} (data/): --merge {ent['id']}={same}")
            continue
        twin = next((seen[norm(f)] for f in forms if norm(f) in seen), None)
        if twin:
            out.append(f"{ent['id']} duplicates candidate {twin}: --merge {ent['id']}={twin}")
        for f in forms:
            seen.setdefault(norm(f), ent["id"])
        if ent.get("ambiguous") and _status(ent) not in ACCEPTED:
            options = ", ".join(map(str, ent["ambiguous"]))
            out.append(f"{ent['id']} may be {options}: --merge {ent['id']}=ONE, or --accept {ent['id']} to keep it new")
    return out


def search(doc: dict, data: curated.Curated, text: str, limit: int = 20) -> list[list]:
    """Entities of data/ and of the review file whose label or an alias contains `text` (any
    case and accents), or that are a name variant of it: rows of id, type, label, where, match."""
    from rapidfuzz import fuzz

    from .linking import Linker

    def _key(form: str) -> str:
        return " ".join(re.sub(r"[^a-z0-9 ]+", " ", norm(form)).split())

    want = _key(text)
    if not want:
        raise KGError("search for at least one letter or digit", exit_code=2)
    entries = [(e.id, e.type, e.label, [e.label, *e.aliases], "data/") for e in data.entities.values()]
    entries += [(e["id"], e.get("type"), e.get("label"), [e.get("label"), *(e.get("aliases") or [])],
                 "known" if e.get("known") else "candidate") for e in doc["entities"]]
    variants = set()
    for pool in (data.entities, {}):
        link = Linker(pool or data.entities).person(text)
        if link:
            variants.update(link.ids)
    scored = []
    for ident, type_, label, forms, where in entries:
        forms = [str(f) for f in forms if f]
        best, match = 0.0, ""
        for form in forms:
            key = _key(form)
            score = 100.0 if want in key.split() or want == key else 90.0 if want in key \
                else fuzz.partial_ratio(want, key) if len(want) >= 4 else 0
            if score > best:
                best, match = score, form
        if ident in variants and best < 95:
            best, match = 95.0, "name variant"
        if best >= 85:
            scored.append((-best, label or "", [ident, type_, label, where, match]))
    scored.sort(key=lambda x: (x[0], x[1]))
    return [row for _, _, row in scored[:limit]]


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
