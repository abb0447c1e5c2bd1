"""The meeting brief: changed assumptions, per-project reasons, verdict words, escaping, and a layout for phones and paper."""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLES

from core import brief, config, labels, portfolio
from core.loader import load_roadmap
from core.numbers import money


def _brief(overrides: dict | None = None, name: str = "", source: str = "bank.csv") -> tuple[str, object]:
    cfg = config.make(overrides) if overrides else config.defaults()
    scored = portfolio.score(load_roadmap(SAMPLES / "bank.csv").projects, cfg)
    kill = portfolio.kill_list(scored)
    return brief.build_brief(scored, kill, portfolio.summarize(scored), cfg, source, {}, scenario_name=name), kill


@pytest.fixture(scope="module")
def scenario_brief():
    return _brief({"horizon_years": 5, "loaded_fte_cost_usd": 350_000}, name="senior team")


def test_brief_lists_the_changed_assumptions(scenario_brief):
    text, _ = scenario_brief
    assert "Assumptions: Scenario senior team" in text
    assert "<b>Horizon</b>: 5 years (default 3 years)" in text
    assert "<b>Loaded cost per ML FTE</b>: $350K per year (default $275K per year)" in text
    assert "see the tool" not in text
    baseline, _ = _brief()
    assert "Assumptions: Baseline" in baseline and "Every assumption is at its default" in baseline


def test_every_project_carries_its_flags_the_exception_it_lacks_and_the_full_sentences(scenario_brief):
    text, kill = scenario_brief
    cards = re.findall(r"<article class='card'>(.*?)</article>", text, flags=re.S)
    assert len(cards) == len(kill)
    for card, (_, row) in zip(cards, kill.iterrows(), strict=True):
        assert f"<b>Risks flagged:</b> {labels.joined(row['flags'], 'flags')}." in card
        assert "<b>Exception it lacks:</b> Claims " in card
        assert f"<b>Recommended alternative:</b> {row['recommendation']}." in card
        assert money(row["projected_savings_usd"]) in card
        assert f">{labels.verdict(row['verdict'])}</span>" in card  # the word, not only a colour
        if row["justifications_claimed"]:
            assert "but has not proven it" in card


def test_no_codes_or_blanks_leak_into_the_brief(scenario_brief):
    text, _ = scenario_brief
    visible = re.sub(r"<svg.*?</svg>", "", re.sub(r"<style>.*?</style>", "", text, flags=re.S), flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", visible)
    for bad in ("None", "nan", "NaT", "fine_tune", "from_scratch", "rag_baseline_tried", "eval_gap_verified"):
        assert not re.search(rf"\b{bad}\b", visible), bad


def test_the_brief_is_built_for_phones_and_paper(scenario_brief):
    text, _ = scenario_brief
    assert "<meta name='viewport' content='width=device-width, initial-scale=1'>" in text
    assert "@page{margin:12mm}" in text  # no fixed paper size: A4 and Letter both print
    assert "@media (max-width:900px){.charts{grid-template-columns:1fr}" in text


def test_roadmap_text_is_escaped_in_the_brief():
    text, _ = _brief(source="<script>alert(1)</script>.csv")
    assert "<script>alert" not in text and "&lt;script&gt;" in text
