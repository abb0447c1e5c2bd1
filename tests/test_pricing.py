"""The cost model against worked examples computed by hand from the documented defaults (SPEC §4)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import load_rows, row_cells

from core import config
from core.pricing import price, yearly_costs

# The documented defaults (SPEC §4 table), typed in by hand so the arithmetic below is independent of the engine.
LOADED_FTE = 275_000
HORIZON = 3
LABEL_COST, LABEL_OVERHEAD = 1.00, 0.15
FT_RUNS, FT_RUN_COST = 10, 500
PRETRAIN = 1_000_000
GPU_HOUR, HOURS_PER_YEAR = 3.00, 8_760
MIN_GPUS = 2 * 1  # min replicas x GPUs per replica
GPU_TOKENS_S = 2_500 * 0.30  # throughput per GPU x utilization
PEAK = 2
MONITORING_YEAR = 500 * 12
CUSTOM_UPKEEP_YEAR = 1.0 * LOADED_FTE + 2 * FT_RUN_COST + MONITORING_YEAR  # ongoing FTE, 2 retrains, monitoring
API_BUILD = 2 / 12 * 1.5 * LOADED_FTE
RAG_INFRA_YEAR = 1_000 * 12
API_UPKEEP_YEAR = 0.3 * LOADED_FTE + MONITORING_YEAR
RAG_TOKENS = 2_000
PRICES = {"small": (0.10, 0.50), "mid": (1.0, 5.0), "frontier": (5.0, 25.0)}
DECLINE = 0.5
DECLINE_SUM = 1 + (1 - DECLINE) + (1 - DECLINE) ** 2  # years 1..3: full price, half, quarter


def terms(cfg=None, **cells) -> pd.Series:
    roadmap = load_rows(row_cells(**cells))
    return price(roadmap.projects, cfg or config.defaults()).iloc[0]


# Worked example: a proposed fine-tune, 6 months x 2 ML FTE, 4,000 labeled examples, 20,000 calls a day,
# 500 tokens in / 300 out, mid-tier API.
EXAMPLE = dict(status="proposed", build_months="6", ml_fte="2", training_examples="4,000", daily_calls="20,000",
               tokens_in_per_call="500", tokens_out_per_call="300", api_tier="mid")
BUILD_PEOPLE = 6 / 12 * 2 * LOADED_FTE  # 275,000
LABELING = (10_000 - 4_000) * LABEL_COST * (1 + LABEL_OVERHEAD)  # 6,900
COMPUTE = FT_RUNS * FT_RUN_COST  # 5,000
BUILD = BUILD_PEOPLE + LABELING + COMPUTE  # 286,900
# 20,000 x 300 / 86,400 = 69 tokens/s on average, x2 at peak = 139, well under one GPU: the 2-GPU floor applies.
SERVING_YEAR = MIN_GPUS * GPU_HOUR * HOURS_PER_YEAR  # 52,560
API_PER_CALL = ((500 + RAG_TOKENS) * 1.0 + 300 * 5.0) / 1e6  # $0.004
API_RUN_YEAR1 = 20_000 * 365 * API_PER_CALL  # 29,200
TCO_CUSTOM = BUILD + HORIZON * (SERVING_YEAR + CUSTOM_UPKEEP_YEAR)  # 1,290,580
TCO_API = API_BUILD + HORIZON * (RAG_INFRA_YEAR + API_UPKEEP_YEAR) + API_RUN_YEAR1 * DECLINE_SUM  # 421,350
CUSTOM_PER_CALL = 300 * PEAK / GPU_TOKENS_S * GPU_HOUR / 3600  # GPU-seconds per call at peak sizing, priced


def test_worked_example_custom_path():
    t = terms(**EXAMPLE)
    assert t["custom_build_usd"] == pytest.approx(286_900)
    assert t["build_people_usd"] == pytest.approx(BUILD_PEOPLE)
    assert t["labels_needed"] == 6_000
    assert t["build_labeling_usd"] == pytest.approx(LABELING)
    assert t["build_compute_usd"] == pytest.approx(COMPUTE)
    assert bool(t["build_estimated"]) is True
    assert t["custom_build_usd"] == pytest.approx(BUILD)
    assert t["serving_gpus"] == MIN_GPUS
    assert t["custom_serving_usd_per_year"] == pytest.approx(SERVING_YEAR)
    assert t["custom_maintenance_usd_per_year"] == pytest.approx(282_000)
    assert t["custom_maintenance_usd_per_year"] == pytest.approx(CUSTOM_UPKEEP_YEAR)


def test_worked_example_api_path():
    t = terms(**EXAMPLE)
    assert t["api_build_usd"] == pytest.approx(68_750)
    assert t["api_build_usd"] == pytest.approx(API_BUILD)
    assert t["api_cost_per_call_year1"] == pytest.approx(0.004)
    assert t["api_run_usd_year1"] == pytest.approx(29_200)
    assert t["rag_infra_usd_per_year"] == pytest.approx(RAG_INFRA_YEAR)
    assert t["api_upkeep_usd_per_year"] == pytest.approx(88_500)


def test_worked_example_totals_and_savings():
    t = terms(**EXAMPLE)
    assert t["tco_custom_usd"] == pytest.approx(1_290_580)
    assert t["tco_api_rag_usd"] == pytest.approx(421_350)
    assert t["tco_custom_usd"] == pytest.approx(TCO_CUSTOM)
    assert t["tco_api_rag_usd"] == pytest.approx(TCO_API)
    assert t["projected_savings_usd"] == pytest.approx(TCO_CUSTOM - TCO_API)  # 869,230
    # ML people: the build team plus one ongoing FTE for three years.
    assert t["ml_people_cost_usd"] == pytest.approx(BUILD_PEOPLE + HORIZON * 1.0 * LOADED_FTE)


def test_worked_example_break_even():
    t = terms(**EXAMPLE)
    fixed_custom = (BUILD / HORIZON + SERVING_YEAR + CUSTOM_UPKEEP_YEAR) / 365
    fixed_api = (API_BUILD / HORIZON + RAG_INFRA_YEAR + API_UPKEEP_YEAR) / 365
    gap = fixed_custom - fixed_api  # about $840 a day
    assert t["fixed_cost_gap_usd_per_day"] == pytest.approx(gap)
    assert t["custom_cost_per_call"] == pytest.approx(CUSTOM_PER_CALL)
    assert t["break_even_daily_calls"] == pytest.approx(gap / (API_PER_CALL - CUSTOM_PER_CALL))  # ~252,000
    last_year_price = API_PER_CALL * (1 - DECLINE) ** (HORIZON - 1)
    assert t["break_even_daily_calls_last_year"] == pytest.approx(gap / (last_year_price - CUSTOM_PER_CALL))


def test_yearly_costs_accumulate_to_the_totals():
    cfg = config.defaults()
    t = terms(**EXAMPLE)
    years = yearly_costs(t, cfg)
    assert years["year"].tolist() == [0, 1, 2, 3]
    custom = [BUILD + y * (SERVING_YEAR + CUSTOM_UPKEEP_YEAR) for y in range(4)]
    api_fixed = RAG_INFRA_YEAR + API_UPKEEP_YEAR
    api = [API_BUILD,
           API_BUILD + api_fixed + API_RUN_YEAR1,
           API_BUILD + 2 * api_fixed + API_RUN_YEAR1 * 1.5,
           API_BUILD + 3 * api_fixed + API_RUN_YEAR1 * 1.75]
    assert years["custom_usd"].tolist() == pytest.approx(custom)
    assert years["api_rag_usd"].tolist() == pytest.approx(api)
    assert years["custom_usd"].iloc[-1] == pytest.approx(t["tco_custom_usd"])
    assert years["api_rag_usd"].iloc[-1] == pytest.approx(t["tco_api_rag_usd"])


def test_live_projects_have_no_build_left():
    t = terms(**{**EXAMPLE, "status": "live", "spent_to_date_usd": "900,000"})
    assert t["custom_build_usd"] == 0
    assert t["tco_custom_usd"] == pytest.approx(HORIZON * (SERVING_YEAR + CUSTOM_UPKEEP_YEAR))
    assert t["ml_people_cost_usd"] == pytest.approx(HORIZON * LOADED_FTE)  # the build team is sunk too


@pytest.mark.parametrize(
    ("spent", "remaining"),
    [("0", BUILD), ("100,000", BUILD - 100_000), ("286,900", 0), ("500,000", 0), ("", BUILD)],
)
def test_in_progress_only_the_rest_of_the_build_counts(spent, remaining):
    t = terms(**{**EXAMPLE, "status": "in progress", "spent_to_date_usd": spent})
    assert t["custom_build_usd"] == pytest.approx(remaining)
    assert t["tco_custom_usd"] == pytest.approx(remaining + HORIZON * (SERVING_YEAR + CUSTOM_UPKEEP_YEAR))


def test_spent_to_date_is_ignored_for_proposed_projects():
    assert terms(**{**EXAMPLE, "spent_to_date_usd": "100k"})["custom_build_usd"] == pytest.approx(BUILD)


def test_a_planned_build_budget_overrides_the_estimate():
    t = terms(**{**EXAMPLE, "build_cost_usd": "$450,000"})
    assert bool(t["build_estimated"]) is False
    assert t["custom_build_usd"] == 450_000
    assert t["tco_custom_usd"] == pytest.approx(450_000 + HORIZON * (SERVING_YEAR + CUSTOM_UPKEEP_YEAR))
    in_progress = terms(**{**EXAMPLE, "build_cost_usd": "450k", "status": "in_progress", "spent_to_date_usd": "100k"})
    assert in_progress["custom_build_usd"] == 350_000


def test_blank_build_inputs_use_the_default_months_and_fte():
    t = terms(training_examples="10,000")
    assert t["build_people_usd"] == pytest.approx(6 / 12 * 2 * LOADED_FTE)
    assert t["labels_needed"] == 0
    assert t["build_labeling_usd"] == 0


def test_unknown_examples_count_as_none_to_label():
    t = terms()
    assert t["labels_needed"] == 10_000
    assert t["build_labeling_usd"] == pytest.approx(10_000 * LABEL_COST * (1 + LABEL_OVERHEAD))


def test_from_scratch_pays_pretraining_and_labels_up_to_its_own_threshold():
    t = terms(approach="train from scratch", training_examples="400,000", build_months="12", ml_fte="4")
    assert t["build_compute_usd"] == PRETRAIN
    assert t["labels_needed"] == 600_000
    expected = 12 / 12 * 4 * LOADED_FTE + 600_000 * LABEL_COST * (1 + LABEL_OVERHEAD) + PRETRAIN
    assert t["custom_build_usd"] == pytest.approx(expected)


def test_serving_gpus_scale_past_the_minimum_at_high_volume():
    t = terms(daily_calls="10M", tokens_out_per_call="300")
    peak_tokens_s = 10_000_000 * 300 / 86_400 * PEAK  # 69,444 tokens/s at peak
    gpus = math.ceil(peak_tokens_s / GPU_TOKENS_S)  # 92.6 -> 93
    assert gpus == 93
    assert t["serving_gpus"] == gpus
    assert t["custom_serving_usd_per_year"] == pytest.approx(93 * GPU_HOUR * HOURS_PER_YEAR)  # 2,444,040


def test_serving_stays_at_the_floor_just_below_it():
    # Just enough volume to need exactly the two floor GPUs at peak.
    calls = 2 * GPU_TOKENS_S / PEAK * 86_400 / 300  # 216,000 calls/day
    assert terms(daily_calls=f"{calls:.0f}")["serving_gpus"] == 2
    assert terms(daily_calls=f"{calls + 1000:.0f}")["serving_gpus"] == 3


@pytest.mark.parametrize("tier", ["small", "mid", "frontier"])
def test_api_price_per_tier(tier):
    price_in, price_out = PRICES[tier]
    t = terms(api_tier=tier, tokens_in_per_call="1,000", tokens_out_per_call="200", daily_calls="10,000")
    per_call = ((1_000 + RAG_TOKENS) * price_in + 200 * price_out) / 1e6
    assert t["api_cost_per_call_year1"] == pytest.approx(per_call)
    assert t["api_run_usd_year1"] == pytest.approx(10_000 * 365 * per_call)


def test_blank_tier_and_tokens_use_the_defaults_and_the_configured_tier():
    t = terms(daily_calls="1000")
    assert t["api_cost_per_call_year1"] == pytest.approx(((500 + RAG_TOKENS) * 1.0 + 300 * 5.0) / 1e6)
    frontier = terms(config.make({"default_api_tier": "frontier"}), daily_calls="1000")
    assert frontier["api_cost_per_call_year1"] == pytest.approx(((500 + RAG_TOKENS) * 5.0 + 300 * 25.0) / 1e6)


def test_config_overrides_move_every_term():
    cfg = config.make({"loaded_fte_cost_usd": 300_000, "horizon_years": 5, "api_price_decline": 0, "gpu_hour_usd": 2})
    t = terms(cfg, **EXAMPLE)
    build = 6 / 12 * 2 * 300_000 + LABELING + COMPUTE
    serving = 2 * 2.0 * HOURS_PER_YEAR
    upkeep = 300_000 + 2 * FT_RUN_COST + MONITORING_YEAR
    api_build = 2 / 12 * 1.5 * 300_000
    api_yearly = RAG_INFRA_YEAR + 0.3 * 300_000 + MONITORING_YEAR + API_RUN_YEAR1  # no price decline
    assert t["tco_custom_usd"] == pytest.approx(build + 5 * (serving + upkeep))
    assert t["tco_api_rag_usd"] == pytest.approx(api_build + 5 * api_yearly)


def test_savings_are_signed_when_the_custom_path_is_cheaper():
    # 5M calls a day on the frontier tier: paying per token costs far more than a small GPU fleet.
    t = terms(daily_calls="5M", api_tier="frontier")
    gpus = math.ceil(5_000_000 * 300 / 86_400 * PEAK / GPU_TOKENS_S)  # 47
    custom = BUILD_PEOPLE + 10_000 * LABEL_COST * (1 + LABEL_OVERHEAD) + COMPUTE + HORIZON * (
        gpus * GPU_HOUR * HOURS_PER_YEAR + CUSTOM_UPKEEP_YEAR)
    per_call = (2_500 * 5.0 + 300 * 25.0) / 1e6
    api = API_BUILD + HORIZON * (RAG_INFRA_YEAR + API_UPKEEP_YEAR) + 5_000_000 * 365 * per_call * DECLINE_SUM
    assert t["projected_savings_usd"] == pytest.approx(custom - api)
    assert t["projected_savings_usd"] < 0
    assert t["break_even_daily_calls"] < 5_000_000


# SPEC §4 worked check: defaults, an 8B-class model, 2,000 tokens in including the RAG context, 300 out, and enough
# training data that nothing needs labeling. Prompt tokens 0 + the 2,000 default RAG tokens = 2,000 in.
CHECK = dict(training_examples="10,000", tokens_in_per_call="0", tokens_out_per_call="300")


def test_spec_worked_check_fixed_cost_gap_is_about_835_a_day():
    t = terms(**CHECK, api_tier="mid")
    build = 6 / 12 * 2 * LOADED_FTE + 0 + COMPUTE  # 280,000
    fixed_custom = (build / 3 + 2 * 3.0 * 8_760 + CUSTOM_UPKEEP_YEAR) / 365  # (93,333 + 52,560 + 282,000) / 365
    fixed_api = (API_BUILD / 3 + RAG_INFRA_YEAR + API_UPKEEP_YEAR) / 365  # (22,917 + 12,000 + 88,500) / 365
    assert fixed_custom - fixed_api == pytest.approx(834.18, abs=0.01)
    assert t["fixed_cost_gap_usd_per_day"] == pytest.approx(835, abs=1.5)


def test_spec_worked_check_break_even_by_tier():
    gap = 834.18
    custom_per_call = 300 * 2 / 750 * 3.0 / 3600  # $0.000667
    mid = terms(**CHECK, api_tier="mid")["break_even_daily_calls"]
    frontier = terms(**CHECK, api_tier="frontier")["break_even_daily_calls"]
    small = terms(**CHECK, api_tier="small")["break_even_daily_calls"]
    assert mid == pytest.approx(gap / ((2_000 * 1.0 + 300 * 5.0) / 1e6 - custom_per_call), rel=1e-4)  # ~294,400
    assert 100_000 <= mid < 400_000  # "low hundreds of thousands"
    assert frontier == pytest.approx(gap / ((2_000 * 5.0 + 300 * 25.0) / 1e6 - custom_per_call), rel=1e-4)
    assert frontier == pytest.approx(50_000, rel=0.05)  # "about 50,000"
    # Small tier: $0.00035 a call, below the custom GPU cost of $0.00067 a call: never.
    assert math.isnan(small)


def test_break_even_is_zero_when_the_custom_path_has_no_fixed_cost_disadvantage():
    cfg = config.make({"custom_ongoing_fte": 0, "retrains_per_year": 0, "min_replicas": 1})
    t = terms(cfg, **CHECK, api_tier="frontier", status="live")
    # Live, no ongoing team: one GPU a year (26,280) + monitoring (6,000) is less than the API's fixed upkeep.
    assert (1 * GPU_HOUR * HOURS_PER_YEAR + MONITORING_YEAR) / 365 < (API_BUILD / 3 + RAG_INFRA_YEAR + API_UPKEEP_YEAR) / 365
    assert t["break_even_daily_calls"] == 0


def test_price_returns_one_row_per_project_in_order():
    roadmap = load_rows(row_cells(project="A", daily_calls="1"), row_cells(project="B", approach="API"),
                        row_cells(project="C", daily_calls="3"))
    out = price(roadmap.projects, config.defaults())
    assert list(out.index) == list(roadmap.projects.index)
    assert out["api_run_usd_year1"].tolist()[0] == pytest.approx(1 * 365 * 0.004)
    assert out["api_run_usd_year1"].tolist()[2] == pytest.approx(3 * 365 * 0.004)
