"""Coverage-guided fuzzing of the git tree reader (atheris).

The ledger at a revision is read from what git prints: ``ls-tree -r -z`` records and
``cat-file --batch-check`` / ``--batch`` replies, which a hostile repository decides
(odd names, modes, sizes, missing objects). Here git itself is replaced by the fuzz
input, and the real parsers (``budgetctl.infra.git``), the real tree reader
(``budgetctl.loading.revision.files_at``) and the whole check run on it.

Input: ``<ls-tree output> "\\n\\n" <blob> "\\n--\\n" <blob> ...``; the n-th distinct object
id in the tree gets the n-th blob (``MISSING`` makes git report it missing, ``!`` at the
start sends the rest as the raw reply instead). A crash is:

* any exception but ``GitError`` (a one-line exit 2);
* a problem with an unknown code, no position, or a file name that is not one printable line.

    python fuzz/fuzz_git_tree.py --seeds fuzz/seeds-git      # write the seed corpus
    python fuzz/fuzz_git_tree.py fuzz/corpus-git fuzz/seeds-git -max_len=4096 -max_total_time=600
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["budgetctl"]):
    from budgetctl.infra import git as gitrepo
    from budgetctl.loading.codes import CODES
    from budgetctl.loading.revision import files_at
    from budgetctl.pipeline import check_files
    from budgetctl.render.problems import github_line, one_line
    from budgetctl.rules import RULES

KNOWN = set(CODES) | {rule.code for rule in RULES}
SHA = "0" * 40


class _Git:
    """Answers the git commands the tree reader runs, from one fuzz input."""

    def __init__(self, data: bytes) -> None:
        self.tree, _, rest = data.partition(b"\n\n")
        self.blobs = rest.split(b"\n--\n") if rest else []
        self.order: dict[str, int] = {}

    def _blob(self, oid: str) -> bytes | None:
        index = self.order.setdefault(oid, len(self.order))
        return self.blobs[index] if index < len(self.blobs) else b""

    def run(self, args: list[str], *, stdin: bytes | None = None, extra_env: object = None) -> object:
        if "ls-tree" in args:
            return subprocess.CompletedProcess(args, 0, self.tree, b"")
        mode = args[-1]
        out = b""
        for oid in (stdin or b"").decode("ascii").split():
            blob = self._blob(oid)
            if blob is not None and blob.startswith(b"!"):
                out += blob[1:]
            elif blob == b"MISSING":
                out += f"{oid} missing\n".encode()
            elif mode == "--batch-check":
                out += f"{oid} blob {len(blob or b'')}\n".encode()
            else:
                out += f"{oid} blob {len(blob or b'')}\n".encode() + (blob or b"") + b"\n"
        return subprocess.CompletedProcess(args, 0, out, b"")


def check_bytes(data: bytes) -> None:
    git = _Git(data)
    gitrepo._run = git.run  # type: ignore[assignment]
    try:
        files = files_at(Path("/nonexistent-repository"), SHA, "data")
    except gitrepo.GitError as exc:
        if "\n" in str(exc) or "\r" in str(exc):
            raise AssertionError(f"a GitError message spans lines: {exc!r}") from None
        return
    if files is None:
        return
    checked = check_files(files)
    for p in checked.problems:
        if p.code not in KNOWN or p.line < 1 or p.column < 1:
            raise AssertionError(f"problem without a place or with an unknown code: {p}")
        for shown in (github_line(p), one_line(p)):
            if len(shown.splitlines()) != 1:
                raise AssertionError(f"a problem line spans lines: {shown!r}")


def _oid(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


STREAMS = b"streams:\n  vs:\n    programme: V\n    funding: F\n    budget:\n      2023/24: 100\n"
PROJECT = b"title: T\nstream: vs\nlead: L\nallocations:\n  2023/24: 10\n"


def seeds() -> list[bytes]:
    def tree(*entries: tuple[str, str]) -> bytes:
        return b"".join(f"{mode} blob {_oid(path)}\t{path}".encode() + b"\0" for mode, path in entries)

    plain = tree(("100644", "data/streams.yaml"), ("100644", "data/projects/vs/p.yaml"))
    links = tree(("100644", "data/streams.yaml"), ("120000", "data/projects/loop"), ("160000", "data/vendored"))
    in_year = tree(("100644", "data/streams.yaml"), ("100644", "data/actuals/2023-24/a.csv"), ("100644", "data/x.md"))
    newline = tree(("100644", "data/streams.yaml"), ("100644", "data/projects/n\nl.yaml"))
    found = [
        plain + b"\n\n" + STREAMS + b"\n--\n" + PROJECT,
        links + b"\n\n" + STREAMS,
        in_year + b"\n\n" + STREAMS + b"\n--\nMISSING",
        newline + b"\n\n" + STREAMS + b"\n--\n!junk",
    ]
    return found


def main() -> None:
    if sys.argv[1:2] == ["--seeds"]:
        out = Path(sys.argv[2])
        out.mkdir(parents=True, exist_ok=True)
        for seed in seeds():
            (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
        return
    atheris.Setup(sys.argv, check_bytes)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
