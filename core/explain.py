"""Readable explanations of one scored project: each rule, the inputs it read, and what would change it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from core.config import FLAGS, JUSTIFICATIONS, Assumptions
from core.judge import reasons
from core.numbers import money


@dataclass(frozen=True)
class Check:
    kind: str  # "flag" or "justification"
    name: str
    title: str
    status: str  # flag: "fired" / "clear"; justification: "proven" / "claimed" / "not claimed"
    rule: str
    inputs: dict[str, str] = field(default_factory=dict)
    why: str = ""
    change: str = ""


def usd(value: float | None) -> str:
    """Money in a sentence: the one number style (core.numbers), "unknown" for a blank."""
    return money(value, missing="unknown")


def _num(value: object, unit: str = "") -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        text = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{text} {unit}".strip()
    return str(value)


def _yn(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    return "yes" if bool(value) else "no"


def checks(row: pd.Series, cfg: Assumptions) -> list[Check]:
    """The four flags and three justifications for one scored project, in display order."""
    a = cfg
    text = reasons()
    scratch = row["approach"] == "from_scratch"
    target = a.data_min_examples_from_scratch if scratch else a.data_min_examples_fine_tune
    h = int(a.horizon_years)
    months_given = not pd.isna(row["build_months"])
    out: list[Check] = []

    def flag(name: str, rule: str, inputs: dict[str, str], change: str) -> None:
        fired = bool(row[f"flag_{name}"])
        out.append(Check("flag", name, text["flags"][name]["title"], "fired" if fired else "clear", rule, inputs,
                         text["flags"][name]["why"], change if fired else "Nothing: this risk is not flagged."))

    flag("data",
         f"Fires when labeled examples are unknown or below {target:,.0f}"
         f" ({'from scratch' if scratch else 'fine-tune'}), or data quality is low.",
         {"training_examples": _num(row["training_examples"]), "data_quality": _num(row["data_quality"])},
         f"Show at least {target:,.0f} labeled, task-specific examples of medium or high quality.")
    flag("treadmill",
         f"Fires when the build takes {a.treadmill_months:g} months or more, or stock models already cover the domain well.",
         {"build_months": _num(row["build_months"]) if months_given else f"{a.custom_build_months:g} (assumed)",
          "fm_coverage": _num(row["fm_coverage"])},
         f"Cut the build below {a.treadmill_months:g} months; and only if stock models do not already cover the domain.")
    flag("maintenance",
         f"Fires when the yearly ops budget is unknown or below {a.maintenance_budget_ratio:.0%} of the projected "
         f"upkeep ({usd(row['custom_maintenance_usd_per_year'])} a year).",
         {"ops_budget_usd_per_year": usd(row["ops_budget_usd_per_year"]),
          "projected upkeep": usd(row["custom_maintenance_usd_per_year"]) + " a year"},
         f"Budget at least {usd(a.maintenance_budget_ratio * row['custom_maintenance_usd_per_year'])} a year for upkeep.")
    flag("talent",
         f"Fires when ML people cost over {h} years reaches {usd(a.talent_cost_usd)}, or exceeds "
         f"{a.talent_value_ratio:.0%} of the expected value over the horizon.",
         {"ML people cost": usd(row["ml_people_cost_usd"]) + f" over {h} years",
          "expected_annual_value_usd": usd(row["expected_annual_value_usd"])},
         f"Keep ML people cost under {usd(a.talent_cost_usd)} over {h} years and under "
         f"{a.talent_value_ratio:.0%} of the value the project brings.")

    def just(name: str, rule: str, inputs: dict[str, str], change: str) -> None:
        status = "proven" if row[f"proven_{name}"] else "claimed" if row[f"claimed_{name}"] else "not claimed"
        out.append(Check("justification", name, text["justifications"][name]["title"], status, rule, inputs,
                         text["justifications"][name]["why"], "Already proven." if status == "proven" else change))

    just("domain",
         "Claimed when stock-model coverage is none or poor; proven when a rigorous evaluation showed FM + RAG "
         "falls short and an FM + RAG baseline was built and measured.",
         {"fm_coverage": _num(row["fm_coverage"]), "eval_gap_verified": _yn(row["eval_gap_verified"]),
          "rag_baseline_tried": _yn(row["rag_baseline_tried"])},
         "Build the FM + RAG baseline, evaluate it rigorously, and record both results.")
    be = row["break_even_daily_calls"]
    just("scale",
         f"Claimed at {a.scale_daily_calls:,.0f}+ calls a day or a p95 latency target of {a.scale_latency_ms:g} ms or "
         "less; proven when the custom path is cheaper over the horizon at that volume, or (for latency) when an FM + RAG "
         "baseline was measured.",
         {"daily_calls": _num(row["daily_calls"]), "latency_target_ms": _num(row["latency_target_ms"]),
          "projected_savings_usd": usd(row["projected_savings_usd"]),
          "break_even_daily_calls": "never" if pd.isna(be) else f"{be:,.0f}"},
         "Show the volume at which the custom path is cheaper, or measure FM + RAG against the latency target.")
    just("regulatory",
         "Claimed when a regulation requires full control of the model; proven when that regulation is named.",
         {"regulatory_control": _yn(row["regulatory_control"]), "regulation": _num(row["regulation"])},
         "Name the regulation and the clause that requires model control; confirm it with compliance.")
    return out


def verdict_sentence(row: pd.Series, cfg: Assumptions) -> str:
    """One paragraph a reviewer can read aloud in the meeting."""
    name = row["project"]
    verdict = row["verdict"]
    h = int(cfg.horizon_years)
    if verdict == "ok":
        return f"{name} already follows the recommended path ({row['approach'].replace('_', ' ')}); nothing to decide."
    fired = [reasons()["flags"][f]["title"].lower() for f in FLAGS if row[f"flag_{f}"]]
    count = "all four risks" if len(fired) == 4 else f"{len(fired)} of the four risks"
    risk = f"It carries {count} ({'; '.join(fired)})" if fired else "It carries none of the four risks"
    savings = row["projected_savings_usd"]
    money = (f"FM API + RAG would cost {usd(abs(savings))} less over {h} years" if savings >= 0
             else f"the custom path is {usd(abs(savings))} cheaper over {h} years")
    if verdict == "kill":
        return f"{name}: kill. No exception applies. {risk}, and {money}. {row['recommendation']}."
    if verdict == "prove":
        claimed = " and ".join(j for j in JUSTIFICATIONS if row[f"claimed_{j}"])
        return (f"{name}: prove. It claims the {claimed} exception but has not proven it. {risk}; {money}. "
                f"Evidence needed: {row['evidence_needed']}.")
    proven = [j for j in JUSTIFICATIONS if row[f"proven_{j}"]]
    what = f"The {proven[0]} exception is" if len(proven) == 1 else f"The {' and '.join(proven)} exceptions are"
    return f"{name}: keep. {what} proven. {risk}; {money}. {row['recommendation']}."
