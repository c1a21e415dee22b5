"""The command line: thin Typer commands over the library.

Each command resolves the ledger, calls the stages, picks a renderer from a
dict keyed by ``--format`` and sets the exit code: 0 clean, 1 problems,
2 usage / no ledger / IO / git failures. A ``UserError`` from any command or
library function is shown here, in one place (``_shown``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
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
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"budgetctl {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A command-line ledger over plain-text budget files kept in git.

    Streams are in data/streams.yaml, one file per project in data/projects/.
    Start with `budgetctl validate` and `budgetctl summary --year 2023/24`.
    """


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


for _name, _command in COMMANDS:
    app.command(_name)(_shown(_command))
workflow.new_app.command("adjustment")(adjustments.new_adjustment_command)  # wrapped with the group below
for _name, _group in GROUPS:
    for _info in _group.registered_commands:
        if _info.callback is not None:
            _info.callback = _shown(_info.callback)
    app.add_typer(_group, name=_name)
