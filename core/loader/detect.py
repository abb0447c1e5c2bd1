"""Detect and decode: what kind of file a roadmap is, its text encoding and its CSV delimiter.

Files that are not a table at all are refused here with `RoadmapError`, one sentence for the user.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from itertools import islice
from pathlib import Path
from typing import IO

from core import limits

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
    """The file's bytes and name, refused before reading when larger than the input limit."""
    cap = limits.MAX_INPUT_BYTES.value
    if isinstance(source, bytes):
        data, name = source, "upload"
    elif isinstance(source, (str, Path)):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > cap:
                raise RoadmapError(limits.over(limits.MAX_INPUT_BYTES, f"The file holds {size:,} bytes"))
            return path.read_bytes(), path.name
        except FileNotFoundError:
            raise RoadmapError(f"There is no file at {quote(str(path), 120)}.") from None
        except IsADirectoryError:
            raise RoadmapError(f"{quote(str(path), 120)} is a folder, not a roadmap file.") from None
        except OSError as exc:
            raise RoadmapError(f"Cannot read {quote(str(path), 120)}: {exc.strerror}.") from None
    else:
        data, name = source.read(cap + 1), getattr(source, "name", "upload")
    if len(data) > cap:
        raise RoadmapError(limits.over(limits.MAX_INPUT_BYTES, f"The file holds more than {cap:,} bytes"))
    return data, name


# A multi-byte UTF-8 sequence: a lead byte and its continuation bytes. cp1252 text almost never holds one.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
MIXED_ENCODING = "utf-8 and cp1252"


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, notices): BOMs first, then UTF-16 without a BOM, UTF-8, cp1252 and latin-1.

    A file that mixes UTF-8 lines with cp1252 lines (a UTF-8 export edited in an old tool) is decoded
    line by line, and the notice names the cp1252 lines, so "Zürich" never turns into "ZÃ¼rich" silently.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", []
        except UnicodeDecodeError:
            return _per_line(data[3:])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            raise RoadmapError("The file says it is UTF-16 text but cannot be decoded as such.") from None
    head = data[:4096]
    if b"\x00" in head:
        found = _utf16_without_bom(data, head)
        if found is not None:
            return found
        # A stray NUL in one cell of a text export must not cost every other row; many NULs mean binary.
        if head.count(0) > 0.02 * len(head):
            raise RoadmapError("This file is binary data, not a CSV or XLSX table.")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        return _per_line(data)
    # The Windows code page Excel uses, then latin-1, which decodes any byte.
    try:
        return data.decode("cp1252"), "cp1252", []
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", []


def _per_line(data: bytes) -> tuple[str, str, list[str]]:
    lines = data.split(b"\n")
    out, legacy = [], []
    for number, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            legacy.append(number)
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                out.append(line.decode("latin-1"))
    if len(legacy) == len(lines):
        return "\n".join(out), "cp1252", []
    shown = ", ".join(map(str, legacy[:10])) + (f" and {len(legacy) - 10:,} more" if len(legacy) > 10 else "")
    notice = (f"The file mixes two text encodings: line{'s' if len(legacy) > 1 else ''} {shown} "
              "were read as Windows-1252 (cp1252) and the rest as UTF-8; check accented names on those lines.")
    return "\n".join(out), MIXED_ENCODING, [notice]


def _utf16_without_bom(data: bytes, head: bytes) -> tuple[str, str, list[str]] | None:
    """UTF-16 text without a byte-order mark. ASCII characters (delimiters, line breaks, Latin headers)
    put a NUL in every other byte, all on one side; CJK text has few such characters, so the test is which
    side the NULs fall on, and whether the decoded text reads as text."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if max(even, odd) < 0.05 * len(head) / 2 or min(even, odd) > 0.1 * max(even, odd) or len(data) % 2:
        return None
    enc = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    sample = text[:2048]
    # Decoded the right way, the NULs' partners are line breaks and delimiters; the wrong way, none is left.
    if not any(ch in sample for ch in "\n\r,;\t|"):
        return None
    unreadable = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t")
                     or unicodedata.category(ch) in ("Cn", "Co", "Cs"))
    return (text, enc, []) if unreadable <= 0.02 * len(sample) else None


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
