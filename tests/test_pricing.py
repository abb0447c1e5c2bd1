"""The cost model against worked examples computed by hand from the documented defaults (SPEC §4, v2)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import load_rows, row_cells, score_one

from core import config
from core.pricing import break_even, price, yearly_costs

# The documented defaults (SPEC §4 table and assumptions.yaml), typed in by hand so the arithmetic below is
# independent of the engine.
LOADED_FTE = 275_000
HORIZON = 3
LABEL_COST, LABEL_OVERHEAD = 1.00, 0.15
FT_RUNS, FT_RUN_COST = 10, 500
PRETRAIN_FALLBACK = 1_000_000
GPU_HOUR, HOURS_PER_YEAR = 3.00, 8_760
MIN_REPLICAS = 2
DECODE_8B, PREFILL_8B, UTILIZATION = 2_500, 20_000, 0.30
PEAK = 2
MONITORING_YEAR = 500 * 12
CUSTOM_UPKEEP_YEAR = 1.0 * LOADED_FTE + 2 * FT_RUN_COST + MONITORING_YEAR  # ongoing FTE, 2 retrains, monitoring
API_BUILD = 2 / 12 * 1.5 * LOADED_FTE
RAG_INFRA_YEAR = 1_000 * 12
API_UPKEEP_YEAR = 0.3 * LOADED_FTE + MONITORING_YEAR
RAG_TOKENS = 2_000
RETRIEVAL_PER_CALL = 0.10 / 1_000
MIGRATION_YEAR = 1.0 / 12 * LOADED_FTE  # one FTE-month a year, charged from year 2
PRICES = {"small": (0.10, 0.50), "mid": (1.0, 5.0), "frontier": (5.0, 25.0)}
API_DECLINE, GPU_DECLINE = 0.15, 0.25
API_SUM = 1 + 0.85 + 0.85**2  # 2.5725: years 1..3 at the same-tier decline
GPU_SUM = 1 + 0.75 + 0.75**2  # 2.3125
API_FIXED = API_BUILD + HORIZON * (RAG_INFRA_YEAR + API_UPKEEP_YEAR) + (HORIZON - 1) * MIGRATION_YEAR  # 416,083.33


def terms(cfg=None, **cells) -> pd.Series:
    roadmap = load_rows(row_cells(**cells))
    return price(roadmap.projects, cfg or config.defaults()).iloc[0]


# Worked example: a proposed fine-tune, 6 months x 2 ML FTE, 4,000 labeled examples, 20,000 calls a day,
# 500 tokens in / 300 out, mid-tier API, an 8B model (the default size).
EXAMPLE = dict(status="proposed", build_months="6", ml_fte="2", training_examples="4,000", daily_calls="20,000",
               tokens_in_per_call="500", tokens_out_per_call="300", api_tier="mid")
BUILD_PEOPLE = 6 / 12 * 2 * LOADED_FTE  # 275,000
LABELING = (10_000 - 4_000) * LABEL_COST * (1 + LABEL_OVERHEAD)  # 6,900
COMPUTE = FT_RUNS * FT_RUN_COST  # 5,000
BUILD = BUILD_PEOPLE + LABELING + COMPUTE  # 286,900
# One GPU holds 8B x 2 bytes x 1.5 = 24 GB. A call takes 500/20,000 + 300/2,500 = 0.145 GPU-seconds, so a replica
# serves 86,400 x 0.30 / (0.145 x 2) = 89,379 calls a day at peak: 20,000 calls stay on the 2-replica floor.
GPU_SECONDS = 500 / PREFILL_8B + 300 / DECODE_8B
CAPACITY = 86_400 * UTILIZATION / (GPU_SECONDS * PEAK)
SERVING_YEAR = MIN_REPLICAS * GPU_HOUR * HOURS_PER_YEAR  # 52,560 in year 1
API_PER_CALL = ((500 + RAG_TOKENS) * 1.0 + 300 * 5.0) / 1e6  # $0.004
API_RUN_YEAR1 = 20_000 * 365 * API_PER_CALL  # 29,200
RETRIEVAL_YEAR = 20_000 * 365 * RETRIEVAL_PER_CALL  # 730
TCO_CUSTOM = BUILD + SERVING_YEAR * GPU_SUM + HORIZON * CUSTOM_UPKEEP_YEAR  # 1,254,445
TCO_API = API_FIXED + API_RUN_YEAR1 * API_SUM + HORIZON * RETRIEVAL_YEAR  # 493,390.33


def test_worked_example_custom_path():
    t = terms(**EXAMPLE)
    assert t["build_people_usd"] == pytest.approx(BUILD_PEOPLE)
    assert t["labels_needed"] == 6_000
    assert t["build_labeling_usd"] == pytest.approx(LABELING)
    assert t["build_compute_usd"] == pytest.approx(COMPUTE)
    assert bool(t["build_estimated"]) is True
    assert t["custom_build_usd"] == pytest.approx(286_900)
    assert t["gpus_per_replica"] == 1
    assert t["gpu_seconds_per_call"] == pytest.approx(0.145)
    assert t["replica_capacity_daily_calls"] == pytest.approx(CAPACITY)
    assert t["replicas"] == 2
    assert t["serving_gpus"] == 2
    assert t["custom_serving_usd_per_year"] == pytest.approx(52_560)
    assert t["custom_maintenance_usd_per_year"] == pytest.approx(282_000)


def test_worked_example_api_path():
    t = terms(**EXAMPLE)
    assert t["api_build_usd"] == pytest.approx(68_750)
    assert t["api_cost_per_call_year1"] == pytest.approx(0.004)
    assert t["api_run_usd_year1"] == pytest.approx(29_200)
    assert t["retrieval_usd_per_year"] == pytest.approx(730)
    assert t["rag_infra_usd_per_year"] == pytest.approx(RAG_INFRA_YEAR)
    assert t["api_upkeep_usd_per_year"] == pytest.approx(88_500)
    assert t["api_migration_usd_per_year"] == pytest.approx(22_916.67, abs=0.01)


def test_worked_example_totals_and_savings():
    t = terms(**EXAMPLE)
    # 286,900 + 52,560 x 2.3125 + 3 x 282,000
    assert t["tco_custom_usd"] == pytest.approx(1_254_445)
    assert t["tco_custom_usd"] == pytest.approx(TCO_CUSTOM)
    # 68,750 + 3 x 100,500 + 2 x 22,916.67 + 29,200 x 2.5725 + 3 x 730
    assert t["tco_api_rag_usd"] == pytest.approx(493_390.33, abs=0.01)
    assert t["tco_api_rag_usd"] == pytest.approx(TCO_API)
    assert t["projected_savings_usd"] == pytest.approx(TCO_CUSTOM - TCO_API)  # 761,054.67
    # ML people: the build team plus one ongoing FTE for three years.
    assert t["ml_people_cost_usd"] == pytest.approx(BUILD_PEOPLE + HORIZON * 1.0 * LOADED_FTE)
    assert t["build_ml_people_usd"] == pytest.approx(BUILD_PEOPLE)


def test_yearly_costs_accumulate_to_the_totals():
    cfg = config.defaults()
    t = terms(**EXAMPLE)
    years = yearly_costs(t, cfg)
    assert years["year"].tolist() == [0, 1, 2, 3]
    custom = [BUILD]
    api = [API_BUILD]
    for year in (1, 2, 3):
        custom.append(custom[-1] + SERVING_YEAR * 0.75 ** (year - 1) + CUSTOM_UPKEEP_YEAR)
        api.append(api[-1] + RAG_INFRA_YEAR + API_UPKEEP_YEAR + RETRIEVAL_YEAR + API_RUN_YEAR1 * 0.85 ** (year - 1)
                   + (MIGRATION_YEAR if year > 1 else 0))
    assert years["custom_usd"].tolist() == pytest.approx(custom)
    assert years["api_rag_usd"].tolist() == pytest.approx(api)
    assert years["custom_usd"].iloc[-1] == pytest.approx(t["tco_custom_usd"])
    assert years["api_rag_usd"].iloc[-1] == pytest.approx(t["tco_api_rag_usd"])


def test_live_projects_have_no_build_left():
    t = terms(**{**EXAMPLE, "status": "live", "spent_to_date_usd": "900,000"})
    assert t["custom_build_usd"] == 0
    assert t["tco_custom_usd"] == pytest.approx(SERVING_YEAR * GPU_SUM + HORIZON * CUSTOM_UPKEEP_YEAR)
    assert t["ml_people_cost_usd"] == pytest.approx(HORIZON * LOADED_FTE)  # the build team is sunk too
    assert t["build_ml_people_usd"] == 0


@pytest.mark.parametrize(
    ("spent", "remaining"),
    [("0", BUILD), ("100,000", BUILD - 100_000), ("286,900", 0), ("500,000", 0), ("", BUILD)],
)
def test_in_progress_only_the_rest_of_the_build_counts(spent, remaining):
    t = terms(**{**EXAMPLE, "status": "in progress", "spent_to_date_usd": spent})
    assert t["custom_build_usd"] == pytest.approx(remaining)
    assert t["tco_custom_usd"] == pytest.approx(remaining + SERVING_YEAR * GPU_SUM + HORIZON * CUSTOM_UPKEEP_YEAR)


def test_spent_to_date_is_ignored_for_proposed_projects():
    assert terms(**{**EXAMPLE, "spent_to_date_usd": "100k"})["custom_build_usd"] == pytest.approx(BUILD)


def test_a_planned_build_budget_overrides_the_estimate():
    t = terms(**{**EXAMPLE, "build_cost_usd": "$450,000"})
    assert bool(t["build_estimated"]) is False
    assert t["custom_build_usd"] == 450_000
    assert t["tco_custom_usd"] == pytest.approx(450_000 + SERVING_YEAR * GPU_SUM + HORIZON * CUSTOM_UPKEEP_YEAR)
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


# --- from scratch: 6 x N x D -------------------------------------------------------------------------------------


def test_from_scratch_compute_is_six_n_d_at_the_sustained_gpu_rate():
    # 8B parameters on 160B tokens (20 per parameter): 6 x 8e9 x 1.6e11 = 7.68e21 FLOPs. An H100 sustains
    # 989e12 x 0.40 = 3.956e14 FLOP/s, so 7.68e21 / 3.956e14 / 3,600 = 5,392.6 GPU-hours; x $3 x 2 (experiments).
    t = terms(approach="train from scratch", model_size_b="8", training_tokens="160B", build_months="12", ml_fte="4")
    gpu_hours = 6 * 8e9 * 160e9 / (989e12 * 0.40) / 3600
    assert gpu_hours == pytest.approx(5_392.6, abs=0.1)
    assert t["pretraining_gpu_hours"] == pytest.approx(gpu_hours)
    assert t["build_compute_usd"] == pytest.approx(gpu_hours * 3.0 * 2.0)  # about $32,356
    assert t["labels_needed"] == 0  # pretraining learns from raw text; nothing to label
    assert t["custom_build_usd"] == pytest.approx(12 / 12 * 4 * LOADED_FTE + gpu_hours * 6.0)


def test_from_scratch_falls_back_to_the_flat_figure_without_size_or_tokens():
    assert terms(approach="pretrain", training_tokens="1T")["build_compute_usd"] == PRETRAIN_FALLBACK
    assert terms(approach="pretrain", model_size_b="13")["build_compute_usd"] == PRETRAIN_FALLBACK
    assert math.isnan(terms(approach="pretrain")["pretraining_gpu_hours"])


def test_from_scratch_compute_follows_its_assumptions():
    cfg = config.make({"pretraining_mfu": 0.2, "pretraining_experiments_multiplier": 1, "gpu_peak_tflops": 500})
    t = terms(cfg, approach="pretrain", model_size_b="70", training_tokens="2T")  # trillion
    assert t["build_compute_usd"] == pytest.approx(6 * 70e9 * 2e12 / (500e12 * 0.2) / 3600 * 3.0)


# --- serving: GPUs per replica, throughput by size, prefill -------------------------------------------------------


@pytest.mark.parametrize(("size", "gpus"), [("8", 1), ("13", 1), ("26", 1), ("27", 2), ("34", 2), ("70", 4),
                                             ("405", 16)])
def test_gpus_per_replica_hold_the_weights_plus_headroom(size, gpus):
    # 2 bytes a parameter x 1.5 on 80 GB GPUs: 26B fits one (78 GB), 27B needs two; 70B needs 210 GB -> 3 -> 4
    # (a power of two); 405B needs 1,215 GB -> 16.
    assert terms(model_size_b=size)["gpus_per_replica"] == gpus


def test_throughput_per_gpu_falls_with_model_size():
    # A 70B model on 4 GPUs: each GPU runs 8/70 of the 8B rates, so a call costs 70/8 x 0.145 GPU-seconds and a
    # 4-GPU replica serves 4 x 86,400 x 0.30 / (70/8 x 0.145 x 2) = 40,859 calls a day at peak.
    t = terms(model_size_b="70", tokens_in_per_call="500", tokens_out_per_call="300", daily_calls="100,000")
    gpu_seconds = 500 / (20_000 * 8 / 70) + 300 / (2_500 * 8 / 70)
    assert t["gpu_seconds_per_call"] == pytest.approx(gpu_seconds)
    capacity = 4 * 86_400 * 0.30 / (gpu_seconds * 2)
    assert t["replica_capacity_daily_calls"] == pytest.approx(capacity)
    assert capacity == pytest.approx(40_859.1, abs=0.1)
    assert t["replicas"] == 3  # ceil(100,000 / 40,859)
    assert t["serving_gpus"] == 12
    assert t["custom_serving_usd_per_year"] == pytest.approx(12 * GPU_HOUR * HOURS_PER_YEAR)


def test_prefill_tokens_count_toward_serving():
    short = terms(tokens_in_per_call="0", daily_calls="1")
    long = terms(tokens_in_per_call="20,000", daily_calls="1")
    assert long["gpu_seconds_per_call"] - short["gpu_seconds_per_call"] == pytest.approx(20_000 / 20_000)


def test_serving_replicas_scale_past_the_minimum_at_high_volume():
    t = terms(daily_calls="10M", tokens_in_per_call="500", tokens_out_per_call="300")
    replicas = math.ceil(10_000_000 / CAPACITY)  # 111.9 -> 112
    assert replicas == 112
    assert t["replicas"] == replicas
    assert t["custom_serving_usd_per_year"] == pytest.approx(112 * GPU_HOUR * HOURS_PER_YEAR)


def test_serving_stays_at_the_floor_up_to_its_capacity():
    at_floor = 2 * CAPACITY
    assert terms(daily_calls=f"{math.floor(at_floor)}", tokens_in_per_call="500")["replicas"] == 2
    assert terms(daily_calls=f"{math.ceil(at_floor) + 1}", tokens_in_per_call="500")["replicas"] == 3


# --- modalities --------------------------------------------------------------------------------------------------


def test_vision_calls_carry_an_image_as_input_tokens():
    # "X-ray" is a vision word: 1 image x 1,600 tokens joins the 500 prompt tokens on both paths.
    t = terms(project="Chest X-ray reader", daily_calls="1000", tokens_in_per_call="500")
    assert t["modality_tokens_per_call"] == 1_600
    assert t["api_cost_per_call_year1"] == pytest.approx(((500 + RAG_TOKENS + 1_600) * 1.0 + 300 * 5.0) / 1e6)
    assert t["gpu_seconds_per_call"] == pytest.approx((500 + 1_600) / 20_000 + 300 / 2_500)


def test_speech_calls_carry_their_audio_minutes_as_input_tokens():
    cfg = config.make({"audio_minutes_per_call": 3})
    t = terms(cfg, project="Clinic dictation", task="speech", daily_calls="1000", tokens_in_per_call="0")
    assert t["modality_tokens_per_call"] == 3 * 1_920
    assert t["api_cost_per_call_year1"] == pytest.approx(((RAG_TOKENS + 5_760) * 1.0 + 300 * 5.0) / 1e6)


# --- API path: tiers, retrieval, migration, decline ----------------------------------------------------------------


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


def test_retrieval_is_charged_per_call_every_year():
    t = terms(daily_calls="50,000")
    assert t["retrieval_usd_per_year"] == pytest.approx(50_000 * 365 * 0.10 / 1_000)  # 1,825
    pricier = terms(config.make({"retrieval_usd_per_1000_calls": 1.0}), daily_calls="50,000")
    assert pricier["tco_api_rag_usd"] - t["tco_api_rag_usd"] == pytest.approx(3 * 50_000 * 365 * 0.90 / 1_000)


def test_staying_on_one_model_means_no_decline_and_no_migration():
    cfg = config.make({"api_model_policy": "stay"})
    t = terms(cfg, **EXAMPLE)
    assert t["api_migration_usd_per_year"] == 0
    expected = API_BUILD + HORIZON * (RAG_INFRA_YEAR + API_UPKEEP_YEAR + API_RUN_YEAR1 + RETRIEVAL_YEAR)
    assert t["tco_api_rag_usd"] == pytest.approx(expected)


def test_gpu_prices_decline_too():
    flat = terms(config.make({"gpu_price_decline": 0}), **EXAMPLE)
    assert flat["tco_custom_usd"] == pytest.approx(BUILD + HORIZON * (SERVING_YEAR + CUSTOM_UPKEEP_YEAR))
    assert terms(**EXAMPLE)["tco_custom_usd"] < flat["tco_custom_usd"]


def test_config_overrides_move_every_term():
    cfg = config.make({"loaded_fte_cost_usd": 300_000, "horizon_years": 5, "api_price_decline": 0,
                       "gpu_price_decline": 0, "gpu_hour_usd": 2})
    t = terms(cfg, **EXAMPLE)
    build = 6 / 12 * 2 * 300_000 + LABELING + COMPUTE
    serving = 2 * 2.0 * HOURS_PER_YEAR
    upkeep = 300_000 + 2 * FT_RUN_COST + MONITORING_YEAR
    api_build = 2 / 12 * 1.5 * 300_000
    api_yearly = RAG_INFRA_YEAR + 0.3 * 300_000 + MONITORING_YEAR + API_RUN_YEAR1 + RETRIEVAL_YEAR
    assert t["tco_custom_usd"] == pytest.approx(build + 5 * (serving + upkeep))
    assert t["tco_api_rag_usd"] == pytest.approx(api_build + 5 * api_yearly + 4 * 300_000 / 12)


def test_savings_are_signed_when_the_custom_path_is_cheaper():
    # 5M calls a day on the frontier tier: paying per token costs far more than a small GPU fleet.
    t = terms(daily_calls="5M", api_tier="frontier", tokens_in_per_call="500")
    replicas = math.ceil(5_000_000 / CAPACITY)  # 56
    custom = BUILD_PEOPLE + 10_000 * LABEL_COST * (1 + LABEL_OVERHEAD) + COMPUTE + (
        replicas * GPU_HOUR * HOURS_PER_YEAR * GPU_SUM + HORIZON * CUSTOM_UPKEEP_YEAR)
    per_call = (2_500 * 5.0 + 300 * 25.0) / 1e6
    api = API_FIXED + 5_000_000 * 365 * (per_call * API_SUM + HORIZON * RETRIEVAL_PER_CALL)
    assert t["projected_savings_usd"] == pytest.approx(custom - api)
    assert t["projected_savings_usd"] < 0
    assert t["break_even_daily_calls"] < 5_000_000


# --- break-even on the same cost functions ----------------------------------------------------------------------------


# SPEC §4 worked check: defaults, an 8B-class model, 2,000 tokens in including the RAG context, 300 out, and enough
# training data that nothing needs labeling. Prompt tokens 0 + the 2,000 default RAG tokens = 2,000 in.
CHECK = dict(training_examples="10,000", tokens_in_per_call="0", tokens_out_per_call="300")
CHECK_BUILD = 6 / 12 * 2 * LOADED_FTE + COMPUTE  # 280,000
CHECK_CAPACITY = 86_400 * 0.30 / (300 / 2_500 * 2)  # 108,000 calls a day per 1-GPU replica
PER_REPLICA = 1 * GPU_HOUR * HOURS_PER_YEAR * GPU_SUM  # 60,772.50 over 3 years
CHECK_GAP = CHECK_BUILD + HORIZON * CUSTOM_UPKEEP_YEAR - API_FIXED  # 709,916.67 before serving


def _api_per_daily_call(tier: str) -> float:
    price_in, price_out = PRICES[tier]
    per_call = (2_000 * price_in + 300 * price_out) / 1e6
    return 365 * (per_call * API_SUM + HORIZON * RETRIEVAL_PER_CALL)


def test_spec_worked_check_v1_figures():
    # v1 (SPEC §4 as first written): the fixed cost gap per day with the build spread over 3 years, no GPU decline,
    # API prices halving each year, serving counted on output tokens only; year-1 break-even.
    fixed_custom = (CHECK_BUILD / 3 + 2 * 3.0 * 8_760 + CUSTOM_UPKEEP_YEAR) / 365
    fixed_api = (API_BUILD / 3 + RAG_INFRA_YEAR + API_UPKEEP_YEAR) / 365
    gap = fixed_custom - fixed_api
    assert gap == pytest.approx(834.18, abs=0.01)
    custom_per_call = 300 * 2 / 750 * 3.0 / 3600
    assert gap / ((2_000 * 1.0 + 300 * 5.0) / 1e6 - custom_per_call) == pytest.approx(294_417, abs=1)
    assert gap / ((2_000 * 5.0 + 300 * 25.0) / 1e6 - custom_per_call) == pytest.approx(49_555, abs=1)


def test_spec_worked_check_v2_mid_tier():
    # 3-year totals at V calls a day: custom 1,126,000 + 60,772.50 x replicas(V); FM 416,083.33 + 3.3959 x V.
    # On the 2-replica floor (up to 216,000 a day) they meet at (709,916.67 + 121,545) / 3.3959 = 244,845: past the
    # floor, so not there. With 3 replicas (216,000-324,000) they meet at (709,916.67 + 182,317.50) / 3.3959 = 262,741.
    c = _api_per_daily_call("mid")
    assert c == pytest.approx(3.39586875)
    gap = CHECK_GAP
    assert gap == pytest.approx(709_916.67, abs=0.01)
    assert (CHECK_GAP + 2 * PER_REPLICA) / c > 2 * CHECK_CAPACITY
    by_hand = (CHECK_GAP + 3 * PER_REPLICA) / c
    assert by_hand == pytest.approx(262_741, abs=1)
    t = terms(**CHECK, api_tier="mid")
    assert t["break_even_daily_calls"] == pytest.approx(by_hand)


def test_spec_worked_check_v2_frontier_and_small_tiers():
    frontier = (CHECK_GAP + 2 * PER_REPLICA) / _api_per_daily_call("frontier")  # on the floor
    assert frontier == pytest.approx(50_266, abs=1)
    assert terms(**CHECK, api_tier="frontier")["break_even_daily_calls"] == pytest.approx(frontier)
    # Small tier: a full replica of calls (108,000 a day) earns 108,000 x 0.4381 = $47,319 of API spend over
    # 3 years, less than the $60,772.50 the replica costs, so more volume never catches up: never.
    assert CHECK_CAPACITY * _api_per_daily_call("small") < PER_REPLICA
    assert math.isnan(terms(**CHECK, api_tier="small")["break_even_daily_calls"])


@pytest.mark.parametrize("cells", [
    dict(CHECK, api_tier="mid"),
    dict(CHECK, api_tier="frontier"),
    dict(EXAMPLE),
    dict(EXAMPLE, api_tier="frontier", model_size_b="70"),
    dict(EXAMPLE, status="live", build_cost_usd="2M"),
    dict(EXAMPLE, tokens_in_per_call="8,000", api_tier="frontier", model_size_b="34"),
])
def test_a_project_at_its_break_even_shows_zero_savings(cells):
    be = terms(**cells)["break_even_daily_calls"]
    assert not math.isnan(be)
    at = terms(**{**cells, "daily_calls": f"{be:.4f}"})
    assert abs(at["projected_savings_usd"]) < 0.01 * at["tco_custom_usd"]
    below = terms(**{**cells, "daily_calls": f"{be * 0.97:.4f}"})
    assert below["projected_savings_usd"] > 0  # just below it, custom still costs more


def test_break_even_is_the_smallest_volume_on_the_step_function():
    # savings(V) = 150 + 100 * max(1, ceil(V / 10)) - 12 * V: one replica to 10 calls, then +100 for each 10 more.
    # Each full replica of calls saves 120 - 100 = 20, so the end of segment k has savings 150 - 20k: first <= 0 at
    # k = 8 (70-80 calls), where 150 + 800 - 12V = 0 at V = 79.17. Segment 7 still ends at 150 - 140 = 10 > 0.
    be = break_even(np.array([150.0]), np.array([100.0]), np.array([12.0]), np.array([10.0]), 1)
    assert be[0] == pytest.approx(950 / 12)
    grid = np.arange(0, 100, 0.01)
    savings = 150 + 100 * np.maximum(1, np.ceil(grid / 10)) - 12 * grid
    assert grid[np.argmax(savings <= 1e-9)] == pytest.approx(950 / 12, abs=0.01)
    # When a full replica of calls saves less than the replica costs, no volume pays: never.
    assert math.isnan(break_even(np.array([150.0]), np.array([100.0]), np.array([9.0]), np.array([10.0]), 1)[0])


def test_break_even_is_zero_when_the_custom_path_has_no_fixed_cost_disadvantage():
    cfg = config.make({"custom_ongoing_fte": 0, "retrains_per_year": 0, "min_replicas": 1})
    t = terms(cfg, **CHECK, api_tier="frontier", status="live")
    # Live, no ongoing team: one GPU over 3 years (60,772.50) + monitoring (18,000) is below the API's fixed costs.
    assert 1 * GPU_HOUR * HOURS_PER_YEAR * GPU_SUM + 3 * MONITORING_YEAR < API_FIXED
    assert t["break_even_daily_calls"] == 0


def test_scored_break_even_is_blank_off_the_judged_rows():
    assert math.isnan(score_one(approach="API", daily_calls="1M")["break_even_daily_calls"])
    assert math.isnan(score_one(project="Churn propensity model", daily_calls="1M")["break_even_daily_calls"])


def test_price_returns_one_row_per_project_in_order():
    roadmap = load_rows(row_cells(project="A", daily_calls="1"), row_cells(project="B", approach="API"),
                        row_cells(project="C", daily_calls="3"))
    out = price(roadmap.projects, config.defaults())
    assert list(out.index) == list(roadmap.projects.index)
    assert out["api_run_usd_year1"].tolist()[0] == pytest.approx(1 * 365 * 0.004)
    assert out["api_run_usd_year1"].tolist()[2] == pytest.approx(3 * 365 * 0.004)
