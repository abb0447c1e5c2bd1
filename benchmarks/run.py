"""Benchmarks for issue 4, "Speed at scale": every figure, every ratio, PASS/MISS against each target.

`python -m benchmarks.run [--quick] [--workdir DIR] [--skip SECTION ...]`

Ratios are measured side by side in one run (medians of several runs, interleaved), because absolute
seconds on a shared 2-core machine mean little while a ratio against a baseline measured alongside
holds. Targets are reported, not asserted: the exit status is 0 whenever every section produced its
figures and 1 only when the harness itself (or the thing it measures) fails to run, so CI can run
`--quick` to prove the harness still works without turning a slow day into a red build.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import generate
from benchmarks.measure import PYTHON, ROOT, ProcessRun, bench_env, check, median, run_process

SECTIONS = ("pipeline", "growth", "app", "start")


@dataclass(frozen=True)
class Plan:
    """Sizes and repetitions; the full plan is the issue's, the quick one only proves the harness runs."""

    pipeline_rows: int
    pipeline_runs: int
    growth_sizes: tuple[int, ...]
    growth_runs: int
    app_projects: int
    app_runs: int
    meeting_kill_list: int  # projects on the kill list the Meeting page goes through
    start_runs: int
    warmup: bool


FULL = Plan(pipeline_rows=100_000, pipeline_runs=5, growth_sizes=(10_000, 100_000, 1_000_000), growth_runs=3,
            app_projects=1_000, app_runs=5, meeting_kill_list=1_000, start_runs=5, warmup=True)
QUICK = Plan(pipeline_rows=2_000, pipeline_runs=2, growth_sizes=(2_000, 5_000, 10_000), growth_runs=1,
             app_projects=250, app_runs=2, meeting_kill_list=50, start_runs=1, warmup=False)


@dataclass
class Section:
    """What one benchmark found, in print order: rows of (label, value, target, status); figures have no target."""

    title: str
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def figure(self, label: str, value: str) -> None:
        self.rows.append((label, value, "", ""))

    def target(self, label: str, value: float, limit: float, unit: str = "x") -> None:
        status = "PASS" if value <= limit else "MISS"
        self.rows.append((label, _num(value, unit), f"<= {_num(limit, unit)}", status))

    def verdict(self, label: str, value: str, limit: str, ok: bool) -> None:
        self.rows.append((label, value, limit, "PASS" if ok else "MISS"))

    def skip(self, label: str, limit: str) -> None:
        self.rows.append((label, "-", limit, "SKIP"))

    @property
    def targets(self) -> list[tuple[str, str, str, str]]:
        return [row for row in self.rows if row[3]]


def _num(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:.3f} {unit}"


def _secs(values: list[float]) -> str:
    # The median is the figure; the spread shows how much to trust it.
    return f"{median(values):.3f} s  (runs: {', '.join(f'{v:.3f}' for v in values)})"


# ---------------------------------------------------------------- pipeline

def _read_csv_cmd(path: Path) -> list[str]:
    return [PYTHON, "-c", f"import pandas; pandas.read_csv({str(path)!r})"]


def _score_cmd(path: Path, out: Path) -> list[str]:
    return [PYTHON, "-m", "core", "score", str(path), "--out", str(out)]


def _cli_summary(run: ProcessRun) -> str:
    """The CLI's own last stderr line ("N projects scored, M rows rejected of R rows in ...")."""
    lines = [ln for ln in run.stderr.strip().splitlines() if " scored, " in ln]
    return lines[-1] if lines else "(no summary line on stderr)"


def pipeline(plan: Plan, workdir: Path) -> Section:
    roadmap = generate.generate(plan.pipeline_rows, workdir / f"pipeline_{plan.pipeline_rows}.csv")
    out = workdir / "pipeline_out.csv"
    sec = Section(f"Pipeline: {roadmap.rows:,}-row messy roadmap, whole processes, median of {plan.pipeline_runs}")
    if plan.warmup:  # the file in the page cache before anything is timed (bytecode: compile_project)
        check(run_process(_read_csv_cmd(roadmap.path)), "read_csv warm-up")
        check(run_process(_score_cmd(roadmap.path, out)), "core score warm-up")
    base: list[ProcessRun] = []
    score: list[ProcessRun] = []
    for _ in range(plan.pipeline_runs):  # interleaved, so machine drift hits both alike
        base.append(check(run_process(_read_csv_cmd(roadmap.path)), "pandas.read_csv"))
        score.append(check(run_process(_score_cmd(roadmap.path, out)), "python -m core score"))
    base_s, score_s = median([r.seconds for r in base]), median([r.seconds for r in score])
    peak = max(r.max_rss_mb for r in score)
    sec.figure("pandas.read_csv (bare process)", _secs([r.seconds for r in base]))
    sec.figure("python -m core score --out out.csv", _secs([r.seconds for r in score]))
    sec.figure("max RSS, pandas.read_csv", f"{max(r.max_rss_mb for r in base):,.0f} MB")
    sec.figure("max RSS, core score (peak of all runs)", f"{peak:,.0f} MB")
    sec.figure("core score said", _cli_summary(score[-1]))
    sec.target("ratio score / read_csv (time)", score_s / base_s, 3.0)
    sec.target("peak memory of core score", peak, 500.0, "MB")
    return sec


# ---------------------------------------------------------------- growth

# The growth section measures the engine's cost per row up to a million rows, past the server's default
# input limits (core.limits); those are administrator settings, so the benchmark raises them for itself.
GROWTH_LIMITS = {"AIRR_MAX_CELLS": str(10**9), "AIRR_MAX_INPUT_BYTES": str(10**10), "AIRR_MAX_ROWS": str(10**8)}


def _growth_run(warm: Path, path: Path, out: Path) -> tuple[float, ProcessRun]:
    run = check(run_process([PYTHON, "-m", "benchmarks.timed_score", str(warm), str(path), str(out)],
                            env={**os.environ, **GROWTH_LIMITS}), "timed core score")
    return float(json.loads(run.stdout.strip().splitlines()[-1])["seconds"]), run


def growth(plan: Plan, workdir: Path) -> Section:
    sizes = plan.growth_sizes
    sec = Section(f"Growth: {' -> '.join(f'{n:,}' for n in sizes)} rows, median of {plan.growth_runs}")
    warm = generate.generate(20, workdir / "growth_warmup.csv").path
    out = workdir / "growth_out.csv"
    per_row: list[float] = []
    works: list[float] = []
    for n in sizes:
        roadmap = generate.generate(n, workdir / f"growth_{n}.csv")
        runs = [_growth_run(warm, roadmap.path, out) for _ in range(plan.growth_runs)]
        work = median([s for s, _ in runs])
        whole = median([r.seconds for _, r in runs])
        per_row.append(work / n)
        works.append(work)
        sec.figure(f"{n:>9,} rows: scoring work", _secs([s for s, _ in runs]))
        sec.figure(f"{n:>9,} rows: per row (work)", f"{work / n * 1e6:.2f} us/row")
        sec.figure(f"{n:>9,} rows: per row (whole process)", f"{whole / n * 1e6:.2f} us/row  "
                   f"(process {whole:.3f} s, max RSS {max(r.max_rss_mb for _, r in runs):,.0f} MB)")
    sec.notes.append("work = the CLI timed in-process after a warm-up run on a 20-row file, i.e. without the "
                     "fixed start-up (imports, vocabularies) that would swamp the small sizes")
    # The slope between sizes is the cost of one more row; a fixed per-file cost cancels out of it,
    # so it tells super-linear work (it rises) apart from a constant that only weighs on small files.
    for i in range(1, len(sizes)):
        slope = (works[i] - works[i - 1]) / (sizes[i] - sizes[i - 1])
        sec.figure(f"marginal per row {sizes[i - 1]:,} -> {sizes[i]:,}", f"{slope * 1e6:.2f} us/row")
    sec.target("ratio max/min per-row time (work)", max(per_row) / min(per_row), 1.2)
    return sec


# ---------------------------------------------------------------- app

def app(plan: Plan, workdir: Path) -> Section:
    roadmap = generate.generate(generate.rows_for(plan.app_projects), workdir / f"app_{plan.app_projects}.csv")
    meeting_roadmap = _kill_list_roadmap(plan.meeting_kill_list, workdir)
    result_path = workdir / "app_bench.json"
    check(run_process([PYTHON, "-m", "benchmarks.app_bench", str(roadmap.path), "--runs", str(plan.app_runs),
                       "--meeting-roadmap", str(meeting_roadmap), "--json", str(result_path)], env=bench_env(workdir)),
          "app benchmark (AppTest)")
    res = json.loads(result_path.read_text(encoding="utf-8"))
    kill, folio = res["kill_list"], res["portfolio"]
    sec = Section(f"App (AppTest): {kill['projects']:,}-project portfolio, median of {plan.app_runs} warm reruns")
    sec.figure("Kill list first run", f"{kill['kill_first']:.3f} s")
    sec.figure("Kill list warm rerun", _secs(kill["kill_warm"]))
    sec.figure(f"bare page (same {kill['cards']} cards + table) warm rerun", _secs(kill["bare_warm"]))
    sec.target("ratio kill list / bare page (warm rerun)", median(kill["kill_warm"]) / median(kill["bare_warm"]), 2.0)
    meeting = res["meeting"]
    sec.figure(f"Meeting: start on a {meeting['kill_list']:,}-project kill list", f"{meeting['start']:.3f} s")
    sec.figure("Meeting: decide-and-advance rerun", _secs(meeting["decide_warm"]))
    sec.figure("bare page, same run", _secs(meeting["bare_warm"]))
    sec.target("ratio decide-and-advance / bare page", median(meeting["decide_warm"]) / median(meeting["bare_warm"]),
               1.5)
    sec.figure("Portfolio first run (loads + scores)", f"{folio['first']:.3f} s")
    sec.figure("Portfolio rerun after a filter change", _secs(folio["filter"]))
    sec.figure("ratio filter rerun / first run", f"{median(folio['filter']) / folio['first']:.2f}x")
    calls = folio["score_calls_during_filters"] + folio["load_calls_during_filters"]
    sec.figure("load/score calls: first run, filter reruns",
               f"{folio['score_calls_first']}, {calls}")
    # "Reruns from cache" is a yes/no fact: the filter reruns must not load or score again.
    sec.verdict("filter change reruns from cache", f"{calls} load/score calls", "0 calls", calls == 0)
    return sec


def _kill_list_roadmap(projects: int, workdir: Path) -> Path:
    """A generated roadmap whose kill list holds at least `projects` projects (about 38 % of a generated roadmap
    is on it), the smallest found in 5 % steps."""
    from core import config, portfolio
    from core.loader import load_roadmap

    size = int(projects / 0.38)
    while True:
        path = generate.generate(generate.rows_for(size), workdir / f"meeting_{size}.csv").path
        on_list = len(portfolio.kill_list(portfolio.score(load_roadmap(path).projects, config.defaults())))
        if on_list >= projects:
            return path
        size = int(size * 1.05) + 1


# ---------------------------------------------------------------- start

def start(plan: Plan, workdir: Path) -> Section:
    from benchmarks import start_bench  # playwright is only needed for this section

    sec = Section(f"Start: streamlit run -> first rendered page in Chromium, median of {plan.start_runs}")
    if not start_bench.CHROMIUM.exists():
        sec.notes.append(f"skipped: {start_bench.CHROMIUM} is absent")
        sec.skip("ratio app / hello start", "<= 2.00x")
        return sec
    times = start_bench.measure(plan.start_runs, plan.warmup, workdir)
    sec.figure("hello world (st.title)", _secs(times["hello"]))
    sec.figure("app.py (Home)", _secs(times["app"]))
    sec.notes.append("timed from Popen to the h1 rendered and the script finished; Chromium was launched "
                     "beforehand so its own start-up is in neither figure")
    sec.target("ratio app / hello start", median(times["app"]) / median(times["hello"]), 2.0)
    return sec


# ---------------------------------------------------------------- report

RUNNERS: dict[str, Callable[[Plan, Path], Section]] = {
    "pipeline": pipeline, "growth": growth, "app": app, "start": start}


def print_section(sec: Section) -> None:
    print(f"\n== {sec.title} ==")
    width = max((len(label) for label, *_ in sec.rows), default=0)
    for label, value, limit, status in sec.rows:
        if status:
            print(f"  {label:<{width}}  {value:<20} target {limit:<12} {status}")
        else:
            print(f"  {label:<{width}}  {value}")
    for note in sec.notes:
        print(f"  note: {note}")
    sys.stdout.flush()  # progress shows as each section ends, even when piped


def print_summary(sections: list[Section], errors: dict[str, str]) -> None:
    print("\n== Summary ==")
    for sec in sections:
        for label, value, limit, status in sec.targets:
            print(f"  {status:<5} {label}: {value} (target {limit})")
    for name, message in errors.items():
        print(f"  ERROR {name}: {message.splitlines()[0] if message else ''}")


def run_sections(plan: Plan, names: list[str], workdir: Path) -> tuple[list[Section], dict[str, str]]:
    sections: list[Section] = []
    errors: dict[str, str] = {}
    for name in names:
        started = time.perf_counter()
        try:
            sec = RUNNERS[name](plan, workdir)
        except Exception as exc:  # noqa: BLE001 - one broken section must not hide the others' figures
            errors[name] = str(exc) or type(exc).__name__
            print(f"\n== {name}: ERROR ==\n{traceback.format_exc()}", flush=True)
            continue
        sec.notes.append(f"section took {time.perf_counter() - started:.1f} s")
        print_section(sec)
        sections.append(sec)
    return sections, errors


def describe_tree() -> str:
    """The code being measured: commit and uncommitted app/core files, since figures move with every change."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--", "core", "app.py", "ui", "pages").splitlines()
    return f"{head}" + (f" + {len(dirty)} uncommitted app/core file(s)" if dirty else " (clean)")


def load_average() -> str:
    # On a shared 2-core box other work skews every figure; the load average says how much to trust them.
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def compile_project() -> str:
    """Write the project's bytecode before anything is timed, as any install's first run does. A warm-up run
    alone does not where PYTHONDONTWRITEBYTECODE is set (this sandbox sets it), and every timed `python -m core`
    then compiled the project's 50-odd modules from source again: about 0.1 s of a 1.3 s run, a cost the
    baseline (pandas, byte-compiled when pip installed it) never pays."""
    import compileall

    dirs = [ROOT / d for d in ("core", "ui", "benchmarks")]
    ok = all(compileall.compile_dir(d, quiet=1) for d in dirs)
    said = "bytecode written for core/, ui/ and benchmarks/" if ok else "bytecode could not be written everywhere"
    flag = " (PYTHONDONTWRITEBYTECODE is set here)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return said + flag


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, 1-2 runs: proves the harness runs")
    parser.add_argument("--workdir", type=Path, help="keep inputs and outputs here (default: a temp dir)")
    parser.add_argument("--skip", nargs="*", choices=SECTIONS, default=[], help="sections to leave out")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    names = [s for s in SECTIONS if s not in args.skip]
    print(f"AI Roadmap Review benchmarks ({'quick' if args.quick else 'full'}): {', '.join(names)}")
    print(f"  code: {describe_tree()}; {load_average()}", flush=True)
    if plan.warmup:
        print(f"  {compile_project()}", flush=True)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        sections, errors = run_sections(plan, names, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="airr-bench-") as tmp:
            sections, errors = run_sections(plan, names, Path(tmp))
    print_summary(sections, errors)
    print(f"  at the end: {load_average()}")
    if args.quick:
        print("  (quick mode: sizes are below the issue's; the PASS/MISS above only prove the harness runs)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

