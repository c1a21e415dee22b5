"""The run of ``budgetctl fmt``: format the files, write or report each, and the closing line.

Without typer, so that ``fmt --check`` over the ledger (the pre-commit hook's command) can run
from ``budgetctl.__main__`` without loading the command-line framework; the Typer command
(``cli.workflow.fmt_command``) runs the same function. Messages go to standard error one
line each, as ``typer.echo`` writes them (every path in them is ``printable``: no terminal
escape for it to take out).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from budgetctl.diagnostics import Diagnostic, printable

if TYPE_CHECKING:
    from budgetctl.edit.canonical import CanonicalSet
    from budgetctl.edit.fmt import Target
    from budgetctl.loading.statindex import StatIndex


def to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def ledger_run(root: Path, *, check: bool, diff: bool, echo: Callable[[str], None] = to_stderr) -> int:
    """Format every file of the ledger at ``root`` (``discover.find_root``): the exit code."""
    from budgetctl.edit.canonical import CanonicalSet
    from budgetctl.edit.fmt import ledger_targets
    from budgetctl.loading import cache as file_cache

    index = canonical = None
    cache = None if file_cache.disabled_by_env() else file_cache.FileCache.open(root)
    if cache is not None:
        # Files the stat index vouches for are not read; those fmt found canonical before are not formatted.
        index, canonical = cache.stat_index(), CanonicalSet.beside(cache)
    targets, problems = ledger_targets(root, index)
    return run(targets, problems, check=check, diff=diff, index=index, canonical=canonical, echo=echo)


def run(
    targets: list[Target],
    problems: list[Diagnostic],
    *,
    check: bool,
    diff: bool,
    index: StatIndex | None = None,
    canonical: CanonicalSet | None = None,
    echo: Callable[[str], None] = to_stderr,
) -> int:
    """Format ``targets`` (writing those that change unless ``check`` or ``diff``), after listing
    the discovery ``problems``: the exit code (0, 1, or 2 when a write failed)."""
    from budgetctl.edit.fmt import format_targets, unified_diff, valid_as_written
    from budgetctl.render.problems import to_stderr as problems_to_stderr

    for problem in problems:
        problems_to_stderr([problem])
    changed = refused = failed = left = 0
    outcomes = format_targets(targets, write=not (check or diff), canonical=canonical, verdict_only=check and not diff)
    for outcome in outcomes:
        target, result = outcome.target, outcome.result
        if result is not None and result.output is None:
            refused += 1
            # A valid file whose layout fmt cannot rewrite is left as written: it must not
            # fail `fmt --check` (the pre-commit hook), since fmt could never then fix it.
            unfixable = all(p.code in ("F001", "F002") for p in result.problems)
            if check and unfixable and valid_as_written(target.data, target.shown):
                left += 1
                for problem in result.problems:
                    echo(
                        f"{printable(problem.file)}:{problem.line}:{problem.column}: left as written: "
                        f"{printable(problem.message)}"
                    )
                continue
            for problem in result.problems:
                problems_to_stderr([problem])
            continue
        if not outcome.changed:
            continue
        changed += 1
        if diff and result is not None and result.output is not None:
            sys.stdout.writelines(unified_diff(target, result.output))
        if check or diff:
            echo(f"would reformat {printable(target.shown)}")
        elif outcome.write_error is not None:
            failed += 1
            echo(f"budgetctl: {printable(outcome.write_error)}")
        else:
            echo(f"reformatted {printable(target.shown)}")
    if canonical is not None and index is not None:
        canonical.save()
        index.save()
    summary = summary_line(len(targets) - refused, changed, refused - left + len(problems), check or diff, failed)
    if left:
        summary += f", {left} file{'s' if left != 1 else ''} left as written"
    echo(summary)
    if failed:
        return 2
    return 1 if (refused - left) or problems or (check and changed) else 0


def summary_line(formatted: int, changed: int, refused: int, dry: bool, failed: int = 0) -> str:
    """``1 file reformatted, 34 files already formatted``: "reformatted" counts only files written."""

    def files(n: int) -> str:
        return f"{n} file{'s' if n != 1 else ''}"

    parts = []
    if changed - failed:
        parts.append(f"{files(changed - failed)} {'would be reformatted' if dry else 'reformatted'}")
    parts.append(f"{files(formatted - changed)} already formatted")
    if failed:
        parts.append(f"{files(failed)} not written (see above)")
    if refused:
        parts.append(f"{files(refused)} refused (nothing written)")
    return ", ".join(parts)
