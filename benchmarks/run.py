"""Measure kg's pipeline against the plain-rdflib pipeline a user would otherwise write.

For each size, a synthetic project is generated (benchmarks/generate.py), then every step runs
in its own subprocess so that its peak RSS is its own:

    kg:       build (read, check, load, shapes, snapshot, write) from cold and again with one
              file changed (the YAML cache warm), each catalog query (p50 of 5), export to
              networkx from the analysis snapshot and through SPARQL, metrics, the whole
              `kg metrics` command, view generation, a cold `kg query`
    rdflib:   Graph.parse of the same N-Triples, one GROUP BY in rdflib's SPARQL,
              rdflib_to_networkx_multidigraph
    oxigraph: raw pyoxigraph bulk_load of the same N-Triples (twice, between kg's builds), the
              same GROUP BY
    virtuoso: `kg build --endpoint`'s load into a Virtuoso started for the run, the GROUP BY and
              to_networkx through it (up to --virtuoso-max triples)

kg's steps and their baselines alternate, so that both see the same machine; each step records
the 1-minute load average before it (the machine is shared). Sizes above --heavy-max run only
the build and analysis steps.

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
    # A step that runs kg as a command (kg metrics, a cold kg query) reports that process's peak.
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


# --- steps: each runs in a fresh interpreter and prints one JSON object ---

def step_build(root: str, store: str) -> dict:
    """A cold build: no YAML cache."""
    import shutil

    import kg
    from kg.builder import pipeline

    shutil.rmtree(Path(store) / pipeline.PARSE_CACHE, ignore_errors=True)
    started = time.perf_counter()
    built = kg.build(root, store_dir=store)
    return {"seconds": time.perf_counter() - started, "phases": built.timings, "cpu_phases": built.cpu,
            "triples": built.counts["triples"]}


def step_rebuild(root: str, store: str) -> dict:
    """A build after one statements file changed: the other files come from the YAML cache."""
    import kg

    changed = sorted((Path(root) / "data" / "statements").glob("*.yaml"))[0]
    with open(changed, "a", encoding="utf-8") as handle:
        handle.write(f"# touched {time.time()}\n")
    started = time.perf_counter()
    built = kg.build(root, store_dir=store)
    return {"seconds": time.perf_counter() - started, "phases": built.timings, "cpu_phases": built.cpu}


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
    started, cpu = time.perf_counter(), time.process_time()
    graph = g.to_networkx()
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
            "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


def step_networkx_sparql(root: str, store: str) -> dict:
    """to_networkx through the catalog queries: the same store without its snapshot."""
    import kg

    g = kg.load(root, store)
    plain = kg.KnowledgeGraph(g.store, None, g.project)
    started, cpu = time.perf_counter(), time.process_time()
    plain.to_networkx()
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}


def step_metrics_cli(root: str, store: str) -> dict:
    """`kg metrics` as a user runs it: a new process, the graph from the store, every table."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "--root", root, "--store", store, "metrics", "--top", "10",
                    "--format", "json"], check=True, capture_output=True)
    return {"seconds": time.perf_counter() - started}


def step_metrics(root: str, store: str) -> dict:
    import kg
    from kg.network import metrics

    graph = kg.load(root, store).to_networkx()
    started, cpu = time.perf_counter(), time.process_time()
    metrics.report(graph, top=10)
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}


def step_views(root: str, store: str) -> dict:
    import kg

    g = kg.load(root, store)
    with tempfile.TemporaryDirectory() as out:
        started, cpu = time.perf_counter(), time.process_time()
        g.view(out=out)
        return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}


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
        started, cpu = time.perf_counter(), time.process_time()
        raw = ox.Store(tmp)
        raw.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        load, load_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        list(raw.query(GROUP_BY))
        query = time.perf_counter() - started
        del raw
    return {"bulk_load": load, "bulk_load_cpu": load_cpu, "query": query}


def step_virtuoso(root: str, store: str) -> dict:
    """Virtuoso, started for this step: kg's load through SPARQL Update, then queries through it."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from virtuoso import VirtuosoServer, available

    import kg
    from kg.query import remote

    if not available():
        return {"error": "no Virtuoso (apt-get install virtuoso-opensource-7-bin)"}
    g = kg.load(root, store)
    with tempfile.TemporaryDirectory(prefix="kg-bench-virtuoso-") as tmp, VirtuosoServer(Path(tmp)).start() as server:
        started = time.perf_counter()
        remote.Endpoint(server.query_url, timeout=3600).load(g.store)
        load = time.perf_counter() - started
        far = kg.load(root, store, endpoint=server.query_url, timeout=3600)
        started = time.perf_counter()
        far.query("stats-relations").rows()
        query = time.perf_counter() - started
        started = time.perf_counter()
        far.to_networkx()
        to_nx = time.perf_counter() - started
    return {"load": load, "query": query, "networkx": to_nx}


STEPS = {name.removeprefix("step_"): fn for name, fn in globals().items() if name.startswith("step_")}


def run_step(name: str, root: Path, store: Path, script: str = __file__) -> dict:
    """Run one step in a subprocess (`script --step name`); return its figures, its peak RSS, or
    the error it hit, its process's CPU and wall seconds, and the machine's 1-minute load average
    when it started."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, script, "--step", name, "--root", str(root),
                           "--store", str(store)], capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the step's process (every thread): they hold on a loaded machine.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1][:120], "load": load}
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "load": load, "cpu": cpu, "wall": wall}


#: The order of the steps: each of kg's next to its baseline. `oxigraph2` is the raw bulk load
#: again, between kg's cold build and its rebuild.
ORDER = ("build", "oxigraph", "rebuild", "oxigraph2", "networkx", "networkx_sparql", "rdflib", "metrics",
         "metrics_cli", "queries", "cold_query", "views", "virtuoso")
#: What sizes above --heavy-max run: the build and the analysis.
HEAVY = ("build", "oxigraph", "rebuild", "oxigraph2", "networkx", "metrics", "metrics_cli")


def measure(size: int, workdir: Path, steps: list[str], virtuoso_max: int, heavy_max: int) -> dict:
    sys.path.insert(0, str(HERE))
    from generate import generate

    root, store = workdir / f"project-{size}", workdir / f"store-{size}"
    counts = generate(size, root)
    results = {"size": size, "counts": counts}
    for name in steps:
        if (name == "virtuoso" and size > virtuoso_max) or (size > heavy_max and name not in HEAVY):
            continue
        print(f"  {size:>9,} triples: {name} ...", file=sys.stderr, flush=True)
        results[name] = run_step("oxigraph" if name == "oxigraph2" else name, root, store)
    return results


def _fmt(value, unit="s") -> str:
    if value is None:
        return "–"
    return f"{value:.3f} {unit}" if value < 10 else f"{value:.1f} {unit}"


def render(runs: list[dict]) -> str:
    """RESULTS.md's tables: one per size, the project's figures beside the baselines."""
    lines = [f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
             f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
             f"Python {platform.python_version()}, {platform.system()}. "
             "Each step runs in its own process; RSS is that process's peak; `load` is the "
             "machine's 1-minute load average as the step started.", ""]
    for run in runs:
        build, rebuild, rl = run.get("build", {}), run.get("rebuild", {}), run.get("rdflib", {})
        raw = [r["bulk_load"] for r in (run.get("oxigraph", {}), run.get("oxigraph2", {})) if "bulk_load" in r]
        raw_load = min(raw) if raw else None
        ox_ = run.get("oxigraph", {})
        vt = run.get("virtuoso", {})
        lines += [f"### {build.get('triples', run['size']):,} triples "
                  f"({run['counts']['statements']:,} statements, {run['counts']['entities']:,} entities)", "",
                  "| step | kg | peak RSS | load | plain rdflib | raw pyoxigraph | Virtuoso | kg / baseline |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]

        def row(label, step, ours, rdflib_value=None, oxigraph_value=None, virtuoso_value=None, base=None,
                lines=lines):
            ratio = f"{ours / base:.2f}×" if ours and base else "–"
            lines.append(f"| {label} | {_fmt(ours)} | {_fmt(step.get('peak_mb'), 'MB')} | "
                         f"{step['load']:.1f} | " if "load" in step else f"| {label} | {_fmt(ours)} | – | – | ")
            lines[-1] += (f"{_fmt(rdflib_value)} | {_fmt(oxigraph_value)} | {_fmt(virtuoso_value)} | {ratio} |")

        def validation(phases):
            return phases.get("check", 0) + phases.get("shapes", 0)

        row("build, cold (parse, validate, store, snapshot)", build, build.get("seconds"), rl.get("parse"),
            raw_load, vt.get("load"), raw_load)
        row("build, cold, without validation", {}, (build.get("seconds") or 0) - validation(build.get("phases", {}))
            or None, None, raw_load, None, raw_load)
        row("build, one file changed (YAML cache)", rebuild, rebuild.get("seconds"), None, raw_load, None, raw_load)
        row("build, one file changed, without validation", {},
            (rebuild.get("seconds") or 0) - validation(rebuild.get("phases", {})) or None, None, raw_load, None,
            raw_load)
        row("validation (records + SHACL), cold build", {}, validation(build.get("phases", {})) or None)
        stats = run.get("queries", {}).get("queries", {}).get("stats-relations", {})
        row("one GROUP BY (stats-relations)", run.get("queries", {}), stats.get("p50"), rl.get("query"),
            ox_.get("query"), vt.get("query"), rl.get("query"))
        nx_, nxs = run.get("networkx", {}), run.get("networkx_sparql", {})
        row("to_networkx (analysis snapshot)", nx_, nx_.get("seconds"), rl.get("networkx"), None,
            vt.get("networkx"), rl.get("networkx"))
        row("to_networkx (SPARQL, no snapshot)", nxs, nxs.get("seconds"), rl.get("networkx"), None, None,
            rl.get("networkx"))
        row("metrics report (on the networkx graph)", run.get("metrics", {}), run.get("metrics", {}).get("seconds"))
        row("`kg metrics` (whole command)", run.get("metrics_cli", {}), run.get("metrics_cli", {}).get("seconds"))
        row("views", run.get("views", {}), run.get("views", {}).get("seconds"))
        row("cold `kg query` (whole process)", run.get("cold_query", {}), run.get("cold_query", {}).get("seconds"))
        lines += ["", "Build phases, cold: " + ", ".join(f"{k} {_fmt(v)}" for k, v in build.get("phases", {}).items()),
                  "", "Build phases, one file changed: " + ", ".join(
                      f"{k} {_fmt(v)}" for k, v in rebuild.get("phases", {}).items()),
                  "", "Raw pyoxigraph bulk loads (the baseline is the faster): " + ", ".join(map(_fmt, raw)),
                  ""]
        queries = run.get("queries", {}).get("queries", {})
        if queries:
            lines += ["Catalog queries, p50 of 5: " + ", ".join(
                f"{name} {_fmt(q['p50'])}" if "p50" in q else f"{name} (n/a: {q['error']})"
                for name, q in queries.items()), ""]
        errors = {name: v["error"] for name, v in run.items() if isinstance(v, dict) and "error" in v}
        if errors:
            lines += ["Steps that failed: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), ""]
    return "\n".join(lines) + "\n"



def step_arguments(parser: argparse.ArgumentParser) -> None:
    """The hidden options with which a benchmark runs one of its steps in a child process."""
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)


def answer_step(args: argparse.Namespace, steps: dict) -> bool:
    """Run the step a parent asked for (`--step`), print its figures as JSON; False when none was."""
    if not args.step:
        return False
    result = steps[args.step](args.root, args.store)
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result))
    return True

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated triple counts")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps to run")
    parser.add_argument("--out", type=Path, help="write the Markdown table here")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    parser.add_argument("--workdir", type=Path, help="where to generate projects [default: a temp dir]")
    parser.add_argument("--virtuoso-max", type=int, default=100_000,
                        help="largest size loaded into Virtuoso (its load runs at about 6k triples/s)")
    parser.add_argument("--heavy-max", type=int, default=1_000_000,
                        help="above this size, only the build and analysis steps run")
    step_arguments(parser)
    args = parser.parse_args()
    if answer_step(args, STEPS):
        return
    wanted = args.steps.split(",")
    steps = [s for s in ORDER if s in wanted or (s == "oxigraph2" and "oxigraph" in wanted)]
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        runs = [measure(int(size), workdir, steps, args.virtuoso_max, args.heavy_max)
                for size in args.sizes.split(",")]
    text = render(runs)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
