"""The app's kill-list CSV and XLSX as a CFO opens them: labels, words, real dates, money formats, a frozen header,
an autofilter, a totals row of values and the Assumptions sheet; formulas neutralised on every path."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pandas as pd
import pytest
from conftest import SAMPLES
from openpyxl import load_workbook

from core import cfo_export, config, labels, minutes, portfolio, scenario
from core.loader import load_roadmap

EVIL = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    scored = portfolio.score(load_roadmap(SAMPLES / "bank.csv").projects, config.defaults())
    kill = portfolio.kill_list(scored)
    ids = list(kill["project_id"][:2])
    kill.loc[0, "project"] = EVIL
    current = pd.DataFrame({"decision": ["kill", "needs-evidence"], "reviewer": ["@Dana", "Lee"],
                            "note": ["+1 from finance\x1b[31m", "-"], "revisit": ["2027-01-15", "2026-11-01"]},
                           index=pd.Index(ids, name="project_id"))
    decided = minutes.current_table(kill["project_id"], current, date(2026, 12, 6))
    for col in minutes.DECISION_COLUMNS:
        kill[col] = decided[col].to_numpy()
    return cfo_export.people_table(kill, "baseline")


def test_columns_are_labels_and_values_are_words(table):
    assert list(table.columns[:8]) == ["#", "Project", "Project ID", "Team", "Owner", "Approach", "Task", "Verdict"]
    for col in table.columns:
        assert not re.search(r"_usd|_[a-z]", col), col
    assert set(table["Verdict"]) <= {labels.verdict("kill"), labels.verdict("prove")}
    assert "From scratch" in set(table["Approach"]) or "Fine-tune" in " ".join(map(str, table["Approach"]))
    assert not {"fine_tune", "from_scratch"} & set(table["Approach"])
    assert ";" not in " ".join(map(str, table["Risks flagged"])) and "Not enough data" in " ".join(table["Risks flagged"])
    assert table["Decision"].iloc[0] == "Kill" and table["Decision"].iloc[1] == "Needs evidence"
    assert table["Revisit on"].iloc[0] == date(2027, 1, 15) and table["Revisit date passed"].iloc[1] == "Yes"


def test_the_csv_has_labels_words_iso_dates_and_no_live_formula(table):
    text = cfo_export.to_csv(table).decode("utf-8")
    head = next(csv.reader(io.StringIO(text)))
    assert head[:10] == ["#", "Project", "Project ID", "Team", "Owner", "Approach", "Task", "Verdict",
                         "Build-trap score", "Risks flagged"]
    assert "2027-01-15" in text and "Needs evidence" in text and "fine_tune" not in text
    assert "'=HYPERLINK" in text and "'@Dana" in text and "'+1 from finance" in text
    assert "\x1b" not in text and not re.search(r"\b(None|nan|NaT)\b", text)


def test_the_workbook_is_ready_for_finance(table):
    changed = {"horizon_years": 5}
    notes = [("Made on", "2026-12-06"), ("Scenario", "=evil()")]
    data = cfo_export.to_xlsx(table, scenario.assumptions_table(changed), notes)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Kill list", "Assumptions"]
    ws = wb["Kill list"]
    headers = [c.value for c in ws[1]]
    n = len(table)
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(headers)).column_letter}{n + 1}"
    total = [c.value for c in ws[n + 2]]
    assert total[0] == "Total" and total[1] == f"{n:,} projects"
    savings_col = headers.index("Projected savings")
    assert total[savings_col] == pytest.approx(float(table["Projected savings"].sum()))
    assert ws.cell(row=2, column=savings_col + 1).number_format.startswith('"$"#,##0')
    revisit = ws.cell(row=2, column=headers.index("Revisit on") + 1)
    assert isinstance(revisit.value, datetime) and revisit.value.date() == date(2027, 1, 15)
    assert revisit.number_format == "yyyy-mm-dd"
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in cells if v[:1] in "=+-@"], "a text cell a spreadsheet would run"
    assert ws.cell(row=2, column=2).value == "'" + EVIL
    sheet = wb["Assumptions"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Made on" in values and "'=evil()" in values and len(values) > 20
