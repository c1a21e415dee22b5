"""One shape for every problem budgetctl reports, from any stage; one base for the failures
a user fixes (``UserError``); text safety for anything shown."""

from __future__ import annotations

import re
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Frozen:
    """A frozen value compared field by field (``__match_args__``, the constructor's order), as a
    frozen dataclass would be; written out because importing dataclasses (with inspect) costs a
    warm summary about 13 ms, more than its own work."""

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _set(self, *values: object) -> None:
        for name, value in zip(self.__match_args__, values, strict=True):
            object.__setattr__(self, name, value)

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{type(self).__name__}({shown})"


class Diagnostic(Frozen):
    """A problem at a place: ``file:line:column`` (both from 1), a stable code, a fix."""

    __slots__ = ("code", "column", "file", "line", "message", "severity")
    __match_args__ = ("code", "severity", "message", "file", "line", "column")

    code: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int

    def __init__(self, code: str, severity: Severity, message: str, file: str, line: int = 1, column: int = 1) -> None:
        set_field = object.__setattr__  # spelled out, not ``_set``: made by the thousand, at half the cost
        set_field(self, "code", code)
        set_field(self, "severity", severity)
        set_field(self, "message", message)
        set_field(self, "file", file)
        set_field(self, "line", line)
        set_field(self, "column", column)

    def _fields(self) -> tuple[str, Severity, str, str, int, int]:  # spelled out: problems are compared by the thousand
        return (self.code, self.severity, self.message, self.file, self.line, self.column)

    def __reduce__(self) -> tuple[type[Diagnostic], tuple[str, Severity, str, str, int, int]]:
        return (Diagnostic, self._fields())

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_json(self) -> dict[str, object]:
        """A problem as JSON: these keys are a contract that scripts and CI read."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)


class UserError(Exception):
    """A failure the person running budgetctl can fix, not a problem in the ledger: no ledger
    found, a bad option, a git or write failure. str() is the one line shown on stderr;
    ``exit_code`` is the run's (2 unless the subclass or the raiser says otherwise).
    The command line handles every one of them in one place."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


def count_errors(diagnostics: list[Diagnostic], *, strict: bool = False) -> int:
    """Problems that fail a run: errors, and warnings too under ``--strict``."""
    return sum(1 for d in diagnostics if d.is_error or strict)


# Text safety: what any output may show of text that came from a ledger or a file name.
# C0 controls but tab/LF/CR, DEL, C1, zero-width, bidi controls, line/paragraph
# separators, and U+FEFF (allowed only as the very first character).
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def describe_char(char: str) -> str:
    """A visible name for an invisible character: ``U+202E``."""
    return f"U+{ord(char):04X}"


# What output escapes: everything FORBIDDEN, plus tab, LF and CR, so that no text from a
# ledger or a file name ever starts a line of its own (a CI runner obeys a line that
# starts "::error" or "::add-mask::"). U+0085, U+2028 and U+2029 are already FORBIDDEN.
UNPRINTABLE = re.compile(f"[\t\n\r{FORBIDDEN.pattern[1:-1]}]")


def visible(text: str) -> str:
    """Invisible characters escaped, line breaks kept: for formats with their own escaping of
    line breaks (GitHub annotations encode them as %0A, so a file name keeps its real spelling)."""
    return FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(text: str) -> str:
    """Text safe to show as (part of) one line on a terminal or in CI logs: every control,
    line break, line separator and invisible character escaped as ``\\u000a``."""
    return UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
