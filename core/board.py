"""What goes to the board: one portfolio's scored review, its kill list beside the current decisions, the
savings proposed and agreed (with their split when the money model gives one), the actions and the open items.

Gathered once here so the slide deck (core.slides) and the minutes (core.minutes_doc) say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from core import labels, minutes, portfolio
from core.numbers import BLANK, count, is_blank, money

# The parts a projected saving is made of (money v3). Older scores have none: the split is then left out.
SPLIT_COLUMNS = ("savings_people_usd", "savings_serving_usd", "savings_api_usd", "savings_other_usd")
SPLIT_LABELS = {"savings_people_usd": "People", "savings_serving_usd": "Serving and compute",
                "savings_api_usd": "API", "savings_other_usd": "Other"}
# Decisions that stop the custom build: their projected savings are agreed, the rest only proposed.
AGREED = ("kill", "rescope")


@dataclass(frozen=True)
class Pack:
    """Everything the deck and the minutes show, for one portfolio under one scenario."""

    portfolio: str
    source: str  # the roadmap file's name
    made_on: date
    scenario: str  # "Baseline" or the scenario's name or description
    horizon: int
    scored: pd.DataFrame
    kill: pd.DataFrame  # the kill list, ranked, with decision columns (core.minutes.DECISION_COLUMNS) and came_back
    attendees: tuple[str, ...] = ()
    meeting: str = ""  # the meeting's title when these are a meeting's minutes
    held_on: date | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)  # sentences about what is missing (e.g. no decisions)

    @property
    def summary(self) -> portfolio.Summary:
        return portfolio.summarize(self.scored)


def build(scored: pd.DataFrame, horizon: int, *, portfolio_name: str, source: str, scenario: str,
          current: pd.DataFrame | None = None, today: date | None = None, attendees: tuple[str, ...] = (),
          meeting: str = "", held_on: date | None = None, taken: pd.DataFrame | None = None) -> Pack:
    """A pack from a scored portfolio and the current decisions (Store.current(): indexed by project id).

    `taken`, for a meeting's minutes (core.meetings.latest_taken: by project id), gives each decision's savings as
    they stood when it was taken, and the action's owner and due date."""
    today = today or date.today()
    kill = portfolio.kill_list(scored)
    decided = minutes.current_table(kill["project_id"], current, today)
    for col in minutes.DECISION_COLUMNS:
        kill[col] = decided[col].to_numpy()
    # came_back (core.comeback) is a sentence ("Came back: killed on 2026-09-30 by Dana — note"); older callers
    # give yes/no. The sentence is kept to be shown; the flag says whether there is one.
    if taken is not None and len(taken):
        got = taken.reindex(kill["project_id"])
        kill["savings_at_decision_usd"] = pd.to_numeric(got["savings_usd"], errors="coerce").to_numpy()
        kill["action_owner"] = got["action_owner"].fillna("").astype(str).to_numpy()
        kill["action_due"] = got["action_due"].fillna("").astype(str).to_numpy()
    given = kill["came_back"] if "came_back" in kill.columns else pd.Series([None] * len(kill), index=kill.index)
    kill["came_back_text"] = [_sentence(v) for v in given]
    kill["came_back"] = [_truthy(v) for v in given]
    return Pack(portfolio_name, source, today, scenario, horizon, scored, kill, tuple(attendees), meeting, held_on)


def _truthy(value: object) -> bool:
    if is_blank(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() not in ("no", "false", "0", "n")
    return bool(value)


def _sentence(value: object) -> str:
    """The came-back sentence when the value is one (not a bare yes/no)."""
    if isinstance(value, str) and _truthy(value) and value.strip().lower() not in ("yes", "true", "1", "y"):
        return " ".join(value.split())
    return ""


def has_split(frame: pd.DataFrame) -> bool:
    return all(c in frame.columns for c in SPLIT_COLUMNS)


def total(frame: pd.DataFrame, column: str = "projected_savings_usd") -> float:
    return float(np.nansum(frame[column].to_numpy(dtype="float64"))) if len(frame) else 0.0


def agreed(pack: Pack) -> pd.DataFrame:
    """The kill-list projects whose current decision stops the custom build."""
    return pack.kill[pack.kill["decision"].isin(AGREED)]


def split(frame: pd.DataFrame) -> dict[str, float] | None:
    """Savings by part (people, serving, API, other), or None when the scores carry no split."""
    if not has_split(frame):
        return None
    return {SPLIT_LABELS[c]: total(frame, c) for c in SPLIT_COLUMNS}


def reason(row: pd.Series) -> str:
    """Why the project is on the list, in one or two sentences."""
    risks = labels.joined(row.get("flags"), "flags")
    said = f"Risks flagged: {risks.lower() if risks != BLANK else 'none'}."
    claimed = [j for j in str(row.get("justifications_claimed") or "").split(";") if j]
    if claimed:
        names = " and ".join(labels.label("justifications", j).lower() for j in claimed)
        return f"{said} Claims {names} but has not proven it."
    return f"{said} Claims none of the three exceptions."


def would_change(row: pd.Series) -> str:
    """What would change the verdict: the money model's own sentence when it gives one, else the break-even."""
    given = row.get("would_change")
    if not is_blank(given):
        return str(given)
    parts = []
    be = row.get("break_even_daily_calls")
    if is_blank(be):
        parts.append("No volume makes the custom model cheaper.")
    else:
        parts.append(f"The custom model would pay from {count(be)} calls a day.")
    evidence = labels.sentences(row.get("evidence_needed"))
    parts.append(evidence or "Proof of an exception (domain, scale or regulation) would make it a keep.")
    return " ".join(parts)


def savings_as_decided(row: pd.Series) -> object:
    """The projected savings as they stood when the decision was taken (a meeting's), else as scored now."""
    then = row.get("savings_at_decision_usd")
    return row["projected_savings_usd"] if is_blank(then) else then


def owner(row: pd.Series) -> str:
    """Who owns the action: the meeting's action owner, the project's owner from the roadmap, else who decided."""
    for value in (row.get("action_owner"), row.get("owner"), row.get("decision_reviewer")):
        if not is_blank(value):
            return str(value)
    return ""


def actions(pack: Pack) -> pd.DataFrame:
    """One action per decided project: what to do, who and by when (the revisit date)."""
    words = labels.labels("actions")
    rows = []
    for _, r in pack.kill.iterrows():
        if r["decision"] == "open":
            continue
        due = r.get("action_due") or r["revisit_on"]
        passed = bool(r["revisit_passed"]) if due == r["revisit_on"] else bool(due) and due < pack.made_on.isoformat()
        rows.append({"project": str(r["project"]), "decision": r["decision"],
                     "action": words.get(r["decision"], labels.label("decisions", r["decision"])),
                     "owner": owner(r), "due": due, "passed": passed})
    return pd.DataFrame(rows, columns=["project", "decision", "action", "owner", "due", "passed"])


def open_items(pack: Pack) -> list[str]:
    """What the meeting still has to settle: undecided projects, actions without owner or date, dates passed."""
    items = []
    undecided = pack.kill[pack.kill["decision"] == "open"]
    if len(undecided):
        items.append(f"{len(undecided):,} of {len(pack.kill):,} kill-list projects have no decision yet, "
                     f"{money(total(undecided))} of projected savings.")
    acts = actions(pack)
    for r in acts.itertuples(index=False):
        if not r.owner:
            items.append(f"{r.project}: no owner named for “{r.action.lower()}”.")
        if not r.due:
            items.append(f"{r.project}: no due date for “{r.action.lower()}”.")
        elif r.passed:
            items.append(f"{r.project}: the due date {r.due} has passed.")
    unpriced = int(pack.kill["projected_savings_usd"].isna().sum())
    if unpriced:
        items.append(f"{unpriced:,} kill-list projects need a volume before they can be priced.")
    return items


def came_back(pack: Pack) -> pd.DataFrame:
    """Kill-list projects that an earlier review killed and that came back as custom models (zombies)."""
    return pack.kill[pack.kill["came_back"].astype(bool)]
