"""The column and value vocabularies of columns.yaml, normalized once for matching."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from core.config import DATA_DIR, load_yaml

_UNIT = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# A trailing unit written without brackets ("Ops Budget / Year", "calls per day", "Opex p.a.", "Cost USD") and a
# leading count word ("# of engineers"). Only tried when the whole header matches nothing, so "calls per day",
# itself a synonym, is never cut short.
_PERIOD = r"(?:years?|yrs?|annum|months?|mos?|weeks?|wks?|days?|d|hours?|hrs?|calls?|requests?)"
_TRAILING_UNIT = re.compile(
    rf"\s*(?:(?:/|\bper\b|\ba\b)\s*{_PERIOD}\.?|\bp\.?\s*a\.?|\bin\s+(?:usd|eur|gbp|ms|months?)|"
    r"\b(?:usd|eur|gbp|ms)\b|[#$€£])\s*$")
_LEADING_COUNT = re.compile(r"^\s*(?:#\s*of\b|#|number\s+of\b|no\.?\s+of\b|num\.?\s+of\b)\s*")
# How close an unrecognized header must be to one of ours (difflib ratio) to be suggested on Home.
FUZZY_CUTOFF = 0.8


def normalize_header(text: object) -> str:
    """Header key: lower case, trailing unit in brackets dropped, only letters and digits kept."""
    s = str(text).strip().lower()
    s = _UNIT.sub("", s)
    return _NON_ALNUM.sub("", s)


def header_key_without_unit(text: object) -> str:
    """Header key with every trailing unit (bracketed or not) and a leading "# of" removed."""
    s = _LEADING_COUNT.sub("", str(text).strip().lower())
    while True:
        cut = _TRAILING_UNIT.sub("", _UNIT.sub("", s))
        if cut == s:
            return _NON_ALNUM.sub("", s)
        s = cut


def match_header(text: object) -> str:
    """The canonical column a header names ("" for none): as written, else with its unit removed."""
    v = vocab()
    return v.header_index.get(normalize_header(text)) or v.unit_free_index.get(header_key_without_unit(text), "")


def suggest_column(header: object, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The canonical column an unrecognized header most likely means ("" when none is close), skipping
    columns already mapped; difflib's ratio on the normalized keys (stdlib, enough for typos and abbreviations)."""
    key = header_key_without_unit(header)
    if len(key) < 4:
        return ""
    v = vocab()
    keys = {k: c for k, c in {**v.unit_free_index, **v.header_index}.items() if c not in taken and len(k) >= 4}
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=FUZZY_CUTOFF)
    return keys[close[0]] if close else ""


def likely_columns(unused: list[str], taken: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(header, column) for each unused header that looks like one of our columns, each column offered once."""
    out: list[tuple[str, str]] = []
    offered = set(taken)
    for header in unused:
        column = suggest_column(header, offered)
        if column:
            out.append((header, column))
            offered.add(column)
    return out


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
    unit_free_index: dict[str, str]
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
    unit_free: dict[str, str] = {}
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
            unit_free.setdefault(header_key_without_unit(alias.replace("_", " ")), name)
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
        unit_free_index=unit_free,
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
