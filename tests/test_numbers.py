"""The one number style: money, percentages, counts, blanks, and the chart axes written as Vega expressions."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from core import numbers


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "$0"), (-0.4, "$0"), (12_400, "$12,400"), (99_999, "$99,999"), (100_000, "$100K"), (850_000, "$850K"),
     (999_500, "$1.0M"), (5_000_000, "$5.0M"), (5_500_000, "$5.5M"), (-2_250_000, "-$2.3M"),
     (1_234_000_000, "$1.2B")],
)
def test_money(value, text):
    assert numbers.money(value) == text


@pytest.mark.parametrize("blank", [None, float("nan"), np.nan, pd.NA, pd.NaT, "", "  "])
def test_every_kind_of_blank_is_a_dash_never_none_or_nan(blank):
    assert numbers.is_blank(blank)
    for fmt in (numbers.money, numbers.percent, numbers.count, numbers.number):
        assert fmt(blank) == "—"
    assert numbers.money(blank, missing="unknown") == "unknown"


def test_zero_and_false_are_not_blank():
    assert not numbers.is_blank(0)
    assert not numbers.is_blank(False)
    assert numbers.count(0) == "0"


def test_percent_count_number_and_units():
    assert numbers.percent(0.5) == "50 %"
    assert numbers.percent(0.298) == "29.8 %"
    assert numbers.percent(0.9) == "90 %"
    assert numbers.count(1_000_000) == "1,000,000"
    assert numbers.number(0.25) == "0.25"
    assert numbers.number(2500) == "2,500"
    assert numbers.in_unit(200_000, "USD/year") == "$200K per year"
    assert numbers.in_unit(0.9, "fraction") == "90 %"
    assert numbers.in_unit(6, "months") == "6 months"
    assert numbers.in_unit("mid", None) == "mid"


@pytest.mark.parametrize(("value", "unit", "text"), [
    (1, "years", "1 year"), (1.0, "months", "1 month"), (3, "years", "3 years"), (0.5, "FTE", "0.5 FTE"),
    (1, "FTE-months per year", "1 FTE-month per year"), (1, "runs/year", "1 run/year"), (1, "ms", "1 ms"),
    (1, "TFLOP/s", "1 TFLOP/s"), (1, "billion parameters", "1 billion parameters"), (1, "tokens/s", "1 token/s"),
])
def test_one_of_a_plural_unit_is_singular(value, unit, text):
    # The tornado read "Low: 1 years" and "1 months".
    assert numbers.in_unit(value, unit) == text


def test_chart_axes_read_like_the_tables():
    """The Vega expression gives the same text as numbers.money, rendered by the same engine the charts use."""
    import altair as alt
    import vl_convert as vlc

    values = [0, 950, 12_400, 99_999, 100_000, 850_000, 999_499, 999_500, 1_200_000, 5_000_000, -2_250_000,
              999_950_000, 2_500_000_000]
    chart = alt.Chart(pd.DataFrame({"v": values, "i": range(len(values))})).transform_calculate(
        text=numbers.vega_money("datum.v")).mark_text().encode(y="i:O", text="text:N")
    svg = vlc.vegalite_to_svg(chart.to_json())
    shown = set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    expected = {numbers.money(v) for v in values}
    assert expected <= {t.replace("&#36;", "$") for t in shown}, (expected, shown)


@pytest.mark.parametrize(("n", "noun", "expected"), [
    (1, "year", "1 year"), (3, "year", "3 years"), (1.0, "replica", "1 replica"), (2, "GPU", "2 GPUs"),
    (2000, "call", "2,000 calls"), (0, "portfolio", "0 portfolios"), (2, "entry", "2 entries"),
])
def test_counted_puts_the_noun_in_the_right_number(n, noun, expected):
    plural = "entries" if noun == "entry" else None
    assert numbers.counted(n, noun, plural) == expected


def test_money_many_formats_a_column_exactly_as_money_does():
    import numpy as np

    from core.numbers import money, money_many

    rng = np.random.default_rng(7)
    values = np.concatenate([rng.normal(0, 1, 3_000) * 10 ** rng.uniform(0, 14, 3_000),
                             [999_999.5, 99_999.5, 99_999.49, 999_499.99, -0.4, 0.0, -0.0, 1e18, np.nan, -1e15]])
    assert money_many(values) == [money(v) for v in values]


def test_would_change_calls_have_thousands_separators_like_format():
    import numpy as np

    from core.would_change import _calls

    rng = np.random.default_rng(8)
    values = np.concatenate([[0, 5, 999, 1_000, 1_001_000, 99_820.25, 999.5, -1_500, 1e15, np.nan, np.inf],
                             rng.uniform(0, 1e13, 2_000)])
    assert _calls(values).to_pylist() == [f"{v:,.0f}" if np.isfinite(v) else None for v in values]


@pytest.mark.parametrize(("value", "unit", "text"), [
    (0.1, "USD per 1,000 calls", "$0.10 per 1,000 calls"), (1, "USD per 1,000 calls", "$1 per 1,000 calls"),
    (0.5, "USD per 1M tokens", "$0.50 per 1M tokens"), (25.0, "USD per 1M tokens", "$25 per 1M tokens"),
    (3.0, "USD/hour", "$3 per hour"), (2.49, "USD/hour", "$2.49 per hour"), (1000, "USD/month", "$1,000 per month"),
    (0.05, "USD", "$0.05"),
])
def test_unit_prices_read_once_and_keep_their_cents(value, unit, text):
    # The Assumptions page read "$1 per per 1,000 calls" for a default of $0.10.
    assert numbers.in_unit(value, unit) == text


def test_one_money_style_per_column():
    # The project review's cost table read "$4.5M", "$52,560" and "$282K" in one column.
    assert numbers.money_column([4_500_000, 52_560, 282_000, None]) == ["$4.5M", "$0.1M", "$0.3M", "—"]
    assert numbers.money_column([4_500_000, 12_400]) == ["$4.50M", "$0.01M"]
    assert numbers.money_column([4_787_772, 1_486_778, 135_900]) == ["$4.8M", "$1.5M", "$0.1M"]
    assert numbers.money_column([282_000, 52_560, -1_200]) == ["$282K", "$53K", "-$1K"]
    assert numbers.money_column([950, 12]) == ["$950", "$12"]
    assert numbers.money_scale([2_697_584, 500_000])[:2] == (1e6, "$%.1fM")
    # A card's $2.7M and the table's row agree.
    assert numbers.money_column([2_697_584, 500_000])[0] == numbers.money(2_697_584)


def test_money_arrow_reads_as_money_many():
    import numpy as np

    from core.numbers import money_arrow, money_many

    rng = np.random.default_rng(9)
    values = np.concatenate([rng.normal(0, 1, 2_000) * 10 ** rng.uniform(0, 10, 2_000), [np.nan, -0.4, 999_999.5]])
    assert money_arrow(values).to_pylist() == money_many(values)
    assert money_arrow(values, missing="unknown").to_pylist()[-3] == "unknown"
    assert money_arrow(np.array([])).to_pylist() == []
