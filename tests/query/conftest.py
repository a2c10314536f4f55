"""Fixtures of the query tests."""

from __future__ import annotations

import signal

import pytest

from conftest import start_kg_serve


@pytest.fixture(scope="module")
def served(seed_build):
    """The query URL of a real `kg serve` over the seed graph, for the tests of one module."""
    process, port, _ = start_kg_serve(seed_build)
    yield f"http://127.0.0.1:{port}/query"
    process.send_signal(signal.SIGINT)
    process.wait(timeout=15)
