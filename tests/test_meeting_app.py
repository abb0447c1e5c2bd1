"""AppTest: a whole review meeting (decide and advance, refresh, resume, end, minutes), zombies and the join offer
on every page, and the kill list's decided / open / agreed headline."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shown
from streamlit.testing.v1 import AppTest

from core import config, meetings, portfolio
from core.loader import load_roadmap
from core.numbers import money
from core.store import Store

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90
MEETING = "pages/7_Meeting.py"
Q3, Q4 = ROOT / "sample_portfolios" / "acme_2026_Q3.csv", ROOT / "sample_portfolios" / "acme_2026_Q4.csv"


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _texts(at: AppTest) -> list[str]:
    return [shown(m.value) for m in at.markdown]


def _project(at: AppTest) -> str:
    """The project on screen (its name is a header without an anchor)."""
    return shown(at.header[0].value)


def _heading(at: AppTest, prefix: str) -> str:
    return next(t for t in _texts(at) if t.startswith(prefix))


def _sample(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.selectbox(key="sample_pick").select(name).run()
    assert not at.exception
    return at


def _reopened(params: dict[str, str], page: str = MEETING) -> AppTest:
    """A new session opening the same address (a refresh, or the link on another laptop)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run() if page != "app.py" else at


def _kill_list(path: Path):
    return portfolio.kill_list(portfolio.score(load_roadmap(path).projects, config.defaults()))


def test_a_whole_meeting_decides_and_advances_survives_a_refresh_and_writes_minutes(db):
    kill = _kill_list(Q3)
    ids, names, savings = list(kill["project_id"]), list(kill["project"]), list(kill["projected_savings_usd"])
    n = len(ids)
    assert n >= 6
    at = _sample(Q3.name)
    at.switch_page(MEETING).run()
    at.text_input(key="meeting_facilitator").input("Dana Reyes")
    at.text_area(key="meeting_attendees").input("Dana Reyes, Sam Lee, Ana Park")
    at.button(key="meeting_start_button").click().run()
    assert not at.exception
    assert _heading(at, "### Project") == f"### Project 1 of {n}"
    assert _project(at) == names[0]

    # Five decisions, one click each; the first with a note, an action owner and a due date.
    plan = ["kill", "rescope", "keep", "defer", "needs-evidence"]
    at.text_input(key="meeting_note").input("Use the FM API with retrieval")
    at.selectbox(key="meeting_owner").select("Sam Lee")
    for k, decision in enumerate(plan):
        at.button(key=f"meeting_decide_{decision}").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert _heading(at, "### Project") == f"### Project {k + 2} of {n}"
        assert at.query_params["project"] == ids[k + 1]
    agreed = savings[0] + savings[1]  # kill and rescope take the savings; keep, defer and evidence do not
    assert _metric(at, "Savings agreed") == money(agreed)
    assert _metric(at, "Savings proposed") == money(sum(savings))
    assert at.get("progress")[0].proto.text == f"5 of {n} projects decided"
    assert at.text_input(key="meeting_note").value == ""  # the form starts afresh for the next project

    # A refresh (or a colleague's laptop): a new session with the same address is at the same place.
    params = dict(at.query_params)
    again = _reopened(params)
    assert not again.exception
    assert _heading(again, "### Project") == f"### Project 6 of {n}"
    assert _project(again) == names[5]
    assert again.get("progress")[0].proto.text == f"5 of {n} projects decided"
    assert _metric(again, "Savings agreed") == money(agreed)

    # Previous goes back to a decided project, which says what the meeting decided; Next returns.
    again.button(key="meeting_previous").click().run()
    assert _project(again) == names[4]
    assert any("Decided in this meeting: **Needs evidence**" in shown(s.value) for s in again.success)
    again.button(key="meeting_next").click().run()
    # This browser has not typed a name yet: the decision waits for one, and nothing moves.
    again.button(key="meeting_decide_kill").click().run()
    assert "Type your name under Facilitator" in shown(again.error[0].value)
    assert again.get("progress")[0].proto.text == f"5 of {n} projects decided"
    again.text_input(key="meeting_facilitator").input("Dana Reyes").run()
    again.button(key="meeting_decide_kill").click().run()
    assert again.get("progress")[0].proto.text == f"6 of {n} projects decided"

    # Ending offers the minutes: every decision with its savings as taken and the action given.
    again.button(key="meeting_end").click().run()
    assert not again.exception
    assert any("This meeting ended" in s.value for s in again.success)
    store = Store(db)
    meeting, taken = meetings.minutes_record(store, params["meeting"])
    assert meeting.attendees == ("Dana Reyes", "Sam Lee", "Ana Park") and not meeting.running
    assert list(taken["decision"]) == [*plan, "kill"]
    first = taken.iloc[0]
    assert (first["note"], first["action_owner"], first["reviewer"]) == (
        "Use the FM API with retrieval", "Sam Lee", "Dana Reyes")
    assert first["savings_usd"] == pytest.approx(savings[0])
    # What leaves the meeting is built from its board pack, as the CLI's `minutes --meeting` (core.board_cli).
    labels_ = [b.proto.label for b in again.get("download_button")]
    assert labels_ == ["Minutes (Markdown)", "Minutes (HTML, printable)", "Decisions (CSV)"]
    assert not again.warning
    again.button(key="meeting_build_deck").click().run()
    assert not again.exception
    assert "Slides (PowerPoint)" in [b.proto.label for b in again.get("download_button")]
    # The decisions are ordinary history too: the Kill list counts them.
    assert len(store.history("acme")) == 6


def test_a_decision_needs_a_name_and_nothing_moves_without_it(db):
    at = _sample(Q3.name)
    at.switch_page(MEETING).run()
    at.button(key="meeting_start_button").click().run()
    at.button(key="meeting_decide_kill").click().run()
    assert "Type your name under Facilitator" in shown(at.error[0].value)
    assert _heading(at, "### Project").startswith("### Project 1 of")
    assert Store(db).count() == 0


def test_next_quarter_joins_and_its_zombies_are_flagged_on_every_page(db):
    at = _sample(Q3.name)
    at.query_params["project"] = "ACM-002"
    at.switch_page("pages/2_Project_review.py").run()
    at.text_input(key="decision_reviewer").input("Dana Reyes")
    at.text_area(key="decision_note").input("Use the FM API")
    at.button(key="decision_submit").click().run()
    at.switch_page("app.py").run()
    at.selectbox(key="sample_pick").select(Q4.name).run()
    assert at.text_input(key="portfolio_name").value == "acme"
    assert any("Joined the portfolio 'acme': this file shares 60% of its project ids" in shown(s.value)
               for s in at.success)
    assert _metric(at, "Came back") == "3"
    assert any("3 projects came back" in shown(e.value) for e in at.error)
    review_id = at.query_params["review"]

    # The offer stays after a reload, until answered.
    home = _reopened({"review": review_id}, "app.py")
    assert home.button(key="keep_apart") is not None

    at.switch_page("pages/3_Kill_list.py").run()
    renamed = "Came back: killed on "
    cards = [shown(m.value) for m in at.markdown if m.value.startswith("**")]
    drafter = next(c for c in cards if "Support reply drafter (EU)" in c)
    assert renamed in drafter and "by Dana Reyes — 'Use the FM API'" in drafter
    table = next(df.value for df in at.dataframe if "came_back" in df.value.columns)
    assert table["came_back"].str.startswith("Came back").sum() == 3

    at.query_params["project"] = "ACM-014"
    at.switch_page("pages/2_Project_review.py").run()
    assert any(renamed in shown(e.value) for e in at.error)

    at.switch_page(MEETING).run()
    at.button(key="meeting_start_button").click().run()
    zombie_ids, seen = {"ACM-001", "ACM-003", "ACM-014"}, set()
    for i in range(len(_kill_list(Q4))):
        pid = at.query_params["project"]
        seen.add(pid)
        assert any("Came back:" in shown(e.value) for e in at.error) == (pid in zombie_ids), pid
        if i < len(_kill_list(Q4)) - 1:
            at.button(key="meeting_next").click().run()
    assert zombie_ids <= seen

    # Keeping it apart moves the review and closes the offer for good.
    home.button(key="keep_apart").click().run()
    assert home.text_input(key="portfolio_name").value == "acme (2)"
    assert Store(db).review(review_id).portfolio == "acme (2)"
    reloaded = _reopened({"review": review_id}, "app.py")
    assert not any(b.key in ("keep_apart", "join_portfolio") for b in reloaded.button)


def test_a_carried_over_decision_counts_once_the_meeting_confirms_it(db):
    at = _sample(Q3.name)
    first = _kill_list(Q3)["project_id"].iloc[0]
    at.query_params["project"] = first
    at.switch_page("pages/2_Project_review.py").run()
    at.text_input(key="decision_reviewer").input("Sam Lee")
    at.button(key="decision_submit").click().run()
    at.switch_page(MEETING).run()
    at.text_input(key="meeting_facilitator").input("Dana Reyes")
    at.button(key="meeting_start_button").click().run()
    assert any("Carried over from " in shown(i.value) and "Kill by Sam Lee" in shown(i.value) for i in at.info)
    assert at.get("progress")[0].proto.text.startswith("0 of ")
    at.button(key="meeting_decide_kill").click().run()  # confirmed in the meeting: now it counts
    assert at.get("progress")[0].proto.text.startswith("1 of ")
