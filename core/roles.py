"""PostgreSQL roles for the store: an owner role that owns the tables and runs every migration, and the app's role,
which may do only what the app does. On the history that is SELECT and INSERT: no UPDATE, DELETE, TRUNCATE, and
no ALTER TABLE (only an owner may disable a trigger), so the app's credentials cannot rewrite a decision.

SQLite has no roles: there the triggers of core/schema.py are the guard, and whoever can write the file can
change anything in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import String, create_engine, text
from sqlalchemy.engine import Connection, Engine

from core import schema

# What the app's role may do, table by table; a table of the store missing here is a test failure, so every new
# table is decided on. Reviews: the app saves them, changes their current state (never their file, its hash,
# who created it or when) and deletes them under the retention setting. Scenarios are a review's current state.
# The history tables take new rows only. The first release's `decisions` table is read by the migration alone.
APP_PRIVILEGES: dict[str, str] = {
    "schema_version": "SELECT",
    "reviews": "SELECT, INSERT, UPDATE (portfolio, mapping, overrides, tasks, updated_at), DELETE",
    "scenarios": "SELECT, INSERT, UPDATE, DELETE",
    "decision_history": "SELECT, INSERT",
    "portfolio_aliases": "SELECT, INSERT",
    # Meetings: who attends and when it ended change while it runs; the decisions taken in one are a record.
    "meetings": "SELECT, INSERT, UPDATE (attendees, include_keep, ended_at)",
    "meeting_decisions": "SELECT, INSERT",
    # An offer to join a portfolio is answered (UPDATE) and goes with its review under retention (DELETE).
    "join_offers": "SELECT, INSERT, UPDATE, DELETE",
    # Evidence is a record like the decision history: new rows only (its triggers refuse the rest anyway).
    "evidence": "SELECT, INSERT",
    # The review event log is a history: read and added to only. The reviews a browser opened are its own list.
    "review_events": "SELECT, INSERT",
    "opened_reviews": "SELECT, INSERT, UPDATE, DELETE",
}
NOT_FOR_THE_APP = ("decisions",)
TRIGGER_FUNCTIONS = ("airr_history_append_only()", "airr_evidence_append_only()")
# The table whose INSERT privilege marks a role as an app role of this store (db upgrade grants new tables to it).
_MARKER = "decision_history"


class RolesError(Exception):
    """The roles could not be set up; the message is one sentence."""


def _ident(name: str) -> str:
    if not name or len(name) > 63 or "\x00" in name:
        raise RolesError(f"'{name[:80]}' cannot be a PostgreSQL role name; use up to 63 letters, digits or _.")
    return '"' + name.replace('"', '""') + '"'


def _literal(conn: Connection, value: str) -> str:
    # Role passwords cannot be bound parameters (utility statements); quoted by the dialect's own literal rule.
    return String().literal_processor(conn.dialect)(value)


def _tables(conn: Connection) -> list[str]:
    known = [*[t.name for t in schema.meta.sorted_tables], *NOT_FOR_THE_APP]
    present = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
    return [t for t in known if t in present]


def grant_app(conn: Connection, app: str) -> None:
    """Give the app's role exactly APP_PRIVILEGES on the store's tables (and the sequences its inserts draw ids
    from), after taking back anything else it or PUBLIC had; run as the owner, so the owner is the grantor."""
    role = _ident(app)
    for table in _tables(conn):
        conn.exec_driver_sql(f"REVOKE ALL ON {table} FROM PUBLIC, {role}")
        if table in APP_PRIVILEGES:
            conn.exec_driver_sql(f"GRANT {APP_PRIVILEGES[table]} ON {table} TO {role}")
        sequence = conn.execute(text(
            "SELECT pg_get_serial_sequence(:t, 'id') WHERE EXISTS (SELECT 1 FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :t AND column_name = 'id')"), {"t": table}).scalar()
        if sequence:
            conn.exec_driver_sql(f"REVOKE ALL ON SEQUENCE {sequence} FROM PUBLIC, {role}")
            if "INSERT" in APP_PRIVILEGES.get(table, ""):
                conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {sequence} TO {role}")


def app_roles(conn: Connection) -> list[str]:
    """Roles other than the owner that may insert into the history: the app roles set up for this store."""
    return list(conn.execute(text(
        "SELECT DISTINCT a.grantee::regrole::text FROM pg_class c, aclexplode(c.relacl) a "
        "WHERE c.relname = :t AND c.relnamespace = current_schema()::regnamespace "
        "AND a.privilege_type = 'INSERT' AND a.grantee <> c.relowner AND a.grantee <> 0"), {"t": _MARKER}).scalars())


def _upgrade(conn: Connection) -> None:
    from core.store import PG_SCHEMA_LOCK  # the same lock the app takes when it creates the schema

    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_SCHEMA_LOCK})
    schema.upgrade(conn, "postgresql", datetime.now(UTC).replace(tzinfo=None, microsecond=0))


def _engine(url: str) -> Engine:
    engine = create_engine(url, hide_parameters=True)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise RolesError("Roles are a PostgreSQL feature; a SQLite store is guarded by its triggers and the file's "
                         "permissions.")
    return engine


def setup(admin_url: str, owner: str, app: str, owner_password: str | None = None,
          app_password: str | None = None) -> list[str]:
    """Create the owner and app roles (when missing), hand every table of the store to the owner, bring the schema
    to the current version as the owner, and grant the app role APP_PRIVILEGES. What was done, as lines.

    Run with a superuser (or a role that may create roles and is a member of both), on the app's database.
    """
    o, a = _ident(owner), _ident(app)
    if owner == app:
        raise RolesError("The owner and the app need two different roles; otherwise the app could alter the history.")
    engine = _engine(admin_url)
    done: list[str] = []
    try:
        with engine.begin() as conn:
            for name, quoted, password in ((owner, o, owner_password), (app, a, app_password)):
                if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name}).first():
                    conn.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
                    done.append(f"created role {name}")
                if password:
                    conn.exec_driver_sql(f"ALTER ROLE {quoted} PASSWORD {_literal(conn, password)}")
                    done.append(f"set the password of {name}")
            database = _ident(conn.execute(text("SELECT current_database()")).scalar())
            conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {o}, {a}")
            conn.exec_driver_sql(f"GRANT USAGE, CREATE ON SCHEMA public TO {o}")
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {a}")
            conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            for table in _tables(conn):  # tables made by an earlier app role or by hand become the owner's
                conn.exec_driver_sql(f"ALTER TABLE {table} OWNER TO {o}")
            for function in TRIGGER_FUNCTIONS:
                if conn.execute(text("SELECT to_regprocedure(:f)"), {"f": function}).scalar():
                    conn.exec_driver_sql(f"ALTER FUNCTION {function} OWNER TO {o}")
            conn.exec_driver_sql(f"SET LOCAL ROLE {o}")  # what the schema gains now belongs to the owner
            _upgrade(conn)
            grant_app(conn, app)
            done.append(f"the store's tables belong to {owner}; {app} may {_summary()}")
    finally:
        engine.dispose()
    return done


def upgrade(owner_url: str, apps: Iterable[str] = ()) -> tuple[int, list[str]]:
    """Bring the schema to the current version as the connecting role (the owner), then grant the app roles
    (given, or found holding INSERT on the history) their privileges on every table, new ones included."""
    engine = _engine(owner_url)
    try:
        with engine.begin() as conn:
            _upgrade(conn)
            roles = list(apps) or app_roles(conn)
            for role in roles:
                grant_app(conn, role)
            return schema.version(conn), roles
    finally:
        engine.dispose()


def _summary() -> str:
    return "; ".join(f"{privileges} on {table}" for table, privileges in APP_PRIVILEGES.items())
