"""Bounds on an XLSX workbook before any XML parser sees it: its parts and their unzipped sizes, and the
cells, rows and elements of every part, counted while the decompression streams.

A sheet's <dimension> tag is the writer's word, not a count: a 316 KB workbook whose tag said A1:B2 held
9.9 million cells and cost the app 102 s and 1.9 GB before its limit was reached (issue 17). Counting the
tags in the unzipped bytes (bytes.count, no parser) costs about as much as unzipping them, so an over-limit
file is refused after reading only as many bytes as the limit's worth of cells: a fraction of a second and
a few megabytes.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from core import limits
from core.loader.detect import RoadmapError

_CHUNK = 1 << 20
# Each cell is at least one element (<c/>), most are two or three (<c><v>, <c><is><t>); a rich inline string a
# few more. Past this many elements per allowed cell, a part costs the parser more than a full sheet would.
ELEMENTS_PER_CELL = 8
# And what any workbook holds besides its cells: styles, theme, relations (openpyxl's own: about 300 elements).
ELEMENTS_FIXED = 10_000
# Long enough to hold any tag the fast counts look for, so a tag cut by a chunk boundary is still counted.
_TAIL = 16
_WHITE = (b" ", b">", b"/", b"\n", b"\t", b"\r")
_CELL_TAGS = tuple(b"<c" + w for w in _WHITE)
_STRING_TAGS = tuple(b"<si" + w for w in _WHITE)
# Namespace prefixes (<x:c r="A1">) are rare and need a regex; chunks without ":c" or ":si" skip it.
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(c|si)[\s/>]")


def cell_limit() -> limits.Limit:
    """The binding limit on the cells of a workbook: the XLSX one, or the general one when set lower."""
    return min(limits.MAX_XLSX_CELLS, limits.MAX_CELLS, key=lambda lim: lim.value)


def excerpt(text: str, limit: int = 40) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Counter:
    """Counts, chunk by chunk, the cells (<c>), shared strings (<si>) and XML elements of a whole workbook;
    raises RoadmapError as soon as one of them is over its limit.

    Workbook-wide, because opening a workbook costs openpyxl every sheet: it parses each sheet that has no
    <dimension> tag in full to find its size, and every shared string, whichever sheet is read. Elements are
    counted too, so nothing else (millions of empty rows, merged ranges) can stand in for cells. Rows are
    left to the sheet's own checks, which can name the sheet.
    """

    def __init__(self) -> None:
        self.cells = self.strings = self.elements = 0
        self.tail = b""
        self.max_cells = cell_limit()
        self.max_elements = ELEMENTS_PER_CELL * self.max_cells.value + ELEMENTS_FIXED

    def start(self) -> None:
        """A new part begins: no tag runs across parts."""
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        buf, old = self.tail + chunk, self.tail
        # count(buf) - count(old): the tags that end past the old tail, each counted once (a tag holds one "<").
        self.cells += _count(buf, _CELL_TAGS) - _count(old, _CELL_TAGS)
        self.strings += _count(buf, _STRING_TAGS) - _count(old, _STRING_TAGS)
        if b":c" in buf or b":si" in buf:
            for m in _PREFIXED.finditer(buf):
                if m.end() > len(old):
                    self.cells += m.group(1) == b"c"
                    self.strings += m.group(1) == b"si"
        self.elements += chunk.count(b"<") - chunk.count(b"</")
        self.tail = buf[-_TAIL:]
        self._check()

    def _check(self) -> None:
        cap = self.max_cells.value
        if self.cells > cap:
            raise RoadmapError(limits.over(self.max_cells, f"The workbook holds over {cap:,} cells"))
        if self.strings > cap:
            raise RoadmapError(limits.over(self.max_cells, f"The workbook holds over {cap:,} different texts"))
        if self.elements > self.max_elements:
            raise RoadmapError(limits.over(self.max_cells, (
                f"The workbook holds over {self.max_elements:,} XML elements ({ELEMENTS_PER_CELL} for each cell "
                f"the limit allows and {ELEMENTS_FIXED:,} more)")))


def _count(buf: bytes, tags: tuple[bytes, ...]) -> int:
    return sum(buf.count(t) for t in tags)


def check_zip(data: bytes) -> None:
    """Refuse a zip whose parts, declared or actually unzipped, add up to more than the limit, or that holds
    more cells, shared strings or XML elements than a workbook may."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RoadmapError(f"This zip file is not a readable XLSX workbook ({type(exc).__name__}).") from None
    with archive:
        members = archive.infolist()
        cap = limits.MAX_XLSX_UNCOMPRESSED.value
        if len(members) > limits.MAX_XLSX_MEMBERS.value:
            raise RoadmapError(limits.over(limits.MAX_XLSX_MEMBERS, f"The workbook holds {len(members):,} parts"))
        declared = sum(m.file_size for m in members)
        if declared > cap:
            biggest = max(members, key=lambda m: m.file_size)
            raise RoadmapError(limits.over(
                limits.MAX_XLSX_UNCOMPRESSED,
                f"The workbook unzips to {declared:,} bytes ({excerpt(biggest.filename)} alone {biggest.file_size:,})"))
        # The declared sizes can lie. zipfile stops at the declared size and then fails the CRC check, but
        # counting what actually comes out keeps the bound independent of that detail. Every part is counted,
        # not only those named like sheets: the workbook's relations may point anywhere.
        actual = 0
        counter = Counter()
        for m in members:
            counter.start()
            try:
                with archive.open(m) as fh:
                    while chunk := fh.read(_CHUNK):
                        actual += len(chunk)
                        if actual > cap:
                            raise RoadmapError(limits.over(limits.MAX_XLSX_UNCOMPRESSED,
                                                           "The workbook unzips to more bytes than it declares"))
                        counter.feed(chunk)
            except RoadmapError:
                raise  # a ValueError too, but already the sentence to show
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
                raise RoadmapError(f"A part of this workbook is damaged ({type(exc).__name__}); "
                                   "open it in Excel and save it again.") from None
