"""The editor schemas of forecasts and import mappings accept the shipped-style files and refuse typos."""

from __future__ import annotations

import json

import pytest

from budgetctl.cli import app
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.source import plain
from tests.conftest import LEDGERS

jsonschema = pytest.importorskip("jsonschema")
IN_YEAR = LEDGERS / "in-year"


def _schema(runner, target: str) -> dict:
    result = runner.invoke(app, ["schema", target])
    assert result.exit_code == 0
    return json.loads(result.stdout)


def _load(path) -> object:
    source, problems = strict_load(path.read_bytes(), str(path))
    assert source is not None and problems == []
    return plain(source.root)


def test_forecast_schema(runner) -> None:
    schema = _schema(runner, "forecast")
    value = _load(IN_YEAR / "data/forecasts/2023-24/q2.yaml")
    # Dates and money are plain text in `plain`; the editor sees YAML types, so convert the two kinds here.
    value["as_at"] = str(value["as_at"])
    for entry in value["projects"].values():
        entry["outturn"] = float(entry["outturn"])
    jsonschema.validate(value, schema)
    value["projects"]["isva-service"]["class"] = "slipage"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(value, schema)


def test_mapping_schema(runner) -> None:
    schema = _schema(runner, "mapping")
    value = _load(IN_YEAR / "data/imports/finance-ap.yaml")
    value["header_row"] = int(value["header_row"])
    jsonschema.validate(value, schema)
    value["colums"] = value.pop("columns")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(value, schema)
