"""The hostile-input corpus: every YAML hazard the strict subset refuses (docs/reliability.md,
section 2), every way of writing money, encodings, file-system traps, huge inputs, and text
crafted to attack a terminal, a CI log or a spreadsheet.

Each case is a small ledger (a base ledger plus the case's files) run through the
real CLI with ``validate --format json``; it states the exact problems expected as
(code, file, line, column) and the exit code. Every run also asserts that no
traceback was printed. Inputs found by fuzzing live in tests/hostile/ and are
listed in HOSTILE_FILES.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.loading import yamlsubset
from budgetctl.loading.yamlsubset import MAX_DEPTH, MAX_FILE_BYTES, strict_load

HERE = Path(__file__).resolve().parents[1] / "hostile"

STREAMS = """\
priorities:
  prioritising-victims: Prioritising victims
streams:
  victims-services:
    programme: Victims Services
    funding: Specific Grant
    budget:
      2023/24: 10000000
"""
BASE = {"streams.yaml": STREAMS}
P = "data/projects/p.yaml"  # the case's project file, as problems name it
S = "data/streams.yaml"

# A valid project; lines 1-5, the amount at line 5, column 12.
HEAD = "title: T\nstream: victims-services\nlead: L\nallocations:\n"


def project(extra: str = "", amount: str = "100") -> str:
    """A project file: HEAD, ``  2023/24: <amount>`` on line 5, then ``extra`` from line 6."""
    return f"{HEAD}  2023/24: {amount}\n{extra}"


@dataclass
class Case:
    name: str
    files: dict[str, str | bytes]  # paths under data/, added to BASE
    problems: list[tuple[str, str, int, int]] = field(default_factory=list)
    exit: int | None = None  # default: 1 when any problem is expected, else 0
    exact: bool = True  # False: the listed problems are among those reported
    message: str = ""  # text the first problem's message contains

    @property
    def expected_exit(self) -> int:
        if self.exit is not None:
            return self.exit
        return 1 if any(code[0] in "YSRE" or code in ("A001", "A002") for code, *_ in self.problems) else 0


def money_case(name: str, amount: str, code: str = "S005") -> Case:
    return Case(f"money-{name}", {"projects/p.yaml": project(amount=amount)}, [(code, P, 5, 12)])


def p(name: str, text: str | bytes, *problems: tuple[str, int, int], exact: bool = True, message: str = "") -> Case:
    """A case with one project file p.yaml; problems are (code, line, column) in it."""
    located = [(c, P, line, col) for c, line, col in problems]
    return Case(name, {"projects/p.yaml": text}, located, exact=exact, message=message)


BILLION_LAUGHS = "\n".join(['a0: &a0 "lol"'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)])

CASES: list[Case] = [
    # --- YAML hazards: what the strict subset refuses --------------------------------------
    p(
        "anchor-and-alias",
        "title: &t T\nstream: victims-services\nlead: *t\nallocations: {2023/24: 1}\n",
        ("Y006", 1, 8),
        ("Y006", 3, 7),
    ),
    p("billion-laughs", BILLION_LAUGHS, ("Y006", 1, 5), ("Y006", 2, 5), ("Y006", 2, 10), exact=False),
    p("deep-flow-nesting", "[" * 100, ("Y013", 1, MAX_DEPTH + 1)),
    p("deep-flow-nesting-50000-lines", "[\n" * 50_000, ("Y013", MAX_DEPTH + 1, 1)),
    p("deep-flow-nesting-50000-on-one-line", "[" * 50_000, ("Y014", 1, 1)),
    p(
        "deep-block-nesting",
        "".join(f"{'  ' * i}k{i}:\n" for i in range(40)) + "  " * 40 + "v\n",
        ("Y013", MAX_DEPTH + 1, 2 * MAX_DEPTH + 1),
    ),
    p("deep-nesting-within-limit", project("description: " + "[" * 20 + "]" * 20 + "\n"), ("S003", 6, 14)),
    money_case("huge-integer", "9" * 5000),
    money_case("huge-float", "1e400"),
    money_case("400-digit-decimal", "1" + "0" * 400 + ".50"),
    p("duplicate-key", project("title: Again\n"), ("Y004", 6, 1)),
    p("duplicate-year", project("  2023/24: 200\n").replace("\nti", "\nti"), ("Y004", 6, 3)),
    p("yaml-1.1-booleans-stay-text", project().replace("title: T", "title: no").replace("lead: L", "lead: off")),
    p("yes-is-not-true", project("ring_fenced: yes\n"), ("S001", 6, 1)),
    Case("yes-is-not-true-in-streams", {"streams.yaml": STREAMS + "    ring_fenced: yes\n"}, [("S003", S, 9, 18)]),
    p("yaml-1.1-directive", "%YAML 1.1\n---\n" + project(), ("Y008", 1, 1)),
    p("yaml-1.3-directive", "%YAML 1.3\n---\n" + project(), ("Y008", 1, 1)),
    p("tag-directive", "%TAG ! tag:evil.example,2024:\n---\n" + project(), ("Y008", 1, 1)),
    money_case("sexagesimal", "1:20"),
    money_case("octal-looking", "0123"),
    money_case("octal-0o", "0o123"),
    money_case("beyond-float-precision", "12345678901234567.89"),
    money_case("underscores", "1_000.50"),
    money_case("exponent", "1e3"),
    money_case("plus-sign", "+12.5"),
    money_case("leading-point", ".5"),
    money_case("negative-zero", "-0.0"),
    money_case("inf", ".inf"),
    money_case("nan", ".nan"),
    p("impossible-date", project("award_date: 2023-02-30\n"), ("S008", 6, 13)),
    p("impossible-date-as-year", project().replace("2023/24", "2023-02-30"), ("S004", 5, 3)),
    p(
        "python-object-tag",
        project("description: !!python/object/apply:os.system ['echo PWNED']\n"),
        ("Y005", 6, 14),
        message="tag !!python/object/apply:os.system is not allowed",
    ),
    p(
        "include-tag",
        project("description: !include {path: ../../etc/passwd}\n"),
        ("Y005", 6, 14),
        message="tag !include is",
    ),
    p("str-tag-on-money", project(amount="!!str 12.50"), ("Y005", 5, 12)),
    p("binary-tag", project("description: !!binary aGVsbG8=\n"), ("Y005", 6, 14)),
    p("set-tag", project("description: !!set {a, b}\n"), ("Y005", 6, 14)),
    p("verbatim-tag", project("description: !<tag:yaml.org,2002:str> x\n"), ("Y005", 6, 14), message="tag !!str is"),
    p("verbatim-local-tag", project("description: !<!bar> x\n"), ("Y005", 6, 14), message="tag !bar is"),
    p("leading-blank-line", "\n" + project("description: a\x07b\n"), ("Y012", 7, 15), message="U+0007"),
    p("control-on-line-two-after-a-blank-line", "\ndescription: a\x07b\n", ("Y012", 2, 15)),
    p("alias-as-key", "a: &x k\n*x : v\n", ("Y006", 1, 4), ("Y006", 2, 1), ("Y011", 2, 1)),
    p("leading-blank-line-long", "\n" + "#" * 10_001 + "\n" + project(), ("Y014", 2, 1)),
    p("leading-blank-line-directive", "\n%YAML 1.2\n---\n" + project(), ("Y008", 2, 1)),
    p("bool-tag-famse", project("description: !!bool famse\n"), ("Y005", 6, 14)),
    p("int-tag-on-decimal", project(amount="!!int 12.50"), ("Y005", 5, 12)),
    p(
        "merge-key",
        "base: &b {title: T}\n<<: *b\nstream: victims-services\n",
        ("Y006", 1, 7),
        ("Y007", 2, 1),
        ("Y006", 2, 5),
    ),
    p(
        "second-document",
        project("---\ntitle: Hidden\n"),
        ("Y009", 6, 1),
        message="a second YAML document is not allowed; keep one document per file",
    ),
    p("document-end-then-document", project("...\n---\ntitle: Hidden\n"), ("Y009", 7, 1)),
    p("empty-file", "", ("Y016", 1, 1)),
    p("comment-only", "# nothing here\n", ("Y016", 1, 1)),
    p("top-level-list", "- title: T\n", ("Y016", 1, 1)),
    p("top-level-scalar", "just text\n", ("Y016", 1, 1)),
    p("complex-key", project("? [a, b]\n: 1\n"), ("Y011", 6, 3)),
    p("mapping-key", project("{a: 1}: x\n"), ("Y011", 6, 1)),
    p("null-key", project("~: y\n"), ("Y011", 6, 1)),
    p("empty-key", project(": y\n"), ("Y002", 6, 1)),
    p("quoted-empty-key", project('"": y\n'), ("S001", 6, 1)),
    p("key-with-brackets", project('"a[b]": 1\n'), ("S001", 6, 1)),  # schema.py fix: kept in the location
    p("number-key-is-text", project("1: x\n"), ("S001", 6, 1)),
    p("tab-indentation", project("\tdescription: x\n"), ("Y002", 6, 1)),
    p("nul-byte", project("description: a\x00b\n"), ("Y012", 6, 15)),
    p("raw-escape", project("description: \x1b[31mred\n"), ("Y012", 6, 14)),
    p("escaped-escape", project('description: "\\e[31mred"\n'), ("Y012", 6, 14)),
    p("escaped-bidi-override", project('description: "abc\\u202edcba"\n'), ("Y012", 6, 14)),
    p("raw-bidi-override", project("description: abc\u202edcba\n"), ("Y012", 6, 17)),
    p("zero-width-space-in-key", project("desc\u200bription: x\n"), ("Y012", 6, 5)),
    p("escaped-lone-surrogate", project('description: "\\ud800"\n'), ("Y002", 6, 17)),
    p("nel-c1-control", project("description: a\u0085b\n"), ("Y012", 6, 15)),
    p("line-separator", project("description: a\u2028b\n"), ("Y012", 6, 15)),
    p(
        "spec-example-6.11-comment",
        project().replace("title: T", "title:    # Comment\n        # lines\n  T"),
    ),
    # --- encodings ------------------------------------------------------------------------------
    p("leading-bom", codecs.BOM_UTF8 + project().encode()),
    p("two-leading-boms", codecs.BOM_UTF8 * 2 + project().encode(), ("Y012", 1, 1)),
    p("mid-file-bom", project("\ufeffdescription: x\n"), ("Y012", 6, 1)),
    p("cp1252-pound", project("description: \xa3400\n").encode("cp1252"), ("Y003", 6, 14)),
    p("latin-1-e-acute", ("caf\xe9: x\n").encode("latin-1"), ("Y003", 1, 4)),
    p("utf-16-with-bom", project().encode("utf-16"), ("Y003", 1, 1)),
    p("utf-16-without-bom", project().encode("utf-16-le"), ("Y003", 1, 1)),
    p("utf-32-with-bom", project().encode("utf-32"), ("Y003", 1, 1)),
    p("truncated-utf8", project("description: caf").encode() + b"\xc3", ("Y003", 6, 17)),
    # --- money: every form a value may be written in ---------------------------------------
    p("money-whole-pounds", project(amount="400000")),
    p("money-one-decimal", project(amount="1234.5")),
    p("money-two-decimals", project(amount="1234.50")),
    p("money-zero", project(amount="0"), ("A003", 5, 3)),
    money_case("negative", "-5"),
    money_case("three-decimals", "1234.567"),
    money_case("double-quoted", '"1234.50"'),
    money_case("single-quoted", "'1234.50'"),
    money_case("pound-sign", "£400000"),
    money_case("thousands-commas", "'400,000'"),
    money_case("thousands-commas-flow", "400,000"),
    money_case("true", "true"),
    money_case("false", "false"),
    Case("money-empty", {"projects/p.yaml": project(amount="")}, [("S005", P, 5, 11)]),
    money_case("null", "null"),
    money_case("thirteen-digits", "1234567890123"),
    money_case("trailing-point", "12."),
    money_case("list", "[1, 2]", "S003"),
    money_case("mapping", "{a: 1}", "S003"),
    # --- references between files ----------------------------------------------------------------
    Case("file-name-not-an-id", {"projects/Bad Name.yaml": project()}, [("S006", "data/projects/Bad Name.yaml", 1, 1)]),
    Case(
        "duplicate-stem-in-sub-folders",
        {"projects/a/p.yaml": project(), "projects/b/p.yaml": project()},
        [("R004", "data/projects/b/p.yaml", 1, 1)],
    ),
    Case("other-files-ignored", {"projects/notes.txt": b"\x00\xff garbage", "projects/p.yml": project()}),
    Case("directory-named-like-a-project", {"projects/x.yaml/inner.yaml": project()}),
    Case("streams-with-bad-money", {"streams.yaml": STREAMS.replace("10000000", "10,000,000")}, [("S005", S, 8, 16)]),
    Case(
        "sources-over-by-pence",
        {"streams.yaml": STREAMS + "    sources: {grant: {2023/24: 9999999}, partners: {2023/24: 1.50}}\n"},
        [("A002", S, 8, 16)],
        message="sources sum to £10,000,000.50 in 2023/24 but the budget is £10,000,000.00 (£0.50 over)",
    ),
    Case(
        "sources-short",
        {"streams.yaml": STREAMS + "    sources: {grant: {2023/24: 9999859}}\n"},
        [("A002", S, 8, 16)],
        message="(£141.00 short); make them equal",
    ),
    Case("streams-unreadable-yaml", {"streams.yaml": "streams: [\n"}, [("Y002", S, 2, 1)]),
]

# Inputs the fuzzer found (tests/hostile/NAME), placed as data/projects/p.yaml, with their problems.
HOSTILE_FILES: dict[str, list[tuple[str, int, int]]] = {
    # A key holding "[" made the schema stage drop it from the location (IndexError, exit 3).
    "fuzz-key-with-brackets.yaml": [
        ("S001", 1, 1),
        *[("S002", 1, 1)] * 4,
        ("S001", 2, 1),
        ("S001", 3, 1),
        ("S001", 4, 1),
        ("S001", 5, 1),
    ],
}


def write_ledger(root: Path, files: dict[str, str | bytes]) -> Path:
    data = root / "data"
    for name, content in {**BASE, **files}.items():
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return data


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of checked files per test, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)


def run_json(runner, data: Path) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    """validate --format json, run twice: the second run answers from the cache and must agree."""
    outputs = []
    # Under mutmut the cache cannot tell mutants apart (same source files): run once.
    for _ in range(1 if os.environ.get("MUTANT_UNDER_TEST") else 2):
        result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        outputs.append((result.exit_code, result.stdout))
    assert all(output == outputs[0] for output in outputs)
    return result.exit_code, json.loads(result.stdout)


def located(payload: dict) -> list[tuple[str, str, int, int]]:
    return [(p["code"], p["file"], p["line"], p["column"]) for p in payload["problems"]]


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) + len(HOSTILE_FILES) >= 50
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_case(case: Case, runner, tmp_path: Path) -> None:
    data = write_ledger(tmp_path, case.files)
    code, payload = run_json(runner, data)
    found = located(payload)
    if case.exact:
        assert found == case.problems
    else:
        assert set(case.problems) <= set(found)
        assert {c for c, *_ in found} == {c for c, *_ in case.problems}
    assert code == case.expected_exit
    assert all(p["line"] >= 1 and p["column"] >= 1 and p["message"] for p in payload["problems"])
    if case.message:
        assert case.message in payload["problems"][0]["message"]


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_fuzzer_finding(name: str, runner, tmp_path: Path) -> None:
    data = write_ledger(tmp_path, {"projects/p.yaml": (HERE / name).read_bytes()})
    code, payload = run_json(runner, data)
    assert located(payload) == [(c, P, line, col) for c, line, col in HOSTILE_FILES[name]]
    assert code == 1


def test_every_fuzzer_finding_is_listed() -> None:
    assert sorted(path.name for path in HERE.glob("*.yaml")) == sorted(HOSTILE_FILES)


# --- the loader's own boundary --------------------------------------------------------------


def test_a_parser_bug_becomes_a_located_problem(monkeypatch) -> None:
    def broken(text, problems):  # type: ignore[no-untyped-def]
        raise KeyError("(2, 2)")  # as ruamel's resolver did on `%YAML 2.2` in a second document

    monkeypatch.setattr(yamlsubset, "_build", broken)
    source, problems = strict_load(b"title: T\n", "data/projects/p.yaml")
    assert source is None
    assert [(p.code, p.file, p.line, p.column) for p in problems] == [("Y017", "data/projects/p.yaml", 1, 1)]
    assert "KeyError" in problems[0].message


def test_recursion_in_the_parser_becomes_a_located_problem(monkeypatch) -> None:
    def deep(text, problems):  # type: ignore[no-untyped-def]
        raise RecursionError

    monkeypatch.setattr(yamlsubset, "_build", deep)
    _, problems = strict_load(b"title: T\n", "x.yaml")
    assert [(p.code, p.line) for p in problems] == [("Y013", 1)]


def test_problems_per_file_are_capped() -> None:
    text = "\n".join(f"k{i}: &a{i} v" for i in range(200)).encode()
    _, problems = strict_load(text, "x.yaml")
    assert len(problems) == yamlsubset.MAX_PROBLEMS_PER_FILE


# --- the file system -----------------------------------------------------------------------------


def test_symlinked_project_file_is_refused_and_not_read(runner, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n")
    data = write_ledger(tmp_path, {})
    (data / "projects").mkdir()
    (data / "projects" / "leak.yaml").symlink_to(secret)
    (data / "projects" / "folder").symlink_to(tmp_path)
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert "hunter2" not in result.output and "Traceback" not in result.output
    _, payload = run_json(runner, data)
    assert located(payload) == [
        ("Y010", "data/projects/folder", 1, 1),
        ("Y010", "data/projects/leak.yaml", 1, 1),
    ]


def test_symlinked_projects_folder_and_streams_file_are_refused(runner, tmp_path: Path) -> None:
    elsewhere = write_ledger(tmp_path / "elsewhere", {"projects/p.yaml": project()})
    data = tmp_path / "ledger" / "data"
    data.mkdir(parents=True)
    (data / "streams.yaml").symlink_to(elsewhere / "streams.yaml")
    (data / "projects").symlink_to(elsewhere / "projects")
    code, payload = run_json(runner, data)
    assert code == 1
    assert located(payload) == [("Y010", "data/projects", 1, 1), ("Y010", "data/streams.yaml", 1, 1)]


def test_fifo_named_like_a_project_is_not_read(runner, tmp_path: Path) -> None:
    data = write_ledger(tmp_path, {})
    (data / "projects").mkdir()
    os.mkfifo(data / "projects" / "pipe.yaml")  # opening it for reading would block forever
    code, payload = run_json(runner, data)
    assert (code, located(payload)) == (1, [("Y001", "data/projects/pipe.yaml", 1, 1)])


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(runner, tmp_path: Path) -> None:
    data = write_ledger(tmp_path, {"projects/p.yaml": project()})
    (data / "projects" / "p.yaml").chmod(0)
    code, payload = run_json(runner, data)
    assert (code, located(payload)) == (1, [("Y001", P, 1, 1)])
    assert "Permission denied" in payload["problems"][0]["message"]


def test_read_error_is_a_located_problem(runner, tmp_path: Path, monkeypatch) -> None:
    """The same path as an unreadable file, for runs as root (which reads any file)."""
    from budgetctl.loading import discover as discovery

    real_open = os.open

    def refuse(path, flags, *args):  # type: ignore[no-untyped-def]
        if str(path).endswith("p.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(discovery.os, "open", refuse)
    data = write_ledger(tmp_path, {"projects/p.yaml": project()})
    code, payload = run_json(runner, data)
    assert (code, located(payload)) == (1, [("Y001", P, 1, 1)])
    assert payload["problems"][0]["message"] == "cannot read the file: Permission denied"


def test_streams_yaml_that_is_a_folder_means_no_ledger(runner, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "streams.yaml").mkdir(parents=True)
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 2
    assert "no ledger found" in result.output and "Traceback" not in result.output


def test_twenty_megabyte_file_is_refused_by_size_without_being_read(runner, tmp_path: Path, monkeypatch) -> None:
    data = write_ledger(tmp_path, {})
    (data / "projects").mkdir()
    with (data / "projects" / "big.yaml").open("wb") as handle:
        handle.truncate(20_000_000)  # sparse: reading it would allocate 20 MB
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    tracemalloc.start()
    try:
        code, payload = run_json(runner, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (code, located(payload)) == (1, [("Y015", "data/projects/big.yaml", 1, 1)])
    assert "20,000,000 bytes; the limit is 5,000,000" in payload["problems"][0]["message"]
    assert peak < 15_000_000  # reading the file would take 20 MB


def test_file_just_over_the_limit_is_refused(runner, tmp_path: Path) -> None:
    data = write_ledger(tmp_path, {"projects/p.yaml": b"#" * (MAX_FILE_BYTES + 1)})
    _, payload = run_json(runner, data)
    assert located(payload) == [("Y015", P, 1, 1)]


def test_two_megabyte_line_is_refused_before_parsing(runner, tmp_path: Path, monkeypatch) -> None:
    data = write_ledger(tmp_path, {"projects/p.yaml": project("description: " + "x" * 2_000_000 + "\n")})
    code, payload = run_json(runner, data)
    assert (code, located(payload)) == (1, [("Y014", P, 6, 1)])
    # Memory of the loader alone: the cache reads its own file with a 512 MB read() buffer.
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    tracemalloc.start()
    try:
        code, payload = run_json(runner, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (code, located(payload)) == (1, [("Y014", P, 6, 1)])
    # The bytes, their text and a few copies; a YAML parser would take well over 100 MB.
    assert peak < 40_000_000


def test_long_value_over_short_lines_is_refused(runner, tmp_path: Path) -> None:
    folded = "description: >\n" + "".join(f"  {'word ' * 100}\n" for _ in range(30))
    data = write_ledger(tmp_path, {"projects/p.yaml": project(folded)})
    _, payload = run_json(runner, data)
    assert located(payload) == [("Y014", P, 6, 14)]


# --- text crafted against terminals, CI logs and spreadsheets ---------------------------------


@pytest.mark.parametrize(("length", "refused"), [(10_000, False), (10_001, True)])
def test_value_length_limit_is_exact(runner, tmp_path: Path, length: int, refused: bool) -> None:
    chunks = ["x" * 100] * (length // 100) + ["y" * (length % 100)]
    # Double-quoted over short lines: an escaped line break joins the lines with nothing between.
    folded = 'description: "' + "\\\n  ".join(chunk for chunk in chunks if chunk) + '"\n'
    data = write_ledger(tmp_path, {"projects/p.yaml": project(folded)})
    _, payload = run_json(runner, data)
    expected = [("Y014", P, 6, 14)] if refused else []
    assert located(payload) == expected
    if refused:
        assert payload["problems"][0]["message"] == "value longer than 10,000 characters; shorten it"


def test_loader_messages_say_how_to_fix(runner, tmp_path: Path) -> None:
    text = project('description: !!str x\nprovider: "a\\u202eb"\n')
    data = write_ledger(tmp_path, {"projects/p.yaml": text})
    _, payload = run_json(runner, data)
    assert [p["message"] for p in payload["problems"]] == [
        "tag !!str is not allowed; budgetctl never builds objects from tags: remove it",
        "escaped forbidden character U+202E (control, bidi or invisible); delete it",
    ]


def test_terminal_escapes_are_shown_escaped_never_sent(runner, tmp_path: Path) -> None:
    data = write_ledger(tmp_path, {"projects/p.yaml": project("description: \x1b]8;;https://evil\x07click\x1b[2J\n")})
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\u001b]8;;https://evil\\u0007click\\u001b[2J" in result.output  # the excerpt, escaped
    assert "Traceback" not in result.output


def test_rich_markup_in_values_is_printed_literally(runner, tmp_path: Path) -> None:
    markup = "Arts [/] [link=https://evil.example]click[/link] [bold red]x"
    streams = STREAMS.replace("Victims Services", f'"{markup}"')
    data = write_ledger(tmp_path, {"streams.yaml": streams, "projects/p.yaml": project(f'"{markup}": 1\n')})
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert f"unknown key {markup!r}" in result.output
    assert "\x1b]8;" not in result.output
    (data / "projects" / "p.yaml").write_text(project())
    result = runner.invoke(app, ["summary", "--data", str(data), "--year", "2023/24"])
    assert result.exit_code == 0, result.output
    assert "Arts [/] [link=https://evil.example]click[/link]" in result.output
    assert "Traceback" not in result.output


FORGED = "Officers\\n::error file=x.yaml,line=1::forged\\r::add-mask::%0A"


def test_github_annotations_cannot_be_forged(runner, tmp_path: Path) -> None:
    streams = STREAMS + f'    eligibility:\n      excluded_costs: {{police-officer-costs: "{FORGED}"}}\n'
    files = {
        "streams.yaml": streams,
        "projects/a,b:c/p.yaml": project("costs: [police-officer-costs]\n"),
        "projects/x\n::error file=y::forged/q.yaml": project(amount='"1\\n::warning::q"'),
    }
    data = write_ledger(tmp_path, files)
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "github"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ")) for line in lines), lines
    assert len(lines) == 2
    # A label holding a line break (or the CR escape) is refused where it is written, so
    # the forged text never reaches a message.
    label = next(line for line in lines if "data/streams.yaml" in line)
    assert label.startswith("::error file=data/streams.yaml,line=10,col=46,title=Y012::")
    folder = next(line for line in lines if "S005" in line)
    assert "file=data/projects/x%0A%3A%3Aerror file=y%3A%3Aforged/q.yaml," in folder


def test_csv_cells_that_could_run_as_formulas_are_neutralised(runner, tmp_path: Path) -> None:
    streams = (
        STREAMS.replace("Victims Services", '\'=HYPERLINK("http://x","y")\'').replace("Specific Grant", "'+1'")
        + "  other:\n    programme: '@SUM(A1)'\n    funding: '-2'\n    budget: {2023/24: 5}\n"
        + '  third:\n    programme: "\\tTab"\n    funding: Plain\n    budget: {2023/24: 5}\n'
    )
    data = write_ledger(tmp_path, {"streams.yaml": streams, "projects/p.yaml": project()})
    result = runner.invoke(app, ["summary", "--data", str(data), "--year", "2023/24", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][1:3] == ['\'=HYPERLINK("http://x","y")', "'+1"]  # after the stream id
    assert rows[2][1:3] == ["'@SUM(A1)", "'-2"]
    assert rows[3][1:3] == ["'\tTab", "Plain"]
    assert rows[1][3:6] == ["10000000.00", "100.00", "9999900.00"]  # money stays a number


def test_export_csv_neutralises_formulas_in_every_text_column(runner, tmp_path: Path) -> None:
    streams = STREAMS.replace("Victims Services", "'=1+1'").replace("Specific Grant", "'@cmd'")
    text = project().replace("title: T", 'title: \'=HYPERLINK("http://x","y")\'').replace("lead: L", "lead: '-2+3'")
    data = write_ledger(tmp_path, {"streams.yaml": streams, "projects/p.yaml": text + "provider: '+44 0121'\n"})
    result = runner.invoke(app, ["export", "--data", str(data), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == '\'=HYPERLINK("http://x","y")'
    assert (row["programme"], row["funding"], row["lead"], row["provider"]) == ("'=1+1", "'@cmd", "'-2+3", "'+44 0121")
    assert row["amount"] == "100.00"


# --- rule edge cases (found by mutation testing) -------------------------------------------

RULE_STREAMS = """\
streams:
  plain:
    programme: Plain
    funding: F
    budget: {}
  grant:
    programme: Grant
    funding: G
    budget: {2023/24: 1000, 2024/25: 1000}
    purposes: {a: A, b: B}
    sources: {x: {2023/24: 600, 2025/26: 1}, y: {2023/24: 400}}
    eligibility:
      allowed: {partnership_priorities: {p: P, q: Q}, npu: {dudley: Dudley}}
      excluded_costs: {officers: Police officers}
"""


def test_rules_after_a_project_they_skip_still_check_the_rest(runner, tmp_path: Path) -> None:
    """Projects on an unknown stream or a stream without eligibility come first, and do not stop
    the rules; a year in the sources but not the budget (and the reverse) counts as zero."""
    files = {
        "streams.yaml": RULE_STREAMS,
        "projects/a-first.yaml": "title: T\nstream: nowhere\nlead: L\nallocations: {2023/24: 1}\n",
        "projects/b.yaml": "title: T\nstream: plain\nlead: L\nallocations: {2023/24: 0}\n",
        "projects/c.yaml": "title: T\nstream: grant\nlead: L\ncosts: [officers]\npartnership_priorities: [p, z]\n"
        "npu: leeds\nallocations: {2023/24: 10, 2026/27: 5}\n",
    }
    data = write_ledger(tmp_path, files)
    code, payload = run_json(runner, data)
    assert code == 1
    found = [((p["code"], p["file"], p["line"], p["column"]), p["message"]) for p in payload["problems"]]
    a, b, c = (f"data/projects/{name}.yaml" for name in ("a-first", "b", "c"))
    assert found == [
        (
            ("R001", a, 2, 9),
            "unknown stream 'nowhere'; expected one of: plain, grant; streams are defined in streams.yaml",
        ),
        (("A003", b, 4, 14), "the project allocates nothing; add amounts under allocations or remove the project"),
        (
            ("R003", b, 4, 15),
            "stream 'plain' has no budget for 2023/24 (its years: none); add one to streams.yaml or "
            "move the allocation",
        ),
        (("E001", c, 1, 1), "stream 'grant' funds only its listed purposes; add `purpose:` with one of: a, b"),
        (
            ("E006", c, 4, 9),
            "stream 'grant' does not pay for 'officers' (Police officers); remove it and fund it elsewhere",
        ),
        (
            ("E004", c, 5, 29),
            "'z' is not allowed for `partnership_priorities` on stream 'grant'; expected one of: p, q",
        ),
        (("E004", c, 6, 6), "'leeds' is not allowed for `npu` on stream 'grant'; expected one of: dudley"),
        (
            ("R003", c, 7, 28),
            "stream 'grant' has no budget for 2026/27 (its years: 2023/24, 2024/25); add one to streams.yaml or "
            "move the allocation",
        ),
        (
            ("A002", S, 9, 38),
            "stream 'grant': sources sum to £0.00 in 2024/25 but the budget is £1,000.00 (£1,000.00 short); "
            "make them equal",
        ),
        (
            ("A002", S, 11, 14),
            "stream 'grant': sources sum to £1.00 in 2025/26 but the budget is £0.00 (£1.00 over); make them equal",
        ),
    ]


def test_eligibility_and_purpose_rules_keep_going_and_say_what_to_do(runner, tmp_path: Path) -> None:
    streams = RULE_STREAMS.replace(
        "      allowed: {partnership_priorities",
        "      required: [npu, provider, partnership]\n      max_award: 5\n"
        "      allowed: {partnership: {walsall: W, dudley: D}, partnership_priorities",
    )
    head = "title: T\nstream: {}\nlead: L\n"
    files = {
        "streams.yaml": streams,
        "projects/a-first.yaml": head.format("nowhere") + "purpose: a\nallocations: {2023/24: 1}\n",
        "projects/b.yaml": head.format("plain") + "purpose: x\nallocations: {2023/24: 1}\n",
        "projects/c.yaml": head.format("grant") + "purpose: c\nnpu: dudley\npriorities: [nope]\n"
        "allocations: {2023/24: 10}\n",
    }
    data = write_ledger(tmp_path, files)
    _, payload = run_json(runner, data)
    messages = {(p["code"], p["file"][len("data/projects/") :]): p["message"] for p in payload["problems"]}
    assert (
        messages[("E002", "b.yaml")]
        == "stream 'plain' declares no purposes; remove `purpose:` or add 'x' to the stream's purposes"
    )
    assert messages[("E002", "c.yaml")] == "'c' is not a purpose of stream 'grant'; expected one of: a, b"
    assert messages[("E005", "c.yaml")] == (
        "£10.00 in 2023/24 is £5.00 over the cap of £5.00 per award on stream 'grant'"
    )
    assert messages[("R002", "c.yaml")] == "unknown priority 'nope'; priorities are listed at the top of streams.yaml"
    required = sorted(p["message"] for p in payload["problems"] if p["code"] == "E003")
    assert required == [
        "stream 'grant' requires `partnership:` on every project; add it (one of: walsall, dudley)",
        "stream 'grant' requires `provider:` on every project; add it",
    ]


@pytest.mark.parametrize(("count", "more"), [(8, ""), (9, " and 1 more"), (10, " and 2 more")])
def test_over_allocation_names_eight_projects_then_counts_the_rest(runner, tmp_path: Path, count, more) -> None:
    files = {f"projects/p{i}.yaml": project(amount=str(2_000_000 + i)) for i in range(count)}
    data = write_ledger(tmp_path, files)
    _, payload = run_json(runner, data)
    [over] = [p for p in payload["problems"] if p["code"] == "A001"]
    named = ", ".join(f"p{i} £{2_000_000 + i:,}.00" for i in reversed(range(count)))
    named = ", ".join(named.split(", ")[:8])
    assert over["message"].endswith(f"by {count} projects ({named}{more}); reduce allocations or raise the budget")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("projects/victims-services/p.yaml", []),
        ("projects/victims-services/deeper/p.yaml", []),
        ("projects/elsewhere/p.yaml", [("R006", "data/projects/elsewhere/p.yaml", 2, 9)]),
        ("projects/p.yaml", [("R006", "data/projects/p.yaml", 2, 9)]),
    ],
)
def test_projects_of_owned_streams_live_in_their_folder(runner, tmp_path: Path, path: str, expected) -> None:
    streams = STREAMS + "    owners: ['@org/victims']\n"
    data = write_ledger(tmp_path, {"streams.yaml": streams, path: project()})
    _, payload = run_json(runner, data)
    assert located(payload) == expected


def test_duplicate_id_names_the_other_file(runner, tmp_path: Path) -> None:
    data = write_ledger(tmp_path, {"projects/a/p.yaml": project(), "projects/b/p.yaml": project()})
    _, payload = run_json(runner, data)
    assert [p["message"] for p in payload["problems"]] == [
        "project id 'p' is also used by data/projects/a/p.yaml; rename one of the files"
    ]


# --- seeds for the fuzzer (fuzz/build_seeds.py) ---------------------------------------------


def seed_inputs() -> Iterator[bytes]:
    """Every single file of the corpus, as bytes."""
    yield STREAMS.encode()
    for case in CASES:
        for content in case.files.values():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            if len(data) <= 64_000:
                yield data
