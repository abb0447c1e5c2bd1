"""Header and approach vocabularies (columns.yaml) and their normalization."""

from __future__ import annotations

import pytest
import yaml

from core.config import DATA_DIR
from core.vocab import (
    likely_columns,
    match_approach,
    match_header,
    normalize_header,
    normalize_word,
    suggest_column,
    vocab,
)

# SPEC §2 canonical columns.
SPEC_COLUMNS = {
    "project", "approach", "project_id", "team", "owner", "description", "quarter", "status",
    "spent_to_date_usd", "training_examples", "data_quality", "build_months", "build_cost_usd", "ml_fte",
    "ops_budget_usd_per_year", "daily_calls", "tokens_in_per_call", "tokens_out_per_call", "api_tier",
    "latency_target_ms", "fm_coverage", "eval_gap_verified", "rag_baseline_tried", "regulatory_control",
    "regulation", "expected_annual_value_usd",
    # SPEC §3 v2 additions.
    "task", "model_size_b", "training_tokens", "baseline_p95_ms", "compliance_confirmed",
    # SPEC §4v3 additions.
    "api_spend_usd_per_month", "gap_value_usd_per_year",
}

# SPEC §2 "header synonyms to accept at least".
SPEC_HEADER_SYNONYMS = {
    "project": ["name", "project name", "initiative", "use case", "title"],
    "approach": ["planned approach", "build approach", "method", "strategy", "model approach"],
    "training_examples": ["labeled examples", "training data", "examples", "dataset size"],
    "build_months": ["build time", "duration", "timeline months"],
    "build_cost_usd": ["build budget", "budget", "build cost", "capex"],
    "ml_fte": ["ml engineers", "ml headcount", "fte"],
    "ops_budget_usd_per_year": ["ops budget", "maintenance budget", "opex", "run budget"],
    "daily_calls": ["daily inference calls", "calls per day", "requests per day", "daily requests", "volume"],
    "latency_target_ms": ["latency target", "latency sla", "p95 latency"],
    "spent_to_date_usd": ["spent to date", "spent", "sunk cost", "actuals"],
    "fm_coverage": ["foundation model coverage", "fm coverage"],
    "team": ["business unit", "department", "org"],
}

# SPEC §2 approach synonyms.
SPEC_APPROACHES = {
    "fine_tune": ["fine-tune", "fine tuning", "FT", "LoRA", "custom model", "custom LLM", "proprietary model",
                  "in-house model", "distill"],
    "from_scratch": ["train from scratch", "pretrain"],
    "api": ["API", "GPT-4 API", "vendor", "buy", "off-the-shelf", "copilot"],
    "api_rag": ["RAG", "API + RAG"],
    "prompting": ["prompting", "prompt engineering"],
}


def test_canonical_columns_are_the_spec_columns():
    assert set(vocab().columns) == SPEC_COLUMNS
    assert {c for c, col in vocab().columns.items() if col.required} == {"project", "approach"}


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Build Time (months)", "buildtime"),
        ("build time", "buildtime"),
        ("BUILD_TIME", "buildtime"),
        ("Build-Time", "buildtime"),
        ("  build   time  ", "buildtime"),
        ("Build Time [months]", "buildtime"),
        ("Spent To Date ($)", "spenttodate"),
        ("Opex ($/yr)", "opex"),
        ("P95 Latency (ms)", "p95latency"),
        ("ML F.T.E.", "mlfte"),
    ],
)
def test_normalize_header_ignores_case_spacing_punctuation_and_a_trailing_unit(header, key):
    assert normalize_header(header) == key


def test_only_a_trailing_unit_is_dropped():
    # "(months)" in the middle is part of the name, not a unit.
    assert normalize_header("Time (months) to build") == "timemonthstobuild"


@pytest.mark.parametrize(
    ("column", "synonym"), [(c, s) for c, syns in SPEC_HEADER_SYNONYMS.items() for s in syns]
)
def test_every_spec_header_synonym_is_accepted(column, synonym):
    index = vocab().header_index
    assert index[normalize_header(synonym)] == column
    assert index[normalize_header(synonym.upper() + " (USD)")] == column


def test_every_canonical_name_matches_itself():
    index = vocab().header_index
    for name in SPEC_COLUMNS:
        assert index[normalize_header(name)] == name


def test_no_header_synonym_points_at_two_columns():
    raw = yaml.safe_load((DATA_DIR / "columns.yaml").read_text(encoding="utf-8"))
    owner: dict[str, str] = {}
    for name, spec in raw["columns"].items():
        for alias in (name, *spec.get("synonyms", ())):
            key = normalize_header(alias)
            assert owner.setdefault(key, name) == name, f"{alias!r} is claimed by {owner[key]} and {name}"


def test_vocabulary_words_are_all_text():
    # YAML 1.1 reads bare yes/no/on/off as booleans: a word written that way silently stops matching.
    raw = yaml.safe_load((DATA_DIR / "columns.yaml").read_text(encoding="utf-8"))

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                assert isinstance(k, str), f"{path}: key {k!r} is not text"
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for item in node:
                if not isinstance(item, list):
                    assert isinstance(item, str), f"{path}: {item!r} is not text"
                walk(item, path)

    for section in ("approaches", "values", "custom_approaches"):
        walk(raw[section], section)
    for name, spec in raw["columns"].items():
        walk(spec.get("synonyms", []), f"columns.{name}.synonyms")


@pytest.mark.parametrize(("canonical", "text"), [(c, t) for c, ts in SPEC_APPROACHES.items() for t in ts])
def test_every_spec_approach_synonym(canonical, text):
    assert match_approach(text) == canonical
    assert match_approach(text.upper()) == canonical
    assert match_approach(f"  {text.lower()}  ") == canonical


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("fine_tune", "fine_tune"),
        ("from_scratch", "from_scratch"),
        ("api_rag", "api_rag"),
        ("Fine-tuned Llama 3 8B", "fine_tune"),
        ("LoRA on Llama 3", "fine_tune"),
        ("in house model", "fine_tune"),
        ("Pre-trained model from scratch", "from_scratch"),
        ("Claude API", "api"),
        ("RAG + API", "api_rag"),
        ("few-shot prompting", "prompting"),
    ],
)
def test_approach_keywords_inside_longer_text(text, canonical):
    assert match_approach(text) == canonical


@pytest.mark.parametrize("text", ["", "   ", "quantum magic", "tbd", "n/a", "spreadsheet"])
def test_unknown_approach_is_none(text):
    assert match_approach(text) is None


def test_custom_approaches_are_fine_tune_and_from_scratch():
    assert vocab().custom == {"fine_tune", "from_scratch"}


def test_normalize_word_folds_punctuation_but_keeps_check_marks():
    assert normalize_word("  API  +  RAG! ") == "api + rag"
    assert normalize_word("✓") == "✓"
    assert normalize_word("Fine-Tune") == "fine tune"


# --- headers carrying a unit, and headers that merely look like ours (issue 7) -----------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Ops Budget / Year", "ops_budget_usd_per_year"),
        ("ops budget per year", "ops_budget_usd_per_year"),
        ("Opex /yr", "ops_budget_usd_per_year"),
        ("Opex (USD/yr)", "ops_budget_usd_per_year"),
        ("Maintenance budget p.a.", "ops_budget_usd_per_year"),
        ("Run budget pa", "ops_budget_usd_per_year"),
        ("Requests / day", "daily_calls"),
        ("Volume per day", "daily_calls"),
        ("Daily Calls (#)", "daily_calls"),
        ("Calls per day", "daily_calls"),  # a synonym as written is never cut short
        ("Expected Value / yr", "expected_annual_value_usd"),
        ("Build budget USD", "build_cost_usd"),
        ("# of ML engineers", "ml_fte"),
        ("Latency SLA ms", "latency_target_ms"),
    ],
)
def test_headers_with_a_unit_match_their_column(header, column):
    assert match_header(header) == column


@pytest.mark.parametrize("header", ["Region", "Risk", "Year", "Per day", "Sponsor notes 2", "Vendor"])
def test_unrelated_headers_match_nothing_and_suggest_nothing(header):
    assert match_header(header) == ""
    assert suggest_column(header) == ""


@pytest.mark.parametrize(
    ("header", "column"),
    [("Ops Bugdet", "ops_budget_usd_per_year"), ("Exp. annual value", "expected_annual_value_usd"),
     ("Daily Reqs", "daily_calls"), ("Trainng examples", "training_examples"), ("Projct", "project")],
)
def test_a_header_that_looks_like_ours_is_suggested(header, column):
    assert match_header(header) == ""
    assert suggest_column(header) == column
    # A column already read from another header is not offered twice.
    assert suggest_column(header, {column}) != column


def test_likely_columns_offers_each_column_once():
    assert likely_columns(["Ops Bugdet", "Ops Budgt", "Region"]) == [("Ops Bugdet", "ops_budget_usd_per_year")]
    assert likely_columns(["Ops Bugdet"], {"ops_budget_usd_per_year"}) == []


def test_the_ops_budget_header_of_a_real_export_is_read():
    from core.loader import load_roadmap

    text = "Project,Approach,Ops Budget / Year\nClaims model,fine-tune,\"$150,000\"\n"
    roadmap = load_roadmap(text.encode())
    assert roadmap.report.mapping["Ops Budget / Year"] == "ops_budget_usd_per_year"
    assert roadmap.report.unrecognized == []
    assert roadmap.projects["ops_budget_usd_per_year"].iloc[0] == 150_000
