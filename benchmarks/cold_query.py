"""A cold `kg query` against its floor, in one run: each a new process, taken in turn.

The floor is what no query command can do without: start Python, import pyoxigraph, open the
built store read-only, run the same catalog query's text and write its rows as CSV. kg adds the
command line, the catalog, parameter binding, the query limits (a worker process) and the
readers' lock. The runs alternate (floor, kg, floor, kg, ...) so that a machine whose load
changes during the run weighs on both alike; the load average is printed beside the figures.

    python benchmarks/cold_query.py [--root PROJECT] [--runs 9] [--query lawsuits]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLOOR = """
import csv, sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
solutions = store.query(text, use_default_graph_as_union=True)
out = csv.writer(sys.stdout)
out.writerow([v.value for v in solutions.variables])
for row in solutions:
    out.writerow(["" if t is None else t.value for t in row])
"""


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="a built kg project [default: here]")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--query", default="lawsuits", help="a catalog query without parameters")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    store = (root / "build" / "current").resolve()
    if not store.is_dir():
        print(f"no built store in {root}/build (run kg build there first)", file=sys.stderr)
        return 3
    query = root / "queries" / f"{args.query}.rq"
    floor = [sys.executable, "-c", FLOOR, str(store), str(query)]
    kg = [sys.executable, "-m", "kg", "query", args.query, "--format", "csv"]
    timed(floor, root), timed(kg, root)  # warm the file cache: cold means a new process, not a cold disk
    floors, kgs = [], []
    load_before = os.getloadavg()[0]
    for _ in range(args.runs):
        floors.append(timed(floor, root))
        kgs.append(timed(kg, root))
    load_after = os.getloadavg()[0]
    f, k = statistics.median(floors), statistics.median(kgs)
    print(f"cold `kg query {args.query}` over {args.runs} runs each, alternating; load average "
          f"{load_before:.1f} -> {load_after:.1f} on {os.cpu_count()} cores")
    print(f"| floor (python, pyoxigraph, open the store, the query, CSV) | {f * 1000:.0f} ms | "
          f"min {min(floors) * 1000:.0f} |")
    print(f"| kg query {args.query} --format csv | {k * 1000:.0f} ms | min {min(kgs) * 1000:.0f} |")
    print(f"| ratio (medians) | {k / f:.2f}x | min {min(kgs) / min(floors):.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
