"""A small driver for headless Chromium over the DevTools protocol, for the view tests.

It talks CDP through `--remote-debugging-pipe` (NUL-separated JSON on file descriptors 3
and 4), so it needs no port and no client library. It records what a page asks of the
network and what it logs, takes screenshots and moves the mouse.

Run as a script to screenshot a page (at 1280 x 800, or the size given):

    python tests/browser.py out/views/graph.html docs/view-graph.png
    python tests/browser.py out/views/ego-ThomasHoman.html docs/view-phone.png 390x844
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")

# No network, no background traffic; any host name fails to resolve, so a page that tries
# a CDN fails loudly instead of reaching out.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-dev-shm-usage", "--mute-audio",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--remote-debugging-pipe"]


def available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium; `page()` opens a tab. Use as a context manager."""

    def __init__(self, width: int = 1280, height: int = 800):
        self.width, self.height = width, height
        self.profile = tempfile.mkdtemp(prefix="kg-chromium-")
        ours_read, chrome_write = os.pipe()
        chrome_read, ours_write = os.pipe()

        def wire_pipes() -> None:  # in the child: Chromium reads commands on fd 3, replies on fd 4
            read, write = os.dup(chrome_read), os.dup(chrome_write)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire_pipes)
        os.close(chrome_read)
        os.close(chrome_write)
        self._out = os.fdopen(ours_write, "wb", buffering=0)
        self._in = os.fdopen(ours_read, "rb", buffering=0)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (BrokenPipeError, BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._out.close()
        self._in.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserError("Chromium did not answer in time")
            chunk = self._in.read(1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def pump(self, seconds: float) -> None:
        """Collect events for a while."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except BrowserError:
            pass

    def page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, session)


class Page:
    """One tab: navigate, evaluate, screenshot, move the mouse; records requests and errors."""

    def __init__(self, browser: Browser, session: str):
        self.browser = browser
        self.session = session
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": browser.width, "height": browser.height, "deviceScaleFactor": 1,
                   "mobile": False})

    def send(self, method: str, params: dict | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def _events(self, *methods: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.browser.events
                if e.get("sessionId") == self.session and e["method"] in methods]

    def goto(self, url: str, timeout: float = 30) -> None:
        """Navigate and wait for the load event."""
        loads = len(self._events("Page.loadEventFired"))
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while len(self._events("Page.loadEventFired")) == loads:
            if time.monotonic() > deadline:
                raise BrowserError(f"{url} did not load")
            self.browser.pump(0.1)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises are awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails'].get('text')} "
                               f"{result['exceptionDetails'].get('exception', {}).get('description', '')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60) -> Any:
        """Poll until the expression is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression!r}")
            self.browser.pump(0.1)

    @property
    def requests(self) -> list[str]:
        """Every URL the page asked for."""
        return [e["request"]["url"] for e in self._events("Network.requestWillBeSent")]

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads."""
        found = []
        for e in self._events("Runtime.consoleAPICalled"):
            if e["type"] in ("error", "assert"):
                found.append(" ".join(str(a.get("value", a.get("description"))) for a in e["args"]))
        for e in self._events("Runtime.exceptionThrown"):
            details = e["exceptionDetails"]
            found.append(details.get("exception", {}).get("description") or details.get("text"))
        for e in self._events("Log.entryAdded"):
            if e["entry"]["level"] == "error":
                found.append(f"{e['entry']['text']} {e['entry'].get('url', '')}".strip())
        for e in self._events("Network.loadingFailed"):
            found.append(f"failed to load: {e.get('errorText')}")
        return found

    def screenshot(self, path: str | os.PathLike | None = None) -> bytes:
        png = base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])
        if path:
            Path(path).write_bytes(png)
        return png

    def mouse_move(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def click(self, x: float, y: float) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y,
                                                   "button": "left", "clickCount": 1})


def decode_png(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and not interlace, "unsupported PNG"
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, previous = [], bytes(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = previous[i - bpp] if i >= bpp else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def coloured_pixels(png: bytes, box: tuple[int, int, int, int] | None = None,
                    background: tuple[int, int, int] = (255, 255, 255)) -> int:
    """How many pixels inside `box` (x, y, width, height) differ from the background."""
    width, height, rows = decode_png(png)
    bpp = len(rows[0]) // width
    x0, y0, w, h = box or (0, 0, width, height)
    count = 0
    for row in rows[max(y0, 0):min(y0 + h, height)]:
        for x in range(max(x0, 0), min(x0 + w, width)):
            if tuple(row[x * bpp:x * bpp + 3]) != background:
                count += 1
    return count


def main(argv: list[str]) -> int:
    """A screenshot of a view, as the docs' pictures are made."""
    if len(argv) not in (2, 3) or argv[0] in ("-h", "--help"):
        print("usage: python tests/browser.py VIEW.html[#STATE] OUT.png [WIDTHxHEIGHT]\n"
              "  a screenshot of a kg view (1280x800 unless a size is given; 390x844: a phone) in\n"
              "  headless Chromium, once the page has settled; #STATE is the view's state in its URL,\n"
              "  e.g. graph.html#sel=ThomasHoman", file=sys.stderr)
        return 2
    if not available():
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 3
    # A '#...' after the page's path is its state (e.g. #sel=ThomasHoman).
    page_path, _, state = argv[0].partition("#")
    out_path = argv[1]
    width, height = (int(v) for v in (argv[2] if len(argv) > 2 else "1280x800").split("x"))
    if not Path(page_path).is_file():
        print(f"no view at {page_path} (write the views with: kg viz)", file=sys.stderr)
        return 1
    with Browser(width, height) as browser:
        tab = browser.page()
        tab.goto(Path(page_path).resolve().as_uri() + (f"#{state}" if state else ""))
        tab.wait_for("window.kgView && window.kgView.stable")
        tab.screenshot(out_path)
    print(f"wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
