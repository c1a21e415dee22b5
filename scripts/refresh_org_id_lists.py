"""Refresh budgetctl/model/data/org_id_lists.json from org-id.guide's published lists.

    python scripts/refresh_org_id_lists.py                 # download https://org-id.guide/download.json
    python scripts/refresh_org_id_lists.py download.json   # or read a copy saved by hand
    python scripts/refresh_org_id_lists.py ../register     # or a checkout of the register's source
                                                           # (github.com/org-id/register: lists/*/*.json)

Every list code is kept, deprecated ones marked with the code that replaces them
where the register's description names one; the identifier forms budgetctl checks
(``form``, ``described``, ``example``) are carried over from the current file for the
codes that keep them. Review the diff and commit it: the list is data the package ships.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
import urllib.request
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "budgetctl" / "model" / "data" / "org_id_lists.json"
URL = "https://org-id.guide/download.json"
# How the register's descriptions name a deprecated list's successor:
# "deprecated in favour of GB-GOR", "... in favour of https://org-id.guide/list/XI-ROR",
# "please use IT-CF instead".
_SUCCESSOR = re.compile(
    r"in favour of (?:https?://org-id\.guide/list/)?(?P<a>[A-Z]{2}-[A-Z0-9_]+)|use (?P<b>[A-Z]{2}-[A-Z0-9_]+) instead"
)


def main(argv: list[str]) -> int:
    source = URL
    date = datetime.date.today().isoformat()
    if argv and Path(argv[0]).is_dir():
        # The register's source: one JSON file per list under lists/<jurisdiction>/.
        folder = Path(argv[0])
        files = sorted((folder / "lists").glob("*/*.json"))
        download = {"lists": [json.loads(f.read_text(encoding="utf-8")) for f in files]}
        commit, committed = _commit(folder)
        source = f"the register's source (lists/*/*.json){commit}"
        date = committed or date
    elif argv:
        download = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        source = f"{Path(argv[0]).name}, a copy of {URL}"
    else:
        with urllib.request.urlopen(URL, timeout=60) as response:
            download = json.load(response)
    current = json.loads(TARGET.read_text(encoding="utf-8"))
    forms = {item["code"]: item for item in current["lists"]}
    codes = {item["code"] for item in download.get("lists", [])}
    lists = []
    for item in download.get("lists", []):
        code = item["code"]
        name = item.get("name", {})
        kept = forms.get(code, {})
        entry = {"code": code, "name": name.get("en", code) if isinstance(name, dict) else str(name)}
        if item.get("deprecated"):
            entry["deprecated"] = True
            successor = _successor(item, codes)
            if successor:
                entry["replaced_by"] = successor
        entry.update({key: kept[key] for key in ("form", "described", "example") if kept.get(key)})
        lists.append(entry)
    if not lists:
        print("no lists in the download; nothing written", file=sys.stderr)
        return 1
    current.update(
        {
            "date": date,
            "note": f"Read from {source} by scripts/refresh_org_id_lists.py. 'form' is budgetctl's own "
            "check of an identifier's shape where a register's numbers are well known; lists without "
            "a form accept any identifier after the code.",
            "lists": sorted(lists, key=lambda item: item["code"]),
        }
    )
    TARGET.write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(lists)} list codes to {TARGET}")
    return 0


def _successor(item: dict, codes: set[str]) -> str | None:
    """The list the register's description names in place of a deprecated one, if it is a live code."""
    description = item.get("description", {})
    text = description.get("en", "") if isinstance(description, dict) else str(description)
    for found in _SUCCESSOR.finditer(text):
        code = found.group("a") or found.group("b")
        if code in codes and code != item["code"]:
            return code
    return None


def _commit(folder: Path) -> tuple[str, str | None]:
    """(`` at commit abc1234 of 2026-07-31``, ``2026-07-31``) for a git checkout, else ("", None)."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", str(folder), "log", "-1", "--format=%h %as"], capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return "", None
    return (f" at commit {out[0]} of {out[1]}", out[1]) if len(out) == 2 else ("", None)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
