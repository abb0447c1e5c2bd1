"""A scored portfolio: loading, pricing and judging put together, the kill list, totals and sensitivity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import config
from core.config import Assumptions
from core.judge import judge
from core.pricing import price
from core.task import ensure_tasks, with_tasks

OUTPUT_COLUMNS = [
    "project_id", "project", "team", "approach", "task", "task_source", "verdict", "build_trap_score", "flags",
    "justifications_claimed", "justifications_proven", "tco_custom_usd", "tco_api_rag_usd",
    "projected_savings_usd", "break_even_daily_calls", "recommendation", "evidence_needed",
]
KILL_LIST_VERDICTS = ("kill", "prove")
# The assumptions the tornado moves between their low and high ends.
SENSITIVITY_KEYS = (
    "horizon_years", "loaded_fte_cost_usd", "custom_build_months", "custom_ml_fte", "label_cost_usd",
    "finetune_run_cost_usd", "pretraining_compute_usd", "gpu_hour_usd", "custom_ongoing_fte",
    "fm_build_months", "fm_ongoing_fte", "rag_infra_usd_per_month", "rag_context_tokens", "api_price_decline",
    "gpu_price_decline", "retrieval_usd_per_1000_calls", "migration_fte_months", "default_model_size_b",
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
    for col in ("tco_custom_usd", "tco_api_rag_usd", "projected_savings_usd", "break_even_daily_calls"):
        scored[col] = scored[col].where(judged)
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


def calls_or_never(value: float) -> str:
    """Break-even calls as words for people: 'never' when the API is always cheaper per call."""
    return "never" if value is None or np.isnan(value) else f"{value:,.0f}"
