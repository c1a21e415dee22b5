"""`budgetctl validate`: output formats, exit codes, ledger discovery, schema problems."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import LEDGERS, SHIPPED, make_ledger

MANY = LEDGERS / "many-problems" / "data"
OVER = LEDGERS / "over-allocated" / "data"


def test_shipped_ledger_is_clean(runner, monkeypatch) -> None:
    monkeypatch.chdir(SHIPPED.parent)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert result.stdout == "no problems in 160 files\n"


def test_text_format_is_compiler_style_with_caret(runner, golden, monkeypatch) -> None:
    monkeypatch.chdir(MANY.parent)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    golden("validate-many-problems.txt", result.stdout)
    assert result.stdout.splitlines()[-1] == "11 errors in 6 files"


def test_json_format_shape(runner, monkeypatch) -> None:
    monkeypatch.chdir(MANY.parent)
    result = runner.invoke(app, ["validate", "--format", "json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    first = payload["problems"][0]
    assert set(first) == {"code", "severity", "message", "file", "line", "column"}
    assert first == {
        "code": "S006",
        "severity": "error",
        "file": "data/projects/Bad_Name.yaml",
        "line": 1,
        "column": 1,
        "message": "the file name 'Bad_Name' is not a project id: use lower-case letters, digits and single "
        "hyphens, e.g. youth-diversion.yaml",
    }
    located = {(p["code"], p["file"], p["line"], p["column"]) for p in payload["problems"]}
    assert ("Y004", "data/projects/victims/dup.yaml", 3, 1) in located
    assert ("S001", "data/projects/typo.yaml", 4, 1) in located
    assert ("S002", "data/projects/typo.yaml", 1, 1) in located
    assert ("S005", "data/projects/quoted.yaml", 5, 12) in located
    assert ("S004", "data/projects/quoted.yaml", 6, 3) in located


def test_problems_are_sorted_by_file_and_line(runner) -> None:
    payload = json.loads(runner.invoke(app, ["validate", "--data", str(MANY), "--format", "json"]).stdout)
    keys = [(p["file"], p["line"], p["column"]) for p in payload["problems"]]
    assert keys == sorted(keys)


def test_duplicate_key_names_both_lines(runner) -> None:
    payload = json.loads(runner.invoke(app, ["validate", "--data", str(MANY), "--format", "json"]).stdout)
    (dup,) = [p for p in payload["problems"] if p["code"] == "Y004"]
    assert "first written on line 1" in dup["message"] and dup["line"] == 3


def test_github_format(runner, monkeypatch) -> None:
    monkeypatch.chdir(OVER.parent)
    result = runner.invoke(app, ["validate", "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::warning file=data/projects/draft.yaml,line=5,col=14,title=A003::the project allocates nothing; "
        "add amounts under allocations or remove the project",
        "::error file=data/streams.yaml,line=10,col=16,title=A001::stream 'small-grants' is over-allocated in "
        "2023/24 by £2,500.25: budget £10,000.00, allocated £12,500.25 by 2 projects (arts £7,500.00, "
        "boxing £5,000.25); reduce allocations or raise the budget",
    ]


def test_github_actions_environment_selects_annotations(runner, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = runner.invoke(app, ["validate", "--data", str(OVER)])
    assert result.stdout.startswith("::warning file=")


def test_github_escapes_data_that_could_forge_commands(runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": (SHIPPED / "streams.yaml").read_text(),
            "projects/a,b:c/x.yaml": "title: T\nstream: victims-services\nlead: L\npurpose: referral-service\n"
            'allocations:\n  2023/24: "100\\n::error file=evil::forged 50%"\n',
        },
    )
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "github"])
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::error file=data/projects/a%2Cb%3Ac/x.yaml,line=6,col=12,title=S005::")
    # The value is shown as a repr (a visible backslash-n), and % is escaped.
    assert "found the quoted text '100\\n::error file=evil::forged 50%25'" in lines[0]


def test_github_escaping_functions() -> None:
    from budgetctl.render.problems import escape_data, escape_property

    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("p:a,t%\n") == "p%3Aa%2Ct%25%0A"


def test_warnings_fail_only_with_strict(runner) -> None:
    data = str(OVER)
    assert runner.invoke(app, ["validate", "--data", data, "--format", "json"]).exit_code == 1  # A001 error
    with_warning_only = LEDGERS / "over-allocated" / "data"
    payload = json.loads(runner.invoke(app, ["validate", "--data", str(with_warning_only), "--format", "json"]).stdout)
    assert {p["severity"] for p in payload["problems"]} == {"error", "warning"}


def test_strict_counts_warnings(runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": "streams:\n  s:\n    programme: P\n    funding: F\n    budget:\n      2023/24: 10\n",
            "projects/a.yaml": "title: A\nstream: s\nlead: L\nallocations: {}\n",
        },
    )
    relaxed = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    strict = runner.invoke(app, ["validate", "--data", str(data), "--format", "json", "--strict"])
    assert (relaxed.exit_code, json.loads(relaxed.stdout)["ok"]) == (0, True)
    assert (strict.exit_code, json.loads(strict.stdout)["ok"]) == (1, False)
    assert relaxed.stdout.count('"A003"') == 1
    text = runner.invoke(app, ["validate", "--data", str(data)]).stdout
    assert text.splitlines()[-1] == "0 errors, 1 warning in 1 file"


def test_no_ledger_is_exit_2(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2
    assert "no ledger found" in result.stderr
    result = runner.invoke(app, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 2


def test_ledger_discovery_order(runner, tmp_path: Path, monkeypatch) -> None:
    streams = "streams:\n  s:\n    programme: P\n    funding: F\n    budget:\n      2023/24: 10\n"
    outer = make_ledger(tmp_path, {"streams.yaml": streams})
    other = make_ledger(tmp_path / "other", {"streams.yaml": streams.replace("10", "1x")})
    nested = tmp_path / "deep" / "er"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)  # nearest parent holding data/streams.yaml
    assert runner.invoke(app, ["validate"]).exit_code == 0
    monkeypatch.setenv("BUDGETCTL_DATA", str(other))  # environment beats discovery
    assert runner.invoke(app, ["validate"]).exit_code == 1
    assert runner.invoke(app, ["validate", "--data", str(outer)]).exit_code == 0  # --data beats both


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: A\nstream: s\nlead: L\nallocations:\n  2023/24: 1234.567\n", ("S005", 5, 12)),
        ("title: A\nstream: s\nlead: L\nallocations:\n  2023/24: -5\n", ("S005", 5, 12)),
        ("title: A\nstream: s\nlead: L\nallocations:\n  2023/24: £5\n", ("S005", 5, 12)),
        ("title: A\nstream: s\nlead: L\nallocations:\n  2023/24: .inf\n", ("S005", 5, 12)),
        ("title: A\nstream: s\nlead: L\nallocations:\n  2023/24: true\n", ("S005", 5, 12)),
        ("title: A\nstream: s\nlead: L\nallocations:\n  2023/25: 5\n", ("S004", 5, 3)),
        ("title: A\nstream: s\nlead: L\nallocations:\n  23/24: 5\n", ("S004", 5, 3)),
        ("title: A\nstream: s\nlead: L\nallocations: 5\n", ("S003", 4, 14)),
        ("title: [A]\nstream: s\nlead: L\nallocations:\n  2023/24: 5\n", ("S003", 1, 8)),
        ("title: A\nstream: S One\nlead: L\nallocations:\n  2023/24: 5\n", ("S006", 2, 9)),
        ("title: A\nstream: s\nlead: L\npriorities: x\nallocations:\n  2023/24: 5\n", ("S003", 4, 13)),
        ("title: A\nstream: s\nlead: L\naward_date: 2023-02-30\nallocations:\n  2023/24: 5\n", ("S008", 4, 13)),
        ("title: A\nstream: s\nallocations:\n  2023/24: 5\n", ("S002", 1, 1)),
        ("title: A\nstream: s\nlead: L\nprovidr: X\nallocations:\n  2023/24: 5\n", ("S001", 4, 1)),
    ],
)
def test_schema_problem_locations(text: str, expected: tuple[str, int, int], runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": "streams:\n  s:\n    programme: P\n    funding: F\n    budget:\n      2023/24: 10\n",
            "projects/a.yaml": text,
        },
    )
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    assert result.exit_code == 1
    problems = [(p["code"], p["line"], p["column"]) for p in json.loads(result.stdout)["problems"]]
    assert problems == [expected]


def test_streams_file_problems_and_did_you_mean(runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": "streams:\n  s:\n    programme: P\n    fundng: F\n    budget:\n      2023/24: 10\n"
            "    eligibility:\n      required: [nup]\n",
        },
    )
    payload = json.loads(runner.invoke(app, ["validate", "--data", str(data), "--format", "json"]).stdout)
    found = [(p["code"], p["line"], p["column"], p["message"]) for p in payload["problems"]]
    assert found == [
        ("S002", 3, 5, "missing required key 'funding' in streams.s; add `funding:` with a value"),
        ("S001", 4, 5, "unknown key 'fundng' in streams.s (did you mean 'funding'?)"),
        ("S007", 8, 18, "streams.s.eligibility.required.0: 'nup' is not a project field (did you mean 'npu'?)"),
    ]


def test_symlink_in_ledger_is_refused_and_not_followed(runner, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: SECRET-VALUE\n")
    data = make_ledger(tmp_path, {"streams.yaml": (SHIPPED / "streams.yaml").read_text()})
    (data / "projects").mkdir()
    (data / "projects" / "leak.yaml").symlink_to(secret)
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert "data/projects/leak.yaml:1:1: Y010" in result.stdout
    assert "SECRET-VALUE" not in result.stdout


def test_python_dash_m_and_console_script(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "budgetctl", "validate", "--data", str(SHIPPED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "no problems in 160 files\n")
    version = subprocess.run(
        [sys.executable, "-m", "budgetctl", "--version"], capture_output=True, text=True, check=False
    )
    assert version.stdout.startswith("budgetctl ")


def test_internal_error_is_one_line_exit_3(tmp_path: Path) -> None:
    # Simulate a bug: a rule that raises. The user sees one line, not a traceback.
    script = (
        "import sys; from budgetctl import rules\n"
        "def boom(ledger): raise RuntimeError('bug')\n"
        "from budgetctl import plainclass; rules.RULES = (plainclass.replace(rules.RULES[0], check=boom),)\n"
        f"sys.argv = ['budgetctl', 'validate', '--data', {str(SHIPPED)!r}]\n"
        "from budgetctl.__main__ import main; main()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "internal error: RuntimeError: bug" in result.stderr


def test_text_is_coloured_only_when_asked_for(runner, monkeypatch) -> None:
    plain = runner.invoke(app, ["validate", "--data", str(OVER)]).stdout
    assert "\x1b[" not in plain
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm-256color")
    coloured = runner.invoke(app, ["validate", "--data", str(OVER)]).stdout
    assert "\x1b[" in coloured
    assert "A001" in coloured and coloured.count("\n") == plain.count("\n")
