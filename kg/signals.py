"""SIGTERM and SIGHUP stop a command as Ctrl-C does: the same unwinding (query workers killed,
temporary files removed, nothing half-published), then the exit status a shell expects of a
process ended by that signal (143, 129).

Python's default for both is to end the process on the spot, skipping every `finally`: a query
worker outlived its parent, and a served store's Oxigraph kept its port.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

#: The signals that stop a command (beside SIGINT, Ctrl-C, which Python already raises).
STOPPING = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """The process was asked to stop by `signum` (SIGTERM, SIGHUP); a KeyboardInterrupt, so
    that every path that cleans up after Ctrl-C cleans up after it too."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextlib.contextmanager
def stopping() -> Iterator[None]:
    """Within this block, SIGTERM and SIGHUP raise Stopped in the main thread. A signal that
    was ignored when the process started (`nohup` ignores SIGHUP) stays ignored. A second
    signal while the first unwinds is not raised again, so the cleanup itself is not cut."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = []

    def stop(signum, frame):
        if not raised:
            raised.append(signum)
            raise Stopped(signum)

    previous = {}
    for sig in STOPPING:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            previous[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
