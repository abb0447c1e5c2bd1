"""Evidence figures (core/evidence.py): the bootstrap intervals, the outcome at each edge, and files that are not evidence."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SAMPLES, is_one_sentence

from core import evidence as ev
from core import limits

SAMPLE_EVIDENCE = SAMPLES / "evidence"


def eval_csv(baseline, candidate, weight=None, items=None) -> bytes:
    items = items or [f"q{i}" for i in range(len(baseline))]
    head = "item,baseline,candidate" + (",weight" if weight is not None else "")
    rows = [f"{it},{b!r},{c!r}" + (f",{w!r}" if weight is not None else "")
            for it, b, c, w in zip(items, baseline, candidate, weight if weight is not None else baseline, strict=True)]
    return ("\n".join([head, *rows]) + "\n").encode()


def numpy_percentile_bootstrap(stat, arrays, seed=99, resamples=9999) -> tuple[float, float]:
    """An independent bootstrap: resample item indices with plain numpy, take the 2.5th and 97.5th percentiles."""
    rng = np.random.default_rng(seed)
    n = len(arrays[0])
    idx = rng.integers(0, n, size=(resamples, n))
    values = stat(*(a[idx] for a in arrays))
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


# --- the intervals ----------------------------------------------------------------------------------------------

def test_the_paired_bca_interval_agrees_with_a_plain_numpy_percentile_bootstrap():
    rng = np.random.default_rng(5)
    baseline = rng.uniform(0.3, 0.9, 400)
    candidate = baseline + rng.normal(0.06, 0.1, 400)
    estimate, low, high, method = ev.paired_gap(baseline, candidate)
    plain_low, plain_high = numpy_percentile_bootstrap(lambda b, c: (c - b).mean(axis=1), (baseline, candidate))
    assert method == "BCa"
    assert estimate == pytest.approx((candidate - baseline).mean(), abs=1e-12)
    assert abs(low - plain_low) < 0.005 and abs(high - plain_high) < 0.005
    assert low < estimate < high


def test_the_weighted_interval_resamples_items_with_their_weights():
    rng = np.random.default_rng(6)
    baseline = rng.uniform(0.3, 0.9, 400)
    candidate = baseline + rng.normal(0.05, 0.1, 400)
    weight = rng.integers(1, 5, 400).astype(float)
    estimate, low, high, _ = ev.paired_gap(baseline, candidate, weight)
    plain_low, plain_high = numpy_percentile_bootstrap(
        lambda b, c, w: (w * (c - b)).sum(axis=1) / w.sum(axis=1), (baseline, candidate, weight))
    assert estimate == pytest.approx(np.sum(weight * (candidate - baseline)) / weight.sum(), abs=1e-12)
    assert abs(low - plain_low) < 0.005 and abs(high - plain_high) < 0.005


def test_a_tiny_case_worked_by_hand():
    # Differences 0.25, 0, 0.25, 0 (binary fractions, so exact): the mean is 0.125; weighted 1, 1, 2, 4 it is
    # (0.25 + 0.5) / 8 = 0.09375. Any resample's mean lies between the smallest and largest difference.
    baseline = np.array([0.5, 0.5, 0.75, 1.0])
    candidate = np.array([0.75, 0.5, 1.0, 1.0])
    estimate, low, high, _ = ev.paired_gap(baseline, candidate)
    assert estimate == 0.125
    assert 0.0 <= low <= estimate <= high <= 0.25
    weighted, *_ = ev.paired_gap(baseline, candidate, np.array([1.0, 1.0, 2.0, 4.0]))
    assert weighted == 0.09375


def test_a_file_worked_by_hand_gives_its_exact_mean():
    # 30 items: ten improved by 0.5, ten by 0.25, ten unchanged -> mean gap 0.25 exactly.
    baseline = [0.25] * 30
    candidate = [0.75] * 10 + [0.5] * 10 + [0.25] * 10
    found = ev.evaluation(eval_csv(baseline, candidate), 0.1)
    assert (found.items, found.estimate, found.method) == (30, 0.25, "BCa")
    assert found.low < 0.25 < found.high


def test_the_interval_is_the_same_on_every_run():
    data = (SAMPLE_EVIDENCE / "bank_BNK-007_eval.csv").read_bytes()
    first, second = ev.evaluation(data, 0.05), ev.evaluation(data, 0.05)
    assert (first.low, first.high) == (second.low, second.high)


def test_the_true_gap_lies_inside_the_95_interval_in_at_least_90_of_100_seeds():
    # 100 items: with 40, these seeds' draws put the true gap inside a textbook t interval only 87 times too
    # (the draws, not the bootstrap), and a 95 % interval misses 90 of 100 about 1 time in 20 at that size.
    true_gap, inside = 0.05, 0
    for seed in range(100):
        rng = np.random.default_rng(1000 + seed)
        baseline = rng.uniform(0.2, 0.8, 100)
        candidate = baseline + true_gap + rng.normal(0, 0.15, 100)
        _, low, high, _ = ev.paired_gap(baseline, candidate)
        inside += low <= true_gap <= high
    assert inside >= 90, inside


def test_when_every_difference_is_equal_the_interval_is_that_single_value():
    found = ev.evaluation(eval_csv([0.5] * 30, [0.625] * 30), 0.1)
    assert (found.estimate, found.low, found.high, found.method) == (0.125, 0.125, 0.125, "single value")
    assert "single value" in ev.describe(found, "Dana", "2026-12-04")
    assert found.outcome == "proven"


def test_the_p95_interval_agrees_with_a_plain_numpy_percentile_bootstrap():
    samples = np.random.default_rng(8).lognormal(5.5, 0.3, 600)
    estimate, low, high = ev.p95_interval(samples)
    plain_low, plain_high = numpy_percentile_bootstrap(lambda x: np.percentile(x, 95, axis=1), (samples,))
    assert estimate == pytest.approx(np.percentile(samples, 95))
    # Milliseconds: within half a percent of the p95.
    assert abs(low - plain_low) < 0.005 * estimate and abs(high - plain_high) < 0.005 * estimate


# --- outcomes at and beside each edge -----------------------------------------------------------------------------

@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.05, 0.2, "proven"),  # lower end at the material gap
    (0.0501, 0.2, "proven"),
    (0.0499, 0.2, "claimed"),
    (-0.1, 0.05, "claimed"),  # upper end at the material gap: not below it
    (-0.1, 0.0501, "claimed"),
    (-0.1, 0.0499, "refuted"),
    (-0.3, -0.1, "refuted"),  # a worse candidate
])
def test_evaluation_outcome_at_and_beside_each_edge(low, high, expected):
    assert ev.outcome("eval", low, high, 0.05) == expected


@pytest.mark.parametrize(("low", "high", "expected"), [
    (200.0, 300.0, "claimed"),  # lower end at the target: not above it
    (200.1, 300.0, "proven"),
    (150.0, 200.0, "refuted"),  # upper end at the target
    (150.0, 200.1, "claimed"),
    (150.0, 199.9, "refuted"),
])
def test_latency_outcome_at_and_beside_each_edge(low, high, expected):
    assert ev.outcome("latency", low, high, 200.0) == expected


def test_files_at_the_edges_prove_and_refute_end_to_end():
    same = eval_csv([0.5] * 30, [0.75] * 30)  # every item +0.25: the interval is 0.25 itself
    assert ev.evaluation(same, 0.25).outcome == "proven"  # lower end == material gap
    assert ev.evaluation(same, 0.2500001).outcome == "refuted"  # upper end just below it
    assert ev.evaluation(same, 0.2499999).outcome == "proven"


@pytest.mark.parametrize(("name", "outcome"), [("bank_BNK-007_eval.csv", "proven"),
                                                ("bank_BNK-026_eval.csv", "refuted")])
def test_the_sample_files_prove_and_refute(name, outcome):
    assert ev.evaluation((SAMPLE_EVIDENCE / name).read_bytes(), 0.05).outcome == outcome


def test_the_sample_files_are_what_their_script_writes(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", SAMPLE_EVIDENCE / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    for name, (seed, items, gap) in module.SAMPLES.items():
        assert module.write(name, seed, items, gap).read_bytes() == (SAMPLE_EVIDENCE / name).read_bytes(), name


def test_the_checklist_sentence_reads_as_the_issue_asks():
    found = ev.Finding("eval", 412, 0.081, 0.052, 0.110, 0.05, "BCa", {"weighted": False})
    assert ev.describe(found, "REVIEWER", "2026-12-04") == (
        "proven by an evaluation of 412 items on 2026-12-04 by REVIEWER: +0.081 (95 % CI +0.052 to +0.110) "
        "against a material gap of 0.05")
    open_one = ev.Finding("eval", 40, 0.04, -0.01, 0.09, 0.05, "BCa", {})
    assert ev.describe(open_one, "R", "2026-12-04").endswith("(the evaluation cannot tell yet: more items would)")


# --- not evidence -------------------------------------------------------------------------------------------------

def refused(call, *args) -> str:
    with pytest.raises(ev.NotEvidence) as info:
        call(*args)
    message = str(info.value)
    assert is_one_sentence(message), message
    return message


def test_fewer_than_30_items_are_not_evidence_and_30_are():
    assert "at least 30" in refused(ev.evaluation, eval_csv([0.5] * 29, [0.6] * 29), 0.05)
    assert ev.evaluation(eval_csv([0.5] * 30, [0.6] * 30), 0.05).items == 30


@pytest.mark.parametrize(("data", "words"), [
    (b"item,candidate\n" + b"".join(b"q%d,0.5\n" % i for i in range(40)), "no baseline column"),
    (b"item,baseline,candidate\n" + b"".join(b"q%d,0.5,high\n" % i for i in range(40)), "'high', not a number"),
    (b"item,baseline,candidate\n" + b"".join(b"q%d,,0.5\n" % i for i in range(40)), "'blank', not a number"),
    (b"item,baseline,candidate\n" + b"".join(b"q%d,0.5,nan\n" % i for i in range(40)), "not a number"),
    (b"item,baseline,candidate\n" + b"".join(b"q%d,0.5,0.6\n" % (i % 35) for i in range(40)), "appears on rows 2 and 37"),
    (b"item,baseline,candidate,weight\n" + b"".join(b"q%d,0.5,0.6,-1\n" % i for i in range(40)), "above 0"),
    (b"", "empty"),
    (b"\x00\x01\x02\x03" * 300, "binary"),
])
def test_a_file_that_is_not_evidence_gets_one_sentence(data, words):
    assert words in refused(ev.evaluation, data, 0.05)


@pytest.mark.parametrize("gap", [None, 0.0, -0.1, float("nan"), float("inf")])
def test_an_evaluation_needs_a_material_gap(gap):
    assert "material gap" in refused(ev.evaluation, eval_csv([0.5] * 30, [0.6] * 30), gap)


def test_evidence_files_are_bounded_like_the_roadmap(monkeypatch):
    monkeypatch.setenv(limits.MAX_EVIDENCE_ROWS.env, "50")
    message = refused(ev.evaluation, eval_csv([0.5] * 60, [0.6] * 60), 0.05)
    assert "more than 50 rows" in message and limits.MAX_EVIDENCE_ROWS.env in message
    monkeypatch.setenv(limits.MAX_EVIDENCE_BYTES.env, "100")
    assert limits.MAX_EVIDENCE_BYTES.env in refused(ev.evaluation, eval_csv([0.5] * 30, [0.6] * 30), 0.05)


def test_latency_needs_200_measurements_and_reads_a_bare_column():
    rng = np.random.default_rng(2)
    values = rng.normal(400, 40, 200)
    bare = "\n".join(f"{v:.1f}" for v in values).encode()
    found = ev.latency(bare, 200)
    assert found.items == 200
    assert found.estimate == pytest.approx(np.percentile(np.round(values, 1), 95))
    assert found.outcome == "proven"  # FM + RAG misses a 200 ms target
    assert "at least 200" in refused(ev.latency, ("latency_ms\n" + bare.decode()[:-7]).encode(), 200)
    assert "above 0" in refused(ev.latency, b"latency_ms\n" + b"-5\n" * 200, 200)
    assert ev.latency(bare, None).outcome == "measured"


def test_volume_from_days_or_a_figure_and_spend_per_month():
    days = "date,calls\n" + "".join(f"2026-11-{d:02d},{1000 * d}\n" for d in range(1, 8))
    found = ev.volume(days.encode())
    assert (found.items, found.estimate) == (7, 4000.0)
    assert "at least 7 days" in refused(ev.volume, days.encode()[: days.index("2026-11-07")])
    assert "appears on rows" in refused(ev.volume, (days + "2026-11-07,5\n").encode())
    assert ev.volume(value=30_437.5, period="month").estimate == pytest.approx(1000.0)
    assert ev.spend(value=100.0, period="day").estimate == pytest.approx(3043.75)
    assert "per day or per month" in refused(ev.volume, None, 5.0, "week")


def test_compliance_needs_who_their_role_when_and_the_document():
    found = ev.compliance("Jane Roe", "Chief Compliance Officer", "2026-11-30", "LEG-2026-114")
    assert found.outcome == "confirmed"
    assert ev.figure(found) == ("confirmed by Jane Roe (Chief Compliance Officer) on 2026-11-30, document "
                                "LEG-2026-114")
    assert "their role" in refused(ev.compliance, "Jane Roe", "", "2026-11-30", "LEG-1")
    assert "YYYY-MM-DD" in refused(ev.compliance, "Jane Roe", "CCO", "30/11/2026", "LEG-1")
    assert "future" in refused(ev.compliance, "Jane Roe", "CCO", "2999-01-01", "LEG-1")
