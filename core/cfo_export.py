"""The app's kill-list downloads for people (a CFO opens them): column labels in words (labels.yaml), verdicts,
flags and decisions as words, dates as dates; in XLSX money formats, a frozen header, an autofilter, a totals row
of computed values (not formulas) and the Assumptions sheet.

The CLI keeps its machine contract (core.export.machine_table, SPEC §6). Every text cell still goes through
core.export.neutralize (control characters, then the formula prefix) on both paths here.
"""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pandas as pd

from core import board, export, labels, text
from core.numbers import is_blank

SHEET = "Kill list"
# Machine column -> how its values are shown; the order is the file's.
_WORDS = {"approach": "approaches", "task": "task"}
MONEY = ["tco_custom_usd", "tco_api_rag_usd", "tco_self_hosted_usd", "projected_savings_usd", *board.SPLIT_COLUMNS,
         "savings_with_ops_budget_usd", "spent_to_date_usd"]
COLUMNS = ["rank", "project", "project_id", "team", "owner", "approach", "task", "verdict", "build_trap_score",
           "flags", "justifications_claimed", "justifications_proven", "tco_custom_usd", "tco_api_rag_usd",
           "tco_self_hosted_usd", "projected_savings_usd", *board.SPLIT_COLUMNS, "savings_with_ops_budget_usd",
           "break_even_daily_calls",
           "recommendation", "evidence_needed", "would_change", "came_back", "decision", "decision_reviewer",
           "decision_note", "revisit_on", "revisit_passed", "scenario", "discount_rate"]
HEADERS = {"rank": "#", "decision_reviewer": "Decided by", "decision_note": "Decision note",
           "revisit_on": "Revisit on", "revisit_passed": "Revisit date passed", "came_back": "Came back (zombie)",
           "would_change": "What would change the verdict", "tco_self_hosted_usd": "Self-hosted open-weight TCO",
           "savings_people_usd": "Savings: people", "savings_serving_usd": "Savings: serving and compute",
           "savings_api_usd": "Savings: API", "savings_other_usd": "Savings: other", "discount_rate": "Discount rate"}
DATE_COLUMNS = ("revisit_on",)
PERCENT_COLUMNS = ("discount_rate",)
COUNT_COLUMNS = ("break_even_daily_calls", "build_trap_score")


def header(column: str) -> str:
    return HEADERS.get(column) or labels.field(column)


def _yes(value: object) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, str):
        return "Yes" if value.strip().lower() in ("yes", "true", "1") else ""
    return "Yes" if bool(value) else ""


def _day(value: object) -> date | None:
    if is_blank(value):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def people_table(kill: pd.DataFrame, scenario_tag: str) -> pd.DataFrame:
    """The kill list (ranked, with core.minutes.DECISION_COLUMNS beside it) with labelled columns and words."""
    rows = kill.reset_index(drop=True).copy()
    rows.insert(0, "rank", range(1, len(rows) + 1))
    rows["scenario"] = scenario_tag
    out = pd.DataFrame(index=rows.index)
    for col in COLUMNS:
        if col not in rows.columns:
            continue  # a column of a later money model, not in these scores
        values = rows[col]
        if col == "verdict":
            values = values.map(labels.verdict)
        elif col in _WORDS:
            values = labels.column(values, _WORDS[col])
        elif col == "flags":
            values = values.map(lambda v: _blank_dash(labels.joined(v, "flags")))
        elif col in ("justifications_claimed", "justifications_proven"):
            values = values.map(lambda v: _blank_dash(labels.joined(v, "justifications")))
        elif col == "evidence_needed":
            values = values.map(labels.sentences)
        elif col == "decision":
            values = values.map(lambda d: labels.label("decisions", d))
        elif col == "revisit_passed":
            values = values.map(_yes)
        elif col == "came_back":
            # core.comeback's sentence when there is one, else yes/blank.
            values = values.map(lambda v: " ".join(v.split()) if isinstance(v, str) and _yes(v) == "" and v.strip()
                                and v.strip().lower() not in ("no", "false", "0") else _yes(v))
        elif col in DATE_COLUMNS:
            values = values.map(_day).astype(object)
        elif col == "break_even_daily_calls":
            calls = values.to_numpy(dtype="float64")
            judged = rows["judged"].to_numpy(dtype=bool) if "judged" in rows else np.ones(len(rows), bool)
            values = pd.Series([None if not j else ("Never" if np.isnan(c) else round(float(c)))
                                for c, j in zip(calls, judged, strict=True)], dtype=object)
        elif col in MONEY:
            values = values.astype("float64").round()
        elif values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            values = text.clean_series(values.astype(object))
        out[header(col)] = values.to_numpy()
    return out


def _blank_dash(value: str) -> str:
    return "" if value == "—" else value


def to_csv(table: pd.DataFrame) -> bytes:
    """CSV with a header of labels; dates as ISO dates (a spreadsheet reads them as dates); formulas neutralised."""
    return export.to_csv(table).encode("utf-8")


def to_xlsx(table: pd.DataFrame, assumptions: pd.DataFrame, notes: list[tuple[str, str]]) -> bytes:
    """The workbook: the kill list (money formats, frozen header, autofilter, totals row) and the Assumptions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    safe = _safe(table)
    ws.append(list(safe.columns))
    for row in safe.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    last = len(safe) + 1
    money_headers = {header(c) for c in MONEY}
    totals: list[object] = ["Total"] + [None] * (len(safe.columns) - 1)
    for j, col in enumerate(safe.columns):
        if col in money_headers:
            totals[j] = float(np.nansum(pd.to_numeric(safe[col], errors="coerce").to_numpy(dtype="float64")))
    if "Project" in list(safe.columns):
        totals[list(safe.columns).index("Project")] = f"{len(safe):,} projects"
    ws.append(totals)  # values computed here, not formulas: a reader sees the same figure in every program
    formats = {**{h: '"$"#,##0;-"$"#,##0' for h in money_headers}, **{header(c): "yyyy-mm-dd" for c in DATE_COLUMNS},
               **{header(c): "#,##0" for c in COUNT_COLUMNS}, **{header(c): "0%" for c in PERCENT_COLUMNS}}
    for j, col in enumerate(safe.columns):
        letter = get_column_letter(j + 1)
        if col in formats:
            for (c,) in ws.iter_rows(min_row=2, max_row=last + 1, min_col=j + 1, max_col=j + 1):
                c.number_format = formats[col]
        width = min(50, max(8, len(str(col)) + 2, *(len(str(v)) + 2 for v in safe[col].head(200))))
        ws.column_dimensions[letter].width = width
    for c in ws[last + 1]:
        c.font = Font(bold=True)
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "C2"  # the header and the rank and project stay in view
    ws.auto_filter.ref = f"A1:{get_column_letter(len(safe.columns))}{last}"
    sheet = wb.create_sheet("Assumptions")
    clean_notes = _safe(pd.DataFrame(notes, columns=["l", "v"]))
    for label, value in clean_notes.itertuples(index=False):
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    top = sheet.max_row + 1
    assumptions_safe = _safe(assumptions)
    sheet.append(list(assumptions_safe.columns))
    for c in sheet[top]:
        c.font = Font(bold=True)
    for row in assumptions_safe.itertuples(index=False):
        sheet.append([_cell(v) for v in row])
    for j, col in enumerate(assumptions_safe.columns, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = min(
            60, max(12, len(str(col)) + 2, *(len(str(v)) + 2 for v in assumptions_safe[col].head(200))))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Control characters removed, then formula starts neutralised (core.export), on text cells only."""
    cleaned = frame.copy()
    for col in cleaned.columns:
        s = cleaned[col]
        if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
            s = cleaned[col] = s.astype(object)
        if s.dtype == object:
            is_text = s.map(lambda v: isinstance(v, str))
            cleaned[col] = s.where(~is_text, text.clean_series(s.where(is_text)).where(is_text, s))
    return export.neutralize(cleaned)


def _cell(value: object) -> object:
    if is_blank(value) and not isinstance(value, str):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
