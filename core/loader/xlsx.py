"""Read an XLSX workbook into a grid of text cells, bounded before and while reading.

A workbook is a zip of XML parts, so a few kilobytes can stand for gigabytes: a cell at XFD1048576 makes
a padded reader build 17 billion cells, and one shared string can unzip to 1.2 GB. So the zip is checked
first, its cells counted in the unzipped bytes (xlsx_bounds), then the sheet's declared dimension, and
the cells are checked again as openpyxl's read-only parser streams them; the grid is only built once its
size is known to be within the limits.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd

from core import limits
from core.loader.detect import RoadmapError
from core.loader.read import HEADER_SCAN_ROWS, find_header
from core.loader.xlsx_bounds import cell_limit, check_zip
from core.loader.xlsx_bounds import excerpt as _excerpt

__all__ = ["check_zip", "read_xlsx"]


def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class FormulaAwareParser(WorkSheetParser):
        """openpyxl's sheet parser, noting formula cells saved without a result (data_only reads them as
        blank, which would lose the figure without a word)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.uncached: list[tuple[int, int]] = []

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                self.uncached.append((cell["row"], cell["column"]))
            return cell

    return FormulaAwareParser


def _ref(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _cell_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v)


def _check_dimension(ws) -> None:
    """The sheet's own declaration of its used range, refused before any cell is read when too big."""
    rows, cols = ws.max_row, ws.max_column
    if rows is None or cols is None:
        return  # no <dimension> element: the cells are counted while they stream
    where = f"The sheet '{_excerpt(ws.title)}' declares the range A1:{_ref(rows, cols)}"
    if rows > limits.MAX_ROWS.value:
        raise RoadmapError(limits.over(limits.MAX_ROWS, f"{where} ({rows:,} rows)"))
    if cols > limits.MAX_COLUMNS.value:
        raise RoadmapError(limits.over(limits.MAX_COLUMNS, f"{where} ({cols:,} columns)"))
    if rows * cols > cell_limit().value:
        raise RoadmapError(limits.over(cell_limit(), f"{where} ({rows * cols:,} cells)"))


def _stream(wb, ws, max_rows: int | None = None) -> tuple[list[tuple[int, list[tuple[int, str]]]], list[str]]:
    """(row number, [(column, text)]) for the filled cells of a sheet, and notices about what was found;
    every limit checked as the cells arrive."""
    _check_dimension(ws)
    parser = _parser_class()(wb._archive.open(ws._worksheet_path), ws._shared_strings, data_only=True,
                             epoch=wb.epoch, date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    max_rows_limit, max_cols, max_chars = limits.MAX_ROWS.value, limits.MAX_COLUMNS.value, limits.MAX_CELL_CHARS.value
    max_cells_limit = cell_limit()
    max_cells = max_cells_limit.value
    # Every cell of every sheet was counted before this parser started (xlsx_bounds.check_zip): no count here.
    width = 0
    out: list[tuple[int, list[tuple[int, str]]]] = []
    try:
        for idx, row in parser.parse():
            if max_rows is not None and idx > max_rows:
                break
            if idx > max_rows_limit:
                raise RoadmapError(limits.over(limits.MAX_ROWS, f"The sheet '{_excerpt(ws.title)}' has a row {idx:,}"))
            kept = []
            for cell in row:
                v = cell["value"]
                if v is None:
                    continue
                col = cell["column"]
                if col > max_cols:
                    raise RoadmapError(limits.over(limits.MAX_COLUMNS, f"Cell {_ref(idx, col)} is in column {col:,}"))
                text = _cell_text(v)
                if len(text) > max_chars:
                    raise RoadmapError(limits.over(limits.MAX_CELL_CHARS,
                                                   f"Cell {_ref(idx, col)} holds {len(text):,} characters"))
                kept.append((col, text))
            if kept:
                out.append((idx, kept))
                width = max(width, kept[-1][0])
                if idx * width > max_cells:
                    raise RoadmapError(limits.over(max_cells_limit, (
                        f"The cells of sheet '{_excerpt(ws.title)}' span A1:{_ref(idx, width)} "
                        f"({idx * width:,} cells)")))
    finally:
        parser.source.close()
    notices = []
    if parser.uncached:
        first = ", ".join(_ref(r, c) for r, c in parser.uncached[:5])
        more = f" and {len(parser.uncached) - 5:,} more" if len(parser.uncached) > 5 else ""
        n = len(parser.uncached)
        notices.append(f"{n:,} cell{'s hold' if n > 1 else ' holds'} a formula saved without its result "
                       f"({first}{more}), read as blank; open the file in Excel and save it again to keep the figures.")
    merged = getattr(parser, "merged_cells", None)
    if merged is not None and max_rows is None:
        notices += _merged_notice(merged)
        out = _fill_merged(out, merged)
    return out, notices


def _merged_ranges(merged) -> list[tuple[int, int, int, int]]:
    from openpyxl.utils.cell import range_boundaries

    out = []
    for m in merged.mergeCell:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(m.ref)
        except (TypeError, ValueError):
            continue
        out.append((min_row, min_col, max_row, max_col))
    return out


def _merged_notice(merged) -> list[str]:
    ranges = _merged_ranges(merged)
    if not ranges:
        return []
    shown = ", ".join(f"{_ref(r0, c0)}:{_ref(r1, c1)}" for r0, c0, r1, c1 in ranges[:5])
    more = f" and {len(ranges) - 5:,} more" if len(ranges) > 5 else ""
    n = len(ranges)
    return [f"{n:,} range{'s' if n > 1 else ''} of merged cells ({shown}{more}) {'were' if n > 1 else 'was'} "
            "unmerged: each cell now holds the value of the range's first cell."]


def _fill_merged(rows, merged):
    """Every cell of a merged range carries the range's first value (Excel keeps it only in the first)."""
    ranges = _merged_ranges(merged)
    if not ranges:
        return rows
    grid = {idx: dict(cells) for idx, cells in rows}
    last_row = max(grid, default=0)
    last_col = max((c for cells in grid.values() for c in cells), default=0)
    for r0, c0, r1, c1 in ranges:
        value = grid.get(r0, {}).get(c0)
        if value is None:
            continue
        # Clipped to the filled area, so a merge over a whole column cannot grow the grid.
        for r in range(r0, min(r1, last_row) + 1):
            row = grid.setdefault(r, {})
            for c in range(c0, min(c1, last_col) + 1):
                row.setdefault(c, value)
    return [(idx, sorted(grid[idx].items())) for idx in sorted(grid)]


def _grid(rows) -> pd.DataFrame:
    height = rows[-1][0] if rows else 0
    width = max((cells[-1][0] for _, cells in rows), default=0)
    arr = np.full((height, width), "", dtype=object)
    for idx, cells in rows:
        for col, text in cells:
            arr[idx - 1, col - 1] = text
    return pd.DataFrame(arr, dtype="str")


def read_xlsx(data: bytes, sheet: str | None) -> tuple[pd.DataFrame, str, list[str]]:
    """(grid of text cells, sheet title, notices) for the named sheet, or the first with a roadmap header."""
    from openpyxl import load_workbook  # lazy: only XLSX inputs pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise RoadmapError(f"This zip file is not a readable XLSX workbook ({type(exc).__name__}).") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on corrupt zips and bad XML
        raise RoadmapError(f"This file could not be opened as an XLSX workbook ({type(exc).__name__}).") from None
    try:
        sheets = wb.worksheets
        if not sheets:
            raise RoadmapError("The workbook has no sheets; open it in Excel, add the roadmap sheet and save it again.")
        names = [ws.title for ws in sheets]
        if sheet is None:
            ws = _best_sheet(wb, sheets)
        elif sheet in names:
            ws = sheets[names.index(sheet)]
        else:
            listed = ", ".join(_excerpt(n) for n in names[:20])
            raise RoadmapError(f"The workbook has no sheet named '{_excerpt(sheet)}'; its sheets are: {listed}.")
        try:
            rows, notices = _stream(wb, ws)
        except RoadmapError:
            raise
        except Exception as exc:  # noqa: BLE001 - damaged XML (bad entities, bad numbers) in one sheet
            raise RoadmapError(f"The sheet '{_excerpt(ws.title)}' could not be read ({type(exc).__name__}); "
                               "open the file in Excel and save it again.") from None
        title = ws.title
    finally:
        wb.close()
    return _grid(rows), title, notices


def _best_sheet(wb, sheets):
    # The first sheet whose top rows hold a recognizable header; else the first sheet.
    for ws in sheets:
        try:
            rows, _ = _stream(wb, ws, max_rows=HEADER_SCAN_ROWS)
        except RoadmapError:
            continue  # over a limit: read it only when it is the one chosen, so the message names it
        except Exception:  # noqa: BLE001, S112 - a damaged sheet is simply not the roadmap sheet
            continue
        head = _grid(rows).to_numpy().tolist()
        if head and find_header(head, {})[0] is not None:
            return ws
    return sheets[0]
