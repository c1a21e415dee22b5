"""Short bounded runs of the fuzzers (fuzz/fuzz_loader.py, fuzz_fmt.py, fuzz_git_tree.py).

A fixed number of coverage-guided inputs each (a few seconds), through the loader, the
schema and the rules; fmt; the git tree reader: any exception other than a reported
problem fails the run, and libFuzzer writes the input to the test's folder. A count of
inputs rather than a time keeps the run the same on a busy machine. Skipped without
atheris (``pip install -e '.[fuzz]'``); long runs and their results are in docs/reliability.md.
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

# Inputs per target, the seeds included: the loader is the cheapest and the most exposed.
RUNS = {"loader": 3000, "fmt": 400, "git_tree": 1000}


@pytest.mark.parametrize("target", list(RUNS))
def test_fuzzer_finds_no_crash_in_a_bounded_run(tmp_path: Path, target: str) -> None:
    seeds, corpus = tmp_path / "seeds", tmp_path / "corpus"
    corpus.mkdir()
    if target == "git_tree":
        subprocess.run([sys.executable, str(REPO / "fuzz" / "fuzz_git_tree.py"), "--seeds", str(seeds)], check=True)
    else:
        subprocess.run([sys.executable, str(REPO / "fuzz" / "build_seeds.py"), str(seeds)], check=True, cwd=REPO)
        assert len(list(seeds.iterdir())) >= 100
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "fuzz" / f"fuzz_{target}.py"),
            str(corpus),
            str(seeds),
            f"-runs={RUNS[target]}",
            "-max_total_time=240",  # a cap for a stuck machine; the runs end long before
            "-max_len=4096",
            "-timeout=10",
            "-rss_limit_mb=1024",
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    log = run.stderr + run.stdout
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
    assert run.returncode == 0 and not crashes, log[-3000:]
    executed = re.search(r"stat::number_of_executed_units: (\d+)", log)
    assert executed and int(executed.group(1)) == RUNS[target], log[-3000:]
