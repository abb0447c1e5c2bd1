"""Evidence in a real browser: attaching an evaluation on Project review changes the verdict (a `streamlit run`
server driven by headless Chromium), and the screenshots of the Evidence section at desktop and phone width."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_browser import _free_port, _settled, streamlit_server
from test_browser_reviews import _open, _project_heading, chromium  # noqa: F401 - chromium is a fixture

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "sample_portfolios" / "evidence"
pytestmark = pytest.mark.browser
SHOTS = os.environ.get("AIRR_SHOTS")  # a folder to keep the screenshots in (for looking at them), else none


def _attach_evaluation(page, file: Path, gap: str) -> None:
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Per-item scores").first
    uploader.locator('input[type="file"]').set_input_files(str(file))
    # Streamlit shortens a long name in the middle ("bank_BN...1_eval.csv"): its end tells the two files apart.
    uploader.get_by_text(re.compile(re.escape(file.name[-10:]) + "$")).first.wait_for(timeout=60_000)
    gap_box = page.get_by_label(re.compile("^Material gap"))
    gap_box.fill(gap)
    gap_box.press("Enter")
    _settled(page)
    page.get_by_role("button", name="Attach evaluation").click()
    _settled(page)


def test_attaching_an_evaluation_changes_the_verdict(chromium, tmp_path):  # noqa: F811
    port, db, log = _free_port(), tmp_path / "airr.db", tmp_path / "server.log"
    with streamlit_server(port, db, log) as url:
        page = _open(chromium, f"{url}/Project_review?project=BNK-026")
        page.get_by_role("heading", name="Project review").wait_for(timeout=60_000)
        _settled(page)
        assert "Prove first" in _project_heading(page)
        page.get_by_label("Attached by").fill("Dana Ortiz")
        # Too few items: one sentence, nothing stored, the verdict stays.
        _attach_evaluation(page, EVIDENCE / "bank_BNK-021_eval.csv", "0.05")
        page.get_by_text(re.compile("Not evidence, nothing was stored: The file holds 20 items")).wait_for(
            timeout=60_000)
        assert "Prove first" in _project_heading(page)
        # The refuting evaluation: the roadmap's "eval gap verified: yes" no longer counts.
        _attach_evaluation(page, EVIDENCE / "bank_BNK-026_eval.csv", "0.05")
        page.get_by_text(re.compile(r"Attached\. Refuted by an evaluation of 300 items")).wait_for(timeout=60_000)
        _settled(page)
        assert "Kill" in _project_heading(page)
        page.get_by_text(re.compile(r"-0\.012 \(95 % CI -0\.032 to \+0\.007\)")).first.wait_for(timeout=60_000)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            section = page.get_by_role("heading", name="Evidence", exact=True)
            section.scroll_into_view_if_needed()
            page.screenshot(path=str(Path(SHOTS) / "evidence_1280.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 1600})
            _settled(page)
            page.screenshot(path=str(Path(SHOTS) / "evidence_checklist_390.png"), full_page=True)
            section.scroll_into_view_if_needed()
            page.screenshot(path=str(Path(SHOTS) / "evidence_390.png"), full_page=True)
        # A colleague's link shows the same verdict: the evidence is in the store, not the session.
        other = _open(chromium, page.url)
        other.get_by_role("heading", name="Project review").wait_for(timeout=60_000)
        _settled(other)
        assert "Kill" in _project_heading(other)
