"""`kg review --apply` switches data/ in one step: a SIGKILL at the switch never leaves data/ missing
or copies behind, once the next kg command has run.

KG_TEST_PAUSE=review-swap stops an apply just before the switch; KG_TEST_PAUSE=review-swap-fallback
takes the two-rename path (for file systems that cannot exchange folders) and stops between them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from conftest import run_kg, tree_hash
from kg.builder import curated

from .test_review_edits import STYLES, _project, _review


def _apply(mini, point):
    return subprocess.Popen([sys.executable, "-m", "kg", "--root", str(mini), "review", str(_review(mini)), "--apply"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "KG_TEST_PAUSE": point, "KG_TEST_PAUSE_SECONDS": "30"})


@pytest.mark.parametrize("point", ["review-swap", "review-swap-fallback"])
def test_a_kill_at_the_switch_leaves_data_whole_after_the_next_command(mini, point):
    _project(mini, STYLES["flow-comment"])
    before = tree_hash(mini / "data")
    proc = _apply(mini, point)
    assert proc.stderr.readline().startswith(f"kg: paused at {point}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if point == "review-swap-fallback":
        assert not (mini / "data").exists()  # the moment the old code left for good
    done = run_kg("--root", str(mini), "check")  # any command completes or undoes the switch
    assert done.returncode == 0, done.stderr
    assert not list(mini.glob(".kg-review-*"))
    aliases = curated.read(mini / "data", mini).entities["JaneRoe"].aliases
    if point == "review-swap":
        assert tree_hash(mini / "data") == before  # killed before the switch: unchanged
    else:
        assert aliases[-1] == "Mayor J. Roe" and len(aliases) == 7  # completed: the checked copy


def test_a_folder_of_the_users_that_looks_like_a_staging_folder_is_left_alone(mini):
    mine = mini / ".kg-review-notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("mine\n")
    assert run_kg("--root", str(mini), "check").returncode == 0
    assert (mine / "todo.txt").read_text() == "mine\n"


def test_a_running_apply_is_never_cleaned_up_by_another_command(mini):
    _project(mini, STYLES["flow"])
    proc = _apply(mini, "review-swap")
    try:
        assert proc.stderr.readline().startswith("kg: paused at review-swap")
        staging = list(mini.glob(".kg-review-*"))
        assert len(staging) == 1
        assert run_kg("--root", str(mini), "check").returncode == 0
        assert staging[0].is_dir()  # locked by the apply: left alone
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
