"""Load on `kg serve`: many clients on loopback at once, each sending one query; and a soak of
mixed short and long queries with slow connections held open.

Starts the real `kg serve` on the built graph, lets N clients connect together (a barrier), and
records for each whether it got an answer (no reset, no HTTP error) and how long it took.

    python benchmarks/serve_load.py --clients 500            # prints p50 / p95
    python benchmarks/serve_load.py --clients 500 --results benchmarks/RESULTS.md
    python benchmarks/serve_load.py --soak 600 --results benchmarks/RESULTS.md   # 10 minutes

The soak: `--soak-clients` clients (500), each from its own loopback address, send short
queries with a pause between them and now and then a long one (a cartesian COUNT, stopped by
the server's time limit), while `--slow` connections (1,000) send a 3 MB body a byte a second and
are opened again when the server cuts them off. Every short query must be answered (200) and
its p99 stay under a second; a long one may be answered, stopped by its limit, or refused at
once with a Retry-After; nothing may fail otherwise (reset, timeout, other status).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import resource
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FULL_QUERY = ("PREFIX kg: <https://w3id.org/conflict-kg/ontology/> "
              "SELECT ?who ?whom WHERE { ?who kg:sued ?whom }")


@dataclass
class Outcome:
    ok: bool
    seconds: float
    error: str = ""
    retries: int = 0  # answers of 429/503 waited out, as their Retry-After asks


def hammer(port: int, clients: int, query: str = FULL_QUERY, timeout: float = 120.0) -> list[Outcome]:
    """`clients` threads connect at the same moment, each POSTs `query` and reads the answer. A
    client told to come back (429 or 503 with Retry-After, the server's fairness) waits and asks
    again, as a well-behaved client does; only a reset, a refusal or another status is an error."""
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
        retries = 0
        try:
            while True:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                connection.request("POST", "/query", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                            "Accept": "application/sparql-results+json"})
                answer = connection.getresponse()
                data = answer.read()
                connection.close()
                wait = answer.getheader("Retry-After")
                if answer.status in (429, 503) and wait and time.perf_counter() - started + float(wait) < timeout:
                    retries += 1
                    time.sleep(min(float(wait), 5.0))
                    continue
                break
            ok = answer.status == 200 and bool(json.loads(data)["results"]["bindings"])
            outcomes[index] = Outcome(ok, time.perf_counter() - started, "" if ok else f"HTTP {answer.status}", retries)
        except Exception as exc:  # a reset, a refusal, a timeout: counted, never hidden
            outcomes[index] = Outcome(False, time.perf_counter() - started, type(exc).__name__, retries)

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
            "retried": sum(1 for o in outcomes if o.retries),
            "p50": statistics.median(latencies) if latencies else None,
            "p95": percentile(latencies, 0.95) if latencies else None,
            "max": max(latencies) if latencies else None}


SHORT_QUERIES = [FULL_QUERY,
                 "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                 "PREFIX kg: <https://w3id.org/conflict-kg/ontology/> "
                 "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) LIMIT 10"]
LONG_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass
class Soak:
    """What a soak saw: each query's (kind, status, seconds, retry-after given), slow
    connections opened and cut off."""

    queries: list[tuple[str, int, float, bool]] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    slow_opened: int = 0
    slow_cut: int = 0
    slow_most_open: int = 0


def _ask(port: int, text: str, source: str, timeout: float) -> tuple[int, bool]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request("POST", "/query", urllib.parse.urlencode({"query": text}),
                           {"Content-Type": "application/x-www-form-urlencoded",
                            "Accept": "application/sparql-results+json"})
        answer = connection.getresponse()
        body = answer.read()
        if answer.status == 200:
            json.loads(body)  # a whole answer, not a cut one
        told = answer.getheader("Retry-After") is not None or answer.getheader("Kg-Query-Limit") is not None
        return answer.status, told
    finally:
        connection.close()


def _slow_connections(port: int, count: int, stop: threading.Event, seen: Soak) -> None:
    """Hold `count` connections from 10 loopback addresses, half sending their headers and half a
    3 MB body, a byte a second; open one again a second after the server cuts it off."""
    selector = selectors.DefaultSelector()
    heads = [b"POST /query HTTP/1.1\r\nHost: x\r\nX-Slow: ",
             b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
             b"Content-Length: 3000000\r\n\r\nquery="]
    reopen: list[tuple[float, int]] = []

    def open_one(index: int) -> None:
        try:
            client = socket.create_connection(("127.0.0.1", port), timeout=5,
                                              source_address=(f"127.0.9.{index % 10 + 1}", 0))
            client.sendall(heads[index % 2])
        except OSError:
            reopen.append((time.monotonic() + 1, index))
            return
        client.setblocking(False)
        selector.register(client, selectors.EVENT_READ, index)
        seen.slow_opened += 1

    for index in range(count):
        open_one(index)
    last_byte = time.monotonic()
    while not stop.is_set():
        seen.slow_most_open = max(seen.slow_most_open, len(selector.get_map()))
        for key, _ in selector.select(timeout=0.2):  # cut off, or refused with a 503
            selector.unregister(key.fileobj)
            key.fileobj.close()
            seen.slow_cut += 1
            reopen.append((time.monotonic() + 1, key.data))
        now = time.monotonic()
        due = [index for when, index in reopen if when <= now]
        reopen[:] = [(when, index) for when, index in reopen if when > now]
        for index in due:
            open_one(index)
        if now - last_byte >= 1:
            last_byte = now
            for key in list(selector.get_map().values()):
                with contextlib.suppress(OSError):
                    key.fileobj.send(b"a")
    for key in list(selector.get_map().values()):
        key.fileobj.close()


def soak(port: int, seconds: float, clients: int = 500, slow: int = 1000, long_share: float = 0.02,
         pause: tuple[float, float] = (2.0, 8.0)) -> Soak:
    """Run the soak described at the top for `seconds`; returns what it saw."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 2 * (clients + slow) + 256)), hard))
    seen, stop = Soak(), threading.Event()
    lock = threading.Lock()
    holder = threading.Thread(target=_slow_connections, args=(port, slow, stop, seen), daemon=True)
    holder.start()
    time.sleep(min(10.0, seconds / 6))  # the slow connections are in place first
    end = time.monotonic() + seconds

    def client(index: int) -> None:
        chance = random.Random(index)
        source = f"127.1.{index // 250}.{index % 250 + 1}"
        time.sleep(chance.uniform(0, pause[1]))
        while time.monotonic() < end:
            kind = "long" if chance.random() < long_share else "short"
            text = LONG_QUERY if kind == "long" else chance.choice(SHORT_QUERIES)
            started = time.monotonic()
            try:
                status, told = _ask(port, text, source, timeout=120)
                with lock:
                    seen.queries.append((kind, status, time.monotonic() - started, told))
            except Exception as exc:  # a reset, a timeout: counted, never hidden
                with lock:
                    name = f"{kind}: {type(exc).__name__}"
                    seen.failures[name] = seen.failures.get(name, 0) + 1
            time.sleep(chance.uniform(*pause))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()) + 130)
    stop.set()
    holder.join(10)
    return seen


def soak_summary(seen: Soak) -> dict:
    short = [q for q in seen.queries if q[0] == "short"]
    long = [q for q in seen.queries if q[0] == "long"]
    latencies = [q[2] for q in short if q[1] == 200]
    failed = dict(seen.failures)
    for kind, status, _, told in seen.queries:
        # A short query must be answered; a long one may also be stopped or refused, if told why.
        if status != 200 and (kind == "short" or not (status in (429, 503) and told)):
            name = f"{kind}: HTTP {status}"
            failed[name] = failed.get(name, 0) + 1
    return {"short": len(short), "short_ok": len(latencies), "long": len(long),
            "long_ok": sum(1 for q in long if q[1] == 200),
            "long_refused": sum(1 for q in long if q[1] in (429, 503)),
            "failed": failed,
            "p50": statistics.median(latencies) if latencies else None,
            "p99": percentile(latencies, 0.99) if latencies else None,
            "max": max(latencies) if latencies else None,
            "slow_opened": seen.slow_opened, "slow_cut": seen.slow_cut, "slow_most_open": seen.slow_most_open}


def _die_with_us() -> None:
    """The server under test ends with this script, even one killed (by `timeout`, say)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def start_server(store: Path | None, *flags: str, root: Path = REPO) -> tuple[subprocess.Popen, int]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "kg", "--root", str(root)]
    if store:
        command += ["--store", str(store)]
    process = subprocess.Popen(command + ["serve", "--port", str(port), *flags], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=_die_with_us)
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
    replace_section(results, "## Issue 13", "\n".join(lines) + "\n")


def throughput(port: int, clients: int = 8, seconds: float = 20.0, query: str = FULL_QUERY) -> dict:
    """Answers per second: `clients` threads each send `query` (one connection per request, as
    kg serve's HTTP/1.0 guard takes them) one after another for `seconds`."""
    done, failed = [0] * clients, [0] * clients
    end = time.monotonic() + seconds
    body = urllib.parse.urlencode({"query": query})

    def client(index: int) -> None:
        while time.monotonic() < end:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("POST", "/query", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                            "Accept": "application/sparql-results+json"})
                answer = connection.getresponse()
                ok = answer.status == 200 and json.loads(answer.read())["results"]["bindings"]
                connection.close()
                done[index] += bool(ok)
                failed[index] += not ok
            except Exception:
                failed[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"per_second": sum(done) / seconds, "failed": sum(failed)}


def compare_with_oxigraph(store: Path | None, rounds: int = 3, seconds: float = 15.0) -> dict:
    """kg serve against the bare `oxigraph serve-read-only` on the same store, in turns."""
    sys.path.insert(0, str(REPO))
    from kg.builder.store import current_path
    from kg.project import find

    location = current_path(store or find(str(REPO)).build_dir)
    kg_process, kg_port = start_server(store)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        bare_port = probe.getsockname()[1]
    bare = subprocess.Popen([str(Path(sys.executable).parent / "oxigraph"), "serve-read-only", "--location",
                             str(location), "--bind", f"127.0.0.1:{bare_port}"], stderr=subprocess.DEVNULL)
    time.sleep(2)
    figures: dict[str, list[float]] = {"kg serve": [], "oxigraph": []}
    try:
        for _ in range(rounds):
            figures["kg serve"].append(throughput(kg_port, seconds=seconds)["per_second"])
            figures["oxigraph"].append(throughput(bare_port, seconds=seconds)["per_second"])
    finally:
        bare.terminate()
        bare.wait()
        kg_process.send_signal(signal.SIGINT)
        kg_process.wait(timeout=15)
    return {name: statistics.median(values) for name, values in figures.items()}


def record_soak(results: Path, seconds: float, outcome: dict, load: str) -> None:
    """Replace the "Issue 24" soak section of RESULTS.md with this run."""
    failed = ", ".join(f"{k}: {v}" for k, v in outcome["failed"].items()) or "none"
    lines = ["## Issue 24: `kg serve` soak, short and long queries beside slow connections", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {load}. "
             f"Seed graph, `kg serve --timeout 10`, {seconds:g} s on loopback: {outcome['clients']} clients (one "
             "loopback address each) send a short query every 2 to 8 s, one in fifty a cartesian COUNT instead, "
             f"while {outcome['slow']} slow connections send headers or a 3 MB body a byte a second (opened again "
             "a second after the server cuts one off). Produced by `./dev bench soak` "
             "(`python benchmarks/serve_load.py --soak 600`).", "",
             "| short queries | answered | p50 | p99 | max | long queries | answered / refused with Retry-After "
             "or stopped by the limit | slow connections opened (most open at once) | failed |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
             f"| {outcome['short']} | {outcome['short_ok']} | {outcome['p50']:.3f} s | {outcome['p99']:.3f} s "
             f"| {outcome['max']:.3f} s | {outcome['long']} | {outcome['long_ok']} / {outcome['long_refused']} "
             f"| {outcome['slow_opened']} ({outcome['slow_most_open']}) | {failed} |"]
    replace_section(results, "## Issue 24: `kg serve` soak", "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="100,500", help="comma-separated numbers of clients")
    parser.add_argument("--store", type=Path, help="the built store folder [default: the project's]")
    parser.add_argument("--results", type=Path, help="write the figures into this RESULTS.md")
    parser.add_argument("--soak", type=float, metavar="SECONDS", help="run the soak for this long instead")
    parser.add_argument("--soak-clients", type=int, default=500)
    parser.add_argument("--slow", type=int, default=1000, help="slow connections held open in the soak")
    parser.add_argument("--throughput", action="store_true", help="answers per second, kg serve against "
                        "the bare Oxigraph server on the same store")
    args = parser.parse_args()
    if args.throughput:
        print(json.dumps(compare_with_oxigraph(args.store)))
        return
    if args.soak:
        process, port = start_server(args.store, "--timeout", "10")
        try:
            outcome = soak_summary(soak(port, args.soak, args.soak_clients, args.slow))
            outcome.update(clients=args.soak_clients, slow=args.slow)
            print(json.dumps(outcome))
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=15)
        if args.results:
            load = "load average {:.1f} / {:.1f} / {:.1f} at the end (other jobs share the machine)".format(
                *os.getloadavg())
            record_soak(args.results, args.soak, outcome, load)
        sys.exit(0 if not outcome["failed"] and outcome["p99"] is not None and outcome["p99"] < 1 else 1)
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


def replace_section(results: Path, heading: str, section: str) -> None:
    """Put `section` in RESULTS.md in place of the one starting with `heading` (else at the end)."""
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    start = text.find(heading)
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text)


if __name__ == "__main__":
    main()

