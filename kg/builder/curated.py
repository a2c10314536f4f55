"""Read the curated data (data/*.yaml and the stored sources) into records that know their line."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import math
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..values import DATE_HINT, ID_HINT, is_id, parse_date

#: Bounds checked before a YAML document becomes Python values (data/ and review files): far
#: above real curated files, far below what exhausts memory (an alias bomb of 1.3 KB expands to
#: gigabytes; `&a [*a]` never ends).
MAX_YAML_CHARS = 64 * 1024 * 1024
MAX_YAML_DEPTH = 64
MAX_YAML_ALIASES = 100
MAX_SCALAR_CHARS = 1_000_000



class YAMLBound(yaml.YAMLError):
    """A YAML document over one of the bounds; `problem_mark` is where."""

    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _real_timestamp(value: str) -> bool:
    """Whether a YAML timestamp (2025-2-7, 2025-02-07T10:00:00) names a day the calendar has."""
    match = re.match(r"(\d{4})-(\d\d?)-(\d\d?)", value)
    try:
        return match is not None and datetime.date(*map(int, match.groups())) is not None
    except ValueError:
        return False


class _Walk:
    """Walks a composed YAML node graph within the bounds, building `_value`'s values or not.

    A node reached a second time was reached through an alias (*name): at most
    MAX_YAML_ALIASES such visits, so what aliases add stays proportional to the file; a node
    reached again while it is being walked refers to itself and is refused."""

    def __init__(self, build: bool = True):
        self.build = build
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.aliases = 0
        self.depth = 0

    def __call__(self, node: yaml.Node) -> Any:
        key = id(node)
        if key in self.seen:
            if key in self.open:
                raise YAMLBound("an alias (*name) refers to the node it is inside of", node.start_mark)
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise YAMLBound(f"more than {MAX_YAML_ALIASES} uses of aliases (*name)", node.start_mark)
        self.seen.add(key)
        if isinstance(node, yaml.ScalarNode):
            if len(node.value) > MAX_SCALAR_CHARS:
                raise YAMLBound(f"a value of {len(node.value):,} characters; at most {MAX_SCALAR_CHARS:,} "
                                "are allowed", node.start_mark)
            if node.tag == _TIMESTAMP and not _real_timestamp(node.value):  # a typed loader's date
                raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is a day the calendar "
                                                        "does not have", node.start_mark)
            return node.value
        self.depth += 1
        if self.depth > MAX_YAML_DEPTH:
            raise YAMLBound(f"nested deeper than {MAX_YAML_DEPTH} levels", node.start_mark)
        self.open.add(key)
        try:
            return self._container(node)
        finally:
            self.open.discard(key)
            self.depth -= 1

    def _container(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.SequenceNode):
            items = [self(item) for item in node.value]
            return items if self.build else None
        result = _Map()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self(key_node)
            value = self(value_node)
            if not self.build:
                continue
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(None, None, "a key must be a plain string",
                                                        key_node.start_mark)
            result[key] = value
            result.key_lines[key] = key_node.start_mark.line + 1
        return result if self.build else None


def _check_size(text: str) -> None:
    if len(text) > MAX_YAML_CHARS:
        raise YAMLBound(f"the file has {len(text):,} characters; at most {MAX_YAML_CHARS:,} are allowed",
                        yaml.Mark("", 0, 0, 0, None, None))


#: A line of YAML structure (a key, or a list item's key) inside a quoted value: the quote ran on.
_SWALLOWED = re.compile(r"\n\s*(?:- )?[A-Za-z_][\w-]*:(?:\s|$)")


def yaml_mistake(text: str, exc: yaml.YAMLError) -> tuple[int, str]:
    """The line of the mistake behind a YAML error, and what it is. PyYAML reports where it
    gave up; a quote left open on line 8 runs on to the next quote and fails there (line 16),
    so a quoted value that swallowed YAML structure is blamed at the line it opened."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    opened = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and \
                    token.end_mark.line + 1 <= line and \
                    _SWALLOWED.search(text[token.start_mark.index:token.end_mark.index]):
                opened = token
    except yaml.YAMLError:
        pass
    if opened is not None:
        quote = opened.style
        return opened.start_mark.line + 1, (f"the {quote} opened here is not closed on its line: the value runs on "
                                             f"to line {opened.end_mark.line + 1} ({what})")
    return line, what


def safe_load(text: str) -> Any:
    """`yaml.safe_load` within the bounds above (for review files, whose scalars are typed)."""
    _check_size(text)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _Walk(build=False)(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Loc:
    file: str
    line: int


@dataclass
class Source:
    id: str
    file: str
    title: str
    text: str
    loc: Loc
    outlet: str | None = None
    author: str | None = None
    date: str | None = None
    date_basis: str | None = None
    seed: str | None = None


@dataclass
class Entity:
    id: str
    type: str
    label: str
    loc: Loc
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    wikidata: str | None = None


@dataclass
class Statement:
    id: str
    source: str
    subject: str
    relation: str
    quote: str
    loc: Loc
    object: str | None = None
    value: int | float | None = None
    date: str | None = None
    confidence: str = "explicit"
    #: None when the act is reported as done; else threatened | planned | attempted | denied | hypothetical
    mode: str | None = None
    title: str | None = None
    start: str | None = None
    end: str | None = None
    #: A bound on an undated end: the state had ended by then ('former').
    latest_end: str | None = None
    manner: str | None = None
    via: str | None = None
    unit: str | None = None
    note: str | None = None
    occurrence: int = 1
    #: The judge of a ruling (an entity id).
    judge: str | None = None
    #: Wikidata's rank: preferred, normal or deprecated; `reason` says why it is not normal.
    status: str = "normal"
    reason: str | None = None
    #: Offsets of the quote in the source text, set once the quote is found.
    start_offset: int | None = None
    end_offset: int | None = None


@dataclass
class Curated:
    sources: dict[str, Source] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    statements: dict[str, Statement] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class _Map(dict):
    """A YAML mapping that remembers the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _Loader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):
    """libyaml's parser, with every scalar left as the string the curator wrote.

    Implicit typing would turn 2025-02-07 into a date and costs more than the parsing; the
    schema below converts the few numeric fields. With no implicit types, every node has its
    kind's default tag, so resolving is a lookup.
    """

    _TAGS = {yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
             yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
             yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG}

    def resolve(self, kind, value, implicit):
        return self._TAGS[kind]


def _value(node: yaml.Node) -> Any:
    """A composed YAML node as Python: str, list, or a _Map that knows its lines (within the bounds)."""
    return _Walk()(node)


def _load(text: str) -> Any:
    _check_size(text)
    node = yaml.compose(text, Loader=_Loader)
    return None if node is None else _value(node)


class ParseCache:
    """`_load`, remembered by the text's content hash in `folder`: a file that has not changed
    since the last build is not parsed again (libyaml and the walk over its nodes are most of
    reading data/; unpickling is about ten times faster). Only documents that parsed are kept,
    so a broken file is parsed, and reported, every time. With `write=False` (kg check) the
    folder is read, never written. Entries no read asked for are removed by `prune`.
    """

    def __init__(self, folder: Path, write: bool = True):
        self.folder = Path(folder)
        self.write = write
        self.used: set[str] = set()

    def load(self, text: str) -> Any:
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        self.used.add(key)
        path = self.folder / f"{key}.pickle"
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            pass  # not cached yet, or unreadable: parse it
        document = _load(text)
        if self.write:
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
                self.folder.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(f".{os.getpid()}.tmp")
                with open(partial, "wb") as handle:
                    pickle.dump(document, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(partial, path)  # readers see a whole entry or none
        return document

    def prune(self) -> None:
        """Remove the entries of files that are gone or have changed."""
        if self.write and self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name.split(".")[0] not in self.used:
                    with contextlib.suppress(OSError):
                        path.unlink()


class _Dumper(yaml.SafeDumper):
    """Writes data/ files: readable Unicode, but YAML's own line breaks escaped.

    PyYAML emits NEL, LS and PS raw in plain or single-quoted strings, where a reader folds
    them into spaces; a double-quoted string escapes them (\\N, \\L, \\P).
    """


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(ch in value for ch in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(document: Any) -> str:
    """`document` as YAML in the format of data/ (round-trips through `read` exactly)."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


# The fields each record takes: name -> (required, accepted Python types).
_SOURCE_FIELDS = {
    "id": (True, str), "file": (True, str), "title": (True, str), "outlet": (False, str),
    "author": (False, str), "date": (False, (str, int)), "date_basis": (False, str),
    "seed": (False, str),
}
_ENTITY_FIELDS = {
    "id": (True, str), "type": (True, str), "label": (True, str), "aliases": (False, list),
    "description": (False, str), "wikidata": (False, str),
}
_STATEMENT_FIELDS = {
    "id": (True, str), "subject": (True, str), "relation": (True, str), "object": (False, str),
    "value": (False, (int, float)), "quote": (True, str), "date": (False, (str, int)),
    "confidence": (False, str), "mode": (False, str), "title": (False, str), "start": (False, (str, int)),
    "end": (False, (str, int)), "manner": (False, str), "via": (False, str),
    "unit": (False, str), "note": (False, str), "occurrence": (False, int),
    "judge": (False, str), "status": (False, str), "reason": (False, str),
    "latest_end": (False, (str, int)),
}
_DATE_FIELDS = ("date", "start", "end", "latest_end")


def _typed_scalar(value: str, accepted) -> object:
    """A scalar as the schema wants it: numbers for numeric fields, None for an empty value."""
    if value in ("", "~", "null"):
        return None
    accepted = accepted if isinstance(accepted, tuple) else (accepted,)
    if str in accepted:
        return value
    for kind in (int, float):
        if kind in accepted:
            try:
                return kind(value)
            except ValueError:
                pass
    return value


class _Reader:
    """Reads one project's data/ folder, collecting problems instead of stopping at the first."""

    def __init__(self, data_dir: Path, root: Path, cache: ParseCache | None = None):
        self.data_dir = data_dir
        self.root = root
        self.out = Curated()
        self.parse = cache.load if cache is not None else _load

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def problem(self, rule: str, message: str, loc: Loc | None, entity: str | None = None,
                hint: str | None = None) -> None:
        self.out.problems.append(Problem(rule, message, loc.file if loc else None,
                                         loc.line if loc else None, entity, hint))

    def load_yaml(self, path: Path, top_key: str) -> tuple[Any, list[_Map]]:
        """Return (the document, its list under `top_key`), or problems and ([], [])."""
        file = self.rel(path)
        text = ""
        try:
            text = path.read_text(encoding="utf-8")
            doc = self.parse(text)
        except UnicodeDecodeError as exc:
            self.problem("yaml", f"not UTF-8 text ({exc.reason})", Loc(file, 1),
                         hint="save the file as UTF-8")
            return None, []
        except YAMLBound as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else 1
            self.problem("yaml-limit", f"YAML over a safety bound: {exc.problem}", Loc(file, line),
                         hint="curated files need no aliases, deep nesting or huge values; write them out plainly")
            return None, []
        except yaml.YAMLError as exc:
            line, what = yaml_mistake(text, exc)
            self.problem("yaml", f"malformed YAML: {what}", Loc(file, line),
                         hint="check indentation and quoting on this line or the one before")
            return None, []
        if not isinstance(doc, _Map) or not isinstance(doc.get(top_key), list):
            self.problem("schema", f"the file must be a mapping with a '{top_key}:' list",
                         Loc(file, 1), hint="see data/README.md for the format")
            return doc, []
        items = []
        for index, item in enumerate(doc[top_key]):
            if isinstance(item, _Map):
                items.append(item)
            else:
                line = doc.key_lines.get(top_key, 1) + index + 1
                self.problem("schema", f"item {index + 1} of '{top_key}' is not a mapping",
                             Loc(file, line), hint="each item starts with '- id: ...'")
        return doc, items

    def fields(self, item: _Map, spec: dict, file: str, kind: str) -> dict | None:
        """Check `item` against `spec`; return its fields, or None if it is unusable."""
        ident = item.get("id") if isinstance(item.get("id"), str) else None
        ok = True
        for name, value in list(item.items()):
            if name in spec and isinstance(value, str):
                item[name] = value = _typed_scalar(value, spec[name][1])
            line = item.key_lines.get(name, item.line)
            if isinstance(value, float) and not math.isfinite(value):
                self.problem("bad-number", f"'{name}: {item.get(name)}' is not a finite number",
                             Loc(file, line), ident, "write the number the source gives, e.g. 1200 or 3.5")
                ok = False
                continue
            if name not in spec:
                self.problem("schema", f"unknown field '{name}' in {kind}", Loc(file, line), ident,
                             f"allowed fields: {', '.join(spec)}")
                ok = False
            elif value is not None and not isinstance(value, spec[name][1]) or (
                    isinstance(value, bool)):
                self.problem("schema", f"field '{name}' has the wrong kind of value ({value!r})",
                             Loc(file, line), ident, "see data/README.md for the format")
                ok = False
        for name, (required, _) in spec.items():
            if required and item.get(name) in (None, ""):
                self.problem("schema", f"{kind} has no '{name}'", Loc(file, item.line), ident,
                             f"add '{name}:' to this {kind}")
                ok = False
        if ident is not None and not is_id(ident):
            self.problem("schema", f"id {ident!r} has characters ids cannot have",
                         Loc(file, item.line), ident, ID_HINT)
            ok = False
        for name in _DATE_FIELDS:
            value = item.get(name)
            if value is None:
                continue
            try:
                parse_date(value)
            except ValueError as exc:
                self.problem("bad-date", f"'{name}': {exc}", Loc(file, item.key_lines.get(name, item.line)),
                             ident, DATE_HINT)
                ok = False
        if not ok:
            return None
        return {name: (str(value) if name in _DATE_FIELDS and value is not None else value)
                for name, value in item.items()}

    def read_sources(self) -> None:
        path = self.data_dir / "sources.yaml"
        if not path.exists():
            self.problem("schema", "data/sources.yaml is missing", Loc(self.rel(path), 1),
                         hint="list the stored articles there")
            return
        file = self.rel(path)
        _, items = self.load_yaml(path, "sources")
        for item in items:
            fields = self.fields(item, _SOURCE_FIELDS, file, "source")
            if fields is None:
                continue
            loc = Loc(file, item.line)
            if fields["id"] in self.out.sources:
                self.problem("duplicate-id", f"source '{fields['id']}' is listed twice", loc,
                             fields["id"], "give each source its own id")
                continue
            text_path = self.data_dir / fields["file"]
            if not _inside(text_path, self.data_dir):
                self.problem("outside-path", f"source text {fields['file']!r} is not inside data/",
                             Loc(file, item.key_lines.get("file", item.line)), fields["id"],
                             "store the article under data/sources/ and name it relative to data/")
                continue
            try:
                # newline="": the stored text is verbatim, CRLF included, so offsets are exact.
                with open(text_path, encoding="utf-8", newline="") as handle:
                    text = handle.read()
            except FileNotFoundError:
                self.problem("schema", f"source text {fields['file']} does not exist", loc,
                             fields["id"], "store the article under data/sources/")
                continue
            except UnicodeDecodeError:
                self.problem("schema", f"source text {fields['file']} is not UTF-8", loc,
                             fields["id"], "store the article as UTF-8")
                continue
            self.out.sources[fields["id"]] = Source(text=text, loc=loc, **fields)

    def read_entities(self) -> None:
        for path in sorted((self.data_dir / "entities").glob("*.yaml")):
            file = self.rel(path)
            _, items = self.load_yaml(path, "entities")
            for item in items:
                fields = self.fields(item, _ENTITY_FIELDS, file, "entity")
                if fields is None:
                    continue
                loc = Loc(file, item.line)
                aliases = fields.pop("aliases", None) or []
                if not all(isinstance(a, (str, int, float)) for a in aliases):
                    self.problem("schema", "aliases must be a list of strings",
                                 Loc(file, item.key_lines.get("aliases", item.line)), fields["id"])
                    continue
                previous = self.out.entities.get(fields["id"])
                if previous:
                    self.problem("duplicate-id", f"entity '{fields['id']}' is also defined at "
                                 f"{previous.loc.file}:{previous.loc.line}", loc, fields["id"],
                                 "keep one definition and merge the aliases into it")
                    continue
                self.out.entities[fields["id"]] = Entity(
                    loc=loc, aliases=[str(a) for a in dict.fromkeys(aliases)], **fields)

    def read_statements(self) -> None:
        for path in sorted((self.data_dir / "statements").glob("*.yaml")):
            file = self.rel(path)
            doc, items = self.load_yaml(path, "statements")
            if not items:
                continue
            source_id = doc.get("source")
            if source_id is None:
                self.problem("missing-source", "the file has no top-level 'source:' naming the article "
                             "its statements quote", Loc(file, 1), None,
                             f"add 'source: ID' above 'statements:' (known sources: "
                             f"{', '.join(self.out.sources) or 'none'})")
                continue
            if source_id not in self.out.sources:
                self.problem("unknown-source", f"source '{source_id}' is not in data/sources.yaml",
                             Loc(file, doc.key_lines.get("source", 1)), None,
                             f"known sources: {', '.join(self.out.sources) or 'none'}")
                continue
            for item in items:
                fields = self.fields(item, _STATEMENT_FIELDS, file, "statement")
                if fields is None:
                    continue
                loc = Loc(file, item.line)
                previous = self.out.statements.get(fields["id"])
                if previous:
                    self.problem("duplicate-id", f"statement '{fields['id']}' is also at "
                                 f"{previous.loc.file}:{previous.loc.line}", loc, fields["id"],
                                 "number statements uniquely, <source>-NNN")
                    continue
                if ("object" in fields) == ("value" in fields):
                    self.problem("schema", "a statement takes exactly one of 'object' and 'value'",
                                 loc, fields["id"], "object: an entity id; value: a number")
                    continue
                self.out.statements[fields["id"]] = Statement(source=source_id, loc=loc, **fields)


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path`, symbolic links followed, is inside `folder` (no absolute path, no '..'
    and no link may lead a data file to read another place)."""
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def read(data_dir: Path, root: Path | None = None, cache: ParseCache | None = None) -> Curated:
    """Read sources, entities and statements from `data_dir`; problems are collected, not raised.
    With `cache`, a YAML file parsed before (same content) is not parsed again."""
    reader = _Reader(Path(data_dir), Path(root) if root else Path(data_dir).parent, cache)
    reader.read_sources()
    reader.read_entities()
    reader.read_statements()
    if cache is not None:
        cache.prune()
    return reader.out
