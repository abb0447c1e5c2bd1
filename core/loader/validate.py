"""Validate: turn the rows under the header into canonical, typed project rows.

Every row ends up either among the projects or among the rejected rows with its reason; cells that
cannot be read become unknown with a warning; ids are made unique.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core import limits
from core.loader.detect import quote
from core.parsing import parse_approach, parse_bool, parse_enum, parse_number
from core.vocab import normalize_header, vocab

REJECT_COLUMNS = ["row", "column", "value", "reason"]
RESERVED_COLUMNS = {"row", "task_source"}  # written next to the canonical columns (by the loader, by the engine)
# Matched against the lower-cased cell, so pandas can hand the pattern to Arrow instead of looping in Python.
_TOTAL = r"^\s*(grand\s+)?(sub)?totals?\b|^\s*sum\b|^\s*σ"


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
    # Things about the whole file a reader should know (mixed encodings, merged cells, formulas without
    # results, a column read twice): one sentence each.
    notices: list[str] = field(default_factory=list)
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


def build(
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
    notices: list[str] = []
    claimed = {canon: headers[pos] for pos, canon in colmap.items()}
    for pos, h in enumerate(headers):
        if pos in colmap:
            continue
        col = body.iloc[:, pos]
        if not h and not col.str.strip().astype(bool).any():
            continue  # padding from ragged rows, nothing in it
        label = h or f"column {pos + 1}"
        if label in extras:
            # The same header twice: both columns are kept, the later one under a numbered name.
            k = 2
            while f"{label} ({k})" in extras:
                k += 1
            notices.append(f"The header '{quote(label)}' appears more than once; the later column is kept as "
                           f"'{quote(label)} ({k})'.")
            label = f"{label} ({k})"
        twin = v.header_index.get(normalize_header(h)) if h else None
        if twin in claimed and normalize_header(claimed[twin]) == normalize_header(h):
            notices.append(f"The header '{quote(h)}' appears twice: the first column is read as {twin}, the "
                           "second is kept as an unrecognized column.")
        elif twin in claimed:
            notices.append(f"The columns '{quote(claimed[twin])}' and '{quote(h)}' both read as {twin}: the first is "
                           f"used and '{quote(h)}' is kept as an unrecognized column; change the mapping on the Home "
                           "page to use the other.")
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
        (_totals(project, no_approach), "project", project, "looks like a totals row, not a project"),
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
        encoding=encoding, delimiter=delim, sheet=sheet_title, notices=notices,
    )
    return Roadmap(projects=projects, report=report)


def _totals(project: pd.Series, no_approach: np.ndarray) -> np.ndarray:
    """Rows whose project cell reads like a totals line, among those without an approach (only those can be one).

    The pattern runs on those few rows only: pandas evaluates it in Python per cell, which on 100,000
    projects cost more than the rest of the row checks together."""
    found = np.zeros(len(project), dtype=bool)
    at = np.flatnonzero(no_approach)
    if at.size:
        found[at] = project.iloc[at].str.lower().str.match(_TOTAL).to_numpy(dtype=bool, na_value=False)
    return found


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
        # Above the largest figure the engine accepts, sums and whole-dollar exports would overflow
        # (int64 ends near 9.2e18); such a figure is a typo or an attack, never a plan.
        out_of_range = (values < 0) | (values > limits.MAX_FIGURE.value)
        values = values.mask(out_of_range)
        return values, bad | out_of_range, f"{_EXPECTED[kind]} that is not negative nor above {limits.MAX_FIGURE.value:,}"
    if kind == "bool":
        values, bad = parse_bool(raw)
        return values, bad, _EXPECTED[kind]
    if kind in ("status", "quality", "coverage", "tier", "task"):
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
    arr = pc.utf8_trim(_dash_runs(pc.utf8_lower(arr)), characters="-")
    s = pd.Series(pd.array(arr, dtype="str"), index=names.index)
    return s.where(s != "", "project")


def _dash_runs(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Each run of characters other than 0-9 and a-z turned into one '-' (what the regex [^0-9a-z]+ -> '-' does).

    Hand-written on the UTF-8 bytes with numpy: Arrow's regex replace costs about half a microsecond per
    name, 50 ms on 100,000 names, where these few passes over the whole buffer cost a fraction of that.
    Byte by byte is the same as character by character here: every byte of a non-ASCII character is above
    0x7f, so such a character is a run of bytes outside 0-9a-z and becomes part of one '-' either way.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    nulls = arr.is_null() if arr.null_count else None
    arr = arr.cast(pa.large_string()).fill_null("")
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    first, last = int(offsets[0]), int(offsets[-1])
    data = (np.frombuffer(data_buf, dtype=np.uint8)[first:last] if last > first else np.zeros(0, dtype=np.uint8))
    offsets = offsets - first
    kept = ((data >= ord("0")) & (data <= ord("9"))) | ((data >= ord("a")) & (data <= ord("z")))
    # A byte outside the set opens a run unless the byte before it, in the same name, is outside it too:
    # those later bytes of a run are dropped, the first becomes the '-'.
    dropped = np.zeros(len(data), dtype=bool)
    dropped[1:] = ~kept[1:] & ~kept[:-1]
    starts = offsets[:-1]
    dropped[starts[starts < len(data)]] = False
    out = np.where(kept, data, np.uint8(ord("-")))
    gone = np.flatnonzero(dropped)
    if gone.size:
        out = np.delete(out, gone)
        offsets = offsets - np.searchsorted(gone, offsets)
    result = pa.LargeStringArray.from_buffers(len(arr), pa.py_buffer(offsets), pa.py_buffer(out))
    return result if nulls is None else pc.if_else(nulls, pa.scalar(None, pa.large_string()), result)


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
    if needs_slug.all():
        ids = slug(projects["project"])  # the usual case, and a masked write of every row costs 20 ms
    elif needs_slug.any():
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
