"""The catalogue of problem codes: each code once, with its name, severity and help.

Codes are a letter for the stage that finds them and three digits:
Y the YAML subset, S the schema (both here), and, in ``budgetctl.rules``,
R references between files, A allocation arithmetic, E eligibility conditions
declared per stream in streams.yaml. Each rule declares its own ``Code`` with
its docstring as the explanation; ``catalogue()`` there lists every code.
"""

from __future__ import annotations

from budgetctl.diagnostics import Diagnostic, Severity
from budgetctl.plainclass import dataclass


@dataclass(frozen=True)
class Code:
    """A problem code: its name, severity, one-line summary and explanation (``budgetctl explain``)."""

    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    affects_totals: bool = True

    def at(self, message: str, file: str, line: int = 1, column: int = 1) -> Diagnostic:
        return Diagnostic(self.code, self.severity, message, file, line, column)


E = Severity.ERROR
W = Severity.WARNING

_ALL: tuple[Code, ...] = (
    Code(
        "Y001",
        "unreadable-file",
        E,
        "A ledger file cannot be read.",
        "The file exists but could not be opened or read (permissions, a folder where a\n"
        "file was expected, or an I/O error). Fix the file's permissions or remove it.",
    ),
    Code(
        "Y002",
        "yaml-syntax-error",
        E,
        "The file is not valid YAML.",
        "The YAML parser stopped at the position shown. Common causes: a tab used for\n"
        "indentation, a missing space after a colon, an unclosed quote or bracket.\n\n"
        "    title: Youth diversion\n      lead: Manager      # wrong indentation",
    ),
    Code(
        "Y003",
        "not-utf8",
        E,
        "The file is not UTF-8 text.",
        "Ledger files must be UTF-8 (an optional byte order mark at the start is allowed).\n"
        "Files saved as Windows-1252 or UTF-16 are refused at the first byte that is not\n"
        "UTF-8: re-save the file as UTF-8 in your editor.",
    ),
    Code(
        "Y004",
        "duplicate-key",
        E,
        "A key appears twice in the same mapping.",
        "YAML tools disagree on which of two duplicate keys wins (some keep the first,\n"
        "some the last), so a reviewer and budgetctl could read different budgets.\n"
        "Delete one of the two lines.\n\n"
        "    allocations:\n      2023/24: 250000\n      2023/24: 300000   # Y004",
    ),
    Code(
        "Y005",
        "tag-refused",
        E,
        "An explicit YAML tag such as !!python/object or !include.",
        "Tags ask the loader to build objects or read other files. budgetctl never runs\n"
        "anything from data, so every explicit tag is refused. Remove the tag and write\n"
        "the plain value.",
    ),
    Code(
        "Y006",
        "anchor-or-alias",
        E,
        "A YAML anchor (&name) or alias (*name).",
        "An alias makes a value appear in places a reviewer does not see on the changed\n"
        "lines, and aliases can multiply into huge documents. Write each value out in full.",
    ),
    Code(
        "Y007",
        "merge-key",
        E,
        "A YAML merge key (<<).",
        "Merge keys copy values from elsewhere and let later keys silently override them.\n"
        "Write every key out in full.",
    ),
    Code(
        "Y008",
        "directive",
        E,
        "A YAML directive line (%YAML, %TAG).",
        "A %YAML 1.1 directive silently changes how values are read (for example `no`\n"
        "becomes false). Delete the directive line.",
    ),
    Code(
        "Y009",
        "multiple-documents",
        E,
        "More than one YAML document in a file.",
        "A second document (after ---) would be invisible to most readers of the file.\n"
        "Keep one document per file: move the rest to its own project file.",
    ),
    Code(
        "Y010",
        "symlink",
        E,
        "A symbolic link inside the ledger.",
        "Links can point outside the ledger (to credentials, for example) and would be read\n"
        "in CI. budgetctl never follows them: replace the link with a real file or folder.",
    ),
    Code(
        "Y011",
        "non-string-key",
        E,
        "A key that is not plain text (a list, mapping or null).",
        "Every key in a ledger file is a name. Write keys as plain text: `title:`, `2023/24:`.",
    ),
    Code(
        "Y012",
        "forbidden-character",
        E,
        "A control, bidirectional or invisible character.",
        "Terminal escapes, bidi overrides and zero-width characters make text display\n"
        'differently from what it contains ("Trojan Source"). Delete the character; the\n'
        "message shows it as an escape such as \\u202e.",
    ),
    Code(
        "Y013",
        "nesting-too-deep",
        E,
        "Collections nested deeper than budgetctl allows.",
        "A ledger file needs at most a few levels of nesting; deeper structures are refused\n"
        "before they can exhaust the parser. Flatten the structure.",
    ),
    Code(
        "Y014",
        "too-long",
        E,
        "A line or a value longer than budgetctl allows.",
        "Lines and values are limited to 10,000 characters. Shorten the text, or keep long\n"
        "documents outside the ledger and link to them.",
    ),
    Code(
        "Y015",
        "file-too-large",
        E,
        "A ledger file larger than budgetctl allows.",
        "A ledger file is limited to 5 MB (a project file is usually under 1 KB). Split the\n"
        "data into one file per project.",
    ),
    Code(
        "Y016",
        "not-a-mapping",
        E,
        "The file does not hold a mapping of keys to values.",
        "Every ledger file is a mapping: `streams.yaml` holds `streams:` (and optionally\n"
        "`priorities:`); a project file holds `title:`, `stream:`, `lead:`, `allocations:`.",
    ),
    Code(
        "Y017",
        "unparseable",
        E,
        "The YAML parser failed on this file.",
        "The parser could not make sense of the file. Check the lines around the position\n"
        "shown, or simplify the YAML to block mappings and plain values.",
    ),
    Code(
        "Y018",
        "misplaced-in-year-file",
        E,
        "A file or folder under actuals/, adjustments/ or forecasts/ that is not where the format puts one.",
        "In-year files sit in a folder per financial year named YYYY-YY (2023-24 holds\n"
        "2023/24): actuals/2023-24/*.csv, adjustments/2023-24/<id>.yaml and\n"
        "forecasts/2023-24/q1.yaml to q4.yaml. Anything else there would silently drop out of\n"
        "every total, so it is an error: move or rename it.\n\n"
        "    data/actuals/2023-24/2023-04.csv      read\n"
        "    data/actuals/2023-04.csv              Y018: move it into actuals/2023-24/",
    ),
    Code(
        "Y019",
        "text-cut-at-hash",
        W,
        "A plain value followed by '#' and more text: YAML read the rest as a comment.",
        "In YAML a '#' after a space starts a comment, so `title: Project #2 for youth`\n"
        "is read as the title 'Project'. Put the whole value in quotes to keep the '#':\n\n"
        '    title: "Project #2 for youth"',
        affects_totals=False,
    ),
    Code(
        "Y020",
        "file-not-read",
        W,
        "A file under the ledger folder that looks like a ledger file but is not read.",
        "budgetctl reads streams.yaml, projects/**/*.yaml (or .yml) and the in-year folders.\n"
        "A YAML or CSV file anywhere else under the ledger folder, a project file named\n"
        "x.YAML or x.yaml.txt, or a folder the format does not define (a typo such as\n"
        "project/) would silently leave its money out of every total: move or rename it.\n\n"
        "    data/projects/youth.yaml      read\n"
        "    data/youth.yaml               Y020: move it into projects/\n"
        "    data/project/youth.yaml       Y020: the folder project/ is not part of the format",
        affects_totals=False,
    ),
    Code(
        "S001",
        "unknown-key",
        E,
        "A key that budgetctl does not know.",
        "Misspelled keys would otherwise be silently ignored (an `amout:` would leave the\n"
        "amount out of every total). The message suggests the closest known key.\n\n"
        "    alocations:          # S001: did you mean 'allocations'?",
    ),
    Code(
        "S002",
        "missing-key",
        E,
        "A required key is missing.",
        "The position is that of the mapping that lacks the key. Add the key with a value.",
    ),
    Code(
        "S003",
        "wrong-type",
        E,
        "A value of the wrong kind (text, list, mapping, true/false).",
        "The message says what was expected and what was found. For example `priorities:`\n"
        "takes a list of ids: `priorities: [prioritising-victims]`.",
    ),
    Code(
        "S004",
        "bad-year",
        E,
        "A financial year that is not written YYYY/YY.",
        "Financial years are written as the first calendar year and the last two digits of\n"
        "the next: 2023/24 (and 2099/00). 2023-24, 2023/25 and 23/24 are refused.",
    ),
    Code(
        "S005",
        "bad-money",
        E,
        "An amount that is not written as budgetctl money.",
        "Amounts are pounds written as a plain YAML number with at most two decimals:\n"
        "400000, 1234.5, 1234.50. Quotes, £ signs, thousands separators, negative numbers,\n"
        "exponents and .inf/.nan are refused, because each could be misread.",
    ),
    Code(
        "S006",
        "bad-id",
        E,
        "An id that is not lower-case words joined by hyphens.",
        "Ids of streams, projects (file names), purposes, priorities and other lists match\n"
        "^[a-z0-9]+(-[a-z0-9]+)*$, e.g. victims-services. This keeps file names portable\n"
        "and unambiguous on every system.",
    ),
    Code(
        "S007",
        "unknown-field",
        E,
        "An eligibility condition names a project field that does not exist.",
        "`required:` and `allowed:` in a stream's `eligibility` name project keys such as\n"
        "npu, approved_by, partnership. The message suggests the closest field name.",
    ),
    Code(
        "S008",
        "bad-date",
        E,
        "A date that is not a real date written YYYY-MM-DD.",
        "Dates (award_date, start_date, end_date) are written 2023-04-01.",
    ),
)

# In-year actuals: the CSV subset (C001-C010), an actuals row's values (C011-C018).
_ALL += (
    Code(
        "C001",
        "csv-not-utf8",
        E,
        "A CSV file is not UTF-8 text.",
        "Actuals files are UTF-8 (one byte order mark at the start is allowed). A file saved\n"
        "as Windows-1252 is refused at its first byte that is not UTF-8, e.g. 0xa3 for '£':\n"
        'save the export as "CSV UTF-8".',
    ),
    Code(
        "C002",
        "csv-too-large",
        E,
        "A CSV file is over the size or row limit.",
        "A CSV file may hold at most 20,000,000 bytes and 500,000 rows. Split a larger export\n"
        "into one file per month: data/actuals/2023-24/2023-04.csv, 2023-05.csv ...",
    ),
    Code(
        "C003",
        "csv-header-mismatch",
        E,
        "The first line of a CSV file is not the expected header.",
        "The header is exactly the expected column names in order, e.g. for actuals:\n\n"
        "    date,project,kind,amount,reference,supplier,description\n\n"
        "The message names the first column that differs and suggests the closest name.",
    ),
    Code(
        "C004",
        "csv-cell-count",
        E,
        "A CSV row has more or fewer cells than the header.",
        "Every row has one cell per header column. A comma inside a text cell must be quoted:\n\n"
        '    2023-04-28,isva-service,payment,100.00,AP-1,"Smith, Jones & Co",April',
    ),
    Code(
        "C005",
        "csv-blank-line",
        E,
        "A CSV file holds an empty line.",
        "A blank line is not a row and could hide a missing one; delete it. A single line\n"
        "break at the end of the file is fine.",
    ),
    Code(
        "C006",
        "csv-line-break-in-cell",
        E,
        "A quoted CSV cell holds a line break.",
        'A row is one line: a cell such as "April\\nMay" (a quoted line break) is refused,\n'
        "because line-based tools (git diff, grep) would split the row. Write it on one line.",
    ),
    Code(
        "C007",
        "csv-control-character",
        E,
        "A CSV cell holds a control or invisible character.",
        "Tabs, other C0/C1 control characters, DEL, U+2028/U+2029/U+0085, a carriage return\n"
        "that does not end a line, and bidi or zero-width characters are refused: they hide\n"
        "text on screen or break lines in other tools. The message names the character.",
    ),
    Code(
        "C008",
        "csv-unterminated-quote",
        E,
        "A quoted CSV cell never ends.",
        "A cell that starts with a double quote ends with the next double quote that is not\n"
        'doubled. Close the quote, or write a quote inside a quoted cell as two: "5"" pipe".',
    ),
    Code(
        "C009",
        "csv-stray-quote",
        E,
        "A double quote inside a CSV cell that is not quoted.",
        'In RFC 4180 a quote may only appear inside a quoted cell, doubled. Write\n    5" pipe   as   "5"" pipe"',
    ),
    Code(
        "C010",
        "csv-text-after-quote",
        E,
        "Text follows the closing quote of a CSV cell.",
        "After a quoted cell's closing quote comes a comma or the end of the line:\n"
        '    "Smith" Ltd,   is refused; write   "Smith Ltd",',
    ),
    Code(
        "C011",
        "actual-bad-date",
        E,
        "An actuals date that is not a real date written YYYY-MM-DD.",
        "Dates are written 2023-04-28. 28/04/2023, 2023-4-28 and 2023-02-30 are refused.",
    ),
    Code(
        "C012",
        "actual-date-outside-year",
        E,
        "An actuals row dated outside its folder's financial year.",
        "A file in data/actuals/2023-24/ holds rows dated 2023-04-01 to 2024-03-31. Move the\n"
        "row to the file of the year it belongs to.",
    ),
    Code(
        "C013",
        "actual-bad-project-id",
        E,
        "An actuals project that is not a project id.",
        "The project column holds a project id: lower-case words joined by hyphens, as in\n"
        "isva-service. Whether the project exists is checked across files.",
    ),
    Code(
        "C014",
        "actual-unknown-kind",
        E,
        "An actuals kind other than payment, accrual, credit or accrual-reversal.",
        "payment and accrual add to spend; credit and accrual-reversal reduce it. The\n"
        "message suggests the closest kind, e.g. Payment -> payment.",
    ),
    Code(
        "C015",
        "actual-bad-amount",
        E,
        "An actuals amount that is not written as budgetctl money.",
        "Amounts are pounds with at most two decimals and no sign (the kind gives it):\n"
        '1275000, 20833.33. Quoting is CSV syntax, so "5.00" is 5.00; £, thousands\n'
        "separators and a minus sign are refused: 1,275,000 is written 1275000.",
    ),
    Code(
        "C016",
        "actual-empty-reference",
        E,
        "An actuals row without a reference.",
        "Each row has the finance system's reference (AP-104233); the pair (reference, kind)\n"
        "is unique in the ledger, so a re-import cannot count a payment twice.",
    ),
    Code(
        "C017",
        "actual-formula-text",
        E,
        "A text cell starts with =, +, - or @.",
        "reference, supplier and description cells starting with = + - or @ would run as a\n"
        "formula when the file is opened in a spreadsheet (CSV injection). Reword the text,\n"
        "e.g.  -Refund   as   Refund.",
    ),
    Code(
        "C018",
        "accrual-not-year-end",
        E,
        "An accrual dated other than 31 March.",
        "An accrual records spend incurred but not paid at the year end, so it is dated the\n"
        "last day of the financial year: 2024-03-31 for 2023/24. Reverse it in the next year\n"
        "with an accrual-reversal.",
    ),
)

# Importing exports: the workbook reader (I001-I006), the import mapping and rows (I010-).
_ALL += (
    Code(
        "I001",
        "workbook-unreadable",
        E,
        "A workbook that is not a readable .xlsx file.",
        "The file is not a zip archive, or a part the importer needs (xl/workbook.xml, the\n"
        "sheet) is missing or is not well-formed XML. Save it again from Excel as an Excel\n"
        "Workbook (.xlsx), or export CSV UTF-8 instead.",
    ),
    Code(
        "I002",
        "workbook-too-large",
        E,
        "A workbook over the size, row or cell limits.",
        "Parts are checked against their declared sizes before they are read, and rows and\n"
        "cells are counted while the sheet is read, so a zip bomb is refused at once. Split\n"
        "the export (one month per file) if a real one is refused.",
    ),
    Code(
        "I003",
        "workbook-dtd-refused",
        E,
        "A workbook part declares a DTD or entities.",
        "Excel never writes a <!DOCTYPE>. One in a workbook is an attack (billion laughs,\n"
        "external entities reading local files), so the part is refused before any entity\n"
        "is declared.",
    ),
    Code(
        "I004",
        "formula-without-value",
        E,
        "A formula cell has no cached value.",
        "budgetctl never calculates formulas; it takes the value Excel saved with the formula.\n"
        "A workbook written by a program (not saved by Excel) may lack it: open it in Excel,\n"
        "save it, and import again; or paste the column as values.",
    ),
    Code(
        "I005",
        "sheet-missing",
        E,
        "The workbook has no sheet of the name the mapping gives.",
        "The message lists the workbook's sheets; set `sheet:` in the import mapping to one.",
    ),
    Code(
        "I006",
        "bad-workbook-cell",
        E,
        "A workbook cell holds an error value or an unreadable number or date.",
        "Cells holding #REF!, #N/A, #DIV/0! and the like are refused, as are numbers that are\n"
        "not numbers, and the serial 60 of the 1900 date system (29 February 1900, which\n"
        "never existed). Fix the cell in the workbook.",
    ),
)

_ALL += (
    Code(
        "I010",
        "mapping-key-missing",
        E,
        "An import mapping lacks a key it needs.",
        "A mapping (data/imports/NAME.yaml) names the export columns and translates codes:\n\n"
        "    columns: {date: Posting date, amount: Net amount, reference: Document no,\n"
        "              project: Cost centre}\n"
        "    projects: {CC1234: isva-service}\n\n"
        "columns needs date, amount, reference and project; kinds is needed with columns.kind.",
    ),
    Code(
        "I011",
        "mapping-unknown-key",
        E,
        "An import mapping has a key budgetctl does not know.",
        "The keys are sheet, header_row, columns, date_format, kinds, projects and skip; the\n"
        "column roles are date, amount, reference, project, supplier, description and kind.\n"
        "A misspelt key would otherwise be ignored silently.",
    ),
    Code(
        "I012",
        "mapping-bad-value",
        E,
        "An import mapping value of the wrong form.",
        "For example a kinds value that is not payment, accrual, credit or accrual-reversal,\n"
        "a projects value that is not a project id, a date_format without a day and a year\n"
        "(%d/%m/%Y), or a skip rule that is not {column: Cost centre, values: [CC9999]}.",
    ),
    Code(
        "I020",
        "export-column-missing",
        E,
        "The export's header row lacks a column the mapping names.",
        "The mapping's columns (and skip rules) name export columns exactly as the header row\n"
        "writes them. The message lists the header's columns; fix the mapping, or header_row\n"
        "if the header is not on row 1.",
    ),
    Code(
        "I021",
        "export-unreadable",
        E,
        "A CSV export that is not UTF-8 CSV.",
        "Export the report as CSV UTF-8 (or as an Excel workbook). The message gives the line\n"
        "of the first byte or quote that could not be read.",
    ),
    Code(
        "I022",
        "import-bad-date",
        E,
        "An export date that does not match the mapping's date_format.",
        "date_format is a strptime format; the UK norm %d/%m/%Y reads 28/04/2023. Workbook\n"
        "cells formatted as dates need no format.",
    ),
    Code(
        "I023",
        "import-bad-amount",
        E,
        "An export amount that is not pounds and pence.",
        "Accepted: 1234.50, 1,234.50, £1,234.50, -1234.50 and (1,234.50) for a credit. Refused:\n"
        "more than two decimals (1234.505), misplaced separators (12,34.50), and a negative\n"
        "amount for a kind that adds to spend.",
    ),
    Code(
        "I024",
        "import-unmapped-project",
        E,
        "An export project code that the mapping's projects do not list.",
        "Every cost centre or project code in the export maps to a project id, or is skipped\n"
        "by a skip rule. Add it to projects:  CC1299: new-project-id",
    ),
    Code(
        "I025",
        "import-unmapped-kind",
        E,
        "An export kind that the mapping's kinds do not list.",
        "With columns.kind, every value of that column maps to payment, accrual, credit or\n"
        "accrual-reversal. Add it to kinds:  RCR: credit",
    ),
    Code(
        "I026",
        "import-duplicate-row",
        E,
        "Two export rows with the same reference and kind.",
        "(reference, kind) identifies a row of actuals, so a re-import adds nothing twice. Two\n"
        "rows sharing it in one export would be one payment counted twice: fix the export.",
    ),
)

# The loader's and the schema's codes; ``budgetctl.rules.catalogue()`` adds the rules'.
CODES: dict[str, Code] = {code.code: code for code in _ALL}

# Codes of the commands other than `validate`: fmt (F), the 360Giving export (X) and diff
# (D014, D015). They live here, below every stage that reports them, so that no two
# stages can define one code; `budgetctl rules` lists them and `budgetctl explain` explains them.
FMT_UNSUPPORTED = Code(
    "F001",
    "fmt-unsupported-layout",
    E,
    "fmt cannot rewrite this YAML layout exactly, so it leaves the file alone.",
    "fmt rewrites block mappings, plain and quoted values, block scalars (as one\n"
    "quoted line) and lists of ids. Flow mappings holding lists, lists of mappings and\n"
    "comments inside a value that spans several lines are refused rather than guessed at.\n"
    "Rewrite the value as the message says, then run fmt again.",
)
FMT_GUARD_FAILED = Code(
    "F002",
    "fmt-guard-failed",
    E,
    "fmt's own output failed its safety check, so nothing was written.",
    "Before writing, fmt proves that its output loads, holds the same values and the\n"
    "same comments as the input, and is stable when formatted again. This problem\n"
    "means fmt has a bug for this file: the file is untouched. Please report it\n"
    "with the file attached.",
)
GRANT_FIELD_MISSING = Code(
    "X001",
    "grant-field-missing",
    E,
    "A grant lacks a field the 360Giving Data Standard requires.",
    "Every grant needs a description, an award date and a recipient (the provider).",
)
BAD_ORG_ID = Code(
    "X002",
    "bad-org-id",
    E,
    "An organisation identifier that is not an org-id such as GB-CHC-1070468.",
    "Write the list code and the registered number: GB-CHC-1070468, GB-COH-09668396, GB-LAE-BIR.",
)
PUBLISHER_MISSING = Code(
    "X003",
    "publisher-missing",
    E,
    "The 360Giving prefix or the funder's name or identifier is not configured.",
    "Add `publisher:` with `prefix:`, `name:` and `org_id:` to streams.yaml, or pass --prefix, "
    "--funder-name and --funder-id.",
)
BAD_PUBLISHER = Code(
    "X004",
    "bad-publisher",
    E,
    "A 360Giving prefix or funder identifier that is not well formed.",
    "A prefix is 360G- followed by letters, digits, hyphens or underscores, e.g. 360G-OPCCWM.",
)
NO_GRANTS = Code(
    "X005",
    "no-grants",
    E,
    "No project marked `grant: true` allocates in the year exported.",
    "A 360Giving package holds at least one grant. Mark grant projects with `grant: true`.",
)
BAD_DATES = Code(
    "X006",
    "bad-planned-dates",
    E,
    "Planned dates that end before they start, or an end without a start.",
    "Give `start_date:` with `end_date:`, and an end date on or after the start date.",
)
APPROVED_CHANGED = Code(
    "D014",
    "approved-budget-changed",
    E,
    "An approved year's budget or sources edited in place (found by `budgetctl diff`).",
    "Once `years:` in streams.yaml gives a year an `approved` date, its `budget:` and\n"
    "`sources:` are the figures the board approved and are never edited: a change is an\n"
    "adjustment record (`budgetctl new adjustment`), so the approved figure stays and the\n"
    "decision is reviewed. `diff --fail-on-new-errors` fails on it.\n\n"
    "    budget:\n      2023/24: 1925538     # D014 when 2023/24 was approved at 1805538",
)
CLOSED_CHANGED = Code(
    "D015",
    "closed-year-changed",
    E,
    "A file of a closed year's actuals, adjustments or forecasts changed (found by `budgetctl diff`).",
    "A year with `closed:` in streams.yaml has a final outturn: its files under actuals/,\n"
    "adjustments/ and forecasts/ are frozen. Record the change in the current year instead.\n"
    "`diff --fail-on-new-errors` fails on it.",
)
# Every command's own code (the diff codes are found comparing two sides of a ledger).
COMMAND_CODES = (
    FMT_UNSUPPORTED,
    FMT_GUARD_FAILED,
    GRANT_FIELD_MISSING,
    BAD_ORG_ID,
    PUBLISHER_MISSING,
    BAD_PUBLISHER,
    NO_GRANTS,
    BAD_DATES,
    APPROVED_CHANGED,
    CLOSED_CHANGED,
)
