"""The store's tables, and the forward migration that brings any older database to SCHEMA_VERSION.

Version 0 is the first release's decision log (one table `decisions`, rows keyed by a file hash); version 1
added reviews, the append-only decision history and portfolio aliases; version 2 added the tasks people set
on a review and the review's saved scenarios; MEETINGS_VERSION added review meetings (with the decisions taken
in them) and the stored offers to join a review to a portfolio; EVIDENCE_VERSION added the append-only evidence
attached to projects (SPEC §4e). `upgrade` runs inside the store's locked schema transaction, one version at a
time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Double,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    inspect,
    literal,
    select,
)
from sqlalchemy.engine import Connection

# The one place the meetings change's number lives: it takes main's version + 1 at the time it lands (SPEC §4s).
MEETINGS_VERSION = 3
# The one place the evidence change's number lives, likewise (main's version + 1 when it lands).
EVIDENCE_VERSION = 4
# 1: reviews and decisions; 2: tasks and scenarios per review; 3: meetings; 4: evidence
# The one place the workspaces change's number lives (workspaces and the review event log; SPEC §4s).
WORKSPACES_VERSION = EVIDENCE_VERSION + 1
# 1: reviews and decisions; 2: tasks and scenarios per review; 3: meetings; 4: evidence; 5: workspaces, event log
SCHEMA_VERSION = WORKSPACES_VERSION
MAX_REVIEWER, MAX_NOTE, MAX_PORTFOLIO, MAX_SCENARIO, MAX_WORKSPACE = 200, 5_000, 200, 80, 200
# Where everything lives without sign-in (everyone who can reach the server shares it), and where every row of a
# store older than WORKSPACES_VERSION goes.
DEFAULT_WORKSPACE = "default"


def _workspace() -> Column:
    # A server default, so the ALTER TABLE of the upgrade fills existing rows (the history's without an UPDATE).
    return Column("workspace", String(MAX_WORKSPACE), nullable=False, default=DEFAULT_WORKSPACE,
                  server_default=DEFAULT_WORKSPACE)


meta = MetaData()
schema_version = Table(
    "schema_version", meta,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime, nullable=False),
)
reviews = Table(
    "reviews", meta,
    Column("id", String(43), primary_key=True),
    Column("portfolio", String(MAX_PORTFOLIO), nullable=False, index=True),
    Column("file_name", String(255), nullable=False),
    Column("file_sha1", String(40), nullable=False, index=True),
    Column("file_bytes", LargeBinary, nullable=False),
    Column("mapping", Text, nullable=False, default="{}"),
    Column("overrides", Text, nullable=False, default="{}"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("created_by", String(MAX_REVIEWER), nullable=False, default=""),
    # Schema version 2. A server default, so a database upgraded in place (ALTER TABLE) fills existing rows,
    # and an older copy of the app still running against it can go on inserting reviews without the column.
    Column("tasks", Text, nullable=False, default="{}", server_default="{}"),
    _workspace(),  # WORKSPACES_VERSION
)
# Schema version 2: named assumption scenarios of a review; saving a name again replaces its overrides.
scenarios = Table(
    "scenarios", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("review_id", String(43), nullable=False, index=True),
    Column("name", String(MAX_SCENARIO), nullable=False),
    Column("overrides", Text, nullable=False),
    Column("saved_by", String(MAX_REVIEWER), nullable=False, default=""),
    Column("saved_at", DateTime, nullable=False),
    UniqueConstraint("review_id", "name", name="scenarios_review_name"),
)
history = Table(
    "decision_history", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("portfolio", String(MAX_PORTFOLIO), nullable=False, index=True),
    Column("project_id", String(200), nullable=False),
    Column("project", Text, nullable=False),
    Column("decision", String(32), nullable=False),
    Column("reviewer", String(MAX_REVIEWER), nullable=False),
    Column("email", String(320), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("revisit", Date, nullable=True),
    Column("review_id", String(43), nullable=True),
    Column("recorded_at", DateTime, nullable=False),
    _workspace(),  # WORKSPACES_VERSION
)
# Decisions recorded under another key that now belong to a portfolio: `legacy:<hash>` rows of the
# first decision log, adopted when a file with that hash is loaded again. Rows are only inserted,
# so the history itself never has to be rewritten.
aliases = Table(
    "portfolio_aliases", meta,
    Column("alias", String(MAX_PORTFOLIO), primary_key=True),
    Column("portfolio", String(MAX_PORTFOLIO), nullable=False, index=True),
    Column("adopted_at", DateTime, nullable=False),
    _workspace(),  # WORKSPACES_VERSION
)
# Schema version MEETINGS_VERSION: a review meeting (who was there, when it started and ended, under which
# scenario) and each decision taken in it, pointing at its decision_history row (which stays append-only)
# with the savings as they stood when it was taken, and the action it gave someone.
meetings = Table(
    "meetings", meta,
    Column("id", String(43), primary_key=True),
    Column("review_id", String(43), nullable=False, index=True),
    Column("portfolio", String(MAX_PORTFOLIO), nullable=False, index=True),
    Column("scenario", Text, nullable=False, default=""),
    Column("overrides", Text, nullable=False, default="{}"),
    Column("attendees", Text, nullable=False, default="[]"),
    Column("include_keep", Integer, nullable=False, default=0),
    Column("started_by", String(MAX_REVIEWER), nullable=False, default=""),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime, nullable=True),
    _workspace(),  # WORKSPACES_VERSION
)
meeting_decisions = Table(
    "meeting_decisions", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_id", String(43), nullable=False, index=True),
    Column("history_id", Integer, nullable=False),
    Column("project_id", String(200), nullable=False),
    Column("decision", String(32), nullable=False),
    Column("savings_usd", Float, nullable=True),
    Column("savings_people_usd", Float, nullable=True),
    Column("savings_serving_usd", Float, nullable=True),
    Column("savings_api_usd", Float, nullable=True),
    Column("savings_other_usd", Float, nullable=True),
    Column("action_owner", String(MAX_REVIEWER), nullable=False, default=""),
    Column("action_due", Date, nullable=True),
    Column("recorded_at", DateTime, nullable=False),
)
# Schema version MEETINGS_VERSION: an upload whose portfolio name was taken was either joined to that portfolio
# (it shares most of its projects) or kept apart; the offer to undo or to join stays until someone answers it.
join_offers = Table(
    "join_offers", meta,
    Column("review_id", String(43), primary_key=True),
    Column("portfolio", String(MAX_PORTFOLIO), nullable=False),  # the existing portfolio of that name
    Column("apart_as", String(MAX_PORTFOLIO), nullable=False),  # the name the review takes when kept apart
    Column("joined", Integer, nullable=False),  # 1: joined automatically (offer: keep apart); 0: kept apart
    Column("shared", Float, nullable=False),  # share of the upload's projects found in the portfolio
    Column("basis", String(16), nullable=False),  # "ids" or "names"
    Column("created_at", DateTime, nullable=False),
    Column("answered", String(16), nullable=True),  # None while open; "joined" or "apart"
    Column("answered_by", String(MAX_REVIEWER), nullable=False, default=""),
    Column("answered_at", DateTime, nullable=True),
)
# Schema version EVIDENCE_VERSION: evidence attached to a project (SPEC §4e), append-only like the decision history
# (triggers below): the latest item of each kind counts. Keyed by EVIDENCE_KEY; the figures are the ones computed
# when it was attached (an evaluation's outcome is fixed by its material gap; a latency's is judged again against
# the roadmap's current target).
EVIDENCE_KEY = ("portfolio", "project_id")  # the one place the key is named (a workspace may join it)
evidence = Table(
    "evidence", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("portfolio", String(MAX_PORTFOLIO), nullable=False, index=True),
    Column("project_id", String(200), nullable=False),
    Column("project", Text, nullable=False, default=""),
    Column("kind", String(16), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("items", Integer, nullable=True),
    Column("estimate", Double, nullable=True),
    Column("low", Double, nullable=True),
    Column("high", Double, nullable=True),
    Column("threshold", Double, nullable=True),
    Column("method", String(32), nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),
    Column("summary", Text, nullable=False, default=""),
    Column("file_name", String(255), nullable=False, default=""),
    Column("file_sha1", String(40), nullable=False, default=""),
    Column("file_bytes", LargeBinary, nullable=True),
    Column("reviewer", String(MAX_REVIEWER), nullable=False),
    Column("email", String(320), nullable=False, default=""),
    Column("review_id", String(43), nullable=True),
    Column("recorded_at", DateTime, nullable=False),
    _workspace(),  # WORKSPACES_VERSION
)
# Schema version WORKSPACES_VERSION: the review event log. Every change to a review's name, mapping, assumptions,
# tasks or scenarios, with who and when; append-only like the decision history.
events = Table(
    "review_events", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _workspace(),
    Column("review_id", String(43), nullable=False, index=True),
    Column("what", String(32), nullable=False),  # created, name, mapping, assumptions, task, scenario
    Column("detail", Text, nullable=False, default=""),
    Column("who", String(MAX_REVIEWER), nullable=False, default=""),
    Column("email", String(320), nullable=False, default=""),
    Column("at", DateTime, nullable=False),
)
# Schema version WORKSPACES_VERSION: the reviews each browser opened (a hash of its XSRF cookie), which is what
# Home lists when nobody signs in.
opened = Table(
    "opened_reviews", meta,
    Column("browser", String(64), primary_key=True),
    Column("review_id", String(43), primary_key=True),
    _workspace(),
    Column("opened_at", DateTime, nullable=False),
)
# The table the first decision log wrote (rows keyed by a 12-character file hash); read by the migration.
_legacy = Table(
    "decisions", MetaData(),
    Column("id", Integer, primary_key=True), Column("roadmap", String(64)), Column("project_id", String(200)),
    Column("project", Text), Column("decision", String(32)), Column("reviewer", String(200)),
    Column("note", Text), Column("revisit", Date), Column("recorded_at", DateTime),
)

# Append-only tables and the key that names a row. SQLite has no privileges, so its triggers are the only guard:
# UPDATE and DELETE, and an INSERT on a key already there, since INSERT OR REPLACE / REPLACE INTO deletes the
# row it collides with without firing the DELETE trigger (recursive_triggers is off) and writes a forged one.
# A meeting's decisions (the savings as they stood when taken, the action's owner and date) are a record too; on
# PostgreSQL the app's role may only read and add them (core.roles).
_APPEND_ONLY = {"decision_history": "id", "portfolio_aliases": "alias", "evidence": "id", "review_events": "id",
                "meeting_decisions": "id"}
SQLITE_TRIGGERS = {
    f"{table}_no_{word}": (
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{word} BEFORE {op} ON {table} "
        + (f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) " if op == "INSERT" else "")
        + f"BEGIN SELECT RAISE(ABORT, '{table.replace('_', ' ')} is append-only'); END")
    for table, key in _APPEND_ONLY.items()
    for op, word in (("UPDATE", "update"), ("DELETE", "delete"), ("INSERT", "replace"))
}
_PG_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION airr_history_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'decision history is append-only'; END $$",
    "CREATE TRIGGER decision_history_append_only BEFORE UPDATE OR DELETE ON decision_history "
    "FOR EACH ROW EXECUTE FUNCTION airr_history_append_only()",
    "CREATE TRIGGER decision_history_no_truncate BEFORE TRUNCATE ON decision_history "
    "FOR EACH STATEMENT EXECUTE FUNCTION airr_history_append_only()",
]
_PG_EVENT_TRIGGERS = [
    "CREATE TRIGGER review_events_append_only BEFORE UPDATE OR DELETE ON review_events "
    "FOR EACH ROW EXECUTE FUNCTION airr_history_append_only()",
    "CREATE TRIGGER review_events_no_truncate BEFORE TRUNCATE ON review_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION airr_history_append_only()",
]

# SQLite's evidence guards are in SQLITE_TRIGGERS (the table is in _APPEND_ONLY); PostgreSQL's are these.
_EVIDENCE_TRIGGERS = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION airr_evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'evidence is append-only'; END $$",
        # Dropped first: a database taken back to an older version by hand may still hold the table and triggers.
        "DROP TRIGGER IF EXISTS evidence_append_only ON evidence",
        "DROP TRIGGER IF EXISTS evidence_no_truncate ON evidence",
        "CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE ON evidence "
        "FOR EACH ROW EXECUTE FUNCTION airr_evidence_append_only()",
        "CREATE TRIGGER evidence_no_truncate BEFORE TRUNCATE ON evidence "
        "FOR EACH STATEMENT EXECUTE FUNCTION airr_evidence_append_only()",
    ],
}


def version(conn: Connection) -> int:
    """The schema version a database is at (0: none yet, or only the first release's log)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.max(schema_version.c.version))).scalar() or 0)


# The tables each version brings; a step creates only its own, so a database upgrades one version at a time.
_V2_TABLES = (reviews, scenarios, history, aliases, schema_version)
_MEETING_TABLES = (meetings, meeting_decisions, join_offers)
_EVIDENCE_TABLES = (evidence,)
_WORKSPACE_TABLES = (events, opened)
_SCOPED = (reviews, history, aliases, meetings, evidence)  # the tables that gain a workspace column


def upgrade(conn: Connection, dialect: str, now: datetime) -> None:
    """Bring the database to SCHEMA_VERSION, step by step from whatever version it is at (nothing when current)."""
    found = version(conn)
    if found >= SCHEMA_VERSION:
        return
    if found < 2:
        _to_v2(conn, dialect, found)
        conn.execute(schema_version.insert().values(version=2, applied_at=now))
    if found < MEETINGS_VERSION:
        # Version 2 -> MEETINGS_VERSION: new tables only; nothing earlier changes.
        meta.create_all(conn, tables=list(_MEETING_TABLES))
        conn.execute(schema_version.insert().values(version=MEETINGS_VERSION, applied_at=now))
    if found < EVIDENCE_VERSION:
        # MEETINGS_VERSION -> EVIDENCE_VERSION: the evidence table and its append-only triggers; nothing else changes.
        meta.create_all(conn, tables=list(_EVIDENCE_TABLES))
        for ddl in _EVIDENCE_TRIGGERS.get(dialect, []):
            conn.exec_driver_sql(ddl)
        conn.execute(schema_version.insert().values(version=EVIDENCE_VERSION, applied_at=now))
    if found < WORKSPACES_VERSION:
        _to_workspaces(conn, dialect)
        conn.execute(schema_version.insert().values(version=WORKSPACES_VERSION, applied_at=now))
    add_guards(conn, missing_guards(conn, dialect))


def _to_workspaces(conn: Connection, dialect: str) -> None:
    """EVIDENCE_VERSION -> WORKSPACES_VERSION: every existing row goes to the default workspace (where everyone
    was); the event log and the browsers' opened reviews are new. The history gains its column without an UPDATE."""
    insp = inspect(conn)
    for table in _SCOPED:
        if "workspace" not in {c["name"] for c in insp.get_columns(table.name)}:
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN workspace VARCHAR({MAX_WORKSPACE}) "
                                 f"NOT NULL DEFAULT '{DEFAULT_WORKSPACE}'")
    new_log = not insp.has_table(events.name)
    meta.create_all(conn, tables=list(_WORKSPACE_TABLES))
    if new_log and dialect == "postgresql":
        for ddl in _PG_EVENT_TRIGGERS:
            conn.exec_driver_sql(ddl)


def _to_v2(conn: Connection, dialect: str, found: int) -> None:
    """From nothing, the first release's log (0) or version 1, to version 2 (as version 2 of the app did it)."""
    insp = inspect(conn)
    # The first decision log's table stays in place after version 1 copied it; only copy it once.
    legacy = found == 0 and insp.has_table("decisions") and {"roadmap", "project_id"} <= {
        c["name"] for c in insp.get_columns("decisions")}
    upgrade_reviews = insp.has_table("reviews") and "tasks" not in {c["name"] for c in insp.get_columns("reviews")}
    meta.create_all(conn, tables=list(_V2_TABLES))  # only the tables that are missing
    if legacy:
        _migrate_legacy(conn)
    if upgrade_reviews:
        _migrate_v1_reviews(conn)
    if found == 0:
        _create_triggers(conn, dialect)


def _migrate_legacy(conn: Connection) -> None:
    """Version 0 -> 1: copy the first log's rows, keyed `legacy:<hash>`; the old table stays as it was."""
    src = _legacy.c
    rows = select(literal("legacy:") + src.roadmap, src.project_id, src.project, src.decision, src.reviewer,
                  literal(""), src.note, src.revisit, src.recorded_at).order_by(src.id)
    conn.execute(history.insert().from_select(
        ["portfolio", "project_id", "project", "decision", "reviewer", "email", "note", "revisit",
         "recorded_at"], rows))


def _migrate_v1_reviews(conn: Connection) -> None:
    """Version 1 -> 2: reviews gain their task overrides (none yet); the scenarios table is new (create_all)."""
    conn.exec_driver_sql("ALTER TABLE reviews ADD COLUMN tasks TEXT NOT NULL DEFAULT '{}'")


def _create_triggers(conn: Connection, dialect: str) -> None:
    # SQLite's come at the end of every upgrade (add_guards), once every table they guard exists.
    for ddl in {"postgresql": _PG_TRIGGERS}.get(dialect, []):
        conn.exec_driver_sql(ddl)


def missing_guards(conn: Connection, dialect: str) -> list[str]:
    """The append-only triggers a SQLite store lacks (written before a guard was added); none elsewhere."""
    if dialect != "sqlite":
        return []
    found = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table')").scalars())
    return [name for name in SQLITE_TRIGGERS if name not in found and name.rsplit("_no_", 1)[0] in found]


def add_guards(conn: Connection, names: list[str]) -> None:
    """Create these SQLite triggers (idempotent); a guard is no change to the tables, so the version stays."""
    for name in names:
        conn.exec_driver_sql(SQLITE_TRIGGERS[name])
