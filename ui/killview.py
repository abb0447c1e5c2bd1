"""The Kill list's cards and grid, built once per inputs and decisions."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core import labels, portfolio
from core.agenda import AGREED
from core.numbers import BLANK, counted
from ui.costs import card_lines
from ui.format import md_money, safe, verdict_badge, verdict_badges
from ui.scoring import assumptions_for, kill_list_for
from ui.storage import decision_frame

CARD_LIMIT = 50  # the list shown as readable cards; the grid below holds every row


def decision_detail(decided: pd.Series) -> str:
    """Who decided, the revisit date (flagged when passed) and the note, as one escaped line; blank when open."""
    parts = [decided["decision_reviewer"]]
    if decided["revisit_on"]:
        parts.append(f"revisit {decided['revisit_on']}" + (" (passed)" if decided["revisit_passed"] else ""))
    parts.append(decided["decision_note"])
    return safe(" · ".join(p for p in parts if p))


def kill_card(rank: int, row: pd.Series, decision: str, horizon: int, detail: str = "", came_back: str = "") -> str:
    """One kill-list project as Markdown a person can read aloud: every sentence in full, nothing in a tooltip."""
    team = f"Team {safe(row['team'])}" if not pd.isna(row["team"]) else "No team given"
    lines = [
        f"**{rank}. {safe(row['project'])}** {verdict_badge(row['verdict'])} "
        + (f"**{md_money(row['projected_savings_usd'])}** projected savings over {counted(horizon, 'year')}"
           if not pd.isna(row["projected_savings_usd"]) else f"**{labels.label('money_status', 'needs_volume')}**"),
        *([f":red-badge[Zombie] **{safe(came_back)}**"] if came_back else []),
        f"{team} · Decision: {labels.label('decisions', decision)}" + (f" ({detail})" if detail else "") + " · "
        f"Build-trap score {int(row['build_trap_score'])} of 100 · Risks: {labels.joined(row['flags'], 'flags')}",
        f"**Recommended alternative:** {safe(row['recommendation'])}.",
        *card_lines(row),
    ]
    if isinstance(row["evidence_needed"], str) and row["evidence_needed"]:
        lines.append(f"**Evidence needed:** {safe(labels.sentences(row['evidence_needed']))}")
    if isinstance(row.get("evidence_used"), str) and row["evidence_used"]:
        lines.append(f"**Evidence used:** {safe(labels.sentences(row['evidence_used']))}")
    return "  \n".join(lines)


@dataclass
class KillView:
    """Everything the Kill list page shows, built once per inputs and decisions (one cache hit per rerun)."""

    cards: list[str]  # one Markdown card per project, in rank order
    table: pd.DataFrame  # the grid: ranked, verdict labels, savings as numbers, decisions in words
    project_ids: list[str]
    projects: list[str]
    teams: list[object]
    verdicts: list[str]
    decisions: list[str]  # machine values, "open" when none
    savings: list[float]
    summary: portfolio.Summary


@st.cache_data(max_entries=16, show_spinner=False)
def kill_view_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple, evidence: tuple,
                  decisions: tuple, came_back: tuple = ()) -> KillView:
    """The Kill list page's cards, grid and filter columns for one set of inputs, decisions and came-back
    warnings ((project id, sentence) pairs, ui.zombies); cached."""
    kill = kill_list_for(data, name, mapping, overrides, tasks, evidence)
    decided = decision_frame(kill["project_id"], decisions)
    status = decided["decision"].tolist()
    h = int(assumptions_for(overrides).horizon_years)
    table = kill[["project", "team", "verdict", "build_trap_score", "projected_savings_usd",
                  "recommendation", "evidence_needed"]].copy()
    table.insert(0, "rank", range(1, len(table) + 1))
    table["verdict"] = verdict_badges(table["verdict"])
    table["team"] = table["team"].fillna(BLANK)
    table["evidence_needed"] = table["evidence_needed"].replace("", BLANK).fillna(BLANK)
    back = dict(came_back)
    table.insert(2, "came_back", [back.get(pid, BLANK) for pid in kill["project_id"]])
    table["decision"] = [labels.label("decisions", d) for d in status]
    table["decision_reviewer"] = decided["decision_reviewer"].replace("", BLANK).to_numpy()
    table["decision_note"] = decided["decision_note"].replace("", BLANK).to_numpy()
    table["revisit_on"] = [(f"{d} (passed)" if p else d) or BLANK
                           for d, p in zip(decided["revisit_on"], decided["revisit_passed"], strict=True)]
    details = [decision_detail(r) for _, r in decided.iterrows()]
    cards = [kill_card(i, row, d, h, detail, back.get(row["project_id"], "")) for i, ((_, row), d, detail)
             in enumerate(zip(kill.iterrows(), status, details, strict=True), start=1)]
    return KillView(cards, table, kill["project_id"].tolist(), kill["project"].tolist(),
                    kill["team"].astype(object).where(kill["team"].notna(), None).tolist(), kill["verdict"].tolist(),
                    status, kill["projected_savings_usd"].astype(float).tolist(), portfolio.summarize(kill))


@dataclass(frozen=True)
class Decided:
    """How far the kill list's decisions have come: projects decided, still open, and the savings agreed."""

    decided: int
    open: int
    agreed_usd: float  # projected savings of the projects whose current decision is kill or rescope


def decided_summary(view: KillView) -> Decided:
    """The kill list's decided / open counts and agreed savings, from the view's current decisions."""
    return _decided(view.decisions, view.savings)


@st.cache_data(max_entries=16, show_spinner=False)
def decided_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple, evidence: tuple,
                decisions: tuple) -> Decided:
    """The same for a page without the Kill list's cards (Home); cached."""
    kill = kill_list_for(data, name, mapping, overrides, tasks, evidence)
    current = {d[0]: d[1] for d in decisions}
    return _decided([current.get(pid, "open") for pid in kill["project_id"]],
                    kill["projected_savings_usd"].astype(float).tolist())


def _decided(decisions: list[str], savings: list[float]) -> Decided:
    decided = sum(d != "open" for d in decisions)
    agreed = sum(s for d, s in zip(decisions, savings, strict=True) if d in AGREED and s == s)  # s == s: not blank
    return Decided(decided, len(decisions) - decided, float(agreed))
