"""Writing scored tables: CSV, XLSX, JSON and Markdown, with spreadsheet formulas neutralized.

One rule for every cell and header of every CSV and XLSX: control characters are removed first
(core.text.clean), then a text cell that a spreadsheet would run as a formula (starting with = + - @, tab,
CR or line feed) gets a leading apostrophe (OWASP CSV Injection; ASVS 5.0 V1.2.10); numbers stay numbers.
In that order because a workbook cannot hold most control characters: removed after the check, the
\x01 of "\x01=HYPERLINK(...)" uncovered a live formula.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa

from core.portfolio import OUTPUT_COLUMNS
from core.text import clean, clean_series, escape_markdown

_FORMULA_CHARS = "=+-@\t\r\n"
MONEY_COLUMNS = ("tco_custom_usd", "tco_api_rag_usd", "projected_savings_usd", "tco_self_hosted_usd", "savings_people_usd",
                 "savings_serving_usd", "savings_api_usd", "savings_other_usd")


def neutralize(frame: pd.DataFrame, as_text: bool = False) -> pd.DataFrame:
    """A copy with control characters removed from every text cell and header, then every risky one
    prefixed by an apostrophe.

    With `as_text`, mixed object columns come back as their text (what a CSV writes), converted once here.
    """
    out = frame.copy(deep=False)  # columns are replaced, never written into
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            text = s.astype("str")  # once: a mixed column's text costs 12 ms a 100,000 rows
            cleaned = clean_series(s, text)
            if cleaned is not s:
                out[col] = s = cleaned
                text = s.astype("str")
            risky = _formula_start(text)
            if s.dtype == object and risky.any():
                # Mixed columns: a number such as -5 is a number, not text, and stays as it is.
                idx = np.flatnonzero(risky)
                risky[idx] = [isinstance(v, str) for v in s.iloc[idx]]
            kept = text if as_text else s
            if risky.any():
                out[col] = kept.where(~risky, "'" + text)
            elif as_text and s.dtype == object:
                out[col] = text
    heads = [clean(c) if isinstance(c, str) else c for c in out.columns]
    out.columns = [("'" + c) if isinstance(c, str) and c and c[0] in _FORMULA_CHARS else c for c in heads]
    return out


# Every formula character is ASCII, so a cell's first byte says whether it starts with one.
_FORMULA_BYTES = np.zeros(256, dtype=bool)
_FORMULA_BYTES[list(_FORMULA_CHARS.encode("ascii"))] = True


def _formula_start(text: pd.Series) -> np.ndarray:
    """Where a text cell starts with a formula character, read from the first byte of each cell in Arrow's
    buffers (a regex per cell cost about twice what Arrow's first-character kernels did, and those 1.7 ms a
    column of 100,000 rows; this a fraction of that)."""
    arr = pa.array(text, type=pa.large_string(), from_pandas=True)
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    return np.concatenate([_first_byte_risky(c) for c in chunks]) if chunks else np.zeros(0, dtype=bool)


def _first_byte_risky(chunk: pa.Array) -> np.ndarray:
    n = len(chunk)
    _, offsets_buf, data_buf = chunk.buffers()
    if n == 0 or data_buf is None:
        return np.zeros(n, dtype=bool)
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[chunk.offset:chunk.offset + n + 1]
    starts, ends = offsets[:-1], offsets[1:]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    filled = ends > starts
    risky = np.zeros(n, dtype=bool)  # a writable array: a mixed column's are edited by the caller
    risky[filled] = _FORMULA_BYTES[data[starts[filled]]]
    if chunk.null_count:
        risky &= chunk.is_valid().to_numpy(zero_copy_only=False)
    return risky


def machine_table(scored: pd.DataFrame) -> pd.DataFrame:
    """SPEC §6 columns, money in whole dollars, break-even as a number or 'never' (judged custom projects;
    blank for the recommended path and for classic ML out of scope)."""
    out = scored[OUTPUT_COLUMNS].reset_index(drop=True).copy()
    for col in MONEY_COLUMNS:
        out[col] = whole_dollars(out[col].to_numpy(dtype="float64"))
    be = scored["break_even_daily_calls"].to_numpy(dtype="float64")
    custom = scored["judged"].to_numpy()
    never = np.isnan(be)
    # A copy: with copy-on-write, pandas hands back a read-only view of an object column.
    calls = whole_dollars(np.where(never, 0.0, be)).to_numpy(dtype=object, copy=True)
    calls[never] = "never"
    calls[~custom] = None
    out["break_even_daily_calls"] = pd.Series(calls, dtype=object)
    return out


def machine_table_extra(scored: pd.DataFrame) -> pd.DataFrame:
    """Columns some exports add beside the SPEC §6 ones, in whole dollars: the savings with the owner's ops budget."""
    return pd.DataFrame({"savings_with_ops_budget_usd": whole_dollars(
        scored["savings_with_ops_budget_usd"].to_numpy(dtype="float64"))})


# Whole numbers this far from zero still fit in int64 after rounding; beyond it they stay floats.
_INT64_SAFE = 2.0**63 - 2**11


def whole_dollars(values: np.ndarray) -> pd.Series:
    """Figures rounded to whole numbers: Int64 when they fit, else (absurd inputs: each under the loader's
    largest figure, yet their product past 9.2e18) the rounded float, so no export fails on them."""
    rounded = np.round(values)
    fits = ~np.isfinite(rounded) | (np.abs(rounded) < _INT64_SAFE)
    finite = np.isfinite(rounded)
    if fits.all():
        return pd.Series(pd.array(np.where(finite, rounded, 0).astype(np.int64), dtype="Int64")).where(finite)
    out = np.where(finite & fits, rounded, np.nan).astype(object)
    out[finite & fits] = rounded[finite & fits].astype(np.int64)
    out[~fits] = rounded[~fits]
    out[~finite] = None
    return pd.Series(out, dtype=object)


def to_csv(table: pd.DataFrame) -> str:
    """CSV text: header row, then one line per row; blanks for unknown values."""
    return csv_bytes(table).decode("utf-8")


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The CSV of `to_csv` as UTF-8 bytes, for writing to a file without decoding and encoding it again."""
    return csv_buffer(table).to_pybytes()


def csv_buffer(table: pd.DataFrame) -> pa.Buffer:
    """The same CSV in Arrow's memory, for a file write that takes any buffer (the command line): copying
    35 MB into a Python bytes object cost 16 ms of a 100,000-row run."""
    import pyarrow.csv as pacsv

    # pyarrow's writer is several times faster than DataFrame.to_csv on 100,000 rows, and faster into its own
    # stream than into a BytesIO; mixed object columns (numbers and words such as "never") are written as text.
    safe = neutralize(table, as_text=True)
    out = pa.BufferOutputStream()
    pacsv.write_csv(pa.Table.from_pandas(safe, preserve_index=False), out,
                    write_options=pacsv.WriteOptions(quoting_style="needed"))
    return out.getvalue()


def to_json(table: pd.DataFrame) -> str:
    records = json.loads(table.to_json(orient="records"))
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def to_markdown(table: pd.DataFrame) -> str:
    """A GitHub-style Markdown table in which every text cell shows as typed: HTML, links, images and
    emphasis are escaped, and bare URLs and e-mail addresses cannot become links (core.text)."""
    # Hand-written: pandas' to_markdown needs the tabulate package for a ten-line job, and escapes nothing.
    def cell(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return ""
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            return f"{v:,}"
        return " ".join(escape_markdown(v).split())

    lines = ["| " + " | ".join(map(str, table.columns)) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def _xlsx_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralized: control characters (which a workbook refuses; a stray NUL or \\x01 in a roadmap cell
    must not make the download fail) are already gone, removed before the formula check."""
    return neutralize(frame)


def to_xlsx(sheets: dict[str, pd.DataFrame], notes: dict[str, list[tuple[str, str]]] | None = None) -> bytes:
    """One workbook, a sheet per table, header bold and frozen, money columns formatted as $.

    `notes` puts label/value lines above a sheet's table (e.g. the date and the roadmap file it was made from).
    """
    from openpyxl.styles import Font  # lazy: the CLI's CSV path never needs openpyxl

    notes = notes or {}
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, table in sheets.items():
            safe = _xlsx_safe(table)
            lines = notes.get(name, [])
            top = len(lines) + 1 if lines else 0  # one empty row between the notes and the table
            safe.to_excel(writer, sheet_name=name[:31], index=False, startrow=top)
            ws = writer.sheets[name[:31]]
            for i, (label, value) in enumerate(_xlsx_safe(pd.DataFrame(lines, columns=["l", "v"])).itertuples(
                    index=False), start=1):
                ws.cell(row=i, column=1, value=label).font = Font(bold=True)
                ws.cell(row=i, column=2, value=value)
            ws.freeze_panes = f"A{top + 2}"
            for cell in ws[top + 1]:
                cell.font = Font(bold=True)
            for idx, col in enumerate(safe.columns, start=1):
                letter = ws.cell(row=top + 1, column=idx).column_letter
                width = min(60, max(10, len(str(col)) + 2, *(len(str(v)) + 2 for v in safe[col].head(200))))
                ws.column_dimensions[letter].width = width
                if str(col).endswith("_usd"):
                    for (c,) in ws.iter_rows(min_row=top + 2, min_col=idx, max_col=idx):
                        c.number_format = '"$"#,##0'
    return buf.getvalue()
