"""A corrupt analysis snapshot is never trusted: any byte flip, truncation, FIFO, link or device in
analysis-*/ gives the answer SPARQL gives, with one warning line, no traceback and no crash."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import textwrap

import pytest

import kg
from kg.builder import snapshot

#: Prints to_networkx's nodes and edges as the snapshot (or SPARQL) gives them, sorted.
PROGRAM = textwrap.dedent("""
    import json, sys, kg
    g = kg.load(sys.argv[1], sys.argv[2])
    G = g.to_networkx()
    nodes = sorted((n, sorted((k, str(v)) for k, v in d.items() if k != "aliases")) for n, d in G.nodes(data=True))
    edges = sorted((u, v, k, sorted((a, str(b)) for a, b in d.items())) for u, v, k, d in G.edges(keys=True, data=True))
    print(json.dumps([nodes, edges]))
""")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import copy_mini

    root = copy_mini(tmp_path_factory.mktemp("snap") / "mini")
    store_dir = root.parent / "store"
    kg.build(str(root), store_dir=store_dir)
    analysis = snapshot.path_for(kg.load(root, store_dir).store_path)
    pristine = {p.name: p.read_bytes() for p in analysis.iterdir()}
    answer = _run(root, store_dir)
    assert answer.returncode == 0 and answer.stderr == "", answer.stderr
    shutil.move(analysis, analysis.with_name("aside"))
    sparql = _run(root, store_dir)
    shutil.move(analysis.with_name("aside"), analysis)
    assert sparql.stdout == answer.stdout and sparql.stderr == ""
    return root, store_dir, analysis, pristine, answer.stdout


def _run(root, store_dir):
    return subprocess.run([sys.executable, "-c", PROGRAM, str(root), str(store_dir)],
                          capture_output=True, text=True, timeout=60)


def _restore(analysis, pristine):
    for path in analysis.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    for name, data in pristine.items():
        (analysis / name).write_bytes(data)


def _corrupt(analysis, pristine, rng: random.Random, outside) -> str:
    name = rng.choice(sorted(pristine))
    path = analysis / name
    data = bytearray(pristine[name])
    how = rng.choice(["flip", "flips", "truncate", "extend", "empty", "fifo", "link-out", "link-in", "dir",
                      "device", "swap"])
    if how in ("flip", "flips"):
        for _ in range(1 if how == "flip" else rng.randint(2, 50)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
    elif how == "truncate":
        path.write_bytes(bytes(data[:rng.randrange(len(data))]))
    elif how == "extend":
        path.write_bytes(bytes(data) + os.urandom(rng.randint(1, 64)))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "fifo":
        path.unlink()
        os.mkfifo(path)
    elif how == "link-out":
        (outside / name).write_bytes(pristine[name])  # the very same bytes, but not in the build folder
        path.unlink()
        path.symlink_to(outside / name)
    elif how == "link-in":
        path.unlink()
        path.symlink_to(rng.choice(sorted(set(pristine) - {name})))
    elif how == "dir":
        path.unlink()
        path.mkdir()
    elif how == "device":
        path.unlink()
        path.symlink_to("/dev/zero")
    else:  # another table's bytes under this name
        path.write_bytes(pristine[rng.choice(sorted(set(pristine) - {name}))])
    return f"{how} {name}"


@pytest.mark.slow
def test_random_corruptions_give_the_sparql_answer_with_one_warning(built, tmp_path):
    root, store_dir, analysis, pristine, answer = built
    rng = random.Random(24)
    for _ in range(30):
        what = _corrupt(analysis, pristine, rng, tmp_path)
        try:
            result = _run(root, store_dir)
            assert result.returncode == 0, (what, result.stderr)  # no traceback, no signal
            assert result.stdout == answer, what
            warnings = [line for line in result.stderr.splitlines() if line]
            assert len(warnings) <= 1 and "Traceback" not in result.stderr, (what, result.stderr)
            assert all(w.startswith("kg: warning: the analysis snapshot") for w in warnings), what
        finally:
            _restore(analysis, pristine)


def test_a_fifo_in_place_of_a_table_never_hangs(built):
    root, store_dir, analysis, pristine, answer = built
    (analysis / "entities.arrow").unlink()
    os.mkfifo(analysis / "entities.arrow")
    try:
        result = _run(root, store_dir)  # the timeout (60 s) would fail the test
        assert result.returncode == 0 and result.stdout == answer
        assert result.stderr.count("\n") == 1 and "not a regular file" in result.stderr
    finally:
        _restore(analysis, pristine)


def test_a_flipped_byte_is_caught_by_the_hash_before_arrow_reads_it(built):
    root, store_dir, analysis, pristine, answer = built
    data = bytearray(pristine["statements.arrow"])
    data[len(data) // 2] ^= 0x01
    (analysis / "statements.arrow").write_bytes(bytes(data))
    try:
        store_path = kg.load(root, store_dir).store_path
        assert snapshot.read(store_path) is None
        result = _run(root, store_dir)
        assert result.stdout == answer and "hash differs" in result.stderr
    finally:
        _restore(analysis, pristine)
    assert snapshot.read(kg.load(root, store_dir).store_path) is not None
