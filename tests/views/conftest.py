"""Fixtures of the view tests: one headless Chromium and the seed graph's views per session."""

from __future__ import annotations

import os

import browser
import pytest

from kg.views import pages as views


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
