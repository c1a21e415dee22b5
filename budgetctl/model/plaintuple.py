"""``typing.NamedTuple``'s class syntax without importing typing, whose import costs a warm
summary more than building its table: the class made is ``collections.namedtuple``'s, with
the body's docstring, methods and properties. Fields have no defaults.

Modules write ``if TYPE_CHECKING: from typing import NamedTuple`` and ``else: from
budgetctl.model.plaintuple import NamedTuple``, so type checkers see typing's own.
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# What a class body holds that is not a field, a method or a property of the tuple.
_MADE_BY_PYTHON = ("__annotations__", "__module__", "__qualname__", "__slots__")


class _Maker(type):
    def __new__(cls, name: str, bases: tuple[type, ...], body: dict[str, Any]) -> Any:
        if not bases:  # NamedTuple itself
            return super().__new__(cls, name, bases, body)
        fields = list(body.get("__annotations__", {}))
        if any(field in body for field in fields):
            raise TypeError(f"{name}: a plain tuple's fields have no defaults")
        if "__classcell__" in body:  # a method using super() or __class__: the cell would stay empty
            raise TypeError(f"{name}: a plain tuple's methods do not use super()")
        made = namedtuple(name, fields, module=body["__module__"])  # type: ignore[misc]
        made.__qualname__ = body["__qualname__"]
        for key, value in body.items():
            if key not in _MADE_BY_PYTHON:
                setattr(made, key, value)
        return made


class NamedTuple(metaclass=_Maker):
    """Subclass it as ``typing.NamedTuple``: annotated fields, then methods and properties."""
