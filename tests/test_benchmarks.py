"""The benchmark harness still runs: `python -m benchmarks.run --quick` exits 0 and prints every ratio.

Quick by construction (tiny roadmaps, one or two runs, about 35 s on the 2-core CI box) and bounded by a
subprocess timeout, so a hang fails the test instead of stalling the suite. Targets are not asserted
here (the harness reports them); only that every section produced its figures.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_S = 150  # generous against a slow CI box; the quick run itself takes about 35 s
SECTIONS = ("== Pipeline:", "== Growth:", "== App (AppTest):", "== Start:")
# label -> unit of its figure; each must be printed as "label  <number><unit>".
RATIO_LINES = {
    "ratio score / read_csv (time)": "x",
    "peak memory of core score": " MB",
    "ratio max/min per-row time (work)": "x",
    "ratio kill list / bare page (warm rerun)": "x",
    "ratio decide-and-advance / bare page": "x",
    "ratio filter rerun / first run": "x",
}


@pytest.fixture(scope="module")
def quick_run() -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick"], cwd=ROOT, capture_output=True,
                          text=True, timeout=TIMEOUT_S, check=False)


def _line(output: str, label: str, value: str, status: str = "") -> re.Match[str] | None:
    pattern = rf"^\s+{re.escape(label)}\s+{value}(\s+target .*\b{status})?\s*$"
    return re.search(pattern, output, flags=re.MULTILINE)


def test_quick_run_exits_zero(quick_run: subprocess.CompletedProcess[str]) -> None:
    assert quick_run.returncode == 0, quick_run.stdout[-3000:] + quick_run.stderr[-3000:]
    assert "ERROR" not in quick_run.stdout


@pytest.mark.parametrize("heading", SECTIONS)
def test_every_section_is_printed(quick_run: subprocess.CompletedProcess[str], heading: str) -> None:
    assert heading in quick_run.stdout


@pytest.mark.parametrize(("label", "unit"), RATIO_LINES.items())
def test_ratio_lines(quick_run: subprocess.CompletedProcess[str], label: str, unit: str) -> None:
    assert _line(quick_run.stdout, label, rf"[\d,]+(\.\d+)?{re.escape(unit)}"), quick_run.stdout


def test_cache_verdict(quick_run: subprocess.CompletedProcess[str]) -> None:
    assert _line(quick_run.stdout, "filter change reruns from cache", r"\d+ load/score calls", "(PASS|MISS)")


def test_start_ratio_or_skip(quick_run: subprocess.CompletedProcess[str]) -> None:
    # Without Chromium the harness skips the browser measurement and says so.
    value, status = (r"\d+\.\d+x", "(PASS|MISS)") if CHROMIUM.exists() else ("-", "SKIP")
    assert _line(quick_run.stdout, "ratio app / hello start", value, status), quick_run.stdout


def test_summary_lists_every_target(quick_run: subprocess.CompletedProcess[str]) -> None:
    summary = quick_run.stdout.split("== Summary ==", 1)[-1]
    assert len(re.findall(r"^\s+(PASS|MISS|SKIP)\s", summary, flags=re.MULTILINE)) == 7  # with decide-and-advance


def test_growth_runs_past_the_servers_input_limits(tmp_path, monkeypatch):
    # The growth section scores a million rows, more than the default cell limit; the benchmark raises the
    # limits for its own processes, so a tight limit in the environment must not stop it.
    from benchmarks import generate, run

    monkeypatch.setenv("AIRR_MAX_CELLS", "10")
    roadmap = generate.generate(50, tmp_path / "growth_50.csv")
    warm = generate.generate(20, tmp_path / "warm.csv")
    seconds, proc = run._growth_run(warm.path, roadmap.path, tmp_path / "out.csv")
    assert seconds > 0
    assert json.loads(proc.stdout.strip().splitlines()[-1])["returncode"] == 0
    assert len((tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()) > 10
