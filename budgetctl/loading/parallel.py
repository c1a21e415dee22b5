"""The worker pool: check many project files in forked copies of this process.

Below ``PARALLEL_MIN_FILES`` files, or where processes cannot be forked, every
file is checked here. A worker sends its files' checks as cache entries (plain
data, marshalled: only this process reads them) through a pipe; a worker that
dies or sends anything wrong costs time, not results: its files are checked here.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from budgetctl.loading import codec
from budgetctl.loading.checks import FileCheck, check_project
from budgetctl.model.records import Project
from budgetctl.model.source import RawFile

# Below this many files to check, worker processes cost more than they save.
PARALLEL_MIN_FILES = 2000

Done = list[tuple[int, FileCheck, list[Any] | None]]  # (index, check, its entry when a worker sent one)


def check_projects(projects: list[RawFile], todo: list[int]) -> Generator[Done, None, None]:
    """Check the project files at the indexes ``todo``, yielding each batch as it is done:
    one file at a time here, then each worker's share."""
    workers = _start_workers(projects, todo) if len(todo) >= PARALLEL_MIN_FILES else []
    try:
        handed = {i for worker in workers for i in worker.indices}
        for index in todo:
            if index not in handed:
                yield [(index, check_project(projects[index]), None)]
        decode = codec.model_decoder(Project) if workers else None
        for worker in workers:
            entries: list[Any] = [None] * len(worker.indices)
            try:
                entries = worker.result()
                checks = [
                    codec.from_entry(e, projects[i].path, decode)  # type: ignore[arg-type]
                    for i, e in zip(worker.indices, entries, strict=True)
                ]
            except Exception:  # the worker died or sent something wrong: check its files here
                entries = [None] * len(worker.indices)
                checks = [check_project(projects[i]) for i in worker.indices]
            yield list(zip(worker.indices, checks, entries, strict=True))
    finally:
        for worker in workers:
            worker.close(stop=True)  # a no-op unless this run failed before reading its result


class _Worker:
    """A forked copy of this process checking some files; it sends their entries through a pipe."""

    def __init__(self, projects: list[RawFile], indices: list[int]) -> None:
        import os

        self.indices = indices
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns, never runs the parent's exit handlers
            status = 1
            try:
                import marshal

                os.close(read)
                payload = marshal.dumps([codec.to_entry(check_project(projects[i])) for i in indices])
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self.pipe = os.fdopen(read, "rb")
        self.status: int | None = None

    def result(self) -> list[Any]:
        import marshal

        payload = self.pipe.read()
        self.close()
        if self.status != 0:
            raise RuntimeError(f"worker exited with status {self.status}")
        entries = marshal.loads(payload)
        if type(entries) is not list or len(entries) != len(self.indices):
            raise RuntimeError("worker sent a wrong answer")
        return entries

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


def _start_workers(projects: list[RawFile], todo: list[int]) -> list[_Worker]:
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
        codec.model_decoder(Project)  # workers send entries: they must decode exactly
    except codec.Malformed:
        return []
    # Equal shares; this process also rebuilds the workers' results, a small cost.
    share = len(todo) // (count + 1)
    workers: list[_Worker] = []
    try:
        for n in range(1, count + 1):
            stop = len(todo) if n == count else share * (n + 1)
            workers.append(_Worker(projects, todo[share * n : stop]))
    except OSError:  # no more processes (a limit, a sandbox): check the rest here
        pass
    return workers
