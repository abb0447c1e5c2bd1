"""Timing helpers shared by the benchmark sections: whole-process runs with their own peak memory."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@dataclass(frozen=True)
class ProcessRun:
    """One child process: wall time from spawn to exit, its own peak RSS, exit code and output."""

    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def bench_env(workdir: Path) -> dict[str, str]:
    """The environment for app processes: decisions go to a scratch SQLite file, never the team's log."""
    return {**os.environ, "AIRR_DATABASE_URL": f"sqlite:///{workdir / 'bench_decisions.db'}"}


def run_process(cmd: Sequence[str], timeout: float = 900.0, cwd: Path = ROOT,
                env: dict[str, str] | None = None) -> ProcessRun:
    """Run `cmd` to completion, timing the whole process (interpreter start and imports included).

    os.wait4 rather than getrusage(RUSAGE_CHILDREN): the latter is the maximum over every child ever
    reaped, so one big run would hide the peak of every later, smaller one.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        # A hung child must not hang CI: kill it by its own pid after the timeout.
        timer = threading.Timer(timeout, _kill_quietly, args=(proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        # Tell Popen the child is reaped so it never waits on a recycled pid.
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ProcessRun(seconds=seconds, max_rss_mb=usage.ru_maxrss / 1024.0,  # Linux reports KiB
                          returncode=proc.returncode, stdout=out.read().decode("utf-8", "replace"),
                          stderr=err.read().decode("utf-8", "replace"))


def _kill_quietly(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it exited just in time
        os.kill(pid, signal.SIGKILL)


def check(run: ProcessRun, what: str) -> ProcessRun:
    """The run, or an error carrying the tail of its stderr when it failed."""
    if run.returncode != 0:
        tail = "\n".join(run.stderr.strip().splitlines()[-8:])
        raise RuntimeError(f"{what} exited with {run.returncode}:\n{tail}")
    return run


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def free_port() -> int:
    # Bind to port 0 so the OS picks a free port; there is a tiny race until streamlit binds it, acceptable here.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
