"""Reads a roadmap file (CSV in any common dialect, or XLSX) into canonical, typed project rows.

Every input row ends up either in `Roadmap.projects` or in `report.rejected` with its reason.
Files that are not a table at all raise `RoadmapError` with one sentence for the user.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO
from warnings import catch_warnings, simplefilter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from core.parsing import parse_approach, parse_bool, parse_enum, parse_number
from core.vocab import normalize_header, vocab

HEADER_SCAN_ROWS = 30
DELIMITERS = (",", ";", "\t", "|")
REJECT_COLUMNS = ["row", "column", "value", "reason"]
RESERVED_COLUMNS = {"row"}  # written by the loader next to the canonical columns
# Matched against the lower-cased cell, so pandas can hand the pattern to Arrow instead of looping in Python.
_TOTAL = r"^\s*(grand\s+)?(sub)?totals?\b|^\s*sum\b|^\s*σ"
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


@dataclass
class LoadReport:
    """What the loader did: the mapping used, rejected rows and reasons, duplicates, warnings."""

    source: str
    mapping: dict[str, str]
    unrecognized: list[str]
    header_row: int
    rows_read: int
    rejected: pd.DataFrame
    warnings: pd.DataFrame
    duplicates: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""

    @property
    def scored_rows(self) -> int:
        return self.rows_read - len(self.rejected)


@dataclass
class Roadmap:
    projects: pd.DataFrame
    report: LoadReport


def _read_source(source: str | Path | bytes | IO[bytes]) -> tuple[bytes, str]:
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


def _decode(data: bytes) -> tuple[str, str]:
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


def _sniff_delimiter(text: str) -> str:
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


def _count_outside_quotes(line: str, delim: str) -> int:
    return sum(1 for i, part in enumerate(line.split('"')) if i % 2 == 0 for _ in range(part.count(delim)))


def _head_width(text: str, delim: str) -> int:
    """Fields in the widest of the first 200 lines (a quick count, checked by the readers)."""
    head = text[:262144].splitlines()[:200]
    return max((_count_outside_quotes(ln, delim) for ln in head), default=0) + 1


def _read_csv_arrow(text: str, delim: str) -> pd.DataFrame | None:
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


def _read_csv_text(text: str, delim: str) -> pd.DataFrame:
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


def _read_xlsx(data: bytes, sheet: str | None) -> tuple[pd.DataFrame, str]:
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
        if _find_header(head, {})[0] is not None:
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


def _find_header(rows: list[list[str]], overrides: dict[str, str]) -> tuple[int | None, dict[int, str]]:
    best: tuple[int | None, dict[int, str]] = (None, {})
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = _header_map([str(c).strip() for c in row], overrides)
        names = set(mapping.values())
        if not names & {"project", "approach"}:
            continue
        if len(mapping) > len(best[1]) and (len(mapping) >= 2 or len(rows) == 1):
            best = (i, mapping)
    return best


def load_roadmap(
    source: str | Path | bytes | IO[bytes],
    *,
    name: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
) -> Roadmap:
    """Load a roadmap file. `mapping` overrides the inferred header -> canonical column mapping
    (map a header to "" to keep it as an unrecognized column)."""
    data, source_name = _read_source(source)
    source_name = name or source_name
    overrides = dict(mapping or {})
    if not data.strip():
        raise RoadmapError("The file is empty.")
    encoding = delim = sheet_title = ""
    kind = _sniff_kind(data, source_name)
    if kind == "xlsx":
        raw, sheet_title = _read_xlsx(data, sheet)
    else:
        text, encoding = _decode(data)
        if _looks_binary(text):
            raise RoadmapError("This file is binary data, not a CSV or XLSX table.")
        delim = _sniff_delimiter(text)
        raw = _read_csv_arrow(text, delim)
        if raw is None:
            raw = _read_csv_text(text, delim)
    if raw.empty:
        raise RoadmapError("The file has no rows.")
    head = raw.head(HEADER_SCAN_ROWS).to_numpy().tolist()
    header_pos, colmap = _find_header(head, overrides)
    if header_pos is None:
        first = [str(c).strip() for c in head[0] if str(c).strip()]
        shown = ", ".join(_quote(c) for c in first[:12]).rstrip(".:") or "(blank)"
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
            f"({', '.join(_quote(h) for h in headers if h) or 'none'}); rename one or map it on the Home page.",
            headers=[h for h in headers if h],
        )
    body = raw.iloc[header_pos + 1 :]
    if body.empty or not (body != "").to_numpy().any():
        raise RoadmapError("The file has a header row but no project rows.")
    roadmap = _build(body, header_pos, headers, colmap, source_name, encoding, delim, sheet_title)
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


def _quote(cell: str, limit: int = 40) -> str:
    """A cell as shown inside an error sentence: on one line and short."""
    text = " ".join(cell.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sniff_kind(data: bytes, name: str) -> str:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            if what is None:
                return "xlsx"
            raise RoadmapError(f"This file is {what}.")
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise RoadmapError("The file is named .xlsx but is not an Excel workbook; export it again as XLSX or CSV.")
    return "csv"


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return control / len(sample) > 0.02 or "\ufffd" in sample[:512] and sample.count("\ufffd") > 8


def _build(
    body: pd.DataFrame,
    header_pos: int,
    headers: list[str],
    colmap: dict[int, str],
    source_name: str,
    encoding: str,
    delim: str,
    sheet_title: str,
) -> Roadmap:
    v = vocab()
    n = len(body)
    row_numbers = np.arange(header_pos + 2, header_pos + 2 + n)
    body = body.reset_index(drop=True)
    cols: dict[str, pd.Series] = {}
    for pos, canon in colmap.items():
        col = body.iloc[:, pos]
        # Typed columns are trimmed by their parsers; only text is trimmed here.
        cols[canon] = col.str.strip() if v.columns[canon].type in ("text", "approach") else col
    extras: dict[str, pd.Series] = {}
    unrecognized = []
    for pos, h in enumerate(headers):
        if pos in colmap:
            continue
        col = body.iloc[:, pos]
        if not h and not col.str.strip().astype(bool).any():
            continue  # padding from ragged rows, nothing in it
        label = h or f"column {pos + 1}"
        unrecognized.append(label)
        extras[label] = col.str.strip()
    mapping = {headers[pos]: canon for pos, canon in colmap.items()}

    project = cols["project"]
    approach_raw = cols["approach"]
    # Counting filled cells is only needed where a required cell is blank (blank, note and total rows).
    nfilled = np.full(n, 2)
    suspect = ((project == "") | (approach_raw == "")).to_numpy()
    if suspect.any():
        cells = body[suspect].to_numpy(dtype=str)
        nfilled[suspect] = (np.char.strip(cells) != "").sum(axis=1)
    first_cell = body.iloc[:, 0].str.strip()
    approach = parse_approach(approach_raw)

    # The reasons a row cannot be a project, in the order they are checked: the first that applies is given.
    first_col = headers[0] or "column 1"
    no_project = (project == "").to_numpy()
    no_approach = (approach_raw == "").to_numpy()
    checks = [
        (nfilled == 0, "", None, "blank row"),
        (first_cell.str.startswith("#").to_numpy(dtype=bool, na_value=False), first_col, first_cell,
         "comment row (starts with #)"),
        (project.str.lower().str.match(_TOTAL).to_numpy(dtype=bool, na_value=False) & no_approach, "project",
         project, "looks like a totals row, not a project"),
        ((nfilled == 1) & (no_project | no_approach), first_col, first_cell,
         "looks like a note, not a project: only one cell is filled"),
        (no_project, "project", None, "project name is blank; every project needs a name"),
        (no_approach, "approach", None,
         "approach is blank; expected fine-tune, train from scratch, API, API + RAG or prompting"),
        (approach.isna().to_numpy(), "approach", approach_raw,
         "approach not recognized; expected fine-tune, train from scratch, API, API + RAG or prompting"),
    ]
    which = np.select([c[0] for c in checks], np.arange(1, len(checks) + 1), default=0)
    keep = which == 0
    rejected_at = np.flatnonzero(~keep)
    rej_codes = which[rejected_at] - 1
    rej_column = [checks[k][1] for k in rej_codes]
    rej_value = ["" if checks[k][2] is None else str(checks[k][2].iloc[i]) for k, i in zip(rej_codes, rejected_at,
                                                                                        strict=True)]
    rej_reason = [checks[k][3] for k in rej_codes]

    warn_frames: list[pd.DataFrame] = []
    out: dict[str, pd.Series] = {}
    for name, spec in v.columns.items():
        raw = cols.get(name)
        if raw is None:
            out[name] = _empty(spec.type, n)
            continue
        parsed, bad, expected = _parse_column(raw, spec.type, name)
        out[name] = parsed
        if bad is not None and bad.any():
            warn_frames.append(pd.DataFrame({
                "row": row_numbers[bad.to_numpy()], "column": name, "value": raw[bad].to_numpy(),
                "reason": f"not read as {expected}; treated as unknown",
            }))
    out["approach"] = approach
    out["project"] = project
    for label, col in extras.items():
        # An unrecognized header may not shadow a column the engine writes ("row", "verdict", ...).
        while label in out or label in RESERVED_COLUMNS:
            label += " (from file)"
        out[label] = col
    out = pd.DataFrame(out)

    rejected = pd.DataFrame({
        "row": row_numbers[~keep], "column": pd.array(rej_column, dtype="str"),
        "value": pd.array(rej_value, dtype="str"), "reason": pd.array(rej_reason, dtype="str"),
    }, columns=REJECT_COLUMNS)
    warnings = pd.concat(warn_frames, ignore_index=True) if warn_frames else pd.DataFrame(columns=REJECT_COLUMNS)
    warnings = warnings[warnings["row"].isin(row_numbers[keep])].reset_index(drop=True)

    projects = out[keep].reset_index(drop=True)
    projects.insert(0, "row", row_numbers[keep])
    projects, duplicates = _assign_ids(projects)
    report = LoadReport(
        source=source_name, mapping=mapping, unrecognized=unrecognized, header_row=header_pos + 1,
        rows_read=n, rejected=rejected, warnings=warnings, duplicates=duplicates,
        encoding=encoding, delimiter=delim, sheet=sheet_title,
    )
    return Roadmap(projects=projects, report=report)


def _empty(kind: str, n: int) -> pd.Series:
    """An all-unknown column of the right type, for a canonical column the file does not have."""
    if kind in ("money", "count", "number"):
        return pd.Series(np.full(n, np.nan))
    if kind == "bool":
        return pd.Series(pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool)))
    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype="str"))


_EXPECTED = {
    "money": "an amount (e.g. $1.2M, 250k, 12,000)",
    "count": "a count (e.g. 12,000 or 1.5M)",
    "number": "a number",
    "bool": "yes or no",
}


def _parse_column(raw: pd.Series, kind: str, name: str) -> tuple[pd.Series, pd.Series | None, str]:
    if kind in ("money", "count", "number"):
        values, bad = parse_number(raw)
        negative = values < 0
        values = values.mask(negative)
        return values, bad | negative, _EXPECTED[kind] + " that is not negative"
    if kind == "bool":
        values, bad = parse_bool(raw)
        return values, bad, _EXPECTED[kind]
    if kind in ("status", "quality", "coverage", "tier"):
        values, bad = parse_enum(raw, kind)
        choices = sorted(set(vocab().enums[kind].values()))
        return values, bad, "one of " + ", ".join(choices)
    if kind == "approach":
        return raw, None, ""
    return raw.mask(raw == ""), None, ""


def slug(names: pd.Series) -> pd.Series:
    """Stable ids from names: lower case, runs of other characters turned into '-'."""
    # NFKD splits "ü" into "u" and a combining mark; drop the marks so "Zürich" reads "zurich", not "zu-rich".
    arr = pa.array(names, type=pa.large_string(), from_pandas=True)
    accented = pc.invert(pc.string_is_ascii(arr)).fill_null(False)
    if pc.any(accented).as_py():
        # Only the names with non-ASCII letters need Unicode normalization, usually a few.
        plain = pc.replace_substring_regex(pc.utf8_normalize(pc.filter(arr, accented), form="NFKD"),
                                           r"[\x{0300}-\x{036f}]+", "")
        arr = pc.replace_with_mask(arr, accented, plain)
    arr = pc.replace_substring_regex(pc.utf8_lower(arr), r"[^0-9a-z]+", "-")
    arr = pc.utf8_trim(arr, characters="-")
    s = pd.Series(pd.array(arr, dtype="str"), index=names.index)
    return s.where(s != "", "project")


MAX_DUPLICATES_LISTED = 200
MAX_ROWS_PER_DUPLICATE = 10


def _duplicate_lines(keys: pd.Series, shown: pd.Series, rows: pd.Series, template: str) -> list[str]:
    dup = keys.duplicated(keep=False) & (keys != "")
    if not dup.any():
        return []
    groups = rows[dup].groupby(keys[dup], sort=False)
    first = shown[dup].groupby(keys[dup], sort=False).first()
    lines = []
    for key, rws in list(groups)[:MAX_DUPLICATES_LISTED]:
        listed = ", ".join(map(str, rws.iloc[:MAX_ROWS_PER_DUPLICATE]))
        more = f" and {len(rws) - MAX_ROWS_PER_DUPLICATE:,} more" if len(rws) > MAX_ROWS_PER_DUPLICATE else ""
        lines.append(template.format(value=first[key], rows=listed + more))
    return lines


def _assign_ids(projects: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    names = projects["project"].str.strip().str.lower()
    duplicates = _duplicate_lines(names, projects["project"], projects["row"],
                                  "Project name '{value}' appears on rows {rows}.")
    given = projects["project_id"].fillna("").str.strip()
    ids = given.copy()
    needs_slug = (given == "").to_numpy()
    if needs_slug.any():
        ids[needs_slug] = slug(projects.loc[needs_slug, "project"])
    duplicates += _duplicate_lines(given, given, projects["row"],
                                   "Project id '{value}' appears on rows {rows}; later ones get a suffix.")
    # Make ids unique with -2, -3 ... so every row stays addressable; the report says why.
    # A suffixed id may itself be taken ("A", "A", "A 2"), so keep counting until it is free.
    # Only repeated ids need the loop; the others are taken as they are.
    repeated = ids.duplicated(keep="first").to_numpy()
    if repeated.any():
        seen = set(ids[~repeated].tolist())
        fixed = []
        for pid in ids[repeated].tolist():
            candidate, k = pid, 1
            while candidate in seen:
                k += 1
                candidate = f"{pid}-{k}"
            seen.add(candidate)
            fixed.append(candidate)
        ids[repeated] = fixed
    projects["project_id"] = ids.astype("str")
    return projects, duplicates
