"""Self-hosted serving, priced as the market prices it (SPEC §4v3): GPUs per replica, GPU time per call from
phase-specific throughputs, replicas sized for the peak hour, the market check, and the break-even solvers.

Both self-hosted paths use it: the custom model at its own size, and the stock open-weight model of the
regulated-work path at `stock_model_size_b`. Vectorized over projects; no pandas here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.config import DATA_DIR, Assumptions, load_yaml

HOURS_PER_YEAR = 8760.0
SECONDS_PER_DAY = 86400.0
# Throughput defaults are measured on an 8B-class model; other sizes are scaled from it.
REFERENCE_SIZE_B = 8.0
BYTES_PER_PARAM = {"fp8": 1.0, "bf16": 2.0}
# Past this many replica steps the two-fleet break-even gives up and says "never" (absurd inputs only).
MAX_STEPS = 10_000


def gpu_hour_usd(cfg: Assumptions) -> float:
    """The GPU price in force: the on-demand list price, less the committed discount on a one-year basis."""
    if cfg.gpu_price_basis == "committed_1y":
        return cfg.gpu_hour_usd * (1.0 - cfg.gpu_committed_discount)
    return cfg.gpu_hour_usd


def gpus_per_replica(size_b: np.ndarray, cfg: Assumptions) -> np.ndarray:
    """GPUs one replica needs to hold the weights at the serving precision plus headroom, rounded up to a power
    of two (tensor-parallel sizes must divide the attention heads, so servers use 1, 2, 4 or 8 GPUs)."""
    need = size_b * BYTES_PER_PARAM[cfg.serving_precision] * (1.0 + cfg.gpu_memory_headroom) / cfg.gpu_memory_gb
    gpus = np.maximum(1.0, np.ceil(need))
    return 2.0 ** np.ceil(np.log2(gpus))


def throughput_scale(size_b: np.ndarray, latency_ms: np.ndarray, cfg: Assumptions) -> np.ndarray:
    """Each GPU's throughput as a share of the 8B FP8 benchmark figures: smaller for a larger model, at BF16,
    and under a p95 target tighter than the benchmark's latency limit (smaller batches)."""
    precision = 1.0 if cfg.serving_precision == "fp8" else cfg.bf16_throughput_ratio
    with np.errstate(invalid="ignore"):
        tight = latency_ms < cfg.serving_benchmark_latency_ms  # NaN (no target) is False
    latency = np.where(tight, cfg.tight_latency_throughput_ratio, 1.0)
    return (REFERENCE_SIZE_B / size_b) ** cfg.throughput_size_exponent * precision * latency


@dataclass(frozen=True)
class Fleet:
    """One self-hosted model's serving for every project: arrays, one value per project."""

    gpus_per_replica: np.ndarray
    gpu_seconds_per_call: np.ndarray
    replica_capacity_daily_calls: np.ndarray
    replicas: np.ndarray
    usd_per_year: np.ndarray  # year 1, before the GPU price decline
    implied_utilization: np.ndarray  # average GPU busy share at the project's volume
    usd_per_m_output_full: np.ndarray  # decode only, every GPU at the target load
    usd_per_m_output_at_volume: np.ndarray  # all serving cost over the output tokens actually made


def fleet(size_b: np.ndarray, prompt_tokens: np.ndarray, output_tokens: np.ndarray, calls: np.ndarray,
          latency_ms: np.ndarray, cfg: Assumptions) -> Fleet:
    """Serving at `calls` a day (NaN: unknown volume, the replica floor and blank per-volume figures).

    GPU time per call = prompt tokens / prefill throughput + output tokens / decode throughput; replicas =
    max(minimum, ceil(average load x peak factor / (capacity x target load at peak))), no second utilization
    factor: the idle hours off-peak are what sizing for the peak already pays for.
    """
    a = cfg
    gpr = gpus_per_replica(size_b, a)
    scale = throughput_scale(size_b, latency_ms, a)
    gpu_s = prompt_tokens / (a.prefill_tokens_per_gpu_s * scale) + output_tokens / (a.decode_tokens_per_gpu_s * scale)
    capacity = SECONDS_PER_DAY * gpr * a.target_load_at_peak / (gpu_s * a.peak_factor)
    replicas = np.maximum(float(a.min_replicas), np.ceil(np.nan_to_num(calls) / capacity))
    price = gpu_hour_usd(a)
    per_year = replicas * gpr * price * HOURS_PER_YEAR
    with np.errstate(divide="ignore", invalid="ignore"):
        utilization = calls * gpu_s / (SECONDS_PER_DAY * replicas * gpr)
        full = price / 3600.0 / (a.decode_tokens_per_gpu_s * scale * a.target_load_at_peak) * 1e6
        at_volume = np.where(calls * output_tokens > 0, per_year / (calls * 365.0 * output_tokens) * 1e6, np.nan)
    return Fleet(gpr, gpu_s, capacity, replicas, per_year, utilization, full, at_volume)


@lru_cache(maxsize=1)
def market_bands() -> tuple[dict, ...]:
    """The hosted open-weight market bands of data/market.yaml, smallest model first."""
    raw = load_yaml((DATA_DIR / "market.yaml").read_text(encoding="utf-8"))
    return tuple(sorted((dict(b) for b in raw["bands"]), key=lambda b: float(b["size_b"])))


def band_index(size_b: np.ndarray) -> np.ndarray:
    """Per project, the market band of the nearest listed size (nearest on a log scale: 30B is nearer 70B than 8B)."""
    sizes = np.log(np.array([float(b["size_b"]) for b in market_bands()]))
    return np.abs(np.log(np.asarray(size_b, dtype="float64"))[:, None] - sizes[None, :]).argmin(axis=1)


def break_even(gap: np.ndarray, per_replica: np.ndarray, per_call: np.ndarray, capacity: np.ndarray,
               minimum: int) -> np.ndarray:
    """The smallest daily volume V with savings(V) <= 0, where
    savings(V) = gap + per_replica * max(minimum, ceil(V / capacity)) - per_call * V; NaN means never.

    Savings fall linearly between replica steps and jump up by `per_replica` at each step. On the
    segment served by k replicas they reach zero at V = (gap + per_replica * k) / per_call, which counts
    only if it lies inside the segment. With the minimum replicas that is the first segment; after it,
    the end of segment k has savings gap + k * (per_replica - per_call * capacity), so the first k whose
    end is not above zero solves k >= gap / (per_call * capacity - per_replica). Exact, and no search.
    """
    gap = np.asarray(gap, dtype="float64")
    per_replica = np.broadcast_to(np.asarray(per_replica, dtype="float64"), gap.shape)
    per_call = np.asarray(per_call, dtype="float64")
    capacity = np.asarray(capacity, dtype="float64")
    m = float(minimum)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = (gap + per_replica * m) / per_call
        in_first = (gap + per_replica * m <= 0) | ((per_call > 0) & (first <= m * capacity))
        margin = per_call * capacity - per_replica  # what one more full replica saves
        k = np.maximum(m + 1.0, np.ceil(gap / margin))
        later = (gap + per_replica * k) / per_call
    return np.where(in_first, np.maximum(first, 0.0), np.where(margin > 0, later, np.nan))


def break_even_two_fleets(gap: np.ndarray, per_replica_c: np.ndarray, capacity_c: np.ndarray,
                          per_replica_s: np.ndarray, capacity_s: np.ndarray, per_call: np.ndarray,
                          minimum: int) -> np.ndarray:
    """The smallest daily volume V with savings(V) <= 0 when both paths serve on their own GPUs:
    savings(V) = gap + per_replica_c * replicas_c(V) - per_replica_s * replicas_s(V) - per_call * V.

    Between the replica steps of either fleet both counts are fixed and savings are linear, so the solver
    walks the segments in order (all projects at once) and stops at the first whose savings reach zero.
    A step of the comparison fleet lowers savings at once: the answer is then the volume just past it.
    """
    gap = np.asarray(gap, dtype="float64")
    n = len(gap)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    m = float(minimum)
    start = np.zeros(n)
    todo = np.isfinite(gap) & (capacity_c > 0) & (capacity_s > 0)
    for _ in range(MAX_STEPS):
        if not todo.any():
            break
        idx = np.flatnonzero(todo)
        a = start[idx]
        cc, cs = capacity_c[idx], capacity_s[idx]
        # The segment (a, b]: the next step of either fleet, never before the replica floor ends.
        end_c = np.maximum(m, np.floor(a / cc) + 1.0) * cc
        end_s = np.maximum(m, np.floor(a / cs) + 1.0) * cs
        b = np.minimum(end_c, end_s)
        probe = np.nextafter(a, np.inf)
        rc = np.maximum(m, np.ceil(probe / cc))
        rs = np.maximum(m, np.ceil(probe / cs))
        k = gap[idx] + per_replica_c[idx] * rc - per_replica_s[idx] * rs
        pc = per_call[idx]
        at_start = k - pc * a <= 0
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = np.where(pc > 0, k / pc, np.inf)
        inside = ~at_start & (cross <= b)
        found = np.where(at_start, np.where(a == 0, 0.0, probe), np.where(inside, cross, np.nan))
        done = at_start | inside
        out[idx[done]] = found[done]
        start[idx] = b
        todo[idx[done]] = False
        # Savings that rise with volume in the long run (each call dearer on the custom fleet) and have not
        # reached zero over the first few replica steps of both fleets never will: stop walking them.
        rising = per_replica_c[idx] / cc - per_replica_s[idx] / cs - pc >= 0
        todo[idx[rising & (b > 4.0 * (m + 1.0) * np.maximum(cc, cs))]] = False
    return out
