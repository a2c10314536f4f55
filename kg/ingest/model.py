"""What the ingest steps hand each other: sentences, mentions and candidate records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sentence:
    """A sentence of the repaired text: [start, end) in repaired offsets."""

    index: int
    start: int
    end: int
    text: str


@dataclass
class EntityCandidate:
    """A new entity, or a known one (`known=True`) seen under `aliases` it does not yet have."""

    id: str
    type: str
    label: str
    rule: str
    known: bool = False
    aliases: list[str] = field(default_factory=list)
    score: float = 0.5
    #: Ids this mention could also stand for, when a short form was ambiguous.
    ambiguous: list[str] = field(default_factory=list)
    #: Repaired offsets of the sentence that introduced the entity (for claims and documents).
    evidence: tuple[int, int] | None = None
    description: str | None = None


@dataclass(frozen=True, eq=False)  # (identity: a mention is one span found once; list.remove stays fast)
class Mention:
    """A span of the repaired text standing for an entity."""

    start: int
    end: int
    text: str
    entity: str
    rule: str
    score: float = 1.0


@dataclass
class StatementCandidate:
    subject: str
    relation: str
    object: str
    sentence: Sentence
    rule: str
    score: float
    confidence: str = "explicit"
    date: str | None = None
    title: str | None = None
    note: str | None = None
    #: None: reported as done; else planned | attempted (kg:Mode): a record, never the edge
    mode: str | None = None
    #: With what, for a threat: the act threatened ('cut all federal funding to Riverton')
    manner: str | None = None
    #: The token of the trigger in the parsed article (for dates; not written out)
    token: int | None = None


@dataclass
class Extraction:
    """Everything `extract` found in one article."""

    text: str  # the repaired text
    original: str
    sentences: list[Sentence]
    entities: dict[str, EntityCandidate]
    mentions: list[Mention]
    statements: list[StatementCandidate]
    #: (start, end) in the repaired text -> the same span in the original (kg.text.Repaired)
    original_span: Callable[[int, int], tuple[int, int]] | None = None


def definite(tok) -> bool:
    """A noun with a definite or demonstrative determiner, or a possessive ('the city', 'its order')."""
    return any(c.dep_ in ("det", "poss") and ("Def" in c.morph.get("Definite") or "Dem" in c.morph.get("PronType"))
               for c in tok.children)


def sentence_of(state, token) -> Sentence:
    """The sentence of the article that `token` stands in."""
    sent = token.sent
    return Sentence(state.sentence_index.get(sent.start_char, 0), sent.start_char, sent.end_char, sent.text)
