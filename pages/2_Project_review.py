"""Project review: one project's checklist, both paths' costs, the alternative and the decision."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from core import charts, explain, labels, portfolio, pricing, task
from core.judge import reasons
from core.loader.detect import quote
from core.minutes import DECISIONS
from core.numbers import count, counted, money_column, percent
from core.store import StoreError
from ui import costs

ui.setup("Project review")
p = ui.require_portfolio()
scored = p.scored
cfg = p.cfg
ss = st.session_state
PICK_LIMIT = 2_000  # projects listed in the picker at once; the same bound as the styled tables (ui.STYLED_ROWS)

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
# A link naming a project this roadmap does not have opened another one without a word (issue 17).
missing = wanted if wanted is not None and wanted not in names else None
if st.query_params.get("project") != ss.review_project:
    # The project on screen is always in the URL, so a refresh or a copied link opens the same one.
    st.query_params["project"] = ss.review_project


def _picked() -> None:
    st.query_params["project"] = ss.review_project


# Every option goes to the browser on every rerun (100,000 projects: 2.9 MB a click), so a long roadmap lists
# the kill list first up to PICK_LIMIT, and a search finds any other project by part of its name or id.
options = ids
if len(ids) > PICK_LIMIT:
    find = st.text_input("Find a project", key="review_find", placeholder="Part of a project's name or id").strip()
    if find:
        hit = (scored["project"].astype("str").str.contains(find, case=False, regex=False)
               | scored["project_id"].astype("str").str.contains(find, case=False, regex=False))
        listed = scored.loc[hit, "project_id"].tolist()
    else:
        listed = [*ui.kill_list_for(*p.inputs)["project_id"], *ids]
    options = list(dict.fromkeys([ss.review_project, *listed]))[:PICK_LIMIT]
    what = f"those matching “{find}”" if find else "the kill list first"
    st.caption(ui.safe(f"{len(ids):,} projects: the list holds {len(options):,} of them ({what}); type part of a "
                       "name or id above to find any other."))
st.selectbox("Project", options, format_func=lambda i: names[i], key="review_project", on_change=_picked)
row = scored[scored["project_id"] == ss.review_project].iloc[0]
h = int(cfg.horizon_years)
if missing is not None:
    st.warning(ui.safe(f"This roadmap has no project with the id '{quote(missing)}' that the link names; "
                       f"showing {row['project']} ({row['project_id']}) instead."))

verdict = row["verdict"]
# Everything that came from the roadmap file goes through ui.safe(): shown as typed, never as Markdown.
# No anchor: its link would be made of the project's name (href="#kill-a-href-https-evil-example")
st.header(f"{ui.verdict_badge(verdict)} {ui.safe(row['project'])}", help=labels.verdict_help(verdict), anchor=False)
if came_back := ui.came_back(p.inputs).get(row["project_id"]):
    st.error(f"**{ui.safe(came_back)}**")
meta = [ui.safe(row[c]) for c in ("team", "owner", "quarter") if not pd.isna(row[c])]
if not pd.isna(row["status"]):
    meta.append(labels.label("status", row["status"]))
pid = row["project_id"]
set_here = ss.tasks.get(pid) if explain.set_on_review(row) else None


def _who_when(change: dict[str, str]) -> str:
    by = f" by {change['by']}" if change.get("by") else ""
    return f"set on this review{by}" + (f" on {change['at']} UTC" if change.get("at") else "")


origin = _who_when(set_here) if set_here else explain.task_origin(row)
st.caption(" · ".join([labels.label("approaches", row["approach"]),
                       ui.safe(f"{labels.label('task', row['task'])} ({origin})"), *meta]))
if not pd.isna(row["description"]):
    st.text(row["description"])


def _task_picked(project_id: str) -> None:
    ss.task_notice = ui.set_task(project_id, ss.task_choice)


def _task_back(project_id: str) -> None:
    ss.task_notice = ui.set_task(project_id, None)


# The task decides whether the build-trap rules apply at all. A person can set it here: it is saved with the
# review (so a refresh or the review's link shows it), applies on every page and in every download.
if ss.get("task_for") != (pid, row["task"]):
    ss.task_for = (pid, row["task"])
    ss.task_choice = row["task"]
with st.container(border=True, key="task_box"):
    t1, t2 = st.columns([2, 1], vertical_alignment="bottom")
    t1.selectbox("Task", list(task.specs()), key="task_choice", format_func=lambda t: labels.label("task", t),
                 on_change=_task_picked, args=(pid,),
                 help="What the model does. Language, vision and speech are judged by the build-trap rules; a "
                      "custom model on a classic ML task is out of scope. A task picked here is saved with this "
                      "review and applies on every page.")
    file_task, file_origin = explain.roadmap_task(row)
    if set_here:
        back = {"inferred": "the inferred task", "assumed": "the assumed task"}.get(
            row["roadmap_task_source"], "the roadmap's task")
        t2.button(f"Back to {back}", key="task_back", on_click=_task_back, args=(pid,))
        st.caption(ui.safe(f"Task {_who_when(set_here)}. The roadmap's own: {labels.label('task', file_task)} "
                           f"({file_origin})."))
    else:
        st.caption(ui.safe(f"{labels.label('task', file_task)}, {file_origin}. If that is wrong, pick the right "
                           "task: it is saved with this review."))
    if notice := ss.pop("task_notice", None):
        st.warning(ui.safe(notice))
    # Tasks are kept by project id: after a mapping change that gives projects other ids, say so, never drop silently.
    if unused := sorted(set(ss.tasks) - set(ids)):
        verb = "names" if len(unused) == 1 else "name"
        st.caption(ui.safe(f"{counted(len(unused), 'task change')} on this review {verb} a project id the file, as "
                           f"read now, does not have ({', '.join(unused[:5])}{', …' if len(unused) > 5 else ''}); "
                           "a change applies again when its id comes back."))
box = {"kill": st.error, "prove": st.warning, "keep": st.info, "ok": st.success}.get(verdict, st.info)
box(ui.safe(explain.verdict_sentence(row, cfg)))

def _input(name: str, value: str) -> str:
    """A checklist input in words: coded values (fm_coverage: none) through the labels file."""
    kind = labels.COLUMN_KIND.get(name)
    if kind and value not in ("unknown", ""):
        return labels.label(kind, value)
    return {"yes": "Yes", "no": "No"}.get(value, value)


if row["custom"] and not row["judged"]:
    st.caption("The task decides the scope. If it is wrong, pick the right one under Task above.")
if row["judged"]:
    costs.metrics(row, cfg)
    if note := costs.volume_note(row):
        st.caption(ui.safe(note))

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
            if check.evidence:  # attached evidence beats the columns above: say which the verdict used
                st.markdown(f"**Evidence used:** {ui.safe(labels.sentences(check.evidence))}")
            if check.status in ("fired", "claimed", "refuted"):
                st.markdown(f"**To change it:** {ui.md_text(check.change)}")
            with st.expander("Why this matters"):
                st.markdown(ui.md_text(check.why))
                # Public cases and studies behind the rule (reasons.yaml), each linked to its source.
                group = "flags" if check.kind == "flag" else "justifications"
                for case in reasons()[group][check.name].get("cases", []):
                    st.markdown(f"- [{ui.safe(case['title'])}]({case['url']}): {ui.safe(case['showed'])}")
    if row["evidence_needed"]:
        st.warning(f"Evidence needed: {ui.safe(labels.sentences(row['evidence_needed']))}")
    if problem := ss.get("evidence_error"):
        st.warning(ui.safe(problem))
    ui.evidence_section(row, p.inputs[5])

    st.markdown("### Cost of the paths")
    yearly = pricing.yearly_costs(row, cfg)
    c1, c2 = st.columns([3, 2])
    c1.altair_chart(charts.cumulative_costs(yearly), width="stretch", key="chart_cumulative")
    spent = 0.0 if pd.isna(row["spent_to_date_usd"]) else row["spent_to_date_usd"]
    build_note = "planned budget" if not row["build_estimated"] else "estimated"
    breakdown = pd.DataFrame([
        ("Custom", f"Build ({build_note}, forward-looking)", row["custom_build_usd"]),
        ("Custom", f"Serving in year 1 ({counted(row['replicas'], 'replica')} × {counted(row['gpus_per_replica'], 'GPU')}, "
                   f"{row['model_size_b_used']:g}B model at {cfg.serving_precision.upper()}; GPU prices fall "
                   f"{percent(cfg.gpu_price_decline)} a year)", row["custom_serving_usd_per_year"]),
        ("Custom", "Maintenance per year", row["custom_maintenance_usd_per_year"]),
        ("Custom", f"Total over {counted(h, 'year')}", row["tco_custom_usd"]),
        ("FM API + RAG", "Integration build", row["api_build_usd"]),
        ("FM API + RAG", "API calls in year 1" + (" (measured spend)" if row["api_spend_measured"] else ""),
         row["api_run_usd_year1"]),
        ("FM API + RAG", "Retrieval per year (per call)", row["retrieval_usd_per_year"]),
        ("FM API + RAG", "RAG infrastructure per year", row["rag_infra_usd_per_year"]),
        ("FM API + RAG", "Model migration per year, from year 2", row["api_migration_usd_per_year"]),
        ("FM API + RAG", "Upkeep per year", row["api_upkeep_usd_per_year"]),
        ("FM API + RAG", f"Total over {counted(h, 'year')}", row["tco_api_rag_usd"]),
        *([("Self-hosted open weights", f"Serving in year 1 ({counted(row['sh_replicas'], 'replica')} × "
                                        f"{counted(row['sh_gpus_per_replica'], 'GPU')}, {cfg.stock_model_size_b:g}B)",
            row["sh_serving_usd_per_year"]),
           ("Self-hosted open weights", f"Total over {counted(h, 'year')}", row["tco_self_hosted_usd"])]
          if row["claimed_regulatory"] else []),
        ("Sunk", "Already spent (excluded)", spent),
    ], columns=["path", "term", "usd"])
    # A Markdown table rather than a grid: it wraps on a phone, so the amounts are never cut off.
    # One money style for the whole column ($4.50M, $0.05M), not $4.5M beside $52,560 and $282K.
    amounts = [ui.md_text(a) for a in money_column(breakdown["usd"])]
    c2.markdown("| Path | Term | Amount |\n|---|---|--:|\n" + "\n".join(
        f"| {path} | {term} | {amount} |" for (path, term, _), amount in zip(breakdown.itertuples(index=False),
                                                                           amounts, strict=True)))
    st.caption(
        f"Break-even volume over {counted(h, 'year')}: {portfolio.calls_or_never(row['break_even_daily_calls'])} calls/day "
        f"(API prices fall {percent(pricing.api_decline(cfg))} a year, GPU prices "
        f"{percent(cfg.gpu_price_decline)}). Expected volume: "
        f"{count(row['daily_calls_used'], missing='unknown')} calls/day."
    )
    costs.details(row, cfg)

st.markdown("### Recommended alternative")
st.markdown(ui.safe(row["recommendation"]) + ".")
if row["judged"] and verdict in ("kill", "prove"):
    st.markdown(
        "Start with the best foundation model through an API, add retrieval (RAG) over your own documents, "
        "engineer the prompts and build an evaluation set. Fine-tune only after that path is exhausted and "
        "the evaluation shows, with data, a gap worth the cost."
    )

st.markdown("### Decision")
# The default follows the verdict; ok and out_of_scope projects have nothing to decide here.
DEFAULTS = {"kill": "kill", "prove": "needs-evidence", "keep": "keep"}
if ss.get("decision_for") != pid:
    # Another project: the form starts from this project's default, not the last project's choice.
    ss.decision_for = pid
    ss.decision_choice = DEFAULTS.get(verdict, "keep")
    ss.decision_note = ""
    ss.decision_revisit = None
if "decision_reviewer" not in ss:
    ss.decision_reviewer = ss.reviewer
user_name, user_email = ui.current_user()


def _submit(project_id: str, project: str) -> None:
    # Runs before the page is drawn again, so it may clear the note after a save; on any failure every
    # field keeps what was typed and the message says what to do.
    reviewer = user_name or ss.decision_reviewer.strip()
    ui.remember_reviewer(ss.decision_reviewer)
    if not reviewer:
        ss.decision_result = ("error", "Add the reviewer's name so the decision can be traced; nothing was recorded.")
        return
    try:
        ui.record_decision(project_id, project, ss.decision_choice, ss.decision_note.strip(), reviewer,
                           ss.decision_revisit, user_email)
    except (StoreError, ValueError) as exc:
        ui.log.warning("decision not recorded: %s", type(exc).__name__)
        ss.decision_result = ("error", f"Not recorded: {exc} Your entries are still in the form.")
        return
    ss.decision_result = ("success", f"Recorded: {labels.label('decisions', ss.decision_choice)} for {project}.")
    ss.decision_note = ""
    ss.decision_revisit = None


if verdict not in DEFAULTS:
    st.info("Nothing to decide: this project is not a custom model the build-trap rules judge, so it needs no "
            "kill, keep or evidence decision.")
else:
    with st.form("decision_form", clear_on_submit=False):
        d1, d2, d3 = st.columns([1, 1, 1])
        d1.selectbox("Decision", DECISIONS, key="decision_choice", format_func=lambda d: labels.label("decisions", d))
        if user_name:
            d2.text_input("Reviewer", value=f"{user_name} (signed in)", disabled=True, key="decision_signed_in")
        else:
            d2.text_input("Reviewer", key="decision_reviewer", max_chars=80)
        d3.date_input("Revisit on", key="decision_revisit")
        st.text_area("Note", key="decision_note", max_chars=2000, height=80)
        st.form_submit_button("Record decision", type="primary", key="decision_submit", on_click=_submit,
                              args=(pid, str(row["project"])))
    if result := ss.pop("decision_result", None):
        kind, message = result
        (st.success if kind == "success" else st.error)(ui.safe(message))

try:
    history = ui.decision_history(pid)
except StoreError as exc:
    st.warning(ui.safe(f"The decision history cannot be shown right now: {exc}"))
else:
    if len(history):
        st.markdown("#### History")
        shown = history.drop(columns=["portfolio"]).iloc[::-1]
        shown = shown.assign(decision=labels.column(shown["decision"], "decisions"))
        shown = shown.replace("", ui.BLANK).fillna(ui.BLANK).rename(columns=labels.field)
        st.dataframe(shown, hide_index=True, width="stretch", key="decision_history")
        # The toolbar download is off (it does not neutralize formulas in notes); ours does.
        ui.table_downloads(history.drop(columns=["portfolio"]).iloc[::-1], "decision_history",
                           "download_decision_history", "Decision history")
    else:
        st.caption("No decision recorded for this project yet.")
