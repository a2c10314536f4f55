"""The query stage: a built graph over the local store or a SPARQL server.

graph is the Python API for querying (Graph, Result, load); catalog reads queries/; remote
talks to SPARQL 1.1 servers; serve runs `kg serve`. Nothing here imports rdflib or networkx, so
`kg query` starts fast.
"""
