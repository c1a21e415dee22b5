"""``plainclass`` makes the classes ``dataclasses`` would, for every option budgetctl uses: the same
constructor, defaults, factories, equality, hashing, freezing, slots, ``repr``, ``replace``,
``fields``, pickling and copying."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import sys
import textwrap
from itertools import product
from types import ModuleType
from typing import Any

import pytest

from budgetctl import plainclass

OPTIONS = [
    dict(frozen=frozen, slots=slots, kw_only=kw_only, eq=eq)
    for frozen, slots, kw_only, eq in product((False, True), repeat=4)
    if eq or not frozen
]

BODY = """
@dataclass({options})
class Sample:
    \"\"\"A sample.\"\"\"

    a: int
    b: str = "x"
    c: list[int] = field(default_factory=list)
    d: int = field(default=3, compare=False, repr=False)
    e: dict[str, int] = field(default_factory=dict, init=False, compare=False)
    f: str | None = field(default=None, metadata={{"key": "from"}})

    def total(self) -> int:
        return self.a + self.d
"""


def _module(maker: Any, options: dict[str, bool]) -> ModuleType:
    """``Sample`` made by ``maker`` (dataclasses or plainclass) in a module pickle can find."""
    name = f"_sample_{maker.__name__.rsplit('.', 1)[-1]}_{'_'.join(str(int(v)) for v in options.values())}"
    module = ModuleType(name)
    module.__dict__.update(dataclass=maker.dataclass, field=maker.field)
    sys.modules[name] = module
    shown = ", ".join(f"{k}={v}" for k, v in options.items())
    exec(textwrap.dedent(BODY.format(options=shown)), module.__dict__)
    return module


def _made(options: dict[str, bool]) -> tuple[type, type]:
    return _module(dataclasses, options).Sample, _module(plainclass, options).Sample


def _build(cls: type, kw_only: bool, a: int = 1, **more: Any) -> Any:
    return cls(a=a, **more) if kw_only else cls(a, **more)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(k for k, v in o.items() if v) or "plain")
def test_plain_class_behaves_as_a_dataclass(options: dict[str, bool]) -> None:
    real, plain = _made(options)
    kw_only = options["kw_only"]
    assert str(inspect.signature(plain)) == str(inspect.signature(real))
    assert plain.__match_args__ == real.__match_args__
    assert [(f.name, f.default, f.init, f.repr, f.compare) for f in plainclass.fields(plain)] == [
        (f.name, plainclass.MISSING if f.default is dataclasses.MISSING else f.default, f.init, f.repr, f.compare)
        for f in dataclasses.fields(real)
    ]
    assert plainclass.fields(plain)[-1].metadata == {"key": "from"}
    assert hasattr(plain, "__slots__") == hasattr(real, "__slots__") == options["slots"]

    one, two = _build(real, kw_only, b="y", c=[1]), _build(plain, kw_only, b="y", c=[1])
    assert repr(two).replace("test_plainclass", "") == repr(one).replace("test_plainclass", "")
    assert repr(two) == "Sample(a=1, b='y', c=[1], e={}, f=None)"
    assert two.total() == 4 and two.e == {} and _build(plain, kw_only).c is not _build(plain, kw_only).c
    if not options["slots"]:
        assert vars(two) == vars(one)
    for other, other_real in (
        (_build(plain, kw_only, b="y", c=[1], d=9), True),  # d is not compared
        (_build(plain, kw_only, b="z", c=[1]), False),
    ):
        assert (two == other) is other_real if options["eq"] else two != other
    assert (two == (1, "y")) is False
    hashable = options["frozen"] and options["eq"]
    assert (type(two).__hash__ is None) == (type(one).__hash__ is None)
    if hashable:  # with hashable values: d and e are not compared, so not hashed
        same = [_build(cls, kw_only, b="y", c=(1,), d=d) for cls in (plain, real) for d in (3, 8)]
        assert hash(same[0]) == hash(same[1]) == hash(same[2]) == hash(same[3])
        with pytest.raises(TypeError, match="unhashable"):
            hash(two)
    if options["frozen"]:
        with pytest.raises(AttributeError):
            two.a = 5
        with pytest.raises(AttributeError):
            del two.b
    else:
        two.a = 5
        assert two.a == 5
        two.a = 1

    changed = plainclass.replace(two, b="q")
    assert (changed.a, changed.b, changed.c, changed.d) == (1, "q", [1], 3)
    with pytest.raises(ValueError, match="init=False"):
        plainclass.replace(two, e={})
    again = pickle.loads(pickle.dumps(two))
    assert (again.a, again.b, again.c, again.d, again.e, again.f) == (1, "y", [1], 3, {}, None)
    deep = copy.deepcopy(two)
    assert deep.c == [1] and deep.c is not two.c
    with pytest.raises(TypeError):
        _build(plain, kw_only, z=1)
    if kw_only:
        with pytest.raises(TypeError):
            plain(1)


def test_what_plainclass_refuses_dataclasses_refuses_too() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        @plainclass.dataclass
        class Listed:
            items: list[int] = []  # noqa: RUF012 - the mistake under test

    with pytest.raises(TypeError, match="non-default argument"):

        @plainclass.dataclass
        class Ordered:
            a: int = 1
            b: int  # type: ignore[misc]

    with pytest.raises(TypeError):
        plainclass.fields(object())
    assert plainclass.is_dataclass(_made(OPTIONS[0])[1]) and not plainclass.is_dataclass(1)


def test_a_plain_record_needs_no_dataclasses_import() -> None:
    import subprocess

    code = (
        "import sys\n"
        "from budgetctl.plainclass import dataclass\n"
        "@dataclass(frozen=True, slots=True, kw_only=True)\n"
        "class A:\n    x: int = 1\n"
        "assert A(x=2) == A(x=2) and 'dataclasses' not in sys.modules, sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-I", "-c", code], check=True)


def test_a_class_writes_its_methods_when_first_used() -> None:
    """A run makes many record classes and builds records of few: each class's ``__init__``,
    ``__eq__`` and ``__hash__`` are written when it first builds, compares or is asked for one."""
    made = _module(plainclass, dict(frozen=True, slots=True, kw_only=False, eq=True)).Sample
    assert not inspect.isfunction(vars(made)["__init__"])  # nothing written yet
    assert plainclass.wrote_init(made)
    one = made(1, c=(1,))  # hashable: c is compared, so hashed
    for name in ("__init__", "__eq__", "__hash__"):
        method = vars(made)[name]
        assert inspect.isfunction(method) and method.__qualname__ == f"Sample.{name}", name
    assert plainclass.wrote_init(made) and one == made(1, c=(1,)) and hash(one) == hash(made(1, c=(1,), d=9))

    asked = _module(plainclass, dict(frozen=False, slots=False, kw_only=True, eq=True)).Sample
    assert str(inspect.signature(asked)).startswith("(*, a: 'int', b: 'str' = 'x'")  # asking writes them
    assert inspect.isfunction(vars(asked)["__init__"]) and asked(a=2).a == 2

    @plainclass.dataclass(frozen=True, slots=True)
    class Own:
        a: int

        def __init__(self, a: int) -> None:
            object.__setattr__(self, "a", a * 2)

    assert not plainclass.wrote_init(Own) and Own(2).a == 4
