"""The query stage: a built graph over the local store or a SPARQL server.

graph is the Python API for querying (Graph, Result, load); forms holds what ASK, CONSTRUCT and
DESCRIBE return; sparql reads query text (its form, the prefixes it lacks, engines' errors as one
line); catalog reads queries/; remote talks to SPARQL 1.1 servers; serve runs `kg serve`.
Nothing here imports rdflib (but Triples.graph(), when asked) or networkx, so `kg query` starts fast.
"""
