"""Fixtures shared by the ingest tests."""

from __future__ import annotations

import pytest

from conftest import REPO
from kg import ontology


@pytest.fixture(scope="module")
def onto():
    """The project's ontology, which the ingest steps read types and relations from."""
    return ontology.load(REPO / "ontology")
