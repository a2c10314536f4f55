"""The network stage: the graph as networkx, and what is computed on it.

convert builds the typed MultiDiGraph from SPARQL rows; metrics holds the algorithm families
(centrality, structure, camps, projections, time, the report); paths explains shortest paths
hop by hop; export writes GraphML, GEXF, node-link JSON, CSV and RDF. Each is a plain function of
a graph.
"""
