"""kg: a knowledge graph of actors, policies and legal claims, with a verbatim quote behind every edge.

>>> import kg
>>> g = kg.load()                       # the built store, opened read-only
>>> rows = g.query("entity-lookup", name="Chiu").rows()
"""

from typing import Any

__version__ = "0.1.0"

from .errors import KGError, Problem, ValidationError  # noqa: E402

# Imported on first use, so that `kg query` does not pay for the build's imports (rdflib, ...).
_LAZY = {"build": ("builder.pipeline", "build"), "check": ("builder.pipeline", "check"), "load": ("api", "load"),
         "KnowledgeGraph": ("api", "KnowledgeGraph"), "find_project": ("project", "find"),
         # Where these modules lived before the stages had folders; `from kg import metrics` still works.
         "metrics": ("network.metrics", None)}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    import importlib

    module, attribute = _LAZY[name]
    value = importlib.import_module(f".{module}", __name__)
    if attribute:
        value = getattr(value, attribute)
    globals()[name] = value
    return value

__all__ = ["build", "check", "load", "find_project", "KnowledgeGraph", "KGError", "Problem",
           "ValidationError", "__version__"]
