"""Read the curated data (data/*.yaml and the stored sources) into records that know their line."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import json
import math
import os
import re
import stat
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
#: Nodes (scalars, lists, mappings, aliases) in one document: each costs ~200 bytes once
#: composed, so a 15 MB flow list of one-letter items would take 1.4 GB. Real files have a
#: node per 10 characters or more (86,000 generated entities are 600,000 nodes).
MAX_YAML_ITEMS = 2_000_000



class YAMLBound(yaml.YAMLError):
    """A YAML document over one of the bounds; `problem_mark` is where."""

    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class DuplicateKey(yaml.YAMLError):
    """A mapping with the same key twice (YAML would silently keep the last)."""

    def __init__(self, key: str, first: int, mark):
        super().__init__(f"key '{key}' appears twice in one mapping")
        self.key = key
        self.first = first
        self.problem = f"key '{key}' is given twice in one mapping (first on line {first})"
        self.problem_mark = mark


DUPLICATE_HINT = "keep one of them: YAML would silently use the last"

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
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise DuplicateKey(key_node.value, seen[key_node.value], key_node.start_mark)
                seen[key_node.value] = key_node.start_mark.line + 1
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
    _check_items(text)


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def _check_items(text: str, limit: int | None = None) -> None:
    """Refuse a document of more than MAX_YAML_ITEMS nodes before it is composed.

    Every node but the first needs one of these characters of its own nearby, so a text with
    few of them is let through at once; otherwise the parser's events are counted (one at a
    time, nothing kept) up to the limit."""
    limit = MAX_YAML_ITEMS if limit is None else limit
    if 2 * sum(map(text.count, "-:,[{?*")) + 2 <= limit:
        return
    parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)(text)
    try:
        count = 0
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, _NODE_EVENTS):
                count += 1
                if count > limit:
                    raise YAMLBound(f"more than {limit:,} items (values, lists and mappings) in one file",
                                    event.start_mark)
    finally:
        parser.dispose()


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
    #: Of a threat: the relation of the act threatened (withheldFunding), to find what followed it.
    threatens: str | None = None
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


#: Bumped when the cache's format changes; with the kg version, part of every entry.
CACHE_FORMAT = "kg-yaml-cache/2"
#: An entry larger than this is not read (the YAML it stands for is bounded by MAX_YAML_CHARS).
_MAX_ENTRY = 8 * MAX_YAML_CHARS
_ENTRY = re.compile(r"[0-9a-f]{64}\.json")


def _kg_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("kg")
    except metadata.PackageNotFoundError:
        return "unknown"


def _encode(value: Any) -> Any:
    """A parsed document as plain JSON: a mapping keeps its line and each key's line."""
    if isinstance(value, _Map):
        return {"line": value.line, "keys": [[k, value.key_lines[k], _encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


class _BadEntry(Exception):
    pass


def _decode(value: Any, depth: int = 0) -> Any:
    """`_encode`'s inverse, refusing anything `_load` could not have made."""
    if value is None or type(value) is str:
        return value
    if depth > MAX_YAML_DEPTH + 1:
        raise _BadEntry("too deep")
    if type(value) is list:
        return [v if type(v) is str else _decode(v, depth + 1) for v in value]
    if type(value) is not dict or len(value) != 2 or not _line(value.get("line")) \
            or type(value.get("keys")) is not list:
        raise _BadEntry("not a mapping")
    result = _Map()
    result.line = value["line"]
    result.key_lines = lines = {}
    for pair in value["keys"]:
        if type(pair) is not list or len(pair) != 3:
            raise _BadEntry("not a key")
        key, line, item = pair
        if type(key) is not str or not _line(line) or key in lines:
            raise _BadEntry("not a key")
        result[key] = item if type(item) is str else _decode(item, depth + 1)
        lines[key] = line
    return result


def _line(value: Any) -> bool:
    return type(value) is int and 1 <= value <= MAX_YAML_CHARS


class ParseCache:
    """`_load`, remembered by the text's content hash in `folder`: a file that has not changed
    since the last build is not parsed again. Entries are plain JSON (never code), each holding
    the cache format, the kg version and the SHA-256 of the text it was parsed from, all
    checked against the text actually read. An entry that is not a regular file of the user's,
    or does not decode to what `_load` makes, is ignored and rebuilt; a cache folder that is a
    link is not used at all. Only documents that parsed are kept, so a broken file is parsed,
    and reported, every time. With `write=False` (kg check) the folder is read, never written.
    Entries no read asked for are removed by `prune`, inside the folder only.
    """

    def __init__(self, folder: Path, write: bool = True):
        self.folder = Path(folder)
        self.write = write
        self.used: set[str] = set()
        self.version = f"{CACHE_FORMAT} kg {_kg_version()}"
        self._secret: bytes | None = None

    def _mac(self, key: str, doc: bytes) -> str:
        """What proves an entry was written by kg with this cache's secret, for this text."""
        return hmac.new(self._secret, f"{self.version}\n{key}\n".encode() + doc, "sha256").hexdigest()

    def _load_secret(self, folder: int, create: bool) -> bool:
        """The cache's secret (`key` beside the entries: 32 random bytes, the user's, mode 0600),
        made if missing and `create`. A random corruption or a copied entry never carries a valid
        MAC; only someone who can read the secret, as its owner can, could forge one."""
        if self._secret is not None:
            return True
        try:
            fd = os.open("key", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
        except FileNotFoundError:
            if not create:
                return False
            secret = os.urandom(32)
            try:
                fd = os.open("key", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                             dir_fd=folder)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(secret)
            except OSError:
                return False
            self._secret = secret
            return True
        except OSError:
            return False
        try:
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077 \
                    and info.st_size == 32:
                secret = os.read(fd, 33)
                self._secret = secret if len(secret) == 32 else None
        finally:
            os.close(fd)
        return self._secret is not None

    def _open_folder(self, create: bool) -> int | None:
        """A descriptor of the cache folder, or None if it is missing or any part of it from
        the build folder down is not a plain folder (a link is never followed)."""
        build_dir = self.folder.parent.parent
        path = build_dir
        for part in self.folder.relative_to(build_dir).parts:
            path = path / part
            try:
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    return None
            except FileNotFoundError:
                if not create:
                    return None
                with contextlib.suppress(OSError):
                    os.mkdir(path, 0o700)
                if not os.path.isdir(path) or os.path.islink(path):
                    return None
            except OSError:
                return None
        try:
            return os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            return None

    def _get(self, folder: int, name: str, key: str) -> Any:
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
        except OSError:
            raise _BadEntry("missing") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_size > _MAX_ENTRY:
                raise _BadEntry("not a regular file of the user's")
            with os.fdopen(os.dup(fd), "rb") as handle:
                raw = handle.read(_MAX_ENTRY + 1)
        finally:
            os.close(fd)
        head, _, doc = raw.partition(b"\n")
        try:
            entry = json.loads(head)
        except (ValueError, RecursionError):
            raise _BadEntry("not JSON") from None
        if not (isinstance(entry, dict) and entry.get("format") == self.version and entry.get("sha256") == key
                and isinstance(entry.get("mac"), str) and self._load_secret(folder, create=False)
                and hmac.compare_digest(entry["mac"], self._mac(key, doc))):
            raise _BadEntry("another text, version or writer")
        try:
            return _decode(json.loads(doc))
        except (ValueError, RecursionError):
            raise _BadEntry("not a document") from None

    def load(self, text: str) -> Any:
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        self.used.add(key)
        name = f"{key}.json"
        folder = self._open_folder(create=False)
        if folder is not None:
            try:
                return self._get(folder, name, key)
            except _BadEntry:
                pass  # not cached yet, or not to be trusted: parse it
            finally:
                os.close(folder)
        document = _load(text)
        if self.write:
            self._put(name, key, document)
        return document

    def _put(self, name: str, key: str, document: Any) -> None:
        folder = self._open_folder(create=True)
        if folder is None:
            return  # a cache that cannot be used only costs time
        partial = f".{name}.{os.getpid()}.part"
        try:
            if not self._load_secret(folder, create=True):
                return
            doc = json.dumps(_encode(document), ensure_ascii=True, separators=(",", ":")).encode()
            head = json.dumps({"format": self.version, "sha256": key, "mac": self._mac(key, doc)}).encode()
            data = head + b"\n" + doc
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                         dir_fd=folder)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(partial, name, src_dir_fd=folder, dst_dir_fd=folder)  # a whole entry or none
        except (OSError, ValueError, RecursionError):
            with contextlib.suppress(OSError):
                os.unlink(partial, dir_fd=folder)
        finally:
            os.close(folder)

    def prune(self) -> None:
        """Remove the entries of files that are gone or have changed: names in the folder
        only (through its descriptor), never following a link."""
        if not self.write:
            return
        folder = self._open_folder(create=False)
        if folder is None:
            return
        try:
            for entry in os.scandir(folder):
                stale = _ENTRY.fullmatch(entry.name) and entry.name.removesuffix(".json") not in self.used
                partial = entry.name.startswith(".") and entry.name.endswith(".part")
                old = entry.name.endswith(".pickle")  # the format of an earlier kg
                if (stale or partial or old) and not entry.is_dir(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.name, dir_fd=folder)
        finally:
            os.close(folder)


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
    "latest_end": (False, (str, int)), "threatens": (False, str),
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
        except DuplicateKey as exc:
            self.problem("duplicate-key", exc.problem, Loc(file, exc.problem_mark.line + 1), hint=DUPLICATE_HINT)
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
