"""Reads a roadmap file (CSV in any common dialect, or XLSX) into canonical, typed project rows.

Every input row ends up either in `Roadmap.projects` or in `report.rejected` with its reason.
Files that are not a table at all raise `RoadmapError` with one sentence for the user.
The work is done in three steps, one module each: detect and decode, read, validate.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pandas as pd

from core import text
from core.loader import detect, read, xlsx
from core.loader.detect import RoadmapError, quote
from core.loader.read import HEADER_SCAN_ROWS, find_header
from core.loader.validate import LoadReport, Roadmap, build, slug

__all__ = ["LoadReport", "Roadmap", "RoadmapError", "load_roadmap", "slug"]


def load_roadmap(
    source: str | Path | bytes | IO[bytes],
    *,
    name: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
) -> Roadmap:
    """Load a roadmap file. `mapping` overrides the inferred header -> canonical column mapping
    (map a header to "" to keep it as an unrecognized column)."""
    data, source_name = detect.read_source(source)
    source_name = name or source_name
    overrides = dict(mapping or {})
    if not data.strip():
        raise RoadmapError("The file is empty.")
    encoding = delim = sheet_title = ""
    kind = detect.sniff_kind(data, source_name)
    if kind == "xlsx":
        raw, sheet_title, notices = xlsx.read_xlsx(data, sheet)
        controls = True
    else:
        raw, encoding, delim, notices = _read_csv(data)
        # A UTF-8 file is checked as bytes at memory speed; cleaning looks at every column (0.3 s a 200,000-row
        # file) only when it holds something to clean, or when its encoding is another.
        controls = not encoding.startswith("utf-8") or text.utf8_has_controls(data)
    # From here on only the cells are needed: a million-row file's bytes and text are hundreds of MB,
    # and handing them back before validation lets it reuse that memory instead of asking for more.
    del data
    if raw.empty:
        raise RoadmapError("The file has no rows.")
    if controls:
        raw = _clean_cells(raw)
    head = raw.head(HEADER_SCAN_ROWS).to_numpy().tolist()
    header_pos, colmap = find_header(head, overrides)
    if header_pos is None:
        first = [str(c).strip() for c in head[0] if str(c).strip()]
        shown = _listed(first).rstrip(".:") or "(blank)"
        raise RoadmapError(
            f"No column looks like a project name or an approach (the first row reads: {shown}); "
            "name the columns 'project' and 'approach', or map them on the Home page.",
            headers=first,
        )
    headers = [str(c).strip() for c in head[header_pos]]
    missing = [c for c in ("project", "approach") if c not in colmap.values()]
    if missing:
        raise RoadmapError(
            f"No column for {' or '.join(missing)} was found among the headers "
            f"({_listed([h for h in headers if h]) or 'none'}); rename one or map it on the Home page.",
            headers=[h for h in headers if h],
        )
    body = raw.iloc[header_pos + 1 :]
    if body.empty or not (body != "").to_numpy().any():
        raise RoadmapError("The file has a header row but no project rows.")
    roadmap = build(body, header_pos, headers, colmap, source_name, encoding, delim, sheet_title)
    roadmap.report.notices[:0] = notices
    if header_pos:
        # Title and note lines above the header are input rows too: list them, never drop them.
        pre = [" ".join(str(c).strip() for c in row if str(c).strip()) for row in head[:header_pos]]
        above = pd.DataFrame({
            "row": range(1, header_pos + 1), "column": "", "value": pre,
            "reason": ["above the header row (title or note)" if t else "blank row above the header" for t in pre],
        })
        roadmap.report.rejected = pd.concat([above, roadmap.report.rejected], ignore_index=True)
        roadmap.report.rows_read += header_pos
    return roadmap


def _clean_cells(raw: pd.DataFrame) -> pd.DataFrame:
    """The grid without control characters or bidi overrides, in headers and cells alike: every roadmap
    string is cleaned where it enters, so no page, store, log or download meets a NUL, an ESC or a U+202E
    (a NUL in a project name made PostgreSQL refuse every decision on it)."""
    cleaned = {pos: text.clean_series(raw.iloc[:, pos]) for pos in range(raw.shape[1])}
    changed = [pos for pos, col in cleaned.items() if col is not raw.iloc[:, pos]]
    if not changed:
        return raw
    raw = raw.copy(deep=False)
    for pos in changed:
        raw.isetitem(pos, cleaned[pos])
    return raw


def _read_csv(data: bytes) -> tuple[pd.DataFrame, str, str, list[str]]:
    """The cells of a CSV file, its encoding, delimiter and notices; its text is freed on return."""
    text, encoding, notices = detect.decode(data)
    if detect.looks_binary(text):
        raise RoadmapError("This file is binary data, not a CSV or XLSX table.")
    delim = detect.sniff_delimiter(text)
    read.check_text(text, delim)
    # A UTF-8 file goes to Arrow as the bytes it is, rather than as its text encoded once more.
    utf8 = memoryview(data)[3:] if encoding == "utf-8-sig" else data if encoding == "utf-8" else None
    raw = read.read_csv_arrow(text, delim, utf8)
    if raw is None:
        raw = read.read_csv_text(text, delim)
    read.check_cells(raw, len(text))
    return raw, encoding, delim, notices


def _listed(cells: list[str], limit: int = 160) -> str:
    """Cells quoted in an error sentence: each short, the whole list too ("and 16,380 more")."""
    out = ""
    for i, cell in enumerate(cells):
        part = quote(cell) if not out else ", " + quote(cell)
        if len(out) + len(part) > limit:
            return f"{out} and {len(cells) - i:,} more"
        out += part
    return out
