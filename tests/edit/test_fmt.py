"""budgetctl fmt: canonical layout, comments kept, proven safe before every write."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetctl.cli import app
from budgetctl.edit import fmt
from budgetctl.edit.fmt import comments, format_file
from tests.conftest import SHIPPED

CASES = Path(__file__).resolve().parents[1] / "fmt_cases"
# The ledger's YAML files; imports/ holds mappings and raw exports, which fmt does not format.
SHIPPED_FILES = sorted(
    p for p in SHIPPED.rglob("*") if p.suffix in (".yaml", ".yml") and p.relative_to(SHIPPED).parts[0] != "imports"
)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- golden cases: tests/fmt_cases/<case>/<kind>.in.yaml -> <kind>.out.yaml or refused.txt


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_golden_case(case: str) -> None:
    folder = CASES / case
    source = next(folder.glob("*.in.yaml"))
    kind = source.name.split(".")[0]
    result = format_file(source.read_bytes(), f"{kind}.yaml")
    refused = folder / "refused.txt"
    if refused.exists():
        assert result.output is None
        assert [f"{p.code} {p.line}:{p.column}" for p in result.problems] == [refused.read_text().strip()]
        return
    expected = (folder / f"{kind}.out.yaml").read_bytes()
    assert result.problems == []
    assert result.output == expected
    assert format_file(expected, f"{kind}.yaml").output == expected  # idempotent
    assert comments(expected.decode()) == comments(source.read_text())


def test_reorder_case_shows_the_canonical_choices() -> None:
    out = (CASES / "project-reorder" / "project.out.yaml").read_text()
    assert out.splitlines()[:3] == ["# Header comment", "", 'title: "Quoted: title"']
    assert "  2023/24: 250000  # approved\n  2024/25: 1234.50\n" in out  # years sorted, money one way
    assert "  # 2025/26: 100  (pending)\nzzz: unknown\n" in out  # a trailing comment stays under its mapping


# --- the shipped ledger ----------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.relative_to(SHIPPED).as_posix())
def test_shipped_file_is_canonical_and_keeps_its_comments(path: Path) -> None:
    data = path.read_bytes()
    result = format_file(data, path.relative_to(SHIPPED).as_posix())
    assert result.problems == []
    assert result.output == data
    assert comments(result.output.decode()) == comments(data.decode())


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.relative_to(SHIPPED).as_posix())
def test_shipped_file_comes_back_from_a_messy_layout(path: Path) -> None:
    """Four-space indentation, decimals on whole pounds, trailing spaces: fmt restores the file exactly."""
    text = path.read_text()
    messy = "\n".join(re.sub(r"^( *)", r"\1\1", line) + "   " for line in text.splitlines()) + "\n\n\n"
    messy = re.sub(r"(\d{4}/\d{2}: )(\d+)(?=\s)", r"\g<1>\g<2>.00", messy)
    assert messy != text
    result = format_file(messy.encode(), path.relative_to(SHIPPED).as_posix())
    assert result.problems == []
    assert result.output == path.read_bytes()


def test_our_comment_scanner_agrees_with_ruamels() -> None:
    for path in [*SHIPPED_FILES, *CASES.glob("*/*.yaml")]:
        text = path.read_text().replace("\r\n", "\n")
        lines = text.split("\n")
        spans = []
        try:
            reader = fmt._Reader(text, fmt.kind_of(path.name))
            reader.read()
            spans = sorted(reader.spans)
        except fmt.Unsupported:
            continue
        ours = sorted(c.text for c in fmt._comments(text, lines, spans))
        assert ours == sorted(comments(text).elements()), path


# --- the CLI ------------------------------------------------------------------------


def test_check_passes_on_the_shipped_ledger(runner, ledger_copy: Path) -> None:
    before = _snapshot(ledger_copy)
    result = runner.invoke(app, ["fmt", "--check", "--data", str(ledger_copy)])
    assert result.exit_code == 0, result.output
    ledger_files = [name for name in before if name != "README.md" and not name.startswith("imports/")]
    assert f"{len(ledger_files)} files already formatted" in result.stderr  # README.md, imports/: not ledger files
    assert _snapshot(ledger_copy) == before


def test_check_lists_files_that_would_change_and_writes_nothing(runner, ledger_copy: Path) -> None:
    project = ledger_copy / "projects" / "victims-services" / "isva-service.yaml"
    project.write_text(project.read_text().replace("allocations:", "allocations:   # note"))
    before = _snapshot(ledger_copy)
    result = runner.invoke(app, ["fmt", "--check", "--data", str(ledger_copy)])
    assert result.exit_code == 1
    assert "would reformat data/projects/victims-services/isva-service.yaml" in result.stderr
    assert "1 file would be reformatted" in result.stderr
    assert _snapshot(ledger_copy) == before


def test_diff_prints_a_unified_diff_and_writes_nothing(runner, ledger_copy: Path) -> None:
    project = ledger_copy / "projects" / "victims-services" / "isva-service.yaml"
    project.write_text(project.read_text().replace("stream:", "stream:   "))
    before = _snapshot(ledger_copy)
    result = runner.invoke(app, ["fmt", "--diff", "--data", str(ledger_copy)])
    assert result.exit_code == 0
    assert "--- a/data/projects/victims-services/isva-service.yaml\n" in result.stdout
    assert "-stream:    victims-services\n+stream: victims-services\n" in result.stdout
    assert _snapshot(ledger_copy) == before


def test_fmt_writes_keeping_permissions_and_a_second_run_changes_nothing(runner, ledger_copy: Path) -> None:
    project = ledger_copy / "projects" / "victims-services" / "isva-service.yaml"
    canonical = project.read_bytes()
    project.write_text(project.read_text().replace("  2023/24: ", "    2023/24: ").replace("\n", "\r\n"))
    project.chmod(0o640)
    first = runner.invoke(app, ["fmt", "--data", str(ledger_copy)])
    assert first.exit_code == 0, first.output
    assert "reformatted data/projects/victims-services/isva-service.yaml" in first.stderr
    assert project.read_bytes() == canonical.replace(b"\n", b"\r\n")  # CRLF kept, as the first line had it
    assert project.stat().st_mode & 0o777 == 0o640
    after_first = _snapshot(ledger_copy)
    second = runner.invoke(app, ["fmt", "--data", str(ledger_copy)])
    assert second.exit_code == 0
    assert "reformatted" not in second.stderr.replace("would be reformatted", "")
    assert _snapshot(ledger_copy) == after_first


def test_a_file_with_yaml_errors_is_reported_and_left_untouched(runner, ledger_copy: Path) -> None:
    broken = ledger_copy / "projects" / "victims-services" / "isva-service.yaml"
    broken.write_text("title: x\n  lead: [unclosed\n")
    other = ledger_copy / "projects" / "victims-services" / "idva-service.yaml"
    other.write_text(other.read_text().replace("stream:", "stream:  "))
    result = runner.invoke(app, ["fmt", "--data", str(ledger_copy)])
    assert result.exit_code == 1
    assert re.search(r"data/projects/victims-services/isva-service.yaml:2:\d+: Y002 ", result.stderr)
    assert broken.read_text() == "title: x\n  lead: [unclosed\n"
    assert "reformatted data/projects/victims-services/idva-service.yaml" in result.stderr  # the others still are
    assert "1 file refused" in result.stderr


def test_an_unsupported_layout_is_refused_byte_identical(runner, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    data = (CASES / "refused-list-of-mappings" / "project.in.yaml").read_bytes()
    path.write_bytes(data)
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == 1
    assert f"{path.as_posix()}:6:1: F001 a comment or blank line inside a value" in result.stderr
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    ("sabotage", "reason"),
    [
        (lambda out: out.replace("  # approved", ""), "comments differ"),
        (lambda out: out.replace("250000", "25000"), "values differ"),
        (lambda out: out.replace("title:", "title: ["), "would not load"),
        (lambda out: out + "  " * out.count("\n\n"), "again would change"),
    ],
)
def test_a_guard_failure_writes_nothing(runner, tmp_path: Path, monkeypatch, sabotage, reason: str) -> None:
    """If the emitter ever produced a wrong result, the guard refuses it and the file stays byte-identical."""
    real = fmt._emit
    calls = []

    def broken(header, root, kind):  # type: ignore[no-untyped-def]
        out = real(header, root, kind)
        calls.append(out)
        return sabotage(out) if len(calls) == 1 else out

    monkeypatch.setattr(fmt, "_emit", broken)
    path = tmp_path / "p.yaml"
    data = (CASES / "project-reorder" / "project.in.yaml").read_bytes()
    path.write_bytes(data)
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == 1
    assert "F002 nothing written:" in result.stderr
    assert reason in result.stderr
    assert path.read_bytes() == data


def test_a_file_changed_by_someone_else_meanwhile_is_not_overwritten(runner, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("stream: s\ntitle: t\nlead: l\nallocations:\n  2023/24: 1\n")
    real = fmt.format_file

    def meanwhile(data: bytes, shown: str, kind=None):  # type: ignore[no-untyped-def]
        result = real(data, shown, kind)
        path.write_text("title: edited elsewhere\n")
        return result

    monkeypatch.setattr(fmt, "format_file", meanwhile)
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == 2
    assert "changed since it was read" in result.stderr
    assert path.read_text() == "title: edited elsewhere\n"
    assert [p.name for p in tmp_path.iterdir()] == ["p.yaml"]  # no temporary file left


def test_bom_is_kept(tmp_path: Path) -> None:
    data = "\ufefftitle: t\nstream:   s\n".encode()
    result = format_file(data, "p.yaml")
    assert result.output == "\ufefftitle: t\nstream: s\n".encode()


def test_no_ledger_is_exit_2(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["fmt", "--check"])
    assert result.exit_code == 2
    assert "no ledger found" in result.stderr


def test_a_missing_path_is_exit_2(runner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["fmt", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2


# --- property: generated project files with comments ----------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_ID = st.lists(_WORD, min_size=1, max_size=3).map("-".join)
_TEXT = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789", min_size=1, max_size=8), min_size=1, max_size=4
).map(" ".join)
_COMMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz #:-[]{}'\"", max_size=20).map(lambda t: ("# " + t).rstrip())
_MONEY = st.tuples(st.integers(0, 10**9), st.sampled_from(["", ".0", ".00", ".5", ".50", ".05", ".99"])).map(
    lambda t: f"{t[0]}{t[1]}"
)
_YEAR = st.integers(2000, 2098).map(lambda y: f"{y}/{(y + 1) % 100:02d}")


@st.composite
def _project(draw: st.DrawFn) -> str:
    indent = " " * draw(st.sampled_from([2, 4]))
    quote = draw(st.sampled_from(["", "'", '"']))
    entries: list[list[str]] = [
        [f"title: {quote}{draw(_TEXT)}{quote}"],
        [f"stream: {draw(_ID)}"],
        [f"lead: {draw(_TEXT)}"],
    ]
    if draw(st.booleans()):
        items = draw(st.lists(_ID, min_size=0, max_size=3))
        if items and draw(st.booleans()):
            entries.append(["priorities:", *(f"{indent}- {i}" for i in items)])
        else:
            entries.append([f"priorities: [{', '.join(items)}]"])
    if draw(st.booleans()):
        entries.append(
            [f"description: {draw(_TEXT)}", *(f"{indent}{draw(_TEXT)}" for _ in range(draw(st.integers(0, 2))))]
        )
    years = draw(st.lists(_YEAR, min_size=1, max_size=4, unique=True))
    block = ["allocations:"]
    for year in years:
        if draw(st.booleans()):
            block.append(f"{indent}{draw(_COMMENT)}")
        line = f"{indent}{year}: {draw(_MONEY)}"
        block.append(line + (f"  {draw(_COMMENT)}" if draw(st.booleans()) else ""))
    if draw(st.booleans()):
        block.append(f"{indent}{draw(_COMMENT)}")  # a trailing comment under the mapping
    entries.append(block)
    entries = draw(st.permutations(entries))
    lines: list[str] = []
    for entry in entries:
        lines.extend(draw(st.lists(st.one_of(st.just(""), _COMMENT), max_size=2)))
        head = entry[0]
        if draw(st.booleans()) and not head.endswith(":") and len(entry) == 1:
            head += f"  {draw(_COMMENT)}"
        lines.append(head)
        lines.extend(entry[1:])
    lines.extend(draw(st.lists(st.one_of(st.just(""), _COMMENT), max_size=2)))
    return "\n".join(lines) + "\n"


def _money_values(node: object) -> object:
    """PyYAML's reading (an independent parser), with numbers compared as Decimal."""
    if isinstance(node, dict):
        return {str(k): _money_values(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_money_values(v) for v in node]
    if isinstance(node, int | float) and not isinstance(node, bool):
        return Decimal(str(node))
    return node


@settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_project())
def test_property_fmt_keeps_values_and_comments_and_is_stable(text: str) -> None:
    result = format_file(text.encode(), "p.yaml")
    # Every layout generated here is one fmt supports, so even a (safe) refusal would be a bug.
    assert result.problems == []
    assert result.output is not None
    out = result.output.decode()
    assert _money_values(yaml.safe_load(out)) == _money_values(yaml.safe_load(text))
    assert comments(out) == comments(text)
    assert format_file(result.output, "p.yaml").output == result.output
    lines = out.split("\n")
    assert all(line == line.rstrip() for line in lines)
    assert all((len(line) - len(line.lstrip(" "))) % 2 == 0 for line in lines)
