"""Commands: changing an approved budget: the register of adjustments, and writing a new one."""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Annotated

import typer

from budgetctl.cli.options import (
    DataOption,
    TableFormat,
    YearOption,
    budget_year,
    checked_year,
    fail,
    problems_to_stderr,
    reliable_ledger,
    trailing_problems,
)


def adjustments_command(
    year: YearOption = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="table, csv, json or markdown.")] = (
        TableFormat.table
    ),
    data: DataOption = None,
) -> None:
    """The register of a year's adjustments, as a board receives it.

    Each record in order of date then file name: type, streams, amount (signed by
    its effect), approver, approval date, decision, the running total its
    delegation tier is chosen by, the tier it needs and its problems; then the
    total per stream and type against its delegation tier. CSV has the records
    only; JSON has both. Default year: the latest with a budget.

    Example: budgetctl adjustments --year 2023/24 --format markdown
    """
    from budgetctl.loading.warm import current_listed
    from budgetctl.pipeline import plan_of_last_check
    from budgetctl.render.tables import RENDERERS
    from budgetctl.reports.adjustments import register

    chosen = checked_year(year)
    # The register reads streams.yaml and the adjustments: from the last whole check, when it
    # stands for them, no project is loaded.
    warm = plan_of_last_check(data, current_listed(data))
    if warm is not None and warm[0].ledger is not None:
        ledger, checked = warm[0].ledger, warm[0]
    else:
        ledger, checked = reliable_ledger(data, "adjustments", output=format.value)
    found = register(ledger, budget_year(ledger, chosen), checked.problems)
    render = RENDERERS[format.value]
    render(found.records)
    if format in (TableFormat.table, TableFormat.markdown):
        if format is TableFormat.markdown:
            print()
        render(found.totals)
    trailing_problems(checked)


def commitments_command(
    year: YearOption = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="table, csv, json or markdown.")] = (
        TableFormat.table
    ),
    data: DataOption = None,
) -> None:
    """What signed agreements already promise, per year and stream, against the budget.

    One row per year and stream with a budget: the approved budget (and whether it
    is indicative), the revised budget, allocated, committed by projects' signed
    agreements, uncommitted (revised - committed) and the agreements whose last
    committed year it is. Default: every year with a budget.

    Example: budgetctl commitments --year 2024/25
    """
    from budgetctl.render.tables import RENDERERS
    from budgetctl.reports.commitments import commitments

    chosen = checked_year(year)
    ledger, checked = reliable_ledger(data, "commitments", output=format.value)
    years = [budget_year(ledger, chosen)] if chosen else ledger.budget_years()
    RENDERERS[format.value](commitments(ledger, years))
    trailing_problems(checked)


class AdjustmentType(StrEnum):
    virement = "virement"
    grant_variation = "grant-variation"
    carry_forward = "carry-forward"
    reserve_drawdown = "reserve-drawdown"


class Change(StrEnum):
    increase = "increase"
    decrease = "decrease"


def _date(text: str | None, option: str) -> datetime.date | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text) if len(text) == 10 else _bad(option, text)
    except ValueError:
        return _bad(option, text)


def _bad(option: str, text: str) -> datetime.date:
    fail(f"{option} {text!r}: write a date as YYYY-MM-DD, e.g. 2023-11-02")


def _side(text: str | None) -> tuple[str | None, str | None]:
    """``stream`` or ``stream:source``."""
    if text is None:
        return None, None
    stream, _, source = text.partition(":")
    return stream, source or None


def new_adjustment_command(
    kind: Annotated[
        AdjustmentType,
        typer.Argument(metavar="TYPE", help="virement, grant-variation, carry-forward or reserve-drawdown."),
    ],
    adjustment_id: Annotated[str, typer.Argument(metavar="ID", help="The adjustment id, also its file name.")],
    amount: Annotated[str, typer.Option("--amount", help="The amount, e.g. 120000.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the budget changes, in a sentence.")],
    approver: Annotated[str, typer.Option("--approver", help="Who approved it: an id from delegations.approvers.")],
    from_: Annotated[
        str | None, typer.Option("--from", metavar="STREAM[:SOURCE]", help="virement: the stream money leaves.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", metavar="STREAM[:SOURCE]", help="virement: the stream money goes to.")
    ] = None,
    stream: Annotated[str | None, typer.Option("--stream", help="The stream whose budget changes.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="The source it changes (streams with sources).")
    ] = None,
    change: Annotated[Change | None, typer.Option("--change", help="grant-variation: increase or decrease.")] = None,
    reserve: Annotated[str | None, typer.Option("--reserve", help="reserve-drawdown: a reserve id.")] = None,
    consent: Annotated[
        str | None, typer.Option("--consent", help="carry-forward: the grantor's consent, where year_end asks for it.")
    ] = None,
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            "-y",
            metavar="YYYY/YY",
            help="The year it changes (default: the year of --date).",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="When it was proposed (default: today).")
    ] = None,
    approved: Annotated[
        str | None, typer.Option("--approved", metavar="YYYY-MM-DD", help="When it was approved (default: --date).")
    ] = None,
    decision: Annotated[
        str | None, typer.Option("--decision", help="The decision reference, e.g. WMPCC 052/2023.")
    ] = None,
    data: DataOption = None,
) -> None:
    """Write a new adjustment file in canonical layout, after checking the whole ledger with it.

    Prints the delegation tier the change falls in and the approver it needs
    before writing. Refused, writing nothing, when the file would bring an error:
    an approver below the tier, a missing decision reference, a virement out of
    a ring-fenced stream, a decrease below zero. A carry-forward carries from
    the year before --year. Exit 0 when written, 1 when refused, 2 for bad options.

    Example: budgetctl new adjustment virement cs-to-ip --from community-safety-fund --to intervention-and-prevention --amount 120000 --reason "Solihull underspend" --approver chief-executive --decision "WMPCC 052/2023" --date 2023-11-02
    """  # noqa: E501
    from budgetctl.edit.new_adjustment import NewAdjustment, plan, write
    from budgetctl.loading.discover import find_root
    from budgetctl.model.money import MoneyError, parse_money
    from budgetctl.model.periods import previous_year, year_of_date

    proposed = _date(date, "--date") or datetime.date.today()
    try:
        money = parse_money(amount)
    except MoneyError as exc:
        fail(f"--amount: {exc}")
    chosen = checked_year(year) or year_of_date(proposed)
    from_stream, from_source = _side(from_)
    to_stream, to_source = _side(to)
    adjustment = NewAdjustment(
        adjustment_id,
        kind.value,
        chosen,
        proposed,
        money,
        reason,
        approver,
        _date(approved, "--approved") or proposed,
        decision=decision,
        from_stream=from_stream,
        from_source=from_source,
        to_stream=to_stream,
        to_source=to_source,
        stream=stream,
        change=change.value if change else None,
        source=source,
        from_year=previous_year(chosen) if kind is AdjustmentType.carry_forward else None,
        reserve=reserve,
        consent=consent,
    )
    planned = plan(find_root(data), adjustment)  # a UserError (no ledger, bad options, exists: 1) is shown by cli
    if planned.needs:
        typer.echo(f"needs {planned.needs}", err=True)
    problems_to_stderr(planned.problems)
    if planned.refused:
        fail(f"not written: {planned.shown} would bring the error(s) above into the ledger", code=1)
    try:
        write(planned)
    except OSError as exc:  # WriteRefused is a UserError, shown by cli
        fail(str(exc))
    typer.echo(f"created {planned.shown}")
