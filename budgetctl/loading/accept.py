"""A record from a loaded file without pydantic, for the few files a check of changes validates.

``accepted`` walks a record's shape (``model.shape``) as the validator ``schema`` builds does:
each annotation's converters (the last one first), then its kind. It only ever accepts: at
anything it is not sure the validator would take exactly so (an unknown or missing key, a
converter that refuses, a value of another type), it returns None and the caller validates the
file with ``schema``, which finds and words every problem. Importing pydantic-core and building
its validator costs some 25 ms, many times the work of one file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from decimal import Decimal
from itertools import repeat
from operator import call
from types import MemberDescriptorType
from typing import Any, TypeVar

from budgetctl.model.shape import MISSING, Shape, fields
from budgetctl.model.source import Scalar
from budgetctl.plainclass import wrote_init

M = TypeVar("M")


class _Unsure(Exception):
    """The validator may not take this value as it is: let it decide."""


def accepted(model: type[M], root: Any) -> M | None:
    """``root`` as a ``model`` when the validator would give exactly that; None when unsure.
    The shape walked for each value: the reference ``builder`` is held to by the tests (the
    checks use ``builder``, which walks it once)."""
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


def builder(model: type[M]) -> Callable[[Any], M | None]:
    """``accepted`` for one model, its shape walked once: a function of ``root`` that gives
    exactly what ``accepted(model, root)`` gives (the same converters on the same values in the
    same cases, None whenever that is None), without walking the shape again for every file."""
    found = _BUILDERS.get(model)
    if found is None:
        build = _compile_record(model)

        def found(root: Any) -> Any:
            try:
                return build(root)
            except Exception:  # _Unsure, or a converter refused: the validator says why
                return None

        _BUILDERS[model] = found
    return found


_BUILDERS: dict[type, Callable[[Any], Any]] = {}


def _compile(shape: Shape) -> Callable[[Any], Any]:
    """``_value(shape, ·)`` as a function."""
    converters = tuple(converter.func for converter in reversed(shape.converters))
    value_shape, nullable = shape, False
    if shape.kind == "optional" and shape.items[0].kind == "scalar" and not shape.items[0].converters:
        value_shape, nullable = shape.items[0], True
    if value_shape.kind == "scalar" and len(converters) <= 1:
        repeated = {converter.name for converter in shape.converters} <= _REPEATED
        return _scalar(value_shape.type, converters[0] if converters else None, nullable, repeated)
    check: Callable[[Any], Any]
    kind = shape.kind
    if kind == "scalar":
        check = _scalar(shape.type, None, False, False)
    elif kind == "optional":
        inner = _compile(shape.items[0])

        def check(value: Any) -> Any:
            return None if value is None else inner(value)

    elif kind == "list":
        item = _compile(shape.items[0])

        def check(value: Any) -> Any:
            if not isinstance(value, list):
                raise _Unsure
            return tuple([item(v) for v in value])

    elif kind == "mapping":
        key, item = _compile(shape.items[0]), _compile(shape.items[1])

        def check(value: Any) -> Any:
            if not isinstance(value, dict):
                raise _Unsure
            return {key(k): item(v) for k, v in value.items()}

    else:
        check = _compile_record(shape.type)
    if not converters:
        return check

    def converted(value: Any) -> Any:
        for convert in converters:
            value = convert(value)
        return check(value)

    return converted


# Converters whose texts repeat from file to file (a stream's id, a year, a date, a choice):
# each one's result for a short text is kept and given again. A converter's result depends on
# the text and whether it was quoted alone, and every result is immutable.
_REPEATED = {"id", "year", "flag", "date", "one-of"}
_KEPT_TEXT = 40  # characters
_KEPT_MAX = 10_000  # results per converter and quoting


def _scalar(wanted: Any, convert: Callable[[Any], Any] | None, nullable: bool, repeated: bool) -> Callable[[Any], Any]:
    """A scalar's value after its converter (if any): exactly of type ``wanted`` (a finite
    Decimal), or None when ``nullable``. With ``repeated``, a result is kept by its text."""

    def check(value: Any) -> Any:
        if convert is not None:
            value = convert(value)
        if type(value) is wanted:
            if wanted is not Decimal or value.is_finite():
                return value
        elif value is None and nullable:
            return None
        raise _Unsure

    if convert is None or not repeated:
        return check
    plain: dict[str, Any] = {}
    quoted: dict[str, Any] = {}

    def kept(value: Any) -> Any:
        if type(value) is not Scalar:
            return check(value)
        results = quoted if value.quoted else plain
        text = value.value
        found = results.get(text)
        if found is None:
            found = check(value)
            if found is not None and len(text) <= _KEPT_TEXT and len(results) < _KEPT_MAX:
                results[text] = found
        return found

    return kept


def _compile_record(record: type) -> Callable[[Any], Any]:
    """``_record(record, ·)`` as a function: the same fields from the same keys (each read once,
    in the file's order: a converter's result depends on its value alone)."""
    by_key, start, finish = record_parts(record)

    def build(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _Unsure
        values = start.copy()
        for key, item in value.items():
            found = by_key.get(key)
            if found is None:  # a key the record does not have
                raise _Unsure
            values[found[0]] = found[1](item)
        return finish(values)

    return build


Parts = tuple[dict[str, tuple[int, Callable[[Any], Any]]], list[Any], Callable[[list[Any]], Any]]
_PARTS: dict[type, Parts] = {}


def record_parts(record: type) -> Parts:
    """What ``builder`` builds a record with, for a reader that meets its keys one by one
    (``checks.quick_project``): each key's (field position, value's function: it raises when
    unsure), the values before the file's (``start``: copy it), and ``finish``, which gives the
    record of the values set (raising when a required one is missing)."""
    found = _PARTS.get(record)
    if found is not None:
        return found
    known = fields(record)
    by_key = {field.key: (i, _compile(field.shape)) for i, field in enumerate(known)}
    # Each field's value before the file's: its default, or a mark that it is required or made fresh.
    start = [
        _REQUIRED if field.required else _FACTORY if field.default_factory is not MISSING else field.default
        for field in known
    ]
    marked = [(i, field.default_factory) for i, field in enumerate(known) if start[i] in (_REQUIRED, _FACTORY)]
    names = [field.name for field in known]
    # The record's slots set as its frozen dataclass __init__ sets them (object.__setattr__), without
    # the call by keywords; any other kind of record is made by its __init__.
    slots = [record.__dict__.get(name) for name in names]
    plain = (
        all(type(slot) is MemberDescriptorType for slot in slots)
        and wrote_init(record)
        and not hasattr(record, "__post_init__")
    )
    setters = [slot.__set__ for slot in slots] if plain else None  # type: ignore[union-attr]
    width = len(names)

    def finish(values: list[Any]) -> Any:
        for i, factory in marked:
            if values[i] is _REQUIRED:
                raise _Unsure
            if values[i] is _FACTORY:
                values[i] = factory()
        if setters is None:
            return record(**dict(zip(names, values, strict=True)))
        made: Any = object.__new__(record)
        # Each slot set in order (``values`` has one value a slot), the loop run in C: half the cost.
        deque(map(call, setters, repeat(made, width), values), 0)
        return made

    found = _PARTS[record] = (by_key, start, finish)
    return found


_REQUIRED = object()
_FACTORY = object()
