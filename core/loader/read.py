"""Read: CSV text into a grid of text cells (through pyarrow or pandas), bounded by the limits, and find
the header row in a grid. XLSX workbooks are read by core.loader.xlsx.
"""

from __future__ import annotations

import csv
import io
import re
from warnings import catch_warnings, simplefilter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from core import limits
from core.loader.detect import RoadmapError
from core.vocab import match_header, vocab

HEADER_SCAN_ROWS = 30


def _count_outside_quotes(line: str, delim: str) -> int:
    return sum(1 for i, part in enumerate(line.split('"')) if i % 2 == 0 for _ in range(part.count(delim)))


def _head_width(text: str, delim: str) -> int:
    """Fields in the widest of the first 200 lines (a quick count, checked by the readers)."""
    head = text[:262144].splitlines()[:200]
    return max((_count_outside_quotes(ln, delim) for ln in head), default=0) + 1


def check_text(text: str, delim: str) -> None:
    """Refuse text with more rows, columns or cells than the limits allow, before any table is built."""
    lines = max(text.count("\n"), text.count("\r")) + (0 if text.endswith(("\n", "\r")) else 1)
    if lines > limits.MAX_ROWS.value:
        raise RoadmapError(limits.over(limits.MAX_ROWS, f"The file has {lines:,} lines"))
    width = _head_width(text, delim)
    _check_width(width, lines)


def _check_width(width: int, lines: int) -> None:
    if width > limits.MAX_COLUMNS.value:
        raise RoadmapError(limits.over(limits.MAX_COLUMNS, f"A row has {width:,} columns"))
    if width * lines > limits.MAX_CELLS.value:
        raise RoadmapError(limits.over(limits.MAX_CELLS, f"{lines:,} rows of {width:,} columns make "
                                                         f"{width * lines:,} cells"))


def check_cells(frame: pd.DataFrame, text_chars: int) -> None:
    """Refuse a table with a cell longer than the limit, naming the row and column."""
    cap = limits.MAX_CELL_CHARS.value
    _check_width(frame.shape[1], len(frame))
    if text_chars <= cap:
        return  # no cell can be longer than the whole text
    for pos in range(frame.shape[1]):
        lengths = frame.iloc[:, pos].str.len()
        if len(lengths) and lengths.max() > cap:
            row = int(lengths.to_numpy().argmax())
            raise RoadmapError(limits.over(limits.MAX_CELL_CHARS,
                                           f"The cell on row {row + 1:,}, column {pos + 1:,} holds "
                                           f"{int(lengths.iloc[row]):,} characters"))


def read_csv_arrow(text: str, delim: str, utf8: bytes | memoryview | None = None) -> pd.DataFrame | None:
    """pyarrow's multi-threaded reader, for files whose every line has the same number of fields.

    `utf8` is the text's own UTF-8 bytes when the file has them, read in place instead of encoding `text`.

    Returns None when a line differs (a blank line, a short note, a wider row): the careful reader
    below keeps those lines in place, so row numbers stay right and no cell is lost.
    """
    width = _head_width(text, delim)
    names = [str(i) for i in range(width)]
    odd: list[int] = []

    def on_invalid(_row: object) -> str:
        odd.append(1)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(utf8 if utf8 is not None else text.encode("utf-8"))),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char='"', double_quote=True,
                                             newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeError):
        return None
    if odd or table.num_rows == 0:
        return None
    # A line break inside a cell may be an unclosed quote that swallowed the lines after it (Arrow reads
    # to the end of the file without a word); the careful reader refuses such a file instead. One record
    # per line means no cell holds a line break, which is far cheaper to count than to search for.
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if table.num_rows != lines:
        return None
    frame = table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
    frame.columns = range(width)
    return frame


def read_csv_text(text: str, delim: str) -> pd.DataFrame:
    width = _head_width(text, delim)
    for _ in range(5):
        try:
            with catch_warnings():
                # pandas drops the cells of a row wider than `names` with only a warning: never lose cells.
                simplefilter("error", pd.errors.ParserWarning)
                return pd.read_csv(
                    io.StringIO(text), sep=delim, header=None, names=range(width), dtype="str",
                    keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c",
                    quotechar='"', index_col=False,
                )
        except pd.errors.ParserWarning:
            # A stray quote or a line break inside a cell fooled the quick count: count fields properly.
            width = max(width + 1, _field_count(text, delim))
            _check_width(width, len(text.splitlines()) or 1)
        except pd.errors.ParserError as exc:
            # A later row is wider than the first 200: widen and read again.
            m = re.search(r"saw (\d+)", str(exc))
            if not m:
                break
            width = int(m.group(1))
            _check_width(width, len(text.splitlines()) or 1)
        except pd.errors.EmptyDataError:
            raise RoadmapError("The file is empty.") from None
    raise RoadmapError("The file could not be split into rows and columns; check that it is a CSV export.")


def _field_count(text: str, delim: str) -> int:
    try:
        return max((len(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim)), default=0)
    except csv.Error:
        return 0


def _header_map(headers: list[str], overrides: dict[str, str]) -> dict[int, str]:
    """Column position -> canonical name; the first header that claims a column wins."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    for pos, h in enumerate(headers):
        target = overrides[h] if h in overrides else match_header(h)
        if target and target in vocab().columns and target not in taken:
            out[pos] = target
            taken.add(target)
    return out


def find_header(rows: list[list[str]], overrides: dict[str, str]) -> tuple[int | None, dict[int, str]]:
    best: tuple[int | None, dict[int, str]] = (None, {})
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = _header_map([str(c).strip() for c in row], overrides)
        names = set(mapping.values())
        if not names & {"project", "approach"}:
            continue
        if len(mapping) > len(best[1]) and (len(mapping) >= 2 or len(rows) == 1):
            best = (i, mapping)
    return best
