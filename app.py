"""Home: load a roadmap, check how it was read, and see the headline numbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from core import labels, portfolio
from core.vocab import vocab

ui.setup("Home")
ss = st.session_state
NOT_USED = "(not used)"
BLANK = ui.BLANK


def _on_upload() -> None:
    f = ss.get("upload_roadmap")
    if f is not None:
        ui.set_source(f.name, f.getvalue(), "upload")


def _on_sample() -> None:
    name = ss.get("sample_pick")
    if name:
        ui.set_source(name, (ui.SAMPLES_DIR / name).read_bytes(), "sample")


def _apply_mapping() -> None:
    header, target = ss.get("map_header"), ss.get("map_target")
    if header:
        ss.mapping = {**ss.mapping, header: "" if target == NOT_USED else target}


def _reset_mapping() -> None:
    ss.mapping = {}


st.title("AI Roadmap Review")
st.markdown(
    "Most custom and fine-tuned models on AI roadmaps lose to a foundation model through an API plus "
    "retrieval (RAG), prompts and evaluation.  \nThis tool checks every proposed custom model against the four "
    "reasons they fail and the three exceptions that justify one,  \nprices both paths over the horizon, and "
    "builds a ranked kill list with projected savings for the meeting to decide on."
)

with st.container(border=True):
    st.subheader("Load a roadmap")
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

p = ui.current()

if p.error:
    st.error(ui.safe(p.error))

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
                   help=f"Over {h} years. Projected savings of every project to kill or to prove first: custom TCO "
                        "minus FM API + RAG TCO, forward-looking (money already spent is excluded).")
    k1, k2 = st.columns([1, 3])
    k1.page_link("pages/3_Kill_list.py", label="Open the Kill list to decide")
    k2.caption(f"Kill-list savings are over {h} years and forward-looking.")

st.subheader("How the file was read")
headers = list(p.report.mapping) + p.report.unrecognized if p.report else p.headers
if p.report is not None:
    r = p.report
    details = [f"{r.rows_read:,} rows read", f"{r.scored_rows:,} scored", f"{len(r.rejected):,} rejected"]
    if r.delimiter:
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        details.append(f"{names.get(r.delimiter, 'other')}-separated, {r.encoding}")
    if r.sheet:
        details.append(f"sheet '{r.sheet}'")
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
