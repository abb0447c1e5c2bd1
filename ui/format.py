"""Formatting for the page: user text escaped for Markdown, money inside Markdown, verdict badges."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import labels
from core.numbers import BLANK_HELP, money
from core.text import escape_markdown

# Verdicts are shown as their word on a badge in a theme colour (Streamlit picks text and background per
# light/dark mode), never as a colour or an icon alone: an icon name would be read aloud by a screen reader.
VERDICT_BADGE = {"kill": "red", "prove": "orange", "keep": "blue", "ok": "gray", "out_of_scope": "violet"}


usd = money


def safe(text: object) -> str:
    """Text from a roadmap file, escaped so Markdown shows it as typed: no emphasis, directives, HTML or
    links, not even the ones Streamlit makes of bare URLs and e-mail addresses (core.text)."""
    return escape_markdown(text)


def md_text(text: str) -> str:
    """Our own sentences inside Markdown: dollar signs escaped so two amounts never open a LaTeX formula."""
    return str(text).replace("$", "\\$")


def md_money(value: object) -> str:
    """Money inside Markdown: the dollar sign escaped, or two amounts in one line would open a LaTeX formula."""
    return money(value).replace("$", "\\$")


def blank_help(text: str = "") -> str:
    """A column's help text, with what a dash in it means."""
    return f"{text} {BLANK_HELP}".strip()


def verdict_label(verdict: str) -> str:
    """The verdict as plain words (for labels, help texts and anything a screen reader reads as a name)."""
    return labels.verdict(verdict)


def verdict_badge(verdict: str) -> str:
    """The verdict as Markdown: its word on a badge in the verdict's theme colour."""
    return f":{VERDICT_BADGE.get(verdict, 'gray')}-badge[{labels.verdict(verdict)}]"


def verdict_badges(verdicts: pd.Series) -> pd.Series:
    """Verdicts as one-item lists, the shape verdict_column() draws as a coloured label."""
    return verdicts.map(lambda v: [v])


def verdict_column(width: int | str = 140) -> object:
    """A read-only column of verdict labels in the shared verdict colours, wide enough for the longest label
    ("Recommended path" was cut at 1920 px in the "small" width)."""
    return st.column_config.MultiselectColumn("Verdict", width=width, options=list(VERDICT_BADGE),
                                              color=list(VERDICT_BADGE.values()), format_func=labels.verdict)
