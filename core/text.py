"""Text from a roadmap made safe for where it goes: charts, the brief, logs, a terminal, Markdown.

A roadmap cell can hold anything: control characters (one made the chart renderer abort the server),
terminal escape sequences, Markdown and HTML, bare links. These helpers are pure and cheap.
"""

from __future__ import annotations

import logging
import re

import pandas as pd

# C0 controls except tab, line feed and CR; DEL; C1 controls (ESC's 8-bit twin \x9b among them); and the
# Unicode bidirectional overrides and isolates that can make a name read backwards ("Trojan Source",
# CVE-2021-42574).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The characters that start Markdown syntax: emphasis, code, links and images, headings, lists, tables,
# HTML and entities, and Streamlit's own :color[...] directives and $math$. CommonMark (spec 0.31, section
# 2.4) lets any ASCII punctuation be backslash-escaped, and an escaped one is always shown as itself.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# Renderers that auto-link bare URLs, www. addresses and e-mail addresses (GitHub, Streamlit) do so even
# after escaping; a word joiner (U+2060, invisible, no break) after "://", "www." and "@" stops them.
_AUTOLINK = re.compile(r"(://|www\.|@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def clean(text: object) -> str:
    """The text without control characters (tab and line breaks are kept)."""
    return _CONTROL.sub("", str(text))


def clean_series(values: pd.Series) -> pd.Series:
    """clean() over a column of text; missing values stay missing."""
    if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return values
    return values.where(values.isna(), values.astype("str").str.replace(_CONTROL.pattern, "", regex=True))


def defuse_links(text: str) -> str:
    """A word joiner after each "://", "www." and "@", so no renderer turns the text into a link."""
    return _AUTOLINK.sub(lambda m: m.group(1) + WORD_JOINER, text)


def escape_markdown(text: object) -> str:
    """Roadmap text for a Markdown document or element: shown as typed, never as markup or a link."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", defuse_links(clean(text)))


def for_terminal(text: object) -> str:
    """One line for a terminal: control characters (ESC starts every escape sequence) removed."""
    return " ".join(clean(text).split())


class CleanLogRecords(logging.Filter):
    """Removes control characters from log messages, so a roadmap cell cannot forge log lines or send
    escape codes to whoever reads the log in a terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg = _CONTROL.sub("", message).replace("\n", " ").replace("\r", " ")
        record.args = None
        return True
