"""Measured inputs in place of the roadmap's estimates, before scoring (SPEC §4v3 "measured spend counts", §4e).

This is the seam the evidence work uses: it reads measured volume and API spend from the store and hands them
to `apply_measured`, which writes them into the very columns the roadmap fills (`daily_calls`,
`api_spend_usd_per_month`) and marks them measured. Scoring then runs unchanged on the result, so measured
figures move the totals, the savings and the verdict through the same functions as estimated ones, and the
proofs still use the sign of the savings.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

# The inputs a caller may override from measured evidence, and the column that says where each came from.
MEASURABLE = {"daily_calls": "daily_calls_source", "api_spend_usd_per_month": "api_spend_source"}
SOURCES = ("roadmap", "measured")


def apply_measured(projects: pd.DataFrame, measured: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """The projects with measured inputs in place of the roadmap's, per project id, before `portfolio.score`.

    `measured` maps a project id to {column: value} for columns in MEASURABLE, e.g.
    ``{"BNK-002": {"api_spend_usd_per_month": 250_000}, "RTL-025": {"daily_calls": 1_400_000}}``. A value
    replaces the roadmap's cell, and `daily_calls_source` / `api_spend_source` say `measured` for it
    (`roadmap` where the file's own figure stands, blank where there is none). Ids not in the file, unknown
    columns and values that are not finite non-negative numbers are left out: the roadmap's figure stands.
    The input frame is not changed.
    """
    out = projects.copy(deep=False)
    ids = out["project_id"].astype("str").to_numpy()
    for col, source_col in MEASURABLE.items():
        given = out[col].to_numpy(dtype="float64", na_value=np.nan) if col in out.columns else np.full(len(out), np.nan)
        source = np.where(np.isnan(given), None, SOURCES[0]).astype(object)
        values = given.copy()
        wanted = {pid: _number(m.get(col)) for pid, m in measured.items() if isinstance(m, Mapping)}
        for i, pid in enumerate(ids):
            value = wanted.get(pid)
            if value is not None:
                values[i] = value
                source[i] = SOURCES[1]
        out[col] = values
        out[source_col] = pd.Series(source, index=out.index, dtype="str")
    return out


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) and number >= 0 else None
