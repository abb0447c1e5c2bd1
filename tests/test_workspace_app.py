"""AppTest: Home, Decisions and Compare show only the workspace on screen; without sign-in Home lists only the
reviews opened in this browser; the review's history on Home shows each change with who and when."""

from __future__ import annotations

from pathlib import Path

from conftest import shown
from streamlit.testing.v1 import AppTest

import ui.workspace
from core.store import Decision, Store

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90
ACME_Q3, ACME_Q4 = (ROOT / "sample_portfolios" / f"acme_2026_{q}.csv" for q in ("Q3", "Q4"))


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_without_sign_in_home_lists_only_reviews_opened_in_this_browser(db):
    store = Store(db)
    opened = store.create_review("acme", "acme_2026_Q4.csv", ACME_Q4.read_bytes())
    store.create_review("someone else", "theirs.csv", ACME_Q3.read_bytes())  # saved by another browser
    at = _app(review=opened.id)
    assert not at.exception
    listed = " ".join(shown(m.value) for m in at.markdown)
    assert "acme_2026_Q4.csv" in listed and "theirs.csv" not in listed
    assert any("opened in this browser" in c.value for c in at.caption)
    at.text_input(key="portfolio_name").set_value("acme 2027").run()  # a change: an event with when
    history = next(df.value for df in at.dataframe if "what" in df.value.columns)
    assert list(history["what"])[:2] == ["Portfolio name", "Created"]
    assert list(history["detail"])[0] == "'acme' → 'acme 2027'"


def test_signed_in_home_decisions_and_compare_show_only_the_workspace(db, monkeypatch):
    monkeypatch.setenv("AIRR_WORKSPACES", "acme=acme.com; globex=globex.com")
    monkeypatch.setattr(ui.workspace, "login_configured", lambda: True)
    monkeypatch.setattr(ui.workspace, "current_user", lambda: ("Dana", "dana@acme.com"))
    acme, globex = Store(db, "acme"), Store(db, "globex")
    earlier = acme.create_review("acme", "acme_2026_Q3.csv", ACME_Q3.read_bytes(), who="dana@acme.com")
    theirs = globex.create_review("acme", "acme_2026_Q3 (globex).csv", ACME_Q3.read_bytes())
    acme.append(Decision("acme", "ACM-002", "Claims letter drafter", "kill", "Dana", "ours", review_id=earlier.id))
    globex.append(Decision("acme", "ACM-002", "Claims letter drafter", "keep", "Lee", "theirs", review_id=theirs.id))
    now = acme.create_review("acme", "acme_2026_Q4.csv", ACME_Q4.read_bytes(), who="dana@acme.com")
    at = _app(review=now.id)
    assert not at.exception
    listed = " ".join(shown(m.value) for m in at.markdown)
    assert "acme_2026_Q3.csv" in listed and "globex" not in listed  # every review of the workspace, none other
    assert any("your workspace" in c.value for c in at.caption)
    at.switch_page("pages/5_Decisions.py").run()
    at.toggle(key="decisions_all").set_value(True).run()
    table = next(df.value for df in at.dataframe if "reviewer" in df.value.columns)
    assert list(table["reviewer"]) == ["Dana"] and "theirs" not in set(table["note"])
    at.switch_page("pages/6_Compare.py").run()
    assert not at.exception
    assert [shown(o) for o in at.selectbox(key="compare_with").options] == [
        f"acme_2026_Q3.csv · {earlier.updated_at:%Y-%m-%d %H:%M} UTC"]
    assert at.metric[0].value != ""  # the comparison ran against the workspace's own earlier review
    # Another workspace's review link is no review here.
    other = _app(review=theirs.id)
    assert any("No saved review matches this link" in shown(w.value) for w in other.warning)


def test_signed_in_evidence_came_back_and_the_meeting_read_only_their_workspace(db, monkeypatch):
    """Evidence, the came-back warnings and the meeting's earlier decisions come from the workspace on screen:
    another workspace's evidence on a portfolio of the same name never changes a verdict here."""
    from core import evidence

    monkeypatch.setenv("AIRR_WORKSPACES", "acme=acme.com; globex=globex.com")
    monkeypatch.setattr(ui.workspace, "login_configured", lambda: True)
    monkeypatch.setattr(ui.workspace, "current_user", lambda: ("Dana", "dana@acme.com"))
    acme, globex = Store(db, "acme"), Store(db, "globex")
    refuting = evidence.evaluation((ROOT / "sample_portfolios" / "evidence" / "bank_BNK-026_eval.csv").read_bytes(),
                                   0.05)
    earlier = acme.create_review("acme", "acme_2026_Q3.csv", ACME_Q3.read_bytes(), who="dana@acme.com")
    acme.append(Decision("acme", "ACM-002", "Support reply drafter", "kill", "Dana", "ours", review_id=earlier.id))
    now = acme.create_review("acme", "acme_2026_Q4.csv", ACME_Q4.read_bytes(), who="dana@acme.com")
    acme.add_evidence("acme", "ACM-005", "Customs document reader", refuting, "Dana")  # keep -> kill, here only
    proving = evidence.evaluation((ROOT / "sample_portfolios" / "evidence" / "bank_BNK-007_eval.csv").read_bytes(),
                                  0.05)
    globex.add_evidence("acme", "ACM-001", "Contract clause extractor", proving, "Lee")  # would lift its kill here
    at = _app(review=now.id)
    assert not at.exception
    at.switch_page("pages/3_Kill_list.py").run()
    assert not at.exception
    cards = " ".join(shown(m.value) for m in at.markdown)
    assert "Customs document reader" in cards  # the workspace's own refuting evaluation put it on the kill list
    assert "Came back: killed on" in cards and "by Dana" in cards  # against the workspace's earlier review
    clause = [shown(m.value) for m in at.markdown if "Contract clause extractor" in shown(m.value)]
    assert clause and "Kill" in clause[0] and "proven by an evaluation" not in cards  # globex's evidence stays there


def test_compare_judges_the_earlier_review_with_the_same_evidence(db):
    """Two reviews of the same roadmap and a refuting evaluation of BNK-026: no verdict changed between them, so
    Compare must not show one (it did when only the review on screen was judged with the evidence)."""
    from core import evidence

    store = Store(db)
    bank = (ROOT / "sample_portfolios" / "bank.csv").read_bytes()
    earlier = store.create_review("bank", "bank_2026-Q3.csv", bank)
    later = store.create_review("bank", "bank_2026-Q4.csv", bank + b"\n")
    refuting = evidence.evaluation((ROOT / "sample_portfolios" / "evidence" / "bank_BNK-026_eval.csv").read_bytes(),
                                   0.05)
    store.add_evidence("bank", "BNK-026", "Arabic trade-finance extractor", refuting, "Dana", review_id=earlier.id)
    at = _app(review=later.id)
    at.switch_page("pages/6_Compare.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Verdict changes"] == "0", metrics
