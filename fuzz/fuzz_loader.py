"""Coverage-guided fuzzing of the loader, the schema and the rules (atheris).

Bytes in, problems out: each input is loaded as a project file and as
streams.yaml, validated against the models and run through every rule beside a
small fixed ledger. A reported problem is the expected outcome; anything else
is a crash:

* an exception escaping ``strict_load``, ``validate`` or the rules;
* a problem without its file, or with a line or column below 1, or an unknown code;
* a ``--format github`` line spanning several lines (a forged annotation);
* a text the loader's line reader accepts that libyaml's event path reads otherwise
  (another tree or position) or refuses.

Run (see fuzz/README.md):

    python fuzz/build_seeds.py
    python fuzz/fuzz_loader.py fuzz/corpus fuzz/seeds -max_len=4096 -max_total_time=600
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["budgetctl", "yaml"]):
    from budgetctl.loading.codes import CODES
    from budgetctl.loading.schema import validate
    from budgetctl.loading.yamlsubset import _build_events, _prescan, _Problems, decode, read_lines, strict_load
    from budgetctl.model.ledger import Ledger, ProjectEntry
    from budgetctl.model.records import Project, StreamsFile
    from budgetctl.model.source import tree_facts
    from budgetctl.render.problems import github_line
    from budgetctl.rules import RULES, run_rules

PROJECT_PATH = "data/projects/fuzz.yaml"
STREAMS_PATH = "data/streams.yaml"

# A small ledger that exercises every rule: purposes, sources, eligibility.
STREAMS = b"""\
priorities:
  prioritising-victims: Prioritising victims
streams:
  victims-services:
    programme: Victims Services
    funding: Specific Grant
    ring_fenced: true
    budget: {2023/24: 1000}
    purposes: {referral-service: Referral}
    sources: {home-office-grant: {2023/24: 900}}
    eligibility:
      required: [npu, approved_by]
      allowed: {npu: {dudley: Dudley}}
      max_award: 500
      excluded_costs: {police-officer-costs: Officers}
"""
PROJECT = b"""\
title: ISVA
stream: victims-services
lead: Manager
purpose: training
priorities: [prioritising-victims, unknown]
npu: leeds
costs: [police-officer-costs]
allocations: {2023/24: 1200, 2024/25: 0}
"""

KNOWN_CODES = set(CODES) | {rule.code for rule in RULES}


def _fixed(data: bytes, path: str, model: type) -> object:
    source, problems = strict_load(data, path)
    assert source is not None and not problems, problems
    value, problems = validate(model, source)
    assert value is not None and not problems, problems
    return source, value


_STREAMS_SOURCE, _STREAMS_FILE = _fixed(STREAMS, STREAMS_PATH, StreamsFile)
_PROJECT_SOURCE, _PROJECT = _fixed(PROJECT, "data/projects/fixed.yaml", Project)


def _check(problems: list, path: str) -> None:
    for p in problems:
        if p.code not in KNOWN_CODES:
            raise AssertionError(f"unknown code {p.code!r}")
        if p.file not in (path, STREAMS_PATH, "data/projects/fixed.yaml"):
            raise AssertionError(f"problem in an unexpected file {p.file!r}")
        if p.line < 1 or p.column < 1:
            raise AssertionError(f"problem without a position: {p}")
        line = github_line(p)
        if "\n" in line or "\r" in line:
            raise AssertionError(f"annotation spans lines: {line!r}")


def _check_line_reader(data: bytes) -> None:
    """The line reader, where it accepts the text, gives the event path's tree and no problem."""
    problems = _Problems(PROJECT_PATH)
    text = decode(data, problems)
    if text is None or not _prescan(text, problems):
        return
    fast = read_lines(text)
    if fast is None:
        return
    slow = _build_events(text, problems)
    if problems or problems.warnings:
        raise AssertionError(f"the line reader accepts what libyaml refuses: {[*problems, *problems.warnings]}")
    if tree_facts(fast) != tree_facts(slow):
        raise AssertionError("the line reader and the event path read different trees")


def check_bytes(data: bytes) -> None:
    """The whole property for one input; raises on any failure."""
    _check_line_reader(data)
    # As a project file, beside the fixed streams.yaml.
    source, problems = strict_load(data, PROJECT_PATH)
    _check(problems, PROJECT_PATH)
    if source is None:
        return
    project, problems = validate(Project, source)
    _check(problems, PROJECT_PATH)
    if project is not None:
        ledger = Ledger(_STREAMS_SOURCE, _STREAMS_FILE, [ProjectEntry("fuzz", source, project)])
        _check(run_rules(ledger), PROJECT_PATH)
    # As streams.yaml, beside the fixed project.
    source, problems = strict_load(data, STREAMS_PATH)
    _check(problems, STREAMS_PATH)
    assert source is not None
    streams, problems = validate(StreamsFile, source)
    _check(problems, STREAMS_PATH)
    if streams is not None:
        ledger = Ledger(source, streams, [ProjectEntry("fixed", _PROJECT_SOURCE, _PROJECT)])
        _check(run_rules(ledger), STREAMS_PATH)


def main() -> None:
    sys.setrecursionlimit(1000)  # the loader must not depend on a large stack
    atheris.Setup(sys.argv, check_bytes)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
