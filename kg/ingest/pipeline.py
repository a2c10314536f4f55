"""The ingest pipeline: named steps in order, each with the inputs it needs and the outputs it gives.

As spaCy's components do, each step reads and writes a shared state; `run` checks before every
step that what it needs is there, so a step can be run and tested alone on a state built by hand.

    repair    article text          -> text, original_span   (encoding damage mended, offsets kept)
    parse     text                  -> doc, sentences        (the model: tokens, lemmas, dependencies, entities)
    mentions  doc, known            -> mentions, entities    (names linked to the graph before a new one is made)
    roles     doc, mentions         -> statements            (titles: holdsRole)
    anaphora  doc, mentions          -> mentions              ("the city": the entity named before)
    frames    doc, mentions         -> statements            (acts, rulings, stances, attribution, with their mode)
    implied   statements, mentions  -> statements            (what they imply: 'A plaintiff, B defendant': A sued B)
    dates     doc, statements, date -> statements            (each act's date, against the article's)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import EntityCandidate, Mention, Sentence, StatementCandidate


@dataclass
class State:
    """What the steps hand each other."""

    article: str
    date: str | None = None
    known: dict = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)
    onto: Any = None
    text: str | None = None
    original_span: Callable | None = None
    doc: Any = None
    sentences: list[Sentence] | None = None
    #: sentence start (character) -> its index in `sentences`
    sentence_index: dict[int, int] | None = None
    mentions: list[Mention] | None = None
    entities: dict[str, EntityCandidate] | None = None
    #: token index -> the mention it belongs to (filled by `mentions`)
    token_mention: dict[int, Mention] | None = None
    #: mention -> the title words and the body they belong to, for holdsRole (filled by `roles`)
    titles: dict | None = None
    statements: list[StatementCandidate] | None = None


@dataclass(frozen=True)
class Step:
    name: str
    needs: tuple[str, ...]
    gives: tuple[str, ...]
    run: Callable[[State], None]


def _repair(state: State) -> None:
    from .repair import repair
    repaired = repair(state.article)
    state.text, state.original_span = repaired.text, repaired.original_span


def _parse(state: State) -> None:
    from . import nlp
    state.doc = nlp.parse(state.text)
    state.sentences = [Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(state.doc.sents)]
    state.sentence_index = {s.start: s.index for s in state.sentences}


def _mentions(state: State) -> None:
    from . import mentions
    mentions.run(state)


def _roles(state: State) -> None:
    from . import roles
    roles.run(state)


def _anaphora(state: State) -> None:
    from . import anaphora
    anaphora.run(state)


def _frames(state: State) -> None:
    from . import frames
    frames.run(state)


def _implied(state: State) -> None:
    from . import implied
    implied.run(state)


def _dates(state: State) -> None:
    from . import dates
    dates.run(state)


STEPS: tuple[Step, ...] = (
    Step("repair", ("article",), ("text", "original_span"), _repair),
    Step("parse", ("text",), ("doc", "sentences", "sentence_index"), _parse),
    Step("mentions", ("doc", "known"), ("mentions", "entities", "token_mention"), _mentions),
    Step("roles", ("doc", "text", "mentions", "entities", "roles"), ("statements", "titles", "mentions"), _roles),
    Step("anaphora", ("doc", "mentions", "titles"), ("mentions",), _anaphora),
    Step("frames", ("doc", "text", "mentions", "statements", "titles"), ("statements",), _frames),
    Step("implied", ("statements", "mentions", "entities"), ("statements",), _implied),
    Step("dates", ("doc", "statements"), ("statements",), _dates),
)


def run(state: State, steps: tuple[Step, ...] = STEPS) -> State:
    """Run `steps` in order on `state`; a step whose inputs are missing is an error, not a guess."""
    for step in steps:
        missing = [name for name in step.needs if getattr(state, name) is None]
        if missing:
            raise ValueError(f"ingest step '{step.name}' needs {', '.join(missing)}: run the steps before it")
        step.run(state)
    return state
