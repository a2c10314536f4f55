"""The ingest rules as checked data: every rule's examples, the schema, and no word lists in code.

As PETRARCH2 keeps a validation suite of coded sentences beside its dictionaries, every rule of
kg/ingest/rules/ carries sentences it must fire on (`match`) and must not (`no_match`); one
parametrised test runs them all on the pinned model.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kg.ingest import extract, nlp
from kg.ingest.rules import RULES_DIR, RuleError, compiled, load, read

KG_INGEST = Path(__file__).resolve().parents[2] / "kg" / "ingest"


def _examples():
    for rule in load().all():
        for kind in ("match", "no_match"):
            for sentence in rule.examples.get(kind, []):
                text = sentence["text"] if isinstance(sentence, dict) else sentence
                yield pytest.param(rule, kind, sentence, id=f"{rule.section}:{rule.name}:{kind}:{text[:30]}")


def _implies(rule, example: dict) -> bool:
    """Whether the `implied:` rule gives the example's triple when its text is ingested."""
    subject, relation, obj = example["gives"].split()
    found = extract(example["text"], date="2025-03-03")
    # both ends must be found, or a no_match example could never fail
    assert {subject, obj} <= set(found.entities), f"{rule.where()}: {example['gives']}: found {sorted(found.entities)}"
    return any((s.subject, s.relation, s.object, s.rule, s.confidence) == (subject, relation, obj,
                                                                          f"implied:{rule.name}", "implied")
               for s in found.statements)


def _fires(rule, sentence) -> bool:
    """Whether `rule` matches in `sentence`: its patterns on the parse, its words on the tokens."""
    if rule.section == "implied":
        return _implies(rule, sentence)
    doc = nlp.parse(sentence)
    comp = compiled()
    if rule.section in ("frames", "attribution", "modality", "claims"):
        return any(m.rule is rule for m in comp.matches(doc))
    if rule.section == "entities":
        return any(doc.vocab.strings[m] == f"entities:{rule.name}" for m, _, _ in comp.tokens(doc))
    if rule.section == "titles":
        lower = [t.lower_ for t in doc]
        return any(lower[i:i + len(w.split())] == w.lower().split() for w in rule.data["words"] for i in range(len(lower)))
    if rule.section == "types":
        position = rule.data.get("position")
        if position == "ner":
            return any(e.label_ in rule.data["words"] for e in doc.ents)
        if position == "anaphor":
            return any(t.lower_ in rule.data["words"] and t.is_lower for t in doc)
        words = rule.data["words"]
        if position == "head":
            return any(t.lemma_.lower() in words and t.i and doc[t.i - 1].pos_ == "PROPN" for t in doc)
        return any(f" {w} " in f" {sentence.rstrip('.')} " for w in words)
    raise AssertionError(f"no example runner for section {rule.section}")


@pytest.mark.parametrize("rule, kind, sentence", list(_examples()))
def test_every_rule_fires_on_its_examples_and_only_there(rule, kind, sentence):
    assert _fires(rule, sentence) == (kind == "match"), f"{rule.where()} {rule.name} ({kind}): {sentence}"


def test_every_rule_but_word_lists_has_examples():
    rules = load()
    assert all(r.examples.get("match") for r in rules.all() if r.section != "words")
    assert len(rules["frames"]) >= 20


def _write(tmp_path, text: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "frames.yaml").write_text(text, encoding="utf-8")
    return folder


GOOD = """\
frames:
  - name: sue
    relation: sued
    lemmas: [sue]
    subject: [nsubj]
    object: [dobj]
    examples: {match: ["Ohio sued Texas."]}
"""


def test_a_good_rule_file_loads(tmp_path):
    assert [r.name for r in read(_write(tmp_path, GOOD))["frames"]] == ["sue"]


@pytest.mark.parametrize("change, message", [
    (("    object: [dobj]\n", "    object: [dobj]\n    pasive: true\n"), "rules/frames.yaml:2: rule 'sue': unknown key 'pasive'"),
    (("relation: sued", "relation: sueed"), "unknown relation 'sueed'"),
    (("object: [dobj]", "object: [dobjj]"), "unknown dependency label 'dobjj'"),
    (("object: [dobj]", "object: [\"dobj[x\"]"), "bad path"),
    (("    examples: {match: [\"Ohio sued Texas.\"]}\n", ""), "no examples"),
    (("lemmas: [sue]", "lemmas: [sue]\n    pos: [VERBB]"), "unknown part of speech 'VERBB'"),
])
def test_a_bad_rule_fails_at_load_with_file_and_line(tmp_path, change, message):
    with pytest.raises(RuleError) as caught:
        read(_write(tmp_path, GOOD.replace(*change)))
    assert message in str(caught.value) and "rules/frames.yaml:" in str(caught.value)


def test_a_pattern_spacy_rejects_fails_with_its_rule(tmp_path):
    from kg.ingest.rules import compile_rules
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "entities.yaml").write_text(
        "entities:\n  - name: memo\n    type: Memorandum\n    pattern: [{LEMMA: memo, WRONG: 1}]\n"
        "    examples: {match: [a memo]}\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules/entities.yaml:2: rule 'memo': spaCy rejects the pattern"):
        compile_rules(read(folder), nlp.load().vocab)


def test_the_shipped_rule_files_are_the_ones_read():
    shipped = {f"rules/{p.name}" for p in RULES_DIR.glob("*.yaml")}
    assert {"rules/frames.yaml", "rules/attribution.yaml", "rules/modality.yaml"} <= shipped
    assert {r.file for r in load().all()} == shipped  # every file read, and each gives rules


def _word_lists(path: Path) -> list[int]:
    """Lines of `path` holding a literal list, set or tuple of three or more lower-case words."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.List, ast.Set, ast.Tuple)):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
                     and e.value.isalpha() and e.value.islower()]
            if len(words) >= 3 and len(words) == len(node.elts) and not set(words) <= _vocabulary():
                out.append(node.lineno)
    return out


# Scoring and review are not ingest rules (they compare forms, they do not read news)
_NOT_WORDS = {"additions.py", "evaluate.py", "review.py", "writer.py", "yamledit.py"}


def _vocabulary() -> set[str]:
    """Words that are names of the machinery, not English: the parser's labels, the rule files'
    sections and keys, the modes, the pipeline state's fields."""
    from dataclasses import fields

    from kg.ingest import pipeline, rules
    out = set(nlp.load().get_pipe("parser").labels) | set(rules._SCHEMA) | rules._MODES
    out |= {k for schema in rules._SCHEMA.values() for k in schema} | {f.name for f in fields(pipeline.State)}
    return out | {"match", "no_match", "path", "subject", "object", "speaker", "claim", "original_span"}


@pytest.mark.parametrize("path", sorted(p for p in KG_INGEST.glob("*.py") if p.name not in _NOT_WORDS), ids=lambda p: p.name)
def test_no_english_word_list_in_ingest_code(path):
    found = _word_lists(path)
    assert not found, f"{path.name}: word lists at lines {found}: move them to kg/ingest/rules/"


IMPLIED = """\
implied:
  - name: sides-sued
    premises: ["P plaintiffIn L", "D defendantIn L"]
    types: {L: [Lawsuit]}
    gives: P sued D
    examples:
      match: [{text: "Ohio sued Texas. The suit names Texas as defendant.", gives: Ohio sued Texas}]
"""


def test_a_good_implied_rule_loads(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "implied.yaml").write_text(IMPLIED, encoding="utf-8")
    [rule] = read(folder)["implied"]
    assert rule.data["gives"] == "P sued D" and rule.examples["match"][0]["gives"] == "Ohio sued Texas"


@pytest.mark.parametrize("change, message", [
    (("    gives: P sued D\n", "    gives: P sued D\n    premise: []\n"), "rule 'sides-sued': unknown key 'premise'"),
    (("gives: P sued D", "gives: P sueed D"), "unknown relation 'sueed'"),
    (("gives: P sued D", "gives: P sued X"), "variable 'X' is in no premise"),
    (("{L: [Lawsuit]}", "{L: [Lawsiut]}"), "unknown type 'Lawsiut' for 'L'"),
    (('"D defendantIn L"', '"D defendantIn"'), "is not 'SUBJECT relation OBJECT'"),
    (('"D defendantIn L"', '"D defendantIn lawsuit"'), "'lawsuit' in 'D defendantIn lawsuit' is no variable"),
    (("gives: P sued D", "gives: P sued|opposed D"), "'gives' must name one relation"),
    (("    gives: P sued D\n", "    gives: P sued D\n    quote: 3\n"), "'quote' is no premise's number (1 to 2)"),
    (('gives: Ohio sued Texas}', 'says: Ohio sued Texas}'), "an example of 'match' is not {text: ..., gives: ...}"),
])
def test_a_bad_implied_rule_fails_at_load_with_file_and_line(tmp_path, change, message):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "implied.yaml").write_text(IMPLIED.replace(*change), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        read(folder)
    assert "rules/implied.yaml:2: rule 'sides-sued': " in str(caught.value) and message in str(caught.value)
