"""Network metrics of a typed graph: plain functions of a networkx graph, then one report.

The functions take the MultiDiGraph of :func:`kg.network.to_networkx` (or any networkx graph
with the same attributes); parallel edges count as weight, one per statement.

>>> import kg
>>> from kg.network import metrics
>>> G = kg.load().to_networkx()
>>> top = metrics.ranked(metrics.pagerank(G), 3)
"""

from . import balance, bipartite, centrality, simple, structure, tables, temporal  # noqa: E402  (after the functions, whose names some share)
from .balance import *  # noqa: F401,F403
from .bipartite import *  # noqa: F401,F403
from .centrality import *  # noqa: F401,F403
from .simple import *  # noqa: F401,F403
from .simple import Node  # noqa: F401
from .structure import *  # noqa: F401,F403
from .tables import *  # noqa: F401,F403
from .temporal import *  # noqa: F401,F403

__all__ = [*simple.__all__, *centrality.__all__, *structure.__all__, *balance.__all__, *bipartite.__all__,
           *temporal.__all__, *tables.__all__]
