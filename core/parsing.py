"""Vectorized parsers for the value forms people type into roadmaps (money, counts, yes/no, words).

The hot path runs on Arrow string arrays with pyarrow.compute (RE2 regexes in C++): a 100,000-row
roadmap has about a million cells to read, far too many for per-cell Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.vocab import match_approach, normalize_word, vocab

_MULTIPLIERS = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "t": 1e12, "tn": 1e12, "trillion": 1e12,
}
# Words and symbols that only decorate a figure: currency, approximations, units.
_DECORATION = (
    r"usd|eur|gbp|us\$|[$€£¥]|approx\.?|about|around|ca\.|circa|~|≈|\+|"
    r"per\s+(?:day|year|yr|month)|/\s*(?:day|yr|year|month|d)|a\s+day|"
    r"months?|mos?|ms|fte|calls?|requests?|examples?|tokens?|rows?|pairs?|weeks?|engineers?|people"
)
# Scientific notation too: spreadsheets export long figures as 1.2E+07.
_PLAIN = r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?$"
_NUMBER = (
    r"^(?P<neg>-?)(?P<num>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*"
    r"(?P<mult>k|thousand|mm|mn|mio|m|millions?|bn|b|billion|tn|t|trillion|)$"
)


def _strings(raw: pd.Series) -> pa.ChunkedArray:
    """The column as Arrow strings, without copying when pandas already holds it in Arrow."""
    arr = pa.array(raw.astype("str"), from_pandas=True)
    # Arrow-backed columns with several chunks come back chunked; wrapping those again would make
    # pyarrow walk them element by element.
    if not isinstance(arr, pa.ChunkedArray):
        arr = pa.chunked_array([arr])
    return arr if arr.type == pa.large_string() else arr.cast(pa.large_string())


def _arrow(raw: pd.Series) -> pa.ChunkedArray:
    """Lower-cased, trimmed Arrow strings (nulls stay null)."""
    return pc.utf8_lower(pc.utf8_trim_whitespace(_strings(raw)))


def _blank(t: pa.ChunkedArray, unknown: frozenset[str]) -> np.ndarray:
    listed = pc.is_in(t, value_set=pa.array(sorted(unknown), type=pa.large_string()))
    return pc.or_kleene(pc.is_null(t), listed).fill_null(True).to_numpy(zero_copy_only=False)


def parse_number(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers as written ('$1,200,000', '1.2M', '€300k', '1.5 million', '~5000', '(2,000)').

    Returns (values as float64 with NaN for unknown, mask of cells that were filled but unreadable).
    Negative amounts are returned as negative numbers; callers decide whether they are allowed.
    """
    # Roadmap figures repeat (round budgets, the same few volumes), so each distinct text is read once.
    encoded = pc.dictionary_encode(_strings(raw).combine_chunks())
    t = pa.chunked_array([pc.utf8_lower(pc.utf8_trim_whitespace(encoded.dictionary))])
    blank_u = _blank(t, vocab().unknown)
    plain = pc.match_substring_regex(t, _PLAIN).fill_null(False).to_numpy(zero_copy_only=False)
    values_u = np.full(len(t), np.nan)
    if plain.any():
        values_u[plain] = pc.cast(pc.filter(t, pa.array(plain)), pa.float64()).to_numpy(zero_copy_only=False)
    messy = ~plain & ~blank_u
    if messy.any():
        values_u[messy] = _parse_messy(pc.filter(t, pa.array(messy)))
    # A 400-digit figure overflows to inf: not an amount anyone planned, so treat it as unreadable.
    values_u[np.isinf(values_u)] = np.nan
    # Null cells have no dictionary entry: code -1 picks the NaN / "blank" appended at the end.
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    values = np.append(values_u, np.nan)[codes]
    blank = np.append(blank_u, True)[codes]
    bad = np.isnan(values) & ~blank
    return pd.Series(values, index=raw.index), pd.Series(bad, index=raw.index)


def _parse_messy(t: pa.ChunkedArray) -> np.ndarray:
    accounting_neg = pc.match_substring_regex(t, r"^\(.*\)$")
    t = pc.replace_substring_regex(t, r"^\((.*)\)$", r"\1")
    t = pc.utf8_trim_whitespace(pc.replace_substring_regex(t, _DECORATION, " "))
    # A comma followed by one or two digits is a decimal comma ("1,5M"); otherwise a separator.
    decimal_comma = pc.match_substring_regex(t, r"^-?[0-9]+,[0-9]{1,2}\s*[a-z]*$")
    t = pc.if_else(decimal_comma, pc.replace_substring(t, ",", "."), t)
    # What is left between digits is a thousands separator ("1,200,000", "1 200", "1'200").
    t = pc.replace_substring_regex(t, r"[,'’ ]", "")
    multi_dot = pc.match_substring_regex(t, r"^-?[0-9]{1,3}(\.[0-9]{3}){2,}$")
    t = pc.if_else(multi_dot, pc.replace_substring(t, ".", ""), t)
    parts = pc.extract_regex(t, _NUMBER)
    num = pc.cast(pc.struct_field(parts, "num"), pa.float64()).to_numpy(zero_copy_only=False)
    mult_text = pc.struct_field(parts, "mult")
    mult = np.ones(len(t))
    for word, factor in _MULTIPLIERS.items():
        hit = pc.equal(mult_text, word).fill_null(False).to_numpy(zero_copy_only=False)
        mult[hit] = factor
    neg = pc.equal(pc.struct_field(parts, "neg"), "-").fill_null(False).to_numpy(zero_copy_only=False)
    acc = accounting_neg.fill_null(False).to_numpy(zero_copy_only=False)
    sign = np.where(neg ^ acc, -1.0, 1.0)
    return num * mult * sign


def _distinct(raw: pd.Series) -> tuple[list, pa.ChunkedArray, np.ndarray]:
    """The distinct cells (as Python strings and as lower-cased, trimmed Arrow text) and each row's code
    into them; a null cell gets the code len(distinct), one past the end, so lookups can append a filler."""
    encoded = pc.dictionary_encode(_strings(raw).combine_chunks())
    uniques = encoded.dictionary
    codes = encoded.indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False)
    return uniques.to_pylist(), pa.chunked_array([pc.utf8_lower(pc.utf8_trim_whitespace(uniques))]), codes


def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """yes/no words as a nullable boolean (NA = unknown) and a mask of unreadable cells."""
    v = vocab()
    table = {**{k: True for k in v.true}, **{k: False for k in v.false}}
    _, cleaned, codes = _distinct(raw)
    mapped = np.array([table.get(c) for c in cleaned.to_pylist()] + [None], dtype=object)
    out = pd.array(mapped[codes], dtype="boolean")
    blank = np.append(_blank(cleaned, v.unknown), True)[codes]
    bad = np.asarray(pd.isna(out), dtype=bool) & ~blank
    return pd.Series(out, index=raw.index), pd.Series(bad, index=raw.index)


def _words(raw: pd.Series, lookup) -> tuple[pd.Series, pa.ChunkedArray, np.ndarray]:
    """`lookup` applied once per distinct cell; returns (result as text per row, the distinct cells, codes)."""
    cells, cleaned, codes = _distinct(raw)
    mapped = pa.array([lookup(c) for c in cells] + [None], type=pa.large_string())
    out = pd.Series(pd.array(pc.take(mapped, pa.array(codes)), dtype="str"), index=raw.index)
    return out, cleaned, codes


def parse_enum(raw: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """A word from a small vocabulary (status, quality, coverage, tier), or NA."""
    v = vocab()
    table = v.enums[kind]
    out, cleaned, codes = _words(raw, lambda u: table.get(normalize_word(u)))
    blank = np.append(_blank(cleaned, v.unknown - set(table)), True)[codes]  # null cells are blank
    bad = out.isna().to_numpy() & ~blank
    return out, pd.Series(bad, index=raw.index)


def parse_approach(raw: pd.Series) -> pd.Series:
    """Canonical approach per cell (NA when blank or unrecognized); matched once per distinct value."""
    return _words(raw, match_approach)[0]
