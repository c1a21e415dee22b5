"""Organisation identifiers (org-id.guide): a list code from the register, a hyphen, the number.

The register's list codes ship with the package (``data/org_id_lists.json``,
with its source, licence and date; ``scripts/refresh_org_id_lists.py`` renews
it). Where a register's numbers have a well-known shape (a charity number, a
company number) the identifier is checked against it too. The publisher's own
``360G-...`` identifiers, used for organisations with no registration, are accepted.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_OWN = re.compile(r"360G-[A-Za-z0-9_]+(-[A-Za-z0-9_.]+)*")


@cache
def org_id_lists() -> dict[str, tuple[re.Pattern[str] | None, str]]:
    """Each list code with the form of its identifiers (None: any) and what to write, in words."""
    text = resources.files("budgetctl.model").joinpath("data/org_id_lists.json").read_text(encoding="utf-8")
    found = {}
    for item in json.loads(text)["lists"]:
        example = item.get("example") or f"{item['code']}-<number>"
        described = f"expected {item['described']}, e.g. {example}" if item.get("described") else f"e.g. {example}"
        found[item["code"]] = (re.compile(item["form"]) if item.get("form") else None, described)
    return found


def org_id_problem(text: str) -> str | None:
    """Why ``text`` is not an acceptable organisation identifier, or None when it is."""
    if _OWN.fullmatch(text):
        return None
    lists = org_id_lists()
    # The longest code that prefixes the text: GB-SC must not swallow GB-SCOTEDU.
    for code in sorted(lists, key=len, reverse=True):
        if text.startswith(code + "-") and len(text) > len(code) + 1:
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
