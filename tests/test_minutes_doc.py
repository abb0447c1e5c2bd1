"""Minutes that read as minutes: rendered by a CommonMark renderer with linkify on, roadmap text shows as typed,
never as markup or a link, and neither the reader nor the raw file sees escapes inside dates, times or words."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from core import board, config, minutes, minutes_doc, portfolio
from core.loader import load_roadmap
from core.numbers import money
from core.text import WORD_JOINER

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = ("**bold** _em_ [link](http://evil.example/x) <script>alert(1)</script> www.evil.com a@b.com "
           "https://bank.com/path `code` ~~gone~~ &amp; :rocket: x|y $x$ # end #")
NOTE = "Decided 2026-12-06 03:16:03 by the board_committee, see e.g. v1.2 -- owner: ops."


def _renderer() -> MarkdownIt:
    # GitHub-style: tables, strikethrough and linkify (bare URLs, www. and fuzzy domains) on.
    return MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "table", "strikethrough"])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _read(markdown: str) -> tuple[str, list[str]]:
    """What a reader sees (text, word joiners removed) and the tags the renderer made."""
    parser = _Text()
    parser.feed(_renderer().render(markdown))
    return "".join(parser.parts).replace(WORD_JOINER, ""), parser.tags


def _pack(project_name: str = HOSTILE) -> board.Pack:
    projects = load_roadmap("sample_portfolios/bank.csv").projects
    scored = portfolio.score(projects, config.defaults())
    kill = portfolio.kill_list(scored)
    first, second, third = kill["project_id"][:3]
    scored.loc[scored["project_id"] == first, "project"] = project_name
    current = pd.DataFrame({"decision": ["kill", "needs-evidence", "rescope"], "reviewer": ["Dana", "Lee", ""],
                            "note": [NOTE, HOSTILE, ""], "revisit": ["2027-01-15", "2026-11-01", ""],
                            "recorded_at": ["2026-12-06 03:16:03 UTC"] * 3},
                           index=pd.Index([first, second, third], name="project_id"))
    return board.build(scored, 3, portfolio_name="bank_2026-Q4 www.x.io", source="bank.csv", scenario="Baseline",
                       current=current, today=date(2026, 12, 6))


def test_minutes_read_as_minutes():
    pack = _pack("BankGPT internal foundation model")
    text = minutes_doc.markdown(pack)
    seen, _ = _read(text)
    top = money(pack.kill["projected_savings_usd"].iloc[0])
    for part in ("Date: 2026-12-06", "Portfolio: bank_2026-Q4 www.x.io", "Decisions recorded by: Dana, Lee",
                 "Scenario: Baseline", f"Savings proposed: {money(board.total(pack.kill))} over 3 years",
                 f"Savings agreed: {money(board.total(board.agreed(pack)))}", "Savings proposed by part: people $",
                 f"Kill: 1 project, {top}", f"BankGPT internal foundation model (Operations), {top}.",
                 "Stop the custom build and take the recommended alternative: BankGPT internal foundation model. "
                 "Owner: Dana Whitfield; due 2027-01-15.", "Projects that came back", "Open items",
                 "16 of 19 kill-list projects have no decision yet"):
        assert part in seen, part


def test_roadmap_text_is_shown_as_typed_never_as_markup_or_a_link():
    text = minutes_doc.markdown(_pack())
    seen, tags = _read(text)
    assert HOSTILE in seen  # every character as typed, in the project name and in a note
    assert seen.count(HOSTILE) >= 3
    # The only markup is the minutes' own: headings, lists, bold names; no link, code, emphasis, HTML or strike.
    assert set(tags) <= {"h1", "h2", "h3", "p", "ul", "li", "strong", "br"}, set(tags)
    assert "script" not in tags


def test_no_backslash_reaches_the_reader_or_sits_inside_dates_times_or_words():
    text = minutes_doc.markdown(_pack())
    seen, _ = _read(text)
    assert not re.search(r"\\[-:._A-Za-z0-9]", seen)
    assert NOTE in seen
    # The raw file: dates, times and words as typed (the old minutes had 2026\-12\-06 03\:16\:03).
    assert "2026-12-06 03:16:03" in text and "board_committee" in text and "e.g. v1.2 -- owner: ops." in text
    assert "2027-01-15" in text and "2026-11-01" in text
    # Only a host name's dot before its top-level domain is escaped ("evil\.com": linkify would link it).
    assert not re.search(r"\d\\[-:.]\d", text)
    assert not re.search(r"[A-Za-z]\\[-:_][A-Za-z0-9]", text)
    assert re.findall(r"[A-Za-z]\\\.[A-Za-z]+", text) and all(
        t.split("\\.")[-1] in ("com", "io", "example") for t in re.findall(r"[A-Za-z]+\\\.[A-Za-z]+", text))


@pytest.mark.parametrize("value", ["- not a list", "# not a heading", "> not a quote", "1. not a list", "+ x", "=== x"])
def test_text_at_the_start_of_a_line_opens_no_block(value):
    seen, tags = _read(minutes_doc.md(value, at_line_start=True))
    assert seen.strip() == value and tags == ["p"]


def test_the_decision_log_keeps_dates_and_words_as_typed():
    history = pd.DataFrame({"recorded_at": ["2026-12-06 03:16:03 UTC"], "portfolio": ["bank"], "project": [HOSTILE],
                            "team": ["Ops"], "decision": ["needs-evidence"], "reviewer": ["Dana"],
                            "revisit": ["2027-01-15"], "note": [NOTE]})
    text = minutes.minutes_markdown(history, date(2026, 12, 6))
    seen, tags = _read(text)
    assert HOSTILE in seen and NOTE in seen and "Needs evidence" in seen
    assert "a" not in tags and "code" not in tags and "em" not in tags
    assert "2026-12-06 03:16:03" in text and "board_committee" in text and not re.search(r"\d\\[-:.]\d", text)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_the_html_minutes_are_one_printable_page_with_the_text_escaped():
    page = minutes_doc.html_page(_pack())
    parser = _Visible()
    parser.feed(page)
    assert "script" not in parser.tags and "a" not in parser.tags
    assert HOSTILE in "".join(parser.parts)
    assert "@media print" in page and "<h2>Actions</h2>" in page


def _cli(*argv: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)


def test_the_cli_writes_the_minutes_of_the_latest_review_scored_from_its_stored_file(tmp_path):
    env = {**os.environ, "AIRR_DATABASE_URL": f"sqlite:///{tmp_path / 'airr.db'}"}
    assert _cli("minutes", env=env).returncode == 2  # no review yet: one sentence
    done = _cli("decide", "sample_portfolios/bank.csv", "--project", "BNK-005", "--decision", "kill",
                "--reviewer", "Dana", "--note", "see www.bank.com", "--revisit", "2027-01-15", env=env)
    assert done.returncode == 0, done.stderr
    md_out = _cli("minutes", "--portfolio", "bank", env=env)
    assert md_out.returncode == 0, md_out.stderr
    seen, tags = _read(md_out.stdout)
    assert "Portfolio: bank" in seen and "Kill: 1 project, $" in seen and "see www.bank.com" in seen
    assert "a" not in tags
    html_out = _cli("minutes", "--format", "html", env=env)
    assert html_out.returncode == 0 and html_out.stdout.startswith("<!doctype html>")
    bad = _cli("minutes", "--review", "nope", env=env)
    assert bad.returncode == 2 and bad.stderr == "error: no review with id 'nope' in the store\n"
    meeting = _cli("minutes", "--meeting", "m1", env=env)
    assert meeting.returncode == 2 and "Traceback" not in meeting.stderr


def test_minutes_of_a_meeting_name_its_attendees_and_the_savings_as_taken(tmp_path):
    from core import meetings
    from core.board_cli import meeting_pack
    from core.store import Decision, Store

    store = Store(f"sqlite:///{tmp_path / 'airr.db'}")
    data = (ROOT / "sample_portfolios" / "bank.csv").read_bytes()
    review = store.create_review("bank", "bank.csv", data, who="Dana")
    meeting = meetings.start(store, review.id, "bank", ["Dana Whitfield", "Lee Park", "CFO www.cfo.example"],
                             overrides={"horizon_years": 5}, scenario="Five years", who="Dana")
    meetings.record(store, meeting, Decision("bank", "BNK-005", "BankGPT internal foundation model", "kill", "Dana",
                                             "Too costly", None, review.id),
                    savings={"projected_savings_usd": 1_234_567}, action_owner="Priya Raman",
                    action_due=date(2027, 2, 1))
    pack = meeting_pack(store, meeting.id, ValueError)
    seen, tags = _read(minutes_doc.markdown(pack))
    assert "Attendees: Dana Whitfield, Lee Park, CFO www.cfo.example" in seen and "a" not in tags
    assert "Scenario: Five years: Horizon 5 years (default 3 years)" in seen
    assert "Kill: 1 project, $1.2M" in seen  # the savings as they stood when the decision was taken
    assert "Owner: Priya Raman; due 2027-02-01." in seen
    assert f"Date: {meeting.started_at:%Y-%m-%d}" in seen and "Minutes: review meeting of bank" in seen
    with pytest.raises(ValueError, match="no meeting with id 'nope'"):
        meeting_pack(store, "nope", ValueError)


def test_a_meetings_minutes_use_the_evidence_attached_by_its_end_and_no_later(tmp_path, monkeypatch):
    """BNK-026's evaluation refutes its domain gap (prove first -> kill). Attached after a meeting ended, it must
    not rewrite that meeting's minutes; attached before, it must be in them; the review's own pack always has it."""
    from datetime import timedelta

    from core import evidence, meetings
    from core import store as store_module
    from core.board_cli import meeting_pack, review_pack
    from core.store import Store

    store = Store(f"sqlite:///{tmp_path / 'airr.db'}")
    review = store.create_review("bank", "bank.csv", (ROOT / "sample_portfolios" / "bank.csv").read_bytes(), who="Dana")
    refuted = evidence.evaluation((ROOT / "sample_portfolios" / "evidence" / "bank_BNK-026_eval.csv").read_bytes(), 0.05)

    def verdict(pack: board.Pack) -> str:
        return pack.scored.set_index("project_id").loc["BNK-026", "verdict"]

    before = meetings.end(store, meetings.start(store, review.id, "bank", ["Dana"], who="Dana").id)
    assert verdict(meeting_pack(store, before.id, ValueError)) == "prove"
    monkeypatch.setattr(store_module, "_now", lambda: before.ended_at + timedelta(minutes=5))
    store.add_evidence("bank", "BNK-026", "Arabic trade-finance extractor", refuted, "Dana")
    assert verdict(meeting_pack(store, before.id, ValueError)) == "prove"  # the room never saw it
    assert verdict(review_pack(store, review, ValueError)) == "kill"
    monkeypatch.setattr(meetings, "_now", lambda: before.ended_at + timedelta(minutes=10))
    after = meetings.end(store, meetings.start(store, review.id, "bank", ["Dana"], who="Dana").id)
    assert verdict(meeting_pack(store, after.id, ValueError)) == "kill"
