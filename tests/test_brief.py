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


def _axis_labels(svg: str, title: str) -> list[str]:
    """The tick labels of the axis whose title is `title` (Vega groups each axis' labels under role-axis-label)."""
    for axis in re.findall(r'<g class="mark-group role-axis".*?</g></g></g>', svg, flags=re.S):
        if f">{title}<" in axis:
            block = re.search(r'role-axis-label.*?</g>', axis, flags=re.S)
            return re.findall(r"<text[^>]*>([^<]*)</text>", block.group(0)) if block else []
    raise AssertionError(f"no axis titled {title}")


def _drawn(chart) -> str:
    from core import render

    (svg,) = render.to_svg([chart.properties(width=520, height=280).to_json()])
    return svg


def test_count_axes_tick_whole_numbers_and_money_axes_do_not_crowd():
    from core import charts

    scored = portfolio.score(load_roadmap(SAMPLES / "bank.csv").projects.head(4), config.defaults())
    ticks = _axis_labels(_drawn(charts.verdicts_by_team(scored)), "Projects")
    assert ticks and len(ticks) == len(set(ticks)), ticks  # the brief read "0 1 1 2 2"
    assert all(t.isdigit() for t in ticks)
    full = portfolio.score(load_roadmap(SAMPLES / "bank.csv").projects, config.defaults())
    money_ticks = _axis_labels(_drawn(charts.savings_by_team(full)), "Projected savings")
    # At 520 px each label has room: at most 7 of them ($0 … $8.0M at 17 collided).
    assert 3 <= len(money_ticks) <= 7, money_ticks


def test_decisions_show_as_words_with_their_dates_as_dates():
    from datetime import date

    import pandas as pd

    from core import minutes

    cfg = config.defaults()
    scored = portfolio.score(load_roadmap(SAMPLES / "bank.csv").projects, cfg)
    kill = portfolio.kill_list(scored)
    pid = kill["project_id"].iloc[0]
    current = pd.DataFrame({"decision": ["needs-evidence"], "reviewer": ["Dana"], "note": [""],
                            "revisit": ["2027-03-31"]}, index=pd.Index([pid], name="project_id"))
    decided = minutes.current_table(kill["project_id"], current, date(2026, 12, 6))
    texts = {p: minutes.decision_text(r) for p, r in decided.iterrows()}
    text = brief.build_brief(scored, kill, portfolio.summarize(scored), cfg, "bank.csv", texts)
    assert "Decision: Needs evidence · Dana · revisit 2027-03-31" in text
    assert "2027 03 31" not in text and "needs-evidence" not in text and "Decision: open" not in text
    assert f"{date.today().isoformat()}" in text
