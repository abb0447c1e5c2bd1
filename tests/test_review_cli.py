"""The review commands: `decide` and `decisions` (any database via --db), exit codes and formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES

from core import cli
from core.store import SCHEMA_VERSION, Store


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_decide_records_and_decisions_lists_in_every_format(capsys, db):
    code, _, err = run(capsys, "decide", str(SAMPLES / "retailer.csv"), "--project", "RTL-001", "--decision", "kill",
                       "--reviewer", "Dana", "--note", "=HYPERLINK(\"x\")", "--revisit", "2027-01-15", "--db", db)
    assert code == 0, err
    assert "recorded: kill for RTL-001 in portfolio 'retailer'" in err
    # The same portfolio in another format: the decision follows the project, not the bytes.
    code, _, err = run(capsys, "decide", str(SAMPLES / "retailer.xlsx"), "--project", "RTL-001", "--decision",
                       "keep", "--reviewer", "Sam", "--db", db)
    assert code == 0, err
    code, out, _ = run(capsys, "decisions", "--portfolio", "retailer", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["decision"] for r in rows] == ["kill", "keep"]
    assert rows[0]["note"] == "'=HYPERLINK(\"x\")"  # formula neutralised
    assert rows[0]["revisit"] == "2027-01-15"
    assert rows[0]["review_id"] != rows[1]["review_id"]  # two files, two reviews
    code, out, _ = run(capsys, "decisions", "--format", "json", "--db", db)
    assert [r["reviewer"] for r in json.loads(out)] == ["Dana", "Sam"]
    code, out, _ = run(capsys, "decisions", "--format", "md", "--db", db)
    assert out.splitlines()[0].startswith("| recorded_at | portfolio | project_id")
    assert len(out.splitlines()) == 4
    assert Store(db).latest("retailer") == {"RTL-001": "keep"}


def test_decide_reuses_the_review_of_the_same_file(capsys, db):
    for decision in ("needs-evidence", "kill"):
        assert run(capsys, "decide", str(SAMPLES / "bank.csv"), "--project", "BNK-001", "--decision", decision,
                   "--reviewer", "Dana", "--portfolio", "Bank 2027", "--db", db)[0] == 0
    store = Store(db)
    assert len(store.recent_reviews()) == 1
    assert store.recent_reviews()[0].portfolio == "Bank 2027"
    assert list(store.history("Bank 2027")["decision"]) == ["needs-evidence", "kill"]


def test_decide_on_a_file_the_store_will_not_keep_records_the_decision_without_it(capsys, db, monkeypatch):
    monkeypatch.setenv("AIRR_MAX_STORED_FILE_BYTES", "100")
    code, _, err = run(capsys, "decide", str(SAMPLES / "bank.csv"), "--project", "BNK-001", "--decision", "kill",
                       "--reviewer", "Dana", "--db", db)
    assert code == 0, err
    assert "AIRR_MAX_STORED_FILE_BYTES" in err and "recorded without the file" in err
    store = Store(db)
    assert store.recent_reviews() == []
    assert store.latest("bank") == {"BNK-001": "kill"}


def test_db_commands_upgrade_and_prune_a_sqlite_store(capsys, db):
    assert run(capsys, "db", "upgrade", "--db", db)[:3:2] == (0, f"the store is at schema {SCHEMA_VERSION}.\n")
    assert run(capsys, "db", "prune", "--db", db)[:3:2] == (0, "deleted 0 review files under the retention setting.\n")


@pytest.mark.parametrize(("extra", "message"), [
    (["--project", "NOPE", "--decision", "kill", "--reviewer", "Dana"], "no project with id 'NOPE'"),
    (["--project", "BNK-001", "--decision", "kill"], "--reviewer"),
    (["--project", "BNK-001", "--decision", "delete", "--reviewer", "Dana"], "invalid choice"),
    (["--project", "BNK-001", "--decision", "kill", "--reviewer", " "], "reviewer's name"),
    (["--project", "BNK-001", "--decision", "kill", "--reviewer", "Dana", "--revisit", "soon"], "YYYY-MM-DD"),
])
def test_decide_refuses_bad_input_with_exit_2(capsys, db, extra, message):
    code, _, err = run(capsys, "decide", str(SAMPLES / "bank.csv"), *extra, "--db", db)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_an_unusable_database_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database " * 100)
    for argv in (["decisions"], ["decide", str(SAMPLES / "bank.csv"), "--project", "BNK-001", "--decision", "kill",
                                 "--reviewer", "Dana"]):
        done = subprocess.run([sys.executable, "-m", "core", *argv, "--db", f"sqlite:///{bad}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2
        assert done.stderr.startswith("error: The database file is damaged")
        assert len(done.stderr.strip().splitlines()) == 1


def test_the_default_store_follows_the_environment(capsys, db, monkeypatch):
    monkeypatch.setenv("AIRR_DATABASE_URL", db)
    assert run(capsys, "decide", str(SAMPLES / "bank.csv"), "--project", "BNK-001", "--decision", "defer",
               "--reviewer", "Dana")[0] == 0
    assert Store(db).latest("bank") == {"BNK-001": "defer"}
