"""Short bounded runs of the fmt and git-tree fuzzers (fuzz/fuzz_fmt.py, fuzz/fuzz_git_tree.py).

A few seconds each of coverage-guided inputs: any crash fails the run and libFuzzer
writes the input to the test's folder. Skipped without atheris; long runs and their
results are in docs/reliability.md.
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

SECONDS = 8


@pytest.mark.parametrize("target", ["fmt", "git_tree"])
def test_fuzzer_finds_no_crash_in_a_bounded_run(tmp_path: Path, target: str) -> None:
    seeds, corpus = tmp_path / "seeds", tmp_path / "corpus"
    corpus.mkdir()
    if target == "git_tree":
        subprocess.run([sys.executable, str(REPO / "fuzz" / "fuzz_git_tree.py"), "--seeds", str(seeds)], check=True)
    else:
        subprocess.run([sys.executable, str(REPO / "fuzz" / "build_seeds.py"), str(seeds)], check=True, cwd=REPO)
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "fuzz" / f"fuzz_{target}.py"),
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
        timeout=SECONDS * 10,
        cwd=REPO,
    )
    log = run.stderr + run.stdout
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
    assert run.returncode == 0 and not crashes, log[-3000:]
    executed = re.search(r"stat::number_of_executed_units: (\d+)", log)
    assert executed and int(executed.group(1)) > 100, log[-3000:]
