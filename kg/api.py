"""The Python API: `kg.load()` and the graph it returns, whose methods mirror the CLI.

The methods are conveniences over plain functions of a graph that live in their own stage
(kg.network, kg.views), as networkx keeps its algorithms; this module sits above every stage,
beside the CLI, so that no stage imports one above it.

>>> g = kg.load()
>>> G = g.to_networkx(families={"legalAction"})
>>> G.number_of_edges() > 0
True
"""

from __future__ import annotations

import os
from pathlib import Path

from .namespace import ENT
from .network.convert import to_networkx
from .network.export import export
from .network.metrics import report
from .network.paths import explained_path
from .query import graph
from .views.pages import LIMIT, Views, write_views

__all__ = ["KnowledgeGraph", "load"]


class KnowledgeGraph(graph.Graph):
    """A built graph (see kg.query.graph.Graph for querying) with its analysis and views."""

    def to_networkx(self, *, families=None, types=None, as_of=None, confidence=None, deprecated=False):
        """The graph as a networkx MultiDiGraph of entities and statements (kg.network.convert)."""
        return to_networkx(self, families=families, types=types, as_of=as_of, confidence=confidence,
                           deprecated=deprecated)

    def metrics(self, top: int = 10, by: str = "degree", **filters):
        """Centrality, communities, cores, camps, projections and years, as tables (kg.network.metrics)."""
        return report(self.to_networkx(**filters), top=top, by=by)

    def path(self, a: str, b: str, **filters):
        """The shortest explained path between two entities named by id, label or alias (kg.network.paths)."""
        ends = [self.resolve(name).removeprefix(str(ENT)) for name in (a, b)]
        return explained_path(self.to_networkx(**filters), *ends)

    def export(self, fmt: str, path: str | os.PathLike | None = None, **filters) -> list[Path]:
        """Write the graph as graphml, gexf, nodelink, csv, ttl, nquads or jsonld (kg.network.export)."""
        return export(self, fmt, path, **filters)

    def view(self, focus: str | None = None, depth: int = 1, out: str | os.PathLike = "out/views",
             top: int = 5, limit: int | None = None) -> Views:
        """Write the HTML views into `out` and return them; in a notebook the result shows the
        `focus` entity's neighbourhood (else the whole graph) inline (kg.views).

        >>> views = kg.load().view(focus="Homan", depth=1)
        >>> views.index.name
        'index.html'
        """
        return write_views(self, out, focus=focus, depth=depth, top=top, limit=limit or LIMIT)


def load(root: str | os.PathLike | None = None, store_dir: str | os.PathLike | None = None, *,
         endpoint: str | None = None, timeout: float = 60.0) -> KnowledgeGraph:
    """Open the built graph read-only, without reparsing data/; with `endpoint`, the graph that
    `kg build --endpoint` loaded into that SPARQL server (queries/ still comes from the project).

    >>> g = kg.load()
    >>> g.stats()["types"][0]["type"]
    'Person'
    """
    return graph.load(root, store_dir, endpoint=endpoint, timeout=timeout, kind=KnowledgeGraph)
