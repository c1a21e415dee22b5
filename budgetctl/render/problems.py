"""Render problems: compiler-style text, JSON, or GitHub Actions annotations."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Protocol

from budgetctl.diagnostics import Diagnostic, printable, visible

MAX_EXCERPT = 120  # characters of a source line shown under a problem


class Sources(Protocol):
    def __call__(self, path: str, line: int) -> str | None: ...


def one_line(p: Diagnostic) -> str:
    """A problem on one line, ``path:line:col: CODE message`` (``warning:`` before a warning's
    message), for stderr beside a command's output."""
    label = "" if p.is_error else "warning: "
    return f"{printable(p.file)}:{p.line}:{p.column}: {p.code} {label}{printable(p.message)}"


def to_stderr(problems: Iterable[Diagnostic]) -> None:
    """One ``one_line`` per problem on stderr, beside a command's output."""
    for p in problems:
        print(one_line(p), file=sys.stderr)


def trailing(problems: Sequence[Diagnostic], file_count: int) -> None:
    """The problems that did not stop a report, listed on stderr after it with their counts."""
    if problems:
        to_stderr(problems)
        print(counts_line(problems, file_count), file=sys.stderr)


def counts_line(problems: Sequence[Diagnostic], file_count: int) -> str:
    """``2 errors, 1 warning in 3 files`` or ``no problems in 35 files``."""
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if not problems:
        return f"no problems in {file_count} file{'s' if file_count != 1 else ''}"
    files = len({p.file for p in problems})
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{', '.join(parts)} in {files} file{'s' if files != 1 else ''}"


def _excerpt(text: str, column: int) -> tuple[str, int]:
    """The source line cut to a window around ``column``, with the caret's offset."""
    text = printable(text.replace("\t", " "))
    start = 0 if column - 1 < MAX_EXCERPT else column - 1 - MAX_EXCERPT // 2
    return text[start : start + MAX_EXCERPT], column - 1 - start


Segment = tuple[str, str]  # text, Rich style


def _text_lines(problems: Sequence[Diagnostic], file_count: int, source: Sources) -> list[list[Segment]]:
    lines: list[list[Segment]] = []
    for p in problems:
        colour = "red" if p.is_error else "yellow"
        lines.append(
            [
                (f"{printable(p.file)}:{p.line}:{p.column}:", "bold"),
                (" ", ""),
                (p.code, f"bold {colour}"),
                (" " if p.is_error else " warning: ", ""),
                (printable(p.message), ""),
            ]
        )
        line = source(p.file, p.line)
        if line:
            excerpt, offset = _excerpt(line, p.column)
            gutter = f"{p.line:>5} | "
            lines.append([(gutter, "blue"), (excerpt, "")])
            lines.append([(" " * (len(gutter) - 2) + "| ", "blue"), (" " * offset + "^", colour)])
    errors = any(p.is_error for p in problems)
    style = "bold red" if errors else "bold yellow" if problems else "bold green"
    lines.append([(counts_line(problems, file_count), style)])
    return lines


def render_text(problems: Sequence[Diagnostic], file_count: int, source: Sources) -> None:
    lines = _text_lines(problems, file_count, source)
    from budgetctl.render.console import colour_wanted  # no Rich import: plain output starts fast

    if not colour_wanted(sys.stdout):
        # Plain text needs no Rich: piped output (CI logs, editors) starts faster.
        print("\n".join("".join(text for text, _ in line) for line in lines))
        return
    from rich.text import Text

    from budgetctl.render.console import stdout

    console = stdout()
    for line in lines:
        console.print(Text.assemble(*line), soft_wrap=True)


def render_json(problems: Sequence[Diagnostic], ok: bool, file_count: int) -> None:
    errors = sum(1 for p in problems if p.is_error)
    print(
        json.dumps(
            {
                "ok": ok,
                "problems": [p.as_json() for p in problems],
                "errors": errors,
                "warnings": len(problems) - errors,
                "files": file_count,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


def escape_data(text: str) -> str:
    """Workflow-command message escaping, as @actions/core does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Workflow-command property escaping: data escaping plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(p: Diagnostic) -> str:
    kind = "error" if p.is_error else "warning"
    return (
        f"::{kind} file={escape_property(visible(p.file))},line={p.line},col={p.column},"
        f"title={escape_property(p.code)}::{escape_data(visible(p.message))}"
    )


# GitHub shows at most this many error annotations, and as many warnings, per step;
# the rest of a step's workflow commands are dropped without a word.
GITHUB_ANNOTATIONS = 10


def render_github(problems: Sequence[Diagnostic], file_count: int) -> None:
    shown = {True: 0, False: 0}
    rest: list[Diagnostic] = []
    for p in problems:
        if shown[p.is_error] < GITHUB_ANNOTATIONS:
            shown[p.is_error] += 1
            print(github_line(p))
        else:
            rest.append(p)
    for p in rest:  # in the step's log, as plain lines, so none is lost
        print(one_line(p))
    if rest:
        errors = sum(1 for p in rest if p.is_error)
        more = [
            f"{n} more {word}{'s' if n != 1 else ''}"
            for n, word in ((errors, "error"), (len(rest) - errors, "warning"))
            if n
        ]
        print(
            f"::notice title=budgetctl::{escape_data(' and '.join(more))} than GitHub shows as annotations "
            f"({GITHUB_ANNOTATIONS} errors and {GITHUB_ANNOTATIONS} warnings per step): "
            "they are listed in this step's log; run budgetctl validate to see them all"
        )
    print(counts_line(problems, file_count), file=sys.stderr)
