"""The review store on SQLite and PostgreSQL: append-only history, reviews, migration, parallel writers."""

from __future__ import annotations

import re
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
# Written by schema version 1 (the store before task overrides and saved scenarios): one review of a
# two-project roadmap "claims_2026-Q3.csv" with a 5-year horizon, and one decision taken in it.
V1_DB = ROOT / "tests" / "fixtures" / "reviews_v1.sqlite"
V1_REVIEW = "XNX7MtmPKMQC0pm1tEkflz"
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


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_sqlite_refuses_a_replace_that_would_rewrite_an_entry(tmp_path, verb):
    # REPLACE deletes the row it collides with without firing the DELETE trigger, so rows 1 and 2 could be
    # rewritten with a forged decision and reviewer; the database itself must refuse an id it already has.
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    store.append(Decision("acme", "p1", "Claims model", "kill", "Dana"))
    store.append(Decision("acme", "p2", "Chat", "needs-evidence", "Dana"))
    engine = create_engine(store.url)
    for row_id in (1, 2):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(
                f"{verb} INTO decision_history (id, portfolio, project_id, project, decision, reviewer, email, note, "
                "recorded_at) VALUES (:id, 'acme', 'p1', 'Claims model', 'keep', 'Mallory', '', 'forged', "
                "'2026-01-01')"), {"id": row_id})
    with engine.begin() as conn:  # a new entry is still welcome
        conn.execute(text("INSERT INTO decision_history (portfolio, project_id, project, decision, reviewer, email, "
                          "note, recorded_at) VALUES ('acme', 'p3', 'Q', 'keep', 'Sam', '', '', '2026-01-01')"))
    engine.dispose()
    hist = store.history("acme")
    assert list(hist["reviewer"]) == ["Dana", "Dana", "Sam"]
    assert store.latest("acme") == {"p1": "kill", "p2": "needs-evidence", "p3": "keep"}


def test_an_existing_sqlite_store_gains_the_replace_guard_when_opened(tmp_path):
    # A store written before the guard existed gets it when opened: a trigger is no schema change, so no version.
    db = tmp_path / "old.db"
    shutil.copy(V1_DB, db)
    store = Store(f"sqlite:///{db}")
    engine = create_engine(store.url)
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER decision_history_no_replace"))
    engine.dispose()
    Store(store.url)
    with pytest.raises(Exception, match="append-only"), create_engine(store.url).begin() as conn:
        conn.execute(text("REPLACE INTO decision_history SELECT * FROM decision_history WHERE id = 1"))
    assert store.latest("claims") == {"claims-letter-drafter": "kill"}


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


def test_task_overrides_are_kept_with_the_review_and_say_who_set_them(db_url):
    store = Store(db_url)
    review = store.create_review("bank", "bank.csv", BANK.read_bytes())
    assert store.review(review.id).tasks == {}
    store.set_task(review.id, "BNK-001", "tabular", "Dana")
    # A second reviewer with their own connection changes another project: both changes are kept.
    tasks = Store(db_url).set_task(review.id, "BNK-002", "vision", "")
    assert {pid: t["task"] for pid, t in tasks.items()} == {"BNK-001": "tabular", "BNK-002": "vision"}
    reopened = Store(db_url).review(review.id)
    assert reopened.tasks["BNK-001"]["by"] == "Dana"
    assert reopened.tasks["BNK-002"]["by"] == ""
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", reopened.tasks["BNK-001"]["at"])
    # Back to the roadmap's own task; the other override stays.
    store.set_task(review.id, "BNK-001", None)
    assert set(store.review(review.id).tasks) == {"BNK-002"}
    assert [r.tasks for r in store.recent_reviews()] == [{"BNK-002": reopened.tasks["BNK-002"]}]
    with pytest.raises(StoreError, match="no longer in the database"):
        store.set_task("no-such-review", "BNK-001", "tabular")


def test_scenarios_are_saved_by_name_per_review(db_url):
    store = Store(db_url)
    one = store.create_review("bank", "bank.csv", BANK.read_bytes()).id
    two = store.create_review("bank", "bank.csv", BANK.read_bytes()).id
    store.save_scenario(one, "Five years", {"horizon_years": 5}, "Dana")
    store.save_scenario(one, "  Senior   team ", {"loaded_fte_cost_usd": 400000.0, "horizon_years": 4}, "Lee")
    store.save_scenario(two, "Five years", {"horizon_years": 2}, "Sam")
    # Saved again under the same name: the new overrides replace the old, in the same place in the list.
    store.save_scenario(one, "Five years", {"horizon_years": 5, "api_price_decline": 0.3}, "Kim")
    again = Store(db_url).scenarios(one)
    assert [(s.name, s.overrides, s.saved_by) for s in again] == [
        ("Five years", {"horizon_years": 5, "api_price_decline": 0.3}, "Kim"),
        ("Senior team", {"loaded_fte_cost_usd": 400000.0, "horizon_years": 4}, "Lee"),
    ]
    assert all(s.saved_at.year >= 2026 for s in again)
    assert [(s.name, s.overrides) for s in store.scenarios(two)] == [("Five years", {"horizon_years": 2})]
    store.delete_scenario(one, "Five years")
    assert [s.name for s in store.scenarios(one)] == ["Senior team"]
    assert store.scenarios("no-such-review") == []
    with pytest.raises(ValueError, match="name"):
        store.save_scenario(one, "   ", {"horizon_years": 5})
    with pytest.raises(StoreError, match="no longer in the database"):
        store.save_scenario("no-such-review", "Five years", {"horizon_years": 5})


def test_a_version_1_file_is_upgraded_in_place(tmp_path):
    db = tmp_path / "v1.db"
    shutil.copy(V1_DB, db)
    store = Store(f"sqlite:///{db}")
    assert store.version() == SCHEMA_VERSION
    review = store.review(V1_REVIEW)
    assert (review.portfolio, review.file_name, review.overrides, review.tasks) == (
        "claims", "claims_2026-Q3.csv", {"horizon_years": 5}, {})
    assert store.latest("claims") == {"claims-letter-drafter": "kill"}
    store.set_task(V1_REVIEW, "card-fraud-scorer", "language", "Dana")
    store.save_scenario(V1_REVIEW, "Two years", {"horizon_years": 2})
    # Reopening neither migrates again nor loses what the upgraded file now holds.
    again = Store(f"sqlite:///{db}")
    assert again.review(V1_REVIEW).tasks["card-fraud-scorer"]["task"] == "language"
    assert [s.name for s in again.scenarios(V1_REVIEW)] == ["Two years"]
    assert again.count() == 1
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        # One step at a time: each version from 2 on is recorded as it was reached.
        assert conn.execute(text("SELECT version FROM schema_version ORDER BY version")).scalars().all() == list(
            range(1, SCHEMA_VERSION + 1))
    engine.dispose()
    # The append-only trigger of version 1 is still there.
    with pytest.raises(Exception, match="append-only"), again.engine.begin() as conn:
        conn.execute(text("DELETE FROM decision_history"))


def test_a_version_1_database_of_either_kind_is_upgraded(db_url):
    # A database taken back to what version 1 created (no task column, no scenarios table, version 1 recorded),
    # with a review written the way version 1 wrote it; then opened by this version.
    Store(db_url).engine.dispose()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE scenarios"))
        conn.execute(text("ALTER TABLE reviews DROP COLUMN tasks"))
        conn.execute(text("DELETE FROM schema_version"))
        conn.execute(text("INSERT INTO schema_version (version, applied_at) VALUES (1, :t)"), {"t": "2026-11-01"})
        conn.execute(text(
            "INSERT INTO reviews (id, portfolio, file_name, file_sha1, file_bytes, mapping, overrides, created_at, "
            "updated_at, created_by) VALUES ('r1', 'bank', 'bank.csv', 'x', :data, '{}', '{\"horizon_years\": 4}', "
            ":t, :t, '')"), {"data": b"project,approach\nP,fine-tune\n", "t": "2026-11-01"})
    engine.dispose()
    store = Store(db_url)
    assert store.version() == SCHEMA_VERSION
    assert (store.review("r1").overrides, store.review("r1").tasks) == ({"horizon_years": 4}, {})
    store.set_task("r1", "p", "tabular", "Dana")
    store.save_scenario("r1", "Three years", {"horizon_years": 3})
    assert store.review("r1").tasks["p"]["task"] == "tabular"
    assert [s.name for s in Store(db_url).scenarios("r1")] == ["Three years"]


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
    # A new database passes through each version from 2 (the first one this code creates whole) once.
    assert sorted(versions) == list(range(2, SCHEMA_VERSION + 1))


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


def _hand_edit(url: str, statement: str, **params: object) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


@pytest.mark.parametrize("tasks", ["{oops", "[1, 2]", "null", '"tabular"', "[" * 100_000])
def test_a_review_whose_stored_tasks_are_unreadable_opens_without_them_and_says_so(db_url, tasks):
    store = Store(db_url)
    review = store.create_review("bank", "bank.csv", BANK.read_bytes())
    _hand_edit(db_url, "UPDATE reviews SET tasks = :t", t=tasks)
    opened = store.review(review.id)
    assert opened.tasks == {}
    assert opened.unreadable == ("task changes",)
    assert [r.unreadable for r in store.recent_reviews()] == [("task changes",)]
    # A new change starts afresh from what could be read, rather than failing on every try.
    assert set(store.set_task(review.id, "BNK-001", "vision")) == {"BNK-001"}
    assert store.review(review.id).unreadable == ()


def test_a_review_keeps_the_task_changes_it_can_read_and_names_the_rest(db_url):
    store = Store(db_url)
    review = store.create_review("bank", "bank.csv", BANK.read_bytes())
    _hand_edit(db_url, "UPDATE reviews SET tasks = :t, mapping = :m, overrides = :o",
               t='{"BNK-001": "vision", "BNK-002": {"task": "speech", "by": "Dana", "at": ""}, "BNK-003": {"by": 1}}',
               m="[1]", o="{oops")
    opened = store.review(review.id)
    assert opened.tasks == {"BNK-002": {"task": "speech", "by": "Dana", "at": ""}}
    assert opened.mapping == {} and opened.overrides == {}
    assert opened.unreadable == ("column mapping", "assumptions", "task changes")


def test_a_scenario_whose_stored_assumptions_are_unreadable_is_marked_not_raised(db_url):
    store = Store(db_url)
    review = store.create_review("bank", "bank.csv", BANK.read_bytes())
    store.save_scenario(review.id, "Broken", {"horizon_years": 5})
    store.save_scenario(review.id, "Fine", {"horizon_years": 4})
    _hand_edit(db_url, "UPDATE scenarios SET overrides = :o WHERE name = 'Broken'", o="{oops")
    found = store.scenarios(review.id)
    assert [(s.name, s.overrides, s.unreadable) for s in found] == [
        ("Broken", {}, True), ("Fine", {"horizon_years": 4}, False)]


def test_a_database_from_a_newer_app_is_refused_with_one_sentence(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    Store(url).create_review("bank", "bank.csv", BANK.read_bytes())
    _hand_edit(url, "INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01 00:00:00')")
    with pytest.raises(StoreError, match=rf"newer version of the app \(schema 99.*knows {SCHEMA_VERSION}\)"):
        Store(url)


def test_scenario_names_lose_control_and_direction_characters(db_url):
    store = Store(db_url)
    review = store.create_review("bank", "bank.csv", BANK.read_bytes())
    # U+202E would show "evil" reversed in every list; \x01 and ESC are invisible; U+200B hides a twin name.
    saved = store.save_scenario(review.id, "\u202eFive\x01 years\x1b[2J\u200b", {"horizon_years": 5})
    assert saved.name == "Five years[2J"
    assert [s.name for s in store.scenarios(review.id)] == ["Five years[2J"]
    with pytest.raises(ValueError, match="name"):
        store.save_scenario(review.id, "\u202e\u200b\x01", {"horizon_years": 5})


@pytest.mark.parametrize("link", ["\x00abc", "abc\x00" * 5, "' OR 1=1 --", "é" * 22, "x" * 10_000, "", "%"])
def test_a_hostile_review_link_finds_nothing_without_asking_the_database_to_choke(db_url, link):
    # PostgreSQL refuses a NUL in a query parameter with a ValueError that no store guard expected.
    store = Store(db_url)
    store.create_review("bank", "bank.csv", BANK.read_bytes())
    assert store.review(link) is None


def test_text_the_database_cannot_hold_gives_one_sentence(db_url):
    store = Store(db_url)
    review = store.create_review("bank", "bank.csv", BANK.read_bytes())
    # A reviewer name sent straight over the app's websocket can hold a NUL, which PostgreSQL refuses: names
    # lose it where they enter the store (issue 17), on both backends.
    assert store.save_scenario(review.id, "Five years", {"horizon_years": 5}, "Da\x00na").saved_by == "Dana"
    # A project id is a key and is never changed; one with a NUL (no roadmap gives one: the loader cleans every
    # cell) still gets one sentence from PostgreSQL.
    if store.dialect == "postgresql":
        with pytest.raises(StoreError, match="NUL"):
            store.append(Decision("bank", "P\x00", "P", "kill", "Dana"))


def test_a_project_id_too_long_to_store_whole_is_refused_not_cut(db_url):
    # Cut to 200 characters, a task or decision was kept under an id no project has: it never showed again.
    store = Store(db_url)
    review = store.create_review("bank", "bank.csv", BANK.read_bytes())
    long_id = "P" * 201
    with pytest.raises(StoreError, match="longer than 200 characters"):
        store.set_task(review.id, long_id, "vision")
    with pytest.raises(ValueError, match="longer than 200 characters"):
        store.append(Decision("acme", long_id, "P", "kill", "Dana"))
    assert store.review(review.id).tasks == {} and store.count() == 0
    assert set(store.set_task(review.id, "P" * 200, "vision")) == {"P" * 200}
