"""Measure kg's pipeline against the plain-rdflib pipeline a user would otherwise write.

For each size, a synthetic project is generated (benchmarks/generate.py), then every step runs
in its own subprocess so that its peak RSS is its own:

    kg:       build (read, check, load, shapes, write), each catalog query (p50 of 5),
              export to networkx, metrics, view generation, a cold `kg query`
    rdflib:   Graph.parse of the same N-Triples, one GROUP BY in rdflib's SPARQL,
              rdflib_to_networkx_multidigraph
    oxigraph: raw pyoxigraph bulk_load of the same N-Triples, the same GROUP BY

    python benchmarks/run.py --sizes 10000,100000,1000000 --out benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GROUP_BY = """
PREFIX kg: <https://w3id.org/conflict-kg/ontology/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?p (COUNT(?st) AS ?n) WHERE { ?st a kg:Statement ; rdf:predicate ?p } GROUP BY ?p
"""
# Parameter values for the catalog queries that take one, on synthetic data: by parameter name
# where the kind does not say enough (a source is not an entity; a name is a label, not an id),
# else by kind. E0 is the entity with the most statements (the generator's degrees are Zipf).
SYNTHETIC_PARAMS = {"source": "src0", "name": "GovernmentAgency 0",
                    "iri": "E0", "string": "E0", "date": "2020", "integer": "1"}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- steps: each runs in a fresh interpreter and prints one JSON object ---

def step_build(root: str, store: str) -> dict:
    import kg

    started = time.perf_counter()
    built = kg.build(root, store_dir=store)
    return {"seconds": time.perf_counter() - started, "phases": built.timings,
            "triples": built.counts["triples"]}


def step_queries(root: str, store: str) -> dict:
    import kg

    g = kg.load(root, store)
    out = {}
    for name, named in sorted(g.catalog.items()):
        params = {p.name: SYNTHETIC_PARAMS.get(p.name, SYNTHETIC_PARAMS[p.kind]) for p in named.params}
        times = []
        for _ in range(5):
            started = time.perf_counter()
            try:
                g.query(name, **params).rows()
            except Exception as exc:  # a query that needs real data (e.g. an entity name)
                out[name] = {"error": str(exc).splitlines()[0][:80]}
                break
            times.append(time.perf_counter() - started)
        else:
            out[name] = {"p50": statistics.median(times)}
    return {"queries": out}


def step_networkx(root: str, store: str) -> dict:
    import kg

    g = kg.load(root, store)
    started = time.perf_counter()
    graph = g.to_networkx()
    return {"seconds": time.perf_counter() - started, "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges()}


def step_metrics(root: str, store: str) -> dict:
    import kg
    from kg.network import metrics

    graph = kg.load(root, store).to_networkx()
    started = time.perf_counter()
    metrics.report(graph, top=10)
    return {"seconds": time.perf_counter() - started}


def step_views(root: str, store: str) -> dict:
    import kg

    g = kg.load(root, store)
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        g.view(out=out)
        return {"seconds": time.perf_counter() - started}


def step_cold_query(root: str, store: str) -> dict:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg", "--root", root, "--store", store, "query",
                        "stats-relations", "--format", "csv"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times)}


def step_rdflib(root: str, store: str) -> dict:
    import rdflib
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    nt = Path(store) / "graph.nt"
    started = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(nt, format="nt")
    parse = time.perf_counter() - started
    started = time.perf_counter()
    list(graph.query(GROUP_BY))
    query = time.perf_counter() - started
    started = time.perf_counter()
    rdflib_to_networkx_multidigraph(graph)
    to_nx = time.perf_counter() - started
    return {"parse": parse, "query": query, "networkx": to_nx}


def step_oxigraph(root: str, store: str) -> dict:
    import pyoxigraph as ox

    nt = Path(store) / "graph.nt"
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        raw = ox.Store(tmp)
        raw.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        load = time.perf_counter() - started
        started = time.perf_counter()
        list(raw.query(GROUP_BY))
        query = time.perf_counter() - started
        del raw
    return {"bulk_load": load, "query": query}


STEPS = {name.removeprefix("step_"): fn for name, fn in globals().items() if name.startswith("step_")}


def run_step(name: str, root: Path, store: Path) -> dict:
    """Run one step in a subprocess; return its figures, its peak RSS, or the error it hit."""
    proc = subprocess.run([sys.executable, __file__, "--step", name, "--root", str(root),
                           "--store", str(store)], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1][:120]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(size: int, workdir: Path, steps: list[str]) -> dict:
    sys.path.insert(0, str(HERE))
    from generate import generate

    root, store = workdir / f"project-{size}", workdir / f"store-{size}"
    counts = generate(size, root)
    results = {"size": size, "counts": counts}
    for name in steps:
        print(f"  {size:>9,} triples: {name} ...", file=sys.stderr, flush=True)
        results[name] = run_step(name, root, store)
    return results


def _fmt(value, unit="s") -> str:
    if value is None:
        return "–"
    return f"{value:.3f} {unit}" if value < 10 else f"{value:.1f} {unit}"


def render(runs: list[dict]) -> str:
    """RESULTS.md: one table per size, the project's figures beside the baselines."""
    lines = ["# Benchmark results", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
             f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
             f"Python {platform.python_version()}, {platform.system()}. "
             "Each step runs in its own process; RSS is that process's peak.", ""]
    for run in runs:
        build, ox_, rl = run.get("build", {}), run.get("oxigraph", {}), run.get("rdflib", {})
        lines += [f"## {build.get('triples', run['size']):,} triples "
                  f"({run['counts']['statements']:,} statements, {run['counts']['entities']:,} entities)", "",
                  "| step | kg | peak RSS | plain rdflib | peak RSS | raw pyoxigraph | kg / baseline |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]

        def row(label, ours, ours_rss, rdflib_value, rdflib_rss, oxigraph_value, ratio_base, lines=lines):
            ratio = f"{ours / ratio_base:.2f}×" if ours and ratio_base else "–"
            lines.append(f"| {label} | {_fmt(ours)} | {_fmt(ours_rss, 'MB')} | {_fmt(rdflib_value)} | "
                         f"{_fmt(rdflib_rss, 'MB')} | {_fmt(oxigraph_value)} | {ratio} |")

        phases = build.get("phases", {})
        validation = phases.get("check", 0) + phases.get("shapes", 0)
        row("build (parse, validate, store)", build.get("seconds"), build.get("peak_mb"),
            rl.get("parse"), rl.get("peak_mb"), ox_.get("bulk_load"), ox_.get("bulk_load"))
        row("build without validation", (build.get("seconds") or 0) - validation or None, None,
            None, None, ox_.get("bulk_load"), ox_.get("bulk_load"))
        row("validation (records + SHACL)", validation or None, None, None, None, None, None)
        stats = run.get("queries", {}).get("queries", {}).get("stats-relations", {})
        row("one GROUP BY (stats-relations)", stats.get("p50"), run.get("queries", {}).get("peak_mb"),
            rl.get("query"), None, ox_.get("query"), rl.get("query"))
        row("export to networkx", run.get("networkx", {}).get("seconds"), run.get("networkx", {}).get("peak_mb"),
            rl.get("networkx"), None, None, rl.get("networkx"))
        row("metrics (PageRank, communities, betweenness, camps)", run.get("metrics", {}).get("seconds"),
            run.get("metrics", {}).get("peak_mb"), None, None, None, None)
        row("views", run.get("views", {}).get("seconds"), run.get("views", {}).get("peak_mb"),
            None, None, None, None)
        row("cold `kg query` (whole process)", run.get("cold_query", {}).get("seconds"), None,
            None, None, None, None)
        lines += ["", "Build phases: " + ", ".join(f"{k} {_fmt(v)}" for k, v in phases.items()), ""]
        queries = run.get("queries", {}).get("queries", {})
        if queries:
            lines += ["Catalog queries, p50 of 5: " + ", ".join(
                f"{name} {_fmt(q['p50'])}" if "p50" in q else f"{name} (n/a: {q['error']})"
                for name, q in queries.items()), ""]
        errors = {name: v["error"] for name, v in run.items() if isinstance(v, dict) and "error" in v}
        if errors:
            lines += ["Steps that failed: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated triple counts")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps to run")
    parser.add_argument("--out", type=Path, help="write the Markdown table here")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    parser.add_argument("--workdir", type=Path, help="where to generate projects [default: a temp dir]")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        result = STEPS[args.step](args.root, args.store)
        result["peak_mb"] = _peak_mb()
        print(json.dumps(result))
        return
    steps = [s for s in ("build", "queries", "cold_query", "networkx", "metrics", "views",
                         "rdflib", "oxigraph") if s in args.steps.split(",")]
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        runs = [measure(int(size), workdir, steps) for size in args.sizes.split(",")]
    text = render(runs)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
