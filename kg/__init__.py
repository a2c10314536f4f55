"""kg: a knowledge graph of actors, policies and legal claims, with a verbatim quote behind every edge.

>>> import kg
>>> g = kg.load()                       # the built store, opened read-only
>>> rows = g.query("entity-lookup", name="Chiu").rows()
"""

__version__ = "0.1.0"

from .builder import build, check  # noqa: E402
from .errors import KGError, Problem, ValidationError  # noqa: E402
from .graph import KnowledgeGraph, load  # noqa: E402
from .project import find as find_project  # noqa: E402

__all__ = ["build", "check", "load", "find_project", "KnowledgeGraph", "KGError", "Problem",
           "ValidationError", "__version__"]
