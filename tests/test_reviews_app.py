"""AppTest: reviews saved and reopened by link, the decision form's defaults and failures, a broken store."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import shown
from streamlit.testing.v1 import AppTest

from core import config, portfolio
from core.explain import usd
from core.loader import load_roadmap
from core.store import Store

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90
REVIEW = "pages/2_Project_review.py"


def _home(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _metric(at: AppTest, label_part: str) -> str:
    return next(m.value for m in at.metric if label_part in m.label)


def _by_verdict(sample: str = "bank.csv") -> dict[str, str]:
    """The first project id of each verdict in a sample, as the engine judges it today."""
    scored = portfolio.score(load_roadmap(ROOT / "sample_portfolios" / sample).projects, config.defaults())
    return scored.groupby("verdict")["project_id"].first().to_dict()


def test_the_default_sample_is_not_saved_until_someone_acts(db):
    at = _home()
    assert not at.exception
    assert Store(db).recent_reviews() == []
    assert "review" not in at.query_params
    at.selectbox(key="sample_pick").select("retailer.csv").run()
    reviews = Store(db).recent_reviews()
    assert [(r.portfolio, r.file_name) for r in reviews] == [("retailer", "retailer.csv")]
    assert at.query_params["review"] == reviews[0].id


def test_a_review_link_reopens_the_file_mapping_and_assumptions(db):
    text = "Initiative Label,Approach,Build Cost\nClaims model,fine-tune,400000\nChat helper,API + RAG,\n"
    at = _home()
    at.file_uploader(key="upload_roadmap").set_value(("odd_2026-Q3.csv", text.encode(), "text/csv")).run()
    at.selectbox(key="map_header").select("Initiative Label")
    at.selectbox(key="map_target").select("project")
    at.button(key="map_apply").click().run()
    at.switch_page("pages/4_Assumptions.py").run()
    at.number_input(key="assume_loaded_fte_cost_usd").set_value(400000).run()
    at.switch_page("app.py").run()
    savings = _metric(at, "Kill-list savings")
    review_id = at.query_params["review"]
    # A new browser session (a refresh, or a colleague) with only the link.
    other = _home(review=review_id)
    assert not other.exception
    assert not other.error
    assert _metric(other, "Projects") == "2"
    assert _metric(other, "Kill-list savings") == savings
    assert "odd_2026-Q3.csv" in shown(other.caption[0].value)
    assert other.text_input(key="portfolio_name").value == "odd"
    other.switch_page("pages/4_Assumptions.py").run()
    assert other.number_input(key="assume_loaded_fte_cost_usd").value == 400000
    assert other.query_params["review"] == review_id


def test_an_unknown_review_gets_one_sentence_and_the_sample(db):
    at = _home(review="not-a-real-review-id")
    assert not at.exception
    assert "No saved review matches this link" in shown(at.warning[0].value)
    assert "bank.csv" in shown(at.caption[0].value)
    assert "review" not in at.query_params


def test_a_second_roadmap_with_the_same_name_joins_only_when_asked(db):
    at = _home()
    one = b"project,approach\nClaims model,fine-tune\n"
    two = b"project,approach\nSomething else,fine-tune\n"
    at.file_uploader(key="upload_roadmap").set_value(("roadmap.csv", one, "text/csv")).run()
    at.file_uploader(key="upload_roadmap").set_value(("roadmap.csv", two, "text/csv")).run()
    assert at.text_input(key="portfolio_name").value == "roadmap (2)"
    assert any("already has reviews" in shown(i.value) for i in at.info)
    at.button(key="join_portfolio").click().run()
    assert not at.exception
    assert at.text_input(key="portfolio_name").value == "roadmap"
    assert sorted(r.portfolio for r in Store(db).recent_reviews()) == ["roadmap", "roadmap"]


@pytest.mark.parametrize(("verdict", "default"), [("kill", "kill"), ("prove", "needs-evidence"), ("keep", "keep")])
def test_the_form_defaults_follow_the_verdict_and_reset_per_project(db, verdict, default):
    ids = _by_verdict()
    at = _home(project=ids["kill"])
    at.switch_page(REVIEW).run()
    at.selectbox(key="decision_choice").select("defer").run()
    at.selectbox(key="review_project").select(ids[verdict]).run()
    assert not at.exception
    assert at.selectbox(key="decision_choice").value == default


def test_a_project_with_nothing_to_decide_has_no_form(db):
    at = _home(project=_by_verdict()["ok"])
    at.switch_page(REVIEW).run()
    assert not at.exception
    assert any("Nothing to decide" in i.value for i in at.info)
    with pytest.raises(KeyError):
        at.selectbox(key="decision_choice")


def test_a_failed_save_keeps_every_field_and_the_reviewer_is_remembered(tmp_path, monkeypatch, caplog):
    db = tmp_path / "airr.db"
    Store(f"sqlite:///{db}")
    # Read-only: every save fails for real, as on a full disk or a locked-down data folder.
    monkeypatch.setenv("AIRR_DATABASE_URL", f"sqlite:///file:{db}?mode=ro&uri=true")
    caplog.set_level(logging.DEBUG)
    ids = _by_verdict()
    at = _home(project=ids["kill"])
    at.switch_page(REVIEW).run()
    at.text_input(key="decision_reviewer").input("Dana Secretname")
    at.text_area(key="decision_note").input("private note about the vendor")
    at.selectbox(key="decision_choice").select("rescope")
    at.button(key="decision_submit").click().run()
    assert not at.exception
    failure = next(shown(e.value) for e in at.error if "Not recorded" in e.value)
    assert "read-only" in failure and "still in the form" in failure
    assert at.text_input(key="decision_reviewer").value == "Dana Secretname"
    assert at.text_area(key="decision_note").value == "private note about the vendor"
    assert at.selectbox(key="decision_choice").value == "rescope"
    assert "Dana Secretname" not in caplog.text and "private note" not in caplog.text
    # The store works again: the same entries are saved, the note clears, the reviewer stays for the next project.
    monkeypatch.setenv("AIRR_DATABASE_URL", f"sqlite:///{db}")
    at.button(key="decision_submit").click().run()
    assert not at.exception
    assert "Recorded: Rescope" in shown(at.success[0].value)
    assert at.text_area(key="decision_note").value == ""
    at.selectbox(key="review_project").select(ids["prove"]).run()
    assert at.text_input(key="decision_reviewer").value == "Dana Secretname"
    entry = Store(f"sqlite:///{db}").history().iloc[0]
    assert (entry["reviewer"], entry["note"], entry["decision"]) == ("Dana Secretname",
                                                                     "private note about the vendor", "rescope")
    assert "Dana Secretname" not in caplog.text and "private note" not in caplog.text


def test_a_damaged_database_costs_only_the_decision_parts(tmp_path, monkeypatch):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database " * 200)
    monkeypatch.setenv("AIRR_DATABASE_URL", f"sqlite:///{bad}")
    at = _home()
    assert not at.exception
    at.switch_page("pages/3_Kill_list.py").run()
    assert not at.exception
    assert any("Decisions cannot be shown right now" in shown(w.value) for w in at.warning)
    assert len(at.dataframe[0].value) > 0
    assert at.get("download_button")  # the downloads are still offered
    at.switch_page(REVIEW).run()
    assert not at.exception
    assert at.metric  # the checklist and costs are there
    assert any("history cannot be shown" in shown(w.value) for w in at.warning)


def test_decisions_carry_over_to_the_same_portfolio_in_another_format(db):
    at = _home()
    at.selectbox(key="sample_pick").select("retailer.csv").run()
    kill_id = _by_verdict("retailer.csv")["kill"]
    at.query_params["project"] = kill_id
    at.switch_page(REVIEW).run()
    at.text_input(key="decision_reviewer").input("Sam")
    at.button(key="decision_submit").click().run()
    at = _home()
    at.selectbox(key="sample_pick").select("retailer.xlsx").run()
    # Another file of that name with the same projects: next quarter's (or another format's) file joins at once,
    # and Home offers to keep it apart.
    assert at.text_input(key="portfolio_name").value == "retailer"
    assert any("Joined the portfolio 'retailer'" in shown(s.value) for s in at.success)
    assert at.button(key="keep_apart").label.startswith("It is another roadmap")
    at.switch_page("pages/3_Kill_list.py").run()
    table = next(df.value for df in at.dataframe if "decision" in df.value.columns)
    assert "Kill" in set(table["decision"]) and "Sam" in set(table["decision_reviewer"])
    assert usd(0) == "$0"  # formatting helper still shared


def test_compare_page_shows_the_zombie_with_its_earlier_decision(db):
    at = _home()
    at.selectbox(key="sample_pick").select("acme_2026_Q3.csv").run()
    at.query_params["project"] = "ACM-002"
    at.switch_page(REVIEW).run()
    at.text_input(key="decision_reviewer").input("Dana")
    at.text_area(key="decision_note").input("Use the FM API with retrieval")
    at.button(key="decision_submit").click().run()
    at.switch_page("app.py").run()
    at.selectbox(key="sample_pick").select("acme_2026_Q4.csv").run()
    assert at.text_input(key="portfolio_name").value == "acme"  # 6 of its 10 ids are Q3's: it joined
    at.switch_page("pages/6_Compare.py").run()
    assert not at.exception
    # The decided kill, and the two kill verdicts nobody decided on; the renamed one counts once.
    assert (_metric(at, "Zombies"), _metric(at, "New projects"), _metric(at, "Removed")) == ("3", "3", "2")
    zombies = [shown(e.value) for e in at.error]
    assert any("Support reply drafter (EU) (ACM-014) is back under a closely matching name" in z for z in zombies)
    # The selector shows the file name as typed, never Markdown-escaped.
    assert at.selectbox(key="compare_with").options[0].startswith("acme_2026_Q3.csv · ")
    assert any("Earlier decision: Kill by Dana" in shown(m.value) for m in at.markdown)  # words, not codes
    # A select box shows plain text: no Markdown escapes in the file name or the date ("2026\\-12\\-06").
    assert not any("\\" in o for o in at.selectbox(key="compare_with").options)
    assert any("Use the FM API with retrieval" in t.value for t in at.text)


def test_decisions_page_filters_the_history(db):
    ids = _by_verdict()
    at = _home(project=ids["kill"])
    at.switch_page(REVIEW).run()
    for reviewer, pid in (("Dana", ids["kill"]), ("Sam", ids["prove"])):
        at.selectbox(key="review_project").select(pid).run()
        at.text_input(key="decision_reviewer").input(reviewer)
        at.button(key="decision_submit").click().run()
    at.switch_page("pages/5_Decisions.py").run()
    assert not at.exception
    assert _metric(at, "Entries") == "2"
    at.multiselect(key="decisions_reviewer").select("Sam").run()
    assert _metric(at, "Entries") == "1"
    table = at.dataframe[0].value
    assert list(table["reviewer"]) == ["Sam"]
    assert at.get("download_button")


def test_the_way_back_after_sign_in_is_kept_once_and_expires():
    from ui import LoginReturns

    returns = LoginReturns(ttl_s=60)
    returns.remember("browser-a", "review-1", now=0)
    returns.remember("browser-b", "review-2", now=0)
    assert returns.recall("browser-a", now=30) == "review-1"
    assert returns.recall("browser-a", now=31) is None  # used once
    assert returns.recall("browser-b", now=61) is None  # expired
    assert returns.recall("browser-c", now=1) is None


def test_without_login_settings_there_is_no_sign_in_button(db):
    at = _home()
    assert not at.exception
    assert not [b for b in at.button if b.key in ("sign_in", "sign_out")]
    assert not at.error


def test_with_login_settings_home_offers_sign_in(db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "secret",
                          "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    assert at.button(key="sign_in").label == "Sign in"


def _header(at: AppTest) -> str:
    return shown(at.header[0].value)


def test_a_task_changed_on_the_review_changes_the_verdict_everywhere_and_lasts(db):
    # "Underwriting decision model (IRB)", a fine-tune inferred to be tabular scoring, so out of scope.
    at = _home(project="BNK-024")
    at.session_state["reviewer"] = "Dana"
    at.switch_page(REVIEW).run()
    assert "Out of scope" in _header(at)
    assert at.selectbox(key="task_choice").value == "tabular"
    assert "review" not in at.query_params  # the untouched default sample is not saved yet
    at.selectbox(key="task_choice").select("language").run()
    assert not at.exception
    assert "Prove first" in _header(at)  # judged as a language model, it lacks its proofs
    assert any("set on this review by Dana" in shown(c.value) for c in at.caption)
    assert any("The roadmap's own: Tabular (classic ML) (inferred from 'underwriting'" in shown(c.value)
               for c in at.caption)
    review_id = at.query_params["review"]  # the first change saved the sample as a review
    assert {pid: t["task"] for pid, t in Store(db).review(review_id).tasks.items()} == {"BNK-024": "language"}
    verdict = _header(at)
    at.run()  # a rerun keeps it
    assert _header(at) == verdict
    # Every page scores with it: the project is now on the Kill list.
    at.switch_page("pages/3_Kill_list.py").run()
    assert "Underwriting decision model (IRB)" in set(at.dataframe[0].value["project"])
    # A new session with the review's link (a refresh, or a colleague) shows the same task and verdict.
    other = _home(review=review_id, project="BNK-024")
    other.switch_page(REVIEW).run()
    assert not other.exception
    assert _header(other) == verdict
    assert other.selectbox(key="task_choice").value == "language"
    # Back to the inferred task: out of scope again, here and for the next visitor.
    other.button(key="task_back").click().run()
    assert "Out of scope" in _header(other)
    assert other.selectbox(key="task_choice").value == "tabular"
    assert Store(db).review(review_id).tasks == {}
    again = _home(review=review_id, project="BNK-024")
    again.switch_page(REVIEW).run()
    assert "Out of scope" in _header(again)


ASSUMPTIONS = "pages/4_Assumptions.py"


def test_saved_scenarios_live_with_the_review(db):
    at = _home()
    at.session_state["reviewer"] = "Dana"
    at.switch_page(ASSUMPTIONS).run()
    at.number_input(key="assume_horizon_years").set_value(5).run()
    at.text_input(key="scenario_save_name").input("Five years").run()
    at.button(key="scenario_save").click().run()
    assert not at.exception
    review_id = at.query_params["review"]
    [saved] = Store(db).scenarios(review_id)
    assert (saved.name, saved.overrides, saved.saved_by) == ("Five years", {"horizon_years": 5}, "Dana")
    comparison = _metric(at, "Kill-list savings, scenario")
    # A refresh or a colleague with the link: the review's assumptions and its saved scenario are back.
    other = _home(review=review_id)
    other.switch_page(ASSUMPTIONS).run()
    assert not other.exception
    assert other.session_state["overrides"] == {"horizon_years": 5}
    other.button(key="scenario_reset").click().run()
    assert other.selectbox(key="scenario_compare").options == ["Five years"]
    assert _metric(other, "Kill-list savings, scenario") == comparison
    assert any("Saved by Dana on " in shown(c.value) for c in other.caption)
    # The colleague saves one of their own; the first session sees it on its next run.
    other.number_input(key="assume_loaded_fte_cost_usd").set_value(400000).run()
    other.text_input(key="scenario_save_name").input("Senior team").run()
    other.button(key="scenario_save").click().run()
    at.run()
    assert at.selectbox(key="scenario_compare").options == ["Five years", "Senior team"]
    at.selectbox(key="scenario_compare").select("Senior team").run()
    at.button(key="scenario_use").click().run()
    assert at.session_state["overrides"] == {"loaded_fte_cost_usd": 400000}
    at.button(key="scenario_delete").click().run()
    assert not at.exception
    assert [s.name for s in Store(db).scenarios(review_id)] == ["Five years"]


def test_scenarios_are_kept_for_the_session_when_the_store_is_broken(tmp_path, monkeypatch):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database " * 200)
    monkeypatch.setenv("AIRR_DATABASE_URL", f"sqlite:///{bad}")
    at = _home()
    at.switch_page(ASSUMPTIONS).run()
    at.number_input(key="assume_horizon_years").set_value(5).run()
    at.text_input(key="scenario_save_name").input("Five years").run()
    at.button(key="scenario_save").click().run()
    assert not at.exception
    assert any("kept for this session only" in shown(e.value) for e in at.error)
    assert at.selectbox(key="scenario_compare").options == ["Five years"]
    assert _metric(at, "Kill-list savings, scenario")


def test_a_task_change_applies_with_a_warning_when_the_store_is_broken(tmp_path, monkeypatch):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database " * 200)
    monkeypatch.setenv("AIRR_DATABASE_URL", f"sqlite:///{bad}")
    at = _home(project="BNK-024")
    at.switch_page(REVIEW).run()
    at.selectbox(key="task_choice").select("language").run()
    assert not at.exception
    assert "Prove first" in _header(at)
    assert any("not saved with the review, so a refresh will lose it" in shown(w.value) for w in at.warning)
    at.button(key="task_back").click().run()
    assert "Out of scope" in _header(at)


def test_compare_scores_an_earlier_review_again_when_its_tasks_change(db):
    store = Store(db)
    bank = (ROOT / "sample_portfolios" / "bank.csv").read_bytes()
    earlier = store.create_review("bank", "bank.csv", bank)
    now = store.create_review("bank", "bank.csv", bank)
    at = _home(review=now.id)
    at.switch_page("pages/6_Compare.py").run()
    assert not at.exception
    assert _metric(at, "Verdict changes") == "0"
    # Someone sets a task on the earlier review (in another session): the comparison follows.
    store.set_task(earlier.id, "BNK-024", "language", "Dana")
    at.run()
    assert _metric(at, "Verdict changes") == "1"


def _kill_list_decisions(at: AppTest) -> dict[str, str]:
    at.switch_page("pages/3_Kill_list.py").run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "decision" in df.value.columns)
    return dict(zip(table["project"], table["decision"], strict=True))


def test_a_decision_recorded_here_shows_on_the_kill_list_at_once(db, monkeypatch):
    import ui

    # A TTL of decades, so no window boundary passes mid-test (with an hour, a run across the hour mark would fail):
    # only the store write clearing the shared copy can make the new decision appear.
    monkeypatch.setattr(ui.storage, "DECISIONS_TTL_S", 1e9)
    kill_id = _by_verdict()["kill"]
    at = _home(project=kill_id)
    at.selectbox(key="sample_pick").select("bank.csv").run()  # saved as a review before anything is read
    before = _kill_list_decisions(at)  # read once, and kept
    at.query_params["project"] = kill_id
    at.switch_page(REVIEW).run()
    project = at.selectbox(key="review_project").format_func(kill_id)
    at.text_input(key="decision_reviewer").input("Sam")
    at.selectbox(key="decision_choice").select("rescope")
    at.button(key="decision_submit").click().run()
    assert not at.exception
    after = _kill_list_decisions(at)
    assert before[next(p for p in before if p in project)] == "Open"
    assert after[next(p for p in after if p in project)] == "Rescope"


def test_a_colleagues_decision_shows_once_the_shared_copy_ages(db, monkeypatch):
    import ui
    from core.store import Decision

    monkeypatch.setattr(ui.storage, "DECISIONS_TTL_S", 1e9)
    kill_id = _by_verdict()["kill"]
    at = _home()
    at.selectbox(key="sample_pick").select("bank.csv").run()  # saved as a review, so it has a portfolio
    name = next(p for p in _kill_list_decisions(at))
    Store(db).append(Decision(at.session_state["source"]["portfolio"], kill_id, name, "kill", "Colleague"))
    assert "Kill" not in _kill_list_decisions(at).values()  # within the TTL the page does not ask again
    monkeypatch.setattr(ui.storage, "DECISIONS_TTL_S", 1e-9)  # the TTL has passed
    assert "Kill" in _kill_list_decisions(at).values()


def test_a_task_change_whose_project_id_is_gone_is_named_not_dropped_silently(db):
    bank = (ROOT / "sample_portfolios" / "bank.csv").read_bytes()
    review = Store(db).create_review("bank", "bank.csv", bank, tasks={
        "BNK-024": {"task": "language", "by": "Dana", "at": "2026-11-29 06:00"},
        "OLD-7": {"task": "tabular", "by": "Dana", "at": "2026-11-29 06:00"}})
    at = _home(review=review.id, project="BNK-024")
    at.switch_page(REVIEW).run()
    assert not at.exception
    assert "Prove first" in _header(at)  # the change whose id is in the file applies
    assert any("1 task change on this review names a project id the file, as read now, does not have (OLD-7)"
               in shown(c.value) for c in at.caption)


def _hand_edit(url: str, statement: str, **params: object) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


def test_a_review_whose_stored_state_is_damaged_opens_on_every_page_with_one_sentence(db):
    store = Store(db)
    review = store.create_review("bank", "bank.csv", (ROOT / "sample_portfolios" / "bank.csv").read_bytes())
    # Edited by hand, or left by a config change: unreadable task changes, an assumption out of today's range.
    _hand_edit(db, "UPDATE reviews SET tasks = '{oops', overrides = :o",
               o='{"horizon_years": -5, "loaded_fte_cost_usd": 400000}')
    for page in ("app.py", REVIEW, "pages/3_Kill_list.py", ASSUMPTIONS, "pages/6_Compare.py"):
        at = _home(review=review.id)
        notice = " ".join(shown(w.value) for w in at.warning)
        if page != "app.py":
            at.switch_page(page).run()
        assert not at.exception, page
        assert "saved task changes could not be read" in notice
        assert "left out (horizon_years)" in notice and "between 1 and 5" in notice
        assert at.session_state["overrides"] == {"loaded_fte_cost_usd": 400000}


def test_a_saved_scenario_that_no_longer_fits_is_left_out_with_one_sentence(db):
    store = Store(db)
    review = store.create_review("bank", "bank.csv", (ROOT / "sample_portfolios" / "bank.csv").read_bytes())
    for name in ("Out of range", "Unknown key", "Unreadable", "Five years"):
        store.save_scenario(review.id, name, {"horizon_years": 5})
    _hand_edit(db, "UPDATE scenarios SET overrides = '{\"horizon_years\": -5}' WHERE name = 'Out of range'")
    _hand_edit(db, "UPDATE scenarios SET overrides = '{\"no_such_assumption\": 1}' WHERE name = 'Unknown key'")
    _hand_edit(db, "UPDATE scenarios SET overrides = '[1' WHERE name = 'Unreadable'")
    at = _home(review=review.id)
    at.switch_page(ASSUMPTIONS).run()
    assert not at.exception
    warned = " ".join(shown(w.value) for w in at.warning)
    assert "left out (Out of range, Unknown key, Unreadable)" in warned and "between 1 and 5" in warned
    assert at.selectbox(key="scenario_compare").options == ["Five years"]
    at.button(key="scenario_use").click().run()
    assert not at.exception
    assert at.session_state["overrides"] == {"horizon_years": 5}
    assert len(store.scenarios(review.id)) == 4  # left out on screen, never deleted


def test_a_stored_task_this_version_does_not_have_is_named_not_ignored_unsaid(db):
    store = Store(db)
    review = store.create_review("bank", "bank.csv", (ROOT / "sample_portfolios" / "bank.csv").read_bytes())
    store.set_task(review.id, "BNK-001", "vision", "Dana")
    _hand_edit(db, "UPDATE reviews SET tasks = :t", t='{"BNK-001": {"task": "vision", "by": "Dana", "at": ""}, '
                                                     '"BNK-024": {"task": "telepathy", "by": "Lee", "at": ""}}')
    at = _home(review=review.id)
    assert not at.exception
    notice = " ".join(shown(w.value) for w in at.warning)
    assert "1 task change on this review names a task this version of the app does not have (BNK-024: telepathy)" \
        in notice
    assert at.session_state["tasks"] == {"BNK-001": {"task": "vision", "by": "Dana", "at": ""}}


def test_project_review_bounds_the_project_list_and_finds_any_project(db):
    rows = "\n".join(f"Project {i:04},fine-tune,{100_000 + i}" for i in range(2_100))
    at = _home()
    at.file_uploader(key="upload_roadmap").set_value(
        ("many.csv", f"project,approach,build_cost_usd\n{rows}\n".encode(), "text/csv")).run()
    at.switch_page(REVIEW).run()
    assert not at.exception
    # Every option goes to the browser on every rerun: 100,000 projects were 2.9 MB a click.
    assert len(at.selectbox(key="review_project").options) == 2_000
    assert any("2,100 projects" in shown(c.value) for c in at.caption)
    at.text_input(key="review_find").input("project 2099").run()
    options = at.selectbox(key="review_project").options
    assert any("Project 2099" in o for o in options) and len(options) <= 2
    at.selectbox(key="review_project").select_index([i for i, o in enumerate(options) if "Project 2099" in o][0]).run()
    assert not at.exception
    assert "Project 2099" in _header(at)


def test_saving_over_a_scenario_says_what_it_replaced(db):
    at = _home()
    at.switch_page(ASSUMPTIONS).run()
    at.number_input(key="assume_horizon_years").set_value(5).run()
    at.text_input(key="scenario_save_name").input("Plan").run()
    at.button(key="scenario_save").click().run()
    assert any("Saved the scenario Plan" in shown(s.value) for s in at.success)
    at.number_input(key="assume_horizon_years").set_value(4).run()
    at.text_input(key="scenario_save_name").input("Plan").run()
    at.button(key="scenario_save").click().run()
    assert not at.exception
    # A colleague's scenario of the same name is replaced (by design), but never without a word or its old values.
    assert any("Replaced the saved scenario Plan; it was: Horizon 5 years" in shown(s.value) for s in at.success)
