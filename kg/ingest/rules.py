"""The rule files of kg/ingest/rules/, read against their schema and compiled to spaCy matchers.

Every rule is data on tokens: a trigger by lemma and part of speech (a spaCy `Matcher` pattern),
and dependency paths from it to the roles it fills, walked on the parse. A path is steps separated by spaces: `dep` goes down to a child by that
dependency label, `dep[lemma|lemma]` also asks for the child's lemma, `^` goes up to the head and
`^dep` up to the head the token hangs from by `dep`. Every key, label, relation and type is
checked when the file is read: an unknown key (`pasive: true`) or a bad pattern fails at load,
naming the file and line. Each rule carries `examples:` that must (`match`) and must not
(`no_match`) fire; tests/ingest/test_rules.py runs them all.

>>> rules = load()
>>> {'frames', 'attribution', 'implied'} <= set(rules.sections)
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ..errors import KGError
from ..namespace import K

RULES_DIR = Path(__file__).with_name("rules")

#: Universal part-of-speech tags (spaCy's `pos_`), the only ones a trigger may ask for.
POS = {"ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
       "SCONJ", "SYM", "VERB", "X"}

_EXAMPLES = {"match": list, "no_match": list}
# section -> key -> type; `name` and `examples` are asked of every rule
_SCHEMA: dict[str, dict[str, type | tuple]] = {
    "frames": {"relation": str, "lemmas": list, "pos": list, "subject": list, "object": list,
               "subject_types": list, "object_types": list, "subject_titles": list, "object_owner": bool, "negated": str,
               "note": str},
    "attribution": {"lemmas": list, "pos": list, "speaker": list, "claim": list, "relation": str, "note": str,
                    "not_claim_modes": list, "not_claim_subjects": list, "not_claim_entities": list,
                    "quotation": bool, "not_claim_self": bool, "not_claim_own": bool, "pronoun_speaker": bool,
                    "not_claim_dated": list, "predicative": bool, "one_person_for_pronoun": bool},
    "claims": {"relation": str, "lemmas": list, "pos": list, "object": list, "object_types": list, "from_speaker": bool,
               "claimant": list, "note": str},
    "modality": {"lemmas": list, "pos": list, "path": (str, list), "mode": str, "note": str},
    "titles": {"words": list, "org": str, "default": str, "default_head": str, "body": str, "relation": str,
               "needs_body": bool, "default_unless": list,
               "note": str},
    "entities": {"label": str, "type": str, "pattern": list, "note": str},
    "types": {"words": list, "type": str, "position": str, "note": str},
    "words": {"words": list, "note": str},
    "acts": {"lemmas": list, "pos": list, "subject": list, "object": list, "makes": str, "relation": str,
             "object_relation": str, "label": str, "label_alone": str,
             "subject_types": list, "object_types": list,
             "note": str},
    "implied": {"premises": list, "gives": str, "types": dict, "unless": list, "unique": list, "quote": int,
                "within": int, "note": str},
}
_REQUIRED = {"frames": {"relation", "lemmas", "subject", "object"}, "attribution": {"lemmas", "speaker", "claim"},
             "claims": {"relation", "lemmas", "object"},
             "modality": {"lemmas", "path", "mode"}, "titles": {"words", "org"},
             "entities": {"pattern", "type"}, "types": {"words", "type"}, "words": {"words"},
             "implied": {"premises", "gives"}, "acts": {"lemmas", "subject", "makes", "relation", "label_alone"}}
_MODES = {"threatened", "planned", "attempted", "denied", "hypothetical", "drop"}
_STEP = re.compile(r"^(\^)?([a-z]+(?::[a-z]+)?)?(?:\[([^\]]+)\])?$")


class RuleError(KGError):
    """A rule file that does not fit its schema (file and line in the message)."""


@dataclass
class Rule:
    section: str
    name: str
    data: dict
    file: str
    line: int
    examples: dict[str, list[str]] = field(default_factory=dict)

    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def get(self, key, default=None):
        return self.data.get(key, default)


@dataclass
class Rules:
    sections: dict[str, list[Rule]]

    def __getitem__(self, section: str) -> list[Rule]:
        return self.sections.get(section, [])

    def words(self, name: str) -> set[str]:
        """The word list `name` of the `words:` sections (lower case)."""
        return {w.lower() for r in self["words"] if r.name == name for w in r.data["words"]}

    def all(self) -> list[Rule]:
        return [r for rules in self.sections.values() for r in rules]


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping (as the key `__line__`)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _fail(file: str, line: int, rule: str, message: str, hint: str) -> None:
    raise RuleError(f"{file}:{line}: rule '{rule}': {message}", hint=hint)


def parse_path(path: str) -> list[tuple[bool, str | None, list[str] | None]]:
    """'prep[against] pobj' -> [(up, dep, lemmas), ...]."""
    steps = []
    for step in path.split():
        m = _STEP.match(step)
        if not m or not (m.group(1) or m.group(2)):
            raise ValueError(f"step {step!r}")
        steps.append((bool(m.group(1)), m.group(2), m.group(3).split("|") if m.group(3) else None))
    return steps


def _strip_lines(value):
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _check_rule(section: str, item: dict, file: str, deps: set[str]) -> Rule:
    line = item.pop("__line__", 0)
    item = _strip_lines(item)
    name = item.pop("name", None)
    if not isinstance(name, str):
        _fail(file, line, "?", "has no name", "give every rule `name: some-name`")
    examples = item.pop("examples", None)
    schema = _SCHEMA[section]
    for key, value in item.items():
        if key not in schema:
            _fail(file, line, name, f"unknown key '{key}'", f"the keys of {section} rules are: {', '.join(sorted(schema))}")
        if not isinstance(value, schema[key]):
            kind = " or ".join(t.__name__ for t in (schema[key] if isinstance(schema[key], tuple) else (schema[key],)))
            _fail(file, line, name, f"'{key}' should be a {kind}", "see the other rules of the file")
    for key in _REQUIRED[section] - set(item):
        _fail(file, line, name, f"no '{key}'", f"{section} rules need {', '.join(sorted(_REQUIRED[section]))}")
    if section != "words":
        if not isinstance(examples, dict) or not examples.get("match"):
            _fail(file, line, name, "no examples", "add `examples: {match: [...], no_match: [...]}` (your own sentences)")
        examples.pop("__line__", None)
        for key, value in examples.items():
            if key not in _EXAMPLES or not isinstance(value, list):
                _fail(file, line, name, f"bad examples key '{key}'", "examples take `match:` and `no_match:` lists")
    if section == "implied":
        _check_implied(item, examples, lambda message, hint: _fail(file, line, name, message, hint))
    for key in ("relation", "object_relation"):
        if key in item:
            _known_term(item[key], file, line, name, "relation")
    for key in ("type", "org", "makes"):
        if key in item:
            _known_term(item[key], file, line, name, "type")
    for key in ("subject_types", "object_types"):
        for term in item.get(key, []):
            _known_term(term, file, line, name, "type")
    for pos in item.get("pos", []):
        if pos not in POS:
            _fail(file, line, name, f"unknown part of speech '{pos}'", f"use one of {', '.join(sorted(POS))}")
    for mode in [item.get("mode"), *item.get("not_claim_modes", [])]:
        if mode and mode not in _MODES:
            _fail(file, line, name, f"unknown mode '{mode}'", f"modes: {', '.join(sorted(_MODES))}")
    for key in ("subject", "object", "speaker", "claim", "path", "claimant"):
        paths = item.get(key)
        for path in ([paths] if isinstance(paths, str) else paths or []):
            try:
                steps = parse_path(path)
            except ValueError as exc:
                _fail(file, line, name, f"bad path '{path}': {exc}", "steps are dep, dep[lemma|lemma], ^ or ^dep")
            for _, dep, _ in steps:
                if dep and dep not in deps:
                    _fail(file, line, name, f"unknown dependency label '{dep}' in '{path}'",
                          "use the parser's labels (nsubj, dobj, prep, pobj, agent, ccomp, xcomp, ...)")
    return Rule(section, name, item, file, line, examples or {})


@dataclass(frozen=True)
class Pattern:
    """A triple pattern of an `implied:` rule: 'P plaintiffIn L' (a variable is capitalised, `_` is
    anything; 'invokes|challenges' is either relation)."""

    subject: str
    relations: tuple[str, ...]
    object: str

    def variables(self) -> set[str]:
        return {x for x in (self.subject, self.object) if x != "_"}


_VARIABLE = re.compile(r"^(_|[A-Z][A-Za-z0-9]*)$")


def parse_pattern(text: str) -> Pattern:
    """'P plaintiffIn L' -> Pattern; ValueError naming what is wrong."""
    parts = text.split()
    if len(parts) != 3:
        raise ValueError(f"'{text}' is not 'SUBJECT relation OBJECT'")
    for end in (parts[0], parts[2]):
        if not _VARIABLE.match(end):
            raise ValueError(f"'{end}' in '{text}' is no variable (a capitalised name, or _)")
    relations = tuple(parts[1].split("|"))
    for relation in relations:
        try:
            getattr(K, relation)
        except AttributeError:
            raise ValueError(f"unknown relation '{relation}' in '{text}'") from None
    return Pattern(parts[0], relations, parts[2])


def _check_implied(item: dict, examples: dict, fail) -> None:
    """The patterns, variables, types and examples of an `implied:` rule."""
    premises = []
    for key in ("premises", "unless", "gives"):
        for text in item.get(key, []) if key != "gives" else [item[key]]:
            try:
                pattern = parse_pattern(text) if isinstance(text, str) else None
            except ValueError as exc:
                fail(f"bad pattern in '{key}': {exc}", "write 'SUBJECT relation OBJECT', e.g. 'P plaintiffIn L'")
            if pattern is None:
                fail(f"'{key}' holds something that is not a pattern", "write 'SUBJECT relation OBJECT'")
            if key == "premises":
                premises.append(pattern)
            elif key == "gives" and (len(pattern.relations) != 1 or "_" in (pattern.subject, pattern.object)):
                fail("'gives' must name one relation between two variables", "e.g. 'P sued D'")
    bound = set().union(*(p.variables() for p in premises)) if premises else set()
    used = {*parse_pattern(item["gives"]).variables(), *item.get("types", {}), *item.get("unique", []),
            *(v for text in item.get("unless", []) for v in parse_pattern(text).variables())}
    for var in sorted(used - bound):
        fail(f"variable '{var}' is in no premise", f"the premises bind {', '.join(sorted(bound))}")
    for var, types in item.get("types", {}).items():
        for term in types if isinstance(types, list) else [types]:
            try:
                getattr(K, term)
            except AttributeError:
                fail(f"unknown type '{term}' for '{var}'", "use a class of ontology/kg.ttl")
    if not 1 <= item.get("quote", 1) <= len(premises):
        fail(f"'quote' is no premise's number (1 to {len(premises)})", "quote: N quotes the sentence of premise N")
    for kind, items in examples.items():
        for example in items:
            if not (isinstance(example, dict) and set(example) == {"text", "gives"}):
                fail(f"an example of '{kind}' is not {{text: ..., gives: ...}}",
                     "give an invented text and the triple 'SubjectId relation ObjectId' it must (not) imply")


def _known_term(term: str, file: str, line: int, name: str, what: str) -> None:
    try:
        getattr(K, term)
    except AttributeError:
        _fail(file, line, name, f"unknown {what} '{term}'", "use a term of ontology/kg.ttl")


def read(folder: Path = RULES_DIR, deps: set[str] | None = None) -> Rules:
    """Read and check every rule file of `folder` (without compiling the patterns)."""
    deps = deps if deps is not None else _parser_labels()
    sections: dict[str, list[Rule]] = {}
    names: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        file = f"{folder.name}/{path.name}"
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise RuleError(f"{file}:{mark.line + 1 if mark else 0}: not valid YAML: {getattr(exc, 'problem', exc)}",
                            hint="fix the indentation or quoting there") from None
        doc.pop("__line__", None)
        for section, items in doc.items():
            if section.startswith("_"):
                continue  # YAML anchors shared by the rules below
            if section not in _SCHEMA:
                raise RuleError(f"{file}: unknown section '{section}'", hint=f"sections: {', '.join(sorted(_SCHEMA))}")
            for item in items or []:
                if not isinstance(item, dict):
                    raise RuleError(f"{file}: section '{section}' holds something that is not a rule",
                                    hint="each rule is a mapping with a name")
                rule = _check_rule(section, item, file, deps)
                key = f"{section}:{rule.name}"
                if key in names:
                    _fail(file, rule.line, rule.name, f"name used twice (also {names[key]})", "rename one")
                names[key] = rule.where()
                sections.setdefault(section, []).append(rule)
    return Rules(sections)


def _parser_labels() -> set[str]:
    from . import nlp
    return set(nlp.load().get_pipe("parser").labels) | {"ROOT"}


_ROLES = {"frames": ("subject", "object"), "attribution": ("speaker", "claim"), "modality": ("path", ""),
          "claims": ("object", ""), "acts": ("subject", "")}


def role_paths(rule: Rule, role: str) -> list[list[tuple[bool, str | None, list[str] | None]]]:
    paths = rule.data.get(role) if role else None
    return [parse_path(p) for p in ([paths] if isinstance(paths, str) else paths or [])]


def walk(token, steps) -> list[list]:
    """The chains of tokens a path leads to from `token` (each chain: one token per step)."""
    chains = [[token]]
    for up, dep, lemmas in steps:
        nxt = []
        for chain in chains:
            tok = chain[-1]
            if up:
                head = tok.head
                if head.i != tok.i and (dep is None or tok.dep_ == dep) and (not lemmas or head.lemma_ in lemmas):
                    nxt.append(chain + [head])
            else:
                nxt += [chain + [c] for c in tok.children if c.dep_ == dep and (not lemmas or c.lemma_ in lemmas)]
        chains = nxt
    return [chain[1:] for chain in chains]


@dataclass
class Match:
    """A rule fired on a trigger: for each of its roles, the chains of tokens that fill it."""

    rule: Rule
    trigger: object  # spacy Token
    roles: dict[str, list[list]]


@dataclass
class Compiled:
    rules: Rules
    triggers: object  # spacy.matcher.Matcher: the triggers of frames, attribution and modality
    tokens: object  # spacy.matcher.Matcher: the token patterns of the entity rules
    by_key: dict[str, Rule]
    paths: dict[str, dict[str, list]]  # rule key -> role -> parsed paths

    def matches(self, doc, sections: tuple[str, ...] = ("frames", "attribution", "modality", "claims")) -> list[Match]:
        """Every rule of `sections` whose trigger is in `doc` and whose every role is filled."""
        out = []
        for match_id, start, _ in self.triggers(doc):
            key = doc.vocab.strings[match_id]
            rule = self.by_key[key]
            if rule.section not in sections:
                continue
            roles = {role: [c for steps in paths for c in walk(doc[start], steps)]
                     for role, paths in self.paths[key].items()}
            if all(roles.values()):
                out.append(Match(rule, doc[start], roles))
        return sorted(out, key=lambda m: m.trigger.i)


def trigger_pattern(rule: Rule) -> list[dict]:
    attrs: dict = {"LEMMA": {"IN": rule.data["lemmas"]}}
    if rule.get("pos"):
        attrs["POS"] = {"IN": rule.data["pos"]}
    return [attrs]


def compile_rules(rules: Rules, vocab) -> Compiled:
    """The spaCy matchers of the rules; a pattern spaCy rejects fails with its rule's file and line."""
    from spacy.matcher import Matcher

    triggers = Matcher(vocab, validate=True)
    tok = Matcher(vocab, validate=True)
    by_key: dict[str, Rule] = {}
    paths: dict[str, dict[str, list]] = {}
    for section, roles in _ROLES.items():
        for rule in rules[section]:
            key = f"{section}:{rule.name}"
            try:
                triggers.add(key, [trigger_pattern(rule)])
            except (ValueError, KeyError) as exc:
                _fail(rule.file, rule.line, rule.name, f"spaCy rejects the trigger: {str(exc).splitlines()[0]}",
                      "check the lemmas and the part of speech")
            by_key[key] = rule
            paths[key] = {role: role_paths(rule, role) for role in roles if role}
    for rule in rules["entities"]:
        try:
            tok.add(f"entities:{rule.name}", [rule.data["pattern"]])
        except (ValueError, KeyError) as exc:
            _fail(rule.file, rule.line, rule.name, f"spaCy rejects the pattern: {str(exc).splitlines()[0]}",
                  "write a spaCy Matcher token pattern: a list of {LOWER: ...} / {LEMMA: ...} / {POS: ...}")
    return Compiled(rules, triggers, tok, by_key, paths)


@cache
def load() -> Rules:
    """The rules of kg/ingest/rules/, checked (cached: they do not change while a process runs)."""
    return read()


@cache
def compiled() -> Compiled:
    from . import nlp
    return compile_rules(load(), nlp.load().vocab)
