"""Stored evidence applied before scoring (core/evidence_apply.py): it beats the yes/no columns, both ways."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from conftest import SAMPLES

from core import config, portfolio
from core.evidence_apply import Attached, apply, latest
from core.loader import load_roadmap

WHEN = datetime(2026, 12, 4, 10, 0)


@pytest.fixture(scope="module")
def bank() -> pd.DataFrame:
    return load_roadmap(SAMPLES / "bank.csv").projects


def scored(projects: pd.DataFrame, *records: Attached) -> pd.DataFrame:
    return portfolio.score(apply(projects, records), config.defaults()).set_index("project_id")


def record(project_id: str, kind: str, rid: int = 1, **figures) -> Attached:
    return Attached(rid, "bank", project_id, kind, "Dana", WHEN, **figures)


def eval_record(project_id: str, low: float, high: float, rid: int = 1, gap: float = 0.05) -> Attached:
    return record(project_id, "eval", rid, items=412, estimate=(low + high) / 2, low=low, high=high, threshold=gap,
                  method="BCa", detail={"weighted": False})


def test_no_evidence_changes_nothing(bank):
    assert apply(bank, []) is bank
    assert scored(bank)["evidence_used"].isna().all()


def test_a_proven_evaluation_proves_the_domain_exception_whatever_the_columns_say(bank):
    # BNK-007: partial coverage and no evaluation in the roadmap, so no exception: kill. A proven gap makes it a
    # proven domain exception; the custom path still costs more, so it must now show the gap is worth that (v3).
    before = scored(bank).loc["BNK-007"]
    after = scored(bank, eval_record("BNK-007", 0.052, 0.110)).loc["BNK-007"]
    assert (before["verdict"], after["verdict"]) == ("kill", "prove")
    assert after["justifications_proven"] == "domain"
    assert after["evidence_needed"].startswith("State the yearly value of the gap")
    assert after["evidence_used"] == ("Domain gap proven by an evaluation of 412 items on 2026-12-04 by Dana: +0.081 "
                                      "(95 % CI +0.052 to +0.110) against a material gap of 0.05")


def test_a_refuted_evaluation_overrules_eval_gap_verified_yes(bank):
    before = scored(bank).loc["BNK-026"]
    assert (bool(before["eval_gap_verified"]), before["justifications_proven"]) == (True, "domain")
    after = scored(bank, eval_record("BNK-026", -0.03, 0.01)).loc["BNK-026"]
    assert after["verdict"] == "kill"
    assert (after["justifications_claimed"], bool(after["refuted_domain"])) == ("", True)


def test_an_evaluation_that_cannot_tell_keeps_the_claim_whatever_the_columns_say(bank):
    # BNK-026 says yes/yes (proven by the columns); an open interval leaves it claimed and asks for more items.
    after = scored(bank, eval_record("BNK-026", 0.01, 0.09)).loc["BNK-026"]
    assert after["verdict"] == "prove"
    assert "Evaluate on more items" in after["evidence_needed"]
    assert "Run a rigorous evaluation" not in after["evidence_needed"]
    # BNK-016's coverage is partial (no domain claim by the columns): the attached evaluation claims it.
    assert scored(bank, eval_record("BNK-016", 0.01, 0.09)).loc["BNK-016", "justifications_claimed"] == \
        "domain;regulatory"


def test_the_latest_item_of_each_kind_counts(bank):
    older, newer = eval_record("BNK-007", 0.052, 0.110, rid=1), eval_record("BNK-007", -0.02, 0.03, rid=2)
    assert latest([older, newer])["BNK-007"]["eval"] is newer
    assert scored(bank, older, newer).loc["BNK-007", "verdict"] == "kill"
    assert scored(bank, newer, older).loc["BNK-007", "verdict"] == "prove"


def test_latency_evidence_proves_or_refutes_a_latency_claim(bank):
    # BNK-019: a 150 ms target, a 900 ms baseline in the roadmap (proven by the column).
    fast = record("BNK-019", "latency", items=500, estimate=120.0, low=110.0, high=130.0, method="percentile")
    row = scored(bank, fast).loc["BNK-019"]
    assert bool(row["refuted_latency"]) and row["justifications_proven"] == ""
    slow = record("BNK-019", "latency", items=500, estimate=400.0, low=380.0, high=420.0, method="percentile")
    assert scored(bank, slow).loc["BNK-019", "justifications_proven"] == "scale"
    open_one = record("BNK-019", "latency", items=500, estimate=150.0, low=140.0, high=160.0, method="percentile")
    row = scored(bank, open_one).loc["BNK-019"]
    assert "Measure more calls" in row["evidence_needed"]
    assert "target of 150 ms" in row["evidence_used"]


def test_measured_volume_replaces_the_estimate_in_the_money(bank):
    before = scored(bank).loc["BNK-017"]
    measured = record("BNK-017", "volume", estimate=160_000.0, method="stated", detail={"value": 160_000, "period": "day"})
    after = scored(bank, measured).loc["BNK-017"]
    assert before["daily_calls"] == 80_000 and after["daily_calls"] == 160_000
    assert after["daily_calls_source"] == "measured"
    assert after["tco_api_rag_usd"] > before["tco_api_rag_usd"]
    assert after["evidence_used"].startswith("Volume measured 160,000 calls a day, stated on 2026-12-04 by Dana")


def test_a_compliance_confirmation_proves_a_named_regulation(bank):
    # Proven regulation makes the self-hosted stock model the comparison (v3); it justifies control, not the
    # fine-tune, which costs more than that path here: kill.
    confirmation = record("BNK-016", "compliance", method="confirmation",
                          detail={"confirmed_by": "Jane Roe", "role": "CCO", "date": "2026-11-30",
                                  "document": "LEG-114"})
    assert scored(bank).loc["BNK-016", "verdict"] == "prove"
    row = scored(bank, confirmation).loc["BNK-016"]
    assert (row["justifications_proven"], row["comparison_path"]) == ("regulatory", "self_hosted_open_weight")
    assert "Compliance confirmed by Jane Roe (CCO) on 2026-11-30, document LEG-114" in row["evidence_used"]


def test_evidence_on_another_project_id_is_ignored(bank):
    assert apply(bank, [eval_record("NOT-THERE", 0.1, 0.2)]) is bank


def test_the_brief_and_the_exports_carry_the_evidence_used(bank):
    from core import brief, export

    cfg = config.defaults()
    scored_all = portfolio.score(apply(bank, [eval_record("BNK-026", -0.03, 0.01)]), cfg)
    kill = portfolio.kill_list(scored_all)
    html = brief.build_brief(scored_all, kill, portfolio.summarize(scored_all), cfg, "bank.csv", {})
    assert "<b>Evidence used:</b> Domain gap refuted by an evaluation of 412 items on 2026-12-04 by Dana" in html
    table = export.machine_table(kill).set_index("project_id")
    assert table.loc["BNK-026", "evidence_used"].startswith("Domain gap refuted by an evaluation")
    assert pd.isna(table.loc["BNK-001", "evidence_used"])
