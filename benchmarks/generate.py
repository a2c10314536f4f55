"""Generate a synthetic kg project of a given size, in the project's own data model.

Entities of every type, statements whose subject and object fit the relation's domain and range,
chosen with a heavy-tailed (Zipf-like) preference so that a few actors are very central; each
statement's quote is a sentence of a generated source text, so every quote check is real.

    python benchmarks/generate.py --triples 100000 --out /tmp/kg-100k
    kg --root /tmp/kg-100k build
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
from pathlib import Path

import yaml

from kg import ontology

REPO = Path(__file__).resolve().parent.parent
# Roughly how many triples one statement and one entity add (measured on the seed graph).
TRIPLES_PER_STATEMENT = 13
TRIPLES_PER_ENTITY = 4
STATEMENTS_PER_SOURCE = 60
ENTITIES_PER_STATEMENT = 0.25

FIRST = ["Ana", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Irene", "Jamal",
         "Kim", "Luis", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara"]
LAST = ["Alvarez", "Brooks", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
        "Jones", "Khan", "Lopez", "Miller", "Nguyen", "Ortiz", "Patel", "Reyes", "Smith"]
# Share of entities by type: mostly actors, as in news.
TYPE_WEIGHTS = {"Person": 30, "GovernmentAgency": 8, "City": 10, "County": 5, "State": 2,
                "AdvocacyOrganization": 4, "MediaOrganization": 2, "Court": 2, "Group": 4,
                "LegislativeBody": 1, "ExecutiveOrder": 3, "Ordinance": 3, "Memorandum": 2,
                "Program": 2, "ConstitutionalProvision": 1, "StatutoryProvision": 1,
                "Lawsuit": 5, "LegalClaim": 8, "FactualClaim": 5, "Event": 2}


def _label(kind: str, n: int, rng: random.Random) -> str:
    if kind == "Person":
        return f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
    return f"{kind} {n}"


def _date(rng: random.Random) -> str:
    year = rng.randint(2015, 2025)
    precision = rng.random()
    if precision < 0.2:
        return str(year)
    if precision < 0.5:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(triples: int, out: Path, seed: int = 7) -> dict[str, int]:
    """Write a project of about `triples` triples to `out`; return its counts."""
    rng = random.Random(seed)
    onto = ontology.load(REPO / "ontology")
    n_statements = max(10, int(triples / (TRIPLES_PER_STATEMENT + TRIPLES_PER_ENTITY * ENTITIES_PER_STATEMENT)))
    n_entities = max(20, int(n_statements * ENTITIES_PER_STATEMENT))

    kinds = list(TYPE_WEIGHTS)
    entity_types = rng.choices(kinds, weights=[TYPE_WEIGHTS[k] for k in kinds], k=n_entities)
    entities = [{"id": f"E{i}", "type": t, "label": _label(t, i, rng)} for i, t in enumerate(entity_types)]
    # Per class, the entities that may fill it, with Zipf weights by position: heavy-tailed degree.
    pools: dict[str, tuple[list[dict], list[float]]] = {}
    for cls in onto.class_parents:
        members = [e for e in entities if onto.is_a(e["type"], cls)]
        if members:
            weights = list(itertools.accumulate(1.0 / (rank + 1) ** 1.1 for rank in range(len(members))))
            pools[cls] = (members, weights)
    relations = [r for r in onto.relations.values()
                 if not r.datatype and r.domain in pools and r.range in pools
                 and r.name not in ("relatedTo",)]

    def pick(cls: str) -> dict:
        members, cum = pools[cls]
        return rng.choices(members, cum_weights=cum, k=1)[0]

    if out.exists():
        shutil.rmtree(out)
    (out / "data" / "sources").mkdir(parents=True)
    (out / "data" / "entities").mkdir()
    (out / "data" / "statements").mkdir()
    shutil.copytree(REPO / "ontology", out / "ontology")
    shutil.copytree(REPO / "queries", out / "queries")

    sources = []
    for s_index in range(0, n_statements, STATEMENTS_PER_SOURCE):
        source_id = f"src{s_index // STATEMENTS_PER_SOURCE}"
        sentences, statements = [], []
        for n in range(s_index, min(s_index + STATEMENTS_PER_SOURCE, n_statements)):
            rel = rng.choice(relations)
            subject, obj = pick(rel.domain), pick(rel.range)
            date = _date(rng)
            quote = f"{subject['label']} {rel.label} {obj['label']} ({date}, item {n})."
            sentences.append(quote)
            statement = {"id": f"st{n}", "subject": subject["id"], "relation": rel.name,
                         "object": obj["id"], "quote": quote, "date": date}
            if rng.random() < 0.2:
                statement["confidence"] = "implied"
            statements.append(statement)
        (out / "data" / "sources" / f"{source_id}.txt").write_text(" ".join(sentences) + "\n", encoding="utf-8")
        with open(out / "data" / "statements" / f"{source_id}.yaml", "w", encoding="utf-8") as fh:
            yaml.safe_dump({"source": source_id, "statements": statements}, fh, sort_keys=False,
                           allow_unicode=True, width=10_000)
        sources.append({"id": source_id, "file": f"sources/{source_id}.txt",
                        "title": f"Synthetic report {source_id}", "date": "2025"})
    with open(out / "data" / "sources.yaml", "w", encoding="utf-8") as fh:
        yaml.safe_dump({"sources": sources}, fh, sort_keys=False)
    with open(out / "data" / "entities" / "generated.yaml", "w", encoding="utf-8") as fh:
        yaml.safe_dump({"entities": entities}, fh, sort_keys=False, allow_unicode=True, width=10_000)
    return {"sources": len(sources), "entities": n_entities, "statements": n_statements}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=10_000, help="about how many triples")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the project to")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.triples, args.out, args.seed))


if __name__ == "__main__":
    main()
