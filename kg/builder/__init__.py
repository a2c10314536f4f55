"""The build stage: data/ -> validated records -> RDF -> the store, published atomically.

curated reads data/ into records; validate checks them (and shacl the assembled graph);
assemble turns them into triples; store owns the on-disk Oxigraph stores and their publication;
pipeline runs it all (`kg build`, `kg check`). Named `builder` so that `kg.build()` stays the
function users call.
"""
