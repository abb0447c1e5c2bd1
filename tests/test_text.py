"""core.text: control characters out of charts, logs and terminals; Markdown that shows roadmap text as typed."""

from __future__ import annotations

import logging
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import text


def test_clean_drops_control_characters_and_bidi_overrides_but_keeps_line_breaks():
    assert text.clean("Risk\x01Team\x1b[31m\x7f\x9b\u202egnp\u2066\tA\nB\r") == "RiskTeam[31mgnp\tA\nB\r"
    assert text.clean("Zürich 東京 €") == "Zürich 東京 €"


def test_clean_series_keeps_missing_values_missing():
    s = pd.Series(["a\x01b", None, "c"], dtype="str")
    out = text.clean_series(s)
    assert out.iloc[0] == "ab" and pd.isna(out.iloc[1]) and out.iloc[2] == "c"
    numbers = pd.Series([1.0, 2.0])
    assert text.clean_series(numbers) is numbers


@pytest.mark.parametrize(("raw", "shown"), [
    ("<script>alert(1)</script>", "\\<script\\>alert\\(1\\)\\</script\\>"),
    ("[x](javascript:alert(1))", "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"),
    ("![p](https://e.example/p.png)", "\\!\\[p\\]\\(https\\:\u2060//e\\.example/p\\.png\\)"),
    ("**bold** _it_ `code` # h", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\# h"),
    (":red[x] $a$ &amp; a|b", "\\:red\\[x\\] \\$a\\$ \\&amp; a\\|b"),
])
def test_escape_markdown_leaves_no_markup(raw, shown):
    assert text.escape_markdown(raw) == shown


@pytest.mark.parametrize("raw", ["see https://evil.example/x", "www.evil.example", "WWW.Evil.example",
                                 "wwww.evil.example", "http://www.evil.example", "boss@evil.example",
                                 "mailto:a@b.c", "ftp://host", "hTTpS://x.y"])
def test_bare_links_and_addresses_get_a_word_joiner_that_breaks_auto_linking(raw):
    out = text.escape_markdown(raw)
    seen = out.replace("\\", "")
    # What GFM's autolink literals look for (https?://, www. before a domain, @ before a domain) is gone:
    # a joiner right after "://" or "www." was taken as the first letter of a domain (issue 17).
    assert not re.search(r"://|www\.|@[\w-]", seen, re.IGNORECASE)
    # What a reader sees is still the text as typed.
    assert seen.replace(text.WORD_JOINER, "") == raw


def test_for_terminal_removes_escape_sequences_starters_and_line_breaks():
    assert "\x1b" not in text.for_terminal("\x1b]0;pwned\x07Title\x1b[2J")
    assert text.for_terminal("a\nb\r\nc") == "a b c"


def test_log_records_are_cleaned(caplog):
    log = logging.getLogger("airr.test_text")
    log.addFilter(text.CleanLogRecords())
    with caplog.at_level(logging.WARNING, logger="airr.test_text"):
        log.warning("bad cell %s", "x\x1b[31m\nforged line")
    assert caplog.records[0].getMessage() == "bad cell x[31m forged line"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=30))
def test_the_byte_check_finds_exactly_what_clean_removes(raw):
    # The loader skips cleaning a UTF-8 file when this says there is nothing to clean.
    assert text.utf8_has_controls(raw.encode()) == (text.clean(raw) != raw)
