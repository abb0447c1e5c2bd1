"""What the review store keeps and for how long: a cap on one saved file, a quota on all of them, and the retention
setting that deletes review files left unchanged for longer than it says.

Retention deletes a review (its file, mapping, assumptions, tasks and scenarios), never a decision or evidence
(other tables, keyed by portfolio and project), never the latest file of a portfolio, and never a review a
meeting refers to. The settings are in core/limits.py (STORE).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from core import schema
from core.limits import MAX_STORED_FILE_BYTES, RETENTION_DAYS, STORE_QUOTA_BYTES, over
from core.schema import join_offers, opened, reviews, scenarios

# Tables whose rows keep the review they name (column review_id): a meeting's record must still open its file.
KEEPERS = ("meetings",)
# Rows that belong to a review and go with it.
BELONGINGS = (scenarios, join_offers, opened)
_CHUNK = 500  # ids per DELETE: well under SQLite's 999 bound parameters


def refusal(conn: Connection, size: int) -> str | None:
    """Why a file of this many bytes may not be saved now (one sentence), or None when it may."""
    cap = MAX_STORED_FILE_BYTES.value
    if size > cap:
        return over(MAX_STORED_FILE_BYTES, f"The file is {size:,} bytes", "save a smaller file")
    used = stored_bytes(conn)
    if used + size > STORE_QUOTA_BYTES.value:
        return (f"The saved reviews hold {used:,} bytes and this file's {size:,} would take them past the limit of "
                f"{STORE_QUOTA_BYTES.value:,} {STORE_QUOTA_BYTES.what}; ask the "
                f"administrator to raise {STORE_QUOTA_BYTES.env} or lower {RETENTION_DAYS.env}.")
    return None


def stored_bytes(conn: Connection) -> int:
    """Bytes of every saved file (their lengths, read without reading the files)."""
    return int(conn.execute(select(func.coalesce(func.sum(func.length(reviews.c.file_bytes)), 0))).scalar() or 0)


def prune(conn: Connection, now: datetime, days: int | None = None) -> int:
    """Delete the reviews unchanged for more than `days` (the retention setting when None; 0 keeps everything),
    except each portfolio's latest file and any review a KEEPERS table names; how many were deleted."""
    days = RETENTION_DAYS.value if days is None else days
    if days <= 0:
        return 0
    # A portfolio lives in one workspace: the same name in two workspaces is two portfolios, each with a latest.
    newest = (select(reviews.c.workspace, reviews.c.portfolio, func.max(reviews.c.created_at).label("at"))
              .group_by(reviews.c.workspace, reviews.c.portfolio).subquery())
    latest = select(reviews.c.id).join(newest, and_(reviews.c.workspace == newest.c.workspace,
                                                    reviews.c.portfolio == newest.c.portfolio,
                                                    reviews.c.created_at == newest.c.at))
    query = select(reviews.c.id).where(reviews.c.updated_at < now - timedelta(days=days), reviews.c.id.not_in(latest))
    for name in KEEPERS:
        if (table := schema.meta.tables.get(name)) is not None:
            query = query.where(reviews.c.id.not_in(select(table.c.review_id).where(table.c.review_id.is_not(None))))
    ids = list(conn.execute(query).scalars())
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for table in BELONGINGS:
            conn.execute(table.delete().where(table.c.review_id.in_(chunk)))
        conn.execute(reviews.delete().where(reviews.c.id.in_(chunk)))
    return len(ids)
