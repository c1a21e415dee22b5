"""Entry point: ``budgetctl`` and ``python -m budgetctl``."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing itself is not imported: the warm validate starts without it
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TextIO


class _Stdout:
    """Standard output that remembers a failed write (a closed pipe, a full disk), so the run
    ends with one line and exit 2 whoever caught the error (click exits 1 on a closed pipe)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.failed: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            self.failed = self.failed or exc
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self.failed = self.failed or exc
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class Answered(SystemExit):
    """Exit after a ``validate`` answered from its stamp (``_no_problems``: exit 0) or from the
    check of the files changed since (``pipeline.check_listed``: 0 or 1), a warm ``summary``
    from its kept values (0), or a command ``quick`` answered: nothing was opened, started or
    registered that the interpreter's teardown would close or run, or ``run`` sees it."""


# Set by ``run``: a warm answer then ends the process, so a fast path that turned the cycle
# collector off leaves it off (``_summary``); for another caller of ``main`` it is on again.
_ENDS_ON_ANSWER = False


def run() -> None:
    """The installed ``budgetctl`` command and ``python -m budgetctl``: ``main``, and when it
    ended with a warm answer, every line written (``main`` flushed standard output, and standard
    error is flushed here) and nothing left for the teardown but freeing memory, the process
    ends without that teardown, which frees every object and module one by one (a fifteenth of
    a warm validate's CPU time)."""
    global _ENDS_ON_ANSWER
    _ENDS_ON_ANSWER = True
    try:
        main()
    except Answered as answered:
        code = answered.code if type(answered.code) is int else 0
        try:
            sys.stderr.flush()
        except (AttributeError, OSError):
            raise SystemExit(code) from None  # the interpreter's own end says what it says then
        if not _only_memory_to_free():
            raise
        os._exit(code)


def _only_memory_to_free() -> bool:
    """Whether the interpreter's teardown would do nothing but free memory: no exit handler is
    registered, no other thread runs, no tracer or profiler (coverage, cProfile) waits to write
    what it found."""
    import atexit

    threading = sys.modules.get("threading")
    return (
        getattr(atexit, "_ncallbacks", lambda: 1)() == 0
        and (threading is None or threading.active_count() == 1)
        and sys.gettrace() is None
        and sys.getprofile() is None
    )


def main() -> None:
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        if sys.stderr is not None:
            print("budgetctl: standard output is closed; nothing can be printed", file=sys.stderr)
        raise SystemExit(2)
    # `--version` answers before typer, pydantic or rich are imported.
    if sys.argv[1:] == ["--version"]:
        from budgetctl import __version__

        print(f"budgetctl {__version__}")
        return
    # No third-party pydantic plugin runs inside budgetctl (nothing loads from outside
    # the code base), and skipping the entry-point scan saves start-up time.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    stdout = _Stdout(sys.stdout)
    sys.stdout = stdout
    # (contextlib.suppress is not used here: importing contextlib costs a fiftieth of a warm run.)
    try:
        _run()
    finally:
        if stdout.failed is None:
            try:
                stdout.flush()
            except OSError:
                pass
        if stdout.failed is not None:
            # Nothing more can reach standard output; nor should Python's own flush at exit try.
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
            except OSError:
                pass
            reason = stdout.failed.strerror or type(stdout.failed).__name__
            print(f"budgetctl: cannot write to standard output: {reason}", file=sys.stderr)
            raise SystemExit(2)  # the exit code of an output failure, whatever else happened


# validate's options that _plain_validate reads: the flags, and those that take a value.
_FLAGS = {"--strict": "strict", "--no-cache": "no_cache"}
_VALUED = {"--data": "data", "--format": "format", "-f": "format"}


def _plain_validate(args: list[str]) -> dict[str, Any] | None:
    """The options of a ``validate`` command line that uses only ``--data``, ``--format``,
    ``--strict`` and ``--no-cache``, each at most once, in forms Click reads the same way
    (``budgetctl [--data DIR] validate [options]``); None for anything else, which Typer parses."""
    given = _plain_options(args, "validate", _FLAGS, _VALUED)
    if given is None or given.get("format", "text") not in ("text", "json", "github"):
        return None
    return given


def _plain_options(
    args: list[str], command: str, flags: dict[str, str], valued: dict[str, str]
) -> dict[str, Any] | None:
    """The options of a ``budgetctl [--data DIR] COMMAND [options]`` line that uses only ``flags``
    and ``valued`` options (name -> key), each key at most once, as ``plainargs.read`` reads it
    (the main --data as ``main_data``, a flag as ``"yes"``); None for anything else."""
    from budgetctl.infra import plainargs

    line = plainargs.read(args, command, flags=flags, valued=valued)
    return None if line is None else {key: values[0] for key, values in line[0].items()}


def _data(plain: dict[str, Any]) -> Path | None:
    """The command's --data, else the main one (its default), as Typer gives it."""
    from pathlib import Path

    data = plain.get("data", plain.get("main_data"))
    return None if data is None else Path(data)


def _validate(plain: dict[str, Any]) -> None:
    """``validate`` as the command in ``cli.check`` runs it, without typer or click; when the
    ledger's content is exactly that of its last whole check, without the pipeline, the models
    or the rules either. A user error (no ledger) is left for Typer to show: nothing is printed
    before the check is done."""
    chosen = plain.get("format") or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    listed = None
    frozen = False
    if "no_cache" not in plain:  # unchanged since a check that found no problem: no discovery either
        import gc

        from budgetctl.loading.warm import attempt

        # No cycle is made until the check, if one follows: the collector would only walk the
        # listing's tuples and the modules again (a thirtieth of a warm run).
        collecting = gc.isenabled()
        gc.disable()
        try:
            # The option as given (pathlib is not imported for it: a tenth of a warm run).
            listed = attempt(plain.get("data", plain.get("main_data")), os.getcwd())
            if isinstance(listed, int):  # returns only when the text would be in colour (Rich prints it)
                _no_problems(chosen, listed)
        finally:
            # The listing was made with the collector off, so its tuples are all young: each
            # collection of the check of changes would walk them again (a tenth of that check at
            # 10,000 files). Set aside while it runs, then old (as if collected, but not walked).
            frozen = listed is not None and not isinstance(listed, int) and gc.get_freeze_count() == 0
            if frozen:
                gc.freeze()
            if collecting:
                gc.enable()
    from budgetctl.diagnostics import UserError, count_errors

    data = _data(plain)

    changes = None
    if listed is not None and not isinstance(listed, int):  # the files changed since the stamp's check
        from budgetctl.pipeline import check_listed

        try:
            changes = check_listed(listed)
        finally:
            if frozen:
                gc.unfreeze()
    source: Any = None
    if changes is not None:
        problems, file_count, source = changes.problems, changes.file_count, changes.source_line
    else:
        whole = _validate_whole(plain, data, chosen, listed)
        if whole is None:
            return
        problems, file_count, source = whole
    from budgetctl.render import problems as render

    failed = count_errors(problems, strict="strict" in plain) > 0
    try:
        if chosen == "json":
            render.render_json(problems, not failed, file_count)
        elif chosen == "github":
            render.render_github(problems, file_count)
        else:  # every line is made before the first is printed (a file changed since: FileChanged)
            render.render_text(problems, file_count, source or (lambda path, line: None))
    except UserError:
        return
    # After a check of changes too, the teardown would only free what it made (at 50,000 files
    # about as much CPU time as that check): ``run`` ends the process when nothing else is left.
    raise (Answered if changes is not None else SystemExit)(1 if failed else 0)


def _validate_whole(
    plain: dict[str, Any], data: Path | None, chosen: str, listed: Any
) -> tuple[list[Any], int, Any] | None:
    """``_validate``'s check after discovery: the problems, the file count and the source lines;
    None for a user error (no ledger ...), which Typer shows."""
    from budgetctl.diagnostics import UserError
    from budgetctl.loading.cache import ledger_key, read_through_index
    from budgetctl.loading.warm import Kept, keep

    try:  # the listing's entries by path are not held past discovery (the check would hold them)
        taken = None if listed is None or isinstance(listed, int) else listed.taken
        files, cached, index = read_through_index(data, cache="no_cache" not in plain, taken=taken, lean=True)
        del taken
    except UserError:
        return None
    key = ledger_key(files) if cached is not None else None
    last = cached.last_check(key) if cached is not None and key is not None else None
    if last is not None:
        assert index is not None
        index.save()
        problems, file_count, _ = last
        source = None
        if chosen == "text" and problems:
            from budgetctl.pipeline import Checked  # the source line under each problem

            source = Checked(None, *last, files=files).source_line
    else:
        from budgetctl.pipeline import check_read
        from budgetctl.render import progress

        try:
            checked = check_read(
                files, cached, index, progress=lambda total: progress.maybe(total, chosen), ledger_needed=False, key=key
            )
        except UserError:
            return None
        problems, file_count, source = checked.problems, checked.file_count, checked.source_line
    if not isinstance(listed, int) and key is not None:  # else the kept stamp still holds, or no cache
        keep(listed, cached, index, len(problems), Kept(file_count, key, files.has_in_year()), files)
    return problems, file_count, source


def _no_problems(chosen: str, file_count: int) -> None:
    """What ``render.problems`` prints for a check that found no problem in ``file_count`` files
    (tests hold the two to the same bytes), then exit 0; returns when the text would be in colour."""
    counts = f"no problems in {file_count} file{'s' if file_count != 1 else ''}"
    if chosen == "json":
        import json

        print(json.dumps({"ok": True, "problems": [], "errors": 0, "warnings": 0, "files": file_count}, indent=2))
    elif chosen == "github":
        print(counts, file=sys.stderr)
    else:
        from budgetctl.render.console import colour_wanted

        if colour_wanted(sys.stdout):
            return
        print(counts)
    raise Answered(0)


# summary's options that _summary serves (to standard output; -o goes through Typer).
_SUMMARY_VALUED = {"--data": "data", "--year": "year", "-y": "year", "--by": "by", "--format": "format", "-f": "format"}


def _summary(plain: dict[str, Any]) -> None:
    """``summary`` by stream or funding as the command in ``cli.check`` prints it, without typer
    or click, when the cache holds the facts of the ledger's last whole check
    (``reports.summary.warm_table``); otherwise it returns having printed nothing, and Typer runs the
    command (which says what is wrong with an option, a year or the ledger)."""
    import gc

    # The listing, the kept values and the table make no cycle: the collector would only walk
    # them (the listing's tuple a file) and the modules again, a fortieth of a warm summary. It
    # is on again when Typer runs the command; a summary printed here ends the process (``run``:
    # turned on, the collector's first pass would walk every object the run made).
    collecting = gc.isenabled()
    gc.disable()
    printed = False
    try:
        printed = _summary_printed(plain)
    finally:
        if collecting and not (printed and _ENDS_ON_ANSWER):
            gc.enable()
    if printed:
        raise Answered(0)  # nothing opened, started or registered: no teardown needed (``run``)


def _summary_printed(plain: dict[str, Any]) -> bool:
    """``_summary``'s work: whether it printed the summary (else nothing is printed)."""
    from budgetctl.model.periods import YearError, parse_year, years_between

    by, chosen = plain.get("by", "stream"), plain.get("format", "table")
    if by not in ("stream", "funding") or chosen not in ("table", "csv", "json", "markdown"):
        return False
    year, years = plain.get("year"), None
    try:
        if year is not None and ".." in year:
            first, _, last = year.partition("..")
            years = years_between(parse_year(first), parse_year(last))
            if years is None or by != "stream":
                return False
        elif year is not None:
            year = parse_year(year)
    except YearError:
        return False
    from budgetctl.reports.summary import warm_table

    try:  # the option as given: pathlib is not imported for it
        found = warm_table(plain.get("data", plain.get("main_data")), year, years, by)
    except Exception as exc:  # no ledger: Typer says so (diagnostics is imported only then)
        from budgetctl.diagnostics import UserError

        if isinstance(exc, UserError):
            return False
        raise
    if found is None:
        return False
    problems, file_count, table = found
    from budgetctl.render.tables import RENDERERS

    RENDERERS[chosen](table)
    _trailing(problems, file_count)
    return True


def _trailing(problems: list[Any], file_count: int) -> None:
    """The problems after a report, as the Typer command lists them (cli.options.trailing_problems);
    their writer is not imported when there are none."""
    if problems:
        from budgetctl.render.problems import trailing

        trailing(problems, file_count)


# monitor's options that _monitor serves (to standard output; -o, --trace and html go through Typer).
_MONITOR_VALUED = {**_SUMMARY_VALUED, "--as-at": "as_at"}


def _monitor(plain: dict[str, Any]) -> None:
    """``monitor`` by stream as the command in ``cli.monitoring`` prints it, without typer or
    click, when the cache holds the monitoring values of the ledger's last whole check
    (``reports.monitor.warm``), or the text of the same report (``loading.monitorviews``);
    otherwise it returns having printed nothing, and Typer runs the command (which says what is
    wrong with an option, a year or the ledger)."""
    chosen = plain.get("format", "table")
    if plain.get("by", "stream") != "stream" or chosen not in ("table", "csv", "json", "markdown"):
        return
    from budgetctl.loading import monitorviews
    from budgetctl.loading.warm import current_of, first_look

    try:
        # The option as given: neither pathlib nor the cache module is imported for a view.
        look = first_look(plain.get("data", plain.get("main_data")))
    except Exception as exc:  # no ledger: Typer says so (diagnostics is imported only then)
        from budgetctl.diagnostics import UserError

        if isinstance(exc, UserError):
            return
        raise
    # A view is kept of a ledger the stamp vouched for (no problem to list after it), for a table
    # whose width is known without Rich (not a terminal's).
    viewed = isinstance(look, tuple) and not (chosen == "table" and sys.stdout.isatty())
    layout = None
    if viewed and chosen == "table":
        from budgetctl.render.console import plain_stdout, stdout_width

        layout = (stdout_width(), plain_stdout())
    year_given, as_at_given = plain.get("year"), plain.get("as_at")
    if isinstance(look, tuple) and viewed:
        view = monitorviews.view_of(chosen, year_given, as_at_given, None, layout)
        body = monitorviews.shown(look[0], look[1].key, view)
        if body is not None:
            _write_text(body)
            raise Answered(0)  # nothing registered or started: no teardown needed (``run``)
    state = current_of(_data(plain), look)
    if state is None:
        return
    import datetime

    from budgetctl.diagnostics import UserError
    from budgetctl.model.monitorfacts import Malformed
    from budgetctl.model.periods import YearError, chosen_year, parse_year
    from budgetctl.reports import monitor as reports

    try:
        year = None if year_given is None else parse_year(year_given)
    except YearError:
        return
    try:
        found = reports.warm(_data(plain), state)
        if found is None:
            return
        problems, file_count, facts = found
        today = datetime.date.today()
        year = chosen_year(facts.budget_years, year, today)
        if year is None:
            return
        kept = facts.year(year)
        when = (
            reports.parse_as_at(as_at_given, year)
            if as_at_given is not None
            else reports.as_at_default(kept.closed is not None, kept.quarters, year, today)
        )
        report = reports.from_facts(facts, year, when, explained=chosen in ("table", "markdown"))
    except (UserError, Malformed, reports.AsAtError):
        return
    if report is None:
        return
    from budgetctl.render import monitor as render

    text: str | None
    if chosen != "table":
        text = render.as_text(report, chosen)
    else:
        text = render.table_text(report, layout[0]) if layout is not None else None
        if text is None:
            render.render_table(report)
    if text is not None:
        sys.stdout.write(text)
        if viewed and not problems:
            view = monitorviews.view_of(chosen, year_given, as_at_given, today.isoformat(), layout)
            if state[1].enabled:
                monitorviews.keep((str(state[1].path), state[1].key), state[2], view, text)
    _trailing(problems, file_count)
    raise SystemExit(0)


def _write_text(body: bytes) -> None:
    """``sys.stdout.write(body.decode())`` for ``body``, UTF-8 text: its bytes as they are when
    standard output is the interpreter's own on POSIX (no line end translated) and writes
    UTF-8, so a megabyte of report is not decoded and encoded again; else as text."""
    stream = sys.stdout
    inner = sys.__stdout__
    encoding = (getattr(inner, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if not isinstance(stream, _Stdout) or stream._stream is not inner or os.name != "posix" or encoding != "utf8":
        stream.write(body.decode())
        return
    stream.flush()
    try:
        inner.buffer.write(body)
    except OSError as exc:
        stream.failed = stream.failed or exc
        raise


def _fmt_check(plain: dict[str, Any]) -> None:
    """``fmt --check`` of the whole ledger as ``cli.workflow.fmt_command`` runs it (the same
    function), without typer or click. No ledger is left for Typer to say so: nothing is
    printed before the ledger is found."""

    from budgetctl.diagnostics import UserError
    from budgetctl.loading.discover import find_root

    try:
        root = find_root(_data(plain))
    except UserError:
        return
    from budgetctl.edit.fmt_run import ledger_run

    try:
        code = ledger_run(root, check=True, diff=False)
    except UserError as error:  # a file changed while it was read: the command ends as Typer ends it
        from budgetctl.render.console import show_failure

        show_failure(str(error))
        raise SystemExit(error.exit_code) from None
    raise SystemExit(code)


def _quick() -> None:
    """``show``, ``trace``, ``owners``, ``report`` or ``diff`` answered without typer (``quick``),
    when it can be; else it returns having printed nothing, and the command runs. An answer
    leaves the cycle collector off and ends the process (``run``), as a warm summary does."""
    import gc

    from budgetctl.quick import answer

    collecting = gc.isenabled()
    try:
        answer(sys.argv[1:])
    except SystemExit as answered:
        if _ENDS_ON_ANSWER:
            raise Answered(answered.code) from None
        if collecting:
            gc.enable()
        raise


def _run() -> None:
    try:
        plain = _plain_validate(sys.argv[1:])
        if plain is not None:  # the warm path: neither typer nor click is imported
            _validate(plain)
        plain = _plain_options(sys.argv[1:], "summary", {}, _SUMMARY_VALUED)
        if plain is not None:  # the same for a warm summary
            _summary(plain)
        plain = _plain_options(sys.argv[1:], "monitor", {}, _MONITOR_VALUED)
        if plain is not None:  # the same for a warm monitor
            _monitor(plain)
        plain = _plain_options(sys.argv[1:], "fmt", {"--check": "check"}, {"--data": "data"})
        if plain is not None and "check" in plain:  # the pre-commit hook's fmt --check, without typer
            _fmt_check(plain)
        if sys.argv[1:2] in (["show"], ["trace"], ["owners"], ["report"], ["diff"], ["--data"]):
            _quick()
        from budgetctl.cli import app_for

        app_for(sys.argv[1:])()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("budgetctl: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except Exception as exc:
        if isinstance(sys.stdout, _Stdout) and sys.stdout.failed is not None:
            raise SystemExit(2) from None  # reported by main
        if os.environ.get("BUDGETCTL_DEBUG"):
            raise
        # A bug, not bad input: one line, exit 3 (1 and 2 mean problems and usage).
        print(
            f"budgetctl: internal error: {type(exc).__name__}: {exc} "
            "(set BUDGETCTL_DEBUG=1 for a traceback, and please report it)",
            file=sys.stderr,
        )
        raise SystemExit(3) from None


if __name__ == "__main__":
    run()
