"""Hostile text in the app (AppTest, issue 17): tooltips are Markdown too, and a link naming a project the
roadmap does not have says so instead of opening another project without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.text import escape_markdown

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90


@pytest.fixture(autouse=True)
def _own_store(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRR_DATABASE_URL", f"sqlite:///{tmp_path / 'reviews.db'}")


def _home() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()


# Before: the "Use it" button's tooltip put the header into Markdown as it was, so a header that is an e-mail
# address (or holds a link) gave a live link in the tooltip.
def test_the_use_it_tooltip_shows_the_header_as_typed():
    header = "opsbudget@ev.il"
    text = f"project,approach,{header}\nClaims bot,fine-tune,100\n"
    at = _home()
    at.file_uploader(key="upload_roadmap").set_value(("odd.csv", text.encode(), "text/csv")).run()
    assert not at.exception
    tip = at.button(key="use_column_0").help
    assert escape_markdown(header) in tip and "@\u2060ev" in tip
    assert "ops_budget_usd_per_year" not in tip  # the column's name in words, not the machine name


# Before: ?project=NOPE opened the top of the kill list without a word.
@pytest.mark.parametrize("wanted", ["NOPE", "[x](https://evil.example)", "x" * 300])
def test_a_link_to_a_project_the_roadmap_does_not_have_says_so(wanted):
    at = _home()
    at.query_params["project"] = wanted
    at.switch_page("pages/2_Project_review.py").run()
    assert not at.exception
    shown = at.selectbox(key="review_project").value
    warnings = [w.value for w in at.warning if "no project with the id" in w.value]
    assert len(warnings) == 1, [w.value for w in at.warning]
    assert escape_markdown(wanted[:20]) in warnings[0] and escape_markdown(f"({shown})") in warnings[0]
    assert len(warnings[0]) < 400
    assert at.query_params["project"] == shown
    at.run()  # the link now names the project on screen: nothing more to say
    assert not [w for w in at.warning if "no project with the id" in w.value]


def test_a_link_to_a_project_the_roadmap_has_says_nothing_more():
    at = _home()
    at.query_params["project"] = "BNK-021"
    at.switch_page("pages/2_Project_review.py").run()
    assert not [w for w in at.warning if "no project with the id" in w.value]
