"""The corpus of hostile and messy files (tests/corpus/): each file's expected outcome, in expected.csv, checked
through the command line (a real subprocess) and through an upload in the app (AppTest).

expected.csv, one line per file: input (roadmap or config), outcome (loaded, refused, accepted), how many
rows were scored, rejected and warned about, the short form of each reject reason, and the message: for a
refused file its whole sentence, for a loaded one a notice the loader must give about the file.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
EXPECTED = list(csv.DictReader((CORPUS / "expected.csv").open(encoding="utf-8")))
ROADMAPS = [e for e in EXPECTED if e["input"] == "roadmap"]
CONFIGS = [e for e in EXPECTED if e["input"] == "config"]
TIMEOUT = 120
# What core.text.clean removes: no written cell may hold one.
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?$")  # a negative saving is a number, not a formula
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def short(reason: str) -> str:
    """A reject reason without its explanation ("approach not recognized; expected ..." -> the first part)."""
    return reason.split(";")[0].split(", not")[0].split(":")[0].strip()


def test_the_corpus_is_large_and_every_file_has_an_expected_outcome():
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.csv"}
    assert len(files) >= 60
    assert files == {e["file"] for e in EXPECTED}
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 4_000_000  # tiny files, big claims


# Each CLI run is capped: address space (a file that tried to build billions of cells would die of
# MemoryError instead of taking the machine) and CPU seconds (the kernel stops a run that loops). A hostile
# file must be refused well inside both, with its one sentence; the peak memory is checked as well.
MEMORY_CAP = 1 << 30
CPU_CAP_S = 20
PEAK_MB = 400
_BOUNDED = (
    "import resource, runpy, sys\n"
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))\n"
    f"resource.setrlimit(resource.RLIMIT_CPU, ({CPU_CAP_S}, {CPU_CAP_S}))\n"
    "sys.argv = ['python -m core', *sys.argv[1:]]\n"
    "runpy.run_module('core', run_name='__main__', alter_sys=True)\n"
)


@dataclass
class Run:
    code: int
    stderr: str
    peak_mb: float
    cpu_s: float
    out: Path
    rejects: Path


def _command(case: dict, out: Path, rejects: Path) -> list[str]:
    path = str(CORPUS / case["file"])
    if case["input"] == "config":
        args = [str(ROOT / "sample_portfolios" / "bank.csv"), "--config", path, "--out", str(out)]
    else:
        args = [path, "--out", str(out), "--rejects", str(rejects)]
    return [sys.executable, "-c", _BOUNDED, "score", *args]


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """Every corpus file through the CLI under the caps, two processes at a time; each run's own peak memory
    and CPU time come from wait4()."""
    base = tmp_path_factory.mktemp("cli")

    def run(case: dict) -> Run:
        out, rejects, err = (base / f"{case['file']}.{part}" for part in ("out.csv", "rejects.csv", "stderr"))
        with err.open("wb") as err_fh:
            proc = subprocess.Popen(_command(case, out, rejects), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err_fh)
        watchdog = threading.Timer(TIMEOUT, proc.kill)  # only for a hung run; the caps above do the bounding
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        return Run(proc.returncode, err.read_text(encoding="utf-8", errors="replace"), usage.ru_maxrss / 1024,
                   usage.ru_utime + usage.ru_stime, out, rejects)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([e["file"] for e in EXPECTED], pool.map(run, EXPECTED), strict=True))


@pytest.mark.parametrize("case", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_cli_gives_the_expected_outcome_within_bounded_memory_and_time(case, cli_runs):
    run = cli_runs[case["file"]]
    assert run.code >= 0, f"killed by signal {-run.code} (CPU cap {CPU_CAP_S} s): {run.stderr[-300:]}"
    assert run.peak_mb < PEAK_MB, f"peak {run.peak_mb:.0f} MB"
    assert run.cpu_s < CPU_CAP_S
    assert "Traceback" not in run.stderr
    assert "\x1b" not in run.stderr  # terminal escape codes never reach the terminal
    if case["outcome"] == "refused":
        assert run.code == 2, run.stderr
        assert run.stderr.strip().splitlines() == [f"error: {case['message']}"]
        assert not run.out.exists()
        return
    assert run.code == 0, run.stderr
    if case["input"] == "config":
        return
    with run.out.open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == int(case["scored"])
    for written in (run.out, run.rejects):  # no formula and no control character in any cell (issue 17)
        with written.open(encoding="utf-8") as fh:
            cells = [c for row in csv.reader(fh) for c in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) and not _NUMBER.match(c)
                    or _CONTROL.search(c)]
    with run.rejects.open(encoding="utf-8") as fh:
        rejected = list(csv.DictReader(fh))
    assert len(rejected) == int(case["rejected"])
    assert sorted({short(r["reason"]) for r in rejected}) == sorted(filter(None, case["reasons"].split("|")))
    warned = [ln for ln in run.stderr.splitlines() if ln.startswith("warning:")]
    if int(case["warnings"]) <= 20:  # the CLI lists the first 20
        assert len(warned) == int(case["warnings"])
    if case["message"]:
        assert f"notice: {case['message']}" in run.stderr.splitlines()


def _shown(markdown: str) -> str:
    """What a reader sees of escaped Markdown (backslashes and invisible word joiners dropped)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


@pytest.fixture(scope="module")
def own_database(tmp_path_factory):
    # The app's decision log goes to a file of the test's own, never the developer's decisions.db.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRR_DATABASE_URL", f"sqlite:///{tmp_path_factory.mktemp('db') / 'decisions.db'}")
        yield


@pytest.fixture(scope="module")
def home(own_database):
    # One session for every upload, as a user would do it; a fresh AppTest per file would triple the time.
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()


@pytest.mark.parametrize("case", ROADMAPS, ids=[e["file"] for e in ROADMAPS])
def test_app_upload_gives_the_expected_outcome(case, home):
    at = home
    data = (CORPUS / case["file"]).read_bytes()
    at.file_uploader(key="upload_roadmap").set_value((case["file"], data, "text/csv")).run()
    assert not at.exception
    errors = [_shown(e.value) for e in at.error]
    if case["outcome"] == "refused":
        assert errors == [case["message"]]
        return
    assert errors == []
    projects = [m.value for m in at.metric if m.label == "Projects"]
    assert projects == [f"{int(case['scored']):,}"]
    tables = [df.value for df in at.dataframe if "reason" in df.value.columns and "row" in df.value.columns]
    rejected = len(tables[0]) if int(case["rejected"]) else 0
    assert rejected == int(case["rejected"])
    if case["message"]:
        assert case["message"] in [_shown(w.value) for w in at.warning]


@pytest.fixture(scope="module")
def assumptions_page(own_database):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/4_Assumptions.py").run()
    return at


@pytest.mark.parametrize("case", CONFIGS, ids=[e["file"] for e in CONFIGS])
def test_app_assumptions_upload_gives_the_expected_outcome(case, assumptions_page):
    at = assumptions_page
    data = (CORPUS / case["file"]).read_bytes()
    at.file_uploader(key="upload_assumptions").set_value((case["file"], data, "text/yaml")).run()
    assert not at.exception
    errors = [_shown(e.value) for e in at.error]
    if case["outcome"] == "refused":
        assert errors == [f"{case['message']} The previous assumptions are kept."]
        # Nothing the size of the input reaches the browser.
        assert all(len(e.value) < 600 for e in at.error)
    else:
        assert errors == []
