"""Shared helpers for the core tests: fixture paths and one-line builders of small roadmaps."""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import settings

from core import config, portfolio
from core.loader import Roadmap, load_roadmap

# CI decides whether a change lands, so there the property tests and fuzzers draw the same examples every run
# (a rare input found by chance would fail one run in many, as a random id once did); on a developer's machine
# they keep exploring new examples.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "sample_portfolios"

# SPEC §6, written out here rather than imported, so a change to the engine's list shows up as a failure.
SPEC_OUTPUT_COLUMNS = [
    "project_id", "project", "team", "approach", "task", "task_source", "verdict", "build_trap_score", "flags",
    "justifications_claimed", "justifications_proven", "tco_custom_usd", "tco_api_rag_usd",
    "projected_savings_usd", "break_even_daily_calls", "recommendation", "evidence_needed",
    # v3 (SPEC §6 "v3 columns"), in this order after evidence_needed.
    "would_change", "money_status", "comparison_path", "tco_self_hosted_usd", "savings_people_usd",
    "savings_serving_usd", "savings_api_usd", "savings_other_usd", "evidence_used", "came_back",
]


def csv_text(rows: list[dict[str, object]], delimiter: str = ",") -> str:
    """A roadmap CSV whose header is the union of the rows' keys, in first-seen order."""
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(k) is None else row[k] for k in header])
    return buf.getvalue()


def load_rows(*rows: dict[str, object], **kwargs: object) -> Roadmap:
    """Load a roadmap made of the given rows (dicts of header -> cell)."""
    return load_roadmap(csv_text(list(rows)).encode("utf-8"), **kwargs)


def row_cells(**cells: object) -> dict[str, object]:
    """One project row: a fine-tune called 'P' unless the keyword arguments say otherwise."""
    return {"project": "P", "approach": "fine-tune", **cells}


def load_one(**cells: object) -> pd.Series:
    """The single project parsed from a one-row roadmap built from keyword arguments."""
    roadmap = load_rows(row_cells(**cells))
    assert len(roadmap.projects) == 1, roadmap.report.rejected.to_dict("records")
    return roadmap.projects.iloc[0]


def score_one(cfg: Any = None, **cells: object) -> pd.Series:
    """The scored row (inputs, cost terms and judgement) of a one-row roadmap."""
    roadmap = load_rows(row_cells(**cells))
    assert len(roadmap.projects) == 1, roadmap.report.rejected.to_dict("records")
    return portfolio.score(roadmap.projects, cfg or config.defaults()).iloc[0]


def is_one_sentence(message: str) -> bool:
    """No line break, ends with a full stop, and no full stop followed by a new capitalised sentence."""
    return "\n" not in message and "\r" not in message and message.endswith(".") and not re.search(
        r"[.!?]\s+[A-Z]", message
    )


@pytest.fixture
def cfg() -> Any:
    return config.defaults()


# --- databases: the store's tests run on SQLite and on a throwaway PostgreSQL cluster ---------------

def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster in a temp folder on a free port (initdb + pg_ctl), stopped at the end.

    Skipped when PostgreSQL is not installed, except in CI (CI=true), where that is a failure.
    """
    bin_dir = _postgres_bin()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed; .ci/run installs it (apt-get install postgresql).")
        pytest.skip("PostgreSQL is not installed (initdb not found)")
    root = Path(tempfile.mkdtemp(prefix="airr-pg-"))
    # initdb refuses to run as root, so as root the cluster belongs to the postgres user.
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(root, "postgres", "postgres")

    def run(*cmd: str | Path) -> subprocess.CompletedProcess:
        args = [str(c) for c in cmd]
        if as_root:
            args = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(args)]
        return subprocess.run(args, capture_output=True, text=True, timeout=120)

    data, log = root / "data", root / "server.log"
    port = _free_port()
    done = run(bin_dir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    assert done.returncode == 0, done.stderr
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
    done = run(bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start")
    assert done.returncode == 0, done.stderr + (log.read_text() if log.exists() else "")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def new_postgres_database(server_url: str) -> str:
    """A fresh, empty database on the test cluster; its URL."""
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return new_postgres_database(request.getfixturevalue("postgres_server"))


def xlsx_bytes(rows: list[list[object]], extra: Any = None) -> bytes:
    """A one-sheet workbook written by openpyxl; extra(ws) may add cells beyond the rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if extra:
        extra(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rewrite_member(data: bytes, member: str, edit: Any) -> bytes:
    """The workbook (a zip) with one part's bytes passed through edit, as a hostile or broken file would be."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            dst.writestr(info.filename, edit(payload) if info.filename == member else payload)
    return buf.getvalue()


@pytest.fixture()
def db(tmp_path, monkeypatch) -> str:
    """A fresh SQLite store for an app test, as the app finds it (AIRR_DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'airr.db'}"
    monkeypatch.setenv("AIRR_DATABASE_URL", url)
    return url


def shown(markdown: str) -> str:
    """What a reader sees of Markdown source in which the app escaped roadmap text (ui.safe): backslash escapes
    dropped."""
    return re.sub(r"\\(.)", r"\1", markdown)


# Two quarters of one portfolio, the second bringing back projects the first killed (the zombie cases).
ACME_Q3, ACME_Q4 = SAMPLES / "acme_2026_Q3.csv", SAMPLES / "acme_2026_Q4.csv"


def scored_file(path: Path) -> pd.DataFrame:
    """A roadmap file scored under the default assumptions."""
    return portfolio.score(load_roadmap(path).projects, config.defaults())


@pytest.fixture(scope="module")
def quarters() -> tuple[pd.DataFrame, pd.DataFrame]:
    """acme's Q3 and Q4 roadmaps, scored."""
    return scored_file(ACME_Q3), scored_file(ACME_Q4)
