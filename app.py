"""Home: load a roadmap, check how it was read, and see the headline numbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from core import labels, portfolio
from core.numbers import counted
from core.vocab import likely_columns, vocab

ui.setup("Home")
ss = st.session_state
NOT_USED = "(not used)"
BLANK = ui.BLANK


def _on_upload() -> None:
    f = ss.get("upload_roadmap")
    if f is not None:
        ui.start_review(f.name, f.getvalue(), "upload")


def _on_sample() -> None:
    name = ss.get("sample_pick")
    if name:
        ui.start_review(name, (ui.SAMPLES_DIR / name).read_bytes(), "sample")


def _apply_mapping() -> None:
    header, target = ss.get("map_header"), ss.get("map_target")
    if header:
        ss.mapping = {**ss.mapping, header: "" if target == NOT_USED else target}


def _reset_mapping() -> None:
    ss.mapping = {}


def _rename() -> None:
    name = " ".join(ss.get("portfolio_name", "").split())
    if not name:
        ss.portfolio_name = ss.source["portfolio"]
        return
    try:
        ui.rename_portfolio(name)
    except ui.StoreError as exc:
        ss.portfolio_name = ss.source["portfolio"]
        ss.home_notice = f"The portfolio was not renamed: {exc}"


def _answer(join: bool) -> None:
    try:
        ui.answer_offer(join, ui.reviewer_name())
    except ui.StoreError as exc:
        ss.home_notice = f"The portfolio was not changed: {exc}"


def _reopen(review_id: str) -> None:
    ui.open_review(review_id)
    ss.pop("portfolio_name", None)


def _use_column(header: str, column: str) -> None:
    ss.mapping = {**ss.mapping, header: column}


st.title("AI Roadmap Review")
st.markdown(
    "Most custom and fine-tuned models on AI roadmaps lose to a foundation model through an API plus "
    "retrieval (RAG), prompts and evaluation.  \nThis tool checks every proposed custom model against the four "
    "reasons they fail and the three exceptions that justify one,  \nprices both paths over the horizon, and "
    "builds a ranked kill list with projected savings for the meeting to decide on."
)

# Read first: a new file is saved as a review only once it has been read, and the portfolio name below is the
# one it was saved under.
p = ui.current()

with st.container(border=True):
    st.header("Load a roadmap")
    c1, c2, c3 = st.columns([2, 1.2, 1])
    c1.file_uploader("Upload a roadmap (CSV or XLSX)", type=["csv", "xlsx", "txt", "tsv"], key="upload_roadmap",
                     on_change=_on_upload, help="Any common CSV dialect or an Excel workbook.")
    names = ui.samples()
    c2.selectbox("…or open a sample portfolio", names, index=None, placeholder="Choose a sample",
                 key="sample_pick", on_change=_on_sample)
    c3.download_button("Download the template", (ui.SAMPLES_DIR / "template.csv").read_bytes(),
                       file_name="roadmap_template.csv", mime="text/csv", key="download_template",
                       on_click="ignore", help="Every column the tool reads, with a one-line explanation each.")
    origin = "uploaded file" if ss.source["origin"] == "upload" else "sample portfolio"
    st.caption(f"Showing: **{ui.safe(ss.source['name'])}** ({origin}).")
    # The portfolio groups reviews of the same roadmap over time: decisions follow it, not the file.
    if ss.get("portfolio_name") is None or ss.get("portfolio_for") != ss.review_id:
        ss.portfolio_name = ss.source["portfolio"]
        ss.portfolio_for = ss.review_id
    st.text_input("Portfolio", key="portfolio_name", on_change=_rename, max_chars=200,
                  help="Reviews of the same roadmap share a portfolio, so decisions carry over to later files "
                       "and reviews can be compared. Defaults to the file name without dates or versions.")
    # Stored with the review, so the question stays here after a reload until someone answers it.
    if offer := ui.open_offer():
        what = "project ids" if offer.basis == "ids" else "project names (the files have no project ids)"
        share = f"{offer.shared:.0%} of its {what}"
        if offer.joined:
            st.success(ui.safe(f"Joined the portfolio '{offer.portfolio}': this file shares {share} with its latest "
                               "review, so decisions carry over and Compare sets the two side by side."))
            st.button(ui.safe(f"It is another roadmap: keep it apart as '{offer.apart_as}'"), key="keep_apart",
                      on_click=_answer, args=(False,))
        else:
            st.info(ui.safe(f"A portfolio named '{offer.portfolio}' already has reviews, but this file shares only "
                            f"{share} with its latest one, so it was kept apart as '{offer.apart_as}' and the two "
                            "histories do not mix."))
            j1, j2 = st.columns(2)
            j1.button(ui.safe(f"It is the same roadmap: join '{offer.portfolio}'"), key="join_portfolio",
                      on_click=_answer, args=(True,))
            j2.button("Keep it apart", key="keep_apart", on_click=_answer, args=(False,))
    if notice := ss.pop("home_notice", None):
        st.warning(ui.safe(notice))

if p.error:
    st.error(ui.safe(p.error))

# A header we did not recognise but that looks like one of ours is a column silently ignored: say so at the top.
if p.report is not None:
    likely = likely_columns(p.report.unrecognized, set(p.report.mapping.values()))
else:
    likely = likely_columns(p.headers)
for i, (header, column) in enumerate(likely):
    w1, w2 = st.columns([5, 1])
    w1.warning(f"The column **{ui.safe(header)}** is not used. It looks like **{labels.field(column)}** "
               f"({ui.safe(vocab().columns[column].description)}).")
    w2.button("Use it", key=f"use_column_{i}", on_click=_use_column, args=(header, column), type="primary",
              # A tooltip is Markdown too: the header is escaped like any roadmap text (a link in it was live).
              help=f"Read '{ui.safe(header)}' as {labels.field(column)}; change it under 'Change the column mapping'.")

if p.scored is not None:
    s = portfolio.summarize(p.scored)
    h = int(p.cfg.horizon_years)
    cols = st.columns(7)
    cols[0].metric("Projects", f"{s.projects:,}")
    cols[1].metric("Custom models", f"{s.custom:,}")
    cols[2].metric(ui.verdict_label("kill"), f"{s.kill:,}")
    cols[3].metric(ui.verdict_label("prove"), f"{s.prove:,}")
    cols[4].metric(ui.verdict_label("keep"), f"{s.keep:,}")
    cols[5].metric(ui.verdict_label("out_of_scope"), f"{s.out_of_scope:,}",
                   help="Custom models on a classic ML task (tabular scoring, forecasting, ranking): not judged "
                        "by the build-trap rules and not on the kill list.")
    cols[6].metric("Kill-list savings", ui.usd(s.kill_list_savings_usd),
                   help=f"Over {counted(h, 'year')}. Projected savings of every project to kill or to prove first: custom TCO "
                        "minus FM API + RAG TCO, forward-looking (money already spent is excluded).")
    # The untouched default sample has no decisions: the store is not opened (or created) just to say so.
    decisions = ui.current_decisions()[0] if ui.store_in_use() else ()
    came_back = tuple(sorted(ui.came_back(p.inputs).items()))
    decided = ui.decided_for(*p.inputs, decisions)
    d = st.columns(7)
    d[0].metric("Kill list decided", f"{decided.decided:,} of {decided.decided + decided.open:,}",
                help="Kill-list projects with a recorded decision (any decision).")
    d[1].metric("Open", f"{decided.open:,}")
    d[2].metric("Savings agreed", ui.usd(decided.agreed_usd),
                help="Projected savings of the kill-list projects whose current decision is kill or rescope.")
    d[3].metric("Came back", f"{len(came_back):,}",
                help="Projects killed in the review before this one that are back on this roadmap.")
    if came_back:
        # Said right after the upload, before anyone opens the Kill list: the room should know first.
        names = dict(zip(p.scored["project_id"], p.scored["project"], strict=True))
        listed = "\n".join(f"- **{ui.safe(names.get(pid, pid))}**: {ui.safe(text)}" for pid, text in came_back[:5])
        more = f"\n- and {len(came_back) - 5:,} more on the Kill list." if len(came_back) > 5 else ""
        st.error(f"**{counted(len(came_back), 'project')} came back** after an earlier review killed "
                 f"{'it' if len(came_back) == 1 else 'them'}:\n{listed}{more}")
    k1, k2 = st.columns([1, 3])
    k1.page_link("pages/3_Kill_list.py", label="Open the Kill list to decide")
    ui.page_link("pages/7_Meeting.py", "Run the meeting: one project per screen", container=k2)
    unpriced = (f" {counted(s.kill_list_unpriced, 'project')} on the list "
                f"{'needs' if s.kill_list_unpriced == 1 else 'need'} a daily volume and "
                f"{'is' if s.kill_list_unpriced == 1 else 'are'} not in the total." if s.kill_list_unpriced else "")
    st.caption(f"Kill-list savings are over {counted(h, 'year')}, forward-looking and in today's dollars "
               f"(discounted at {p.cfg.discount_rate:.0%} a year).{unpriced}")

st.header("How the file was read")
headers = list(p.report.mapping) + p.report.unrecognized if p.report else p.headers
if p.report is not None:
    r = p.report
    details = [f"{r.rows_read:,} rows read", f"{r.scored_rows:,} scored", f"{len(r.rejected):,} rejected"]
    if r.delimiter:
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        details.append(f"{names.get(r.delimiter, 'other')}-separated, {r.encoding}")
    if r.sheet:
        details.append(f"sheet '{ui.safe(r.sheet)}'")
    details.append(f"header on row {r.header_row}")
    st.caption(" · ".join(details))
    mapping_rows = [{"Header in the file": hd, "Read as": labels.field(col)} for hd, col in r.mapping.items()]
    mapping_rows += [{"Header in the file": hd, "Read as": "(kept, not used)"} for hd in r.unrecognized]
    st.dataframe(pd.DataFrame(mapping_rows), hide_index=True, width="stretch", key="mapping_table")

if headers:
    with st.expander("Change the column mapping", expanded=bool(p.error) or bool(p.report and p.report.unrecognized)):
        canon = list(vocab().columns)
        m1, m2, m3 = st.columns([2, 2, 1])
        m1.selectbox("Header", headers, key="map_header")
        m2.selectbox("Read it as", [NOT_USED, *canon], key="map_target",
                     format_func=lambda c: c if c == NOT_USED else f"{labels.field(c)} — {vocab().columns[c].description}")
        m3.button("Apply", key="map_apply", on_click=_apply_mapping, type="primary")
        if ss.mapping:
            st.caption("Your mapping: " + ", ".join(f"{ui.safe(k)} → {labels.field(v) if v else NOT_USED}"
                                                    for k, v in ss.mapping.items()))
            st.button("Reset to the inferred mapping", key="map_reset", on_click=_reset_mapping)

if p.report is not None:
    r = p.report
    if len(r.rejected):
        st.warning(f"{len(r.rejected):,} rows were not scored. Each is listed with its reason.")
        rejected = r.rejected.assign(column=r.rejected["column"].map(lambda c: labels.field(c) if c else BLANK))
        st.dataframe(rejected, hide_index=True, width="stretch", key="rejected_table",
                     column_config={"row": st.column_config.NumberColumn("Row", format="%d"),
                                    "column": "Column", "value": "Value", "reason": "Reason"})
        ui.table_downloads(r.rejected, p.name.rsplit(".", 1)[0] + "_rejected_rows", "download_rejected",
                           "Rejected rows")
    elif likely:
        st.info(f"Every row was read as a project ({r.scored_rows:,}), but a column that looks like one of ours "
                "is not used: see the warning at the top.")
    else:
        st.success(f"Every row was read as a project ({r.scored_rows:,}).")
    if len(r.warnings):
        with st.expander(f"{len(r.warnings):,} values could not be read and were treated as unknown"):
            warned = r.warnings.rename(columns=lambda c: labels.field(c) if c != "row" else "Row")
            if "Column" in warned.columns:
                warned["Column"] = warned["Column"].map(lambda c: labels.field(c) if c else BLANK)
            st.dataframe(warned, hide_index=True, width="stretch", key="warnings_table")
    for line in r.notices:
        st.warning(ui.safe(line))
    for line in r.duplicates[:50]:
        st.info(ui.safe(line))

ui.sign_in_panel()
st.subheader("Recent reviews")
try:
    recent, which = ui.home_reviews()
except ui.StoreError as exc:
    st.caption(ui.safe(f"Saved reviews cannot be listed right now: {exc}"))
    recent, which = [], ""
if recent:
    st.caption(which)
    for r in recent:
        c1, c2 = st.columns([4, 1])
        current_mark = " (on screen)" if r.id == ss.review_id else ""
        c1.markdown(ui.safe(f"{r.portfolio} · {r.file_name} · {r.updated_at:%Y-%m-%d %H:%M} UTC") + current_mark)
        c2.button("Open", key=f"open_review_{r.id}", on_click=_reopen, args=(r.id,), disabled=r.id == ss.review_id)
elif not ss.get("review_id"):
    st.caption("Upload a roadmap or pick a sample to start a review; it is saved, and its link reopens it.")

if ss.get("review_id"):
    # The review's event log: every change to its name, mapping, assumptions, tasks and scenarios, who and when.
    with st.expander("History of this review"):
        try:
            events = ui.review_history(ss.review_id)
        except ui.StoreError as exc:
            st.caption(ui.safe(f"The review's history cannot be shown right now: {exc}"))
        else:
            st.dataframe(events.replace("", ui.BLANK), hide_index=True, width="stretch", key="review_history",
                         column_config={"at": "When", "who": "Who", "what": "Changed", "detail": "What changed"})
