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
from ..project import Project
from . import yamledit
from .forms import norm
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
    #: The source was in data/ before (an earlier apply of the same file): only additions were written.
    again: bool = False


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
    except curated.DuplicateKey as exc:
        raise ValidationError([Problem("duplicate-key", exc.problem, str(path), exc.problem_mark.line + 1,
                                       hint=curated.DUPLICATE_HINT)]) from None
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
    _check_types(path, doc)
    _check_values(path, doc)
    return doc


_TEXT, _NUMBER = (str,), (int, float)
_DATE = (str, int, datetime.date)
#: The kind of value each field of a review file takes (other fields are checked on apply).
_FIELD_KINDS = {
    "entities": {"id": _TEXT, "type": _TEXT, "label": _TEXT, "description": _TEXT, "wikidata": _TEXT,
                 "status": _TEXT, "rule": _TEXT, "score": _NUMBER, "known": (bool,)},
    "statements": {"id": _TEXT, "subject": _TEXT, "relation": _TEXT, "object": _TEXT, "via": _TEXT,
                   "judge": _TEXT, "quote": _TEXT, "display_quote": _TEXT, "date": _DATE, "start": _DATE,
                   "end": _DATE, "latest_end": _DATE, "confidence": _TEXT, "mode": _TEXT, "manner": _TEXT,
                   "title": _TEXT, "note": _TEXT, "unit": _TEXT, "value": _NUMBER, "status": _TEXT,
                   "reason": _TEXT, "rule": _TEXT, "score": _NUMBER, "occurrence": (int,)},
}
_KIND_NAMES = {_TEXT: "text", _NUMBER: "a number", _DATE: "a date", (bool,): "true or false", (int,): "a whole number"}


def _type_problems(path: Path, kind: str, index: int, item: dict) -> list[Problem]:
    lines = path.read_text(encoding="utf-8").splitlines()
    ident = item.get("id") if isinstance(item.get("id"), str) else f"item {index + 1} of {kind}"

    def line_of(key: str) -> int:
        start = next((i for i, text in enumerate(lines) if re.match(r"\s*- id:\s*", text)
                      and str(item.get("id")) in text), 0)
        return next((i + 1 for i in range(start, len(lines)) if re.match(rf"\s*(?:- )?{re.escape(key)}:", lines[i])),
                    start + 1)

    out = []
    for key, kinds in _FIELD_KINDS[kind].items():
        value = item.get(key)
        wrong = value is not None and (not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds))
        if wrong:
            out.append(Problem("bad-type", f"'{key}' must be {_KIND_NAMES[kinds]}, not {type(value).__name__}",
                               str(path), line_of(key), ident, hint="keep the shape 'kg ingest' wrote"))
    for key in ("aliases", "ambiguous") if kind == "entities" else ("offsets",):
        value = item.get(key)
        if value is not None and (not isinstance(value, list) or not all(
                isinstance(v, (int,) if key == "offsets" else (str, int, float)) and not isinstance(v, bool)
                for v in value)):
            what = "a list of whole numbers" if key == "offsets" else "a list of names"
            out.append(Problem("bad-type", f"'{key}' must be {what}", str(path), line_of(key), ident,
                               hint="write it as [a, b] or as lines starting with '- '"))
    return out


def _check_types(path: Path, doc: dict) -> None:
    """Refuse, one line per problem, a review file whose fields hold the wrong kind of value
    (a list where an id belongs, a number for aliases)."""
    problems = [p for kind in _FIELD_KINDS for index, item in enumerate(doc[kind])
                for p in _type_problems(path, kind, index, item)]
    if problems:
        raise ValidationError(problems)


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


def compact(doc: dict) -> list[list]:
    """Rows of id, status, candidate, score for a table: an entity's type and label (and what it
    may be), a statement's triple with its date and mode, and its whole sentence below."""
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
        quote = re.sub(r"\s+", " ", str(st.get("display_quote", st.get("quote", "")))).strip()
        what += "\n  \u201c" + quote + "\u201d"  # whole: the table wraps it to the terminal's width
        rows.append([st["id"], _short_status(st), what, st.get("score")])
    return rows


def _short_status(item: dict) -> str:
    return {"candidate": "?", "accepted": "yes", "rejected": "no"}.get(_status(item), _status(item))


def mark(path: str | Path, accept=(), reject=(), project: Project | str | None = None) -> dict:
    """Set `status` of the named items (or 'all') to accepted / rejected and save the file
    (see `marks`)."""
    return marks(path, accept, reject, project)[0]


def marks(path: str | Path, accept=(), reject=(), project: Project | str | None = None) -> tuple[dict, list[str]]:
    """Set `status` of the named items (or 'all') to accepted / rejected, save the file, and say
    what was done.

    Rejections come first: rejecting an entity rejects the statements that use it. Accepting
    'all' then accepts what is neither rejected nor uses a rejected entity, and refuses while a
    candidate may duplicate an entity or is ambiguous (see `problems`); accepting an entity by
    its id keeps it as a new entity, resolving that. A statement that uses a rejected entity is
    accepted only with the entity."""
    path = Path(path)
    doc = load(path)
    every = {x["id"]: x for x in [*doc["entities"], *doc["statements"]]}
    for name in [*accept, *reject]:
        if name != "all" and name not in every:
            raise KGError(f"no candidate '{name}' in {path}" + _did_you_mean(name, every),
                          hint="see the ids with 'kg review FILE'")
    said = [_reject(doc, name) for name in reject]
    named = [name for name in accept if name != "all"]
    for name in named:
        every[name].pop("ambiguous", None)  # the reviewer chose: a new entity
        every[name]["status"] = "accepted"
    for name in named:
        blocked = _rejected_uses(doc, every[name])
        if blocked:
            raise KGError(f"{name} uses rejected entity {blocked[0]}",
                          hint=f"accept the entity too (--accept {blocked[0]} --accept {name}), or leave {name} out")
    said += [f"accepted {name}" for name in named]
    if "all" in accept:
        said.append(_accept_all(path, doc, project))
    save(path, doc)
    return doc, said


def _reject(doc: dict, name: str) -> str:
    if name == "all":
        for item in [*doc["entities"], *doc["statements"]]:
            item["status"] = "rejected"
        return f"rejected all {len(doc['entities'])} entities and {len(doc['statements'])} statements"
    ent = next((e for e in doc["entities"] if e["id"] == name), None)
    item = ent or next(s for s in doc["statements"] if s["id"] == name)
    item["status"] = "rejected"
    if ent is None:
        return f"rejected {name}"
    uses = [st for st in doc["statements"] if name in (st.get("subject"), st.get("object"), st.get("via"))]
    for st in uses:
        st["status"] = "rejected"
    return f"rejected {name}" + (f" and the {len(uses)} statement(s) that use it: "
                                 + ", ".join(st["id"] for st in uses) if uses else "")


def _rejected_uses(doc: dict, item: dict) -> list[str]:
    """The rejected entities a statement uses (none for an entity)."""
    rejected = {e["id"] for e in doc["entities"] if _status(e) in REJECTED}
    return [item[r] for r in ("subject", "object", "via") if item.get(r) in rejected and "relation" in item]


def _accept_all(path: Path, doc: dict, project) -> str:
    project = project if isinstance(project, Project) else projects.find(project)
    from .. import ontology

    data = curated.read(project.data_dir, project.root)
    left = problems(doc, data, ontology.load(project.ontology_dir))
    if left:
        raise KGError(f"--accept all refused: {len(left)} duplicate or ambiguous candidate(s) in {path}:\n  "
                      + "\n  ".join(left),
                      hint="merge each (or all: --merge-duplicates), reject it, or accept it by its id; "
                           "then --accept all")
    counts = {"entities": 0, "statements": 0}
    skipped, fresh = 0, []
    for kind in counts:
        for item in doc[kind]:
            if _status(item) in REJECTED or _rejected_uses(doc, item):
                skipped += 1
                continue  # 'accept all' accepts what is left, not what was rejected
            if _status(item) not in ACCEPTED:
                counts[kind] += 1
                fresh.append(item)
            item["status"] = "accepted"
    invalid = _leave_invalid(path, doc, project, fresh)
    for item in invalid:
        counts["statements" if "relation" in item else "entities"] -= 1
    said = (f"accepted {counts['entities']} entities and {counts['statements']} statements"
            + (f" ({skipped} rejected left out)" if skipped else ""))
    if invalid:
        said += (f"; {len(invalid)} left as candidates, as 'kg check' would refuse them (fix, or --reject):\n  "
                 + "\n  ".join(f"{item['id']}: {item['_why']}" for item in invalid))
        for item in invalid:
            item.pop("_why", None)
    return said


def _leave_invalid(path: Path, doc: dict, project: Project, fresh: list[dict]) -> list[dict]:
    """Of the items `fresh`ly accepted, those `apply` would be refused for (by the checks of
    `kg check`), set back to candidates with the reason in `_why`; what uses them goes with them."""
    by_id = {item["id"]: item for item in fresh}
    left: list[dict] = []
    for _ in range(5):  # an item left out may leave another without its entity: check again
        problems_ = _trial(path, doc, project)
        found = [(by_id[p.entity] if p.entity in by_id else next(
            (by_id[i] for i in re.findall(r"[\w.-]+", p.message) if i in by_id), None), p) for p in problems_]
        found = [(item, p) for item, p in found if item is not None and item["status"] == "accepted"]
        if not found:
            break
        for item, problem in found:
            item["status"], item["_why"] = "candidate", f"{problem.rule}: {problem.message}"
            left.append(item)
            for st in doc["statements"]:
                if "relation" not in item and item["id"] in (st.get("subject"), st.get("object"), st.get("via")) \
                        and st in fresh and st["status"] == "accepted":
                    st["status"], st["_why"] = "candidate", f"uses {item['id']}, left out"
                    left.append(st)
    return list({id(item): item for item in left}.values())


def _trial(path: Path, doc: dict, project: Project) -> list[Problem]:
    """What the checks of `kg check` would say of data/ with `doc`'s accepted items applied
    (nothing is written to data/)."""
    from .. import ontology

    data = curated.read(project.data_dir, project.root)
    try:
        text = _article_text(path, doc["article"])
        again = _applied_before(path, data, doc["source"], text)
        plan = _plan(doc, data, path, ontology.load(project.ontology_dir))
        plan = _not_yet(plan, data, doc["source"]) if again else plan
        if not plan.statements and not plan.entities and not plan.aliases:
            return []
        # a scratch copy outside the project: never taken for an apply's staging folder
        with tempfile.TemporaryDirectory(prefix="kg-review-trial-") as scratch:
            staged = Path(scratch) / "data"
            shutil.copytree(project.data_dir, staged, symlinks=True)
            if again:
                _write_more(staged, data, doc["source"], plan)
            else:
                _write(staged, data, doc["article"], doc["source"], text, plan)
            builder.check(_Staged(project.root, project.build_dir, staged))
        return []
    except ValidationError as exc:
        return exc.problems
    except KGError:
        return []  # not about one candidate: --apply says it in one line


def _did_you_mean(name: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(close)}?" if close else ""


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
         retype=(), relate=(), remove_alias=(), describe=(), drop_aliases: bool = False,
         merge_duplicates: bool = False) -> list[str]:
    """Apply the edits to the review file at `path` (merge, rename, relabel, retype and relate each
    'ID=VALUE'; remove_alias and describe each (ID, TEXT)); return what was done, one line each.

    `merge_duplicates` merges every candidate that likely duplicates one entity (see `problems`);
    `drop_aliases` keeps no old name as an alias on a merge or relabel."""
    from .. import ontology

    path = Path(path)
    doc = load(path)
    project = project if isinstance(project, Project) else projects.find(project)
    data = curated.read(project.data_dir, project.root)
    onto = ontology.load(project.ontology_dir)
    done = []
    for old, target in _pairs(merge, "merge"):
        done.append(_merge(doc, old, target, data, path, keep_aliases=not drop_aliases))
    if merge_duplicates:
        done += _merge_duplicates(doc, data, onto, path, keep_aliases=not drop_aliases)
    for old, new in _pairs(rename, "rename"):
        done.append(_rename(doc, old, new, data, path))
    for ident, label in _pairs(relabel, "relabel"):
        done.append(_relabel(doc, ident, label, path, keep_aliases=not drop_aliases))
    for ident, type_ in _pairs(retype, "retype"):
        if type_ not in onto.entity_classes:
            raise KGError(f"'{type_}' is not an entity type of the ontology"
                          + _did_you_mean(type_, onto.entity_classes),
                          hint="one of: " + ", ".join(onto.entity_classes))
        _entity(doc, ident, path)["type"] = type_
        done.append(f"retyped {ident} as {type_}")
    for ident, relation in _pairs(relate, "relate"):
        st = next((x for x in doc["statements"] if x["id"] == ident), None)
        if st is None:
            raise KGError(f"no candidate statement '{ident}' in {path}", hint="see the ids with 'kg review FILE'")
        if relation not in onto.relations:
            raise KGError(f"'{relation}' is not a relation of the ontology" + _did_you_mean(relation, onto.relations),
                          hint="see 'kg query relations' or ontology/kg.ttl")
        st["relation"] = relation
        done.append(f"{ident}: relation {relation}")
    done += [_remove_alias(doc, ident, alias, data, path) for ident, alias in remove_alias]
    done += [_describe(doc, ident, text, data, path) for ident, text in describe]
    save(path, doc)
    return done


def _rename(doc: dict, old: str, new: str, data: curated.Curated, path: Path) -> str:
    ent = _entity(doc, old, path)
    if ent.get("known") or old in data.entities:
        raise KGError(f"'{old}' is an entity data/ already has; rename it there",
                      hint="or merge this candidate into another: --merge ID=TARGET")
    if not values.is_id(new):
        raise KGError(f"'{new}' is not a valid id", hint="letters, digits, '-', '_' and '.', starting with a letter")
    if new in data.entities or any(e["id"] == new for e in doc["entities"]):
        raise KGError(f"'{new}' is already an entity", hint=f"to make them one, use --merge {old}={new}")
    ent["id"] = new
    return f"renamed {old} -> {new} ({_replace_references(doc, old, new)} references)"


def _relabel(doc: dict, ident: str, label: str, path: Path, keep_aliases: bool) -> str:
    ent = _entity(doc, ident, path)
    if ent.get("known"):
        raise KGError(f"'{ident}' is an entity data/ already has; its label is in data/",
                      hint=f"to drop a name this article would add, use --remove-alias {ident} NAME")
    old = ent.get("label")
    aliases = [a for a in ent.get("aliases") or [] if norm(str(a)) != norm(label)]
    if keep_aliases and old and norm(str(old)) != norm(label):
        aliases = list(dict.fromkeys([*aliases, old]))
    if aliases:
        ent["aliases"] = aliases
    else:
        ent.pop("aliases", None)
    ent["label"] = label
    return f"labelled {ident} '{label}'" + ("" if keep_aliases or not old else f" ('{old}' not kept as an alias)")


def _remove_alias(doc: dict, ident: str, alias: str, data: curated.Curated, path: Path) -> str:
    ent = _entity(doc, ident, path)
    aliases = [str(a) for a in ent.get("aliases") or []]
    found = next((a for a in aliases if a == alias), None) or next((a for a in aliases if norm(a) == norm(alias)), None)
    if found is None:
        if norm(str(ent.get("label", ""))) == norm(alias):
            raise KGError(f"'{alias}' is the label of {ident}, not an alias",
                          hint=f"give it another label first: --relabel {ident}=LABEL --drop-aliases")
        known = data.entities.get(ident)
        if known and any(norm(a) == norm(alias) for a in known.aliases):
            raise KGError(f"'{alias}' is an alias data/ already has for {ident} ({known.loc.file}:{known.loc.line})",
                          hint="the review file can only leave out the names it would add; edit data/ for that one")
        raise KGError(f"{ident} has no alias '{alias}'",
                      hint="its aliases: " + (", ".join(repr(a) for a in aliases) or "none"))
    left = [a for a in aliases if a != found]
    if left:
        ent["aliases"] = left
    else:
        ent.pop("aliases", None)
    return f"removed alias '{found}' from {ident}"


def _describe(doc: dict, ident: str, text: str, data: curated.Curated, path: Path) -> str:
    ent = _entity(doc, ident, path)
    if ent.get("known") or ident in data.entities:
        known = data.entities.get(ident)
        where = f" ({known.loc.file}:{known.loc.line})" if known else ""
        raise KGError(f"'{ident}' is an entity data/ already has{where}; its description is there",
                      hint="describe only the new entities of the review file")
    if not text.strip():
        raise KGError(f"the description of {ident} is empty",
                      hint='write what the article says it is: --describe ID "…"',
                      exit_code=2)
    ent["description"] = " ".join(text.split())
    return f"described {ident}: {ent['description']}"


def _merge_duplicates(doc: dict, data: curated.Curated, onto, path: Path, keep_aliases: bool) -> list[str]:
    from .duplicates import find

    found = find(doc, data, onto, settled=lambda e: _status(e) in ACCEPTED | REJECTED)
    done = []
    for suggestion in found:
        if not suggestion.sure:
            done.append(f"left {suggestion.ident}: {suggestion.line()}")
        elif any(e["id"] == suggestion.ident for e in doc["entities"]):  # not merged away already
            done.append(_merge(doc, suggestion.ident, suggestion.target, data, path, keep_aliases)
                        + f" [{suggestion.why}]")
    return done or ["no likely duplicates to merge"]


def _merge(doc: dict, old: str, target: str, data: curated.Curated, path, keep_aliases: bool = True) -> str:
    """Make candidate `old` the entity `target`; its names become aliases of `target`, except
    names only its article can resolve ('the city'), and none with `keep_aliases` False."""
    from .forms import article_bound

    ent = _entity(doc, old, path)
    other = next((e for e in doc["entities"] if e["id"] == target and e is not ent), None)
    if other is None and target not in data.entities:
        raise KGError(f"no entity '{target}' in data/ or in {path}"
                      + _did_you_mean(target, [*data.entities, *(e["id"] for e in doc["entities"])]),
                      hint="find it with 'kg review FILE --search NAME'")
    label = data.entities[target].label if target in data.entities else str(other.get("label", ""))
    names = [str(x) for x in [ent.get("label"), *(ent.get("aliases") or [])] if x]
    dropped = names if not keep_aliases else [n for n in names if article_bound(n, label)]
    names = [n for n in names if n not in dropped]
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
        if not other["aliases"]:
            del other["aliases"]
        doc["entities"].remove(ent)
    n = _replace_references(doc, old, target)
    loops = [st for st in doc["statements"] if st.get("subject") == st.get("object")]
    for st in loops:
        doc["statements"].remove(st)  # 'X said X ...': nothing left to state
    return (f"merged {old} into {target} ({n} references" + (f", {len(loops)} self-statements dropped" if loops else "")
            + (f"; names not kept as aliases: {', '.join(map(repr, dict.fromkeys(dropped)))}" if dropped else "") + ")")


def problems(doc: dict, data: curated.Curated, onto=None) -> list[str]:
    """Candidates that `--accept all` must not write: likely duplicates of an entity or case of
    data/ or of another candidate (see kg/ingest/duplicates.py), and unresolved ambiguities."""
    from .duplicates import Index, find, plausible

    if onto is None:
        from .. import ontology

        onto = ontology.load(projects.find(None).ontology_dir)
    out = [s.line() for s in find(doc, data, onto, settled=lambda e: _status(e) in ACCEPTED | REJECTED)]
    index = Index(data, onto)
    for ent in doc["entities"]:
        options = plausible(doc, ent, ent.get("ambiguous") or [], data, onto, index)
        if options and _status(ent) not in ACCEPTED | REJECTED:
            out.append(f"{ent['id']} may be {', '.join(options)}: --merge {ent['id']}=ONE, "
                       f"or --accept {ent['id']} to keep it new")
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
    """Move the accepted candidates of the review file at `path` into data/, or change nothing.

    Run again after more is accepted, it adds only what data/ does not have yet."""
    from .. import ontology

    path = Path(path)
    project = project if isinstance(project, Project) else projects.find(project)
    doc = load(path)
    article = doc["article"]
    source_id = doc["source"]
    text = _article_text(path, article)
    data = curated.read(project.data_dir, project.root)
    again = _applied_before(path, data, source_id, text)
    plan = _plan(doc, data, path, ontology.load(project.ontology_dir))
    if again:
        plan = _not_yet(plan, data, source_id)
        if not plan.statements and not plan.entities and not plan.aliases:
            return Applied(source_id, again=True)  # applied before, all of it: nothing to do
    elif not plan.statements:
        raise KGError(f"no statement in {path} is accepted; a source enters data/ with at least one",
                      hint="accept statements (--accept ID|all), or add one ingest missed (--add ... --quote ...)")
    staging = Path(tempfile.mkdtemp(prefix=projects.REVIEW_STAGING, dir=project.root))
    lock = _lock_staging(staging)
    try:
        staged = staging / "data"
        shutil.copytree(project.data_dir, staged, symlinks=True)
        if again:
            _write_more(staged, data, source_id, plan)
        else:
            _write(staged, data, article, source_id, text, plan)
        try:
            builder.check(_Staged(project.root, project.build_dir, staged))
        except ValidationError as exc:
            raise ValidationError([_relocate(p, staged, project) for p in exc.problems]) from None
        _verify(staged, project.root, data, plan, source_id)
        _swap(project.data_dir, staged, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)
    return Applied(source_id, [e["id"] for e in plan.entities], plan.aliases,
                   [s["id"] for s in plan.statements], again)


def _applied_before(path: Path, data: curated.Curated, source_id: str, text: str) -> bool:
    """Whether this article was applied before (its source is in data/, with the same text): then
    `apply` adds only what data/ does not have yet. Another article under the same id is refused."""
    known = data.sources.get(source_id)
    if known is None:
        return False
    if known.text != text:
        raise KGError(f"source '{source_id}' in data/sources.yaml is another text than {path.with_suffix('.txt').name}",
                      hint="ingest this article again with another --id")
    return True


def _not_yet(plan: _Plan, data: curated.Curated, source_id: str) -> _Plan:
    """What of `plan` data/ does not have yet (an earlier apply of the same file wrote the rest)."""
    statements = []
    for record in plan.statements:
        have = data.statements.get(record["id"])
        if have is None:
            statements.append(record)
            continue
        fields = ("subject", "relation", "object", "quote")
        if have.source != source_id or any(str(getattr(have, f) or "") != str(record.get(f) or "") for f in fields):
            raise KGError(f"statement {record['id']} is in data/ ({have.loc.file}:{have.loc.line}) with other content",
                          hint="change it there, or give this one another id (--add writes a new one)")
    entities = [e for e in plan.entities if e["id"] not in data.entities]
    return _Plan(entities, {k: v for k, v in plan.aliases.items() if v}, statements)


def _write_more(staged: Path, data: curated.Curated, source_id: str, plan: _Plan) -> None:
    """Write what a later apply of an applied source adds, in files of their own beside the first."""
    def free(folder: str) -> Path:
        (staged / folder).mkdir(exist_ok=True)
        names = [f"{source_id}.yaml", *(f"{source_id}-review{n}.yaml" for n in range(2, 10_000))]
        return next(staged / folder / n for n in names if not (staged / folder / n).exists())

    if plan.entities:
        atomic_write(free("entities"), f"# Entities first defined for source {source_id}, added by `kg review`.\n"
                     + curated.dump({"entities": plan.entities}))
    if plan.statements:
        atomic_write(free("statements"), f"# Statements drawn from source {source_id}, accepted with `kg review`.\n"
                     + curated.dump({"source": source_id, "statements": plan.statements}))
    for ident, aliases in plan.aliases.items():
        _add_aliases(staged, data.entities[ident], aliases, Path(data.entities[ident].loc.file))


@dataclass
class _Plan:
    entities: list[dict] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    statements: list[dict] = field(default_factory=list)


def _plan(doc: dict, data: curated.Curated, path: Path, onto=None) -> _Plan:
    plan = _Plan()
    statements = [st for st in doc["statements"] if _status(st) in ACCEPTED]
    entities = {e["id"]: e for e in doc["entities"]}
    used = {st.get(role) for st in statements for role in ("subject", "object", "via")} - {None}
    known_as = _known_as(data, onto)
    rename: dict[str, str] = {}
    for ident, ent in entities.items():
        wanted = _status(ent) in ACCEPTED or (ident in used and _status(ent) not in REJECTED)
        if ident in used and _status(ent) in REJECTED and not ent.get("known") and ident not in data.entities:
            raise KGError(f"{path}: accepted statements use entity '{ident}', which is rejected",
                          hint="accept the entity, or reject the statements that use it")
        if not wanted:
            continue
        target = ident if ident in data.entities else known_as(doc, ent)
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


def _known_as(data: curated.Curated, onto):
    """The entity of data/ a candidate is by its label (see duplicates.known_as), as a function."""
    from .duplicates import Index, known_as

    if onto is None:
        from .. import ontology

        onto = ontology.load(projects.find(None).ontology_dir)
    index = Index(data, onto)
    return lambda doc, ent: known_as(doc, ent, data, onto, index)


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
    """Add `aliases` to the entity's definition in its file, changing only the end of its list
    (comments, quoting and list styles stay as the curator wrote them)."""
    path = staged / Path(*rel_file.parts[1:]) if rel_file.parts[0] == "data" else staged / rel_file
    text = path.read_text(encoding="utf-8")
    try:
        edited = yamledit.add_aliases(text, ent.id, aliases)
    except (yamledit.EditRefused, yaml.YAMLError) as exc:
        raise KGError(f"{rel_file}:{ent.loc.line}: cannot add aliases to entity '{ent.id}': {exc}",
                      hint="add them by hand; data/ is unchanged") from None
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(edited)


def _verify(staged: Path, root: Path, data: curated.Curated, plan: _Plan, source_id: str) -> None:
    """Re-read the staged data/ and compare it, record by record and field by field, with what
    the apply meant to write: data/'s records as they were, the new aliases at the end of their
    lists, the new entities and statements as planned. Any difference refuses the apply."""
    after = curated.read(staged, root)
    wrong: list[str] = []

    def same(kind: str, ident: str, was: dict, now) -> None:
        if now is None:
            wrong.append(f"{kind} '{ident}' is missing")
            return
        for name, value in was.items():
            if getattr(now, name, None) != value:
                wrong.append(f"{kind} '{ident}': {name} would be {getattr(now, name, None)!r}, not {value!r}")

    def fields(record) -> dict:
        return {k: v for k, v in vars(record).items() if k not in ("loc", "start_offset", "end_offset")}

    for ident, ent in data.entities.items():
        want = fields(ent)
        new = [a for a in plan.aliases.get(ident, []) if a not in want["aliases"]]
        want["aliases"] = [*want["aliases"], *new]
        same("entity", ident, want, after.entities.get(ident))
    for record in plan.entities:
        same("entity", record["id"], {k: v for k, v in record.items() if k != "aliases"},
             after.entities.get(record["id"]))
    for ident, st in data.statements.items():
        same("statement", ident, fields(st), after.statements.get(ident))
    for record in plan.statements:
        same("statement", record["id"], {k: v for k, v in record.items() if k in ("subject", "relation", "object",
                                                                                   "quote")},
             after.statements.get(record["id"]))
    for ident, src in data.sources.items():
        same("source", ident, fields(src), after.sources.get(ident))
    if source_id not in after.sources:
        wrong.append(f"source '{source_id}' is missing")
    extra = set(after.entities) - set(data.entities) - {e["id"] for e in plan.entities}
    wrong += [f"entity '{e}' appeared" for e in sorted(extra)]
    if wrong or after.problems:
        raise KGError("the edited data/ does not read back as intended (" + "; ".join(
            wrong[:3] or [p.message for p in after.problems[:3]]) + "); data/ is unchanged",
            hint="this is a bug of kg review; please report it with the entity's YAML")


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
    """Put the staged copy in place of data/ in one step: the two folders are exchanged by one
    rename (renameat2 RENAME_EXCHANGE), so no kill leaves data/ missing. Where the file system
    cannot exchange, two renames, and a kill between them is completed by the next kg command
    (kg.project.recover: the staging folder is locked while the apply runs)."""
    projects.pause_for_tests("review-swap")
    forced = os.environ.get("KG_TEST_PAUSE") == "review-swap-fallback"  # the test of the fallback
    try:
        if not forced and _exchange(staged, data_dir):
            return  # the staged path now holds the old data/, removed with the staging folder
    except OSError as exc:
        raise KGError(f"cannot replace {data_dir}: {exc.strerror}; it is unchanged",
                      exit_code=EXIT_ENVIRONMENT) from None
    old = staging / "previous"
    try:
        os.replace(data_dir, old)
    except OSError as exc:
        raise KGError(f"cannot replace {data_dir}: {exc.strerror}", exit_code=EXIT_ENVIRONMENT) from None
    projects.pause_for_tests("review-swap-fallback")
    try:
        os.replace(staged, data_dir)
    except OSError as exc:
        os.replace(old, data_dir)
        raise KGError(f"cannot replace {data_dir}: {exc.strerror}; it is unchanged",
                      exit_code=EXIT_ENVIRONMENT) from None


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two paths atomically; False where the system or file system cannot."""
    import ctypes
    import errno

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code))


def _lock_staging(staging: Path) -> int:
    """Lock the staging folder for as long as the apply runs (see kg.project.recover)."""
    import fcntl

    fd = os.open(staging, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_EX)
    (staging / projects.REVIEW_MARK).write_text("a copy of data/ staged by kg review --apply\n", encoding="utf-8")
    return fd
