"""Shared helpers for the core tests: fixture paths and one-line builders of small roadmaps."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from core import config, portfolio
from core.loader import Roadmap, load_roadmap

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "sample_portfolios"

# SPEC §6, written out here rather than imported, so a change to the engine's list shows up as a failure.
SPEC_OUTPUT_COLUMNS = [
    "project_id", "project", "team", "approach", "task", "task_source", "verdict", "build_trap_score", "flags",
    "justifications_claimed", "justifications_proven", "tco_custom_usd", "tco_api_rag_usd",
    "projected_savings_usd", "break_even_daily_calls", "recommendation", "evidence_needed",
]


def csv_text(rows: list[dict[str, object]], delimiter: str = ",") -> str:
    """A roadmap CSV whose header is the union of the rows' keys, in first-seen order."""
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(k) is None else row[k] for k in header])
    return buf.getvalue()


def load_rows(*rows: dict[str, object], **kwargs: object) -> Roadmap:
    """Load a roadmap made of the given rows (dicts of header -> cell)."""
    return load_roadmap(csv_text(list(rows)).encode("utf-8"), **kwargs)


def row_cells(**cells: object) -> dict[str, object]:
    """One project row: a fine-tune called 'P' unless the keyword arguments say otherwise."""
    return {"project": "P", "approach": "fine-tune", **cells}


def load_one(**cells: object) -> pd.Series:
    """The single project parsed from a one-row roadmap built from keyword arguments."""
    roadmap = load_rows(row_cells(**cells))
    assert len(roadmap.projects) == 1, roadmap.report.rejected.to_dict("records")
    return roadmap.projects.iloc[0]


def score_one(cfg: Any = None, **cells: object) -> pd.Series:
    """The scored row (inputs, cost terms and judgement) of a one-row roadmap."""
    roadmap = load_rows(row_cells(**cells))
    assert len(roadmap.projects) == 1, roadmap.report.rejected.to_dict("records")
    return portfolio.score(roadmap.projects, cfg or config.defaults()).iloc[0]


def is_one_sentence(message: str) -> bool:
    """No line break, ends with a full stop, and no full stop followed by a new capitalised sentence."""
    return "\n" not in message and "\r" not in message and message.endswith(".") and not re.search(
        r"[.!?]\s+[A-Z]", message
    )


@pytest.fixture
def cfg() -> Any:
    return config.defaults()
