"""The meeting on screen: which meeting and project the address names, each project's screen built once, and
decide-and-advance (one click records the decision in the meeting and moves to the next project)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import pandas as pd
import streamlit as st

from core import agenda, config, explain, labels, meetings, portfolio
from core.meetings import Meeting
from core.numbers import counted, money_column
from core.store import Decision, StoreError, database_url
from ui.auth import current_user
from ui.identity import name as reviewer_name
from ui.logs import log
from ui.reviews import ensure_review, open_review
from ui.scoring import assumptions_for, scored_for
from ui.storage import decisions_changed, portfolio_of_screen, store, store_for, workspace_now

PARTS = (("savings_people_usd", "people"), ("savings_serving_usd", "serving and compute"),
         ("savings_api_usd", "API"), ("savings_other_usd", "other"))
# A colleague's decision on another laptop shows within this many seconds; the meeting's own show at once.
EARLIER_TTL_S = 30.0


def file_key(data: bytes) -> str:
    """A file's hash, standing for its bytes in cache keys (as ui.session's source key)."""
    return hashlib.sha1(data).hexdigest()[:12]


@dataclass(frozen=True)
class Card:
    """What one project's screen shows, in words (user text not yet escaped)."""

    project_id: str
    project: str
    team: str
    verdict: str
    savings: Mapping[str, float | None]  # projected_savings_usd and whichever parts the scored frame has
    reason: str
    would_change: str
    evidence: str
    recommendation: str
    horizon: int

    def parts_text(self) -> str:
        """What the savings are made of ("people $577K, serving and compute $150K, …"), or "" before the split."""
        present = [(key, word) for key, word in PARTS if self.savings.get(key) is not None]
        # One money style with the total beside them (core.numbers.money_column): never "$4.8M, -$35,628".
        figures = money_column([self.savings.get("projected_savings_usd"), *[self.savings[k] for k, _ in present]])[1:]
        return ", ".join(f"{word} {shown}" for (_, word), shown in zip(present, figures, strict=True))


@dataclass(frozen=True)
class AgendaView:
    """The projects of a meeting in order, the kill list's proposed savings, and each project's screen."""

    ids: tuple[str, ...]
    proposed: Mapping[str, float]
    cards: Mapping[str, Card]


# Shared, not copied: a decide-and-advance rerun must not unpickle a thousand cards (cache_data hands out a copy
# each time, several milliseconds at this size). Everything in the view is frozen or a read-only mapping, so no
# session can change what another sees. The file's hash (`key`) stands for the file in the key; its bytes
# (`_data`, not hashed) are read only when the view is built.
@st.cache_resource(max_entries=8, show_spinner="Preparing the meeting…")
def agenda_for(key: str, name: str, mapping: tuple, overrides: tuple, tasks: tuple, evidence: tuple,
               include_keep: bool, _data: bytes) -> AgendaView:
    scored = scored_for(_data, name, mapping, overrides, tasks, evidence)[1]
    kill = portfolio.kill_list(scored)
    proposed = dict(zip(kill["project_id"].astype(str), kill["projected_savings_usd"].astype(float), strict=True))
    ids = tuple(agenda.agenda(scored, include_keep))
    cfg = assumptions_for(overrides)
    rows = scored.set_index(scored["project_id"].astype(str), drop=False).loc[list(ids)]
    cards = {str(pid): _card(row, cfg) for pid, row in rows.iterrows()}
    return AgendaView(ids, MappingProxyType(proposed), MappingProxyType(cards))


def _card(row: pd.Series, cfg: config.Assumptions) -> Card:
    def text(column: str) -> str:
        value = row[column] if column in row.index else ""
        return "" if pd.isna(value) else str(value)

    return Card(str(row["project_id"]), str(row["project"]), text("team"), str(row["verdict"]),
                MappingProxyType(agenda.savings_of(row)), explain.verdict_sentence(row, cfg), text("would_change"),
                labels.sentences(text("evidence_needed")) if text("evidence_needed") else "", text("recommendation"),
                int(cfg.horizon_years))


# Shared and read-only for the same reason; keyed by a time window, so a colleague's decision shows within it.
@st.cache_resource(max_entries=16, show_spinner=False)
def _earlier_of(url: str, workspace: str, portfolio_: str, window: int) -> Mapping[str, tuple[str, str, str, str]]:
    """Project id -> (decision, reviewer, note, YYYY-MM-DD) of each project's current decision in the workspace."""
    current = store_for(url).in_workspace(workspace).current(portfolio_)
    return MappingProxyType({str(pid): (r.decision, r.reviewer, r.note, str(r.recorded_at)[:10])
                             for pid, r in current.iterrows()})


def earlier_decisions() -> Mapping[str, tuple[str, str, str, str]]:
    """The portfolio's current decisions with their dates; a project the meeting decided shows that instead."""
    try:
        return _earlier_of(database_url(), workspace_now(), portfolio_of_screen(),
                           int(time.monotonic() // EARLIER_TTL_S))
    except StoreError as exc:
        log.warning("earlier decisions unavailable: %s", exc)
        return {}


def open_meeting(meeting_id: str) -> Meeting | None:
    """The meeting a link names, with its review on screen and its decisions loaded; None (and a sentence) when
    it cannot be found."""
    ss = st.session_state
    try:
        found = meetings.get(store(), meeting_id)
        if found is not None and found.review_id != ss.get("review_id") and not open_review(found.review_id):
            found = None
        taken = meetings.taken_by_project(meetings.taken(store(), meeting_id)) if found is not None else {}
    except StoreError as exc:
        ss.meeting_notice = ("error", f"The meeting in this link could not be opened: {exc}")
        return None
    if found is None:
        ss.meeting_notice = ("error", "No meeting matches this link; start one below.")
        return None
    ss.meeting, ss.meeting_taken = found, taken
    return found


def start_meeting(attendees: str, include_keep: bool, scenario: str) -> None:
    """Open a meeting on the review on screen (saving the default sample as a review first)."""
    ss = st.session_state
    try:
        review_id = ensure_review()
        ss.meeting = meetings.start(store(), review_id, portfolio_of_screen(), attendees, scenario=scenario,
                                    overrides=dict(ss.overrides), include_keep=include_keep, who=reviewer_name())
    except StoreError as exc:
        ss.meeting_notice = ("error", f"The meeting could not be started: {exc}")
        return
    ss.meeting_taken = {}
    ss.meeting_project = None
    st.query_params.pop("project", None)  # a new meeting starts at the top of the list, not where a link pointed
    st.query_params["meeting"] = ss.meeting.id


def change_meeting(**changes: object) -> None:
    ss = st.session_state
    try:
        ss.meeting = meetings.update(store(), ss.meeting.id, **changes)  # type: ignore[arg-type]
    except StoreError as exc:
        ss.meeting_notice = ("error", f"The change was not saved: {exc}")


def end_meeting() -> None:
    ss = st.session_state
    try:
        ss.meeting = meetings.end(store(), ss.meeting.id)
    except StoreError as exc:
        ss.meeting_notice = ("error", f"The meeting could not be ended: {exc}")


def leave_meeting() -> None:
    ss = st.session_state
    ss.meeting = None
    ss.meeting_taken = {}
    st.query_params.pop("meeting", None)


def move(ids: tuple[str, ...], step: int) -> None:
    """Previous (-1) or next (+1) project, staying within the agenda."""
    ss = st.session_state
    at = ids.index(ss.meeting_project) if ss.meeting_project in ids else 0
    ss.meeting_project = ids[max(0, min(len(ids) - 1, at + step))]
    _clear_form()


def _clear_form() -> None:
    ss = st.session_state
    ss.meeting_note, ss.meeting_owner, ss.meeting_due = "", None, None


def decide(decision: str, ids: tuple[str, ...], card: Card) -> None:
    """Decide and advance: the decision (with the note, action owner and due date typed) recorded in the meeting
    with the savings as they stand, then the next project on screen. On any failure nothing moves and the fields
    keep what was typed."""
    ss = st.session_state
    meeting: Meeting = ss.meeting
    who, email = current_user()
    who = who or ss.get("reviewer", "")
    if not who:
        ss.meeting_notice = ("error", "Type your name under Facilitator first, so the decision can be traced; "
                                      "nothing was recorded.")
        return
    owner = ss.get("meeting_owner") or ""
    due: date | None = ss.get("meeting_due")
    note = (ss.get("meeting_note") or "").strip()
    try:
        meetings.record(store(), meeting, Decision(meeting.portfolio, card.project_id, card.project, decision, who,
                                                   note, None, meeting.review_id, email),
                        card.savings, action_owner=str(owner), action_due=due)
    except (StoreError, ValueError) as exc:
        log.warning("meeting decision not recorded: %s", type(exc).__name__)
        ss.meeting_notice = ("error", f"Not recorded: {exc} Your entries are still in the fields.")
        return
    decisions_changed()
    ss.meeting_taken = {**ss.meeting_taken, card.project_id: (decision, card.savings.get("projected_savings_usd"))}
    ss.meeting_notice = ("success", f"Recorded: {labels.label('decisions', decision)} for {card.project}.")
    at = ids.index(card.project_id) if card.project_id in ids else len(ids) - 1
    ss.meeting_project = ids[min(at + 1, len(ids) - 1)]
    _clear_form()


def tally(view: AgendaView) -> agenda.Tally:
    return agenda.tally(list(view.ids), view.proposed, st.session_state.get("meeting_taken", {}))


def progress_text(t: agenda.Tally) -> str:
    return f"{t.decided:,} of {counted(t.projects, 'project')} decided"


class _Unreadable(Exception):
    """The meeting's review cannot be scored again: its file is gone or its assumptions no longer fit."""


def ended_pack(meeting: Meeting) -> object:
    """The board pack of an ended meeting (core.board_cli.meeting_pack: its attendees, its assumptions, the
    decisions taken in it with the savings as they stood, the evidence attached by its end), or one sentence
    saying why there is none. Built once per meeting and session: nothing in it changes after the meeting ends."""
    from core import board_cli

    ss = st.session_state
    stamp = (meeting.id, meeting.ended_at)
    kept = ss.get("meeting_pack")
    if kept is not None and kept[0] == stamp:
        return kept[1]
    from core.loader import RoadmapError

    try:
        pack: object = board_cli.meeting_pack(store(), meeting.id, _Unreadable)
    except (_Unreadable, RoadmapError) as exc:  # the saved file no longer reads under today's limits, say
        pack = f"The minutes and slides cannot be made: {str(exc).rstrip('.')}."
    except StoreError as exc:
        return f"The minutes and slides cannot be made now: {exc}"  # not kept: the store may come back
    ss.meeting_pack = (stamp, pack)
    return pack


def ended_downloads(meeting: Meeting, taken: pd.DataFrame) -> None:
    """What leaves an ended meeting: the minutes (Markdown, printable HTML) as the CLI's `minutes --meeting` writes
    them and the slides, both from the meeting's board pack, and the decisions as CSV."""
    from core import export, minutes_doc

    pack = ended_pack(meeting)
    stem = f"meeting_{meeting.started_at:%Y-%m-%d}"
    c = st.columns(3)
    c[2].download_button("Decisions (CSV)", export.to_csv(meetings.minutes_table(taken)).encode("utf-8"),
                         file_name=f"{stem}_decisions.csv", mime="text/csv", key="meeting_minutes_csv",
                         on_click="ignore")
    if isinstance(pack, str):
        st.warning(pack)
        return
    c[0].download_button("Minutes (Markdown)", lambda: minutes_doc.markdown(pack).encode("utf-8"),
                         file_name=f"{stem}_minutes.md", mime="text/markdown", key="meeting_minutes_md",
                         on_click="ignore")
    c[1].download_button("Minutes (HTML, printable)", lambda: minutes_doc.html_page(pack).encode("utf-8"),
                         file_name=f"{stem}_minutes.html", mime="text/html", key="meeting_minutes_html",
                         on_click="ignore")
    ss = st.session_state
    built = ss.get("meeting_deck")
    ready = built is not None and built[0] == meeting.id
    if st.button("Build the slides", key="meeting_build_deck", help="Draws the charts: a few seconds.",
                 disabled=ready):
        from core import slides  # lazy: python-pptx and the chart renderer

        with st.spinner("Building the slides…", show_time=True):
            ss.meeting_deck = (meeting.id, slides.build_deck(pack))
        st.rerun()  # drawn again with the button greyed out and the deck offered
    if not ready:
        return
    st.download_button("Slides (PowerPoint)", built[1], file_name=f"{stem}.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="meeting_pptx", on_click="ignore", type="primary")
