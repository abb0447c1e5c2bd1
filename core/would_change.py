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

from core.numbers import counted, money_arrow
from core.text import one_array

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
    longest = pc.max(length).as_py() or 0
    for k in range(1, (longest - 1) // 3 + 1):  # thousands groups from the right, as many as the longest has
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

    verdict = one_array(scored["verdict"].iloc[rows])

    def is_(word: str) -> np.ndarray:
        return pc.fill_null(pc.equal(verdict, word), False).to_numpy(zero_copy_only=False)

    be, calls, savings = num("break_even_daily_calls"), num("daily_calls_used"), num("projected_savings_usd")
    need, gap_value, pv = num("value_needed_usd_per_year"), num("gap_value_usd_per_year"), num("pv_years")
    short, self_hosted = flag("value_short"), flag("comparison_is_self_hosted")
    priced = np.isfinite(savings)
    gap_proven = flag("proven_domain") | (flag("proven_scale") & priced & (savings >= 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_year = np.where(priced & (savings > 0), savings / pv, np.nan)
        missing = need - gap_value

    # Each verdict's sentence is built for its own rows only (Arrow kernels over every row for every wording
    # cost three times as much), then the pieces are put back in the frame's order.
    def comparison(idx: np.ndarray) -> pa.Array:
        m = len(idx)
        return _pick(self_hosted[idx], _text("the self-hosted stock model", m), _text("the FM path", m))

    def pays(idx: np.ndarray, capital: bool) -> pa.Array:
        """When the custom path would cost less: from a volume, or at none."""
        m = len(idx)
        never = ~np.isfinite(be[idx])
        versus = comparison(idx)
        pays_at = _join(_text("he custom path costs less than ", m), versus, _text(" from ", m),
                        pc.fill_null(_calls(be[idx]), ""), _text(" calls a day", m))
        pays_never = _join(_text("t no volume would the custom path cost less than ", m), versus)
        first = _pick(never, _text("A" if capital else "a", m), _text("T" if capital else "t", m))
        return _join(first, _pick(never, pays_never, pays_at))

    pieces: list[tuple[np.ndarray, pa.Array]] = []

    # kill: the volume, and the proof that would make it keep (with the value it would need, when priced)
    kill = is_("kill")
    idx = np.flatnonzero(kill & ~short)
    if len(idx):
        m = len(idx)
        worthy = priced[idx] & (savings[idx] > 0)
        worth = _pick(worthy, _join(_text(" worth at least ", m), money_arrow(per_year[idx]), _text(" a year", m)),
                      _text("", m))
        worth = _pick(~priced[idx], _text(" worth more than the custom path's extra cost", m), worth)
        pieces.append((idx, _join(pays(idx, True), _text("; ", m), _text(PROOF, m), worth,
                                  _text(" would make it keep.", m))))
    idx = np.flatnonzero(kill & short)
    if len(idx):
        m = len(idx)
        pieces.append((idx, _join(
            _text("Keep only if the gap were worth ", m), money_arrow(need[idx]), _text(" a year, ", m),
            money_arrow(missing[idx]), _text(" a year more than stated (", m),
            money_arrow(missing[idx] * pv[idx]), _text(f" short over {counted(years, 'year')}); or ", m),
            pays(idx, False), _text(".", m))))

    # prove: the first missing proof, and what the money says meanwhile
    idx = np.flatnonzero(is_("prove"))
    if len(idx):
        m = len(idx)
        evidence = pc.fill_null(one_array(scored["evidence_needed"].iloc[rows[idx]]), "")
        first = pc.utf8_rtrim(pc.list_element(pc.split_pattern(evidence, "; ", max_splits=1), 0), characters=".")
        more = _pick(pc.match_substring(evidence, "; ").to_numpy(zero_copy_only=False),
                     _text(" (and the rest of the evidence needed)", m), _text("", m))
        first = _pick(pc.equal(evidence, "").to_numpy(zero_copy_only=False), _text("the evidence named above", m), first)
        pieces.append((idx, _join(_text("Keep once this is done: ", m), first, more, _text("; meanwhile ", m),
                                  pays(idx, False), _text(".", m))))

    # keep: what would end it, each reason that applies ("" where it does not), joined by ", or ". Joined by
    # hand: Arrow's join with null_handling="skip" drops the rows whose parts are all null (pyarrow 26).
    idx = np.flatnonzero(is_("keep"))
    if len(idx):
        m = len(idx)
        blank = _text("", m)
        drop = (priced & (savings < 0) & np.isfinite(be) & (be > 0))[idx]
        base = gap_proven[idx]
        value_end = (gap_proven & priced & (savings > 0) & np.isfinite(need))[idx]
        today = _pick(np.isfinite(calls[idx]), _join(_text(" (today ", m), pc.fill_null(_calls(calls[idx]), ""),
                                                      _text(")", m)), blank)
        falling = _join(_text("volume falling below ", m), pc.fill_null(_calls(be[idx]), ""), _text(" calls a day", m),
                        today)
        value = _join(_text("the gap's value falling below ", m), money_arrow(need[idx]), _text(" a year", m))
        sep = _text(", or ", m)
        ends = _join(_pick(drop, falling, blank), _pick(drop & (base | value_end), sep, blank),
                     _pick(base, _text("a new base model closing the gap in the evaluation", m), blank),
                     _pick(base & value_end, sep, blank), _pick(value_end, value, blank))
        fallback = _join(_text("volume falling to where the custom path costs more than ", m), comparison(idx))
        ends = _pick(pc.equal(ends, "").to_numpy(zero_copy_only=False), fallback, ends)
        pieces.append((idx, _join(_text("Would end with ", m), ends, _text(".", m))))

    if not pieces:
        return out
    # Unpriced: say so first, then the same sentence with a small first letter.
    finished = []
    for idx, sentence in pieces:
        unpriced = ~priced[idx]
        if unpriced.any():
            some = sentence.filter(pa.array(unpriced))
            lowered = _join(_text("Needs volume to price it; ", len(some)),
                            pc.utf8_lower(pc.utf8_slice_codeunits(some, 0, 1)), pc.utf8_slice_codeunits(some, 1))
            sentence = pc.replace_with_mask(sentence, pa.array(unpriced), lowered)
        finished.append(sentence)
    # Back to every row of the frame: judged rows take their sentence, the others the empty text at the end.
    where = np.full(len(scored), sum(len(idx) for idx, _ in pieces), dtype=np.int64)
    offset = 0
    for idx, _ in pieces:
        where[rows[idx]] = offset + np.arange(len(idx))
        offset += len(idx)
    full = pc.take(pa.concat_arrays([*finished, pa.array([""], type=_STR)]), pa.array(where))
    return pd.Series(pd.array(full, dtype="str"), index=scored.index)
