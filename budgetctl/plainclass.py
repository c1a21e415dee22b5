"""``dataclasses``' decorator without importing dataclasses: ``import dataclasses`` brings
``inspect`` (with ``ast``, ``dis`` and ``tokenize``), about 20 ms, and each class it makes compiles
six methods one ``exec`` at a time, about 1 ms a class. A check after one edit makes about 30 and a
``diff`` 55, more than their own work. Here a class's ``__init__``, ``__eq__`` and ``__hash__``
are written in one small ``exec`` when the class first uses one of them (a run makes many
classes it never builds a record of); its other methods are shared.

Type checkers see ``dataclasses``' own names (below): what this module makes must behave as
they say for the options budgetctl uses (``init``, ``repr``, ``eq``, ``frozen``, ``slots``,
``kw_only``; fields with ``default``, ``default_factory``, ``init``, ``repr``, ``compare`` and
``metadata``), and ``tests/test_plainclass.py`` holds it to dataclasses' behaviour. No
``__post_init__``, ``ClassVar``, ``InitVar`` or inheritance between records: each is refused.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass, replace

    def wrote_init(record: type) -> bool:
        """Whether ``record``'s ``__init__`` is the one its decorator writes (not its own)."""
else:

    class _Mark:
        __slots__ = ("shown",)

        def __init__(self, shown: str) -> None:
            self.shown = shown

        def __repr__(self) -> str:
            return self.shown

    MISSING = _Mark("MISSING")
    _WRITTEN = "<budgetctl.plainclass>"  # the file name of the methods written here
    _FACTORY = _Mark("<factory>")  # the parameter a factory field's caller left out

    class FrozenInstanceError(AttributeError):
        """Raised on assigning to a field of a frozen record, as dataclasses' own is."""

    class Field:
        """One field: its name, default or factory, and whether it is an ``__init__`` parameter,
        shown, compared; ``metadata`` as written (dataclasses wraps it read-only)."""

        __slots__ = ("compare", "default", "default_factory", "init", "kw_only", "metadata", "name", "repr", "type")

        def __init__(self, default, default_factory, init, repr, compare, metadata):
            if default is not MISSING and default_factory is not MISSING:
                raise ValueError("cannot specify both default and default_factory")
            self.name = ""
            self.type: object = None
            self.default = default
            self.default_factory = default_factory
            self.init = init
            self.repr = repr
            self.compare = compare
            self.metadata = metadata if metadata is not None else {}
            self.kw_only = False

        def __repr__(self) -> str:
            return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"

    def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, compare=True, metadata=None):
        return Field(default, default_factory, init, repr, compare, metadata)

    def fields(value):
        """The fields of a record or of its class, in the order they are written."""
        try:
            found = value.__dataclass_fields__
        except AttributeError:
            raise TypeError("must be called with a dataclass type or instance") from None
        return tuple(found.values())

    def is_dataclass(value):
        return hasattr(value if isinstance(value, type) else type(value), "__dataclass_fields__")

    def replace(value, /, **changes):
        """A copy of ``value`` with ``changes``, made by its ``__init__`` as dataclasses' is."""
        for info in value.__dataclass_fields__.values():
            if not info.init:
                if info.name in changes:
                    raise ValueError(f"field {info.name} is declared with init=False, it cannot be given to replace()")
            elif info.name not in changes:
                changes[info.name] = getattr(value, info.name)
        return value.__class__(**changes)

    def dataclass(cls=None, /, *, init=True, repr=True, eq=True, frozen=False, slots=False, kw_only=False):
        def wrap(cls):
            return _make(cls, init, repr, eq, frozen, slots, kw_only)

        return wrap if cls is None else wrap(cls)

    def _make(cls, init, show, eq, frozen, slots, kw_only):
        body = cls.__dict__
        if cls.__bases__ != (object,) or "__post_init__" in body:
            raise TypeError(f"{cls.__name__}: a plain record has no base class and no __post_init__")
        known = {}
        for name, annotation in body.get("__annotations__", {}).items():  # strings: annotations are not evaluated
            if isinstance(annotation, str) and annotation.split("[")[0] in ("ClassVar", "typing.ClassVar", "InitVar"):
                raise TypeError(f"{cls.__name__}.{name}: a plain record has no ClassVar or InitVar fields")
            given = body.get(name, MISSING)
            info = given if isinstance(given, Field) else Field(given, MISSING, True, True, True, None)
            if info.default is not MISSING and type(info.default).__hash__ is None:
                raise ValueError(f"mutable default {type(info.default)} for field {name}: use default_factory")
            info.name, info.type, info.kw_only = name, annotation, kw_only
            known[name] = info
        spec = list(known.values())
        made = dict(body)
        for info in spec:
            # The class keeps a default as its attribute, as dataclasses' does, except where slots stand.
            made.pop(info.name, None)
            if info.default is not MISSING and not slots:
                made[info.name] = info.default
        made["__dataclass_fields__"] = known
        made.setdefault("__match_args__", () if kw_only else tuple(i.name for i in spec if i.init))
        # The class is made again (dataclasses does so only for slots): a fresh one has its own descriptors.
        made.pop("__dict__", None)
        made.pop("__weakref__", None)
        if slots:
            made["__slots__"] = tuple(known)
        compared = [i.name for i in spec if i.compare]
        if init:
            _check_order(spec, kw_only)
        writer = _Writer(cls.__qualname__, spec, init, eq and compared, frozen, slots, kw_only)
        if init:
            made.setdefault("__init__", _Lazy(writer, "__init__"))
        if show:
            made.setdefault("__repr__", _repr(cls.__qualname__, [i.name for i in spec if i.repr]))
        if eq:
            made.setdefault("__eq__", _Lazy(writer, "__eq__") if compared else _eq_empty)
            if frozen:
                if "__hash__" in body:
                    raise TypeError(f"Cannot overwrite attribute __hash__ in class {cls.__name__}")
                made["__hash__"] = _Lazy(writer, "__hash__") if compared else _hash_empty
            elif "__hash__" not in body:
                made["__hash__"] = None
        if frozen:
            if "__setattr__" in body or "__delattr__" in body:
                raise TypeError(f"{cls.__name__}: a frozen record defines no __setattr__ or __delattr__")
            made["__setattr__"], made["__delattr__"] = _refuse_set, _refuse_delete
            if slots:
                made["__getstate__"], made["__setstate__"] = _getstate, _setstate
        writer.made = type(cls)(cls.__name__, cls.__bases__, made)
        return writer.made

    class _Lazy:
        """A written method in the class until the class first looks it up (to build, compare or
        hash a record, or to read it, as ``inspect.signature`` does): it then has all of them
        written, puts them in its place and answers with the real one."""

        __slots__ = ("name", "writer")

        def __init__(self, writer, name):
            self.writer, self.name = writer, name

        def __get__(self, instance, owner=None):
            method = self.writer.written()[self.name]
            return method if instance is None else method.__get__(instance, owner)

    class _Writer:
        """What a class's written methods are made from, and the class, once made."""

        __slots__ = ("compared", "frozen", "init", "kw_only", "made", "qualname", "scope", "slots", "spec")

        def __init__(self, qualname, spec, init, compared, frozen, slots, kw_only):
            self.qualname, self.spec, self.init, self.compared = qualname, spec, init, compared
            self.frozen, self.slots, self.kw_only = frozen, slots, kw_only
            self.made, self.scope = None, None

        def written(self):
            """The class's ``__init__``, and its ``__eq__`` and ``__hash__`` over the compared
            fields, compiled in one ``exec`` as dataclasses writes them (each field read by name:
            shared methods reading fields through ``attrgetter`` compare and hash a record at half
            the speed), each put in the class where its stand-in still is."""
            if self.scope is not None:
                return self.scope
            spec, compared = self.spec, self.compared
            scope = {"_FACTORY": _FACTORY, "_set": object.__setattr__}
            source = []
            if self.init:
                source.append(_init_source(spec, scope, self.frozen, self.slots, self.kw_only))
            if compared:
                mine = "(" + "".join(f"self.{name}," for name in compared) + ")"
                theirs = "(" + "".join(f"other.{name}," for name in compared) + ")"
                source.append(
                    "def __eq__(self, other):\n"
                    f"  if other.__class__ is self.__class__:\n    return {mine} == {theirs}\n"
                    "  return NotImplemented\n"
                    f"def __hash__(self):\n  return hash({mine})\n"
                )
            # The text is made of a class's field names, which budgetctl writes: never of data.
            exec(compile("".join(source), _WRITTEN, "exec"), scope)
            if self.init:
                scope["__init__"].__annotations__ = {**{i.name: i.type for i in spec if i.init}, "return": None}
            own = vars(self.made)
            for name in ("__init__", "__eq__", "__hash__"):
                if name in scope:
                    scope[name].__qualname__ = f"{self.qualname}.{name}"
                    standing = own.get(name)
                    if isinstance(standing, _Lazy) and standing.writer is self:
                        setattr(self.made, name, scope[name])
            self.scope = scope
            return scope

    def wrote_init(record):
        """Whether ``record``'s ``__init__`` is the one its decorator writes (not its own)."""
        own = vars(record).get("__init__")
        if isinstance(own, _Lazy):
            return True
        code = getattr(own, "__code__", None)
        return code is not None and code.co_filename == _WRITTEN

    def _check_order(spec, kw_only):
        """Refuse, as the class is made, what ``__init__`` could not be written with."""
        seen_default = False
        for info in spec:
            if info.init and not kw_only:
                has_default = info.default is not MISSING or info.default_factory is not MISSING
                if seen_default and not has_default:
                    raise TypeError(f"non-default argument {info.name!r} follows default argument")
                seen_default = seen_default or has_default

    def _init_source(spec, scope, frozen, slots, kw_only):
        """``__init__``'s text: parameters and assignments as dataclasses writes them; the defaults
        and factories it names are put in ``scope``."""
        parameters, lines = [], []
        for info in spec:
            default_name = f"_dflt_{info.name}"
            if info.init:
                if info.default_factory is not MISSING:
                    scope[default_name] = info.default_factory
                    parameters.append(f"{info.name}=_FACTORY")
                    value = f"{default_name}() if {info.name} is _FACTORY else {info.name}"
                elif info.default is not MISSING:
                    scope[default_name] = info.default
                    parameters.append(f"{info.name}={default_name}")
                    value = info.name
                else:  # never after a default (``_check_order``)
                    parameters.append(info.name)
                    value = info.name
            elif info.default_factory is not MISSING:
                scope[default_name] = info.default_factory
                value = f"{default_name}()"
            elif info.default is not MISSING and slots:  # else the class attribute is read
                scope[default_name] = info.default
                value = default_name
            else:
                continue
            lines.append(f"  _set(self, {info.name!r}, {value})" if frozen else f"  self.{info.name} = {value}")
        marker = "*, " if kw_only and parameters else ""
        return f"def __init__(self, {marker}{', '.join(parameters)}):\n" + ("\n".join(lines) or "  pass") + "\n"

    def _eq_empty(self, other):  # a record with no compared field equals any other of its class
        return True if other.__class__ is self.__class__ else NotImplemented

    def _hash_empty(self):
        return hash(())

    def _repr(qualname, names):
        def __repr__(self):
            shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
            return f"{qualname}({shown})"

        return __repr__

    def _refuse_set(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def _refuse_delete(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _getstate(self):
        return [getattr(self, name) for name in self.__dataclass_fields__]

    def _setstate(self, state):
        for name, value in zip(self.__dataclass_fields__, state, strict=True):
            object.__setattr__(self, name, value)


__all__ = ["MISSING", "Field", "dataclass", "field", "fields", "is_dataclass", "replace", "wrote_init"]
