"""Validate loaded files against the models; map pydantic errors to located problems.

The models are plain dataclasses whose annotations say how each value is
converted. Their validator is a pydantic-core schema built here from their
shapes (``budgetctl.model.shape``): the handful of types the models use map one to one onto core
schemas, and building them directly costs a millisecond where pydantic's
general schema generator (and importing it) costs some 80 ms on every run
that must check a file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from budgetctl.diagnostics import Diagnostic, printable
from budgetctl.loading.codes import CODES
from budgetctl.model.records import did_you_mean, found
from budgetctl.model.shape import MISSING, Shape, fields, fields_at, shape_of
from budgetctl.model.source import Mapping, Scalar, Sequence, SourceFile

NBSP = "\u00a0"

M = TypeVar("M")

# Keys a dataclass does not have (pydantic's name for them, and the models' older one).
_UNKNOWN_KEY = ("unexpected_keyword_argument", "extra_forbidden")
# pydantic error type -> our code; anything else is a wrong type (S003).
_CODE_BY_TYPE = {
    "missing": "S002",
    **dict.fromkeys(_UNKNOWN_KEY, "S001"),
    "bad_year": "S004",
    "bad_money": "S005",
    "bad_id": "S006",
    "unknown_field": "S007",
    "bad_date": "S008",
}

_SCALARS: dict[Any, Callable[[], cs.CoreSchema]] = {
    str: cs.str_schema,
    bool: cs.bool_schema,
    Decimal: cs.decimal_schema,
    datetime.date: cs.date_schema,
}


def core_schema(annotation: Any) -> cs.CoreSchema:
    """The pydantic-core schema of a record, or of a field's annotation."""
    return _schema(shape_of(annotation))


def _schema(shape: Shape) -> cs.CoreSchema:
    if shape.kind == "scalar":
        schema = _SCALARS[shape.type]()
    elif shape.kind == "optional":
        schema = cs.nullable_schema(_schema(shape.items[0]))
    elif shape.kind == "list":
        schema = cs.tuple_schema([_schema(shape.items[0])], variadic_item_index=0)
    elif shape.kind == "mapping":
        schema = cs.dict_schema(_schema(shape.items[0]), _schema(shape.items[1]))
    else:
        schema = _record_schema(shape.type)
    for converter in shape.converters:
        # The converter's name and choices ride along for the editor schema (reports/editor_schema.py).
        schema = cs.no_info_before_validator_function(
            converter.func, schema, metadata={"converter": converter.name, "choices": list(converter.choices)}
        )
    return schema


def _record_schema(record: type) -> cs.CoreSchema:
    """A frozen, slotted, keyword-only dataclass whose unknown keys are errors."""
    found = []
    for field in fields(record):
        schema = _schema(field.shape)
        if field.default is not MISSING:
            schema = cs.with_default_schema(schema, default=field.default)
        elif field.default_factory is not MISSING:
            schema = cs.with_default_schema(schema, default_factory=field.default_factory)
        alias = field.key if field.key != field.name else None
        found.append(cs.dataclass_field(field.name, schema, kw_only=True, validation_alias=alias))
    name = record.__name__
    return cs.dataclass_schema(
        record,
        cs.dataclass_args_schema(name, found, collect_init_only=False),
        [field.name for field in fields(record)],
        slots=True,
        config={"title": name, "extra_fields_behavior": "forbid"},
        ref=f"{record.__module__}.{record.__qualname__}",
    )


def validator(model: type[M]) -> SchemaValidator:
    """The validator of one of the models, built on first use."""
    found = _VALIDATORS.get(model)
    if found is None:
        found = _VALIDATORS[model] = SchemaValidator(core_schema(model))
    return found


_VALIDATORS: dict[type, SchemaValidator] = {}


def validate(model: type[M], source: SourceFile) -> tuple[M | None, list[Diagnostic]]:
    """The file as a ``model``, or ``None`` and every schema problem with its position."""
    try:
        return validator(model).validate_python(source.root), []
    except ValidationError as exc:
        problems = [_diagnostic(model, source, error) for error in exc.errors(include_url=False)]
        return None, problems


def _diagnostic(model: type, source: SourceFile, error: Any) -> Diagnostic:
    kind = error["type"]
    loc = _clean_loc(source, tuple(error["loc"]))
    code = _CODE_BY_TYPE.get(kind, "S003")
    where = _where(loc)
    if kind == "missing":
        name = loc[-1]
        line, column = source.locate(loc[:-1])
        message = f"missing required key {name!r}{_in(loc[:-1])}"
        message += f"; add `{name}:` with a value"
    elif kind in _UNKNOWN_KEY:
        name = str(loc[-1])
        line, column = source.locate(loc, key=True)
        message = f"unknown key {name!r}{_in(loc[:-1])}{did_you_mean(name, fields_at(model, loc[:-1]))}"
        if column == 1 and _YEAR_KEY.fullmatch(name) and len(loc) == 1:
            message += f"; a year at the start of the line is a key of its own: {_INDENT_YEARS}"
    else:
        on_key = bool(loc) and loc[-1] == "[key]"
        line, column = source.locate(loc)
        message = error["msg"] if kind in _CODE_BY_TYPE or kind in ("wrong_type", "bad_date") else _generic(error)
        message += _slip_hint(source, error)
        label = _where(loc[:-1]) if on_key else where
        if label:
            message = f"{label}: {message}"
    return CODES[code].at(message, source.path, line, column)


_YEAR_KEY = re.compile(r"[0-9]{4}/[0-9]{2}")
_INDENT_YEARS = "indent each year under `allocations:` (or `budget:`) with two spaces, as in `  2023/24: 5000`"
_NO_SPACE = re.compile(r"([^\s:]+):([^ \t].*)")


def _slip_hint(source: SourceFile, error: Any) -> str:
    """What to type, when a wrong type comes from a missing space or a missing indent."""
    value = error.get("input")
    expects_mapping = "expected a mapping" in str(error["msg"]) or error["type"] in ("dict_type", "dataclass_type")
    if not expects_mapping or not isinstance(value, Scalar):
        return ""
    if value.is_null and any(_YEAR_KEY.fullmatch(str(key)) for key in source.root):
        return f"; {_INDENT_YEARS}"
    match = None if value.quoted else _NO_SPACE.fullmatch(value.value)
    if match:
        if match[2].startswith(NBSP):
            return "; the space after the colon is a non-breaking space (U+00A0): delete it and type a space"
        return f"; put a space after the colon: `{printable(match[1])}: {printable(match[2])}`"
    return ""


def _clean_loc(source: SourceFile, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The location without pydantic's validator markers ("function-before[...]").

    A part that names a key written in the file is kept even when it contains
    "[": keys are user data (fuzzing found a key ``a[b]`` emptying the location).
    """
    node: Any = source.root
    kept: list[Any] = []
    for part in loc:
        in_mapping = isinstance(node, Mapping) and part in node
        in_sequence = isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_sequence:
            node = node[part]
        elif isinstance(part, str) and "[" in part and part != "[key]":
            continue
        else:
            node = None
        kept.append(part)
    return tuple(kept)


def _generic(error: Any) -> str:
    expected = {
        "dict_type": "a mapping of keys to values",
        "list_type": "a list",
        "tuple_type": "a list",
        "dataclass_type": "a mapping of keys to values",
        "dataclass_args_type": "a mapping of keys to values",
    }.get(error["type"])
    if expected:
        return f"expected {expected}, found {found(error.get('input'))}"
    return str(error["msg"])


def _where(loc: tuple[Any, ...]) -> str:
    """A key path for messages: ``budget.2023/24``."""
    return ".".join(str(part) for part in loc if part != "[key]")


def _in(loc: tuple[Any, ...]) -> str:
    return f" in {_where(loc)}" if loc else ""
