"""Child process of the parallel-writer test: open the store (maybe creating it) and append N decisions.

`python tests/store_writer.py URL WORKER N GATE`: waits until the file GATE exists so that every
writer starts at the same moment, including the schema creation on a new database.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.store import Decision, Store  # noqa: E402


def main() -> int:
    url, worker, count, gate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    deadline = time.monotonic() + 60
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    store = Store(url)
    for i in range(count):
        store.append(Decision("parallel", f"P{i % 7}", f"Project {i % 7}", "kill", f"writer {worker}",
                              note=f"w{worker}-n{i}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
