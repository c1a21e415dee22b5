"""A short, bounded run of the loader fuzzer (fuzz/fuzz_loader.py), seeded with the corpus.

About 20 seconds of coverage-guided inputs through the loader, the schema and
the rules: any exception other than a reported problem fails the run, and
libFuzzer writes the input to the test's temporary folder. Skipped when atheris
is not installed (``pip install -e '.[fuzz]'``); long runs are in fuzz/README.md.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")

SECONDS = 20


def test_fuzzer_finds_no_crash_in_a_bounded_run(tmp_path: Path) -> None:
    seeds, corpus = tmp_path / "seeds", tmp_path / "corpus"
    corpus.mkdir()
    subprocess.run([sys.executable, str(REPO / "fuzz" / "build_seeds.py"), str(seeds)], check=True, cwd=REPO)
    assert len(list(seeds.iterdir())) >= 100
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "fuzz" / "fuzz_loader.py"),
            str(corpus),
            str(seeds),
            f"-max_total_time={SECONDS}",
            "-max_len=4096",
            "-timeout=10",
            "-rss_limit_mb=1024",
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS * 6,
        cwd=REPO,
    )
    log = run.stderr + run.stdout
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
    assert run.returncode == 0 and not crashes, log[-3000:]
    executed = re.search(r"stat::number_of_executed_units: (\d+)", log)
    assert executed and int(executed.group(1)) > 1_000, log[-3000:]
