"""`fmt --check` (the pre-commit hook) never fails on a valid file that fmt cannot rewrite."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import make_ledger

STREAMS = "streams:\n  youth:\n    programme: Youth\n    funding: Police Grant\n    budget:\n      2023/24: 100\n"
CANONICAL = "title: A\nstream: youth\nlead: L\nallocations:\n  2023/24: 5\n"
# Valid YAML, but a comment inside a flow list: fmt leaves it as written.
UNREWRITABLE = "title: B\nstream: youth\nlead: L\ncosts: [staff,  # salaries\n  venue]\nallocations:\n  2023/24: 5\n"


def fmt(data: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["fmt", "--data", str(data), *args])
    return result.exit_code, result.stderr


def test_a_valid_file_fmt_cannot_rewrite_passes_the_check(tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path, {"streams.yaml": STREAMS, "projects/a.yaml": CANONICAL, "projects/b.yaml": UNREWRITABLE}
    )
    assert CliRunner().invoke(app, ["validate", "--data", str(data)]).exit_code == 0
    code, err = fmt(data, "--check")
    assert code == 0, err
    assert "data/projects/b.yaml:4:17: left as written: a comment inside a value" in err
    assert err.rstrip().endswith("2 files already formatted, 1 file left as written")
    assert (data / "projects" / "b.yaml").read_text(encoding="utf-8") == UNREWRITABLE


def test_a_file_with_yaml_errors_still_fails_the_check(tmp_path: Path) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/a.yaml": "title: [unclosed\n"})
    code, err = fmt(data, "--check")
    assert code == 1 and "Y002" in err


def test_reformatted_is_said_only_of_files_written(tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path, {"streams.yaml": STREAMS, "projects/a.yaml": CANONICAL.replace("2023/24: 5", "2023/24: 5.00")}
    )
    code, err = fmt(data, "--check")
    assert code == 1 and "would reformat data/projects/a.yaml" in err and "reformatted data" not in err
    code, err = fmt(data)
    assert code == 0 and "reformatted data/projects/a.yaml" in err and "1 file reformatted" in err
    assert (data / "projects" / "a.yaml").read_text(encoding="utf-8") == CANONICAL
