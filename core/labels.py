"""Words for people: every machine value and field name the app shows, read from core/data/labels.yaml."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from core.config import DATA_DIR, load_yaml
from core.numbers import BLANK, is_blank

# Kinds of value with a vocabulary in labels.yaml, by the column that holds them.
KINDS = ("approaches", "status", "data_quality", "fm_coverage", "api_tier", "task", "task_source", "decisions",
         "check_status", "flags", "justifications", "choices", "money_status", "comparison_path", "actions")
COLUMN_KIND = {"approach": "approaches", "status": "status", "data_quality": "data_quality",
               "fm_coverage": "fm_coverage", "api_tier": "api_tier", "task": "task", "task_source": "task_source",
               "decision": "decisions"}


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    return load_yaml((DATA_DIR / "labels.yaml").read_text(encoding="utf-8"))


def _fallback(value: object) -> str:
    # An unknown machine value still reads as words rather than as an identifier.
    return str(value).replace("_", " ").replace("-", " ")


def label(kind: str, value: object) -> str:
    """The label of one machine value of a kind ("approaches", "status", ...); "—" for a blank."""
    if is_blank(value):
        return BLANK
    if kind == "verdicts":
        return verdict(str(value))
    table = _raw().get(kind, {})
    return str(table.get(str(value), _fallback(value)))


def labels(kind: str) -> dict[str, str]:
    """Every machine value of a kind with its label, in file order."""
    if kind == "verdicts":
        return {k: v["label"] for k, v in _raw()["verdicts"].items()}
    return {str(k): str(v) for k, v in _raw()[kind].items()}


def verdict(value: str) -> str:
    entry = _raw()["verdicts"].get(value)
    return entry["label"] if entry else _fallback(value)


def verdict_help(value: str) -> str:
    entry = _raw()["verdicts"].get(value)
    return entry["help"] if entry else ""


def field(name: str) -> str:
    """A column or input name as people read it: fm_coverage -> "Foundation-model coverage"."""
    fields = _raw()["fields"]
    if name in fields:
        return str(fields[name])
    text = _fallback(name).removesuffix(" usd")
    return text[:1].upper() + text[1:]


def yes_no(value: object) -> str:
    if is_blank(value):
        return BLANK
    return "Yes" if bool(value) else "No"


def column(values: pd.Series, kind: str) -> pd.Series:
    """A column of machine values as labels (blank stays blank, so the table can show its own dash)."""
    table = labels(kind)
    return values.map(lambda v: None if is_blank(v) else table.get(str(v), _fallback(v)))


def joined(text: object, kind: str, sep: str = ";") -> str:
    """A machine list such as "data;talent" as labels: "Not enough data, Expensive talent"."""
    if is_blank(text) or not str(text).strip():
        return BLANK
    return ", ".join(label(kind, part.strip()) for part in str(text).split(sep) if part.strip())


def sentences(text: object, sep: str = ";") -> str:
    """A machine list of sentences such as evidence_needed ("Run X; Build Y") as prose: "Run X. Build Y."."""
    if is_blank(text) or not str(text).strip():
        return ""
    return " ".join(part.strip().rstrip(".") + "." for part in str(text).split(sep) if part.strip())
