"""The build's YAML cache: an unchanged file is not parsed again, a changed or broken one is,
and the records (with their lines) and the error messages are the same either way."""

from __future__ import annotations

import pytest

import kg
from kg.builder import curated, pipeline


def _cache(store_dir):
    return store_dir / pipeline.PARSE_CACHE


def test_an_unchanged_file_is_not_parsed_again(mini, tmp_path, monkeypatch):
    kg.build(str(mini), store_dir=tmp_path / "store")
    entries = sorted(p.name for p in _cache(tmp_path / "store").glob("*.json"))
    assert len(entries) == 3  # sources.yaml, entities/all.yaml, statements/memo.yaml
    plain = curated.read(mini / "data", mini)

    def no_parsing(text):
        raise AssertionError("parsed again")

    monkeypatch.setattr(curated, "_load", no_parsing)
    cached = curated.read(mini / "data", mini, curated.ParseCache(_cache(tmp_path / "store")))
    assert cached == plain and cached.statements and not cached.problems  # lines included
    assert sorted(p.name for p in _cache(tmp_path / "store").glob("*.json")) == entries


def test_a_changed_file_is_parsed_and_its_old_entry_removed(mini, tmp_path):
    kg.build(str(mini), store_dir=tmp_path / "store")
    before = {p.name for p in _cache(tmp_path / "store").glob("*.json")}
    memo = mini / "data" / "statements" / "memo.yaml"
    memo.write_text(memo.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    built = kg.build(str(mini), store_dir=tmp_path / "store")
    after = {p.name for p in _cache(tmp_path / "store").glob("*.json")}
    assert len(after) == 3 and len(before & after) == 2  # one entry replaced, none left over
    assert built.data == kg.check(str(mini)).data  # the new records, lines and offsets


@pytest.mark.parametrize("cached", [False, True])
def test_a_broken_file_is_reported_the_same_with_or_without_the_cache(mini, tmp_path, cached):
    if cached:
        kg.build(str(mini), store_dir=tmp_path / "store")
    memo = mini / "data" / "statements" / "memo.yaml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("    relation: sued\n", "    relation: [sued\n", 1),
                    encoding="utf-8")
    with pytest.raises(kg.ValidationError) as failure:
        kg.build(str(mini), store_dir=tmp_path / "store")
    lines = [str(p) for p in failure.value.problems]
    assert len(lines) == 1 and lines[0].startswith("data/statements/memo.yaml:") and "malformed YAML" in lines[0]
    uncached = curated.read(mini / "data", mini)
    assert [str(p) for p in uncached.problems] == lines


def test_an_unreadable_entry_is_parsed_again(mini, tmp_path):
    kg.build(str(mini), store_dir=tmp_path / "store")
    for entry in _cache(tmp_path / "store").glob("*.json"):
        entry.write_bytes(b"not a pickle")
    assert curated.read(mini / "data", mini, curated.ParseCache(_cache(tmp_path / "store"))) == \
        curated.read(mini / "data", mini)
