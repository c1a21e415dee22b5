"""budgetctl schema: JSON Schema for editors, checked against the shipped ledger.

Files are read with PyYAML's safe loader here, as an editor's YAML reader would.
Its YAML 1.1 differences from the YAML 1.2 an editor uses do not occur in the
ledger (yes/no as booleans), except dates: 1.2 reads 2023-06-21 as text, as the
schema expects, so the loader here does too.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

import jsonschema
import pytest
import yaml

from budgetctl.cli import app
from budgetctl.model import records as models
from budgetctl.reports.editor_schema import DESCRIPTIONS, generate
from tests.conftest import SHIPPED

PROJECTS = sorted((SHIPPED / "projects").rglob("*.yaml"))


class _Yaml12Dates(yaml.SafeLoader):
    """PyYAML's safe loader, with dates left as text as YAML 1.2 (and the YAML language server) reads them."""


_Yaml12Dates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load(text: str) -> object:
    return yaml.load(text, Loader=_Yaml12Dates)  # a subclass of the safe loader: builds no objects


def _validator(target: str) -> jsonschema.Draft202012Validator:
    schema = generate(target)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(target: str, document: object) -> list[str]:
    return [e.message for e in _validator(target).iter_errors(document)]


def test_shipped_streams_file_matches_the_schema() -> None:
    assert _errors("streams", _load((SHIPPED / "streams.yaml").read_text())) == []


@pytest.mark.parametrize("path", PROJECTS, ids=lambda p: p.name)
def test_shipped_project_matches_the_schema(path: Path) -> None:
    assert _errors("project", _load(path.read_text())) == []


def _project(**changes: object) -> dict[str, object]:
    document = _load((SHIPPED / "projects" / "victims-services" / "isva-service.yaml").read_text())
    document.update(changes)
    return {k: v for k, v in document.items() if v is not None}


def test_a_typo_key_fails() -> None:
    document = _project()
    document["alocations"] = document.pop("allocations")
    errors = _errors("project", document)
    assert "'allocations' is a required property" in errors
    assert any("'alocations' was unexpected" in e for e in errors)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"allocations": {"2023-24": 1}}, "does not match '^[0-9]{4}/[0-9]{2}$'"),
        ({"allocations": {"2023/24": -5}}, "less than the minimum of 0"),
        ({"allocations": {"2023/24": "250000"}}, "is not of type 'number'"),
        ({"stream": "Victims Services"}, "does not match"),
        ({"priorities": "prioritising-victims"}, "is not of type 'array'"),
        ({"title": ""}, "should be non-empty"),
        ({"award_date": "1 April 2023"}, "does not match"),
    ],
)
def test_bad_values_fail(changes: dict[str, object], fragment: str) -> None:
    assert any(fragment in e for e in _errors("project", _project(**changes)))


def test_pence_pass() -> None:
    """No multipleOf 0.01: float validators would reject 1234.56 (see budgetctl.reports.editor_schema)."""
    assert _errors("project", _project(allocations={"2023/24": 1234.56, "2024/25": 0.07})) == []


def test_eligibility_names_project_fields() -> None:
    streams = _load((SHIPPED / "streams.yaml").read_text())
    streams["streams"]["helping-communities-fund"]["eligibility"]["required"].append("npuu")
    assert any("'npuu' is not one of" in e for e in _errors("streams", streams))


def test_every_key_has_a_description() -> None:
    for model in (models.StreamsFile, models.Stream, models.Eligibility, models.Project, models.Publisher):
        assert set(DESCRIPTIONS[model.__name__]) == set(models.fields_of(model)), model.__name__
    assert generate("project")["properties"]["allocations"]["description"].startswith("Required")


def test_a_record_default_is_shown_as_the_mapping_a_file_writes() -> None:
    """An editor's hover shows rag's default as a file would write it (pydantic alone drops it)."""
    monitoring = generate("streams")["$defs"]["Monitoring"]["properties"]
    assert monitoring["rag"]["default"] == {"amber": "2", "red": "5"}


def _holds_ids(annotation: object) -> bool:
    """Whether the id converter appears anywhere in a field's annotation (Id, OptId, IdList)."""
    found = [m for m in getattr(annotation, "__metadata__", ()) if getattr(m, "func", None) is models._id]
    return bool(found) or any(_holds_ids(arg) for arg in typing.get_args(annotation))


def test_the_fields_an_allowed_list_can_restrict_are_the_project_fields_holding_ids() -> None:
    project = models.fields_of(models.Project)
    assert set(models.CONDITION_FIELDS) <= set(project)
    expected = [name for name in models.CONDITION_FIELDS if _holds_ids(project[name])]
    assert list(models.ID_FIELDS) == expected


def test_cli_prints_and_writes_the_same_schema(runner, tmp_path: Path) -> None:
    printed = runner.invoke(app, ["schema", "project"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == generate("project")
    assert json.loads(printed.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    target = tmp_path / "schemas" / "streams.schema.json"
    target.parent.mkdir()
    written = runner.invoke(app, ["schema", "streams", "-o", str(target)])
    assert written.exit_code == 0
    assert json.loads(target.read_text()) == generate("streams")
    assert runner.invoke(app, ["schema", "budgets"]).exit_code == 2


def test_a_new_project_matches_the_schema(runner, ledger_copy: Path) -> None:
    args = ["new", "project", "p", "--stream", "intervention-and-prevention", "--title", "T", "--lead", "L"]
    result = runner.invoke(app, [*args, "--amount", "2023/24=10.5", "--data", str(ledger_copy)])
    assert result.exit_code == 0, result.output
    created = ledger_copy / "projects" / "intervention-and-prevention" / "p.yaml"
    assert _errors("project", _load(created.read_text())) == []
