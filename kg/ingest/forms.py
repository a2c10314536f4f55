"""Surface forms of names: folding quotes, comparing forms, and ids from labels."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from ..namespace import K


def fold(text: str) -> str:
    """Curly quotes and apostrophes as straight ones: same length, so offsets still hold."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def camel_id(label: str) -> str:
    """An entity id from a label: 'Attorney General's memo' -> 'AttorneyGeneralsMemo'.

    A long label (a claim) keeps its first four content words (spaCy's English stop words out).
    """
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"\s*\(.*?\)", "", ascii_label).replace("'", ""))
    if len(words) > 5:
        words = [w for w in words if w.lower() not in STOP_WORDS][:4] or words[:4]
    ident = "".join(w[:1].upper() + w[1:] for w in words)[:40] or K.Entity
    return ident if ident[0].isalpha() else "E" + ident


@lru_cache(maxsize=65536)
def norm(form: str) -> str:
    """A surface form reduced for comparison: folded, lower case, no leading article, no
    possessive, no parenthesis."""
    words = fold(form).strip().lower().split()
    if len(words) > 1 and words[0] in STOP_WORDS:  # 'the', 'a', 'its'
        words = words[1:]
    form = " ".join(words).removesuffix("'s")
    return " ".join(re.sub(r"\s*\([^)]*\)", "", form).split())


def article_bound(alias: str, label: str) -> bool:
    """Whether `alias` names its entity only in the article that used it: a form with no
    capital ('the city', 'several cities', 'policies') other than the label itself.

    >>> article_bound("several cities", "Cities willing to work with ICE"), article_bound("Denver", "Denver")
    (True, False)
    """
    return alias == alias.lower() and norm(alias) != norm(label)
