"""Evidence in the store (SQLite and PostgreSQL), its migration from a real version-2 file, and the CLI commands."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SAMPLES, is_one_sentence
from sqlalchemy import create_engine, text

from core import cli
from core import evidence as ev
from core.schema import EVIDENCE_VERSION, SCHEMA_VERSION
from core.store import Store, StoreError

# Written by schema version 3 (main before evidence, b0827f8, meetings): one review of bank.csv saved as
# "bank_2026-Q4.csv" in portfolio "bank" with a 5-year horizon, BNK-021's task set to vision by Dana, a scenario
# "Five years", and a meeting of Dana and Sam in which one decision was taken (needs-evidence on BNK-017).
V3_DB = FIXTURES / "reviews_v3.sqlite"
V3_REVIEW, V3_MEETING = "AxwQE0yYX6mpFxUzis3Etj", "Tql93IlPRo1f1jEgbTTxST"
EVIDENCE = SAMPLES / "evidence"
BANK = SAMPLES / "bank.csv"


@pytest.fixture()
def store(db_url) -> Store:
    return Store(db_url)


def proven_eval() -> ev.Finding:
    return ev.evaluation((EVIDENCE / "bank_BNK-007_eval.csv").read_bytes(), 0.05)


def test_evidence_is_appended_read_back_and_kept_per_portfolio(store):
    data = (EVIDENCE / "bank_BNK-007_eval.csv").read_bytes()
    first = store.add_evidence("bank", "BNK-017", "ISO repair", proven_eval(), "Dana",
                               file_name="bank_BNK-007_eval.csv", data=data)
    store.add_evidence("bank", "BNK-017", "ISO repair", ev.volume(value=90_000, period="day"), "Sam")
    store.add_evidence("globex", "BNK-017", "Other", ev.volume(value=5, period="day"), "Lee")
    found = store.evidence("bank")
    assert [(a.kind, a.reviewer) for a in found] == [("eval", "Dana"), ("volume", "Sam")]
    assert found[0].outcome() == "proven" and found[0].items == 412
    assert (found[0].low, found[0].high) == (first.low, first.high)
    assert store.evidence_file(first.id) == ("bank_BNK-007_eval.csv", data)
    assert [a.portfolio for a in store.evidence()] == ["bank", "bank", "globex"]
    table = store.evidence_history("bank", "BNK-017")
    assert list(table["kind"]) == ["eval", "volume"]
    assert table["summary"].iloc[0].startswith("proven by an evaluation of 412 items on ")
    assert json.loads(table["detail"].iloc[1]) == {"value": 90000.0, "period": "day"}


@pytest.mark.parametrize("statement", ["UPDATE evidence SET outcome = 'proven'", "DELETE FROM evidence"])
def test_the_database_itself_refuses_to_change_evidence(store, statement):
    store.add_evidence("bank", "BNK-026", "Arabic", proven_eval(), "Dana")
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    assert len(store.evidence("bank")) == 1


def test_evidence_needs_a_reviewer_and_a_short_project_id(store):
    with pytest.raises(ev.NotEvidence, match="reviewer"):
        store.add_evidence("bank", "BNK-017", "", proven_eval(), "  ")
    with pytest.raises(ev.NotEvidence, match="project's id"):
        store.add_evidence("bank", "x" * 201, "", proven_eval(), "Dana")
    assert store.evidence() == []


def test_the_version_before_is_upgraded_from_a_real_file_and_keeps_everything(tmp_path):
    from core import meetings

    db = tmp_path / "v3.db"
    shutil.copy(V3_DB, db)
    store = Store(f"sqlite:///{db}")
    assert store.version() == SCHEMA_VERSION >= EVIDENCE_VERSION  # later versions build on it
    review = store.review(V3_REVIEW)
    assert (review.portfolio, review.file_name, review.overrides) == ("bank", "bank_2026-Q4.csv", {"horizon_years": 5})
    assert review.tasks["BNK-021"]["task"] == "vision"
    assert [s.name for s in store.scenarios(V3_REVIEW)] == ["Five years"]
    assert store.latest("bank") == {"BNK-017": "needs-evidence"}
    meeting = meetings.get(store, V3_MEETING)
    assert meeting.attendees == ("Dana", "Sam") and list(meetings.taken(store, V3_MEETING)["project_id"]) == ["BNK-017"]
    store.add_evidence("bank", "BNK-017", "ISO", proven_eval(), "Dana", review_id=V3_REVIEW)
    again = Store(f"sqlite:///{db}")
    assert [a.kind for a in again.evidence("bank")] == ["eval"]
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version ORDER BY version")).scalars().all()
    engine.dispose()
    assert versions == list(range(2, SCHEMA_VERSION + 1))  # one step at a time, no step twice
    assert EVIDENCE_VERSION - 1 in versions  # the file was at the version before
    for table in ("evidence", "decision_history"):
        with pytest.raises(Exception, match="append-only"), again.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {table}"))


def test_a_database_of_either_kind_at_the_version_before_gains_the_evidence_table_and_its_triggers(db_url):
    Store(db_url).engine.dispose()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE evidence"))
        conn.execute(text("DELETE FROM schema_version WHERE version >= :v"), {"v": EVIDENCE_VERSION})
    engine.dispose()
    store = Store(db_url)
    assert store.version() == SCHEMA_VERSION
    store.add_evidence("bank", "BNK-017", "ISO", ev.volume(value=10, period="day"), "Dana")
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM evidence"))


def test_a_database_from_a_newer_app_is_still_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    Store(url).engine.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_version (version, applied_at) VALUES (:v, '2030-01-01')"),
                     {"v": SCHEMA_VERSION + 1})
    engine.dispose()
    with pytest.raises(StoreError, match="newer version"):
        Store(url)


# --- the command line -------------------------------------------------------------------------------------------

def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def add(capsys, db: str, project: str, kind: str, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "evidence", "add", str(BANK), "--project", project, "--kind", kind, "--reviewer", "Dana",
               "--db", db, *extra)


def verdicts(capsys, *extra: str) -> dict[str, dict[str, str]]:
    code, out, err = run(capsys, "score", str(BANK), *extra)
    assert code == 0, err
    return {r["project_id"]: r for r in csv.DictReader(io.StringIO(out))}


def test_evidence_add_prints_its_figure_and_score_uses_it(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    code, out, err = add(capsys, db, "BNK-007", "eval", "--file", str(EVIDENCE / "bank_BNK-007_eval.csv"),
                         "--material-gap", "0.05")
    assert code == 0, err
    assert out.startswith("BNK-007: proven by an evaluation of 412 items on ")
    assert "+0.099 (95 % CI +0.084 to +0.114) against a material gap of 0.05" in out
    assert "recorded: eval evidence for BNK-007 in portfolio 'bank'" in err
    code, out, err = add(capsys, db, "BNK-026", "eval", "--file", str(EVIDENCE / "bank_BNK-026_eval.csv"),
                         "--material-gap", "0.05")
    assert code == 0 and "BNK-026: refuted by an evaluation of 300 items" in out, err
    before, after = verdicts(capsys), verdicts(capsys, "--db", db, "--portfolio", "bank")
    assert [before[p]["verdict"] for p in ("BNK-007", "BNK-026")] == ["kill", "prove"]
    assert [after[p]["verdict"] for p in ("BNK-007", "BNK-026")] == ["prove", "kill"]
    assert before["BNK-007"]["evidence_used"] == ""
    assert after["BNK-007"]["evidence_used"].startswith("Domain gap proven by an evaluation of 412 items")
    code, out, err = run(capsys, "kill-list", str(BANK), "--db", db, "--portfolio", "bank")
    assert "BNK-026" in out and "Domain gap refuted by an evaluation of 300 items" in out


@pytest.mark.parametrize(("extra", "words"), [
    (("--file", str(EVIDENCE / "bank_BNK-021_eval.csv"), "--material-gap", "0.05"), "at least 30"),
    (("--file", str(EVIDENCE / "bank_BNK-007_eval.csv")), "material gap"),
    (("--file", str(BANK), "--material-gap", "0.05"), "no item column"),
    (("--file", "/no/such/file.csv", "--material-gap", "0.05"), "There is no file"),
    (("--material-gap", "0.05"), "--file"),
])
def test_a_file_that_is_not_evidence_exits_2_with_one_sentence_and_stores_nothing(capsys, tmp_path, extra, words):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    code, out, err = add(capsys, db, "BNK-021", "eval", *extra)
    assert code == 2 and out == ""
    assert words in err and "Traceback" not in err
    assert is_one_sentence(err.strip().removeprefix("error: ") + ".")
    if Path(tmp_path / "cli.db").exists():
        assert Store(db).evidence() == []


def test_every_kind_from_the_command_line_and_the_list_in_every_format(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    latencies = tmp_path / "latency.csv"
    latencies.write_text("latency_ms\n" + "".join(f"{300 + i % 50}\n" for i in range(240)))
    assert add(capsys, db, "BNK-019", "latency", "--file", str(latencies))[1].startswith(
        "BNK-019: proven by 240 measured FM + RAG latencies")
    assert "1,500,000 calls a month (49,281 a day)" in add(capsys, db, "BNK-017", "volume", "--value", "1500000",
                                                            "--period", "month")[1]
    assert "$12,000 a month of API spend" in add(capsys, db, "BNK-017", "spend", "--value", "12000")[1]
    code, out, err = add(capsys, db, "BNK-016", "compliance", "--confirmed-by", "Jane Roe", "--role", "CCO",
                         "--date", "2026-11-30", "--document", "=LEG-114")
    assert code == 0, err
    code, out, _ = run(capsys, "evidence", "list", "--db", db, "--portfolio", "bank")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["kind"] for r in rows] == ["latency", "volume", "spend", "compliance"]
    assert rows[3]["summary"].startswith("confirmed by Jane Roe (CCO) on 2026-11-30, document =LEG-114")
    assert json.loads(rows[3]["detail"].lstrip("'"))["document"] == "=LEG-114"
    code, out, _ = run(capsys, "evidence", "list", "--db", db, "--format", "json")
    assert json.loads(out)[3]["detail"]["role"] == "CCO"
    code, out, _ = run(capsys, "evidence", "list", "--db", db, "--format", "md")
    assert len(out.splitlines()) == 6
    assert verdicts(capsys, "--db", db, "--portfolio", "bank")["BNK-016"]["justifications_proven"] == "regulatory"
    code, _, err = add(capsys, db, "BNK-016", "compliance", "--confirmed-by", "Jane Roe")
    assert code == 2 and "their role" in err


def test_sqlite_refuses_replace_into_on_an_evidence_id(tmp_path):
    # REPLACE deletes the row it collides with without firing the DELETE trigger: the INSERT guard stops it.
    store = Store(f"sqlite:///{tmp_path / 'replace.db'}")
    first = store.add_evidence("bank", "BNK-026", "Arabic", proven_eval(), "Dana")
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("INSERT OR REPLACE INTO evidence (id, portfolio, project_id, project, kind, outcome, method, "
                          "detail, summary, file_name, file_sha1, reviewer, email, recorded_at) VALUES (:id, 'bank', "
                          "'BNK-026', 'x', 'eval', 'proven', 'BCa', '{}', 'forged', '', '', 'Mallory', '', "
                          "'2026-12-06')"), {"id": first.id})
    assert [a.reviewer for a in store.evidence("bank")] == ["Dana"]
