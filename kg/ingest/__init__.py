"""`kg ingest`: from a new article to candidate entities and statements for review.

One module per step: repair (read the file, repair encoding damage, keep offsets), sentences,
mentions (known and new entities; with forms, phrases, coreference, courts (courts-db),
citations (eyecite) and linking (nameparser, nicknames, rapidfuzz): a name is resolved against
the graph before a new entity is proposed), dates (dateparser for relative days), relations
(wording rules of rules.yaml, with the mode of each act; with speech and structure), writer (the
review file). Nothing here writes to data/: `kg review` does, after a person has looked.

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
from . import mentions, relations, sentences
from .model import EntityCandidate, Extraction, Mention, Sentence, StatementCandidate
from .repair import MAX_BYTES, read_article, repair
from .writer import Written, write

__all__ = ["extract", "ingest", "Extraction", "EntityCandidate", "Mention", "Sentence",
           "StatementCandidate", "Written", "MAX_BYTES"]


def extract(text: str, *, date: str | None = None, known: dict[str, Entity] | None = None,
            onto: ontology.Ontology | None = None, roles: dict[str, set[str]] | None = None) -> Extraction:
    """Candidates from the article `text` (as stored: damage and all).

    `date` (YYYY, YYYY-MM or YYYY-MM-DD) anchors 'On Feb. 7' and 'last month'; `known` are the
    curated entities to recognise (id -> Entity); `roles` the titles the graph gives them
    ('border czar' -> {'ThomasHoman'}: see `titles_of`); `onto` the ontology (default: this
    project's).
    """
    onto = onto or ontology.load(projects.find().ontology_dir)
    repaired = repair(text)
    split = sentences.split(repaired.text)
    found = mentions.find(repaired.text, split, known or {}, onto, roles or {})
    statements = relations.extract(repaired.text, split, found, date, onto)
    used = {m.entity for m in found.mentions} | {x for s in statements for x in (s.subject, s.object)}
    for ident in used - set(found.entities):  # a known office named by a bare title ('President X')
        if ident in (known or {}):
            ent = known[ident]
            found.entities[ident] = EntityCandidate(ident, ent.type, ent.label, "known", known=True, score=1.0)
    entities = {k: v for k, v in found.entities.items() if k in used}
    return Extraction(repaired.text, text, split, entities, found.mentions, statements,
                      repaired.original_span)


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
