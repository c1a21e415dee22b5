"""`budgetctl owners` on a clean streams.yaml loads it (from the cache of checked files when its
bytes were checked before) and runs no rule: its output is the same with a cold cache, a warm
one and none, and an invalid owner still refuses it with the problem validate reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import LEDGERS

OWNED = {
    "  poca-fund:\n": '  poca-fund:\n    owners: ["@org/community"]\n',
    "  community-safety:\n": '  community-safety:\n    owners: ["@org/safety", "a.b@example.org"]\n',
    "  victims:\n": '  victims:\n    owners: ["@org/victims"]\n',
}


def owned_ledger(tmp_path: Path, bad_owner: str | None = None) -> Path:
    """The closed-year ledger (adjustments between streams) with owners on its streams."""
    data = tmp_path / "data"
    shutil.copytree(LEDGERS / "closed-year" / "data", data)
    streams = data / "streams.yaml"
    text = streams.read_text(encoding="utf-8")
    for old, new in OWNED.items():
        assert old in text
        text = text.replace(old, new, 1)
    if bad_owner is not None:
        text = text.replace('"@org/victims"', f'"{bad_owner}"')
    streams.write_text(text, encoding="utf-8")
    return data


def runs(runner, data: Path, *args: str) -> list:  # type: ignore[type-arg]
    """owners with an empty cache, after validate filled it, then with no cache at all."""
    first = runner.invoke(app, ["owners", *args, "--data", str(data)])
    assert runner.invoke(app, ["validate", "--data", str(data)]).exit_code in (0, 1)
    warm = runner.invoke(app, ["owners", *args, "--data", str(data)])
    none = runner.invoke(app, ["owners", *args, "--data", str(data)], env={"BUDGETCTL_NO_CACHE": "1"})
    return [first, warm, none]


@pytest.mark.parametrize("admins", [[], ["--admins", "@org/finance-admins"]])
def test_owners_is_the_same_cold_warm_and_uncached(runner, tmp_path: Path, admins: list[str]) -> None:
    data = owned_ledger(tmp_path)
    results = runs(runner, data, *admins)
    assert [r.exit_code for r in results] == [0, 0, 0], results[0].output
    assert results[0].stdout == results[1].stdout == results[2].stdout
    # The adjustments are read: each names the owners of the streams it moves money between.
    assert "/data/adjustments/2023-24/cs-to-victims.yaml @org/safety a.b@example.org @org/victims" in results[1].stdout


def test_an_invalid_owner_still_refuses_owners_with_validates_problem(runner, tmp_path: Path) -> None:
    data = owned_ledger(tmp_path, bad_owner="jane")
    results = runs(runner, data)
    assert [r.exit_code for r in results] == [1, 1, 1]
    assert results[0].stderr == results[1].stderr == results[2].stderr
    validate = runner.invoke(app, ["validate", "--data", str(data)]).stdout
    r005 = [line for line in validate.splitlines() if " R005 " in line]
    assert len(r005) == 1 and r005[0] in results[1].stderr
    assert "did you mean '@jane'?" in r005[0]
    assert results[1].stdout == ""


def test_a_changed_streams_yaml_is_never_served_from_the_cache(runner, tmp_path: Path) -> None:
    data = owned_ledger(tmp_path)
    before = runs(runner, data)[1].stdout
    streams = data / "streams.yaml"
    streams.write_text(streams.read_text(encoding="utf-8").replace("@org/victims", "@org/victim5"), encoding="utf-8")
    after = runner.invoke(app, ["owners", "--data", str(data)])
    assert after.exit_code == 0
    assert after.stdout == before.replace("@org/victims", "@org/victim5")
