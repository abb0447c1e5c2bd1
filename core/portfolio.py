"""A scored portfolio: loading, pricing and judging put together, the kill list, totals and sensitivity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import config
from core.config import Assumptions
from core.judge import judge
from core.pricing import MONEY_STATUS, PATHS, price
from core.task import as_text, ensure_tasks, with_tasks
from core.would_change import would_change

OUTPUT_COLUMNS = [
    "project_id", "project", "team", "approach", "task", "task_source", "verdict", "build_trap_score", "flags",
    "justifications_claimed", "justifications_proven", "tco_custom_usd", "tco_api_rag_usd",
    "projected_savings_usd", "break_even_daily_calls", "recommendation", "evidence_needed",
    # SPEC §6 v3 columns; evidence_used and came_back are filled by the evidence and meeting work (--db, --portfolio).
    "would_change", "money_status", "comparison_path", "tco_self_hosted_usd", "savings_people_usd",
    "savings_serving_usd", "savings_api_usd", "savings_other_usd", "evidence_used", "came_back",
]
SAVINGS_PARTS = ("savings_people_usd", "savings_serving_usd", "savings_api_usd", "savings_other_usd")
KILL_LIST_VERDICTS = ("kill", "prove")
# The assumptions the tornado moves between their low and high ends.
SENSITIVITY_KEYS = (
    "horizon_years", "loaded_fte_cost_usd", "custom_build_months", "custom_ml_fte", "label_cost_usd",
    "finetune_run_cost_usd", "pretraining_compute_usd", "gpu_hour_usd", "custom_ongoing_fte",
    "fm_build_months", "fm_ongoing_fte", "rag_infra_usd_per_month", "rag_context_tokens", "api_price_decline",
    "gpu_price_decline", "retrieval_usd_per_1000_calls", "migration_fte_months", "default_model_size_b",
    "discount_rate", "stock_model_size_b", "decode_tokens_per_gpu_s", "prefill_tokens_per_gpu_s", "peak_factor",
    "target_load_at_peak",
)


def score(projects: pd.DataFrame, cfg: Assumptions) -> pd.DataFrame:
    """Every project with its priced terms and judgement, in input order."""
    projects = ensure_tasks(projects)
    terms = price(projects, cfg)
    verdicts = judge(projects, terms, cfg)
    # A file's own extra column may carry a name the engine writes ("verdict"); keep both, the file's renamed.
    taken = set(terms.columns) | set(verdicts.columns)
    clash = {c: f"{c} (from file)" for c in projects.columns if c in taken}
    scored = pd.concat([projects.rename(columns=clash) if clash else projects, terms, verdicts], axis=1)
    # Money only matters for judged custom projects: on the recommended path both paths are the same one,
    # and classic ML is not priced against an API at all.
    judged = scored["judged"].to_numpy()
    for col in ("tco_custom_usd", "tco_api_rag_usd", "projected_savings_usd", "break_even_daily_calls",
                "savings_with_ops_budget_usd", "tco_comparison_usd", *SAVINGS_PARTS):
        scored[col] = scored[col].where(judged)
    # The third path's total is shown where regulation is in play: beside the API path when claimed, as the
    # comparison when proven (SPEC §4v3).
    scored["tco_self_hosted_usd"] = scored["tco_self_hosted_usd"].where(scored["claimed_regulatory"].to_numpy())
    code = np.where(judged, scored["money_status_code"].to_numpy(), MONEY_STATUS.index("not_judged"))
    scored["money_status"] = as_text(list(MONEY_STATUS), code, scored.index)
    path = np.where(judged, scored["comparison_is_self_hosted"].to_numpy(dtype=int), len(PATHS))
    scored["comparison_path"] = as_text([*PATHS, ""], path, scored.index).replace("", pd.NA)
    scored["would_change"] = would_change(scored, int(cfg.horizon_years)).replace("", pd.NA)
    for col in ("evidence_used", "came_back"):
        if col not in scored.columns:
            scored[col] = pd.Series(pd.NA, index=scored.index, dtype="str")
    return scored


def kill_list(scored: pd.DataFrame) -> pd.DataFrame:
    """`kill` and `prove` projects, largest projected savings first."""
    rows = scored[scored["verdict"].isin(KILL_LIST_VERDICTS)]
    rows = rows.sort_values(["projected_savings_usd", "build_trap_score", "project"], ascending=[False, False, True],
                            kind="stable")
    return rows.reset_index(drop=True)


@dataclass(frozen=True)
class Summary:
    projects: int
    custom: int
    kill: int
    prove: int
    keep: int
    ok: int
    out_of_scope: int
    kill_list_savings_usd: float
    kill_savings_usd: float
    kill_list_unpriced: int = 0  # kill and prove projects with no volume: not in the totals (SPEC §4v3)
    kill_list_parts_usd: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # people, serving, API, other


def summarize(scored: pd.DataFrame) -> Summary:
    """Headline numbers: counts per verdict and the kill list's total projected savings."""
    verdict = scored["verdict"].to_numpy(dtype=object)
    savings = scored["projected_savings_usd"].to_numpy(dtype="float64")
    is_kill, is_prove = verdict == "kill", verdict == "prove"
    return Summary(
        projects=len(scored),
        custom=int(scored["custom"].to_numpy().sum()),
        kill=int(is_kill.sum()),
        prove=int(is_prove.sum()),
        keep=int((verdict == "keep").sum()),
        ok=int((verdict == "ok").sum()),
        out_of_scope=int((verdict == "out_of_scope").sum()),
        kill_list_savings_usd=float(np.nansum(savings[is_kill | is_prove])),
        kill_savings_usd=float(np.nansum(savings[is_kill])),
        kill_list_unpriced=int(np.isnan(savings[is_kill | is_prove]).sum()),
        kill_list_parts_usd=tuple(float(np.nansum(scored[c].to_numpy(dtype="float64")[is_kill | is_prove]))
                                  for c in SAVINGS_PARTS),
    )


def sensitivity(projects: pd.DataFrame, cfg: Assumptions) -> pd.DataFrame:
    """Total kill-list savings at the low and high end of each key assumption (the tornado)."""
    projects = with_tasks(projects)  # once, not once per variant
    base = summarize(score(projects, cfg)).kill_list_savings_usd
    rows = []
    for key in SENSITIVITY_KEYS:
        p = config.params()[key]
        if p.low is None or p.high is None:
            continue
        totals = []
        for end in (p.low, p.high):
            variant = config.make({key: int(end) if p.integer else end}, base=cfg)
            totals.append(summarize(score(projects, variant)).kill_list_savings_usd)
        rows.append({
            "key": key, "label": p.label, "unit": p.unit, "low": p.low, "high": p.high,
            "base_value": getattr(cfg, key), "savings_at_low_usd": totals[0], "savings_at_high_usd": totals[1],
            "base_savings_usd": base, "swing_usd": abs(totals[1] - totals[0]),
        })
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values("swing_usd", ascending=False, kind="stable").reset_index(drop=True)


def money_note(scored: pd.DataFrame, cfg: Assumptions) -> str:
    """One sentence every export carries: the discount rate the money is in, and how many projects are unpriced."""
    rate = cfg.discount_rate
    pv = (f"Money is in today's dollars, discounted at {rate * 100:g} % a year (discount_rate)" if rate > 0
          else "Money is not discounted (discount_rate 0)")
    status = scored["money_status"] if "money_status" in scored.columns else pd.Series([], dtype="str")
    unpriced = int(status.eq("needs_volume").sum())
    tail = (f"; {unpriced:,} judged project{'' if unpriced == 1 else 's'} need{'s' if unpriced == 1 else ''} a daily "
            "volume and are left unpriced" if unpriced else "")
    return f"{pv}{tail}."


def calls_or_never(value: float) -> str:
    """Break-even calls as words for people: 'never' when the API is always cheaper per call."""
    return "never" if value is None or np.isnan(value) else f"{value:,.0f}"
