"""Repair encoding damage for display; stored text and quotes stay verbatim.

Two kinds of damage turn up in scraped news: ordinary mojibake (UTF-8 read as cp1252,
'â€™' for '’'), and mojibake whose continuation bytes were then lost, leaving a bare 'â'
where a quotation mark, apostrophe or dash stood. The second cannot be undone byte for
byte, so the bare 'â' is read from its neighbours.
"""

from __future__ import annotations

import re

# UTF-8 punctuation read as cp1252: the common, unambiguous sequences.
_MOJIBAKE = {
    "â€™": "’", "â€˜": "‘", "â€œ": "“", "â€\x9d": "”", "â€": "”",
    "â€”": "—", "â€“": "–", "â€¦": "…", "Â\xa0": "\xa0",
}
_MOJIBAKE_RE = re.compile("|".join(sorted(map(re.escape, _MOJIBAKE), key=len, reverse=True)))

# Lost-byte damage, in the order the rules must apply.
_LOST_BYTE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile("âŚ|⌠"), "…"),  # ellipsis: the one survivor of three bytes
    (re.compile("Â(?=[\\s\xa0]|$)"), ""),  # a no-break space's lead byte
    (re.compile("ââ"), "”—"),  # a closing quote run into a dash
    (re.compile(r"(?<=[A-Za-z])â(?=(?:s|t|re|ll|ve|d|m)\b)"), "’"),  # Trump’s, don’t, they’re
    (re.compile(r"(?<=[A-Za-z0-9])â(?=[A-Za-z])"), "—"),  # jurisdictions—which
    (re.compile(r"(?:(?<=^)|(?<=[\s(\[—]))â(?=\S)", re.M), "“"),  # an opening quote
    (re.compile("â"), "”"),  # whatever is left closes a quote
]


def clean(text: str) -> str:
    """Return `text` with mojibake and lost-byte damage repaired for reading.

    >>> clean("Trumpâs âsanctuary citiesâ")
    'Trump’s “sanctuary cities”'
    """
    if "â" not in text and "Â" not in text and "⌠" not in text:
        return text
    text = _MOJIBAKE_RE.sub(lambda m: _MOJIBAKE[m.group()], text)
    for pattern, replacement in _LOST_BYTE_RULES:
        text = pattern.sub(replacement, text)
    return text
