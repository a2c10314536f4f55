"""`kg review --apply` adding an alias to an entity data/ has: every YAML style the docs allow keeps
every other alias, comment and field, or the apply changes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_kg, tree_hash
from kg.builder import curated
from kg.errors import KGError
from kg.ingest.review import apply

ARTICLE = "Jane Roe, the mayor, spoke again.\n"

#: The entity JaneRoe of the mini project, written in each style data/README.md allows.
STYLES = {
    "flow": "  - id: JaneRoe\n    type: Person\n    label: Jane Roe\n    aliases: [Roe, Mayor Jane Roe, Jane, J. Roe, Ms. Roe, Mayor Roe]\n",
    "flow-comment": "  - id: JaneRoe\n    type: Person\n    label: Jane Roe\n"
                    "    aliases: [Roe, Mayor Jane Roe, Jane, J. Roe, Ms. Roe, Mayor Roe]  # as the memo names her\n",
    "flow-two-lines": "  - id: JaneRoe\n    type: Person\n    label: Jane Roe\n"
                      "    aliases: [Roe, Mayor Jane Roe, Jane,\n              J. Roe, Ms. Roe, Mayor Roe]\n",
    "block": "  - id: JaneRoe\n    type: Person\n    label: Jane Roe\n    aliases:\n    - Roe\n    - Mayor Jane Roe\n"
             "    - Jane\n    - J. Roe\n    - Ms. Roe\n    - Mayor Roe\n",
    "indented-block": "  - id: JaneRoe\n    type: Person\n    label: Jane Roe\n    aliases:\n      - Roe\n"
                      "      - 'Mayor Jane Roe'  # quoted\n      - \"Jane\"\n      - J. Roe\n      - Ms. Roe\n      - Mayor Roe\n"
                      "    description: Mayor of Springfield.\n",
}


def _project(mini: Path, entity: str) -> None:
    text = (mini / "data" / "entities" / "all.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: JaneRoe")
    end = text.index("  - id: TenthAmendment")
    (mini / "data" / "entities" / "all.yaml").write_text(text[:start] + entity + text[end:], encoding="utf-8")


def _review(mini: Path, alias: str = "Mayor J. Roe", source: str = "again") -> Path:
    folder = mini / "candidates"
    folder.mkdir(exist_ok=True)
    (folder / f"{source}.txt").write_text(ARTICLE, encoding="utf-8")
    doc = {"source": source,
           "article": {"id": source, "file": f"sources/{source}.txt", "title": "Again", "text": f"{source}.txt",
                       "sha256": hashlib.sha256(ARTICLE.encode()).hexdigest()},
           "entities": [{"id": "JaneRoe", "type": "Person", "label": "Jane Roe", "aliases": [alias],
                         "status": "accepted", "known": True}],
           # A source enters data/ with at least one statement (kg review refuses an empty one).
           "statements": [{"id": f"{source}-001", "subject": "JaneRoe", "relation": "holdsRole",
                           "object": "Springfield", "title": "mayor", "quote": ARTICLE.strip(),
                           "offsets": [0, len(ARTICLE.strip())], "confidence": "explicit", "status": "accepted"}]}
    path = folder / f"{source}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _aliases(mini: Path) -> list[str]:
    return curated.read(mini / "data", mini).entities["JaneRoe"].aliases


@pytest.mark.parametrize("style", sorted(STYLES))
def test_an_alias_added_keeps_every_alias_and_comment(mini, style):
    _project(mini, STYLES[style])
    before = _aliases(mini)
    assert len(before) == 6
    done = run_kg("--root", str(mini), "review", str(_review(mini)), "--apply")
    assert done.returncode == 0, done.stderr
    assert _aliases(mini) == [*before, "Mayor J. Roe"]
    text = (mini / "data" / "entities" / "all.yaml").read_text(encoding="utf-8")
    for line in STYLES[style].splitlines():  # every line the curator wrote is still there
        if "]" not in line or style != "flow-two-lines":
            assert line.split("]")[0] in text
    assert "# as the memo names her" in text or style != "flow-comment"
    assert run_kg("--root", str(mini), "check").returncode == 0


def test_an_entity_an_earlier_apply_wrote_takes_an_alias(mini):
    _project(mini, STYLES["flow"])
    review = _review(mini)
    doc = yaml.safe_load(review.read_text(encoding="utf-8"))
    doc["entities"].append({"id": "SamPike", "type": "Person", "label": "Sam Pike",
                            "aliases": ["Budget Director Sam Pike", "Pike"], "status": "accepted"})
    review.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    assert run_kg("--root", str(mini), "review", str(review), "--apply").returncode == 0
    second = _review(mini, source="later")
    doc = yaml.safe_load(second.read_text(encoding="utf-8"))
    doc["entities"] = [{"id": "SamPike", "type": "Person", "label": "Sam Pike", "aliases": ["Director Pike"],
                        "status": "accepted", "known": True}]
    second.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    done = run_kg("--root", str(mini), "review", str(second), "--apply")
    assert done.returncode == 0, done.stderr
    assert curated.read(mini / "data", mini).entities["SamPike"].aliases == \
        ["Budget Director Sam Pike", "Pike", "Director Pike"]


# Generated entity files: every style of list, quoting, comments and neighbouring fields.
_NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=12)


def _scalar(draw, value: str, plain_ok: bool) -> str:
    how = draw(st.sampled_from(["plain", "single", "double"] if plain_ok else ["single", "double"]))
    if how == "plain":
        return value
    if how == "single":
        return "'" + value.replace("'", "''") + "'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def entity_files(draw):
    names = draw(st.lists(_NAME, min_size=0, max_size=5, unique_by=lambda s: s.casefold()))
    names = [n for n in names if n.strip() == n and n.casefold() != "jane roe"]
    style = draw(st.sampled_from(["flow", "flow-lines", "block", "indented", "none", "empty-flow", "null"]))
    comment = draw(st.sampled_from(["", "  # a comment", " # x: [y]"]))
    key_indent = " " * draw(st.sampled_from([2, 4]))
    item_indent = draw(st.sampled_from(["", "  "]))
    pad = item_indent + "  "
    written = [_scalar(draw, n, n.isalnum()) for n in names]
    lines = [f"{item_indent}- id: JaneRoe", f"{pad}type: Person"]
    if style == "flow":
        lines.append(f"{pad}aliases: [{', '.join(written)}]{comment}")
    elif style == "flow-lines":
        lines.append(f"{pad}aliases: [{(',' + chr(10) + pad + key_indent).join(written)}" + "]" + comment)
    elif style == "empty-flow":
        lines.append(f"{pad}aliases: []{comment}")
        names = []
    elif style == "null":
        lines.append(f"{pad}aliases:{draw(st.sampled_from(['', ' ~', ' null']))}{comment}")
        names = []
    elif style in ("block", "indented") and written:
        lines.append(f"{pad}aliases:{comment}")
        dash = pad + (key_indent if style == "indented" else "")
        lines += [f"{dash}- {w}" for w in written]
    else:
        names = []
    # before the aliases or after their last item: between 'aliases:' and its block items a key
    # would be another YAML (the items become the label's continuation lines)
    lines.insert(draw(st.sampled_from(sorted({1, 2, len(lines)}))), f"{pad}label: Jane Roe{comment}")
    if draw(st.booleans()):
        lines.append(f"{pad}description: |\n{pad}  Mayor of Springfield.\n")
    return "\n".join(lines) + "\n", names


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entity_files(), _NAME.filter(lambda s: s.strip() == s and s.casefold() not in ("jane roe", "roe")))
def test_generated_entity_files_gain_exactly_one_alias_or_stay_unchanged(mini, tmp_path_factory, generated, alias):
    import shutil

    root = tmp_path_factory.mktemp("gen") / "mini"
    shutil.copytree(mini, root)
    entity, names = generated
    _project(root, entity)
    check = curated.read(root / "data", root)
    if check.problems or "JaneRoe" not in check.entities:
        return  # a style of this draw that data/ refuses anyway: nothing to add to
    if any(curated_norm(alias) == curated_norm(n) for n in names):
        return
    before = tree_hash(root / "data")
    text_before = (root / "data" / "entities" / "all.yaml").read_text(encoding="utf-8")
    try:
        apply(_review(root, alias), root)
    except KGError:
        assert tree_hash(root / "data") == before  # refused: nothing changed
        return
    assert _aliases(root) == [*dict.fromkeys(names), alias]
    after = (root / "data" / "entities" / "all.yaml").read_text(encoding="utf-8")
    for comment in ("# a comment", "# x: [y]"):  # every comment the generator wrote is still there
        assert after.count(comment) == text_before.count(comment)


def curated_norm(text: str) -> str:
    from kg.ingest.mentions import norm

    return norm(text)


def test_an_entity_in_a_shape_the_edit_cannot_change_is_refused_with_nothing_changed(mini):
    _project(mini, "  - {id: JaneRoe, type: Person, label: Jane Roe}  # one line\n")
    before = tree_hash(mini / "data")
    done = run_kg("--root", str(mini), "review", str(_review(mini)), "--apply")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "cannot add aliases to entity 'JaneRoe'" in done.stderr and "unchanged" in done.stderr
    assert tree_hash(mini / "data") == before
    assert not list(mini.glob(".kg-review-*"))
