"""Coverage-guided fuzzing of ``fmt`` and its guard (atheris).

Each input is formatted as a project file and as streams.yaml (``format_file``, which
runs the strict loader, the formatter and the five-check guard). A refusal is an
expected outcome; a crash is:

* an exception escaping ``format_file``;
* a refusal without a located problem, or a problem with an unknown code or no position;
* output that the strict loader refuses, whose checked values differ from the input's
  (or that checks where the input did not, or the reverse), or that formatting changes again;
* a text in the loader's line reader's forms whose span tree (``_parse_lines``) differs
  from the one built from libyaml's events, or that fmt's shortcut calls canonical
  (``_canonical_as_read``) while the reader and emitter would change it.

    python fuzz/fuzz_fmt.py fuzz/corpus-fmt fuzz/seeds -max_len=4096 -max_total_time=600
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["budgetctl"]):
    from budgetctl.edit.fmt import (
        GUARD,
        UNSUPPORTED,
        _canonical_as_read,
        _parse_events,
        _parse_lines,
        _render,
        format_file,
        span_facts,
    )
    from budgetctl.loading.codes import CODES
    from budgetctl.loading.schema import validate
    from budgetctl.loading.yamlsubset import strict_load
    from budgetctl.model.records import Project, StreamsFile

KINDS = (("data/projects/fuzz.yaml", "project", Project), ("data/streams.yaml", "streams", StreamsFile))
KNOWN = set(CODES) | {GUARD.code, UNSUPPORTED.code}


def _checked(data: bytes, path: str, model: type) -> object:
    source, problems = strict_load(data, path)
    if source is None or problems:
        raise AssertionError(f"formatted output does not load: {problems}")
    value, _ = validate(model, source)
    return value


def _check_spans(data: bytes) -> None:
    source, problems = strict_load(data, KINDS[0][0])
    if source is None or problems:
        return
    fast = _parse_lines(source.text)
    if fast is not None and span_facts(fast) != span_facts(_parse_events(source.text)):
        raise AssertionError("the line reader's span tree differs from libyaml's")
    for _, kind, _ in KINDS:
        if source.by_lines and _canonical_as_read(source, kind) and _render(data, kind) != data:
            raise AssertionError("called canonical, but formatting changes it")


def check_bytes(data: bytes) -> None:
    _check_spans(data)
    for path, kind, model in KINDS:
        result = format_file(data, path, kind)
        if result.output is None:
            if not result.problems:
                raise AssertionError("refused without a problem")
            for p in result.problems:
                if p.code not in KNOWN or p.file != path or p.line < 1 or p.column < 1:
                    raise AssertionError(f"refusal without a place or with an unknown code: {p}")
            continue
        if result.problems:
            raise AssertionError(f"formatted with problems: {result.problems}")
        before = validate(model, strict_load(data, path)[0])[0]  # type: ignore[arg-type]
        after = _checked(result.output, path, model)
        if before != after:
            raise AssertionError(f"checked values differ:\n{before!r}\n{after!r}")
        again = format_file(result.output, path, kind)
        if again.output != result.output:
            raise AssertionError("formatting the output again changes it")


def main() -> None:
    sys.setrecursionlimit(1000)
    atheris.Setup(sys.argv, check_bytes)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
