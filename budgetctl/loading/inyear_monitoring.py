"""The monitoring files of the year: actuals (``actuals/YYYY-YY/*.csv``) and forecasts
(``forecasts/YYYY-YY/qN.yaml``), read into the ledger with their problems.

Discovery already refused misplaced files (Y018), so each file here sits in a
valid year folder under a valid name. Rules across files (the project exists,
references are unique, forecasts against actuals) run later, in ``rules``.
"""

from __future__ import annotations

from budgetctl.diagnostics import Diagnostic
from budgetctl.loading.actuals import read_actuals
from budgetctl.loading.discover import RawFile
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.actuals import ActualsFile
from budgetctl.model.kinds import ACTUALS, FORECAST
from budgetctl.model.ledger import Ledger, QuarterForecast
from budgetctl.model.periods import folder_year
from budgetctl.model.records import Forecast


def attach_in_year(ledger: Ledger | None, in_year: dict[str, list[RawFile]]) -> tuple[list[Diagnostic], int]:
    """Read the actuals and forecast files, add what loaded to ``ledger`` (when there is one),
    and return every problem found in them and how many files were read."""
    raw_actuals, raw_forecasts = in_year.get(ACTUALS.name, []), in_year.get(FORECAST.name, [])
    actuals, problems = read_actuals_files(raw_actuals)
    forecasts, found = read_forecasts(raw_forecasts)
    problems += found
    if ledger is not None:
        ledger.actuals = actuals
        ledger.forecasts = forecasts
    return problems, len(raw_actuals) + len(raw_forecasts)


def read_actuals_files(raws: list[RawFile]) -> tuple[list[ActualsFile], list[Diagnostic]]:
    files: list[ActualsFile] = []
    problems: list[Diagnostic] = []
    for raw in raws:
        year = folder_year(raw.path)
        rows, found = read_actuals(raw.data, raw.path, year)
        problems += found
        files.append(ActualsFile(raw.path, year, tuple(rows)))
    return files, problems


def read_forecasts(raws: list[RawFile]) -> tuple[list[QuarterForecast], list[Diagnostic]]:
    forecasts: list[QuarterForecast] = []
    problems: list[Diagnostic] = []
    for raw in raws:
        from budgetctl.loading.schema import validate  # the validator: only when there is a forecast

        source, found = strict_load(raw.data, raw.path)
        problems += found
        if source is None:
            continue
        record, found = validate(Forecast, source)
        problems += found
        if record is not None:
            quarter = int(raw.path.rsplit("/", 1)[-1][1])
            forecasts.append(QuarterForecast(raw.path, folder_year(raw.path), quarter, source, record))
    return forecasts, problems
