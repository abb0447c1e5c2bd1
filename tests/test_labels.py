"""The vocabulary a person reads: every machine value the engine can produce has a label, and no label is a code."""

from __future__ import annotations

import re

import pytest

from core import labels
from core.config import FLAGS, JUSTIFICATIONS, params
from core.minutes import DECISIONS
from core.palette import VERDICT_COLORS
from core.portfolio import OUTPUT_COLUMNS
from core.vocab import vocab

_CODE = re.compile(r"[a-z]+_[a-z_]+")


def test_every_verdict_colour_has_words():
    for v in VERDICT_COLORS:
        assert labels.verdict(v) and labels.verdict_help(v), v


def test_every_field_a_person_can_see_has_a_label():
    for name in [*vocab().columns, *OUTPUT_COLUMNS]:
        assert name in labels._raw()["fields"], name


@pytest.mark.parametrize(("kind", "values"), [
    ("approaches", sorted({v for v in vocab().approach_exact.values()})),
    ("status", sorted(set(vocab().enums["status"].values()))),
    ("data_quality", sorted(set(vocab().enums["quality"].values()))),
    ("fm_coverage", sorted(set(vocab().enums["coverage"].values()))),
    ("api_tier", sorted(set(vocab().enums["tier"].values()))),
    ("decisions", list(DECISIONS)),
    ("flags", list(FLAGS)),
    ("justifications", list(JUSTIFICATIONS)),
    ("choices", sorted({c for prm in params().values() for c in prm.choices})),
])
def test_every_machine_value_has_a_label(kind, values):
    table = labels.labels(kind)
    for v in values:
        assert v in table, (kind, v)


def test_no_label_reads_as_a_code_or_as_none():
    raw = labels._raw()
    texts = [str(v) for kind in labels.KINDS for v in raw[kind].values()]
    texts += [str(v) for v in raw["fields"].values()] + [v["label"] for v in raw["verdicts"].values()]
    for text in texts:
        assert not _CODE.search(text), text
        assert text.lower() not in ("none", "nan", "nat", "null"), text


def test_examples_from_the_issue():
    assert labels.field("fm_coverage") == "Foundation-model coverage"
    assert labels.label("approaches", "fine_tune") == "Fine-tune"
    assert labels.label("status", "in_progress") == "In progress"
    assert labels.label("approaches", "api_rag") == "FM API + RAG"
    assert labels.label("fm_coverage", "none") == "No coverage"
    assert labels.label("status", None) == "—"
    assert labels.joined("data;talent", "flags") == "Not enough data, Expensive talent"
    assert labels.yes_no(True) == "Yes" and labels.yes_no(float("nan")) == "—"


def test_every_assumption_source_is_a_citation_or_a_reasoned_judgement():
    from core.config import params

    for key, prm in params().items():
        source = prm.source.strip()
        assert not re.fullmatch(r"(the spec|judge?ment)\.?", source, flags=re.IGNORECASE), key
        word = re.search(r"judge?ment", source, flags=re.IGNORECASE)
        if word and not re.search(r"[A-Z][a-z]+ .*\(\w+ \d{4}\)|\d{4}|https?://|[Ee]ssay", source[: word.start()]):
            # A judgement alone must say why: some words of reason after it.
            assert len(source[word.end():].strip(" .:;,")) >= 20, (key, source)


def test_a_list_of_evidence_reads_as_sentences():
    assert labels.sentences("Run the evaluation; Build the baseline") == "Run the evaluation. Build the baseline."
    assert labels.sentences("One thing.") == "One thing."
    assert labels.sentences("") == "" and labels.sentences(None) == ""
