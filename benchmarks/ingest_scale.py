"""How `kg ingest`'s extraction time grows with the length of an article (issues 16 and 21).

Generates news-like text from a few templates (names, titles, quotes, lawsuits, threats,
dates, lists) and times kg.ingest.extract (the spaCy pipeline, its model loaded once before)
against the curated data of this project:
- an article of about 600 words (aim: under 5 s),
- one sentence of about 20 KB (no full stop: clauses joined by commas and 'and'),
- whole articles of the sizes asked (paragraphs of ordinary sentences; aim: 1 MB under 60 s,
  time linear in length).

    python benchmarks/ingest_scale.py [--sizes 0.1,0.25,0.5,1] [--sentence-kb 20]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import ontology  # noqa: E402
from kg import project as projects  # noqa: E402
from kg.builder import curated  # noqa: E402
from kg.ingest import extract  # noqa: E402

SENTENCES = [
    "On {day}, the city of {city} sued the Department of Justice over its grant conditions.",
    "Mayor {first} {last} said the city would not cooperate with Immigration and Customs Enforcement.",
    "\"We will not be bullied,\" {last} said at a news conference on {day}.",
    "Homeland Security Secretary Kristi Noem threatened to cut federal funding to {city} if it did not comply.",
    "A federal judge in the Northern District of California blocked the administration's attempt to withhold grants.",
    "{city}, {city2} and {city3} filed a lawsuit against the Trump administration in {month}.",
    "Council member {first} {last}, who sponsored the ordinance, said the police would keep doing their jobs.",
    "The ordinance bars city police from asking about immigration status, {first} {last} said.",
    "Attorney General Pam Bondi said the department would keep bringing cases against sanctuary jurisdictions.",
    "Critics like {first} {last} argue that the policy makes neighborhoods less safe.",
]
CITIES = ["Riverton", "Port Alder", "Granite Falls", "Millbrook", "Cedar Bend", "Ashford", "Lakeview"]
FIRST = ["Ana", "Luis", "Priya", "Gary", "Dana", "Tom", "Maria", "Sam", "Lena", "Omar"]
LAST = ["Ortega", "Anand", "Pruitt", "Whitfield", "Reyes", "Delgado", "Pike", "Chen", "Novak", "Haddad"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "February", "March", "April"]


def _fill(rng: random.Random, template: str) -> str:
    cities = rng.sample(CITIES, 3)
    return template.format(day=rng.choice(DAYS), city=cities[0], city2=cities[1], city3=cities[2],
                           first=rng.choice(FIRST), last=rng.choice(LAST), month=rng.choice(MONTHS))


def article(size: int, seed: int = 7) -> str:
    """About `size` characters of paragraphs of news sentences."""
    rng = random.Random(seed)
    parts, total = [], 0
    while total < size:
        paragraph = " ".join(_fill(rng, rng.choice(SENTENCES)) for _ in range(rng.randint(2, 4))) + "\n\n"
        parts.append(paragraph)
        total += len(paragraph)
    return "".join(parts)[:size]


def one_sentence(size: int, seed: int = 11) -> str:
    """About `size` characters with no sentence end: clauses joined by commas and 'and'."""
    rng = random.Random(seed)
    parts, total = [], 0
    while total < size:
        clause = _fill(rng, rng.choice(SENTENCES)).rstrip(".").replace("\"", "")
        parts.append(clause)
        total += len(clause) + 6
    return ", and ".join(parts)[:size] + "."


def timed(text: str, known, onto) -> float:
    start = time.perf_counter()
    found = extract(text, date="2025-03-12", known=known, onto=onto)
    elapsed = time.perf_counter() - start
    print(f"  {len(text.encode()) / 1e6:7.3f} MB  {elapsed:7.2f} s  {elapsed / (len(text) / 1e6):6.2f} s/MB  "
          f"{len(found.statements)} statements, {len(found.entities)} entities", flush=True)
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.1,0.25,0.5,1", help="article sizes in MB, comma-separated")
    parser.add_argument("--sentence-kb", type=float, default=20, help="size of the one long sentence in KB")
    args = parser.parse_args(argv)
    project = projects.find(ROOT)
    onto = ontology.load(project.ontology_dir)
    known = curated.read(project.data_dir, project.root).entities
    # warm-up: the model, the rules and courts-db's federal court patterns load once per process
    extract("Warm-up: Riverton sued in the Northern District of Ohio.", date="2025-03-12", known=known, onto=onto)
    print("an article of about 600 words (aim: under 5 s):")
    timed(article(3_800), known, onto)
    print(f"one sentence of {args.sentence_kb:g} KB:")
    timed(one_sentence(int(args.sentence_kb * 1000)), known, onto)
    print("whole articles (aim: 1 MB under 60 s, time linear in length):")
    for mb in (float(x) for x in args.sizes.split(",")):
        timed(article(int(mb * 1e6)), known, onto)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
