"""The in-year files and the caches: monitor, trace and validate give the same result with a
cold cache, a warm one and none; a changed actuals or forecast file is read again even when
its size and modification time are kept; a forged forecast entry is ignored.

Real runs of the installed budgetctl, as a user makes them.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from budgetctl.infra.gcpause import paused_gc
from budgetctl.loading.statindex import SETTLE_NS
from tests.conftest import SHIPPED

BUDGETCTL = Path(sys.executable).with_name("budgetctl")
YEAR = ["--year", "2023/24", "--as-at", "q2"]
MONITOR = ["monitor", *YEAR, "--format", "json", "--trace"]
TRACE = ["trace", "victims-services", "--measure", "actual", *YEAR, "--format", "json"]
FORECAST_TRACE = ["trace", "victims-services", "--measure", "forecast", *YEAR, "--format", "json"]
VALIDATE = ["validate", "--format", "json"]
COMMANDS = [MONITOR, TRACE, FORECAST_TRACE, VALIDATE]
ACTUALS = Path("actuals/2023-24/2023-05.csv")
FORECAST = Path("forecasts/2023-24/q2.yaml")


def _env(cache: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "BUDGETCTL_CACHE", "BUDGETCTL_NO_CACHE")}
    env["NO_COLOR"] = "1"
    if cache is None:
        env["BUDGETCTL_NO_CACHE"] = "1"
    else:
        env["XDG_CACHE_HOME"] = str(cache)
    return env


def _run(data: Path, cache: Path | None, args: list[str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [str(BUDGETCTL), *args, "--data", str(data)], capture_output=True, text=True, env=_env(cache), timeout=300
    )
    return done.returncode, done.stdout, done.stderr


def _settled(data: Path) -> None:
    """Every file an hour old and settled, so the stat index vouches for it after the next run
    (setting the time changes the ctime, which must be older than the index's settling time)."""
    old = int((data / "streams.yaml").stat().st_mtime) - 3600
    for path in data.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    time.sleep(SETTLE_NS / 1e9 + 0.2)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    shutil.copytree(SHIPPED, tmp_path / "data")
    return tmp_path / "data"


def _bad_forecast(data: Path) -> None:
    path = data / FORECAST
    path.write_text(path.read_text().replace("outturn: 190000", "outturn: -190000", 1))


def _bad_actuals_row(data: Path) -> None:
    path = data / ACTUALS
    lines = path.read_text().split("\n")
    lines[1] = lines[1].replace(",payment,", ",paymnet,", 1)
    path.write_text("\n".join(lines))


def _quoted_actuals(data: Path) -> None:
    path = data / ACTUALS
    lines = path.read_text().split("\n")
    cells = lines[1].split(",")
    cells[6] = '"' + cells[6] + ', quoted ""here"""'
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines))


@pytest.mark.parametrize("change", [None, _bad_forecast, _bad_actuals_row, _quoted_actuals])
def test_cold_warm_and_uncached_runs_agree(ledger: Path, tmp_path: Path, change) -> None:  # type: ignore[no-untyped-def]
    if change is not None:
        change(ledger)
    cache = tmp_path / "cache"
    for args in COMMANDS:
        expected = _run(ledger, None, args)
        assert expected[0] in (0, 1), expected[2]
        assert _run(ledger, cache, args) == expected  # fills (or reuses) the cache
        assert _run(ledger, cache, args) == expected  # served by it
    if change is None:
        assert json.loads(_run(ledger, cache, TRACE)[1])["values"]  # a trace with rows, not an empty agreement
    elif change is not _quoted_actuals:
        code, out, _ = _run(ledger, cache, VALIDATE)
        assert code == 1
        assert FORECAST.as_posix() in out if change is _bad_forecast else ACTUALS.as_posix() in out


def _same_size_and_mtime(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (as long) in the file, keeping its size and modification time."""
    assert len(old) == len(new)
    before = path.stat()
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def _figure(data: Path, cache: Path, args: list[str]) -> str:
    code, out, err = _run(data, cache, args)
    assert code == 0, err
    return str(json.loads(out)["total"])


def test_an_actuals_file_changed_in_place_is_read_again(ledger: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = ledger / ACTUALS
    row = next(line for line in path.read_text().split("\n") if "victims" in line or "isva" in line)
    amount = row.split(",")[3]
    project = row.split(",")[1]
    trace = ["trace", project, "--measure", "actual", *YEAR, "--format", "json"]
    _settled(ledger)
    before = _figure(ledger, cache, trace)
    assert _figure(ledger, cache, trace) == before  # warm: the stat index now vouches for the file
    assert ACTUALS.as_posix().encode() in next((cache / "budgetctl").glob("*.stat")).read_bytes()
    changed = str(int(amount[0]) % 9 + 1) + amount[1:]  # another first digit: as long, another amount
    _same_size_and_mtime(path, row, row.replace(f",{amount},", f",{changed},", 1))
    after = _figure(ledger, cache, trace)
    assert after != before
    assert after == _figure(ledger, None, trace)
    assert _run(ledger, cache, MONITOR) == _run(ledger, None, MONITOR)


def test_a_forecast_file_changed_in_place_is_read_again(ledger: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _settled(ledger)
    before = _figure(ledger, cache, FORECAST_TRACE)
    assert _figure(ledger, cache, FORECAST_TRACE) == before
    text = (ledger / FORECAST).read_text()
    assert "outturn: 1290000" in text  # isva-service, on victims-services
    _same_size_and_mtime(ledger / FORECAST, "outturn: 1290000", "outturn: 1190000")
    after = _figure(ledger, cache, FORECAST_TRACE)
    assert after != before
    assert after == _figure(ledger, None, FORECAST_TRACE)


def _forge_forecast(cache: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite the cached entry of the q2 forecast in place, as someone with the cache file could."""
    (path,) = (cache / "budgetctl").glob("ledger-*.jsonl")
    lines = path.read_bytes().split(b"\n")
    for index, line in enumerate(lines):
        if FORECAST.as_posix().encode() in line[:300]:
            entry = json.loads(line)
            change(entry[4])
            lines[index] = json.dumps(entry, separators=(",", ":")).encode()
            break
    else:
        raise AssertionError("no cache entry for the q2 forecast")
    path.write_bytes(b"\n".join(lines))


def _an_outturn(forecast: dict) -> dict:  # type: ignore[type-arg]
    return forecast["projects"]["isva-service"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "forgery",
    [
        lambda f: _an_outturn(f).update(outturn="-1290000"),  # a negative outturn
        lambda f: _an_outturn(f).update(outturn="1E+6"),  # money no file can hold
        lambda f: _an_outturn(f).update(reason="R\n::error::forged"),  # a line break in the text
        lambda f: _an_outturn(f).update(reason="\u202etxt.exe"),  # a bidi override
        lambda f: _an_outturn(f).update(variance_class="windfall"),  # not a class
        lambda f: f.update(as_at="2023-09-31"),  # not a date
        lambda f: f["projects"].update({"Not An Id": {"outturn": "1.00"}}),  # not an id
        lambda f: f.update(colour="red"),  # not a field
    ],
    ids=["negative", "exponent", "line-break", "bidi", "class", "date", "id", "field"],
)
def test_a_forged_forecast_entry_is_ignored(ledger: Path, tmp_path: Path, forgery) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    expected = _run(ledger, None, MONITOR)
    assert expected[0] == 0, expected[2]
    assert _run(ledger, cache, MONITOR) == expected  # fills the cache
    _forge_forecast(cache, forgery)
    assert _run(ledger, cache, MONITOR) == expected
    _forge_forecast(cache, forgery)
    assert _run(ledger, cache, FORECAST_TRACE) == _run(ledger, None, FORECAST_TRACE)


def test_the_collector_resumes_after_a_pause_even_on_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a pause never turns on a collector someone else turned off
    finally:
        gc.enable()
