"""Kill list: kill and prove projects ranked by projected savings, with totals and downloads."""

from __future__ import annotations

from functools import partial

import streamlit as st

import ui
from core import portfolio

ui.setup("Kill list")
p = ui.require_portfolio()
h = int(p.cfg.horizon_years)

st.title("Kill list")
kill = ui.kill_list_for(*p.inputs)
summary = portfolio.summarize(kill)  # counts and savings of kill and prove, which is all this page shows
decided = ui.latest_decisions()

m = st.columns(4)
m[0].metric("Projects on the list", f"{len(kill):,}")
m[1].metric(f"Projected savings, {h} yr", ui.usd(summary.kill_list_savings_usd))
m[2].metric("Kill now", f"{summary.kill:,}", help=f"Projected savings {ui.usd(summary.kill_savings_usd)}")
m[3].metric("Prove first", f"{summary.prove:,}",
            help=f"Projected savings {ui.usd(summary.kill_list_savings_usd - summary.kill_savings_usd)}")

if kill.empty:
    st.success("No custom model on this roadmap lacks a justification. Nothing to kill.")
    st.stop()



# No pandas Styler here: on a 1,000-project list it costs more than everything else on the page.
# The list is already ranked by savings, so the money can be shown as text ($1.2M) and "#" sorts it.
picked = st.dataframe(
    ui.kill_table_for(*p.inputs, tuple(sorted(decided.items()))), hide_index=True, width="stretch",
    key="kill_table", on_select="rerun", selection_mode="single-row", height=min(40 + 35 * len(kill), 745),
    column_config={
        # Widths add up to the 1,150 px a 1280 px screen leaves, so the list never scrolls sideways.
        "rank": st.column_config.NumberColumn("#", width=40, format="%d"),
        "project": st.column_config.TextColumn("Project", width=210),
        "team": st.column_config.TextColumn("Team", width=110),
        "verdict": ui.verdict_column(),
        "build_trap_score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%d",
                                                            width=90),
        # A number with a money format, so a click on the header sorts it as money.
        "projected_savings_usd": st.column_config.NumberColumn("Savings", width=90, format="$%,d"),
        "recommendation": st.column_config.TextColumn("Recommended alternative", width=230),
        "evidence_needed": st.column_config.TextColumn("Evidence needed", width=170),
        "decision": st.column_config.TextColumn("Decision", width=80),
    },
)
if picked.selection.rows:
    chosen = kill["project_id"].iloc[picked.selection.rows[0]]
    st.switch_page("pages/2_Project_review.py", query_params={"project": chosen})
top = kill.iloc[0]
c1, c2 = st.columns([2, 3])
c1.page_link("pages/2_Project_review.py", label=f"Review #1: {ui.safe(top['project'])}",
             query_params={"project": top["project_id"]})
c2.caption(f"Total projected savings over {h} years: **{ui.usd(summary.kill_list_savings_usd)}**. "
           "Select a row to open that project's review and record a decision.")

def _on_click(kind: str) -> partial:
    # Built when the button is clicked, not on every rerun: the brief alone renders four charts.
    return partial(ui.download_for, kind, *p.inputs, tuple(sorted(decided.items())))


st.subheader("Download")
stem = p.name.rsplit(".", 1)[0] + "_kill_list"
d1, d2, d3 = st.columns(3)
d1.download_button("Kill list (CSV)", _on_click("csv"), file_name=f"{stem}.csv", mime="text/csv",
                   key="download_csv", on_click="ignore")
d2.download_button("Kill list (XLSX)", _on_click("xlsx"), file_name=f"{stem}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   key="download_xlsx", on_click="ignore")
d3.download_button("Meeting brief (HTML)", _on_click("brief"), file_name=f"{stem}_brief.html", mime="text/html",
                   key="download_brief", on_click="ignore")
