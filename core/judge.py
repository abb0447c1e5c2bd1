"""The build-trap judgement: risk flags, justifications (claimed or proven) and one verdict per project.

Every rule reads one project's own inputs and priced terms, never another row's, so adding a project
to a roadmap never changes another project's verdict.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from core.config import DATA_DIR, FLAGS, JUSTIFICATIONS, Assumptions, load_yaml
from core.pricing import TIERS
from core.vocab import vocab

VERDICTS = ("kill", "prove", "keep", "ok")

EVIDENCE = {
    "eval": "a rigorous evaluation showing FM + RAG falls short",
    "baseline": "a measured FM + RAG baseline",
    "volume": "a cost case where the custom path beats FM + RAG at the stated volume (today it does not)",
    "latency": "an FM + RAG baseline measured against the latency target",
    "regulation": "the name of the regulation that requires control of the model",
}


@lru_cache(maxsize=1)
def reasons() -> dict[str, Any]:
    """The essay's reasons in our words, per flag, justification and verdict."""
    return load_yaml((DATA_DIR / "reasons.yaml").read_text(encoding="utf-8"))


def _bool(s: pd.Series) -> np.ndarray:
    return s.fillna(False).to_numpy(dtype=bool)


def judge(projects: pd.DataFrame, terms: pd.DataFrame, cfg: Assumptions) -> pd.DataFrame:
    """Flags, justifications, score, verdict, recommendation and evidence for every project."""
    a = cfg
    h = float(a.horizon_years)
    custom = projects["approach"].isin(vocab().custom).to_numpy()
    scratch = (projects["approach"] == "from_scratch").to_numpy()
    examples = projects["training_examples"].to_numpy(dtype="float64")
    target = np.where(scratch, a.data_min_examples_from_scratch, a.data_min_examples_fine_tune)
    quality = projects["data_quality"].fillna("").to_numpy(dtype=object)
    coverage = projects["fm_coverage"].fillna("").to_numpy(dtype=object)
    months = projects["build_months"].fillna(a.custom_build_months).to_numpy(dtype="float64")
    ops = projects["ops_budget_usd_per_year"].to_numpy(dtype="float64")
    value = projects["expected_annual_value_usd"].to_numpy(dtype="float64")
    calls = projects["daily_calls"].to_numpy(dtype="float64")
    latency = projects["latency_target_ms"].to_numpy(dtype="float64")
    people = terms["ml_people_cost_usd"].to_numpy(dtype="float64")
    upkeep = terms["custom_maintenance_usd_per_year"].to_numpy(dtype="float64")
    savings = terms["projected_savings_usd"].to_numpy(dtype="float64")
    eval_gap = _bool(projects["eval_gap_verified"])
    rag_tried = _bool(projects["rag_baseline_tried"])
    regulated = _bool(projects["regulatory_control"])
    named = projects["regulation"].fillna("").str.strip().ne("").to_numpy()

    with np.errstate(invalid="ignore"):
        flags = {
            "data": np.isnan(examples) | (examples < target) | (quality == "low"),
            "treadmill": (months >= a.treadmill_months) | (coverage == "good"),
            "maintenance": np.isnan(ops) | (ops < a.maintenance_budget_ratio * upkeep),
            "talent": (people >= a.talent_cost_usd) | (~np.isnan(value) & (people > a.talent_value_ratio * value * h)),
        }
        volume_claim = calls >= a.scale_daily_calls
        latency_claim = latency <= a.scale_latency_ms
    domain_proven = eval_gap & rag_tried
    proven = {
        "domain": domain_proven,
        "scale": (volume_claim & (savings < 0)) | (latency_claim & rag_tried),
        "regulatory": regulated & named,
    }
    claimed = {
        "domain": np.isin(coverage, ["none", "poor"]) | domain_proven,
        "scale": volume_claim | latency_claim,
        "regulatory": regulated,
    }
    cols: dict[str, np.ndarray] = {"custom": custom}
    for f in FLAGS:
        cols[f"flag_{f}"] = flags[f] & custom
    for j in JUSTIFICATIONS:
        cols[f"claimed_{j}"] = claimed[j] & custom
        cols[f"proven_{j}"] = proven[j] & custom
    any_proven = np.logical_or.reduce([cols[f"proven_{j}"] for j in JUSTIFICATIONS])
    any_claimed = np.logical_or.reduce([cols[f"claimed_{j}"] for j in JUSTIFICATIONS])
    # Codes index VERDICTS ("kill", "prove", "keep", "ok").
    verdict = np.select([~custom, any_proven, any_claimed], [3, 2, 1], default=0)
    cols["verdict"] = np.array(VERDICTS, dtype=object)[verdict]

    weights = np.array([getattr(a, f"weight_{f}") for f in FLAGS], dtype="float64")
    fired = np.column_stack([cols[f"flag_{f}"] for f in FLAGS])
    # Scaled so the score stays 0-100 when someone edits a weight; equal to the plain sum at the defaults.
    cols["build_trap_score"] = np.rint(fired @ weights * 100.0 / weights.sum()).astype("int64")

    cols["flags"] = _combine([cols[f"flag_{f}"] for f in FLAGS], list(FLAGS), ";")
    cols["justifications_claimed"] = _combine([cols[f"claimed_{j}"] for j in JUSTIFICATIONS], list(JUSTIFICATIONS), ";")
    cols["justifications_proven"] = _combine([cols[f"proven_{j}"] for j in JUSTIFICATIONS], list(JUSTIFICATIONS), ";")

    is_prove = verdict == 1
    needs = {
        "eval": is_prove & cols["claimed_domain"] & ~eval_gap,
        "baseline": is_prove & cols["claimed_domain"] & ~rag_tried,
        "volume": is_prove & volume_claim & ~proven["scale"],
        "latency": is_prove & latency_claim & ~rag_tried & ~cols["claimed_domain"],
        "regulation": is_prove & regulated & ~named,
    }
    cols["evidence_needed"] = _combine(list(needs.values()), [EVIDENCE[k] for k in needs], "; ")

    tier = projects["api_tier"].fillna(a.default_api_tier).to_numpy(dtype=object)
    tier_code = np.select([tier == t for t in TIERS], range(len(TIERS)), default=TIERS.index(a.default_api_tier))
    code = (verdict * len(TIERS) + tier_code) * 2 + cols["flag_maintenance"].astype(np.int64)
    cols["recommendation"] = _recommendations()[code]
    return pd.DataFrame(cols, index=projects.index)


@lru_cache(maxsize=1)
def _recommendations() -> np.ndarray:
    """Every recommendation text, indexed by (verdict code * tiers + tier code) * 2 + maintenance flag."""
    texts = []
    for verdict in VERDICTS:
        for tier in TIERS:
            model = f"FM API + RAG on a {tier}-tier model"
            for maintenance in (False, True):
                texts.append({
                    "kill": f"Rescope to {model}",
                    "prove": f"Pause the custom build until the evidence exists; meanwhile run {model}",
                    "keep": "Keep the custom model, and budget its maintenance" if maintenance
                    else "Keep the custom model; re-test it against each new base model",
                    "ok": "Recommended path; no change",
                }[verdict])
    return np.array(texts, dtype=object)


def _combine(masks: list[np.ndarray], texts: list[str], sep: str) -> np.ndarray:
    """Per row, the texts whose mask is set, joined by sep. Rows are coded as bit patterns and each
    pattern's text is built once, so 100,000 rows cost a table lookup rather than string work per row."""
    code = np.zeros(len(masks[0]), dtype=np.int64)
    for bit, mask in enumerate(masks):
        code |= mask.astype(np.int64) << bit
    table = np.array([sep.join(t for bit, t in enumerate(texts) if pattern >> bit & 1)
                      for pattern in range(1 << len(texts))], dtype=object)
    return table[code]
