"""Every limit at its edge (issue 17): for each check of each named limit, a file exactly at the limit loads
and the same file with the limit one lower (so the file is one over) is refused with the limit's sentence.

Without these, `>` could become `>=` on any check unnoticed: five such changes survived the suite (rows, CSV
cell length, XLSX cell length, the largest figure, the assumptions file size). Each case sets the limit to the
file's own measure (its bytes, lines, columns, cells, parts...), so the pair is exact whatever the defaults.
RENDER_TIMEOUT_S and RENDER_MEMORY_MB bound a child process's seconds and memory, which no test can hit to
the unit; they are covered by tests/test_render.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import csv_text, is_one_sentence, rewrite_member, xlsx_bytes
from xlsx_bombs import cells_workbook

from core import config, evidence, limits
from core.loader import RoadmapError, load_roadmap
from core.loader.xlsx_bounds import ELEMENTS_FIXED, ELEMENTS_PER_CELL
from core.schema import MAX_NOTE, MAX_REVIEWER
from core.store import Decision, Store


@dataclass(frozen=True)
class Edge:
    """One check of one limit: the file, how to load it, and its measure (the limit it sits exactly at)."""

    limit: limits.Limit
    data: bytes
    measure: int
    load: Callable[[bytes, Path], object]
    refused: str  # what the refusal (or, for the largest figure, the warning) says


def _roadmap(name: str) -> Callable[[bytes, Path], object]:
    return lambda data, _: load_roadmap(data, name=name)


def _from_path(data: bytes, tmp: Path) -> object:
    path = tmp / "roadmap.csv"
    path.write_bytes(data)
    return load_roadmap(path)


def _from_stream(data: bytes, _: Path) -> object:
    return load_roadmap(io.BytesIO(data))


def _assumptions(data: bytes, _: Path) -> object:
    return config.parse_yaml(data.decode())


def _evidence(data: bytes, _: Path) -> object:
    return evidence.read_table(data, "evaluation")


def _evidence_path(data: bytes, tmp: Path) -> object:
    from core.evidence_cli import _read

    path = tmp / "evaluation.csv"
    path.write_bytes(data)
    return _read(str(path))


def _csv(rows: int, cols: int = 2, cell: str = "") -> bytes:
    extra = {f"c{k}": "x" for k in range(3, cols + 1)}
    out = [{"project": f"P{i}", "approach": "API", **extra} for i in range(rows)]
    if cell:
        out[0]["project"] = cell
    return csv_text(out).encode()


def _no_dimension(data: bytes) -> bytes:
    return rewrite_member(data, "xl/worksheets/sheet1.xml", lambda s: re.sub(rb"<dimension [^>]*/>", b"", s))


def _elements(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return sum(z.read(n).count(b"<") - z.read(n).count(b"</") for n in z.namelist())


def _padded_to_elements(data: bytes) -> tuple[bytes, int]:
    """The workbook with a part of empty elements added so that it holds exactly the elements the cell limit k
    allows (ELEMENTS_PER_CELL x k + ELEMENTS_FIXED), for some k."""
    base = _elements(data) + 2  # the pad part's own <p> and its XML declaration are elements too
    k = -(-(base + ELEMENTS_FIXED) // ELEMENTS_PER_CELL)
    total = ELEMENTS_PER_CELL * k + ELEMENTS_FIXED
    pad = b'<?xml version="1.0"?><p>' + b"<e/>" * (total - base) + b"</p>"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n in src.namelist():
            dst.writestr(n, src.read(n))
        dst.writestr("xl/pad.xml", pad)
    assert _elements(out.getvalue()) == total
    return out.getvalue(), k


def _with_strings(data: bytes, strings: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n in src.namelist():
            dst.writestr(n, src.read(n))
        dst.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * strings + b"</sst>")
    return out.getvalue()


def _far_cell(ws) -> None:
    ws.cell(row=4, column=3, value="x")


_SHEET = xlsx_bytes([["project", "approach"], ["P", "API"], ["Q", "API"], ["R", "API"]])
_WIDE = xlsx_bytes([["project", "approach", "c3", "c4", "c5"], ["P", "API", "x", "x", "x"]])
_ELEMENTS, _ELEMENTS_K = _padded_to_elements(cells_workbook(4, width=2, dimension=None))
_YAML = b"horizon_years: 4\n"
_ALIASES = b"horizon_years: &v 3\n" + b"".join(f"{k}: *v\n".encode() for k in (
    "custom_build_months", "finetune_runs", "min_replicas", "retrains_per_year", "fm_build_months"))
_CSV = _csv(3)
_EVIDENCE = b"item,baseline,candidate\n1,0.5,0.6\n2,0.4,0.5\n3,0.3,0.2\n"

EDGES = {
    # bytes in a roadmap file: given as bytes, as a path (checked by its size before reading) and as a stream
    "input bytes": Edge(limits.MAX_INPUT_BYTES, _CSV, len(_CSV), _roadmap("a.csv"), "AIRR_MAX_INPUT_BYTES"),
    "input bytes, path": Edge(limits.MAX_INPUT_BYTES, _CSV, len(_CSV), _from_path, "AIRR_MAX_INPUT_BYTES"),
    "input bytes, stream": Edge(limits.MAX_INPUT_BYTES, _CSV, len(_CSV), _from_stream, "AIRR_MAX_INPUT_BYTES"),
    # CSV: lines, columns, cells, characters in one cell
    "csv rows": Edge(limits.MAX_ROWS, _CSV, 4, _roadmap("a.csv"), "The file has 4 lines"),
    "csv columns": Edge(limits.MAX_COLUMNS, _csv(3, cols=5), 5, _roadmap("a.csv"), "A row has 5 columns"),
    "csv cells": Edge(limits.MAX_CELLS, _csv(3, cols=5), 20, _roadmap("a.csv"), "4 rows of 5 columns make 20 cells"),
    "csv cell chars": Edge(limits.MAX_CELL_CHARS, _csv(3, cell="Twelve chars"), 12, _roadmap("a.csv"),
                           "column 1 holds 12 characters"),
    # XLSX: the declared range, the cells as they stream, and the counts taken while the zip is unzipped
    "xlsx rows, declared": Edge(limits.MAX_ROWS, _SHEET, 4, _roadmap("a.xlsx"), "A1:B4 (4 rows)"),
    "xlsx rows, streamed": Edge(limits.MAX_ROWS, _no_dimension(_SHEET), 4, _roadmap("a.xlsx"), "has a row 4"),
    "xlsx columns, declared": Edge(limits.MAX_COLUMNS, _WIDE, 5, _roadmap("a.xlsx"), "A1:E2 (5 columns)"),
    "xlsx columns, streamed": Edge(limits.MAX_COLUMNS, _no_dimension(_WIDE), 5, _roadmap("a.xlsx"),
                                   "is in column 5"),
    "xlsx cells, declared": Edge(limits.MAX_CELLS, cells_workbook(4, width=2, dimension="A1:B4"), 8,
                                 _roadmap("a.xlsx"), "A1:B4 (8 cells)"),
    "xlsx cells, span": Edge(limits.MAX_CELLS, _no_dimension(xlsx_bytes([["project", "approach"], ["P", "API"]],
                                                                        extra=_far_cell)), 12, _roadmap("a.xlsx"),
                             "span A1:C4 (12 cells)"),
    "xlsx cells, counted": Edge(limits.MAX_XLSX_CELLS, cells_workbook(8, width=2, dimension=None), 8,
                                _roadmap("a.xlsx"), "The workbook holds over 7 cells"),
    "xlsx shared strings": Edge(limits.MAX_XLSX_CELLS, _with_strings(cells_workbook(4, width=2), 20), 20,
                                _roadmap("a.xlsx"), "over 19 different texts"),
    "xlsx elements": Edge(limits.MAX_XLSX_CELLS, _ELEMENTS, _ELEMENTS_K, _roadmap("a.xlsx"), "XML elements"),
    "xlsx cell chars": Edge(limits.MAX_CELL_CHARS, xlsx_bytes([["project", "approach"], ["Twelve chars", "API"]]),
                            12, _roadmap("a.xlsx"), "Cell A2 holds 12 characters"),
    "xlsx parts": Edge(limits.MAX_XLSX_MEMBERS, _SHEET, len(zipfile.ZipFile(io.BytesIO(_SHEET)).namelist()),
                       _roadmap("a.xlsx"), "parts"),
    "xlsx unzipped bytes": Edge(limits.MAX_XLSX_UNCOMPRESSED, _SHEET,
                                sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(_SHEET)).infolist()),
                                _roadmap("a.xlsx"), "The workbook unzips to"),
    # the largest figure: one over is read as unknown with a warning naming the limit, not refused
    "largest figure": Edge(limits.MAX_FIGURE, csv_text([{"project": "P", "approach": "fine-tune",
                                                         "build_cost_usd": "1000"}]).encode(), 1000,
                           _roadmap("a.csv"), "above 999"),
    # assumptions files: bytes, aliases, nesting (a flat file is two levels: the mapping and its values)
    "assumptions bytes": Edge(limits.MAX_YAML_BYTES, _YAML, len(_YAML), _assumptions, "AIRR_MAX_YAML_BYTES"),
    "assumptions aliases": Edge(limits.MAX_YAML_ALIASES, _ALIASES, 5, _assumptions, "more than 4 aliases"),
    "assumptions depth": Edge(limits.MAX_YAML_DEPTH, _YAML, 2, _assumptions, "more than 1 levels deep"),
    # evidence files: bytes (as uploaded and as a path on the command line) and rows under the header
    "evidence bytes": Edge(limits.MAX_EVIDENCE_BYTES, _EVIDENCE, len(_EVIDENCE), _evidence, "AIRR_MAX_EVIDENCE_BYTES"),
    "evidence bytes, path": Edge(limits.MAX_EVIDENCE_BYTES, _EVIDENCE, len(_EVIDENCE), _evidence_path,
                                 "AIRR_MAX_EVIDENCE_BYTES"),
    "evidence rows": Edge(limits.MAX_EVIDENCE_ROWS, _EVIDENCE, 3, _evidence, "holds more than 2 rows"),
}


def _problem(edge: Edge, tmp_path: Path) -> str | None:
    """The refusal's sentence, or for the largest figure the warning; None when the file was taken whole."""
    try:
        result = edge.load(edge.data, tmp_path)
    except (RoadmapError, config.ConfigError, evidence.NotEvidence) as exc:
        return str(exc)
    if edge.limit is limits.MAX_FIGURE:
        warnings = result.report.warnings
        if len(warnings):
            return " ".join(warnings["reason"])
        assert result.projects["build_cost_usd"].iloc[0] == 1000
    return None


@pytest.mark.parametrize("case", list(EDGES))
def test_at_the_limit_it_loads(monkeypatch, tmp_path, case):
    edge = EDGES[case]
    monkeypatch.setenv(edge.limit.env, str(edge.measure))
    assert _problem(edge, tmp_path) is None


@pytest.mark.parametrize("case", list(EDGES))
def test_one_over_the_limit_it_is_refused_with_the_limits_sentence(monkeypatch, tmp_path, case):
    edge = EDGES[case]
    monkeypatch.setenv(edge.limit.env, str(edge.measure - 1))
    message = _problem(edge, tmp_path)
    assert message is not None
    assert edge.refused in message, message
    assert f"{edge.measure - 1:,}" in message and (edge.limit.env in message or edge.limit is limits.MAX_FIGURE)
    if edge.limit is not limits.MAX_FIGURE:
        assert is_one_sentence(message), message


def test_every_limit_but_the_renderers_has_an_edge():
    covered = {e.limit.env for e in EDGES.values()}
    assert covered == {lim.env for lim in limits.ALL} - {"AIRR_RENDER_TIMEOUT_S", "AIRR_RENDER_MEMORY_MB"}


# The store's own widths (core.schema): a reviewer's name and a note at their width are kept, one over refused.
@pytest.mark.parametrize(("field", "width"), [("reviewer", MAX_REVIEWER), ("note", MAX_NOTE)])
def test_a_name_and_a_note_at_their_width_are_kept_and_one_over_refused(tmp_path, field, width):
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    at = {"reviewer": "Dana", "note": "", field: "x" * width}
    store.append(Decision("acme", "P1", "P", "kill", at["reviewer"], at["note"]))
    assert store.history("acme").iloc[0][field] == "x" * width
    with pytest.raises(ValueError, match=f"under {width:,}" if field == "note" else f"under {width}"):
        store.append(Decision("acme", "P1", "P", "kill", **({"reviewer": "Dana", "note": ""} | {field: "x" * (width + 1)})))


def test_a_project_id_at_its_width_is_kept_and_one_over_refused(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    store.append(Decision("acme", "P" * 200, "P", "kill", "Dana"))
    with pytest.raises(ValueError, match="longer than 200 characters"):
        store.append(Decision("acme", "P" * 201, "P", "kill", "Dana"))
