"""Courts named in news, resolved to the Free Law Project's court ids with courts-db.

News names a court in many ways ('the U.S. District Court for the Northern District of
California', 'the Northern District of California', 'the 9th U.S. Circuit Court of Appeals', 'the
Ninth Circuit', 'the Supreme Court'); courts-db knows the courts and their names. A span is
taken as a court only when courts-db resolves it to exactly one court, so 'Filed in the US
District Court' alone is no court, and the court's id is kept on the entity.

>>> [(c.text, c.court_id, c.ident) for c in find("He sued in the Northern District of Illinois.")]
[('Northern District of Illinois', 'ilnd', 'NorthernDistrictOfIllinois')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_PLACE = r"[A-Z][a-z]+(?: [A-Z][a-z]+)?"
_ORDINALS = ("First Second Third Fourth Fifth Sixth Seventh Eighth Ninth Tenth Eleventh").split()
_ORDINAL = r"(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|\d{1,2}(?:st|nd|rd|th)|D\.C\.|Federal)"
_COURT = re.compile(
    rf"(?:(?:U\.S\.|US|United States|[Ff]ederal) )?District Court (?:for|of) the (?:(?:Northern|Southern|Eastern|Western|Central|Middle) )?District of {_PLACE}"
    rf"|(?:(?:U\.S\.|US|United States) )?Court of Appeals for the {_ORDINAL} Circuit"
    rf"|{_ORDINAL} (?:U\.S\. )?Circuit(?: Court of Appeals)?"
    rf"|(?:(?:Northern|Southern|Eastern|Western|Central|Middle) )?District of {_PLACE}"
    r"|(?:U\.S\. |United States )?Supreme Court(?: of the United States)?(?! of [A-Z])")


@dataclass(frozen=True)
class Court:
    start: int
    end: int
    text: str
    court_id: str
    label: str  # a readable name: 'U.S. District Court for the Northern District of California'
    ident: str  # a short readable entity id: 'NorthernDistrictOfCalifornia'
    name: str  # the name courts-db gives it


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    from courts_db import courts
    return {c["id"]: c["name"] for c in courts}


@lru_cache(maxsize=1)
def _federal_patterns() -> list[tuple[re.Pattern, str]]:
    """courts-db's name patterns of the federal courts (bankruptcy courts aside). Compiling the
    patterns of all 2,800 courts takes 5 s; the 300 federal ones, which are the courts these
    name shapes can name, take 0.6 s, once per process."""
    from courts_db import courts

    out = []
    for court in courts:
        if court.get("system") != "federal" or court.get("type") == "bankruptcy":
            continue
        for pattern in [*court["regex"], court["name"]]:
            out.append((re.compile(pattern.replace("\\\\", "\\"), re.I), court["id"]))
    return out


def find_court(text: str) -> list[str]:
    """The ids of the federal courts whose courts-db pattern matches `text` (catch-all ids such as
    'usdistct', which any district court's name matches, left out)."""
    return sorted({court_id for pattern, court_id in _federal_patterns() if pattern.search(text)} - _generic())


@lru_cache(maxsize=1)
def _generic() -> set[str]:
    names = ("United States District Court", "District Court", "Court of Appeals", "United States Court of Appeals")
    return {court_id for pattern, court_id in _federal_patterns() if any(pattern.search(n) for n in names)}


@lru_cache(maxsize=512)
def resolve(span: str) -> str | None:
    """The courts-db id of the court `span` names, or None when none or several fit."""
    if not re.search(r"District of|Circuit|Supreme Court", span):
        return None  # 'the US District Court': courts-db has a catch-all id, but no court is named
    text = re.sub(r"\bU\.?S\.? ", "United States ", span.strip())
    text = re.sub(r"^[Ff]ederal ", "United States ", text)
    m = re.fullmatch(rf"({_ORDINAL}) (?:United States )?Circuit(?: Court of Appeals)?", text)
    if m:
        text = f"Court of Appeals for the {_ordinal_word(m.group(1))} Circuit"
    elif re.fullmatch(rf"(?:(?:Northern|Southern|Eastern|Western|Central|Middle) )?District of {_PLACE}", text):
        text = f"District Court for the {text}"
    elif re.fullmatch(r"(?:United States )?Supreme Court(?: of the United States)?", text):
        text = "Supreme Court of the United States"
    found = find_court(text)
    return found[0] if len(found) == 1 else None


def _ordinal_word(ordinal: str) -> str:
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", ordinal)
    if m and 1 <= int(m.group(1)) <= len(_ORDINALS):
        return _ORDINALS[int(m.group(1)) - 1]
    return "District of Columbia" if ordinal == "D.C." else ordinal


def _readable(text: str, court_id: str) -> tuple[str, str]:
    """A label and a short id for the court."""
    district = re.search(rf"((?:(?:Northern|Southern|Eastern|Western|Central|Middle) )?District of {_PLACE})", text)
    if district:
        return f"U.S. District Court for the {district.group(1)}", re.sub(r"\W", "", district.group(1).title().replace(" Of ", "Of"))
    circuit = re.search(rf"({_ORDINAL}) (?:U\.S\. )?Circuit|Court of Appeals for the ({_ORDINAL}) Circuit", text)
    if circuit:
        word = _ordinal_word(circuit.group(1) or circuit.group(2))
        return f"U.S. Court of Appeals for the {word} Circuit", re.sub(r"\W", "", word) + "Circuit"
    if court_id == "scotus":
        return "U.S. Supreme Court", "SupremeCourt"
    name = _names().get(court_id, text)
    return name, re.sub(r"\W", "", name.title())


def _state_court(text: str, start: int) -> bool:
    """'the Ohio Supreme Court', 'the state Supreme Court': a supreme court named after a place is
    not the Supreme Court of the United States.

    >>> [c.court_id for c in find("The Ohio Supreme Court and the U.S. Supreme Court ruled.")]
    ['scotus']
    """
    before = text[max(0, start - 40):start].split()
    return bool(before) and before[-1] not in ("U.S.", "US", "States", "the", "The", "a", "A") \
        and (before[-1][:1].isupper() or before[-1] == "state")


def find(text: str) -> list[Court]:
    """The courts named in `text`, each resolved by courts-db, in text order."""
    out = []
    for m in _COURT.finditer(text):
        court_id = resolve(m.group())
        if court_id == "scotus" and _state_court(text, m.start()):
            continue
        if court_id:
            label, ident = _readable(m.group(), court_id)
            out.append(Court(m.start(), m.end(), m.group(), court_id, label, ident, _names().get(court_id, label)))
    return out


_QUARTERS = {"N": "Northern", "S": "Southern", "E": "Eastern", "W": "Western", "C": "Central", "M": "Middle"}


def _district(name: str) -> str | None:
    """'District Court, N.D. Illinois' -> 'Northern District of Illinois' (courts-db's two styles)."""
    if name.startswith("United States District Court for the "):
        return name.removeprefix("United States District Court for the ")
    m = re.fullmatch(r"District Court, (?:([NSEWCM])\. ?)?D\. (.+)", name)
    if not m:
        return None
    return f"{_QUARTERS[m.group(1)] + ' ' if m.group(1) else ''}District of {m.group(2)}"


@lru_cache(maxsize=256)
def sitting_in(place: str) -> Court | None:
    """The federal district court sitting in `place`: a city one of its divisions is named after,
    or a state with a single district ('a federal judge in San Francisco', '... in Oregon').

    >>> sitting_in("San Francisco").ident, sitting_in("Rhode Island").ident, sitting_in("Illinois")
    ('NorthernDistrictOfCalifornia', 'DistrictOfRhodeIsland', None)
    """
    from courts_db import courts

    districts = [(c, d) for c in courts if c.get("system") == "federal" and (d := _district(c["name"]))]
    found = [(c, d) for c, d in districts if place in (c.get("divisions") or [])]
    if not found:
        found = [(c, d) for c, d in districts if c.get("location") == place]
    if len(found) != 1:
        return None
    court, district = found[0]
    label, ident = _readable(district, court["id"])
    return Court(0, 0, place, court["id"], label, ident, court["name"])


def names_court(forms: list[str], court_id: str) -> bool:
    """Whether one of `forms` (a known entity's label and aliases) names the court `court_id`:
    'First Circuit' and 'Third Circuit' differ only by words a fuzzy match ignores.

    >>> names_court(["U.S. Court of Appeals for the Third Circuit"], "ca1")
    False
    """
    return any(c.court_id == court_id for form in forms for c in find(form))
