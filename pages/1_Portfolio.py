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
# The verdict and the savings next to the name, so a phone (390 px) shows them without scrolling sideways; the
# split and the sentence on what would change the verdict follow, and a selected row shows them in full.
table = view[["project", "verdict", "projected_savings_usd", "build_trap_score", "team", "approach", "task",
              "money_status", *split, "tco_custom_usd", "tco_api_rag_usd", "quarter", "status",
              "would_change"]].reset_index(drop=True)
table["money_status"] = labels.column(table["money_status"], "money_status")
# A project on the recommended path (or classic ML) has no build-trap score: no bar, a dash.
table["build_trap_score"] = table["build_trap_score"].where(view["judged"].to_numpy())
table["approach"] = labels.column(table["approach"], "approaches")
table["task"] = labels.column(table["task"], "task")
table["status"] = labels.column(table["status"], "status")
table["verdict"] = ui.verdict_badges(table["verdict"])
blank = ui.blank_help()
picked = ui.money_grid(
    table, money, "narrow the filters, or download every row below", hide_index=True, width="stretch",
    key="portfolio_table", on_select="rerun", selection_mode="single-row",
    # At 1280 px the name, verdict, savings, score, team, approach and task are in view; the money split, totals
    # and the sentence on what would change the verdict follow, and a selected row is read in full.
    column_config={
        "project": st.column_config.TextColumn(labels.field("project"), width=190),
        "team": st.column_config.TextColumn(labels.field("team"), help=blank, width=140),
        "approach": st.column_config.TextColumn(labels.field("approach"), width=120),
        "task": st.column_config.TextColumn(labels.field("task"), width=75),
        "verdict": ui.verdict_column(width=125),
        "build_trap_score": st.column_config.ProgressColumn("Score", min_value=0, width=80,
                                                            max_value=100, format="%d",
                                                            help="0-100; blank (—) for a project that is not a "
                                                                 "custom model."),
        "projected_savings_usd": st.column_config.Column("Savings", width=65,
                                                         help="Custom TCO minus FM API + RAG TCO over the horizon. "
                                                              "Blank (—) for a project that is not a custom model."),
        "money_status": st.column_config.TextColumn(labels.field("money_status"), width=110,
                                                    help="Needs volume: no daily calls and no measured spend, so "
                                                         "no totals; implied from spend: volume from measured spend."),
        **{c: st.column_config.Column(labels.field(c), width=80,
                                      help="Part of the projected savings; the four add up to it.") for c in split},
        "would_change": st.column_config.TextColumn(labels.field("would_change"), width="large", help=blank),
        "tco_custom_usd": st.column_config.Column(labels.field("tco_custom_usd"), help=blank, width=80),
        "tco_api_rag_usd": st.column_config.Column("FM TCO", help=f"{labels.field('tco_api_rag_usd')}. {blank}",
                                                   width=65),
        "quarter": st.column_config.TextColumn(labels.field("quarter"), help=blank, width=70),
        "status": st.column_config.TextColumn(labels.field("status"), help=blank, width=90),
    },
)
if picked is not None and picked.selection.rows:
    chosen = view.iloc[picked.selection.rows[0]]
    with st.container(border=True, key="portfolio_row_details"):
        st.markdown(f"**{ui.safe(chosen['project'])}** {ui.verdict_badge(chosen['verdict'])} · "
                    f"{ui.safe(labels.label('approaches', chosen['approach']))} · Team "
                    f"{ui.safe(chosen['team']) if isinstance(chosen['team'], str) else ui.BLANK} · "
                    f"projected savings {ui.md_money(chosen['projected_savings_usd'])}")
        if isinstance(chosen.get("would_change"), str) and chosen["would_change"]:
            st.markdown(f"**{labels.field('would_change')}:** {ui.safe(chosen['would_change'])}")
        ui.page_link("pages/2_Project_review.py", f"Open the review of {ui.safe(chosen['project'])}",
                     project=str(chosen["project_id"]))
st.caption(f"{len(view):,} of {len(scored):,} projects shown. Select a row to read it in full and open its review.")
overrides = dict(p.inputs[3])
named = ui.scenario_name() or None
machine = export.machine_table(view).assign(scenario=scenario.tag(overrides, named))
# Every export says which projects came back after an earlier kill (blank for the rest).
back = ui.came_back(p.inputs)
machine["came_back"] = [back.get(pid, "") for pid in machine["project_id"]]
ui.table_downloads(machine, scenario.file_stem(p.name, "portfolio", overrides, named), "download_portfolio",
                   "Projects shown")

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
