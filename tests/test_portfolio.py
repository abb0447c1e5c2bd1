"""The scored portfolio: output columns, the kill list, headline totals and the sensitivity tornado."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import SAMPLES, SPEC_OUTPUT_COLUMNS, load_rows, row_cells

from core import config, export, portfolio
from core.loader import load_roadmap

# Hand-computed at the defaults (see test_pricing): a proposed fine-tune, 6 months x 2 FTE, 4,000 examples,
# 20,000 calls a day, 500 in / 300 out, mid tier; it fires every flag and claims nothing, so it is a kill.
KILL_A = dict(project="Kill A", training_examples="4,000", build_months="6", ml_fte="2", daily_calls="20,000")
BUILD_A = 6 / 12 * 2 * 275_000 + 6_000 * 1.15 + 10 * 500  # 286,900
SERVING_YEAR1 = 2 * 3.95 * 8_760  # the 2-replica floor, 69,204 in year 1; GPU prices fall 25 % a year
UPKEEP = 275_000 + 2 * 500 + 6_000  # 282,000
API_BUILD = 2 / 12 * 1.5 * 275_000  # 68,750
API_FIXED_YEARLY = 12_000 + 0.3 * 275_000 + 6_000  # 100,500
MIGRATION = 275_000 / 12  # one FTE-month a year from year 2
RUN_A = 20_000 * 365 * 0.01075  # 78,475 in year 1: (2,500 x $2.50 + 300 x $15) per 1M tokens
RETRIEVAL_A = 20_000 * 365 * 0.10 / 1_000  # 730 a year


def _sum(decline: float, horizon: int, first: int = 1) -> float:
    """Years first..horizon at the yearly decline, each discounted to today at 8 % (SPEC §4v3)."""
    return sum((1 - decline) ** (t - 1) / 1.08**t for t in range(first, horizon + 1))


def custom_tco(build: float, horizon: int = 3) -> float:
    return build + SERVING_YEAR1 * _sum(0.25, horizon) + UPKEEP * _sum(0, horizon)


def api_tco(run: float, retrieval: float, horizon: int = 3, decline: float = 0.15) -> float:
    return (API_BUILD + (API_FIXED_YEARLY + retrieval) * _sum(0, horizon) + MIGRATION * _sum(0, horizon, first=2)
            + run * _sum(decline, horizon))


def savings_a(horizon: int = 3, decline: float = 0.15) -> float:
    return custom_tco(BUILD_A, horizon) - api_tco(RUN_A, RETRIEVAL_A, horizon, decline)


# Same, but a $2M planned build: larger savings.
KILL_B = dict(KILL_A, project="Kill B", build_cost_usd="$2,000,000")
SAVINGS_B = savings_a() - BUILD_A + 2_000_000
# Claims the domain exception without proof: prove. Nothing to label (50,000 examples), 1,000 calls a day.
PROVE_C = dict(project="Prove C", fm_coverage="none", training_examples="50,000", daily_calls="1,000")
SAVINGS_C = custom_tco(6 / 12 * 2 * 275_000 + 5_000) - api_tco(1_000 * 365 * 0.01075, 1_000 * 365 * 0.0001)
# A proven domain gap with no volume to price it: keep (the value check waits for a volume).
KEEP_D = dict(project="Keep D", eval_gap_verified="yes", rag_baseline_tried="yes")
OK_E = dict(project="OK E", approach="API + RAG")
OUT_F = dict(project="Churn propensity model F")


@pytest.fixture(scope="module")
def scored():
    roadmap = load_rows(*(row_cells(**r) for r in (PROVE_C, KILL_A, OK_E, KEEP_D, KILL_B, OUT_F)))
    return portfolio.score(roadmap.projects, config.defaults())


def test_output_columns_are_the_spec_columns_in_order():
    assert portfolio.OUTPUT_COLUMNS == SPEC_OUTPUT_COLUMNS


def test_score_keeps_input_order_and_every_column(scored):
    assert scored["project"].tolist() == ["Prove C", "Kill A", "OK E", "Keep D", "Kill B", "Churn propensity model F"]
    assert scored["verdict"].tolist() == ["prove", "kill", "ok", "keep", "kill", "out_of_scope"]
    assert set(SPEC_OUTPUT_COLUMNS) <= set(scored.columns)
    assert list(export.machine_table(scored).columns) == SPEC_OUTPUT_COLUMNS


def test_hand_computed_savings(scored):
    by_name = scored.set_index("project")
    assert by_name.loc["Kill A", "projected_savings_usd"] == pytest.approx(610_791.83, abs=0.01)
    assert by_name.loc["Kill A", "projected_savings_usd"] == pytest.approx(savings_a())
    assert by_name.loc["Kill B", "projected_savings_usd"] == pytest.approx(SAVINGS_B)
    assert by_name.loc["Prove C", "projected_savings_usd"] == pytest.approx(SAVINGS_C)


@pytest.mark.parametrize("name", ["OK E", "Churn propensity model F"])
def test_money_is_blank_on_the_recommended_path_and_out_of_scope(scored, name):
    row = scored.set_index("project").loc[name]
    for col in ("tco_custom_usd", "tco_api_rag_usd", "projected_savings_usd", "break_even_daily_calls"):
        assert math.isnan(row[col]), col
    machine = export.machine_table(scored).set_index("project").loc[name]
    assert pd.isna(machine["break_even_daily_calls"]) and pd.isna(machine["projected_savings_usd"])


def test_kill_list_holds_kill_and_prove_by_savings(scored):
    kl = portfolio.kill_list(scored)
    assert kl["project"].tolist() == ["Kill B", "Prove C", "Kill A"]
    assert SAVINGS_B > SAVINGS_C > savings_a()
    assert set(kl["verdict"]) == {"kill", "prove"}
    assert list(kl.index) == [0, 1, 2]


def test_kill_list_ties_break_on_score_then_name():
    rows = [row_cells(**KILL_A | {"project": n}) for n in ("Beta", "Alpha")]
    rows.append(row_cells(**KILL_A | {"project": "Gamma", "ops_budget_usd_per_year": "1M"}))  # same money, lower score
    scored = portfolio.score(load_rows(*rows).projects, config.defaults())
    assert portfolio.kill_list(scored)["project"].tolist() == ["Alpha", "Beta", "Gamma"]


def test_summarize_counts_and_kill_list_savings(scored):
    s = portfolio.summarize(scored)
    assert (s.projects, s.custom, s.kill, s.prove, s.keep, s.ok, s.out_of_scope) == (6, 5, 2, 1, 1, 1, 1)
    assert s.kill_list_savings_usd == pytest.approx(savings_a() + SAVINGS_B + SAVINGS_C)
    assert s.kill_savings_usd == pytest.approx(savings_a() + SAVINGS_B)


def test_sensitivity_moves_each_assumption_to_its_ends():
    projects = load_rows(row_cells(**KILL_A)).projects
    tornado = portfolio.sensitivity(projects, config.defaults())
    horizon = tornado.set_index("key").loc["horizon_years"]
    assert (horizon["low"], horizon["high"]) == (1, 5)
    assert horizon["savings_at_low_usd"] == pytest.approx(savings_a(horizon=1))
    assert horizon["savings_at_high_usd"] == pytest.approx(savings_a(horizon=5))
    assert horizon["base_savings_usd"] == pytest.approx(savings_a())
    decline = tornado.set_index("key").loc["api_price_decline"]
    assert decline["savings_at_low_usd"] == pytest.approx(savings_a(decline=0.0))
    assert decline["savings_at_high_usd"] == pytest.approx(savings_a(decline=0.5))
    swings = tornado["swing_usd"].tolist()
    assert swings == sorted(swings, reverse=True)
    assert tornado["swing_usd"].tolist() == pytest.approx(
        (tornado["savings_at_high_usd"] - tornado["savings_at_low_usd"]).abs().tolist())


def test_the_tornado_names_an_assumption_that_moves_nothing_once():
    # Two zero-length bars printed "High: 12 months" over "Low: 1 month" at the base line.
    from core import charts

    tornado = portfolio.sensitivity(load_rows(row_cells(**KILL_A)).projects, config.defaults())
    flat = tornado[(tornado["savings_at_low_usd"] - tornado["base_savings_usd"]).abs().lt(0.5)
                   & (tornado["savings_at_high_usd"] - tornado["base_savings_usd"]).abs().lt(0.5)]
    assert not flat.empty
    spec = charts.tornado(tornado)
    labels_of = {}
    for layer in spec.layer[1:3]:
        for row in layer.data.to_dict("records"):
            labels_of.setdefault(row["assumption"], []).append(row["label"])
    for name in flat["label"]:
        shown = [t for t in labels_of[name] if t]
        assert len(shown) == 1 and shown[0].startswith("No change from "), shown
    moving = tornado.loc[~tornado.index.isin(flat.index), "label"].iloc[0]
    assert sorted(t.split(":")[0] for t in labels_of[moving] if t) == ["High", "Low"]


def test_sensitivity_starts_from_the_given_assumptions():
    projects = load_rows(row_cells(**KILL_A)).projects
    cfg = config.make({"api_price_decline": 0.0})
    horizon = portfolio.sensitivity(projects, cfg).set_index("key").loc["horizon_years"]
    assert horizon["savings_at_low_usd"] == pytest.approx(savings_a(horizon=1, decline=0.0))
    assert horizon["base_savings_usd"] == pytest.approx(savings_a(decline=0.0))


def test_calls_or_never():
    assert portfolio.calls_or_never(float("nan")) == "never"
    assert portfolio.calls_or_never(None) == "never"
    assert portfolio.calls_or_never(294_400.4) == "294,400"


@pytest.mark.parametrize("name", ["bank.csv", "hospital_network.csv", "retailer.csv"])
def test_sample_portfolios_show_every_verdict(name):
    scored = portfolio.score(load_roadmap(SAMPLES / name).projects, config.defaults())
    verdicts = set(scored["verdict"])
    assert verdicts == {"kill", "prove", "keep", "ok", "out_of_scope"}
    # Tasks of several kinds, some given and some inferred.
    assert scored["task"].nunique() >= 3
    assert {"given", "inferred"} <= set(scored["task_source"])
    assert len(scored) == len(pd.read_csv(SAMPLES / name, sep=None, engine="python", encoding="utf-8-sig"))


def test_extra_columns_named_like_engine_columns_are_kept_beside_them():
    text = "project,approach,row,verdict,flags\nClaims model,fine-tune,7,keep,x\n"
    roadmap = load_roadmap(text.encode(), name="clash.csv")
    scored = portfolio.score(roadmap.projects, config.defaults())
    assert scored["verdict"].iloc[0] == "kill"
    assert scored["verdict (from file)"].iloc[0] == "keep"
    assert scored["row (from file)"].iloc[0] == "7"
    assert scored["row"].iloc[0] == 2


def test_tornado_labels_are_whole():
    # "Yearly model migration (re-evaluate, re-tune pro…" was cut at 260 px.
    import re

    from core import charts, render

    tornado = portfolio.sensitivity(load_rows(row_cells(**KILL_A)).projects, config.defaults())
    (svg,) = render.to_svg([charts.tornado(tornado).properties(width=300).to_json()])
    shown = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", t)) or t
             for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    for label in tornado["label"]:
        assert label.replace("&", "&amp;") in shown, label
    assert not any(t.endswith("…") for t in shown)
