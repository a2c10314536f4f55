"""Review files' values are checked for their kind, one line per problem, before anything is used."""

from __future__ import annotations

import yaml

from conftest import run_kg

from .test_review_edits import _review


def _edit(path, change):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def test_a_list_for_an_id_and_a_number_for_aliases_are_one_line_each(mini):
    review = _review(mini)

    def change(doc):
        doc["entities"][0]["aliases"] = 12
        doc["entities"].append({"id": ["Sam", "Pike"], "type": "Person", "label": "Sam Pike", "status": "accepted"})

    _edit(review, change)
    for args in ([], ["--apply"], ["--accept", "all"]):
        done = run_kg("--root", str(mini), "review", str(review), *args)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        errors = [e for e in done.stderr.splitlines() if "error[" in e]
        assert len(errors) == 2, done.stderr
        assert "error[bad-type] JaneRoe: 'aliases' must be a list of names" in errors[0]
        assert "error[bad-type] item 2 of entities: 'id' must be text, not list" in errors[1]
        assert errors[0].startswith(f"{review}:")


def test_a_duplicate_key_in_a_review_file_is_an_error(mini):
    review = _review(mini)
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("  status: accepted\n", "  status: accepted\n  status: rejected\n", 1),
                      encoding="utf-8")
    done = run_kg("--root", str(mini), "review", str(review), "--apply")
    assert done.returncode == 1 and "error[duplicate-key] key 'status' is given twice" in done.stderr, done.stderr
