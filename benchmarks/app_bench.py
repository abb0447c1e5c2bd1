"""Child process for the app benchmark (AppTest): Kill list reruns and Portfolio filter changes.

`python -m benchmarks.app_bench ROADMAP.csv --runs N --json OUT.json`

It runs as its own process so Streamlit's process-wide caches start empty (the Portfolio "first run"
really loads and scores) and so an app crash is reported by the harness instead of killing it.
"""

from __future__ import annotations

import argparse
import functools
import json
import pickle
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from core import config, loader, portfolio

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 120
# The bare page renders the same content as the Kill list, without the app: the same cards (one bordered
# container with one Markdown block each, the texts captured from the Kill list's own run) and the same table.
# Cards cost about 0.3 ms each, so a baseline without them would flatter nothing and hide their cost.
BARE_PAGE = """\
import pickle

import streamlit as st

with open({path!r}, "rb") as f:
    cards, table = pickle.load(f)
for text in cards:
    st.container(border=True).markdown(text)
st.dataframe(table)
"""
CARD = re.compile(r"^\*\*\d+\. ")

# How often the expensive steps ran; read before and after the filter changes to prove the cache served them.
CALLS: Counter[str] = Counter()


def _count_calls(module: Any, name: str) -> None:
    """Wrap module.name so each call is counted (done before the app imports it, so its import sees the wrapper)."""
    original: Callable[..., Any] = getattr(module, name)

    @functools.wraps(original)
    def counted(*args: Any, **kwargs: Any) -> Any:
        CALLS[name] += 1
        return original(*args, **kwargs)

    setattr(module, name, counted)


def _timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    _fail_on_errors(at)
    return seconds


def _fail_on_errors(at: AppTest) -> None:
    if len(at.exception):
        raise RuntimeError(f"the app raised: {at.exception[0].value}")
    if len(at.error):
        raise RuntimeError(f"the app showed an error: {at.error[0].value}")


def _expect_title(at: AppTest, title: str) -> None:
    titles = [t.value for t in at.title]
    if title not in titles:
        raise RuntimeError(f"expected the page titled {title!r}, got {titles}")


def _app_with_roadmap(source: dict[str, Any]) -> AppTest:
    """The app as the brief loads it: Home first, then the roadmap put in session state as an upload."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    _timed_run(at)
    at.session_state["source"] = source
    return at


def portfolio_filters(source: dict[str, Any], runs: int) -> dict[str, Any]:
    """First Portfolio run on the roadmap (loads and scores it) vs reruns after a verdict filter change."""
    at = _app_with_roadmap(source)
    at.switch_page("pages/1_Portfolio.py")
    before_first = CALLS.copy()
    first = _timed_run(at)
    _expect_title(at, "Portfolio")
    opts = list(at.multiselect(key="filter_verdict").options)
    # Each rerun changes the filter to a different selection, ending on a clear.
    choices = [opts[:1], opts[:2], opts[-1:], []]
    before = CALLS.copy()
    times = []
    for i in range(runs):
        at.multiselect(key="filter_verdict").set_value(choices[i % len(choices)])
        times.append(_timed_run(at))
    return {"first": first, "filter": times,
            "score_calls_first": CALLS["score"] - before_first["score"],
            "score_calls_during_filters": CALLS["score"] - before["score"],
            "load_calls_during_filters": CALLS["load_roadmap"] - before["load_roadmap"]}


def kill_list_vs_bare(source: dict[str, Any], runs: int, workdir: Path) -> dict[str, Any]:
    """Warm reruns of the Kill list page vs a bare page that renders the same cards and table."""
    at = _app_with_roadmap(source)
    _timed_run(at)  # Home on the roadmap: scores it into the cache, as a user would see first
    first = _timed_run(at.switch_page("pages/3_Kill_list.py"))
    _expect_title(at, "Kill list")
    roadmap = loader.load_roadmap(source["data"], name=source["name"])
    scored = portfolio.score(roadmap.projects, config.make({}))
    cards = [m.value for m in at.markdown if CARD.match(m.value)]
    expected_cards = min(len(portfolio.kill_list(scored)), 50)
    if len(cards) != expected_cards:
        raise RuntimeError(f"expected {expected_cards} cards on the Kill list, found {len(cards)}")
    pickle_path = workdir / "kill_page.pkl"
    with open(pickle_path, "wb") as f:
        pickle.dump((cards, at.dataframe[0].value), f)
    bare_path = workdir / "bare_page.py"
    bare_path.write_text(BARE_PAGE.format(path=str(pickle_path)), encoding="utf-8")
    bare = AppTest.from_file(str(bare_path), default_timeout=TIMEOUT)
    _timed_run(bare)
    # One untimed rerun each: the first rerun fills what the first run left (caches, imports).
    _timed_run(at)
    _timed_run(bare)
    kill_times, bare_times = [], []
    for _ in range(runs):  # interleaved, so drift on the machine hits both alike
        kill_times.append(_timed_run(at))
        bare_times.append(_timed_run(bare))
    return {"kill_first": first, "kill_warm": kill_times, "bare_warm": bare_times, "projects": len(scored),
            "cards": len(cards), "bare": bare}


MEETING_DECISIONS = ("kill", "rescope", "keep", "defer", "needs-evidence")
PROJECT_OF = re.compile(r"^### Project ([\d,]+) of ([\d,]+)$")


def _meeting_position(at: AppTest) -> tuple[int, int]:
    for m in at.markdown:
        if found := PROJECT_OF.match(m.value):
            return int(found.group(1).replace(",", "")), int(found.group(2).replace(",", ""))
    raise RuntimeError("the Meeting page shows no 'Project k of n'")


def meeting_vs_bare(source: dict[str, Any], runs: int, bare: AppTest) -> dict[str, Any]:
    """Decide and advance on the Meeting page (one click records the decision in the meeting, with the savings as
    they stand, and shows the next project) vs the bare page of the Kill list figure, in the same process."""
    at = _app_with_roadmap(source)
    _timed_run(at)  # Home on the roadmap: scores it, as a user would see first
    _timed_run(at.switch_page("pages/7_Meeting.py"))
    _expect_title(at, "Meeting")
    at.text_input(key="meeting_facilitator").set_value("Benchmark")
    at.text_area(key="meeting_attendees").set_value("Benchmark, Sam Lee")
    at.button(key="meeting_start_button").click()
    first = _timed_run(at)  # builds the meeting's agenda and every project's screen once
    at_project, on_agenda = _meeting_position(at)
    # One untimed decision each, as before the Kill list figure: the first click fills what the first run left.
    at.button(key="meeting_decide_kill").click()
    _timed_run(at)
    _timed_run(bare)
    times, bare_times = [], []
    for k in range(runs):
        at.button(key=f"meeting_decide_{MEETING_DECISIONS[k % len(MEETING_DECISIONS)]}").click()
        times.append(_timed_run(at))
        bare_times.append(_timed_run(bare))
        if _meeting_position(at)[0] != at_project + k + 2:
            raise RuntimeError(f"decide-and-advance did not move on: {_meeting_position(at)}")
    return {"start": first, "decide_warm": times, "bare_warm": bare_times, "kill_list": on_agenda}


def _compile_scripts_once() -> None:
    """Reruns as a server runs them: each script compiled once per process, not once per rerun.

    AppTest makes a new ScriptCache on every run, so every timed rerun compiled app.py and the page again
    (about 4 ms for the Kill list, 0.1 ms for the ten-line bare page), a cost the ratio charged to the page
    while a server, whose one ScriptCache lives as long as the process, never pays it after the first run.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    for module in (app_test, local_script_runner):
        if not hasattr(module, "ScriptCache"):
            raise RuntimeError(f"{module.__name__} no longer builds its own ScriptCache; revisit this benchmark")
        module.ScriptCache = lambda: shared


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.app_bench")
    parser.add_argument("roadmap", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--meeting-roadmap", type=Path, help="a roadmap with the kill list the meeting goes through")
    parser.add_argument("--json", type=Path, required=True, help="where to write the timings")
    args = parser.parse_args(argv)
    _compile_scripts_once()
    _count_calls(portfolio, "score")
    _count_calls(loader, "load_roadmap")
    # Put in session state as an upload would, without saving it as a review: an upload writes its review
    # once, while the figures here are the reruns that follow, which read decisions as they always did.
    source = {"name": "big.csv", "data": args.roadmap.read_bytes(), "origin": "upload", "portfolio": "big"}
    # Portfolio first: its first run must find the cache empty to show what a filter change saves.
    result = {"portfolio": portfolio_filters(source, args.runs)}
    with tempfile.TemporaryDirectory(prefix="airr-bare-") as tmp:
        result["kill_list"] = kill_list_vs_bare(source, args.runs, Path(tmp))
        bare = result["kill_list"].pop("bare")
        if args.meeting_roadmap:
            meeting_source = {"name": "meeting.csv", "data": args.meeting_roadmap.read_bytes(), "origin": "upload",
                              "portfolio": "meeting"}
            result["meeting"] = meeting_vs_bare(meeting_source, args.runs, bare)
    args.json.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
