"""THE walker over the records' annotations: what each field of a record holds.

One reading of the annotations in ``records`` (``Annotated`` metadata, optional
values, lists, mappings, nested records, defaults), used by everything that
must know a record's shape: the validator builder (``loading/schema.py``), the
cache codec (``loading/codec.py``), fmt's key order, year maps and money
(``edit/fmt.py``) and the editor schema (``reports/editor_schema.py``, through
the validator's schema). A field is recognised by its converter's ``name``
("money", "year", "id"...), never by the identity of a function.
"""

from __future__ import annotations

import datetime
import types
import typing
from decimal import Decimal
from typing import Any

from budgetctl import plainclass
from budgetctl.model.records import Converter, fields_of, is_record, key_of
from budgetctl.plainclass import dataclass

SCALARS = (str, bool, Decimal, datetime.date)
MISSING = plainclass.MISSING


@dataclass(frozen=True)
class Shape:
    """What an annotation holds.

    ``kind`` is "scalar" (``type``: str, bool, Decimal or datetime.date), "optional"
    (``items``: the value when present), "list" (``items``: the item), "mapping"
    (``items``: key, value) or "record" (``type``: the record class). ``converters``
    are the annotation's ``Converter``s in the order written: each turns the raw
    node into a value before the kind itself is checked, the last one first.
    """

    kind: str
    type: Any = None
    items: tuple[Shape, ...] = ()
    converters: tuple[Converter, ...] = ()

    def present(self) -> Shape:
        """The shape of the value when there is one (through any optional)."""
        shape = self
        while shape.kind == "optional":
            shape = shape.items[0]
        return shape

    def meanings(self) -> set[str]:
        """The names of the converters on this shape and on the value under any optional."""
        found = {c.name for c in self.converters}
        shape = self
        while shape.kind == "optional":
            shape = shape.items[0]
            found.update(c.name for c in shape.converters)
        return found


@dataclass(frozen=True)
class Field:
    """One field of a record: its name, the key it is written as in a file (``class:`` for
    ``variance_class``), its shape and its default (``MISSING`` when it is required)."""

    name: str
    key: str
    shape: Shape
    default: Any = MISSING
    default_factory: Any = MISSING

    @property
    def required(self) -> bool:
        return self.default is MISSING and self.default_factory is MISSING

    def default_value(self) -> Any:
        """The value a record gets when the file leaves the field out (a fresh one from a factory)."""
        return self.default_factory() if self.default_factory is not MISSING else self.default


def shape_of(annotation: Any) -> Shape:
    """The shape of an annotation; TypeError for one the records do not use."""
    converters: tuple[Converter, ...] = ()
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *metadata = typing.get_args(annotation)
        for meta in metadata:
            if not isinstance(meta, Converter):
                raise TypeError(f"unsupported annotation {meta!r}")
        converters = tuple(metadata)
    if annotation in SCALARS:
        return Shape("scalar", annotation, converters=converters)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = next(a for a in args if a is not type(None))
        return Shape("optional", items=(shape_of(inner),), converters=converters)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return Shape("list", items=(shape_of(args[0]),), converters=converters)
    if origin is dict and len(args) == 2:
        return Shape("mapping", items=(shape_of(args[0]), shape_of(args[1])), converters=converters)
    if is_record(annotation):
        return Shape("record", annotation, converters=converters)
    raise TypeError(f"unsupported annotation {annotation!r}")


def fields(record: type) -> tuple[Field, ...]:
    """The record's fields in the order they are written, each with its shape and default."""
    found = _FIELDS.get(record)
    if found is None:
        hints = fields_of(record)
        found = _FIELDS[record] = tuple(
            Field(info.name, key_of(info), shape_of(hints[info.name]), info.default, info.default_factory)
            for info in plainclass.fields(record)
        )
    return found


_FIELDS: dict[type, tuple[Field, ...]] = {}


def fields_at(record: type, loc: tuple[Any, ...]) -> list[str]:
    """The keys of the record found at key path ``loc`` below ``record`` (none when the path
    leads to no record), for "did you mean" hints."""
    shape = Shape("record", record)
    for part in loc:
        shape = shape.present()
        if shape.kind == "record":
            found = next((f for f in fields(shape.type) if f.key == str(part)), None)
            if found is None:
                return []
            shape = found.shape
        elif shape.kind == "mapping":
            shape = shape.items[1]
        elif shape.kind == "list":
            shape = shape.items[0]
        else:
            return []
    shape = shape.present()
    return [f.key for f in fields(shape.type)] if shape.kind == "record" else []
