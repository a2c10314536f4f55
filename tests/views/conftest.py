"""Fixtures of the view tests: one headless Chromium and the seed graph's views per session."""

from __future__ import annotations

import os
from pathlib import Path

import browser
import pytest

from kg.views import pages as views

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def chromium():
    if not browser.available():
        message = f"no Chromium at {browser.CHROMIUM} (apt-get install chromium; ./dev test does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with browser.Browser() as b:
        yield b


@pytest.fixture(scope="session")
def seed_views(seed_graph, tmp_path_factory):
    return views.write_views(seed_graph, tmp_path_factory.mktemp("views"), focus="Homan", depth=1)


@pytest.fixture(scope="session")
def phone():
    """A headless Chromium the size of a phone (390 x 844)."""
    if not browser.available():
        pytest.skip(f"no Chromium at {browser.CHROMIUM}")
    with browser.Browser(390, 844) as b:
        yield b


@pytest.fixture(scope="session")
def seed_story(seed_graph, tmp_path_factory):
    """The worked example story, built on the seed graph."""
    from kg.views.story import write_story

    return write_story(seed_graph, EXAMPLES / "homan-story.yaml", tmp_path_factory.mktemp("story"))
