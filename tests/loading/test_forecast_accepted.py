"""``inyear_monitoring.check_forecast`` builds a valid forecast file without pydantic
(``accept.builder``) and validates anything else: it gives exactly what the validator gives (the
same problems, the same record down to each value's type and text, the same cache line), over the
shipped and test ledgers' forecasts, a generated year's, and random edits of them; and a valid
in-year ledger is checked without importing pydantic."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from budgetctl.loading.cache import entry_line
from budgetctl.loading.checks import FileCheck
from budgetctl.loading.inyear_monitoring import check_forecast
from budgetctl.loading.schema import validate
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.records import Forecast
from budgetctl.model.source import RawFile
from tests.conftest import LEDGERS, SHIPPED
from tests.loading.test_accept_alone import exact
from tests.loading.test_streams_accepted import _generator

PATH = "forecasts/2023-24/q2.yaml"


def validated(raw: RawFile) -> FileCheck:
    """The check before: every forecast file through the validator."""
    source, load_problems = strict_load(raw.data, raw.path)
    if source is None:
        return FileCheck(load_problems, None, None)
    record, schema_problems = validate(Forecast, source)
    return FileCheck(load_problems, schema_problems, record)


def generated(tmp: Path) -> list[tuple[str, bytes]]:
    generate = _generator()
    ledger = generate.generate(200, tmp, False)
    generate.write_in_year(ledger, tmp, import_rows=10)
    return [(str(p), p.read_bytes()) for p in sorted(tmp.rglob("forecasts/*/*.yaml"))]


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    found = []
    for folder in (SHIPPED, LEDGERS):
        found += [(str(p), p.read_bytes()) for p in sorted(folder.rglob("forecasts/*/*.yaml"))]
    return found + generated(tmp_path_factory.mktemp("forecasts"))


def assert_same(text: bytes, path: str = PATH) -> bool:
    """Both checks agree; True when the file is valid."""
    raw = RawFile(path, text)
    mine, whole = check_forecast(raw), validated(raw)
    assert mine.load_problems == whole.load_problems
    assert mine.schema_problems == whole.schema_problems
    assert exact(mine.project) == exact(whole.project)
    assert entry_line(path, raw.digest, mine) == entry_line(path, raw.digest, whole)
    return whole.project is not None


def test_the_corpus_agrees(texts: list[tuple[str, bytes]]) -> None:
    valid = [assert_same(text, path) for path, text in texts]
    assert len(valid) >= 8 and sum(valid) >= 8, (len(valid), sum(valid))


SNIPPETS = [
    "as_at: 2023-12-31", "as_at: 2023-13-01", "as_at: 31/12/2023", "as_at: ''", "as_at: 2023-12-31T00:00",
    "projects: {}", "projects: ~", "projects: []", "unknown: 1",
    "  new-project:\n    outturn: 5", "  New-Project:\n    outturn: 5", "  x:\n    reason: no outturn",
    "  y:\n    outturn: 1.005", "  z:\n    outturn: -3", "  w:\n    outturn: '12'", "  v:\n    outturn: 1e3",
    "  u:\n    outturn: 100\n    class: slippage", "  t:\n    outturn: 100\n    class: Slippage",
    "  s:\n    outturn: 100\n    class: nope", "  r:\n    outturn: 100\n    reason: ''",
    "  q:\n    outturn: 100\n    x: 1", "    outturn: 7", "    outturn: 1,000", "    outturn: 0.5", "    outturn: ~",
    "    reason: |\n      Two\n      lines",
    "    reason: ~", "    class: overspend", "    class: ~", "    variance_class: overspend", "    extra: 1",
    "  p:", "  p: 5", "  p: [1]",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_agree(seed: int, texts: list[tuple[str, bytes]]) -> None:
    rng = random.Random(seed)
    valid = 0
    for _ in range(80):
        _, text = rng.choice(texts)
        lines = text.decode("utf-8", "replace").splitlines()[:40]
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(lines) + 1)
            if rng.random() < 0.3 and lines:
                del lines[min(at, len(lines) - 1)]
            else:
                lines.insert(at, rng.choice(SNIPPETS))
        valid += assert_same(("\n".join(lines) + "\n").encode())
    assert 0 < valid < 80


def test_a_valid_in_year_ledger_is_checked_without_pydantic(tmp_path: Path) -> None:
    generate = _generator()
    ledger = generate.generate(200, tmp_path / "l", False)
    generate.write_in_year(ledger, tmp_path / "l", import_rows=10)
    data = tmp_path / "l" / "data"
    env = {**os.environ, "BUDGETCTL_NO_CACHE": "1"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "budgetctl", "validate", "--data", str(data)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line]
    assert "budgetctl.loading.inyear_monitoring" in imported
    assert "pydantic_core" not in imported
