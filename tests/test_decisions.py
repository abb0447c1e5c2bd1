"""The decision log: append-only, per roadmap, latest decision per project, validated."""

from __future__ import annotations

from datetime import date

import pytest

from core.decisions import Decision, DecisionStore


@pytest.fixture()
def store(tmp_path):
    return DecisionStore(f"sqlite:///{tmp_path / 'log.db'}")


def test_history_is_append_only_and_latest_wins(store):
    store.append(Decision("r1", "p1", "Claims model", "needs-evidence", "Dana", "eval first"))
    store.append(Decision("r1", "p1", "Claims model", "kill", "Sam", "no eval after 2 weeks", date(2027, 1, 15)))
    store.append(Decision("r1", "p2", "Chat", "keep", "Sam"))
    history = store.history("r1", "p1")
    assert list(history["decision"]) == ["needs-evidence", "kill"]
    assert list(history["reviewer"]) == ["Dana", "Sam"]
    assert history["revisit"].iloc[1] == "2027-01-15"
    assert store.latest("r1") == {"p1": "kill", "p2": "keep"}


def test_roadmaps_do_not_see_each_others_decisions(store):
    store.append(Decision("r1", "p1", "Claims model", "kill", "Dana"))
    assert store.history("r2").empty
    assert store.latest("r2") == {}


def test_the_log_survives_a_new_connection(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.db'}"
    DecisionStore(url).append(Decision("r1", "p1", "Claims model", "defer", "Dana"))
    assert DecisionStore(url).latest("r1") == {"p1": "defer"}


@pytest.mark.parametrize(("decision", "reviewer", "message"), [
    ("delete", "Dana", "not a decision"),
    ("kill", "  ", "reviewer"),
])
def test_invalid_decisions_are_refused(store, decision, reviewer, message):
    with pytest.raises(ValueError, match=message):
        store.append(Decision("r1", "p1", "Claims model", decision, reviewer))
    assert store.history("r1").empty


def test_user_text_is_stored_as_given(store):
    note = "=HYPERLINK(\"http://x\") <script>alert(1)</script>"
    store.append(Decision("r1", "p1", "Claims <b>model</b>", "kill", "Dana", note))
    row = store.history("r1").iloc[0]
    assert row["note"] == note
    assert row["project"] == "Claims <b>model</b>"
