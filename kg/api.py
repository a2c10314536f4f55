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
from .network.metrics import report, threats_table
from .network.paths import explained_path
from .query import graph
from .query.limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from .views import charts
from .views.pages import LIMIT, Views, write_views

__all__ = ["KnowledgeGraph", "load"]


class KnowledgeGraph(graph.Graph):
    """A built graph (see kg.query.graph.Graph for querying) with its analysis and views."""

    def to_networkx(self, *, families=None, types=None, as_of=None, confidence=None, deprecated=False,
                    modes=False, possible=False):
        """The graph as a networkx MultiDiGraph of entities and statements (kg.network.convert);
        with `as_of`, what certainly held (and with `possible=True` what possibly held, marked)."""
        return to_networkx(self, families=families, types=types, as_of=as_of, confidence=confidence,
                           deprecated=deprecated, modes=modes, possible=possible)

    def metrics(self, top: int = 10, by: str = "degree", communities: str = "louvain", **filters):
        """Centrality, communities, cores, camps, projections and years, as tables (kg.network.metrics),
        and the threats each actor made with what followed them (over the whole graph: queries/threat-outcomes.rq)."""
        return [*report(self.to_networkx(**filters), top=top, by=by, communities=communities),
                threats_table(self.query("threat-outcomes").rows(), top=top)]

    def path(self, a: str, b: str, **filters):
        """The shortest explained path between two entities named by id, label or alias (kg.network.paths)."""
        ends = [self.resolve(name).removeprefix(str(ENT)) for name in (a, b)]
        return explained_path(self.to_networkx(**filters), *ends)

    def export(self, fmt: str, path: str | os.PathLike | None = None, **filters) -> list[Path]:
        """Write the graph as graphml, gexf, nodelink, csv, ttl, nquads or jsonld (kg.network.export)."""
        return export(self, fmt, path, **filters)

    def view(self, focus: str | None = None, depth: int = 1, out: str | os.PathLike | None = None,
             top: int = 5, limit: int | None = None) -> Views:
        """Write the HTML views into `out` (default: views/ in the project's build folder) and
        return them; in a notebook the result shows the `focus` entity's neighbourhood (else the
        whole graph) inline (kg.views).

        >>> views = kg.load().view(focus="Homan", depth=1)
        >>> views.index.name
        'index.html'
        """
        out = self.project.build_dir / "views" if out is None else out
        return write_views(self, out, focus=focus, depth=depth, top=top, limit=limit or LIMIT)

    def story(self, path: str | os.PathLike, out: str | os.PathLike | None = None) -> Path:
        """Build the story of the story file `path` (headline, dek, what to show, annotations,
        credit) into `out` (default: stories/<name>/ in the project's build folder): a page, and
        story.svg and story.png of its opening frame beside it. Returns the page (kg.views.story).
        """
        from .views.story import write_story

        return write_story(self, path, out)


    def chart(self, name: str, path: str | os.PathLike | None = None, *, top: int = 10,
              by: str = "pagerank", period: str = "auto", **filters):
        """The chart `name` (timeline, centrality, camps) as a matplotlib Figure (shown inline in
        a notebook), or written to `path` (.png or .svg) and its path returned (kg.views.charts).

        >>> kg.load().chart("timeline", "timeline.png")
        PosixPath('timeline.png')
        """
        return charts.chart(self, name, path, top=top, by=by, period=period, **filters)


def load(root: str | os.PathLike | None = None, store_dir: str | os.PathLike | None = None, *,
         endpoint: str | None = None, timeout: float | None = DEFAULT_TIMEOUT,
         memory: int | None = DEFAULT_MEMORY_MB) -> KnowledgeGraph:
    """Open the built graph read-only, without reparsing data/; with `endpoint`, the graph that
    `kg build --endpoint` loaded into that SPARQL server (queries/ still comes from the project).
    A query may run `timeout` seconds and use `memory` MB (kg.query.limits; None: no limit).

    >>> g = kg.load()
    >>> {row["type"] for row in g.stats()["types"]} >= {"Person", "Lawsuit", "LegalClaim"}
    True
    """
    return graph.load(root, store_dir, endpoint=endpoint, timeout=timeout, memory=memory, kind=KnowledgeGraph)
