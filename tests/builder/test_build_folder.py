"""kg owns only what it made: a build folder's manifest names kg's files; nothing else is removed,
replaced or followed, and a --store folder holding the user's own files is refused."""

from __future__ import annotations

import json
import os

import pytest

import kg
from conftest import REPO, run_kg, tree_hash
from kg.builder import store
from kg.errors import KGError


def _users_folder(folder):
    folder.mkdir()
    (folder / "analysis-2024").mkdir()
    (folder / "analysis-2024" / "notes.md").write_text("my analysis\n")
    (folder / "store-old").mkdir()
    (folder / "store-old" / "CURRENT").write_text("mine\n")
    (folder / "store-receipts").mkdir()
    (folder / "store-receipts" / "r1.pdf").write_bytes(b"%PDF-1.4 receipt")
    (folder / ".tmp-draft.txt").write_text("a draft\n")
    (folder / "graph.nt").write_text("<urn:a> <urn:b> <urn:c> .\n")
    return tree_hash(folder)


def test_a_store_folder_with_the_users_files_is_refused_and_untouched(mini, tmp_path):
    folder = tmp_path / "work"
    before = _users_folder(folder)
    done = run_kg("--root", str(mini), "--store", str(folder), "build")
    assert done.returncode == 3, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "files kg did not write" in done.stderr
    assert "--store" in done.stderr  # the hint
    # What docs/reliability.md shows for `kg --store ~/work build`, word for word.
    page = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    shown = page[page.index("$ kg --store ~/work build\n"):].splitlines()[1]
    assert done.stderr.strip() == shown.replace("/home/you/work", str(folder))
    assert tree_hash(folder) == before and sorted(os.listdir(folder)) == sorted(
        ["analysis-2024", "store-old", "store-receipts", ".tmp-draft.txt", "graph.nt"])


def test_an_empty_or_missing_folder_is_used_and_kept_as_kgs(mini, tmp_path):
    for folder in (tmp_path / "new", tmp_path / "empty"):
        if folder.name == "empty":
            folder.mkdir()
        kg.build(str(mini), store_dir=folder)
        kg.build(str(mini), store_dir=folder)  # a folder of its own: built again
        manifest = json.loads((folder / store.MANIFEST).read_text())
        assert "current" in manifest["names"] and "graph.nt" in manifest["names"]


def test_files_the_user_puts_in_a_build_folder_later_are_never_pruned(mini, tmp_path):
    folder = tmp_path / "store"
    kg.build(str(mini), store_dir=folder)
    mine = {"analysis-2024": "dir", "store-old": "dir", "store-20200101T000000-1-1": "dir",
            ".tmp-draft.txt": "file", ".tmp-store-x": "dir", "notes.txt": "file"}
    for name, kind in mine.items():
        if kind == "dir":
            (folder / name).mkdir()
            (folder / name / "keep.txt").write_text(name)
        else:
            (folder / name).write_text(name)
    for _ in range(4):
        kg.build(str(mini), store_dir=folder)
    for name, kind in mine.items():
        assert (folder / name / "keep.txt" if kind == "dir" else folder / name).read_text() == name
    assert len(kg.load(mini, folder).query("SELECT ?s WHERE { ?s a kg:Statement }")) == 5
    assert len([n for n in os.listdir(folder) if store.re.fullmatch(r"store-\d{8}T.*\d", n)]) == 3  # 2 + mine


def test_a_users_file_where_kg_would_publish_is_refused(mini, tmp_path):
    folder = tmp_path / "store"
    kg.build(str(mini), store_dir=folder)
    manifest = json.loads((folder / store.MANIFEST).read_text())
    manifest["names"].remove("graph.nt")
    (folder / store.MANIFEST).write_text(json.dumps({**manifest}))
    (folder / "graph.nt").unlink()
    (folder / "graph.nt").write_text("mine\n")
    with pytest.raises(KGError, match="is not kg's"):
        kg.build(str(mini), store_dir=folder)
    assert (folder / "graph.nt").read_text() == "mine\n"


def test_a_build_folder_of_an_earlier_kg_is_adopted(mini, tmp_path):
    folder = tmp_path / "store"
    kg.build(str(mini), store_dir=folder)
    (folder / store.MANIFEST).unlink()  # as an earlier kg left it
    kg.build(str(mini), store_dir=folder)
    assert (folder / store.MANIFEST).is_file()
    assert len(kg.load(mini, folder).query("SELECT ?s WHERE { ?s a kg:Statement }")) == 5
