"""Child process for the growth benchmark: time `python -m core score` minus its fixed start-up cost.

`python -m benchmarks.timed_score WARMUP.csv ROADMAP.csv OUT.csv` prints the seconds the second run took.

Whole-process time divided by rows is not flat for any program with a fixed start-up (interpreter,
pandas import, vocabularies): at 10,000 rows that constant would dominate and hide how the work itself
grows. So the CLI is first run once on a tiny file in this same process, which pays every fixed cost,
and only the run on the real file is timed. That isolates the per-row cost the growth target is about.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time

from core.cli import main as core_main
from core.memory import keep_freed_memory


def timed(args: list[str]) -> tuple[float, int]:
    # The CLI reports rejects on stderr; swallow it so the parent's stdout carries only the figure.
    with contextlib.redirect_stderr(io.StringIO()):
        start = time.perf_counter()
        code = core_main(args)
        return time.perf_counter() - start, code


def main(argv: list[str]) -> int:
    warmup, roadmap, out = argv
    keep_freed_memory()  # as `python -m core` does: this process stands in for it
    _, code = timed(["score", warmup, "--out", out])
    if code != 0:
        print(f"warm-up run exited with {code}", file=sys.stderr)
        return 1
    seconds, code = timed(["score", roadmap, "--out", out])
    print(json.dumps({"seconds": seconds, "returncode": code}))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
