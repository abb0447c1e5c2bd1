"""Project review: one project's checklist, both paths' costs, the alternative and the decision."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from core import charts, explain, labels, portfolio, pricing
from core.decisions import DECISIONS
from core.judge import reasons
from core.numbers import count, percent

ui.setup("Project review")
p = ui.require_portfolio()
scored = p.scored
cfg = p.cfg
ss = st.session_state

st.title("Project review")

ids = scored["project_id"].tolist()
names = dict(zip(ids, scored["project"] + " · " + scored["verdict"].map(labels.verdict), strict=True))
# A link with ?project=ID opens that project; picking one writes it back to the URL, so the two
# agree and the page can be shared.
wanted = st.query_params.get("project")
if wanted in names:
    ss.review_project = wanted
elif ss.get("review_project") not in names:
    kill = ui.kill_list_for(*p.inputs)
    ss.review_project = kill["project_id"].iloc[0] if len(kill) else ids[0]


def _picked() -> None:
    st.query_params["project"] = ss.review_project


st.selectbox("Project", ids, format_func=lambda i: names[i], key="review_project", on_change=_picked)
row = scored[scored["project_id"] == ss.review_project].iloc[0]
h = int(cfg.horizon_years)

verdict = row["verdict"]
# Everything that came from the roadmap file goes through ui.safe(): shown as typed, never as Markdown.
st.subheader(f"{ui.verdict_badge(verdict)} {ui.safe(row['project'])}", help=labels.verdict_help(verdict))
meta = [ui.safe(row[c]) for c in ("team", "owner", "quarter") if not pd.isna(row[c])]
if not pd.isna(row["status"]):
    meta.append(labels.label("status", row["status"]))
task = f"{labels.label('task', row['task'])} ({explain.task_origin(row)})"
st.caption(" · ".join([labels.label("approaches", row["approach"]), ui.safe(task), *meta]))
if not pd.isna(row["description"]):
    st.text(row["description"])
box = {"kill": st.error, "prove": st.warning, "keep": st.info, "ok": st.success}.get(verdict, st.info)
box(ui.safe(explain.verdict_sentence(row, cfg)))

def _input(name: str, value: str) -> str:
    """A checklist input in words: coded values (fm_coverage: none) through the labels file."""
    kind = labels.COLUMN_KIND.get(name)
    if kind and value not in ("unknown", ""):
        return labels.label(kind, value)
    return {"yes": "Yes", "no": "No"}.get(value, value)


if row["custom"] and not row["judged"]:
    st.caption("The task decides the scope. If it is wrong, fill the roadmap's task column for this project "
               "(language, vision, speech, tabular, forecasting or ranking) and load it again.")
if row["judged"]:
    m = st.columns(4)
    m[0].metric("Build-trap score", f"{int(row['build_trap_score'])} / 100")
    m[1].metric(f"Custom TCO, {h} yr", ui.usd(row["tco_custom_usd"]))
    m[2].metric(f"FM API + RAG TCO, {h} yr", ui.usd(row["tco_api_rag_usd"]))
    m[3].metric("Projected savings", ui.usd(row["projected_savings_usd"]),
                help="Custom TCO minus FM API + RAG TCO; negative means the custom path is cheaper.")

    st.markdown("### Checklist")
    # Each status as a word on a coloured badge: the colour is never the only sign, and no icon name is read aloud.
    badge = {"fired": "red", "clear": "green", "proven": "green", "claimed": "orange", "refuted": "red",
             "not claimed": "gray"}
    left, right = st.columns(2)
    left.markdown("**The four risks**")
    right.markdown("**The three exceptions**")
    for check in explain.checks(row, cfg):
        col = left if check.kind == "flag" else right
        with col.container(border=True):
            st.markdown(f":{badge[check.status]}-badge[{labels.label('check_status', check.status)}] "
                        f"**{check.title}**")
            st.caption(ui.md_text(check.rule))
            # Inputs come from the uploaded file: escaped so they are shown as typed, never read as markup.
            st.markdown(" · ".join(f"{labels.field(k)}: **{ui.safe(_input(k, v))}**" for k, v in check.inputs.items()))
            if check.status in ("fired", "claimed", "refuted"):
                st.markdown(f"**To change it:** {ui.md_text(check.change)}")
            with st.expander("Why this matters"):
                st.markdown(ui.md_text(check.why))
                # Public cases and studies behind the rule (reasons.yaml), each linked to its source.
                group = "flags" if check.kind == "flag" else "justifications"
                for case in reasons()[group][check.name].get("cases", []):
                    st.markdown(f"- [{ui.safe(case['title'])}]({case['url']}): {ui.safe(case['showed'])}")
    if row["evidence_needed"]:
        st.warning(f"Evidence needed: {ui.safe(row['evidence_needed'])}")

    st.markdown("### Cost of both paths")
    yearly = pricing.yearly_costs(row, cfg)
    c1, c2 = st.columns([3, 2])
    c1.altair_chart(charts.cumulative_costs(yearly), width="stretch", key="chart_cumulative")
    spent = 0.0 if pd.isna(row["spent_to_date_usd"]) else row["spent_to_date_usd"]
    build_note = "planned budget" if not row["build_estimated"] else "estimated"
    breakdown = pd.DataFrame([
        ("Custom", f"Build ({build_note}, forward-looking)", row["custom_build_usd"]),
        ("Custom", f"Serving in year 1 ({int(row['replicas'])} replicas × {int(row['gpus_per_replica'])} GPUs, "
                   f"{row['model_size_b_used']:g}B model; GPU prices fall {percent(cfg.gpu_price_decline)} a year)",
         row["custom_serving_usd_per_year"]),
        ("Custom", "Maintenance per year", row["custom_maintenance_usd_per_year"]),
        ("Custom", f"Total over {h} years", row["tco_custom_usd"]),
        ("FM API + RAG", "Integration build", row["api_build_usd"]),
        ("FM API + RAG", "API calls in year 1", row["api_run_usd_year1"]),
        ("FM API + RAG", "Retrieval per year (per call)", row["retrieval_usd_per_year"]),
        ("FM API + RAG", "RAG infrastructure per year", row["rag_infra_usd_per_year"]),
        ("FM API + RAG", "Model migration per year, from year 2", row["api_migration_usd_per_year"]),
        ("FM API + RAG", "Upkeep per year", row["api_upkeep_usd_per_year"]),
        ("FM API + RAG", f"Total over {h} years", row["tco_api_rag_usd"]),
        ("Sunk", "Already spent (excluded)", spent),
    ], columns=["path", "term", "usd"])
    # A Markdown table rather than a grid: it wraps on a phone, so the amounts are never cut off.
    c2.markdown("| Path | Term | Amount |\n|---|---|--:|\n" + "\n".join(
        f"| {path} | {term} | {ui.md_money(amount)} |" for path, term, amount in breakdown.itertuples(index=False)))
    st.caption(
        f"Break-even volume over {h} years: {portfolio.calls_or_never(row['break_even_daily_calls'])} calls/day "
        f"(API prices fall {percent(pricing.api_decline(cfg))} a year, GPU prices "
        f"{percent(cfg.gpu_price_decline)}). Expected volume: "
        f"{count(row['daily_calls'], missing='unknown')} calls/day."
    )

st.markdown("### Recommended alternative")
st.markdown(ui.safe(row["recommendation"]) + ".")
if row["judged"] and verdict in ("kill", "prove"):
    st.markdown(
        "Start with the best foundation model through an API, add retrieval (RAG) over your own documents, "
        "engineer the prompts and build an evaluation set. Fine-tune only after that path is exhausted and "
        "the evaluation shows, with data, a gap worth the cost."
    )

st.markdown("### Decision")
with st.form("decision_form", clear_on_submit=True):
    d1, d2, d3 = st.columns([1, 1, 1])
    default = {"kill": "kill", "prove": "needs-evidence", "out_of_scope": "defer"}.get(verdict, "keep")
    decision = d1.selectbox("Decision", DECISIONS, index=DECISIONS.index(default), key="decision_choice",
                            format_func=lambda d: labels.label("decisions", d))
    reviewer = d2.text_input("Reviewer", key="decision_reviewer", max_chars=80)
    revisit = d3.date_input("Revisit on", value=None, key="decision_revisit")
    note = st.text_area("Note", key="decision_note", max_chars=2000, height=80)
    if st.form_submit_button("Record decision", type="primary"):
        if not reviewer.strip():
            st.error("Add the reviewer's name so the decision can be traced.")
        else:
            ui.record_decision(row["project_id"], row["project"], decision, note.strip(), reviewer.strip(), revisit)
            st.success(f"Recorded: {labels.label('decisions', decision)} for {ui.safe(row['project'])}.")

history = ui.decision_history(row["project_id"])
if len(history):
    st.markdown("#### History")
    shown = history.iloc[::-1].assign(decision=lambda d: labels.column(d["decision"], "decisions"))
    shown = shown.replace("", ui.BLANK).fillna(ui.BLANK).rename(columns=labels.field)
    st.dataframe(shown, hide_index=True, width="stretch", key="decision_history")
else:
    st.caption("No decision recorded for this project yet.")
