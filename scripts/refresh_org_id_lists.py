"""Refresh budgetctl/model/data/org_id_lists.json from org-id.guide's published lists.

    python scripts/refresh_org_id_lists.py                 # download https://org-id.guide/download.json
    python scripts/refresh_org_id_lists.py download.json   # or read a copy saved by hand

Every list code in the download is kept; the identifier forms budgetctl checks
(``form``) are carried over from the current file for the codes that keep them.
Review the diff and commit it: the list is data the package ships.
"""

from __future__ import annotations

import datetime
import json
import sys
import urllib.request
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "budgetctl" / "model" / "data" / "org_id_lists.json"
URL = "https://org-id.guide/download.json"


def main(argv: list[str]) -> int:
    if argv:
        download = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    else:
        with urllib.request.urlopen(URL, timeout=60) as response:
            download = json.load(response)
    current = json.loads(TARGET.read_text(encoding="utf-8"))
    forms = {item["code"]: item for item in current["lists"]}
    lists = []
    for item in download.get("lists", []):
        code = item["code"]
        name = item.get("name", {})
        kept = forms.get(code, {})
        lists.append(
            {
                "code": code,
                "name": name.get("en", code) if isinstance(name, dict) else str(name),
                "form": kept.get("form"),
                "example": kept.get("example"),
            }
        )
    if not lists:
        print("no lists in the download; nothing written", file=sys.stderr)
        return 1
    current.update(
        {
            "date": datetime.date.today().isoformat(),
            "note": "Downloaded from https://org-id.guide/download.json by scripts/refresh_org_id_lists.py.",
            "lists": sorted(lists, key=lambda item: item["code"]),
        }
    )
    TARGET.write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(lists)} list codes to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
