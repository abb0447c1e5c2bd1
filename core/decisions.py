"""The decision log: append-only history of what reviewers decided, in any SQLAlchemy database.

SQLite by default; set AIRR_DATABASE_URL (e.g. postgresql+psycopg://...) to share one log.
Entries are only ever inserted, never updated or deleted, so the history is the audit trail.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

DECISIONS = ("kill", "rescope", "keep", "defer", "needs-evidence")
DEFAULT_URL = f"sqlite:///{Path(__file__).resolve().parent.parent / 'decisions.db'}"
COLUMNS = ["recorded_at", "project_id", "project", "decision", "reviewer", "revisit", "note"]


def database_url() -> str:
    return os.environ.get("AIRR_DATABASE_URL") or DEFAULT_URL


@dataclass(frozen=True)
class Decision:
    roadmap: str
    project_id: str
    project: str
    decision: str
    reviewer: str
    note: str = ""
    revisit: date | None = None


class DecisionStore:
    """Append and read decisions. One instance per database URL; safe to share between sessions."""

    def __init__(self, url: str | None = None):
        # Lazy import: the command line never needs SQLAlchemy.
        from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, Text, create_engine

        self.url = url or database_url()
        self.engine = create_engine(self.url, future=True)
        meta = MetaData()
        self.table = Table(
            "decisions", meta,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("roadmap", String(64), nullable=False, index=True),
            Column("project_id", String(200), nullable=False),
            Column("project", Text, nullable=False),
            Column("decision", String(32), nullable=False),
            Column("reviewer", String(200), nullable=False),
            Column("note", Text, nullable=False, default=""),
            Column("revisit", Date, nullable=True),
            Column("recorded_at", DateTime, nullable=False),
        )
        meta.create_all(self.engine)

    def append(self, d: Decision) -> None:
        if d.decision not in DECISIONS:
            raise ValueError(f"'{d.decision}' is not a decision; use one of {', '.join(DECISIONS)}.")
        if not d.reviewer.strip():
            raise ValueError("A decision needs the reviewer's name.")
        with self.engine.begin() as conn:
            conn.execute(self.table.insert().values(
                roadmap=d.roadmap, project_id=d.project_id, project=d.project, decision=d.decision,
                reviewer=d.reviewer.strip(), note=d.note, revisit=d.revisit,
                recorded_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            ))

    def history(self, roadmap: str, project_id: str | None = None) -> pd.DataFrame:
        """Entries for a roadmap (optionally one project), oldest first."""
        from sqlalchemy import select

        t = self.table
        query = select(t).where(t.c.roadmap == roadmap).order_by(t.c.id)
        if project_id is not None:
            query = query.where(t.c.project_id == project_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        frame = pd.DataFrame([dict(r) for r in rows], columns=["id", "roadmap", *COLUMNS])
        frame["revisit"] = frame["revisit"].map(lambda v: v.isoformat() if v else "")
        frame["recorded_at"] = frame["recorded_at"].map(lambda v: v.isoformat(sep=" ") + " UTC" if v else "")
        return frame[COLUMNS]

    def latest(self, roadmap: str) -> dict[str, str]:
        """Project id -> its most recent decision on this roadmap."""
        from sqlalchemy import select

        t = self.table
        query = select(t.c.project_id, t.c.decision).where(t.c.roadmap == roadmap).order_by(t.c.id)
        with self.engine.connect() as conn:
            return dict(conn.execute(query).all())
