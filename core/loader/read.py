"""Read: a roadmap file into a grid of text cells (CSV through pyarrow or pandas, XLSX through openpyxl),
and find the header row in it.
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

from core.loader.detect import RoadmapError
from core.vocab import normalize_header, vocab

HEADER_SCAN_ROWS = 30


def _count_outside_quotes(line: str, delim: str) -> int:
    return sum(1 for i, part in enumerate(line.split('"')) if i % 2 == 0 for _ in range(part.count(delim)))


def _head_width(text: str, delim: str) -> int:
    """Fields in the widest of the first 200 lines (a quick count, checked by the readers)."""
    head = text[:262144].splitlines()[:200]
    return max((_count_outside_quotes(ln, delim) for ln in head), default=0) + 1


def read_csv_arrow(text: str, delim: str) -> pd.DataFrame | None:
    """pyarrow's multi-threaded reader, for files whose every line has the same number of fields.

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
            io.BytesIO(text.encode("utf-8")),
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
        except pd.errors.ParserError as exc:
            # A later row is wider than the first 200: widen and read again.
            m = re.search(r"saw (\d+)", str(exc))
            if not m:
                break
            width = int(m.group(1))
        except pd.errors.EmptyDataError:
            raise RoadmapError("The file is empty.") from None
    raise RoadmapError("The file could not be split into rows and columns; check that it is a CSV export.")


def _field_count(text: str, delim: str) -> int:
    try:
        return max((len(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim)), default=0)
    except csv.Error:
        return 0


def read_xlsx(data: bytes, sheet: str | None) -> tuple[pd.DataFrame, str]:
    from openpyxl import load_workbook  # lazy: only XLSX inputs pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise RoadmapError(f"This zip file is not a readable XLSX workbook ({type(exc).__name__}).") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on corrupt zips
        raise RoadmapError(f"This file could not be opened as an XLSX workbook ({type(exc).__name__}).") from None
    try:
        names = wb.sheetnames
        if sheet is None:
            ws = _best_sheet(wb)
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise RoadmapError(f"The workbook has no sheet named '{sheet}'; its sheets are: {', '.join(names)}.")
        rows = [["" if v is None else _cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        title = ws.title
    finally:
        wb.close()
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype="str")
    return frame, title


def _cell_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v)


def _best_sheet(wb) -> object:
    # The first sheet whose top rows hold a recognizable header; else the first sheet.
    for ws in wb.worksheets:
        head = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True)]
        if find_header(head, {})[0] is not None:
            return ws
    return wb.worksheets[0]


def _header_map(headers: list[str], overrides: dict[str, str]) -> dict[int, str]:
    """Column position -> canonical name; the first header that claims a column wins."""
    index = vocab().header_index
    out: dict[int, str] = {}
    taken: set[str] = set()
    for pos, h in enumerate(headers):
        target = overrides[h] if h in overrides else index.get(normalize_header(h), "")
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
