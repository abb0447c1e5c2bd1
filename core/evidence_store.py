"""Evidence in the store (SPEC §4e, §4s): appended with who and when, never changed, read back per portfolio.

A mixin of core.store.Store, kept apart so the store module stays one concern. The table and its append-only
triggers are in core/schema.py; the key (EVIDENCE_KEY) is named there once.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select

from core.evidence import KINDS, Finding, NotEvidence, describe
from core.evidence_apply import Attached
from core.schema import EVIDENCE_KEY, MAX_REVIEWER, evidence

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from sqlalchemy import Engine
    from sqlalchemy.engine import Connection

MAX_PROJECT_ID = 200  # evidence.project_id's width, as decision_history's
HISTORY_COLUMNS = ["recorded_at", "portfolio", "project_id", "project", "kind", "outcome", "summary", "items",
                   "estimate", "low", "high", "threshold", "method", "reviewer", "file_name", "file_sha1",
                   "review_id", "detail"]


def _key(portfolio: str, project_id: str | None = None) -> Any:
    """The WHERE clause of one portfolio's (or one project's) evidence: the key in one place."""
    portfolio_col, project_col = (evidence.c[name] for name in EVIDENCE_KEY)
    clause = portfolio_col == portfolio
    return clause if project_id is None else clause & (project_col == project_id)


class EvidenceMixin:
    """Store methods for evidence; the Store supplies the engine, its write transaction and its error guard."""

    engine: Engine
    workspace: str  # every read and write stays inside the store's workspace
    _write: Callable[[], AbstractContextManager[Connection]]
    _guard: Callable[..., Any]

    def add_evidence(self, portfolio: str, project_id: str, project: str, found: Finding, reviewer: str, *,
                     file_name: str = "", data: bytes | None = None, email: str = "",
                     review_id: str | None = None) -> Attached:
        """Append one piece of evidence (validated); earlier items stay as they were. Returns it as stored."""
        from core.store import _clean_portfolio, _now

        who = (reviewer or "").strip()
        if not who:
            raise NotEvidence("Evidence needs the reviewer's name.")
        if len(who) > MAX_REVIEWER:
            raise NotEvidence(f"Keep the reviewer's name under {MAX_REVIEWER} characters.")
        if found.kind not in KINDS:
            raise NotEvidence(f"'{found.kind}' is not a kind of evidence; use one of {', '.join(KINDS)}.")
        if not project_id or len(project_id) > MAX_PROJECT_ID:
            raise NotEvidence(f"Evidence needs the project's id, under {MAX_PROJECT_ID} characters.")
        when = _now()
        values = {"portfolio": _clean_portfolio(portfolio), "project_id": project_id, "project": project or "",
                  "kind": found.kind, "outcome": found.outcome, "items": found.items, "estimate": found.estimate,
                  "low": found.low, "high": found.high, "threshold": found.threshold, "method": found.method,
                  "detail": json.dumps(found.detail, default=str),
                  "summary": describe(found, who, when.date().isoformat()), "file_name": (file_name or "")[:255],
                  "file_sha1": hashlib.sha1(data).hexdigest() if data else "", "file_bytes": data,
                  "reviewer": who, "email": (email or "")[:320], "review_id": review_id, "recorded_at": when,
                  "workspace": self.workspace}

        def insert() -> int:
            with self._write() as conn:
                return int(conn.execute(evidence.insert().values(**values)).inserted_primary_key[0])

        new_id = self._guard("record the evidence", insert)
        return _attached({**values, "id": new_id})

    def evidence(self, portfolio: str | None = None, project_id: str | None = None) -> list[Attached]:
        """Stored evidence, oldest first: all of it, one portfolio's, or one project's (files not read)."""
        cols = [c for c in evidence.c if c.name != "file_bytes"]
        query = select(*cols).where(evidence.c.workspace == self.workspace).order_by(evidence.c.id)
        if portfolio is not None:
            query = query.where(_key(portfolio, project_id))

        def read() -> list[Attached]:
            with self.engine.connect() as conn:
                return [_attached(dict(r)) for r in conn.execute(query).mappings()]

        return self._guard("read the evidence", read)

    def evidence_history(self, portfolio: str | None = None, project_id: str | None = None) -> pd.DataFrame:
        """The evidence as a table for people and exports (HISTORY_COLUMNS), oldest first."""
        cols = [c for c in evidence.c if c.name != "file_bytes"]
        query = select(*cols).where(evidence.c.workspace == self.workspace).order_by(evidence.c.id)
        if portfolio is not None:
            query = query.where(_key(portfolio, project_id))

        def read() -> list[dict]:
            with self.engine.connect() as conn:
                return [dict(r) for r in conn.execute(query).mappings()]

        frame = pd.DataFrame(self._guard("read the evidence", read), columns=[c.name for c in cols])
        frame["recorded_at"] = frame["recorded_at"].map(lambda v: v.isoformat(sep=" ") + " UTC" if v else "")
        frame["review_id"] = frame["review_id"].fillna("")
        frame["items"] = frame["items"].astype("Int64")
        return frame[HISTORY_COLUMNS].astype(object)

    def evidence_file(self, evidence_id: int) -> tuple[str, bytes] | None:
        """The file an item of evidence was attached with (name, bytes), or None."""
        query = select(evidence.c.file_name, evidence.c.file_bytes).where(
            (evidence.c.id == evidence_id) & (evidence.c.workspace == self.workspace))

        def read() -> tuple[str, bytes] | None:
            with self.engine.connect() as conn:
                row = conn.execute(query).first()
            return (row[0], bytes(row[1])) if row and row[1] is not None else None

        return self._guard("read the evidence file", read)


def _attached(row: dict[str, Any]) -> Attached:
    try:
        detail = json.loads(row.get("detail") or "{}")
    except (ValueError, RecursionError):  # a hand-edited row: its figures still count, its detail is lost
        detail = {}
    return Attached(int(row["id"]), row["portfolio"], row["project_id"], row["kind"], row["reviewer"],
                    row["recorded_at"], row["items"], row["estimate"], row["low"], row["high"], row["threshold"],
                    row["method"] or "", detail if isinstance(detail, dict) else {}, row.get("project") or "",
                    row.get("file_name") or "", row.get("review_id"))
