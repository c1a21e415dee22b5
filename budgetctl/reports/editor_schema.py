"""JSON Schema (draft 2020-12) for streams.yaml and project files, generated from the models.

For editors: with the YAML language server, a modeline such as
``# yaml-language-server: $schema=../../schemas/project.schema.json`` gives
completion, hover help and checks while a person types. The schema describes
what a person should write; ``budgetctl validate`` stays the authority (it also
checks what a schema cannot: that 2023/24's second year follows the first,
references between files, sums).

The models validate our own ``source`` nodes through before-validators, so
pydantic alone would describe them loosely (money as "number or string", ids
as any string). ``_Generator`` maps each converter, by the name the validator's
schema carries (``budgetctl.model.shape``), to the JSON the editor should expect.

Money is a number with a minimum of 0 but no ``multipleOf: 0.01``: float-based
validators reject valid amounts against it (python-jsonschema finds 1234.56
"not a multiple of 0.01"), and a false error while typing is worse than a
missing one that ``validate`` reports anyway.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from budgetctl.loading.schema import core_schema
from budgetctl.model import records as models
from budgetctl.model.kinds import KINDS
from budgetctl.model.money import MONEY_TEXT
from budgetctl.model.shape import fields

DIALECT = "https://json-schema.org/draft/2020-12/schema"
YEAR_PATTERN = r"^[0-9]{4}/[0-9]{2}$"
ID_PATTERN = f"^{models.ID_PATTERN.pattern}$"

_MONEY = {
    "type": "number",
    "minimum": 0,
    "maximum": 999999999999.99,
    "description": "Pounds as a plain number with at most two decimals (pattern "
    f"{MONEY_TEXT.pattern}): 250000 or 1234.50; no quotes, £ sign or thousands commas.",
}
# By converter name (records.Converter.name).
_FRAGMENTS: dict[str, dict[str, Any]] = {
    "text": {"type": "string", "minLength": 1, "pattern": r"^[^\n\r]*\S[^\n\r]*$"},
    "paragraph": {"type": "string", "minLength": 1, "pattern": r"\S"},
    "id": {"type": "string", "pattern": ID_PATTERN},
    "money": _MONEY,
    "year": {
        "type": "string",
        "pattern": YEAR_PATTERN,
        "description": "A financial year: YYYY/YY, the second year following the first, e.g. 2023/24.",
    },
    "flag": {"type": "boolean"},
    "percent": {"type": "number", "minimum": 0, "description": "A percentage without the % sign, e.g. 2.5."},
    "date": {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"},
}

# Hover help for a whole record, where the editor shows one.
RECORD_DESCRIPTIONS = {
    "Eligibility": "Conditions every project on a stream must meet, declared as data.",
    "Publisher": "Who publishes the ledger's grants as 360Giving data (all optional; CLI options override).",
    "Rag": "RAG thresholds of the monitoring report, in per cent of the revised budget.",
    "Monitoring": "How the monitoring report judges variances (``monitoring:`` in streams.yaml).",
    "Forecast": "A quarter's forecast file, ``forecasts/YYYY-YY/qN.yaml``.",
    "ProjectForecast": "One project's forecast outturn for the whole year, and why it differs from the allocation.",
}

# Hover help for every key; a test checks that each model field has one.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "StreamsFile": {
        "publisher": "Who publishes the ledger's grants as 360Giving data.",
        "monitoring": "How the monitoring report judges variances: rag thresholds.",
        "priorities": "Police and Crime Plan objectives: id -> label. Projects name them in `priorities`.",
        "streams": "Funding streams: stream id -> its programme, funding, budget and rules.",
        "years": "Each financial year's state: when its budget was approved (and closed).",
        "reserves": "Reserves a reserve-drawdown adjustment may draw on: id -> name.",
        "delegations": "Who may approve a change to an approved budget, by type and amount.",
    },
    "YearState": {
        "approved": "Required: the date the board approved the year's budget (YYYY-MM-DD).",
        "decision": "The reference of that approval, e.g. SPCB 28 March 2023.",
        "closed": "The date the year's outturn became final; its in-year files are then frozen.",
    },
    "Delegations": {
        "approvers": "Required: who may approve, lowest authority first: id -> title.",
        "cumulative": "true: a tier is chosen by the running total of a type per stream and year.",
        "decision_format": "What a decision reference looks like; # stands for a number: WMPCC #/#.",
        "limits": "Per adjustment type: tiers in ascending order of up_to.",
    },
    "Tier": {
        "up_to": "The largest amount this tier covers; leave out on the last tier (everything above).",
        "approver": "Required: the lowest approver (an id from approvers) this tier needs.",
        "decision": "true when an approval under this tier must cite a decision reference.",
    },
    "Agreement": {
        "ref": "Required: the agreement's reference.",
        "signed": "When it was signed: YYYY-MM-DD.",
        "committed": "Money the agreement commits per financial year, e.g. 2024/25: 420000.",
    },
    "Publisher": {
        "name": "The publishing organisation's name.",
        "org_id": "The publisher's organisation identifier, e.g. GB-GOR-PC000123.",
        "prefix": "The 360Giving identifier prefix registered for the publisher.",
    },
    "Stream": {
        "programme": "Required: the programme name in the board report.",
        "funding": "Required: the funding stream label in the board report.",
        "description": "What the stream pays for, in a sentence or two.",
        "ring_fenced": "true when the grant may only be spent on its `purposes` (default false).",
        "budget": "Required: money per financial year, e.g. 2023/24: 400000.",
        "purposes": "Allowed purposes of a ring-fenced grant: id -> label. Projects name one in `purpose`.",
        "sources": "Where the money comes from: source id -> money per year; sums exactly to `budget`.",
        "owners": "GitHub users or teams who must approve changes to this stream's projects.",
        "eligibility": "Conditions every project on this stream must meet.",
        "year_end": "What happens to unspent money: return, carry-with-consent, carry-with-approval or balance.",
        "budget_status": "Per year: indicative when the grantor has not yet confirmed the budget.",
    },
    "Monitoring": {
        "rag": "RAG thresholds in per cent of the revised budget: {amber: 2, red: 5} (the defaults).",
    },
    "Rag": {
        "amber": "Green while |variance| is at most this per cent of the revised budget (default 2).",
        "red": "Amber while |variance| is at most this per cent; red beyond (default 5).",
    },
    "Forecast": {
        "as_at": "Required: the last day of the file's quarter, e.g. 2023-09-30 in q2.yaml of 2023-24.",
        "projects": "Project id -> its forecast; a project not listed is forecast at its allocation.",
    },
    "ProjectForecast": {
        "outturn": "Required: the forecast spend for the whole year.",
        "reason": "Why the forecast differs from the allocation (needed beyond the amber threshold).",
        "class": "The kind of variance: slippage, underspend, overspend or reprofile.",
    },
    "Eligibility": {
        "required": "Project keys every project on the stream must fill in, e.g. [npu, approved_by].",
        "allowed": "For a project key holding ids: the ids it may take (id -> label).",
        "max_award": "The largest allocation one project may receive in a year.",
        "excluded_costs": "Cost categories the stream will not pay for (id -> label).",
    },
    "Project": {
        "title": "Required: the project's title.",
        "stream": "Required: the id of the stream that funds it (streams.yaml).",
        "lead": "Required: the accountable OPCC lead.",
        "provider": "Who delivers the project.",
        "provider_sector": "The provider's sector, an id the stream allows.",
        "recipient_org_id": "The recipient's organisation identifier (360Giving), e.g. GB-CHC-1234567.",
        "purpose": "Required when the stream has purposes: one of its purpose ids.",
        "priorities": "Police and Crime Plan priorities it serves: ids from streams.yaml, e.g. [reducing-violence].",
        "npu": "The Neighbourhood Policing Unit, an id the stream allows.",
        "approved_by": "Who signed the award off, an id the stream allows.",
        "partnership": "The Community Safety Partnership, an id the stream allows.",
        "partnership_priorities": "The partnership priorities it serves (ids the stream allows).",
        "costs": "What the money pays for: cost category ids.",
        "description": "What the money pays for, in a sentence or two.",
        "grant": "true to publish it as a grant in 360Giving exports (default false).",
        "award_date": "When the award was made: YYYY-MM-DD.",
        "start_date": "When the project starts: YYYY-MM-DD.",
        "end_date": "When the project ends: YYYY-MM-DD.",
        "allocations": "Required: money per financial year, e.g. 2023/24: 250000.",
        "agreement": "The signed agreement that binds the project: {ref, signed, committed: {year: money}}.",
    },
    "Adjustment": {
        "type": "Required: virement, grant-variation, carry-forward or reserve-drawdown.",
        "date": "Required: when the change was proposed (YYYY-MM-DD).",
        "from": "virement: the stream (and source) the money leaves.",
        "to": "virement: the stream (and source) the money goes to.",
        "stream": "grant-variation, carry-forward, reserve-drawdown: the stream whose budget changes.",
        "change": "grant-variation: increase or decrease.",
        "source": "The source it changes, when the stream has sources.",
        "from_year": "carry-forward: the year the money comes from (the year before the folder's).",
        "consent": "carry-forward: the grantor's consent, when the stream's year_end is carry-with-consent.",
        "reserve": "reserve-drawdown: a reserve id from streams.yaml reserves.",
        "amount": "Required: the amount (no sign: the type and change give it).",
        "reason": "Required: why the budget changes.",
        "approval": "Required: who approved it, when, and the decision reference where a tier needs one.",
    },
    "Side": {
        "stream": "Required: a stream id.",
        "source": "One of the stream's sources, when it has any.",
    },
    "Approval": {
        "approver": "Required: an id from delegations.approvers (any text without delegations).",
        "date": "Required: the approval date, not before `date`.",
        "decision": "The decision reference, e.g. WMPCC 052/2023.",
    },
}

# Each kind of file with a record (model/kinds.py), and the schema's title.
TITLES = {
    "streams": "budgetctl streams.yaml",
    "project": "budgetctl project file",
    "adjustment": "budgetctl adjustment file",
    "forecast": "budgetctl forecast file (forecasts/YYYY-YY/qN.yaml)",
}
TARGETS: dict[str, tuple[type, str]] = {
    kind.name: (kind.record, TITLES.get(kind.name, f"budgetctl {kind.name} file"))
    for kind in KINDS
    if kind.record is not None
}


class _Generator(GenerateJsonSchema):
    """pydantic's generator, told what each of budgetctl's validators accepts."""

    def encode_default(self, dft: Any) -> Any:
        # A record default (rag's {amber: 2, red: 5}) as the mapping a file writes: pydantic
        # serialises only the standard library's dataclasses, and budgetctl's are plainclass's.
        if models.is_record(dft):
            dft = {field.key: getattr(dft, field.name) for field in fields(type(dft))}
        return super().encode_default(dft)

    def function_before_schema(self, schema: Any) -> dict[str, Any]:
        converter = schema.get("metadata", {}).get("converter")
        fragment = _FRAGMENTS.get(converter)
        if fragment is not None:
            return dict(fragment)
        if converter == "one-of":
            return {"type": "string", "enum": list(schema["metadata"]["choices"])}
        return super().function_before_schema(schema)

    def dict_schema(self, schema: Any) -> dict[str, Any]:
        keys = self.generate_inner(schema["keys_schema"]) if "keys_schema" in schema else {}
        values = self.generate_inner(schema["values_schema"]) if "values_schema" in schema else {}
        result: dict[str, Any] = {"type": "object", "additionalProperties": values}
        names = {k: v for k, v in keys.items() if k in ("pattern", "enum")}
        if names:
            result["propertyNames"] = names
        return result


def _mapping_schema() -> dict[str, Any]:
    """The import mapping (``imports/NAME.yaml``) is read by ``edit.importer``, not a record:
    its schema is written here, key for key with that reader."""
    from budgetctl.model.actuals import KINDS

    text = {"type": "string", "minLength": 1}
    column = {**text, "description": "An export column name, exactly as the header row writes it."}
    roles = ("date", "amount", "reference", "project", "supplier", "description", "kind")
    return {
        "$schema": DIALECT,
        "title": "budgetctl import mapping (imports/NAME.yaml)",
        "type": "object",
        "additionalProperties": False,
        "required": ["columns", "projects"],
        "properties": {
            "sheet": {**text, "description": "Workbooks only: the sheet to read (default: the first)."},
            "header_row": {"type": "integer", "minimum": 1, "description": "The row holding the column names."},
            "columns": {
                "type": "object",
                "additionalProperties": False,
                "required": ["date", "amount", "reference", "project"],
                "properties": {role: column for role in roles},
                "description": "Which export column holds each value of an actuals row.",
            },
            "date_format": {**text, "description": "A strptime format; the UK norm is %d/%m/%Y (the default)."},
            "kinds": {
                "type": "object",
                "additionalProperties": {"type": "string", "enum": list(KINDS)},
                "description": "With columns.kind: export value -> payment, accrual, credit or accrual-reversal.",
            },
            "projects": {
                "type": "object",
                "additionalProperties": {"type": "string", "pattern": ID_PATTERN},
                "description": "Export value (a cost centre or project code) -> project id.",
            },
            "skip": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["column", "values"],
                    "properties": {"column": column, "values": {"type": "array", "items": {"type": "string"}}},
                },
                "description": "Rows left out on purpose, e.g. internal recharges: {column, values}.",
            },
        },
    }


def generate(target: str) -> dict[str, Any]:
    """The JSON Schema for ``streams``, ``project``, ``forecast`` or ``mapping``."""
    if target == "mapping":
        return _mapping_schema()
    model, title = TARGETS[target]
    body = _Generator().generate(core_schema(model), mode="validation")
    for name, definition in [(model.__name__, body), *body.get("$defs", {}).items()]:
        definition["title"] = name
        # Hover help for a whole record comes from RECORD_DESCRIPTIONS, never from its docstring
        # (written for developers); keys stay in the generator's sorted order.
        definition.pop("description", None)
        if name in RECORD_DESCRIPTIONS:
            definition["description"] = RECORD_DESCRIPTIONS[name]
            ordered = sorted(definition.items())
            definition.clear()
            definition.update(ordered)
        for field, prop in definition.get("properties", {}).items():
            _tidy(prop)
            text = DESCRIPTIONS.get(name, {}).get(field)
            if text:
                prop["description"] = text
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in body.items() if k != "title"}}


def _tidy(prop: dict[str, Any]) -> None:
    """Drop what would mislead an editor: generated titles, ``default: null`` and null choices."""
    prop.pop("title", None)
    if prop.get("default", 0) is None:
        del prop["default"]
    choices = prop.get("anyOf")
    if choices:
        rest = [c for c in choices if c != {"type": "null"}]
        if len(rest) == 1:
            del prop["anyOf"]
            prop.update(rest[0])
