"""Bad data: one clear line (file, line, entity, rule, hint), exit 1, nothing lost."""

import hashlib
import re
from pathlib import Path

import pytest

import kg
from conftest import invoke_kg
from kg.builder import store

STATEMENTS = "data/statements/memo.yaml"
ENTITIES = "data/entities/all.yaml"


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _break(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, rel: str, needle: str) -> int:
    for number, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


CASES = [
    # (file, old, new, rule, entity, line locator)
    (STATEMENTS, "relation: sued", "relation: sues", "unknown-relation", "memo-001", "- id: memo-001"),
    (ENTITIES, "type: GovernmentAgency", "type: GovermentAgency", "unknown-type", "FederalAgency",
     "- id: FederalAgency"),
    (STATEMENTS, "object: TenthAmendment", "object: TenthAmendmnt", "unknown-entity", "memo-003",
     "- id: memo-003"),
    (STATEMENTS, "sued the Federal Agency\"", "sued the Federal Agencies\"", "quote-not-found",
     "memo-001", "- id: memo-001"),
    (STATEMENTS, "date: 2025-02-07\n  - id: memo-002", "date: 2025-13-07\n  - id: memo-002",
     "bad-date", "memo-001", "date: 2025-13-07"),
    (STATEMENTS, "relation: holdsRole\n    object: Springfield",
     "relation: holdsRole\n    object: TenthAmendment", "range", "memo-004", "- id: memo-004"),
    (STATEMENTS, "  - id: memo-002\n", "  - id: memo-001\n", "duplicate-id", "memo-001",
     "- id: memo-001\n    subject: Springfield\n    relation: asserts"),
    # Valid time: a span only for a state, ends after starts, no act after its source's date.
    (STATEMENTS, "    date: 2025-02-07\n  - id: memo-002", "    date: 2025-02-07\n    start: 2025\n  - id: memo-002",
     "valid-time", "memo-001", "- id: memo-001"),
    (STATEMENTS, "    title: Mayor\n", "    title: Mayor\n    start: 2025-02\n    end: 2024\n", "valid-time",
     "memo-004", "- id: memo-004"),
    (STATEMENTS, "    title: Mayor\n", "    title: Mayor\n    end: 2024\n", "valid-time",
     "memo-004", "- id: memo-004"),
    (STATEMENTS, "    title: Mayor\n", "    title: Mayor\n    latest_end: 2024\n", "valid-time",
     "memo-004", "- id: memo-004"),
    (STATEMENTS, "    quote: \"its order violates the Tenth Amendment\"\n",
     "    quote: \"its order violates the Tenth Amendment\"\n    date: 2025-03\n", "valid-time",
     "memo-003", "- id: memo-003"),
    # Ranks: a deprecated statement says why; a status is one of the three.
    (STATEMENTS, "    confidence: implied\n", "    confidence: implied\n    status: deprecated\n", "rank",
     "memo-005", "- id: memo-005"),
    (STATEMENTS, "    confidence: implied\n", "    confidence: implied\n    status: wrong\n    reason: typo\n",
     "rank", "memo-005", "- id: memo-005"),
    (STATEMENTS, "    confidence: implied\n", "    confidence: implied\n    reason: source error\n", "rank",
     "memo-005", "- id: memo-005"),
    # Only a ruling has a judge.
    (STATEMENTS, "    relation: sued\n", "    relation: sued\n    judge: JaneRoe\n", "schema", "memo-001",
     "- id: memo-001"),
    # Only a threat names the act it threatens, and that is a relation of the ontology.
    (STATEMENTS, "    relation: sued\n", "    relation: sued\n    threatens: withheldFunding\n", "schema", "memo-001",
     "- id: memo-001"),
]


@pytest.mark.parametrize("rel,old,new,rule,entity,locator", CASES, ids=[c[3] for c in CASES])
def test_bad_data_fails_clearly_and_keeps_the_store(mini, tmp_path, rel, old, new, rule, entity, locator):
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    before_store = store.current_path(store_dir)
    before_files = _snapshot(before_store)
    dump_before = (store_dir / store.DUMP).read_bytes()

    _break(mini, rel, old, new)
    data_before = _snapshot(mini / "data")
    if "\n" in locator:
        text = (mini / rel).read_text(encoding="utf-8")
        line = text[:text.index(locator)].count("\n") + 1
    else:
        line = _line_of(mini, rel, locator)

    result = invoke_kg("--root", str(mini), "--store", str(store_dir), "build")

    assert result.returncode == 1
    errors = [l for l in result.stderr.splitlines() if "error[" in l]
    assert len(errors) == 1, result.stderr
    assert re.match(rf"^{re.escape(rel)}:{line}: error\[{rule}\] {entity}: .+\(hint: .+\)$", errors[0]), errors[0]
    assert "Traceback" not in result.stderr
    # nothing lost: the published store, its dump and the curated data are as they were
    assert store.current_path(store_dir) == before_store
    assert _snapshot(before_store) == before_files
    assert (store_dir / store.DUMP).read_bytes() == dump_before
    assert _snapshot(mini / "data") == data_before


def test_a_statements_file_without_its_source_says_so(mini, tmp_path):
    _break(mini, STATEMENTS, "source: memo\n", "")
    result = invoke_kg("--root", str(mini), "--store", str(tmp_path / "s"), "check")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error[" in line]
    assert errors == [f"{STATEMENTS}:1: error[missing-source] the file has no top-level 'source:' naming the "
                      "article its statements quote (hint: add 'source: ID' above 'statements:' (known sources: "
                      "memo))"], result.stderr


def test_malformed_yaml_names_file_and_line(mini, tmp_path):
    _break(mini, STATEMENTS, "    relation: sued\n", "    relation: [sued\n")
    result = invoke_kg("--root", str(mini), "--store", str(tmp_path / "s"), "check")
    assert result.returncode == 1
    errors = [l for l in result.stderr.splitlines() if "error[" in l]
    assert len(errors) == 1
    assert re.match(rf"^{re.escape(STATEMENTS)}:\d+: error\[yaml\] malformed YAML", errors[0]), errors[0]
    assert not (tmp_path / "s").exists()


def test_check_writes_nothing(mini, tmp_path):
    result = invoke_kg("--root", str(mini), "--store", str(tmp_path / "s"), "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 1 sources, 5 entities, 5 statements")
    assert not (tmp_path / "s").exists()


def test_unwritable_store_folder_is_an_environment_error(mini, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = invoke_kg("--root", str(mini), "--store", str(blocker / "s"), "build")
    assert result.returncode == 3
    assert result.stderr.startswith("kg: error: cannot write to"), result.stderr


def test_query_before_any_build_says_to_build(mini, tmp_path):
    result = invoke_kg("--root", str(mini), "--store", str(tmp_path / "none"), "stats")
    assert result.returncode == 3
    assert "run 'kg build' first" in result.stderr
