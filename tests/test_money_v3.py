"""SPEC §4v3 judgement: unknown volume, measured spend, a keep that must pay, the regulated third path,
what would change the verdict, and the task words; each against figures worked out by hand."""

from __future__ import annotations

import math

import pytest
from conftest import load_rows, row_cells, score_one

from core import config, portfolio
from core.measured import apply_measured

CLEAN = dict(training_examples="50,000", data_quality="high", build_months="2", fm_coverage="partial",
             ops_budget_usd_per_year="200,000")
DOMAIN = dict(CLEAN, fm_coverage="none", eval_gap_verified="yes", rag_baseline_tried="yes")
Y_CONST = 1 / 1.08 + 1 / 1.08**2 + 1 / 1.08**3  # three years in today's money


# --- unknown volume is not zero volume ------------------------------------------------------------------------------


def test_blank_volume_is_needs_volume_with_blank_money_and_a_break_even():
    row = score_one(**CLEAN)
    assert row["money_status"] == "needs_volume"
    for col in ("tco_custom_usd", "tco_api_rag_usd", "projected_savings_usd", "savings_people_usd"):
        assert math.isnan(row[col]), col
    assert row["break_even_daily_calls"] > 0
    assert row["verdict"] == "kill"  # the verdict still follows flags and exceptions
    assert row["would_change"].startswith("Needs volume to price it;")
    assert f"{row['break_even_daily_calls']:,.0f} calls a day" in row["would_change"]


def test_unpriced_projects_rank_after_priced_ones_and_totals_count_them():
    roadmap = load_rows(row_cells(project="Unpriced"), row_cells(project="Small", daily_calls="100"),
                        row_cells(project="Big", daily_calls="10,000"))
    scored = portfolio.score(roadmap.projects, config.defaults())
    ranked = portfolio.kill_list(scored)["project"].tolist()
    assert ranked[-1] == "Unpriced"
    summary = portfolio.summarize(scored)
    assert summary.kill_list_unpriced == 1
    assert summary.kill_list_savings_usd == pytest.approx(scored["projected_savings_usd"].iloc[1:].sum())
    assert sum(summary.kill_list_parts_usd) == pytest.approx(summary.kill_list_savings_usd)


def test_money_status_and_comparison_path_are_blank_words_off_the_judged_rows():
    api = score_one(approach="API", daily_calls="1000")
    assert api["money_status"] == "not_judged"
    assert api["comparison_path"] is None or api["comparison_path"] != api["comparison_path"] or not api["comparison_path"]


# --- measured spend ---------------------------------------------------------------------------------------------------


def test_measured_spend_without_volume_implies_it_and_proofs_keep_the_sign():
    # The summarizer: about $250K a month of API spend. At the mid tier's $0.01075 a call that is
    # 250,000 x 12 / 365 / 0.01075 = 764,574 calls a day, and a fine-tuned 8B model serves them on two GPUs.
    row = score_one(**CLEAN, api_spend_usd_per_month="$250,000")
    assert row["money_status"] == "implied_from_spend"
    assert row["daily_calls_used"] == pytest.approx(250_000 * 12 / 365 / 0.01075)
    assert row["projected_savings_usd"] < 0
    assert row["verdict"] == "keep"  # a cheaper custom path is its own proof
    assert "scale" in row["justifications_proven"]


def test_the_override_seam_feeds_measured_figures_through_the_same_columns():
    roadmap = load_rows(row_cells(project="A", project_id="A-1", **CLEAN),
                        row_cells(project="B", project_id="B-1", daily_calls="5000", **CLEAN))
    measured = apply_measured(roadmap.projects, {"A-1": {"api_spend_usd_per_month": 250_000},
                                                 "B-1": {"daily_calls": "nonsense"}, "ZZZ": {"daily_calls": 1}})
    assert measured["api_spend_source"].tolist()[0] == "measured"
    assert measured["daily_calls_source"].tolist()[1] == "roadmap"  # a bad figure leaves the roadmap's
    assert measured["daily_calls"].tolist()[1] == 5000
    assert "api_spend_usd_per_month" not in roadmap.projects or roadmap.projects["api_spend_usd_per_month"].isna().all()
    scored = portfolio.score(measured, config.defaults())
    assert scored["money_status"].tolist() == ["implied_from_spend", "priced"]
    assert scored["verdict"].tolist()[0] == "keep"


# --- a keep must pay --------------------------------------------------------------------------------------------------


def _domain(**cells):
    return score_one(**{**DOMAIN, "daily_calls": "10,000", **cells})


def test_a_dearer_domain_keep_with_no_value_is_prove_naming_the_value():
    row = _domain()
    assert row["projected_savings_usd"] > 0
    assert row["verdict"] == "prove"
    need = row["projected_savings_usd"] / Y_CONST  # per year, today's money
    assert row["value_needed_usd_per_year"] == pytest.approx(need)
    assert "State the yearly value of the gap" in row["evidence_needed"]


def test_a_stated_value_that_covers_the_extra_cost_keeps_it():
    need = _domain()["value_needed_usd_per_year"]
    assert _domain(gap_value_usd_per_year=f"{need + 1:.0f}")["verdict"] == "keep"


def test_a_stated_value_too_small_kills_it_saying_by_how_much():
    need = _domain()["value_needed_usd_per_year"]
    row = _domain(gap_value_usd_per_year=f"{need - 100_000:.0f}")
    assert row["verdict"] == "kill"
    assert bool(row["value_short"]) is True
    assert "short over 3 years" in row["would_change"]


def test_a_cheaper_custom_path_needs_no_value():
    row = _domain(daily_calls="2M", api_tier="frontier")
    assert row["projected_savings_usd"] < 0
    assert row["verdict"] == "keep"
    assert "volume falling below" in row["would_change"]


# --- regulated work: the third path -------------------------------------------------------------------------------------


REGULATED = dict(CLEAN, regulatory_control="yes", regulation="HIPAA", daily_calls="10,000")


def test_proven_regulation_compares_with_the_self_hosted_stock_model():
    row = score_one(**REGULATED, compliance_confirmed="yes")
    assert row["comparison_path"] == "self_hosted_open_weight"
    assert row["projected_savings_usd"] == pytest.approx(row["tco_custom_usd"] - row["tco_self_hosted_usd"])
    assert row["verdict"] == "kill"  # control is justified, a fine-tune is not
    assert row["recommendation"] == ("Self-host a stock open-weight model with RAG; fine-tune only if an evaluation "
                                     "shows a gap")


def test_claimed_regulation_keeps_the_api_comparison_and_names_both_alternatives():
    row = score_one(**REGULATED)
    assert row["verdict"] == "prove"
    assert row["comparison_path"] == "api_rag"
    assert row["projected_savings_usd"] == pytest.approx(row["tco_custom_usd"] - row["tco_api_rag_usd"])
    assert row["tco_self_hosted_usd"] > 0  # shown beside it
    assert "private or zero-retention" in row["recommendation"]
    assert "self-hosted stock open-weight model" in row["recommendation"]
    assert math.isnan(score_one(**CLEAN, daily_calls="10,000")["tco_self_hosted_usd"])  # no regulation: not shown


def test_proven_regulation_and_a_domain_gap_against_the_third_path():
    proven = {**REGULATED, **DOMAIN, "compliance_confirmed": "yes"}
    # At 10,000 calls a day two 2-GPU replicas of the stock 70B cost less than the fine-tune's team: the gap must pay.
    small = score_one(**{**proven, "daily_calls": "10,000"})
    assert small["comparison_path"] == "self_hosted_open_weight"
    assert small["projected_savings_usd"] > 0
    assert small["verdict"] == "prove"
    # At 1M a day the stock model needs ten 2-GPU replicas (110,592 calls each), the 8B fine-tune two 1-GPU ones.
    big = score_one(**{**proven, "daily_calls": "1M"})
    assert big["sh_replicas"] == 10
    assert big["projected_savings_usd"] < 0
    assert big["verdict"] == "keep"


# --- the split names the largest part; what would change ----------------------------------------------------------------


def test_kill_would_change_names_the_break_even_and_the_proof():
    row = score_one(**CLEAN, daily_calls="10,000")
    assert row["verdict"] == "kill"
    be = row["break_even_daily_calls"]
    assert f"from {be:,.0f} calls a day" in row["would_change"]
    assert "proven domain gap" in row["would_change"]


def test_prove_would_change_names_the_missing_evidence():
    row = score_one(**{**CLEAN, "daily_calls": "10,000", "fm_coverage": "none"})
    assert row["verdict"] == "prove"
    assert row["would_change"].startswith("Keep once this is done: Run a rigorous evaluation")


# --- task words ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "task"), [
    ("Churn explainer", "language"), ("Fraud alert summarizer", "language"), ("Demand forecast narrative", "language"),
    ("Chat volume forecast", "forecasting"), ("Answer rate prediction", "tabular"),
    ("Churn propensity model", "tabular"),
])
def test_generated_output_nouns_win_over_classic_ml_words_but_not_as_modifiers(name, task):
    assert score_one(project=name)["task"] == task


def test_the_volume_chart_plots_a_volume_implied_by_measured_spend():
    from core import charts

    roadmap = load_rows(row_cells(project="Spend only", **CLEAN, api_spend_usd_per_month="$250,000"),
                        row_cells(project="Nothing", **CLEAN))
    scored = portfolio.score(roadmap.projects, config.defaults())
    data = charts.volume_vs_break_even(scored).to_dict()["datasets"]
    plotted = [r["project"] for rows in data.values() for r in rows if "project" in r]
    assert "Spend only" in plotted and "Nothing" not in plotted
