"""``budgetctl adjustments`` reads streams.yaml and the adjustments from the last whole check
when it stands for them (``pipeline.plan_of_last_check``), loading no project: byte for byte, with
the exit code and messages, what a run without the cache prints, problems included. A ledger with
actuals whose opening balances come from a closed year's spend, or whose year files have a
problem, is checked whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl import pipeline
from budgetctl.cli import app
from budgetctl.loading import build as build_module
from budgetctl.loading import statindex
from tests.cli.test_trace_narrowed import DELEGATIONS, FILES, STREAMS, VIREMENT
from tests.conftest import make_ledger, settled

Run = tuple[int, str, str]


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many project files each build of a ledger was given."""
    found: list[int] = []
    real = build_module.build

    def build(streams, projects, *args, **kwargs):  # type: ignore[no-untyped-def]
        found.append(len(projects))
        return real(streams, projects, *args, **kwargs)

    monkeypatch.setattr(build_module, "build", build)
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    for name in ("BUDGETCTL_NO_CACHE", "CI"):
        monkeypatch.delenv(name, raising=False)
    return found


def run(*args: str, cache: bool = True) -> Run:
    result = CliRunner().invoke(app, list(args), env={} if cache else {"BUDGETCTL_NO_CACHE": "1"})
    return result.exit_code, result.stdout, result.stderr


def registers(data: Path, built: list[int]) -> list[int]:
    """Every format of the register, warm and without the cache alike; what the warm runs built."""
    made: list[int] = []
    for options in ((), ("-f", "json"), ("-f", "csv"), ("-f", "markdown", "--year", "2023/24")):
        args = ("adjustments", "--year", "2024/25", "--data", str(data), *options)
        built.clear()
        warm = run(*args)
        made += built
        assert warm == run(*args, cache=False), options
    return made


def test_the_register_of_a_checked_ledger_loads_no_project(tmp_path: Path, built: list[int]) -> None:
    data = settled(make_ledger(tmp_path, {**FILES, "adjustments/2024-25/virement.yaml": VIREMENT}))
    assert run("validate", "--data", str(data))[0] == 0
    assert set(registers(data, built)) == {0}  # streams.yaml and the adjustments only
    code, out, _ = run("adjustments", "--year", "2024/25", "--data", str(data), "-f", "csv")
    assert code == 0 and "virement" in out and "100" in out


def test_a_register_with_problems_says_what_a_full_check_says(tmp_path: Path, built: list[int]) -> None:
    # An approver the delegations do not name: an error in the adjustment, which the register lists.
    data = settled(
        make_ledger(
            tmp_path,
            {
                **FILES,
                "streams.yaml": DELEGATIONS + STREAMS,
                "adjustments/2024-25/virement.yaml": VIREMENT.replace("approver: pcc", "approver: nobody"),
            },
        )
    )
    checked = run("validate", "--data", str(data))
    assert checked[0] == 1 and "virement.yaml" in checked[1]
    registers(data, built)
    code, out, err = run("adjustments", "--year", "2024/25", "--data", str(data))
    assert (code, out, err) == run("adjustments", "--year", "2024/25", "--data", str(data), cache=False)


def test_opening_balances_from_actuals_are_read_from_the_whole_ledger(tmp_path: Path, built: list[int]) -> None:
    # fund is a balance fund and 2023/24 is closed: 2024/25 opens with what it left unspent,
    # which its actuals say; the register shows that opening balance.
    actuals = "date,project,kind,amount,reference,supplier,description\n2023-06-01,a,payment,40.00,AP-1,S,D\n"
    files = {**FILES, "actuals/2023-24/2023-06.csv": actuals, "adjustments/2024-25/virement.yaml": VIREMENT}
    data = settled(make_ledger(tmp_path, files))
    assert run("validate", "--data", str(data))[0] == 0
    assert registers(data, built).count(5) == 4  # each of the four runs loaded the five projects
    out = run("adjustments", "--year", "2024/25", "--data", str(data), "-f", "json")[1]
    assert '"opening_balances": 1' in out
    assert pipeline.plan_of_last_check(data) is None  # the plan alone cannot give that balance
