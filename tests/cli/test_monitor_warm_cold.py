"""`monitor` served by the cache gives, byte for byte, what it gives without one.

A warm run adds up each actuals file's cached columns instead of reading its rows;
these tests hold every output of `monitor` (table, csv, json, json --trace, markdown,
html, and the drill-down) on the shipped ledger (actuals, forecasts, adjustments) to
the same output with --no-cache: filling the cache, served by it, after a report of
the plan ran in between, and after an actuals file changed keeping its size and
modification time. A damaged or forged actuals entry is ignored, never believed.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading.statindex import SETTLE_NS
from tests.conftest import SHIPPED

AS_AT = ["--year", "2023/24", "--as-at", "q2"]
OUTPUTS = [
    [],
    ["--format", "csv"],
    ["--format", "json"],
    ["--format", "json", "--trace"],
    ["--format", "markdown"],
    ["--format", "html"],
    ["--by", "project"],
    ["--by", "project", "--format", "json"],
    ["--by", "project", "--format", "csv"],
]
ACTUALS = Path("actuals/2023-24/2023-05.csv")


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SHIPPED, tmp_path / "data")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "120")
    return tmp_path / "data"


def _monitor(data: Path, args: list[str], *, cache: bool) -> tuple[int, str]:
    argv = ["monitor", *AS_AT, *args, "--data", str(data), *([] if cache else ["--no-cache"])]
    result = CliRunner().invoke(app, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def _every_output(data: Path, *, cache: bool) -> list[tuple[int, str]]:
    return [_monitor(data, args, cache=cache) for args in OUTPUTS]


def _cache_file(data: Path) -> Path:
    (path,) = (data.parent / "cache" / "budgetctl").glob("ledger-*.jsonl")
    return path


def _settled(data: Path) -> None:
    """Every file an hour old and settled, so the stat index vouches for it after the next run."""
    old = int((data / "streams.yaml").stat().st_mtime) - 3600
    for path in data.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    time.sleep(SETTLE_NS / 1e9 + 0.2)


def test_every_format_is_the_same_cold_warm_and_uncached(ledger: Path) -> None:
    expected = _every_output(ledger, cache=False)
    assert all(code == 0 for code, _ in expected)
    assert "Victims Services" in expected[0][1] and json.loads(expected[3][1])["rows"][0]["trace"]
    assert _every_output(ledger, cache=True) == expected  # fills the cache
    entries = _cache_file(ledger).read_text()
    assert f'"data/{ACTUALS.as_posix()}",[],null,{{"layout"' in entries  # the columns are cached
    assert _every_output(ledger, cache=True) == expected  # served by it
    # A report of the plan reads no actuals; the next monitor still finds their entries.
    assert CliRunner().invoke(app, ["summary", "--year", "2023/24", "--data", str(ledger)]).exit_code == 0
    assert f'"data/{ACTUALS.as_posix()}",[],null,{{"layout"' in _cache_file(ledger).read_text()
    assert _every_output(ledger, cache=True) == expected


def _same_size_and_mtime(path: Path, old: str, new: str) -> None:
    assert len(old) == len(new) and old != new
    before = path.stat()
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_an_actuals_file_changed_in_place_changes_every_output(ledger: Path) -> None:
    _settled(ledger)
    before = _every_output(ledger, cache=True)
    assert _every_output(ledger, cache=True) == before  # warm: the stat index vouches for the files
    assert ACTUALS.as_posix().encode() in next((ledger.parent / "cache" / "budgetctl").glob("*.stat")).read_bytes()
    path = ledger / ACTUALS
    row = next(line for line in path.read_text().split("\n")[1:] if line)
    cells = row.split(",")
    amount = cells[3]
    cells[3] = str(int(amount[0]) % 9 + 1) + amount[1:]  # another first digit: as long, another amount
    _same_size_and_mtime(path, row, ",".join(cells))
    after = _every_output(ledger, cache=True)
    assert after == _every_output(ledger, cache=False)
    assert after[2] != before[2]  # the json: the stream's actual moved
    assert _every_output(ledger, cache=True) == after  # and the new content is served warm


def _forge(data: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite the cached entry of one actuals file, as someone with the cache file could."""
    path = _cache_file(data)
    lines = path.read_bytes().split(b"\n")
    for index, line in enumerate(lines):
        if ACTUALS.as_posix().encode() in line[:200]:
            entry = json.loads(line)
            change(entry[4])
            lines[index] = json.dumps(entry, separators=(",", ":")).encode()
            break
    else:
        raise AssertionError("no cache entry for the actuals file")
    path.write_bytes(b"\n".join(lines))


def _column(entry: dict, name: str, code: str, value: int) -> None:  # type: ignore[type-arg]
    from array import array
    from base64 import b64decode, b64encode

    found = array(code)
    found.frombytes(b64decode(entry[name]))
    found[0] = value
    entry[name] = b64encode(found.tobytes()).decode()


def _first_kind(entry: dict, value: int) -> None:  # type: ignore[type-arg]
    from base64 import b64decode, b64encode

    entry["kinds"] = b64encode(bytes([value]) + b64decode(entry["kinds"])[1:]).decode()


@pytest.mark.parametrize(
    "forgery",
    [
        lambda e: _column(e, "days", "i", 1),  # a date outside the year
        lambda e: _column(e, "who", "i", 10_000),  # a project that is not there
        lambda e: _column(e, "pence", "q", 10**15),  # more money than a row can hold
        lambda e: e["projects"].__setitem__(0, "Not An Id"),  # not a project id
        lambda e: e["projects"].__setitem__(0, ["a list"]),  # not text at all
        lambda e: e.update(pence=e["pence"][:-4]),  # columns of different lengths
        lambda e: e.update(days="not base64!"),
        lambda e: e.update(layout="big:2:4"),  # another machine's arrays
        lambda e: e.update(colour="red"),  # not a field
        lambda e: _first_kind(e, 9),  # a kind that is not one
        lambda e: e.update(kinds="BQ=="),  # one row's kind only
        lambda e: e.update(references=e["references"].replace("\n", "\n \n", 1)),  # a blank reference, a row more
        lambda e: e.update(references=e["references"].replace("\n", "|", 1)),  # a row fewer
    ],
    ids=[
        "date",
        "index",
        "amount",
        "id",
        "id-type",
        "length",
        "base64",
        "layout",
        "field",
        "kind",
        "kinds",
        "blank",
        "references",
    ],
)
def test_a_forged_actuals_entry_is_ignored(ledger: Path, forgery) -> None:  # type: ignore[no-untyped-def]
    args = ["--format", "json", "--trace"]
    expected = _monitor(ledger, args, cache=False)
    assert _monitor(ledger, args, cache=True) == expected  # fills the cache
    _forge(ledger, forgery)
    assert _monitor(ledger, args, cache=True) == expected
    assert _monitor(ledger, [], cache=True) == _monitor(ledger, [], cache=False)
