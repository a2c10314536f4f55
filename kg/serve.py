"""`kg serve`: a SPARQL 1.1 Protocol endpoint over the built store, run by Oxigraph's own server.

The server is the `oxigraph` command (PyPI package `oxigraph`, the `server` extra), started as
`oxigraph serve-read-only` on a published store directory. Published directories are never
written again (kg.store), so serving one read-only while `kg build` publishes the next is safe;
the server keeps answering from the directory it was started on.

>>> with start(kg.store.current_path(Path("build"))) as server:   # on a free port
...     kg.load(endpoint=server.query_url).query("lawsuits").rows()
"""

from __future__ import annotations

import collections
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from . import store
from .errors import EXIT_ENVIRONMENT, KGError


def server_command() -> Path:
    """The `oxigraph` command: next to this Python (a virtualenv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise KGError("the Oxigraph server is not installed",
                  hint="pip install 'kg[server]' (the PyPI package oxigraph)", exit_code=EXIT_ENVIRONMENT)


class Server:
    """A running `oxigraph serve-read-only`; `stop()` (or leaving a `with` block) ends it."""

    def __init__(self, process: subprocess.Popen, location: Path, host: str, port: int,
                 errors: collections.deque):
        self.process = process
        self.location = location
        self.host = host
        self.port = port
        self._errors = errors

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return self.url + "/query"

    def last_error(self) -> str:
        return next((line for line in reversed(self._errors) if line.strip()), "no message")

    def stop(self) -> int:
        """End the server (SIGTERM, then SIGKILL after 5 s) and return its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "reader_lock", None) is not None:
            self.reader_lock.close()
            self.reader_lock = None
        return self.process.returncode

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise KGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                          hint="choose another port with --port (or --port 0 for any free one)",
                          exit_code=EXIT_ENVIRONMENT) from None


def start(location: Path, host: str = "127.0.0.1", port: int = 0, timeout: float = 15.0) -> Server:
    """Start Oxigraph's server read-only on the store directory `location` and wait until it
    accepts connections. `port=0` picks a free port."""
    location = Path(location)
    command = server_command()
    port = port or _free_port(host)
    _check_port(host, port)
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # Its own session: Ctrl-C reaches kg alone, which then stops the server and says so.
    process = subprocess.Popen([str(command), "serve-read-only", "--location", str(location), "--bind", bind],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, errors="replace", start_new_session=True)
    errors: collections.deque = collections.deque(maxlen=50)
    threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True).start()
    server = Server(process, location, host, port, errors)
    server.reader_lock = store.hold(location)  # builds must not remove what is being served
    try:
        _wait_until_ready(server, timeout)
    except BaseException:  # including Ctrl-C while it starts: never leave the server behind
        server.stop()
        raise
    return server


def _wait_until_ready(server: Server, timeout: float) -> None:
    probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(server.host, server.host)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            time.sleep(0.1)  # let the reader thread collect the last message
            raise KGError(f"the Oxigraph server stopped at once: {server.last_error()}",
                          hint=f"is {server.location} a built store?", exit_code=EXIT_ENVIRONMENT)
        try:
            socket.create_connection((probe_host, server.port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise KGError(f"the Oxigraph server did not start within {timeout:g} s", exit_code=EXIT_ENVIRONMENT)


def run(location: Path, host: str = "127.0.0.1", port: int = 7878,
        announce: Callable[[str], None] = print) -> None:
    """Serve `location` until Ctrl-C (or SIGTERM), then stop the server cleanly."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # SIGINT too: a shell starts background jobs with SIGINT ignored, yet Ctrl-C must stop us.
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with start(location, host, port) as server:
            try:
                announce(f"serving {location} read-only")
                announce(f"SPARQL endpoint: {server.query_url}")
                announce(f"query page:      {server.url}/")
                if host not in ("127.0.0.1", "::1", "localhost"):
                    announce(f"warning: listening on {host}: other machines can query this graph")
                announce("press Ctrl-C to stop")
                code = server.process.wait()
            except KeyboardInterrupt:
                announce("stopping the server")
                return
            raise KGError(f"the Oxigraph server stopped (exit {code}): {server.last_error()}",
                          exit_code=EXIT_ENVIRONMENT)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
