"""The command line's review commands: `decide`, `decisions` and `compare` (the store and its history)."""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from core import export
from core.minutes import DECISIONS

if TYPE_CHECKING:
    from core.store import Review, Store

HISTORY_FORMATS = ("csv", "json", "md")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register decide / decisions on the main parser (compare registers itself in core.compare_cli)."""
    db_help = "SQLAlchemy database URL (default: the app's store, AIRR_DATABASE_URL or data/airr.db)"
    p = sub.add_parser("decide", help="record a decision on one project",
                       description="Append one decision to the history of a project (never changes earlier ones).")
    p.add_argument("roadmap", help="roadmap file (CSV or XLSX) the project is in")
    p.add_argument("--project", required=True, help="the project's id (project_id column, or the generated slug)")
    p.add_argument("--decision", required=True, choices=DECISIONS)
    p.add_argument("--reviewer", required=True, help="who decided (recorded with the decision)")
    p.add_argument("--note", default="", help="why, in a sentence")
    p.add_argument("--revisit", help="date to look at it again, YYYY-MM-DD")
    p.add_argument("--portfolio", help="portfolio name (default: the file name without date or version suffixes)")
    p.add_argument("--sheet", help="XLSX sheet to read")
    p.add_argument("--db", help=db_help)
    p = sub.add_parser("decisions", help="write the decision history",
                       description="Write the full decision history (oldest first), optionally of one portfolio.")
    p.add_argument("--portfolio", help="only this portfolio")
    p.add_argument("--format", choices=HISTORY_FORMATS, default="csv")
    p.add_argument("--db", help=db_help)


def open_store(url: str | None, usage_error: type[Exception]) -> Store:
    # Lazy: SQLAlchemy is only imported by the commands that use the store (score stays quick to start).
    from core.store import Store, StoreError

    try:
        return Store(url)
    except StoreError as exc:
        raise usage_error(str(exc).rstrip(".")) from None


def review_for(store: Store, portfolio: str, file_name: str, data: bytes, who: str) -> Review:
    """The latest review of this exact file in this portfolio, or a new one."""
    sha1 = hashlib.sha1(data).hexdigest()
    for review in store.recent_reviews(limit=50, portfolio=portfolio):
        if review.file_sha1 == sha1:
            return review
    return store.create_review(portfolio, file_name, data, who=who)


def decide(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    from core.loader import load_roadmap

    path = Path(args.roadmap)
    roadmap = load_roadmap(path, sheet=args.sheet)
    projects = roadmap.projects
    match = projects[projects["project_id"] == args.project]
    if match.empty:
        known = ", ".join(projects["project_id"].astype(str).head(8))
        raise usage_error(f"no project with id '{args.project}' in {path.name} (ids: {known}…)")
    revisit = None
    if args.revisit:
        try:
            revisit = date.fromisoformat(args.revisit)
        except ValueError:
            raise usage_error(f"--revisit must be a date as YYYY-MM-DD, not '{args.revisit}'") from None
    from core.store import Decision, StoreError, portfolio_name

    store = open_store(args.db, usage_error)
    portfolio = args.portfolio or portfolio_name(path.name)
    project = str(match["project"].iloc[0])
    try:
        review = review_for(store, portfolio, path.name, path.read_bytes(), args.reviewer)
        store.append(Decision(portfolio, args.project, project, args.decision, args.reviewer, args.note, revisit,
                              review.id))
    except (ValueError, StoreError) as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    print(f"recorded: {args.decision} for {args.project} in portfolio '{portfolio}' (review {review.id}).",
          file=sys.stderr)
    return 0


def decisions(args: argparse.Namespace, usage_error: type[Exception]) -> str:
    from core.store import HISTORY_COLUMNS, StoreError

    try:
        table = open_store(args.db, usage_error).history(args.portfolio)[HISTORY_COLUMNS]
    except StoreError as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    if args.format == "json":
        return export.to_json(table)
    if args.format == "md":
        return export.to_markdown(table)
    return export.to_csv(table)
