"""The command line: `python -m core score|kill-list ROADMAP [...]` (SPEC §6)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from core import config, export, portfolio
from core.loader import RoadmapError, load_roadmap

FORMATS = ("csv", "json", "xlsx", "md")
EXIT_OK, EXIT_STRICT, EXIT_UNUSABLE = 0, 1, 2
MAX_LISTED = 20


class UsageError(Exception):
    """A bad command line; argparse's own errors are turned into this too."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="Judge and price the custom models on an AI roadmap.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("score", "write every project, scored"), ("kill-list", "write the kill list only")):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("roadmap", help="roadmap file (CSV or XLSX)")
        p.add_argument("--config", help="YAML overriding any subset of the assumptions")
        p.add_argument("--out", help="output file (default: standard output)")
        p.add_argument("--format", choices=FORMATS, help="output format (default: from --out, else csv)")
        p.add_argument("--rejects", help="write rejected rows and their reasons to this CSV")
        p.add_argument("--sheet", help="XLSX sheet to read (default: the first with a roadmap header)")
        p.add_argument("--strict", action="store_true", help="exit 1 when any row was rejected")
    return parser


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
    return {"markdown": "md", "xls": "xlsx"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown", "xls") else "csv"


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    fmt = _format(args)
    if fmt == "xlsx" and not args.out:
        raise UsageError("xlsx output is binary: give a file with --out")
    cfg = config.load(args.config)
    roadmap = load_roadmap(args.roadmap, sheet=args.sheet)
    scored = portfolio.score(roadmap.projects, cfg)
    if args.command == "kill-list":
        scored = portfolio.kill_list(scored)
    table = export.machine_table(scored)
    payload: str | bytes
    if fmt == "csv":
        payload = export.to_csv(table)
    elif fmt == "json":
        payload = export.to_json(table)
    elif fmt == "md":
        payload = export.to_markdown(table)
    else:
        payload = export.to_xlsx({"kill list" if args.command == "kill-list" else "projects": table})
    _write(payload, args.out)
    report = roadmap.report
    if args.rejects:
        _write(export.to_csv(report.rejected), args.rejects)
    _report(report)
    return EXIT_STRICT if args.strict and len(report.rejected) else EXIT_OK


def _write(payload: str | bytes, path: str | None) -> None:
    if path is None:
        sys.stdout.write(payload if isinstance(payload, str) else payload.decode())
        return
    try:
        if isinstance(payload, bytes):
            Path(path).write_bytes(payload)
        else:
            Path(path).write_text(payload, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def _report(report) -> None:
    err = sys.stderr
    for line in report.duplicates[:MAX_LISTED]:
        print(f"duplicate: {line}", file=err)
    for kind, frame in (("rejected", report.rejected), ("warning", report.warnings)):
        for row in frame.head(MAX_LISTED).itertuples(index=False):
            col = f", {row.column}" if row.column else ""
            val = f" '{row.value}'" if row.value else ""
            print(f"{kind}: row {row.row}{col}{val}: {row.reason}", file=err)
        if len(frame) > MAX_LISTED:
            print(f"{kind}: ... and {len(frame) - MAX_LISTED:,} more rows (see --rejects)", file=err)
    print(f"{_n(report.scored_rows, 'project')} scored, {_n(len(report.rejected), 'row')} rejected "
          f"of {_n(report.rows_read, 'row')} in {report.source}.", file=err)


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def main(argv: list[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except (RoadmapError, config.ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as exc:  # noqa: BLE001 - the user gets one sentence, the log gets the traceback
        if os.environ.get("AIRR_DEBUG"):
            raise
        logging.getLogger(__name__).debug("unexpected failure", exc_info=True)
        print(f"error: something unexpected went wrong ({type(exc).__name__}: {exc}); "
              "rerun with AIRR_DEBUG=1 to see details.", file=sys.stderr)
        return EXIT_UNUSABLE
