"""The researcher's notebook in examples/ runs from top to bottom in a real Jupyter kernel, as CI
runs it, and is kept in git without outputs."""

from __future__ import annotations

import nbclient
import nbformat
import pytest

from conftest import REPO

pytestmark = pytest.mark.slow  # a real Jupyter kernel runs the whole notebook

NOTEBOOK = REPO / "examples" / "research.ipynb"


def test_the_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.fixture(scope="module")
def executed(seed_build, tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    folder = tmp_path_factory.mktemp("notebook")
    with pytest.MonkeyPatch.context() as env:  # the kernel inherits the environment
        env.setenv("KG_ROOT", str(REPO))
        env.setenv("KG_STORE", str(seed_build))
        env.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        # Jupyter's and IPython's own files (connection files, history) in a folder of the test's.
        env.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path_factory.mktemp("jupyter-runtime")))
        env.setenv("IPYTHONDIR", str(tmp_path_factory.mktemp("ipython")))
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}}).execute()
    return nb, folder


def outputs(nb, starting: str) -> list[dict]:
    return next(c.outputs for c in nb.cells if c.cell_type == "code" and c.source.startswith(starting))


def test_the_notebook_runs_and_shows_tables_quotes_a_view_and_charts(executed, seed_build):
    nb, folder = executed
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    lawsuits = outputs(nb, "lawsuits = ")[0]["data"]["text/html"]
    assert "<table" in lawsuits and "2025-02-07" in lawsuits  # a DataFrame of the catalog query
    threats = outputs(nb, "threats = ")[0]["data"]["text/html"]
    assert "<table" in threats and "threats" in threats
    forms = outputs(nb, 'print("Did San Francisco')[0]["text"]
    assert "Did San Francisco sue anyone? True" in forms and "ent:DavidChiu" in forms
    # Printed lines may come as several stream outputs (a busy kernel flushes part-way).
    path = "".join(o.get("text", "") for o in outputs(nb, "for hop in g.path"))
    assert "Thomas Homan" in path and "“" in path  # each hop with its quote
    view = outputs(nb, "g.view(")[0]["data"]["text/html"]
    assert view.startswith("<iframe srcdoc=") and (seed_build / "views" / "index.html").is_file()
    charts = [o for c in nb.cells if c.cell_type == "code" and c.source.startswith("g.chart(") for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(charts) == 3
    assert not any(folder.iterdir())  # nothing written where the notebook runs
