"""Scenarios: changed assumptions in words, stamps for downloads, and the baseline-against-scenario comparison."""

from __future__ import annotations

from datetime import date

from conftest import SAMPLES

from core import config, labels, portfolio, scenario
from core.loader import load_roadmap


def test_only_real_changes_count_and_read_as_words():
    overrides = {"horizon_years": 5, "loaded_fte_cost_usd": 350_000, "custom_build_months": 6}  # 6 is the default
    found = scenario.changes(overrides)
    assert [c.key for c in found] == ["horizon_years", "loaded_fte_cost_usd"]
    text = scenario.describe(overrides)
    assert text == "Horizon 5 years (default 3 years); Loaded cost per ML FTE $350K per year (default $275K per year)"
    assert scenario.describe({}) == "All assumptions at their defaults."


def test_stamps_name_the_scenario_and_the_date():
    day = date(2026, 11, 29)
    assert scenario.file_stem("bank.csv", "kill_list", {}, today=day) == "bank_kill_list_baseline_2026-11-29"
    assert (scenario.file_stem("bank.csv", "kill_list", {"horizon_years": 5}, today=day)
            == "bank_kill_list_horizon_years-5_2026-11-29")
    assert (scenario.file_stem("my roadmap.xlsx", "kill_list", {"horizon_years": 5}, "Senior team / 5y", today=day)
            == "my-roadmap_kill_list_Senior-team-5y_2026-11-29")
    assert scenario.tag({}) == "baseline"
    assert scenario.tag({"horizon_years": 5, "api_price_decline": 0.3}) == "horizon_years=5;api_price_decline=0.3"
    assert scenario.tag({"horizon_years": 5}, "long") == "long: horizon_years=5"


def test_assumptions_table_marks_what_changed_and_keeps_sources():
    table = scenario.assumptions_table({"horizon_years": 5})
    assert set(table.columns) == {"assumption", "key", "value", "default", "unit", "changed", "source"}
    row = table.set_index("key").loc["horizon_years"]
    assert row["value"] == 5 and row["default"] == 3 and row["changed"] == "yes"
    assert (table["changed"] == "yes").sum() == 1
    assert table["source"].str.len().gt(0).all()


def test_compare_lists_verdict_changes_first():
    projects = load_roadmap(SAMPLES / "bank.csv").projects
    base = portfolio.score(projects, config.defaults())
    # GPUs at five times the price: custom models that were cheaper than the API path no longer are, so keeps
    # proven on cost become kills.
    scen = portfolio.score(projects, config.make({"gpu_hour_usd": 20}))
    diff = scenario.compare(base, scen)
    assert len(diff) == len(base)
    changed = diff[diff["verdict_changed"]]
    assert len(changed) == int((base["verdict"].to_numpy() != scen["verdict"].to_numpy()).sum()) > 0
    assert diff["verdict_changed"].iloc[: len(changed)].all()
    first = changed.iloc[0]
    assert scenario.verdict_change_sentence(first) == (
        f"{labels.verdict(first['verdict_baseline'])} → {labels.verdict(first['verdict_scenario'])}")
