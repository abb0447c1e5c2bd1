"""Reviews in a real browser: a decision survives a server restart, and a refresh or a shared link shows the
same roadmap, mapping, assumptions, saved scenario and task (a `streamlit run` server driven by headless Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_browser import _free_port, _settled, launched_chromium, streamlit_server

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser
ODD = ("Initiative Label,Approach,Build Cost,Team\n"
       "Claims model,fine-tune,400000,Claims\nChat helper,API + RAG,,Support\nPricing LLM,fine-tune,,Sales\n")


@pytest.fixture()
def chromium():
    with launched_chromium() as chromium:
        yield chromium


def _open(browser, url: str):
    page = browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()
    page.goto(url)
    page.get_by_role("heading", name=re.compile("AI Roadmap Review|Project review|Assumptions")).first.wait_for(
        timeout=60_000)
    _settled(page)
    return page


def _pick(page, label: str, option: str) -> None:
    """Choose an option of a Streamlit selectbox by its label."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.locator("input").click()
    box.locator("input").fill(option)
    page.get_by_role("option", name=re.compile("^" + re.escape(option), re.IGNORECASE)).first.click()
    _settled(page)


def _project_heading(page) -> str:
    # The heading after the page title is the project: its verdict badge and name.
    heading = page.locator('[data-testid="stHeading"]').nth(1)
    heading.wait_for(timeout=60_000)
    return heading.inner_text()


def _home_link(page):
    return page.locator('[data-testid="stPageLink-NavLink"]').filter(has_text="Home").first


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_a_decision_the_review_and_its_url_survive_a_restart(chromium, tmp_path):
    port, db, log = _free_port(), tmp_path / "airr.db", tmp_path / "server.log"
    with streamlit_server(port, db, log) as url:
        page = _open(chromium, url)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
            str(ROOT / "sample_portfolios" / "acme_2026_Q3.csv"))
        page.get_by_text("(uploaded file)").wait_for(timeout=60_000)
        _settled(page)
        assert "review=" in page.url
        page.locator('[data-testid="stPageLink-NavLink"][href^="Project_review"]').first.click()
        page.get_by_role("heading", name="Project review").wait_for(timeout=60_000)
        _settled(page)
        page.get_by_label("Reviewer").fill("Dana Ortiz")
        page.get_by_label("Note").fill("Rescope to the FM API with retrieval")
        page.get_by_role("button", name="Record decision").click()
        page.get_by_text("Recorded:").wait_for(timeout=60_000)
        _settled(page)
        saved_url = page.url
        assert "review=" in saved_url and "project=" in saved_url
        project_heading = _project_heading(page)
        page.context.close()
    with streamlit_server(port, db, log):
        page = _open(chromium, saved_url)
        page.get_by_role("heading", name="Project review").wait_for(timeout=60_000)
        _settled(page)
        assert _project_heading(page) == project_heading
        assert page.url == saved_url
        # The decision is listed (the history grid is a canvas, so read it through the Decisions page).
        page.locator('[data-testid="stPageLink-NavLink"][href^="Decisions"]').first.click()
        page.get_by_role("heading", name="Decisions").wait_for(timeout=60_000)
        _settled(page)
        assert _metric(page, "Entries") == "1"
        _home_link(page).click()
        page.get_by_role("heading", name="AI Roadmap Review").wait_for(timeout=60_000)
        _settled(page)
        page.get_by_text("acme_2026_Q3.csv").first.wait_for(timeout=60_000)
        assert re.search(r"review=[\w-]+", page.url).group(0) in saved_url


def test_refresh_and_shared_link_show_the_same_roadmap_and_numbers(chromium, tmp_path):
    port, db, log = _free_port(), tmp_path / "airr.db", tmp_path / "server.log"
    upload = tmp_path / "odd_roadmap_2026-Q4.csv"
    upload.write_text(ODD)
    with streamlit_server(port, db, log) as url:
        page = _open(chromium, url)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(upload))
        page.get_by_text("(uploaded file)").wait_for(timeout=60_000)
        _settled(page)
        _pick(page, "Header", "Initiative Label")
        _pick(page, "Read it as", "project")
        page.get_by_role("button", name="Apply").click()
        _settled(page)
        assert _metric(page, "Projects") == "3"
        page.locator('[data-testid="stPageLink-NavLink"][href^="Assumptions"]').first.click()
        page.get_by_role("heading", name="Assumptions").wait_for(timeout=60_000)
        _settled(page)
        cost = page.get_by_role("spinbutton", name=re.compile("Loaded cost per ML FTE"))
        cost.fill("400000")
        cost.press("Enter")
        _settled(page)
        page.get_by_label("Scenario name").fill("Senior team")
        page.get_by_label("Scenario name").press("Enter")
        page.get_by_role("button", name="Save scenario").click()
        page.get_by_text("Saved the scenario Senior team").wait_for(timeout=60_000)
        # A task set on Project review: "Claims model" (no task word, so assumed language) is tabular scoring.
        page.locator('[data-testid="stPageLink-NavLink"][href^="Project_review"]').first.click()
        page.get_by_role("heading", name="Project review").wait_for(timeout=60_000)
        _settled(page)
        _pick(page, "Project", "Claims model")
        _pick(page, "Task", "Tabular")
        page.get_by_text("Task set on this review").wait_for(timeout=60_000)
        assert "Out of scope" in _project_heading(page)
        _home_link(page).click()
        page.get_by_role("heading", name="AI Roadmap Review").wait_for(timeout=60_000)
        _settled(page)
        shown = (_metric(page, "Projects"), _metric(page, "Kill-list savings"))
        link = page.url
        assert "review=" in link

        page.reload()
        page.get_by_role("heading", name="AI Roadmap Review").wait_for(timeout=60_000)
        _settled(page)
        page.get_by_text(f"{upload.name} (uploaded file)").wait_for(timeout=60_000)
        assert (_metric(page, "Projects"), _metric(page, "Kill-list savings")) == shown

        colleague = _open(chromium, link)
        colleague.get_by_text(f"{upload.name} (uploaded file)").wait_for(timeout=60_000)
        assert (_metric(colleague, "Projects"), _metric(colleague, "Kill-list savings")) == shown
        colleague.locator('[data-testid="stPageLink-NavLink"][href^="Assumptions"]').first.click()
        colleague.get_by_role("heading", name="Assumptions").wait_for(timeout=60_000)
        _settled(colleague)
        from playwright.sync_api import expect

        expect(colleague.get_by_role("spinbutton", name=re.compile("Loaded cost per ML FTE"))).to_have_value(
            "400000", timeout=30_000)
        expect(colleague.get_by_role("combobox", name="Scenario", exact=True)).to_have_value(
            "Senior team", timeout=30_000)
        colleague.locator('[data-testid="stPageLink-NavLink"][href^="Project_review"]').first.click()
        colleague.get_by_role("heading", name="Project review").wait_for(timeout=60_000)
        _settled(colleague)
        _pick(colleague, "Project", "Claims model")
        assert "Out of scope" in _project_heading(colleague)
        colleague.get_by_text("Task set on this review").wait_for(timeout=60_000)
