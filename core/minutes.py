"""Decisions beside the numbers: each project's current decision for tables and exports, and the
history filtered and written as meeting minutes (CSV through export's formula neutralising, Markdown escaped)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from core import export, labels

# What a review can decide about a project (SPEC §5); the history stores these machine values.
DECISIONS = ("kill", "rescope", "keep", "defer", "needs-evidence")
DECISION_COLUMNS = ["decision", "decision_reviewer", "decision_note", "revisit_on", "revisit_passed"]
# The decision log for people: no internal ids, decisions in words.
LOG_COLUMNS = ["recorded_at", "portfolio", "project", "team", "decision", "reviewer", "revisit", "note"]
MINUTES_COLUMNS = ["recorded_at", "portfolio", "project_id", "project", "team", "decision", "reviewer", "revisit", "note",
                   "review_id"]


def current_table(project_ids: Iterable[str], current: pd.DataFrame | None, today: date) -> pd.DataFrame:
    """One row per project id: its current decision ("open" when none), reviewer, note, revisit date, and
    whether that date has passed. `current` is Store.current(): indexed by project id."""
    ids = list(project_ids)
    if current is None or current.empty:
        latest = pd.DataFrame(index=pd.Index(ids), columns=["decision", "reviewer", "note", "revisit"])
    else:
        latest = current.reindex(ids)
    revisit = latest["revisit"].fillna("").astype(str)
    passed = [bool(r) and date.fromisoformat(r) < today for r in revisit]
    return pd.DataFrame({
        "decision": latest["decision"].fillna("open").astype(str).to_numpy(),
        "decision_reviewer": latest["reviewer"].fillna("").astype(str).to_numpy(),
        "decision_note": latest["note"].fillna("").astype(str).to_numpy(),
        "revisit_on": revisit.to_numpy(),
        "revisit_passed": ["yes" if p else "" for p in passed],
    }, index=pd.Index(ids, name="project_id"))


def decision_text(row: pd.Series) -> str:
    """One line for a brief or a list cell: "Kill · Dana · revisit 2027-01-15 (passed) · note"."""
    parts = [labels.label("decisions", row["decision"])]
    if row["decision_reviewer"]:
        parts.append(str(row["decision_reviewer"]))
    if row["revisit_on"]:
        parts.append(f"revisit {row['revisit_on']}" + (" (passed)" if row["revisit_passed"] else ""))
    if row["decision_note"]:
        parts.append(str(row["decision_note"]))
    return " · ".join(parts)


def with_teams(history: pd.DataFrame, teams: dict[str, str]) -> pd.DataFrame:
    """The history with each project's team from the loaded roadmap (blank when the project is not in it)."""
    out = history.copy()
    out["team"] = [teams.get(pid, "") for pid in out["project_id"]]
    return out


def filter_history(history: pd.DataFrame, reviewers: Iterable[str] = (), decisions: Iterable[str] = (),
                   teams: Iterable[str] = (), start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Entries matching every filter given (an empty filter matches everything); dates are inclusive."""
    keep = pd.Series(True, index=history.index)
    for column, chosen in (("reviewer", reviewers), ("decision", decisions), ("team", teams)):
        chosen = list(chosen)
        if chosen:
            keep &= history[column].isin(chosen)
    day = history["recorded_at"].astype(str).str[:10]
    if start is not None:
        keep &= day >= start.isoformat()
    if end is not None:
        keep &= day <= end.isoformat()
    return history[keep]


def minutes_csv(history: pd.DataFrame) -> str:
    """The decision log as CSV for people: labelled columns, decisions in words, no internal ids; formulas
    neutralised (core.export)."""
    cols = [c for c in LOG_COLUMNS if c in history.columns]
    table = history[cols].copy()
    if "decision" in table:
        table["decision"] = [labels.label("decisions", d) for d in table["decision"]]
    return export.to_csv(table.rename(columns={c: labels.field(c) for c in cols}))


def minutes_markdown(history: pd.DataFrame, today: date) -> str:
    """The decision log as Markdown: a heading, a count, then the entries as a table whose cells are escaped by
    context (core.minutes_doc), so dates and times read as typed and no roadmap text becomes markup or a link."""
    from core.minutes_doc import md_cell

    cols = [c for c in LOG_COLUMNS if c in history.columns]
    lines = ["| " + " | ".join(labels.field(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for _, row in history.iterrows():
        cells = [labels.label("decisions", row[c]) if c == "decision" else row[c] for c in cols]
        lines.append("| " + " | ".join(md_cell(v) for v in cells) + " |")
    return (f"# Decision log\n\nWritten {today.isoformat()}; {len(history):,} entries, oldest first.\n\n"
            + "\n".join(lines) + "\n")
