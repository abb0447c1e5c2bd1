"""Evidence the room can check: every rule carries public cases, and the public-cases sample is clean."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from conftest import SAMPLES

from core.judge import reasons
from core.loader import load_roadmap

RULES = [("flags", name) for name in ("data", "treadmill", "maintenance", "talent")] + [
    ("justifications", name) for name in ("domain", "scale", "regulatory")
]


def _is_https_link(url: object) -> bool:
    parts = urlparse(str(url).strip())
    return parts.scheme == "https" and "." in parts.netloc and " " not in str(url).strip()


@pytest.mark.parametrize(("group", "name"), RULES)
def test_every_rule_carries_at_least_one_documented_case(group, name):
    cases = reasons()[group][name].get("cases")
    assert cases, f"{group}.{name} has no cases"
    for case in cases:
        assert set(case) == {"title", "url", "showed"}, case
        assert str(case["title"]).strip()
        assert _is_https_link(case["url"]), case["url"]
        # One sentence in our own words: it ends like a sentence and is not a bare title.
        showed = " ".join(str(case["showed"]).split())
        assert len(showed.split()) >= 8 and showed.endswith("."), showed


def test_no_case_is_listed_twice_under_the_same_rule():
    for group, name in RULES:
        urls = [c["url"] for c in reasons()[group][name]["cases"]]
        assert len(urls) == len(set(urls)), f"{group}.{name}"


def test_public_cases_sample_loads_every_row_with_a_source():
    roadmap = load_roadmap(SAMPLES / "public_cases.csv")
    projects = roadmap.projects
    assert roadmap.report.rejected.empty
    assert roadmap.report.warnings.empty
    assert len(projects) >= 8
    assert projects["project_id"].is_unique
    assert projects["source"].map(_is_https_link).all(), projects.loc[~projects["source"].map(_is_https_link),
                                                                      "source"].tolist()


# What a careful reader of the essay concludes from each public case (SPEC §4v3, issue 13), and why.
PUBLIC_VERDICTS = {
    "PUB-001": "kill",  # BloombergGPT: a from-scratch domain model GPT-4 matched on finance tasks months later
    "PUB-002": "kill",  # Med-PaLM 2: a medical fine-tune that prompting a general model (Medprompt) later matched
    "PUB-003": "keep",  # Harvey: fine-tuning and RAG through public APIs were tried and measured first, and fell short
    "PUB-004": "prove",  # ChipNeMo: a domain gap claimed, but no measured FM + RAG baseline on the same evaluation
    "PUB-005": "keep",  # Checkr: GPT-4 with and without RAG fell short on the hardest records; the fine-tune costs 5x less
    "PUB-006": "kill",  # Replit's 2.7B code model: stock code models overtook it; no exception is shown
    "PUB-007": "ok", "PUB-008": "ok", "PUB-009": "ok", "PUB-010": "ok",  # the FM path, as the essay recommends
    "PUB-011": "out_of_scope",  # Stripe: a transaction model is classic ML, outside the essay's argument
    "PUB-012": "keep",  # Character.AI: ~1.7 billion calls a day, the extreme scale the essay names
    "PUB-013": "keep",  # Method: a measured GPT-4 bill, cut ~99 % by a fine-tuned 8B with fewer errors
}


def test_public_cases_get_the_verdicts_a_careful_reader_gives():
    from core import config, portfolio

    scored = portfolio.score(load_roadmap(SAMPLES / "public_cases.csv").projects, config.defaults())
    assert dict(zip(scored["project_id"], scored["verdict"], strict=True)) == PUBLIC_VERDICTS
    by_id = scored.set_index("project_id")
    # The scale cases are priced, one from its stated volume and one from its measured API bill.
    assert by_id.loc["PUB-012", "money_status"] == "priced"
    assert by_id.loc["PUB-013", "money_status"] == "implied_from_spend"
    assert by_id.loc["PUB-012", "projected_savings_usd"] < 0 and by_id.loc["PUB-013", "projected_savings_usd"] < 0
