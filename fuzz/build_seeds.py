"""Build the fuzzing seed corpus in fuzz/seeds/ (one file per input).

Seeds: the shipped ledger, the single-file cases of the hostile-input suite
(tests/loading/test_hostile.py and tests/hostile/), and, when present, the 402 inputs of
the YAML test suite in ../shared/data/yaml-test-suite/. Files are named by the
hash of their content, so rebuilding is idempotent.

    python fuzz/build_seeds.py [OUT_DIR]
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
YAML_TEST_SUITE = REPO.parent / "shared" / "data" / "yaml-test-suite" / "cases"
MAX_SEED = 64_000  # larger inputs only slow the fuzzer down


def _hostile_cases() -> Iterator[bytes]:
    path = REPO / "tests" / "loading" / "test_hostile.py"
    spec = importlib.util.spec_from_file_location("_hostile", path)
    if not path.is_file() or spec is None or spec.loader is None:
        return
    sys.path.insert(0, str(REPO))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield from module.seed_inputs()


def seeds() -> Iterator[bytes]:
    for path in sorted((REPO / "data").rglob("*.yaml")):
        yield path.read_bytes()
    for path in sorted((REPO / "tests" / "hostile").rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.read_bytes()
    yield from _hostile_cases()
    if YAML_TEST_SUITE.is_dir():
        for path in sorted(YAML_TEST_SUITE.rglob("in.yaml")):
            yield path.read_bytes()


def build(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for data in seeds():
        if len(data) > MAX_SEED:
            continue
        target = out / hashlib.sha1(data).hexdigest()
        if not target.exists():
            target.write_bytes(data)
            count += 1
    return count


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "fuzz" / "seeds"
    print(f"{build(out)} new seeds in {out}")
