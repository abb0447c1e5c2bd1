"""PostgreSQL owner and app roles (core/roles.py, `python -m core db roles|upgrade`): the app's role cannot rewrite
the history by any statement, still does everything the app does, and refuses to start on an older schema."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core import joining, meetings, roles, schema
from core.store import SCHEMA_VERSION, Decision, Store, StoreError
from tests.conftest import is_one_sentence, new_postgres_database

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "sample_portfolios" / "bank.csv"


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


def _as(url: str, role: str) -> str:
    return url.replace("//postgres@", f"//{role}@", 1)


@pytest.fixture()
def setup(postgres_server) -> tuple[str, str, str]:
    """A store of this version created by the superuser (as the app did before roles), with one review and two
    decisions; then `db roles` run on it. (admin URL, owner URL, app URL)."""
    url = new_postgres_database(postgres_server)
    store = Store(url)
    review = store.create_review("bank", "bank.csv", BANK.read_bytes())
    store.append(Decision("bank", "p1", "Claims model", "kill", "Dana", review_id=review.id))
    store.append(Decision("bank", "p2", "Chat", "keep", "Dana", review_id=review.id))
    store.engine.dispose()
    suffix = uuid.uuid4().hex[:8]  # roles belong to the whole cluster, shared by every test
    owner, app = f"airr_owner_{suffix}", f"airr_app_{suffix}"
    done = _cli("db", "roles", "--db", url, "--owner-role", owner, "--app-role", app, AIRR_APP_PASSWORD="s3cret'x")
    assert done.returncode == 0, done.stderr
    assert f"the app connects as {app}" in done.stderr
    return url, _as(url, owner), _as(url, app)


def _history(url: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, decision, reviewer FROM decision_history ORDER BY id")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("statement", [
    "UPDATE decision_history SET decision = 'keep', reviewer = 'Mallory'",
    "DELETE FROM decision_history",
    "INSERT INTO decision_history (id, portfolio, project_id, project, decision, reviewer, email, note, recorded_at) "
    "VALUES (1, 'bank', 'p1', 'Claims model', 'keep', 'Mallory', '', 'forged', now()) "
    "ON CONFLICT (id) DO UPDATE SET decision = 'keep', reviewer = 'Mallory'",
    "TRUNCATE decision_history",
    "ALTER TABLE decision_history DISABLE TRIGGER decision_history_append_only",
    "ALTER TABLE decision_history DISABLE TRIGGER ALL",
    "DROP TRIGGER decision_history_append_only ON decision_history",
    "ALTER TABLE decision_history OWNER TO CURRENT_USER",
    "DROP TABLE decision_history",
    "UPDATE portfolio_aliases SET portfolio = 'elsewhere'",
    "DELETE FROM portfolio_aliases",
    "UPDATE schema_version SET version = 1",
    "UPDATE reviews SET file_bytes = 'forged'",
    "CREATE TABLE decision_history_copy (id int)",
    "UPDATE review_events SET who = 'Mallory'",
    "DELETE FROM review_events",
    "TRUNCATE review_events",
    "UPDATE reviews SET workspace = 'elsewhere'",  # a review never moves to another workspace
])
def test_the_app_role_cannot_rewrite_the_history(setup, statement):
    admin, _, app = setup
    before = _history(admin)
    engine = create_engine(app)
    with pytest.raises(Exception, match="permission denied|must be owner"), engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()
    assert _history(admin) == before == [(1, "kill", "Dana"), (2, "keep", "Dana")]


def test_the_app_role_still_does_everything_the_app_does(setup):
    admin, owner, app = setup
    store = Store(app)
    review = store.create_review("bank", "bank.csv", BANK.read_bytes(), who="dana@example.com")
    store.update_review(review.id, mapping={"Budget": "build_cost_usd"}, overrides={"horizon_years": 4},
                        portfolio="bank")
    store.set_task(review.id, "p1", "tabular", "Dana")
    store.save_scenario(review.id, "Four years", {"horizon_years": 4})
    store.save_scenario(review.id, "Four years", {"horizon_years": 5})
    store.delete_scenario(review.id, "Four years")
    store.append(Decision("bank", "p1", "Claims model", "rescope", "Sam", review_id=review.id))
    assert store.latest("bank")["p1"] == "rescope"
    assert store.review(review.id).tasks["p1"]["task"] == "tabular"
    assert store.prune() == 0
    meeting = meetings.start(store, review.id, "bank", "Dana, Sam", who="Dana")
    meetings.update(store, meeting.id, attendees="Dana, Sam, Lee")
    meetings.record(store, meeting, Decision("bank", "p2", "Chat", "kill", "Lee", review_id=review.id))
    assert meetings.end(store, meeting.id).ended_at is not None
    joining.keep(store, review.id, "bank", "bank (2)", False, joining.Overlap(1, 2, "ids"))
    assert joining.answer(store, review.id, join=False, who="Dana") == "bank (2)"
    engine = create_engine(admin)
    with engine.connect() as conn:
        owners = set(conn.execute(text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")).scalars())
        password = conn.execute(text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"),
                                {"r": app.split("//")[1].split("@")[0]}).scalar()
    engine.dispose()
    assert owners == {owner.split("//")[1].split("@")[0]}
    assert password  # AIRR_APP_PASSWORD was set on the role


def test_the_app_role_refuses_an_older_schema_until_the_owner_upgrades(setup):
    admin, owner, app = setup
    engine = create_engine(owner)
    with engine.begin() as conn:  # the database as the previous version left it: its version, one step back
        conn.execute(text("DELETE FROM schema_version"))
        conn.execute(text("INSERT INTO schema_version (version, applied_at) VALUES (:v, now())"),
                     {"v": SCHEMA_VERSION - 1})
        conn.execute(text(f"REVOKE ALL ON scenarios FROM {app.split('//')[1].split('@')[0]}"))  # a table it lacks
    engine.dispose()
    with pytest.raises(StoreError) as info:
        Store(app)
    message = str(info.value)
    assert is_one_sentence(message), message
    assert f"schema {SCHEMA_VERSION - 1}" in message and "python -m core db upgrade" in message
    done = _cli("db", "upgrade", "--db", owner)
    assert done.returncode == 0, done.stderr
    assert f"at schema {SCHEMA_VERSION}" in done.stderr
    store = Store(app)  # the upgrade granted the app role its privileges again, on every table
    review = store.recent_reviews()[0]
    store.save_scenario(review.id, "Two years", {"horizon_years": 2})
    assert [s.name for s in store.scenarios(review.id)] == ["Two years"]


def test_roles_on_sqlite_are_refused_in_one_sentence(tmp_path):
    done = _cli("db", "roles", "--db", f"sqlite:///{tmp_path / 's.db'}")
    assert done.returncode == 2
    assert "PostgreSQL feature" in done.stderr and "Traceback" not in done.stderr


def test_every_table_of_the_store_is_decided_for_the_app_role():
    assert set(schema.meta.tables) == set(roles.APP_PRIVILEGES)
    assert roles.APP_PRIVILEGES["decision_history"] == "SELECT, INSERT"
    assert roles.APP_PRIVILEGES["portfolio_aliases"] == "SELECT, INSERT"
    assert roles.APP_PRIVILEGES["meeting_decisions"] == "SELECT, INSERT"
