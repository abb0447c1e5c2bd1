"""Compare two reviews of one portfolio: new and removed projects, verdict changes, the change in
kill-list savings, and zombies (custom models killed earlier that come back)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from core import portfolio
from core.text import for_terminal

KILLED = ("kill", "rescope")
CHANGE_COLUMNS = ["change", "zombie", "project_id", "project", "team", "verdict_before", "verdict_after",
                  "approach_before", "approach_after", "match", "name_similarity", "earlier_project_id",
                  "earlier_project", "earlier_decision", "earlier_reviewer", "earlier_note", "earlier_recorded_at"]
_DATA = Path(__file__).resolve().parent / "data" / "compare.yaml"


@cache
def name_threshold() -> float:
    """The one similarity threshold above which a differently-named project counts as the same one (YAML)."""
    value = float(yaml.safe_load(_DATA.read_text(encoding="utf-8"))["zombie_name_similarity"]["value"])
    if not 0 < value <= 1:
        raise ValueError("zombie_name_similarity must be between 0 and 1")
    return value


def similarity(a: str, b: str) -> float:
    # difflib from the standard library: a ratio over characters is enough for renamed titles, and a
    # fuzzy-matching dependency would buy speed this page does not need (tens of projects).
    def norm(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", str(s).lower()).split())

    return SequenceMatcher(None, norm(a), norm(b)).ratio()


@dataclass
class Comparison:
    """What changed between an earlier (before) and a later (after) review."""

    changes: pd.DataFrame  # one row per new / removed / verdict change / zombie, CHANGE_COLUMNS
    savings_before: float
    savings_after: float
    killed_by: str  # "decisions" when recorded decisions said who was killed, else "verdicts"

    @property
    def savings_change(self) -> float:
        return self.savings_after - self.savings_before

    def of(self, change: str) -> pd.DataFrame:
        return self.changes[self.changes["change"] == change]

    @property
    def zombies(self) -> pd.DataFrame:
        return self.of("zombie")


def killed_earlier(before: pd.DataFrame, decisions: pd.DataFrame | None) -> tuple[pd.DataFrame, str]:
    """The earlier review's killed projects with the decision that killed them.

    Killed means a current kill or rescope decision; a project nobody decided on counts as killed when its
    verdict in the earlier file was `kill` (blank reviewer and note). A meeting that decided half the list must
    not let the other half come back unsaid. `killed_by` says "decisions" when any decision was recorded."""
    rows = before.set_index("project_id", drop=False)
    cols = ["project_id", "project", "approach", "team", "verdict"]
    decided = decisions if decisions is not None and len(decisions) else None
    parts = []
    if decided is not None:
        killed = decided[decided["decision"].isin(KILLED)]
        ids = [i for i in killed.index if i in rows.index]
        out = rows.loc[ids, cols].copy()
        out["earlier_decision"] = killed.loc[ids, "decision"].to_numpy()
        out["earlier_reviewer"] = killed.loc[ids, "reviewer"].to_numpy()
        out["earlier_note"] = killed.loc[ids, "note"].to_numpy()
        out["earlier_recorded_at"] = killed.loc[ids, "recorded_at"].to_numpy()
        parts.append(out)
    undecided = rows if decided is None else rows[~rows.index.isin(decided.index)]
    out = undecided[undecided["verdict"] == "kill"][cols].copy()
    out["earlier_decision"] = "kill (verdict)"
    out["earlier_reviewer"] = ""
    out["earlier_note"] = ""
    out["earlier_recorded_at"] = ""
    parts.append(out)
    return pd.concat(parts).reset_index(drop=True), "decisions" if decided is not None else "verdicts"


def compare(before: pd.DataFrame, after: pd.DataFrame, decisions: pd.DataFrame | None = None,
            threshold: float | None = None) -> Comparison:
    """Compare two scored portfolios. `decisions` is Store.current() of the portfolio as of the later
    review (indexed by project id), or None/empty when nothing was decided."""
    threshold = name_threshold() if threshold is None else threshold
    b = before.set_index("project_id", drop=False)
    a = after.set_index("project_id", drop=False)
    rows: list[dict] = []

    def row(change: str, pid: str, src: pd.Series, **extra: object) -> dict:
        base = {c: "" for c in CHANGE_COLUMNS}
        base.update(change=change, project_id=pid, project=src["project"],
                    team="" if pd.isna(src["team"]) else str(src["team"]))
        base.update(extra)
        return base

    for pid in a.index.difference(b.index, sort=False):
        r = a.loc[pid]
        rows.append(row("new", pid, r, verdict_after=r["verdict"], approach_after=r["approach"]))
    for pid in b.index.difference(a.index, sort=False):
        r = b.loc[pid]
        rows.append(row("removed", pid, r, verdict_before=r["verdict"], approach_before=r["approach"]))
    for pid in a.index.intersection(b.index, sort=False):
        if a.loc[pid, "verdict"] != b.loc[pid, "verdict"]:
            rows.append(row("verdict", pid, a.loc[pid], verdict_before=b.loc[pid, "verdict"],
                            verdict_after=a.loc[pid, "verdict"], approach_before=b.loc[pid, "approach"],
                            approach_after=a.loc[pid, "approach"]))

    killed, killed_by = killed_earlier(before, decisions)
    custom_after = a[a["custom"].astype(bool)]
    taken: set[str] = set()
    for k in killed.itertuples(index=False):
        match, hit, score = _find_return(k, custom_after, taken, threshold)
        if hit is None:
            continue
        taken.add(hit["project_id"])
        rows.append(row("zombie", hit["project_id"], hit, zombie="yes", verdict_before=k.verdict,
                        verdict_after=hit["verdict"], approach_before=k.approach, approach_after=hit["approach"],
                        match=match, name_similarity=round(score, 2), earlier_project_id=k.project_id,
                        earlier_project=k.project, earlier_decision=k.earlier_decision,
                        earlier_reviewer=k.earlier_reviewer, earlier_note=k.earlier_note,
                        earlier_recorded_at=k.earlier_recorded_at))

    # A zombie under another id is one project coming back, not a new one plus a removed one: count it once.
    renamed = [(r["project_id"], r["earlier_project_id"]) for r in rows
               if r["change"] == "zombie" and r["project_id"] != r["earlier_project_id"]]
    now_ids, then_ids = {n for n, _ in renamed}, {t for _, t in renamed}
    rows = [r for r in rows if not (r["change"] == "new" and r["project_id"] in now_ids)
            and not (r["change"] == "removed" and r["project_id"] in then_ids)]
    order = {"zombie": 0, "new": 1, "removed": 2, "verdict": 3}
    changes = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    changes = changes.sort_values("change", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    return Comparison(changes, portfolio.summarize(before).kill_list_savings_usd,
                      portfolio.summarize(after).kill_list_savings_usd, killed_by)


def _find_return(k: object, custom_after: pd.DataFrame, taken: set[str],
                 threshold: float) -> tuple[str, pd.Series | None, float]:
    """Where a killed project comes back as a custom model: its id, else the closest name above the threshold.
    A return under another approach (fine-tune -> from scratch) is named as such; a return on the FM path
    is what the kill asked for and is not a zombie (custom_after holds custom models only)."""
    if k.project_id in custom_after.index and k.project_id not in taken:
        hit = custom_after.loc[k.project_id]
        score = similarity(k.project, hit["project"])
        return ("new approach label" if hit["approach"] != k.approach else "same id"), hit, score
    best, best_score = None, 0.0
    for pid, candidate in custom_after.iterrows():
        if pid in taken:
            continue
        score = similarity(k.project, candidate["project"])
        if score > best_score:
            best, best_score = candidate, score
    if best is None or best_score < threshold:
        return "", None, 0.0
    return ("new approach label" if best["approach"] != k.approach else "similar name"), best, best_score


def describe(c: Comparison) -> str:
    """The comparison as plain text (the CLI's text format): zombies first, each marked ZOMBIE. Every value
    from a roadmap or the history is one line without control characters (for_terminal): a note or name
    could otherwise send escape codes to the terminal or forge a line."""
    t = for_terminal
    lines = [f"Kill-list savings: {c.savings_before:,.0f} -> {c.savings_after:,.0f} USD "
             f"(change {c.savings_change:+,.0f}).",
             f"Killed earlier, from {'recorded decisions' if c.killed_by == 'decisions' else 'kill verdicts'}."]
    for z in c.zombies.itertuples(index=False):
        who = f" by {t(z.earlier_reviewer)}" if z.earlier_reviewer else ""
        note = f" — note: {t(z.earlier_note)}" if z.earlier_note else ""
        lines.append(f"ZOMBIE {t(z.project_id)} {t(z.project)} ({z.match}, earlier {t(z.earlier_project_id)} "
                     f"{t(z.earlier_project)}): {t(z.earlier_decision)}{who}{note}; now {t(z.approach_after)}, "
                     f"verdict {z.verdict_after}.")
    for r in c.of("new").itertuples(index=False):
        lines.append(f"NEW {t(r.project_id)} {t(r.project)}: {r.verdict_after}.")
    for r in c.of("removed").itertuples(index=False):
        lines.append(f"REMOVED {t(r.project_id)} {t(r.project)} (was {r.verdict_before}).")
    for r in c.of("verdict").itertuples(index=False):
        lines.append(f"VERDICT {t(r.project_id)} {t(r.project)}: {r.verdict_before} -> {r.verdict_after}.")
    return "\n".join(lines) + "\n"
