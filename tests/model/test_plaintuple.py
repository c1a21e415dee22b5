"""``model.plaintuple.NamedTuple`` makes what ``typing.NamedTuple`` makes of the same class body:
a tuple with named fields, its docstring, methods and properties, compared as a tuple."""

from __future__ import annotations

import pickle
import typing
from decimal import Decimal

import pytest

from budgetctl.model import plaintuple


class Plain(plaintuple.NamedTuple):
    """Money in a year."""

    year: str
    budget: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget - self.spent

    def label(self) -> str:
        return f"{self.year}: {self.left}"


class Typed(typing.NamedTuple):
    """Money in a year."""

    year: str
    budget: Decimal
    spent: Decimal


def test_a_plain_tuple_is_what_typing_makes() -> None:
    plain = Plain("2023/24", Decimal("10.50"), Decimal("2.25"))
    typed = Typed("2023/24", Decimal("10.50"), Decimal("2.25"))
    assert plain == typed == ("2023/24", Decimal("10.50"), Decimal("2.25"))
    assert hash(plain) == hash(typed)
    assert Plain._fields == Typed._fields == ("year", "budget", "spent")
    assert repr(plain) == repr(typed).replace("Typed", "Plain")
    assert plain._replace(spent=Decimal(1)) == ("2023/24", Decimal("10.50"), Decimal(1))
    assert plain._asdict() == {"year": "2023/24", "budget": Decimal("10.50"), "spent": Decimal("2.25")}
    assert (plain.left, plain.label()) == (Decimal("8.25"), "2023/24: 8.25")
    assert Plain.__doc__ == "Money in a year."
    assert (Plain.__module__, Plain.__qualname__) == (__name__, "Plain")
    assert pickle.loads(pickle.dumps(plain)) == plain  # the class is found again by its name
    assert isinstance(plain, tuple) and not hasattr(plain, "__dict__")
    with pytest.raises(AttributeError):
        plain.year = "2024/25"  # type: ignore[misc]


def test_fields_with_defaults_are_refused() -> None:
    with pytest.raises(TypeError, match="no defaults"):

        class Defaulted(plaintuple.NamedTuple):
            year: str = "2023/24"


def test_methods_using_super_are_refused() -> None:
    with pytest.raises(TypeError, match="super"):

        class Super(plaintuple.NamedTuple):
            year: str

            def __repr__(self) -> str:
                return super().__repr__()
