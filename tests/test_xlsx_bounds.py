"""XLSX cost bounded before parsing (issue 17): cells, shared strings and XML elements are counted in the
unzipped bytes while they stream, whatever the sheet's <dimension> tag says, so a workbook over the limit is
refused in a fraction of a second and a few megabytes; one at the limit is read within 10 s and 1 GB.

Before: the 9.9-million-cell workbook whose tag said A1:B2 took 262 s and 1.7 GB more memory on this
machine (102 s and 1.9 GB in the tester's app); one cell more, refused only after 364 s and 1.6 GB.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from xlsx_bombs import cells_workbook, roadmap_workbook

from core import limits
from core.loader import RoadmapError, load_roadmap
from core.loader.xlsx_bounds import ELEMENTS_FIXED, ELEMENTS_PER_CELL, Counter


def _cost(tmp_path: Path, data: bytes, env: dict[str, str] | None = None) -> dict:
    """Load the file in a process of its own: seconds, peak and extra memory (MB), outcome."""
    path = tmp_path / "input.xlsx"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "xlsx_cost.py"), str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(("cells", "prefix"), [(9_900_000, ""), (10_000_001, ""), (2_000_000, "x:")])
def test_a_workbook_lying_about_its_size_is_refused_within_2_s_and_300_mb(tmp_path, cells, prefix):
    data = cells_workbook(cells, prefix=prefix)
    assert len(data) < 400_000  # a few hundred kilobytes standing for millions of cells
    cost = _cost(tmp_path, data)
    assert cost["outcome"].startswith("refused: The workbook holds over 250,000 cells"), cost
    assert "AIRR_MAX_XLSX_CELLS" in cost["outcome"]
    assert cost["seconds"] < 2, cost
    assert cost["extra_mb"] < 300, cost


def test_a_workbook_at_the_cell_limit_is_read_within_10_s_and_1_gb(tmp_path):
    limit = limits.MAX_XLSX_CELLS.default
    cost = _cost(tmp_path, roadmap_workbook(limit))
    assert cost["outcome"].startswith("loaded 9,999 projects"), cost
    assert cost["seconds"] < 10, cost
    assert cost["peak_mb"] < 1024, cost
    over = _cost(tmp_path, roadmap_workbook(limit + 1))
    assert over["outcome"].startswith("refused: The workbook holds over 250,000 cells"), over
    assert over["seconds"] < 2, over


def _refused(data: bytes) -> str:
    with pytest.raises(RoadmapError) as info:
        load_roadmap(data, name="a.xlsx")
    return str(info.value)


def test_cells_at_the_limit_load_and_one_more_is_refused(monkeypatch):
    monkeypatch.setenv("AIRR_MAX_XLSX_CELLS", "100")
    # The counter sees every <c>, the header's two included; the dimension tag says A1:B2 either way.
    assert len(load_roadmap(cells_workbook(100, width=2), name="a.xlsx").report.rejected) == 49
    message = _refused(cells_workbook(101, width=2))
    assert message == ("The workbook holds over 100 cells, more than the limit of 100 cells in a workbook (all its "
                       "sheets); split the file, or ask the administrator to raise AIRR_MAX_XLSX_CELLS.")


def test_the_general_cell_limit_binds_when_set_lower(monkeypatch):
    monkeypatch.setenv("AIRR_MAX_CELLS", "50")
    assert "AIRR_MAX_CELLS" in _refused(cells_workbook(51, width=2))
    load_roadmap(cells_workbook(50, width=2), name="a.xlsx")


def _with_part(data: bytes, name: str, payload: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(name, payload)
    return out.getvalue()


def test_shared_strings_and_elements_cannot_stand_in_for_cells(monkeypatch):
    monkeypatch.setenv("AIRR_MAX_XLSX_CELLS", "100")
    base = cells_workbook(10, width=2)
    # openpyxl reads every shared string on opening, whichever sheet is read: a huge table costs as much.
    strings = b"<sst>" + b"<si><t>x</t></si>" * 101 + b"</sst>"
    assert "different texts" in _refused(_with_part(base, "xl/sharedStrings.xml", strings))
    load_roadmap(_with_part(base, "xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 100 + b"</sst>"),
                 name="a.xlsx")
    # Empty rows (or merged ranges, or anything else) are elements the parser must visit: bounded too. The
    # part's own name does not matter (the workbook's relations may point anywhere).
    rows = b"<x>" + b"<row/>" * (ELEMENTS_PER_CELL * 100 + ELEMENTS_FIXED) + b"</x>"
    assert "XML elements" in _refused(_with_part(base, "xl/anything.bin", rows))


def test_a_tag_cut_by_a_chunk_boundary_is_counted_once():
    whole = Counter()
    whole.start()
    whole.feed(b'<row><c r="A1"><v>1</v></c><x:c r="B1"/><c/><si><t>a</t></si><col min="1"/><cellXfs/></row>')
    for cut in range(1, 60):
        split = Counter()
        split.start()
        data = b'<row><c r="A1"><v>1</v></c><x:c r="B1"/><c/><si><t>a</t></si><col min="1"/><cellXfs/></row>'
        split.feed(data[:cut])
        split.feed(data[cut:])
        assert (split.cells, split.strings) == (whole.cells, whole.strings) == (3, 1), cut
