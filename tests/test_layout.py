"""The package layout shows the pipeline: each stage imports only the stages below it.

Read from the source (every import statement, those inside functions too), so an upward import
fails here even where it would only run late.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from conftest import REPO

PACKAGE = REPO / "kg"

#: Stage -> its height. A module imports its own stage and lower ones; two stages of one height
#: (query and ingest) do not import each other.
HEIGHT = {"shared": 0, "builder": 1, "query": 2, "ingest": 2, "network": 3, "views": 4, "top": 5}
TOP = {"kg.api", "kg.cli", "kg.cli_reference", "kg.__main__"}


def stage(module: str) -> str:
    parts = module.split(".")
    if module in TOP:
        return "top"
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return "shared"


def module_name(path: Path, root: Path = REPO) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = REPO) -> list[tuple[str, int, bool]]:
    """(module imported, line, at load time) for each kg module `path` imports."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lazy = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
            for n in ast.walk(f)}
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(block.test) for n in ast.walk(block)}
    found = []
    for node in ast.walk(tree):
        at_load = id(node) not in lazy and id(node) not in typing_only
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, at_load) for a in node.names if a.name.split(".")[0] == "kg"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "kg":
                continue
            for alias in node.names:  # `from . import store` imports the module kg.<pkg>.store
                sub = f"{target}.{alias.name}"
                is_module = (root / sub.replace(".", "/")).with_suffix(".py").exists() or \
                    (root / sub.replace(".", "/")).is_dir()
                found.append((sub if is_module else target, node.lineno, at_load))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def upward(path: Path, root: Path = REPO) -> list[str]:
    """Each import of `path` that reaches a stage above its own (or beside it), as a message."""
    mine = stage(module_name(path, root))
    return [f"{path.relative_to(root)}:{line}: the {mine} stage imports {target} ({stage(target)} stage)"
            for target, line, _ in imports(path, root)
            if target != "kg" and stage(target) != mine and HEIGHT[stage(target)] >= HEIGHT[mine]]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_imports_a_stage_above_its_own(path):
    assert upward(path) == []


def circles(root: Path = REPO) -> list[list[str]]:
    """Every circle of imports among the modules of root/kg, imports inside functions included:
    a lazy import that closes a circle only hides it."""
    graph = nx.DiGraph()
    for path in sorted((root / "kg").rglob("*.py")):
        for target, _, _ in imports(path, root):
            if target != "kg":
                graph.add_edge(module_name(path, root), target)
    return sorted(sorted(circle) for circle in nx.simple_cycles(graph))


def test_no_circle_of_imports():
    assert circles() == []


def test_the_circle_check_sees_a_lazy_import(tmp_path):
    for name, text in {"a.py": "from . import b\n", "b.py": "def late():\n    from .a import thing\n",
                       "c.py": "from .b import late\n"}.items():
        path = tmp_path / "kg" / "query" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert circles(tmp_path) == [["kg.query.a", "kg.query.b"]]


def test_the_stages_are_folders():
    assert {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()} == \
        {s for s in HEIGHT if s not in ("shared", "top")}


def test_the_check_sees_an_upward_import_even_inside_a_function(tmp_path):
    probe = tmp_path / "kg" / "builder" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from ..errors import KGError\n\ndef late():\n    from ..views import pages\n")
    assert upward(probe, tmp_path) == ["kg/builder/probe.py:4: the builder stage imports kg.views (views stage)"]


def test_what_users_import_stays_where_it_was():
    import kg
    from kg import metrics

    assert callable(kg.build) and callable(kg.check) and callable(kg.load) and callable(metrics.pagerank)
    assert issubclass(kg.KnowledgeGraph, __import__("kg.query.graph", fromlist=["Graph"]).Graph)
    assert {"to_networkx", "metrics", "path", "export", "view", "query", "stats",
            "rdflib"} <= set(dir(kg.KnowledgeGraph))
