"""The column and value vocabularies of columns.yaml, normalized once for matching."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.config import DATA_DIR, load_yaml

_UNIT = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_header(text: object) -> str:
    """Header key: lower case, trailing unit in brackets dropped, only letters and digits kept."""
    s = str(text).strip().lower()
    s = _UNIT.sub("", s)
    return _NON_ALNUM.sub("", s)


def normalize_word(text: object) -> str:
    """Value key: lower case, punctuation folded to single spaces."""
    return " ".join(re.sub(r"[^0-9a-z+✓✔☑✗✘☐]+", " ", str(text).lower()).split())


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str
    example: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Vocab:
    columns: dict[str, Column]
    header_index: dict[str, str]
    approach_exact: dict[str, str]
    approach_keywords: tuple[tuple[str, frozenset[str]], ...]
    custom: frozenset[str]
    true: frozenset[str]
    false: frozenset[str]
    unknown: frozenset[str]
    enums: dict[str, dict[str, str]]


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    raw = load_yaml((DATA_DIR / "columns.yaml").read_text(encoding="utf-8"))
    columns: dict[str, Column] = {}
    index: dict[str, str] = {}
    for name, spec in raw["columns"].items():
        col = Column(
            name=name,
            type=spec["type"],
            required=bool(spec.get("required", False)),
            description=spec["description"],
            example=str(spec.get("example", "")),
            synonyms=tuple(spec.get("synonyms", ())),
        )
        columns[name] = col
        for alias in (name, *col.synonyms):
            index.setdefault(normalize_header(alias), name)
    appr = raw["approaches"]
    exact = {normalize_word(v): k for k, vals in appr["exact"].items() for v in vals}
    # keywords are compared with hyphens removed, as cells are tokenized that way too
    keywords = tuple(
        (target, frozenset(normalize_word(w).replace(" ", "") for w in words))
        for target, words in appr["keywords"]
    )
    values = raw["values"]
    enums: dict[str, dict[str, str]] = {}
    enums["status"] = {normalize_word(v): k for k, vals in values["status"].items() for v in vals}
    for kind in ("quality", "coverage", "tier", "task"):
        table = {v: v for v in values[kind]}
        table.update(values.get(f"{kind}_synonyms", {}))
        enums[kind] = {normalize_word(k): v for k, v in table.items()}
    return Vocab(
        columns=columns,
        header_index=index,
        approach_exact=exact,
        approach_keywords=keywords,
        custom=frozenset(raw["custom_approaches"]),
        true=frozenset(str(v).lower() for v in values["true"]),
        false=frozenset(str(v).lower() for v in values["false"]),
        unknown=frozenset(str(v).lower() for v in values["unknown"]),
        enums=enums,
    )


def match_approach(text: object) -> str | None:
    """The canonical approach a cell names, or None when it names none we know."""
    v = vocab()
    key = normalize_word(text)
    if not key:
        return None
    if key in v.approach_exact:
        return v.approach_exact[key]
    tokens = set(key.replace("-", " ").split()) | {key.replace(" ", "")}
    # "in house" and "fine tuned" arrive as two tokens; join neighbours so they match too
    words = key.split()
    tokens |= {a + b for a, b in zip(words, words[1:], strict=False)}
    for target, keys in v.approach_keywords:
        if tokens & keys:
            return target
    return None
