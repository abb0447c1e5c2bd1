"""Exports (SPEC §6, §7): the machine table, and CSV/XLSX with spreadsheet formulas neutralized."""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import SPEC_OUTPUT_COLUMNS, load_rows, row_cells

from core import config, export, portfolio
from core.loader import load_roadmap
from core.text import clean

# The worked example of test_pricing, by hand (v3): the 3-year gap before serving in today's money (8 % a year),
# 286,900 + 282,000 x 2.577097 - (68,750 + 100,500 x 2.577097 + 22,916.67 x 1.651171), against the API's 3-year cost
# of one more daily call, 365 x (0.01075 x 2.228208 + 0.0001 x 2.577097). A 1-GPU replica serves 1.1M calls a day, so
# they meet on the 2-replica floor ($3.95 an hour x 8,760 x 2.015461 each over the horizon):
Y_CONST = 1 / 1.08 + 1 / 1.08**2 + 1 / 1.08**3
GAP = 286_900 + 282_000 * Y_CONST - (68_750 + 100_500 * Y_CONST + 275_000 / 12 * (1 / 1.08**2 + 1 / 1.08**3))
BREAK_EVEN = round((GAP + 2 * 3.95 * 8_760 * (1 / 1.08 + 0.75 / 1.08**2 + 0.5625 / 1.08**3))
                   / (365 * (0.01075 * (1 / 1.08 + 0.85 / 1.08**2 + 0.7225 / 1.08**3) + 0.0001 * Y_CONST)))

# Control characters are removed before the check: "\x01=" hid a formula from it (issue 17).
RISKY = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "\x01=HYPERLINK(\"http://evil.example\",\"x\")",
         "=HYPERLINK(\"http://x\")", "\x00=1", "\x1b+1", "\u202e=1", "\x7f\x9b-1", "\nLF"]
SAFE = ["plain", "a=b", "1+1", "", "email@example.com", " =leading space"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": RISKY[:8] + SAFE[:2],
        "money": [1_000.0, -2_500.0, 0.0, 3.5, -1.0, 7.0, 8.0, 9.0, 10.0, 11.0],
        "count": pd.array([1, -2, None, 4, 5, 6, 7, 8, 9, 10], dtype="Int64"),
        "mixed": pd.Series([1, "never", None, -3, "=x", 2, "\x01=y", 4, 5, "-y"], dtype=object),
    })


@pytest.mark.parametrize("cell", RISKY)
def test_neutralize_prefixes_every_risky_start(cell):
    out = export.neutralize(pd.DataFrame({"c": [cell]}))
    assert out["c"].iloc[0] == "'" + clean(cell)


@pytest.mark.parametrize("cell", SAFE)
def test_neutralize_leaves_safe_text_alone(cell):
    assert export.neutralize(pd.DataFrame({"c": [cell]}))["c"].iloc[0] == cell


def test_neutralize_keeps_numbers_as_numbers_even_in_mixed_columns():
    out = export.neutralize(_frame())
    assert out["money"].tolist() == [1_000.0, -2_500.0, 0.0, 3.5, -1.0, 7.0, 8.0, 9.0, 10.0, 11.0]
    assert out["count"].iloc[1] == -2
    mixed = out["mixed"].tolist()
    assert mixed[0] == 1 and mixed[3] == -3 and isinstance(mixed[3], int)
    assert mixed[4] == "'=x" and mixed[9] == "'-y" and mixed[1] == "never"


def test_neutralize_also_covers_headers_and_does_not_modify_its_input():
    frame = pd.DataFrame({"=evil": ["=x"], "ok": ["y"]})
    out = export.neutralize(frame)
    assert list(out.columns) == ["'=evil", "ok"]
    assert frame["=evil"].iloc[0] == "=x"


def test_csv_cells_are_neutralized_and_numbers_stay_plain():
    text = export.to_csv(_frame())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["text", "money", "count", "mixed"]
    body = rows[1:]
    for row, cell in zip(body, RISKY[:8], strict=False):
        assert row[0] == "'" + clean(cell)
    assert [r[0] for r in body[8:]] == SAFE[:2]
    assert body[6][3] == "'=y"
    assert body[1][1] == "-2500" or float(body[1][1]) == -2500
    assert body[1][2] == "-2"
    assert body[2][2] == ""  # unknown stays blank, not "nan" or "None"
    assert body[2][3] == ""
    assert not any(c.startswith(("=", "+", "@", "\t", "\r", "\x00", "\x01")) for r in body for c in r)


def test_csv_round_trips_through_pandas():
    back = pd.read_csv(io.StringIO(export.to_csv(_frame())), keep_default_na=False)
    assert back["money"].tolist() == [1_000.0, -2_500.0, 0.0, 3.5, -1.0, 7.0, 8.0, 9.0, 10.0, 11.0]
    assert back["text"].iloc[5] == "'\rCR"


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    rows = [
        row_cells(project="=cmd|' /C calc'!A0", team="@ops", training_examples="4,000", daily_calls="20,000"),
        row_cells(project="Small tier", api_tier="small", daily_calls="1M", model_size_b="2000"),
        row_cells(project="Cheaper custom", daily_calls="5M", api_tier="frontier", regulatory_control="yes",
                  regulation="HIPAA"),
        row_cells(project="Search", approach="API + RAG", team="-ops"),
    ]
    return portfolio.score(load_rows(*rows).projects, config.defaults())


def test_machine_table_columns_and_values(scored):
    table = export.machine_table(scored)
    assert list(table.columns) == SPEC_OUTPUT_COLUMNS
    # Money rounded to whole dollars; the worked example of test_pricing: 1,153,119 / 542,327 / 610,792.
    assert table["tco_custom_usd"].iloc[0] == 1_153_119
    assert table["tco_api_rag_usd"].iloc[0] == 542_327
    assert table["projected_savings_usd"].iloc[0] == 610_792
    assert BREAK_EVEN == 89_118
    parts = [table[f"savings_{p}_usd"].iloc[0] for p in ("people", "serving", "api", "other")]
    assert abs(sum(parts) - 610_792) <= 2  # each part rounded on its own
    assert table["money_status"].iloc[0] == "priced" and table["comparison_path"].iloc[0] == "api_rag"
    assert pd.isna(table["money_status"].iloc[3]) or table["money_status"].iloc[3] == "not_judged"
    assert table["projected_savings_usd"].iloc[2] < 0
    be = table["break_even_daily_calls"].tolist()
    assert isinstance(be[0], int) and be[0] == BREAK_EVEN
    assert be[1] == "never"  # a 2,000B model: a replica costs more than the API calls it can serve
    assert be[3] is None  # not a custom model
    assert pd.isna(table["tco_custom_usd"].iloc[3])
    assert table["flags"].iloc[0] == "data;treadmill;maintenance"
    assert (table["task"].iloc[0], table["task_source"].iloc[0]) == ("language", "assumed")


def test_machine_csv_neutralizes_user_text_but_not_negative_money(scored):
    rows = list(csv.DictReader(io.StringIO(export.to_csv(export.machine_table(scored)))))
    assert rows[0]["project"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["team"] == "'@ops"
    assert rows[3]["team"] == "'-ops"
    assert int(rows[2]["projected_savings_usd"]) < 0  # a number, not "'-..."
    assert rows[1]["break_even_daily_calls"] == "never"
    assert rows[3]["break_even_daily_calls"] == "" and rows[3]["tco_custom_usd"] == ""


def test_xlsx_read_back_keeps_numbers_and_neutralizes_text(scored, tmp_path):
    table = export.machine_table(scored)
    data = export.to_xlsx({"projects": table, "=sheet": _frame()})
    path = tmp_path / "out.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    ws = wb["projects"]
    header = [c.value for c in ws[1]]
    assert header == SPEC_OUTPUT_COLUMNS
    rows = [dict(zip(header, (c for c in r), strict=False)) for r in ws.iter_rows(min_row=2)]
    assert rows[0]["project"].value == "'=cmd|' /C calc'!A0"
    assert rows[0]["project"].data_type == "s"  # text, never a formula
    assert rows[0]["tco_custom_usd"].value == 1_153_119
    assert isinstance(rows[2]["projected_savings_usd"].value, (int, float))
    assert rows[2]["projected_savings_usd"].value < 0
    assert rows[0]["projected_savings_usd"].number_format == '"$"#,##0'
    assert isinstance(rows[0]["build_trap_score"].value, int)
    assert isinstance(rows[0]["break_even_daily_calls"].value, int)
    assert rows[1]["break_even_daily_calls"].value == "never"
    assert ws.freeze_panes == "A2"
    other = wb["=sheet"]
    cells = [c for row in other.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    numbers = [r[1].value for r in other.iter_rows(min_row=2)]
    assert numbers == [1_000, -2_500, 0, 3.5, -1, 7, 8, 9, 10, 11]
    # A workbook cannot hold \x01: it is dropped before the formula check, which then sees the "=".
    assert other.cell(row=8, column=1).value == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert other.cell(row=8, column=4).value == "'=y"


def test_xlsx_survives_control_characters_from_a_roadmap(tmp_path):
    text = "project,approach,team\nBell\x07 bot,FT,Ops\x01\n" + "".join(f"P{i},API,Ops\n" for i in range(40))
    projects = load_roadmap(text.encode()).projects
    table = export.machine_table(portfolio.score(projects, config.defaults()))
    path = tmp_path / "ctl.xlsx"
    path.write_bytes(export.to_xlsx({"projects": table}))
    ws = openpyxl.load_workbook(path)["projects"]
    assert ws.cell(row=2, column=2).value == "Bell bot"
    assert ws.cell(row=2, column=3).value == "Ops"


def test_json_keeps_types_and_order(scored):
    records = json.loads(export.to_json(export.machine_table(scored)))
    assert list(records[0]) == SPEC_OUTPUT_COLUMNS
    assert records[0]["tco_custom_usd"] == 1_153_119
    assert records[0]["break_even_daily_calls"] == BREAK_EVEN
    assert records[1]["break_even_daily_calls"] == "never"
    assert records[3]["break_even_daily_calls"] is None and records[3]["tco_custom_usd"] is None


def test_markdown_table_escapes_pipes_and_formats_numbers(scored):
    text = export.to_markdown(export.machine_table(scored))
    lines = text.splitlines()
    assert lines[0] == "| " + " | ".join(SPEC_OUTPUT_COLUMNS) + " |"
    assert lines[1] == "|" + "---|" * len(SPEC_OUTPUT_COLUMNS)
    assert len(lines) == 2 + len(scored)
    assert "=cmd\\|' /C calc'\\!A0" in lines[2]
    assert "| 1,153,119 |" in lines[2]
    # Every body line has exactly one cell per column once escaped pipes are set aside.
    for line in lines[2:]:
        assert line.replace("\\|", "").count("|") == len(SPEC_OUTPUT_COLUMNS) + 1


def test_markdown_blank_for_unknown():
    text = export.to_markdown(pd.DataFrame({"a": [np.nan, None], "b": ["x", "y"]}))
    assert text.splitlines()[2] == "|  | x |"


def test_an_empty_header_is_left_empty_while_a_formula_header_is_neutralized():
    frame = pd.DataFrame({"": ["a"], "=cmd": ["b"], "plain": ["c"]})
    assert list(export.neutralize(frame).columns) == ["", "'=cmd", "plain"]


def test_markdown_export_shows_html_links_and_images_as_text():
    table = pd.DataFrame({"project": ["<script>alert(1)</script>", "[x](javascript:alert(1))",
                                      "![p](https://evil.example/p.png)", "<img src=x onerror=alert(1)>",
                                      "mail boss@evil.example or www.evil.example"]})
    body = "\n".join(export.to_markdown(table).splitlines()[2:])
    # Every character that would start HTML, a link or an image is escaped.
    assert not re.search(r"(?<!\\)[<>\[\]()!]", body)
    assert "\\<script\\>" in body and "\\!\\[p\\]" in body
    # Bare addresses cannot become links on a renderer that auto-links (a word joiner inside "www" and after "@").
    assert "@\u2060evil" in body and "ww\u2060w\\.evil" in body


def test_whole_dollar_columns_never_overflow():
    frame = pd.DataFrame({"v": [1.4, np.nan, 1e19, -2.6e30, np.inf]})
    out = export.whole_dollars(frame["v"].to_numpy())
    assert out.iloc[0] == 1 and pd.isna(out.iloc[1]) and pd.isna(out.iloc[4])
    assert out.iloc[2] == 1e19 and out.iloc[3] == -2.6e30
    small = export.whole_dollars(np.array([1.6, np.nan]))
    assert str(small.dtype) == "Int64" and small.iloc[0] == 2


def test_a_break_even_past_int64_is_written_not_a_crash(scored):
    # Found by the fuzzer: the object column pandas hands back for such a figure is a read-only view.
    frame = scored.copy()
    custom = frame.index[frame["custom"]][0]
    frame.loc[custom, "break_even_daily_calls"] = 1e30
    table = export.machine_table(frame)
    assert table.loc[list(frame.index).index(custom), "break_even_daily_calls"] == 1e30
    assert "1e+30" in export.to_csv(table)
