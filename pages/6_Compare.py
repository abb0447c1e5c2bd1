"""Compare: this review against an earlier one of the same portfolio, zombies first."""

from __future__ import annotations

import streamlit as st

import ui
from core import compare, labels
from core.store import database_url
from core.text import for_terminal

ui.setup("Compare")
p = ui.require_portfolio()
ss = st.session_state
st.title("Compare with an earlier review")
portfolio = ui.portfolio_of_screen()

try:
    earlier = [r for r in (ui.store().recent_reviews(limit=50, portfolio=portfolio) if ui.store_in_use() else [])
               if r.id != ss.review_id]
    decisions = ui.store().current(portfolio) if ui.store_in_use() else None
except ui.StoreError as exc:
    st.warning(ui.safe(f"Earlier reviews cannot be read right now: {exc}"))
    st.stop()
if not earlier:
    st.info(ui.safe(f"No earlier review of the portfolio '{portfolio}' is saved yet. Load last quarter's file "
                    "first (or join this review to its portfolio on Home), then come back."))
    st.stop()

labels_of = {r.id: f"{r.file_name} · {r.updated_at:%Y-%m-%d %H:%M} UTC" for r in earlier}
# A select box shows plain text: Markdown escapes would show as backslashes ("2026\\-12\\-06"); control
# characters are still removed.
picked = st.selectbox("Earlier review", list(labels_of), format_func=lambda i: for_terminal(labels_of[i]),
                      key="compare_with")
# Both sides judged with the portfolio's stored evidence, so a verdict changes here only when the roadmap did.
before = ui.scored_review(picked, database_url(), ui.review_state(next(r for r in earlier if r.id == picked)),
                          ui.workspace_now(), p.inputs[5])
if before is None:
    st.warning("That review's file can no longer be read; pick another.")
    st.stop()
result = compare.compare(before, p.scored, decisions)

m = st.columns(5)
m[0].metric("Zombies", f"{len(result.zombies):,}")
m[1].metric("New projects", f"{len(result.of('new')):,}")
m[2].metric("Removed", f"{len(result.of('removed')):,}")
m[3].metric("Verdict changes", f"{len(result.of('verdict')):,}")
m[4].metric("Kill-list savings", ui.usd(result.savings_after),
            delta=ui.usd(result.savings_change), delta_color="off",
            help=f"Earlier: {ui.usd(result.savings_before)}.")
source = ("recorded kill and rescope decisions, and kill verdicts of the earlier file nobody decided on"
          if result.killed_by == "decisions" else "kill verdicts of the earlier file (no decision was recorded)")
st.caption(f"Killed earlier means {source}.")

if len(result.zombies):
    st.subheader("Zombies: killed before, back again")
for z in result.zombies.itertuples(index=False):
    with st.container(border=True):
        how = {"same id": "under the same id",
               "similar name": f"under a closely matching name (similarity {z.name_similarity})",
               "new approach label": f"as {labels.label('approaches', z.approach_after)}"}[z.match]
        st.error(ui.safe(f"{z.project} ({z.project_id}) is back {how}; it was {z.earlier_project} "
                         f"({z.earlier_project_id})."))
        who = f" by {z.earlier_reviewer}" if z.earlier_reviewer else ""
        when = f" on {z.earlier_recorded_at}" if z.earlier_recorded_at else ""
        earlier = (f"{labels.verdict('kill')} verdict, no decision recorded" if z.earlier_decision == "kill (verdict)"
                   else labels.label("decisions", z.earlier_decision))
        st.markdown(ui.safe(f"Earlier decision: {earlier}{who}{when}."))
        if z.earlier_note:
            st.text(f"Note: {z.earlier_note}")
        ui.page_link("pages/2_Project_review.py", f"Review {ui.safe(z.project)}", project=z.project_id)

for change, title in (("new", "New projects"), ("removed", "Removed projects"), ("verdict", "Verdict changes")):
    rows = result.of(change)
    if len(rows):
        st.subheader(title)
        cols = ["project", "team", "verdict_before", "verdict_after", "project_id"]
        shown = rows[cols].replace("", None).copy()
        for col in ("verdict_before", "verdict_after"):
            shown[col] = shown[col].map(lambda v: None if v is None or v != v else labels.verdict(v))
        # Verdicts in words, names first and wide enough to read whole at 1280 px; blanks as a dash.
        st.dataframe(shown, hide_index=True, width="stretch", key=f"compare_{change}", placeholder=ui.BLANK,
                     column_config={"project": st.column_config.TextColumn("Project", width=340),
                                    "team": st.column_config.TextColumn("Team", width=180),
                                    "verdict_before": st.column_config.TextColumn("Verdict before", width=170),
                                    "verdict_after": st.column_config.TextColumn("Verdict now", width=170),
                                    "project_id": st.column_config.TextColumn("Id", width=140)})

ui.table_downloads(result.changes, "comparison", "compare_download", "Comparison")
