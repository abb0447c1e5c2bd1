"""Altair charts shared by the app pages and the meeting brief; one verdict colour scheme for all."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.palette import PATH_COLORS, VERDICT_COLORS, VERDICT_ORDER

__all__ = ["PATH_COLORS", "VERDICT_COLORS", "VERDICT_ORDER"]
_MONEY = "$~s"  # d3 format: $1.2M


def verdict_scale() -> alt.Scale:
    return alt.Scale(domain=VERDICT_ORDER, range=[VERDICT_COLORS[v] for v in VERDICT_ORDER])


def _team(scored: pd.DataFrame) -> pd.Series:
    return scored["team"].fillna("(no team)").astype("str")


def verdicts_by_team(scored: pd.DataFrame) -> alt.Chart:
    data = (scored.assign(team=_team(scored)).groupby(["team", "verdict"], as_index=False).size()
            .rename(columns={"size": "projects"}))
    return alt.Chart(data, title="Verdicts by team").mark_bar().encode(
        y=alt.Y("team:N", sort="-x", title=None, axis=alt.Axis(labelLimit=180)),
        x=alt.X("projects:Q", title="Projects", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("verdict:N", scale=verdict_scale(), sort=VERDICT_ORDER, title="Verdict",
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("verdict_rank:Q"),
        tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip("verdict:N", title="Verdict"),
                 alt.Tooltip("projects:Q", title="Projects")],
    ).transform_calculate(verdict_rank=f"indexof({VERDICT_ORDER}, datum.verdict)")


def savings_by_team(scored: pd.DataFrame) -> alt.Chart:
    rows = scored[scored["verdict"].isin(["kill", "prove"])].assign(team=lambda d: _team(d))
    data = rows.groupby(["team", "verdict"], as_index=False)["projected_savings_usd"].sum()
    return alt.Chart(data, title="Kill-list projected savings by team").mark_bar().encode(
        y=alt.Y("team:N", sort="-x", title=None, axis=alt.Axis(labelLimit=180)),
        x=alt.X("sum(projected_savings_usd):Q", title="Projected savings", axis=alt.Axis(format=_MONEY)),
        color=alt.Color("verdict:N", scale=verdict_scale(), title="Verdict", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip("verdict:N", title="Verdict"),
                 alt.Tooltip("projected_savings_usd:Q", title="Projected savings", format="$,.0f")],
    )


def trap_map(scored: pd.DataFrame) -> alt.Chart:
    data = scored[scored["custom"]][["project", "team", "verdict", "build_trap_score", "projected_savings_usd",
                                     "flags"]].assign(team=lambda d: _team(d))
    return alt.Chart(data, title="Build-trap map: savings against risk").mark_circle(size=140, opacity=0.85).encode(
        x=alt.X("build_trap_score:Q", title="Build-trap score (0-100)", scale=alt.Scale(domain=[-5, 105])),
        y=alt.Y("projected_savings_usd:Q", title="Projected savings", axis=alt.Axis(format=_MONEY)),
        color=alt.Color("verdict:N", scale=verdict_scale(), title="Verdict", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("project:N", title="Project"), alt.Tooltip("team:N", title="Team"),
                 alt.Tooltip("verdict:N", title="Verdict"), alt.Tooltip("build_trap_score:Q", title="Score"),
                 alt.Tooltip("projected_savings_usd:Q", title="Projected savings", format="$,.0f"),
                 alt.Tooltip("flags:N", title="Flags")],
    )


def volume_vs_break_even(scored: pd.DataFrame) -> alt.Chart:
    """Each custom project's daily volume against its year-1 break-even; above the line custom pays off."""
    rows = scored[scored["custom"] & scored["daily_calls"].gt(0) & scored["break_even_daily_calls"].notna()]
    data = rows[["project", "verdict", "daily_calls", "break_even_daily_calls"]].copy()
    data["break_even_daily_calls"] = data["break_even_daily_calls"].clip(lower=1)
    points = alt.Chart(data).mark_circle(size=120, opacity=0.85).encode(
        x=alt.X("break_even_daily_calls:Q", title="Year-1 break-even (calls/day, log)", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~s")),
        y=alt.Y("daily_calls:Q", title="Expected calls/day (log)", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~s")),
        color=alt.Color("verdict:N", scale=verdict_scale(), title="Verdict", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("project:N", title="Project"), alt.Tooltip("verdict:N", title="Verdict"),
                 alt.Tooltip("daily_calls:Q", title="Calls/day", format=",.0f"),
                 alt.Tooltip("break_even_daily_calls:Q", title="Break-even calls/day", format=",.0f")],
    )
    lo = float(np.nanmin([data["daily_calls"].min(), data["break_even_daily_calls"].min()])) if len(data) else 1.0
    hi = float(np.nanmax([data["daily_calls"].max(), data["break_even_daily_calls"].max()])) if len(data) else 10.0
    line = alt.Chart(pd.DataFrame({"x": [lo, hi], "y": [lo, hi]})).mark_line(strokeDash=[6, 4], color="#555").encode(
        x="x:Q", y="y:Q")
    return alt.layer(line, points, title="Daily volume against break-even")


def cumulative_costs(yearly: pd.DataFrame) -> alt.Chart:
    data = yearly.melt("year", var_name="path", value_name="usd")
    data["path"] = data["path"].map({"custom_usd": "Custom model", "api_rag_usd": "FM API + RAG"})
    return alt.Chart(data, title="Cumulative cost of both paths").mark_line(point=True, strokeWidth=3).encode(
        x=alt.X("year:O", title="End of year"),
        y=alt.Y("usd:Q", title="Cumulative cost", axis=alt.Axis(format=_MONEY)),
        color=alt.Color("path:N", scale=alt.Scale(domain=list(PATH_COLORS), range=list(PATH_COLORS.values())),
                        title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("path:N", title="Path"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("usd:Q", title="Cumulative cost", format="$,.0f")],
    )


def tornado(sens: pd.DataFrame) -> alt.Chart:
    """Total kill-list savings at the low and high end of each assumption, widest swing on top."""
    if sens.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_bar()
    base = float(sens["base_savings_usd"].iloc[0])
    rows = []
    for r in sens.itertuples(index=False):
        for end, value, total in (("low", r.low, r.savings_at_low_usd), ("high", r.high, r.savings_at_high_usd)):
            rows.append({"assumption": r.label, "end": f"{end} ({value:g})", "side": end, "start": base,
                         "total": total, "delta": total - base})
    data = pd.DataFrame(rows)
    order = list(sens["label"])
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("assumption:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("start:Q", title="Total kill-list projected savings", axis=alt.Axis(format=_MONEY)),
        x2="total:Q",
        color=alt.Color("side:N", scale=alt.Scale(domain=["low", "high"], range=["#7aa6d8", "#1f5fbf"]),
                        title="Assumption at", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("assumption:N", title="Assumption"), alt.Tooltip("end:N", title="Value"),
                 alt.Tooltip("total:Q", title="Kill-list savings", format="$,.0f"),
                 alt.Tooltip("delta:Q", title="Change", format="+$,.0f")],
    )
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color="#333").encode(x="base:Q")
    return alt.layer(bars, rule, title="Sensitivity of kill-list savings")
