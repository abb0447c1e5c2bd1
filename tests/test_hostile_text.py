"""Hostile text, round three (issue 17): one cleaning rule for every way out (control characters removed
first, then formulas neutralized) in every CSV and XLSX, names and notes cleaned where they enter the store,
no terminal escapes from the command line, and the low findings each pinned by a test.

Each test here failed on the code before issue 17's fix; the comment above it says how.
"""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
from datetime import UTC, datetime
from unittest import mock

import openpyxl
import pandas as pd
import pytest
from conftest import SAMPLES, csv_text, row_cells
from sqlalchemy.exc import OperationalError

from core import cli, config, export, minutes, portfolio, schema
from core.compare import compare
from core.loader import load_roadmap
from core.store import Decision, Store, StoreError, portfolio_name

# The attack of issue 17: a control character before the "=" hid the formula from a first-character check,
# and the XLSX writer then removed the \x01, leaving a live formula cell.
HYPERLINK = '\x01=HYPERLINK("http://evil.example","Click for the real figures")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
Q3, Q4 = SAMPLES / "acme_2026_Q3.csv", SAMPLES / "acme_2026_Q4.csv"


def _xlsx_cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def _assert_no_formula_xlsx(data: bytes) -> list[str]:
    cells = _xlsx_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(TRIGGERS) or "\x01" in t]
    return texts


def _assert_no_trigger_csv(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert not [c for row in rows for c in row if c.startswith(TRIGGERS) or "\x01" in c]
    return rows


def _raw_history_row(store: Store, **values: object) -> None:
    """A history row as an older version stored it (before names and notes were cleaned where they enter)."""
    row = {"portfolio": "acme", "project_id": "ACM-001", "project": "Contract clause extractor", "decision": "kill",
           "reviewer": "Sam", "email": "", "note": "", "revisit": None, "review_id": None,
           "recorded_at": datetime.now(UTC).replace(tzinfo=None)} | values
    with store.engine.begin() as conn:
        conn.execute(schema.history.insert().values(**row))


# Before: the score XLSX held a formula cell (=HYPERLINK) in the project column, and the CSV a "\x01=" cell.
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_formula_behind_a_control_character_is_neutralized_in_the_score_exports(tmp_path, capsys, fmt):
    roadmap = tmp_path / "evil.csv"
    rows = [row_cells(project=HYPERLINK, team="\x00+1", owner="\u202e=1")] + [
        row_cells(project=f"P{i}") for i in range(30)]
    roadmap.write_text(csv_text(rows))
    out = tmp_path / f"scored.{fmt}"
    assert cli.main(["score", str(roadmap), "--out", str(out), "--rejects", str(tmp_path / "r.csv")]) == 0
    if fmt == "xlsx":
        texts = _assert_no_formula_xlsx(out.read_bytes())
    else:
        texts = [c for row in _assert_no_trigger_csv(out.read_text()) for c in row]
    assert "'" + HYPERLINK[1:] in texts


# Before: a note or reviewer name led by \x01 gave a live formula in the Decision history's XLSX and a
# "\x01=" cell in the minutes CSV, both for a row stored before and for one recorded now.
def test_the_decision_history_exports_never_hold_a_formula(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    store.append(Decision("acme", "ACM-002", "Support reply drafter", "rescope", HYPERLINK, HYPERLINK))
    _raw_history_row(store, reviewer=HYPERLINK, note="\x1b\x9b" + HYPERLINK)
    history = store.history("acme")
    _assert_no_formula_xlsx(export.to_xlsx({"Decision history": history}))
    rows = _assert_no_trigger_csv(minutes.minutes_csv(history))
    assert sum(cell.startswith("'=HYPERLINK") for row in rows for cell in row) == 4
    assert "\x01" not in minutes.minutes_markdown(history, datetime.now(UTC).date())


# Before: an earlier decision's note and reviewer came through Compare's table into its XLSX as a formula.
def test_the_compare_exports_never_hold_a_formula(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store(db)
    _raw_history_row(store, reviewer=HYPERLINK, note=HYPERLINK)
    before, after = (portfolio.score(load_roadmap(p).projects, config.defaults()) for p in (Q3, Q4))
    result = compare(before, after, store.current("acme"))
    assert (result.changes["earlier_note"] == HYPERLINK).any()  # the table itself keeps the text as stored
    _assert_no_formula_xlsx(export.to_xlsx({"Comparison": result.changes}))
    _assert_no_trigger_csv(export.to_csv(result.changes))
    assert cli.main(["compare", str(Q3), str(Q4), "--format", "csv", "--portfolio", "acme", "--db", db]) == 0
    rows = _assert_no_trigger_csv(capsys.readouterr().out)
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)


# Before: `compare` printed a stored note's ESC sequences (clear screen, retitle the window) to the terminal,
# `decisions` wrote DEL and the C1 CSI (\x9b) in its JSON, and `decide` echoed an ESC in --portfolio.
def test_the_command_line_sends_no_terminal_escapes(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    store = Store(db)
    _raw_history_row(store, reviewer="Sam\x1b]0;pwned\x07", note="no data\x1b[2J\x9b31m\x7f\nFORGED LINE")
    assert cli.main(["compare", str(Q3), str(Q4), "--portfolio", "acme", "--db", db]) == 0
    out, err = capsys.readouterr()
    for stream in (out, err):
        assert not any(ch in stream for ch in "\x1b\x07\x9b\x7f")
    assert "note: no data[2J31m FORGED LINE" in out  # one line: a note cannot forge the next one
    assert not any(line.startswith("FORGED") for line in out.splitlines())
    for fmt in ("json", "csv", "md"):
        assert cli.main(["decisions", "--portfolio", "acme", "--format", fmt, "--db", db]) == 0
        out = capsys.readouterr().out
        assert not any(ch in out for ch in "\x1b\x07\x9b\x7f"), fmt
    code = cli.main(["decide", str(Q3), "--project", "ACM-001", "--decision", "kill", "--reviewer", "Dana\x1b[31m",
                     "--portfolio", "acme\x1b]0;pwned\x07", "--db", db])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "\x1b" not in err and "\x07" not in err
    assert "in portfolio 'acme]0;pwned'" in err
    assert store.history("acme]0;pwned").iloc[-1]["reviewer"] == "Dana[31m"


# Before: on PostgreSQL a decision on a project whose name held a NUL failed with "remove it from the text and
# try again", which a reviewer cannot do (the NUL is in the roadmap); names and notes kept bidi overrides.
def test_a_decision_on_a_project_whose_name_holds_nul_is_recorded_with_clean_names(db_url):
    roadmap = load_roadmap(("project,approach,team\nBad\x00name,FT,Ops\n" + "".join(
        f"P{i},API,Ops\n" for i in range(10))).encode())
    row = roadmap.projects.iloc[0]
    store = Store(db_url)
    store.append(Decision("acme", row["project_id"], row["project"], "kill", "\u202eDa\x00na\u200f \u2066Lee\u2069",
                          note="gone\x1b[2J \u2066x\u2069\u202e", email="d\u202e@x.example"))
    entry = store.history("acme").iloc[0]
    assert (entry["project"], entry["reviewer"], entry["note"]) == ("Badname", "Dana Lee", "gone[2J x")


# Before: Path(name).name kept only what followed the last "/", so "Q3/Q4 plan.csv" became portfolio "Q4 plan".
@pytest.mark.parametrize(("file_name", "portfolio"), [
    ("Q3/Q4 plan.csv", "Q3/Q4 plan"), ("EMEA\\APAC roadmap v2.xlsx", "EMEA\\APAC roadmap"),
    ("\u202ecat\x00s.csv", "cats"),
])
def test_a_slash_in_an_upload_name_is_part_of_the_portfolio_name(file_name, portfolio):
    assert portfolio_name(file_name) == portfolio


# Before: on a full disk the user read "the details are in the server log" and the log held only that sentence.
def test_a_full_disk_is_named_and_what_the_database_said_is_logged(tmp_path, caplog):
    store = Store(f"sqlite:///{tmp_path / 'f.db'}")
    full = OperationalError("INSERT INTO decision_history ...", {}, sqlite3.OperationalError("database or disk is full"))
    with (mock.patch.object(store, "_retrying", side_effect=full), caplog.at_level(logging.ERROR, "airr.store"),
          pytest.raises(StoreError) as info):
        store.append(Decision("acme", "ACM-001", "P", "kill", "Dana", "secret note"))
    assert "disk is full" in str(info.value)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "database or disk is full" in logged and "record the decision" in logged
    assert "secret note" not in caplog.text and "Dana" not in caplog.text
    other = OperationalError("SELECT ...", {}, sqlite3.OperationalError("something odd happened"))
    with mock.patch.object(store, "_retrying", side_effect=other), pytest.raises(StoreError, match="server log"):
        store.append(Decision("acme", "ACM-001", "P", "kill", "Dana"))
    assert "something odd happened" in caplog.text


def test_exports_of_mixed_columns_keep_numbers_and_clean_text():
    frame = pd.DataFrame({"\x01=head": pd.Series([1, "\x01=x", None, -2.5], dtype=object)})
    out = export.neutralize(frame)
    assert list(out.columns) == ["'=head"]
    assert out.iloc[:, 0].tolist()[:2] == [1, "'=x"] and out.iloc[3, 0] == -2.5


def test_meeting_attendees_and_action_owners_lose_control_and_bidi_characters(tmp_path):
    from core import meetings

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    review = store.create_review("acme", Q3.name, Q3.read_bytes())
    meeting = meetings.start(store, review.id, "acme", "\u202eAnn\x00, Bo\x1b[2Jb", who="Da\u2066na")
    assert meeting.attendees == ("Ann", "Bo[2Jb") and meeting.started_by == "Dana"
    meetings.record(store, meeting, Decision("acme", "ACM-001", "P", "kill", "Dana"), action_owner="Sa\u202em\x07")
    assert meetings.taken(store, meeting.id)["action_owner"].iloc[0] == "Sam"
