"""The cache of checked files: cached and uncached runs say exactly the same thing.

Ledgers come from the benchmark generator (valid, every stream kind), then
one or more files are broken in a known way. Every case is run without the
cache, with an empty cache, with a warm cache, with worker processes, and
after one file changed; the outputs of `validate` and `summary` must be
identical byte for byte. A cache that is garbage, the wrong shape, truncated,
a symbolic link, unwritable, or inside the ledger's repository is ignored.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading import parallel
from budgetctl.render import progress

REPO = Path(__file__).resolve().parents[2]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Each breaks a generated ledger in one way; together they cover the loader,
# the schema and the cross-file rules (whose positions come from re-parsed sources).
def _syntax(files: list[Path]) -> None:
    files[0].write_text(files[0].read_text() + "  bad: [unclosed\n")


def _duplicate_key(files: list[Path]) -> None:
    files[1].write_text(files[1].read_text() + "title: again\n")


def _unknown_key(files: list[Path]) -> None:
    _replace_in(files[2], "lead:", "leed:")


def _bad_money(files: list[Path]) -> None:
    text = files[3].read_text()
    line = next(x for x in text.splitlines() if x.startswith("  2023/24:"))
    files[3].write_text(text.replace(line, "  2023/24: 12.345"))


def _unknown_stream(files: list[Path]) -> None:
    text = files[4].read_text()
    line = next(x for x in text.splitlines() if x.startswith("stream:"))
    files[4].write_text(text.replace(line, "stream: no-such-stream"))


def _over_allocated(files: list[Path]) -> None:
    text = files[5].read_text()
    line = next(x for x in text.splitlines() if x.startswith("  2024/25:"))
    files[5].write_text(text.replace(line, "  2024/25: 999999999.99"))


def _year_without_budget(files: list[Path]) -> None:
    files[6].write_text(files[6].read_text() + "  2031/32: 100\n")


def _bad_file_name(files: list[Path]) -> None:
    files[7].rename(files[7].with_name("Bad_Name.yaml"))


def _tag_and_anchor(files: list[Path]) -> None:
    _replace_in(files[8], "title: ", "title: !!python/object &a ")


def _not_utf8(files: list[Path]) -> None:
    files[9].write_bytes(files[9].read_bytes().replace(b"title: ", b"title: \xa3", 1))


def _streams(files: list[Path]) -> Path:
    return files[0].parents[2] / "streams.yaml"


def _streams_unknown_key(files: list[Path]) -> None:
    _replace_in(_streams(files), "programme:", "programe:")


def _streams_syntax(files: list[Path]) -> None:
    _streams(files).write_text(_streams(files).read_text() + "  bad: [unclosed\n")


def _streams_budget_cut(files: list[Path]) -> None:
    text = _streams(files).read_text()
    line = next(x for x in text.splitlines() if x.startswith("      2024/25:"))
    _streams(files).write_text(text.replace(line, "      2024/25: 1.00", 1))  # over-allocated, located in streams


BREAKS = {
    "valid": [],
    "syntax": [_syntax],
    "duplicate-key": [_duplicate_key],
    "unknown-key": [_unknown_key],
    "bad-money": [_bad_money],
    "unknown-stream": [_unknown_stream],
    "over-allocated": [_over_allocated],
    "year-without-budget": [_year_without_budget],
    "bad-file-name": [_bad_file_name],
    "tag-and-anchor": [_tag_and_anchor],
    "not-utf8": [_not_utf8],
    "streams-unknown-key": [_streams_unknown_key],
    "streams-syntax": [_streams_syntax],
    "streams-budget-cut": [_streams_budget_cut],
    "many": [_syntax, _unknown_key, _unknown_stream, _over_allocated, _bad_file_name, _year_without_budget],
}


def make(tmp_path: Path, n: int, breaks: list, seed: int = 20230401) -> Path:  # type: ignore[type-arg]
    GENERATE.generate(n, tmp_path / "ledger", journals=False, seed=seed)
    data = tmp_path / "ledger" / "data"
    files = sorted((data / "projects").rglob("*.yaml"))
    for breaking in breaks:
        breaking(files)
    return data


COMMANDS = (
    ("validate", "--format", "json"),
    ("validate",),
    ("summary", "--year", "2023/24", "--format", "json"),
    ("summary", "--year", "2024/25"),
)


def outputs(runner: CliRunner, data: Path, *extra: str) -> list[tuple[int, str, str]]:
    found = []
    for command in COMMANDS:
        result = runner.invoke(app, [*command, "--data", str(data), *extra])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        found.append((result.exit_code, result.stdout, result.stderr))
    return found


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)
    return home / "budgetctl"


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("ledger-*.jsonl")) if folder.exists() else []


def read_cache(path: Path) -> tuple[dict, list[list]]:  # type: ignore[type-arg]
    """The header and the entries ``[content key, path, loader problems, schema problems, project]``."""
    header, *lines = path.read_text().splitlines()
    return json.loads(header), [json.loads(line) for line in lines]


def write_cache(path: Path, header: dict, entries: list[list]) -> None:  # type: ignore[type-arg]
    path.write_text("\n".join(json.dumps(x, separators=(",", ":")) for x in [header, *entries]) + "\n")


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_cached_and_uncached_runs_report_the_same(case: str, tmp_path: Path, cache_home: Path, monkeypatch) -> None:
    data = make(tmp_path, 40, BREAKS[case])
    runner = CliRunner()
    uncached = outputs(runner, data, "--no-cache")
    assert cache_files(cache_home) == []
    assert outputs(runner, data) == uncached  # empty cache: checks and writes
    assert len(cache_files(cache_home)) == 1
    assert outputs(runner, data) == uncached  # warm cache: every file from the cache
    # Worker processes, with and without the cache.
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    assert outputs(runner, data, "--no-cache") == uncached
    for path in cache_files(cache_home):
        path.unlink()
    assert outputs(runner, data) == uncached
    assert outputs(runner, data) == uncached
    if case == "valid":
        assert uncached[0][0] == 0 and json.loads(uncached[0][1])["problems"] == []
    else:
        assert uncached[0][0] == 1


@pytest.mark.parametrize("failure", ["dies", "sends garbage"])
def test_a_failing_worker_costs_time_not_results(failure: str, tmp_path: Path, cache_home: Path, monkeypatch) -> None:
    data = make(tmp_path, 30, BREAKS["many"])
    expected = outputs(CliRunner(), data, "--no-cache")
    parent = os.getpid()
    real = parallel.pack

    def broken(checked):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            return real(checked)
        if failure == "dies":
            os._exit(3)
        return ["garbage"]

    monkeypatch.setattr(parallel, "pack", broken)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    assert outputs(CliRunner(), data, "--no-cache") == expected
    assert outputs(CliRunner(), data) == expected  # and the cache holds only what this process checked
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 10**9)
    assert outputs(CliRunner(), data) == expected


def test_one_changed_file_is_checked_again(tmp_path: Path, cache_home: Path) -> None:
    data = make(tmp_path, 30, [])
    runner = CliRunner()
    before = runner.invoke(app, ["summary", "--year", "2023/24", "--format", "json", "--data", str(data)])
    target = sorted((data / "projects").rglob("*.yaml"))[0]
    text = target.read_text()
    line = next(x for x in text.splitlines() if x.startswith("  2023/24:"))
    target.write_text(text.replace(line, "  2023/24: 1000000000"))  # same path, new content
    cached = outputs(CliRunner(), data)
    assert cached == outputs(CliRunner(), data, "--no-cache")
    assert cached[2][1] != before.stdout  # the total moved: nothing stale was served
    assert "A001" in cached[0][1]
    target.write_text(text)  # and back
    assert runner.invoke(app, ["summary", "--year", "2023/24", "--format", "json", "--data", str(data)]).stdout == (
        before.stdout
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(min_value=10, max_value=40),
    seed=st.integers(min_value=0, max_value=10_000),
    chosen=st.lists(st.sampled_from(sorted(k for k in BREAKS if k != "many")), max_size=4, unique=True),
)
def test_cached_runs_agree_on_random_ledgers(tmp_path_factory, n: int, seed: int, chosen: list[str]) -> None:
    tmp = tmp_path_factory.mktemp("ledger")
    data = make(tmp, n, [b for name in chosen for b in BREAKS[name]], seed=seed)
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
    try:
        runner = CliRunner()
        uncached = outputs(runner, data, "--no-cache")
        assert outputs(runner, data) == uncached
        assert outputs(runner, data) == uncached
    finally:
        if previous is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = previous


# --- a cache that cannot be trusted is ignored, silently ---------------------


def _warm(tmp_path: Path, cache_home: Path, breaks: list | None = None) -> tuple[Path, Path, list]:  # type: ignore[type-arg]
    data = make(tmp_path, 20, breaks if breaks is not None else BREAKS["many"])
    expected = outputs(CliRunner(), data, "--no-cache")
    assert outputs(CliRunner(), data) == expected
    (path,) = cache_files(cache_home)
    return data, path, expected


def _corrupt_garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xff garbage {{{")


def _corrupt_truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _corrupt_not_a_mapping(path: Path) -> None:
    path.write_text("[1, 2, 3]")


def _corrupt_other_version(path: Path) -> None:
    header, entries = read_cache(path)
    header["key"] = "0" * 64
    write_cache(path, header, entries)


def _corrupt_entry_shape(path: Path) -> None:
    header, entries = read_cache(path)
    for entry in entries:
        entry[2] = "not a list of problems"
    write_cache(path, header, entries)


def _corrupt_amount_type(path: Path) -> None:
    header, entries = read_cache(path)
    for entry in entries:
        if entry[4] is not None and "allocations" in entry[4]:
            entry[4]["allocations"] = {year: 1.5 for year in entry[4]["allocations"]}  # a float: never money
        elif entry[4] is not None:  # streams.yaml
            for stream in entry[4]["streams"].values():
                stream["budget"] = {year: 2.5 for year in stream["budget"]}
    write_cache(path, header, entries)


def _corrupt_amount_text(path: Path) -> None:
    header, entries = read_cache(path)
    for entry in entries:
        if entry[4] is not None and "allocations" in entry[4]:
            entry[4]["allocations"] = {year: " 1_000" for year in entry[4]["allocations"]}  # not as written
    write_cache(path, header, entries)


def _corrupt_unknown_field(path: Path) -> None:
    header, entries = read_cache(path)
    for entry in entries:
        if entry[4] is not None:
            entry[4]["no_such_field"] = "x"
    write_cache(path, header, entries)


def _corrupt_line_prefix(path: Path) -> None:
    path.write_text(path.read_text() + "not a line budgetctl writes\n")


def _corrupt_not_ascii(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"title", b"t\xc3\xaftle", 1))


def _corrupt_deeply_nested(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize(
    "corrupt",
    [
        _corrupt_garbage,
        _corrupt_truncated,
        _corrupt_not_a_mapping,
        _corrupt_other_version,
        _corrupt_entry_shape,
        _corrupt_amount_type,
        _corrupt_amount_text,
        _corrupt_unknown_field,
        _corrupt_line_prefix,
        _corrupt_not_ascii,
        _corrupt_deeply_nested,
    ],
)
def test_a_damaged_cache_is_ignored_and_replaced(corrupt, tmp_path: Path, cache_home: Path) -> None:  # type: ignore[no-untyped-def]
    data, path, expected = _warm(tmp_path, cache_home)
    corrupt(path)
    assert outputs(CliRunner(), data) == expected
    header, entries = read_cache(path)  # rewritten whole and well-formed
    assert header["format"] == "budgetctl-cache" and len(entries) == 21  # 20 projects and streams.yaml
    assert outputs(CliRunner(), data) == expected


def check_file(cache_home: Path) -> Path:
    (path,) = sorted(cache_home.glob("ledger-*.check.json"))
    return path


def test_an_unchanged_ledger_is_recognised_by_its_bytes_not_its_timestamps(tmp_path: Path, cache_home: Path) -> None:
    data = make(tmp_path, 20, [])
    runner = CliRunner()
    assert runner.invoke(app, ["validate", "--data", str(data)]).exit_code == 0
    assert runner.invoke(app, ["validate", "--data", str(data)]).exit_code == 0  # from the last check
    target = sorted((data / "projects").rglob("*.yaml"))[3]
    before = target.stat()
    text = target.read_text()
    line = next(x for x in text.splitlines() if x.startswith("stream:"))
    changed = text.replace(line, "stream: " + "x" * (len(line) - len("stream: ")))  # same size
    assert len(changed) == len(text)
    target.write_text(changed)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same timestamps
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["code"] == "R001" and problem["file"].endswith(target.name) and problem["line"] == 2
    assert outputs(runner, data) == outputs(runner, data, "--no-cache")


def test_a_renamed_file_is_a_changed_ledger(tmp_path: Path, cache_home: Path) -> None:
    data = make(tmp_path, 20, BREAKS["unknown-stream"])
    runner = CliRunner()
    first = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"]).stdout
    (problem,) = json.loads(first)["problems"]
    broken = data.parent / problem["file"]
    broken.rename(broken.with_name("renamed-project.yaml"))
    again = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"]).stdout
    (moved,) = json.loads(again)["problems"]
    assert moved["file"].endswith("/renamed-project.yaml")
    assert again == runner.invoke(app, ["validate", "--data", str(data), "--format", "json", "--no-cache"]).stdout


def _lie(path: Path) -> None:
    """Keep the header (the right ledger key) and claim there are no problems."""
    path.write_text(path.read_text().splitlines()[0] + "\n")


def _check_wrong_problem_shape(path: Path) -> None:
    header, *lines = path.read_text().splitlines()
    path.write_text("\n".join([header, *(line.replace('"error"', '"fatal"') for line in lines)]) + "\n")


def _check_wrong_count(path: Path) -> None:
    header, *lines = path.read_text().splitlines()
    head = json.loads(header)
    head["files"] = "21"
    path.write_text("\n".join([json.dumps(head), *lines]) + "\n")


@pytest.mark.parametrize(
    "corrupt",
    [_corrupt_garbage, _corrupt_truncated, _corrupt_other_version, _check_wrong_problem_shape, _check_wrong_count],
)
def test_a_damaged_last_check_is_ignored_and_replaced(corrupt, tmp_path: Path, cache_home: Path) -> None:  # type: ignore[no-untyped-def]
    data, _, expected = _warm(tmp_path, cache_home)
    pristine = check_file(cache_home).read_bytes()
    corrupt(check_file(cache_home))
    assert outputs(CliRunner(), data) == expected
    assert check_file(cache_home).read_bytes() == pristine  # rewritten by the first full check
    assert outputs(CliRunner(), data) == expected


def test_a_symlinked_last_check_is_neither_read_nor_written_through(tmp_path: Path, cache_home: Path) -> None:
    data, _, expected = _warm(tmp_path, cache_home)
    path = check_file(cache_home)
    elsewhere = tmp_path / "elsewhere.check.json"
    elsewhere.write_bytes(path.read_bytes())
    _lie(elsewhere)  # if it were read, validate would find nothing wrong
    lie = elsewhere.read_bytes()
    path.unlink()
    path.symlink_to(elsewhere)
    assert outputs(CliRunner(), data) == expected
    assert path.is_symlink() and elsewhere.read_bytes() == lie


def test_a_symlinked_cache_file_is_neither_read_nor_written_through(tmp_path: Path, cache_home: Path) -> None:
    data, path, expected = _warm(tmp_path, cache_home)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    # Make the target lie: if it were read, its entries would hide every problem.
    header, entries = read_cache(elsewhere)
    for entry in entries:
        entry[2], entry[3] = [], []
    write_cache(elsewhere, header, entries)
    lie = elsewhere.read_bytes()
    assert outputs(CliRunner(), data) == expected
    assert path.is_symlink() and elsewhere.read_bytes() == lie


def test_an_unwritable_cache_location_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make(tmp_path, 15, BREAKS["many"])
    expected = outputs(CliRunner(), data, "--no-cache")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # budgetctl/ cannot be created under a file
    assert outputs(CliRunner(), data) == expected
    assert blocker.read_text() == "not a folder"


def test_no_cache_reads_and_writes_nothing(tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make(tmp_path, 15, [])
    runner = CliRunner()
    outputs(runner, data, "--no-cache")
    assert not cache_home.parent.exists()
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    outputs(runner, data)
    assert not cache_home.parent.exists()
    monkeypatch.delenv("BUDGETCTL_NO_CACHE")
    outputs(runner, data)
    assert len(cache_files(cache_home)) == 1


def test_the_default_cache_is_in_the_home_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make(tmp_path, 10, [])
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    outputs(CliRunner(), data)
    assert len(cache_files(tmp_path / "home" / ".cache" / "budgetctl")) == 1
    assert not any(p.name.startswith("ledger-") for p in data.rglob("*"))


@pytest.mark.parametrize("where", ["ledger", "repository"])
def test_a_cache_inside_the_ledger_or_its_repository_is_never_used(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make(tmp_path, 15, BREAKS["many"])
    (data.parent / ".git").mkdir()  # the ledger's repository: it could ship a cache
    expected = outputs(CliRunner(), data, "--no-cache")
    inside = data / ".cache" if where == "ledger" else data.parent / ".cache"
    # A cache that a repository could ship, claiming no file has a problem.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "honest"))
    outputs(CliRunner(), data)
    (honest,) = cache_files(tmp_path / "honest" / "budgetctl")
    header, entries = read_cache(honest)
    for entry in entries:
        entry[2], entry[3] = [], []
    (inside / "budgetctl").mkdir(parents=True)
    write_cache(inside / "budgetctl" / honest.name, header, entries)
    monkeypatch.setenv("XDG_CACHE_HOME", str(inside))
    before = sorted(p.name for p in (inside / "budgetctl").iterdir())
    assert outputs(CliRunner(), data) == expected
    assert sorted(p.name for p in (inside / "budgetctl").iterdir()) == before


def test_a_relative_cache_home_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make(tmp_path, 10, [])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    outputs(CliRunner(), data)
    assert not (tmp_path / "relative-cache").exists()
    assert len(cache_files(tmp_path / "home" / ".cache" / "budgetctl")) == 1


# --- progress ----------------------------------------------------------------


class _Tty:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_only_for_a_person_watching_a_long_run() -> None:
    many = progress.MIN_FILES
    assert progress.wanted(many, "text", _Tty(True))
    assert progress.wanted(many, "table", _Tty(True))
    assert not progress.wanted(many - 1, "text", _Tty(True))  # short runs
    for fmt in ("json", "csv", "github", "markdown"):
        assert not progress.wanted(many, fmt, _Tty(True))  # output a program reads
    assert not progress.wanted(many, "text", _Tty(False))  # piped
    assert not progress.wanted(many, "text", object())  # type: ignore[arg-type]  # no isatty at all


def test_no_progress_when_not_on_a_terminal(tmp_path: Path, cache_home: Path, monkeypatch) -> None:
    monkeypatch.setattr(progress, "MIN_FILES", 1)
    data = make(tmp_path, 10, [])
    result = CliRunner().invoke(app, ["validate", "--data", str(data)])
    assert result.stderr == "" and result.stdout == "no problems in 11 files\n"


def test_progress_reports_every_file(tmp_path: Path, cache_home: Path, monkeypatch) -> None:
    """The display's counter reaches the number of files, cached or not, serial or in workers."""
    seen: list[int] = []
    data = make(tmp_path, 25, BREAKS["many"])
    from budgetctl.loading.discover import read_ledger
    from budgetctl.pipeline import check_files

    files = read_ledger(data)
    check_files(files, progress=seen.append)
    assert sum(seen) == len(files.projects)
    seen.clear()
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    check_files(files, progress=seen.append)
    assert sum(seen) == len(files.projects)
