"""Kill list: kill and prove projects ranked by projected savings, with totals and downloads."""

from __future__ import annotations

import streamlit as st

import ui
from core import labels, portfolio, scenario
from core.numbers import counted, money_column, money_scale

ui.setup("Kill list")
p = ui.require_inputs()
h = int(p.cfg.horizon_years)

st.title("Kill list")
decisions, decisions_error = ui.current_decisions()
came_back = tuple(sorted(ui.came_back(p.inputs).items()))
view = ui.kill_view_for(*p.inputs, decisions, came_back)
summary = view.summary  # counts and savings of kill and prove, which is all this page shows
decided = ui.decided_summary(view)

m = st.columns(6)
m[0].metric("Projects on the list", f"{len(view.cards):,}")
m[1].metric(f"Projected savings, {h} yr", ui.usd(summary.kill_list_savings_usd))
m[2].metric("Kill now", f"{summary.kill:,}", help=f"Projected savings {ui.usd(summary.kill_savings_usd)}")
m[3].metric("Prove first", f"{summary.prove:,}",
            help=f"Projected savings {ui.usd(summary.kill_list_savings_usd - summary.kill_savings_usd)}")
m[4].metric("Decided", f"{decided.decided:,} of {len(view.cards):,}", help=f"{decided.open:,} still open.")
m[5].metric("Savings agreed", ui.usd(decided.agreed_usd),
            help="Projected savings of the projects whose current decision is kill or rescope.")
if came_back:
    st.error(f"**{len(came_back):,} of these projects came back** after an earlier review killed them; each card "
             "and row says when and by whom.")

figures = money_column([summary.kill_list_savings_usd, *summary.kill_list_parts_usd])[1:]  # one money style
parts = ui.md_text(" · ".join(f"{name} {shown}" for name, shown in
                              zip(("people", "serving and compute", "API", "other"), figures, strict=True)))
st.caption(f"Of the projected savings: {parts}. Money in today's dollars at {ui.md_text(f'{p.cfg.discount_rate:.0%}')} "
           "a year." + (f" {counted(summary.kill_list_unpriced, 'project')} on the list "
                        f"{'needs' if summary.kill_list_unpriced == 1 else 'need'} a daily volume and "
                        f"{'is' if summary.kill_list_unpriced == 1 else 'are'} not in the total."
                        if summary.kill_list_unpriced else ""))
if decisions_error:
    st.warning(ui.safe(decisions_error))
if not view.cards:
    st.success("No custom model on this roadmap lacks a justification. Nothing to kill.")
    st.stop()

f1, f2, f3 = st.columns(3)
teams = f1.multiselect("Team", sorted({str(t) for t in view.teams if t is not None}), key="kill_filter_team",
                       placeholder="All teams")
verdicts = f2.multiselect("Verdict", list(portfolio.KILL_LIST_VERDICTS), key="kill_filter_verdict",
                          placeholder="Kill and prove first", format_func=labels.verdict)
chosen = f3.multiselect("Decision", list(labels.labels("decisions")), key="kill_filter_decision",
                        placeholder="Any decision", format_func=lambda d: labels.label("decisions", d))
rows = [i for i in range(len(view.cards))
        if (not teams or str(view.teams[i]) in teams) and (not verdicts or view.verdicts[i] in verdicts)
        and (not chosen or view.decisions[i] in chosen)]
filtered = len(rows) < len(view.cards)
if filtered:
    st.caption(f"{len(rows):,} of {len(view.cards):,} projects match the filters; projected savings "
               f"{ui.md_money(sum(view.savings[i] for i in rows))} over {counted(h, 'year')}.")
    if not rows:
        st.info("No project on the list matches these filters.")

cards_tab, table_tab = st.tabs(["Read aloud", "Sort and select"])
with cards_tab:
    for i in rows[:ui.CARD_LIMIT]:
        st.container(border=True).markdown(view.cards[i])
    if len(rows) > ui.CARD_LIMIT:
        st.caption(f"The first {ui.CARD_LIMIT} of {len(rows):,} are shown as cards; every project is in the "
                   "table under Sort and select.")

with table_tab:
    table = view.table.iloc[rows] if filtered else view.table
    # Savings in the cards' style ($2.7M, not $2,697,584): the grid holds the figure in the column's unit, so a
    # click on the header still sorts it as money.
    div, fmt, _ = money_scale(view.table["projected_savings_usd"])
    table = table.assign(projected_savings_usd=table["projected_savings_usd"] / div)
    # Up to 50 rows fit without an inner scroll bar (35 px a row plus the header).
    picked = st.dataframe(
        table, hide_index=True, width="stretch", key="kill_table", on_select="rerun", selection_mode="single-row",
        height=35 * (min(len(table), ui.CARD_LIMIT) + 1) + 3, placeholder=ui.BLANK,
        column_order=["rank", "project", *(["came_back"] if came_back else []), "team", "verdict", "build_trap_score",
                      "projected_savings_usd", "decision", "decision_reviewer", "revisit_on", "decision_note",
                      "recommendation", "evidence_needed"],
        column_config={
            # Widths fit the 1,080 px a 1280 px screen leaves beside the row checkboxes, Note included; a long
            # name, note or sentence is read in full in the selected row's details below (and on the cards).
            "rank": st.column_config.NumberColumn("#", width=32, format="%d"),
            "project": st.column_config.TextColumn(labels.field("project"), width=205),
            "team": st.column_config.TextColumn(labels.field("team"), width=135, help=ui.blank_help()),
            "verdict": ui.verdict_column(width=95),
            # Shown only when a project came back (column_order below), so the usual list keeps its widths.
            "came_back": st.column_config.TextColumn("Came back", width=180,
                                                     help="Killed in an earlier review and back on this one."),
            "build_trap_score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%d",
                                                                width=70),
            "projected_savings_usd": st.column_config.NumberColumn("Savings", width=62, format=fmt,
                                                                   help=f"Projected savings over {counted(h, 'year')}."),
            "decision": st.column_config.TextColumn(labels.field("decision"), width=112),
            "decision_reviewer": st.column_config.TextColumn("Reviewer", width=110),
            "revisit_on": st.column_config.TextColumn("Revisit", width=140,
                                                      help="Marked (passed) when the date has gone by."),
            "decision_note": st.column_config.TextColumn("Note", width=110),
            "recommendation": st.column_config.TextColumn(labels.field("recommendation"), width=260),
            "evidence_needed": st.column_config.TextColumn(labels.field("evidence_needed"), width=260,
                                                           help="Blank (—) when no evidence is asked for."),
        },
    )
    st.caption("Select a row to read it in full and open its review.")
    if picked.selection.rows:
        i = rows[picked.selection.rows[0]]
        with st.container(border=True, key="kill_row_details"):
            st.markdown(view.cards[i])
            ui.page_link("pages/2_Project_review.py", f"Open the review of {ui.safe(view.projects[i])}",
                         project=view.project_ids[i])
c1, c2 = st.columns([2, 3])
ui.page_link("pages/2_Project_review.py", f"Review #1: {ui.safe(view.projects[0])}", project=view.project_ids[0],
             container=c1)
c2.caption(f"Total projected savings over {counted(h, 'year')}: **{ui.md_money(summary.kill_list_savings_usd)}**.")


st.header("Take it to the board")
scenario_name = ui.scenario_name()
overrides = dict(p.inputs[3])
stem = scenario.file_stem(p.name, "kill_list", overrides, scenario_name or None)
st.caption(f"Stamped with the date and the scenario: {ui.md_text(scenario.describe(overrides))}")
ui.board_downloads(p.inputs, decisions, scenario_name, ui.portfolio_of_screen(), stem, came_back=came_back)
