"""The command line's board commands: `slides` (a PowerPoint deck of the kill list) and `minutes` (the minutes of
the latest review of a portfolio, or of a given review, as Markdown or printable HTML)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from core import board

if TYPE_CHECKING:
    from core.meetings import Meeting
    from core.store import Review, Store

MINUTES_FORMATS = ("md", "html")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from core.review_cli import DB_HELP, add_store_args

    p = sub.add_parser("slides", help="write the kill list as a slide deck (PowerPoint)",
                       description="A deck for the board: title, summary, one slide per kill-list project, an appendix "
                                   "of the rest, and the decisions and actions (from the store with --db/--portfolio).")
    p.add_argument("roadmap", help="roadmap file (CSV or XLSX)")
    p.add_argument("--out", required=True, help="the .pptx file to write")
    p.add_argument("--config", help="YAML overriding any subset of the assumptions")
    p.add_argument("--sheet", help="XLSX sheet to read")
    p.add_argument("--portfolio", help="portfolio whose decisions to show (default: the file name without suffixes)")
    add_store_args(p, DB_HELP + "; decisions and evidence are read only when --db or --portfolio is given")
    p.add_argument("--project-slides", type=int, default=None,
                   help="kill-list projects with a slide of their own (default 15); the rest go to the appendix")
    p = sub.add_parser("minutes", help="write the minutes of a review (Markdown or HTML)",
                       description="Minutes of the latest review of a portfolio (or of --review ID), scored from its "
                                   "stored file under its own assumptions.")
    p.add_argument("--portfolio", help="portfolio (default: the most recently reviewed)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--review", help="a review id from the store")
    which.add_argument("--meeting", help="a meeting id from the store")
    p.add_argument("--format", choices=MINUTES_FORMATS, default="md")
    p.add_argument("--out", help="output file (default: standard output)")
    add_store_args(p)


def scenario_words(overrides: dict) -> str:
    from core import scenario

    found = scenario.describe(overrides)
    return "Baseline (all assumptions at their defaults)" if not scenario.changes(overrides) else found


def slides(args: argparse.Namespace, usage_error: type[Exception]) -> bytes:
    from core import config, portfolio, slides
    from core.loader import load_roadmap
    from core.store import StoreError, portfolio_name

    n = slides.PROJECT_SLIDES if args.project_slides is None else args.project_slides
    if not 0 <= n <= 500:
        raise usage_error("--project-slides must be between 0 and 500")
    if Path(args.out).suffix.lower() != ".pptx":
        raise usage_error("--out must name a .pptx file")
    if args.workspace and not (args.db or args.portfolio):
        raise usage_error("--workspace goes with --db or --portfolio: it says whose decisions and evidence to read")
    path = Path(args.roadmap)
    cfg = config.load(args.config)
    roadmap = load_roadmap(path, sheet=args.sheet)
    projects = roadmap.projects
    name = args.portfolio or portfolio_name(path.name)
    current = None
    if args.db or args.portfolio:
        from core.evidence_apply import apply as apply_evidence
        from core.evidence_cli import stored
        from core.review_cli import came_back, open_store
        from core.store import database_url

        url = args.db or database_url()
        try:
            current = open_store(url, usage_error, args.workspace).current(name)
        except StoreError as exc:
            raise usage_error(str(exc).rstrip(".")) from None
        # The verdicts the app shows: with the portfolio's stored evidence, as `score --db --portfolio` has them.
        projects = apply_evidence(projects, stored(str(path), url, name, usage_error, args.workspace))
    scored = portfolio.score(projects, cfg)
    if current is not None:
        # Zombies: the projects an earlier review of the portfolio killed that come back in this file.
        back = came_back(url, name, path, scored, usage_error, args.workspace)
        scored["came_back"] = [back.get(pid, "") for pid in scored["project_id"]]
    pack = board.build(scored, int(cfg.horizon_years), portfolio_name=name, source=path.name,
                       scenario=scenario_words(config.changed(cfg)), current=current)
    return slides.build_deck(pack, n)


def minutes(args: argparse.Namespace, usage_error: type[Exception]) -> str:
    from core import minutes_doc
    from core.review_cli import open_store
    from core.store import StoreError

    store = open_store(args.db, usage_error, args.workspace)
    try:
        if args.meeting:
            pack = meeting_pack(store, args.meeting, usage_error)
        else:
            pack = review_pack(store, _review(store, args, usage_error), usage_error)
    except StoreError as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    return minutes_doc.html_page(pack) if args.format == "html" else minutes_doc.markdown(pack)


def _review(store: Store, args: argparse.Namespace, usage_error: type[Exception]) -> Review:
    if args.review:
        review = store.review(args.review)
        if review is None:
            raise usage_error(f"no review with id '{args.review}' in the store")
        if args.portfolio and review.portfolio != args.portfolio:
            raise usage_error(f"review {args.review} is of portfolio '{review.portfolio}', not '{args.portfolio}'")
        return review
    recent = store.recent_reviews(limit=1, portfolio=args.portfolio)
    if not recent:
        where = f" of portfolio '{args.portfolio}'" if args.portfolio else ""
        raise usage_error(f"no review{where} in the store; open the roadmap in the app or record a decision first")
    review = store.review(recent[0].id)
    if review is None:
        raise usage_error(f"review {recent[0].id} could not be read")
    return review


def review_pack(store: Store, review: Review, usage_error: type[Exception], today: date | None = None,
                meeting: Meeting | None = None, taken: pd.DataFrame | None = None) -> board.Pack:
    """A review scored from its stored file under its own assumptions and task changes, with its portfolio's
    current decisions; or, given a meeting, under the meeting's assumptions with the decisions taken in it."""
    from core import config, portfolio
    from core.evidence_apply import apply as apply_evidence
    from core.loader import load_roadmap
    from core.task import set_on_review

    if review.data is None:
        raise usage_error(f"review {review.id} has no stored file")
    roadmap = load_roadmap(review.data, name=review.file_name, mapping=review.mapping)
    overrides = meeting.overrides if meeting is not None else review.overrides
    try:
        cfg = config.make(overrides) if overrides else config.defaults()
    except config.ConfigError as exc:
        raise usage_error(f"review {review.id}'s saved assumptions no longer fit this version of the app: "
                          f"{str(exc).rstrip('.')}") from None
    projects = set_on_review(roadmap.projects, {pid: t["task"] for pid, t in review.tasks.items()})
    evidence = evidence_then(store, review.portfolio, meeting)
    projects = apply_evidence(projects, evidence)
    scored = portfolio.score(projects, cfg)
    from core import comeback

    back = comeback.for_review(store, review, scored, evidence)
    scored["came_back"] = [back.get(pid, "") for pid in scored["project_id"]]
    if meeting is not None:
        day = meeting.started_at.date()
        latest = taken if taken is not None else pd.DataFrame()
        current = latest.reindex(columns=["decision", "reviewer", "note", "revisit"])
        words = scenario_words(overrides or {})
        return board.build(scored, int(cfg.horizon_years), portfolio_name=meeting.portfolio, source=review.file_name,
                           scenario=f"{meeting.scenario}: {words}" if meeting.scenario else words, current=current,
                           today=today or day, attendees=meeting.attendees,
                           meeting=f"review meeting of {meeting.portfolio}", held_on=day, taken=latest)
    current = store.current(review.portfolio)
    # The review's date is that of its last decision (when the meeting took them), else of the review itself.
    stamps = [str(v)[:10] for v in current["recorded_at"] if str(v)[:10]] if len(current) else []
    day = date.fromisoformat(max(stamps)) if stamps else review.updated_at.date()
    return board.build(scored, int(cfg.horizon_years), portfolio_name=review.portfolio, source=review.file_name,
                       scenario=scenario_words(review.overrides or {}), current=current, today=today or day)


def evidence_then(store: Store, portfolio_name: str, meeting: Meeting | None = None) -> list:
    """The portfolio's stored evidence the app scores with; for a meeting that has ended, only what was attached
    by its end, so its minutes and slides show the verdicts the room saw."""
    records = store.evidence(portfolio_name)
    ended = meeting.ended_at if meeting is not None else None
    if ended is None:
        return records
    ended = ended.replace(tzinfo=None)
    return [r for r in records if r.recorded_at is None or r.recorded_at.replace(tzinfo=None) <= ended]


def meeting_pack(store: Store, meeting_id: str, usage_error: type[Exception]) -> board.Pack:
    """The minutes of a recorded meeting: its attendees, its assumptions, the decisions taken in it with the
    savings as they stood then, and the actions' owners and due dates (core.meetings)."""
    from core import meetings

    found = meetings.minutes_record(store, meeting_id)
    if found is None:
        raise usage_error(f"no meeting with id '{meeting_id}' in the store")
    meeting, taken = found
    review = store.review(meeting.review_id)
    if review is None:
        raise usage_error(f"meeting {meeting_id}'s review can no longer be read")
    return review_pack(store, review, usage_error, meeting=meeting, taken=meetings.latest_taken(taken))
