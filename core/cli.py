"""The command line: `python -m core score|kill-list ROADMAP [...]` (SPEC §6), and the review commands."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from core import board_cli, config, db_cli, evidence_cli, export, portfolio, review_cli
from core.loader import RoadmapError, load_roadmap
from core.text import clean_output, for_terminal

if TYPE_CHECKING:
    import pyarrow as pa

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
        p.add_argument("--portfolio", help="with --db: the portfolio whose earlier reviews fill came_back and whose "
                                           "stored evidence the verdicts use (evidence_used)")
        p.add_argument("--db", help="with --portfolio: the store (SQLAlchemy URL) holding the portfolio's reviews "
                                    "and evidence")
        p.add_argument("--workspace", help=review_cli.WORKSPACE_HELP)
    review_cli.add_parsers(sub)
    db_cli.add_parsers(sub)
    evidence_cli.add_parsers(sub)
    board_cli.add_parsers(sub)
    return parser


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
    return {"markdown": "md", "xls": "xlsx"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown", "xls") else "csv"


def _check_paths(args: argparse.Namespace) -> None:
    """--out and --rejects never name an input or each other: one would overwrite the other."""
    named = [("--out", args.out), ("--rejects", getattr(args, "rejects", None)), ("the roadmap", args.roadmap),
             ("the config file", args.config)]
    paths = [(name, Path(p)) for name, p in named if p]
    for i, (out, out_path) in enumerate(paths):
        if not out.startswith("--") or out_path.is_char_device():
            continue  # only outputs can overwrite; /dev/null may take both outputs
        for other, other_path in paths[i + 1:]:
            if _same_file(out_path, other_path):
                raise UsageError(f"{out} names the same file as {other} ({for_terminal(out_path)}); "
                                 "choose another output file")


def _same_file(a: Path, b: Path) -> bool:
    # resolve() sees through symbolic links and "..", samefile() through hard links.
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "decide":
        return review_cli.decide(args, UsageError)
    if args.command == "decisions":
        _write(review_cli.decisions(args, UsageError), None)
        return EXIT_OK
    if args.command == "db":
        return db_cli.run(args, UsageError)
    if args.command == "compare":
        _write(review_cli.compare(args, UsageError), None)
        return EXIT_OK
    if args.command == "evidence":
        if args.evidence_command == "add":
            return evidence_cli.add(args, UsageError)
        _write(evidence_cli.listing(args, UsageError), None)
        return EXIT_OK
    if args.command == "slides":
        _check_paths(args)
        _write(board_cli.slides(args, UsageError), args.out)
        return EXIT_OK
    if args.command == "minutes":
        _write(board_cli.minutes(args, UsageError), args.out)
        return EXIT_OK
    fmt = _format(args)
    if fmt == "xlsx" and not args.out:
        raise UsageError("xlsx output is binary: give a file with --out")
    _check_paths(args)
    cfg = config.load(args.config)
    if args.workspace and not (args.db and args.portfolio):
        raise UsageError("--workspace goes with --db and --portfolio: it says whose reviews and evidence to read")
    roadmap = load_roadmap(args.roadmap, sheet=args.sheet)
    projects = roadmap.projects
    if args.db or args.portfolio:
        # SPEC §6 v3: came_back and evidence_used are filled only when both say where the portfolio's store is.
        if not (args.db and args.portfolio):
            raise UsageError("--db and --portfolio go together: came_back and the stored evidence need both")
        from core.evidence_apply import apply

        projects = apply(projects, evidence_cli.stored(args.roadmap, args.db, args.portfolio, UsageError,
                                                       args.workspace))
    scored = portfolio.score(projects, cfg)
    note = portfolio.money_note(scored, cfg)
    if args.command == "kill-list":
        scored = portfolio.kill_list(scored)
    table = export.machine_table(scored)
    if args.db and args.portfolio:
        # Imported here: the store brings SQLAlchemy, a fifth of the start-up of a command that never opens it.
        from core.comeback import COLUMN as comeback_column

        came_back = review_cli.came_back(args.db, args.portfolio, Path(args.roadmap), scored, UsageError,
                                         args.workspace)
        table[comeback_column] = [came_back.get(pid, "") for pid in table["project_id"]]
    payload: str | bytes | pa.Buffer
    if fmt == "csv":
        payload = export.csv_buffer(table) if args.out else export.csv_bytes(table)
    elif fmt == "json":
        payload = export.to_json(table)
    elif fmt == "md":
        payload = export.to_markdown(table)
    else:
        # The discount rate goes on its own sheet, so the table still starts on the first row.
        notes = pd.DataFrame({"setting": ["discount_rate", "note"], "value": [cfg.discount_rate, note]})
        payload = export.to_xlsx({"kill list" if args.command == "kill-list" else "projects": table, "notes": notes})
    _write(payload, args.out)
    report = roadmap.report
    if args.rejects:
        _write(export.csv_bytes(report.rejected), args.rejects)
    _report(report)
    print(f"money: {note}", file=sys.stderr)
    return EXIT_STRICT if args.strict and len(report.rejected) else EXIT_OK


def _write(payload: str | bytes | pa.Buffer, path: str | None) -> None:
    if path is None:
        # A terminal runs what it is sent: no control character (ESC, CSI) from a cell, a note or a name
        # reaches it, whatever the format (JSON escapes C0 controls but keeps DEL and C1 as they are).
        sys.stdout.write(clean_output(payload))
        return
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    target = Path(path)
    if target.is_char_device() or target.is_fifo():
        # /dev/null, /dev/stdout or a pipe: written in place; renaming onto them is neither possible nor wanted.
        try:
            with open(target, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise UsageError(f"cannot write {for_terminal(path)}: {exc.strerror}") from None
        return
    # Written next to the target and renamed over it: a reader never sees half a file, and a failed run
    # leaves the previous file as it was.
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent.resolve())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {for_terminal(path)}: {exc.strerror}") from None


def _mode_for(target: Path) -> int:
    """The permissions a plain open() would give (mkstemp makes its files private): the old file's, else
    the usual ones under the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _report(report) -> None:
    # Everything printed here may carry roadmap text: for_terminal() drops the control characters that
    # start terminal escape sequences (a cell could otherwise clear the screen or retitle the window).
    err = sys.stderr
    for line in report.notices:
        print(f"notice: {for_terminal(line)}", file=err)
    for line in report.duplicates[:MAX_LISTED]:
        print(f"duplicate: {for_terminal(line)}", file=err)
    for kind, frame in (("rejected", report.rejected), ("warning", report.warnings)):
        for row in frame.head(MAX_LISTED).itertuples(index=False):
            col = f", {for_terminal(row.column)}" if row.column else ""
            val = f" '{_short(row.value)}'" if row.value else ""
            print(f"{kind}: row {row.row}{col}{val}: {for_terminal(row.reason)}", file=err)
        if len(frame) > MAX_LISTED:
            print(f"{kind}: ... and {len(frame) - MAX_LISTED:,} more rows (see --rejects)", file=err)
    print(f"{_n(report.scored_rows, 'project')} scored, {_n(len(report.rejected), 'row')} rejected "
          f"of {_n(report.rows_read, 'row')} in {for_terminal(report.source)}.", file=err)


def _short(value: object, limit: int = 60) -> str:
    text = for_terminal(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def main(argv: list[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(f"error: {for_terminal(exc)}", file=sys.stderr)
        return EXIT_UNUSABLE
    except (RoadmapError, config.ConfigError) as exc:
        print(f"error: {for_terminal(exc)}", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as exc:  # noqa: BLE001 - the user gets one sentence, the log gets the traceback
        if os.environ.get("AIRR_DEBUG"):
            raise
        logging.getLogger(__name__).debug("unexpected failure", exc_info=True)
        print(f"error: something unexpected went wrong ({type(exc).__name__}: {_short(exc, 200)}); "
              "rerun with AIRR_DEBUG=1 to see details.", file=sys.stderr)
        return EXIT_UNUSABLE
