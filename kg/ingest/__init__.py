"""`kg ingest`: from a new article to candidate entities and statements for review.

A declared pipeline of named steps (kg.ingest.pipeline): repair (encoding damage, offsets kept),
parse (spaCy's small English model: sentences, tokens, lemmas, dependencies, entities), mentions
(names linked to the graph before a new entity is made: courts-db, nameparser, nicknames,
rapidfuzz), roles (titles), frames (acts, rulings, stances, attribution, each with its mode),
implied (what those statements imply), dates (dateparser, against the article's date); then writer (the review file). The rules are
data (kg/ingest/rules/*.yaml, checked against their schema). Nothing here writes to data/:
`kg review` does, after a person has looked.

>>> from kg.ingest import extract
>>> found = extract("On Feb. 7, the city of Springfield sued the Federal Agency.", date="2025-02")
>>> [(s.subject, s.relation, s.object, s.date) for s in found.statements][:1]
[('Springfield', 'sued', 'FederalAgency', '2025-02-07')]
"""

from __future__ import annotations

from pathlib import Path

from .. import ontology
from .. import project as projects
from ..builder import curated
from ..builder.curated import Entity
from ..namespace import K
from ..project import Project
from . import pipeline
from .model import EntityCandidate, Extraction, Mention, Sentence, StatementCandidate
from .repair import MAX_BYTES, read_article
from .writer import Written, write

__all__ = ["extract", "ingest", "Extraction", "EntityCandidate", "Mention", "Sentence",
           "StatementCandidate", "Written", "MAX_BYTES"]


def extract(text: str, *, date: str | None = None, known: dict[str, Entity] | None = None,
            onto: ontology.Ontology | None = None, roles: dict[str, set[str]] | None = None) -> Extraction:
    """Candidates from the article `text` (as stored: damage and all), by the steps of
    kg.ingest.pipeline.

    `date` (YYYY, YYYY-MM or YYYY-MM-DD) anchors 'On Feb. 7' and 'last month'; `known` are the
    curated entities to recognise (id -> Entity); `roles` the titles the graph gives them
    ('border czar' -> {'ThomasHoman'}: see `titles_of`); `onto` the ontology (default: this
    project's).
    """
    onto = onto or ontology.load(projects.find().ontology_dir)
    state = pipeline.run(pipeline.State(text, date=date, known=known or {}, roles=roles or {}, onto=onto))
    used = {m.entity for m in state.mentions} | {x for s in state.statements for x in (s.subject, s.object)}
    entities = {k: v for k, v in state.entities.items() if k in used}
    return Extraction(state.text, text, state.sentences, entities, state.mentions, state.statements,
                      state.original_span)


def titles_of(statements) -> dict[str, set[str]]:
    """Title (lower case) -> the people a curated holdsRole statement gives it."""
    out: dict[str, set[str]] = {}
    for st in statements:
        if st.relation == K.holdsRole and st.title:
            out.setdefault(st.title.strip().lower(), set()).add(st.subject)
    return out


def ingest(article: str | Path, project: Project | str | None = None, *, source_id: str | None = None,
           title: str | None = None, date: str | None = None, outlet: str | None = None,
           author: str | None = None, out: str | Path | None = None, encoding: str = "utf-8",
           max_bytes: int = MAX_BYTES) -> Written:
    """Read `article`, extract candidates against the curated data, write the review file.

    The review file goes to `out` (default: <root>/candidates/<source_id>.yaml) with a verbatim
    copy of the article beside it; data/ is not touched.
    """
    project = project if isinstance(project, Project) else projects.find(project)
    text = read_article(article, encoding, max_bytes)
    data = curated.read(project.data_dir, project.root)
    onto = ontology.load(project.ontology_dir)
    found = extract(text, date=date, known=data.entities, onto=onto, roles=titles_of(data.statements.values()))
    return write(found, article=Path(article), project=project, data=data, source_id=source_id,
                 title=title, date=date, outlet=outlet, author=author, out=out)
