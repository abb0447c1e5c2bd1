"""The command line's review commands: `decide`, `decisions` and `compare` (the store and its history)."""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from core import export
from core.minutes import DECISIONS
from core.text import for_terminal

if TYPE_CHECKING:
    from core.store import Review, Store

HISTORY_FORMATS = ("csv", "json", "md")
COMPARE_FORMATS = ("text", "csv", "json")


DB_HELP = "SQLAlchemy database URL (default: the app's store, AIRR_DATABASE_URL or data/airr.db)"
WORKSPACE_HELP = ("the workspace whose reviews, decisions, meetings and evidence to use (default: 'default', the "
                  "one everyone shares without sign-in; with sign-in the app names them, see AIRR_WORKSPACES)")


def add_store_args(p: argparse.ArgumentParser, db_help: str = DB_HELP) -> None:
    """--db and --workspace, on every command that reads or writes the store."""
    p.add_argument("--db", help=db_help)
    p.add_argument("--workspace", help=WORKSPACE_HELP)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register decide / decisions on the main parser (compare registers itself in core.compare_cli)."""
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
    add_store_args(p)
    p = sub.add_parser("decisions", help="write the decision history",
                       description="Write the full decision history (oldest first), optionally of one portfolio.")
    p.add_argument("--portfolio", help="only this portfolio")
    p.add_argument("--format", choices=HISTORY_FORMATS, default="csv")
    add_store_args(p)
    p = sub.add_parser("compare", help="compare two reviews of one portfolio (zombies marked)",
                       description="New and removed projects, verdict changes, the change in kill-list savings and "
                                   "zombies: projects killed earlier that come back as custom models.")
    p.add_argument("old", help="the earlier roadmap file, or a review id from the store")
    p.add_argument("new", help="the later roadmap file, or a review id from the store")
    p.add_argument("--format", choices=COMPARE_FORMATS, default="text")
    p.add_argument("--portfolio", help="portfolio whose decisions say what was killed (default: the later one's)")
    add_store_args(p)


def open_store(url: str | None, usage_error: type[Exception], workspace: str | None = None) -> Store:
    """The store at `url` (default: the app's), seen from `workspace` (default: the shared one)."""
    # Lazy: SQLAlchemy is only imported by the commands that use the store (score stays quick to start).
    from core.store import Store, StoreError
    from core.text import clean_name

    try:
        store = Store(url)
        return store.in_workspace(clean_name(workspace)) if workspace else store
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
    from core.store import Decision, FileNotKept, StoreError, portfolio_name

    store = open_store(args.db, usage_error, args.workspace)
    portfolio = args.portfolio or portfolio_name(path.name)
    project = str(match["project"].iloc[0])
    try:
        try:
            review_id: str | None = review_for(store, portfolio, path.name, path.read_bytes(), args.reviewer).id
        except FileNotKept as exc:  # the store keeps no file this large, but a decision is never refused for it
            print(f"warning: {exc} The decision is recorded without the file.", file=sys.stderr)
            review_id = None
        store.append(Decision(portfolio, args.project, project, args.decision, args.reviewer, args.note, revisit,
                              review_id))
    except (ValueError, StoreError) as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    taken_in = f" (review {review_id})" if review_id else ""
    print(f"recorded: {args.decision} for {for_terminal(args.project)} in portfolio '{for_terminal(portfolio)}'"
          f"{taken_in}.", file=sys.stderr)
    return 0


def decisions(args: argparse.Namespace, usage_error: type[Exception]) -> str:
    from core.store import HISTORY_COLUMNS, StoreError

    try:
        table = open_store(args.db, usage_error, args.workspace).history(args.portfolio)[HISTORY_COLUMNS]
    except StoreError as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    if args.format == "json":
        return export.to_json(table)
    if args.format == "md":
        return export.to_markdown(table)
    return export.to_csv(table)


def compare(args: argparse.Namespace, usage_error: type[Exception]) -> str:
    import json

    from core import compare as comparing
    from core.store import StoreError, database_url

    url = args.db or database_url()
    # Files alone need no database: the store is opened when an argument is not a file, when --db is given,
    # or when the app's store already exists (its decisions then say what was killed).
    wants_store = args.db or not (Path(args.old).is_file() and Path(args.new).is_file()) or _store_exists(url)
    store = open_store(url, usage_error, args.workspace) if wants_store else None
    try:
        before, _ = _side(args.old, store, usage_error)
        after, portfolio = _side(args.new, store, usage_error)
        decisions = store.current(args.portfolio or portfolio) if store is not None else None
    except StoreError as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    result = comparing.compare(before, after, decisions)
    print(f"{len(result.zombies)} zombies, {len(result.of('new'))} new, {len(result.of('removed'))} removed, "
          f"{len(result.of('verdict'))} verdict changes.", file=sys.stderr)
    if args.format == "text":
        return comparing.describe(result)
    if args.format == "json":
        return json.dumps({"kill_list_savings_before_usd": round(result.savings_before),
                           "kill_list_savings_after_usd": round(result.savings_after),
                           "kill_list_savings_change_usd": round(result.savings_change),
                           "killed_by": result.killed_by,
                           "changes": json.loads(result.changes.to_json(orient="records"))},
                          indent=2, ensure_ascii=False) + "\n"
    table = result.changes.copy()
    summary = {c: "" for c in table.columns} | {"change": "kill_list_savings"}
    table.insert(len(table.columns), "savings_before_usd", "")
    table.insert(len(table.columns), "savings_after_usd", "")
    summary |= {"savings_before_usd": round(result.savings_before), "savings_after_usd": round(result.savings_after)}
    return export.to_csv(pd.concat([pd.DataFrame([summary]), table], ignore_index=True).astype(object))


def _store_exists(url: str) -> bool:
    if not url.startswith("sqlite:///") or "?" in url:
        return True
    return Path(url.removeprefix("sqlite:///")).exists()


def _side(arg: str, store: Store | None, usage_error: type[Exception]) -> tuple[pd.DataFrame, str]:
    """A scored portfolio and its portfolio name, from a roadmap file or a saved review."""
    from core import config, portfolio
    from core.loader import load_roadmap
    from core.store import portfolio_name
    from core.task import set_on_review

    path = Path(arg)
    if path.is_file():
        roadmap = load_roadmap(path)
        return portfolio.score(roadmap.projects, config.defaults()), portfolio_name(path.name)
    review = store.review(arg) if store is not None else None
    if review is None or review.data is None:
        raise usage_error(f"'{arg}' is neither a roadmap file nor a review id in the store")
    if review.unreadable:
        print(f"warning: review {arg}: its saved {' and '.join(review.unreadable)} could not be read; "
              "scored without them.", file=sys.stderr)
    roadmap = load_roadmap(review.data, name=review.file_name, mapping=review.mapping)
    try:
        cfg = config.make(review.overrides) if review.overrides else config.defaults()
    except config.ConfigError as exc:  # a config change since the review was saved
        raise usage_error(f"review {arg}'s saved assumptions no longer fit this version of the app: "
                          f"{str(exc).rstrip('.')}") from None
    projects = set_on_review(roadmap.projects, {pid: t["task"] for pid, t in review.tasks.items()})
    return portfolio.score(projects, cfg), review.portfolio


def came_back(url: str, portfolio: str, path: Path, scored: pd.DataFrame, usage_error: type[Exception],
              workspace: str | None = None) -> dict[str, str]:
    """Project id -> the came-back sentence, for a roadmap file against the portfolio's latest review of another
    file in the store (decisions recorded on reviews of this same file are its own, not earlier ones)."""
    from core import comeback
    from core.store import StoreError

    store = open_store(url, usage_error, workspace)
    sha1 = hashlib.sha1(path.read_bytes()).hexdigest()
    try:
        before = comeback.earlier_review(store, portfolio, file_sha1=sha1)
        earlier = comeback.score_review(before, store.evidence(portfolio)) if before is not None else None
        if before is None or earlier is None:
            return {}
        decisions = comeback.decided_before(store.history(portfolio), comeback.same_file_reviews(store, portfolio, sha1))
    except StoreError as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    return comeback.sentences(scored, comeback.Earlier(earlier, before.file_name, f"{before.created_at:%Y-%m-%d}"),
                              decisions)
