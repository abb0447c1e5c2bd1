"""Kill list: kill and prove projects ranked by projected savings, with totals and downloads."""

from __future__ import annotations

import streamlit as st

import ui
from core import brief, config, export, portfolio

ui.setup("Kill list")
p = ui.require_portfolio()
scored = p.scored
h = int(p.cfg.horizon_years)

st.title("Kill list")
kill = portfolio.kill_list(scored)
summary = portfolio.summarize(scored)
decided = ui.latest_decisions()

m = st.columns(4)
m[0].metric("Projects on the list", f"{len(kill):,}")
m[1].metric(f"Projected savings, {h} yr", ui.usd(summary.kill_list_savings_usd))
m[2].metric(ui.verdict_label("kill") + " now", f"{summary.kill:,}", help=f"Savings {ui.usd(summary.kill_savings_usd)}")
m[3].metric(ui.verdict_label("prove") + " first", f"{summary.prove:,}",
            help=f"Savings {ui.usd(summary.kill_list_savings_usd - summary.kill_savings_usd)}")

if kill.empty:
    st.success("No custom model on this roadmap lacks a justification. Nothing to kill.")
    st.stop()

table = kill[["project", "team", "verdict", "build_trap_score", "projected_savings_usd",
              "recommendation", "evidence_needed"]].copy()
table.insert(0, "rank", range(1, len(table) + 1))
table["decision"] = [decided.get(i, "open") for i in kill["project_id"]]
st.dataframe(
    ui.style_verdicts(table, ["projected_savings_usd"]), hide_index=True, width="stretch", key="kill_table",
    column_config={
        "rank": st.column_config.NumberColumn("#", width="small", format="%d"),
        "project": st.column_config.TextColumn("Project", width="medium"),
        "team": "Team",
        "verdict": st.column_config.TextColumn("Verdict", width="small"),
        "build_trap_score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%d"),
        "projected_savings_usd": "Projected savings",
        "recommendation": st.column_config.TextColumn("Recommended alternative", width="medium"),
        "evidence_needed": st.column_config.TextColumn("Evidence needed", width="medium"),
        "decision": "Decision",
    },
)
st.caption(f"Total projected savings over {h} years: **{ui.usd(kill['projected_savings_usd'].sum())}**. "
           "Open a project to review it and record a decision:")
top = kill.head(8)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


links = st.columns(4)
for i, r in enumerate(top.itertuples(index=False)):
    links[i % 4].page_link("pages/2_Project_review.py", label=f"{i + 1}. {_short(r.project)}",
                           query_params={"project": r.project_id})

@st.cache_data(max_entries=16, show_spinner=False)
def _downloads(data: bytes, name: str, mapping: tuple, overrides: tuple, decisions: tuple) -> tuple:
    """CSV, XLSX and brief for one set of inputs and decisions, built once rather than on every rerun."""
    scored = ui.scored_for(data, name, mapping, overrides)[1]
    kill = portfolio.kill_list(scored)
    decided = dict(decisions)
    machine = export.machine_table(kill)
    machine["decision"] = [decided.get(i, "open") for i in machine["project_id"]]
    cfg = config.make(dict(overrides))
    html = brief.build_brief(scored, kill, portfolio.summarize(scored), cfg, name, decided)
    return export.to_csv(machine).encode("utf-8"), export.to_xlsx({"kill list": machine}), html.encode("utf-8")


st.subheader("Download")
with st.spinner("Preparing the downloads and the meeting brief…"):
    csv_bytes, xlsx_bytes, html_bytes = _downloads(*p.inputs, tuple(sorted(decided.items())))
stem = p.name.rsplit(".", 1)[0] + "_kill_list"
d1, d2, d3 = st.columns(3)
d1.download_button("Kill list (CSV)", csv_bytes, file_name=f"{stem}.csv", mime="text/csv", key="download_csv",
                   on_click="ignore", icon=":material/description:")
d2.download_button("Kill list (XLSX)", xlsx_bytes, file_name=f"{stem}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   key="download_xlsx", on_click="ignore", icon=":material/table_view:")
d3.download_button("Meeting brief (HTML)", html_bytes, file_name=f"{stem}_brief.html", mime="text/html",
                   key="download_brief", on_click="ignore", icon=":material/summarize:")
