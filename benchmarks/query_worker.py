"""What running every local query in a limited worker process costs (kg.query.limits).

For a built project, in one process: a catalog query run straight on the store (as before the
worker existed) against the same query through a new worker (fork included) and through the
worker kept for the next query; then the whole cold `kg query` process, with the worker.

    python benchmarks/query_worker.py                       # the project's own graph
    python benchmarks/query_worker.py --root /tmp/kg-100k --results benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import kg
from kg.prefixes import PREFIXES
from kg.query.graph import Result

REPO = Path(__file__).resolve().parent.parent
QUERIES = ("lawsuits", "stats-relations", "nodes", "edges", "network-quads")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure(root: Path, repeat: int) -> list[dict]:
    rows = []
    for name in QUERIES:
        direct, first, kept = [], [], []
        for _ in range(repeat):
            g = kg.load(root)
            text = g.catalog[name].text
            started = time.perf_counter()
            n = len(Result.of(g.store.query(text, prefixes=PREFIXES)).rows())
            direct.append(time.perf_counter() - started)
            g = kg.load(root)
            started = time.perf_counter()
            g.query(name).rows()
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            g.query(name).rows()
            kept.append(time.perf_counter() - started)
            g.backend.runner.close()
        rows.append({"query": name, "rows": n, "direct": median_ms(direct), "first": median_ms(first),
                     "kept": median_ms(kept)})
    return rows


def cold(root: Path, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg", "--root", str(root), "query", "lawsuits", "--format", "csv"],
                       check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return median_ms(samples)


def render(root: Path, triples: int, rows: list[dict], cold_ms: float) -> str:
    lines = [f"### {triples:,} triples", "",
             "| query | rows | straight on the store | new worker (fork included) | kept worker |",
             "| --- | --- | --- | --- | --- |"]
    for row in rows:
        lines.append(f"| {row['query']} | {row['rows']:,} | {row['direct']:.1f} ms | {row['first']:.1f} ms "
                     f"| {row['kept']:.1f} ms |")
    lines += ["", f"Cold `kg query lawsuits` (whole process, with the worker): {cold_ms:.0f} ms.", ""]
    return "\n".join(lines)


def record(results: Path, section: str) -> None:
    """Put `section` under the heading "Issue 13: cost of the query worker" of RESULTS.md."""
    heading = "## Issue 13: cost of the query worker"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    intro = (f"{heading}\n\nMedians of repeated runs in one process (`python benchmarks/query_worker.py`): a "
             "catalog query straight on the store, as before every query ran in a limited worker, then through "
             "a new worker and through the worker kept for the next query. On a loaded machine each query "
             "also waits for the worker to be scheduled (a few ms on the shared 2-core machine these ran "
             "on; 0.3 ms when it is idle).\n\n")
    start = text.find(heading)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + intro
        start = text.find(heading)
    end = text.find("\n## ", start + 1)
    body = text[start:end if end >= 0 else len(text)]
    title = section.splitlines()[0]
    if title in body:  # replace this size's table
        first = body.index(title)
        following = body.find("\n### ", first + 1)
        body = body[:first] + section + (body[following + 1:] if following >= 0 else "")
    else:
        body = body.rstrip("\n") + "\n\n" + section
    text = text[:start] + body.rstrip("\n") + "\n" + (text[end:] if end >= 0 else "")
    results.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="a built project [default: this one]")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--results", type=Path, help="write the table into this RESULTS.md")
    args = parser.parse_args()
    g = kg.load(args.root)
    triples = len(g.store)
    rows = measure(args.root, args.repeat)
    section = render(args.root, triples, rows, cold(args.root, args.repeat))
    print(section)
    if args.results:
        record(args.results, section)


if __name__ == "__main__":
    main()
