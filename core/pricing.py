"""The paths' costs over the horizon, term by term, vectorized (SPEC §4 and §4v3).

Three paths: the custom model, the FM API + RAG path, and for regulated work a stock open-weight model
self-hosted with RAG. Every term is its own column so the project view can show it; money already spent is
sunk and never counted. Year t runs from 1 to the horizon; API and GPU prices fall by their yearly declines
from year 2, and every yearly cost is discounted to today at the discount rate (the build is paid now).
Unknown volume is not zero volume: with no daily calls and no measured spend, totals are blank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core import serving
from core.config import Assumptions
from core.serving import break_even, break_even_two_fleets  # noqa: F401 - break_even is part of this API
from core.task import ensure_tasks, specs

TIERS = ("small", "mid", "frontier")
PATHS = ("api_rag", "self_hosted_open_weight")
MONEY_STATUS = ("priced", "needs_volume", "implied_from_spend", "not_judged")
# The four parts every saving is split into (SPEC §4v3); each path's total is the sum of its parts.
PARTS = ("people", "serving", "api", "other")


def _fill(s: pd.Series, default: float) -> np.ndarray:
    return s.fillna(default).to_numpy(dtype="float64")


def _given(projects: pd.DataFrame, col: str) -> np.ndarray:
    """A numeric column as floats (NaN where blank), or all NaN when the file has no such column."""
    if col not in projects.columns:
        return np.full(len(projects), np.nan)
    return projects[col].to_numpy(dtype="float64", na_value=np.nan)


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


def year_sum(decline: float, years: int, rate: float = 0.0, first: int = 1) -> float:
    """Sum over years first..N of the year's price factor (1 - decline)^(t - 1), discounted by (1 + rate)^t."""
    return float(sum((1.0 - decline) ** (t - 1) / (1.0 + rate) ** t for t in range(first, years + 1)))


def decline_sum(decline: float, years: int) -> float:
    """Sum over years 1..N of (1 - decline)^(t - 1), undiscounted."""
    return year_sum(decline, years)


def api_decline(cfg: Assumptions) -> float:
    """The API price decline in force: none when the plan is to stay on the year-1 model."""
    return cfg.api_price_decline if cfg.api_model_policy == "switch_yearly" else 0.0


def _task_flags(task: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per project, whether its task uses retrieval, and whether its API is priced per audio minute."""
    retrieval = np.zeros(len(task), dtype=bool)
    per_minute = np.zeros(len(task), dtype=bool)
    for name, spec in specs().items():
        here = is_(task, name)
        retrieval |= here & spec.retrieval
        per_minute |= here & spec.per_minute
    return retrieval, per_minute


def price(projects: pd.DataFrame, cfg: Assumptions) -> pd.DataFrame:
    """Cost terms of every path for every project (custom or not), one row per project."""
    a = cfg
    projects = ensure_tasks(projects)
    n = len(projects)
    h = float(a.horizon_years)
    years = int(h)
    r = a.discount_rate
    loaded = a.loaded_fte_cost_usd
    scratch = is_(projects["approach"], "from_scratch")
    in_progress = is_(projects["status"], "in_progress")
    live = is_(projects["status"], "live")
    retrieval, per_minute = _task_flags(projects["task"])

    months = _fill(projects["build_months"], a.custom_build_months)
    fte = _fill(projects["ml_fte"], a.custom_ml_fte)
    examples = _fill(projects["training_examples"], 0.0)
    calls_given = _given(projects, "daily_calls")
    spend = _given(projects, "api_spend_usd_per_month")
    t_in = _fill(projects["tokens_in_per_call"], a.default_tokens_in)
    t_out = _fill(projects["tokens_out_per_call"], a.default_tokens_out)
    latency = _given(projects, "latency_target_ms")
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
    gpu_price = serving.gpu_hour_usd(a)
    pretrain = np.where(sized, gpu_hours * gpu_price * a.pretraining_experiments_multiplier,
                        a.pretraining_compute_usd)
    out["build_compute_usd"] = np.where(scratch, pretrain, a.finetune_runs * a.finetune_run_cost_usd)
    estimate = out["build_people_usd"] + out["build_labeling_usd"] + out["build_compute_usd"]
    planned = projects["build_cost_usd"].to_numpy(dtype="float64")
    out["build_estimated"] = np.isnan(planned)
    build = np.where(np.isnan(planned), estimate, planned)
    spent = _fill(projects["spent_to_date_usd"], 0.0)
    build = np.where(in_progress, np.maximum(0.0, build - spent), build)
    out["custom_build_usd"] = np.where(live, 0.0, build)

    # Images reach either model as input tokens; audio reaches the custom model as tokens, a speech API by the minute.
    modality = (np.where(is_(projects["task"], "vision"), a.images_per_call * a.tokens_per_image, 0.0)
                + np.where(is_(projects["task"], "speech"), a.audio_minutes_per_call * a.tokens_per_audio_minute, 0.0))
    out["modality_tokens_per_call"] = modality
    context = np.where(retrieval, float(a.rag_context_tokens), 0.0)
    out["rag_context_tokens_used"] = context

    # The FM path's price per call, then the volume: given, implied from measured spend, or unknown.
    price_in = _tier_price(tier, a, "in")
    price_out = _tier_price(tier, a, "out")
    token_cost = ((t_in + context + modality) * price_in + t_out * price_out) / 1e6
    out["api_cost_per_call_year1"] = np.where(per_minute, a.audio_minutes_per_call * a.speech_usd_per_audio_minute,
                                              token_cost)
    has_spend = ~np.isnan(spend)
    has_calls = ~np.isnan(calls_given)
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = np.where(out["api_cost_per_call_year1"] > 0, spend * 12.0 / 365.0 / out["api_cost_per_call_year1"],
                           np.nan)
    calls = np.where(has_calls, calls_given, np.where(has_spend, implied, np.nan))
    out["daily_calls_used"] = calls
    out["api_spend_measured"] = has_spend
    status = np.where(has_calls, 0, np.where(has_spend & ~np.isnan(implied), 2, 1))
    out["money_status_code"] = status
    priced = status != 1
    out["api_run_usd_year1"] = np.where(has_spend, spend * 12.0, calls * 365.0 * out["api_cost_per_call_year1"])
    # Per call, what the totals charge: measured spend over the stated volume where both are known.
    with np.errstate(divide="ignore", invalid="ignore"):
        per_call_used = np.where(has_spend & has_calls & (calls > 0), out["api_run_usd_year1"] / (365.0 * calls),
                                 out["api_cost_per_call_year1"])
    retrieval_per_call = np.where(retrieval, a.retrieval_usd_per_1000_calls / 1000.0, 0.0)
    out["retrieval_usd_per_year"] = calls * 365.0 * retrieval_per_call
    out["rag_infra_usd_per_year"] = np.where(retrieval, a.rag_infra_usd_per_month * 12.0, 0.0)
    monitoring = a.monitoring_usd_per_month * 12.0
    fm_people_year = a.fm_ongoing_fte * loaded
    out["api_upkeep_usd_per_year"] = np.full(n, fm_people_year + monitoring)
    switching = a.api_model_policy == "switch_yearly"
    # The decline comes from moving to each year's new model, so from year 2 each move is a migration.
    migration = a.migration_fte_months / 12.0 * loaded if switching else 0.0
    out["api_migration_usd_per_year"] = np.full(n, migration)
    out["api_build_usd"] = np.full(n, a.fm_build_months / 12.0 * a.fm_build_fte * loaded)

    # Serving the custom model on its own GPUs: its prompt is the caller's text (and images or audio).
    custom = serving.fleet(size, t_in + modality, t_out, calls, latency, a)
    out["gpus_per_replica"] = custom.gpus_per_replica
    out["gpu_seconds_per_call"] = custom.gpu_seconds_per_call
    out["replica_capacity_daily_calls"] = custom.replica_capacity_daily_calls
    out["replicas"] = custom.replicas
    out["serving_gpus"] = custom.replicas * custom.gpus_per_replica
    out["custom_serving_usd_per_year"] = custom.usd_per_year
    out["implied_utilization"] = custom.implied_utilization
    out["serving_usd_per_m_output_full"] = custom.usd_per_m_output_full
    out["serving_usd_per_m_output_at_volume"] = custom.usd_per_m_output_at_volume
    out["market_band"] = serving.band_index(size)
    retrain_compute = a.retrains_per_year * a.finetune_run_cost_usd
    custom_people_year = a.custom_ongoing_fte * loaded
    out["custom_maintenance_usd_per_year"] = np.full(n, custom_people_year + retrain_compute + monitoring)

    # The third path: a stock open-weight model, self-hosted with RAG; its prompt carries the retrieved context.
    stock = np.full(n, float(a.stock_model_size_b))
    third = serving.fleet(stock, t_in + context + modality, t_out, calls, latency, a)
    out["sh_gpus_per_replica"] = third.gpus_per_replica
    out["sh_replicas"] = third.replicas
    out["sh_replica_capacity_daily_calls"] = third.replica_capacity_daily_calls
    out["sh_serving_usd_per_year"] = third.usd_per_year
    out["sh_implied_utilization"] = third.implied_utilization

    # Present-value year sums: constant yearly costs, GPU- and API-priced costs, and migrations (years 2..h).
    y_const = year_sum(0.0, years, r)
    y_gpu = year_sum(a.gpu_price_decline, years, r)
    y_api = year_sum(api_decline(a), years, r)
    y_mig = year_sum(0.0, years, r, first=2)
    out["pv_years"] = np.full(n, y_const)

    # Each path's total as its four parts. A planned build budget is split in the proportions of our estimate.
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(estimate > 0, out["custom_build_usd"] / estimate, 0.0)
    parts_c = {
        "people": out["build_people_usd"] * share + custom_people_year * y_const,
        "serving": out["build_compute_usd"] * share + custom.usd_per_year * y_gpu + retrain_compute * y_const,
        "api": np.zeros(n),
        "other": out["build_labeling_usd"] * share + monitoring * y_const,
    }
    fm_other_year = out["rag_infra_usd_per_year"] + out["retrieval_usd_per_year"] + monitoring
    parts_a = {
        "people": out["api_build_usd"] + fm_people_year * y_const + migration * y_mig,
        "serving": np.zeros(n),
        "api": out["api_run_usd_year1"] * y_api,
        "other": fm_other_year * y_const,
    }
    parts_s = {
        "people": out["api_build_usd"] + fm_people_year * y_const,
        "serving": third.usd_per_year * y_gpu,
        "api": np.zeros(n),
        "other": fm_other_year * y_const,
    }
    blank = np.where(priced, 1.0, np.nan)  # unknown volume: every total and part is blank, never zero calls
    for name, parts in (("custom", parts_c), ("api_rag", parts_a), ("self_hosted", parts_s)):
        for p in PARTS:
            out[f"{name}_{p}_usd"] = parts[p] * blank
    out["tco_custom_usd"] = sum(parts_c.values()) * blank
    out["tco_api_rag_usd"] = sum(parts_a.values()) * blank
    out["tco_self_hosted_usd"] = sum(parts_s.values()) * blank

    # Regulated work whose compliance ruled out third-party hosting compares with the self-hosted path (§4v3).
    sh = _regulatory_proven(projects)
    out["comparison_is_self_hosted"] = sh
    comparison = np.where(sh, out["tco_self_hosted_usd"], out["tco_api_rag_usd"])
    out["tco_comparison_usd"] = comparison
    out["projected_savings_usd"] = out["tco_custom_usd"] - comparison
    for p in PARTS:
        out[f"savings_{p}_usd"] = out[f"custom_{p}_usd"] - np.where(sh, out[f"self_hosted_{p}_usd"],
                                                                    out[f"api_rag_{p}_usd"])
    ops = _given(projects, "ops_budget_usd_per_year")
    # With the owner's ops budget in place of our projected upkeep (SPEC §4: shown beside ours).
    out["savings_with_ops_budget_usd"] = np.where(
        np.isnan(ops), np.nan, out["projected_savings_usd"] - (out["custom_maintenance_usd_per_year"] - ops) * y_const)
    out["build_ml_people_usd"] = np.where(live, 0.0, out["build_people_usd"])
    out["ml_people_cost_usd"] = out["build_ml_people_usd"] + h * a.custom_ongoing_fte * loaded

    # Break-even on the same functions as the totals, against the comparison path; it needs no volume.
    custom_fixed = out["custom_build_usd"] + out["custom_maintenance_usd_per_year"] * y_const
    api_fixed = out["api_build_usd"] + (out["rag_infra_usd_per_year"] + out["api_upkeep_usd_per_year"]) * y_const \
        + migration * y_mig
    sh_fixed = out["api_build_usd"] + (out["rag_infra_usd_per_year"] + out["api_upkeep_usd_per_year"]) * y_const
    per_replica = custom.gpus_per_replica * gpu_price * serving.HOURS_PER_YEAR * y_gpu
    api_per_daily_call = 365.0 * (per_call_used * y_api + retrieval_per_call * y_const)
    be = break_even(custom_fixed - api_fixed, per_replica, api_per_daily_call, custom.replica_capacity_daily_calls,
                    a.min_replicas)
    if sh.any():
        sh_per_replica = third.gpus_per_replica * gpu_price * serving.HOURS_PER_YEAR * y_gpu
        be[sh] = break_even_two_fleets((custom_fixed - sh_fixed)[sh], per_replica[sh],
                                       custom.replica_capacity_daily_calls[sh], sh_per_replica[sh],
                                       third.replica_capacity_daily_calls[sh],
                                       (365.0 * retrieval_per_call * y_const)[sh], a.min_replicas)
    out["break_even_daily_calls"] = be
    # copy=False keeps each array as its own block: stacking ~80 fresh columns into one 2-D block would
    # copy them all again, and on 100,000 rows that copy (page faults included) costs more than the maths.
    return pd.DataFrame(out, index=projects.index, copy=False)


def _regulatory_proven(projects: pd.DataFrame) -> np.ndarray:
    """A regulation named and compliance confirmed that no third-party-hosted deployment meets it (§4v3)."""
    def flag(col: str) -> np.ndarray:
        return projects[col].fillna(False).to_numpy(dtype=bool) if col in projects.columns else np.zeros(len(projects),
                                                                                                          dtype=bool)
    named = projects["regulation"].fillna("").str.strip().ne("").to_numpy() if "regulation" in projects.columns \
        else np.zeros(len(projects), dtype=bool)
    return flag("regulatory_control") & flag("compliance_confirmed") & named


def _tier_price(tier: np.ndarray, a: Assumptions, side: str) -> np.ndarray:
    return np.array([getattr(a, f"price_{side}_{t}") for t in TIERS], dtype="float64")[tier]


def yearly_costs(terms: pd.Series, cfg: Assumptions) -> pd.DataFrame:
    """Cumulative cost of each path at the end of each year for one project's priced terms, discounted to
    today at the discount rate, so the last year equals the totals."""
    h = int(cfg.horizon_years)
    r = cfg.discount_rate
    custom = terms["custom_build_usd"]
    api = terms["api_build_usd"]
    sh = terms["api_build_usd"]
    rows = [{"year": 0, "custom_usd": custom, "api_rag_usd": api, "self_hosted_usd": sh}]
    for t in range(1, h + 1):
        pv = 1.0 / (1.0 + r) ** t
        gpu = (1.0 - cfg.gpu_price_decline) ** (t - 1)
        shared = terms["rag_infra_usd_per_year"] + terms["api_upkeep_usd_per_year"] + terms["retrieval_usd_per_year"]
        custom += pv * (terms["custom_serving_usd_per_year"] * gpu + terms["custom_maintenance_usd_per_year"])
        api += pv * (shared + terms["api_run_usd_year1"] * (1.0 - api_decline(cfg)) ** (t - 1)
                     + (terms["api_migration_usd_per_year"] if t > 1 else 0.0))
        sh += pv * (shared + terms["sh_serving_usd_per_year"] * gpu)
        rows.append({"year": t, "custom_usd": custom, "api_rag_usd": api, "self_hosted_usd": sh})
    return pd.DataFrame(rows)
