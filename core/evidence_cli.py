"""The command line's evidence commands: `evidence add` and `evidence list` (SPEC §4e), and the stored evidence
that `score` and `kill-list` use with --db / --portfolio."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core import evidence as ev
from core import export, limits
from core.review_cli import add_store_args
from core.text import for_terminal

if TYPE_CHECKING:
    from core.evidence_apply import Attached

LIST_FORMATS = ("csv", "json", "md")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `evidence add` and `evidence list` on the main parser."""
    p = sub.add_parser("evidence", help="attach evidence to a project, or list it",
                       description="Evidence that proves or refutes an exception (SPEC §4e), kept per portfolio.")
    kinds = p.add_subparsers(dest="evidence_command", required=True)
    a = kinds.add_parser("add", help="attach one piece of evidence to a project",
                         description="Compute the figure a file or value yields, print it, and append it to the "
                                     "project's evidence (earlier items are never changed).")
    a.add_argument("roadmap", help="roadmap file (CSV or XLSX) the project is in")
    a.add_argument("--project", required=True, help="the project's id (project_id column, or the generated slug)")
    a.add_argument("--kind", required=True, choices=ev.KINDS,
                   help="eval: per-item scores; latency: FM + RAG latencies in ms; volume: daily calls; "
                        "spend: API spend in USD; compliance: a confirmation by compliance or legal")
    source = a.add_mutually_exclusive_group()
    source.add_argument("--file", help="CSV evidence file (eval, latency, volume or spend)")
    source.add_argument("--value", type=float, help="one measured figure (volume or spend), with --period")
    a.add_argument("--material-gap", type=float, dest="material_gap",
                   help="eval: the smallest improvement the team would pay for, in the score's units (required)")
    a.add_argument("--period", choices=ev.PERIODS, help="the period --value covers (volume: day, spend: month)")
    a.add_argument("--confirmed-by", dest="confirmed_by", help="compliance: who confirmed (name)")
    a.add_argument("--role", help="compliance: their role (e.g. Chief Compliance Officer)")
    a.add_argument("--date", help="compliance: when it was confirmed, YYYY-MM-DD")
    a.add_argument("--document", help="compliance: the document it is written in (reference or link)")
    a.add_argument("--reviewer", required=True, help="who attaches it (recorded with it)")
    a.add_argument("--portfolio", help="portfolio name (default: the file name without date or version suffixes)")
    a.add_argument("--sheet", help="XLSX sheet to read")
    add_store_args(a)
    listing = kinds.add_parser("list", help="write the evidence history",
                               description="Write every piece of evidence (oldest first), optionally of one portfolio.")
    listing.add_argument("--portfolio", help="only this portfolio")
    listing.add_argument("--format", choices=LIST_FORMATS, default="csv")
    add_store_args(listing)


def finding(args: argparse.Namespace, target_ms: float | None) -> tuple[ev.Finding, bytes | None]:
    """The figure the command's file or value yields (NotEvidence with one sentence when it is not evidence)."""
    kind = args.kind
    data = _read(args.file) if args.file else None
    if kind == "compliance":
        if data is not None or args.value is not None:
            raise ev.NotEvidence("A compliance confirmation takes --confirmed-by, --role, --date and --document, "
                                 "not a file or a value.")
        return ev.compliance(args.confirmed_by, args.role, args.date, args.document), None
    if kind in ("eval", "latency") and data is None:
        raise ev.NotEvidence(f"{'An evaluation' if kind == 'eval' else 'Latency evidence'} needs its measurements "
                             "in a CSV file: give it with --file.")
    if kind == "eval":
        return ev.evaluation(data, args.material_gap), data
    if kind == "latency":
        return ev.latency(data, target_ms), data
    if data is None and args.value is None:
        raise ev.NotEvidence(f"Give the measured {kind} with --value (and --period) or a CSV with --file.")
    if kind == "volume":
        return ev.volume(data, args.value, args.period or "day"), data
    return ev.spend(data, args.value, args.period or "month"), data


def _read(path_text: str) -> bytes:
    path = Path(path_text)
    cap = limits.MAX_EVIDENCE_BYTES.value
    try:
        size = path.stat().st_size
        if size > cap:
            raise ev.NotEvidence(limits.over(limits.MAX_EVIDENCE_BYTES, f"The file holds {size:,} bytes",
                                             "attach a sample of it"))
        with path.open("rb") as fh:
            data = fh.read(cap + 1)  # bounded again: the file may grow between stat and read
    except FileNotFoundError:
        raise ev.NotEvidence(f"There is no file at {for_terminal(path_text)[:120]}.") from None
    except IsADirectoryError:
        raise ev.NotEvidence(f"{for_terminal(path_text)[:120]} is a folder, not an evidence file.") from None
    except OSError as exc:
        raise ev.NotEvidence(f"Cannot read {for_terminal(path_text)[:120]}: {exc.strerror}.") from None
    if len(data) > cap:
        raise ev.NotEvidence(limits.over(limits.MAX_EVIDENCE_BYTES, f"The file holds more than {cap:,} bytes",
                                         "attach a sample of it"))
    return data


def add(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    from core.loader import load_roadmap
    from core.review_cli import open_store, review_for
    from core.store import StoreError, portfolio_name

    path = Path(args.roadmap)
    projects = load_roadmap(path, sheet=args.sheet).projects
    match = projects[projects["project_id"] == args.project]
    if match.empty:
        known = ", ".join(projects["project_id"].astype(str).head(8))
        raise usage_error(f"no project with id '{args.project}' in {path.name} (ids: {known}…)")
    row = match.iloc[0]
    try:
        found, data = finding(args, row.get("latency_target_ms"))
    except ev.NotEvidence as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    store = open_store(args.db, usage_error, args.workspace)
    portfolio = args.portfolio or portfolio_name(path.name)
    try:
        review = review_for(store, portfolio, path.name, path.read_bytes(), args.reviewer)
        stored = store.add_evidence(portfolio, args.project, str(row["project"]), found, args.reviewer,
                                    file_name=Path(args.file).name if args.file else "", data=data,
                                    review_id=review.id)
    except (ev.NotEvidence, ValueError, StoreError) as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    print(f"{args.project}: {for_terminal(stored.sentence(row.get('latency_target_ms')))}.")
    print(f"recorded: {args.kind} evidence for {args.project} in portfolio '{for_terminal(portfolio)}' "
          f"(evidence {stored.id}, review {review.id}).", file=sys.stderr)
    return 0


def listing(args: argparse.Namespace, usage_error: type[Exception]) -> str:
    from core.review_cli import open_store
    from core.store import StoreError

    try:
        table = open_store(args.db, usage_error, args.workspace).evidence_history(args.portfolio)
    except StoreError as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    if args.format == "json":
        records = json.loads(table.to_json(orient="records"))
        for record in records:
            record["detail"] = json.loads(record["detail"] or "{}")
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if args.format == "md":
        return export.to_markdown(table)
    return export.to_csv(table)


def stored(roadmap_path: str, db: str | None, portfolio: str | None, usage_error: type[Exception],
           workspace: str | None = None) -> list[Attached]:
    """The evidence `score`, `kill-list` and `slides` use: the portfolio's (default: from the file name) in the
    store's workspace."""
    from core.review_cli import open_store
    from core.store import StoreError, portfolio_name

    name = portfolio or portfolio_name(Path(roadmap_path).name)
    try:
        return open_store(db, usage_error, workspace).evidence(name)
    except StoreError as exc:
        raise usage_error(str(exc).rstrip(".")) from None
