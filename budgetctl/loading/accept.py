"""A record from a loaded file without pydantic, for the few files a check of changes validates.

``accepted`` walks a record's shape (``model.shape``) as the validator ``schema`` builds does:
each annotation's converters (the last one first), then its kind. It only ever accepts: at
anything it is not sure the validator would take exactly so (an unknown or missing key, a
converter that refuses, a value of another type), it returns None and the caller validates the
file with ``schema``, which finds and words every problem. Importing pydantic-core and building
its validator costs some 25 ms, many times the work of one file.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from budgetctl.model.shape import Shape, fields

M = TypeVar("M")


class _Unsure(Exception):
    """The validator may not take this value as it is: let it decide."""


def accepted(model: type[M], root: Any) -> M | None:
    """``root`` as a ``model`` when the validator would give exactly that; None when unsure."""
    try:
        return _record(model, root)
    except Exception:  # _Unsure, or a converter refused: the validator says why
        return None


def _value(shape: Shape, value: Any) -> Any:
    for converter in reversed(shape.converters):
        value = converter.func(value)
    kind = shape.kind
    if kind == "scalar":
        wanted = shape.type
        if type(value) is not wanted or (wanted is Decimal and not value.is_finite()):
            raise _Unsure
        return value
    if kind == "optional":
        return None if value is None else _value(shape.items[0], value)
    if kind == "list":
        if not isinstance(value, list):
            raise _Unsure
        item = shape.items[0]
        return tuple(_value(item, v) for v in value)
    if kind == "mapping":
        if not isinstance(value, dict):
            raise _Unsure
        key, item = shape.items
        return {_value(key, k): _value(item, v) for k, v in value.items()}
    return _record(shape.type, value)


def _record(record: type, value: Any) -> Any:
    if not isinstance(value, dict):
        raise _Unsure
    found: dict[str, Any] = {}
    known = 0
    for field in fields(record):
        if field.key in value:
            known += 1
            found[field.name] = _value(field.shape, value[field.key])
        elif field.required:
            raise _Unsure
        else:
            found[field.name] = field.default_value()
    if known != len(value):  # a key the record does not have
        raise _Unsure
    return record(**found)
