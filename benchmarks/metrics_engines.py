"""Each heavy measure of `kg metrics` on igraph and on networkx, on one built graph: CPU seconds.

    python benchmarks/generate.py --triples 1000000 --out /tmp/kg-1m
    kg --root /tmp/kg-1m --store /tmp/kg-1m/build build
    python benchmarks/metrics_engines.py --root /tmp/kg-1m --store /tmp/kg-1m/build

CPU seconds (this process's), so a loaded machine changes them little; the best of `--repeat`
runs. The whole report is timed too, on each engine.
"""

from __future__ import annotations

import argparse
import os
import time

import kg
from kg.network import metrics
from kg.network.metrics.simple import collapsed_once

MEASURES = {
    "pagerank": lambda G, b: metrics.pagerank(G, backend=b),
    "betweenness (500 sources)": lambda G, b: metrics.betweenness(G, k=min(500, len(G) - 1), backend=b),
    "hits": lambda G, b: metrics.hits(G, backend=b),
    "k-core": lambda G, b: metrics.core_numbers(G, backend=b),
    "articulation points": lambda G, b: metrics.articulation_points(G, backend=b),
    "louvain": lambda G, b: metrics.communities(G, backend=b),
}


def best(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    G = kg.load(args.root, args.store).to_networkx()
    metrics.engine.use_igraph()  # import igraph before timing
    print(f"{len(G):,} entities, {G.number_of_edges():,} statements; load {os.getloadavg()[0]:.1f}")
    print("| measure | igraph | networkx | networkx / igraph |\n| --- | --- | --- | --- |")
    for name, measure in MEASURES.items():
        with collapsed_once():  # the simple graphs made once, as in the report
            measure(G, "igraph"), measure(G, "networkx")
            fast, slow = (best(lambda m=measure, b=b: m(G, b), args.repeat) for b in ("igraph", "networkx"))
        print(f"| {name} | {fast:.3f} s | {slow:.3f} s | {slow / fast:.0f}× |")
    whole = {}
    for backend in ("igraph", "networkx"):
        os.environ["KG_METRICS_ENGINE"] = backend
        whole[backend] = best(lambda: metrics.report(G), args.repeat)
    print(f"| the whole report | {whole['igraph']:.3f} s | {whole['networkx']:.3f} s | "
          f"{whole['networkx'] / whole['igraph']:.1f}× |")


if __name__ == "__main__":
    main()
