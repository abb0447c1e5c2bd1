"""XLSX workbooks that lie about their size, for the limit tests and the before/after measurements.

`cells_workbook(n)` is a few hundred kilobytes whose dimension tag says A1:B2 while its sheet holds `n`
cells (the attack of issue 17: 9.9 million cells in 316 KB). `python tests/xlsx_bombs.py N FILE` writes one.
"""

from __future__ import annotations

import io
import sys
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Roadmap" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def cells_workbook(cells: int, width: int = 1_000, dimension: str | None = "A1:B2", prefix: str = "") -> bytes:
    """A workbook whose one sheet holds `cells` cells: a header row (project, approach), then numeric cells in
    rows of `width`, whatever its dimension tag says (None: no tag). `prefix` names the elements with a
    namespace prefix (`x:`), as some writers do."""
    p = prefix
    ns = f'xmlns{":" + p.rstrip(":") if p else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            tag = f'<{p}dimension ref="{dimension}"/>' if dimension is not None else ""
            fh.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{p}worksheet {ns}>{tag}'
                     f"<{p}sheetData>".encode())
            header = (f'<{p}row><{p}c t="inlineStr"><{p}is><{p}t>project</{p}t></{p}is></{p}c>'
                      f'<{p}c t="inlineStr"><{p}is><{p}t>approach</{p}t></{p}is></{p}c></{p}row>')
            fh.write(header.encode())
            left = cells - 2
            cell = f"<{p}c><{p}v>1</{p}v></{p}c>"
            full_row = (f"<{p}row>" + cell * width + f"</{p}row>").encode()
            while left >= width:
                fh.write(full_row)
                left -= width
            if left:
                fh.write((f"<{p}row>" + cell * left + f"</{p}row>").encode())
            fh.write(f"</{p}sheetData></{p}worksheet>".encode())
    return buf.getvalue()


_SST_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
HEADERS = ["project", "approach", "team", "owner", "description", "quarter", "status", "spent_to_date_usd",
           "training_examples", "data_quality", "build_months", "build_cost_usd", "ml_fte", "ops_budget_usd_per_year",
           "daily_calls", "tokens_in_per_call", "tokens_out_per_call", "api_tier", "latency_target_ms", "fm_coverage",
           "eval_gap_verified", "rag_baseline_tried", "regulatory_control", "regulation", "expected_annual_value_usd"]


def roadmap_workbook(cells: int) -> bytes:
    """A real roadmap of exactly `cells` cells in rows of 25 columns (the header row included), as a
    spreadsheet program writes it: shared strings (half the text cells unique), numbers, no <dimension> tag
    (so openpyxl parses the sheet twice: the costliest honest shape of a workbook of that size)."""
    width = len(HEADERS)
    strings: dict[str, int] = {}

    def sst(text: str) -> int:
        return strings.setdefault(text, len(strings))

    def row(values: list[object]) -> str:
        out = []
        for v in values:
            out.append(f"<c><v>{v}</v></c>" if isinstance(v, (int, float)) else f'<c t="s"><v>{sst(str(v))}</v></c>')
        return "<row>" + "".join(out) + "</row>"

    body = [row(HEADERS)]
    left, i = cells - width, 0
    while left > 0:
        values: list[object] = [f"Project {i}", ("fine-tune", "API", "API + RAG")[i % 3], f"Team {i % 40}",
                                f"Owner {i % 300}", f"Does task {i} for the team with a model", "2026-Q3", "proposed",
                                i * 7, i * 3 % 100_000, "medium", i % 18 + 1, 10_000 + i, 2.5, 100_000, 10 + i,
                                1500, 300, "mid", 800, "partial", "no", "no", "no", "", 2_000_000]
        body.append(row(values[:left]))
        left -= width
        i += 1
    shared = "".join(f"<si><t>{t}</t></si>" for t in strings)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.replace("</Types>", (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')))
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _SST_RELS)
        z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns='
                   '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + shared + "</sst>")
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                   'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                   + "".join(body) + "</sheetData></worksheet>")
    return buf.getvalue()


if __name__ == "__main__":
    data = cells_workbook(int(sys.argv[1]))
    with open(sys.argv[2], "wb") as out:
        out.write(data)
