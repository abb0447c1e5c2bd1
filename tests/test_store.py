"""The review store on SQLite and PostgreSQL: append-only history, reviews, migration, parallel writers."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core.store import (
    DECISIONS,
    SCHEMA_VERSION,
    Decision,
    Store,
    StoreError,
    database_url,
    file_fingerprint,
    new_review_id,
    portfolio_name,
)

ROOT = Path(__file__).resolve().parent.parent
LEGACY_DB = ROOT / "tests" / "fixtures" / "decisions_v0.sqlite"
# The roadmap the fixture's decisions were taken on: bank.csv as it was then (the sample has changed since).
LEGACY_ROADMAP = ROOT / "tests" / "fixtures" / "decisions_v0_roadmap.csv"
BANK = ROOT / "sample_portfolios" / "bank.csv"
WRITERS, PER_WRITER = 8, 50


@pytest.fixture()
def store(db_url) -> Store:
    return Store(db_url)


def test_history_is_append_only_and_latest_wins(store):
    store.append(Decision("acme", "p1", "Claims model", "needs-evidence", "Dana", "eval first"))
    store.append(Decision("acme", "p1", "Claims model", "kill", "Sam", "no eval after 2 weeks", date(2027, 1, 15)))
    store.append(Decision("acme", "p2", "Chat", "keep", "Sam"))
    hist = store.history("acme", "p1")
    assert list(hist["decision"]) == ["needs-evidence", "kill"]
    assert list(hist["reviewer"]) == ["Dana", "Sam"]
    assert hist["revisit"].iloc[1] == "2027-01-15"
    assert store.latest("acme") == {"p1": "kill", "p2": "keep"}
    current = store.current("acme")
    assert current.loc["p1", "note"] == "no eval after 2 weeks"
    assert current.loc["p1", "reviewer"] == "Sam"


def test_portfolios_do_not_see_each_others_decisions(store):
    store.append(Decision("acme", "p1", "Claims model", "kill", "Dana"))
    assert store.history("globex").empty
    assert store.latest("globex") == {}
    assert len(store.history()) == 1


def test_the_history_survives_a_new_connection(db_url):
    Store(db_url).append(Decision("acme", "p1", "Claims model", "defer", "Dana"))
    reopened = Store(db_url)
    assert reopened.latest("acme") == {"p1": "defer"}
    assert reopened.version() == SCHEMA_VERSION


@pytest.mark.parametrize(("decision", "reviewer", "message"), [
    ("delete", "Dana", "not a decision"),
    ("kill", "  ", "reviewer"),
    ("kill", "x" * 201, "under"),
])
def test_invalid_decisions_are_refused(store, decision, reviewer, message):
    with pytest.raises(ValueError, match=message):
        store.append(Decision("acme", "p1", "Claims model", decision, reviewer))
    assert store.history("acme").empty


def test_user_text_is_stored_as_given(store):
    note = "=HYPERLINK(\"http://x\") <script>alert(1)</script> Zürich"
    store.append(Decision("acme", "p1", "Claims <b>model</b>", "kill", "Dana", note))
    row = store.history("acme").iloc[0]
    assert row["note"] == note
    assert row["project"] == "Claims <b>model</b>"


@pytest.mark.parametrize("statement", [
    "UPDATE decision_history SET decision = 'keep'",
    "DELETE FROM decision_history",
])
def test_the_database_itself_refuses_to_change_history(store, statement):
    store.append(Decision("acme", "p1", "Claims model", "kill", "Dana"))
    engine = create_engine(store.url)
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()
    assert store.latest("acme") == {"p1": "kill"}


def test_postgres_refuses_truncate_too(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("TRUNCATE is a PostgreSQL statement")
    store = Store(db_url)
    store.append(Decision("acme", "p1", "Claims model", "kill", "Dana"))
    engine = create_engine(db_url)
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("TRUNCATE decision_history"))
    engine.dispose()
    assert store.count() == 1


def test_reviews_are_saved_with_unguessable_ids_and_their_state_can_change(store):
    data = BANK.read_bytes()
    first = store.create_review("bank", "bank.csv", data, {"Budget": "build_cost_usd"}, {"horizon_years": 5}, "Dana")
    second = store.create_review("bank", "bank.csv", data)
    assert first.id != second.id
    assert len(first.id) >= 20  # over 128 random bits, URL-safe
    loaded = store.review(first.id)
    assert loaded.data == data
    assert loaded.mapping == {"Budget": "build_cost_usd"}
    assert loaded.overrides == {"horizon_years": 5}
    assert loaded.created_by == "Dana"
    store.update_review(first.id, mapping={}, overrides={"horizon_years": 2}, portfolio="Bank core")
    changed = store.review(first.id)
    assert (changed.mapping, changed.overrides, changed.portfolio) == ({}, {"horizon_years": 2}, "Bank core")
    assert store.review("no-such-review") is None
    recent = store.recent_reviews()
    assert {r.id for r in recent} == {first.id, second.id}
    assert all(r.data is None for r in recent)
    assert store.portfolios() == ["Bank core", "bank"]


def test_review_ids_are_letters_and_digits_so_the_command_line_never_reads_one_as_an_option():
    # token_urlsafe ids start with '-' one time in 64: `airr compare -abc… xyz…` then failed in CI.
    ids = {new_review_id() for _ in range(3000)}
    assert len(ids) == 3000
    assert all(i.isascii() and i.isalnum() and len(i) == 22 for i in ids)
    assert len({i[0] for i in ids}) > 50  # the first character is random too


def test_schema_version_and_triggers_are_created_once(db_url):
    for _ in range(3):
        Store(db_url)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version")).scalars().all()
    engine.dispose()
    assert versions == [SCHEMA_VERSION]


def test_the_first_logs_file_is_migrated_and_adopted_by_its_file(tmp_path):
    # The fixture was written by the first decision log (core/decisions.py before reviews existed):
    # two decisions on bank.csv and one on a file that is never loaded again.
    db = tmp_path / "old.db"
    shutil.copy(LEGACY_DB, db)
    store = Store(f"sqlite:///{db}")
    assert store.version() == SCHEMA_VERSION
    legacy_key = f"legacy:{file_fingerprint(LEGACY_ROADMAP.read_bytes())}"
    hist = store.history()
    assert list(hist["portfolio"]) == [legacy_key, legacy_key, "legacy:0123456789ab"]
    assert list(hist["decision"]) == ["needs-evidence", "kill", "keep"]
    assert store.latest("bank") == {}
    store.create_review("bank", "bank.csv", LEGACY_ROADMAP.read_bytes())
    assert store.latest("bank") == {"BNK-001": "kill"}
    assert store.current("bank").loc["BNK-001", "revisit"] == "2027-01-15"
    # The old table is left as it was, and reopening does not copy the rows twice.
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM decisions")).scalar() == 3
    engine.dispose()
    assert Store(f"sqlite:///{db}").count() == 3


@pytest.mark.parametrize(("file_name", "portfolio"), [
    ("bank.csv", "bank"),
    ("acme_2026_Q3.csv", "acme"),
    ("Acme roadmap 2026-Q4 v2 (final).xlsx", "Acme roadmap"),
    ("roadmap-20261129.csv", "roadmap"),
    ("roadmap (2).csv", "roadmap"),
    ("Plan FY27 H1 draft.xlsx", "Plan"),
    ("2026.csv", "2026"),
    ("q3.csv", "q3"),
])
def test_portfolio_name_strips_date_and_version_suffixes(file_name, portfolio):
    assert portfolio_name(file_name) == portfolio


def test_an_upgraded_install_keeps_the_first_releases_log(tmp_path, monkeypatch):
    import core.store as store_module

    shutil.copy(LEGACY_DB, tmp_path / "decisions.db")
    monkeypatch.setattr(store_module, "FIRST_RELEASE_DB", tmp_path / "decisions.db")
    monkeypatch.setattr(store_module, "DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(store_module, "DEFAULT_URL", f"sqlite:///{tmp_path / 'data' / 'airr.db'}")
    store = Store(store_module.DEFAULT_URL)
    assert store.count() == 3
    assert (tmp_path / "decisions.db").exists()  # the old file is left in place


def test_database_url_comes_from_the_environment_then_secrets(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[database]\nurl = "postgresql+psycopg://db.example/airr"\n')
    monkeypatch.delenv("AIRR_DATABASE_URL", raising=False)
    assert database_url(secrets) == "postgresql+psycopg://db.example/airr"
    assert database_url(tmp_path / "missing.toml").startswith("sqlite:///")
    assert database_url(tmp_path / "missing.toml").endswith("data/airr.db")
    monkeypatch.setenv("AIRR_DATABASE_URL", "sqlite:///elsewhere.db")
    assert database_url(secrets) == "sqlite:///elsewhere.db"


def test_a_damaged_database_gives_one_sentence(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(StoreError, match="damaged"):
        Store(f"sqlite:///{bad}")


def test_a_read_only_database_refuses_with_a_sentence(tmp_path):
    db = tmp_path / "ro.db"
    Store(f"sqlite:///{db}")
    # Opened read-only through SQLite's URI form: file permissions would not stop root, which CI may be.
    read_only = Store(f"sqlite:///file:{db}?mode=ro&uri=true")
    with pytest.raises(StoreError, match="read-only"):
        read_only.append(Decision("acme", "p1", "P", "kill", "Dana"))
    assert read_only.latest("acme") == {}


def test_a_locked_database_is_retried_then_reported(tmp_path, monkeypatch):
    import core.store as store_module

    db = tmp_path / "locked.db"
    store = Store(f"sqlite:///{db}")
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    impatient = Store(f"sqlite:///{db}")
    holder = create_engine(f"sqlite:///{db}")
    conn = holder.connect()
    conn.exec_driver_sql("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreError, match="busy"):
            impatient.append(Decision("acme", "p1", "P", "kill", "Dana"))
        assert time.monotonic() - started > 0.5  # it waited and retried before giving up
    finally:
        conn.exec_driver_sql("ROLLBACK")
        conn.close()
        holder.dispose()
    store.append(Decision("acme", "p1", "P", "kill", "Dana"))
    assert store.count() == 1


def _parallel_writers(url: str, tmp_path: Path) -> list[subprocess.CompletedProcess]:
    gate = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(ROOT / "tests" / "store_writer.py"), url, str(w),
                               str(PER_WRITER), str(gate)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for w in range(WRITERS)]
    time.sleep(1.5)  # let every writer import and wait at the gate, so the schema creation collides
    gate.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def test_parallel_writers_lose_nothing(db_url, tmp_path):
    # 8 processes open a database nobody has created yet and each append 50 decisions.
    results = _parallel_writers(db_url, tmp_path)
    assert [r.returncode for r in results] == [0] * WRITERS, [r.stderr[-2000:] for r in results if r.returncode]
    hist = Store(db_url).history("parallel")
    counts = hist["reviewer"].value_counts().to_dict()
    print(f"\nparallel writers on {db_url.split(':')[0]}: {len(hist)} entries, per writer {sorted(counts.values())}")
    assert len(hist) == WRITERS * PER_WRITER
    assert counts == {f"writer {w}": PER_WRITER for w in range(WRITERS)}
    assert set(hist["note"]) == {f"w{w}-n{i}" for w in range(WRITERS) for i in range(PER_WRITER)}
    assert set(DECISIONS) >= set(hist["decision"])
