"""Read an article file safely and repair its encoding damage, keeping offsets to the original."""

from __future__ import annotations

from pathlib import Path

from ..errors import KGError
from ..text import Repaired, repair

#: News articles are tens of kilobytes; past this the file is not one article.
MAX_BYTES = 1_000_000


def read_article(path: str | Path, encoding: str = "utf-8", max_bytes: int = MAX_BYTES) -> str:
    """The text of the article at `path`, or a KGError saying in one line why it cannot be read.

    >>> read_article("data/sources/memo.txt")  # doctest: +SKIP
    'On Feb. 7, the city of Springfield sued ...'
    """
    path = Path(path)
    if not path.is_file():
        raise KGError(f"{path}: no such file", hint="give the path of a text file holding the article")
    size = path.stat().st_size
    if size > max_bytes:
        raise KGError(f"{path}: {size:,} bytes is too long for one article (limit {max_bytes:,})",
                      hint="split it into articles, or raise the limit with --max-bytes")
    raw = path.read_bytes()
    if not raw.strip():
        raise KGError(f"{path}: the file is empty", hint="save the article's text into it first")
    if b"\x00" in raw[:8192] or _control_share(raw[:8192]) > 0.05:
        raise KGError(f"{path}: this looks like a binary file, not text",
                      hint="export the article as plain text (.txt) first")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise KGError(f"{path}: not {encoding} text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                      hint="pass its encoding, e.g. --encoding cp1252, or convert it to UTF-8") from None
    except LookupError:
        raise KGError(f"unknown encoding {encoding!r}", hint="use a Python codec name such as cp1252") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise KGError(f"{path}: the file holds only white space", hint="save the article's text into it first")
    return text


def _control_share(raw: bytes) -> float:
    controls = sum(1 for b in raw if b < 32 and b not in (9, 10, 12, 13))
    return controls / max(len(raw), 1)


__all__ = ["MAX_BYTES", "Repaired", "read_article", "repair"]
