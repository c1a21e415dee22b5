"""Access to a git repository: resolve a revision, list a folder, read blobs (read-only), and
`git init` for a new ledger.

Git is run as a program with argument lists, never through a shell. A user's
revision is checked, resolved once with `rev-parse --verify --end-of-options`,
and from then on only the resulting commit id is passed to git: `--output=FILE`
passed as a revision creates files, and a shell runs whatever follows a `;`.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import NamedTuple, NoReturn

from budgetctl.diagnostics import UserError
from budgetctl.plainclass import dataclass

__all__ = [
    "GitError",
    "Resolved",
    "TreeChange",
    "TreeFile",
    "blob_sizes",
    "diff_trees",
    "folder_tree",
    "init_repository",
    "list_tree",
    "read_blobs",
    "read_blobs_within",
    "repo_root",
    "resolve_revision",
    "top_and_commits",
    "worktree_revision",
]

# A full object id: SHA-1 (40 hex) or SHA-256 (64 hex) repositories.
_OBJECT_ID = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")
# A tree entry's mode: octal digits (100644, 100755, 120000, 160000, 040000).
_MODE = re.compile(rb"[0-7]{5,6}")
# One record of `ls-tree -z`: <mode> SP <type> SP <oid> TAB <path> NUL.
_TREE_ENTRY = re.compile(rb"([0-7]{5,6}) [a-z]+ ([0-9a-f]{40}|[0-9a-f]{64})\t([^\0]+)\0")
_TREE_ENTRIES = re.compile(rb"(?:[0-7]{5,6} [a-z]+ (?:[0-9a-f]{40}|[0-9a-f]{64})\t[^\0]+\0)*")
# One record of `diff-tree -r -z --no-renames`: :<mode> SP <mode> SP <oid> SP <oid> SP <status> NUL <path> NUL.
_CHANGE = re.compile(
    rb":([0-7]{6}) ([0-7]{6}) ([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) ([ADMT])\0([^\0]+)\0"
)
_NO_FILE = "000000"


class GitError(UserError):
    """A git problem to show the user as one line (exit 2)."""


class TreeFile(NamedTuple):
    """One non-tree entry of a commit's tree (a tuple: tens of thousands are made at once)."""

    path: str  # repo-relative posix path, e.g. "data/projects/x.yaml"
    mode: str  # e.g. "100644"; "120000" is a symlink, "160000" a submodule
    oid: str  # blob object id (a commit id for a submodule)


def repo_root(start: Path) -> Path:
    """The top of the working tree that contains `start`."""
    result = _run(["-C", str(start), "-c", "core.quotepath=off", "rev-parse", "--show-toplevel"])
    top = result.stdout.removesuffix(b"\n")
    if result.returncode != 0 or not top:
        raise GitError(f"not inside a git working tree: {start} ({_first_line(result.stderr)})")
    return Path(os.fsdecode(top))


def resolve_revision(repo: Path, rev: str) -> str:
    """The full commit id that `rev` names in `repo` (a branch, tag, short id, HEAD~1...)."""
    # rev-parse would read a leading "-" as an option, and a newline or NUL
    # could never name a commit; refuse them before git sees them.
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise GitError(f"not a valid revision: {rev!r}")
    result = _run(
        [
            "-C",
            str(repo),
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            rev + "^{commit}",
        ]
    )
    sha = result.stdout.strip()
    if result.returncode != 0 or not _OBJECT_ID.fullmatch(sha):
        raise GitError(f"not a commit in {repo}: {rev!r}")
    return sha.decode("ascii")


# A revision named plainly (a branch, tag, id, HEAD~2, main^2): "<it>^{commit}:./" then names
# what that commit holds at the current folder, and nothing else.
_PLAIN_REVISION = re.compile(r"[A-Za-z0-9._/~^-]+")


class Resolved(NamedTuple):
    """What one ``git rev-parse`` said (``top_and_commits``)."""

    top: Path  # the top of the working tree
    commits: list[str]  # each revision's full commit id
    prefix: str  # the folder it ran in, relative to the top ("data/"; "" at the top)
    here: str | None  # the id of what the first revision holds at that folder, when asked and said


def top_and_commits(start: Path, revisions: list[str], *, here: bool = False) -> Resolved | None:
    """The top of the working tree that contains the folder ``start`` and the full commit id of
    each of ``revisions``, from one ``git rev-parse``; with ``here``, also the id of what the first
    revision holds at ``start`` (its tree, for a folder it has). None when that one call cannot say (a
    revision git does not know, a range, no repository, a folder the revision lacks ...): then
    ``repo_root``, ``resolve_revision`` and ``folder_tree``, one call each, say what is wrong in
    the words they always use."""
    if any(not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r") for rev in revisions):
        return None
    # Without --verify rev-parse takes several names (and knows no --end-of-options: a name
    # starting with "-" is refused above). A name it reads otherwise (a range "A..B", "^A") gives
    # other lines than one full id each, and the answer is not used.
    here = here and bool(revisions) and _PLAIN_REVISION.fullmatch(revisions[0]) is not None
    command = ["-C", str(start), "-c", "core.quotepath=off", "rev-parse", "--show-toplevel", "--show-prefix"]
    names = [rev + "^{commit}" for rev in revisions] + ([revisions[0] + "^{commit}:./"] if here else [])
    result = _run([*command, *names])
    lines = result.stdout.removesuffix(b"\n").split(b"\n")
    # Exactly one line each: a path holding a line break makes more, and the answer is not used.
    if result.returncode != 0 or len(lines) != 2 + len(names) or not lines[0]:
        return None
    if not all(_OBJECT_ID.fullmatch(oid) for oid in lines[2:]):
        return None
    ids = [oid.decode("ascii") for oid in lines[2:]]
    prefix = os.fsdecode(lines[1])
    return Resolved(Path(os.fsdecode(lines[0])), ids[: len(revisions)], prefix, ids[-1] if here else None)


def list_tree(repo: Path, sha: str, folder: str) -> list[TreeFile]:
    """Every file under `folder` (repo-relative, e.g. "data") in commit `sha`, in git's order.

    Symlinks (mode 120000) and submodules (160000) are listed too, so the caller
    can refuse them with a located problem. A missing folder gives [].
    """
    _check_object_id(sha)
    prefix = _check_folder(folder)
    command = ["-C", str(repo), "-c", "core.quotepath=off", "ls-tree", "-r", "-z", "--full-tree"]
    # The folder is a name, not a pattern: no pathspec magic such as ":(glob)".
    result = _run([*command, sha, "--", prefix], extra_env={"GIT_LITERAL_PATHSPECS": "1"})
    if result.returncode != 0:
        raise GitError(f"cannot list {folder!r} at {sha}: {_first_line(result.stderr)}")
    files = _parse_tree(result.stdout)
    # ls-tree also matches a file named exactly like the folder; keep what is inside it.
    return [f for f in files if f.path.startswith(prefix + "/")]


def folder_tree(repo: Path, sha: str, folder: str) -> str | None:
    """The tree id of `folder` (repo-relative) in commit `sha`: a content key of everything in it,
    from one entry of its parent (no recursion); None when the commit has no such folder."""
    _check_object_id(sha)
    prefix = _check_folder(folder)
    command = ["-C", str(repo), "-c", "core.quotepath=off", "ls-tree", "-z", "--full-tree", sha, "--", prefix]
    result = _run(command, extra_env={"GIT_LITERAL_PATHSPECS": "1"})
    if result.returncode != 0:
        raise GitError(f"cannot list {folder!r} at {sha}: {_first_line(result.stderr)}")
    found = [e.oid for e in _parse_tree(result.stdout) if e.path == prefix and e.mode == "040000"]
    return found[0] if found else None


def _cat_file(repo: Path, oids: list[str], mode: str) -> tuple[list[str], bytes]:
    """Ask one `git cat-file --batch` or `--batch-check` about each distinct id in `oids`."""
    wanted = list(dict.fromkeys(oids))
    for oid in wanted:
        # cat-file --batch takes any object name per line ("HEAD:../x" too),
        # so only full ids go in, one per line.
        _check_object_id(oid)
    if not wanted:
        return [], b""
    request = "".join(oid + "\n" for oid in wanted).encode("ascii")
    # run() feeds stdin and drains stdout together, so a large request cannot
    # deadlock against git's blocked output.
    result = _run(["-C", str(repo), "cat-file", mode], stdin=request)
    if result.returncode != 0:
        raise GitError(f"cannot read objects from {repo}: {_first_line(result.stderr)}")
    return wanted, result.stdout


def read_blobs(repo: Path, oids: list[str]) -> dict[str, bytes]:
    """The exact bytes of each blob in `oids`, read by one `git cat-file --batch`."""
    wanted, output = _cat_file(repo, oids, "--batch")
    return _parse_batch(output, wanted) if wanted else {}


def read_blobs_within(repo: Path, oids: list[str], limit: int) -> dict[str, bytes] | None:
    """The exact bytes of each blob in `oids`, read by one `git cat-file --batch`, or None when one
    is larger than `limit` bytes: its size is read before its bytes, which are never loaded (the
    same answers as `blob_sizes` then `read_blobs`, from one process instead of two)."""
    wanted = list(dict.fromkeys(oids))
    for oid in wanted:
        _check_object_id(oid)  # only full ids: cat-file takes any object name per line
    if not wanted:
        return {}
    import threading

    request = "".join(oid + "\n" for oid in wanted).encode("ascii")
    process = _start(["-C", str(repo), "cat-file", "--batch"])
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    stdin, stdout = process.stdin, process.stdout

    def feed() -> None:  # beside the reading below: a long request never waits on git's full output
        try:
            stdin.write(request)
            stdin.close()
        except OSError:  # git stopped (it failed, or the reading below gave up on a large file)
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    blobs: dict[str, bytes] = {}
    finished = False
    try:
        for oid in wanted:
            header = stdout.readline()
            if not header.endswith(b"\n"):  # git stopped: say why
                writer.join()
                process.wait()
                raise GitError(f"cannot read objects from {repo}: {_first_line(process.stderr.read())}")
            fields = header[:-1].decode("ascii", "replace").split(" ")
            if fields[-1] == "missing":
                raise GitError(_missing(oid))
            if len(fields) != 3 or fields[0] != oid or fields[1] != "blob" or not fields[2].isdigit():
                raise GitError(f"object {oid} is not a readable file: {header[:80].decode('ascii', 'replace')!r}")
            size = int(fields[2])
            if size > limit:
                return None
            data = stdout.read(size + 1)
            if len(data) != size + 1 or data[-1:] != b"\n":
                raise GitError(f"truncated output from git cat-file for {oid}")
            blobs[oid] = data[:-1]
        finished = True
    finally:
        if not finished:  # a large file, or an answer not understood: git is stopped, not waited for
            process.kill()
        writer.join()
        process.wait()
        problem = process.stderr.read() if finished and process.returncode != 0 else b""
        for stream in (stdout, process.stderr):
            stream.close()
    if finished and process.returncode != 0:
        raise GitError(f"cannot read objects from {repo}: {_first_line(problem)}")
    return blobs


def blob_sizes(repo: Path, oids: list[str]) -> dict[str, int]:
    """The size in bytes of each blob in `oids`, without reading them (`cat-file --batch-check`).

    Lets a caller refuse an oversized file before its bytes are loaded into memory.
    """
    wanted, output = _cat_file(repo, oids, "--batch-check")
    if not wanted:
        return {}
    sizes: dict[str, int] = {}
    replies = output.decode("ascii", "replace").splitlines()
    if len(replies) != len(wanted):
        raise GitError("unexpected output from git cat-file --batch-check")
    for oid, reply in zip(wanted, replies, strict=True):
        fields = reply.split(" ")
        if fields[-1] == "missing":
            raise GitError(_missing(oid))
        if len(fields) != 3 or fields[0] != oid or fields[1] != "blob" or not fields[2].isdigit():
            raise GitError(f"object {oid} is not a readable file: {reply[:80]!r}")
        sizes[oid] = int(fields[2])
    return sizes


def _parse_tree(out: bytes) -> list[TreeFile]:
    """Every record of `ls-tree -z`: the whole output is held to the format first (one pass)."""
    if not _TREE_ENTRIES.fullmatch(out):
        # Say which record is wrong.
        for entry in out.split(b"\0"):
            if entry:
                _parse_tree_entry(entry)
        raise GitError("unexpected output from git ls-tree")
    # git stores names as bytes; surrogateescape keeps a non-UTF-8 name
    # round-trippable so the caller can report it rather than lose it.
    return [
        TreeFile(path.decode("utf-8", "surrogateescape"), mode.decode("ascii"), oid.decode("ascii"))
        for mode, oid, path in _TREE_ENTRY.findall(out)
    ]


@dataclass(frozen=True)
class TreeChange:
    """A file that differs between two commits: its entry on each side (None where it is absent)."""

    old: TreeFile | None
    new: TreeFile | None


def diff_trees(repo: Path, old: str, new: str, folder: str) -> list[TreeChange]:
    """The files under `folder` that differ between commits `old` and `new` (`diff-tree -r`, no
    rename detection: a renamed file is one deleted and one added), without reading any file."""
    _check_object_id(old)
    _check_object_id(new)
    prefix = _check_folder(folder)
    command = ["-C", str(repo), "-c", "core.quotepath=off", "diff-tree", "-r", "-z", "--no-renames"]
    command += ["--full-index", "--no-ext-diff", "--no-textconv", "--ignore-submodules=none"]
    result = _run([*command, old, new, "--", prefix], extra_env={"GIT_LITERAL_PATHSPECS": "1"})
    if result.returncode != 0:
        raise GitError(f"cannot compare {folder!r} at {old} and {new}: {_first_line(result.stderr)}")
    out = result.stdout
    changes = []
    pos = 0
    while pos < len(out):
        match = _CHANGE.match(out, pos)
        if match is None:
            raise GitError(f"unexpected output from git diff-tree: {out[pos : pos + 80]!r}")
        pos = match.end()
        old_mode, new_mode, old_oid, new_oid = (part.decode("ascii") for part in match.groups()[:4])
        path = match.group(6).decode("utf-8", "surrogateescape")
        if not path.startswith(prefix + "/"):
            continue
        changes.append(
            TreeChange(
                None if old_mode == _NO_FILE else TreeFile(path, old_mode, old_oid),
                None if new_mode == _NO_FILE else TreeFile(path, new_mode, new_oid),
            )
        )
    return changes


def _parse_tree_entry(entry: bytes) -> TreeFile:
    """Parse one `<mode> SP <type> SP <oid> TAB <path>` record of `ls-tree -z`."""
    meta, tab, raw_path = entry.partition(b"\t")
    fields = meta.split(b" ")
    if not tab or len(fields) != 3 or not raw_path or not _OBJECT_ID.fullmatch(fields[2]):
        raise GitError(f"unexpected output from git ls-tree: {entry[:80]!r}")
    mode, _kind, oid = fields
    if not _MODE.fullmatch(mode):
        raise GitError(f"unexpected output from git ls-tree: {entry[:80]!r}")
    # git stores names as bytes; surrogateescape keeps a non-UTF-8 name
    # round-trippable so the caller can report it rather than lose it.
    path = raw_path.decode("utf-8", "surrogateescape")
    return TreeFile(path=path, mode=mode.decode("ascii"), oid=oid.decode("ascii"))


def _parse_batch(out: bytes, wanted: list[str]) -> dict[str, bytes]:
    """Parse `cat-file --batch` replies: `<oid> <type> <size>\\n<size bytes>\\n` each, in order."""
    blobs: dict[str, bytes] = {}
    pos = 0
    for oid in wanted:
        end = out.find(b"\n", pos)
        if end < 0:
            raise GitError("git cat-file stopped early")
        header = out[pos:end].decode("ascii", "replace")
        fields = header.split(" ")
        if fields[-1] == "missing":
            raise GitError(_missing(oid))
        if len(fields) != 3 or fields[0] != oid or not fields[2].isdigit():
            raise GitError(f"unexpected output from git cat-file: {header[:80]!r}")
        if fields[1] != "blob":
            raise GitError(f"object {oid} is a {fields[1]}, not a file")
        start = end + 1
        stop = start + int(fields[2])
        if out[stop : stop + 1] != b"\n":
            raise GitError(f"truncated output from git cat-file for {oid}")
        blobs[oid] = out[start:stop]
        pos = stop + 1
    return blobs


def _missing(oid: str) -> str:
    return (
        f"object {oid} is missing from the repository (a partial or shallow clone?); budgetctl "
        "never fetches: fetch the history with git, or compare in a full clone"
    )


def _check_object_id(oid: str) -> None:
    """Refuse anything but a full lowercase hex object id."""
    if not _OBJECT_ID.fullmatch(oid.encode("ascii", "replace")):
        raise GitError(f"not a full object id: {oid!r}")


def _check_folder(folder: str) -> str:
    """A repo-relative folder as git spells it; nothing absolute or climbing out."""
    parts = folder.strip("/").split("/")
    if folder.startswith("/") or "\0" in folder or any(p in ("", ".", "..") for p in parts):
        raise GitError(f"not a folder inside the repository: {folder!r}")
    return "/".join(parts)


# Settings on every command line, above the repository's own configuration: a ledger may
# arrive in a repository nobody has vetted, and nothing it configures may run.
_SAFE_CONFIG = (
    "protocol.allow=never",  # no transport (a partial clone would fetch a missing object)
    "core.fsmonitor=false",  # a command that would run to list changed files
    "core.hooksPath=/dev/null",  # no hooks
    "core.sshCommand=false",  # belt and braces: no transport reaches ssh anyway
    "core.askPass=",
    "credential.helper=",  # empty: forget every configured helper
    "core.alternateRefsCommand=",
)


def _run(
    args: list[str], *, stdin: bytes | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` without a shell, a terminal prompt, a pager, a transport or replace refs."""
    try:
        return subprocess.run(
            _argv(args),
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            env=_git_env(extra_env),
            check=False,
        )
    except OSError as exc:
        _cannot_run(exc)


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    """Start `git ARGS` as ``_run`` runs it, with pipes to talk to it while it runs."""
    try:
        return subprocess.Popen(
            _argv(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_git_env(None)
        )
    except OSError as exc:
        _cannot_run(exc)


def _argv(args: list[str]) -> list[str]:
    """`git ARGS` with the settings that keep a repository's configuration from running anything."""
    config = [arg for setting in _SAFE_CONFIG for arg in ("-c", setting)]
    return ["git", "--no-replace-objects", *config, *args]


def _cannot_run(exc: OSError) -> NoReturn:
    if isinstance(exc, FileNotFoundError):
        raise GitError("git is not installed or not on PATH") from None
    raise GitError(f"cannot run git: {exc.strerror or exc}") from exc


def _git_env(extra: dict[str, str] | None) -> dict[str, str]:
    """The caller's environment, made safe for a non-interactive, parsed git."""
    env = dict(os.environ)
    # Set by git hooks; they would override the repository given with -C.
    for name in ("GIT_DIR", "GIT_WORK_TREE"):
        env.pop(name, None)
    # Variables that would run a program or reach the network on git's behalf.
    for name in ("GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_PROXY_COMMAND", "GIT_EXTERNAL_DIFF"):
        env.pop(name, None)
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        PAGER="cat",
        LC_ALL="C",
        # Empty: no protocol at all, whatever the repository's protocol.<name>.allow says
        # (protocol.allow=never alone loses to a repository's protocol.ext.allow=always).
        GIT_ALLOW_PROTOCOL="",
        GIT_PROTOCOL_FROM_USER="0",
        # git 2.44 and later: never fetch a missing object of a partial clone.
        GIT_NO_LAZY_FETCH="1",
        GIT_NO_REPLACE_OBJECTS="1",
    )
    env.update(extra or {})
    return env


def _first_line(stderr: bytes) -> str:
    """git's first message line, for a one-line error."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "git failed"


def init_repository(folder: Path) -> None:
    """`git init` in ``folder`` (the one write this module makes: a new, empty repository)."""
    result = _run(["init", "-q", "--", str(folder)])
    if result.returncode != 0:
        raise GitError(f"git init failed in {folder}: {_first_line(result.stderr)}")


def worktree_revision(folder: Path) -> tuple[str, bool] | None:
    """The commit checked out where ``folder`` lies (short id) and whether ``folder`` differs
    from it (changed or untracked files); None outside a repository or before its first commit.
    Both asked from ``folder`` itself: git finds the top of the working tree (no third process)."""
    head = _run(["-C", str(folder), "rev-parse", "--short", "--verify", "--quiet", "HEAD"])
    if head.returncode != 0:
        return None
    status = _run(["-C", str(folder), "status", "--porcelain", "--untracked-files=normal", "--", str(folder.resolve())])
    return head.stdout.decode().strip(), bool(status.stdout.strip())
