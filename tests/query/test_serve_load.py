"""The endpoint holds 500 concurrent loopback clients: every one answered, no reset, no error
(the load itself lives in benchmarks/serve_load.py, which also records p50 / p95)."""

from __future__ import annotations

import importlib.util
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import REPO, start_kg_serve

_spec = importlib.util.spec_from_file_location("serve_load", REPO / "benchmarks" / "serve_load.py")
serve_load = importlib.util.module_from_spec(_spec)
sys.modules["serve_load"] = serve_load  # its dataclasses look their module up there
_spec.loader.exec_module(serve_load)


def test_500_concurrent_clients_get_answers_and_no_reset(seed_build):
    process, port, _ = start_kg_serve(seed_build)
    try:
        if shutil.which("ss"):  # the kernel's queue of connections not yet accepted (it was 5)
            listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
            assert int(listening.split()[2]) >= 500, listening
        outcomes = serve_load.hammer(port, 500, timeout=90)
        result = serve_load.summary(outcomes)
        assert result["errors"] == {} and result["ok"] == 500, result
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0


@pytest.mark.slow
def test_a_short_soak_short_queries_answered_under_a_second_beside_1000_slow_connections(seed_build):
    """The short form of `./dev bench soak` (which runs 10 minutes): 500 clients, one address
    each, sending short queries and now and then a long one, while 1,000 slow connections send
    their headers or a 3 MB body a byte a second."""
    process, port, _ = start_kg_serve(seed_build, "--timeout", "10")
    try:
        outcome = serve_load.soak_summary(serve_load.soak(port, 45, clients=500, slow=1000))
        assert outcome["failed"] == {}, outcome
        assert outcome["short_ok"] == outcome["short"] > 1000, outcome
        # Starved short queries would wait out the long ones' 10 s limit; the figure itself (under a
        # second on a quiet machine) is measured by `./dev bench soak`, not asserted here.
        assert outcome["slow_most_open"] >= 1000 and outcome["p99"] < 5, outcome
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
