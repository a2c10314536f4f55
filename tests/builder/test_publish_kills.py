"""The store and its dump switch by one rename: no kill pairs one build's store with another's dump.

KG_TEST_PAUSE=publish (a test seam of kg.builder.store) stops a build just before the switch."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest

import kg
from kg.builder import store


def _consistent(store_dir):
    """`current` names a whole store and graph.nt is that store's dump."""
    path = store.current_path(store_dir)
    assert path is not None
    dump = (store_dir / store.DUMP).resolve()
    assert dump.parent == path, (dump, path)
    with open(dump, encoding="utf-8") as handle:
        lines = sum(1 for line in handle if line.strip())
    return path, lines


def _build(mini, store_dir, **env):
    return subprocess.Popen([sys.executable, "-m", "kg", "--root", str(mini), "--store", str(store_dir), "build"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env})


def test_a_kill_at_the_switch_leaves_the_old_store_with_its_own_dump(mini, tmp_path):
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    before, lines = _consistent(store_dir)
    memo = mini / "data" / "statements" / "memo.yaml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("    confidence: implied\n", "", 1)
                    + "", encoding="utf-8")
    proc = _build(mini, store_dir, KG_TEST_PAUSE="publish", KG_TEST_PAUSE_SECONDS="30")
    assert proc.stderr.readline().startswith("kg: paused at publish")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _consistent(store_dir) == (before, lines)
    kg.build(str(mini), store_dir=store_dir)  # the next build clears what the killed one left
    after, _ = _consistent(store_dir)
    assert after != before and not list(store_dir.glob(".tmp-*"))


@pytest.mark.slow
def test_kills_at_random_moments_never_pair_a_store_with_another_dump(mini, tmp_path):
    store_dir = tmp_path / "store"
    kg.build(str(mini), store_dir=store_dir)
    rng = random.Random(5)
    for _ in range(8):
        proc = _build(mini, store_dir)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        path, lines = _consistent(store_dir)
        reader = ox.Store.read_only(str(path))
        assert len(reader) == lines
        del reader
    kg.build(str(mini), store_dir=store_dir)
    assert not list(store_dir.glob(".tmp-*"))
