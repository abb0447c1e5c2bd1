"""Evidence on Project review (SPEC §4e): the portfolio's stored evidence as a cache key, attaching a file or a
figure, and the Evidence section (result, chart, history)."""

from __future__ import annotations

import time
from datetime import date

import pandas as pd
import streamlit as st

from core import evidence as ev
from core import labels, limits
from core.evidence_apply import Attached, as_key, from_key, latest
from core.store import StoreError, database_url
from ui.auth import current_user
from ui.format import safe
from ui.logs import log
from ui.reviews import ensure_review
from ui.storage import portfolio_of_screen, store, store_for, workspace_now

# As for decisions: every rerun reads the evidence, so a copy is shared for a few seconds (a colleague's shows
# within EVIDENCE_TTL_S) and this session's own attachments clear it at once.
EVIDENCE_TTL_S = 3.0
TABS = {"eval": "Evaluation", "latency": "Latency", "volume": "Volume", "spend": "API spend",
        "compliance": "Compliance"}


@st.cache_data(max_entries=64, show_spinner=False)
def _evidence_of(url: str, workspace: str, portfolio: str, window: int) -> tuple:
    """A portfolio's evidence in a workspace as a hashable tuple (core.evidence_apply.as_key); `window` only ages
    the entry."""
    return as_key(store_for(url).in_workspace(workspace).evidence(portfolio))


def evidence_changed() -> None:
    _evidence_of.clear()


def current_evidence() -> tuple[tuple, str | None]:
    """The portfolio's stored evidence as a cache key, and a sentence when the store cannot be read: a broken
    database costs the evidence (the roadmap's columns then decide), never the page."""
    if st.session_state.get("review_id") is None and not _store_exists():
        return (), None
    try:
        key = _evidence_of(database_url(), workspace_now(), portfolio_of_screen(),
                           int(time.monotonic() // EVIDENCE_TTL_S))
    except StoreError as exc:
        log.warning("evidence unavailable: %s", exc)
        return (), f"Evidence cannot be used right now: {exc}"
    return key, None


def _store_exists() -> bool:
    from ui.storage import store_in_use

    return store_in_use()


def _finding(kind: str, data: bytes | None, target: float | None) -> ev.Finding:
    ss = st.session_state
    if kind == "eval":
        if data is None:
            raise ev.NotEvidence("Choose the evaluation's CSV file first.")
        return ev.evaluation(data, ss.get("evidence_gap"))
    if kind == "latency":
        if data is None:
            raise ev.NotEvidence("Choose the CSV of measured latencies first.")
        return ev.latency(data, target)
    if kind == "compliance":
        return ev.compliance(ss.get("evidence_confirmed_by"), ss.get("evidence_role"), ss.get("evidence_date"),
                             ss.get("evidence_document"))
    if data is None and ss.get(f"evidence_value_{kind}") is None:
        raise ev.NotEvidence(f"Choose a CSV file or give the measured {TABS[kind].lower()} as a figure.")
    period = ss.get(f"evidence_period_{kind}") or ("day" if kind == "volume" else "month")
    value = None if data is not None else ss.get(f"evidence_value_{kind}")
    return (ev.volume if kind == "volume" else ev.spend)(data, value, period)


def _attach(kind: str, project_id: str, project: str, target: float | None) -> None:
    """The attach button: compute the figure, store it with who and when, and say what it showed (or why not)."""
    ss = st.session_state
    user, email = current_user()
    reviewer = user or (ss.get("evidence_reviewer") or "").strip()
    upload = ss.get(f"evidence_file_{kind}")
    try:
        data = upload.getvalue() if upload is not None else None
        if data is not None and len(data) > limits.MAX_EVIDENCE_BYTES.value:
            raise ev.NotEvidence(limits.over(limits.MAX_EVIDENCE_BYTES, f"The file holds {len(data):,} bytes",
                                             "attach a sample of it"))
        if not reviewer:
            raise ev.NotEvidence("Add the reviewer's name so the evidence can be traced.")
        found = _finding(kind, data, target)
        stored = store().add_evidence(portfolio_of_screen(), project_id, project, found, reviewer,
                                      file_name=upload.name if upload is not None else "", data=data, email=email,
                                      review_id=ensure_review())
    except ev.NotEvidence as exc:
        ss.evidence_result = ("error", f"Not evidence, nothing was stored: {exc}")
        return
    except StoreError as exc:
        ss.evidence_result = ("error", f"Not stored: {exc}")
        return
    ss.reviewer = reviewer if not user else ss.get("reviewer", "")
    evidence_changed()
    ss.evidence_result = ("success", f"Attached. {stored.sentence(target)[0].upper()}{stored.sentence(target)[1:]}.")


def _figures(record: Attached, target: float | None) -> None:
    """The latest item of a kind: its sentence, its figures and (evaluation, latency) the chart."""
    from core.evidence_chart import evidence_chart  # lazy: altair is only needed once evidence is shown

    st.markdown(f"**{TABS[record.kind]}:** {safe(record.sentence(target))}.")
    chart = evidence_chart(record, target)
    if chart is not None:
        st.altair_chart(chart, width="stretch", key=f"evidence_chart_{record.kind}")


def section(row: pd.Series, records: tuple) -> None:
    """The Evidence section of Project review for one project."""
    ss = st.session_state
    pid, project = str(row["project_id"]), str(row["project"])
    target = None if pd.isna(row.get("latency_target_ms")) else float(row["latency_target_ms"])
    st.markdown("### Evidence")
    st.caption("Attach the evidence itself: it beats the roadmap's yes/no columns, both ways, and is kept with "
               "this portfolio, so it carries over to the next quarter's file.")
    mine = [r for r in from_key(records) if r.project_id == pid]
    current = latest(mine).get(pid, {})
    for kind in TABS:
        if kind in current:
            _figures(current[kind], target)
    if not current:
        st.caption("No evidence attached to this project yet; the verdict reads the roadmap's columns.")
    ss.setdefault("evidence_reviewer", ss.get("reviewer", ""))
    if not ss.evidence_reviewer and ss.get("reviewer"):
        ss.evidence_reviewer = ss.reviewer
    user = current_user()[0]
    with st.expander("Attach evidence", expanded=not current):
        if user:
            st.caption(safe(f"Attached as {user} (signed in)."))
        else:
            st.text_input("Attached by", key="evidence_reviewer", max_chars=80)
        for kind, tab in zip(TABS, st.tabs(list(TABS.values())), strict=True):
            with tab:
                _form(kind, pid, project, target)
    if result := ss.pop("evidence_result", None):
        kind_, message = result
        (st.success if kind_ == "success" else st.error)(safe(message))
    if mine:
        st.markdown("#### Evidence history")
        table = store().evidence_history(portfolio_of_screen(), pid).iloc[::-1]
        shown = table[["recorded_at", "kind", "outcome", "summary", "reviewer", "file_name"]].replace("", "—")
        shown = shown.assign(kind=shown["kind"].map(TABS)).rename(columns={
            "recorded_at": "Recorded", "kind": "Kind", "outcome": "Outcome", "summary": "Figures",
            "reviewer": "Reviewer", "file_name": "File"})
        st.dataframe(shown, hide_index=True, width="stretch", key="evidence_history")


def _form(kind: str, pid: str, project: str, target: float | None) -> None:
    mb = limits.MAX_EVIDENCE_BYTES.value / 1e6
    if kind == "eval":
        st.file_uploader(f"Per-item scores (CSV: item, baseline, candidate, optional weight; up to {mb:g} MB)",
                         type=["csv", "txt", "tsv"], key="evidence_file_eval")
        st.number_input("Material gap (the smallest improvement worth paying for, in the score's units)",
                        min_value=0.0, value=None, step=0.01, format="%.4g", key="evidence_gap")
    elif kind == "latency":
        st.file_uploader(f"Measured FM + RAG latencies in ms (CSV, one a row, at least 200; up to {mb:g} MB)",
                         type=["csv", "txt", "tsv"], key="evidence_file_latency")
        st.caption(safe(f"Judged against this project's target: {labels.field('latency_target_ms')} "
                        f"{'not given' if target is None else f'{target:,.0f} ms'}."))
    elif kind in ("volume", "spend"):
        what = "daily calls (CSV: date, calls)" if kind == "volume" else "API spend (CSV: month, spend_usd)"
        st.file_uploader(f"Measured {what}; or give one figure below", type=["csv", "txt", "tsv"],
                         key=f"evidence_file_{kind}")
        c1, c2 = st.columns(2)
        c1.number_input("Calls" if kind == "volume" else "USD", min_value=0.0, value=None, step=1.0,
                        key=f"evidence_value_{kind}")
        c2.selectbox("Per", ev.PERIODS, index=0 if kind == "volume" else 1, key=f"evidence_period_{kind}")
    else:
        c1, c2 = st.columns(2)
        c1.text_input("Confirmed by (name)", key="evidence_confirmed_by", max_chars=200)
        c2.text_input("Role", key="evidence_role", max_chars=200)
        c1.date_input("Confirmed on", value=None, max_value=date.today(), key="evidence_date")
        c2.text_input("Document (reference or link)", key="evidence_document", max_chars=200)
    st.button(f"Attach {TABS[kind].lower()}", key=f"evidence_attach_{kind}", on_click=_attach,
              args=(kind, pid, project, target))
