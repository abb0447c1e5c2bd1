"""Zombies on every page: the projects of a review that were killed in an earlier review of its portfolio and
came back (same id, a similar name or another custom approach, as core.compare finds them), each with the one
sentence every view and export shows ("Came back: killed on DATE by NAME — 'note'")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from core import compare, labels
from core.store import CURRENT_COLUMNS, Review, Store

COLUMN = "came_back"  # SPEC §6 v3: the CLI's column, and the same name in every export


@dataclass(frozen=True)
class Earlier:
    """The review a came-back warning points to: a scored roadmap and how to name it."""

    scored: pd.DataFrame
    file_name: str
    day: str  # YYYY-MM-DD


def sentences(now: pd.DataFrame, earlier: Earlier | None, decisions: pd.DataFrame | None) -> dict[str, str]:
    """Project id (in `now`) -> "Came back: …" for every zombie; empty without an earlier review.

    `decisions` are the portfolio's current decisions as they stood before this review (decided_before), indexed
    by project id; what counts as killed is core.compare's rule (a kill or rescope decision, or a kill verdict
    nobody decided on), so every page counts the same zombies as Compare."""
    if earlier is None or now is None or not len(now):
        return {}
    result = compare.compare(earlier.scored, now, decisions)
    return {str(z.project_id): sentence(z, earlier) for z in result.zombies.itertuples(index=False)}


def sentence(z: object, earlier: Earlier) -> str:
    """One zombie row of core.compare as the warning every view shows."""
    if getattr(z, "earlier_reviewer", ""):
        day = str(getattr(z, "earlier_recorded_at", ""))[:10]
        note = str(getattr(z, "earlier_note", "") or "")
        text = f"Came back: killed on {day} by {z.earlier_reviewer}" + (f" — '{note}'" if note else "")
    else:
        text = f"Came back: on the kill list of {earlier.file_name} ({earlier.day}), no decision recorded"
    if getattr(z, "earlier_project_id", "") != getattr(z, "project_id", ""):
        # A rename: say what it was called, or nobody in the room connects the two.
        text += f" (then '{z.earlier_project}', {z.earlier_project_id})"
    elif getattr(z, "match", "") == "new approach label":
        text += (f" (now {labels.label('approaches', z.approach_after)}, then "
                 f"{labels.label('approaches', z.approach_before)})")
    return text + "."


def decided_before(history: pd.DataFrame, later_reviews: Iterable[str]) -> pd.DataFrame:
    """The current decision per project as it stood before the reviews in `later_reviews` (their own decisions,
    such as this quarter's meeting keeping a returned project, are left out), indexed by project id."""
    later = set(later_reviews)
    earlier = history[~history["review_id"].isin(later)] if len(history) else history
    latest = earlier.drop_duplicates("project_id", keep="last").set_index("project_id")
    return latest[CURRENT_COLUMNS]


def earlier_review(store: Store, portfolio: str, review: Review | None = None, file_sha1: str | None = None
                   ) -> Review | None:
    """The latest review of the portfolio made before `review` (or, from the command line, the latest of another
    file than `file_sha1`), with its file; None when there is none."""
    found = store.recent_reviews(limit=50, portfolio=portfolio)
    for candidate in sorted(found, key=lambda r: r.created_at, reverse=True):
        if review is not None and candidate.created_at >= review.created_at:  # itself, or later
            continue
        if candidate.file_sha1 == (review.file_sha1 if review is not None else file_sha1):
            continue
        return store.review(candidate.id)
    return None


def same_file_reviews(store: Store, portfolio: str, file_sha1: str) -> list[str]:
    """Ids of the portfolio's reviews of this very file (their decisions are this review's own, not earlier)."""
    return [r.id for r in store.recent_reviews(limit=200, portfolio=portfolio) if r.file_sha1 == file_sha1]


def score_review(review: Review, evidence: Iterable = ()) -> pd.DataFrame | None:
    """A saved review's roadmap scored with its own mapping, assumptions and tasks, and with `evidence` (the
    portfolio's, as the review it is set against is scored: a verdict must not seem to change, or a kill go unseen,
    only because one side was judged without the evidence); None when it cannot be read (its file or its stored
    state no longer fits this version: the warning is then left out, not the page)."""
    from core import config, portfolio, task
    from core.evidence_apply import apply as apply_evidence
    from core.loader import RoadmapError, load_roadmap

    if review.data is None:
        return None
    try:
        roadmap = load_roadmap(review.data, name=review.file_name, mapping=dict(review.mapping))
        cfg = config.make(dict(review.overrides)) if review.overrides else config.defaults()
    except (RoadmapError, config.ConfigError, TypeError):
        return None
    tasks = {pid: t["task"] for pid, t in review.tasks.items() if t["task"] in task.specs()}
    return portfolio.score(apply_evidence(task.set_on_review(roadmap.projects, tasks), evidence), cfg)


def for_review(store: Store, review: Review, now: pd.DataFrame, evidence: Iterable | None = None) -> dict[str, str]:
    """The came-back sentences of a saved review's scored roadmap, against the review before it, both judged with
    the portfolio's stored evidence (`evidence` when the caller has it, e.g. a meeting's as it stood at its end)."""
    before = earlier_review(store, review.portfolio, review)
    if before is not None and evidence is None:
        evidence = store.evidence(review.portfolio)
    scored = score_review(before, evidence or ()) if before is not None else None
    if before is None or scored is None:
        return {}
    own = same_file_reviews(store, review.portfolio, review.file_sha1)
    decisions = decided_before(store.history(review.portfolio), own)
    return sentences(now, Earlier(scored, before.file_name, f"{before.created_at:%Y-%m-%d}"), decisions)
