"""kg evaluate: extraction scored against the curated statements (the figures in the README)."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import FIXTURES, REPO, invoke_kg
from kg.ingest.evaluate import Evaluation, evaluate

pytestmark = pytest.mark.slow  # ingests every seed and fixture article

SEEDS = FIXTURES / "seeds"  # a copy of the five seed articles: data/ may grow
EVAL = FIXTURES / "evaluate"  # 28 articles in other outlets' voices, 18 of them held out


# Each evaluation ingests every article of its folder: made once for the tests that read it.
@pytest.fixture(scope="module")
def seeds_report():
    return evaluate(REPO, fixtures=SEEDS)


@pytest.fixture(scope="module")
def eval_report():
    return evaluate(REPO, fixtures=EVAL)


def test_figures_are_computed_for_every_seed_article(seeds_report):
    report = seeds_report
    assert [r.source for r in report.sources] == ["arrest2018", "mayors2017", "resist2016",
                                                  "standfirm2025", "targeting2025"]
    total = report.total
    assert total.family.gold == sum(r.family.gold for r in report.sources) > 300
    for score in (total.entities, total.named, total.strict, total.family):
        assert 0 < score.precision <= 1 and 0 < score.recall <= 1
    assert total.family.recall >= total.strict.recall  # family matching only adds matches
    # Floors under the spaCy pipeline's figures on the seeds (docs/ingest.md gives them: named
    # entities 0.78 / 0.51, statements strict 0.60 / 0.08); the regex rules tuned on these articles
    # scored higher here (0.89 / 0.88, 0.85 / 0.48) and lower on articles they were not written beside.
    assert total.named.recall > 0.45 and total.strict.precision >= 0.62 and total.family.recall > 0.11


def test_full_gazetteer_is_an_upper_bound_on_entities(seeds_report):
    held_out, full = seeds_report, evaluate(REPO, held_out=False, fixtures=SEEDS)
    assert full.total.entities.recall > held_out.total.entities.recall


def test_a_small_project_scores_its_one_statement(mini):
    report = evaluate(mini)
    sued = report.total.family
    assert sued.gold == 5 and sued.found >= 1  # 'the city of Springfield sued the Federal Agency'


def test_evaluate_command_prints_a_table():
    result = invoke_kg("evaluate", "--fixtures", str(SEEDS), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == Evaluation.COLUMNS and rows[-1][0] == "total" and len(rows) == 7




def test_fixtures_of_other_outlets_are_scored_with_held_out_sources_apart():
    """28 articles in other outlets' voices (wire, local TV, court blog, press release, live blog,
    explainer, ...); 18 were never looked at while the rules were written, six of them written
    after the fifth round's rules and never used to judge one."""
    report = evaluate(REPO, fixtures=EVAL)
    assert len(report.sources) == 28
    held_out = {"bizreview2025milwaukee", "brief2025oregon", "campus2025worcester", "capitol2019colorado",
                "explainer2025section1373", "heraldo2025riverton", "ktv2025kingcounty", "live2025sandiego",
                "radio2017police", "radio2025minneapolis", "sentinel2025newjersey", "voz2025santafe",
                "capitol2026virginia", "courier2018lakemont", "lawreport2021florida", "noticias2025nashville",
                "tv2019tolliver", "wire2017neworleans"}
    assert {r.source for r in report.sources if r.source.endswith("(held out)")} == {
        f"{sid} (held out)" for sid in held_out}
    seen, unseen = report.subtotals
    assert seen.family.gold + unseen.family.gold == report.total.family.gold > 700
    assert seen.as_act == 0  # no threat, plan or refusal recorded as the act
    # The held-out articles added for issue 21 were scored once before its new ingest: one
    # proposal read a threat, plan or refusal as the act there. The aim is 0 (tighten to == 0).
    assert unseen.as_act <= 1
    # Floors just under the figures on all 18 held-out articles (issue 21; strict P / R held out
    # 0.566 / 0.175, seen 0.760 / 0.447). On the twelve the fifth round's rules were gated on, held
    # out went from 0.439 / 0.130 to 0.561 / 0.154 that round (seen 0.691 / 0.349 to 0.775 / 0.455);
    # the six fresh articles, scored once at its end, gave 0.586 / 0.206. Adding them moved the
    # twelve to 0.548 / 0.152: each article is scored knowing the entities the others use.
    # A change to the rules must not lower these.
    assert unseen.strict.precision >= 0.56 and unseen.strict.recall >= 0.17
    assert seen.strict.precision >= 0.75 and seen.strict.recall >= 0.44


def test_as_act_counts_a_threat_recorded_as_the_act():
    """The gold says Noem threatened Riverton (to cut its funding); an extractor that read the
    act would propose 'withheldFunding' from the same sentence: one threat recorded as the act."""
    from kg import ontology
    from kg.builder import curated
    from kg.ingest.evaluate import _as_act

    data = curated.read(EVAL / "data", EVAL)
    src = data.sources["ktv2025riverton"]
    statements = [st for st in data.statements.values() if st.source == "ktv2025riverton" and st.object]
    at = src.text.index("Homeland Security Secretary Kristi Noem threatened")
    onto = ontology.load(REPO / "ontology")
    act = ("KristiNoem", "withheldFunding", "Riverton", (at, at + 120))
    assert _as_act(None, statements, [(*act, None, False)], data, onto, src.text) == 1
    assert _as_act(None, statements, [(*act, "threatened", False)], data, onto, src.text) == 0  # with its mode


def test_evaluate_command_takes_a_fixture_folder():
    result = invoke_kg("evaluate", "--fixtures", str(EVAL), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][-1] == "as_act" and [r[0] for r in rows[-3:]] == ["total seen", "total held out", "total"]
    missing = invoke_kg("evaluate", "--fixtures", str(REPO / "queries"))
    assert missing.returncode == 1 and "sources.yaml" in missing.stderr


def test_misses_lists_what_was_missed_and_what_is_wrong_but_never_a_held_out_source(eval_report):
    result = invoke_kg("evaluate", "--fixtures", str(EVAL), "--misses", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["kind", "source", "subject", "relation", "object", "rule", "sentence"]
    assert {r[0] for r in rows[1:]} == {"missed", "wrong"}
    assert not any("held out" in r[1] for r in rows[1:]) and "18 held-out sources" in result.stderr
    report = evaluate(REPO, fixtures=EVAL)
    seen = report.subtotals[0]
    # every curated triple not found is listed at least once, and every wrong proposal once
    missed = {(r[1], r[2], r[3], r[4]) for r in rows if r[0] == "missed"}
    assert len(missed) >= seen.strict.gold - seen.strict.found
    assert sum(r[0] == "wrong" for r in rows) == seen.strict.predicted - seen.strict.correct
