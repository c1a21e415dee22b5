"""The catalogue of problem codes: each code once, with its name, severity and help.

Codes are a letter for the stage that finds them and three digits:
Y the YAML subset, S the schema (both here), and, in ``budgetctl.rules``,
R references between files, A allocation arithmetic, E eligibility conditions
declared per stream in streams.yaml. Each rule declares its own ``Code`` with
its docstring as the explanation; ``catalogue()`` there lists every code.
"""

from __future__ import annotations

from dataclasses import dataclass

from budgetctl.diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    affects_totals: bool = True

    def at(self, message: str, file: str, line: int = 1, column: int = 1) -> Diagnostic:
        return Diagnostic(self.code, self.severity, message, file, line, column)


E, W = Severity.ERROR, Severity.WARNING

_ALL = (
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

# The loader's and the schema's codes; ``budgetctl.rules.catalogue()`` adds the rules'.
CODES: dict[str, Code] = {code.code: code for code in _ALL}
