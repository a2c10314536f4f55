"""A published store on a read-only file system (a CD, a read-only container layer, a share
mounted read-only) can be queried, counted, drawn, loaded from Python and served.

The store is copied and bind-mounted read-only in a private mount namespace (`unshare`), so
the test needs no root and leaves no mount behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

from conftest import REPO, free_port


def _namespace_works() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _namespace_works(), reason="needs unshare (user and mount namespaces)")


@pytest.fixture
def read_only(seed_build, tmp_path):
    """A copy of the built store folder, without its readers' lock files, to mount read-only."""
    source = tmp_path / "published"
    shutil.copytree(seed_build, source, symlinks=True)
    for lock in source.glob("*.readers"):
        lock.unlink()
    mounted = tmp_path / "cdrom"
    mounted.mkdir()
    return source, mounted


def in_read_only(source, mounted, *command: str, **popen) -> list[str]:
    script = (f'mount --bind "{source}" "{mounted}" && mount -o remount,bind,ro "{mounted}" && '
              f'touch "{mounted}/probe" 2>/dev/null && exit 99; exec "$@"')
    return ["unshare", "-rm", "sh", "-c", script, "sh", *command]


def test_query_stats_viz_and_load_work_on_a_read_only_store(read_only, tmp_path):
    source, mounted = read_only
    kg = [sys.executable, "-m", "kg", "--root", str(REPO), "--store", str(mounted)]
    for args in (["query", "lawsuits", "--format", "csv"], ["stats", "--format", "csv"],
                 ["viz", "--out", str(tmp_path / "views")]):
        result = subprocess.run(in_read_only(source, mounted, *kg, *args), capture_output=True, text=True,
                                timeout=180)
        assert result.returncode == 0, (args, result.stderr)
        assert "Errno 30" not in result.stderr and result.stdout
    assert (tmp_path / "views" / "index.html").is_file()
    loaded = subprocess.run(in_read_only(source, mounted, sys.executable, "-c",
                                         f"import kg; print(len(kg.load({str(REPO)!r}, {str(mounted)!r})"
                                         ".query('lawsuits')))"), capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0 and int(loaded.stdout) > 0, loaded.stderr
    assert not list(source.glob("*.readers")), "nothing was written into the read-only store"


def test_a_read_only_store_is_served(read_only):
    source, mounted = read_only
    port = free_port()
    process = subprocess.Popen(in_read_only(source, mounted, sys.executable, "-m", "kg", "--root", str(REPO),
                                            "--store", str(mounted), "serve", "--port", str(port)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:
            if line.startswith("press Ctrl-C"):
                break
        assert process.poll() is None, process.stderr.read()
        query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?{query}", timeout=30) as answer:
            assert answer.status == 200 and b'"n"' in answer.read()
    finally:
        process.terminate()
        process.wait(timeout=15)
