"""What would change the verdict (SPEC §4v3): one sentence per judged project, from the same priced terms and
judgement as the totals: for `kill` the volume at which custom pays (or "at no volume") and the proof that
would make it `keep`; for `prove` the missing evidence; for `keep` what would end it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.numbers import counted, money


def _calls(value: float) -> str:
    return f"{value:,.0f}"


def _pays(be: float, comparison: str) -> str:
    if math.isnan(be):
        return f"at no volume would the custom path cost less than {comparison}"
    return f"the custom path costs less than {comparison} from {_calls(be)} calls a day"


def sentence(verdict: str, *args: object) -> str:
    """The sentence for one judged project; with no volume it starts by saying so."""
    priced = bool(args[2])
    body = _sentence(verdict, *args)  # type: ignore[arg-type]
    if priced or not body:
        return body
    return f"Needs volume to price it; {body[0].lower()}{body[1:]}"


def _sentence(verdict: str, be: float, calls: float, priced: bool, savings: float, value_needed: float,
             gap_value: float, short: bool, gap_proven: bool, evidence: str, self_hosted: bool, years: int,
             pv_years: float) -> str:
    """The sentence itself (inputs are that project's scored values)."""
    comparison = "the self-hosted stock model" if self_hosted else "the FM path"
    pays = _pays(be, comparison)
    if verdict == "kill":
        if short:
            gap = value_needed - gap_value
            return (f"Keep only if the gap were worth {money(value_needed)} a year, {money(gap)} a year more than stated "
                    f"({money(gap * pv_years)} short over {counted(years, 'year')}); or {pays}.")
        need = (f"worth at least {money(savings / pv_years)} a year" if priced and savings > 0
                else "worth more than the custom path's extra cost")
        proof = f"a proven domain gap (a rigorous evaluation and a measured FM + RAG baseline) {need}"
        if priced and savings <= 0:
            proof = "a proven domain gap (a rigorous evaluation and a measured FM + RAG baseline)"
        return f"{pays[0].upper()}{pays[1:]}; {proof} would make it keep."
    if verdict == "prove":
        first = evidence.split("; ")[0] if evidence else "the evidence named above"
        more = " (and the rest of the evidence needed)" if evidence and "; " in evidence else ""
        return f"Keep once this is done: {first.rstrip('.')}{more}; meanwhile {pays}."
    if verdict == "keep":
        ends = []
        if priced and savings < 0 and not math.isnan(be) and be > 0:
            ends.append(f"volume falling below {_calls(be)} calls a day (today {_calls(calls)})")
        if gap_proven:
            ends.append("a new base model closing the gap in the evaluation")
            if priced and savings > 0 and not math.isnan(value_needed):
                ends.append(f"the gap's value falling below {money(value_needed)} a year")
        if not ends:
            ends.append("volume falling to where the custom path costs more than " + comparison)
        return "Would end with " + ", or ".join(ends) + "."
    return ""


def would_change(scored: pd.DataFrame, years: int) -> pd.Series:
    """One sentence per judged project (blank for the rest), in the scored frame's order."""
    out = np.full(len(scored), "", dtype=object)
    judged = np.flatnonzero(scored["judged"].to_numpy(dtype=bool))
    if len(judged) == 0:
        return pd.Series(out, index=scored.index, dtype="str")
    cols = {c: scored[c].to_numpy()[judged] for c in (
        "verdict", "break_even_daily_calls", "daily_calls_used", "projected_savings_usd", "value_needed_usd_per_year",
        "value_short", "evidence_needed", "comparison_is_self_hosted", "pv_years", "proven_domain", "proven_scale",
        "refuted_latency")}
    gap_value = (scored["gap_value_usd_per_year"].to_numpy(dtype="float64", na_value=np.nan)[judged]
                 if "gap_value_usd_per_year" in scored else np.full(len(judged), np.nan))
    for k, i in enumerate(judged):
        savings = float(cols["projected_savings_usd"][k])
        out[i] = sentence(
            str(cols["verdict"][k]), float(cols["break_even_daily_calls"][k]), float(cols["daily_calls_used"][k]),
            not math.isnan(savings), savings, float(cols["value_needed_usd_per_year"][k]), float(gap_value[k]),
            bool(cols["value_short"][k]), bool(cols["proven_domain"][k]) or bool(cols["proven_scale"][k] and savings >= 0),
            "" if pd.isna(cols["evidence_needed"][k]) else str(cols["evidence_needed"][k]),
            bool(cols["comparison_is_self_hosted"][k]), years, float(cols["pv_years"][k]))
    return pd.Series(out, index=scored.index, dtype="str")
