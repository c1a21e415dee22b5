"""The one reader of plain command lines: ``budgetctl [--data DIR] COMMAND [options] [arguments]``
read without Typer (whose import alone costs some 50 ms), for the commands the entry point
answers itself (a warm ``validate`` or ``summary``, ``show``, ``owners``, ``report``).

It reads only lines that Click reads the same way, and refuses (None) everything else: an option
it was not told of, a short option with ``=`` or its value attached (``-fjson``), an option given
twice (unless repeatable), a missing or empty value, a value that starts with ``-``, ``--``,
``--help``, the wrong number of arguments. A refused line goes to Typer, which parses it and says
what it always says. Standard library only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

MAIN_DATA = "main_data"  # where the main --data (before the command) comes back: the default of the command's own


# The options by destination, each value in the order given ("yes" for a flag), and the arguments.
# A plain tuple: a NamedTuple class costs more to make than this whole module.
Line = tuple[dict[str, list[str]], list[str]]


def read(
    args: list[str],
    command: str,
    *,
    valued: Mapping[str, str] = {},
    flags: Mapping[str, str] = {},
    repeatable: Collection[str] = (),
    positionals: int = 0,
) -> Line | None:
    """The options and arguments of ``budgetctl [--data DIR] <command> ...`` when it uses only the
    ``valued`` options (name -> destination; each takes a value) and ``flags`` (name -> destination),
    each destination at most once unless in ``repeatable``, and exactly ``positionals`` arguments;
    None for anything else."""
    rest = list(args)
    options: dict[str, list[str]] = {}
    if rest[:1] == ["--data"] and len(rest) > 2:
        options[MAIN_DATA] = [rest[1]]
        del rest[:2]
    if rest[:1] != [command]:
        return None
    del rest[0]
    arguments: list[str] = []
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("-"):
            arguments.append(arg)
            continue
        name, equals, value = arg.partition("=")
        if name in flags and not equals:
            key, value = flags[name], "yes"
        elif name in valued and not (equals and not name.startswith("--")):
            if not equals:
                if not rest:
                    return None
                value = rest.pop(0)
            key = valued[name]
        else:
            return None
        if key in options and key not in repeatable:
            return None
        options.setdefault(key, []).append(value)
    if len(arguments) != positionals:
        return None
    if any(not value or value.startswith("-") for values in options.values() for value in values):
        return None
    return options, arguments
