"""Scenarios: a set of assumption overrides, described in words, stamped on downloads and compared with the baseline.

The baseline is the shipped defaults (assumptions.yaml). A scenario is whatever differs from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from core import config, labels
from core.numbers import in_unit
from core.portfolio import KILL_LIST_VERDICTS

BASELINE = "baseline"


@dataclass(frozen=True)
class Change:
    """One assumption that differs from its default."""

    key: str
    label: str
    value: str  # in the number style, with its unit
    default: str
    source: str


def changes(overrides: dict[str, Any]) -> list[Change]:
    """The overrides that really differ from the defaults, in the order of assumptions.yaml."""
    params = config.params()
    out = []
    for key, prm in params.items():
        if key in overrides and overrides[key] != prm.value:
            def shown(v: Any, prm: config.Param = prm) -> str:
                return labels.label("choices", v) if prm.choices else in_unit(v, prm.unit)

            out.append(Change(key, prm.label, shown(overrides[key]), shown(prm.value), prm.source))
    return out


def describe(overrides: dict[str, Any]) -> str:
    """Words for people: "Horizon 5 years (default 3 years); …", or a sentence saying all are defaults."""
    found = changes(overrides)
    if not found:
        return "All assumptions at their defaults."
    return "; ".join(f"{c.label} {c.value} (default {c.default})" for c in found)


def tag(overrides: dict[str, Any], name: str | None = None) -> str:
    """The `scenario` cell of a CSV download: machine keys and values, prefixed by the scenario's name if saved."""
    found = changes(overrides)
    if not found:
        return BASELINE
    keys = ";".join(f"{c.key}={overrides[c.key]}" for c in found)
    return f"{name}: {keys}" if name else keys


def file_stem(source: str, kind: str, overrides: dict[str, Any], name: str | None = None,
              today: date | None = None) -> str:
    """A download's file name without extension: roadmap, what it is, scenario and date.

    bank_kill_list_baseline_2026-11-29, bank_kill_list_horizon-years-5_2026-11-29, or the saved name.
    """
    found = changes(overrides)
    if not found:
        scen = BASELINE
    elif name:
        scen = name
    else:
        scen = "_".join(f"{c.key}-{overrides[c.key]}" for c in found)
    stem = source.rsplit(".", 1)[0]
    text = f"{stem}_{kind}_{scen}_{(today or date.today()).isoformat()}"
    # Only characters every file system and browser keeps; long scenarios are cut, the date stays.
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")
    return text if len(text) <= 120 else text[:105].rstrip("-_") + "_" + (today or date.today()).isoformat()


def assumptions_table(overrides: dict[str, Any]) -> pd.DataFrame:
    """Every assumption with the value used, its default, whether it changed, and its source (for the XLSX sheet)."""
    cfg = config.make(overrides) if overrides else config.defaults()
    rows = []
    for key, prm in config.params().items():
        value = getattr(cfg, key)
        rows.append({"assumption": prm.label, "key": key, "value": value, "default": prm.value,
                     "unit": prm.unit, "changed": "yes" if value != prm.value else "no", "source": prm.source})
    return pd.DataFrame(rows)


def compare(baseline: pd.DataFrame, scenario: pd.DataFrame) -> pd.DataFrame:
    """Per project, baseline against scenario: verdicts, whether on the kill list, projected savings.

    Both frames are scored portfolios of the same roadmap (rows match by project_id). Projects whose verdict
    changed come first, then by the size of the change in savings.
    """
    cols = ["project_id", "project", "verdict", "projected_savings_usd"]
    merged = baseline[cols].merge(scenario[cols[:1] + cols[2:]], on="project_id", suffixes=("_baseline", "_scenario"))
    merged["verdict_changed"] = merged["verdict_baseline"] != merged["verdict_scenario"]
    merged["on_list_baseline"] = merged["verdict_baseline"].isin(KILL_LIST_VERDICTS)
    merged["on_list_scenario"] = merged["verdict_scenario"].isin(KILL_LIST_VERDICTS)
    merged["savings_change_usd"] = (merged["projected_savings_usd_scenario"].fillna(0)
                                    - merged["projected_savings_usd_baseline"].fillna(0))
    order = merged.assign(_abs=merged["savings_change_usd"].abs()).sort_values(
        ["verdict_changed", "_abs"], ascending=[False, False], kind="stable")
    return order.drop(columns="_abs").reset_index(drop=True)


def verdict_change_sentence(row: pd.Series) -> str:
    """"Kill → Prove first" in words, or "unchanged (Kill)"."""
    before, after = labels.verdict(row["verdict_baseline"]), labels.verdict(row["verdict_scenario"])
    return f"{before} → {after}" if before != after else f"unchanged ({before})"
