"""Entity linking before creation: a proposed name is resolved against the graph first.

People by their parsed names (nameparser): the same surname and a compatible first name — equal,
an initial, or a nickname of it in the nicknames table (Tom / Thomas, Pam / Pamela) — with a
score; other entities by fuzzy match of their labels and aliases (rapidfuzz), within the same
broad type. One fit is a link; several are listed as the options of an ambiguous mention; a
surname alone or an unknown first name against a known surname is a weaker 'maybe'.

>>> from kg.builder.curated import Entity, Loc
>>> known = {"ThomasHoman": Entity("ThomasHoman", "Person", "Thomas Homan", Loc("x", 1))}
>>> Linker(known).person("Tom Homan")
Link(ids=['ThomasHoman'], score=0.9, why='nickname')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from ..builder.curated import Entity
from ..namespace import K
from .forms import article_bound, fold


@dataclass
class Link:
    ids: list[str]
    score: float
    why: str


@lru_cache(maxsize=1)
def _namer():
    from nicknames import NickNamer
    return NickNamer()


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


@lru_cache(maxsize=4096)
def _parts(name: str) -> tuple[str, str]:
    """(first, last) of a person's name, lower-case letters only."""
    from nameparser import HumanName
    if len(name.split()) == 1:
        return "", _plain(name)  # a surname alone ('Johnston said')
    parsed = HumanName(name)
    return _plain(parsed.first), _plain(parsed.last)


@lru_cache(maxsize=4096)
def same_first_name(a: str, b: str) -> str | None:
    """Why first names `a` and `b` may be the same person's: 'same', 'initial', 'nickname'."""
    if not a or not b:
        return None
    if a == b:
        return "same"
    if (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return "initial"
    namer = _namer()
    if b in namer.nicknames_of(a) or a in namer.nicknames_of(b) or (namer.canonicals_of(a) & ({b} | namer.canonicals_of(b))):
        return "nickname"
    return None


def _broad(type_: str, types) -> str:
    for cls in (K.Person, K.Jurisdiction, K.Organization, K.Group, K.Policy, K.LegalProvision, K.Claim, K.Lawsuit):
        if types is None or types.is_a(type_, cls):
            return cls
    return type_


@dataclass
class Linker:
    known: dict[str, Entity]
    types: object = None  # answers is_a(type, ancestor): kg.ontology.Ontology
    _people: dict[str, list[tuple[str, str]]] = field(default_factory=dict, init=False)
    _forms: dict[str, list[tuple[str, str]]] = field(default_factory=dict, init=False)

    def __post_init__(self):
        for ent in self.known.values():
            if ent.type == K.Person or (self.types is not None and self.types.is_a(ent.type, K.Person)):
                for form in [ent.label, *ent.aliases]:
                    first, last = _parts(form)
                    if last:
                        self._people.setdefault(last, [])
                        if (ent.id, first) not in self._people[last]:
                            self._people[last].append((ent.id, first))
            else:
                broad = _broad(ent.type, self.types)
                for form in [ent.label, *(a for a in ent.aliases if not article_bound(a, ent.label))]:
                    if not generic(form):  # 'City Council' is a different council in each article
                        self._forms.setdefault(broad, []).append((_key(form), ent.id))

    def person(self, name: str) -> Link | None:
        """Known people `name` may be: a link (one id) or the options (several)."""
        first, last = _parts(name)
        if not last:
            return None
        sure: dict[str, str] = {}
        maybe: set[str] = set()
        for ident, known_first in self._people.get(last, []):
            why = same_first_name(first, known_first)
            if why:
                sure.setdefault(ident, why)
            elif not first:
                maybe.add(ident)  # a surname alone ('Johnston said')
        if len(sure) == 1:
            ident, why = next(iter(sure.items()))
            return Link([ident], 1.0 if why == "same" else 0.9, why)
        if sure:
            return Link(sorted(sure), 0.5, "ambiguous")
        if maybe:
            return Link(sorted(maybe), 0.6 if len(maybe) == 1 else 0.4, "surname")
        return None

    def other(self, name: str, type_: str, threshold: float = 94) -> Link | None:
        """Known entities of the same broad type whose label or an alias nearly equals `name`."""
        from rapidfuzz import fuzz, process

        choices = self._forms.get(_broad(type_, self.types), [])
        if not choices:
            return None
        key = _key(name)
        found = process.extract(key, [c[0] for c in choices], scorer=fuzz.token_sort_ratio,
                                score_cutoff=threshold, limit=5)
        ids = sorted({choices[i][1] for _, _, i in found})
        if not ids:
            return None
        best = max(score for _, score, _ in found) / 100
        return Link(ids, round(best, 2) if len(ids) == 1 else 0.4, "fuzzy" if len(ids) == 1 else "ambiguous")


def _key(form: str) -> str:
    """A name for comparison: lower case, without the words of the rules' `name-prefixes` before
    it ('the', 'U.S.', 'federal'), possessives, conjunctions or punctuation ('U.S. Immigration &
    Customs Enforcement' = 'Immigration and Customs Enforcement')."""
    from .rules import load

    text = unicodedata.normalize("NFKD", fold(form).lower().replace("'s ", " ").removesuffix("'s"))
    prefixes = sorted(load().words("name-prefixes"), key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for prefix in prefixes:
            if text.startswith(prefix + " "):
                text, stripped = text[len(prefix) + 1:], True
    words = re.sub(r"[^a-z0-9 ]+", " ", text).split()
    return " ".join(w for w in words if w not in STOP_WORDS)


def generic(form: str) -> bool:
    """A form made only of words that describe a body ('the City Council'): it names no one body."""
    from .rules import load

    words = [w for w in re.findall(r"[a-z]+", form.lower()) if w not in STOP_WORDS]
    return not words or set(words) <= {w.lower() for w in load().words("generic-words")}
