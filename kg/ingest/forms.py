"""Surface forms of names: folding quotes, comparing forms, ids from labels, and what the words of
a capitalised name say about its type ('... Committee' is a legislative body).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..builder.curated import Entity
from ..namespace import K

DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their",
                "our", "my", "your", "some", "one"}
#: Words that make a phrase a count of unnamed members ('several cities', 'two states', '37
#: cities'): which ones, only the article that used it knows.
QUANTIFIERS = {"several", "many", "few", "most", "all", "both", "various", "numerous", "other", "more",
               "dozens", "hundreds", "at", "two", "three", "four", "five", "six", "seven", "eight", "nine",
               "ten", "eleven", "twelve"}


CONNECTORS = {"of", "the", "and", "for", "on", "to", "in", "&"}


_ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
             "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth",
             "Seventeenth", "Eighteenth", "Nineteenth", "Twentieth"]


WORD = r"(?:[A-Z][a-z]{0,3}\.(?:[A-Z]\.)*|[A-Z][A-Za-z]*(?:[-'][A-Z][A-Za-z]*)*|\d+(?:st|nd|rd|th)|\d+\w*(?:\([a-z0-9]\))?)"


_CONNECT = r"(?:of|the|and|for|on|to|in|&|de|del|la|van|von|v\.)"


def chunk_pattern(heads: tuple[str, ...]) -> re.Pattern:
    """Capitalised runs; a possessive joins a name only before `heads` ('Sheriff's Office')."""
    possessive = rf"[A-Z][a-z]+'s(?= (?:{'|'.join(map(re.escape, heads))})\b)"
    word = rf"(?:{possessive}|{WORD})"
    return re.compile(rf"(?<![\w'])(?:{word})(?:[ ](?:{_CONNECT}[ ])*(?:{word}))*(?![\w])")


DAY = r"(?:Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\. \d{1,2}|(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}"


NAME = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+|'[A-Z][a-z]+)*(?: (?:[A-Z]\.|[A-Z][a-z]+(?:-[A-Z]?[a-z]+|'[A-Z][a-z]+)*)){1,2}"


def fold(text: str) -> str:
    """Curly quotes and apostrophes as straight ones: same length, so offsets still hold."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


_ID_STOP = {"the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "that", "is", "are", "was",
            "were", "be", "been", "with", "by", "as", "at", "its", "their", "his", "her", "it", "they",
            "this", "these", "those", "will", "would", "has", "have", "had", "not", "from", K.about}


def camel_id(label: str) -> str:
    """An entity id from a label: 'Attorney General's memo' -> 'AttorneyGeneralsMemo'."""
    import unicodedata

    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    sides = re.split(r"\s+v\.?\s+", re.sub(r"\s*\(.*?\)", "", ascii_label), maxsplit=1)
    if len(sides) == 2:  # a case: 'Granite County v. U.S. Department of Justice' -> GraniteCountyVDepartmentJustice
        def short(side: str) -> list[str]:
            kept = [w for w in re.findall(r"[A-Za-z0-9]+", side.replace("'", "")) if w.lower() not in _ID_STOP
                    and w not in ("U", "S", "US")]
            return kept[:2]
        words = [*short(sides[0]), "V", *short(sides[1])]
        return "".join(w[:1].upper() + w[1:] for w in words)[:40]
    words = re.findall(r"[A-Za-z0-9]+", ascii_label.replace("'", ""))
    if len(words) > 5:  # a claim or a long description: its first content words, short and readable
        words = [w for w in words if w.lower() not in _ID_STOP][:4] or words[:4]
    ident = "".join(w[:1].upper() + w[1:] for w in words)[:32] or K.Entity
    return ident if ident[0].isalpha() else "E" + ident


@lru_cache(maxsize=65536)
def norm(form: str) -> str:
    """A surface form reduced for comparison: folded, lower case, no article, no possessive."""
    form = fold(form).strip().lower()
    form = re.sub(r"^(?:the|a|an)\s+", "", form)
    form = re.sub(r"'s$", "", form)
    return " ".join(re.sub(r"\s*\([^)]*\)", "", form).split())


def article_bound(alias: str, label: str) -> bool:
    """Whether `alias` names its entity only in the article that used it: anaphora ('the city'),
    counts of unnamed members ('several cities', '37 cities') and common words ('policies'). A
    new article's 'the city' or 'several cities' is its own.

    >>> article_bound("several cities", "Cities willing to work with ICE"), article_bound("sanctuary cities", "Sanctuary jurisdictions")
    (True, False)
    """
    words = alias.split()
    return (alias.islower() and norm(alias) != norm(label)
            and (words[0] in DETERMINERS | QUANTIFIERS or words[0][:1].isdigit() or len(words) == 1))


def usable_forms(ent: Entity) -> list[str]:
    """The surface forms of a known entity worth matching in a new text."""
    label = re.sub(r"\s*\([^)]*\)", "", ent.label).strip()
    forms = [label]
    for alias in ent.aliases:
        words = alias.split()
        if article_bound(alias, label):
            continue
        if ent.type == K.Person and fold(alias).endswith(fold(label)) and alias != label:
            continue  # 'Mayor Jane Roe': the title is read by the role rules
        if ent.type == K.Person and len(words) == 1 and alias != label:
            continue  # a surname alone is resolved in context (short_forms)
        forms.append(alias)
    for form in list(forms):  # 'Justice Department' is also 'Department of Justice', and the reverse
        if m := re.fullmatch(r"(?:U\.S\. )?((?:[A-Z][a-z]+ )*[A-Z][a-z]+) (Department|Agency|Bureau)", form):
            forms.append(f"{m.group(2)} of {m.group(1)}")
        elif m := re.fullmatch(r"(?:U\.S\. )?(Department|Agency|Bureau) of (?:the )?((?:[A-Z][a-z]+ )*[A-Z][a-z]+)", form):
            forms.append(f"{m.group(2)} {m.group(1)}")
        if form.startswith("U.S. ") and len(form.split()) > 2:
            forms.append(form.removeprefix("U.S. "))
        if ent.type in (K.Group, K.JurisdictionGroup) and form.islower() and " " in form and form.endswith("s"):
            forms.append(re.sub(r"ies$", "y", form) if form.endswith("ies") else form[:-1])  # 'a sanctuary city'
        if m := re.fullmatch(r"((?:[A-Z][a-z]+ )*[A-Z][a-z]+) (administration|government|campaign)", form):
            forms.append(f"{m.group(1)}'s {m.group(2)}")  # "Trump's administration"
    return list(dict.fromkeys(f for f in forms if f))


def inside_name(text: str, start: int, end: int, not_names: set[str]) -> bool:
    """Whether the capitalised word at [start, end) stands inside a longer capitalised name."""
    before = re.search(r"([A-Z][\w.]*) (?:(?:of|for|and|the|on) )*$", text[max(0, start - 40):start])
    after = re.match(r" (?:(?:of|for|and|the|on) )*([A-Z]\w*)", text[end:end + 20])
    return bool(text[start:start + 1].isupper() and ((before and before.group(1) not in not_names)
                                                     or (after and after.group(1) not in not_names)))


def case_fits(found: str, form: str) -> bool:
    if found == form:
        return True
    if not form.islower() and not form[:1].islower():
        return False
    if found == form[:1].upper() + form[1:]:
        return True
    return found == form.title() or found == " ".join(w[:1].upper() + w[1:] for w in form.split())


_TYPED: dict[tuple[int, str, bool], str | None] = {}
_ANY: dict[int, list[re.Pattern | None]] = {}


def typed_as(name: str, rules_: dict, last_only: bool = False) -> str | None:
    """The type a name's words give it ('... Committee'), by the name_types of rules.yaml."""
    key = (id(rules_), name, last_only)
    if key not in _TYPED:  # (names repeat through an article: each is typed once)
        if len(_TYPED) > 100_000:
            _TYPED.clear()
        _TYPED[key] = _typed_as(name, rules_, last_only)
    return _TYPED[key]


def _typed_as(name: str, rules_: dict, last_only: bool) -> str | None:
    words = name.split()
    if id(rules_) not in _ANY:  # one pattern per rule for its 'any' words
        _ANY[id(rules_)] = [re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, rule["any"])) + r")(?![\w])")
                            if rule.get("any") else None for rule in rules_["name_types"]]
    for rule, any_words in zip(rules_["name_types"], _ANY[id(rules_)]):
        for key in rule.get("last", []):
            if name == key or name.endswith(" " + key):
                return rule["type"]
        if last_only:
            continue
        if any_words is not None and any_words.search(name):
            return rule["type"]
        for key in rule.get("first", []):
            if name.startswith(key + " ") and len(words) > len(key.split()):
                return rule["type"]
    return None


def name_pieces(text: str, start: int, end: int, not_names: set[str], rules_: dict):
    """Split a capitalised run into names: drop sentence-start words, cut at 'and' unless the
    whole run is one typed name ('Immigration and Customs Enforcement')."""
    chunk = text[start:end]
    words = chunk.split(" ")
    lead = 0
    while words and (words[0].rstrip(".") in not_names or words[0].lower() in DETERMINERS | CONNECTORS
                     or words[0].isdigit()):
        lead += len(words.pop(0)) + 1
    cut = next((i for i in range(1, len(words) - 1) if words[i] in CONNECTORS and words[i + 1] in not_names), None)
    if cut:  # 'Office on March 10': a date is no part of the name
        words = words[:cut]
    while words and (words[-1].lower() in CONNECTORS or words[-1] in not_names):
        words.pop()
    if words and words[-1].endswith(".") and words[-1][:-1] not in rules_["abbreviations"]:
        words[-1] = words[-1][:-1]
    if not words:
        return
    start += lead
    chunk = " ".join(words)
    parts = chunk.split(" and ")
    # ('the City of A and the City Council': two names; a name's own 'and' takes no article)
    if len(parts) > 1 and (typed_as(chunk, rules_) is None or text[:start].endswith(", ")
                           or typed_as(parts[0], rules_, last_only=True) is not None
                           or any(p.startswith("the ") for p in parts[1:])):
        at = start
        for part in parts:
            skip = len(part) - len(part.removeprefix("the "))
            yield at + skip, at + len(part)
            at += len(part) + len(" and ")
        return
    yield start, start + len(chunk)


_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}


def count_key(phrase: str) -> tuple[int, str] | None:
    """('at least three dozen sanctuary cities') -> (36, 'sanctuary cities'): a counted group."""
    m = re.match(r"(?:(?:more than|at least|nearly|almost|about|roughly|over|around|some|fewer than|up to) )?"
                 r"(?:a |(\d[\d,]*|[a-z]+) )?(dozen )?(?:of )?(.+)", phrase.lower())
    if not m:
        return None
    number = m.group(1) or ("1" if m.group(2) else None)
    value = int(number.replace(",", "")) if number and number.replace(",", "").isdigit() else _NUMBERS.get(number or "")
    if value is None:
        return None
    return value * (12 if m.group(2) else 1), m.group(3)


def cited_pieces(text: str, pieces, rules_: dict):
    """'Section 287(g) of the Immigration and Nationality Act': the provision and the Act."""
    for start, end in pieces:
        m = re.fullmatch(r"(.+?) of (?:the )?(.+)", text[start:end])
        if m and typed_as(m.group(1), rules_) in (K.StatutoryProvision, K.ConstitutionalProvision) \
                and typed_as(m.group(2), rules_) == K.Statute:
            yield start, start + m.end(1)
            yield start + m.start(2), end
        else:
            yield start, end


def only_keywords(name: str, rules_: dict) -> bool:
    """'Executive Order', 'Administration': a capitalised common noun, not a name."""
    keys = {w for rule in rules_["name_types"] for k in [*rule.get("last", []), *rule.get("any", [])]
            for w in k.split()}
    return all(w in keys or w.lower() in CONNECTORS for w in name.split())


def ordinal_amendment(name: str) -> str:
    m = re.match(r"(\d+)(?:st|nd|rd|th) (Amendment)$", name)
    if m and 1 <= int(m.group(1)) <= len(_ORDINALS):
        return f"{_ORDINALS[int(m.group(1)) - 1]} {m.group(2)}"
    return name


#: What may stand between the names of one list: 'A, B and C', 'X, including A', 'led by A'.
LIST_SEP = re.compile(r"(?:\s|,|;|\band\b|\bor\b|\bincluding\b|\bled by\b|\bas well as\b|\balong with\b|\btogether with\b|\bsuch as\b|\blike\b|\bamong them\b|-|—)*")
