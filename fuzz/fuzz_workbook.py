"""Coverage-guided fuzzing of the .xlsx reader and import planning (atheris).

Each input is read as a workbook and planned as an import with a fixed mapping;
inputs starting with ``PK`` are used as they are, others are wrapped as the
sheet XML of an otherwise valid workbook, so the fuzzer reaches the XML handlers
quickly. A crash is:

* an exception escaping ``read_sheet`` or ``plan_import``;
* a problem with an unknown code, or a line or column below 1;
* a problem message holding a raw CR, LF, U+0085, U+2028 or U+2029.

Run (see fuzz/README.md):

    python fuzz/fuzz_workbook.py fuzz/corpus-xlsx -max_len=8192 -max_total_time=600 -rss_limit_mb=2048
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["budgetctl"]):
    # plan_import imports the workbook reader inside a function; import it here so
    # that it is instrumented and its branches guide the fuzzer.
    import budgetctl.infra.workbook  # noqa: F401
    from budgetctl.edit.importer import load_mapping, plan_import
    from budgetctl.loading.codes import CODES

PATH = "export.xlsx"
BAD_IN_MESSAGE = ("\r", "\n", "\x85", "\u2028", "\u2029")
MAPPING, _ = load_mapping(
    b"columns: {date: Date, amount: Amount, reference: Ref, project: Centre}\n"
    b"projects: {C1: isva-service}\n"
    b"skip: [{column: Centre, values: [X]}]\n",
    "data/imports/fuzz.yaml",
)
assert MAPPING is not None

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def wrap(sheet: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "xl/workbook.xml",
            f'<workbook {NS}><sheets><sheet name="S" r:id="rId1" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr(
            "xl/styles.xml", f'<styleSheet {NS}><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>'
        )
        z.writestr("xl/sharedStrings.xml", f"<sst {NS}><si><t>Date</t></si><si><t>Amount</t></si></sst>")
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def check_problems(problems: list) -> None:
    for p in problems:
        if p.code not in CODES:
            raise AssertionError(f"unknown code {p.code!r}")
        if p.line < 1 or p.column < 1:
            raise AssertionError(f"problem without a place: {p}")
        if any(ch in p.message for ch in BAD_IN_MESSAGE):
            raise AssertionError(f"message holds a line break: {p.message!r}")


def check_bytes(data: bytes) -> None:
    workbook = data if data.startswith(b"PK") else wrap(data)
    assert MAPPING is not None
    # plan_import reads the sheet itself (the mapping names none, so the first) and
    # passes read_sheet's problems on as refusals: one read per input, not two.
    plan = plan_import(workbook, PATH, MAPPING, "2023/24", set())
    check_problems(plan.refusals)
    plan = plan_import(data, "export.csv", MAPPING, "2023/24", set())
    check_problems(plan.refusals)


def main() -> None:
    atheris.Setup(sys.argv, check_bytes)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
