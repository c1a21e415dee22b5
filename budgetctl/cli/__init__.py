"""The command line: thin Typer commands over the library.

Each command resolves the ledger, calls the stages, picks a renderer from a
dict keyed by ``--format`` and sets the exit code: 0 clean, 1 problems,
2 usage / no ledger / IO / git failures.
"""

from __future__ import annotations

from typing import Annotated

import typer

from budgetctl import __version__
from budgetctl.cli import adjustments, check, monitoring, publishing, workflow

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

for _name, _command in COMMANDS:
    app.command(_name)(_command)
workflow.new_app.command("adjustment")(adjustments.new_adjustment_command)
for _name, _group in GROUPS:
    app.add_typer(_group, name=_name)
