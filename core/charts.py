"""Altair charts shared by the app pages and the meeting brief; one verdict colour scheme for all."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core import labels
from core.numbers import in_unit, money, vega_count, vega_money
from core.palette import PATH_COLORS, VERDICT_COLORS, VERDICT_ORDER
from core.text import clean_series

__all__ = ["PATH_COLORS", "VERDICT_COLORS", "VERDICT_ORDER"]
# Axes in the app's one number style ($1.2M, $850K, 12,000), never d3's SI "$0M" or "1.2k".
# About five money ticks, and any label that would still touch its neighbour left out: at 17 ticks on a 520 px
# axis the brief's "$500K $1.0M $1.5M …" ran into each other.
_MONEY_AXIS = {"labelExpr": vega_money("datum.value"), "tickCount": 5, "labelOverlap": True}
_COUNT_AXIS = {"labelExpr": vega_count("datum.value")}
# Legends and tooltips carry the verdict's words (the colour is never the only sign).
_VERDICT_WORD = "verdict_label"


def verdict_scale() -> alt.Scale:
    order = [v for v in VERDICT_ORDER if v in VERDICT_COLORS]
    return alt.Scale(domain=[labels.verdict(v) for v in order], range=[VERDICT_COLORS[v] for v in order])


# Shapes as well as colours, on the same domain so the two legends merge into one.
_SHAPES = {"kill": "square", "prove": "triangle-up", "keep": "circle", "ok": "diamond", "out_of_scope": "cross"}


def _verdict_shape() -> alt.Shape:
    order = [v for v in VERDICT_ORDER if v in VERDICT_COLORS]
    scale = alt.Scale(domain=[labels.verdict(v) for v in order], range=[_SHAPES.get(v, "circle") for v in order])
    return alt.Shape(f"{_VERDICT_WORD}:N", scale=scale, title="Verdict", legend=alt.Legend(orient="bottom"))


def _decades(lo: float, hi: float) -> list[float]:
    """Powers of ten from lo to hi: the ticks of a log axis, so its labels never crowd."""
    first, last = int(np.floor(np.log10(max(lo, 1.0)))), int(np.ceil(np.log10(max(hi, 1.0))))
    return [10.0 ** k for k in range(first, last + 1)]


# Every data mark has a "spoken" calculated field as its description channel: Vega's ARIA description for the
# mark, read by screen readers instead of every raw field name ("verdict_rank: 0; team: Wealth").
def _with_words(data: pd.DataFrame) -> pd.DataFrame:
    return data.assign(**{_VERDICT_WORD: data["verdict"].map(labels.verdict)})


def _verdict_color() -> alt.Color:
    return alt.Color(f"{_VERDICT_WORD}:N", scale=verdict_scale(), title="Verdict", legend=alt.Legend(orient="bottom"))


def _money_tip(field: str, title: str) -> tuple[dict, alt.Tooltip]:
    """A calculated text field in the money style, and its tooltip (so tooltips read like the tables)."""
    name = f"{field}_text"
    return {name: vega_money(f"datum['{field}']")}, alt.Tooltip(f"{name}:N", title=title)


def _team(scored: pd.DataFrame) -> pd.Series:
    return clean_series(scored["team"].fillna("(no team)").astype("str"))


def _labels(data: pd.DataFrame) -> pd.DataFrame:
    """Roadmap text in a chart without control characters: the renderer of the brief aborted on them."""
    return data.assign(**{c: clean_series(data[c]) for c in ("project", "flags") if c in data.columns})


def count_ticks(largest: float, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 to at least `largest`, at most `most` + 1 of them: a count axis never shows 0.5
    (printed as "1" by the count format, the brief's axis read "0 1 1 2 2")."""
    top = max(1, int(np.ceil(largest)))
    step = max(1, int(np.ceil(top / most)))
    return list(range(0, top + step, step))


def verdicts_by_team(scored: pd.DataFrame) -> alt.Chart:
    data = _with_words(scored.assign(team=_team(scored)).groupby(["team", "verdict"], as_index=False).size()
                       .rename(columns={"size": "projects"}))
    ticks = count_ticks(float(data.groupby("team")["projects"].sum().max()) if len(data) else 1)
    return alt.Chart(data, title="Verdicts by team").mark_bar().encode(
        y=alt.Y("team:N", sort="-x", title=None, axis=alt.Axis(labelLimit=180)),
        x=alt.X("projects:Q", title="Projects", scale=alt.Scale(domain=[0, ticks[-1]], nice=False),
                axis=alt.Axis(values=ticks, labelAngle=0, **_COUNT_AXIS)),
        color=_verdict_color(),
        order=alt.Order("verdict_rank:Q"),
        description=alt.Description("spoken:N"),
        tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip(f"{_VERDICT_WORD}:N", title="Verdict"),
                 alt.Tooltip("projects:Q", title="Projects", format=",.0f")],
    ).transform_calculate(verdict_rank=f"indexof({VERDICT_ORDER}, datum.verdict)",
                          spoken=f"datum.team + ', ' + datum.{_VERDICT_WORD} + ': ' + "
                                 "format(datum.projects, ',.0f') + ' projects'")


def savings_by_team(scored: pd.DataFrame) -> alt.Chart:
    rows = scored[scored["verdict"].isin(["kill", "prove"])].assign(team=lambda d: _team(d))
    data = _with_words(rows.groupby(["team", "verdict"], as_index=False)["projected_savings_usd"].sum())
    calc, tip = _money_tip("projected_savings_usd", "Projected savings")
    return alt.Chart(data, title="Kill-list projected savings by team").mark_bar().encode(
        y=alt.Y("team:N", sort="-x", title=None, axis=alt.Axis(labelLimit=180)),
        x=alt.X("sum(projected_savings_usd):Q", title="Projected savings", axis=alt.Axis(labelAngle=0, **_MONEY_AXIS)),
        color=_verdict_color(),
        description=alt.Description("spoken:N"),
        tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip(f"{_VERDICT_WORD}:N", title="Verdict"), tip],
    ).transform_calculate(**calc).transform_calculate(
        spoken=f"datum.team + ', ' + datum.{_VERDICT_WORD} + ': ' + datum.projected_savings_usd_text + "
               "' projected savings'")


def trap_map(scored: pd.DataFrame) -> alt.Chart:
    data = scored[scored["judged"]][
        ["project", "team", "verdict", "build_trap_score", "projected_savings_usd", "flags"]].assign(
        team=lambda d: _team(d), flags=lambda d: [labels.joined(f, "flags") for f in d["flags"]]).pipe(_labels)
    data["build_trap_score"] = data["build_trap_score"].astype("float64")
    calc, tip = _money_tip("projected_savings_usd", "Projected savings")
    # Shape as well as colour tells the verdicts apart.
    return alt.Chart(_with_words(data), title="Build-trap map: savings against risk").mark_point(
        size=140, opacity=0.85, filled=True).encode(
        x=alt.X("build_trap_score:Q", title="Build-trap score (0-100)", scale=alt.Scale(domain=[-5, 105]),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("projected_savings_usd:Q", title="Projected savings", axis=alt.Axis(**_MONEY_AXIS)),
        color=_verdict_color(),
        shape=_verdict_shape(),
        tooltip=[alt.Tooltip("project:N", title="Project"), alt.Tooltip("team:N", title="Team"),
                 alt.Tooltip(f"{_VERDICT_WORD}:N", title="Verdict"), alt.Tooltip("build_trap_score:Q", title="Score"),
                 tip, alt.Tooltip("flags:N", title="Risks flagged")],
        description=alt.Description("spoken:N"),
    ).transform_calculate(**calc).transform_calculate(
        spoken=f"datum.project + ': ' + datum.{_VERDICT_WORD} + ', build-trap score ' + "
               "format(datum.build_trap_score, '.0f') + ', ' + datum.projected_savings_usd_text + ' projected savings'")


def volume_vs_break_even(scored: pd.DataFrame) -> alt.Chart:
    """Each judged custom project's daily volume against its break-even; above the line custom pays off."""
    # The volume the totals used: the roadmap's, or the one implied by measured API spend (SPEC §4v3).
    volume = scored["daily_calls_used"] if "daily_calls_used" in scored.columns else scored["daily_calls"]
    rows = scored[scored["judged"] & volume.gt(0) & scored["break_even_daily_calls"].notna()]
    data = _with_words(_labels(rows[["project", "verdict", "break_even_daily_calls"]].assign(
        daily_calls=volume[rows.index])))
    data["break_even_daily_calls"] = data["break_even_daily_calls"].clip(lower=1)
    lo = float(np.nanmin([data["daily_calls"].min(), data["break_even_daily_calls"].min()])) if len(data) else 1.0
    hi = float(np.nanmax([data["daily_calls"].max(), data["break_even_daily_calls"].max()])) if len(data) else 10.0
    ticks = _decades(lo, hi)
    points = alt.Chart(data).mark_point(size=120, opacity=0.85, filled=True).encode(
        x=alt.X("break_even_daily_calls:Q", title="Break-even over the horizon (calls/day, log)", scale=alt.Scale(type="log"),
                axis=alt.Axis(labelAngle=0, values=ticks, labelOverlap="greedy", **_COUNT_AXIS)),
        y=alt.Y("daily_calls:Q", title="Expected calls/day (log)", scale=alt.Scale(type="log"),
                axis=alt.Axis(values=ticks, labelOverlap="greedy", **_COUNT_AXIS)),
        color=_verdict_color(),
        shape=_verdict_shape(),
        tooltip=[alt.Tooltip("project:N", title="Project"), alt.Tooltip(f"{_VERDICT_WORD}:N", title="Verdict"),
                 alt.Tooltip("daily_calls:Q", title="Calls/day", format=",.0f"),
                 alt.Tooltip("break_even_daily_calls:Q", title="Break-even calls/day", format=",.0f")],
        description=alt.Description("spoken:N"),
    ).transform_calculate(
        spoken=f"datum.project + ': ' + datum.{_VERDICT_WORD} + ', ' + format(datum.daily_calls, ',.0f') + "
               "' calls a day expected, break-even at ' + format(datum.break_even_daily_calls, ',.0f')")
    # The diagonal is a guide, not data: hidden from screen readers.
    line = alt.Chart(pd.DataFrame({"x": [lo, hi], "y": [lo, hi]})).mark_line(
        strokeDash=[6, 4], color="#888", aria=False).encode(
        x="x:Q", y="y:Q")
    return alt.layer(line, points, title="Daily volume against break-even")


def cumulative_costs(yearly: pd.DataFrame) -> alt.Chart:
    data = yearly.melt("year", var_name="path", value_name="usd")
    data["path"] = data["path"].map({"custom_usd": "Custom model", "api_rag_usd": "FM API + RAG"})
    calc, tip = _money_tip("usd", "Cumulative cost")
    # Dashes as well as colour tell the two paths apart.
    return alt.Chart(data, title="Cumulative cost of both paths").mark_line(point=True, strokeWidth=3).encode(
        x=alt.X("year:O", title="End of year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("usd:Q", title="Cumulative cost", axis=alt.Axis(**_MONEY_AXIS)),
        color=alt.Color("path:N", scale=alt.Scale(domain=list(PATH_COLORS), range=list(PATH_COLORS.values())),
                        title=None, legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("path:N", scale=alt.Scale(domain=list(PATH_COLORS), range=[[1, 0], [6, 3]]),
                                  legend=None),
        tooltip=[alt.Tooltip("path:N", title="Path"), alt.Tooltip("year:O", title="Year"), tip],
        description=alt.Description("spoken:N"),
    ).transform_calculate(**calc).transform_calculate(
        spoken="datum.path + ', end of year ' + datum.year + ': ' + datum.usd_text")


def wrap_label(label: str, width: int = 30) -> str:
    """A label broken into lines of about `width` characters at spaces, joined by "|" for an axis labelExpr."""
    lines: list[str] = []
    for word in str(label).replace("|", "/").split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "|".join(lines)


def tornado(sens: pd.DataFrame) -> alt.Chart:
    """Total kill-list savings at the low and high end of each assumption, widest swing on top.

    Each bar end is labelled in words with the value it stands for ("Low: 1 year"), so low and high are
    told apart without the colour.
    """
    if sens.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_bar()
    base = float(sens["base_savings_usd"].iloc[0])
    rows = []
    for r in sens.itertuples(index=False):
        # An assumption that moves nothing has two zero-length bars whose end labels would print over each
        # other at the base line: one label says so instead.
        flat = abs(r.savings_at_low_usd - base) < 0.5 and abs(r.savings_at_high_usd - base) < 0.5
        for end, value, total in (("Low", r.low, r.savings_at_low_usd), ("High", r.high, r.savings_at_high_usd)):
            said = f"{end}: {in_unit(value, r.unit)}"
            if flat:
                said = f"No change from {in_unit(r.low, r.unit)} to {in_unit(r.high, r.unit)}" if end == "Low" else ""
            rows.append({"assumption": r.label, "row_label": wrap_label(r.label),
                         "end": f"{end}: {in_unit(value, r.unit)}", "label": said, "side": end,
                         "start": base, "total": total, "delta": total - base,
                         "total_text": money(total), "delta_text": ("+" if total >= base else "") + money(total - base)})
    data = pd.DataFrame(rows)
    order = [wrap_label(label) for label in sens["label"]]
    # Whole labels on up to three lines ("Yearly model migration (re-evaluate, re-tune pro…" was cut at 260 px).
    y = alt.Y("row_label:N", sort=order, title=None,
              axis=alt.Axis(labelExpr="split(datum.value, '|')", labelLimit=0, labelFontSize=11, labelOverlap=False))
    # Low and high side by side in each row (yOffset): when both ends move the savings the same way, one bar and
    # its label no longer hide the other.
    offset = alt.YOffset("side:N", sort=["Low", "High"], scale=alt.Scale(paddingInner=0.1))
    bars = alt.Chart(data).mark_bar().encode(
        y=y, yOffset=offset,
        x=alt.X("start:Q", title="Total kill-list projected savings", axis=alt.Axis(labelAngle=0, **_MONEY_AXIS)),
        x2="total:Q",
        color=alt.Color("side:N", scale=alt.Scale(domain=["Low", "High"], range=["#7aa6d8", "#1f5fbf"]),
                        title="Assumption at its", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("assumption:N", title="Assumption"), alt.Tooltip("end:N", title="Value"),
                 alt.Tooltip("total_text:N", title="Kill-list savings"), alt.Tooltip("delta_text:N", title="Change")],
        description=alt.Description("spoken:N"),
    ).transform_calculate(spoken="datum.assumption + ' at its ' + datum.end + ', kill-list savings ' + datum.total_text")
    # The label sits beyond the bar's far end: left of a bar that lowers the savings, right of one that raises them.
    # The end labels repeat what each bar's description says, so they are hidden from screen readers.
    # On a narrow chart (a phone) the end labels would run over each other: they are hidden there, and the
    # table under the chart gives every value in words.
    shown = {"expr": "width < 480 ? 0 : 1"}
    below = alt.Chart(data[data["delta"] < 0]).mark_text(align="right", dx=-4, fontSize=10, aria=False,
                                                         opacity=shown).encode(
        y=y, yOffset=offset, x="total:Q", text="label:N")
    above = alt.Chart(data[data["delta"] >= 0]).mark_text(align="left", dx=4, fontSize=10, aria=False,
                                                          opacity=shown).encode(
        y=y, yOffset=offset, x="total:Q", text="label:N")
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color="#888", aria=False).encode(x="base:Q")
    # Room for a label of up to three lines in every row.
    return alt.layer(bars, below, above, rule, title="Sensitivity of kill-list savings").properties(
        height=alt.Step(20))
