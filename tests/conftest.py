"""Shared fixtures: the real seed graph built once, and a small project to break on purpose."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import kg

REPO = Path(__file__).resolve().parent.parent
#: The five seed articles, by source id (data/ may hold more: users add articles).
SEED_SOURCES = frozenset({"resist2016", "mayors2017", "arrest2018", "standfirm2025", "targeting2025"})
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_hash(folder: Path) -> str:
    """One hash of every file name and byte under `folder`: equal means nothing changed."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def start_kg_serve(store_dir: Path, *flags: str) -> tuple[subprocess.Popen, int, list[str]]:
    """`kg serve` as a user starts it, on a free port, once it says it is ready."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kg", "--root", str(REPO), "--store", str(store_dir),
                                "serve", "--port", str(port), *flags],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    announced = []
    for line in process.stdout:
        announced.append(line.rstrip("\n"))
        if line.startswith("press Ctrl-C"):
            break
    assert process.poll() is None, process.stderr.read()
    return process, port, announced


def run_kg(*args: str, cwd: Path | None = None, env: dict | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real `kg` command line in a subprocess (where the process boundary is what is tested:
    signals, pipes, concurrency, start-up; otherwise `invoke_kg` is faster)."""
    full_env = {**os.environ, **(env or {})}
    if "KG_ROOT" not in (env or {}):
        full_env.pop("KG_ROOT", None)
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd or REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def invoke_kg(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the `kg` command line in this process with click's CliRunner: the same entry point,
    exit code, standard output and error as `run_kg`, without starting Python again."""
    from click.testing import CliRunner

    from kg.cli import main

    overrides: dict[str, str | None] = {"KG_ROOT": None, **(env or {})}
    previous = Path.cwd()
    os.chdir(cwd or REPO)
    try:
        with CliRunner().isolation(env=overrides) as (stdout, stderr, _):
            code = main(list(args))
            sys.stdout.flush()  # what was written past click.echo (csv, rich) is still in the wrapper
            sys.stderr.flush()
            out, err = stdout.getvalue().decode(), stderr.getvalue().decode()
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(["kg", *args], code, out, err)


def pytest_collection_modifyitems(items) -> None:
    """Tests that drive Chromium or Virtuoso are marked so by the fixture they use, so a new one
    cannot be left out of `-m "not browser"` or `-m "not virtuoso"`."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "chromium" in fixtures:
            item.add_marker(pytest.mark.browser)
        if "virtuoso" in fixtures:
            item.add_marker(pytest.mark.virtuoso)


@pytest.fixture(scope="session")
def seed_graph(seeds_project, seed_build) -> kg.KnowledgeGraph:
    return kg.load(seeds_project, seed_build)


def copy_mini(root: Path) -> Path:
    """A copy of the small fixture project at `root` (its own data/, the real ontology/ and queries/)."""
    shutil.copytree(MINI, root)
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "queries", root / "queries")
    return root


@pytest.fixture
def mini(tmp_path) -> Path:
    """A copy of the small fixture project (its own data/, the real ontology/ and queries/)."""
    return copy_mini(tmp_path / "mini")


def read_terminal(fd: int, timeout: float = 300) -> bytes:
    """All a child process writes to the pseudo-terminal `fd` until it closes (or is silent for
    `timeout` seconds); `fd` is closed after."""
    import select

    chunks = []
    while select.select([fd], [], [], timeout)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def feb7_plaintiffs(endpoint: str) -> set[str]:
    """The plaintiffs of the 7 February 2025 suit, as `kg query lawsuits --endpoint` gives them."""
    import json

    result = run_kg("--root", str(REPO), "query", "lawsuits", "--endpoint", endpoint, "--format", "json")
    assert result.returncode == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    feb7 = next(b for b in bindings if b["lawsuit"]["value"] == "SanFranciscoLawsuitAgainstTrumpAdministration2025")
    return {p for p in feb7["plaintiffs"]["value"].split(" | ") if not p.endswith("(implied)")}
