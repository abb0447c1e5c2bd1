"""Review meetings in the store: who met, when, under which scenario, and each decision taken there with the
savings as they stood when it was taken and the action it gave someone.

A decision taken in a meeting is an ordinary decision_history row (append-only, it carries over to later
quarters like any other) plus a meeting_decisions row pointing at it. `minutes_record` returns a meeting and its
decisions in one call: the meeting minutes, slides and exports build on it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from core.schema import MAX_REVIEWER, history, meeting_decisions, meetings
from core.store import Decision, Store, StoreError, _now, decision_values, new_review_id
from core.text import clean_name

SAVINGS_PARTS = ("savings_people_usd", "savings_serving_usd", "savings_api_usd", "savings_other_usd")
MAX_ATTENDEES = 50
TAKEN_COLUMNS = ["recorded_at", "project_id", "project", "decision", "reviewer", "note", "revisit", "savings_usd",
                 *SAVINGS_PARTS, "action_owner", "action_due", "history_id"]


@dataclass(frozen=True)
class Meeting:
    """One review meeting of a review (ended_at None while it runs)."""

    id: str
    review_id: str
    portfolio: str
    scenario: str  # the scenario's name, "" for unnamed or the defaults
    overrides: dict[str, Any]
    attendees: tuple[str, ...]
    include_keep: bool
    started_by: str
    started_at: datetime
    ended_at: datetime | None

    @property
    def running(self) -> bool:
        return self.ended_at is None


def clean_attendees(names: object) -> tuple[str, ...]:
    """Attendee names as typed once: split on commas, semicolons and new lines, spaces collapsed, no repeats
    (ignoring case), each at most the reviewer width, at most MAX_ATTENDEES."""
    parts = names if isinstance(names, list | tuple) else str(names or "").replace(";", ",").replace("\n", ",").split(",")
    seen: dict[str, str] = {}
    for part in parts:
        name = clean_name(part)[:MAX_REVIEWER]  # no control or bidi characters, like every name (issue 17)
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return tuple(seen.values())[:MAX_ATTENDEES]


def start(store: Store, review_id: str, portfolio: str, attendees: object = (), *, scenario: str = "",
          overrides: dict[str, Any] | None = None, include_keep: bool = False, who: str = "") -> Meeting:
    """Open a meeting on a review (raises StoreError)."""
    meeting = Meeting(new_review_id(), review_id, portfolio, scenario[:200], dict(overrides or {}),
                      clean_attendees(attendees), include_keep, clean_name(who)[:MAX_REVIEWER], _now(), None)

    def insert() -> None:
        with store.transaction() as conn:
            conn.execute(meetings.insert().values(
                id=meeting.id, review_id=review_id, portfolio=portfolio, scenario=meeting.scenario,
                overrides=json.dumps(meeting.overrides, default=str), attendees=json.dumps(list(meeting.attendees)),
                include_keep=int(include_keep), started_by=meeting.started_by, started_at=meeting.started_at,
                ended_at=None, workspace=store.workspace))

    store.guard("start the meeting", insert)
    return meeting


def get(store: Store, meeting_id: str | None) -> Meeting | None:
    """The meeting with this id, or None (an id that is not one of ours never reaches the database)."""
    if not meeting_id or not meeting_id.isalnum() or len(meeting_id) > 43:
        return None

    def read() -> Meeting | None:
        with store.engine.connect() as conn:
            row = conn.execute(select(meetings).where((meetings.c.id == meeting_id)
                                                      & (meetings.c.workspace == store.workspace))).mappings().first()
        return _meeting(row) if row else None

    return store.guard("read the meeting", read)


def of_review(store: Store, review_id: str) -> list[Meeting]:
    """A review's meetings, latest first."""
    def read() -> list[Meeting]:
        with store.engine.connect() as conn:
            rows = conn.execute(select(meetings).where((meetings.c.review_id == review_id)
                                                       & (meetings.c.workspace == store.workspace))
                                .order_by(meetings.c.started_at.desc(), meetings.c.id)).mappings()
            return [_meeting(r) for r in rows]

    return store.guard("list the meetings", read)


def update(store: Store, meeting_id: str, *, attendees: object = None, include_keep: bool | None = None) -> Meeting:
    """Change who attends or whether keep projects are on the agenda; the meeting afterwards."""
    values: dict[str, Any] = {}
    if attendees is not None:
        values["attendees"] = json.dumps(list(clean_attendees(attendees)))
    if include_keep is not None:
        values["include_keep"] = int(include_keep)

    def change() -> None:
        with store.transaction() as conn:
            conn.execute(meetings.update().where((meetings.c.id == meeting_id)
                                                 & (meetings.c.workspace == store.workspace)).values(**values))

    if values:
        store.guard("save the meeting", change)
    found = get(store, meeting_id)
    if found is None:
        raise StoreError("The meeting is no longer in the database.")
    return found


def end(store: Store, meeting_id: str) -> Meeting:
    """Close a meeting (ending it again keeps the first end time)."""
    def close() -> None:
        with store.transaction() as conn:
            conn.execute(meetings.update().where((meetings.c.id == meeting_id) & meetings.c.ended_at.is_(None)
                                                 & (meetings.c.workspace == store.workspace))
                         .values(ended_at=_now()))

    store.guard("end the meeting", close)
    found = get(store, meeting_id)
    if found is None:
        raise StoreError("The meeting is no longer in the database.")
    return found


def record(store: Store, meeting: Meeting, decision: Decision, savings: dict[str, float | None] | None = None,
           action_owner: str = "", action_due: date | None = None) -> int:
    """Take a decision in a meeting: the history row and the meeting's row in one transaction; the history id.

    `savings` holds projected_savings_usd and the parts (SAVINGS_PARTS) as they stand now; missing or blank
    parts are kept blank (the money split may not exist for this roadmap). Raises ValueError or StoreError."""
    if not meeting.running:
        raise ValueError("This meeting has ended; start a new one to take more decisions.")
    values = decision_values(decision, store.workspace)
    savings = savings or {}
    owner = clean_name(action_owner)[:MAX_REVIEWER]

    def insert() -> int:
        with store.transaction() as conn:
            history_id = conn.execute(history.insert().values(**values)).inserted_primary_key[0]
            conn.execute(meeting_decisions.insert().values(
                meeting_id=meeting.id, history_id=int(history_id), project_id=decision.project_id,
                decision=decision.decision, savings_usd=_number(savings.get("projected_savings_usd")),
                **{part: _number(savings.get(part)) for part in SAVINGS_PARTS},
                action_owner=owner, action_due=action_due, recorded_at=values["recorded_at"]))
            return int(history_id)

    return store.guard("record the decision", insert)


def taken(store: Store, meeting_id: str) -> pd.DataFrame:
    """The decisions taken in a meeting, oldest first (TAKEN_COLUMNS; dates as ISO text, blanks as "")."""
    md, h = meeting_decisions.c, history.c
    query = (select(md.recorded_at, md.project_id, h.project, md.decision, h.reviewer, h.note, h.revisit,
                    md.savings_usd, *[md[p] for p in SAVINGS_PARTS], md.action_owner, md.action_due, md.history_id)
             .join_from(meeting_decisions, history, md.history_id == h.id)
             .where((md.meeting_id == meeting_id) & (h.workspace == store.workspace)).order_by(md.id))

    def read() -> list[dict]:
        with store.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    frame = pd.DataFrame(store.guard("read the meeting's decisions", read), columns=TAKEN_COLUMNS)
    frame["recorded_at"] = frame["recorded_at"].map(lambda v: v.isoformat(sep=" ") + " UTC" if v else "")
    for col in ("revisit", "action_due"):
        frame[col] = frame[col].map(lambda v: v.isoformat() if v else "")
    return frame


def latest_taken(frame: pd.DataFrame) -> pd.DataFrame:
    """The last decision taken on each project in a meeting (a project decided twice counts once), by project id."""
    return frame.drop_duplicates("project_id", keep="last").set_index("project_id")


def taken_by_project(frame: pd.DataFrame) -> dict[str, tuple[str, float | None]]:
    """Project id -> (decision, savings as taken) of the last decision taken on it in a meeting: what the tally
    counts (a project decided twice counts once, as its last decision)."""
    return {str(pid): (str(d), None if pd.isna(s) else float(s))
            for pid, d, s in zip(frame["project_id"], frame["decision"], frame["savings_usd"], strict=True)}


def minutes_record(store: Store, meeting_id: str) -> tuple[Meeting, pd.DataFrame] | None:
    """A meeting and the decisions taken in it (TAKEN_COLUMNS, oldest first), or None when there is no such
    meeting: what minutes, slides and exports of a meeting are built from."""
    meeting = get(store, meeting_id)
    return None if meeting is None else (meeting, taken(store, meeting_id))


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _meeting(row: Any) -> Meeting:
    try:
        attendees = json.loads(row["attendees"] or "[]")
    except ValueError:
        attendees = []
    try:
        overrides = json.loads(row["overrides"] or "{}")
    except ValueError:
        overrides = {}
    return Meeting(row["id"], row["review_id"], row["portfolio"], row["scenario"] or "",
                   overrides if isinstance(overrides, dict) else {},
                   clean_attendees(attendees if isinstance(attendees, list) else []), bool(row["include_keep"]),
                   row["started_by"] or "", row["started_at"], row["ended_at"])


MINUTES_COLUMNS = ["recorded_at", "project_id", "project", "decision", "reviewer", "note", "savings_usd",
                   *SAVINGS_PARTS, "action_owner", "action_due", "revisit"]


def minutes_table(taken_frame: pd.DataFrame) -> pd.DataFrame:
    """A meeting's decisions as the minutes list them, oldest first (machine values, money as numbers in whole
    dollars, as every other export writes them)."""
    from core.export import whole_dollars

    table = taken_frame[MINUTES_COLUMNS].reset_index(drop=True)
    for col in ("savings_usd", *SAVINGS_PARTS):
        table[col] = whole_dollars(pd.to_numeric(table[col], errors="coerce").to_numpy(dtype="float64"))
    return table
