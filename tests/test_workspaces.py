"""Workspaces and the review event log (schema WORKSPACES_VERSION, SPEC §4s), on SQLite and PostgreSQL: nothing of
one workspace is seen or changed from another, every change to a review is an append-only event with who and
when, and a real version-4 store upgrades with everything in the default workspace."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core import evidence, joining, meetings, workspace
from core.schema import DEFAULT_WORKSPACE, EVIDENCE_VERSION, MEETINGS_VERSION, SCHEMA_VERSION, WORKSPACES_VERSION
from core.store import Decision, Store, StoreError

ROOT = Path(__file__).resolve().parent.parent
# Written by main's code at schema version 4 (evidence): one review of "claims_2026-Q4.csv" with a mapping, a
# 4-year horizon, a task, a scenario, a decision, a meeting with one decision taken in it, and one compliance
# confirmation as evidence.
V4_DB = ROOT / "tests" / "fixtures" / "reviews_v4.sqlite"
V4_REVIEW, V4_MEETING = "QEaUzXREdjitQhpyxbZ6AF", "GCbBE2mZI65TeyCxqrEb9G"
DATA = b"project_id,project,approach\np1,Claims letter drafter,fine-tune\n"


def test_a_version_4_store_upgrades_into_the_default_workspace(tmp_path):
    db = tmp_path / "v4.db"
    shutil.copy(V4_DB, db)
    store = Store(f"sqlite:///{db}")
    assert store.version() == SCHEMA_VERSION == WORKSPACES_VERSION == EVIDENCE_VERSION + 1
    review = store.review(V4_REVIEW)
    assert (review.portfolio, review.overrides, review.tasks["card-fraud-scorer"]["task"]) == (
        "claims", {"horizon_years": 4}, "tabular")
    assert [s.name for s in store.scenarios(V4_REVIEW)] == ["Two years"]
    assert store.latest("claims") == {"claims-letter-drafter": "kill", "card-fraud-scorer": "keep"}
    assert meetings.get(store, V4_MEETING).review_id == V4_REVIEW
    assert len(meetings.taken(store, V4_MEETING)) == 1
    assert [e.kind for e in store.evidence("claims")] == ["compliance"]
    other = store.in_workspace("globex")  # nothing of the old store leaks into another workspace
    assert other.review(V4_REVIEW) is None and other.history().empty and meetings.get(other, V4_MEETING) is None
    assert other.evidence() == [] and other.evidence_history().empty
    engine = create_engine(store.url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM schema_version ORDER BY version")).scalars().all() == [
            2, MEETINGS_VERSION, EVIDENCE_VERSION, WORKSPACES_VERSION]
        assert conn.execute(text("SELECT DISTINCT workspace FROM decision_history")).scalars().all() == [
            DEFAULT_WORKSPACE]
    engine.dispose()
    store.update_review(V4_REVIEW, portfolio="claims 2027", who="Dana")  # the upgraded store takes events
    assert [e["what"] for e in store.events(V4_REVIEW)] == ["name"]
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE review_events SET who = 'Mallory'"))


def test_nothing_crosses_a_workspace(db_url):
    acme, globex = Store(db_url, "acme"), Store(db_url).in_workspace("globex")
    mine = acme.create_review("claims", "claims.csv", DATA, who="dana@acme.example")
    theirs = globex.create_review("claims", "claims.csv", DATA, who="lee@globex.example")
    acme.append(Decision("claims", "p1", "Claims letter drafter", "kill", "Dana", review_id=mine.id))
    globex.append(Decision("claims", "p1", "Claims letter drafter", "keep", "Lee", review_id=theirs.id))
    # Same portfolio name, same project id: two portfolios, two histories.
    assert acme.latest("claims") == {"p1": "kill"} and globex.latest("claims") == {"p1": "keep"}
    assert list(acme.history()["reviewer"]) == ["Dana"]
    assert [r.id for r in acme.recent_reviews()] == [mine.id] and acme.portfolios() == ["claims"]
    # Another workspace's review id is no review: it cannot be read, renamed, re-mapped, tasked or given scenarios.
    assert globex.review(mine.id) is None
    with pytest.raises(StoreError, match="no longer in the database"):
        globex.update_review(mine.id, portfolio="hijacked")
    with pytest.raises(StoreError, match="no longer in the database"):
        globex.set_task(mine.id, "p1", "tabular", "Lee")
    with pytest.raises(StoreError, match="no longer in the database"):
        globex.save_scenario(mine.id, "Mine now", {"horizon_years": 2})
    acme.save_scenario(mine.id, "Two years", {"horizon_years": 2}, "Dana")
    globex.delete_scenario(mine.id, "Two years")
    assert globex.scenarios(mine.id) == [] and [s.name for s in acme.scenarios(mine.id)] == ["Two years"]
    assert acme.review(mine.id).portfolio == "claims" and acme.latest("claims") == {"p1": "kill"}
    acme.add_evidence("claims", "p1", "Claims letter drafter",
                      evidence.compliance("Ada Legal", "General counsel", "2026-11-30", "DOC-7"), "Dana")
    assert [e.kind for e in acme.evidence("claims")] == ["compliance"] and globex.evidence("claims") == []
    meeting = meetings.start(acme, mine.id, "claims", "Dana", who="Dana")
    assert meetings.get(globex, meeting.id) is None and meetings.of_review(globex, mine.id) == []
    assert globex.events(mine.id) == []


def test_every_change_to_a_review_is_an_event_with_who_and_when(db_url):
    store = Store(db_url, "acme")
    review = store.create_review("claims", "claims.csv", DATA, who="dana@acme.example")
    store.update_review(review.id, portfolio="claims 2027", who="Dana", email="dana@acme.example")
    store.update_review(review.id, mapping={"Initiative": "project"}, overrides={"horizon_years": 5}, who="Sam")
    store.update_review(review.id, mapping={"Initiative": "project"}, who="Sam")  # no change, no event
    store.set_task(review.id, "p1", "tabular", "Lee")
    store.set_task(review.id, "p1", None, "Lee")
    store.save_scenario(review.id, "Five years", {"horizon_years": 5}, "Dana")
    store.save_scenario(review.id, "Five years", {"horizon_years": 4}, "Dana")
    store.delete_scenario(review.id, "Five years", "Sam")
    log = store.events(review.id)
    assert [(e["what"], e["who"]) for e in log] == [
        ("created", "dana@acme.example"), ("name", "Dana"), ("mapping", "Sam"), ("assumptions", "Sam"),
        ("task", "Lee"), ("task", "Lee"), ("scenario", "Dana"), ("scenario", "Dana"), ("scenario", "Sam")]
    assert all(e["at"] is not None for e in log)
    details = [e["detail"] for e in log]
    assert details[1] == "'claims' → 'claims 2027'"
    assert details[3] == "horizon_years: — → 5"
    assert details[4] == "p1: the roadmap’s own → tabular"
    assert details[6].startswith("saved 'Five years'") and details[7].startswith("replaced 'Five years'")
    assert details[8] == "deleted 'Five years'"
    assert log[1]["email"] == "dana@acme.example"
    joining.keep(store, review.id, "claims", "claims (2)", True, joining.Overlap(1, 1, "ids"))
    joining.answer(store, review.id, join=False, who="Dana")
    assert store.events(review.id)[-1]["what"] == "name"


@pytest.mark.parametrize("statement", ["UPDATE review_events SET who = 'Mallory'", "DELETE FROM review_events"])
def test_the_event_log_is_append_only_in_the_database(db_url, statement):
    store = Store(db_url)
    review = store.create_review("claims", "claims.csv", DATA, who="Dana")
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    assert [e["who"] for e in store.events(review.id)] == ["Dana"]


def test_home_lists_the_reviews_a_browser_opened_in_its_workspace(db_url):
    store = Store(db_url)
    first, second, unseen = (store.create_review("p", f"{n}.csv", DATA) for n in ("a", "b", "c"))
    store.remember_opened("browser-1", first.id)
    store.remember_opened("browser-1", second.id)
    store.remember_opened("browser-1", first.id)  # opened again: first again
    store.remember_opened("browser-2", unseen.id)
    assert [r.id for r in store.opened_by("browser-1")] == [first.id, second.id]
    assert store.in_workspace("globex").opened_by("browser-1") == []


@pytest.mark.parametrize(("email", "expected"), [
    ("dana@acme.com", "acme"), ("Lee@Partner.org", "acme"), ("sam@globex.com", "globex"),
    ("kim@elsewhere.net", "user:kim@elsewhere.net"), ("", DEFAULT_WORKSPACE)])
def test_a_signed_in_address_belongs_to_the_workspace_listing_it_or_its_domain(email, expected, monkeypatch):
    monkeypatch.setenv("AIRR_WORKSPACES", "acme = acme.com, lee@partner.org; globex=globex.com")
    assert workspace.workspace_for(email, workspace.rules()) == expected


def test_the_workspaces_setting_can_live_in_the_secrets_file(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRR_WORKSPACES", raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[workspaces]\nacme = ["acme.com", "dana@partner.org"]\n', encoding="utf-8")
    assert workspace.workspace_for("dana@partner.org", workspace.rules(secrets)) == "acme"


def test_a_version_4_database_of_either_kind_is_upgraded(db_url):
    # The database taken back to what version 4 created (no workspace columns, no event log), with a decision in it.
    store = Store(db_url)
    review = store.create_review("claims", "claims.csv", DATA)
    store.append(Decision("claims", "p1", "P", "kill", "Dana", review_id=review.id))
    store.engine.dispose()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE review_events"))
        conn.execute(text("DROP TABLE opened_reviews"))
        for table in ("reviews", "decision_history", "portfolio_aliases", "meetings", "evidence"):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN workspace"))
        conn.execute(text("DELETE FROM schema_version WHERE version > :v"), {"v": EVIDENCE_VERSION})
    engine.dispose()
    upgraded = Store(db_url)
    assert upgraded.version() == WORKSPACES_VERSION
    assert upgraded.latest("claims") == {"p1": "kill"} and upgraded.review(review.id).portfolio == "claims"
    upgraded.update_review(review.id, overrides={"horizon_years": 2}, who="Dana")
    assert [e["what"] for e in upgraded.events(review.id)] == ["assumptions"]
    with pytest.raises(Exception, match="append-only"), upgraded.engine.begin() as conn:
        conn.execute(text("DELETE FROM review_events"))


def test_every_store_command_of_the_cli_reads_and_writes_the_workspace_it_is_given(tmp_path, capsys):
    """`--workspace` on decide, decisions, evidence add/list, score/kill-list, compare, slides and minutes: what one
    workspace records, the others (and the shared default) never see."""
    import csv
    import io

    from core import cli

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    bank = str(ROOT / "sample_portfolios" / "bank.csv")
    refuting = str(ROOT / "sample_portfolios" / "evidence" / "bank_BNK-026_eval.csv")

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = run("decide", bank, "--project", "BNK-005", "--decision", "kill", "--reviewer", "Dana",
                       "--db", db, "--workspace", "acme")
    assert code == 0, err
    code, _, err = run("evidence", "add", bank, "--project", "BNK-026", "--kind", "eval", "--file", refuting,
                       "--material-gap", "0.05", "--reviewer", "Dana", "--db", db, "--workspace", "acme")
    assert code == 0, err

    def decisions(*where: str) -> list[str]:
        code, out, err = run("decisions", "--portfolio", "bank", "--db", db, *where)
        assert code == 0, err
        return [r["decision"] for r in csv.DictReader(io.StringIO(out))]

    def listed(*where: str) -> list[str]:
        code, out, err = run("evidence", "list", "--db", db, *where)
        assert code == 0, err
        return [r["project_id"] for r in csv.DictReader(io.StringIO(out))]

    def verdict(*where: str) -> str:
        code, out, err = run("score", bank, "--db", db, "--portfolio", "bank", *where)
        assert code == 0, err
        return {r["project_id"]: r["verdict"] for r in csv.DictReader(io.StringIO(out))}["BNK-026"]

    assert decisions("--workspace", "acme") == ["kill"] and decisions() == []
    assert decisions("--workspace", "globex") == []
    assert listed("--workspace", "acme") == ["BNK-026"] and listed() == []
    assert verdict("--workspace", "acme") == "kill" and verdict() == "prove"  # the refuting evaluation, or none
    code, _, err = run("minutes", "--portfolio", "bank", "--db", db, "--workspace", "acme")
    assert code == 0, err
    code, _, err = run("minutes", "--portfolio", "bank", "--db", db)
    assert code == 2 and "Traceback" not in err  # the shared workspace has no review of it
    code, _, err = run("score", bank, "--workspace", "acme")
    assert code == 2 and "--workspace goes with --db and --portfolio" in err
    deck = tmp_path / "deck.pptx"
    code, _, err = run("slides", bank, "--out", str(deck), "--db", db, "--workspace", "acme")
    assert code == 0 and deck.stat().st_size > 0, err
