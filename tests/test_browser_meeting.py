"""A review meeting in a real browser: last quarter's file, then this quarter's, zombies flagged on the Kill list and
the Meeting page, decisions taken with the keyboard, and the name remembered by the browser (a `streamlit run`
server driven by headless Chromium)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from test_browser import _free_port, _settled, launched_chromium, streamlit_server

from core import meetings
from core.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_portfolios"
pytestmark = pytest.mark.browser


@pytest.fixture()
def chromium():
    with launched_chromium() as chromium:
        yield chromium


def _upload(page, url: str, path: Path) -> None:
    page.goto(url)
    page.get_by_role("heading", name="AI Roadmap Review").wait_for(timeout=60_000)
    _settled(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
    page.get_by_text("(uploaded file)").wait_for(timeout=60_000)
    _settled(page)


def _go(page, label: str) -> None:
    page.locator('[data-testid="stPageLink-NavLink"]', has_text=label).first.click()
    page.get_by_role("heading", name=label).first.wait_for(timeout=60_000)
    _settled(page)


def _position(page) -> str:
    return page.get_by_role("heading", name=re.compile(r"^Project \d+ of \d+$")).inner_text()


def _key(page, key: str) -> None:
    # Shortcuts act when no text field has the focus, as when the facilitator has clicked a button.
    page.locator("body").press(key)
    _settled(page)


def test_two_quarters_zombies_on_the_kill_list_and_meeting_and_the_keyboard(chromium, tmp_path):
    db = tmp_path / "meeting.db"
    with streamlit_server(_free_port(), db, tmp_path / "server.log") as url:
        context = chromium.new_context(viewport={"width": 1280, "height": 1600})
        page = context.new_page()
        # Last quarter: a meeting kills the first project with the keyboard and rescopes the second.
        _upload(page, url, SAMPLES / "acme_2026_Q3.csv")
        _go(page, "Meeting")
        page.get_by_label("Facilitator (your name)", exact=True).fill("Dana Reyes")
        page.get_by_label("Attendees", exact=True).fill("Dana Reyes, Sam Lee")
        page.get_by_role("button", name="Start the meeting").click()
        _settled(page)
        assert _position(page) == "Project 1 of 6"
        _key(page, "1")
        assert _position(page) == "Project 2 of 6"
        _key(page, "2")
        assert _position(page) == "Project 3 of 6"
        page.get_by_text("2 of 6 projects decided").wait_for(timeout=30_000)
        _key(page, "ArrowLeft")
        assert _position(page) == "Project 2 of 6"
        page.get_by_text("Decided in this meeting:").wait_for(timeout=30_000)
        _key(page, "ArrowRight")
        assert _position(page) == "Project 3 of 6"
        history = Store(f"sqlite:///{db}").history("acme")
        assert list(history["decision"]) == ["kill", "rescope"] and set(history["reviewer"]) == {"Dana Reyes"}
        # The attendees typed right after the facilitator's name are kept (the cookie writer appearing above the
        # fields once made the page remount them and lose what was typed).
        first_meeting = meetings.get(Store(f"sqlite:///{db}"), parse_qs(urlparse(page.url).query)["meeting"][0])
        assert first_meeting.attendees == ("Dana Reyes", "Sam Lee")

        # This quarter: it joins the portfolio, and the returned projects are flagged before anyone decides.
        _upload(page, url, SAMPLES / "acme_2026_Q4.csv")
        page.get_by_text("Joined the portfolio 'acme'").wait_for(timeout=30_000)
        page.get_by_text("3 projects came back").wait_for(timeout=30_000)
        _go(page, "Kill list")
        flagged = page.locator('[data-testid="stMarkdownContainer"]', has_text="Came back:").all_inner_texts()
        assert len(flagged) == 3, flagged
        assert any("Came back: killed on " in c and "by Dana Reyes" in c for c in flagged)

        _go(page, "Meeting")
        # A new session of this browser starts with the remembered name: the field is filled in.
        assert page.get_by_label("Facilitator (your name)", exact=True).input_value() == "Dana Reyes"
        page.get_by_role("button", name="Start the meeting").click()
        _settled(page)
        seen = 0
        for _ in range(4):
            if page.get_by_text("Came back:").count():
                seen += 1
            _key(page, "ArrowRight")
        assert seen == 3
        link = page.url
        context.close()

        # Another laptop with the meeting's address: the same project of the same meeting.
        other = chromium.new_context(viewport={"width": 390, "height": 1200}).new_page()
        other.goto(link)
        other.get_by_role("heading", name="Meeting").first.wait_for(timeout=60_000)
        _settled(other)
        assert re.fullmatch(r"Project 4 of 4", _position(other))

        # Ending it there offers the board's minutes of this meeting.
        other.get_by_role("button", name="End the meeting").click()
        other.get_by_text("This meeting ended").wait_for(timeout=60_000)
        _settled(other)
        with other.expect_download() as got:
            other.get_by_role("button", name="Minutes (HTML, printable)").click()
        minutes = Path(got.value.path()).read_text(encoding="utf-8")
        assert "<h1>Minutes: review meeting of acme</h1>" in minutes
        assert "<dt>Roadmap file</dt><dd>acme_2026_Q4.csv</dd>" in minutes  # this meeting's review, not last quarter's
