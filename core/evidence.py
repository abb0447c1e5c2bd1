"""Attached evidence (SPEC §4e): reading an evidence file, the figures it yields and what they prove.

An evaluation is judged by the mean paired gap (candidate minus baseline) and its 95 % BCa bootstrap interval
against the material gap; latency by the p95 of measured FM + RAG latencies and its percentile bootstrap
interval against the target; volume and spend are measured figures; compliance is a named confirmation.
Rules and thresholds are in core/data/evidence.yaml. A file that is not evidence raises NotEvidence with one
sentence, before anything is stored.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import Any

import numpy as np
import pandas as pd

from core import limits
from core.config import DATA_DIR, load_yaml
from core.numbers import money
from core.text import clean

KINDS = ("eval", "latency", "volume", "spend", "compliance")
PERIODS = ("day", "month")
# What a finding says about its claim. Evaluations and latencies prove, refute or leave a claim open
# ("claimed"); volume and spend are measured; a compliance confirmation confirms.
OUTCOMES = ("proven", "refuted", "claimed", "measured", "confirmed")
# Headers an evidence file may use, after normalization (lower case, letters and digits only).
COLUMNS = {
    "item": ("item", "itemid", "id", "question", "example", "case", "prompt"),
    "baseline": ("baseline", "baselinescore", "fmrag", "fmragscore", "rag", "api", "fm"),
    "candidate": ("candidate", "candidatescore", "custom", "custommodel", "finetuned", "finetune", "model"),
    "weight": ("weight", "weights", "itemweight"),
    "latency": ("latencyms", "latency", "ms", "durationms", "duration", "elapsedms", "responsems"),
    "day": ("date", "day"),
    "calls": ("calls", "dailycalls", "requests", "count", "volume", "callsperday"),
    "month": ("month", "period"),
    "spend": ("spendusd", "spend", "usd", "cost", "costusd", "amount", "apispend", "apispendusd"),
}


class NotEvidence(ValueError):
    """A file or figure that cannot be evidence; the message is one sentence, and nothing was stored."""


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """core/data/evidence.yaml as {group: {key: value}} (sources stay in the file)."""
    raw = load_yaml((DATA_DIR / "evidence.yaml").read_text(encoding="utf-8"))
    return {group: {key: spec["value"] for key, spec in entries.items()} for group, entries in raw.items()}


@dataclass(frozen=True)
class Finding:
    """The figures one piece of evidence yields, before it is stored (what is stored with who and when)."""

    kind: str
    items: int | None = None  # evaluation items, latency measurements or days of volume
    estimate: float | None = None  # mean paired gap, p95 ms, calls a day or USD a month
    low: float | None = None  # the 95 % interval's ends (evaluation and latency)
    high: float | None = None
    threshold: float | None = None  # the material gap (evaluation) or the latency target it was judged against
    method: str = ""  # "BCa", "single value", "percentile", "mean of days", "stated"
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        return outcome(self.kind, self.low, self.high, self.threshold)


def outcome(kind: str, low: float | None, high: float | None, threshold: float | None) -> str:
    """proven / refuted / claimed for an evaluation or latency; measured or confirmed for the other kinds.

    Evaluation: proven when the interval's lower end is at or above the material gap, refuted when its upper end
    is below it (a worse candidate included). Latency: proven when the lower end of the p95 interval is above the
    target (FM + RAG misses it), refuted when the upper end is at or below it; without a target, measured.
    """
    if kind == "compliance":
        return "confirmed"
    if kind not in ("eval", "latency") or threshold is None or low is None or high is None or math.isnan(threshold):
        return "measured"
    if kind == "eval":
        return "proven" if low >= threshold else "refuted" if high < threshold else "claimed"
    return "proven" if low > threshold else "refuted" if high <= threshold else "claimed"


# --- reading a file -------------------------------------------------------------------------------------------

def _normal(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def read_table(data: bytes, what: str) -> pd.DataFrame:
    """An evidence CSV as text cells under normalized headers, bounded in bytes and rows before it is parsed."""
    from core.loader.detect import RoadmapError, decode, looks_binary, sniff_delimiter

    if len(data) > limits.MAX_EVIDENCE_BYTES.value:
        raise NotEvidence(limits.over(limits.MAX_EVIDENCE_BYTES, f"The {what} file holds {len(data):,} bytes",
                                      "attach a sample of it"))
    try:
        text = decode(data)[0]
    except RoadmapError as exc:
        raise NotEvidence(str(exc).replace("a CSV or XLSX table", f"a CSV {what} file")) from None
    if not text.strip():
        raise NotEvidence(f"The {what} file is empty.")
    if looks_binary(text):
        raise NotEvidence(f"This file is binary data, not a CSV {what} file.")
    cap = limits.MAX_EVIDENCE_ROWS.value
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        rows = [r for r in islice(reader, cap + 2) if any(c.strip() for c in r)]
    except csv.Error:
        raise NotEvidence(f"The {what} file is not a readable CSV table.") from None
    if len(rows) > cap + 1:
        raise NotEvidence(limits.over(limits.MAX_EVIDENCE_ROWS, f"The {what} file holds more than {cap:,} rows",
                                      "attach a sample of it"))
    header = [_normal(c) for c in rows[0]]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=[h or f"column{i + 1}" for i, h in enumerate(header)], dtype=object)
    frame.index = range(2, len(body) + 2)  # file line numbers (of non-blank rows), for the sentences
    frame.attrs["header"] = rows[0]
    return frame


def _column(frame: pd.DataFrame, name: str) -> str | None:
    for synonym in COLUMNS[name]:
        if synonym in frame.columns:
            return synonym
    return None


def _numbers(frame: pd.DataFrame, col: str, what: str, positive: bool = False) -> np.ndarray:
    raw = frame[col].astype(str).str.strip()
    values = pd.to_numeric(raw.str.replace(",", "", regex=False), errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values) | ((values <= 0) if positive else False)
    if bad.any():
        row = frame.index[int(np.argmax(bad))]
        cell = clean(raw.iloc[int(np.argmax(bad))])[:40] or "blank"
        need = "a number above 0" if positive else "a number"
        raise NotEvidence(f"Row {row}'s {what} is '{cell}', not {need}; every {what} must be {need}.")
    return values


# --- evaluation -------------------------------------------------------------------------------------------------

def paired_gap(baseline: np.ndarray, candidate: np.ndarray, weight: np.ndarray | None = None,
               confidence: float | None = None) -> tuple[float, float, float, str]:
    """(mean paired gap, low, high, method): candidate minus baseline, weighted when weights are given.

    The interval is scipy's paired BCa bootstrap at a fixed seed. Weighted, each resample draws items with
    their weights and takes the weighted mean of the resampled items (a ratio estimator). When every
    difference is equal BCa cannot compute (its acceleration divides by zero): the interval is that value.
    """
    from scipy import stats

    conf = float(confidence or rules()["evaluation"]["confidence"])
    diff = candidate - baseline
    if weight is None:
        estimate = float(diff.mean())
        # Resampling the items' differences is resampling the pairs (same draws, same interval), at half the work.
        data: tuple[np.ndarray, ...] = (diff,)

        def statistic(d: np.ndarray, axis: int = -1) -> np.ndarray:
            return np.mean(d, axis=axis)
    else:
        estimate = float(np.sum(weight * diff) / np.sum(weight))
        data = (baseline, candidate, weight)

        def statistic(b: np.ndarray, c: np.ndarray, w: np.ndarray, axis: int = -1) -> np.ndarray:  # type: ignore[misc]
            return np.sum(w * (c - b), axis=axis) / np.sum(w, axis=axis)
    if np.ptp(diff) == 0:
        return estimate, estimate, estimate, "single value"
    boot = rules()["bootstrap"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a degenerate resample warns; the NaN it leaves is handled below
        result = stats.bootstrap(data, statistic, paired=True, vectorized=True, method="BCa",
                                 confidence_level=conf, n_resamples=int(boot["resamples"]),
                                 batch=_batch(len(diff)), rng=np.random.default_rng(int(boot["seed"])))
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    return estimate, low, high, "BCa"


def _batch(n: int) -> int:
    # Resamples drawn at a time: at most about 2 million values per array, so 5,000 items never need gigabytes
    # (and smaller batches were faster here than one of 9,999).
    return max(10, min(1000, 2_000_000 // max(n, 1)))


def evaluation(data: bytes, material_gap: float | None) -> Finding:
    """The evaluation evidence in a CSV of per-item scores (item, baseline, candidate, optional weight)."""
    if material_gap is None or not math.isfinite(material_gap) or material_gap <= 0:
        raise NotEvidence("An evaluation needs its material gap: the smallest improvement the team would pay for, "
                          "a number above 0 in the score's units.")
    frame = read_table(data, "evaluation")
    cols = {name: _column(frame, name) for name in ("item", "baseline", "candidate", "weight")}
    for name, words in (("item", "the item's id"), ("baseline", "the FM + RAG score"),
                        ("candidate", "the custom model's score")):
        if cols[name] is None:
            raise NotEvidence(f"The file has no {name} column ({words}); an evaluation needs item, baseline "
                              "and candidate columns, one row per item, higher scores better.")
    items = frame[cols["item"]].astype(str).str.strip()
    if items.eq("").any():
        raise NotEvidence(f"Row {items.index[int(np.argmax(items.eq('').to_numpy()))]} has no item id; every "
                          "row must name its item.")
    repeated = items[items.duplicated(keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        rows = list(repeated[repeated == first].index[:2])
        raise NotEvidence(f"Item '{clean(first)[:40]}' appears on rows {rows[0]} and {rows[1]}; each item must be "
                          "scored once.")
    need = int(rules()["evaluation"]["min_items"])
    if len(frame) < need:
        raise NotEvidence(f"The file holds {len(frame)} item{'s' if len(frame) != 1 else ''}; an evaluation needs at "
                          f"least {need} to be evidence, so add items.")
    baseline = _numbers(frame, cols["baseline"], "baseline score")
    candidate = _numbers(frame, cols["candidate"], "candidate score")
    weight = _numbers(frame, cols["weight"], "weight", positive=True) if cols["weight"] else None
    estimate, low, high, method = paired_gap(baseline, candidate, weight)
    return Finding("eval", len(frame), estimate, low, high, float(material_gap), method,
                   {"weighted": weight is not None})


# --- latency ----------------------------------------------------------------------------------------------------

def p95_interval(samples: np.ndarray, percentile: float | None = None,
                 confidence: float | None = None) -> tuple[float, float, float]:
    """(p95, low, high): the sample percentile and its percentile-bootstrap interval at the fixed seed."""
    from scipy import stats

    q = float(percentile or rules()["latency"]["percentile"])
    conf = float(confidence or rules()["latency"]["confidence"])
    estimate = float(np.percentile(samples, q))
    if np.ptp(samples) == 0:
        return estimate, estimate, estimate
    boot = rules()["bootstrap"]
    result = stats.bootstrap((samples,), lambda x, axis=-1: np.percentile(x, q, axis=axis), vectorized=True,
                             method="percentile", confidence_level=conf, n_resamples=int(boot["resamples"]),
                             batch=_batch(len(samples)), rng=np.random.default_rng(int(boot["seed"])))
    return estimate, float(result.confidence_interval.low), float(result.confidence_interval.high)


def latency(data: bytes, target_ms: float | None = None) -> Finding:
    """Measured FM + RAG latencies in ms (one column, one measurement a row) and their p95 against a target."""
    frame = _headerless(read_table(data, "latency"))
    col = _column(frame, "latency") or (frame.columns[0] if len(frame.columns) == 1 else None)
    if col is None:
        raise NotEvidence("The file has no latency_ms column; it needs the measured FM + RAG latencies in "
                          "milliseconds, one a row.")
    need = int(rules()["latency"]["min_samples"])
    if len(frame) < need:
        raise NotEvidence(f"The file holds {len(frame)} latencies; a p95 needs at least {need} measurements to be "
                          "evidence, so measure more calls.")
    samples = _numbers(frame, col, "latency", positive=True)
    estimate, low, high = p95_interval(samples)
    target = None if target_ms is None or pd.isna(target_ms) else float(target_ms)
    return Finding("latency", len(samples), estimate, low, high, target, "percentile", {})


def _headerless(frame: pd.DataFrame) -> pd.DataFrame:
    """A one-column file of bare numbers has no header: its first line is a measurement too."""
    if len(frame.columns) == 1:
        first = frame.attrs["header"][0].strip()
        try:
            number = float(first.replace(",", ""))
        except ValueError:
            return frame
        if math.isfinite(number):
            return pd.concat([pd.DataFrame({"latency": [first]}, index=[1]), frame.set_axis(["latency"], axis=1)])
    return frame


# --- volume and spend -------------------------------------------------------------------------------------------

def _per_day(value: float, period: str) -> float:
    return value if period == "day" else value / float(rules()["volume"]["days_per_month"])


def _stated(value: float | None, period: str | None, what: str) -> float:
    if value is None or not math.isfinite(value) or value < 0:
        raise NotEvidence(f"Give the measured {what} as a number of 0 or more.")
    if value > limits.MAX_FIGURE.value:
        raise NotEvidence(limits.over(limits.MAX_FIGURE, f"{value:,.0f} is more", "check the figure"))
    if period not in PERIODS:
        raise NotEvidence(f"Say whether the {what} is per day or per month.")
    return float(value)


def volume(data: bytes | None = None, value: float | None = None, period: str | None = "day") -> Finding:
    """Measured daily calls: a CSV of days (date, calls), or one figure per day or per month."""
    if data is None:
        figure = _stated(value, period, "volume")
        return Finding("volume", None, _per_day(figure, period or "day"), method="stated",
                       detail={"value": figure, "period": period})
    frame = read_table(data, "volume")
    calls, days = _series(frame, "calls", "calls", "a day", int(rules()["volume"]["min_days"]))
    return Finding("volume", len(calls), float(calls.mean()), method="mean of days",
                   detail={"first": days[0], "last": days[-1]} if days else {})


def spend(data: bytes | None = None, value: float | None = None, period: str | None = "month") -> Finding:
    """Measured API spend in USD a month: a CSV of months (month, spend_usd), or one figure per day or month."""
    if data is None:
        figure = _stated(value, period, "API spend")
        per_month = figure if period == "month" else figure * float(rules()["volume"]["days_per_month"])
        return Finding("spend", None, per_month, method="stated", detail={"value": figure, "period": period})
    frame = read_table(data, "spend")
    amounts, months = _series(frame, "spend", "spend_usd", "a month", 1)
    return Finding("spend", len(amounts), float(amounts.mean()), method="mean of months",
                   detail={"first": months[0], "last": months[-1]} if months else {})


def _series(frame: pd.DataFrame, name: str, header: str, per: str, need: int) -> tuple[np.ndarray, list[str]]:
    col = _column(frame, name)
    if col is None:
        raise NotEvidence(f"The file has no {header} column; it needs one row {per} with the measured {header}.")
    key = _column(frame, "day" if name == "calls" else "month")
    labels: list[str] = []
    if key is not None:
        keys = frame[key].astype(str).str.strip()
        repeated = keys[keys.duplicated(keep=False) & keys.ne("")]
        if len(repeated):
            rows = list(repeated[repeated == repeated.iloc[0]].index[:2])
            raise NotEvidence(f"'{clean(repeated.iloc[0])[:40]}' appears on rows {rows[0]} and {rows[1]}; each "
                              f"{per.split()[-1]} must be counted once.")
        labels = [clean(k)[:20] for k in keys]
    if len(frame) < need:
        raise NotEvidence(f"The file holds {len(frame)} row{'s' if len(frame) != 1 else ''}; measured volume needs at "
                          f"least {need} days, so one unusual day does not set it.")
    values = _numbers(frame, col, header.replace("_", " "))
    if (values < 0).any() or (values > limits.MAX_FIGURE.value).any():
        row = frame.index[int(np.argmax((values < 0) | (values > limits.MAX_FIGURE.value)))]
        raise NotEvidence(f"Row {row}'s {header.replace('_', ' ')} is out of range; figures must be 0 or more.")
    return values, labels


# --- compliance -------------------------------------------------------------------------------------------------

def compliance(confirmed_by: str | None, role: str | None, on: str | date | None, document: str | None) -> Finding:
    """A confirmation by compliance or legal: who (name and role), when, and the document it is written in."""
    from core.schema import MAX_REVIEWER

    fields = {"confirmed_by": clean(confirmed_by or "").strip(), "role": clean(role or "").strip(),
              "document": clean(document or "").strip()}
    missing = [words for key, words in (("confirmed_by", "who confirmed"), ("role", "their role"),
                                        ("document", "the document reference")) if not fields[key]]
    if missing or not on:
        missing += [] if on else ["the date"]
        raise NotEvidence(f"A compliance confirmation needs {', '.join(missing)}: who confirmed, their role, "
                          "when, and where it is written.")
    if any(len(v) > MAX_REVIEWER for v in fields.values()):
        raise NotEvidence(f"Keep the name, role and document reference under {MAX_REVIEWER} characters each.")
    try:
        when = on if isinstance(on, date) else date.fromisoformat(str(on).strip())
    except ValueError:
        raise NotEvidence(f"The confirmation date must be written as YYYY-MM-DD, not '{clean(on)[:20]}'.") from None
    if when > date.today():
        raise NotEvidence("The confirmation date is in the future; give the date it was confirmed.")
    return Finding("compliance", method="confirmation", detail=fields | {"date": when.isoformat()})


# --- words ------------------------------------------------------------------------------------------------------

def _decimals(scale: float | None) -> int:
    """Decimals that show a gap against its material line: 3 for a gap of 0.05, 1 for a gap of 5."""
    if not scale or not math.isfinite(scale) or scale <= 0:
        return 3
    return int(min(6, max(0, 1 - math.floor(math.log10(scale)))))


def signed(value: float, decimals: int) -> str:
    """A gap with its sign, always: +0.081, -0.020."""
    return f"{value:+,.{decimals}f}"


def figure(f: Finding) -> str:
    """The figure a finding yields, as printed: "+0.081 (95 % CI +0.052 to +0.110)", "p95 412 ms (...)"."""
    if f.kind == "eval":
        d = _decimals(f.threshold)
        if f.method == "single value":
            return f"{signed(f.estimate, d)} (every item moved by the same amount, so the interval is that single value)"
        return f"{signed(f.estimate, d)} (95 % CI {signed(f.low, d)} to {signed(f.high, d)})"
    if f.kind == "latency":
        return f"p95 {f.estimate:,.0f} ms (95 % CI {f.low:,.0f} to {f.high:,.0f} ms)"
    if f.kind == "volume":
        if f.method == "stated" and f.detail.get("period") == "month":
            return f"{f.detail['value']:,.0f} calls a month ({f.estimate:,.0f} a day)"
        return f"{f.estimate:,.0f} calls a day"
    if f.kind == "spend":
        return f"{money(f.estimate)} a month of API spend"
    d = f.detail
    return f"confirmed by {d['confirmed_by']} ({d['role']}) on {d['date']}, document {d['document']}"


def describe(f: Finding, reviewer: str, on: str, threshold: float | None = None) -> str:
    """The sentence a checklist shows: "proven by an evaluation of 412 items on 2026-12-04 by Dana: +0.081
    (95 % CI +0.052 to +0.110) against a material gap of 0.05". `threshold` is the latency target of today's
    roadmap (an evaluation keeps the material gap it was attached with)."""
    limit = f.threshold if f.kind == "eval" or threshold is None else threshold
    result = outcome(f.kind, f.low, f.high, limit)
    by = f"on {on} by {reviewer}"
    if f.kind == "eval":
        weighted = "a weighted evaluation" if f.detail.get("weighted") else "an evaluation"
        tail = "" if result != "claimed" else " (the evaluation cannot tell yet: more items would)"
        return (f"{result} by {weighted} of {f.items:,} items {by}: {figure(f)} against a material gap of "
                f"{f.threshold:g}{tail}")
    if f.kind == "latency":
        if result == "measured":
            return f"measured by {f.items:,} FM + RAG latencies {by}: {figure(f)}, and the roadmap gives no latency target"
        tail = "" if result != "claimed" else " (the measurements cannot tell yet: more would)"
        return f"{result} by {f.items:,} measured FM + RAG latencies {by}: {figure(f)} against a target of " \
               f"{limit:,.0f} ms{tail}"
    if f.kind in ("volume", "spend"):
        source = f"the mean of {f.items:,} {'days' if f.kind == 'volume' else 'months'}" if f.items else "stated"
        return f"measured {figure(f)}, {source} {by}"
    return f"{figure(f)}, recorded {by}"
