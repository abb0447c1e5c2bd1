"""Text from a roadmap made safe for where it goes: charts, the brief, logs, a terminal, Markdown.

A roadmap cell can hold anything: control characters (one made the chart renderer abort the server),
terminal escape sequences, Markdown and HTML, bare links. These helpers are pure and cheap.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# C0 controls except tab, line feed and CR; DEL; C1 controls (ESC's 8-bit twin \x9b among them); the
# Unicode bidirectional overrides and isolates that can make a name read backwards ("Trojan Source",
# CVE-2021-42574); U+FFFE/U+FFFF and lone surrogates, which XML (so an XLSX cell) cannot hold.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
# The same set for Arrow's RE2 over a whole column (Arrow text is valid UTF-8, so it holds no surrogates).
CONTROL_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{202a}-\x{202e}\x{2066}-\x{2069}\x{fffe}\x{ffff}]"
# The characters that start Markdown syntax: emphasis, code, links and images, headings, lists, tables,
# HTML and entities, and Streamlit's own :color[...] directives and $math$. CommonMark (spec 0.31, section
# 2.4) lets any ASCII punctuation be backslash-escaped, and an escaped one is always shown as itself.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# Renderers auto-link bare URLs, www. addresses and e-mail addresses (GFM's autolink literals: Streamlit's
# Markdown, GitHub) even after escaping, since they work on the text the escapes stand for. Their patterns
# need "://", "www." and "@" followed by a domain; a word joiner (U+2060, invisible, no break) put *inside*
# the first two ("http:⁠//", "ww⁠w.") and after the "@" leaves none of them to find. After "://" or
# "www." it is not enough: the parser takes the joiner as the first letter of a domain (a live link to
# http://www.%E2%81%A0evil.example, which the browser opens as www.evil.example).
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=ww)(?=w\.)|(?<=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def clean(text: object) -> str:
    """The text without control characters (tab and line breaks are kept)."""
    return _CONTROL.sub("", str(text))


def clean_series(values: pd.Series, text: pd.Series | None = None) -> pd.Series:
    """clean() over a column of text; missing values stay missing; a column with nothing to clean comes back
    as it is (found by Arrow over the whole column: a regex per cell cost seconds on a million rows). `text`
    is the column as text when the caller has it already."""
    if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return values
    text = values.astype("str") if text is None else text
    arr = pa.array(text, type=pa.large_string(), from_pandas=True)
    if not arrow_has_controls(arr) or not pc.any(pc.match_substring_regex(arr, CONTROL_RE2)).as_py():
        return values
    cleaned = pd.Series(pc.replace_substring_regex(arr, CONTROL_RE2, "").to_pandas(types_mapper=_as_str),
                        index=values.index)
    if values.dtype == object:  # numbers in a mixed column stay numbers
        keep = np.fromiter((not isinstance(v, str) for v in values), dtype=bool, count=len(values))
        return cleaned.astype(object).where(~keep, values)
    return cleaned.where(values.notna(), values)


def arrow_has_controls(arr: pa.Array | pa.ChunkedArray) -> bool:
    """Whether an Arrow text column may hold anything clean() removes, by utf8_has_controls() over the bytes
    behind its cells: no false "no", and a column of long sentences is passed at memory speed (the RE2 scan
    took 16 ms a column of 100,000 verdict sentences, this about 1 ms). A "yes" may come from bytes outside a
    sliced array, so the caller confirms it cell by cell."""
    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else (arr,):
        data = chunk.buffers()[2] if chunk.type in (pa.string(), pa.large_string()) else None
        if data is None:
            if chunk.type not in (pa.string(), pa.large_string()) and len(chunk):
                return True  # not text Arrow can hand over as bytes: let the regex decide
            continue
        if utf8_has_controls(memoryview(data)):
            return True
    return False


def one_array(values: pd.Series) -> pa.Array:
    """A text column as one Arrow large-string array: pandas may hold it in several chunks, which some Arrow
    calls (concat_arrays, take on a sliced result) refuse or pay for again."""
    arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _as_str(arrow_type: pa.DataType) -> object:
    return pd.StringDtype(storage="pyarrow", na_value=np.nan) if pa.types.is_large_string(arrow_type) else None


def clean_name(text: object) -> str:
    """A person's or a scenario's name as saved: control and format characters (bidi marks and overrides,
    zero-width characters) removed and spaces collapsed, since they would hide or reverse the name in every
    list it shows in."""
    visible = "".join(c for c in clean(text) if unicodedata.category(c) not in ("Cc", "Cf") or c in " \t\n")
    return " ".join(visible.split())


def defuse_links(text: str) -> str:
    """A word joiner inside each "://" and "www." and after each "@", so no renderer turns the text into a
    link while a reader still sees it as typed."""
    return _AUTOLINK.sub(WORD_JOINER, text)


# Every byte of UTF-8 text except those that can begin a control character, a bidi override or U+FFFE/F:
# deleting them leaves nothing when there is nothing to clean, at memory speed (a regex over a 30 MB CSV
# took half a second).
_SAFE_BYTES = bytes(b for b in range(256) if not (b < 0x20 and b not in (9, 10, 13) or b in (0x7F, 0xC2, 0xE2, 0xEF)))


def utf8_has_controls(data: bytes | memoryview) -> bool:
    """Whether UTF-8 bytes hold anything clean() removes, without decoding or a regex (0.3 s over a 28 MB
    roadmap; this about 0.03 s): a delete-translate keeps only the bytes that can begin one, and only the lead
    bytes found are looked at, with NumPy, for what follows them (C1 controls after 0xC2, bidi overrides and
    isolates after 0xE2, U+FFFE/F after 0xEF)."""
    raw = data if isinstance(data, bytes) else bytes(data)
    suspects = set(raw.translate(None, _SAFE_BYTES))
    if not suspects:
        return False
    if any(b < 0x20 or b == 0x7F for b in suspects):
        return True
    arr = np.frombuffer(raw, dtype=np.uint8)
    if 0xC2 in suspects:
        at = np.flatnonzero(arr[:-1] == 0xC2)
        if ((arr[at + 1] >= 0x80) & (arr[at + 1] <= 0x9F)).any():
            return True
    if 0xE2 in suspects:
        at = np.flatnonzero(arr[:-2] == 0xE2)
        second, third = arr[at + 1], arr[at + 2]
        if (((second == 0x80) & (third >= 0xAA) & (third <= 0xAE))
                | ((second == 0x81) & (third >= 0xA6) & (third <= 0xA9))).any():
            return True
    if 0xEF in suspects:
        at = np.flatnonzero(arr[:-2] == 0xEF)
        if ((arr[at + 1] == 0xBF) & ((arr[at + 2] == 0xBE) | (arr[at + 2] == 0xBF))).any():
            return True
    return False


def clean_output(data: str | bytes) -> str:
    """A whole document for a terminal or a pipe (the CLI's stdout) without control characters; line breaks
    and tabs kept."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    if not utf8_has_controls(raw):
        return raw.decode("utf-8") if isinstance(data, bytes) else data
    return clean(raw.decode("utf-8", "replace") if isinstance(data, bytes) else data)


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
