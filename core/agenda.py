"""A meeting's agenda and its live tally: which projects come up, in which order, how many are decided and how
much of the proposed savings the room has agreed (pure functions over the scored frame and the decisions)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from core import portfolio

AGREED = ("kill", "rescope")  # decisions that take the savings (the custom model does not go ahead)
# The keyboard: one key per decision, in the order the buttons stand (Streamlit keeps C and R for itself).
SHORTCUTS = {"kill": "1", "rescope": "2", "keep": "3", "defer": "4", "needs-evidence": "5"}
PREVIOUS, NEXT = "Left", "Right"


def agenda(scored: pd.DataFrame, include_keep: bool = False) -> list[str]:
    """Project ids in meeting order: the kill list (kill and prove, largest savings first), then, when the
    facilitator includes them, the keep projects (largest savings first)."""
    ids = portfolio.kill_list(scored)["project_id"].astype(str).tolist()
    if include_keep:
        keep = scored[scored["verdict"] == "keep"].sort_values("projected_savings_usd", ascending=False,
                                                               kind="stable", na_position="last")
        ids += [pid for pid in keep["project_id"].astype(str) if pid not in set(ids)]
    return ids


@dataclass(frozen=True)
class Tally:
    """Where the meeting stands."""

    projects: int  # on the agenda
    decided: int  # agenda projects with a decision taken in this meeting
    agreed_usd: float  # savings of the kill and rescope decisions taken, as they stood when taken
    proposed_usd: float  # projected savings of the kill list on the agenda

    @property
    def open(self) -> int:
        return self.projects - self.decided


def tally(ids: list[str], proposed: dict[str, float], taken: Mapping[str, tuple[str, float | None]]) -> Tally:
    """The tally of a meeting. `proposed`: kill-list project id -> projected savings now (blank: needs volume),
    summed as the Kill list's headline sums them; `taken`: project id -> (decision, savings as they stood when
    taken) of the meeting's latest decision on each project (core.meetings.taken_by_project)."""
    on_agenda = [pid for pid in ids if pid in taken]
    agreed = sum(_money(taken[pid][1]) for pid in on_agenda if taken[pid][0] in AGREED)
    return Tally(len(ids), len(on_agenda), agreed, sum(_money(proposed.get(pid)) for pid in ids))


def carried_over(pid: str, before: pd.DataFrame) -> tuple[str, str] | None:
    """(decision, YYYY-MM-DD) of a project's decision taken before this meeting, or None: shown as "carried over
    from DATE" until the meeting confirms it. `before` is indexed by project id (Store.current-like)."""
    if before is None or pid not in before.index:
        return None
    row = before.loc[pid]
    return str(row["decision"]), str(row["recorded_at"])[:10]


def savings_of(row: pd.Series) -> dict[str, float | None]:
    """A project's projected savings and their parts as they stand (the parts only where the scored frame has
    them): what a decision keeps as its savings when taken."""
    keys = ("projected_savings_usd", *portfolio.SAVINGS_PARTS)
    return {k: (None if pd.isna(row[k]) else float(row[k])) for k in keys if k in row.index}


def _money(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0
