"""Catalog and ad-hoc SPARQL queries from Python.

Run `kg build` first, then:  python examples/queries.py
(KG_ROOT / KG_STORE choose another project or store; kg.load(endpoint=URL) runs the same
code against a SPARQL server loaded with `kg build --endpoint URL`.)
"""

import datetime
from collections import Counter

import kg

g = kg.load()

# A named query of the catalog (queries/lawsuits.rq): one row per lawsuit.
for suit in g.query("lawsuits"):
    if suit["filed"] == "2025-02-07":
        # A name marked '(implied)' rests only on statements that the text implies.
        plaintiffs = sorted(p for p in suit["plaintiffs"].split(" | ") if not p.endswith("(implied)"))
        print("Plaintiffs of the Feb. 7, 2025 lawsuit:", ", ".join(plaintiffs))

# A parameter is bound by the engine, never pasted into the text; an entity may be named by
# its id, its label or an alias.
print("\nThreats by Pam Bondi and what the sources say about her:")
for row in g.query("entity", entity="Pam Bondi"):
    if row["relation"] == "threatened":
        print(f"  {row['subject']} threatened {row['object']} ({row['date']})")
        print(f"    \"{row['quote']}\" [{row['source']}]")

# Contested claims: who stands for and who against. The query gives a row per statement, so
# one actor taking a side in two sentences of a source is counted, not printed twice.
print("\nContested claims:")
sides = Counter((row["claim"], row["side"], row["actor"], row["source"])
                for row in g.query("claims") if row["contested"] == "yes")
for (claim, side, actor, source), sentences in sides.items():
    print(f"  {claim}: {side} {actor} [{source}{f', {sentences} sentences' if sentences > 1 else ''}]")

# Ad-hoc SPARQL; prefixes kg:, ent:, rdfs:, prov: ... are predefined, and keyword arguments
# are bound to the variables of the same name (which the SELECT clause must list).
text = """
SELECT ?day ?plaintiff ?defendant WHERE {
  ?st rdf:predicate kg:sued ; kg:eventDate ?day ;
      rdf:subject/rdfs:label ?plaintiff ; rdf:object/rdfs:label ?defendant .
} ORDER BY ?plaintiff ?defendant
"""
print("\nWho sued whom on Feb. 6 and 7, 2025:")
for day in (datetime.date(2025, 2, 6), datetime.date(2025, 2, 7)):
    for row in g.query(text, day=day):
        print(f"  {row['day']}: {row['plaintiff']} sued {row['defendant']}")

# The same rows as a pandas DataFrame, if pandas is installed.
try:
    frame = g.query("timeline").to_dataframe()
    print(f"\nTimeline: {len(frame)} dated statements, {frame['date'].min()} to {frame['date'].max()}")
except kg.KGError as missing:
    print(f"\n({missing})")
