"""What the store keeps (core/retention.py): a cap on one saved file and a quota on all, each at its edge, and the
retention setting, which deletes old review files but never decisions, a portfolio's latest file or a kept one."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core import limits, meetings
from core.store import Decision, Store, StoreError
from tests.conftest import is_one_sentence

ROOT = Path(__file__).resolve().parent.parent


def _refused(store: Store, size: int) -> str:
    with pytest.raises(StoreError) as info:
        store.create_review("big", "big.csv", b"x" * size)
    message = str(info.value)
    assert is_one_sentence(message), message
    return message


def test_a_file_at_the_cap_is_saved_and_one_byte_more_is_not(db_url, monkeypatch):
    monkeypatch.setenv("AIRR_MAX_STORED_FILE_BYTES", "1000")
    store = Store(db_url)
    store.create_review("edge", "edge.csv", b"x" * 1000)
    message = _refused(store, 1001)
    assert "1,001 bytes" in message and "1,000" in message and "AIRR_MAX_STORED_FILE_BYTES" in message
    assert [r.file_name for r in store.recent_reviews()] == ["edge.csv"]
    assert store.stored_bytes() == 1000


def test_the_store_quota_takes_files_up_to_it_and_refuses_past_it(db_url, monkeypatch):
    monkeypatch.setenv("AIRR_STORE_QUOTA_BYTES", "2500")
    store = Store(db_url)
    for size in (1000, 1000, 500):
        store.create_review("q", "q.csv", b"y" * size)
    assert store.stored_bytes() == 2500
    message = _refused(store, 1)
    assert "AIRR_STORE_QUOTA_BYTES" in message and "2,500" in message
    assert len(store.recent_reviews()) == 3


def _age(url: str, review_id: str, days: int) -> None:
    at = datetime.now() - timedelta(days=days)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE reviews SET created_at = :t, updated_at = :t WHERE id = :id"), {"t": at, "id": review_id})
    engine.dispose()


def test_retention_deletes_old_files_but_never_decisions_or_a_portfolios_latest(db_url, monkeypatch):
    monkeypatch.setenv("AIRR_RETENTION_DAYS", "30")
    store = Store(db_url)
    a_old = store.create_review("acme", "acme_q1.csv", b"project,approach\nA,fine-tune\n")
    a_latest = store.create_review("acme", "acme_q2.csv", b"project,approach\nA,API\n")
    b_only = store.create_review("globex", "globex.csv", b"project,approach\nG,fine-tune\n")
    store.save_scenario(a_old.id, "Two years", {"horizon_years": 2})
    store.append(Decision("acme", "a", "A", "kill", "Dana", review_id=a_old.id))
    for review, days in ((a_old, 120), (a_latest, 90), (b_only, 200)):
        _age(db_url, review.id, days)
    assert store.prune() == 1  # only acme's older file: each portfolio's latest stays however old
    assert store.review(a_old.id) is None
    assert store.scenarios(a_old.id) == []
    assert store.review(a_latest.id) is not None and store.review(b_only.id) is not None
    assert store.latest("acme") == {"a": "kill"}  # the decision taken on the deleted file stays
    assert list(store.history("acme")["review_id"]) == [a_old.id]


def test_retention_runs_when_a_review_is_saved_and_zero_turns_it_off(db_url, monkeypatch):
    store = Store(db_url)
    old = store.create_review("acme", "acme_q1.csv", b"1")
    _age(db_url, old.id, 500)
    monkeypatch.setenv("AIRR_RETENTION_DAYS", "0")
    store.create_review("acme", "acme_q2.csv", b"2")
    assert store.review(old.id) is not None
    monkeypatch.setenv("AIRR_RETENTION_DAYS", "400")
    store.create_review("acme", "acme_q3.csv", b"3")
    assert store.review(old.id) is None


def test_retention_keeps_a_file_a_meeting_refers_to(db_url, monkeypatch):
    monkeypatch.setenv("AIRR_RETENTION_DAYS", "30")
    store = Store(db_url)
    kept, dropped = (store.create_review("acme", f"acme_{q}.csv", q.encode()) for q in ("q1", "q2"))
    store.create_review("acme", "acme_q3.csv", b"q3")
    meetings.start(store, kept.id, "acme", "Dana, Sam", who="Dana")
    for review in (kept, dropped):
        _age(db_url, review.id, 60)
    assert store.prune() == 1
    assert store.review(kept.id) is not None and store.review(dropped.id) is None


def test_the_readme_says_what_is_kept_and_for_how_long():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in limits.STORE:
        assert setting.env in readme and f"{setting.default:,}" in readme, setting.env
    assert "never" in readme[readme.index("AIRR_RETENTION_DAYS"):][:2000]
