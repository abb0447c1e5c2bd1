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


def cells_workbook(cells: int, width: int = 1_000, dimension: str = "A1:B2", prefix: str = "") -> bytes:
    """A workbook whose one sheet holds `cells` numeric cells in rows of `width`, under a header row
    (project, approach), whatever its dimension tag says. `prefix` names the elements with a namespace
    prefix (`x:`), as some writers do."""
    p = prefix
    ns = f'xmlns{":" + p.rstrip(":") if p else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{p}worksheet {ns}>'
                     f'<{p}dimension ref="{dimension}"/><{p}sheetData>'.encode())
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


if __name__ == "__main__":
    data = cells_workbook(int(sys.argv[1]))
    with open(sys.argv[2], "wb") as out:
        out.write(data)
