"""Strict UTF-8 decoding shared by the YAML and CSV readers."""

from __future__ import annotations

from typing import Protocol


class Problems(Protocol):
    def add(self, code: str, message: str, line: int = 1, column: int = 1) -> None: ...


def decode_utf8(data: bytes, problems: Problems, code: str, save_as: str, *, refuse_nuls: bool = False) -> str | None:
    """Strict UTF-8 with one optional leading BOM; the first bad byte is located.

    Each failure is one ``code`` problem whose fix says "save it as ``save_as``". With
    ``refuse_nuls``, text that is a quarter NUL bytes (UTF-16 or UTF-32 without a BOM) is refused.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(code, f"the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as {save_as}")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if refuse_nuls and data.count(b"\x00") > len(data) // 4 > 0:
        problems.add(code, f"the file looks like UTF-16 or UTF-32 (many NUL bytes); save it as {save_as}")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8", "replace")) + 1
        problems.add(
            code,
            f"byte 0x{data[exc.start]:02x} is not UTF-8 (Windows-1252 '£' is 0xa3); save the file as {save_as}",
            line,
            column,
        )
        return None
