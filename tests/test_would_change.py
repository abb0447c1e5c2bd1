"""would_change (SPEC §4v3) built column-wise against a plain row-by-row reading of the same rules.

The column-wise version is fast and hard to read; the reference below says each sentence in ordinary Python,
one row at a time, and thousands of random rows covering every branch (kill with and without a value that
falls short, at a volume or at none, priced or not; prove with one, several or no missing proofs; keep with
each way it could end, and none) must read the same both ways.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.numbers import counted, money
from core.would_change import PROOF, would_change

YEARS = 3


def _calls(value: float) -> str:
    return f"{value:,.0f}" if math.isfinite(value) else ""


def reference(r: dict, years: int = YEARS) -> str:
    """One row's sentence, read straight from the rules."""
    if not r["judged"] or r["verdict"] not in ("kill", "prove", "keep"):
        return ""
    be, savings = r["break_even_daily_calls"], r["projected_savings_usd"]
    need, gap_value, pv = r["value_needed_usd_per_year"], r["gap_value_usd_per_year"], r["pv_years"]
    priced = math.isfinite(savings)
    versus = "the self-hosted stock model" if r["comparison_is_self_hosted"] else "the FM path"
    if math.isfinite(be):
        pays = f"the custom path costs less than {versus} from {_calls(be)} calls a day"
    else:
        pays = f"at no volume would the custom path cost less than {versus}"
    if r["verdict"] == "kill" and r["value_short"]:
        missing = need - gap_value
        text = (f"Keep only if the gap were worth {money(need)} a year, {money(missing)} a year more than stated "
                f"({money(missing * pv)} short over {counted(years, 'year')}); or {pays}.")
    elif r["verdict"] == "kill":
        if not priced:
            worth = " worth more than the custom path's extra cost"
        elif savings > 0:
            worth = f" worth at least {money(savings / pv)} a year"
        else:
            worth = ""
        text = f"{pays[0].upper()}{pays[1:]}; {PROOF}{worth} would make it keep."
    elif r["verdict"] == "prove":
        evidence = r["evidence_needed"] if isinstance(r["evidence_needed"], str) else ""
        first = evidence.split("; ", 1)[0].rstrip(".") if evidence else "the evidence named above"
        more = " (and the rest of the evidence needed)" if "; " in evidence else ""
        text = f"Keep once this is done: {first}{more}; meanwhile {pays}."
    else:
        gap_proven = r["proven_domain"] or (r["proven_scale"] and priced and savings >= 0)
        ends = []
        if priced and savings < 0 and math.isfinite(be) and be > 0:
            today = r["daily_calls_used"]
            ends.append(f"volume falling below {_calls(be)} calls a day"
                        + (f" (today {_calls(today)})" if math.isfinite(today) else ""))
        if gap_proven:
            ends.append("a new base model closing the gap in the evaluation")
        if gap_proven and priced and savings > 0 and math.isfinite(need):
            ends.append(f"the gap's value falling below {money(need)} a year")
        said = ", or ".join(ends) or f"volume falling to where the custom path costs more than {versus}"
        text = f"Would end with {said}."
    return text if priced else f"Needs volume to price it; {text[0].lower()}{text[1:]}"


def random_scored(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def maybe_blank(values: np.ndarray, share: float) -> np.ndarray:
        return np.where(rng.random(n) < share, np.nan, values)

    evidence = np.array(["", "Run a rigorous evaluation.", "Measure the baseline; run the evaluation.",
                         "Confirm with compliance; measure latency; run the evaluation.", None], dtype=object)
    return pd.DataFrame({
        "judged": rng.random(n) < 0.9,
        "verdict": pd.array(rng.choice(["kill", "prove", "keep", "ok", "out_of_scope"], n), dtype="str"),
        "break_even_daily_calls": maybe_blank(np.round(10 ** rng.uniform(0, 9, n), 2), 0.25),
        "daily_calls_used": maybe_blank(np.round(10 ** rng.uniform(0, 8, n)), 0.2),
        "projected_savings_usd": maybe_blank(rng.normal(0, 1, n) * 10 ** rng.uniform(3, 7, n), 0.2),
        "value_needed_usd_per_year": maybe_blank(10 ** rng.uniform(3, 7, n), 0.3),
        "gap_value_usd_per_year": maybe_blank(10 ** rng.uniform(3, 6, n), 0.5),
        "pv_years": np.full(n, 1 / 1.08 + 1 / 1.08**2 + 1 / 1.08**3),
        "value_short": rng.random(n) < 0.2,
        "comparison_is_self_hosted": rng.random(n) < 0.2,
        "proven_domain": rng.random(n) < 0.3,
        "proven_scale": rng.random(n) < 0.3,
        "evidence_needed": pd.array(rng.choice(evidence, n), dtype="str"),
    }, index=pd.RangeIndex(5, 5 + n))  # an index that is not 0..n-1: sentences must follow it


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_sentence_reads_as_the_rules_say_row_by_row(seed):
    scored = random_scored(3_000, seed)
    got = would_change(scored, YEARS)
    assert got.index.equals(scored.index)
    expected = [reference(r) for r in scored.to_dict("records")]
    mismatched = [(i, g, e) for i, g, e in zip(scored.index, got.tolist(), expected, strict=True) if g != e]
    assert not mismatched, mismatched[:3]


def test_every_branch_is_covered_by_the_random_rows():
    """The comparison above means something only if the rows reach every wording."""
    said = " ".join(would_change(random_scored(3_000, 1), YEARS).tolist())
    for wording in ("Keep only if the gap were worth", "at no volume would", "calls a day; a proven domain gap",
                    "worth more than the custom path's extra cost", "worth at least", "the evidence named above",
                    "(and the rest of the evidence needed)", "volume falling below", "a new base model closing",
                    "the gap's value falling below", "volume falling to where", "Needs volume to price it; keep once",
                    "the self-hosted stock model"):
        assert wording in said, wording


def test_nothing_judged_gives_blanks():
    scored = random_scored(50, 4).assign(judged=False)
    assert (would_change(scored, YEARS) == "").all()


def test_text_columns_in_several_chunks_read_the_same():
    """A frame put together with pd.concat holds its text in several Arrow chunks; the sentences must not change."""
    scored = random_scored(1_000, 5)
    halves = pd.concat([scored.iloc[:400], scored.iloc[400:]])
    assert halves["verdict"].array._pa_array.num_chunks == 2  # the case this test is about
    assert would_change(halves, YEARS).tolist() == would_change(scored, YEARS).tolist()
