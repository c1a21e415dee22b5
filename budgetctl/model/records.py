"""The ledger files' shapes: frozen dataclasses that pydantic validates from ``source`` trees.

Validators take ``Scalar`` nodes, so every conversion (money, years, ids,
true/false) starts from the text as written and knows whether it was quoted.
Errors carry a custom type that ``schema`` maps to a problem code.

The classes are plain dataclasses, not pydantic models: ``schema`` builds their
pydantic-core validator from these annotations when a file must be checked,
and a run served from the cache builds them without importing pydantic at all.
"""

from __future__ import annotations

import datetime
import functools
import re
import sys
import typing
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from budgetctl import plainclass
from budgetctl.model.money import MoneyError, parse_money
from budgetctl.model.periods import YearError, parse_year
from budgetctl.model.source import Mapping, Scalar, Sequence

if TYPE_CHECKING:
    from pydantic_core import PydanticCustomError

ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# Texts up to this long (ids, years, names) are interned as they are converted: 50,000 projects repeat them,
# and holding one object per distinct text saves about 45 MB there.
SHARED_TEXT_MAX = 40


def shared(value: Any) -> Any:
    """The one object for a short text many records repeat; any other value as it is.
    Records are frozen, so nothing shared is ever changed."""
    return sys.intern(value) if type(value) is str and len(value) <= SHARED_TEXT_MAX else value


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


def _invalid(kind: str, template: str, context: dict[str, Any] | None = None) -> PydanticCustomError:
    """A validation error of ``kind`` (a problem code in ``schema``); pydantic is loaded while validating."""
    from pydantic_core import PydanticCustomError

    return PydanticCustomError(kind, template, context)


def _wrong(expected: str, value: Any) -> PydanticCustomError:
    return _invalid("wrong_type", "expected {expected}, found {found}", {"expected": expected, "found": found(value)})


_NULLS = frozenset(("~", "null", "Null", "NULL"))  # with "", what ``Scalar.is_null`` reads as empty


def _paragraph(value: Any) -> str:
    """Text that may run over several lines (a description); a short one is ``shared``."""
    if isinstance(value, Scalar):
        text = value.value
        if not text.strip() or (not value.quoted and text in _NULLS):
            raise _invalid("wrong_type", "the value is empty; write some text or remove the key")
    elif isinstance(value, str):  # a mapping key
        text = value
        if not text.strip():
            raise _invalid("wrong_type", "the key is empty; write a name")
    else:
        raise _wrong("text", value)
    return shared(text)


def _text(value: Any) -> str:
    """One line of text: a title, a name, a label. A line break in it would show as a line of
    its own in CSV and in logs, where a line starting "::error" is obeyed by a CI runner."""
    if type(value) is Scalar:  # the common case, every check below in one test
        text = value.value
        if (
            type(text) is str
            and text
            and "\n" not in text
            and "\r" not in text
            and not text.isspace()
            and (value.quoted or text not in _NULLS)
        ):
            return sys.intern(text) if len(text) <= SHARED_TEXT_MAX else text
    text = _paragraph(value)
    if "\n" in text or "\r" in text:
        raise _invalid("wrong_type", "a line break is not allowed here; keep the text on one line")
    return text


def _id(value: Any) -> str:
    # The common case first: an id is one line, never empty, and "null" only when quoted.
    text = value.value if type(value) is Scalar else value
    if type(text) is str and ID_PATTERN.fullmatch(text) and (type(value) is str or value.quoted or text != "null"):
        return sys.intern(text) if len(text) <= SHARED_TEXT_MAX else text
    text = _text(value)
    if ID_PATTERN.fullmatch(text):
        return text
    suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    hint = f", e.g. {suggestion!r}" if suggestion and ID_PATTERN.fullmatch(suggestion) else ""
    raise _invalid(
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
        raise _invalid("bad_money", "{reason}", {"reason": str(exc)}) from None


def _year(value: Any) -> str:
    text = value.value if isinstance(value, Scalar) else value
    if not isinstance(text, str):
        raise _wrong("a financial year such as 2023/24", value)
    known = _YEARS.get(text) if type(text) is str else None
    if known is not None:
        return known
    try:
        year = shared(parse_year(text))
    except YearError as exc:
        raise _invalid("bad_year", "{reason}", {"reason": str(exc)}) from None
    if len(_YEARS) < 10_000:  # at most one per first calendar year
        _YEARS[year] = year
    return year


_YEARS: dict[str, str] = {}  # years already checked: a ledger repeats each one thousands of times


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
    raise _invalid("bad_date", "{found} is not a date; write YYYY-MM-DD, e.g. 2023-04-01", {"found": found(value)})


def _choice(*choices: str) -> Any:
    """A converter accepting one of ``choices`` (unquoted or quoted text)."""

    def check(value: Any) -> str:
        text = value.value if isinstance(value, Scalar) else value
        if isinstance(text, str) and text in choices:
            return text
        shown = found(value) if isinstance(value, Scalar) else repr(text)
        raise _invalid(
            "wrong_type",
            "{found} is not allowed here; write one of: {choices}",
            {"found": shown, "choices": ", ".join(choices)},
        )

    return check


def _percent(value: Any) -> Decimal:
    if isinstance(value, Scalar) and not value.quoted and value.value.strip():
        try:
            return parse_money(value.value)
        except MoneyError:
            pass
    raise _invalid(
        "wrong_type",
        "expected a percentage such as 2 or 2.5 (no % sign), found {found}",
        {"found": found(value)},
    )


VARIANCE_CLASSES = ("slippage", "underspend", "overspend", "reprofile")


def _variance_class(value: Any) -> str:
    text = _text(value)
    if text in VARIANCE_CLASSES:
        return text
    raise _invalid(
        "wrong_type",
        "{found} is not a variance class{hint}",
        {"found": found(value), "hint": did_you_mean(text, VARIANCE_CLASSES)},
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
        raise _invalid(
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


class Converter:
    """Annotation metadata: convert the raw node with ``func`` before the type is checked
    (pydantic's ``BeforeValidator``, without importing pydantic to declare it). ``name``
    says what the value is ("money", "year", "id"...): readers of a record's shape
    (``budgetctl.model.shape``) go by it; ``choices`` are the texts a "one-of" value may be."""

    __slots__ = ("choices", "func", "name")

    def __init__(self, func: Any, name: str, choices: tuple[str, ...] = ()) -> None:
        self.func = func
        self.name = name
        self.choices = choices

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.func, handler(source))


Text = Annotated[str, Converter(_text, "text")]
OptText = Annotated[str | None, Converter(_text, "text")]
OptParagraph = Annotated[str | None, Converter(_paragraph, "paragraph")]
Id = Annotated[str, Converter(_id, "id")]
OptId = Annotated[str | None, Converter(_id, "id")]
Money = Annotated[Decimal, Converter(_money, "money")]
OptMoney = Annotated[Decimal | None, Converter(_money, "money")]
Year = Annotated[str, Converter(_year, "year")]
Percent = Annotated[Decimal, Converter(_percent, "percent")]
Flag = Annotated[bool, Converter(_flag, "flag")]
OptDate = Annotated[datetime.date | None, Converter(_date, "date")]
Date = Annotated[datetime.date, Converter(_date, "date")]
IdList = Annotated[tuple[Id, ...], Converter(_list, "list")]
TextList = Annotated[tuple[Text, ...], Converter(_list, "list")]
ByYear = Annotated[dict[Year, Money], Converter(_mapping, "mapping")]
Labels = Annotated[dict[Id, Text], Converter(_mapping, "mapping")]
ConditionField = Annotated[str, Converter(_field_name(CONDITION_FIELDS), "one-of", CONDITION_FIELDS)]
IdField = Annotated[str, Converter(_field_name(ID_FIELDS), "one-of", ID_FIELDS)]

# The four kinds of change to an approved budget, and what each stream does with unspent money.
ADJUSTMENT_TYPES = ("virement", "grant-variation", "carry-forward", "reserve-drawdown")
YEAR_END = ("return", "carry-with-consent", "carry-with-approval", "balance")
BUDGET_STATUS = ("indicative", "confirmed")
AdjustmentType = Annotated[str, Converter(_choice(*ADJUSTMENT_TYPES), "one-of", ADJUSTMENT_TYPES)]
OptYearEnd = Annotated[str | None, Converter(_choice(*YEAR_END), "one-of", YEAR_END)]
Status = Annotated[str, Converter(_choice(*BUDGET_STATUS), "one-of", BUDGET_STATUS)]

# Frozen: a checked file never changes; slots: 50,000 projects in a third less memory;
# keyword-only: required fields may follow optional ones, in the order files are written.
_record = plainclass.dataclass(frozen=True, slots=True, kw_only=True)
# What pydantic reads off each class: unknown keys are errors (S001).
_STRICT = {"extra": "forbid"}
_empty = functools.partial(plainclass.field, default_factory=dict)


@_record
class Eligibility:
    """Conditions every project on a stream must meet, declared as data."""

    __pydantic_config__ = _STRICT
    required: Annotated[tuple[ConditionField, ...], Converter(_list, "list")] = ()
    allowed: Annotated[dict[IdField, Labels], Converter(_mapping, "mapping")] = _empty()
    max_award: OptMoney = None
    excluded_costs: Labels = _empty()


@_record
class Stream:
    """A funding stream in streams.yaml: its programme and funding labels, its approved budget
    per financial year, where that money comes from (``sources``), its owners, and the rules
    its projects must meet (``ring_fenced`` with ``purposes``, ``eligibility``)."""

    __pydantic_config__ = _STRICT
    programme: Text
    funding: Text
    description: OptParagraph = None
    ring_fenced: Flag = False
    budget: ByYear
    # What happens to unspent money at the end of a year.
    year_end: OptYearEnd = None
    # Years whose budget the grantor has not yet confirmed (indicative).
    budget_status: Annotated[dict[Year, Status], Converter(_mapping, "mapping")] = _empty()
    purposes: Labels = _empty()
    sources: Annotated[dict[Id, ByYear], Converter(_mapping, "mapping")] = _empty()
    owners: TextList = ()
    eligibility: Eligibility | None = None


@_record
class Publisher:
    """Who publishes the ledger's grants as 360Giving data (all optional; CLI options override)."""

    __pydantic_config__ = _STRICT
    name: OptText = None
    org_id: OptText = None
    prefix: OptText = None


@_record
class YearState:
    """A financial year's state: when the board approved its budget and, once final, when it closed."""

    __pydantic_config__ = _STRICT
    approved: Date
    decision: OptText = None
    closed: OptDate = None


@_record
class Tier:
    """One delegation tier: changes up to ``up_to`` (no limit when absent) need ``approver`` or above."""

    __pydantic_config__ = _STRICT
    up_to: OptMoney = None
    approver: Id
    decision: Flag = False


@_record
class Delegations:
    """Who may approve a change to an approved budget: approvers lowest authority first, tiers per type."""

    __pydantic_config__ = _STRICT
    approvers: Labels
    cumulative: Flag = False
    # What a decision reference looks like: `#` stands for a number, the rest is literal ("WMPCC #/#").
    decision_format: OptText = None
    limits: Annotated[
        dict[AdjustmentType, Annotated[tuple[Tier, ...], Converter(_list, "list")]], Converter(_mapping, "mapping")
    ] = _empty()


@_record
class Rag:
    """RAG thresholds of the monitoring report, in per cent of the revised budget."""

    __pydantic_config__ = _STRICT
    amber: Percent = Decimal(2)
    red: Percent = Decimal(5)


@_record
class Monitoring:
    """How the monitoring report judges variances (``monitoring:`` in streams.yaml)."""

    __pydantic_config__ = _STRICT
    rag: Rag = Rag()


@_record
class StreamsFile:
    """streams.yaml: the publisher, the Police and Crime Plan priorities, and the streams by id."""

    __pydantic_config__ = _STRICT
    publisher: Publisher | None = None
    priorities: Labels = _empty()
    years: Annotated[dict[Year, YearState], Converter(_mapping, "mapping")] = _empty()
    monitoring: Monitoring | None = None
    reserves: Labels = _empty()
    delegations: Delegations | None = None
    streams: Annotated[dict[Id, Stream], Converter(_mapping, "mapping")]


@_record
class Agreement:
    """The signed agreement that binds a project, with the money it commits per year."""

    __pydantic_config__ = _STRICT
    ref: Text
    signed: OptDate = None
    committed: ByYear = _empty()


@_record
class Project:
    """A project file (``projects/<stream>/<id>.yaml``, the id is the file name): what the money
    pays for, who leads and delivers it, the stream that funds it, the fields its stream's
    conditions may name, and its allocation per financial year."""

    __pydantic_config__ = _STRICT
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
    description: OptParagraph = None
    grant: Flag = False  # published by `budgetctl export --format 360giving`
    award_date: OptDate = None
    start_date: OptDate = None
    end_date: OptDate = None
    allocations: ByYear
    agreement: Agreement | None = None

    def condition_value(self, name: str) -> Any:
        """The value of a field a condition names, ``None`` or ``()`` when absent."""
        return getattr(self, name)


@_record
class Side:
    """One side of a virement: a stream, and which of its sources when it has any."""

    __pydantic_config__ = _STRICT
    stream: Id
    source: OptId = None


@_record
class Approval:
    __pydantic_config__ = _STRICT
    approver: Text
    date: Date
    decision: OptText = None


@_record
class Adjustment:
    """A decision that changes an approved budget (``adjustments/YYYY-YY/<id>.yaml``).

    One record for the four types; which keys each type takes is checked when
    the file is loaded (``loading.adjustments``). ``from`` is a Python keyword,
    so the field is ``from_`` with the file's key in its metadata.
    """

    __pydantic_config__ = _STRICT
    type: AdjustmentType
    date: Date
    from_: Side | None = plainclass.field(default=None, metadata={"key": "from"})
    to: Side | None = None
    stream: OptId = None
    change: Annotated[str | None, Converter(_choice("increase", "decrease"), "one-of", ("increase", "decrease"))] = None
    source: OptId = None
    from_year: Annotated[str | None, Converter(_year, "year")] = None
    consent: OptText = None  # carry-forward: the grantor's consent, where the stream's year_end asks for it
    reserve: OptId = None
    amount: Money
    reason: Text
    approval: Approval


# The keys each type of adjustment takes besides type, date, amount, reason and approval;
# the first tuple is required, the second optional.
ADJUSTMENT_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "virement": (("from", "to"), ()),
    "grant-variation": (("stream", "change"), ("source",)),
    "carry-forward": (("stream", "from_year"), ("source", "consent")),
    "reserve-drawdown": (("stream", "reserve"), ("source",)),
}


@_record
class ProjectForecast:
    """One project's forecast outturn for the whole year, and why it differs from the allocation."""

    __pydantic_config__ = _STRICT
    outturn: Money
    reason: OptParagraph = None  # an explanation: it may run over several lines
    # Written `class:` in the file (a Python keyword): schema reads the key from the metadata.
    variance_class: Annotated[str | None, Converter(_variance_class, "one-of", VARIANCE_CLASSES)] = plainclass.field(
        default=None, metadata={"key": "class"}
    )


@_record
class Forecast:
    """A quarter's forecast file, ``forecasts/YYYY-YY/qN.yaml``."""

    __pydantic_config__ = _STRICT
    as_at: Date
    projects: Annotated[dict[Id, ProjectForecast], Converter(_mapping, "mapping")] = _empty()


def key_of(info: plainclass.Field[Any]) -> str:
    """The key a field is written as in a file: its name, unless its metadata names another."""
    return str(info.metadata.get("key", info.name))


def is_record(value: Any) -> bool:
    """Whether ``value`` is a class of this module or an instance of one."""
    return plainclass.is_dataclass(value) and getattr(value, "__module__", None) == __name__


def fields_of(record: type) -> dict[str, Any]:
    """Each field's annotation, resolved and with its ``Annotated`` metadata, in order."""
    found = _FIELDS.get(record)
    if found is None:
        hints = typing.get_type_hints(record, include_extras=True)
        found = _FIELDS[record] = {field.name: hints[field.name] for field in plainclass.fields(record)}
    return found


_FIELDS: dict[type, dict[str, Any]] = {}
