"""Writes the sample evaluation files of sample_portfolios/evidence/ (see README.md there); rerun to check them.

Each item's baseline score (FM + RAG) is drawn from Beta(6, 3), a rubric score in [0, 1] centred near 0.67;
the candidate (the custom model) scores the baseline plus the project's true gap plus Normal(0, 0.18) noise,
clipped to [0, 1] and rounded to two decimals as a grader would write them. One fixed seed per file, so the
files come out byte for byte the same on every run.

    python sample_portfolios/evidence/make_samples.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
NOISE = 0.18
# file -> (seed, items, true gap): one proven, one refuted, one too small to be evidence.
SAMPLES = {
    "bank_BNK-007_eval.csv": (7, 412, 0.12),
    "bank_BNK-026_eval.csv": (26, 300, 0.0),
    "bank_BNK-021_eval.csv": (21, 20, 0.12),
}


def scores(seed: int, items: int, gap: float) -> tuple[np.ndarray, np.ndarray]:
    """(baseline, candidate) scores of one evaluation set, rounded to two decimals."""
    rng = np.random.default_rng(seed)
    baseline = np.clip(rng.beta(6, 3, items), 0, 1)
    candidate = np.clip(baseline + gap + rng.normal(0, NOISE, items), 0, 1)
    return np.round(baseline, 2), np.round(candidate, 2)


def write(name: str, seed: int, items: int, gap: float) -> Path:
    baseline, candidate = scores(seed, items, gap)
    lines = ["item,baseline,candidate"]
    lines += [f"{name.split('_')[1]}-q{i + 1:03d},{b:.2f},{c:.2f}" for i, (b, c) in enumerate(zip(baseline, candidate, strict=True))]
    path = HERE / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    for file_name, (seed, n, true_gap) in SAMPLES.items():
        print(write(file_name, seed, n, true_gap))
