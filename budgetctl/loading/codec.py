"""The cache's codec: a file's check as plain JSON-safe data, and back, exactly.

An entry is ``[loader problems, schema problems or None when the file did not
load, the record's fields as JSON-safe values or None when it is invalid]``;
money is exact decimal text. Decoding refuses (``Malformed``) anything but the
exact shape this version writes, and holds every value to the rules a value
parsed from a file meets (its converter runs on it again), without pydantic.
The worker pool sends the same entries through its pipes.
"""

from __future__ import annotations

import binascii
import datetime
import operator
import re
import sys
from array import array
from base64 import b64decode, b64encode
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from budgetctl import plainclass
from budgetctl.diagnostics import FORBIDDEN, Diagnostic, Severity
from budgetctl.loading.checks import FileCheck
from budgetctl.model.money import MONEY_TEXT, exact_decimal_text
from budgetctl.model.periods import year_bounds
from budgetctl.model.records import is_record, shared
from budgetctl.model.shape import Shape, fields
from budgetctl.model.source import Scalar

if TYPE_CHECKING:  # a check of project files decodes no actuals: the module is imported where they are
    from budgetctl.model.actuals import ActualColumns


class Malformed(Exception):
    """A cache entry that does not have exactly the shape this version writes."""


def to_entry(checked: FileCheck) -> list[Any]:
    """One file's check as an entry."""
    return [
        encode_problems(checked.load_problems),
        None if checked.schema_problems is None else encode_problems(checked.schema_problems),
        None if checked.project is None else encode_model(checked.project),
    ]


def from_entry(entry: list[Any], path: str, decode: Callable[[Any], Any]) -> FileCheck:
    """A check rebuilt from an entry: ``[loader problems, schema problems, project]``."""
    if type(entry) is not list or len(entry) != 3:
        raise Malformed("entry")
    load, schema, data = entry
    if (schema is None and data is not None) or (data is not None and type(schema) is not list):
        raise Malformed("entry")
    return FileCheck(
        decode_problems(load, path),
        None if schema is None else decode_problems(schema, path),
        None if data is None else decode(data),
    )


def encode_problems(problems: list[Diagnostic]) -> list[list[Any]]:
    return [encode_problem(p) for p in problems]


def encode_problem(p: Diagnostic) -> list[Any]:
    return [p.code, p.severity.value, p.message, p.line, p.column]


def decode_problems(items: Any, path: str) -> list[Diagnostic]:
    if type(items) is not list:
        raise Malformed("problems")
    return [decode_problem([path, *item] if type(item) is list else item) for item in items]


def decode_problem(item: Any) -> Diagnostic:
    """A problem from ``[file, code, severity, message, line, column]``."""
    if type(item) is not list or len(item) != 6:
        raise Malformed("problem")
    path, code, severity, message, line, column = item
    if any(type(text) is not str for text in (path, code, message)) or type(line) is not int or type(column) is not int:
        raise Malformed("problem")
    try:
        level = Severity(severity)
    except ValueError:
        raise Malformed("severity") from None
    return Diagnostic(code, level, message, path, line, column)


def encode_value(value: Any) -> Any:
    """A validated value as JSON-safe data; anything unexpected refuses to be cached."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is Decimal:
        if not value.is_finite():
            raise Malformed("a non-finite amount")
        return str(value)  # exact: Decimal(str(d)) has the same digits and exponent
    if kind is datetime.date:
        return value.isoformat()
    if kind is tuple:
        return [encode_value(v) for v in value]
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise Malformed("a key that is not text")
        return {k: encode_value(v) for k, v in value.items()}
    if is_record(value):
        return encode_model(value)
    raise Malformed(f"a value of type {kind.__name__}")


def encode_model(record: Any) -> dict[str, Any]:
    """The fields that differ from their defaults (which are filled in again on decode)."""
    read, defaults = _reader(type(record))
    found: dict[str, Any] = {}
    # The common values inline (text, absent, an amount, a list of texts, amounts by year):
    # the same JSON-safe value ``encode_value`` gives, which takes anything else.
    for (name, default), value in zip(defaults, read(record), strict=True):
        if value is default:  # None, (), False: left out, as an equal value of the same type is
            continue
        kind = type(value)
        if value == default and kind is type(default):
            continue
        if kind is str or value is None or kind is bool:
            found[name] = value
        elif kind is Decimal and value.is_finite():
            found[name] = str(value)
        elif kind is tuple and all(type(item) is str for item in value):
            found[name] = list(value)
        elif kind is dict and all(type(k) is str and type(v) is Decimal and v.is_finite() for k, v in value.items()):
            found[name] = {k: str(v) for k, v in value.items()}
        else:
            found[name] = encode_value(value)
    return found


def _reader(record: type) -> tuple[Callable[[Any], tuple[Any, ...]], tuple[tuple[str, Any], ...]]:
    """A record's fields read at once, and each field's (name, default)."""
    found = _READERS.get(record)
    if found is None:
        defaults = tuple(_defaults(record).items())
        names = [name for name, _ in defaults]
        get = operator.attrgetter(*names)
        read = get if len(names) > 1 else (lambda value: (get(value),))
        found = _READERS[record] = (read, defaults)
    return found


_READERS: dict[type, tuple[Callable[[Any], tuple[Any, ...]], tuple[tuple[str, Any], ...]]] = {}


def _defaults(record: type) -> dict[str, Any]:
    """Each field's default (``_MISSING`` for a required one; a factory's value, made once)."""
    found = _DEFAULTS.get(record)
    if found is None:
        found = _DEFAULTS[record] = {f.name: _MISSING if f.required else f.default_value() for f in fields(record)}
    return found


_DEFAULTS: dict[type, dict[str, Any]] = {}


# --- decoding: one decoder per field, built from the record's shape ---------------


def _text(value: Any) -> str:
    if type(value) is not str:
        raise Malformed("text")
    return shared(value)


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise Malformed("true/false")
    return value


def decode_amount(value: Any) -> Decimal:
    """An amount as the cache holds it (its exact text); Malformed otherwise."""
    amount = exact_decimal_text(value)
    if amount is None:
        raise Malformed("amount")
    return amount


def _date(value: Any) -> datetime.date:
    if type(value) is not str:
        raise Malformed("date")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Malformed("date") from None


_SCALARS = {str: _text, bool: _flag, Decimal: decode_amount, datetime.date: _date}


def _held_to_the_rules(decode: Any, convert: Any, key: bool) -> Any:
    """``decode``, then the same conversion a value parsed from a file goes through: a cache
    entry is data that could have been forged (a restored CI cache), so a negative amount,
    a bad year or id, an empty title or a forbidden character in it is refused, never used."""

    checked: dict[Any, Any] = {}  # text already held to the rules (years, ids, names repeat)

    def decode_checked(value: Any) -> Any:
        if type(value) is str:
            hit = checked.get(value)
            if hit is not None:
                return hit
        decoded = decode(value)
        text = value if type(value) is str else "true" if value is True else "false" if value is False else None
        if text is None or _UNSAFE.search(text):
            raise Malformed("a value no ledger file can hold")
        try:
            # Keys reach the converter as text, values as scalars: exactly as when parsing.
            converted = convert(text if key else Scalar(text, 1, 1, False))
        except Exception:  # the converter's own refusal (a pydantic error, raised lazily)
            raise Malformed("a value the ledger's rules refuse") from None
        if converted != decoded:
            raise Malformed("a value written otherwise than parsing gives")
        if type(converted) is str:
            converted = shared(converted)
        if type(value) is str:
            checked[value] = converted
        return converted

    return decode_checked


def _money_decoder(checked: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``checked`` (the money converter held to the rules), with a quick way for the text the cache
    writes for every amount: digits, a point and two decimals, which the money converter turns
    into exactly ``Decimal(text)`` (its quantize to the penny changes nothing). Any other text
    takes the whole way."""

    def decode(value: Any) -> Any:
        if type(value) is str and value[-3:-2] == "." and MONEY_TEXT.fullmatch(value):
            return Decimal(value)
        return checked(value)

    return decode


# What parsing never lets into a value: the loader's forbidden characters, and CR.
_UNSAFE = re.compile(f"[\r{FORBIDDEN.pattern[1:-1]}]")


def _decoder(shape: Shape, key: bool = False) -> Any:
    """A function from cached JSON to the value the validator built."""
    if shape.kind == "scalar":
        base = _SCALARS[shape.type]
        if not shape.converters:
            return base
        checked = _held_to_the_rules(base, shape.converters[0].func, key)
        if shape.type is Decimal and not key and shape.converters[0].name == "money":
            return _money_decoder(checked)
        return checked
    if shape.kind == "optional":
        inner = _decoder(shape.items[0])
        return lambda value: None if value is None else inner(value)
    if shape.kind == "list":
        item = _decoder(shape.items[0])

        def decode_tuple(value: Any) -> tuple[Any, ...]:
            if type(value) is not list:
                raise Malformed("list")
            return tuple(item(v) for v in value)

        return decode_tuple
    if shape.kind == "mapping":
        key_decoder, value_of = _decoder(shape.items[0], key=True), _decoder(shape.items[1])

        def decode_dict(value: Any) -> dict[Any, Any]:
            if type(value) is not dict:
                raise Malformed("mapping")
            return {key_decoder(k): value_of(v) for k, v in value.items()}

        return decode_dict
    return model_decoder(shape.type)


_MODEL_DECODERS: dict[type, Any] = {}
_MISSING = object()


def model_decoder(model: type) -> Any:
    """A function from an encoded record back to the record, each value held to the rules a
    parsed value meets (the record's own shape, not pydantic, is rebuilt: a warm run never
    imports pydantic)."""
    if model in _MODEL_DECODERS:
        return _MODEL_DECODERS[model]
    try:
        kinds = {field.name: _field_decoder(field.shape) for field in fields(model)}
    except TypeError as exc:  # an annotation the records do not use: not cached
        raise Malformed(str(exc)) from None

    def decode(value: Any) -> Any:
        try:
            return model(**_decode_fields(value, kinds))
        except TypeError:  # a required field missing
            raise Malformed("missing field") from None

    _MODEL_DECODERS[model] = decode
    return decode


def field_decoders(model: type, names: tuple[str, ...]) -> dict[str, Any]:
    """The decoders of the fields ``names`` of ``model``, each holding a value to the rules as
    ``model_decoder`` does: for a reader that needs only those fields of an encoded record."""
    try:
        found = {field.name: _field_decoder(field.shape) for field in fields(model) if field.name in names}
    except TypeError as exc:  # an annotation the records do not use: not cached
        raise Malformed(str(exc)) from None
    if len(found) != len(names):
        raise Malformed("not a field")
    return found


def field_defaults(model: type, names: tuple[str, ...]) -> dict[str, Any]:
    """The defaults of those of the fields ``names`` of ``model`` that have one: what a reader of
    ``field_decoders`` takes for a field the encoded record leaves out (``encode_model`` leaves
    out a default, and ``model_decoder`` fills it in again from the same values)."""
    return {name: value for name, value in _defaults(model).items() if name in names and value is not _MISSING}


def _field_decoder(shape: Shape) -> Any:
    """A field's decoder; an optional field (``X | None`` under its converter) may be null, and
    its value otherwise goes through that converter."""
    if shape.kind == "optional" and shape.converters:
        decode = _decoder(plainclass.replace(shape.items[0], converters=shape.converters))
        return lambda value: None if value is None else decode(value)
    return _decoder(shape)


def _decode_fields(value: Any, kinds: dict[str, Any]) -> dict[str, Any]:
    if type(value) is not dict:
        raise Malformed("model")
    decoded = {}
    for name, item in value.items():
        kind = kinds.get(name)
        if kind is None:
            raise Malformed("unknown field")
        decoded[name] = kind(item)
    return decoded


class LazyMapping(Mapping[str, Any]):
    """A mapping whose keys are decoded now and whose values are decoded (held to the rules,
    as ``model_decoder`` holds them) when first asked for: a check of a few changed files
    reads the streams they name, not every stream of streams.yaml."""

    def __init__(self, encoded: dict[str, Any], key: Callable[[Any], Any], value: Callable[[Any], Any]) -> None:
        self._encoded = {key(k): v for k, v in encoded.items()}
        self._value = value
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        found = self._decoded.get(name)
        if found is None:
            found = self._decoded[name] = self._value(self._encoded[name])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._encoded)

    def __len__(self) -> int:
        return len(self._encoded)


def lazy_field(model: type, name: str, value: Any, parse: Callable[[Any], Any] | None = None) -> LazyMapping:
    """The field ``name`` of ``model`` (a mapping) from its encoded ``value``, its values decoded
    on use (``parse``: what makes each stored value the encoded one first, when it is kept as text)."""
    if type(value) is not dict:
        raise Malformed("mapping")
    shape = next(f.shape for f in fields(model) if f.name == name)
    if shape.kind != "mapping":
        raise Malformed("not a mapping field")
    decode = _decoder(shape.items[1])
    if parse is not None:
        decode = lambda item, decode=decode: decode(parse(item))  # noqa: E731
    return LazyMapping(value, _decoder(shape.items[0], key=True), decode)


# --- actuals files: their problems and their figures as columns ---------------------------
# An actuals entry is ``[problems, None, columns]``: the columns (``model.actuals.ActualColumns``)
# as the projects' ids, each array's bytes in base64, with the machine's layout, the kinds'
# bytes and the references joined by line breaks (which a cell cannot hold), so a warm run
# decodes 120,000 rows as a few arrays and one split instead of a row object each.

_LAYOUT = f"{sys.byteorder}:{array('i').itemsize}:{array('q').itemsize}"
_MAX_PENCE = 10**14  # twelve digits of pounds and two of pence: the largest amount a row can hold


def encode_actuals(problems: list[Diagnostic], columns: ActualColumns, path: str) -> list[Any]:
    """One actuals file's problems and columns as an entry (Malformed: a problem located elsewhere)."""
    if any(p.file != path for p in problems):
        raise Malformed("a problem in another file")
    return [
        encode_problems(problems),
        None,
        {
            "layout": _LAYOUT,
            "projects": list(columns.projects),
            **{name: b64encode(getattr(columns, name).tobytes()).decode("ascii") for name in _ARRAYS},
            "kinds": b64encode(columns.kinds).decode("ascii"),
            "references": "\n".join(columns.references),
        },
    ]


def decode_actuals(entry: Any, path: str, year: str) -> tuple[list[Diagnostic], ActualColumns]:
    """An actuals entry back, every value held to what reading the file allows: ids of the
    project form, dates inside the file's year, amounts within the money limit, and indexes
    and lengths that fit (Malformed otherwise)."""
    from budgetctl.loading.actuals import PROJECT_ID
    from budgetctl.loading.csvsubset import MAX_ROWS
    from budgetctl.model.actuals import KINDS, ActualColumns

    if type(entry) is not list or len(entry) != 3 or entry[1] is not None or type(entry[2]) is not dict:
        raise Malformed("actuals entry")
    problems = decode_problems(entry[0], path)
    data = entry[2]
    if set(data) != {"layout", "projects", "kinds", "references", *_ARRAYS} or data["layout"] != _LAYOUT:
        raise Malformed("actuals columns")
    projects = data["projects"]
    # Types first: an unhashable value would make set() raise, not refuse. Each pass runs in
    # C: a year of monthly files names every project twelve times.
    if type(projects) is not list or not set(map(type, projects)) <= {str} or len(set(projects)) != len(projects):
        raise Malformed("actuals projects")
    if not all(map(PROJECT_ID.fullmatch, projects)):
        raise Malformed("actuals project id")
    arrays = {}
    for name, code in _ARRAYS.items():
        text = data[name]
        if type(text) is not str:
            raise Malformed("actuals column")
        found = array(code)
        try:
            found.frombytes(b64decode(text, validate=True))
        except (ValueError, binascii.Error):
            raise Malformed("actuals column") from None
        arrays[name] = found
    days, who, pence = arrays["days"], arrays["who"], arrays["pence"]
    kinds, references = data["kinds"], data["references"]
    if type(kinds) is not str or type(references) is not str:
        raise Malformed("actuals column")
    try:
        kinds = b64decode(kinds, validate=True)
    except (ValueError, binascii.Error):
        raise Malformed("actuals column") from None
    references = tuple(references.split("\n")) if days else ()
    if not len(days) == len(who) == len(pence) == len(kinds) == len(references) <= MAX_ROWS:
        raise Malformed("actuals column lengths")
    if kinds and max(kinds) >= len(KINDS):
        raise Malformed("actuals kind")
    if not all(map(str.strip, references)):  # a reference is never blank
        raise Malformed("actuals reference")
    if days:
        first, last = year_bounds(year)
        if min(days) < first.toordinal() or max(days) > last.toordinal():
            raise Malformed("actuals date")
        if min(who) < 0 or max(who) >= len(projects):
            raise Malformed("actuals project index")
        if min(pence) <= -_MAX_PENCE or max(pence) >= _MAX_PENCE:
            raise Malformed("actuals amount")
    return problems, ActualColumns(tuple(projects), days, who, pence, references, kinds)


_ARRAYS = {"days": "i", "who": "i", "pence": "q"}
