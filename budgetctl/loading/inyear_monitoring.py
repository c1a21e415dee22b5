"""The monitoring files of the year: actuals (``actuals/YYYY-YY/*.csv``) and forecasts
(``forecasts/YYYY-YY/qN.yaml``), read into the ledger with their problems.

Discovery already refused misplaced files (Y018), so each file here sits in a
valid year folder under a valid name. Rules across files (the project exists,
references are unique, forecasts against actuals) run later, in ``rules``.

A forecast file's check is kept in the cache of checked files, keyed by its
content like a project file's. So is an actuals file's: its problems, and the
figures of its good rows as columns (``model.actuals.ActualColumns``), which is
all the reports add up. Its row objects are then built from the file's bytes
(checked against the same content key) only when a command asks for them: a
trace, or the rules of a ledger that changed.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from budgetctl.diagnostics import Diagnostic
from budgetctl.infra.gcpause import paused_gc
from budgetctl.loading.actuals import read_actuals, read_actuals_figures
from budgetctl.loading.checks import FileCheck
from budgetctl.loading.discover import RawFile
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.actuals import ActualColumns, ActualRow, ActualsFile
from budgetctl.model.kinds import ACTUALS, FORECAST
from budgetctl.model.ledger import Ledger, QuarterForecast
from budgetctl.model.periods import folder_year
from budgetctl.model.records import Forecast

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from budgetctl.loading.cache import FileCache


def attach_in_year(
    ledger: Ledger | None, in_year: dict[str, list[RawFile]], cache: FileCache | None = None
) -> tuple[list[Diagnostic], int]:
    """Read the actuals and forecast files, add what loaded to ``ledger`` (when there is one),
    and return every problem found in them and how many files were read. ``cache`` serves
    the forecast files checked before."""
    raw_actuals, raw_forecasts = in_year.get(ACTUALS.name, []), in_year.get(FORECAST.name, [])
    with paused_gc():  # a row object per payment: see paused_gc
        actuals, problems = read_actuals_files(raw_actuals, cache)
        forecasts, found = read_forecasts(raw_forecasts, cache)
    problems += found
    if ledger is not None:
        ledger.actuals = actuals
        ledger.forecasts = forecasts
    return problems, len(raw_actuals) + len(raw_forecasts)


def read_actuals_files(
    raws: list[RawFile], cache: FileCache | None = None
) -> tuple[list[ActualsFile], list[Diagnostic]]:
    """Each actuals file's rows (or, from ``cache``, its columns: the rows are read on first use) and problems."""
    files: list[ActualsFile] = []
    problems: list[Diagnostic] = []
    for raw in raws:
        year = folder_year(raw.path)
        recalled = _recall(cache, raw, year)
        if recalled is not None:
            problems += recalled[0]
            files.append(ActualsFile(raw.path, year, columns=recalled[1], read=partial(_rows, raw, year)))
            continue
        rows, columns, found = read_actuals_figures(raw.data, raw.path, year)
        problems += found
        if rows is None:
            files.append(ActualsFile(raw.path, year, columns=columns, read=partial(_rows, raw, year)))
        else:
            files.append(ActualsFile(raw.path, year, tuple(rows), columns=columns))
        if cache is not None and cache.enabled:
            from budgetctl.loading.codec import Malformed, encode_actuals

            try:
                cache.put(raw.path, raw.digest, encode_actuals(found, columns, raw.path))
            except Malformed:
                cache.disable()
    return files, problems


def _rows(raw: RawFile, year: str, projects: AbstractSet[str] | None = None) -> tuple[ActualRow, ...]:
    """The file's rows (naming one of ``projects``, when given), read from its bytes (which must
    still hash to the key its columns came by)."""
    with paused_gc():
        return tuple(read_actuals(raw.data, raw.path, year, projects)[0])


def _recall(cache: FileCache | None, raw: RawFile, year: str) -> tuple[list[Diagnostic], ActualColumns] | None:
    """The file's problems and columns as the cache holds them for its content, or None."""
    if cache is None or not cache.enabled:
        return None
    from budgetctl.loading.codec import Malformed, decode_actuals

    try:
        entry = cache.get(raw.path, raw.digest)
        return None if entry is None else decode_actuals(entry, raw.path, year)
    except Malformed:
        cache.drop()  # one bad entry and none is trusted
        return None


def read_forecasts(
    raws: list[RawFile], cache: FileCache | None = None
) -> tuple[list[QuarterForecast], list[Diagnostic]]:
    """Each forecast file's record, or its problems (from ``cache`` when its bytes were checked before)."""
    from budgetctl.loading.build import LazySource
    from budgetctl.loading.cache import recall, remember

    forecasts: list[QuarterForecast] = []
    problems: list[Diagnostic] = []
    found, keys = recall(cache, raws, Forecast)
    for index, raw in enumerate(raws):
        checked = found[index]
        if checked is None:
            checked = check_forecast(raw)
            if cache is not None and keys:
                remember(cache, raw.path, keys[index], checked)
        problems += checked.load_problems
        problems += checked.schema_problems or []
        if checked.project is not None:
            quarter = int(raw.path.rsplit("/", 1)[-1][1])
            # Positions are parsed again from the bytes only if a problem or a trace needs one.
            source = LazySource(raw.path, raw)
            forecasts.append(QuarterForecast(raw.path, folder_year(raw.path), quarter, source, checked.project))
    return forecasts, problems


def check_forecast(raw: RawFile) -> FileCheck:
    """Load one forecast file and validate it as a ``Forecast``: a valid one is built without
    pydantic (``accept.builder`` gives exactly the validator's record, or None when unsure), as
    streams.yaml is (``checks.check_streams``), so a ledger of valid files never imports it.
    Anything else is validated, with the same problems."""
    from budgetctl.loading.accept import builder

    source, load_problems = strict_load(raw.data, raw.path)
    if source is None:
        return FileCheck(load_problems, None, None)
    accepted = builder(Forecast)(source.root)
    if accepted is not None:
        return FileCheck(load_problems, [], accepted)
    from budgetctl.loading.schema import validate  # the validator: only when a file must be checked

    record, schema_problems = validate(Forecast, source)
    return FileCheck(load_problems, schema_problems, record)
