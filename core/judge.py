"""The build-trap judgement: risk flags, justifications (claimed or proven) and one verdict per project.

Every rule reads one project's own inputs and priced terms, never another row's, so adding a project
to a roadmap never changes another project's verdict.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.config import DATA_DIR, FLAGS, JUSTIFICATIONS, Assumptions, load_yaml
from core.evidence_apply import overrule
from core.numbers import counted, money_many
from core.pricing import TIERS, is_, tier_codes
from core.task import as_text, default_task, ensure_tasks, specs
from core.text import one_array
from core.vocab import vocab

VERDICTS = ("kill", "prove", "keep", "ok", "out_of_scope")

# What to do about each missing proof, in words a manager can hand to someone (SPEC §3).
EVIDENCE = {
    "eval": "Run a rigorous evaluation of FM + RAG on this task and record where it falls short",
    "baseline": "Build the FM + RAG baseline and measure it on the same evaluation set",
    "latency": "Measure the FM + RAG baseline's p95 latency against the project's latency target",
    "more_items": "Evaluate on more items: the attached evaluation cannot tell yet whether the gap reaches the "
                  "material gap",
    "more_latencies": "Measure more calls: the attached latencies cannot tell yet whether FM + RAG meets the target",
    "regulation": "Name the regulation and the clause that requires control of the model",
    "compliance": "Get compliance or legal to confirm in writing that no third-party-hosted deployment (API, private "
                  "endpoint or zero-retention) meets the regulation",
}
# Recommendation variants: the usual path; regulated work proven (the self-hosted stock model is the
# alternative); regulated work claimed (both alternatives named until compliance answers).
VARIANTS = ("usual", "self_hosted", "both")


@lru_cache(maxsize=1)
def reasons() -> dict[str, Any]:
    """The essay's reasons in our words, per flag, justification and verdict."""
    return load_yaml((DATA_DIR / "reasons.yaml").read_text(encoding="utf-8"))


def _bool(s: pd.Series) -> np.ndarray:
    return s.fillna(False).to_numpy(dtype=bool)


def judge(projects: pd.DataFrame, terms: pd.DataFrame, cfg: Assumptions) -> pd.DataFrame:
    """Flags, justifications, score, verdict, recommendation and evidence for every project."""
    a = cfg
    projects = ensure_tasks(projects)
    h = float(a.horizon_years)
    custom = projects["approach"].isin(vocab().custom).to_numpy()
    names = list(specs())
    # Task codes by Arrow's hash lookup: cheaper than comparing a Python string per row.
    task_code = pc.index_in(pa.array(projects["task"], from_pandas=True).cast(pa.large_string()),
                            value_set=pa.array(names, type=pa.large_string()))
    task_code = task_code.fill_null(names.index(default_task())).to_numpy(zero_copy_only=False)
    classic = ~np.array([specs()[t].in_scope for t in names])[task_code]
    # Only custom models on a foundation-model task are judged; classic ML is out of the essay's scope.
    judged = custom & ~classic
    scratch = is_(projects["approach"], "from_scratch")
    examples = projects["training_examples"].to_numpy(dtype="float64")
    tokens = projects["training_tokens"].to_numpy(dtype="float64")
    size = terms["model_size_b_used"].to_numpy(dtype="float64")
    coverage = projects["fm_coverage"]
    months = projects["build_months"].fillna(a.custom_build_months).to_numpy(dtype="float64")
    ops = projects["ops_budget_usd_per_year"].to_numpy(dtype="float64")
    value = projects["expected_annual_value_usd"].to_numpy(dtype="float64")
    calls = terms["daily_calls_used"].to_numpy(dtype="float64")
    latency = projects["latency_target_ms"].to_numpy(dtype="float64")
    baseline = projects["baseline_p95_ms"].to_numpy(dtype="float64")
    build_people = terms["build_ml_people_usd"].to_numpy(dtype="float64")
    people = terms["ml_people_cost_usd"].to_numpy(dtype="float64")
    upkeep = terms["custom_maintenance_usd_per_year"].to_numpy(dtype="float64")
    savings = terms["projected_savings_usd"].to_numpy(dtype="float64")
    gap_value = projects["gap_value_usd_per_year"].to_numpy(dtype="float64") if "gap_value_usd_per_year" in projects \
        else np.full(len(projects), np.nan)
    pv_years = terms["pv_years"].to_numpy(dtype="float64")
    eval_gap = _bool(projects["eval_gap_verified"])
    rag_tried = _bool(projects["rag_baseline_tried"])
    regulated = _bool(projects["regulatory_control"])
    confirmed = _bool(projects["compliance_confirmed"])
    named = projects["regulation"].fillna("").str.strip().ne("").to_numpy()

    with np.errstate(invalid="ignore"):
        too_few_tokens = np.isnan(tokens) | (tokens < a.data_tokens_per_param * size * 1e9)
        too_few_examples = np.isnan(examples) | (examples < a.data_min_examples_fine_tune) | is_(projects["data_quality"], "low")
        flags = {
            "data": np.where(scratch, too_few_tokens, too_few_examples),
            "treadmill": (months >= a.treadmill_months) | is_(coverage, "good"),
            "maintenance": np.isnan(ops) | (ops < a.maintenance_budget_ratio * upkeep),
            "talent": (build_people >= a.talent_cost_usd) | (~np.isnan(value) & (people > a.talent_value_ratio * value * h)),
        }
        volume_claim = calls >= a.scale_daily_calls
        latency_claim = latency <= a.scale_latency_ms
        measured = ~np.isnan(baseline)
        latency_proven = latency_claim & measured & (baseline > latency)
        latency_refuted = latency_claim & measured & (baseline <= latency)
    priced = ~np.isnan(savings)
    cheaper = priced & (savings < 0)
    # A volume claim is settled by our own prices: cheaper custom proves it, dearer custom refutes it.
    volume_refuted = volume_claim & priced & ~cheaper
    domain_proven = eval_gap & rag_tried
    domain_claimed = is_(coverage, "none") | is_(coverage, "poor") | eval_gap | domain_proven
    # Attached evidence beats the yes/no columns, both ways (SPEC §4e); its rules live in core/evidence_apply.py.
    ev = overrule(projects, domain_claimed, domain_proven, latency_claim, latency_proven, latency_refuted)
    domain_claimed, domain_proven, latency_proven, latency_refuted = (
        ev.domain_claimed, ev.domain_proven, ev.latency_proven, ev.latency_refuted)
    proven = {
        "domain": domain_proven,
        "scale": cheaper | latency_proven,
        "regulatory": regulated & named & confirmed,
    }
    claimed = {
        "domain": domain_claimed,
        "scale": (volume_claim & ~volume_refuted) | (latency_claim & ~latency_refuted) | proven["scale"],
        "regulatory": regulated,
    }
    cols: dict[str, np.ndarray | pd.Series] = {"custom": custom, "judged": judged}
    for f in FLAGS:
        cols[f"flag_{f}"] = flags[f] & judged
    for j in JUSTIFICATIONS:
        cols[f"claimed_{j}"] = claimed[j] & judged
        cols[f"proven_{j}"] = proven[j] & judged
    cols["refuted_volume"] = volume_refuted & judged
    cols["refuted_latency"] = latency_refuted & judged
    cols["refuted_domain"] = ev.domain_refuted & judged
    # A keep must pay (SPEC §4v3): a domain or latency gap keeps a dearer custom model only when its yearly value
    # over the (discounted) horizon covers the extra cost; a cheaper custom path needs no value. The regulatory
    # exception justifies control of the model, not a fine-tune: it changes the comparison path, not the verdict.
    gap_proven = (cols["proven_domain"] | (latency_proven & judged))
    with np.errstate(invalid="ignore"):
        covered = gap_value * pv_years >= savings
    value_known = ~np.isnan(gap_value)
    must_pay = gap_proven & priced & ~cheaper
    keep = (cols["proven_scale"] & cheaper) | (gap_proven & ~must_pay) | (must_pay & value_known & covered)
    short = must_pay & value_known & ~covered & ~keep
    missing_value = must_pay & ~value_known & ~keep
    cols["value_short"] = short
    cols["value_missing"] = missing_value
    cols["value_needed_usd_per_year"] = np.where(must_pay, savings / pv_years, np.nan)
    pending = ((cols["claimed_domain"] & ~cols["proven_domain"]) | (cols["claimed_scale"] & ~cols["proven_scale"])
               | (cols["claimed_regulatory"] & ~cols["proven_regulatory"]))
    # Codes index VERDICTS ("kill", "prove", "keep", "ok", "out_of_scope").
    verdict = np.select([~custom, ~judged, keep, short, missing_value | pending], [3, 4, 2, 0, 1], default=0)
    cols["verdict"] = as_text(list(VERDICTS), verdict, projects.index)

    weights = np.array([getattr(a, f"weight_{f}") for f in FLAGS], dtype="float64")
    fired = np.column_stack([cols[f"flag_{f}"] for f in FLAGS])
    # Scaled so the score stays 0-100 when someone edits a weight; equal to the plain sum at the defaults.
    points = np.rint(fired @ weights * 100.0 / weights.sum()).astype("int64")
    # Classic ML is not evaluated: its score is blank, not a reassuring 0.
    score = pd.array(points, dtype="Int64")
    score[custom & ~judged] = pd.NA
    cols["build_trap_score"] = score

    index = projects.index
    cols["flags"] = _combine([cols[f"flag_{f}"] for f in FLAGS], list(FLAGS), ";", index)
    cols["justifications_claimed"] = _combine([cols[f"claimed_{j}"] for j in JUSTIFICATIONS], list(JUSTIFICATIONS), ";",
                                              index)
    cols["justifications_proven"] = _combine([cols[f"proven_{j}"] for j in JUSTIFICATIONS], list(JUSTIFICATIONS), ";",
                                             index)

    is_prove = verdict == 1
    needs = {
        "eval": is_prove & cols["claimed_domain"] & ~eval_gap & ~ev.evaluated,
        "baseline": is_prove & cols["claimed_domain"] & ~rag_tried & ~ev.evaluated,
        "more_items": is_prove & ev.domain_open,
        "latency": is_prove & latency_claim & ~measured & ~ev.latency_measured,
        "more_latencies": is_prove & ev.latency_open,
        "regulation": is_prove & regulated & ~named,
        "compliance": is_prove & regulated & ~confirmed,
    }
    evidence = _combine(list(needs.values()), [EVIDENCE[k] for k in needs], "; ", index)
    ask = np.flatnonzero(is_prove & missing_value)
    if len(ask):
        # Each of these rows asks for its own figure: the texts are built for those rows only, in one pass.
        asks = pa.array([_value_ask(need, extra, int(h)) for need, extra in
                         zip(money_many(cols["value_needed_usd_per_year"][ask]), money_many(savings[ask]), strict=True)],
                        type=pa.large_string())
        # Put into the column with Arrow (a round trip through a Python list of 100,000 texts cost 8 ms).
        whole = one_array(evidence)
        before = pc.fill_null(whole.take(pa.array(ask)), "")
        joined = pc.if_else(pc.equal(before, ""), asks,
                            pc.binary_join_element_wise(before, asks, pa.scalar("; ", pa.large_string())))
        mask = np.zeros(len(index), dtype=bool)
        mask[ask] = True
        evidence = pd.Series(pd.array(pc.replace_with_mask(whole, pa.array(mask), joined), dtype="str"), index=index)
    cols["evidence_needed"] = evidence

    tier_code = tier_codes(projects["api_tier"], a.default_api_tier)
    # What a kept model should fix first: its heaviest fired flag (len(FLAGS) when none fired).
    heaviest = np.where(fired.any(axis=1), np.argmax(fired * weights, axis=1), len(FLAGS))
    variant = np.where(cols["proven_regulatory"], 1, np.where(cols["claimed_regulatory"], 2, 0))
    code = (((verdict * len(TIERS) + tier_code) * len(names) + task_code) * (len(FLAGS) + 1) + heaviest) \
        * len(VARIANTS) + variant
    cols["recommendation"] = as_text(_recommendations(), code, index)
    # copy=False: the arrays were built here for this frame; consolidating them would only copy them again.
    # The text columns are Arrow already (as_text): numpy object arrays would be converted string by string.
    return pd.DataFrame(cols, index=projects.index, copy=False)


@lru_cache(maxsize=1)
def _recommendations() -> pa.Array:
    """Every recommendation text, indexed by (((verdict * tiers + tier) * tasks + task) * (flags + 1) + flag to fix)
    * variants + variant (VARIANTS)."""
    text = reasons()
    fixes = [f"fix first: {text['flags'][f]['title'].lower()}" for f in FLAGS] + [""]
    texts = []
    for verdict in VERDICTS:
        for tier in TIERS:
            for spec in specs().values():
                path = (f"{spec.fm_path} on a {tier}-tier model" if spec.fm_path == "FM API + RAG"
                        else f"{spec.fm_path} ({tier} tier)" if spec.fm_path else "")
                for fix in fixes:
                    for variant in VARIANTS:
                        if variant == "self_hosted":
                            alt = SELF_HOSTED
                        elif variant == "both":
                            alt = f"a private or zero-retention deployment of {path}, or {SELF_HOSTED_SHORT}"
                        else:
                            alt = path
                        kill = (f"{SELF_HOSTED[0].upper()}{SELF_HOSTED[1:]}; fine-tune only if an evaluation shows a gap"
                                if variant == "self_hosted" else f"Rescope to {alt}")
                        texts.append({
                            "kill": kill,
                            "prove": f"Pause the custom build until the evidence exists; meanwhile run {alt}",
                            "keep": f"Keep the custom model; {fix}" if fix
                            else "Keep the custom model; re-test it against each new base model",
                            "ok": "Recommended path; no change",
                            "out_of_scope": "Out of scope: a classic ML task; judge it on its own business case",
                        }[verdict])
    return pa.array(texts, type=pa.large_string())


SELF_HOSTED = "self-host a stock open-weight model with RAG"
SELF_HOSTED_SHORT = "a self-hosted stock open-weight model"


def _value_ask(per_year: str, extra: str, years: int) -> str:
    """The evidence a dearer custom model on a proven gap still needs: the value that would cover it."""
    return (f"State the yearly value of the gap the custom model closes: it must reach "
            f"{per_year} a year to cover the custom path's extra {extra} over {counted(years, 'year')}")


def _combine(masks: list[np.ndarray], texts: list[str], sep: str, index: pd.Index) -> pd.Series:
    """Per row, the texts whose mask is set, joined by sep. Rows are coded as bit patterns and each
    pattern's text is built once, so 100,000 rows cost a table lookup rather than string work per row."""
    code = np.zeros(len(masks[0]), dtype=np.int64)
    for bit, mask in enumerate(masks):
        code |= mask.astype(np.int64) << bit
    table = [sep.join(t for bit, t in enumerate(texts) if pattern >> bit & 1) for pattern in range(1 << len(texts))]
    return as_text(table, code, index)
