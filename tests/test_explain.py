"""Per-project explanations: the checklist of rules with their inputs, the verdict sentence, money for people."""

from __future__ import annotations

import pytest
from conftest import score_one

from core import config
from core.explain import checks, money_clause, usd, verdict_sentence
from core.judge import reasons


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "$0"),
        (999, "$999"),
        (12_400, "$12,400"),
        (350_000, "$350K"),
        (999_499, "$999K"),
        (999_500, "$1.0M"),  # not "$1000K"
        (1_000_000, "$1.0M"),  # the same one decimal as $1.2M beside it
        (1_200_000, "$1.2M"),
        (869_230, "$869K"),
        (999_950_000, "$1.0B"),  # not "$1000.0M"
        (2_500_000_000, "$2.5B"),
        (-340_032, "-$340K"),
        (-1_500_000, "-$1.5M"),
        (float("nan"), "unknown"),
        (None, "unknown"),
    ],
)
def test_usd(value, text):
    assert usd(value) == text


def test_checks_list_four_flags_then_three_justifications(cfg):
    row = score_one(training_examples="9,999", build_months="2", ops_budget_usd_per_year="1M", fm_coverage="none",
                    expected_annual_value_usd="100,000")
    out = checks(row, cfg)
    assert [(c.kind, c.name) for c in out] == [
        ("flag", "data"), ("flag", "treadmill"), ("flag", "maintenance"), ("flag", "talent"),
        ("justification", "domain"), ("justification", "scale"), ("justification", "regulatory"),
    ]
    status = {c.name: c.status for c in out}
    assert status == {"data": "fired", "treadmill": "clear", "maintenance": "clear", "talent": "fired",
                      "domain": "claimed", "scale": "not claimed", "regulatory": "not claimed"}
    text = reasons()
    for c in out:
        group = "flags" if c.kind == "flag" else "justifications"
        assert c.title == text[group][c.name]["title"]
        assert c.why == text[group][c.name]["why"]


def test_checks_show_the_inputs_and_thresholds_used(cfg):
    row = score_one(training_examples="9,999", build_months="", ops_budget_usd_per_year="")
    by_name = {c.name: c for c in checks(row, cfg)}
    data = by_name["data"]
    assert "10,000" in data.rule and "labeled examples" in data.rule
    assert data.inputs["training_examples"] == "9,999"
    assert "10,000" in data.change
    treadmill = by_name["treadmill"]
    assert treadmill.inputs["build_months"] == "6 (assumed)"
    assert "6 months" in treadmill.rule
    maintenance = by_name["maintenance"]
    assert maintenance.inputs["ops_budget_usd_per_year"] == "unknown"
    assert "$282K" in maintenance.rule and "50 %" in maintenance.rule
    assert maintenance.change == "Budget at least $141K a year for upkeep."


def test_checks_follow_the_configured_thresholds():
    cfg = config.make({"data_min_examples_fine_tune": 5_000, "treadmill_months": 4})
    row = score_one(cfg, training_examples="4,000")
    by_name = {c.name: c for c in checks(row, cfg)}
    assert "5,000" in by_name["data"].rule and "10,000" not in by_name["data"].rule
    assert "4 months" in by_name["treadmill"].rule
    scratch = {c.name: c for c in checks(score_one(approach="pretrain", model_size_b="13"), config.defaults())}
    # 20 tokens per parameter of a 13B model: 260 billion.
    assert "260,000,000,000" in scratch["data"].rule and "per parameter" in scratch["data"].rule
    assert scratch["data"].inputs == {"training_tokens": "unknown", "model_size_b": "13"}


def test_clear_flags_and_proven_justifications_need_no_change(cfg):
    row = score_one(training_examples="50,000", build_months="1", ops_budget_usd_per_year="1M",
                    regulatory_control="yes", regulation="HIPAA", compliance_confirmed="yes")
    by_name = {c.name: c for c in checks(row, cfg)}
    assert by_name["data"].change == "Nothing: this risk is not flagged."
    assert by_name["regulatory"].status == "proven"
    assert by_name["regulatory"].change == "Already proven."
    assert by_name["regulatory"].inputs == {"regulatory_control": "yes", "regulation": "HIPAA",
                                            "compliance_confirmed": "yes"}


def test_scale_check_shows_a_refuted_volume_claim_and_never(cfg):
    # A 2,000B model: each replica needs 64 GPUs, dearer than the small-tier calls it can serve.
    row = score_one(api_tier="small", daily_calls="1M", model_size_b="2000")
    scale = {c.name: c for c in checks(row, cfg)}["scale"]
    assert scale.status == "refuted"
    assert scale.inputs["break_even_daily_calls"] == "never"
    assert scale.inputs["daily_calls"] == "1,000,000"
    assert scale.change.startswith("At 1,000,000 calls a day the custom path costs $")
    assert scale.change.endswith("at no volume would it pay.")


def test_scale_check_shows_a_refuted_latency_claim(cfg):
    row = score_one(latency_target_ms="150", baseline_p95_ms="120")
    scale = {c.name: c for c in checks(row, cfg)}["scale"]
    assert scale.status == "refuted"
    assert "(120 ms p95) already meets the 150 ms target" in scale.change


def test_verdict_sentence_ok(cfg):
    row = score_one(project="Policy search", approach="API + RAG")
    assert verdict_sentence(row, cfg) == "Policy search already follows the recommended path (FM API + RAG); nothing to decide."


def test_verdict_sentence_kill_names_risks_and_savings(cfg):
    # The worked example of test_pricing: savings 1,153,119 - 542,327 = 610,792, of which people are
    # 275,000 + 275,000 x 2.577097 - (68,750 + 82,500 x 2.577097 + 22,916.67 x 1.651171) = 664,502.
    row = score_one(project="Claims bot", training_examples="4,000", daily_calls="20,000",
                    expected_annual_value_usd="100,000")
    sentence = verdict_sentence(row, cfg)
    assert sentence.startswith("Claims bot: kill. No exception applies.")
    assert "all four risks" in sentence
    assert ("FM API + RAG would cost $611K less over 3 years, all of it people: $665K, less $54K where the custom "
            "path costs less") in sentence
    assert sentence.endswith("Rescope to FM API + RAG on a mid-tier model.")


def test_verdict_sentence_prove_lists_the_claim_and_the_evidence(cfg):
    row = score_one(project="X", regulatory_control="yes")
    sentence = verdict_sentence(row, cfg)
    assert sentence.startswith("X: prove. It claims the regulatory exception but has not proven it.")
    assert ("Evidence needed: Name the regulation and the clause that requires control of the model. "
            "Get compliance or legal") in sentence
    assert sentence.endswith("meets the regulation.")


def test_verdict_sentence_keep_says_when_the_custom_path_is_cheaper(cfg):
    row = score_one(project="Claims router", daily_calls="5M", api_tier="frontier", training_examples="50,000",
                    build_months="2", ops_budget_usd_per_year="1M", expected_annual_value_usd="100,000")
    sentence = verdict_sentence(row, cfg)
    assert sentence.startswith("Claims router: keep. The scale exception is proven.")
    assert "the custom path is $" in sentence and "cheaper over 3 years" in sentence
    assert "1 of the four risks (expensive, scarce talent)" in sentence
    assert sentence.endswith("Keep the custom model; fix first: expensive, scarce talent.")


def test_verdict_sentence_out_of_scope_says_why_and_from_which_words(cfg):
    row = score_one(project="Card fraud scoring", description="Real-time authorization fraud score")
    assert verdict_sentence(row, cfg) == (
        "Card fraud scoring: out of scope. Its task is tabular scoring (inferred from 'fraud', 'scoring', 'score'), "
        "a classic ML task: the build-trap rules do not apply; judge it on its own business case.")
    given = score_one(project="Weekly volumes", task="forecasting")
    assert "Its task is forecasting (given in the roadmap)" in verdict_sentence(given, cfg)


def test_verdict_sentence_names_a_refuted_volume_claim(cfg):
    row = score_one(project="Router", api_tier="small", daily_calls="1M", model_size_b="2000")
    assert "Its volume claim is refuted: at 1,000,000 calls a day the custom path costs more, and at no volume " \
           "would it pay." in verdict_sentence(row, cfg)


def test_a_one_year_horizon_is_said_in_the_singular():
    cfg1 = config.make({"horizon_years": 1})
    row = score_one(cfg1, project="Claims bot", training_examples="4,000", daily_calls="20,000")
    sentence = verdict_sentence(row, cfg1)
    assert "over 1 year" in sentence and "1 years" not in sentence


@pytest.mark.parametrize(("parts", "said"), [
    ((4_200_000, 300_000, -150_000, 50_000), "mostly people: $4.2M of $4.4M"),
    ((100_000, 4_000_000, 250_000, 50_000), "mostly serving and compute: $4.0M of $4.4M"),
    ((4_800_000, 150_000, -500_000, -50_000), "all of it people: $4.8M, less $0.4M where the custom path costs less"),
])
def test_the_money_clause_names_the_largest_part_and_never_more_of_less(cfg, parts, said):
    import pandas as pd

    row = pd.Series({"projected_savings_usd": float(sum(parts)), "break_even_daily_calls": 1_000.0,
                     **{f"savings_{p}_usd": float(v) for p, v in zip(("people", "serving", "api", "other"), parts,
                                                                      strict=True)}})
    assert money_clause(row, cfg) == f"FM API + RAG would cost $4.4M less over 3 years, {said}"


def test_the_split_reads_in_one_money_style_and_the_card_says_it_once():
    import pandas as pd

    from core.explain import split_line
    from ui.costs import card_lines

    row = pd.Series({"projected_savings_usd": 4_396_122.8, "savings_people_usd": 4_842_790.8,
                     "savings_serving_usd": 188_766.1, "savings_api_usd": -599_805.7, "savings_other_usd": -35_628.4,
                     "break_even_daily_calls": 413_611.0, "would_change": ""})
    # Not "$4.8M · $189K · -$600K · -$35,628": one scale, with two decimals so the smallest part is not $0.0M.
    assert split_line(row) == "people $4.84M · serving and compute $0.19M · API -$0.60M · other costs -$0.04M"
    assert card_lines(row) == ["All of it people: \\$4.84M, less \\$0.45M where the custom path costs less (people "
                               "\\$4.84M · serving and compute \\$0.19M · API -\\$0.60M · other costs -\\$0.04M)."]
    assert split_line(pd.Series({**row, "projected_savings_usd": float("nan")})) == ""
