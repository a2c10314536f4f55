"""Load on `kg serve`: many clients on loopback at once, each sending one query.

Starts the real `kg serve` on the built graph, lets N clients connect together (a barrier), and
records for each whether it got an answer (no reset, no HTTP error) and how long it took.

    python benchmarks/serve_load.py --clients 500            # prints p50 / p95
    python benchmarks/serve_load.py --clients 500 --results benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FULL_QUERY = ("PREFIX kg: <https://w3id.org/conflict-kg/ontology/> "
              "SELECT ?who ?whom WHERE { ?who kg:sued ?whom }")


@dataclass
class Outcome:
    ok: bool
    seconds: float
    error: str = ""


def hammer(port: int, clients: int, query: str = FULL_QUERY, timeout: float = 120.0) -> list[Outcome]:
    """`clients` threads connect at the same moment, each POSTs `query` once and reads the answer."""
    body = urllib.parse.urlencode({"query": query})
    barrier = threading.Barrier(clients)
    outcomes: list[Outcome | None] = [None] * clients

    def client(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
        except threading.BrokenBarrierError:
            outcomes[index] = Outcome(False, 0.0, "barrier")
            return
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            connection.request("POST", "/query", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                        "Accept": "application/sparql-results+json"})
            answer = connection.getresponse()
            data = answer.read()
            connection.close()
            ok = answer.status == 200 and bool(json.loads(data)["results"]["bindings"])
            outcomes[index] = Outcome(ok, time.perf_counter() - started, "" if ok else f"HTTP {answer.status}")
        except Exception as exc:  # a reset, a refusal, a timeout: counted, never hidden
            outcomes[index] = Outcome(False, time.perf_counter() - started, type(exc).__name__)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout + 10
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [o or Outcome(False, timeout, "no answer in time") for o in outcomes]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(outcomes: list[Outcome]) -> dict:
    latencies = [o.seconds for o in outcomes if o.ok]
    errors: dict[str, int] = {}
    for outcome in outcomes:
        if not outcome.ok:
            errors[outcome.error] = errors.get(outcome.error, 0) + 1
    return {"clients": len(outcomes), "ok": len(latencies), "errors": errors,
            "p50": statistics.median(latencies) if latencies else None,
            "p95": percentile(latencies, 0.95) if latencies else None,
            "max": max(latencies) if latencies else None}


def start_server(store: Path | None, *flags: str) -> tuple[subprocess.Popen, int]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "kg", "--root", str(REPO)]
    if store:
        command += ["--store", str(store)]
    process = subprocess.Popen(command + ["serve", "--port", str(port), *flags],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in process.stdout:
        if line.startswith("press Ctrl-C"):
            return process, port
    raise SystemExit(f"kg serve did not start: {process.stderr.read()}")


def record(results: Path, runs: list[dict]) -> None:
    """Replace the "Issue 13" section of RESULTS.md with these runs."""
    lines = ["## Issue 13: `kg serve` under concurrent clients", "",
             f"Machine: {platform.machine()}, Python {platform.python_version()}; seed graph; each client "
             "opens its own connection on loopback, all at once, and POSTs one SELECT "
             "(`?who kg:sued ?whom`). Produced by `python benchmarks/serve_load.py`.", "",
             "| clients | answered | resets / errors | p50 | p95 | max |", "| --- | --- | --- | --- | --- | --- |"]
    for run in runs:
        errors = ", ".join(f"{k}: {v}" for k, v in run["errors"].items()) or "0"
        lines.append(f"| {run['clients']} | {run['ok']} | {errors} | {run['p50']:.3f} s | {run['p95']:.3f} s "
                     f"| {run['max']:.3f} s |")
    section = "\n".join(lines) + "\n"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    start = text.find("## Issue 13")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="100,500", help="comma-separated numbers of clients")
    parser.add_argument("--store", type=Path, help="the built store folder [default: the project's]")
    parser.add_argument("--results", type=Path, help="write the figures into this RESULTS.md")
    args = parser.parse_args()
    process, port = start_server(args.store)
    try:
        runs = []
        for clients in (int(c) for c in args.clients.split(",")):
            runs.append(summary(hammer(port, clients)))
            print(json.dumps(runs[-1]))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    if args.results:
        record(args.results, runs)


if __name__ == "__main__":
    main()
