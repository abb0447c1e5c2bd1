"""Review meetings in the store (SQLite and PostgreSQL), the v2 -> meetings upgrade from a real file, and the
agenda and tally a meeting runs on."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pandas as pd
import pytest
from conftest import FIXTURES, SAMPLES
from sqlalchemy import create_engine, text

from core import agenda, config, export, meetings, minutes_doc, portfolio
from core.board_cli import meeting_pack
from core.loader import load_roadmap
from core.schema import MEETINGS_VERSION, SCHEMA_VERSION
from core.store import Decision, Store, StoreError

V2_DB = FIXTURES / "reviews_v2.sqlite"
V2_REVIEW = "6Ahk91C0hTlqHczTNnL0Bf"  # acme_2026_Q3.csv, written by the app at schema version 2
Q3 = SAMPLES / "acme_2026_Q3.csv"


def _meeting(store: Store) -> tuple[str, meetings.Meeting]:
    review = store.create_review("acme", "acme_2026_Q3.csv", Q3.read_bytes(), who="Dana")
    return review.id, meetings.start(store, review.id, "acme", "Dana Reyes, Sam Lee; dana reyes\n Ana ",
                                     scenario="Five years", overrides={"horizon_years": 5}, who="Dana Reyes")


def test_a_meeting_keeps_its_decisions_with_the_savings_as_they_stood(db_url):
    store = Store(db_url)
    review_id, meeting = _meeting(store)
    assert meeting.attendees == ("Dana Reyes", "Sam Lee", "Ana")  # typed once, repeats (any case) dropped
    first = meetings.record(store, meeting, Decision("acme", "ACM-002", "Support reply drafter", "kill", "Dana Reyes",
                                                     "use the FM API", None, review_id),
                            {"projected_savings_usd": 793_000.0, "savings_people_usd": 577_000.0,
                             "savings_serving_usd": float("nan")}, action_owner=" Sam  Lee ", action_due=date(2027, 1, 15))
    meetings.record(store, meeting, Decision("acme", "ACM-001", "Contract clause extractor", "needs-evidence", "Dana Reyes",
                                             "", None, review_id), {"projected_savings_usd": 120_000.0})
    # The decision is an ordinary history entry too: it shows on every page and carries over to later quarters.
    assert store.latest("acme") == {"ACM-002": "kill", "ACM-001": "needs-evidence"}
    found = meetings.taken(store, meeting.id)
    assert list(found["project_id"]) == ["ACM-002", "ACM-001"]
    row = found.iloc[0]
    assert (row["decision"], row["reviewer"], row["note"], row["savings_usd"], row["savings_people_usd"],
            row["action_owner"], row["action_due"], row["history_id"]) == (
        "kill", "Dana Reyes", "use the FM API", 793_000.0, 577_000.0, "Sam Lee", "2027-01-15", first)
    assert pd.isna(row["savings_serving_usd"]) and pd.isna(row["savings_api_usd"])  # blank, not zero
    ended = meetings.end(store, meeting.id)
    assert not ended.running and ended.ended_at >= ended.started_at
    assert meetings.end(store, meeting.id).ended_at == ended.ended_at  # ending twice keeps the first time
    with pytest.raises(ValueError, match="ended"):
        meetings.record(store, ended, Decision("acme", "ACM-003", "x", "kill", "Dana", review_id=review_id))
    record = meetings.minutes_record(store, meeting.id)
    assert record is not None and record[0].scenario == "Five years" and record[0].overrides == {"horizon_years": 5}
    assert len(record[1]) == 2
    assert meetings.minutes_record(store, "nosuchmeeting") is None
    assert [m.id for m in meetings.of_review(Store(db_url), review_id)] == [meeting.id]


def test_a_refused_decision_leaves_neither_row(db_url):
    store = Store(db_url)
    review_id, meeting = _meeting(store)
    with pytest.raises(ValueError, match="reviewer"):
        meetings.record(store, meeting, Decision("acme", "ACM-002", "x", "kill", "  ", review_id=review_id))
    assert meetings.taken(store, meeting.id).empty and store.count() == 0


def test_attendees_and_keep_projects_can_change_during_the_meeting(db_url):
    store = Store(db_url)
    _, meeting = _meeting(store)
    changed = meetings.update(store, meeting.id, attendees=["Ana", "Lee Wu", "ana"], include_keep=True)
    assert (changed.attendees, changed.include_keep) == (("Ana", "Lee Wu"), True)
    with pytest.raises(StoreError):
        meetings.update(store, "gone", include_keep=False)


@pytest.mark.parametrize("link", ["", "x" * 100, "a b", "a\x00b", "'; DROP TABLE meetings; --"])
def test_a_meeting_link_that_is_not_an_id_finds_nothing(tmp_path, link):
    assert meetings.get(Store(f"sqlite:///{tmp_path / 'm.db'}"), link) is None


def test_a_version_2_file_is_upgraded_one_step_and_keeps_everything(tmp_path):
    db = tmp_path / "v2.db"
    shutil.copy(V2_DB, db)
    store = Store(f"sqlite:///{db}")
    assert store.version() == SCHEMA_VERSION
    review = store.review(V2_REVIEW)
    assert (review.portfolio, review.file_name, review.tasks["ACM-007"]["task"]) == ("acme", "acme_2026_Q3.csv", "language")
    assert [s.name for s in store.scenarios(V2_REVIEW)] == ["Three years"]
    assert store.latest("acme") == {"ACM-002": "kill", "ACM-008": "rescope"}
    meeting = meetings.start(store, V2_REVIEW, "acme", "Dana")
    meetings.record(store, meeting, Decision("acme", "ACM-001", "Contract clause extractor", "kill", "Dana",
                                             review_id=V2_REVIEW), {"projected_savings_usd": 1.0})
    assert len(meetings.taken(Store(f"sqlite:///{db}"), meeting.id)) == 1
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version ORDER BY version")).scalars().all()
    engine.dispose()
    assert versions[:2] == [2, MEETINGS_VERSION] and MEETINGS_VERSION == 3
    # The append-only trigger of the history still guards it.
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM decision_history"))


@pytest.fixture(scope="module")
def q3():
    return portfolio.score(load_roadmap(Q3).projects, config.defaults())


def test_the_agenda_is_the_kill_list_then_keep_projects_when_included(q3):
    kill = portfolio.kill_list(q3)
    assert agenda.agenda(q3) == list(kill["project_id"])
    with_keep = agenda.agenda(q3, include_keep=True)
    keep = set(q3.loc[q3["verdict"] == "keep", "project_id"])
    assert with_keep[:len(kill)] == list(kill["project_id"]) and set(with_keep[len(kill):]) == keep


def test_the_tally_counts_this_meetings_decisions_and_agreed_savings_as_taken():
    ids = ["A", "B", "C", "D"]
    proposed = {"A": 500.0, "B": 300.0, "C": float("nan"), "D": 200.0}
    taken = pd.DataFrame({"project_id": ["A", "B", "A", "X"], "decision": ["keep", "rescope", "kill", "kill"],
                          "savings_usd": [400.0, 250.0, 450.0, 9e9]})
    t = agenda.tally(ids, proposed, meetings.taken_by_project(taken))
    # A was reconsidered (keep, then kill: the last counts once); X is not on the agenda; C needs volume.
    assert (t.projects, t.decided, t.open) == (4, 2, 2)
    assert (t.agreed_usd, t.proposed_usd) == (700.0, 1000.0)


def test_a_decision_from_an_earlier_review_is_carried_over_with_its_date():
    before = pd.DataFrame({"decision": ["kill"], "recorded_at": ["2026-09-30 10:00:00 UTC"]},
                          index=pd.Index(["A"], name="project_id"))
    assert agenda.carried_over("A", before) == ("kill", "2026-09-30")
    assert agenda.carried_over("B", before) is None


def test_the_shortcuts_avoid_the_keys_streamlit_keeps():
    from streamlit.elements.lib.shortcut_utils import normalize_shortcut

    keys = [*agenda.SHORTCUTS.values(), agenda.PREVIOUS, agenda.NEXT]
    assert [normalize_shortcut(k) for k in keys] == ["1", "2", "3", "4", "5", "left", "right"]
    assert list(agenda.SHORTCUTS) == ["kill", "rescope", "keep", "defer", "needs-evidence"]


def test_a_meetings_minutes_list_who_met_and_every_decision_escaped(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'minutes.db'}")
    review_id, meeting = _meeting(store)
    meetings.record(store, meeting, Decision("acme", "ACM-002", "Support *reply* drafter", "kill", "Dana Reyes",
                                             "<b>now</b>", None, review_id), {"projected_savings_usd": 793_000.4},
                    action_owner="Sam Lee", action_due=date(2027, 1, 15))
    meetings.end(store, meeting.id)
    seen = minutes_doc.markdown(meeting_pack(store, meeting.id, ValueError))
    assert seen.startswith("# Minutes: review meeting of acme\n")
    assert "**Attendees:** Dana Reyes, Sam Lee, Ana" in seen and "**Scenario:** Five years" in seen
    assert "Note: \\<b>now\\</b>" in seen and not re.search(r"(?<!\\)<b>", seen)  # as typed, never as markup
    assert ", API -$" in seen  # the part's name as written
    assert "Sam Lee" in seen and "2027-01-15" in seen and "$793K" in seen and "793000" not in seen
    # The decisions as CSV: money in whole dollars as every export writes it, a part nobody priced left blank.
    rows = export.to_csv(meetings.minutes_table(meetings.taken(store, meeting.id))).splitlines()
    assert ',"kill","Dana Reyes","<b>now</b>",793000,,,,,"Sam Lee","2027-01-15",' in rows[1], rows[1]


@pytest.mark.parametrize("statement", ["UPDATE meeting_decisions SET savings_usd = 1",
                                       "DELETE FROM meeting_decisions",
                                       "REPLACE INTO meeting_decisions (id, meeting_id, history_id, project_id, decision, "
                                       "action_owner, recorded_at) SELECT id, meeting_id, history_id, project_id, "
                                       "'keep', '', recorded_at FROM meeting_decisions"])
def test_sqlite_refuses_to_rewrite_what_a_meeting_took(tmp_path, statement):
    """The savings as taken and the actions are the minutes' record: SQLite has no roles, so triggers guard them
    (a store written before the guard gains it when opened)."""
    db = tmp_path / "guard.db"
    store = Store(f"sqlite:///{db}")
    review_id, meeting = _meeting(store)
    meetings.record(store, meeting, Decision("acme", "ACM-002", "Support reply drafter", "kill", "Dana Reyes", "", None,
                                             review_id), {"projected_savings_usd": 793_000.0})
    store.engine.dispose()
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # as a store from before the guard
        conn.execute(text("DROP TRIGGER meeting_decisions_no_update"))
        conn.execute(text("DROP TRIGGER meeting_decisions_no_delete"))
        conn.execute(text("DROP TRIGGER meeting_decisions_no_replace"))
    engine.dispose()
    again = Store(f"sqlite:///{db}")
    with pytest.raises(Exception, match="append-only"), again.engine.begin() as conn:
        conn.execute(text(statement))
    taken = meetings.taken(again, meeting.id)
    assert list(taken["decision"]) == ["kill"] and taken["savings_usd"].iloc[0] == 793_000.0
