"""Hypothesis fuzzer: valid roadmaps mutated as bytes and as cells, through the loader, scoring, every export and
the CLI. Run by tests/test_fuzz.py in a child process under memory and CPU caps (not collected on its own:
the file name does not start with test_).

Invariants: nothing raises except the loader's own RoadmapError (one short sentence); every row read is
either scored or rejected; when the header is the first line, every line written is a row read; exports
never fail; the CLI exits 0, 1 or 2 and never prints a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import cli, config, export, portfolio
from core.loader import RoadmapError, load_roadmap
from core.text import clean

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("AIRR_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SEEDS = [(p.name, p.read_bytes()) for p in sorted((ROOT / "sample_portfolios").iterdir())
         if p.suffix in (".csv", ".xlsx") and p.stat().st_size < 200_000]
SEEDS += [(p.name, p.read_bytes()) for p in sorted((ROOT / "tests" / "corpus").iterdir())
          if p.name.startswith(("dialect_", "enc_", "values_", "structure_title", "xlsx_merged", "xlsx_numbers"))]
CFG = config.defaults()
HOSTILE = ["", " ", "=SUM(A1)", "+1", "-1", "@x", "\x00", "\x01", "\x1b[31m", "\u202e", "1e19", "9" * 40, "-0",
           "1e400", "nan", "inf", "$1,2,3", "(5)", "~", "✓", "✗", "n/a", "\r", "\n", '"', '""', ",", ";", "|", "\t",
           "<script>", "[x](javascript:1)", "https://e.x", "a@b.c", "東京", "Zürich", "\ufeff", "\ud7ff", "x" * 300]
# Control and format characters drawn on their own, in text, and in front of a formula or a link (issue 17:
# "\x01=HYPERLINK(...)" passed a first-character check and became a live formula in every XLSX).
CONTROLS = st.text(st.characters(codec="utf-8", categories=("Cc", "Cf")), min_size=1, max_size=4)
CELL = st.one_of(
    st.sampled_from(HOSTILE), st.text(max_size=30),
    st.from_regex(r"-?[0-9]{1,25}(\.[0-9]+)?[kKmMbB]?", fullmatch=True),
    st.builds(lambda ctl, start, rest: ctl + start + rest, CONTROLS,
              st.sampled_from(["=", "+", "-", "@", "\t", "=HYPERLINK(\"http://e.x\",\"y\")", "www.", "http://"]),
              st.text(max_size=10)),
    st.builds(lambda a, ctl, b: a + ctl + b, st.text(max_size=8), CONTROLS, st.text(max_size=8)))
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def _check(data: bytes, name: str) -> object:
    """Load, score and export; returns the roadmap or None when the loader refused the file."""
    try:
        roadmap = load_roadmap(data, name=name)
    except RoadmapError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 700, message
        return None
    report = roadmap.report
    assert len(roadmap.projects) == report.scored_rows
    assert len(roadmap.projects) + len(report.rejected) == report.rows_read
    scored = portfolio.score(roadmap.projects, CFG)
    assert len(scored) == len(roadmap.projects)
    table = export.machine_table(scored)
    export.to_markdown(table)
    export.to_json(table)
    for written in (table, report.rejected):
        for row in csv.reader(io.StringIO(export.to_csv(written))):
            for c in row:
                assert clean(c) == c, c
                assert not c.startswith(TRIGGERS) or NUMBER.match(c), c
    if len(table) <= 40:  # a workbook per example is slow; small ones are most of them
        wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx({"projects": table, "rejected": report.rejected})))
        for cell in (c for ws in wb.worksheets for row in ws.iter_rows() for c in row):
            assert cell.data_type != "f", cell.value
    return roadmap


def _mutate_bytes(data: bytearray, draw) -> None:
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "hostile"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 64))]
        elif op == "duplicate":
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 256))]
        elif op == "truncate":
            del data[pos:]
        else:
            data[pos:pos] = draw(st.sampled_from(HOSTILE)).encode("utf-8", "surrogatepass")


@st.composite
def mutated_files(draw) -> tuple[str, bytes]:
    name, seed = draw(st.sampled_from(SEEDS))
    if name.endswith(".xlsx") and draw(st.booleans()):
        # Mutating the zip bytes mostly breaks the zip; mutating the sheet's XML inside it reaches the reader.
        src = zipfile.ZipFile(io.BytesIO(seed))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                part = bytearray(src.read(info.filename))
                if info.filename.startswith("xl/worksheets/"):
                    _mutate_bytes(part, draw)
                dst.writestr(info.filename, bytes(part))
        return name, buf.getvalue()
    data = bytearray(seed)
    _mutate_bytes(data, draw)
    return name, bytes(data)


@FUZZ
@given(mutated_files())
def test_mutated_bytes(file):
    _check(file[1], file[0])


@st.composite
def mutated_grids(draw) -> tuple[list[list[str]], str, str]:
    name, seed = draw(st.sampled_from([s for s in SEEDS if s[0] == "bank.csv"]))
    rows = [r for r in csv.reader(io.StringIO(seed.decode("utf-8")))][: draw(st.integers(2, 12))]
    for _ in range(draw(st.integers(1, 12))):
        r, c = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(rows[0]) - 1))
        op = draw(st.sampled_from(["cell", "cell", "cell", "drop_column", "add_column", "blank_row"]))
        if op == "cell" and c < len(rows[r]):
            rows[r][c] = draw(CELL)
        elif op == "drop_column":
            rows = [row[:c] + row[c + 1:] for row in rows]
        elif op == "add_column":
            rows = [row[:c] + [draw(CELL)] + row[c:] for row in rows]
        else:
            rows.insert(r + 1, [""] * len(rows[0]))
        if not rows[0]:
            rows = [["project"], *rows[1:]]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return rows, delimiter, encoding


@FUZZ
@given(mutated_grids())
def test_mutated_cells(grid):
    rows, delimiter, encoding = grid
    buf = io.StringIO()
    # Every cell quoted: a lone CR or a delimiter inside a cell stays in its cell, so lines written = rows.
    csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    data = buf.getvalue().encode(encoding, errors="replace")
    roadmap = _check(data, "fuzz.csv")
    if roadmap is not None and roadmap.report.header_row == 1 and "\x00" not in buf.getvalue():
        assert roadmap.report.rows_read == len(rows) - 1


@settings(max_examples=max(EXAMPLES // 5, 10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_files(), st.sampled_from(["csv", "json", "md", "xlsx"]), st.booleans())
def test_cli_exit_codes(file, fmt, strict):
    name, data = file
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        argv = ["score", str(path), "--out", str(Path(tmp) / f"out.{fmt}"), "--rejects", str(Path(tmp) / "r.csv")]
        if strict:
            argv.append("--strict")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(argv)
    assert code in (0, 1, 2)
    assert "Traceback" not in err.getvalue() and "something unexpected" not in err.getvalue()
