"""`budgetctl trace` on a warm cache reads only the files its figure sums: streams.yaml, the
adjustments, and the stream's projects as the snapshot of the last whole check lists them (or
the one project's file), with every actuals and forecast file. It prints exactly what a run
without the cache prints, for every measure of every stream and project, and leaves the ledgers
it cannot narrow (a damaged snapshot, a file changed since the check) to the whole check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl import pipeline
from budgetctl.cli import app
from budgetctl.loading import build as build_module
from budgetctl.loading import discover, snapshot, statindex
from budgetctl.loading.cache import FileCache
from budgetctl.reports.trace import MEASURES, PROJECT_MEASURES
from tests.conftest import SHIPPED, change_keeping_size_and_mtime, make_ledger, project_text, settled
from tests.entrypoint import entry, spy_on_typer

STREAMS = """\
years:
  2023/24:
    approved: 2023-02-01
    closed: 2024-04-30
streams:
  fund:
    programme: Fund
    funding: Police Grant
    year_end: balance
    budget:
      2023/24: 1000
      2024/25: 1000
  other:
    programme: Other
    funding: Specific Grant
    year_end: return
    budget:
      2023/24: 500
      2024/25: 500
"""
VIREMENT = """\
type: virement
date: 2024-06-01
from:
  stream: other
to:
  stream: fund
amount: 100
reason: More demand for the fund's services
approval:
  approver: pcc
  date: 2024-06-02
"""
DELEGATIONS = """\
delegations:
  approvers:
    pcc: Police and Crime Commissioner
  limits:
    virement:
      - {approver: pcc}
"""


FILES = {
    "streams.yaml": STREAMS,
    "projects/fund/a.yaml": project_text("fund", "  2023/24: 100.50\n  2024/25: 200\n"),
    "projects/fund/b.yml": project_text("fund", "  2024/25: 250.25\n"),
    # A project of fund filed under other's folder, and one in a hidden folder: the snapshot finds them.
    "projects/other/c.yaml": project_text("fund", "  2023/24: 30\n"),
    "projects/other/.kept/d.yaml": project_text("other", "  2023/24: 40\n  2024/25: 60\n"),
    "projects/other/e.yaml": project_text("other", "  2024/25: 70\n"),
}


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[object]]:
    """Whether each trace was answered from a narrowed ledger, how many project files were built,
    and which ledgers were discovered (read whole: not through the stamp)."""
    found: dict[str, list[object]] = {"narrowed": [], "built": [], "discovered": []}
    real_subject, real_build, real_read = pipeline.warm_subject, build_module.build, discover.read_ledger

    def warm_subject(*args, **kwargs):  # type: ignore[no-untyped-def]
        answer = real_subject(*args, **kwargs)
        found["narrowed"].append(answer is not None)
        return answer

    def build(streams, projects, *args, **kwargs):  # type: ignore[no-untyped-def]
        found["built"].append(len(projects))
        return real_build(streams, projects, *args, **kwargs)

    def read_ledger(*args, **kwargs):  # type: ignore[no-untyped-def]
        found["discovered"].append(args[0])
        return real_read(*args, **kwargs)

    monkeypatch.setattr(pipeline, "warm_subject", warm_subject)
    monkeypatch.setattr(discover, "read_ledger", read_ledger)
    monkeypatch.setattr(build_module, "build", build)
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    for name in ("BUDGETCTL_NO_CACHE", "CI"):
        monkeypatch.delenv(name, raising=False)
    return found


def run(*args: str, cache: bool = True) -> tuple[int, str, str]:
    env = {} if cache else {"BUDGETCTL_NO_CACHE": "1"}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def validated(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: Path) -> None:
    """Two validates as the installed script runs them: the first checks and keeps the stamp
    (when clean), the second is served by it."""
    for _ in range(2):
        assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] in (0, 1)


def traced(data: Path, seen: dict[str, list[object]], subject: str, measure: str, *options: str) -> bool:
    """Trace ``subject`` warm and without the cache: the same exit code and output; whether the
    warm run was answered from a narrowed ledger (``seen["whole"]``: whether it discovered the ledger)."""
    args = ("trace", subject, "-m", measure, "--data", str(data), *options)
    seen["narrowed"].clear()
    seen["discovered"].clear()
    warm = run(*args)
    narrowed = seen["narrowed"] == [True]
    seen["whole"] = [bool(seen["discovered"])]
    assert warm == run(*args, cache=False), args
    return narrowed


def test_every_figure_of_a_stamped_ledger_is_traced_from_its_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seen: dict[str, list[object]]
) -> None:
    data = settled(
        make_ledger(
            tmp_path, {**FILES, "streams.yaml": DELEGATIONS + STREAMS, "adjustments/2024-25/virement.yaml": VIREMENT}
        )
    )
    validated(monkeypatch, capsys, data)
    for year in ("2023/24", "2024/25"):
        for stream, count in (("fund", 3), ("other", 2)):
            for measure in MEASURES:
                seen["built"].clear()
                assert traced(data, seen, stream, measure, "--year", year, "-f", "json"), (stream, measure)
                assert seen["built"][0] == count  # the stream's projects only, wherever they are filed
                assert seen["whole"] == [False]  # through the stamp: nothing discovered
        for ident in "abcde":
            for measure in PROJECT_MEASURES:
                seen["built"].clear()
                assert traced(data, seen, ident, measure, "--year", year), (ident, measure)
                assert seen["built"][0] == 1
    code, out, _ = run("trace", "fund", "-m", "unallocated", "--year", "2024/25", "--data", str(data))
    assert code == 0
    assert "data/adjustments/2024-25/virement.yaml:7:9" in out and "data/projects/fund/b.yml:5:12" in out
    # 1,000 + the 100 virement + 2023/24's unspent 1,000 (a balance fund) - 200 - 250.25
    assert out.rstrip().endswith("total 1,649.75")


def test_a_ledger_with_warnings_is_traced_from_the_cache_and_lists_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seen: dict[str, list[object]]
) -> None:
    # A003: a project that allocates nothing; with a problem, no stamp: the cache and its index serve.
    data = settled(make_ledger(tmp_path, {**FILES, "projects/fund/z.yaml": project_text("fund", "  2023/24: 0\n")}))
    validated(monkeypatch, capsys, data)
    for measure in ("allocated", "unallocated", "forecast"):
        assert traced(data, seen, "fund", measure, "--year", "2023/24")
        assert seen["whole"] == [True]
    assert traced(data, seen, "z", "allocated", "--year", "2023/24")
    code, _, err = run("trace", "fund", "-m", "allocated", "--year", "2023/24", "--data", str(data))
    assert code == 0 and "A003" in err


def test_a_ledger_with_actuals_and_forecasts_is_traced_from_the_streams_projects_and_the_year_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seen: dict[str, list[object]]
) -> None:
    data = settled(Path(shutil.copytree(SHIPPED, tmp_path / "data")))
    validated(monkeypatch, capsys, data)
    streams = {"victims-services": 0, "violence-reduction-partnership": 0, "helping-communities-fund": 0}
    for path in (data / "projects").rglob("*.yaml"):
        stream = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("stream:"))
        if stream[len("stream: ") :] in streams:
            streams[stream[len("stream: ") :]] += 1
    for stream, count in streams.items():
        for measure in MEASURES:
            for as_at in ((), ("--as-at", "q2")):
                seen["built"].clear()
                assert traced(data, seen, stream, measure, "--year", "2023/24", "-f", "json", *as_at), (stream, measure)
                assert seen["built"][0] == count  # the stream's projects only, beside every actuals row
                assert seen["whole"] == [False]  # through the stamp: nothing discovered
    for ident in ("adult-sexual-violence-counselling", "victims-interpreting-and-translation"):
        for measure in PROJECT_MEASURES:
            assert traced(data, seen, ident, measure, "--year", "2023/24"), (ident, measure)
    code, out, _ = run(
        "trace", "adult-sexual-violence-counselling", "-m", "actual", "--year", "2023/24", "--data", str(data)
    )
    assert code == 0 and "data/actuals/2023-24/2023-04.csv:2:" in out and "payment AP-104001 of 2023-04-14" in out


def test_an_actuals_file_changed_keeping_size_and_mtime_is_traced_as_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seen: dict[str, list[object]]
) -> None:
    data = settled(Path(shutil.copytree(SHIPPED, tmp_path / "data")))
    validated(monkeypatch, capsys, data)
    subject = ("trace", "adult-sexual-violence-counselling", "-m", "actual", "--year", "2023/24", "--as-at", "q1")
    before = run(*subject, "--data", str(data))
    assert before[0] == 0 and "85,000.00" in before[1]
    path = data / "actuals" / "2023-24" / "2023-04.csv"
    text = path.read_text(encoding="utf-8")
    change_keeping_size_and_mtime(
        path,
        text.replace(
            "adult-sexual-violence-counselling,payment,85000.00", "adult-sexual-violence-counselling,payment,86000.00"
        ),
    )
    code, out, _ = run(*subject, "--data", str(data))
    assert code == 0 and "86,000.00" in out and "85,000.00" not in out
    # Warm and without the cache alike (``traced`` compares them), narrowed or not.
    traced(data, seen, "adult-sexual-violence-counselling", "actual", "--year", "2023/24", "--as-at", "q1")


def test_a_change_keeping_size_and_mtime_is_traced_as_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seen: dict[str, list[object]]
) -> None:
    data = settled(make_ledger(tmp_path, FILES))
    validated(monkeypatch, capsys, data)
    path = data / "projects" / "fund" / "a.yaml"
    change_keeping_size_and_mtime(path, path.read_text(encoding="utf-8").replace("100.50", "900.50"))
    code, out, _ = run("trace", "fund", "-m", "allocated", "--year", "2023/24", "--data", str(data))
    assert code == 0 and "900.50" in out and out.rstrip().endswith("total 930.50")
    traced(data, seen, "fund", "allocated", "--year", "2023/24")
    traced(data, seen, "a", "allocated", "--year", "2023/24")


def test_a_damaged_snapshot_leaves_a_stream_to_the_whole_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seen: dict[str, list[object]]
) -> None:
    data = settled(make_ledger(tmp_path, FILES))
    validated(monkeypatch, capsys, data)
    cache = FileCache.open(data)
    assert cache is not None
    kept = snapshot._path(cache.path)
    kept.write_bytes(kept.read_bytes()[:-40] + b"x" * 40)
    assert not traced(data, seen, "fund", "allocated", "--year", "2023/24")
    kept.unlink()
    assert not traced(data, seen, "other", "allocated", "--year", "2023/24")
    assert traced(data, seen, "e", "allocated", "--year", "2024/25")  # a project needs no snapshot


def test_a_project_file_named_like_a_stream_does_not_stand_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seen: dict[str, list[object]]
) -> None:
    # "other.yaml" is a project of fund; `trace other` is the stream's figure.
    data = settled(make_ledger(tmp_path, {**FILES, "projects/fund/other.yaml": project_text("fund", "  2023/24: 5\n")}))
    validated(monkeypatch, capsys, data)
    assert traced(data, seen, "other", "allocated", "--year", "2023/24")
    code, out, _ = run("trace", "other", "-m", "allocated", "--year", "2023/24", "--data", str(data))
    assert code == 0 and out.rstrip().endswith("total 40.00")
    cache = FileCache.open(data)
    assert cache is not None
    snapshot._path(cache.path).unlink()  # without the snapshot the stream's files are not known
    assert not traced(data, seen, "other", "allocated", "--year", "2023/24")


@pytest.mark.parametrize(
    "args",
    [
        ("nothing", "-m", "allocated"),
        ("fund", "-m", "allocated", "--year", "2030/31"),
        ("a", "-m", "budget"),
        ("fund", "-m", "allocated", "--as-at", "q7"),
    ],
)
def test_refusals_are_those_of_the_whole_check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    seen: dict[str, list[object]],
    args: tuple[str, ...],
) -> None:
    data = settled(make_ledger(tmp_path, FILES))
    validated(monkeypatch, capsys, data)
    code, _, err = run("trace", *args, "--data", str(data))
    assert code == 2 and err
    assert (code, err) == run("trace", *args, "--data", str(data), cache=False)[::2]


def test_the_entry_point_answers_without_typer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seen: dict[str, list[object]]
) -> None:
    calls = spy_on_typer(monkeypatch)
    data = settled(make_ledger(tmp_path, FILES))
    validated(monkeypatch, capsys, data)
    for args in (
        ("fund", "-m", "allocated", "--year", "2023/24"),
        ("a", "--measure", "variance", "-f", "json"),
        ("other", "-m", "to_return", "-y", "2023/24", "--as-at", "q2", "--format", "text"),
    ):
        calls.clear()
        found = entry(monkeypatch, capsys, "trace", *args, "--data", str(data))
        assert calls == [], args
        assert found == run("trace", *args, "--data", str(data), cache=False), args
    main_data = entry(monkeypatch, capsys, "--data", str(data), "trace", "e", "-m", "allocated")
    assert calls == [] and main_data == run("trace", "e", "-m", "allocated", "--data", str(data), cache=False)
    # What the command refuses, or this reader does not read, the Typer command says.
    for args in (
        ("nothing", "-m", "allocated"),
        ("a", "-m", "budget"),
        ("fund", "-m", "allocated", "--as-at", "q7"),
        ("fund", "-m", "allocated", "--year", "2030/31"),
        ("fund", "-m", "allocated", "--year", "2030"),
        ("fund", "-m", "nonsense"),
        ("fund", "-m", "allocated", "-f", "csv"),
        ("fund",),
    ):
        calls.clear()
        code, out, err = entry(monkeypatch, capsys, "trace", *args, "--data", str(data))
        assert calls != [] and (code, out) == (2, "") and err, args


def test_the_entry_point_knows_every_measure_the_command_takes() -> None:
    from budgetctl.cli.monitoring import Measure

    assert [m.value for m in Measure] == list(MEASURES) and len(MEASURES) == 14
