"""``checks.check_streams`` builds a valid streams.yaml without pydantic (``accept.builder``) and
validates anything else: it gives exactly what ``check_file(raw, StreamsFile)`` gives (the same
problems, the same record down to each value's type and text, the same cache line), over the
shipped and test ledgers, the hostile corpus, a generated ledger's streams.yaml and random edits
of them; and a valid ledger is checked without importing pydantic."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from budgetctl.loading.cache import entry_line
from budgetctl.loading.checks import check_file, check_streams
from budgetctl.model.records import StreamsFile
from budgetctl.model.source import RawFile
from tests.conftest import LEDGERS, REPO, SHIPPED
from tests.loading.test_accept_alone import exact
from tests.loading.test_hostile import CASES

PATH = "streams.yaml"


def _generator():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return generate


def streams_texts() -> list[tuple[str, bytes]]:
    found = []
    for folder in (SHIPPED, LEDGERS):
        found += [(str(p), p.read_bytes()) for p in sorted(folder.rglob("streams.y*ml"))]
    for case in CASES:
        for name, text in case.files.items():
            if name == "streams.yaml":
                found.append((f"{case.name}/{name}", text.encode() if isinstance(text, str) else text))
    found.append(("generated", _generator().streams_yaml(_generator().build(40)).encode()))
    return found


TEXTS = streams_texts()


def assert_same(text: bytes, path: str = PATH) -> bool:
    """Both checks agree; True when the file is valid."""
    raw = RawFile(path, text)
    mine, whole = check_streams(raw), check_file(raw, StreamsFile)
    assert mine.load_problems == whole.load_problems
    assert mine.schema_problems == whole.schema_problems
    assert exact(mine.project) == exact(whole.project)
    assert entry_line(path, raw.digest, mine) == entry_line(path, raw.digest, whole)
    return whole.project is not None


def test_the_corpus_agrees() -> None:
    valid = [assert_same(text, path) for path, text in TEXTS]
    assert len(valid) > 10 and sum(valid) > len(valid) // 3, (len(valid), sum(valid))


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_agree(seed: int) -> None:
    rng = random.Random(seed)
    snippets = [
        "    budget:\n      2023/24: 1.0", "    ring_fenced: yes", "    ring_fenced: true", "    owners: [a, b]",
        "    owners: a", "    year_end: carry-forward", "    year_end: maybe", "    eligibility:\n      max_award: 5",
        "    eligibility:\n      required: [provider]", "    eligibility:\n      required: [nope]",
        "    eligibility:", "    sources:\n      home-office:\n        2023/24: 5",
        "    budget_status:\n      2023/24: x",
        "    description: ''", "    purposes: {a: A}", "    purposes: {Bad: A}", "  new-stream:\n    programme: P",
        "priorities: {a: A}", "unknown: 1", "publisher:\n  name: OPCC", "  2023/24: -1", "    funding: ~",
    ]  # fmt: skip
    for _ in range(80):
        _, text = rng.choice(TEXTS)
        lines = text.decode("utf-8", "replace").splitlines()
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(lines) + 1)
            if rng.random() < 0.3 and lines:
                del lines[min(at, len(lines) - 1)]
            else:
                lines.insert(at, rng.choice(snippets))
        assert_same(("\n".join(lines) + "\n").encode())


def test_a_valid_ledger_is_checked_without_pydantic(tmp_path: Path) -> None:
    generate = _generator()
    generate.write_ledger(generate.build(300), tmp_path / "l")
    data = next(p.parent for p in (tmp_path / "l").rglob("streams.yaml"))
    env = {**os.environ, "BUDGETCTL_NO_CACHE": "1"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "budgetctl", "validate", "--data", str(data)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "files checked" in result.stdout or "problem" in result.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line]
    # Its streams.yaml is read without the parser too (checks.plain_nested).
    assert "budgetctl.loading.accept" in imported and "yaml" not in imported
    assert "pydantic_core" not in imported
