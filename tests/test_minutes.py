"""Minutes and current decisions beside the numbers: open when none, passed revisit dates flagged, safe exports."""

from __future__ import annotations

from datetime import date

import pandas as pd

from core import minutes


def _history() -> pd.DataFrame:
    return pd.DataFrame({
        "recorded_at": ["2026-11-01 10:00:00 UTC", "2026-11-20 09:00:00 UTC", "2026-11-21 09:00:00 UTC"],
        "portfolio": ["acme"] * 3, "project_id": ["p1", "p2", "p1"], "project": ["One", "Two", "One"],
        "decision": ["kill", "defer", "rescope"], "reviewer": ["Dana", "Sam", "Dana"],
        "revisit": ["", "2026-12-01", "2026-11-25"], "note": ["=cmd|' /C calc'!A0", "<b>x</b> [a](http://e)", ""],
        "review_id": ["r1", "r1", "r2"],
    })


def test_current_table_is_open_when_undecided_and_flags_passed_dates():
    current = _history().drop_duplicates("project_id", keep="last").set_index("project_id")
    table = minutes.current_table(["p1", "p2", "p3"], current, date(2026, 11, 28))
    assert list(table["decision"]) == ["rescope", "defer", "open"]
    assert list(table["revisit_passed"]) == ["yes", "", ""]
    assert list(table["decision_reviewer"]) == ["Dana", "Sam", ""]
    assert minutes.decision_text(table.loc["p1"]) == "Rescope · Dana · revisit 2026-11-25 (passed)"


def test_filters_combine_and_dates_are_inclusive():
    history = minutes.with_teams(_history(), {"p1": "Legal", "p2": "Ops"})
    assert len(minutes.filter_history(history, reviewers=["Dana"])) == 2
    assert len(minutes.filter_history(history, reviewers=["Dana"], decisions=["kill"])) == 1
    assert len(minutes.filter_history(history, teams=["Ops"])) == 1
    assert len(minutes.filter_history(history, start=date(2026, 11, 20), end=date(2026, 11, 20))) == 1
    assert len(minutes.filter_history(history)) == 3


def test_minutes_neutralise_formulas_and_escape_markup():
    csv_text = minutes.minutes_csv(_history())
    assert "'=cmd" in csv_text
    assert csv_text.splitlines()[0] == '"Recorded at","Portfolio","Project","Decision","Reviewer","Revisit on","Note"'
    assert ",\"Rescope\"," in csv_text and "r1" not in csv_text
    md = minutes.minutes_markdown(_history(), date(2026, 11, 28))
    assert md.startswith("# Decision log\n\nWritten 2026-11-28; 3 entries")
    assert "\\<b>" in md and "\\[a\\](http" in md  # escaped: shown as typed (rendered in test_minutes_doc)
    # Read as minutes: dates and times as typed, decisions in words, no internal review ids.
    assert "| 2026-11-01 10:00:00 UTC |" in md and "2026\\-" not in md and "\\:" not in md
    assert "| Rescope |" in md and "| r1 |" not in md
