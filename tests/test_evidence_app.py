"""AppTest: attaching evidence on Project review changes the verdict, is stored, and a file that is not evidence
is refused with one sentence."""

from __future__ import annotations

from pathlib import Path

from conftest import shown
from streamlit.testing.v1 import AppTest

from core.store import Store

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "sample_portfolios" / "evidence"
TIMEOUT = 90
REVIEW = "pages/2_Project_review.py"


def _review(project: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["project"] = project
    at.run()
    at.session_state["reviewer"] = "Dana"
    at.switch_page(REVIEW).run()
    assert not at.exception
    return at


def _header(at: AppTest) -> str:
    return shown(at.header[0].value)


def _attach(at: AppTest, name: str, gap: float) -> AppTest:
    at.file_uploader(key="evidence_file_eval").set_value((name, (EVIDENCE / name).read_bytes(), "text/csv"))
    at.number_input(key="evidence_gap").set_value(gap)
    return at.button(key="evidence_attach_eval").click().run()


def test_attaching_an_evaluation_changes_the_verdict_and_is_kept(db):
    at = _review("BNK-026")
    assert "Prove first" in _header(at)
    assert at.text_input(key="evidence_reviewer").value == "Dana"  # the session's reviewer, prefilled
    _attach(at, "bank_BNK-021_eval.csv", 0.05)  # 20 items: not evidence
    assert not at.exception
    assert any("Not evidence, nothing was stored: The file holds 20 items" in shown(e.value) for e in at.error)
    assert "Prove first" in _header(at)
    _attach(at, "bank_BNK-026_eval.csv", 0.05)
    assert not at.exception
    assert "Kill" in _header(at)
    assert any(shown(s.value).startswith("Attached. Refuted by an evaluation of 300 items") for s in at.success)
    assert any("-0.012 (95 % CI -0.032 to +0.007) against a material gap of 0.05" in shown(m.value) for m in at.markdown)
    stored = Store(db).evidence("bank")
    assert [(r.project_id, r.kind, r.reviewer, r.outcome()) for r in stored] == [
        ("BNK-026", "eval", "Dana", "refuted")]
    review_id = at.query_params["review"]  # attaching saved the default sample as a review
    # A colleague opening the review's link sees the same verdict: the evidence is the portfolio's.
    other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    other.query_params["review"] = review_id
    other.query_params["project"] = "BNK-026"
    other.run()
    other.switch_page(REVIEW).run()
    assert "Kill" in _header(other)
    (history,) = [d.value for d in other.dataframe if "Figures" in d.value.columns]
    assert list(history["Reviewer"]) == ["Dana"] and history["Figures"].iloc[0].startswith("refuted by an evaluation")
    # Every page scores with it: the Kill list card says which evidence it used.
    other.switch_page("pages/3_Kill_list.py").run()
    assert not other.exception
    assert any("Evidence used:" in shown(m.value) and "Domain gap refuted" in shown(m.value) for m in other.markdown)


def test_a_compliance_confirmation_from_the_form(db):
    at = _review("BNK-016")
    at.text_input(key="evidence_confirmed_by").set_value("Jane Roe")
    at.text_input(key="evidence_role").set_value("Chief Compliance Officer")
    at.text_input(key="evidence_document").set_value("LEG-2026-114")
    at.button(key="evidence_attach_compliance").click().run()
    assert any("the date" in shown(e.value) for e in at.error)  # no date yet: one sentence, nothing stored
    assert Store(db).evidence("bank") == []
