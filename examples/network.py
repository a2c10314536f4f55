"""Network analysis from Python: who is central, which camps exist, and how two actors connect.

Run after `kg build`:

    python examples/network.py
"""

import kg
from kg.network import metrics

g = kg.load()
G = g.to_networkx()  # entities as nodes, one edge per statement, quotes on the edges
print(f"{G.number_of_nodes()} entities, {G.number_of_edges()} statements")

print("\nMost central by PageRank (what is acted upon):")
for node, score in metrics.ranked(metrics.pagerank(G), 5):
    print(f"  {score:.3f}  {G.nodes[node]['label']}")

hubs, authorities = metrics.hits(G)
print("\nHubs (who acts):", ", ".join(G.nodes[n]["label"] for n, _ in metrics.ranked(hubs, 5)))

print("\nBrokers (betweenness):")
for node, score in metrics.ranked(metrics.betweenness(G), 5):
    print(f"  {score:.3f}  {G.nodes[node]['label']}")

# The signed network: hostile and cooperative relations, split into the two camps that
# leave the fewest edges frustrated (structural balance).
main = metrics.camps(G)[0]
for side in (0, 1):
    members = metrics.ranked({n: G.degree(n) for n in main.sides[side]}, 6)
    print(f"\nCamp {'AB'[side]} ({len(main.sides[side])}):", ", ".join(G.nodes[n]["label"] for n, _ in members))
print(f"\n{len(main.frustrated)} of {main.signed_edges} signed statements cross the camps the wrong way, e.g.:")
for u, v, _key, data in main.frustrated[:3]:
    print(f"  {G.nodes[u]['label']} {data['relation']} {G.nodes[v]['label']}: “{data['quote']}”")

# Only the opposition network, as it stood at the end of 2017.
opposition = g.to_networkx(families={"opposes"}, as_of="2017")
print(f"\nOpposition by the end of 2017: {opposition.number_of_edges()} statements among "
      f"{opposition.number_of_nodes()} entities")

print("\nHow Thomas Homan connects to David Chiu:")
for hop in g.path("Homan", "Chiu"):
    print(f"  {hop.subject_label} —{hop.relation}→ {hop.object_label}  [{hop.document}]")
    print(f"      “{hop.quote}”")
