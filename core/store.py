"""The review store: saved reviews (with their task overrides and named scenarios) and the append-only
decision history, in any SQLAlchemy database.

SQLite by default (data/airr.db, WAL mode, busy timeout); AIRR_DATABASE_URL or a `[database] url`
in .streamlit/secrets.toml points it anywhere else (e.g. postgresql+psycopg://...). Decisions are
keyed by portfolio and project id, never by file bytes; the history is insert-only, and on SQLite
and PostgreSQL a trigger makes the database itself refuse UPDATE and DELETE on it. The tables and their
migrations are in core/schema.py.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import string
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import (
    Engine,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from core import retention, schema
from core.evidence_store import EvidenceMixin
from core.minutes import DECISIONS
from core.schema import (
    DEFAULT_WORKSPACE,
    MAX_NOTE,
    MAX_PORTFOLIO,
    MAX_REVIEWER,
    MAX_SCENARIO,
    MAX_WORKSPACE,
    SCHEMA_VERSION,
    aliases,
    events,
    history,
    opened,
    reviews,
    scenarios,
)
from core.text import clean, clean_name

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("airr.store")
DATA_DIR = ROOT / "data"
DEFAULT_URL = f"sqlite:///{DATA_DIR / 'airr.db'}"
# Where the first release kept its decision log; copied to the new default once, then migrated.
FIRST_RELEASE_DB = ROOT / "decisions.db"
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
BUSY_TIMEOUT_MS = 10_000
# One number for every process that creates the schema on PostgreSQL (pg_advisory_xact_lock); any
# fixed 64-bit value works, this one spells "airr".
PG_SCHEMA_LOCK = 0x61697272
_RETRIES = 6
HISTORY_COLUMNS = ["recorded_at", "portfolio", "project_id", "project", "decision", "reviewer", "revisit",
                   "note", "review_id"]
CURRENT_COLUMNS = ["decision", "reviewer", "note", "revisit", "recorded_at"]

# The portfolio a file belongs to is its name without extension and without trailing date or
# version suffixes, stripped repeatedly: "Acme roadmap 2026-Q3 v2 (final).xlsx" -> "Acme roadmap".
# Suffixes: v2 / v1.3 / rev4, 2026-11-29 / 20261129 / 2026-11, 2026Q3 / Q3-2026 / Q3 / FY27 / H1,
# a bare year, final / draft / copy / latest, and "(2)" as browsers add to repeated downloads.
PORTFOLIO_SUFFIX = re.compile(
    r"""[\s_.\-]*(?:
        \(\d+\) | \((?:final|draft|copy)\)
      | v\d+(?:\.\d+)* | rev\d+
      | \d{4}[-_.]?\d{2}(?:[-_.]?\d{2})?
      | \d{4}[-_\s]?[qh][1-4] | [qh][1-4](?:[-_\s]?\d{2,4})?
      | fy\d{2,4} | (?:19|20)\d{2}
      | final | draft | copy | latest
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


REVIEW_ID_ALPHABET = string.ascii_letters + string.digits
REVIEW_ID_LENGTH = 22  # 22 characters of 62 = 131 bits: nobody guesses one


def new_review_id() -> str:
    """A random review id of letters and digits only.

    Not `secrets.token_urlsafe`: one id in 32 of those starts with '-' or '_', and an id starting with '-'
    reads as an option to the command line (`compare -x… y…` failed), and a trailing '_' or '-' is lost
    when a link is copied out of a sentence.
    """
    return "".join(secrets.choice(REVIEW_ID_ALPHABET) for _ in range(REVIEW_ID_LENGTH))


class StoreError(Exception):
    """The store could not do what was asked; the message is one sentence a user can act on."""


class FileNotKept(StoreError):
    """A file was not saved: over the per-file cap or the store's quota (core/retention.py)."""


def portfolio_name(file_name: str) -> str:
    """The default portfolio name of a file: its stem without date or version suffixes (PORTFOLIO_SUFFIX)."""
    # The whole name: an upload's name is never a path, and a "/" in it ("Q3/Q4 plan.csv") is part of the name.
    stem = clean_name(file_name)
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    while True:
        shorter = PORTFOLIO_SUFFIX.sub("", stem)
        if shorter == stem or not shorter.strip(" _.-"):
            break
        stem = shorter
    return stem.strip(" _.-")[:MAX_PORTFOLIO] or "roadmap"


def file_fingerprint(data: bytes) -> str:
    """The 12-character key the first decision log used for a file (sha1 prefix)."""
    return hashlib.sha1(data).hexdigest()[:12]


def database_url(secrets_file: Path | None = None) -> str:
    """AIRR_DATABASE_URL, else `[database] url` in .streamlit/secrets.toml, else the SQLite file in data/."""
    url = os.environ.get("AIRR_DATABASE_URL")
    if url:
        return url
    path = secrets_file or SECRETS_FILE
    if path.is_file():
        try:
            configured = tomllib.loads(path.read_text(encoding="utf-8")).get("database", {}).get("url")
        except (OSError, tomllib.TOMLDecodeError, AttributeError):
            configured = None
        if isinstance(configured, str) and configured:
            return configured
    return DEFAULT_URL


def _bring_first_release_log(target: Path) -> None:
    # An install upgraded in place still has its decisions in ./decisions.db; without this copy the new
    # default store would start empty and the old decisions would be lost from view without a word.
    if FIRST_RELEASE_DB.is_file() and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".copying")
        shutil.copyfile(FIRST_RELEASE_DB, partial)
        partial.replace(target)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Decision:
    portfolio: str
    project_id: str
    project: str
    decision: str
    reviewer: str
    note: str = ""
    revisit: date | None = None
    review_id: str | None = None
    email: str = ""


@dataclass
class Review:
    """One review: a file as loaded, read with a mapping and assumption overrides, in a portfolio."""

    id: str
    portfolio: str
    file_name: str
    file_sha1: str
    created_at: datetime
    updated_at: datetime
    created_by: str
    mapping: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    data: bytes | None = None  # None when listed without the file
    # Tasks a person set on this review: project id -> {"task": ..., "by": who, "at": "YYYY-MM-DD HH:MM"}.
    tasks: dict[str, dict[str, str]] = field(default_factory=dict)
    # Parts of the stored state that could not be read (a hand-edited or damaged row), e.g. ("task changes",):
    # the review opens without them, and the page says so rather than failing or dropping them unsaid.
    unreadable: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A named set of assumption overrides saved with a review."""

    name: str
    overrides: dict[str, Any]
    saved_by: str
    saved_at: datetime | None  # None for a scenario kept only in a browser session (the store was unavailable)
    unreadable: bool = False  # its stored overrides are not a JSON object (a hand-edited or damaged row)


T = TypeVar("T")
MAX_PROJECT_ID = 200  # decision_history.project_id's width
_REVIEW_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

def _is_transient(exc: BaseException) -> bool:
    message = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) and ("locked" in message or "busy" in message)


class Store(EvidenceMixin):
    """Reviews, decisions and evidence in one database. One instance per URL; safe to share between sessions and threads."""

    def __init__(self, url: str | None = None, workspace: str = DEFAULT_WORKSPACE):
        self.url = url or database_url()
        # Every read and write of this instance stays inside this workspace (SPEC §4s); in_workspace gives another.
        self.workspace = _clean_workspace(workspace)
        if self.url == DEFAULT_URL:
            _bring_first_release_log(DATA_DIR / "airr.db")
        try:
            self.engine = self._engine(self.url)
            self._retrying(self._ensure_schema)
        except SQLAlchemyError as exc:
            raise StoreError(_sentence("open", exc)) from exc
        except OSError as exc:
            raise StoreError(f"The decision store cannot be opened ({exc.strerror}); check the data folder.") from exc

    # --- connections -------------------------------------------------------------------------------

    @staticmethod
    def _engine(url: str) -> Engine:
        if not url.startswith("sqlite"):
            # hide_parameters: an error message must never carry a reviewer's name or note into a log.
            return create_engine(url, pool_pre_ping=True, hide_parameters=True)
        # hide_parameters: an error message must never carry a reviewer's name or note into a log.
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, hide_parameters=True)
        path = engine.url.database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # SQLAlchemy emits BEGIN itself (below), so pysqlite's own transaction handling is off;
            # that also makes DDL transactional, which the race-free schema creation relies on.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # Writers take the write lock up front (BEGIN IMMEDIATE), so two writers queue on the busy
            # timeout instead of one failing when it upgrades a read lock; readers never block.
            mode = conn.get_execution_options().get("sqlite_begin", "")
            conn.exec_driver_sql(f"BEGIN {mode}".strip())

        return engine

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
            yield conn

    def _retrying(self, action: Callable[[], T]) -> T:
        # "database is locked" outlasting the busy timeout (many writers on a slow disk) is worth a few
        # more tries before the user is told; anything else is reported at once.
        for attempt in range(_RETRIES):
            try:
                return action()
            except OperationalError as exc:
                if not _is_transient(exc) or attempt == _RETRIES - 1:
                    raise
                time.sleep(0.05 * 2 ** attempt)
        raise AssertionError("unreachable")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- schema ------------------------------------------------------------------------------------

    def version(self) -> int:
        with self.engine.connect() as conn:
            return schema.version(conn)

    def _ensure_schema(self) -> None:
        found = self.version()
        if found > SCHEMA_VERSION:
            # Tables of a newer release may mean something else; writing to them with today's code could corrupt
            # them, so this copy of the app touches nothing.
            raise StoreError(f"The database was set up by a newer version of the app (schema {found}; this one "
                             f"knows {SCHEMA_VERSION}), so it is left untouched; update the app to use it.")
        if found == SCHEMA_VERSION:
            self._add_missing_guards()
            return
        # Every process may arrive here at once on a new database. The whole creation runs in one
        # transaction that first takes a database-wide lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an
        # advisory lock), then looks again (core.schema.upgrade): the first process creates, the others
        # find it done.
        try:
            with self._write() as conn:
                if self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_SCHEMA_LOCK})
                schema.upgrade(conn, self.dialect, _now())
        except DBAPIError as exc:
            # The app's own PostgreSQL role (core/roles.py) may not create or alter tables: migrations are the
            # owner's, and running on an older schema would write rows the tables cannot hold.
            if getattr(exc.orig, "sqlstate", None) != "42501":
                raise
            raise StoreError(f"The database is at schema {found} and this app needs {SCHEMA_VERSION}, which its "
                             "database role may not set up, so the app does not start; the owner role must run "
                             "`python -m core db upgrade --db URL` first.") from exc

    def _add_missing_guards(self) -> None:
        # A store written before a trigger was added gains it on start (a read, and a write only when missing).
        with self.engine.connect() as conn:
            missing = schema.missing_guards(conn, self.dialect)
        if not missing:
            return
        try:
            with self._write() as conn:
                schema.add_guards(conn, missing)
        except OperationalError as exc:
            if "readonly" not in str(exc.orig).lower():  # a read-only copy cannot be written to at all anyway
                raise

    def in_workspace(self, workspace: str) -> Store:
        """The same store (one engine, one pool) seen from another workspace."""
        scoped = copy.copy(self)
        scoped.workspace = _clean_workspace(workspace)
        return scoped

    def _mine(self, review_id: str) -> Any:
        """The condition that a review is this one and lives in this workspace."""
        return (reviews.c.id == review_id) & (reviews.c.workspace == self.workspace)

    def _event(self, conn: Connection, review_id: str, what: str, detail: str, who: str = "", email: str = "") -> None:
        conn.execute(events.insert().values(workspace=self.workspace, review_id=review_id, what=what,
                                            detail=clean(detail)[:2_000], who=clean_name(who)[:MAX_REVIEWER],
                                            email=email.strip()[:320], at=_now()))

    # --- reviews -----------------------------------------------------------------------------------

    def create_review(self, portfolio: str, file_name: str, data: bytes, mapping: dict | None = None,
                      overrides: dict | None = None, who: str = "", tasks: dict | None = None) -> Review:
        """Save a new review under an id nobody can guess; adopt the first log's decisions on this file."""
        portfolio = _clean_portfolio(portfolio)
        # To the microsecond: reviews are ordered by when they were made (the review before this one, for its
        # zombies), and two uploads can fall in the same second.
        now = datetime.now(UTC).replace(tzinfo=None)
        review = Review(new_review_id(), portfolio, file_name[:255], hashlib.sha1(data).hexdigest(),
                        now, now, clean_name(who)[:MAX_REVIEWER], dict(mapping or {}), dict(overrides or {}), data,
                        dict(tasks or {}))

        def insert() -> None:
            with self._write() as conn:
                # Under the write lock, so two uploads at once cannot both take the last of the quota.
                if refused := retention.refusal(conn, len(data)):
                    raise FileNotKept(refused)
                conn.execute(reviews.insert().values(
                    id=review.id, portfolio=portfolio, file_name=review.file_name, file_sha1=review.file_sha1,
                    file_bytes=data, mapping=json.dumps(review.mapping), overrides=json.dumps(review.overrides),
                    created_at=now, updated_at=now, created_by=review.created_by, tasks=json.dumps(review.tasks),
                    workspace=self.workspace))
                self._event(conn, review.id, "created", f"{review.file_name} in portfolio '{portfolio}'", who, who)
                self._adopt_legacy(conn, f"legacy:{review.file_sha1[:12]}", portfolio)
                retention.prune(conn, now)  # a new file is when the oldest may go: no scheduler needed

        self._guard("save the review", insert)
        return review

    def prune(self, days: int | None = None) -> int:
        """Apply the retention setting now (core/retention.py); how many reviews were deleted."""
        def delete() -> int:
            with self._write() as conn:
                return retention.prune(conn, _now(), days)

        return self._guard("delete old reviews", delete)

    def stored_bytes(self) -> int:
        """Bytes of every saved review file."""
        with self.engine.connect() as conn:
            return retention.stored_bytes(conn)

    def _adopt_legacy(self, conn: Connection, alias: str, portfolio: str) -> None:
        # The first log's rows went to the default workspace: only a review there may adopt them.
        has_rows = conn.execute(select(history.c.id).where((history.c.portfolio == alias)
                                                           & (history.c.workspace == self.workspace)).limit(1)).first()
        taken = conn.execute(select(aliases.c.portfolio).where(aliases.c.alias == alias)).first()
        if has_rows and not taken:
            conn.execute(aliases.insert().values(alias=alias, portfolio=portfolio, adopted_at=_now(),
                                                 workspace=self.workspace))

    def review(self, review_id: str) -> Review | None:
        """The review with this id (file included), or None."""
        # Ids are letters and digits (token_urlsafe's '-' and '_' in older ones): any other link is no review, and
        # must not reach the database (PostgreSQL fails on a NUL in a parameter instead of finding nothing).
        if not review_id or not _REVIEW_ID.fullmatch(review_id):
            return None

        def read() -> Review | None:
            with self.engine.connect() as conn:
                row = conn.execute(select(reviews).where(self._mine(review_id))).mappings().first()
            return _review(row, with_file=True) if row else None

        return self._guard("read the review", read)

    def update_review(self, review_id: str, *, mapping: dict | None = None, overrides: dict | None = None,
                      portfolio: str | None = None, who: str = "", email: str = "") -> None:
        """Change a review's current state (mapping, assumption overrides, portfolio name); each part that changes
        is an event in the review's log, with who and when."""
        values: dict[str, Any] = {}
        if mapping is not None:
            values["mapping"] = json.dumps(mapping)
        if overrides is not None:
            values["overrides"] = json.dumps(overrides, default=str)
        if portfolio is not None:
            values["portfolio"] = _clean_portfolio(portfolio)

        def update() -> None:
            with self._write() as conn:
                row = conn.execute(select(reviews.c.mapping, reviews.c.overrides, reviews.c.portfolio)
                                   .where(self._mine(review_id))).mappings().first()
                if row is None:
                    raise StoreError("The review is no longer in the database, so the change was not saved.")
                changed = {k: v for k, v in values.items() if row[k] != v}
                if not changed:
                    return
                conn.execute(reviews.update().where(self._mine(review_id)).values(**changed, updated_at=_now()))
                for column, what in (("portfolio", "name"), ("mapping", "mapping"), ("overrides", "assumptions")):
                    if column in changed:
                        before = row[column] if column == "portfolio" else _json_object(row[column]) or {}
                        after = changed[column] if column == "portfolio" else _json_object(changed[column]) or {}
                        self._event(conn, review_id, what, _change(before, after), who, email)

        self._guard("save the review", update)

    def set_task(self, review_id: str, project_id: str, task: str | None, who: str = "",
                 email: str = "") -> dict[str, dict[str, str]]:
        """Set one project's task on a review (None: back to the roadmap's own); the review's tasks afterwards.

        Read and written in one locked transaction, so two reviewers changing different projects of the same
        review at once both keep their change.
        """
        if not project_id:
            raise ValueError("A task change needs the project id.")
        if len(project_id) > MAX_PROJECT_ID:  # cut, it would be kept under an id no project has
            raise StoreError(f"This project's id is longer than {MAX_PROJECT_ID} characters, so its task cannot be "
                             "saved with the review; shorten the id in the roadmap.")

        def change() -> dict[str, dict[str, str]]:
            with self._write() as conn:
                query = select(reviews.c.tasks).where(self._mine(review_id))
                if self.dialect != "sqlite":  # SQLite's BEGIN IMMEDIATE already holds the write lock
                    query = query.with_for_update()
                found = conn.execute(query).first()
                if found is None:
                    raise StoreError("The review is no longer in the database, so the task was not saved.")
                tasks = _tasks(found[0])[0]  # an unreadable stored value starts afresh instead of failing every try
                before = tasks.get(project_id, {}).get("task")
                if task is None:
                    tasks.pop(project_id, None)
                else:
                    tasks[project_id] = {"task": task, "by": clean_name(who)[:MAX_REVIEWER],
                                               "at": _now().strftime("%Y-%m-%d %H:%M")}
                conn.execute(reviews.update().where(self._mine(review_id)).values(
                    tasks=json.dumps(tasks), updated_at=_now()))
                if before != task:
                    self._event(conn, review_id, "task", f"{project_id}: {before or 'the roadmap’s own'} → "
                                f"{task or 'the roadmap’s own'}", who, email)
                return tasks

        return self._guard("save the task", change)

    def recent_reviews(self, limit: int = 10, portfolio: str | None = None,
                       ids: list[str] | None = None) -> list[Review]:
        """The workspace's latest reviews (of one portfolio, or among these ids), newest first, without their files."""
        cols = [c for c in reviews.c if c.name != "file_bytes"]
        query = (select(*cols).where(reviews.c.workspace == self.workspace)
                 .order_by(reviews.c.updated_at.desc(), reviews.c.created_at.desc()).limit(limit))
        if portfolio is not None:
            query = query.where(reviews.c.portfolio == portfolio)
        if ids is not None:
            query = query.where(reviews.c.id.in_(ids[:1000]))

        def read() -> list[Review]:
            with self.engine.connect() as conn:
                return [_review(r, with_file=False) for r in conn.execute(query).mappings()]

        return self._guard("list the reviews", read)

    def portfolios(self) -> list[str]:
        def read() -> list[str]:
            with self.engine.connect() as conn:
                return list(conn.execute(select(reviews.c.portfolio).distinct()
                                         .where(reviews.c.workspace == self.workspace).order_by(reviews.c.portfolio))
                            .scalars())

        return self._guard("list the portfolios", read)

    def events(self, review_id: str) -> list[dict[str, Any]]:
        """A review's event log, oldest first: what changed (what, detail), who (who, email) and when (at)."""
        def read() -> list[dict[str, Any]]:
            with self.engine.connect() as conn:
                query = (select(events.c.what, events.c.detail, events.c.who, events.c.email, events.c.at)
                         .where((events.c.review_id == review_id) & (events.c.workspace == self.workspace))
                         .order_by(events.c.id))
                return [dict(r) for r in conn.execute(query).mappings()]

        return self._guard("read the review's history", read)

    def remember_opened(self, browser: str, review_id: str) -> None:
        """Note that a browser (a hash of its cookie) opened a review: Home lists these when nobody signs in."""
        def upsert() -> None:
            with self._write() as conn:
                # To the microsecond: two reviews opened within a second keep their order.
                now = datetime.now(UTC).replace(tzinfo=None)
                mine = (opened.c.browser == browser[:64]) & (opened.c.review_id == review_id)
                if not conn.execute(opened.update().where(mine).values(opened_at=now)).rowcount:
                    conn.execute(opened.insert().values(browser=browser[:64], review_id=review_id,
                                                        workspace=self.workspace, opened_at=now))

        self._guard("remember the review", upsert)

    def opened_by(self, browser: str, limit: int = 8) -> list[Review]:
        """The reviews this browser opened in this workspace, the latest opened first (without their files)."""
        def read() -> list[str]:
            with self.engine.connect() as conn:
                return list(conn.execute(select(opened.c.review_id).where(
                    (opened.c.browser == browser[:64]) & (opened.c.workspace == self.workspace))
                    .order_by(opened.c.opened_at.desc()).limit(limit)).scalars())

        ids = self._guard("list the reviews", read)
        found = {r.id: r for r in self.recent_reviews(limit=limit, ids=ids)}
        return [found[i] for i in ids if i in found]

    # --- scenarios ---------------------------------------------------------------------------------

    def save_scenario(self, review_id: str, name: str, overrides: dict[str, Any], who: str = "",
                      email: str = "") -> Scenario:
        """Save a review's named scenario; a name saved again takes the new overrides, saver and time."""
        name = clean_scenario_name(name)
        if not name:
            raise ValueError("Give the scenario a name before saving it.")
        if len(name) > MAX_SCENARIO:
            raise ValueError(f"Keep the scenario name under {MAX_SCENARIO} characters.")
        saved = Scenario(name, dict(overrides), clean_name(who)[:MAX_REVIEWER], _now())
        values = {"overrides": json.dumps(saved.overrides, default=str), "saved_by": saved.saved_by,
                  "saved_at": saved.saved_at}

        def upsert() -> None:
            with self._write() as conn:
                if conn.execute(select(reviews.c.id).where(self._mine(review_id))).first() is None:
                    raise StoreError("The review is no longer in the database, so the scenario was not saved.")
                mine = (scenarios.c.review_id == review_id) & (scenarios.c.name == name)
                replaced = bool(conn.execute(scenarios.update().where(mine).values(**values)).rowcount)
                if not replaced:
                    conn.execute(scenarios.insert().values(review_id=review_id, name=name, **values))
                self._event(conn, review_id, "scenario", f"{'replaced' if replaced else 'saved'} '{name}': "
                            f"{_change({}, saved.overrides)}", who, email)

        self._guard("save the scenario", upsert)
        return saved

    def scenarios(self, review_id: str) -> list[Scenario]:
        """A review's saved scenarios, in the order they were first saved."""
        def read() -> list[Scenario]:
            with self.engine.connect() as conn:
                rows = conn.execute(select(scenarios).join(reviews, reviews.c.id == scenarios.c.review_id)
                                    .where(self._mine(review_id)).order_by(scenarios.c.id)).mappings()
                return [Scenario(r["name"], overrides or {}, r["saved_by"], r["saved_at"], overrides is None)
                        for r in rows for overrides in [_json_object(r["overrides"])]]

        return self._guard("read the scenarios", read)

    def delete_scenario(self, review_id: str, name: str, who: str = "", email: str = "") -> None:
        """Remove one saved scenario of a review (nothing happens when there is none by that name)."""
        def delete() -> None:
            with self._write() as conn:
                if conn.execute(select(reviews.c.id).where(self._mine(review_id))).first() is None:
                    return
                if conn.execute(scenarios.delete().where((scenarios.c.review_id == review_id)
                                                         & (scenarios.c.name == name))).rowcount:
                    self._event(conn, review_id, "scenario", f"deleted '{name}'", who, email)

        self._guard("delete the scenario", delete)

    # --- decisions ---------------------------------------------------------------------------------

    def append(self, d: Decision) -> None:
        """Add one entry to the history (validated). Earlier entries are never changed."""
        values = decision_values(d, self.workspace)

        def insert() -> None:
            with self._write() as conn:
                conn.execute(history.insert().values(**values))

        self._guard("record the decision", insert)

    def _keys(self, conn: Connection, portfolio: str) -> list[str]:
        adopted = conn.execute(select(aliases.c.alias).where((aliases.c.portfolio == portfolio)
                                                             & (aliases.c.workspace == self.workspace))).scalars()
        return [portfolio, *adopted]

    def history(self, portfolio: str | None = None, project_id: str | None = None) -> pd.DataFrame:
        """Entries oldest first (one portfolio with its adopted legacy rows, or all), as text columns."""
        def read() -> list[dict]:
            with self.engine.connect() as conn:
                query = select(history).where(history.c.workspace == self.workspace).order_by(history.c.id)
                if portfolio is not None:
                    query = query.where(history.c.portfolio.in_(self._keys(conn, portfolio)))
                if project_id is not None:
                    query = query.where(history.c.project_id == project_id)
                return [dict(r) for r in conn.execute(query).mappings()]

        rows = self._guard("read the decisions", read)
        frame = pd.DataFrame(rows, columns=[c.name for c in history.c])
        frame["revisit"] = frame["revisit"].map(lambda v: v.isoformat() if v else "")
        frame["recorded_at"] = frame["recorded_at"].map(lambda v: v.isoformat(sep=" ") + " UTC" if v else "")
        frame["review_id"] = frame["review_id"].fillna("")
        if portfolio is not None:
            # Adopted legacy rows read as the portfolio they now belong to.
            frame["portfolio"] = portfolio
        return frame[HISTORY_COLUMNS].astype(object)

    def current(self, portfolio: str) -> pd.DataFrame:
        """The latest entry per project (decision, reviewer, note, revisit, recorded_at), indexed by project id."""
        frame = self.history(portfolio)
        latest = frame.drop_duplicates("project_id", keep="last").set_index("project_id")
        return latest[CURRENT_COLUMNS]

    def latest(self, portfolio: str) -> dict[str, str]:
        """Project id -> its current decision."""
        return self.current(portfolio)["decision"].to_dict()

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(history)).scalar() or 0)

    # --- errors ------------------------------------------------------------------------------------

    # Other store modules (core.meetings, core.joining) write through the same locked, retried transactions
    # and report failures in the same sentences.
    def transaction(self) -> Any:
        """A write transaction that holds the database's write lock (a context manager yielding a Connection)."""
        return self._write()

    def guard(self, what: str, action: Callable[[], T]) -> T:
        """Run action, retrying a busy database; any database failure becomes a StoreError sentence."""
        return self._guard(what, action)

    def _guard(self, what: str, action: Callable[[], T]) -> T:
        try:
            return self._retrying(action)
        except IntegrityError as exc:
            raise StoreError(f"The database refused to {what}; nothing was changed.") from exc
        except SQLAlchemyError as exc:
            # The user gets a sentence; the log gets what the database said, or "the details are in the
            # server log" would point at nothing (issue 17: a full disk). hide_parameters keeps names and
            # notes out of the statement's text.
            orig = getattr(exc, "orig", None) or exc
            log.error("could not %s: %s: %s", what, type(orig).__name__, orig, exc_info=exc)
            raise StoreError(_sentence(what, exc)) from exc


def decision_values(d: Decision, workspace: str = DEFAULT_WORKSPACE) -> dict[str, Any]:
    """A decision validated and made into its decision_history row (raises ValueError with a sentence)."""
    if d.decision not in DECISIONS:
        raise ValueError(f"'{d.decision}' is not a decision; use one of {', '.join(DECISIONS)}.")
    # Names and notes lose control characters and bidi overrides where they enter the store (a NUL, which
    # PostgreSQL cannot hold, or a U+202E that shows a name reversed on every page and download).
    reviewer, note = clean_name(d.reviewer), clean(d.note)
    if not reviewer:
        raise ValueError("A decision needs the reviewer's name.")
    if len(reviewer) > MAX_REVIEWER or len(note) > MAX_NOTE:
        raise ValueError(f"Keep the reviewer under {MAX_REVIEWER} and the note under {MAX_NOTE:,} characters.")
    if not d.project_id:
        raise ValueError("A decision needs the project id.")
    if len(d.project_id) > MAX_PROJECT_ID:  # cut, the decision would never show on its project again
        raise ValueError(f"This project's id is longer than {MAX_PROJECT_ID} characters, so a decision on it "
                         "cannot be recorded; shorten the id in the roadmap.")
    return {"portfolio": _clean_portfolio(d.portfolio), "project_id": d.project_id,
            "project": clean(d.project), "decision": d.decision, "reviewer": reviewer,
            "email": clean_name(d.email)[:320], "note": note, "revisit": d.revisit, "review_id": d.review_id,
            "recorded_at": _now(), "workspace": workspace}


def _sentence(what: str, exc: BaseException) -> str:
    message = str(getattr(exc, "orig", exc)).lower()
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":
        return (f"The app's database role is not allowed to {what}; ask whoever runs the app to set up its roles "
                "with `python -m core db roles`.")
    if "nul (0x00)" in message:
        return f"The database cannot store a NUL character, so it could not {what}; remove it from the text and try again."
    if _is_transient(exc):
        return f"The database is busy and could not {what}; nothing was lost, try again in a moment."
    if "disk is full" in message or "no space left" in message or "could not extend file" in message:
        return (f"The server's disk is full, so it could not {what}; nothing was changed, ask whoever runs the app "
                "to free some space.")
    if "readonly" in message or "read-only" in message or "read only" in message:
        return f"The database is read-only, so it could not {what}; ask whoever runs the app to fix its data folder."
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return f"The database file is damaged, so it could not {what}; ask whoever runs the app to restore it."
    if "could not connect" in message or "connection" in message or "unable to open" in message:
        return f"The database cannot be reached, so it could not {what}; check the database setting."
    return f"The database could not {what}; the details are in the server log."


def _clean_workspace(name: str) -> str:
    cleaned = " ".join(str(name).split())[:MAX_WORKSPACE]
    return cleaned or DEFAULT_WORKSPACE


def _change(before: Any, after: Any) -> str:
    """One line for an event: a name's old and new text, or the keys of a mapping that were added, changed or
    removed (`key: old → new`)."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return f"'{before}' → '{after}'"
    keys = sorted(set(before) | set(after), key=str)
    parts = [f"{k}: {before.get(k, '—')} → {after.get(k, '—')}" for k in keys
             if before.get(k) != after.get(k) or (k in before) != (k in after)]
    return "; ".join(parts) if parts else "no change"


def _clean_portfolio(name: str) -> str:
    cleaned = clean_name(name)[:MAX_PORTFOLIO]
    if not cleaned:
        raise ValueError("Give the portfolio a name.")
    return cleaned


def clean_scenario_name(name: object) -> str:
    """A scenario name as saved: spaces collapsed, control and format characters (bidi overrides, zero-width
    marks) removed, since they would hide or reverse the name in every list it shows in."""
    visible = "".join(c for c in str(name) if c in " \t\n" or unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(visible.split())


def _json_object(value: str | None) -> dict | None:
    """A stored JSON object, or None when the stored text is not one (edited by hand, or damaged)."""
    try:
        found = json.loads(value or "{}")
    except (ValueError, RecursionError):  # RecursionError: deeply nested brackets
        return None
    return found if isinstance(found, dict) else None


def _tasks(value: str | None) -> tuple[dict[str, dict[str, str]], bool]:
    """The well-formed task changes of a stored value, and whether that was all of it."""
    found = _json_object(value)
    if found is None:
        return {}, False
    tasks = {str(pid): {"task": t["task"], "by": str(t.get("by", "")), "at": str(t.get("at", ""))}
             for pid, t in found.items() if isinstance(t, dict) and isinstance(t.get("task"), str)}
    return tasks, len(tasks) == len(found)


def _review(row: Any, with_file: bool) -> Review:
    mapping = _json_object(row["mapping"])
    if mapping is not None and not all(isinstance(v, str) for v in mapping.values()):
        mapping = None
    overrides = _json_object(row["overrides"])
    tasks, whole = _tasks(row["tasks"])
    unreadable = tuple(part for part, ok in (("column mapping", mapping is not None),
                                             ("assumptions", overrides is not None), ("task changes", whole)) if not ok)
    return Review(row["id"], row["portfolio"], row["file_name"], row["file_sha1"], row["created_at"],
                  row["updated_at"], row["created_by"], mapping or {}, overrides or {},
                  row["file_bytes"] if with_file else None, tasks, unreadable)
