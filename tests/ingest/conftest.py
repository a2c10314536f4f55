"""Fixtures of the ingest tests: the five seed articles as a project of their own.

Tests that pin answers to the seed articles read tests/fixtures/seeds/ (a copy of the curated
seeds), never the live data/, so that a user who adds reviewed articles keeps a green suite.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO

SEEDS = FIXTURES / "seeds"


@pytest.fixture(scope="session")
def seeds_project(tmp_path_factory) -> Path:
    """A project of the five seed articles (the fixture copy), with the real ontology/ and queries/."""
    root = tmp_path_factory.mktemp("seeds") / "seeds"
    shutil.copytree(SEEDS / "data", root / "data")
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "queries", root / "queries")
    return root
