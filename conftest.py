"""What the doctests of kg/ run against, as networkx's conftest puts `nx` in their namespace:
`kg` and `nx` imported, and `kg.load()` finding the seed graph built once per session.

The test suite's own fixtures are in tests/conftest.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest
from _pytest.doctest import DoctestItem

import kg

REPO = Path(__file__).resolve().parent

collect_ignore = ["kg/__main__.py"]  # importing it runs the CLI


#: The five seed articles as curated (a copy of data/ as the project ships it): tests that pin
#: answers to them read this, never the live data/, so a user who adds reviewed articles to data/
#: keeps a green suite.
SEEDS = REPO / "tests" / "fixtures" / "seeds"


@pytest.fixture(scope="session")
def seeds_project(tmp_path_factory) -> Path:
    """A project of the five seed articles (the fixture copy), with the real ontology/ and queries/."""
    root = tmp_path_factory.mktemp("seeds") / "seeds"
    shutil.copytree(SEEDS / "data", root / "data")
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "queries", root / "queries")
    return root


@pytest.fixture(scope="session")
def seed_build(seeds_project, tmp_path_factory) -> Path:
    """The five articles built into a fresh store folder, once per test session."""
    store_dir = tmp_path_factory.mktemp("seed-store")
    kg.build(str(seeds_project), store_dir=store_dir)
    return store_dir


@pytest.fixture(autouse=True)
def _doctest_graph(request, doctest_namespace):
    """For doctests only: the seed graph as the default project, and a scratch working folder
    for what examples write (views, exports)."""
    if not isinstance(request.node, DoctestItem):
        yield
        return
    store_dir = request.getfixturevalue("seed_build")
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("KG_ROOT", str(request.getfixturevalue("seeds_project")))
    monkeypatch.setenv("KG_STORE", str(store_dir))
    monkeypatch.chdir(request.getfixturevalue("tmp_path"))
    doctest_namespace.update(kg=kg, nx=nx)
    yield
