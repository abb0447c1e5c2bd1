"""Vectorized parsers for the value forms people type into roadmaps (money, counts, yes/no, words)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.vocab import match_approach, normalize_word, vocab

_MULTIPLIERS = {
    "": 1.0, "k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6,
    "million": 1e6, "millions": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9,
}
# Words and symbols that only decorate a figure: currency, approximations, units.
_DECORATION = (
    r"(?:usd|eur|gbp|us\$|[$€£¥]|approx\.?|about|around|ca\.|circa|~|≈|\+|"
    r"per\s+(?:day|year|yr|month)|/\s*(?:day|yr|year|month|d)|a\s+day|"
    r"months?|mos?|ms|fte|calls?|requests?|examples?|tokens?|rows?|pairs?|weeks?|engineers?|people)"
)
_NUMBER = (
    r"^(?P<neg>-)?(?P<num>\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?P<mult>k|thousand|mm|mn|mio|m|millions?|bn|b|billion)?$"
)


def _blank_mask(s: pd.Series, unknown: frozenset[str]) -> pd.Series:
    return s.isna() | s.str.strip().str.lower().isin(unknown)


def parse_number(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers as written ('$1,200,000', '1.2M', '€300k', '1.5 million', '~5000', '(2,000)').

    Returns (values as float64 with NaN for unknown, mask of cells that were filled but unreadable).
    Negative amounts are returned as negative numbers; callers decide whether they are allowed.
    """
    s = raw.astype("str")
    blank = _blank_mask(s, vocab().unknown)
    # Fast path: most cells in a clean export are plain numbers.
    values = pd.to_numeric(s.where(~blank), errors="coerce").astype("float64")
    todo = values.isna() & ~blank
    if todo.any():
        values.loc[todo] = _parse_messy(s[todo]).to_numpy()
    bad = values.isna() & ~blank
    return values, bad


def _parse_messy(s: pd.Series) -> pd.Series:
    t = s.str.strip().str.lower()
    accounting_neg = t.str.match(r"^\(.*\)$")
    t = t.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    t = t.str.replace(_DECORATION, " ", regex=True).str.strip()
    # A comma followed by one or two digits is a decimal comma ("1,5M"); otherwise a separator.
    decimal_comma = t.str.match(r"^-?\d+,\d{1,2}\s*[a-z]*$")
    t = t.where(~decimal_comma, t.str.replace(",", ".", regex=False))
    t = t.str.replace(r"(?<=\d)[,\s'’](?=\d{3}\b)", "", regex=True)
    # Several dots used as thousands separators ("1.200.000").
    multi_dot = t.str.match(r"^-?\d{1,3}(?:\.\d{3}){2,}$")
    t = t.where(~multi_dot, t.str.replace(".", "", regex=False))
    parts = t.str.extract(_NUMBER)
    num = pd.to_numeric(parts["num"], errors="coerce")
    mult = parts["mult"].fillna("").map(_MULTIPLIERS).astype("float64")
    sign = np.where(parts["neg"].fillna("") == "-", -1.0, 1.0) * np.where(accounting_neg, -1.0, 1.0)
    return (num * mult * sign).astype("float64")


def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """yes/no words as a nullable boolean (NA = unknown) and a mask of unreadable cells."""
    v = vocab()
    key = raw.astype("str").str.strip().str.lower()
    table = {**{k: True for k in v.true}, **{k: False for k in v.false}}
    out = key.map(table).astype("boolean")
    blank = _blank_mask(key, v.unknown)
    bad = out.isna() & ~blank
    return out, bad


def parse_enum(raw: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """A word from a small vocabulary (status, quality, coverage, tier), or NA."""
    v = vocab()
    table = v.enums[kind]
    uniques = raw.astype("str").dropna().unique()
    lookup = {u: table.get(normalize_word(u)) for u in uniques}
    out = raw.astype("str").map(lookup).astype("str")
    blank = raw.isna() | raw.astype("str").str.strip().str.lower().isin(v.unknown - set(table))
    bad = out.isna() & ~blank
    return out, bad


def parse_approach(raw: pd.Series) -> pd.Series:
    """Canonical approach per cell (NA when blank or unrecognized); matched once per distinct value."""
    uniques = raw.astype("str").dropna().unique()
    lookup = {u: match_approach(u) for u in uniques}
    return raw.astype("str").map(lookup).astype("str")
