"""The cost model against worked examples computed by hand from the documented defaults (SPEC §4, v3 §4v3)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import load_rows, row_cells, score_one

from core import config
from core.pricing import break_even, price, yearly_costs
from core.serving import break_even_two_fleets

# The documented defaults (SPEC §4 table, §4v3 and assumptions.yaml), typed in by hand so the arithmetic below is
# independent of the engine.
LOADED_FTE = 275_000
HORIZON = 3
RATE = 0.08  # discount rate: a cost in year t counts 1 / 1.08^t today
LABEL_COST, LABEL_OVERHEAD = 1.00, 0.15
FT_RUNS, FT_RUN_COST = 10, 500
PRETRAIN_FALLBACK = 1_000_000
GPU_HOUR, HOURS_PER_YEAR = 3.95, 8_760
MIN_REPLICAS = 2
DECODE_8B, PREFILL_8B = 14_000, 50_000  # FP8 on one H100
TARGET_LOAD, PEAK = 0.8, 2
MONITORING_YEAR = 500 * 12
CUSTOM_UPKEEP_YEAR = 1.0 * LOADED_FTE + 2 * FT_RUN_COST + MONITORING_YEAR  # ongoing FTE, 2 retrains, monitoring
API_BUILD = 2 / 12 * 1.5 * LOADED_FTE
RAG_INFRA_YEAR = 1_000 * 12
API_UPKEEP_YEAR = 0.3 * LOADED_FTE + MONITORING_YEAR
RAG_TOKENS = 2_000
RETRIEVAL_PER_CALL = 0.10 / 1_000
MIGRATION_YEAR = 1.0 / 12 * LOADED_FTE  # one FTE-month a year, charged from year 2
PRICES = {"small": (0.75, 4.50), "mid": (2.50, 15.0), "frontier": (5.0, 25.0)}
API_DECLINE, GPU_DECLINE = 0.15, 0.25
D1, D2, D3 = 1 / 1.08, 1 / 1.08**2, 1 / 1.08**3  # 0.925926, 0.857339, 0.793832
Y_CONST = D1 + D2 + D3  # 2.577097: three equal yearly costs today
Y_API = D1 + 0.85 * D2 + 0.85**2 * D3  # 2.228208: at the same-tier decline
Y_GPU = D1 + 0.75 * D2 + 0.75**2 * D3  # 2.015461
Y_MIG = D2 + D3  # 1.651171: migrations in years 2 and 3
API_FIXED = API_BUILD + Y_CONST * (RAG_INFRA_YEAR + API_UPKEEP_YEAR) + Y_MIG * MIGRATION_YEAR  # 365,587.9


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
# One GPU holds 8B x 1 byte (FP8) x 1.5 = 12 GB. A call takes 500/50,000 + 300/14,000 = 0.031429 GPU-seconds, so a
# replica serves 86,400 x 0.8 / (0.031429 x 2) = 1,099,636 calls a day: 20,000 calls stay on the 2-replica floor.
GPU_SECONDS = 500 / PREFILL_8B + 300 / DECODE_8B
CAPACITY = 86_400 * TARGET_LOAD / (GPU_SECONDS * PEAK)
SERVING_YEAR = MIN_REPLICAS * GPU_HOUR * HOURS_PER_YEAR  # 69,204 in year 1
API_PER_CALL = ((500 + RAG_TOKENS) * 2.50 + 300 * 15.0) / 1e6  # $0.01075
API_RUN_YEAR1 = 20_000 * 365 * API_PER_CALL  # 78,475
RETRIEVAL_YEAR = 20_000 * 365 * RETRIEVAL_PER_CALL  # 730
TCO_CUSTOM = BUILD + SERVING_YEAR * Y_GPU + Y_CONST * CUSTOM_UPKEEP_YEAR
TCO_API = API_FIXED + API_RUN_YEAR1 * Y_API + Y_CONST * RETRIEVAL_YEAR


def test_worked_example_custom_path():
    t = terms(**EXAMPLE)
    assert t["build_people_usd"] == pytest.approx(BUILD_PEOPLE)
    assert t["labels_needed"] == 6_000
    assert t["build_labeling_usd"] == pytest.approx(LABELING)
    assert t["build_compute_usd"] == pytest.approx(COMPUTE)
    assert bool(t["build_estimated"]) is True
    assert t["custom_build_usd"] == pytest.approx(286_900)
    assert t["gpus_per_replica"] == 1
    assert t["gpu_seconds_per_call"] == pytest.approx(0.0314286, abs=1e-7)
    assert t["replica_capacity_daily_calls"] == pytest.approx(1_099_636, abs=1)
    assert t["replicas"] == 2
    assert t["serving_gpus"] == 2
    assert t["custom_serving_usd_per_year"] == pytest.approx(69_204)
    assert t["custom_maintenance_usd_per_year"] == pytest.approx(282_000)


def test_worked_example_api_path():
    t = terms(**EXAMPLE)
    assert t["api_build_usd"] == pytest.approx(68_750)
    assert t["api_cost_per_call_year1"] == pytest.approx(0.01075)
    assert t["api_run_usd_year1"] == pytest.approx(78_475)
    assert t["retrieval_usd_per_year"] == pytest.approx(730)
    assert t["rag_infra_usd_per_year"] == pytest.approx(RAG_INFRA_YEAR)
    assert t["api_upkeep_usd_per_year"] == pytest.approx(88_500)
    assert t["api_migration_usd_per_year"] == pytest.approx(22_916.67, abs=0.01)


def test_worked_example_totals_and_savings():
    t = terms(**EXAMPLE)
    # 286,900 + 69,204 x 2.015461 + 282,000 x 2.577097 = 286,900 + 139,478 + 726,741 = 1,153,119
    assert t["tco_custom_usd"] == pytest.approx(1_153_119, abs=1)
    assert t["tco_custom_usd"] == pytest.approx(TCO_CUSTOM)
    # 68,750 + 100,500 x 2.577097 + 22,916.67 x 1.651171 + 78,475 x 2.228208 + 730 x 2.577097
    assert t["tco_api_rag_usd"] == pytest.approx(542_327, abs=1)
    assert t["tco_api_rag_usd"] == pytest.approx(TCO_API)
    assert t["projected_savings_usd"] == pytest.approx(TCO_CUSTOM - TCO_API)
    # ML people: the build team plus one ongoing FTE for three years (the talent flag's figure, undiscounted).
    assert t["ml_people_cost_usd"] == pytest.approx(BUILD_PEOPLE + HORIZON * 1.0 * LOADED_FTE)
    assert t["build_ml_people_usd"] == pytest.approx(BUILD_PEOPLE)


def test_savings_split_into_four_parts_that_sum_to_the_saving():
    t = terms(**EXAMPLE)
    people = BUILD_PEOPLE + LOADED_FTE * Y_CONST - (API_BUILD + 0.3 * LOADED_FTE * Y_CONST + MIGRATION_YEAR * Y_MIG)
    serving = COMPUTE + SERVING_YEAR * Y_GPU + 2 * FT_RUN_COST * Y_CONST
    api = -API_RUN_YEAR1 * Y_API
    other = LABELING + MONITORING_YEAR * Y_CONST - (RAG_INFRA_YEAR + RETRIEVAL_YEAR + MONITORING_YEAR) * Y_CONST
    assert t["savings_people_usd"] == pytest.approx(people)
    assert t["savings_serving_usd"] == pytest.approx(serving)
    assert t["savings_api_usd"] == pytest.approx(api)
    assert t["savings_other_usd"] == pytest.approx(other)
    assert people + serving + api + other == pytest.approx(t["projected_savings_usd"])
    assert api < 0 < people  # parts may be negative


def test_a_planned_budget_is_split_in_the_estimates_proportions():
    t = terms(**{**EXAMPLE, "build_cost_usd": "573,800"})  # twice the estimate
    assert t["custom_people_usd"] == pytest.approx(2 * BUILD_PEOPLE + LOADED_FTE * Y_CONST)
    parts = sum(t[f"savings_{p}_usd"] for p in ("people", "serving", "api", "other"))
    assert parts == pytest.approx(t["projected_savings_usd"])


def test_without_discounting_the_totals_are_plain_sums():
    cfg = config.make({"discount_rate": 0})
    t = terms(cfg, **EXAMPLE)
    custom = BUILD + SERVING_YEAR * (1 + 0.75 + 0.75**2) + 3 * CUSTOM_UPKEEP_YEAR  # 1,292,934.25
    api = (API_BUILD + 3 * (RAG_INFRA_YEAR + API_UPKEEP_YEAR + RETRIEVAL_YEAR) + 2 * MIGRATION_YEAR
           + API_RUN_YEAR1 * (1 + 0.85 + 0.85**2))
    assert t["tco_custom_usd"] == pytest.approx(custom)
    assert custom == pytest.approx(1_292_934.25)
    assert t["tco_api_rag_usd"] == pytest.approx(api)
    assert terms(**EXAMPLE)["tco_custom_usd"] < custom  # 8 % a year makes later years count less


def test_yearly_costs_accumulate_to_the_totals():
    cfg = config.defaults()
    t = terms(**EXAMPLE)
    years = yearly_costs(t, cfg)
    assert years["year"].tolist() == [0, 1, 2, 3]
    custom = [BUILD]
    api = [API_BUILD]
    for year, d in ((1, D1), (2, D2), (3, D3)):
        custom.append(custom[-1] + d * (SERVING_YEAR * 0.75 ** (year - 1) + CUSTOM_UPKEEP_YEAR))
        api.append(api[-1] + d * (RAG_INFRA_YEAR + API_UPKEEP_YEAR + RETRIEVAL_YEAR + API_RUN_YEAR1 * 0.85 ** (year - 1)
                                  + (MIGRATION_YEAR if year > 1 else 0)))
    assert years["custom_usd"].tolist() == pytest.approx(custom)
    assert years["api_rag_usd"].tolist() == pytest.approx(api)
    assert years["custom_usd"].iloc[-1] == pytest.approx(t["tco_custom_usd"])
    assert years["api_rag_usd"].iloc[-1] == pytest.approx(t["tco_api_rag_usd"])
    assert years["self_hosted_usd"].iloc[-1] == pytest.approx(t["tco_self_hosted_usd"])


def test_live_projects_have_no_build_left():
    t = terms(**{**EXAMPLE, "status": "live", "spent_to_date_usd": "900,000"})
    assert t["custom_build_usd"] == 0
    assert t["tco_custom_usd"] == pytest.approx(SERVING_YEAR * Y_GPU + Y_CONST * CUSTOM_UPKEEP_YEAR)
    assert t["ml_people_cost_usd"] == pytest.approx(HORIZON * LOADED_FTE)  # the build team is sunk too
    assert t["build_ml_people_usd"] == 0


@pytest.mark.parametrize(
    ("spent", "remaining"),
    [("0", BUILD), ("100,000", BUILD - 100_000), ("286,900", 0), ("500,000", 0), ("", BUILD)],
)
def test_in_progress_only_the_rest_of_the_build_counts(spent, remaining):
    t = terms(**{**EXAMPLE, "status": "in progress", "spent_to_date_usd": spent})
    assert t["custom_build_usd"] == pytest.approx(remaining)
    assert t["tco_custom_usd"] == pytest.approx(remaining + SERVING_YEAR * Y_GPU + Y_CONST * CUSTOM_UPKEEP_YEAR)


def test_spent_to_date_is_ignored_for_proposed_projects():
    assert terms(**{**EXAMPLE, "spent_to_date_usd": "100k"})["custom_build_usd"] == pytest.approx(BUILD)


def test_a_planned_build_budget_overrides_the_estimate():
    t = terms(**{**EXAMPLE, "build_cost_usd": "$450,000"})
    assert bool(t["build_estimated"]) is False
    assert t["custom_build_usd"] == 450_000
    assert t["tco_custom_usd"] == pytest.approx(450_000 + SERVING_YEAR * Y_GPU + Y_CONST * CUSTOM_UPKEEP_YEAR)
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
    # 989e12 x 0.40 = 3.956e14 FLOP/s, so 7.68e21 / 3.956e14 / 3,600 = 5,392.6 GPU-hours; x $3.95 x 2 (experiments).
    t = terms(approach="train from scratch", model_size_b="8", training_tokens="160B", build_months="12", ml_fte="4")
    gpu_hours = 6 * 8e9 * 160e9 / (989e12 * 0.40) / 3600
    assert gpu_hours == pytest.approx(5_392.6, abs=0.1)
    assert t["pretraining_gpu_hours"] == pytest.approx(gpu_hours)
    assert t["build_compute_usd"] == pytest.approx(gpu_hours * 3.95 * 2.0)  # about $42,602
    assert t["labels_needed"] == 0  # pretraining learns from raw text; nothing to label
    assert t["custom_build_usd"] == pytest.approx(12 / 12 * 4 * LOADED_FTE + gpu_hours * 7.9)


def test_from_scratch_falls_back_to_the_flat_figure_without_size_or_tokens():
    assert terms(approach="pretrain", training_tokens="1T")["build_compute_usd"] == PRETRAIN_FALLBACK
    assert terms(approach="pretrain", model_size_b="13")["build_compute_usd"] == PRETRAIN_FALLBACK
    assert math.isnan(terms(approach="pretrain")["pretraining_gpu_hours"])


def test_from_scratch_compute_follows_its_assumptions():
    cfg = config.make({"pretraining_mfu": 0.2, "pretraining_experiments_multiplier": 1, "gpu_peak_tflops": 500})
    t = terms(cfg, approach="pretrain", model_size_b="70", training_tokens="2T")  # trillion
    assert t["build_compute_usd"] == pytest.approx(6 * 70e9 * 2e12 / (500e12 * 0.2) / 3600 * 3.95)


# --- serving: GPUs per replica, phase throughputs, replicas at the peak, market check (SPEC §4v3) ---------------


@pytest.mark.parametrize(("size", "gpus"), [("8", 1), ("13", 1), ("53", 1), ("54", 2), ("70", 2), ("106", 2),
                                             ("107", 4), ("405", 8)])
def test_gpus_per_replica_hold_the_fp8_weights_plus_headroom(size, gpus):
    # 1 byte a parameter (FP8) x 1.5 on 80 GB GPUs: 53B fits one (79.5 GB), 54B needs two; 70B needs 105 GB -> 2;
    # 107B needs 160.5 GB -> 3 -> 4 (a power of two); 405B needs 607.5 GB -> 8.
    assert terms(model_size_b=size)["gpus_per_replica"] == gpus


def test_bf16_doubles_the_weights_and_slows_every_gpu():
    cfg = config.make({"serving_precision": "bf16"})
    t = terms(cfg, model_size_b="70", tokens_in_per_call="500", tokens_out_per_call="300", daily_calls="1")
    assert t["gpus_per_replica"] == 4  # 210 GB -> 3 -> 4
    scale = 8 / 70 * 0.6
    assert t["gpu_seconds_per_call"] == pytest.approx(500 / (PREFILL_8B * scale) + 300 / (DECODE_8B * scale))


def test_throughput_per_gpu_falls_with_model_size():
    # A 70B model on 2 GPUs: each GPU runs 8/70 of the 8B rates, so a call costs 500/5,714.3 + 300/1,600 =
    # 0.275 GPU-seconds and a 2-GPU replica serves 2 x 86,400 x 0.8 / (0.275 x 2) = 251,345 calls a day.
    t = terms(model_size_b="70", tokens_in_per_call="500", tokens_out_per_call="300", daily_calls="600,000")
    gpu_seconds = 500 / (PREFILL_8B * 8 / 70) + 300 / (DECODE_8B * 8 / 70)
    assert gpu_seconds == pytest.approx(0.275)
    assert t["gpu_seconds_per_call"] == pytest.approx(gpu_seconds)
    capacity = 2 * 86_400 * 0.8 / (gpu_seconds * 2)
    assert t["replica_capacity_daily_calls"] == pytest.approx(capacity)
    assert capacity == pytest.approx(251_345.5, abs=0.1)
    assert t["replicas"] == 3  # ceil(600,000 / 251,345)
    assert t["serving_gpus"] == 6
    assert t["custom_serving_usd_per_year"] == pytest.approx(6 * GPU_HOUR * HOURS_PER_YEAR)


def test_prompt_tokens_count_at_the_prefill_rate():
    short = terms(tokens_in_per_call="0", daily_calls="1")
    long = terms(tokens_in_per_call="20,000", daily_calls="1")
    assert long["gpu_seconds_per_call"] - short["gpu_seconds_per_call"] == pytest.approx(20_000 / 50_000)


def test_a_tighter_latency_target_serves_at_the_lower_throughput():
    loose = terms(latency_target_ms="2000", daily_calls="1")
    tight = terms(latency_target_ms="1999", daily_calls="1")
    assert loose["gpu_seconds_per_call"] == pytest.approx(GPU_SECONDS)
    assert tight["gpu_seconds_per_call"] == pytest.approx(GPU_SECONDS / 0.55)


def test_serving_replicas_scale_past_the_minimum_at_high_volume():
    t = terms(daily_calls="10M", tokens_in_per_call="500", tokens_out_per_call="300")
    replicas = math.ceil(10_000_000 / CAPACITY)  # 9.09 -> 10
    assert replicas == 10
    assert t["replicas"] == replicas
    assert t["custom_serving_usd_per_year"] == pytest.approx(10 * GPU_HOUR * HOURS_PER_YEAR)
    # Implied average utilization: 10M calls x 0.031429 s over 10 GPUs x 86,400 s = 36.4 %.
    assert t["implied_utilization"] == pytest.approx(10_000_000 * GPU_SECONDS / (10 * 86_400))


def test_serving_stays_at_the_floor_up_to_its_capacity():
    at_floor = 2 * CAPACITY
    assert terms(daily_calls=f"{math.floor(at_floor)}", tokens_in_per_call="500")["replicas"] == 2
    assert terms(daily_calls=f"{math.ceil(at_floor) + 1}", tokens_in_per_call="500")["replicas"] == 3


def test_the_committed_price_basis_takes_its_discount_off_every_gpu_hour():
    cfg = config.make({"gpu_price_basis": "committed_1y"})
    t = terms(cfg, **EXAMPLE)
    assert t["custom_serving_usd_per_year"] == pytest.approx(2 * 3.95 * 0.60 * HOURS_PER_YEAR)


def test_market_check_8b_at_full_capacity_is_inside_its_band():
    # $3.95 an hour over 14,000 output tokens a second at 80 % load: 3.95 / 3,600 / 11,200 x 1e6 = $0.098 per 1M,
    # inside the $0.03-$0.83 that ~20 providers charge for Llama 3.1 8B (market.yaml).
    from core.serving import market_bands

    t = terms(daily_calls="20,000")
    full = GPU_HOUR / 3600 / (DECODE_8B * TARGET_LOAD) * 1e6
    assert full == pytest.approx(0.098, abs=0.001)
    assert t["serving_usd_per_m_output_full"] == pytest.approx(full)
    band = market_bands()[int(t["market_band"])]
    assert band["size_b"] == 8
    assert band["low_usd_per_m_output"] <= t["serving_usd_per_m_output_full"] <= band["high_usd_per_m_output"]
    # At the project's own 20,000 calls a day the 2-replica floor sits mostly idle: 69,204 a year over
    # 20,000 x 365 x 300 output tokens = $31.6 per 1M.
    assert t["serving_usd_per_m_output_at_volume"] == pytest.approx(69_204 / (20_000 * 365 * 300) * 1e6)


def test_market_check_70b_is_above_its_band_and_the_readme_says_why():
    from core.serving import market_bands

    t = terms(model_size_b="70", daily_calls="1")
    full = GPU_HOUR / 3600 / (DECODE_8B * 8 / 70 * TARGET_LOAD) * 1e6  # $0.857 per 1M
    assert t["serving_usd_per_m_output_full"] == pytest.approx(full)
    band = market_bands()[int(t["market_band"])]
    assert band["size_b"] == 70
    assert t["serving_usd_per_m_output_full"] > band["high_usd_per_m_output"]


# --- volume: unknown is not zero; measured spend ------------------------------------------------------------------


def test_blank_volume_leaves_totals_blank_and_keeps_the_break_even():
    t = terms(**{**EXAMPLE, "daily_calls": ""})
    assert t["money_status_code"] == 1  # needs_volume
    for col in ("tco_custom_usd", "tco_api_rag_usd", "tco_self_hosted_usd", "projected_savings_usd",
                "savings_people_usd", "savings_api_usd"):
        assert math.isnan(t[col]), col
    assert t["break_even_daily_calls"] == pytest.approx(terms(**EXAMPLE)["break_even_daily_calls"])


def test_measured_spend_replaces_the_token_estimate():
    t = terms(**{**EXAMPLE, "api_spend_usd_per_month": "$10,000"})
    assert bool(t["api_spend_measured"]) is True
    assert t["money_status_code"] == 0  # priced: the volume is given
    assert t["api_run_usd_year1"] == pytest.approx(120_000)
    assert t["tco_api_rag_usd"] == pytest.approx(TCO_API - API_RUN_YEAR1 * Y_API + 120_000 * Y_API)


def test_measured_spend_without_volume_implies_it():
    t = terms(**{**EXAMPLE, "daily_calls": "", "api_spend_usd_per_month": "250k"})
    assert t["money_status_code"] == 2  # implied_from_spend
    implied = 250_000 * 12 / 365 / API_PER_CALL  # 764,574 calls a day
    assert t["daily_calls_used"] == pytest.approx(implied)
    assert t["api_run_usd_year1"] == pytest.approx(3_000_000)
    assert t["replicas"] == 2  # still on the floor
    assert not math.isnan(t["projected_savings_usd"])


def test_savings_with_the_owners_ops_budget_sit_beside_ours():
    t = terms(**{**EXAMPLE, "ops_budget_usd_per_year": "100,000"})
    assert t["savings_with_ops_budget_usd"] == pytest.approx(t["projected_savings_usd"]
                                                             - (CUSTOM_UPKEEP_YEAR - 100_000) * Y_CONST)
    assert math.isnan(terms(**EXAMPLE)["savings_with_ops_budget_usd"])


# --- the third path: a stock open-weight model, self-hosted with RAG ------------------------------------------------


REGULATED = dict(EXAMPLE, regulatory_control="yes", regulation="HIPAA", compliance_confirmed="yes")


def test_self_hosted_path_serves_the_stock_70b_with_rag_and_no_training():
    t = terms(**REGULATED)
    # 70B at FP8 on 2 GPUs; its prompt carries the 2,000 retrieved tokens: (500 + 2,000) / 5,714.3 + 300 / 1,600.
    gpu_seconds = 2_500 / (PREFILL_8B * 8 / 70) + 300 / (DECODE_8B * 8 / 70)  # 0.625
    capacity = 2 * 86_400 * 0.8 / (gpu_seconds * 2)  # 110,592 a day
    assert t["sh_replica_capacity_daily_calls"] == pytest.approx(capacity)
    assert t["sh_replicas"] == 2
    serving = 2 * 2 * GPU_HOUR * HOURS_PER_YEAR
    total = API_BUILD + (RAG_INFRA_YEAR + API_UPKEEP_YEAR + RETRIEVAL_YEAR) * Y_CONST + serving * Y_GPU
    assert t["tco_self_hosted_usd"] == pytest.approx(total)
    assert bool(t["comparison_is_self_hosted"]) is True
    assert t["projected_savings_usd"] == pytest.approx(TCO_CUSTOM - total)
    assert not bool(terms(**{**REGULATED, "compliance_confirmed": "no"})["comparison_is_self_hosted"])


def test_break_even_against_the_self_hosted_path_is_where_savings_reach_zero():
    t = terms(**REGULATED)
    be = t["break_even_daily_calls"]
    assert not math.isnan(be)
    at = terms(**{**REGULATED, "daily_calls": f"{be + 0.01:.4f}"})
    assert at["projected_savings_usd"] <= 1e-6 * at["tco_custom_usd"]
    below = terms(**{**REGULATED, "daily_calls": f"{be * 0.97:.4f}"})
    assert below["projected_savings_usd"] > 0


def test_two_fleet_break_even_walks_both_step_functions():
    # savings(V) = 500 + 10 ceil(V / 100) - 60 ceil(V / 10) with both floors at 1 replica and no per-call cost:
    # up to 10 calls 500 + 10 - 60 = 450; each 10 calls more adds a comparison replica (-60), each 100 a custom
    # replica (+10). Just past 80 calls: 500 + 10 - 540 = -30 <= 0; just past 70: 500 + 10 - 480 = 30 > 0.
    be = break_even_two_fleets(np.array([500.0]), np.array([10.0]), np.array([100.0]), np.array([60.0]),
                               np.array([10.0]), np.array([0.0]), 1)
    assert be[0] == pytest.approx(80.0)
    assert be[0] > 80.0
    # A comparison fleet cheaper per call than the custom one never lets the custom path catch up.
    never = break_even_two_fleets(np.array([500.0]), np.array([60.0]), np.array([10.0]), np.array([10.0]),
                                  np.array([100.0]), np.array([0.0]), 1)
    assert math.isnan(never[0])


# --- modalities and per-task retrieval ------------------------------------------------------------------------------


def test_vision_calls_carry_an_image_and_no_retrieval():
    # "X-ray" is a vision word: 1 image x 1,600 tokens joins the 500 prompt tokens on both paths; no document
    # index to search, so no RAG context, no retrieval per call and no RAG infrastructure.
    t = terms(project="Chest X-ray reader", daily_calls="1000", tokens_in_per_call="500")
    assert t["modality_tokens_per_call"] == 1_600
    assert t["rag_context_tokens_used"] == 0
    assert t["api_cost_per_call_year1"] == pytest.approx(((500 + 1_600) * 2.50 + 300 * 15.0) / 1e6)
    assert t["retrieval_usd_per_year"] == 0
    assert t["rag_infra_usd_per_year"] == 0
    assert t["gpu_seconds_per_call"] == pytest.approx((500 + 1_600) / 50_000 + 300 / 14_000)


def test_speech_apis_are_priced_per_audio_minute():
    cfg = config.make({"audio_minutes_per_call": 3})
    t = terms(cfg, project="Clinic dictation", task="speech", daily_calls="1000", tokens_in_per_call="0")
    assert t["modality_tokens_per_call"] == 3 * 1_920  # the custom model still reads the audio as tokens
    assert t["api_cost_per_call_year1"] == pytest.approx(3 * 0.006)  # gpt-4o-transcribe, per minute
    assert t["api_run_usd_year1"] == pytest.approx(1_000 * 365 * 0.018)


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
    assert t["api_cost_per_call_year1"] == pytest.approx(((500 + RAG_TOKENS) * 2.50 + 300 * 15.0) / 1e6)
    frontier = terms(config.make({"default_api_tier": "frontier"}), daily_calls="1000")
    assert frontier["api_cost_per_call_year1"] == pytest.approx(((500 + RAG_TOKENS) * 5.0 + 300 * 25.0) / 1e6)


def test_retrieval_is_charged_per_call_every_year():
    t = terms(daily_calls="50,000")
    assert t["retrieval_usd_per_year"] == pytest.approx(50_000 * 365 * 0.10 / 1_000)  # 1,825
    pricier = terms(config.make({"retrieval_usd_per_1000_calls": 1.0}), daily_calls="50,000")
    assert pricier["tco_api_rag_usd"] - t["tco_api_rag_usd"] == pytest.approx(Y_CONST * 50_000 * 365 * 0.90 / 1_000)


def test_staying_on_one_model_means_no_decline_and_no_migration():
    cfg = config.make({"api_model_policy": "stay"})
    t = terms(cfg, **EXAMPLE)
    assert t["api_migration_usd_per_year"] == 0
    expected = API_BUILD + Y_CONST * (RAG_INFRA_YEAR + API_UPKEEP_YEAR + API_RUN_YEAR1 + RETRIEVAL_YEAR)
    assert t["tco_api_rag_usd"] == pytest.approx(expected)


def test_gpu_prices_decline_too():
    flat = terms(config.make({"gpu_price_decline": 0}), **EXAMPLE)
    assert flat["tco_custom_usd"] == pytest.approx(BUILD + Y_CONST * (SERVING_YEAR + CUSTOM_UPKEEP_YEAR))
    assert terms(**EXAMPLE)["tco_custom_usd"] < flat["tco_custom_usd"]


def test_config_overrides_move_every_term():
    cfg = config.make({"loaded_fte_cost_usd": 300_000, "horizon_years": 5, "api_price_decline": 0,
                       "gpu_price_decline": 0, "gpu_hour_usd": 2, "discount_rate": 0})
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
    replicas = math.ceil(5_000_000 / CAPACITY)  # 4.5 -> 5
    custom = BUILD_PEOPLE + 10_000 * LABEL_COST * (1 + LABEL_OVERHEAD) + COMPUTE + (
        replicas * GPU_HOUR * HOURS_PER_YEAR * Y_GPU + Y_CONST * CUSTOM_UPKEEP_YEAR)
    per_call = (2_500 * 5.0 + 300 * 25.0) / 1e6
    api = API_FIXED + 5_000_000 * 365 * (per_call * Y_API + Y_CONST * RETRIEVAL_PER_CALL)
    assert t["projected_savings_usd"] == pytest.approx(custom - api)
    assert t["projected_savings_usd"] < 0
    assert t["break_even_daily_calls"] < 5_000_000


# --- break-even on the same cost functions ----------------------------------------------------------------------------


# SPEC §4 worked check: defaults, an 8B-class model, 2,000 tokens in including the RAG context, 300 out, and enough
# training data that nothing needs labeling. Prompt tokens 0 + the 2,000 default RAG tokens = 2,000 in on the API;
# the fine-tuned model reads no retrieved context, so its calls are 300 output tokens.
CHECK = dict(training_examples="10,000", tokens_in_per_call="0", tokens_out_per_call="300")
CHECK_BUILD = 6 / 12 * 2 * LOADED_FTE + COMPUTE  # 280,000
CHECK_CAPACITY = 86_400 * TARGET_LOAD / (300 / DECODE_8B * PEAK)  # 1,612,800 calls a day per 1-GPU replica
PER_REPLICA = 1 * GPU_HOUR * HOURS_PER_YEAR * Y_GPU  # 69,739 over 3 years, today's money
CHECK_GAP = CHECK_BUILD + Y_CONST * CUSTOM_UPKEEP_YEAR - API_FIXED  # 641,153 before serving


def _api_per_daily_call(tier: str) -> float:
    price_in, price_out = PRICES[tier]
    per_call = (2_000 * price_in + 300 * price_out) / 1e6
    return 365 * (per_call * Y_API + Y_CONST * RETRIEVAL_PER_CALL)


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


def test_spec_worked_check_v3_mid_tier():
    # 3-year totals today at V calls a day: custom 1,006,741 + 69,739 x replicas(V); FM 365,588 + 7.8203 x V.
    # A replica serves 1.6M calls a day, so the meeting point lies on the 2-replica floor:
    # (641,153 + 2 x 69,739) / 7.8203 = 99,820 calls a day.
    c = _api_per_daily_call("mid")
    assert c == pytest.approx(7.8203, abs=1e-4)
    gap = CHECK_GAP
    assert gap == pytest.approx(641_153, abs=1)
    by_hand = (CHECK_GAP + 2 * PER_REPLICA) / c
    assert by_hand < 2 * CHECK_CAPACITY
    assert by_hand == pytest.approx(99_820, abs=1)
    t = terms(**CHECK, api_tier="mid")
    assert t["break_even_daily_calls"] == pytest.approx(by_hand)


def test_spec_worked_check_v3_frontier_and_small_tiers():
    frontier = (CHECK_GAP + 2 * PER_REPLICA) / _api_per_daily_call("frontier")  # on the floor
    assert frontier == pytest.approx(54_488, abs=1)
    assert terms(**CHECK, api_tier="frontier")["break_even_daily_calls"] == pytest.approx(frontier)
    # Small tier: v2 said never (a replica's worth of calls earned less API spend than the replica cost); at market
    # serving a replica's 1.6M calls a day save 1.6M x 2.412 = $3.9M of API spend against $69,739, so it pays.
    small = (CHECK_GAP + 2 * PER_REPLICA) / _api_per_daily_call("small")
    assert small == pytest.approx(323_650, abs=1)
    assert terms(**CHECK, api_tier="small")["break_even_daily_calls"] == pytest.approx(small)


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
    # Live, no ongoing team: one GPU over 3 years (69,739) + monitoring (15,463) is below the API's fixed costs.
    assert 1 * GPU_HOUR * HOURS_PER_YEAR * Y_GPU + Y_CONST * MONITORING_YEAR < API_FIXED
    assert t["break_even_daily_calls"] == 0


def test_scored_break_even_is_blank_off_the_judged_rows():
    assert math.isnan(score_one(approach="API", daily_calls="1M")["break_even_daily_calls"])
    assert math.isnan(score_one(project="Churn propensity model", daily_calls="1M")["break_even_daily_calls"])


def test_price_returns_one_row_per_project_in_order():
    roadmap = load_rows(row_cells(project="A", daily_calls="1"), row_cells(project="B", approach="API"),
                        row_cells(project="C", daily_calls="3"))
    out = price(roadmap.projects, config.defaults())
    assert list(out.index) == list(roadmap.projects.index)
    assert out["api_run_usd_year1"].tolist()[0] == pytest.approx(1 * 365 * 0.01075)
    assert out["api_run_usd_year1"].tolist()[2] == pytest.approx(3 * 365 * 0.01075)


def test_market_check_70b_on_the_committed_basis_is_inside_its_band():
    # The README's claim: with a one-year commitment (40 % off) a 70B model costs $0.51 per 1M output tokens.
    t = terms(config.make({"gpu_price_basis": "committed_1y"}), model_size_b="70", daily_calls="1")
    assert t["serving_usd_per_m_output_full"] == pytest.approx(3.95 * 0.6 / 3600 / (14_000 * 8 / 70 * 0.8) * 1e6)
    assert 0.32 <= t["serving_usd_per_m_output_full"] <= 0.72
