"""The two paths' costs (custom model vs FM API + RAG) over the horizon, term by term, vectorized.

Every term is its own column so the project view can show it; money already spent is sunk and
never counted. Year t runs from 1 to the horizon; API prices fall by the yearly decline from year 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.config import Assumptions

HOURS_PER_YEAR = 8760.0
SECONDS_PER_DAY = 86400.0
TIERS = ("small", "mid", "frontier")


def _fill(s: pd.Series, default: float) -> np.ndarray:
    return s.fillna(default).to_numpy(dtype="float64")


def price(projects: pd.DataFrame, cfg: Assumptions) -> pd.DataFrame:
    """Cost terms of both paths for every project (custom or not), one row per project."""
    a = cfg
    h = float(a.horizon_years)
    loaded = a.loaded_fte_cost_usd
    approach = projects["approach"].to_numpy(dtype=object)
    scratch = approach == "from_scratch"
    status = projects["status"].fillna("proposed").to_numpy(dtype=object)

    months = _fill(projects["build_months"], a.custom_build_months)
    fte = _fill(projects["ml_fte"], a.custom_ml_fte)
    examples = _fill(projects["training_examples"], 0.0)
    target = np.where(scratch, a.data_min_examples_from_scratch, a.data_min_examples_fine_tune)
    calls = _fill(projects["daily_calls"], 0.0)
    t_in = _fill(projects["tokens_in_per_call"], a.default_tokens_in)
    t_out = _fill(projects["tokens_out_per_call"], a.default_tokens_out)
    tier = projects["api_tier"].fillna(a.default_api_tier).to_numpy(dtype=object)

    # Columns are collected as arrays and framed once: a DataFrame insert per term costs more than the maths.
    out: dict[str, np.ndarray | float] = {}
    out["build_people_usd"] = months / 12.0 * fte * loaded
    out["labels_needed"] = np.maximum(0.0, target - examples)
    out["build_labeling_usd"] = out["labels_needed"] * a.label_cost_usd * (1.0 + a.label_overhead)
    out["build_compute_usd"] = np.where(scratch, a.pretraining_compute_usd, a.finetune_runs * a.finetune_run_cost_usd)
    estimate = out["build_people_usd"] + out["build_labeling_usd"] + out["build_compute_usd"]
    planned = projects["build_cost_usd"].to_numpy(dtype="float64")
    out["build_estimated"] = np.isnan(planned)
    build = np.where(np.isnan(planned), estimate, planned)
    spent = _fill(projects["spent_to_date_usd"], 0.0)
    build = np.where(status == "in_progress", np.maximum(0.0, build - spent), build)
    out["custom_build_usd"] = np.where(status == "live", 0.0, build)

    # Serving: enough GPUs for peak output tokens, never fewer than the minimum replicas.
    avg_tok_s = calls * t_out / SECONDS_PER_DAY
    per_gpu = a.throughput_tokens_per_gpu_s * a.gpu_utilization
    needed = np.ceil(avg_tok_s * a.peak_factor / per_gpu)
    floor = a.min_replicas * a.gpus_per_replica
    out["serving_gpus"] = np.maximum(floor, needed)
    out["custom_serving_usd_per_year"] = out["serving_gpus"] * a.gpu_hour_usd * HOURS_PER_YEAR
    monitoring = a.monitoring_usd_per_month * 12.0
    out["custom_maintenance_usd_per_year"] = (
        a.custom_ongoing_fte * loaded + a.retrains_per_year * a.finetune_run_cost_usd + monitoring
    )

    out["api_build_usd"] = a.fm_build_months / 12.0 * a.fm_build_fte * loaded
    price_in = _tier_price(tier, a, "in")
    price_out = _tier_price(tier, a, "out")
    out["api_cost_per_call_year1"] = ((t_in + a.rag_context_tokens) * price_in + t_out * price_out) / 1e6
    out["api_run_usd_year1"] = calls * 365.0 * out["api_cost_per_call_year1"]
    out["rag_infra_usd_per_year"] = a.rag_infra_usd_per_month * 12.0
    out["api_upkeep_usd_per_year"] = a.fm_ongoing_fte * loaded + monitoring

    decline = _decline_sum(a.api_price_decline, int(h))
    custom_yearly = out["custom_serving_usd_per_year"] + out["custom_maintenance_usd_per_year"]
    api_fixed_yearly = out["rag_infra_usd_per_year"] + out["api_upkeep_usd_per_year"]
    out["tco_custom_usd"] = out["custom_build_usd"] + h * custom_yearly
    out["tco_api_rag_usd"] = out["api_build_usd"] + h * api_fixed_yearly + out["api_run_usd_year1"] * decline
    out["projected_savings_usd"] = out["tco_custom_usd"] - out["tco_api_rag_usd"]
    out["ml_people_cost_usd"] = np.where(status == "live", 0.0, out["build_people_usd"]) + h * a.custom_ongoing_fte * loaded

    # Break-even volume: fixed costs per day (build spread over the horizon) against per-call costs.
    custom_per_call = t_out * a.peak_factor / per_gpu * a.gpu_hour_usd / 3600.0
    out["custom_cost_per_call"] = custom_per_call
    fixed_custom = (out["custom_build_usd"] / h + floor * a.gpu_hour_usd * HOURS_PER_YEAR
                    + out["custom_maintenance_usd_per_year"]) / 365.0
    fixed_api = (out["api_build_usd"] / h + api_fixed_yearly) / 365.0
    out["fixed_cost_gap_usd_per_day"] = fixed_custom - fixed_api
    last_factor = (1.0 - a.api_price_decline) ** (h - 1)
    out["break_even_daily_calls"] = _break_even(out["fixed_cost_gap_usd_per_day"], out["api_cost_per_call_year1"], custom_per_call)
    out["break_even_daily_calls_last_year"] = _break_even(
        out["fixed_cost_gap_usd_per_day"], out["api_cost_per_call_year1"] * last_factor, custom_per_call
    )
    return pd.DataFrame(out, index=projects.index)


def _tier_price(tier: np.ndarray, a: Assumptions, side: str) -> np.ndarray:
    default = getattr(a, f"price_{side}_{a.default_api_tier}")
    return np.select([tier == t for t in TIERS], [getattr(a, f"price_{side}_{t}") for t in TIERS], default)


def _decline_sum(decline: float, years: int) -> float:
    """Sum over years 1..N of the year's API price factor, (1 - decline)^(t - 1)."""
    return float(sum((1.0 - decline) ** t for t in range(years)))


def _break_even(fixed_gap: np.ndarray, api_per_call: np.ndarray, custom_per_call: np.ndarray) -> np.ndarray:
    """Daily calls at which both paths cost the same; NaN means never (the API is cheaper per call)."""
    margin = np.asarray(api_per_call, dtype="float64") - custom_per_call
    gap = np.asarray(fixed_gap, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        be = np.where(margin > 0, np.maximum(gap, 0.0) / margin, np.nan)
    return be


def yearly_costs(terms: pd.Series, cfg: Assumptions) -> pd.DataFrame:
    """Cumulative cost of both paths at the end of each year for one project's priced terms."""
    h = int(cfg.horizon_years)
    rows = []
    custom = terms["custom_build_usd"]
    api = terms["api_build_usd"]
    rows.append({"year": 0, "custom_usd": custom, "api_rag_usd": api})
    for t in range(1, h + 1):
        custom += terms["custom_serving_usd_per_year"] + terms["custom_maintenance_usd_per_year"]
        api += (terms["rag_infra_usd_per_year"] + terms["api_upkeep_usd_per_year"]
                + terms["api_run_usd_year1"] * (1.0 - cfg.api_price_decline) ** (t - 1))
        rows.append({"year": t, "custom_usd": custom, "api_rag_usd": api})
    return pd.DataFrame(rows)
