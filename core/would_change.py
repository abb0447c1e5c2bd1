"""What would change the verdict (SPEC §4v3): one sentence per judged project, from the same priced terms and
judgement as the totals: for `kill` the volume at which custom pays (or "at no volume") and the proof that
would make it `keep`; for `prove` the missing evidence; for `keep` what would end it.

Built column-wise with Arrow string kernels: a Python sentence per row cost 30 µs, most of a 100,000-row score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.numbers import counted, money_many

_STR = pa.large_string()
PROOF = "a proven domain gap (a rigorous evaluation and a measured FM + RAG baseline)"


def _text(values: object, n: int) -> pa.Array:
    """A string column: a list or array of texts (None for null), or one text repeated."""
    if isinstance(values, str):
        return pa.repeat(pa.scalar(values, _STR), n)
    return pa.array(values, type=_STR, from_pandas=True)


def _join(*parts: pa.Array) -> pa.Array:
    """Row by row, the parts one after another (a null part makes the row null)."""
    return pc.binary_join_element_wise(*parts, pa.scalar("", _STR))


def _pick(mask: np.ndarray, yes: pa.Array, no: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), yes, no)


def _calls(values: np.ndarray) -> pa.Array:
    """Whole numbers with thousands separators (12,000), null where not finite, by Arrow string kernels: Python's
    format() costs a microsecond a number, numpy's string kernels more."""
    finite = np.isfinite(values)
    whole = pa.array(np.round(np.where(finite, np.abs(values), 0.0)).astype(np.int64))
    digits = pc.cast(whole, _STR)
    length = pc.utf8_length(digits)
    text = pc.utf8_slice_codeunits(digits, -3)
    for k in range(1, 7):  # thousands groups from the right; 10^21 is past any figure the loader accepts
        group = pc.utf8_slice_codeunits(digits, -3 * (k + 1), -3 * k)
        text = pc.if_else(pc.greater(length, 3 * k), _join(group, pa.scalar(",", _STR), text), text)
    text = pc.if_else(pa.array(values < 0), _join(pa.scalar("-", _STR), text), text)
    return pc.if_else(pa.array(finite), text, pa.scalar(None, _STR))


def would_change(scored: pd.DataFrame, years: int) -> pd.Series:
    """One sentence per judged project (blank for the rest), in the scored frame's order."""
    judged = scored["judged"].to_numpy(dtype=bool)
    out = pd.Series("", index=scored.index, dtype="str")
    if not judged.any():
        return out
    rows = np.flatnonzero(judged)
    n = len(rows)

    def num(col: str) -> np.ndarray:
        if col not in scored.columns:
            return np.full(n, np.nan)
        return scored[col].to_numpy(dtype="float64", na_value=np.nan)[rows]

    def flag(col: str) -> np.ndarray:
        return scored[col].to_numpy(dtype=bool)[rows]

    verdict = scored["verdict"].to_numpy(dtype=object)[rows]
    be, calls, savings = num("break_even_daily_calls"), num("daily_calls_used"), num("projected_savings_usd")
    need, gap_value, pv = num("value_needed_usd_per_year"), num("gap_value_usd_per_year"), num("pv_years")
    short, self_hosted = flag("value_short"), flag("comparison_is_self_hosted")
    priced = np.isfinite(savings)
    gap_proven = flag("proven_domain") | (flag("proven_scale") & priced & (savings >= 0))
    evidence = pa.array(scored["evidence_needed"], type=_STR, from_pandas=True)
    if isinstance(evidence, pa.ChunkedArray):
        evidence = evidence.combine_chunks()
    evidence = pc.fill_null(pc.take(evidence, pa.array(rows)), "")

    comparison = _pick(self_hosted, _text("the self-hosted stock model", n), _text("the FM path", n))
    never = ~np.isfinite(be)
    be_text = _calls(be)
    pays_at = _join(_text("he custom path costs less than ", n), comparison, _text(" from ", n), pc.fill_null(be_text, ""),
                    _text(" calls a day", n))
    pays_never = _join(_text("t no volume would the custom path cost less than ", n), comparison)
    tail = _pick(never, pays_never, pays_at)  # the clause without its first letter
    pays = _join(_pick(never, _text("a", n), _text("t", n)), tail)
    pays_cap = _join(_pick(never, _text("A", n), _text("T", n)), tail)

    # kill: the volume, and the proof that would make it keep (with the value it would need, when priced)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_year = np.where(priced & (savings > 0), savings / pv, np.nan)
        missing = need - gap_value
    worth = _text([f" worth at least {m} a year" if s else None for m, s in zip(money_many(per_year), priced & (savings > 0),
                                                                              strict=True)], n)
    worth = pc.fill_null(worth, "")
    worth = _pick(~priced, _text(" worth more than the custom path's extra cost", n), worth)
    kill = _join(pays_cap, _text("; ", n), _text(PROOF, n), worth, _text(" would make it keep.", n))
    short_text = _join(_text("Keep only if the gap were worth ", n), _text(money_many(need), n),
                       _text(" a year, ", n), _text(money_many(missing), n), _text(" a year more than stated (", n),
                       _text(money_many(missing * pv), n), _text(f" short over {counted(years, 'year')}); or ", n),
                       pays, _text(".", n))
    kill = _pick(short, short_text, kill)

    # prove: the first missing proof, and what the money says meanwhile
    first = pc.utf8_rtrim(pc.list_element(pc.split_pattern(evidence, "; ", max_splits=1), 0), characters=".")
    more = _pick(pc.match_substring(evidence, "; ").to_numpy(zero_copy_only=False),
                 _text(" (and the rest of the evidence needed)", n), _text("", n))
    first = _pick(pc.equal(evidence, "").to_numpy(zero_copy_only=False), _text("the evidence named above", n), first)
    prove = _join(_text("Keep once this is done: ", n), first, more, _text("; meanwhile ", n), pays, _text(".", n))

    # keep: what would end it
    drop = priced & (savings < 0) & np.isfinite(be) & (be > 0)
    # Only the kept projects need it; joined in Python because Arrow's join with null_handling="skip" drops
    # rows whose parts are all null (pyarrow 26).
    kept = np.flatnonzero(verdict == "keep")
    ends_list = [""] * n
    if len(kept):
        value_end = gap_proven & priced & (savings > 0) & np.isfinite(need)
        be_k, calls_k = _calls(be[kept]).to_pylist(), _calls(calls[kept]).to_pylist()
        need_k = money_many(need[kept])
        for j, i in enumerate(kept):
            parts = []
            if drop[i]:
                parts.append(f"volume falling below {be_k[j]} calls a day (today {calls_k[j]})")
            if gap_proven[i]:
                parts.append("a new base model closing the gap in the evaluation")
            if value_end[i]:
                parts.append(f"the gap's value falling below {need_k[j]} a year")
            ends_list[i] = ", or ".join(parts)
    ends = _text(ends_list, n)
    fallback = _join(_text("volume falling to where the custom path costs more than ", n), comparison)
    ends = _pick(pc.equal(ends, "").to_numpy(zero_copy_only=False), fallback, ends)
    keep = _join(_text("Would end with ", n), ends, _text(".", n))

    sentence = _pick(verdict == "kill", kill, _pick(verdict == "prove", prove,
                                                    _pick(verdict == "keep", keep, _text("", n))))
    # Unpriced: say so first, then the same sentence with a small first letter.
    lowered = _join(_text("Needs volume to price it; ", n), pc.utf8_lower(pc.utf8_slice_codeunits(sentence, 0, 1)),
                    pc.utf8_slice_codeunits(sentence, 1))
    sentence = _pick(priced | pc.equal(sentence, "").to_numpy(zero_copy_only=False), sentence, lowered)
    # Back to every row of the frame: judged rows take their sentence, the others the empty text at the end.
    where = np.full(len(scored), n, dtype=np.int64)
    where[rows] = np.arange(n)
    full = pc.take(pa.concat_arrays([sentence, pa.array([""], type=_STR)]), pa.array(where))
    return pd.Series(pd.array(full, dtype="str"), index=scored.index)
