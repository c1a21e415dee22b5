"""A warm `monitor` prints the text a run with the same inputs printed before (``loading.monitorviews``)
instead of making it again: that text is the uncached command's byte for byte, in every format, at
every width, for every year and as-at date; and it is never shown for another width, colour, date
(a default as-at is today's), ledger content (a file changed keeping its size and mtime), or when
the view or the kept values behind it were rewritten or forged."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from budgetctl.loading import monitorviews
from budgetctl.reports import monitor as reports
from tests.cli.test_monitor_warm_facts import keep_size_and_mtime, many_streams
from tests.cli.test_summary_warm_facts import copy, entry, typer_runs, uncached

__all__ = ["typer_runs"]  # the fixture, shared with the summary's tests

OPTIONS = [
    ("-y", "2023/24", "--as-at", "q1"),
    ("-y", "2023/24", "--as-at", "q2", "-f", "markdown"),
    ("-y", "2023/24", "--as-at", "q3", "-f", "json"),
    ("-y", "2023/24", "--as-at", "q4", "-f", "csv"),
    ("-y", "2023/24", "--as-at", "q4"),
    ("-y", "2023/24", "--as-at", "Q4"),  # another spelling: another view, the same text
    ("-y", "2023/24", "--as-at", "2023-05-31"),
    ("-y", "2023/24", "--as-at", "2023-10-01", "-f", "markdown"),
    ("-y", "2024/25", "--as-at", "q3"),
    ("-y", "2024/25", "-f", "json"),
    (),
]


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The years of the reports made from the kept values (a run a view answers makes none)."""
    calls: list[str] = []
    real = reports.from_facts

    def spy(facts, year, as_at, **options):  # type: ignore[no-untyped-def]
        calls.append(year)
        return real(facts, year, as_at, **options)

    monkeypatch.setattr(reports, "from_facts", spy)
    return calls


def views() -> list[Path]:
    return sorted(Path(os.environ["XDG_CACHE_HOME"], "budgetctl").glob("*.view-*"))


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return copy("shipped", tmp_path, in_year=True)  # no problem: the warm stamp vouches for it


# Where the stream table is written without Rich (a short one fits, or a long one is plain): kept.
KEPT = {("shipped", "200"), ("many streams", "200"), ("many streams", "120")}


@pytest.mark.parametrize("name", ["shipped", "many streams"])
@pytest.mark.parametrize("columns", ["200", "120", "70"])
def test_a_kept_view_is_the_uncached_report(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[int],
    made: list[str],
    name: str,
    columns: str,
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = copy(name, tmp_path, in_year=True) if name == "shipped" else many_streams(tmp_path, 60)
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    for options in OPTIONS:
        args = ("monitor", "--data", str(data), *options)
        before = {(v, v.stat().st_mtime_ns) for v in views()}
        first = entry(monkeypatch, capsys, *args)
        if not made:  # a year without a budget: Typer's
            continue
        kept = bool({(v, v.stat().st_mtime_ns) for v in views()} - before)
        made.clear()
        assert entry(monkeypatch, capsys, *args) == first, options
        assert (made == []) == kept, options  # the text kept by the first run, unless Rich laid it out
        assert first == uncached(monkeypatch, capsys, *args), options
        assert first[0] == 0 and first[1] and first[2] == "", options
        made.clear()
    tables = {v for v in views() if "'table'" in v.read_text(encoding="utf-8").split("\n", 1)[0]}
    assert bool(tables) == ((name, columns) in KEPT)
    assert len(views()) <= monitorviews.KEEP


def test_another_width_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], made: list[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = many_streams(tmp_path, 60)
    reason = "A reason long enough to be wrapped at one width and not at the other. " * 2
    (data / "forecasts/2023-24/q1.yaml").write_text(
        f"as_at: 2023-06-30\nprojects:\n  p1:\n    outturn: 950\n    reason: {reason.strip()}\n"
    )
    copy_age = time.time() - 60
    for path in data.rglob("*"):
        os.utime(path, (copy_age, copy_age))
    args = ("monitor", "--data", str(data), "-y", "2023/24", "--as-at", "q2")
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    outputs = {}
    for columns in ("200", "120", "200", "120"):
        monkeypatch.setenv("COLUMNS", columns)
        made.clear()
        found = entry(monkeypatch, capsys, *args)
        assert bool(made) == (columns not in outputs)  # each width made once, then kept
        assert found == outputs.setdefault(columns, uncached(monkeypatch, capsys, *args))
    assert outputs["200"] != outputs["120"]


def test_colour_is_made_again(
    ledger: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], made: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    args = ("monitor", "--data", str(ledger), "-y", "2023/24", "--as-at", "q2")
    entry(monkeypatch, capsys, "validate", "--data", str(ledger))
    plain = entry(monkeypatch, capsys, *args)
    assert made and len(views()) == 1
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")  # Rich lays the table out, in colour: no view is kept
    for _ in range(2):
        made.clear()
        coloured = entry(monkeypatch, capsys, *args)
        assert made and "\x1b[" in coloured[1] and coloured == uncached(monkeypatch, capsys, *args)
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    made.clear()
    assert entry(monkeypatch, capsys, *args) == plain and made == []


def test_an_edited_ledger_gets_the_new_figures(
    ledger: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], made: list[str]
) -> None:
    entry(monkeypatch, capsys, "validate", "--data", str(ledger))
    lines = [("monitor", "--data", str(ledger), "-y", "2023/24", "--as-at", "q1", *f) for f in [(), ("-f", "json")]]
    before = [entry(monkeypatch, capsys, *args) for args in lines]
    assert [entry(monkeypatch, capsys, *args) for args in lines] == before  # from the views

    keep_size_and_mtime(ledger / "actuals/2023-24/2023-05.csv", "5120.40", "5130.40")  # an actual: 10 more
    changed = [entry(monkeypatch, capsys, *args) for args in lines]
    assert changed == [uncached(monkeypatch, capsys, *args) for args in lines]
    assert changed != before and json.loads(changed[1][1])["total"] != json.loads(before[1][1])["total"]
    made.clear()
    assert [entry(monkeypatch, capsys, *args) for args in lines] == changed

    forecast = ledger / "forecasts/2023-24/q1.yaml"  # an edit a user makes: size and mtime change
    forecast.write_text(forecast.read_text().replace("outturn: 310000", "outturn: 3200000"))
    again = [entry(monkeypatch, capsys, *args) for args in lines]
    assert again == [uncached(monkeypatch, capsys, *args) for args in lines] and again != changed


def test_a_default_as_at_is_kept_for_today_only(
    ledger: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], made: list[str]
) -> None:
    assert monitorviews.view_of("json", "2023/24", "q1", "2020-01-01", None) == monitorviews.view_of(
        "json", "2023/24", "q1", "2031-05-05", None
    )
    for year, as_at in [(None, None), ("2023/24", None), (None, "q1")]:
        assert monitorviews.view_of("json", year, as_at, "2020-01-01", None) != monitorviews.view_of(
            "json", year, as_at, "2031-05-05", None
        )
    args = ("monitor", "--data", str(ledger), "-f", "json")
    entry(monkeypatch, capsys, "validate", "--data", str(ledger))
    first = entry(monkeypatch, capsys, *args)
    made.clear()
    assert entry(monkeypatch, capsys, *args) == first and made == []
    real = time.strftime
    monkeypatch.setattr(time, "strftime", lambda form: "2031-05-05" if form == "%Y-%m-%d" else real(form))
    assert entry(monkeypatch, capsys, *args) == first and made  # another day: made again


def field(head: bytes, index: int, value: bytes) -> bytes:
    """The view's first line with one of its fields (format, code key, ledger key, view, values) replaced."""
    parts = head.rstrip(b"\n").split(b"\t")
    parts[index] = value
    return b"\t".join(parts) + b"\n"


def resummed(rest: bytes, old: bytes, new: bytes) -> bytes:
    """A view's text with ``old`` replaced, and its length and CRC made to match."""
    body = rest.partition(b"\n")[2].replace(old, new)
    return monitorviews.sums(body) + b"\n" + body


@pytest.mark.parametrize(
    "damage",
    [
        lambda head, body: head + body.replace(b"Victims", b"\x1b[2JVictims"),  # a terminal escape
        lambda head, body: head + body.replace(b"Victims", b"\x00Victims"),
        lambda head, body: head + body[:-1] + b"\xff",  # not UTF-8
        lambda head, body: field(head, 0, b"budgetctl-monitor-view 0") + body,
        lambda head, body: field(head, 1, b"0" * 64) + body,  # other code
        lambda head, body: field(head, 2, b"0" * 32) + body.replace(b"Victims", b"Forged!"),  # another ledger
        lambda head, body: field(head, 3, b"x") + body.replace(b"Victims", b"Forged!"),  # another view
        lambda head, body: field(head, 4, b"1 00000000") + body.replace(b"Victims", b"Forged!"),  # other values
        lambda head, body: head + resummed(body, b"Victims", b"\xc2V\xa3ictims"),  # not UTF-8, its sums right
        lambda head, body: head + resummed(body, b"Victims", b"\x1bVictims"),
        lambda head, body: head + resummed(body, b"Victims", b"\xe2\x80\xaeVictims"),  # U+202E
        lambda head, body: head + body[:-1],  # cut short
        lambda head, body: head + body.replace(b"Victims", b"Forged!"),  # its sums no longer hold
        lambda head, body: head,
        lambda head, body: b"",
    ],
)
def test_a_damaged_or_forged_view_is_not_shown(
    ledger: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], made: list[str], damage: object
) -> None:
    args = ("monitor", "--data", str(ledger), "-y", "2023/24", "--as-at", "q2", "-f", "markdown")
    entry(monkeypatch, capsys, "validate", "--data", str(ledger))
    first = entry(monkeypatch, capsys, *args)
    (view,) = views()
    head, _, rest = view.read_bytes().partition(b"\n")
    sums, _, body = rest.partition(b"\n")
    assert len(head.split(b"\t")) == 5 and b"Victims" in body
    view.write_bytes(damage(head + b"\n", sums + b"\n" + body))  # type: ignore[operator]
    made.clear()
    assert entry(monkeypatch, capsys, *args) == first == uncached(monkeypatch, capsys, *args)
    assert made  # made again from the kept values, and kept again
    made.clear()
    assert entry(monkeypatch, capsys, *args) == first and made == []


def test_other_monitoring_values_drop_the_views(
    ledger: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], made: list[str]
) -> None:
    args = ("monitor", "--data", str(ledger), "-y", "2023/24", "--as-at", "q3")
    entry(monkeypatch, capsys, "validate", "--data", str(ledger))
    first = entry(monkeypatch, capsys, *args)
    (kept,) = (ledger.parent.parent / "cache" / "budgetctl").glob("*.monitor.json")
    values = kept.read_bytes()
    kept.unlink()
    kept.write_bytes(values)  # the same values written again (a check of the same ledger): kept
    made.clear()
    assert entry(monkeypatch, capsys, *args) == first and made == []
    assert values.count(b'{"thresholds"') == 1
    kept.write_bytes(values.replace(b'{"thresholds"', b'{ "thresholds"'))  # other bytes, the same values
    assert entry(monkeypatch, capsys, *args) == first and made


def test_the_views_kept_are_few(
    ledger: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    entry(monkeypatch, capsys, "validate", "--data", str(ledger))
    for day in range(1, 13):
        args = ("monitor", "--data", str(ledger), "-y", "2023/24", "--as-at", f"2023-07-{day:02d}", "-f", "json")
        assert entry(monkeypatch, capsys, *args)[0] == 0
    assert len(views()) == monitorviews.KEEP


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Budget £ 1,000.00 ─── ok\n", True),
        ("a,b\r\n1,2\r\n", True),  # CSV's line ends
        ("", True),
        ("a\rb\n", False),  # a lone CR rewrites a terminal line
        ("a\x1b[2Jb\n", False),
        ("a\x7fb", False),
        ("a\tb", False),
        ("a\u0085b", False),  # a C1 control: a line end to some terminals
        ("a\u2028b", False),
        ("a\u202eb", False),  # a bidirectional override
        ("a\u200bb", False),
    ],
)
def test_only_printable_text_is_a_view(text: str, shown: bool) -> None:
    body = text.encode()
    assert monitorviews.safe(body) == shown == text.replace("\r\n", "\n").replace("\n", " ").isprintable()
    assert not monitorviews.safe(body + b"\xff")  # not UTF-8
