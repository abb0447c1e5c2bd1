"""AppTest: what the app stores. A review is saved only once its file has been read; a refused file is shown
with its reason and never stored; a file over the store's cap opens unsaved with one sentence."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.store import Store

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="upload_roadmap").set_value((name, data, "text/csv")).run()


def test_refused_uploads_are_shown_with_their_reason_and_never_stored(db, tmp_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.selectbox(key="sample_pick").select("bank.csv").run()
    before = sum(p.stat().st_size for p in tmp_path.glob("airr.db*"))
    for i in range(10):  # each over the 32,767 characters a cell may hold
        _upload(at, f"refused_{i}.csv", b"project,approach\n" + b"P" * 200_000 + b",fine-tune\n")
        assert not at.exception
        assert any("32,767 characters in one cell" in e.value for e in at.error)
        assert "review" not in at.query_params
    assert [r.file_name for r in Store(db).recent_reviews()] == ["bank.csv"]
    assert Store(db).stored_bytes() == (ROOT / "sample_portfolios" / "bank.csv").stat().st_size
    grown = sum(p.stat().st_size for p in tmp_path.glob("airr.db*")) - before
    assert grown < 200_000, grown  # the ten files were 2 MB; before, every one was stored in full
    assert not any("refused_" in m.value for m in at.markdown)  # not under Recent reviews either


def test_a_file_is_saved_once_a_mapping_change_makes_it_readable(db):
    text = "Initiative Label,Approach\nClaims model,fine-tune\nChat helper,API + RAG\n"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    _upload(at, "odd.csv", text.encode())
    assert at.error  # no project column: not read, so not stored
    assert Store(db).recent_reviews() == []
    at.selectbox(key="map_header").select("Initiative Label")
    at.selectbox(key="map_target").select("project")
    at.button(key="map_apply").click().run()
    (review,) = Store(db).recent_reviews()
    assert (review.file_name, review.mapping) == ("odd.csv", {"Initiative Label": "project"})
    assert at.query_params["review"] == review.id


def test_a_readable_file_over_the_stored_cap_opens_unsaved_with_one_sentence(db, monkeypatch):
    monkeypatch.setenv("AIRR_MAX_STORED_FILE_BYTES", "100")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.selectbox(key="sample_pick").select("retailer.csv").run()
    assert not at.exception
    assert any(m.label == "Projects" for m in at.metric)  # shown and scored
    shown = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]  # as read: markdown escapes removed
    assert any("not saved" in w and "7,456 bytes" in w and "AIRR_MAX_STORED_FILE_BYTES" in w for w in shown), shown
    assert Store(db).recent_reviews() == []
