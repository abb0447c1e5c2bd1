"""Child process that loads one roadmap file and prints what it cost, as JSON on stdout:
seconds, peak resident memory and the memory before the load (MB), and the outcome (rows or the refusal).

`python tests/xlsx_cost.py FILE` from a checkout's root measures that checkout's loader; the limit tests
run it so that a refusal's time and memory are measured in a process of their own.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    import openpyxl  # noqa: F401 - imported before the baseline, as in a server that has read one workbook

    from core.loader import RoadmapError, load_roadmap

    data = Path(sys.argv[1]).read_bytes()
    base = _status_mb("VmRSS")
    start = time.perf_counter()
    try:
        roadmap = load_roadmap(data, name=Path(sys.argv[1]).name)
        outcome = f"loaded {len(roadmap.projects):,} projects, {roadmap.report.rows_read:,} rows read"
    except RoadmapError as exc:
        outcome = f"refused: {exc}"
    seconds = time.perf_counter() - start
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of a big test process would report
    # its parent's peak.
    peak = _status_mb("VmHWM")
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak), "base_mb": round(base),
                      "extra_mb": round(peak - base), "outcome": outcome[:300]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
