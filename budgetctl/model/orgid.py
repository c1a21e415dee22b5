"""Organisation identifiers (org-id.guide): a list code from the register, a hyphen, the number.

The register's list codes ship with the package (``data/org_id_lists.json``,
with its source, licence and date; ``scripts/refresh_org_id_lists.py`` renews
it). Where a register's numbers have a well-known shape (a charity number, a
company number) the identifier is checked against it too. The publisher's own
``360G-...`` identifiers, used for organisations with no registration, are accepted.
A list the register has deprecated is still a valid identifier, but a warning
names the list that replaces it where the register says.
"""

from __future__ import annotations

import json
import re
from functools import cache

_OWN = re.compile(r"360G-[A-Za-z0-9_]+(-[A-Za-z0-9_.]+)*")


@cache
def _register() -> list[dict[str, str]]:
    # Imported here: importlib.resources brings shutil, tempfile, lzma and bz2 (about 20 ms),
    # and a ledger without organisation identifiers never reads the register.
    from importlib import resources

    text = resources.files("budgetctl.model").joinpath("data/org_id_lists.json").read_text(encoding="utf-8")
    lists: list[dict[str, str]] = json.loads(text)["lists"]
    return lists


@cache
def org_id_lists() -> dict[str, tuple[re.Pattern[str] | None, str]]:
    """Each list code with the form of its identifiers (None: any) and what to write, in words."""
    found = {}
    for item in _register():
        example = item.get("example") or f"{item['code']}-<number>"
        described = f"expected {item['described']}, e.g. {example}" if item.get("described") else f"e.g. {example}"
        found[item["code"]] = (re.compile(item["form"]) if item.get("form") else None, described)
    return found


@cache
def deprecated_lists() -> dict[str, str | None]:
    """Each list code the register has deprecated, with the code that replaces it (None: not named)."""
    return {item["code"]: item.get("replaced_by") for item in _register() if item.get("deprecated")}


@cache
def _codes_longest_first() -> list[str]:
    # The longest code that prefixes an identifier wins: GB-SC must not swallow GB-SCOTEDU.
    return sorted(org_id_lists(), key=len, reverse=True)


def _list_code(text: str) -> str | None:
    for code in _codes_longest_first():
        if text.startswith(code + "-") and len(text) > len(code) + 1:
            return code
    return None


def org_id_deprecation(text: str) -> str | None:
    """What to write instead when ``text`` is on a list the register has deprecated, else None."""
    code = _list_code(text)
    if code is None or code not in deprecated_lists():
        return None
    replacement = deprecated_lists()[code]
    instead = (
        f"identify the organisation in {replacement} instead (https://org-id.guide/list/{replacement})"
        if replacement
        else f"find the organisation's current identifier from https://org-id.guide/list/{code}"
    )
    return f"{text!r} is on {code}, a list the org-id.guide register has deprecated: {instead}"


def org_id_problem(text: str) -> str | None:
    """Why ``text`` is not an acceptable organisation identifier, or None when it is."""
    if _OWN.fullmatch(text):
        return None
    lists = org_id_lists()
    code = _list_code(text)
    if code is not None:
        form, described = lists[code]
        number = text[len(code) + 1 :]
        if form is None and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", number):
            return None
        if form is not None and form.fullmatch(number):
            return None
        return f"{text!r} is not a valid {code} identifier: {described}"
    prefix = "-".join(text.split("-")[:2])
    return (
        f"{text!r} does not start with a known org-id list code ({prefix!r} is not on the org-id.guide register); "
        "find the organisation's register and number at https://org-id.guide, e.g. GB-CHC-1070468"
    )
