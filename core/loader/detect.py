"""Detect and decode: what kind of file a roadmap is, its text encoding and its CSV delimiter.

Files that are not a table at all are refused here with `RoadmapError`, one sentence for the user.
"""

from __future__ import annotations

import csv
import io
from itertools import islice
from pathlib import Path
from typing import IO

DELIMITERS = (",", ";", "\t", "|")

_MAGIC = {
    b"\x89PNG": "a PNG image, not a CSV or XLSX table",
    b"\xff\xd8\xff": "a JPEG image, not a CSV or XLSX table",
    b"GIF8": "a GIF image, not a CSV or XLSX table",
    b"%PDF": "a PDF document, not a CSV or XLSX table",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word file, not a CSV or XLSX table; save it as .xlsx or CSV",
    b"\x1f\x8b": "a gzip archive, not a CSV or XLSX table",
    b"PK\x03\x04": None,  # zip container: XLSX, or some other zip
}


class RoadmapError(ValueError):
    """The file cannot be read as a roadmap. The message is one sentence for the user."""

    def __init__(self, message: str, headers: list[str] | None = None):
        super().__init__(message)
        self.headers = headers or []


def read_source(source: str | Path | bytes | IO[bytes]) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, "upload"
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), path.name
        except FileNotFoundError:
            raise RoadmapError(f"There is no file at {path}.") from None
        except IsADirectoryError:
            raise RoadmapError(f"{path} is a folder, not a roadmap file.") from None
        except OSError as exc:
            raise RoadmapError(f"Cannot read {path}: {exc.strerror}.") from None
    return source.read(), getattr(source, "name", "upload")


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise RoadmapError("The file says it is UTF-16 text but cannot be decoded as such.") from None
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without a byte-order mark: every other byte of ASCII text is NUL.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) > 0.4 * (len(head) / 2) and min(even, odd) < 0.05 * (len(head) / 2):
            enc = "utf-16-le" if odd > even else "utf-16-be"
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                pass
        # A stray NUL in one cell of a text export must not cost every other row; many NULs mean binary.
        if head.count(0) > 0.02 * len(head):
            raise RoadmapError("This file is binary data, not a CSV or XLSX table.")
    # UTF-8 first, then the Windows code page Excel uses, then latin-1, which decodes any byte.
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    # csv.Sniffer guesses badly on short files with title rows and money like "1,200";
    # a count of each candidate that is consistent across rows is more reliable here. Rows are read as
    # CSV records, so a quoted cell holding line breaks (or a Unicode line separator) stays one row.
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for d in DELIMITERS:
        try:
            rows = [r for r in islice(csv.reader(io.StringIO(sample, newline=""), delimiter=d), 60) if "".join(r).strip()]
        except csv.Error:
            continue
        nonzero = [len(r) - 1 for r in rows if len(r) > 1]
        if not nonzero:
            continue
        mode = max(set(nonzero), key=nonzero.count)
        score = (nonzero.count(mode), mode)
        if score > best_score:
            best, best_score = d, score
    return best


def sniff_kind(data: bytes, name: str) -> str:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            if what is None:
                return "xlsx"
            raise RoadmapError(f"This file is {what}.")
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise RoadmapError("The file is named .xlsx but is not an Excel workbook; export it again as XLSX or CSV.")
    return "csv"


def looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return control / len(sample) > 0.02 or "\ufffd" in sample[:512] and sample.count("\ufffd") > 8


def quote(cell: str, limit: int = 40) -> str:
    """A cell as shown inside an error sentence: on one line and short."""
    text = " ".join(cell.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
