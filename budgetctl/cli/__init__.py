"""The command line: thin Typer commands over the library.

Each command resolves the ledger, calls the stages, picks a renderer from a
dict keyed by ``--format`` and sets the exit code: 0 clean, 1 problems,
2 usage / no ledger / IO / git failures. A ``UserError`` from any command or
library function is shown here, in one place (``_shown``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from budgetctl import __version__
from budgetctl.cli import adjustments, check, monitoring, publishing, workflow
from budgetctl.cli.options import show_failure
from budgetctl.diagnostics import UserError

app = typer.Typer(
    name="budgetctl",
    help="A command-line ledger over plain-text budget files kept in git.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish and PowerShell
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"budgetctl {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="DIR",
            help="Ledger folder for the command (its own --data wins), e.g. budgetctl --data finance/data validate.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """A command-line ledger over plain-text budget files kept in git.

    Streams are in data/streams.yaml, one file per project in data/projects/.
    Start with `budgetctl validate` and `budgetctl summary --year 2023/24`.
    """
    if data is not None:
        # `budgetctl --data DIR validate`: the command's --data defaults to DIR.
        ctx.default_map = _defaults(ctx.command, {"data": data})


def _defaults(group: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Click defaults for every command under ``group`` that has those options."""
    found: dict[str, Any] = {}
    for name, command in getattr(group, "commands", {}).items():
        if hasattr(command, "commands"):
            found[name] = _defaults(command, values)
        else:
            names = {param.name for param in command.params}
            found[name] = {key: value for key, value in values.items() if key in names}
    return found


def _short_help(function: Any) -> str:
    """The docstring's first paragraph on one line: --help lists it whole, not cut at 45 characters."""
    first = (function.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(first.split())


# Every command, once, in the order --help lists them. Command modules import only options.
COMMANDS = (
    ("validate", check.validate),
    ("summary", check.summary),
    ("adjustments", adjustments.adjustments_command),
    ("commitments", adjustments.commitments_command),
    ("rules", check.rules),
    ("explain", check.explain),
    ("monitor", monitoring.monitor),
    ("trace", monitoring.trace_command),
    ("report", publishing.report),
    ("export", publishing.export),
    ("projects", publishing.projects),
    ("show", publishing.show),
    ("init", publishing.init),
    ("diff", workflow.diff_command),
    ("owners", workflow.owners_command),
    ("fmt", workflow.fmt_command),
    ("schema", workflow.schema_command),
)
GROUPS = (("new", workflow.new_app), ("import", monitoring.import_app))


def _shown(command: Callable[..., Any]) -> Callable[..., Any]:
    """The command, with any ``UserError`` it raises shown as one red line and its exit code."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UserError as error:
            show_failure(error)

    return run


def _copyable_examples(doc: str | None) -> str | None:
    """The help text with its ``Example:`` paragraph kept on one line (Click's ``\\b``),
    so a command copied from --help is never split at a space or a hyphen."""
    if not doc:
        return doc
    text = inspect.cleandoc(doc)
    return text.replace("\n\nExample:", "\n\n\b\nExample:")


for _name, _command in COMMANDS:
    app.command(_name, short_help=_short_help(_command), help=_copyable_examples(_command.__doc__))(_shown(_command))
workflow.new_app.command("adjustment")(adjustments.new_adjustment_command)  # wrapped with the group below
for _name, _group in GROUPS:
    for _info in _group.registered_commands:
        _info.help = _copyable_examples(_info.help or (_info.callback.__doc__ if _info.callback else None))
        if _info.callback is not None:
            _info.callback = _shown(_info.callback)
    app.add_typer(_group, name=_name, short_help=_group.info.help)


def app_for(args: list[str]) -> typer.Typer:
    """The app for the command line ``args``: with only the command it names registered, when
    it names one (Click then builds that command's options alone, not every command's), else
    the whole app (``budgetctl --help``, a mistyped command, shell completion)."""
    import copy
    import os

    if any(name.startswith("_BUDGETCTL_COMPLETE") for name in os.environ):
        return app
    rest = list(args)
    while rest[:1] == ["--data"] and len(rest) > 1:  # the main options that take a value
        del rest[:2]
    while rest and rest[0].startswith("--data="):
        del rest[0]
    named = rest[0] if rest else ""
    commands = [info for info in app.registered_commands if info.name == named]
    groups = [info for info in app.registered_groups if info.name == named]
    if not commands and not groups:
        return app
    pruned = copy.copy(app)
    pruned.registered_commands = commands
    pruned.registered_groups = groups
    return pruned
