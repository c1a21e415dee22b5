"""The worker pool: check many project files in forked copies of this process.

Below ``PARALLEL_MIN_FILES`` files, or where processes cannot be forked, every
file is checked here. A worker sends its files' checks through a pipe as flat
tuples in the records' field order (``pack``; marshalled: only this process reads
them, and a worker is this process's own copy, so its values were already held to
the rules), which cost a fraction of cache entries to send and rebuild. It sends them
in frames of ``FRAME_FILES`` files, each rebuilt and released before the next is
decoded, so neither process holds a whole share's tuples at once. A worker that dies
or sends anything wrong costs time, not results: its files not yet rebuilt are checked here.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Generator
from decimal import Decimal
from typing import Any

from budgetctl.diagnostics import Diagnostic, Severity
from budgetctl.loading.checks import FileCheck, check_project
from budgetctl.model.records import Project
from budgetctl.model.source import RawFile

# Below this many files to check, worker processes cost more than they save.
PARALLEL_MIN_FILES = 2000
# Files per frame a worker sends: at 50,000 files a share's tuples would be about 20 MB at once.
FRAME_FILES = 500
# A frame's size above this is garbage (a frame is a few hundred kilobytes): refused before it is read.
FRAME_MAX_BYTES = 1 << 31

Done = list[tuple[int, FileCheck]]  # (index of the file, its check)
# Given some files' indices (a frame), what they give, as values marshal carries, one per file.
Work = Callable[[list[int]], list[Any]]


def check_projects(projects: list[RawFile], todo: list[int]) -> Generator[Done, None, None]:
    """Check the project files at the indexes ``todo``, yielding each batch as it is done:
    one file at a time here, then each worker's share."""
    workers = _start_workers(projects, todo) if len(todo) >= PARALLEL_MIN_FILES else []
    try:
        handed = {i for worker in workers for i in worker.indices}
        for index in todo:
            if index not in handed:
                yield [(index, check_project(projects[index]))]
        for worker in workers:
            done = 0  # how many of the worker's files were rebuilt from its frames
            try:
                for frame in worker.frames():
                    indices = worker.indices[done : done + len(frame)]
                    checks = [unpack(packed) for packed in frame]
                    done += len(frame)
                    yield list(zip(indices, checks, strict=True))
            except Exception:  # the worker died or sent something wrong: check the rest of its files here
                rest = worker.indices[done:]
                if rest:
                    yield [(i, check_project(projects[i])) for i in rest]
    finally:
        for worker in workers:
            worker.close(stop=True)  # a no-op unless this run failed before reading its result


def run_frames(
    projects: list[RawFile], todo: list[int], work: Work, decode: Callable[[Any], Any]
) -> Generator[tuple[list[int], list[Any]], None, None]:
    """``work`` over the files at the indexes ``todo``, a frame of ``FRAME_FILES`` files at a time:
    this process's share first, then each worker's; yields each frame's indices and results, each
    result through ``decode`` (which raises at anything a worker should not have sent: that
    worker's files not yet yielded are then done here). Only a frame at a time is held."""
    workers = _start_workers(projects, todo, work) if len(todo) >= PARALLEL_MIN_FILES else []
    try:
        handed = {i for worker in workers for i in worker.indices}
        mine = [i for i in todo if i not in handed]
        for start in range(0, len(mine), FRAME_FILES):
            part = mine[start : start + FRAME_FILES]
            yield part, [decode(result) for result in work(part)]
        for worker in workers:
            done = 0  # how many of the worker's files were yielded from its frames
            rest: list[int] = []
            try:
                for frame in worker.frames():
                    part = worker.indices[done : done + len(frame)]
                    decoded = [decode(result) for result in frame]
                    done += len(frame)
                    yield part, decoded
            except Exception:  # the worker died or sent something wrong: do the rest of its files here
                rest = worker.indices[done:]
            for start in range(0, len(rest), FRAME_FILES):
                part = rest[start : start + FRAME_FILES]
                yield part, [decode(result) for result in work(part)]
    finally:
        for worker in workers:
            worker.close(stop=True)


class _Worker:
    """A forked copy of this process checking some files; it sends their entries through a pipe."""

    def __init__(self, projects: list[RawFile], indices: list[int], work: Work | None = None) -> None:
        import os

        self.indices = indices
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns, never runs the parent's exit handlers
            status = 1
            try:
                import marshal

                os.close(read)
                frames = []
                for start in range(0, len(indices), FRAME_FILES):
                    part = indices[start : start + FRAME_FILES]
                    frame = marshal.dumps(
                        work(part) if work is not None else [pack(check_project(projects[i])) for i in part]
                    )
                    frames += [len(frame).to_bytes(8, "little"), frame]
                with os.fdopen(write, "wb") as pipe:
                    pipe.writelines(frames)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self.pipe = os.fdopen(read, "rb")
        self.status: int | None = None

    def frames(self) -> Generator[list[Any], None, None]:
        """The worker's frames in order, each a list of packed results, once it has exited cleanly
        and sent exactly one result per file (else RuntimeError before the first frame). All are
        read at once (the worker then exits and its memory is freed), each decoded when given
        and its bytes released."""
        import marshal

        sent: list[bytes] = []
        expected = -(-len(self.indices) // FRAME_FILES)
        while True:
            head = self.pipe.read(8)
            if not head:
                break
            size = int.from_bytes(head, "little")
            if len(head) != 8 or size > FRAME_MAX_BYTES or len(sent) == expected:
                raise RuntimeError("worker sent a wrong answer")
            sent.append(self.pipe.read(size))
            if len(sent[-1]) != size:
                raise RuntimeError("worker sent a wrong answer")
        self.close()
        if self.status != 0:
            raise RuntimeError(f"worker exited with status {self.status}")
        if len(sent) != expected:
            raise RuntimeError("worker sent a wrong answer")
        given = 0
        sent.reverse()  # popped in order: each frame's bytes are released once decoded
        while sent:
            frame = marshal.loads(sent.pop())
            count = min(FRAME_FILES, len(self.indices) - given)
            if type(frame) is not list or len(frame) != count:
                raise RuntimeError("worker sent a wrong answer")
            given += count
            yield frame

    def close(self, *, stop: bool = False) -> None:
        """Reap the worker (stopping it first with ``stop``): no process outlives the run."""
        import os
        import signal

        if self.status is None:
            self.pipe.close()
            if stop:
                os.kill(self.pid, signal.SIGKILL)
            _, code = os.waitpid(self.pid, 0)
            self.status = os.waitstatus_to_exitcode(code)


def _start_workers(projects: list[RawFile], todo: list[int], work: Work | None = None) -> list[_Worker]:
    """Fork workers for the later shares of ``todo``; this process checks the first share
    itself. No workers where processes cannot be forked or entries cannot carry a project."""
    import os

    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    count = min(3, cpus - 1)
    if count < 1 or not hasattr(os, "fork"):
        return []
    try:
        _record_packing(Project)  # workers send packed records: their fields must pack exactly
    except TypeError:
        return []
    # The validator is not built before forking: a valid project file never needs it (``checks``).
    # Equal shares; this process also rebuilds the workers' results, a small cost.
    share = len(todo) // (count + 1)
    workers: list[_Worker] = []
    try:
        for n in range(1, count + 1):
            stop = len(todo) if n == count else share * (n + 1)
            share_of = todo[share * n : stop]
            workers.append(_Worker(projects, share_of) if work is None else _Worker(projects, share_of, work))
    except OSError:  # no more processes (a limit, a sandbox): check the rest here
        pass
    return workers


# --- packing: a check as nested tuples of str, int, bool and None ------------------------

Packed = tuple[Any, ...]


def pack(checked: FileCheck) -> Packed:
    """A project file's check as plain data marshal carries (exact: money as its decimal text,
    dates as ordinals, records as their fields in order)."""
    pack_record, _ = _record_packing(Project)
    return (
        tuple(_pack_problem(p) for p in checked.load_problems),
        None if checked.schema_problems is None else tuple(_pack_problem(p) for p in checked.schema_problems),
        None if checked.project is None else pack_record(checked.project),
    )


def unpack(packed: Packed) -> FileCheck:
    """The check ``pack`` sent; any other shape raises (and the files are checked again here)."""
    load, schema, project = packed
    _, unpack_record = _record_packing(Project)
    return FileCheck(
        [_unpack_problem(p) for p in load],
        None if schema is None else [_unpack_problem(p) for p in schema],
        None if project is None else unpack_record(project),
    )


def _pack_problem(p: Diagnostic) -> Packed:
    return (p.code, p.severity.value, p.message, p.file, p.line, p.column)


def _unpack_problem(packed: Packed) -> Diagnostic:
    code, severity, message, file, line, column = packed
    return Diagnostic(code, Severity(severity), message, file, line, column)


Convert = Callable[[Any], Any] | None  # None: the value is sent as it is


def _packing(shape: Any) -> tuple[Convert, Convert]:
    """(pack, unpack) of one field's values, from its shape (``model.shape``)."""
    kind = shape.kind
    if kind == "scalar":
        if shape.type is Decimal:
            return str, Decimal  # exact: Decimal(str(d)) has the same digits and exponent
        if shape.type is datetime.date:
            return datetime.date.toordinal, datetime.date.fromordinal
        if shape.type in (str, bool):
            return None, None
        raise TypeError(f"no packing for {shape.type!r}")
    if kind == "optional":
        inner = _packing(shape.items[0])
        return _maybe(inner[0]), _maybe(inner[1])
    if kind == "list":
        to, back = _packing(shape.items[0])
        return (None, None) if to is None and back is None else (_each(to), _each(back))
    if kind == "mapping":
        (key_to, key_back), (value_to, value_back) = _packing(shape.items[0]), _packing(shape.items[1])
        if key_to is not None or key_back is not None:
            raise TypeError("keys are text")
        if value_to is None and value_back is None:
            return None, None
        return _values(value_to), _values(value_back)
    return _record_packing(shape.type)


def _maybe(convert: Convert) -> Convert:
    return None if convert is None else (lambda value: None if value is None else convert(value))


def _each(convert: Convert) -> Callable[[Any], Any]:
    if convert is None:
        return tuple
    return lambda value: tuple([convert(item) for item in value])


def _values(convert: Convert) -> Callable[[Any], Any]:
    assert convert is not None
    return lambda value: {key: convert(item) for key, item in value.items()}


_RECORDS: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {}


def _record_packing(record: type) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """(pack, unpack) of a record: a tuple of its fields in order, and the record rebuilt
    through its own constructor. TypeError for a field type that cannot be packed exactly."""
    found = _RECORDS.get(record)
    if found is not None:
        return found
    from budgetctl.model.shape import fields

    to = [(field.name, *_packing(field.shape)) for field in fields(record)]
    names = tuple(name for name, _, _ in to)
    read = operator.attrgetter(*names) if len(names) > 1 else (lambda value: (getattr(value, names[0]),))
    # Only a few fields need converting (money, dates, nested records): the rest go as they are.
    packs = [(i, c) for i, (_, c, _) in enumerate(to) if c is not None]
    unpacks = [(i, name, c) for i, (name, _, c) in enumerate(to) if c is not None]

    def pack_record(value: Any) -> Packed:
        values = list(read(value))
        for i, convert in packs:
            values[i] = convert(values[i])
        return tuple(values)

    def unpack_record(values: Packed) -> Any:
        if type(values) is not tuple or len(values) != len(names):
            raise ValueError("not a packed record")
        given = dict(zip(names, values, strict=True))
        for i, name, convert in unpacks:
            given[name] = convert(values[i])
        return record(**given)

    found = _RECORDS[record] = (pack_record, unpack_record)
    return found
