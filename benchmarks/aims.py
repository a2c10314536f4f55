"""Issue 25's aims, every one measured in one run: kg beside its alternative, in turns.

    python benchmarks/aims.py                     # 100k, 1M and 4.8M; the section into RESULTS.md
    python benchmarks/aims.py --sizes 100000 --no-write
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import platform
import pty
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)
import run  # noqa: E402  (benchmarks/run.py: its steps and their runner)
import serve_load  # noqa: E402  (benchmarks/serve_load.py: kg serve and its throughput)


def fingerprint(size: int) -> str:
    """What a generated project depends on: the generator, the ontology and queries it copies."""
    digest = hashlib.sha256(f"{size}:{generate.__file__}".encode())
    for path in sorted([Path(generate.__file__), *(REPO / "ontology").rglob("*"), *(REPO / "queries").rglob("*")]):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def project_for(size: int, workdir: Path) -> tuple[Path, dict]:
    """The generated project of `size` triples, made again only when its inputs changed."""
    root = workdir / f"project-{size}"
    mark = root / ".aims-generated.json"
    wanted = fingerprint(size)
    if mark.is_file():
        known = json.loads(mark.read_text())
        if known.get("fingerprint") == wanted:
            return root, known["counts"]
    counts = generate.generate(size, root)
    mark.write_text(json.dumps({"fingerprint": wanted, "counts": counts}))
    return root, counts


# --- steps that run in a fresh interpreter (run.run_step with this script) ---

def step_build_bare(root: str, store: str) -> dict:
    """A cold build less its validation: the same reading, N-Triples, bulk load, snapshot and
    publishing as kg.build, without the record checks, the shape checker or the SPARQL rules."""
    import shutil

    import pyoxigraph as ox

    from kg import ontology
    from kg import project as projects
    from kg.builder import assemble, curated, pipeline, snapshot
    from kg.builder import store as stores

    project = projects.find(root, store)
    shutil.rmtree(Path(store) / pipeline.PARSE_CACHE, ignore_errors=True)
    phase = pipeline._Phases()
    stores.claim(project.build_dir)
    with phase("read"):
        onto = ontology.load(project.ontology_dir)
        data = curated.read(project.data_dir, project.root,
                            curated.ParseCache(project.build_dir / pipeline.PARSE_CACHE, write=True))
    with stores.staging(project.build_dir) as stage:
        with phase("N-Triples"), pipeline._gc_paused(), open(stage.dump_path, "w", encoding="utf-8") as out:
            out.write(ox.serialize(onto.store.quads_for_pattern(None, None, None, ox.DefaultGraph()),
                                   format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
            for text in assemble.ntriples(data):
                out.write(text)
        with phase("bulk load"):
            stage.store.bulk_load(path=str(stage.dump_path), format=ox.RdfFormat.N_TRIPLES)
        with phase("snapshot"):
            snapshot.write(stage.analysis_dir, stage.build_id, data, onto)
        with phase("write"):
            stage.publish()
    return {"seconds": sum(phase.timings.values()), "phases": phase.timings, "cpu_phases": phase.cpu}


def step_networkx(root: str, store: str) -> dict:
    """to_networkx (run.step_networkx), then, apart, what reading the snapshot's rows alone costs."""
    import time

    import kg
    from kg.network.convert import Tables

    timed = run.step_networkx(root, store)
    g = kg.load(root, store)
    cpu = time.process_time()
    tables = Tables(g)
    for name in Tables.QUERIES:
        for _ in tables.lists(name)[1]:
            pass
    return {**timed, "read_cpu": time.process_time() - cpu}


def _query(root: str, store: str, name: str) -> dict:
    """One catalog query as a command runs it (its worker, kg's default time limit): CPU seconds
    of this process and its worker, and its rows or the error that stopped it."""
    import kg
    from kg.errors import KGError

    g = kg.load(root, store)
    started, cpu = time.perf_counter(), _self_and_children_cpu()
    try:
        out: dict = {"rows": len(g.query(name).rows())}
    except KGError as exc:
        out = {"stopped": str(exc).splitlines()[0][:160]}
    finally:
        g.backend.runner.close()  # the worker reaped: its CPU counts among this process's children
    return {**out, "query_seconds": time.perf_counter() - started, "query_cpu": _self_and_children_cpu() - cpu}


def _self_and_children_cpu() -> float:
    return sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))


def step_threats(root: str, store: str) -> dict:
    """`kg metrics`' one SPARQL query, the threats table's, alone."""
    return _query(root, store, "threat-outcomes")


def step_views(root: str, store: str) -> dict:
    """`g.view()` (run.step_views), then `kg viz`'s closing count (the `stats-statements` query) alone."""
    return {**run.step_views(root, store), **_query(root, store, "stats-statements")}


STEPS = {"build": lambda r, s: run.step_build(r, s), "build_bare": step_build_bare, "threats": step_threats,
         "oxigraph": lambda r, s: run.step_oxigraph(r, s), "networkx": step_networkx,
         "networkx_sparql": lambda r, s: run.step_networkx_sparql(r, s),
         "metrics_report": lambda r, s: run.step_metrics(r, s), "views": step_views}


# --- commands timed from here: CPU of the process and its children ---

def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command(argv: list[str], env: dict | None = None) -> dict:
    """Run a kg command to its end; its wall and CPU seconds (children included) and the load."""
    load, cpu, started = os.getloadavg()[0], _children_cpu(), time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **(env or {})})
    out = {"wall": time.perf_counter() - started, "cpu": _children_cpu() - cpu, "load": load}
    if proc.returncode != 0:
        out["error"] = (proc.stderr.strip().splitlines() or ["failed"])[-1][:160]
    return out


def in_terminal(argv: list[str], rows: int = 40, columns: int = 160) -> dict:
    """Run `argv` on a pseudo-terminal of rows x columns: when its first output came, when it
    ended, its CPU seconds (children included), the load as it started."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    load, cpu, started = os.getloadavg()[0], _children_cpu(), time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    first, output = None, bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        first = time.perf_counter() - started if first is None else first
        output += chunk
    proc.wait()
    out = {"first": first, "wall": time.perf_counter() - started, "cpu": _children_cpu() - cpu, "load": load,
           "last_line": output.decode("utf-8", "replace").strip().splitlines()[-1][:160] if output else ""}
    os.close(master)
    if proc.returncode != 0:
        out["error"] = out["last_line"]
    return out


#: The bare engine's first screen: Python, pyoxigraph, the store opened read-only, the catalog's
#: `edges` text, its first rows printed.
FLOOR_SCREEN = """
import itertools, sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
solutions = store.query(open(sys.argv[2], encoding="utf-8").read(), use_default_graph_as_union=True)
for row in itertools.islice(solutions, int(sys.argv[3])):
    print(" | ".join("" if t is None else t.value for t in row))
"""


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and every live process under it (with the ones they reaped)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            stats[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    tree, total = {pid}, 0
    grew = True
    while grew:
        grew = False
        for child, (parent, _) in stats.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grew = True
    total = sum(stats[p][1] for p in tree if p in stats)
    return total / os.sysconf("SC_CLK_TCK")


def serve_pair(root: Path, store: Path, rounds: int, seconds: float) -> dict:
    """`kg serve` and the bare `oxigraph serve-read-only` on the same store, in turns: answers per
    second of serve_load's throughput and each server's CPU seconds per answer."""
    from kg.builder.store import current_path

    kg_proc, kg_port = serve_load.start_server(store, root=root)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        bare_port = probe.getsockname()[1]
    bare = subprocess.Popen([str(Path(sys.executable).parent / "oxigraph"), "serve-read-only", "--location",
                             str(current_path(store)), "--bind", f"127.0.0.1:{bare_port}"],
                            stderr=subprocess.DEVNULL)
    figures: dict[str, list[dict]] = {"kg": [], "oxigraph": []}
    try:
        for port in (kg_port, bare_port):  # both answering, their caches warm
            serve_load.throughput(port, clients=2, seconds=min(2.0, seconds))
        for _ in range(rounds):
            for name, proc, port in (("kg", kg_proc, kg_port), ("oxigraph", bare, bare_port)):
                load, cpu = os.getloadavg()[0], _tree_cpu(proc.pid)
                answered = serve_load.throughput(port, seconds=seconds)
                figures[name].append({"per_second": answered["per_second"], "failed": answered["failed"],
                                      "cpu": _tree_cpu(proc.pid) - cpu, "load": load})
    finally:
        bare.terminate()
        bare.wait()
        kg_proc.send_signal(signal.SIGINT)
        kg_proc.wait(timeout=30)

    def median(name: str, key: str) -> float:
        return statistics.median(f[key] for f in figures[name])

    return {name: {"per_second": median(name, "per_second"), "cpu": median(name, "cpu"),
                   "load": median(name, "load"), "seconds": seconds, "rounds": figures[name]}
            for name in figures}


# --- one run: every size, each of kg's figures next to its alternative's ---

class Budget:
    """Skip a step whose estimate (its wall seconds per triple at the size before) would not fit
    in what is left of the run's budget; remember why."""

    def __init__(self, seconds: float):
        self.started, self.seconds = time.monotonic(), seconds
        self.rate: dict[str, float] = {}
        self.skipped: list[tuple[int, str, str]] = []

    def run(self, size: int, name: str, measure) -> dict | None:
        left = self.seconds - (time.monotonic() - self.started)
        estimate = self.rate.get(name, 0.0) * size
        if estimate > left:
            self.skipped.append((size, name, f"its estimate ({estimate:.0f} s wall, from the size before) "
                                             f"exceeded what was left of the run's budget ({max(left, 0):.0f} s)"))
            return None
        print(f"  {size:>9,}: {name} ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        result = measure()
        self.rate[name] = (time.monotonic() - started) / size
        return result


def screens(kg_argv: list[str], floor_argv: list[str], times: int) -> dict:
    """kg's first screen and the bare engine's, alternating; the medians of each figure."""
    runs: dict[str, list[dict]] = {"kg": [], "floor": []}
    for _ in range(times):
        runs["kg"].append(in_terminal(kg_argv))
        runs["floor"].append(in_terminal(floor_argv))
    out = {}
    for name, done in runs.items():
        errors = [r["error"] for r in done if "error" in r]
        out[name] = ({"error": errors[0]} if errors else
                     {key: statistics.median(r[key] for r in done) for key in ("first", "wall", "cpu", "load")})
        out[name]["last_line"] = done[-1]["last_line"]
    return out


def plan(size: int, root: Path, store: Path, args: argparse.Namespace) -> list[tuple[str, object]]:
    """The steps of one size, in order: each of kg's beside its alternative's."""
    from kg.builder.store import current_path

    kg = [sys.executable, "-m", "kg", "--root", str(root), "--store", str(store)]
    bare = store.with_name(store.name + "-bare")

    def step(name: str, where: Path = store):
        return lambda: run.run_step(name, root, where, script=__file__)

    def bare_build():
        try:
            return step("build_bare", bare)()
        finally:
            shutil.rmtree(bare, ignore_errors=True)

    def viz():
        with tempfile.TemporaryDirectory(prefix="kg-aims-viz-") as out:
            return command(kg + ["viz", "--out", out])

    floor = [sys.executable, "-c", FLOOR_SCREEN, "<store>", str(root / "queries" / "edges.rq"), "32"]
    return [
        ("build", step("build")),
        ("oxigraph", step("oxigraph")),
        ("build_bare", bare_build),
        ("oxigraph2", step("oxigraph")),
        ("networkx", step("networkx")),
        ("metrics", lambda: command(kg + ["metrics", "--top", "10", "--format", "json"])),
        ("metrics_networkx", lambda: command(kg + ["metrics", "--top", "10", "--format", "json"],
                                             {"KG_METRICS_ENGINE": "networkx"})),
        ("metrics_report", step("metrics_report")),
        ("threats", step("threats")),
        ("edges_screen", lambda: screens(kg + ["query", "edges"],
                                         [*floor[:3], str(current_path(store)), *floor[4:]], args.screens)),
        ("viz", viz),
        ("views", step("views")),
        ("serve", lambda: serve_pair(root, store, args.serve_rounds, args.serve_seconds)),
        ("networkx_sparql", step("networkx_sparql")),
    ]


def measure(size: int, workdir: Path, budget: Budget, args: argparse.Namespace) -> dict:
    root, counts = budget.run(size, "generate", lambda: project_for(size, workdir)) or (None, None)
    if root is None:
        return {"size": size, "skipped": True}
    store = workdir / f"store-{size}"
    figures: dict = {"size": size, "counts": counts}
    for name, fn in plan(size, root, store, args):
        result = budget.run(size, name, fn)
        if result is not None:
            figures[name] = result
        if name == "build" and (result is None or "error" in result):
            break  # nothing after it has a store to work on
    return figures


# --- the section of RESULTS.md ---

HEADING = "## Issue 25: every aim in one run"


def _cell(cpu: float | None, wall: float | None = None, load: float | None = None, unit: str = "s CPU") -> str:
    if cpu is None:
        return "–"
    text = f"{cpu:.2f} {unit}" if cpu < 10 else f"{cpu:.1f} {unit}"
    if wall is not None:
        text += f" ({wall:.2f} s wall" if wall < 10 else f" ({wall:.1f} s wall"
        text += f", load {load:.1f})" if load is not None else ")"
    return text


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _phases(cpu: dict, wall: dict) -> str:
    return ", ".join(f"{name} {_s(seconds)} ({_s(wall[name])} wall)" for name, seconds in cpu.items())


class Row:
    """One line of the table."""

    def __init__(self, aim: str, size: str, kg: str, alternative: str, ratio: str, target: str,
                 verdict: str, reason: str):
        self.cells = [aim, size, kg, alternative, ratio, target, verdict, reason]

    def __str__(self) -> str:
        return "| " + " | ".join(c.replace("|", "/") for c in self.cells) + " |"


def _verdict(ok: bool | None, aim_size: bool) -> str:
    if not aim_size:
        return "– (the aims are set at 1M and 4.8M)"
    return "–" if ok is None else ("**met**" if ok else "**missed**")


def _raw(run_: dict) -> dict | None:
    loads = [run_[k] for k in ("oxigraph", "oxigraph2") if k in run_ and "bulk_load_cpu" in run_[k]]
    return min(loads, key=lambda r: r["bulk_load_cpu"]) if loads else None


def build_rows(run_: dict, label: str, aim_size: bool) -> list[Row]:
    raw, rows = _raw(run_), []
    alt = _cell(raw["bulk_load_cpu"], raw["bulk_load"], raw["load"]) if raw else "not measured"
    bare = run_.get("build_bare", {})
    bare_bits = {"N-Triples": 0.0, "bulk load": 0.0, **bare.get("cpu_phases", {})}
    for aim, key, limit in (("cold build with validation", "build", 2.0),
                            ("cold build without validation", "build_bare", 1.5)):
        step = run_.get(key)
        if not step or "error" in step or not raw:
            why = (step or {}).get("error") or "not measured (see below)"
            rows.append(Row(aim, label, "–", alt, "–", f"≤ {limit:g}× raw load", "–", why))
            continue
        cpu, wall = sum(step["cpu_phases"].values()), sum(step["phases"].values())
        ratio = cpu / raw["bulk_load_cpu"]
        reason = "phases, CPU: " + _phases(step["cpu_phases"], step["phases"])
        if key == "build" and bare:
            checker = step["cpu_phases"].get("load", 0) - bare_bits["N-Triples"] - bare_bits["bulk load"]
            reason += (f"; its `load` phase is writing the N-Triples ({_s(bare_bits['N-Triples'])} in the build "
                       f"without validation), the bulk load ({_s(bare_bits['bulk load'])} there) and the shape "
                       f"checker reading the lines (the rest, about {_s(checker)})")
        reason += (f"; the raw engine's load alone {_s(raw['bulk_load_cpu'])} CPU "
                   f"(wall ratio {wall / raw['bulk_load']:.2f}×)")
        rows.append(Row(aim, label, _cell(cpu, wall, step["load"]), alt, f"{ratio:.2f}×", f"≤ {limit:g}× raw load",
                        _verdict(ratio <= limit, aim_size), reason))
    return rows


def _linear(base: dict | None, key: str, value: float, size: int, absolute: float) -> tuple[float, str]:
    """The aim at this size: the absolute one at the base size, else the base's figure grown
    linearly with the triples (10% allowed for noise)."""
    if base is None or size <= base["size"] or key not in base or "cpu" not in base[key] or "error" in base[key]:
        return absolute, f"≤ {absolute:g} s"
    grown = base[key]["cpu"] * size / base["size"] * 1.1
    return grown, f"≤ {grown:.1f} s (linear from {base['size']:,}: ≤ {absolute:g} s there)"


def _cpu(step: dict | None, key: str = "cpu") -> float | None:
    return None if not step or "error" in step else step.get(key)


def analysis_rows(run_: dict, label: str, aim_size: bool, base: dict | None) -> list[Row]:
    rows = []
    nx_, sparql = run_.get("networkx"), run_.get("networkx_sparql")
    if _cpu(nx_, "cpu_seconds") is not None:
        cpu = nx_["cpu_seconds"]
        limit, target = _linear(base and {**base, "networkx": {"cpu": base["networkx"]["cpu_seconds"]}}
                                if base and "networkx" in base else None, "networkx", cpu, run_["size"], 1.0)
        alt = _cell(sparql["cpu_seconds"], sparql["seconds"], sparql["load"]) if _cpu(sparql, "cpu_seconds") else \
            "not measured (see below)"
        rows.append(Row("`to_networkx`", label, _cell(cpu, nx_["seconds"], nx_["load"]),
                        "the SPARQL route (no snapshot): " + alt,
                        f"{cpu / sparql['cpu_seconds']:.2f}×" if _cpu(sparql, "cpu_seconds") else "–", target,
                        _verdict(cpu <= limit, aim_size),
                        f"reading the snapshot's rows into Python {nx_['read_cpu']:.2f} s CPU, building the graph "
                        f"({nx_['nodes']:,} nodes, {nx_['edges']:,} edges with their attributes) the rest, "
                        f"about {cpu - nx_['read_cpu']:.2f} s"))
    rows += metrics_rows(run_, label, aim_size, base)
    return rows


def _failed(step: dict) -> str:
    return f"failed after {_cell(step['cpu'], step['wall'], step['load'])}: {step['error']}"


def _threats(run_: dict) -> str:
    threats = run_.get("threats")
    if not threats or "query_cpu" not in threats:
        return ""
    outcome = f"{threats['rows']:,} rows" if "rows" in threats else f"stopped: {threats['stopped']}"
    return (f"; `threat-outcomes` alone: {_cell(threats['query_cpu'], threats['query_seconds'], threats['load'])}, "
            f"{outcome}")


def metrics_rows(run_: dict, label: str, aim_size: bool, base: dict | None) -> list[Row]:
    rows = []
    metrics, slow, report = run_.get("metrics"), run_.get("metrics_networkx"), run_.get("metrics_report")
    breakdown = (f"the report's measures alone (`metrics.report` on the graph, in-process) took "
                 f"{report['cpu_seconds']:.1f} s CPU" if _cpu(report, "cpu_seconds") is not None else "")
    before = (base or {}).get("metrics_report")
    if breakdown and _cpu(before, "cpu_seconds") and run_["size"] > base["size"]:
        grew = report["cpu_seconds"] / before["cpu_seconds"]
        breakdown += (f", {grew:.1f} times their {before['cpu_seconds']:.1f} s at {base['size']:,} for "
                      f"{run_['size'] / base['size']:.0f} times the size")
    if metrics and "error" in metrics:
        rows.append(Row("`kg metrics`", label, _failed(metrics), "`KG_METRICS_ENGINE=networkx kg metrics`: "
                        + (_failed(slow) if slow and "error" in slow else _cell(_cpu(slow), (slow or {}).get("wall"),
                                                                                (slow or {}).get("load"))),
                        "–", "≤ 8 s", _verdict(False, aim_size),
                        "the command did not finish: its one SPARQL query (`threat-outcomes`, the threats table; "
                        "the graph comes from the snapshot) ran into kg's default 60 s time limit (wall); "
                        + breakdown + _threats(run_)))
    elif _cpu(metrics) is not None:
        limit, target = _linear(base, "metrics", metrics["cpu"], run_["size"], 8.0)
        reason = (f"{breakdown}; the rest of the command (starting Python, reading the graph, the "
                  f"`threat-outcomes` query) about {metrics['cpu'] - report['cpu_seconds']:.1f} s{_threats(run_)}"
                  if breakdown else "no breakdown measured")
        rows.append(Row("`kg metrics`", label, _cell(metrics["cpu"], metrics["wall"], metrics["load"]),
                        "`KG_METRICS_ENGINE=networkx kg metrics`: " + (
                            _cell(slow["cpu"], slow["wall"], slow["load"]) if _cpu(slow) else "not measured"),
                        f"{metrics['cpu'] / slow['cpu']:.2f}×" if _cpu(slow) else "–", target,
                        _verdict(metrics["cpu"] <= limit, aim_size), reason))
    return rows


def view_rows(run_: dict, label: str, aim_size: bool, base: dict | None) -> list[Row]:
    viz, views, nx_ = run_.get("viz"), run_.get("views"), run_.get("networkx")
    if viz and "error" in viz:
        return [Row("`kg viz`", label, _failed(viz), "none", "–", "≤ 10 s", _verdict(False, aim_size), "")]
    if _cpu(viz) is None:
        return []
    limit, target = _linear(base, "viz", viz["cpu"], run_["size"], 10.0)
    reason = "no breakdown measured"
    if _cpu(views, "cpu_seconds") is not None:
        reason = (f"`g.view()` in-process {views['cpu_seconds']:.1f} s CPU (of which `to_networkx` about "
                  f"{_cpu(nx_, 'cpu_seconds') or 0:.1f} s, measured apart); the rest of the command (starting "
                  "Python, opening the store, the `stats-statements` query it prints its closing line from) "
                  f"about {viz['cpu'] - views['cpu_seconds']:.1f} s")
        if "query_cpu" in views:
            reason += f"; `stats-statements` alone {_s(views['query_cpu'])} CPU"
    return [Row("`kg viz`", label, _cell(viz["cpu"], viz["wall"], viz["load"]),
                "none: no other tool writes these pages", "–", target, _verdict(viz["cpu"] <= limit, aim_size),
                reason)]


def screen_rows(run_: dict, label: str, aim_size: bool) -> list[Row]:
    screen = run_.get("edges_screen")
    if not screen:
        return []
    kg, floor = screen["kg"], screen["floor"]
    if "error" in kg:
        return [Row("`kg query edges` first screen", label, "–", "–", "–", "≤ 1 s", "–", kg["error"])]
    alt = _cell(floor["cpu"], floor["first"], floor["load"]) if "error" not in floor else floor["error"]
    return [Row("`kg query edges` first screen", label,
                f"{kg['cpu']:.2f} s CPU, whole command (first screen at {kg['first']:.2f} s wall, load "
                f"{kg['load']:.1f})", "the bare engine's first screen (Python, pyoxigraph, the `edges` text, "
                f"32 rows): {alt}", f"{kg['cpu'] / floor['cpu']:.2f}×" if "error" not in floor else "–", "≤ 1 s",
                _verdict(kg["cpu"] <= 1.0, aim_size),
                f"kg's whole command (it counts the rows after the screen) took {kg['wall']:.2f} s wall; its last "
                f"line: \"{kg['last_line']}\"")]


def serve_rows(run_: dict, label: str, aim_size: bool) -> list[Row]:
    serve = run_.get("serve")
    if not serve:
        return []
    kg, bare = serve["kg"], serve["oxigraph"]

    def cell(side: dict) -> str:
        answers = side["per_second"] * side["seconds"]
        per = side["cpu"] / answers * 1000 if answers else float("nan")
        return (f"{side['per_second']:.0f} answers/s ({per:.2f} ms CPU per answer, load {side['load']:.1f})")

    ratio = kg["per_second"] / bare["per_second"] if bare["per_second"] else 0.0
    cpu_ratio = (kg["cpu"] / max(kg["per_second"], 1e-9)) / (bare["cpu"] / max(bare["per_second"], 1e-9))
    return [Row("`kg serve` throughput", label, cell(kg), "`oxigraph serve-read-only`, same store: " + cell(bare),
                f"{ratio:.2f}×", "≥ 0.8×", _verdict(ratio >= 0.8, aim_size),
                f"median of {len(kg['rounds'])} rounds of {kg['seconds']:g} s in turns, 8 clients, one query per "
                f"connection; kg's processes (guard, worker, its Oxigraph) spend {cpu_ratio:.1f}× the bare "
                "server's CPU per answer")]


def render(runs: list[dict], skipped: list, aim_sizes: set[int], meta: dict) -> str:
    measured = [r for r in runs if not r.get("skipped")]
    base = next((r for r in measured if r["size"] in aim_sizes), None)
    rows: list[Row] = []
    for run_ in measured:
        label = f"{run_['size']:,} ({run_['build']['triples']:,} triples)" if "triples" in run_.get("build", {}) \
            else f"{run_['size']:,}"
        aim_size = run_["size"] in aim_sizes
        rows += build_rows(run_, label, aim_size)
        rows += analysis_rows(run_, label, aim_size, base if run_ is not base else None)
        rows += view_rows(run_, label, aim_size, base if run_ is not base else None)
        rows += screen_rows(run_, label, aim_size)
        rows += serve_rows(run_, label, aim_size)
    step_loads = [v["load"] for r in measured for v in r.values() if isinstance(v, dict) and "load" in v]
    lines = [HEADING, "",
             f"`python benchmarks/aims.py` (`./dev bench aims`), one run started {meta['started']}, "
             f"{meta['minutes']:.0f} minutes in all. Machine: {meta['machine']}; 1-minute load average "
             f"{meta['load_start']:.1f} at the start, {meta['load_end']:.1f} "
             f"at the end, {min(step_loads, default=0):.1f}–{max(step_loads, default=0):.1f} as the steps started "
             "(the machine is shared with other jobs). The aims are in CPU seconds (of the process and its "
             "children), so they hold on a loaded machine; wall seconds and the load stand beside each figure. "
             "A build's figures are its phases (the `kg.build` call, without starting Python); the raw load's, "
             "`Store.bulk_load` of the same N-Triples, the faster of the two runs that came before and after "
             "kg's builds. Larger sizes: the ratio aims are the same; the absolute ones grow at most linearly "
             "from the 1M figure (10% allowed for noise).", "",
             "| aim | size | kg | alternative | ratio | aim | met/missed | reason |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |", *map(str, rows), ""]
    if skipped:
        lines += ["Not measured in this run: " + "; ".join(
            f"{name} at {size:,} ({why})" for size, name, why in skipped) + ".", ""]
    return "\n".join(lines)


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, {_gib():.0f} GiB, Python {platform.python_version()}, "
            f"pyoxigraph {_version('pyoxigraph')}")


def _gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def write_section(results: Path, section: str) -> None:
    """The section at the top of RESULTS.md (in place of an earlier one)."""
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    if HEADING not in text:
        first = text.find("\n## ")
        text = text + "\n" + section if first < 0 else text[:first + 1] + section + "\n" + text[first + 1:]
        results.write_text(text)
    else:
        serve_load.replace_section(results, HEADING, section + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,5000000", help="generator sizes (5000000 makes 4.8M "
                        "triples)")
    parser.add_argument("--aim-sizes", default="1000000,5000000", help="the sizes the aims are set at")
    parser.add_argument("--workdir", type=Path, default=REPO / "build" / "aims",
                        help="where the generated projects are kept between runs and built")
    parser.add_argument("--budget", type=float, default=55, help="minutes: skip a step that would not fit")
    parser.add_argument("--screens", type=int, default=3, help="first screens of each, in turns")
    parser.add_argument("--serve-rounds", type=int, default=3)
    parser.add_argument("--serve-seconds", type=float, default=10.0)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md")
    parser.add_argument("--from-json", type=Path, metavar="FILE",
                        help="write the table of a recorded run (its aims.json) again, measuring nothing")
    run.step_arguments(parser)
    args = parser.parse_args()
    if run.answer_step(args, STEPS):
        return
    if args.from_json:
        recorded = json.loads(args.from_json.read_text())
    else:
        meta = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_start": os.getloadavg()[0],
                "machine": machine()}
        budget = Budget(args.budget * 60)
        args.workdir.mkdir(parents=True, exist_ok=True)
        runs = [measure(int(size), args.workdir.resolve(), budget, args) for size in args.sizes.split(",")]
        meta.update(minutes=(time.monotonic() - budget.started) / 60, load_end=os.getloadavg()[0])
        recorded = {"meta": meta, "runs": runs, "skipped": budget.skipped}
        (args.workdir / "aims.json").write_text(json.dumps(recorded, indent=1))
    section = render(recorded["runs"], recorded["skipped"], {int(s) for s in args.aim_sizes.split(",")},
                     recorded["meta"])
    if not args.no_write:
        write_section(args.results, section)
    print(section)


if __name__ == "__main__":
    main()
