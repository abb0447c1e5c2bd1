"""Runs the fuzzer (tests/fuzz_roadmaps.py) in a child process capped in memory and CPU, so "bounded memory"
is checked by the kernel rather than hoped for, and reports how many examples ran.

AIRR_FUZZ_EXAMPLES sets the examples per fuzz test (default 100 here; run a few thousand by hand before a
release: `AIRR_FUZZ_EXAMPLES=3000 python -m pytest tests/fuzz_roadmaps.py`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1536 << 20  # pytest, pandas, pyarrow and openpyxl need about 400 MB of address space between them
CPU_CAP_S = 600
_CAPPED = (
    "import resource, sys, pytest\n"
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))\n"
    f"resource.setrlimit(resource.RLIMIT_CPU, ({CPU_CAP_S}, {CPU_CAP_S}))\n"
    "sys.exit(pytest.main(sys.argv[1:]))\n"
)


def test_the_fuzzer_passes_under_a_memory_cap():
    examples = int(os.environ.get("AIRR_FUZZ_EXAMPLES", "100"))
    done = subprocess.run(
        [sys.executable, "-c", _CAPPED, "tests/fuzz_roadmaps.py", "-q", "-p", "no:cacheprovider",
         "--hypothesis-show-statistics"],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
        env={**os.environ, "AIRR_FUZZ_EXAMPLES": str(examples)},
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    # Hypothesis reports each phase (replaying saved failures, then generating) with its own counts.
    phases = [(int(p), int(f)) for p, f in re.findall(r"(\d+) passing, (\d+) failing", done.stdout)]
    ran = sum(p for p, _ in phases)
    assert phases and not any(f for _, f in phases)
    assert ran >= examples * 2 + max(examples // 5, 10), done.stdout[-2000:]
    print(f"fuzz examples run: {ran:,}")
