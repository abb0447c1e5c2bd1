"""Readable explanations of one scored project: each rule, the inputs it read, and what would change it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from core import labels
from core.config import FLAGS, JUSTIFICATIONS, Assumptions
from core.evidence_apply import used
from core.judge import reasons
from core.numbers import counted, money, money_scale, money_scaled, percent
from core.task import matched_words, specs


@dataclass(frozen=True)
class Check:
    kind: str  # "flag" or "justification"
    name: str
    title: str
    status: str  # flag: "fired" / "clear"; justification: "proven" / "claimed" / "refuted" / "not claimed"
    rule: str
    inputs: dict[str, str] = field(default_factory=dict)
    why: str = ""
    change: str = ""
    evidence: str = ""  # the attached evidence this check used, in sentences (it beats the yes/no columns)


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


def _calls(value: object) -> str:
    return "never" if value is None or pd.isna(value) else f"{float(value):,.0f}"


def _pays_from(break_even: object) -> str:
    if break_even is None or pd.isna(break_even):
        return "at no volume would it pay"
    return f"it would pay only from {_calls(break_even)} calls a day"


PART_WORDS = {"people": "people", "serving": "serving and compute", "api": "API", "other": "other costs"}


def comparison_name(row: pd.Series) -> str:
    """The path the custom model is compared with, in words (SPEC §4v3)."""
    return ("a self-hosted stock open-weight model" if bool(row.get("comparison_is_self_hosted", False))
            else "FM API + RAG")


def largest_part(row: pd.Series) -> tuple[str, float] | None:
    """The largest positive part of a saving (people, serving and compute, API, other), or None."""
    parts = {p: row.get(f"savings_{p}_usd") for p in PART_WORDS}
    parts = {p: float(v) for p, v in parts.items() if v is not None and not pd.isna(v) and float(v) > 0}
    if not parts:
        return None
    best = max(parts, key=parts.__getitem__)
    return PART_WORDS[best], parts[best]


def split_figures(row: pd.Series) -> dict[str, str] | None:
    """The saving ("total") and each part (by PART_WORDS key) in one money style (core.numbers.money_scale), so a
    line never reads "$4.8M · $189K · -$35,628"; None when the saving is not priced."""
    savings = row.get("projected_savings_usd")
    if savings is None or pd.isna(savings):
        return None
    return {k: money_scaled(v, _split_scale(row), "unknown") for k, v in _split_values(row).items()}


def _split_values(row: pd.Series) -> dict[str, object]:
    return {"total": row.get("projected_savings_usd"), **{p: row.get(f"savings_{p}_usd") for p in PART_WORDS}}


def _split_scale(row: pd.Series) -> tuple[float, str, str]:
    return money_scale(list(_split_values(row).values()))


def split_line(row: pd.Series) -> str:
    """ "people $4.84M · serving and compute $0.19M · API -$0.60M · other costs -$0.04M", or "" when not priced."""
    shown = split_figures(row)
    return "" if shown is None else " · ".join(f"{PART_WORDS[p]} {shown[p]}" for p in PART_WORDS)


def largest_part_phrase(row: pd.Series) -> str:
    """Which part the saving mostly is: "mostly people: $4.2M of $4.4M"; when the other parts favour the custom
    path, so that one part is more than the whole saving, "all of it people: $4.8M, less $0.4M where the custom
    path costs less" (never "$4.8M of $4.4M"); "" when no part is positive or the saving is not priced."""
    part, shown = largest_part(row), split_figures(row)
    if part is None or shown is None:
        return ""
    key = next(k for k, w in PART_WORDS.items() if w == part[0])
    savings = float(row["projected_savings_usd"])
    if part[1] <= savings:
        return f"mostly {part[0]}: {shown[key]} of {shown['total']}"
    rest = money_scaled(part[1] - savings, _split_scale(row))
    return f"all of it {part[0]}: {shown[key]}, less {rest} where the custom path costs less"


def money_clause(row: pd.Series, cfg: Assumptions) -> str:
    """What the money says, for the verdict sentence: which path costs less, by how much, and mostly why."""
    h = int(cfg.horizon_years)
    savings = row["projected_savings_usd"]
    if savings is None or pd.isna(savings):
        return (f"its costs need a daily volume to be priced ({_pays_from(row['break_even_daily_calls'])} against "
                f"{comparison_name(row)})")
    if savings < 0:
        return f"the custom path is {usd(abs(savings))} cheaper over {counted(h, 'year')} than {comparison_name(row)}"
    text = f"{comparison_name(row)} would cost {usd(abs(savings))} less over {counted(h, 'year')}"
    phrase = largest_part_phrase(row)
    return f"{text}, {phrase}" if phrase else text


def task_origin(row: pd.Series) -> str:
    """How the task was set, in words: set on this review by a person, given, inferred from which words, or assumed."""
    if set_on_review(row):
        return "set on this review"
    return _origin(row, row["task"], row["task_source"])


def set_on_review(row: pd.Series) -> bool:
    """Whether a person set this project's task on the review (core.task.set_on_review)."""
    return bool(row.get("task_set_on_review", False))


def roadmap_task(row: pd.Series) -> tuple[str, str]:
    """The task the roadmap gives or suggests and how, even when a person set another one on the review."""
    if not set_on_review(row):
        return row["task"], task_origin(row)
    return row["roadmap_task"], _origin(row, row["roadmap_task"], row["roadmap_task_source"])


def _origin(row: pd.Series, task: str, source: str) -> str:
    if source == "given":
        return "given in the roadmap"
    if source == "inferred":
        words = matched_words(row["project"], row.get("description"), task)
        return "inferred from " + ", ".join(f"'{w}'" for w in words) if words else "inferred"
    return "assumed: no task word in the name or description"


def checks(row: pd.Series, cfg: Assumptions) -> list[Check]:
    """The four flags and three justifications for one scored project, in display order."""
    a = cfg
    text = reasons()
    scratch = row["approach"] == "from_scratch"
    h = int(a.horizon_years)
    months_given = not pd.isna(row["build_months"])
    size = row["model_size_b_used"]
    out: list[Check] = []

    def flag(name: str, rule: str, inputs: dict[str, str], change: str) -> None:
        fired = bool(row[f"flag_{name}"])
        out.append(Check("flag", name, text["flags"][name]["title"], "fired" if fired else "clear", rule, inputs,
                         text["flags"][name]["why"], change if fired else "Nothing: this risk is not flagged."))

    if scratch:
        need = a.data_tokens_per_param * size * 1e9
        flag("data",
             f"Fires when pretraining tokens are unknown or below {a.data_tokens_per_param:g} per parameter "
             f"({need:,.0f} for a {size:g}B model; Hoffmann et al. 2022).",
             {"training_tokens": _num(row["training_tokens"]), "model_size_b": f"{size:g}"},
             f"Show a pretraining corpus of at least {need:,.0f} tokens, or train a smaller model.")
    else:
        target = a.data_min_examples_fine_tune
        flag("data",
             f"Fires when labeled examples are unknown or below {target:,.0f}, or data quality is low.",
             {"training_examples": _num(row["training_examples"]), "data_quality": _num(row["data_quality"])},
             f"Show at least {target:,.0f} labeled, task-specific examples of medium or high quality.")
    flag("treadmill",
         f"Fires when the build takes {a.treadmill_months:g} months or more, or stock models already cover the domain well.",
         {"build_months": _num(row["build_months"]) if months_given else f"{a.custom_build_months:g} (assumed)",
          "fm_coverage": _num(row["fm_coverage"])},
         f"Cut the build below {a.treadmill_months:g} months; and only if stock models do not already cover the domain.")
    flag("maintenance",
         f"Fires when the yearly ops budget is unknown or below {percent(a.maintenance_budget_ratio)} of the projected "
         f"upkeep ({usd(row['custom_maintenance_usd_per_year'])} a year).",
         {"ops_budget_usd_per_year": usd(row["ops_budget_usd_per_year"]),
          "projected upkeep": usd(row["custom_maintenance_usd_per_year"]) + " a year"},
         f"Budget at least {usd(a.maintenance_budget_ratio * row['custom_maintenance_usd_per_year'])} a year for upkeep.")
    flag("talent",
         f"Fires when the build's ML people cost reaches {usd(a.talent_cost_usd)}, or all ML people over {counted(h, 'year')} "
         f"cost more than {percent(a.talent_value_ratio)} of the value expected over {counted(h, 'year')}.",
         {"build ML people cost": usd(row["build_ml_people_usd"]),
          "all ML people cost": usd(row["ml_people_cost_usd"]) + f" over {counted(h, 'year')}",
          "expected_annual_value_usd": usd(row["expected_annual_value_usd"])},
         f"Keep the build team under {usd(a.talent_cost_usd)} and all ML people under "
         f"{percent(a.talent_value_ratio)} of the value the project brings.")

    def just(name: str, rule: str, inputs: dict[str, str], change: str, refuted: str = "", evidence: str = "") -> None:
        status = "proven" if row[f"proven_{name}"] else "claimed" if row[f"claimed_{name}"] else "not claimed"
        if status == "not claimed" and refuted:
            status = "refuted"
        out.append(Check("justification", name, text["justifications"][name]["title"], status, rule, inputs,
                         text["justifications"][name]["why"],
                         "Already proven." if status == "proven" else refuted if status == "refuted" else change,
                         evidence))

    just("domain",
         "Claimed when stock-model coverage is none or poor, or an evaluation found a gap; proven when a rigorous "
         "evaluation showed FM + RAG falls short and an FM + RAG baseline was built and measured.",
         {"fm_coverage": _num(row["fm_coverage"]), "eval_gap_verified": _yn(row["eval_gap_verified"]),
          "rag_baseline_tried": _yn(row["rag_baseline_tried"])},
         "Build the FM + RAG baseline, evaluate it rigorously, and record both results.",
         "The attached evaluation shows the custom model does not beat FM + RAG by the material gap."
         if row.get("refuted_domain", False) else "", used(row, "eval"))
    refuted = []
    if row["refuted_volume"]:
        refuted.append(f"At {_calls(row['daily_calls'])} calls a day the custom path costs "
                       f"{usd(row['projected_savings_usd'])} more over {counted(h, 'year')}, so the volume does not justify it; "
                       f"{_pays_from(row['break_even_daily_calls'])}.")
    if row["refuted_latency"]:
        refuted.append(f"The measured FM + RAG baseline ({_num(row['baseline_p95_ms'], 'ms')} p95) already meets the "
                       f"{_num(row['latency_target_ms'], 'ms')} target.")
    just("scale",
         f"Claimed at {a.scale_daily_calls:,.0f}+ calls a day or a p95 latency target of {a.scale_latency_ms:g} ms or "
         "less. Proven when the custom path is cheaper over the horizon at the stated volume, or a measured FM + RAG "
         "baseline missed the latency target; refuted when our prices show custom costs more at that volume, or the "
         "baseline met the target.",
         {"daily_calls": _num(row["daily_calls_used"]) + (" (implied from spend)"
                                                          if row.get("money_status") == "implied_from_spend" else ""),
          "latency_target_ms": _num(row["latency_target_ms"]),
          "baseline_p95_ms": _num(row["baseline_p95_ms"]),
          "projected_savings_usd": usd(row["projected_savings_usd"]),
          "break_even_daily_calls": _calls(row["break_even_daily_calls"])},
         "Measure the FM + RAG baseline's p95 latency against the target (baseline_p95_ms).",
         " ".join(refuted), used(row, "latency", "volume", "spend"))
    just("regulatory",
         "Claimed when a regulation requires full control of the model; proven when the regulation is named and "
         "compliance or legal confirmed that no third-party-hosted deployment (API, private endpoint or zero-retention) "
         "meets it. Proven, it makes a self-hosted stock open-weight model with RAG the comparison path: it justifies "
         "control of the model, not a fine-tune.",
         {"regulatory_control": _yn(row["regulatory_control"]), "regulation": _num(row["regulation"]),
          "compliance_confirmed": _yn(row["compliance_confirmed"])},
         "Name the regulation and clause; have compliance or legal confirm in writing that no third-party-hosted "
         "deployment meets it.",
         evidence=used(row, "compliance"))
    return out


def verdict_sentence(row: pd.Series, cfg: Assumptions) -> str:
    """One paragraph a reviewer can read aloud in the meeting."""
    name = row["project"]
    verdict = row["verdict"]
    h = int(cfg.horizon_years)
    if verdict == "ok":
        return f"{name} already follows the recommended path ({labels.label('approaches', row['approach'])}); nothing to decide."
    if verdict == "out_of_scope":
        label = specs()[row["task"]].label.lower() if row["task"] in specs() else str(row["task"])
        return (f"{name}: out of scope. Its task is {label} ({task_origin(row)}), a classic ML task: the build-trap "
                "rules do not apply; judge it on its own business case.")
    fired = [reasons()["flags"][f]["title"].lower() for f in FLAGS if row[f"flag_{f}"]]
    count = "all four risks" if len(fired) == 4 else f"{len(fired)} of the four risks"
    risk = f"It carries {count} ({'; '.join(fired)})" if fired else "It carries none of the four risks"
    money = money_clause(row, cfg)
    refuted = ""
    if row["refuted_volume"]:
        refuted = (f" Its volume claim is refuted: at {_calls(row['daily_calls'])} calls a day the custom path costs "
                   f"more, and {_pays_from(row['break_even_daily_calls'])}.")
    if row["refuted_latency"]:
        refuted += " Its latency claim is refuted: the measured FM + RAG baseline meets the target."
    if row.get("refuted_domain", False):
        refuted += " Its domain claim is refuted: the attached evaluation shows no gap worth paying for."
    if verdict == "kill" and bool(row.get("value_short", False)):
        need, value = row["value_needed_usd_per_year"], row["gap_value_usd_per_year"]
        return (f"{name}: kill. Its proven gap is worth {usd(value)} a year, {usd(need - value)} a year short of the "
                f"{usd(need)} that would cover the custom path's extra cost ({usd((need - value) * row['pv_years'])} "
                f"over {counted(h, 'year')}). {risk}, and {money}. {row['recommendation']}.")
    if verdict == "kill":
        why = (" Regulation justifies control of the model, not a fine-tune." if row.get("comparison_is_self_hosted")
               else "")
        return f"{name}: kill. No exception applies.{why}{refuted} {risk}, and {money}. {row['recommendation']}."
    if verdict == "prove":
        claimed = " and ".join(j for j in JUSTIFICATIONS if row[f"claimed_{j}"] and not row[f"proven_{j}"])
        if bool(row.get("value_missing", False)):
            proven = " and ".join(j for j in JUSTIFICATIONS if row[f"proven_{j}"])
            head = (f"{name}: prove. Its {proven} exception is proven, but the custom path costs more than "
                    f"{comparison_name(row)} and nothing says the gap is worth it.")
        else:
            head = f"{name}: prove. It claims the {claimed} exception but has not proven it."
        return (f"{head}{refuted} {risk}; {money}. "
                f"Evidence needed: {labels.sentences(row['evidence_needed'])}")
    proven = [j for j in JUSTIFICATIONS if row[f"proven_{j}"]]
    what = f"The {proven[0]} exception is" if len(proven) == 1 else f"The {' and '.join(proven)} exceptions are"
    return f"{name}: keep. {what} proven. {risk}; {money}. {row['recommendation']}."
