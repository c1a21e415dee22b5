"""Pydantic models of the ledger files, validated from loaded ``source`` trees.

Validators take ``Scalar`` nodes, so every conversion (money, years, ids,
true/false) starts from the text as written and knows whether it was quoted.
Errors carry a custom type that ``schema`` maps to a problem code.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from budgetctl.money import MoneyError, parse_money
from budgetctl.source import Mapping, Scalar, Sequence
from budgetctl.years import YearError, parse_year

ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def found(value: Any) -> str:
    """Describe a raw value for a message: ``the text 'x'``, ``a list``."""
    if isinstance(value, Scalar):
        if value.is_null:
            return "an empty value"
        text = value.value if len(value.value) <= 40 else value.value[:37] + "..."
        return f"{'the quoted text' if value.quoted else ''} {text!r}".strip()
    if isinstance(value, Mapping | dict):
        return "a mapping"
    if isinstance(value, Sequence | list):
        return "a list"
    return repr(value)


def _wrong(expected: str, value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        "wrong_type", "expected {expected}, found {found}", {"expected": expected, "found": found(value)}
    )


def _text(value: Any) -> str:
    if isinstance(value, str):  # a mapping key
        if value.strip():
            return value
        raise PydanticCustomError("wrong_type", "the key is empty; write a name")
    if isinstance(value, Scalar):
        if value.is_null or not value.value.strip():
            raise PydanticCustomError("wrong_type", "the value is empty; write some text or remove the key")
        return value.value
    raise _wrong("text", value)


def _id(value: Any) -> str:
    text = _text(value)
    if ID_PATTERN.fullmatch(text):
        return text
    suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    hint = f", e.g. {suggestion!r}" if suggestion and ID_PATTERN.fullmatch(suggestion) else ""
    raise PydanticCustomError(
        "bad_id",
        "{found} is not an id: use lower-case letters, digits and single hyphens{hint}",
        {"found": found(value), "hint": hint},
    )


def _money(value: Any) -> Decimal:
    if not isinstance(value, Scalar):
        raise _wrong("an amount such as 250000", value)
    try:
        return parse_money(value.value, quoted=value.quoted)
    except MoneyError as exc:
        raise PydanticCustomError("bad_money", "{reason}", {"reason": str(exc)}) from None


def _year(value: Any) -> str:
    text = value.value if isinstance(value, Scalar) else value
    if not isinstance(text, str):
        raise _wrong("a financial year such as 2023/24", value)
    try:
        return parse_year(text)
    except YearError as exc:
        raise PydanticCustomError("bad_year", "{reason}", {"reason": str(exc)}) from None


def _flag(value: Any) -> bool:
    if isinstance(value, Scalar) and not value.quoted and value.value in ("true", "false"):
        return value.value == "true"
    raise _wrong("true or false", value)


def _date(value: Any) -> datetime.date:
    text = _text(value)
    if _DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise PydanticCustomError(
        "bad_date", "{found} is not a date; write YYYY-MM-DD, e.g. 2023-04-01", {"found": found(value)}
    )


def _list(value: Any) -> Any:
    if isinstance(value, Scalar):
        raise _wrong("a list such as [a, b]", value)
    return value


def _mapping(value: Any) -> Any:
    if not isinstance(value, dict):
        raise _wrong("a mapping of keys to values", value)
    return value


# Project keys a stream's eligibility conditions may name.
CONDITION_FIELDS = (
    "provider",
    "provider_sector",
    "purpose",
    "priorities",
    "npu",
    "approved_by",
    "partnership",
    "partnership_priorities",
    "costs",
    "recipient_org_id",
    "description",
    "award_date",
    "start_date",
    "end_date",
)
# Of those, the ones holding ids, which an `allowed:` list can restrict.
ID_FIELDS = (
    "provider_sector",
    "purpose",
    "priorities",
    "npu",
    "approved_by",
    "partnership",
    "partnership_priorities",
    "costs",
)


def _field_name(allowed: tuple[str, ...]) -> Any:
    def check(value: Any) -> str:
        text = value.value if isinstance(value, Scalar) else value
        if text in allowed:
            return str(text)
        raise PydanticCustomError(
            "unknown_field",
            "{found} is not a project field{hint}",
            {
                "found": found(value) if isinstance(value, Scalar) else repr(text),
                "hint": did_you_mean(str(text), allowed),
            },
        )

    return check


def did_you_mean(text: str, choices: tuple[str, ...] | list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(text, choices, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    # No list at all when there is nothing to choose from ("expected one of: ;" misleads).
    return f"; expected one of: {', '.join(choices)}" if 0 < len(choices) <= 12 else ""


Text = Annotated[str, BeforeValidator(_text)]
OptText = Annotated[str | None, BeforeValidator(_text)]
Id = Annotated[str, BeforeValidator(_id)]
OptId = Annotated[str | None, BeforeValidator(_id)]
Money = Annotated[Decimal, BeforeValidator(_money)]
OptMoney = Annotated[Decimal | None, BeforeValidator(_money)]
Year = Annotated[str, BeforeValidator(_year)]
Flag = Annotated[bool, BeforeValidator(_flag)]
OptDate = Annotated[datetime.date | None, BeforeValidator(_date)]
IdList = Annotated[tuple[Id, ...], BeforeValidator(_list)]
TextList = Annotated[tuple[Text, ...], BeforeValidator(_list)]
ByYear = Annotated[dict[Year, Money], BeforeValidator(_mapping)]
Labels = Annotated[dict[Id, Text], BeforeValidator(_mapping)]
ConditionField = Annotated[str, BeforeValidator(_field_name(CONDITION_FIELDS))]
IdField = Annotated[str, BeforeValidator(_field_name(ID_FIELDS))]


class _Strict(BaseModel):
    # defer_build: a run served wholly from the cache never builds a validator.
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True)


class Eligibility(_Strict):
    """Conditions every project on a stream must meet, declared as data."""

    required: Annotated[tuple[ConditionField, ...], BeforeValidator(_list)] = ()
    allowed: Annotated[dict[IdField, Labels], BeforeValidator(_mapping)] = Field(default_factory=dict)
    max_award: OptMoney = None
    excluded_costs: Labels = Field(default_factory=dict)


class Stream(_Strict):
    programme: Text
    funding: Text
    description: OptText = None
    ring_fenced: Flag = False
    budget: ByYear
    purposes: Labels = Field(default_factory=dict)
    sources: Annotated[dict[Id, ByYear], BeforeValidator(_mapping)] = Field(default_factory=dict)
    owners: TextList = ()
    eligibility: Eligibility | None = None


class Publisher(_Strict):
    """Who publishes the ledger's grants as 360Giving data (all optional; CLI options override)."""

    name: OptText = None
    org_id: OptText = None
    prefix: OptText = None


class StreamsFile(_Strict):
    publisher: Publisher | None = None
    priorities: Labels = Field(default_factory=dict)
    streams: Annotated[dict[Id, Stream], BeforeValidator(_mapping)]


class Project(_Strict):
    title: Text
    stream: Id
    lead: Text
    provider: OptText = None
    provider_sector: OptId = None
    recipient_org_id: OptText = None
    purpose: OptId = None
    priorities: IdList = ()
    npu: OptId = None
    approved_by: OptId = None
    partnership: OptId = None
    partnership_priorities: IdList = ()
    costs: IdList = ()
    description: OptText = None
    grant: Flag = False  # published by `budgetctl export --format 360giving`
    award_date: OptDate = None
    start_date: OptDate = None
    end_date: OptDate = None
    allocations: ByYear

    def condition_value(self, name: str) -> Any:
        """The value of a field a condition names, ``None`` or ``()`` when absent."""
        return getattr(self, name)
