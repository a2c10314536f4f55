"""Time to first frame of a large view in headless Chromium (printed, not asserted).

A synthetic graph of 10,000 entities and 20,000 statements (heavy-tailed degrees, quotes of
article length) is written as one view with kg.views, then opened in the real headless Chromium
the view tests use; the page records when vis-network finished its first frame (a view this
large draws its entities and names first) and the first frame with its lines.

    python benchmarks/view_frame.py [--entities 10000] [--statements 20000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import browser  # noqa: E402  (the tests' Chromium driver)

from kg.views import pages  # noqa: E402

TYPES = [("Person", ["Person", "Actor", "Entity"]), ("City", ["City", "Jurisdiction", "Actor", "Entity"]),
         ("GovernmentAgency", ["GovernmentAgency", "Organization", "Actor", "Entity"]),
         ("Policy", ["Policy", "Entity"]), ("LegalClaim", ["LegalClaim", "Claim", "Entity"])]
RELATIONS = [("sued", ["legalAction", "opposes"]), ("threatened", ["opposes"]), ("supported", ["supports"]),
             ("memberOf", ["affiliation"]), ("signed", ["policyAction"]), ("stated", ["communication"])]


def graph(entities: int, statements: int, seed: int = 7) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    for i in range(entities):
        kind, classes = TYPES[i % len(TYPES)]
        G.add_node(f"E{i}", label=f"{kind} number {i}", type=kind, classes=classes, aliases=[f"E{i}"])
    weights = [1 / (i + 1) ** 0.8 for i in range(entities)]
    ends = rng.choices(range(entities), weights, k=2 * statements)
    for s in range(statements):
        u, v = ends[2 * s], ends[2 * s + 1]
        if u == v:
            v = (v + 1) % entities
        relation, families = RELATIONS[s % len(RELATIONS)]
        G.add_edge(f"E{u}", f"E{v}", f"st{s}", relation=relation, families=families, statement=f"st{s}",
                   document=f"src{s % 50}", published="2025-02", date=f"20{17 + s % 9}-0{1 + s % 9}",
                   confidence="explicit" if s % 4 else "implied",
                   quote=f"Officials of entity {u} said they would act against entity {v} over the policy.")
    return G


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=20_000)
    args = parser.parse_args()
    G = graph(args.entities, args.statements)
    with tempfile.TemporaryDirectory() as out:
        folder = Path(out)
        started = time.perf_counter()
        look = pages.style(G)
        page = pages.render(G, title="Large view", look=look, limit=args.entities)
        written = time.perf_counter() - started
        pages.copy_assets(folder)
        path = pages.write(folder / "large.html", page)
        size = path.stat().st_size / 1e6
        with browser.Browser(1280, 800) as chromium:
            tab = chromium.page()
            tab.goto(path.as_uri(), timeout=120)
            tab.wait_for("window.kgView && window.kgView.firstFrame", timeout=120)
            frame = tab.evaluate("kgView.firstFrame") / 1000
            tab.wait_for("kgView.linesFrame", timeout=120)
            lines = tab.evaluate("kgView.linesFrame") / 1000
            shown = tab.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
            errors = tab.errors
    print(f"view of {shown[0]:,} entities and {shown[1]:,} statements: written in {written:.2f} s "
          f"({size:.1f} MB); first frame (entities and names) {frame:.2f} s after navigation in "
          f"headless Chromium, lines drawn at {lines:.2f} s (load average {os.getloadavg()[0]:.1f})")
    if errors:
        print("page errors:", errors)


if __name__ == "__main__":
    main()
