"""Portfolio: every project with its verdict, score and savings; filters and charts."""

from __future__ import annotations

import streamlit as st

import ui
from core import charts, export, labels, scenario
from core.numbers import counted

ui.setup("Portfolio")
p = ui.require_portfolio()
scored = p.scored

st.title("Portfolio")
st.caption(f"{ui.safe(p.name)} · {len(scored):,} projects · horizon {counted(p.cfg.horizon_years, 'year')}")


def _options(col: str) -> list[str]:
    return sorted(scored[col].dropna().astype("str").unique())


f1, f2, f3, f4 = st.columns(4)
verdicts = f1.multiselect("Verdict", charts.VERDICT_ORDER, key="filter_verdict", placeholder="All verdicts",
                          format_func=labels.verdict)
teams = f2.multiselect("Team", _options("team"), key="filter_team", placeholder="All teams")
approaches = f3.multiselect("Approach", _options("approach"), key="filter_approach", placeholder="All approaches",
                            format_func=lambda a: labels.label("approaches", a))
quarters = f4.multiselect("Quarter", _options("quarter"), key="filter_quarter", placeholder="All quarters")

view = scored
for col, chosen in (("verdict", verdicts), ("team", teams), ("approach", approaches), ("quarter", quarters)):
    if chosen:
        view = view[view[col].astype("str").isin(chosen)]

split = ["savings_people_usd", "savings_serving_usd", "savings_api_usd", "savings_other_usd"]
money = ["projected_savings_usd", *split, "tco_custom_usd", "tco_api_rag_usd"]
table = view[["project", "team", "approach", "task", "verdict", "build_trap_score", "money_status", *money,
              "would_change", "quarter", "status"]].reset_index(drop=True)
table["money_status"] = labels.column(table["money_status"], "money_status")
table["approach"] = labels.column(table["approach"], "approaches")
table["task"] = labels.column(table["task"], "task")
table["status"] = labels.column(table["status"], "status")
table["verdict"] = ui.verdict_badges(table["verdict"])
blank = ui.blank_help()
ui.money_grid(
    table, money, "narrow the filters, or download every row below", hide_index=True, width="stretch",
    key="portfolio_table",
    column_config={
        "project": st.column_config.TextColumn(labels.field("project"), width="medium"),
        "team": st.column_config.TextColumn(labels.field("team"), help=blank),
        "approach": labels.field("approach"),
        "task": labels.field("task"),
        "verdict": ui.verdict_column(),
        "build_trap_score": st.column_config.ProgressColumn(labels.field("build_trap_score"), min_value=0,
                                                            max_value=100, format="%d",
                                                            help="0-100; blank (—) for a project that is not a "
                                                                 "custom model."),
        "projected_savings_usd": st.column_config.Column(labels.field("projected_savings_usd"),
                                                         help="Custom TCO minus FM API + RAG TCO over the horizon. "
                                                              "Blank (—) for a project that is not a custom model."),
        "money_status": st.column_config.TextColumn(labels.field("money_status"),
                                                    help="Needs volume: no daily calls and no measured spend, so "
                                                         "no totals; implied from spend: volume from measured spend."),
        **{c: st.column_config.Column(labels.field(c), help="Part of the projected savings; the four add up to it.")
           for c in split},
        "would_change": st.column_config.TextColumn(labels.field("would_change"), width="large", help=blank),
        "tco_custom_usd": st.column_config.Column(labels.field("tco_custom_usd"), help=blank),
        "tco_api_rag_usd": st.column_config.Column(labels.field("tco_api_rag_usd"), help=blank),
        "quarter": st.column_config.TextColumn(labels.field("quarter"), help=blank),
        "status": st.column_config.TextColumn(labels.field("status"), help=blank),
    },
)
st.caption(f"{len(view):,} of {len(scored):,} projects shown. Open one on the Project review page.")
overrides = dict(p.inputs[3])
named = ui.scenario_name() or None
ui.table_downloads(export.machine_table(view).assign(scenario=scenario.tag(overrides, named)),
                   scenario.file_stem(p.name, "portfolio", overrides, named), "download_portfolio", "Projects shown")

if view.empty:
    st.info("No project matches these filters.")
else:
    c1, c2 = st.columns(2)
    c1.altair_chart(charts.verdicts_by_team(view), width="stretch", key="chart_verdicts_by_team")
    c2.altair_chart(charts.savings_by_team(view), width="stretch", key="chart_savings_by_team")
    c3, c4 = st.columns(2)
    c3.altair_chart(charts.trap_map(view), width="stretch", key="chart_trap_map")
    c4.altair_chart(charts.volume_vs_break_even(view), width="stretch", key="chart_volume")
    c4.caption("Above the dashed line a custom model's expected volume passes its break-even over the horizon; "
               "projects with no API break-even at all are left out.")
