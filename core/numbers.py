"""One number style for everything a person reads: money, percentages, counts, chart axes.

Money: $1.2M and $3.0B (always one decimal), $850K from $100,000 up, exact dollars below ($12,400).
The same rule is written once more as a Vega expression so chart axes and tooltips read the same.
Percentages: "50 %". Counts: thousands separators. A blank is "—" (unknown), never None or nan.
"""

from __future__ import annotations

import math
import re
from typing import Any

BLANK = "—"
BLANK_HELP = "Blank: not given in the roadmap, so unknown."


def is_blank(value: object) -> bool:
    """None, NaN, pandas NA/NaT and empty text are all "unknown"."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)  # NaN is the one value not equal to itself
    except (TypeError, ValueError):
        return False


def _half_up(x: float) -> float:
    # Halves round up, as Vega's format() does in the charts (Python's round() would round 2.25 to 2.2).
    return math.floor(x + 0.5)


def money(value: Any, missing: str = BLANK) -> str:
    """$1.2M / $850K / $12,400; negative as -$340K; `missing` for a blank."""
    if is_blank(value):
        return missing
    v = float(value)
    sign = "-" if v < 0 else ""
    a = abs(v)
    # Decide the unit on the rounded figure, so 999,999 reads $1.0M and not $1000K.
    if _half_up(a / 1e5) >= 10_000:
        return f"{sign}${_half_up(a / 1e8) / 10:,.1f}B"
    if _half_up(a / 1e3) >= 1000:
        return f"{sign}${_half_up(a / 1e5) / 10:.1f}M"
    if _half_up(a) >= 100_000:
        return f"{sign}${_half_up(a / 1e3):.0f}K"
    text = f"{sign}${_half_up(a):,.0f}"
    return "$0" if text == "-$0" else text


def money_many(values: Any, missing: str = BLANK) -> list[str]:
    """`money` for a whole column: each distinct displayed figure is formatted once (a 100,000-row roadmap has
    a few thousand), so a column costs a few array passes instead of a Python call per row."""
    texts, inverse, blank = _money_distinct(values)
    out = texts[inverse]
    out[blank] = missing
    return out.tolist()


def money_arrow(values: Any, missing: str = BLANK) -> Any:
    """`money_many` as an Arrow text array, taken from the distinct texts without a Python string per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts, inverse, blank = _money_distinct(values)
    out = pc.take(pa.array(texts.tolist(), type=pa.large_string()), pa.array(inverse))
    return pc.if_else(pa.array(blank), pa.scalar(missing, pa.large_string()), out) if blank.any() else out


def _money_distinct(values: Any) -> tuple[Any, Any, Any]:
    """The distinct money texts of a column, each row's index into them, and where a row is blank."""
    import numpy as np

    v = np.asarray(values, dtype="float64")
    blank = ~np.isfinite(v)
    a = np.abs(np.where(blank, 0.0, v))
    # The same unit choice and rounding as money(): the key (unit, sign, rounded figure) fixes the text.
    unit = np.where(np.floor(a / 1e5 + 0.5) >= 10_000, 3,
                    np.where(np.floor(a / 1e3 + 0.5) >= 1000, 2, np.where(np.floor(a + 0.5) >= 100_000, 1, 0)))
    scaled = np.choose(unit, [np.floor(a + 0.5), np.floor(a / 1e3 + 0.5), np.floor(a / 1e5 + 0.5),
                              np.floor(a / 1e8 + 0.5)])
    # One float key per displayed text; exact while the rounded figure stays under 2^53 / 8 (about 10^15).
    key = scaled * 8.0 + unit * 2.0 + ((v < 0) & (scaled > 0))
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return np.array([money(v[i]) for i in first], dtype=object), inverse.ravel(), blank


def percent(fraction: Any, missing: str = BLANK) -> str:
    """0.5 -> "50 %", 0.298 -> "29.8 %"."""
    if is_blank(fraction):
        return missing
    p = float(fraction) * 100
    text = f"{p:.0f}" if abs(p - round(p)) < 0.05 else f"{p:.1f}"
    return f"{text} %"


def count(value: Any, missing: str = BLANK) -> str:
    """Whole things with thousands separators: 12,000."""
    if is_blank(value):
        return missing
    return f"{float(value):,.0f}"


def counted(n: Any, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: 1 year, 3 years, 2,000 calls."""
    return f"{count(n)} {noun if float(n) == 1 else plural or noun + 's'}"


def number(value: Any, missing: str = BLANK) -> str:
    """A quantity that may have a fraction: 6, 1.5, 0.25, 2,500."""
    if is_blank(value):
        return missing
    v = float(value)
    if v.is_integer() or abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


# The first word of a plural unit ("years", "FTE-months per year", "runs/year"), but not "ms" or "TFLOP/s".
_PLURAL_HEAD = re.compile(r"^([A-Za-z][A-Za-z-]*[a-rt-z])s(?=$|[ /])")


def in_unit(value: Any, unit: str | None, missing: str = BLANK) -> str:
    """A value in the style its unit calls for (assumptions: USD, fraction, counts, the rest); one of a
    plural unit is singular (1 year, 1 FTE-month per year)."""
    if is_blank(value):
        return missing
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return value
    unit = unit or ""
    if unit.startswith("USD"):
        # "USD/hour" and "USD per 1,000 calls" both read "per …" once.
        per = unit.removeprefix("USD").strip().lstrip("/").removeprefix("per ").strip()
        v = float(value)
        # A unit price below $100 keeps its cents ($0.10 per 1,000 calls); money() rounds to whole dollars.
        shown = f"${v:,.2f}" if abs(v) < 100 and abs(v - round(v)) > 1e-9 else money(v)
        return shown + (f" per {per}" if per else "")
    if unit == "fraction":
        return percent(value)
    if unit == "x":
        return f"{number(value)}×"
    if float(value) == 1:
        unit = _PLURAL_HEAD.sub(r"\1", unit)
    return f"{number(value)} {unit}".strip()


def vega_money(field: str = "datum.value") -> str:
    """The money rule above as a Vega expression, for axis labelExpr and calculated tooltip fields."""
    a = f"abs({field})"
    s = f"({field} < 0 ? '-' : '')"
    return (f"{s} + '$' + (round({a} / 1e5) >= 10000 ? format({a} / 1e9, ',.1f') + 'B' : "
            f"round({a} / 1e3) >= 1000 ? format({a} / 1e6, '.1f') + 'M' : "
            f"round({a}) >= 100000 ? format({a} / 1e3, '.0f') + 'K' : format({a}, ',.0f'))")


def vega_count(field: str = "datum.value") -> str:
    """Counts on an axis: 12,000 (no SI suffix, no decimals)."""
    return f"format({field}, ',.0f')"


def money_scale(values: Any) -> tuple[float, str, str]:
    """One money style for a whole column or table, chosen from its largest figure: (divisor, printf format for a
    grid's number column, unit letter). Millions with one decimal ($4.8M; two, $0.05M, when a figure would
    otherwise read $0.0M), thousands ($282K) below a million, whole dollars below a thousand. A column mixing
    "$4.5M", "$52,560" and "$282K" made a reader compare digits across units."""
    figures = [abs(float(v)) for v in values if not is_blank(v)]
    top = max(figures, default=0.0)
    if _half_up(top / 1e3) >= 1000:
        small = any(0 < f < 50_000 for f in figures)
        return 1e6, ("$%.2fM" if small else "$%.1fM"), "M"
    if _half_up(top) >= 1000:
        return 1e3, "$%,.0fK", "K"
    return 1.0, "$%,.0f", ""


def money_scaled(value: Any, scale: tuple[float, str, str], missing: str = BLANK) -> str:
    """One figure in a column's money style (money_scale)."""
    if is_blank(value):
        return missing
    div, fmt, unit = scale
    decimals = 2 if "%.2f" in fmt else 1 if "%.1f" in fmt else 0
    x = float(value) / div
    text = f"{abs(x):,.{decimals}f}"
    return ("-" if x < 0 and float(text.replace(",", "")) != 0 else "") + f"${text}{unit}"


def money_column(values: Any, missing: str = BLANK) -> list[str]:
    """The figures of one column in one money style (money_scale): $4.8M, $0.1M, $0.3M — never $52,560 beside $4.5M."""
    values = list(values)
    scale = money_scale(values)
    return [money_scaled(v, scale, missing) for v in values]
