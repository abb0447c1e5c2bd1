"""What each project's model does (its task): given in the file, or inferred from its name and description.

The keyword lists live in data/tasks.yaml. Inference runs once per distinct normalized text with Arrow
regexes (RE2 in C++), so a 100,000-row roadmap costs a handful of vectorized passes, not a Python loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.config import DATA_DIR, load_yaml

SOURCES = ("given", "inferred", "assumed")
_NOT_LETTERS = r"[^a-z]+"


@dataclass(frozen=True)
class TaskSpec:
    name: str
    label: str
    in_scope: bool
    fm_path: str
    keywords: tuple[str, ...]
    pattern: str


@lru_cache(maxsize=1)
def specs() -> dict[str, TaskSpec]:
    """Every task in data/tasks.yaml order (the order breaks ties between equally matched tasks)."""
    raw = load_yaml((DATA_DIR / "tasks.yaml").read_text(encoding="utf-8"))
    out: dict[str, TaskSpec] = {}
    for name, spec in raw["tasks"].items():
        words = tuple(_normalize(w) for w in spec["keywords"])
        # Longest first, so "credit risk" is counted as one phrase rather than stopping at a shorter word.
        alternatives = "|".join(sorted(set(words), key=len, reverse=True))
        out[name] = TaskSpec(name=name, label=spec["label"], in_scope=bool(spec["in_scope"]),
                             fm_path=spec.get("fm_path", ""), keywords=words,
                             pattern=rf"\b(?:{alternatives})s?\b")
    return out


@lru_cache(maxsize=1)
def default_task() -> str:
    """The task assumed when no keyword matches (the essay's own case)."""
    return str(load_yaml((DATA_DIR / "tasks.yaml").read_text(encoding="utf-8"))["default"])


def _normalize(text: str) -> str:
    return " ".join(re.sub(_NOT_LETTERS, " ", str(text).lower()).split())


def in_scope_tasks() -> frozenset[str]:
    return frozenset(t for t, s in specs().items() if s.in_scope)


def _text(projects: pd.DataFrame) -> pa.Array:
    """Name and description, lower-cased, with every run of non-letters turned into one space."""
    def arrow(col: str) -> pa.Array:
        if col not in projects.columns:
            return pa.nulls(len(projects), pa.large_string())
        arr = pa.array(projects[col].astype("str"), from_pandas=True)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        return arr.cast(pa.large_string()).fill_null("")

    joined = pc.binary_join_element_wise(arrow("project"), arrow("description"), pa.scalar(" ", pa.large_string()))
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_lower(joined), _NOT_LETTERS, " "))


def with_tasks(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects with `task` resolved (given, else inferred, else assumed) and `task_source` beside it."""
    out = projects.copy(deep=False)
    given = out["task"] if "task" in out.columns else pd.Series(pd.NA, index=out.index, dtype="str")
    has_given = given.notna().to_numpy()
    n = len(out)
    inferred = np.full(n, default_task(), dtype=object)
    matched = np.zeros(n, dtype=bool)
    todo = ~has_given
    if todo.any():
        names = list(specs())
        text = _text(out if todo.all() else out[todo])
        encoded = pc.dictionary_encode(text)
        distinct = encoded.dictionary
        counts = np.column_stack([
            pc.count_substring_regex(distinct, specs()[t].pattern).to_numpy(zero_copy_only=False) for t in names
        ])
        # argmax takes the first of equal counts: ties go to the task listed first in tasks.yaml.
        best = counts.argmax(axis=1)
        hit = counts.max(axis=1) > 0
        task_u = np.where(hit, np.array(names, dtype=object)[best], default_task())
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        inferred[todo] = task_u[codes]
        matched[todo] = hit[codes]
    task = np.where(has_given, given.to_numpy(dtype=object, na_value=None), inferred)
    source = np.select([has_given, matched], ["given", "inferred"], default="assumed").astype(object)
    out["task"] = pd.Series(task, index=out.index, dtype="str")
    out["task_source"] = pd.Series(source, index=out.index, dtype="str")
    return out


def ensure_tasks(projects: pd.DataFrame) -> pd.DataFrame:
    """`with_tasks` unless it already ran (the loader keeps a file's own `task_source` column renamed)."""
    return projects if "task_source" in projects.columns else with_tasks(projects)


def matched_words(project: object, description: object, task: str) -> list[str]:
    """The keywords of `task` found in one project's name and description, in the order they appear
    (shown beside an inferred task so a reader can see why it was inferred)."""
    spec = specs().get(task)
    if spec is None:
        return []
    parts = [str(v) for v in (project, description) if v is not None and not pd.isna(v)]
    text = _normalize(" ".join(parts))
    words: list[str] = []
    for m in re.finditer(spec.pattern, text):
        if m.group(0) not in words:
            words.append(m.group(0))
    return words
