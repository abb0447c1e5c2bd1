"""Value parsers: money and counts as people write them, yes/no words, small vocabularies, approaches."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from core.parsing import parse_approach, parse_bool, parse_enum, parse_number


def _number(text: str | None) -> tuple[float, bool]:
    values, bad = parse_number(pd.Series([text], dtype="str"))
    return values.iloc[0], bool(bad.iloc[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,200,000", 1_200_000),
        ("1.2M", 1_200_000),
        ("1.2m", 1_200_000),
        ("€300k", 300_000),
        ("250K", 250_000),
        ("1.5 million", 1_500_000),
        ("12,000", 12_000),
        ("~5000", 5_000),
        ("0", 0),
        ("42", 42),
        ("2.5", 2.5),
        ("  7  ", 7),
        (".5", 0.5),
        ("£2bn", 2_000_000_000),
        ("USD 3k", 3_000),
        ("approx. 40,000", 40_000),
        ("1,5M", 1_500_000),
        ("1.200.000", 1_200_000),
        ("1 000 000", 1_000_000),
        ("6 months", 6),
        ("20,000 calls/day", 20_000),
        ("(2,000)", -2_000),
        ("-5", -5),
        ("1e6", 1_000_000),
        ("1.2E+07", 12_000_000),
    ],
)
def test_numbers_as_people_write_them(text, expected):
    value, bad = _number(text)
    assert value == pytest.approx(expected)
    assert not bad


@pytest.mark.parametrize("text", ["", "   ", "n/a", "N/A", "NA", "tbd", "unknown", "?", "-", "none", None])
def test_blank_and_unknown_numbers_are_nan_and_not_bad(text):
    value, bad = _number(text)
    assert math.isnan(value)
    assert not bad


@pytest.mark.parametrize("text", ["abc", "lots", "1.2.3", "12 apples", "inf", "Infinity", "9" * 400, "1e400", "0x10"])
def test_unreadable_numbers_are_nan_and_flagged(text):
    value, bad = _number(text)
    assert math.isnan(value)
    assert bad


def test_parse_number_keeps_index_and_order():
    raw = pd.Series(["1k", "", "x", "2"], index=[10, 11, 12, 13], dtype="str")
    values, bad = parse_number(raw)
    assert list(values.index) == [10, 11, 12, 13]
    assert values.tolist()[0] == 1000 and values.tolist()[3] == 2
    assert math.isnan(values.iloc[1]) and math.isnan(values.iloc[2])
    assert bad.tolist() == [False, False, True, False]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True), ("Yes", True), ("Y", True), ("true", True), ("TRUE", True), ("1", True),
        ("x", True), ("X", True), ("✓", True), ("✔", True),
        ("no", False), ("No", False), ("n", False), ("false", False), ("0", False), ("✗", False), ("✘", False),
    ],
)
def test_yes_no_words(text, expected):
    values, bad = parse_bool(pd.Series([text], dtype="str"))
    assert not pd.isna(values.iloc[0])
    assert bool(values.iloc[0]) is expected
    assert not bad.iloc[0]


@pytest.mark.parametrize("text", ["", "  ", "n/a", "unknown", None])
def test_blank_yes_no_is_unknown(text):
    values, bad = parse_bool(pd.Series([text], dtype="str"))
    assert pd.isna(values.iloc[0])
    assert not bad.iloc[0]


@pytest.mark.parametrize("text", ["maybe", "yes please", "2"])
def test_unreadable_yes_no_is_unknown_and_flagged(text):
    values, bad = parse_bool(pd.Series([text], dtype="str"))
    assert pd.isna(values.iloc[0])
    assert bad.iloc[0]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("status", "Proposed", "proposed"),
        ("status", "In progress", "in_progress"),
        ("status", "in_progress", "in_progress"),
        ("status", "WIP", "in_progress"),
        ("status", "Live", "live"),
        ("status", "In production", "live"),
        ("quality", "High", "high"),
        ("quality", "poor", "low"),
        ("quality", "med", "medium"),
        ("coverage", "None", "none"),
        ("coverage", "no", "none"),
        ("coverage", "No", "none"),
        ("coverage", "weak", "poor"),
        ("coverage", "Partial", "partial"),
        ("coverage", "strong", "good"),
        ("tier", "Frontier", "frontier"),
        ("tier", "mini", "small"),
        ("tier", "Mid", "mid"),
    ],
)
def test_enum_words_and_synonyms(kind, text, expected):
    values, bad = parse_enum(pd.Series([text], dtype="str"), kind)
    assert values.iloc[0] == expected
    assert not bad.iloc[0]


def test_coverage_no_is_not_the_word_false():
    # columns.yaml once had a bare `no:` key, which YAML reads as false: "false" matched and "no" did not.
    values, bad = parse_enum(pd.Series(["false"], dtype="str"), "coverage")
    assert pd.isna(values.iloc[0]) and bad.iloc[0]


@pytest.mark.parametrize("kind", ["status", "quality", "coverage", "tier"])
def test_enum_blank_is_unknown_and_nonsense_is_flagged(kind):
    values, bad = parse_enum(pd.Series(["", "n/a", "purple"], dtype="str"), kind)
    assert values.isna().tolist() == [True, True, True]
    assert bad.tolist() == [False, False, True]


def test_parse_approach_maps_each_cell_and_leaves_unknown_as_na():
    values = parse_approach(pd.Series(["LoRA", "API + RAG", "quantum magic", "", "LoRA"], dtype="str"))
    assert values.iloc[0] == "fine_tune" and values.iloc[4] == "fine_tune"
    assert values.iloc[1] == "api_rag"
    assert pd.isna(values.iloc[2]) and pd.isna(values.iloc[3])
