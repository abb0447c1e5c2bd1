"""Decisions: the portfolio's full decision history, filtered, and downloadable as meeting minutes."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from core import labels, minutes
from core.minutes import DECISIONS
from core.numbers import counted

ui.setup("Decisions")
ss = st.session_state
st.title("Decisions")

portfolio = ui.portfolio_of_screen()
try:
    names = ui.store().portfolios() if ui.store_in_use() else []
    everything = st.toggle("Every portfolio", key="decisions_all",
                           help="Every portfolio of this workspace. Off: only the portfolio on screen.")
    history = ui.store().history(None if everything else portfolio) if ui.store_in_use() else None
except ui.StoreError as exc:
    st.warning(ui.safe(f"The decision history cannot be shown right now: {exc}"))
    st.stop()
st.caption(ui.safe(f"Portfolio on screen: {portfolio}") + (f" · {counted(len(names), 'portfolio')} in this workspace" if names else ""))
if history is None or history.empty:
    st.info("No decision has been recorded yet. Record one on a project's review page.")
    st.stop()

p = ui.current()
teams = {} if p.scored is None else dict(zip(p.scored["project_id"], p.scored["team"].fillna(""), strict=True))
history = minutes.with_teams(history, teams)

f1, f2, f3, f4 = st.columns(4)
reviewers = f1.multiselect("Reviewer", sorted(set(history["reviewer"])), key="decisions_reviewer",
                           placeholder="Every reviewer")
chosen = f2.multiselect("Decision", list(DECISIONS), key="decisions_decision", placeholder="Every decision",
                        format_func=lambda d: labels.label("decisions", d))
team_pick = f3.multiselect("Team", sorted({t for t in history["team"] if t}), key="decisions_team",
                           placeholder="Every team")
days = history["recorded_at"].str[:10]
first, last = date.fromisoformat(days.min()), date.fromisoformat(days.max())
span = f4.date_input("Recorded between", value=(first, last), key="decisions_dates")
start, end = (span[0], span[-1]) if isinstance(span, tuple) and span else (None, None)
shown = minutes.filter_history(history, reviewers, chosen, team_pick, start, end)

today = date.today()
passed = shown["revisit"].map(lambda d: bool(d) and date.fromisoformat(d) < today)
m = st.columns(3)
m[0].metric("Entries", f"{len(shown):,}", help=f"{len(history):,} in the full history")
m[1].metric("Projects", f"{shown['project_id'].nunique():,}")
m[2].metric("Revisit dates passed", f"{int(passed.sum()):,}",
            help="Entries whose revisit date has gone by: look at these projects again.")

table = shown.iloc[::-1].copy()
table["decision"] = labels.column(table["decision"], "decisions")
table["revisit"] = [f"{d} (passed)" if p else d for d, p in zip(table["revisit"], passed.iloc[::-1], strict=True)]
table["recorded_at"] = table["recorded_at"].str.removesuffix(" UTC").str[:16]
# People read names, not ids; the portfolio only when more than one is shown. Widths fit a 1280 px screen with the
# note widest; a selected row shows its note in full below.
columns = ["recorded_at", *(["portfolio"] if everything else []), "project", "team", "decision", "reviewer",
           "revisit", "note"]
table = table.reset_index(drop=True)
picked = st.dataframe(
    table[columns].replace("", None), hide_index=True, width="stretch", key="decisions_table", placeholder=ui.BLANK,
    on_select="rerun", selection_mode="single-row",
    column_config={"recorded_at": st.column_config.TextColumn("Recorded (UTC)", width=135),
                   "portfolio": st.column_config.TextColumn("Portfolio", width=110),
                   "project": st.column_config.TextColumn("Project", width=220),
                   "team": st.column_config.TextColumn("Team", width=140),
                   "decision": st.column_config.TextColumn("Decision", width=115),
                   "reviewer": st.column_config.TextColumn("Reviewer", width=100),
                   "revisit": st.column_config.TextColumn("Revisit on", width=140),
                   "note": st.column_config.TextColumn("Note", width=300 if everything else 400)})
if picked.selection.rows:
    row = table.iloc[picked.selection.rows[0]]
    with st.container(border=True, key="decision_details"):
        st.markdown(f"**{ui.safe(row['project'])}** · {ui.safe(row['decision'])} · {ui.safe(row['reviewer'])} · "
                    f"recorded {ui.safe(row['recorded_at'])} UTC" + (f" · revisit {ui.safe(row['revisit'])}"
                                                                     if row["revisit"] else ""))
        st.markdown(ui.safe(row["note"]) if row["note"] else "No note.")
else:
    st.caption("Select a row to read its note in full.")

st.subheader("Minutes and the decision log")
stem = f"decisions_{today.isoformat()}"
if p.scored is not None:
    scenario_name = ui.scenario_name()
    decisions, _ = ui.current_decisions()
    args = (*p.inputs, decisions, scenario_name, portfolio)
    m1, m2 = st.columns(2)
    m1.download_button("Minutes (Markdown)", lambda: ui.board_file("minutes_md", *args),
                       file_name=f"{stem}_minutes.md", mime="text/markdown", key="minutes_md", on_click="ignore",
                       help="The minutes of the review on screen: who decided, the savings, the decisions grouped, "
                            "the actions with owners and due dates, open items.")
    m2.download_button("Minutes (HTML, printable)", lambda: ui.board_file("minutes_html", *args),
                       file_name=f"{stem}_minutes.html", mime="text/html", key="minutes_html", on_click="ignore")
d1, d2 = st.columns(2)
# Built from the filtered entries, oldest first; CSV neutralises formulas, Markdown escapes markup by context.
d1.download_button("Decision log (CSV)", minutes.minutes_csv(shown).encode("utf-8"), file_name=f"{stem}.csv",
                   mime="text/csv", key="minutes_csv", on_click="ignore")
d2.download_button("Decision log (Markdown)", minutes.minutes_markdown(shown, today).encode("utf-8"),
                   file_name=f"{stem}.md", mime="text/markdown", key="decision_log_md", on_click="ignore")
