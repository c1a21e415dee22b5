"""Build small .xlsx files by hand with zipfile, so tests control every byte of XML."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

# Style 0: General; style 1: built-in date format 14 (d/m/yyyy); style 2: custom "dd mmm yyyy".
STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet {NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="dd\\ mmm\\ yyyy"/></numFmts>
<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>"""


def cell(ref: str, value: object = None, *, formula: str | None = None, style: int = 0, kind: str | None = None) -> str:
    """One <c>: text becomes an inline string, anything else a number (written as given)."""
    f = f"<f>{escape(formula)}</f>" if formula is not None else ""
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}>{f}</c>'
    if kind is not None:
        return f'<c r="{ref}" t="{kind}"{s}>{f}<v>{escape(str(value))}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"{s}>{f}<is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"{s}>{f}<v>{value}</v></c>'


def sheet_xml(rows: list[list[str]], *, head: str = "", dimension: str = "A1") -> str:
    body = "".join(f'<row r="{n}">{"".join(cells)}</row>' for n, cells in enumerate(rows, 1))
    return f'{head}<worksheet {NS}><dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'


def table(rows: list[list[object]]) -> list[list[str]]:
    """Plain values to cells: row n, column A.. (None leaves the cell out)."""
    return [
        [cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(values) if v is not None]
        for r, values in enumerate(rows, 1)
    ]


def make_xlsx(
    sheets: dict[str, str],
    *,
    shared: list[str] | None = None,
    date1904: bool = False,
    workbook_head: str = "",
    compression: int = zipfile.ZIP_DEFLATED,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A workbook of sheets named as given, each holding the given worksheet XML."""
    names = list(sheets)
    wb_sheets = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    workbook = f"{workbook_head}<workbook {NS} {REL_NS}>{pr}<sheets>{wb_sheets}</sheets></workbook>"
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", workbook)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        z.writestr("xl/styles.xml", STYLES)
        if shared is not None:
            items = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
            z.writestr("xl/sharedStrings.xml", f"<sst {NS}>{items}</sst>")
        for i, name in enumerate(names, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheets[name])
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()
