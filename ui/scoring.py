"""Cached scoring: everything derived from a file, a mapping, assumption overrides, task changes and the
portfolio's stored evidence."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core import comeback, config, export, minutes, portfolio, scenario, task
from core.evidence_apply import apply as apply_evidence
from core.evidence_apply import from_key
from core.loader import RoadmapError, load_roadmap
from core.schema import DEFAULT_WORKSPACE
from core.store import Review
from ui.storage import decision_frame, store_for


def assumptions_for(overrides: tuple) -> config.Assumptions:
    # The shipped defaults need no validation, so a first visit does not wait for pydantic.
    return config.make(dict(overrides)) if overrides else config.defaults()


# A scored 100,000-row roadmap is about 100 MB in memory, so only a few are kept.
@st.cache_data(max_entries=8, show_spinner=False)
def scored_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple, evidence: tuple = ()) -> tuple:
    """(report, scored, error, headers) for a file, a mapping, assumption overrides, tasks set on the review and the
    portfolio's stored evidence (core.evidence_apply.as_key); cached."""
    cfg = assumptions_for(overrides)
    try:
        roadmap = load_roadmap(data, name=name, mapping=dict(mapping))
    except RoadmapError as exc:
        return None, None, str(exc), exc.headers
    return roadmap.report, portfolio.score(_projects(roadmap.projects, tasks, evidence), cfg), None, []


def _projects(projects: pd.DataFrame, tasks: tuple, evidence: tuple) -> pd.DataFrame:
    projects = task.set_on_review(projects, dict(tasks))
    return apply_evidence(projects, from_key(evidence)) if evidence else projects


def task_key(tasks: dict[str, dict[str, str]]) -> tuple:
    """A review's task changes as part of a cache key: (project id, task) pairs, who and when left out."""
    return tuple(sorted((pid, t["task"]) for pid, t in tasks.items()))


@st.cache_data(max_entries=8, show_spinner=False)
def kill_list_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple,
                  evidence: tuple = ()) -> pd.DataFrame:
    """The ranked kill list for the same inputs as scored_for; cached."""
    return portfolio.kill_list(scored_for(data, name, mapping, overrides, tasks, evidence)[1])


@st.cache_data(max_entries=8, show_spinner=False)
def sensitivity_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple,
                    evidence: tuple = ()) -> pd.DataFrame:
    """The tornado table for the same inputs as scored_for; cached."""
    roadmap = load_roadmap(data, name=name, mapping=dict(mapping))
    return portfolio.sensitivity(_projects(roadmap.projects, tasks, evidence), assumptions_for(overrides))


# The spinner is the cache's own: it shows only while the file is being scored, so a warm rerun starts no
# spinner (each st.spinner starts a timer thread and sends a message, even when the work takes no time).
@st.cache_data(max_entries=8, show_spinner="Scoring the roadmap…")
def error_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple,
              evidence: tuple = ()) -> str | None:
    # A cached copy of a scored frame costs milliseconds to hand out; a page that only needs to know
    # whether the file scored asks this instead.
    report, scored, error, _ = scored_for(data, name, mapping, overrides, tasks, evidence)
    return None if scored is not None else error or "No roadmap is loaded."


@st.cache_data(max_entries=8, show_spinner=False)
def scored_review(review_id: str, url: str, state: tuple, workspace: str = DEFAULT_WORKSPACE,
                  evidence: tuple = ()) -> pd.DataFrame | None:
    """A saved review's roadmap scored with its own mapping, assumptions and tasks, and with the portfolio's stored
    evidence as the review on screen has it (None when it cannot be read).

    `state` (review_state) is part of the cache key only: a review whose state changed since is scored again."""
    review = store_for(url).in_workspace(workspace).review(review_id)
    if review is None or review.data is None:
        return None
    overrides = tuple(sorted(review.overrides.items()))
    return scored_for(review.data, review.file_name, tuple(sorted(review.mapping.items())), overrides,
                      task_key(review.tasks), evidence)[1]


def review_state(review: Review) -> tuple:
    """A saved review's mapping, assumptions and tasks as a cache key (its file never changes)."""
    return (tuple(sorted(review.mapping.items())), tuple(sorted((k, str(v)) for k, v in review.overrides.items())),
            task_key(review.tasks))


@st.cache_data(max_entries=16, show_spinner=False)
def download_for(kind: str, data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple,
                 evidence: tuple, decisions: tuple, scenario_name: str = "", came_back: tuple = ()) -> bytes:
    """One download ("csv", "xlsx" or "brief") for one set of inputs and decisions, stamped with the scenario,
    with each returned project's came-back warning ((project id, sentence) pairs)."""
    scored = scored_for(data, name, mapping, overrides, tasks, evidence)[1]
    kill = kill_list_for(data, name, mapping, overrides, tasks, evidence)
    decided = decision_frame(kill["project_id"], decisions)
    changed = dict(overrides)
    if kind == "brief":
        from core import brief  # lazy: the brief brings altair and the chart renderer

        cfg = assumptions_for(overrides)
        texts = {pid: minutes.decision_text(row) for pid, row in decided.iterrows()}
        return brief.build_brief(scored, kill, portfolio.summarize(scored), cfg, name, texts,
                                 scenario_name=scenario_name, came_back=dict(came_back)).encode("utf-8")
    machine = export.machine_table(kill)
    back = dict(came_back)
    machine[comeback.COLUMN] = [back.get(pid, "") for pid in machine["project_id"]]
    for col in minutes.DECISION_COLUMNS:
        machine[col] = decided[col].to_numpy()
    # Every row names the assumptions it was computed under: a column, not a comment line, so CSV readers cope.
    machine["scenario"] = scenario.tag(changed, scenario_name or None)
    # SPEC §4v3: every export names its discount rate, and shows the owner's ops budget's savings beside ours.
    machine["savings_with_ops_budget_usd"] = export.machine_table_extra(kill)["savings_with_ops_budget_usd"]
    machine["discount_rate"] = assumptions_for(overrides).discount_rate
    if kind == "csv":
        return export.to_csv(machine).encode("utf-8")
    notes = [("Made on", date.today().isoformat()), ("Roadmap file", name),
             ("Scenario", scenario_name or ("baseline" if not changed else "unnamed")),
             ("Changed assumptions", scenario.describe(changed)),
             ("Discount rate", f"{assumptions_for(overrides).discount_rate:.0%} a year (money in today's dollars)")]
    return export.to_xlsx({"kill list": machine, "Assumptions": scenario.assumptions_table(changed)},
                          notes={"Assumptions": notes})
