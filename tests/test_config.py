"""Assumptions: the documented defaults, validated overrides, and the YAML round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core import config
from core.config import ConfigError

# SPEC §3 and §4 defaults, written out by hand.
SPEC_DEFAULTS = {
    "horizon_years": 3,
    "discount_rate": 0.08,
    "loaded_fte_cost_usd": 275_000,
    "custom_build_months": 6,
    "custom_ml_fte": 2,
    "label_cost_usd": 1.00,
    "label_overhead": 0.15,
    "finetune_runs": 10,
    "finetune_run_cost_usd": 500,
    "pretraining_compute_usd": 1_000_000,
    "default_model_size_b": 8,
    "gpu_peak_tflops": 989,
    "pretraining_mfu": 0.40,
    "pretraining_experiments_multiplier": 2.0,
    "gpu_hour_usd": 3.95,
    "gpu_price_basis": "on_demand",
    "gpu_committed_discount": 0.40,
    "gpu_price_decline": 0.25,
    "min_replicas": 2,
    "gpu_memory_gb": 80,
    "serving_precision": "fp8",
    "gpu_memory_headroom": 0.5,
    "decode_tokens_per_gpu_s": 14_000,
    "prefill_tokens_per_gpu_s": 50_000,
    "bf16_throughput_ratio": 0.6,
    "throughput_size_exponent": 1.0,
    "serving_benchmark_latency_ms": 2_000,
    "tight_latency_throughput_ratio": 0.55,
    "peak_factor": 2,
    "target_load_at_peak": 0.8,
    "custom_ongoing_fte": 1.0,
    "retrains_per_year": 2,
    "monitoring_usd_per_month": 500,
    "fm_build_months": 2,
    "fm_build_fte": 1.5,
    "fm_ongoing_fte": 0.3,
    "rag_infra_usd_per_month": 1_000,
    "rag_context_tokens": 2_000,
    "retrieval_usd_per_1000_calls": 0.10,
    "api_model_policy": "switch_yearly",
    "migration_fte_months": 1.0,
    "tokens_per_image": 1_600,
    "images_per_call": 1,
    "tokens_per_audio_minute": 1_920,
    "audio_minutes_per_call": 1,
    "speech_usd_per_audio_minute": 0.006,
    "stock_model_size_b": 70,
    "price_in_small": 0.75, "price_out_small": 4.50,
    "price_in_mid": 2.50, "price_out_mid": 15.0,
    "price_in_frontier": 5.0, "price_out_frontier": 25.0,
    "default_api_tier": "mid",
    "default_tokens_in": 500,
    "default_tokens_out": 300,
    "api_price_decline": 0.15,
    "data_min_examples_fine_tune": 10_000,
    "data_tokens_per_param": 20,
    "treadmill_months": 6,
    "maintenance_budget_ratio": 0.5,
    "talent_cost_usd": 500_000,
    "talent_value_ratio": 0.5,
    "weight_data": 30,
    "weight_treadmill": 25,
    "weight_maintenance": 20,
    "weight_talent": 25,
    "scale_daily_calls": 1_000_000,
    "scale_latency_ms": 200,
}


def test_defaults_are_the_spec_defaults():
    values = config.defaults().model_dump()
    assert set(values) == set(SPEC_DEFAULTS)
    for key, expected in SPEC_DEFAULTS.items():
        if isinstance(expected, str):
            assert values[key] == expected, key
        else:
            assert values[key] == pytest.approx(expected), key


def test_every_assumption_is_documented_with_a_source_and_bounds():
    for key, p in config.params().items():
        assert p.label.strip(), key
        assert p.source.strip(), key
        if p.choices:
            assert p.value in p.choices, key
            continue
        assert p.min is not None and p.max is not None, key
        assert p.min <= p.value <= p.max, key
        for end in (p.low, p.high):
            if end is not None:
                assert p.min <= end <= p.max, key
        if p.low is not None:
            assert p.low <= p.high, key


def test_the_validating_model_accepts_every_default():
    # defaults() skips validation for speed; make() validates, and must return the same values.
    assert config.make({}).model_dump() == config.defaults().model_dump()
    assert config.make({}, base=config.defaults()) == config.defaults()


def test_flag_weights_at_the_defaults_add_up_to_100():
    cfg = config.defaults()
    assert sum(getattr(cfg, f"weight_{f}") for f in config.FLAGS) == 100


def test_make_applies_overrides_on_the_defaults_or_a_base():
    cfg = config.make({"loaded_fte_cost_usd": 300_000})
    assert cfg.loaded_fte_cost_usd == 300_000
    assert cfg.horizon_years == 3
    stacked = config.make({"horizon_years": 5}, base=cfg)
    assert (stacked.loaded_fte_cost_usd, stacked.horizon_years) == (300_000, 5)
    assert config.changed(stacked) == {"loaded_fte_cost_usd": 300_000, "horizon_years": 5}
    assert config.changed(config.defaults()) == {}


def test_numbers_given_as_text_are_accepted():
    assert config.make({"gpu_hour_usd": "2.5"}).gpu_hour_usd == 2.5


def test_assumptions_are_frozen():
    cfg = config.defaults()
    with pytest.raises(AttributeError, match="read-only"):
        cfg.horizon_years = 4
    assert cfg.horizon_years == 3


def test_shipped_defaults_pass_the_validation_overrides_go_through():
    # defaults() skips pydantic for speed; this is what makes that safe.
    assert config.make({}) == config.defaults()
    assert config.make({}).model_dump() == {k: p.value for k, p in config.params().items()}


@pytest.mark.parametrize(
    ("overrides", "needles"),
    [
        ({"horizon_yeers": 2}, ["'horizon_yeers'", "not a known assumption"]),
        ({"horizon_years": 9}, ["'horizon_years'", "between 1 and 5", "9"]),
        ({"horizon_years": 2.5}, ["'horizon_years'", "whole number"]),
        ({"gpu_hour_usd": "cheap"}, ["'gpu_hour_usd'", "number"]),
        ({"gpu_hour_usd": -1}, ["'gpu_hour_usd'"]),
        ({"api_price_decline": 0.95}, ["'api_price_decline'", "0.9"]),
        ({"default_api_tier": "huge"}, ["'default_api_tier'", "small, mid, frontier", "huge"]),
        ({"loaded_fte_cost_usd": float("nan")}, ["'loaded_fte_cost_usd'"]),
    ],
)
def test_bad_overrides_raise_a_sentence_naming_the_key(overrides, needles):
    with pytest.raises(ConfigError) as info:
        config.make(overrides)
    message = str(info.value)
    for needle in needles:
        assert needle in message
    assert "\n" not in message


def test_all_weights_zero_is_refused():
    with pytest.raises(ConfigError, match="weights"):
        config.make({f"weight_{f}": 0 for f in config.FLAGS})


def test_parse_yaml_flat_and_grouped():
    flat = config.parse_yaml("horizon_years: 5\ngpu_hour_usd: 2\n")
    grouped = config.parse_yaml("Horizon:\n  horizon_years: 5\nserving:\n  gpu_hour_usd: 2\n")
    for cfg in (flat, grouped):
        assert (cfg.horizon_years, cfg.gpu_hour_usd) == (5, 2.0)
    assert config.parse_yaml("").model_dump() == config.defaults().model_dump()
    assert config.parse_yaml(b"# only a comment\n").model_dump() == config.defaults().model_dump()


def test_parse_yaml_names_an_unknown_key_inside_a_group():
    with pytest.raises(ConfigError, match="'gpu_hourly'"):
        config.parse_yaml("serving:\n  gpu_hourly: 2\n")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("horizon_years: [3\n", "not valid YAML at line"),
        ("- 1\n- 2\n", "mapping"),
        ("just words", "mapping"),
    ],
)
def test_parse_yaml_refuses_what_is_not_an_override_file(text, needle):
    with pytest.raises(ConfigError, match=needle):
        config.parse_yaml(text)


def test_yaml_is_read_with_a_safe_loader(tmp_path: Path):
    marker = tmp_path / "pwned"
    text = f"horizon_years: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ConfigError):
        config.parse_yaml(text)
    assert not marker.exists()


def test_to_yaml_round_trips_and_cites_sources():
    cfg = config.make({"loaded_fte_cost_usd": 310_000, "default_api_tier": "frontier", "api_price_decline": 0.3})
    text = config.to_yaml(cfg)
    assert config.parse_yaml(text).model_dump() == cfg.model_dump()
    assert "Source: " in text
    assert "BLS ECEC" in text  # the loaded-cost source travels with the file
    data = yaml.safe_load(text)
    assert all(isinstance(v, dict) for v in data.values())


def test_load_reads_a_file_and_defaults_without_one(tmp_path: Path):
    assert config.load(None).model_dump() == config.defaults().model_dump()
    path = tmp_path / "rules.yaml"
    path.write_text("treadmill_months: 4\n", encoding="utf-8")
    assert config.load(path).treadmill_months == 4
    with pytest.raises(ConfigError, match="Cannot read"):
        config.load(tmp_path / "missing.yaml")
