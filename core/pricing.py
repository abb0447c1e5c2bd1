"""The two paths' costs (custom model vs FM API + RAG) over the horizon, term by term, vectorized.

Every term is its own column so the project view can show it; money already spent is sunk and
never counted. Year t runs from 1 to the horizon; API prices fall by their yearly decline from year 2,
and so do GPU prices. The break-even volume is solved on the same cost functions as the totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.config import Assumptions
from core.task import ensure_tasks

HOURS_PER_YEAR = 8760.0
SECONDS_PER_DAY = 86400.0
TIERS = ("small", "mid", "frontier")
# Throughput defaults are measured on an 8B-class model; other sizes are scaled from it.
REFERENCE_SIZE_B = 8.0


def _fill(s: pd.Series, default: float) -> np.ndarray:
    return s.fillna(default).to_numpy(dtype="float64")


def is_(s: pd.Series, word: str) -> np.ndarray:
    """Where a text column holds `word` (False where blank), compared by Arrow: turning the column into
    Python strings first would cost more than the comparison."""
    return s.eq(word).to_numpy(dtype=bool, na_value=False)


def tier_codes(tier: pd.Series, default: str) -> np.ndarray:
    """Each project's API tier as an index into TIERS; a blank tier is the default one."""
    codes = np.full(len(tier), TIERS.index(default))
    for i, name in enumerate(TIERS):
        codes[is_(tier, name)] = i
    return codes


def decline_sum(decline: float, years: int) -> float:
    """Sum over years 1..N of the year's price factor, (1 - decline)^(t - 1)."""
    return float(sum((1.0 - decline) ** t for t in range(years)))


def api_decline(cfg: Assumptions) -> float:
    """The API price decline in force: none when the plan is to stay on the year-1 model."""
    return cfg.api_price_decline if cfg.api_model_policy == "switch_yearly" else 0.0


def gpus_per_replica(size_b: np.ndarray, cfg: Assumptions) -> np.ndarray:
    """GPUs one replica needs to hold the weights plus headroom, rounded up to a power of two
    (tensor-parallel sizes must divide the attention heads, so servers use 1, 2, 4 or 8 GPUs)."""
    need = size_b * cfg.weight_bytes_per_param * (1.0 + cfg.gpu_memory_headroom) / cfg.gpu_memory_gb
    gpus = np.maximum(1.0, np.ceil(need))
    return 2.0 ** np.ceil(np.log2(gpus))


def price(projects: pd.DataFrame, cfg: Assumptions) -> pd.DataFrame:
    """Cost terms of both paths for every project (custom or not), one row per project."""
    a = cfg
    projects = ensure_tasks(projects)
    h = float(a.horizon_years)
    years = int(h)
    loaded = a.loaded_fte_cost_usd
    scratch = is_(projects["approach"], "from_scratch")
    in_progress = is_(projects["status"], "in_progress")
    live = is_(projects["status"], "live")

    months = _fill(projects["build_months"], a.custom_build_months)
    fte = _fill(projects["ml_fte"], a.custom_ml_fte)
    examples = _fill(projects["training_examples"], 0.0)
    calls = _fill(projects["daily_calls"], 0.0)
    t_in = _fill(projects["tokens_in_per_call"], a.default_tokens_in)
    t_out = _fill(projects["tokens_out_per_call"], a.default_tokens_out)
    tier = tier_codes(projects["api_tier"], a.default_api_tier)
    size_given = projects["model_size_b"].to_numpy(dtype="float64")
    size = np.where(np.isnan(size_given) | (size_given <= 0), a.default_model_size_b, size_given)
    tokens = projects["training_tokens"].to_numpy(dtype="float64")

    # Columns are collected as arrays and framed once: a DataFrame insert per term costs more than the maths.
    out: dict[str, np.ndarray | float] = {}
    out["model_size_b_used"] = size
    out["build_people_usd"] = months / 12.0 * fte * loaded
    # Labels are a fine-tune's cost; a model trained from scratch learns from raw text instead.
    out["labels_needed"] = np.where(scratch, 0.0, np.maximum(0.0, a.data_min_examples_fine_tune - examples))
    out["build_labeling_usd"] = out["labels_needed"] * a.label_cost_usd * (1.0 + a.label_overhead)
    # Pretraining: 6 FLOPs per parameter per token (Kaplan et al. 2020) at the GPU's sustained rate.
    flops = 6.0 * size * 1e9 * tokens
    gpu_hours = flops / (a.gpu_peak_tflops * 1e12 * a.pretraining_mfu) / 3600.0
    sized = ~np.isnan(size_given) & ~np.isnan(tokens)
    out["pretraining_gpu_hours"] = np.where(scratch & sized, gpu_hours, np.nan)
    pretrain = np.where(sized, gpu_hours * a.gpu_hour_usd * a.pretraining_experiments_multiplier,
                        a.pretraining_compute_usd)
    out["build_compute_usd"] = np.where(scratch, pretrain, a.finetune_runs * a.finetune_run_cost_usd)
    estimate = out["build_people_usd"] + out["build_labeling_usd"] + out["build_compute_usd"]
    planned = projects["build_cost_usd"].to_numpy(dtype="float64")
    out["build_estimated"] = np.isnan(planned)
    build = np.where(np.isnan(planned), estimate, planned)
    spent = _fill(projects["spent_to_date_usd"], 0.0)
    build = np.where(in_progress, np.maximum(0.0, build - spent), build)
    out["custom_build_usd"] = np.where(live, 0.0, build)

    # Images and audio reach either model as input tokens.
    modality = (np.where(is_(projects["task"], "vision"), a.images_per_call * a.tokens_per_image, 0.0)
                + np.where(is_(projects["task"], "speech"), a.audio_minutes_per_call * a.tokens_per_audio_minute, 0.0))
    out["modality_tokens_per_call"] = modality

    # Serving: each replica holds the weights; its throughput is the 8B figure scaled by size, for the
    # prompt (prefill) and the answer (decode) tokens alike. Replicas cover the peak, never below the minimum.
    gpr = gpus_per_replica(size, a)
    scale = (REFERENCE_SIZE_B / size) ** a.throughput_size_exponent
    gpu_s_per_call = (t_in + modality) / (a.prefill_tokens_per_gpu_s * scale) + t_out / (a.throughput_tokens_per_gpu_s * scale)
    out["gpus_per_replica"] = gpr
    out["gpu_seconds_per_call"] = gpu_s_per_call
    out["replica_capacity_daily_calls"] = SECONDS_PER_DAY * gpr * a.gpu_utilization / (gpu_s_per_call * a.peak_factor)
    out["replicas"] = _replicas(calls, out["replica_capacity_daily_calls"], a.min_replicas)
    out["serving_gpus"] = out["replicas"] * gpr
    out["custom_serving_usd_per_year"] = out["serving_gpus"] * a.gpu_hour_usd * HOURS_PER_YEAR
    monitoring = a.monitoring_usd_per_month * 12.0
    out["custom_maintenance_usd_per_year"] = np.full(
        len(projects), a.custom_ongoing_fte * loaded + a.retrains_per_year * a.finetune_run_cost_usd + monitoring)

    out["api_build_usd"] = np.full(len(projects), a.fm_build_months / 12.0 * a.fm_build_fte * loaded)
    price_in = _tier_price(tier, a, "in")
    price_out = _tier_price(tier, a, "out")
    out["api_cost_per_call_year1"] = ((t_in + a.rag_context_tokens + modality) * price_in + t_out * price_out) / 1e6
    out["api_run_usd_year1"] = calls * 365.0 * out["api_cost_per_call_year1"]
    out["retrieval_usd_per_year"] = calls * 365.0 * a.retrieval_usd_per_1000_calls / 1000.0
    out["rag_infra_usd_per_year"] = np.full(len(projects), a.rag_infra_usd_per_month * 12.0)
    out["api_upkeep_usd_per_year"] = np.full(len(projects), a.fm_ongoing_fte * loaded + monitoring)
    switching = a.api_model_policy == "switch_yearly"
    # The decline comes from moving to each year's new model, so from year 2 each move is a migration.
    migration = a.migration_fte_months / 12.0 * loaded if switching else 0.0
    out["api_migration_usd_per_year"] = np.full(len(projects), migration)

    gpu_sum = decline_sum(a.gpu_price_decline, years)
    api_sum = decline_sum(api_decline(a), years)
    custom_fixed = out["custom_build_usd"] + h * out["custom_maintenance_usd_per_year"]
    api_fixed = (out["api_build_usd"] + h * (out["rag_infra_usd_per_year"] + out["api_upkeep_usd_per_year"])
                 + (h - 1.0) * out["api_migration_usd_per_year"])
    out["tco_custom_usd"] = custom_fixed + out["custom_serving_usd_per_year"] * gpu_sum
    out["tco_api_rag_usd"] = api_fixed + out["api_run_usd_year1"] * api_sum + h * out["retrieval_usd_per_year"]
    out["projected_savings_usd"] = out["tco_custom_usd"] - out["tco_api_rag_usd"]
    out["build_ml_people_usd"] = np.where(live, 0.0, out["build_people_usd"])
    out["ml_people_cost_usd"] = out["build_ml_people_usd"] + h * a.custom_ongoing_fte * loaded

    # Break-even on the same functions: savings(V) = gap + per_replica * replicas(V) - api_per_daily_call * V.
    per_replica = gpr * a.gpu_hour_usd * HOURS_PER_YEAR * gpu_sum
    api_per_daily_call = 365.0 * (out["api_cost_per_call_year1"] * api_sum
                                  + h * a.retrieval_usd_per_1000_calls / 1000.0)
    out["break_even_daily_calls"] = break_even(custom_fixed - api_fixed, per_replica, api_per_daily_call,
                                               out["replica_capacity_daily_calls"], a.min_replicas)
    # copy=False keeps each array as its own block: stacking ~40 fresh columns into one 2-D block would
    # copy them all again, and on 100,000 rows that copy (page faults included) costs more than the maths.
    return pd.DataFrame(out, index=projects.index, copy=False)


def _replicas(calls: np.ndarray, capacity: np.ndarray, minimum: int) -> np.ndarray:
    return np.maximum(float(minimum), np.ceil(calls / capacity))


def break_even(gap: np.ndarray, per_replica: np.ndarray, per_call: np.ndarray, capacity: np.ndarray,
               minimum: int) -> np.ndarray:
    """The smallest daily volume V with savings(V) <= 0, where
    savings(V) = gap + per_replica * max(minimum, ceil(V / capacity)) - per_call * V; NaN means never.

    Savings fall linearly between replica steps and jump up by `per_replica` at each step. On the
    segment served by k replicas they reach zero at V = (gap + per_replica * k) / per_call, which counts
    only if it lies inside the segment. With the minimum replicas that is the first segment; after it,
    the end of segment k has savings gap + k * (per_replica - per_call * capacity), so the first k whose
    end is not above zero solves k >= gap / (per_call * capacity - per_replica). Exact, and no search.
    """
    gap = np.asarray(gap, dtype="float64")
    per_replica = np.broadcast_to(np.asarray(per_replica, dtype="float64"), gap.shape)
    per_call = np.asarray(per_call, dtype="float64")
    capacity = np.asarray(capacity, dtype="float64")
    m = float(minimum)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = (gap + per_replica * m) / per_call
        in_first = (gap + per_replica * m <= 0) | ((per_call > 0) & (first <= m * capacity))
        margin = per_call * capacity - per_replica  # what one more full replica saves
        k = np.maximum(m + 1.0, np.ceil(gap / margin))
        later = (gap + per_replica * k) / per_call
    be = np.where(in_first, np.maximum(first, 0.0), np.where(margin > 0, later, np.nan))
    return be


def _tier_price(tier: np.ndarray, a: Assumptions, side: str) -> np.ndarray:
    return np.array([getattr(a, f"price_{side}_{t}") for t in TIERS], dtype="float64")[tier]


def yearly_costs(terms: pd.Series, cfg: Assumptions) -> pd.DataFrame:
    """Cumulative cost of both paths at the end of each year for one project's priced terms."""
    h = int(cfg.horizon_years)
    rows = []
    custom = terms["custom_build_usd"]
    api = terms["api_build_usd"]
    rows.append({"year": 0, "custom_usd": custom, "api_rag_usd": api})
    for t in range(1, h + 1):
        custom += (terms["custom_serving_usd_per_year"] * (1.0 - cfg.gpu_price_decline) ** (t - 1)
                   + terms["custom_maintenance_usd_per_year"])
        api += (terms["rag_infra_usd_per_year"] + terms["api_upkeep_usd_per_year"] + terms["retrieval_usd_per_year"]
                + terms["api_run_usd_year1"] * (1.0 - api_decline(cfg)) ** (t - 1)
                + (terms["api_migration_usd_per_year"] if t > 1 else 0.0))
        rows.append({"year": t, "custom_usd": custom, "api_rag_usd": api})
    return pd.DataFrame(rows)
