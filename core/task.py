"""What each project's model does (its task): given in the file, or inferred from its name and description.

The keyword lists live in data/tasks.yaml. Inference runs once per distinct normalized text with Arrow
regexes (RE2 in C++), so a 100,000-row roadmap costs a handful of vectorized passes, not a Python loop.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
    retrieval: bool = False
    per_minute: bool = False


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
                             pattern=rf"\b(?:{alternatives})s?\b", retrieval=bool(spec.get("retrieval", False)),
                             per_minute=bool(spec.get("per_minute", False)))
    return out


@dataclass(frozen=True)
class WordRules:
    """SPEC §4v3 task words: `modifier` finds a language word that only modifies a classic-ML noun ("chat
    volume"), to be read as the noun alone (`\\1`); `output` finds a noun naming generated output."""

    modifier: str
    output: str


@lru_cache(maxsize=1)
def word_rules() -> WordRules:
    """The task-word rules of data/tasks.yaml as two regexes (RE2: no look-around, so the modifier pair is
    rewritten to its noun before the keywords are counted)."""
    raw = load_yaml((DATA_DIR / "tasks.yaml").read_text(encoding="utf-8"))
    language = sorted(set(specs()["language"].keywords), key=len, reverse=True) if "language" in specs() else []
    heads = sorted({_normalize(w) for w in raw.get("modifier_heads", [])}, key=len, reverse=True)
    nouns = sorted({_normalize(w) for w in raw.get("output_nouns", [])}, key=len, reverse=True)
    never = "(?!x)x"  # matches nothing, for an empty list
    modifier = (rf"\b(?:{'|'.join(language)})s? ({'|'.join(heads)})\b" if language and heads else never)
    output = rf"\b(?:{'|'.join(nouns)})\b" if nouns else never
    return WordRules(modifier=modifier, output=output)


def strip_modifiers(text: str) -> str:
    """A normalized text with each language word that only modifies a classic-ML noun removed."""
    return re.sub(word_rules().modifier, r"\1", text)


@lru_cache(maxsize=1)
def default_task() -> str:
    """The task assumed when no keyword matches (the essay's own case)."""
    return str(load_yaml((DATA_DIR / "tasks.yaml").read_text(encoding="utf-8"))["default"])


def _normalize(text: str) -> str:
    return " ".join(re.sub(_NOT_LETTERS, " ", str(text).lower()).split())


def _text(projects: pd.DataFrame) -> pa.Array:
    """Name and description, lower-cased, with trailing digits, '#' and spaces trimmed ("Claims bot #12",
    "Fraud model v2 2027"): cheap string kernels that already make most repeated texts identical."""
    def arrow(col: str) -> pa.Array:
        if col not in projects.columns:
            return pa.nulls(len(projects), pa.large_string())
        arr = pa.array(projects[col].astype("str"), from_pandas=True)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        return arr.cast(pa.large_string()).fill_null("")

    joined = pc.binary_join_element_wise(arrow("project"), arrow("description"), pa.scalar(" ", pa.large_string()))
    return pc.utf8_rtrim(pc.utf8_lower(joined), characters="0123456789#. ")


def with_tasks(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects with `task` resolved (given, else inferred, else assumed) and `task_source` beside it."""
    out = projects.copy(deep=False)
    names = list(specs())
    default = names.index(default_task())
    # Rows are carried as codes (index into `names`, and into SOURCES) and turned into text once at the end.
    given = out["task"] if "task" in out.columns else pd.Series(pd.NA, index=out.index, dtype="str")
    given_code = np.select([given.eq(t).to_numpy(dtype=bool, na_value=False) for t in names], range(len(names)),
                           default=-1)
    has_given = given_code >= 0
    task = np.where(has_given, given_code, default)
    source = np.where(has_given, 0, 2)
    todo = ~has_given
    if todo.any():
        encoded = pc.dictionary_encode(_text(out if todo.all() else out[todo]))
        # The regex normalization (every run of non-letters to one space) runs on the distinct texts only.
        distinct = pc.utf8_trim_whitespace(pc.replace_substring_regex(encoded.dictionary, _NOT_LETTERS, " "))
        rules = word_rules()
        distinct = pc.replace_substring_regex(distinct, rules.modifier, r"\1")
        counts = np.column_stack([
            pc.count_substring_regex(distinct, specs()[t].pattern).to_numpy(zero_copy_only=False) for t in names
        ])
        # argmax takes the first of equal counts: ties go to the task listed first in tasks.yaml.
        hit = counts.max(axis=1) > 0
        task_u = np.where(hit, counts.argmax(axis=1), default)
        # A generated-output noun makes classic-ML words the subject, not the task ("Churn explainer").
        if "language" in names:
            output = pc.count_substring_regex(distinct, rules.output).to_numpy(zero_copy_only=False) > 0
            classic = ~np.array([specs()[t].in_scope for t in names])[task_u]
            task_u = np.where(output & classic & hit, names.index("language"), task_u)
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        task[todo] = task_u[codes]
        source[todo] = np.where(hit[codes], 1, 2)
    out["task"] = as_text(names, task, out.index)
    out["task_source"] = as_text(list(SOURCES), source, out.index)
    return out


def as_text(words: list[str] | pa.Array, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Codes into `words` as a text column, built by Arrow (a Python string per row costs more)."""
    table = words if isinstance(words, pa.Array) else pa.array(words, type=pa.large_string())
    arr = pc.take(table, pa.array(codes.astype(np.int64)))
    return pd.Series(pd.array(arr, dtype="str"), index=index)


def ensure_tasks(projects: pd.DataFrame) -> pd.DataFrame:
    """`with_tasks` unless it already ran (the loader keeps a file's own `task_source` column renamed)."""
    return projects if "task_source" in projects.columns else with_tasks(projects)


def set_on_review(projects: pd.DataFrame, tasks: Mapping[str, str]) -> pd.DataFrame:
    """The projects with the tasks a person set on the review (project id -> task) in place of the file's.

    A task set by a person is `given`, like one typed in the roadmap. The roadmap's own task and its source
    stay beside it (`roadmap_task`, `roadmap_task_source`) with `task_set_on_review`, so the review can say
    what it replaced. Ids not in the file and unknown tasks are left out; no tasks: the frame as it came.
    """
    if not tasks:
        return projects
    out = ensure_tasks(projects).copy(deep=False)
    wanted = out["project_id"].map({pid: t for pid, t in tasks.items() if t in specs()})
    chosen = wanted.notna().to_numpy(dtype=bool)
    out["roadmap_task"] = out["task"]
    out["roadmap_task_source"] = out["task_source"]
    out["task"] = out["task"].where(~chosen, wanted.astype("str"))
    out["task_source"] = out["task_source"].where(~chosen, "given")
    out["task_set_on_review"] = chosen
    return out


def matched_words(project: object, description: object, task: str) -> list[str]:
    """The keywords of `task` found in one project's name and description, in the order they appear
    (shown beside an inferred task so a reader can see why it was inferred)."""
    spec = specs().get(task)
    if spec is None:
        return []
    parts = [str(v) for v in (project, description) if v is not None and not pd.isna(v)]
    text = strip_modifiers(_normalize(" ".join(parts)))
    words: list[str] = []
    for m in re.finditer(spec.pattern, text):
        if m.group(0) not in words:
            words.append(m.group(0))
    return words
