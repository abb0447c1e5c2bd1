"""Stored evidence applied to a roadmap before it is scored (SPEC §4e): the latest item of each kind counts.

Measured volume and spend replace the roadmap's estimates through the project columns (daily_calls,
api_spend_usd_per_month) by core.measured's seam, which marks them measured; a compliance confirmation sets compliance_confirmed, and the outcomes of an
evaluation or a latency measurement overrule the yes/no columns both ways inside the judgement (`overrule`,
called once from core/judge.py). `evidence_used` says, per project, which evidence the verdict used.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from core.evidence import Finding, describe, outcome
from core.measured import apply_measured

# Project columns a kind of evidence replaces (measured beats the roadmap's estimate).
REPLACES = {"volume": "daily_calls", "spend": "api_spend_usd_per_month"}
OUTCOME_COLUMNS = {"eval": "evidence_domain", "latency": "evidence_latency"}
# What each kind's sentence is about, as it starts in evidence_used: "Domain gap proven by an evaluation of …".
NOUNS = {"eval": "Domain gap", "latency": "Latency", "volume": "Volume", "spend": "API spend",
         "compliance": "Compliance"}


@dataclass(frozen=True)
class Attached:
    """One stored piece of evidence: its figures, who attached it and when."""

    id: int
    portfolio: str
    project_id: str
    kind: str
    reviewer: str
    recorded_at: datetime | None
    items: int | None = None
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    threshold: float | None = None
    method: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    project: str = ""
    file_name: str = ""
    review_id: str | None = None

    @property
    def finding(self) -> Finding:
        return Finding(self.kind, self.items, self.estimate, self.low, self.high, self.threshold, self.method,
                       self.detail)

    @property
    def day(self) -> str:
        return self.recorded_at.date().isoformat() if self.recorded_at else "an unknown date"

    def outcome(self, target: float | None = None) -> str:
        """proven / refuted / claimed / measured / confirmed; a latency against today's target when given."""
        limit = self.threshold if self.kind != "latency" or target is None else target
        return outcome(self.kind, self.low, self.high, limit)

    def sentence(self, target: float | None = None) -> str:
        return describe(self.finding, self.reviewer, self.day, target)


def used(row: pd.Series, *kinds: str) -> str:
    """The evidence sentences a scored project's verdict used, of these kinds ("" when none)."""
    texts = [row.get(f"evidence_used_{kind}", "") for kind in kinds]
    return "; ".join(t for t in texts if isinstance(t, str) and t)


def latest(records: Iterable[Attached]) -> dict[str, dict[str, Attached]]:
    """Project id -> kind -> the latest item of that kind (records arrive oldest first)."""
    found: dict[str, dict[str, Attached]] = {}
    for record in records:
        found.setdefault(record.project_id, {})[record.kind] = record
    return found


def _target(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def apply(projects: pd.DataFrame, records: Iterable[Attached]) -> pd.DataFrame:
    """The projects with their latest evidence applied; unchanged (no new columns) when there is none."""
    current = latest(records)
    ids = projects["project_id"].astype(str)
    hit = ids.isin(current.keys()).to_numpy()
    if not hit.any():
        return projects
    out = projects.copy()
    used = np.full(len(out), None, dtype=object)  # blank (NA) where no evidence applies, as without any
    outcomes = {col: np.full(len(out), "", dtype=object) for col in OUTCOME_COLUMNS.values()}
    measured: dict[str, dict[str, float]] = {}
    by_kind: dict[str, np.ndarray] = {}
    for pos in np.flatnonzero(hit):
        kinds = current[ids.iloc[pos]]
        label = out.index[pos]
        target = _target(out.at[label, "latency_target_ms"]) if "latency_target_ms" in out.columns else None
        sentences = []
        for kind, record in kinds.items():
            column = REPLACES.get(kind)
            if column is not None:
                measured.setdefault(ids.iloc[pos], {})[column] = record.estimate
            elif kind == "compliance":
                out.at[label, "compliance_confirmed"] = True
            else:
                outcomes[OUTCOME_COLUMNS[kind]][pos] = record.outcome(target)
            sentences.append(f"{NOUNS[kind]} {record.sentence(target)}")
            by_kind.setdefault(kind, np.full(len(out), "", dtype=object))[pos] = sentences[-1]
        used[pos] = "; ".join(sentences)
    for col, values in outcomes.items():
        out[col] = values
    for kind, texts in by_kind.items():  # one column per kind, for the checklist line that kind settles
        out[f"evidence_used_{kind}"] = texts
    out["evidence_used"] = pd.Series(used, index=out.index, dtype="str")
    return apply_measured(out, measured) if measured else out


class Overruled(NamedTuple):
    """The judgement's evidence terms after attached evidence had its say (arrays, one value per project)."""

    domain_claimed: np.ndarray
    domain_proven: np.ndarray
    domain_refuted: np.ndarray
    domain_open: np.ndarray  # an evaluation that cannot tell yet
    evaluated: np.ndarray  # an evaluation is attached (the eval and the baseline exist)
    latency_proven: np.ndarray
    latency_refuted: np.ndarray
    latency_open: np.ndarray
    latency_measured: np.ndarray


def overrule(projects: pd.DataFrame, domain_claimed: np.ndarray, domain_proven: np.ndarray,
             latency_claimed: np.ndarray, latency_proven: np.ndarray, latency_refuted: np.ndarray) -> Overruled:
    """Evidence beats the yes/no columns, both ways: proven proves, refuted removes the claim, and an
    evaluation that cannot tell yet leaves the exception claimed whatever the columns say. A latency
    measurement only settles a latency claim (a target at or under the scale threshold)."""
    n = len(projects)
    proven, refuted, claimed = (OUTCOME_CODES[o] for o in ("proven", "refuted", "claimed"))
    dom = _codes(projects, "evidence_domain", n)
    lat = _codes(projects, "evidence_latency", n)
    evaluated = dom != 0
    measured = lat != 0
    return Overruled(
        domain_claimed=np.where(evaluated, dom != refuted, domain_claimed),
        domain_proven=np.where(evaluated, dom == proven, domain_proven),
        domain_refuted=dom == refuted,
        domain_open=dom == claimed,
        evaluated=evaluated,
        latency_proven=np.where(measured & latency_claimed, lat == proven, latency_proven),
        latency_refuted=np.where(measured & latency_claimed, lat == refuted, latency_refuted),
        latency_open=latency_claimed & (lat == claimed),
        latency_measured=measured,
    )


# An outcome as a small number (0: no evidence of that kind), so the comparisons above are array arithmetic
# rather than text compared cell by cell (9 ms a 100,000 rows with no evidence at all).
OUTCOME_CODES = {"proven": 1, "refuted": 2, "claimed": 3}


def _codes(projects: pd.DataFrame, column: str, n: int) -> np.ndarray:
    codes = np.zeros(n, dtype=np.int8)
    if column in projects.columns:
        values = projects[column]
        for outcome, code in OUTCOME_CODES.items():
            codes[values.eq(outcome).to_numpy(dtype=bool, na_value=False)] = code
    return codes


def as_key(records: Iterable[Attached]) -> tuple:
    """Stored evidence as a hashable tuple of plain values (a cache key the app can pass around); from_key undoes it."""
    return tuple((r.id, r.portfolio, r.project_id, r.kind, r.reviewer, r.recorded_at, r.items, r.estimate, r.low,
                  r.high, r.threshold, r.method, json.dumps(r.detail, sort_keys=True, default=str), r.project,
                  r.file_name, r.review_id) for r in records)


def from_key(key: tuple) -> list[Attached]:
    """The records of an as_key tuple."""
    return [Attached(*t[:12], json.loads(t[12]), *t[13:]) for t in key]
