"""A project of a stream with owners is not kept in that stream's folder.

When a stream names `owners:`, its projects live in `projects/<stream-id>/`, the
folder its owners are given in CODEOWNERS. A project filed elsewhere would
escape their review: a change to it could merge without their approval.

    # data/projects/community-safety-fund/idva-service.yaml
    stream: victims-services    # R006: move it to data/projects/victims-services/
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        stream = ledger.streams.get(entry.project.stream)
        if stream is None or not stream.owners:
            continue
        # Display paths read <ledger>/projects/<folder>/.../<id>.yaml.
        parts = PurePosixPath(entry.source.path).parts
        folder = parts[2] if len(parts) > 3 else None
        if folder != entry.project.stream:
            target = "/".join([*parts[:2], entry.project.stream, parts[-1]])
            yield (
                f"stream {entry.project.stream!r} has owners, so its projects belong in its folder: "
                f"move this file to {target} so its owners review changes to it",
                entry.at("stream"),
            )


RULE = Rule("R006", "project-outside-stream-folder", Severity.ERROR, check, __doc__, scope="file")
