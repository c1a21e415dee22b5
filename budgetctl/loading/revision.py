"""The ledger's files at a git revision, read as discovery reads them from disk, and where
the ledger sits in its repository (``budgetctl.pipeline`` checks them).

A revision is read straight from git objects through ``budgetctl.infra.git``: no
checkout, and the working tree and the index are never touched. Files get the
same display paths as on disk (``data/projects/x.yaml``), so problems on the
two sides of a comparison can be matched.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from pathlib import Path

from budgetctl.diagnostics import Diagnostic, printable
from budgetctl.infra import git as gitrepo
from budgetctl.loading.codes import CODES
from budgetctl.loading.discover import (
    LedgerFiles,
    NoLedger,
    RawFile,
    display_base,
    find_root,
    join_shown,
    link_may_be_ledger,
    refused_link,
)
from budgetctl.loading.yamlsubset import MAX_FILE_BYTES
from budgetctl.model.kinds import (
    IMPORTS_DIR,
    IN_YEAR,
    PROJECT_SUFFIXES,
    PROJECTS_DIR,
    STREAMS_FILE,
    FileKind,
    misplaced,
    unread_files,
)
from budgetctl.plainclass import dataclass, field

_LINK, _SUBMODULE = "120000", "160000"


@dataclass(frozen=True)
class Location:
    """Where the ledger is: on disk (the folder may be gone from the working tree) and in the repository."""

    root: Path
    repo: Path
    folder: str  # repo-relative posix path, e.g. "data"
    commits: dict[str, str] = field(default_factory=dict)  # revision -> full commit id, resolved already
    trees: dict[str, str] = field(default_factory=dict)  # commit id -> the tree of the folder in it, known already

    def commit(self, revision: str) -> str:
        """The full commit id that ``revision`` names (``infra.git.resolve_revision``)."""
        found = self.commits.get(revision)
        return found if found is not None else gitrepo.resolve_revision(self.repo, revision)


def locate(data: Path | None, cwd: Path | None = None, revisions: tuple[str, ...] = ()) -> Location:
    """The ledger folder as `validate` finds it, and its place in the enclosing git repository.

    A working tree without the ledger still has a place for it (``--data``,
    $BUDGETCTL_DATA, or ``data/`` at the top of the repository), so a change
    that deletes the ledger can be compared too. Raises GitError outside a repository.
    ``revisions`` are resolved by the same git process when it can (``Location.commit``).
    """
    cwd = cwd or Path.cwd()
    try:
        root = find_root(data, cwd)
    except NoLedger:
        given = data if data is not None else os.environ.get("BUDGETCTL_DATA") or None
        root = cwd / Path(given) if given is not None else gitrepo.repo_root(cwd) / "data"
        try:
            root.stat()
        except (FileNotFoundError, NotADirectoryError):
            pass  # the ledger is gone from the working tree: compare with an empty side
        except OSError as exc:  # a name too long for the system, a loop in the path ...
            raise gitrepo.GitError(f"cannot use the ledger folder {printable(str(root))}: {exc.strerror}") from None
    existing = next((p for p in (root, *root.parents) if _is_dir(p)), cwd)
    found = gitrepo.top_and_commits(existing, list(revisions), here=existing == root) if revisions else None
    if found is None:
        return Location(root, (repo := gitrepo.repo_root(existing)), ledger_folder(repo, root))
    folder = ledger_folder(found.top, root)
    trees = {}
    if found.here is not None and found.prefix == folder + "/":  # git ran in the ledger folder itself
        trees[found.commits[0]] = found.here
    return Location(root, found.top, folder, dict(zip(revisions, found.commits, strict=True)), trees)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long for the system
        return False


def ledger_place(data: Path | None) -> tuple[Path, str, Path | None]:
    """The ledger folder on disk, its repo-relative path, and the repository's top (None outside git).

    Raises NoLedger as `validate` does. Outside a repository the folder's own name is used.
    """
    root = find_root(data)
    try:
        top = gitrepo.repo_root(root)
        return root, ledger_folder(top, root), top
    except gitrepo.GitError:
        return root, root.resolve().name, None


def ledger_folder(repo: Path, root: Path) -> str:
    """The ledger folder as a repo-relative posix path, e.g. ``data``."""
    try:
        relative = root.resolve().relative_to(repo.resolve())
    except ValueError:
        raise gitrepo.GitError(f"the ledger {root} is not inside the git repository {repo}") from None
    folder = relative.as_posix()
    if folder in ("", "."):
        raise gitrepo.GitError("the ledger must be a folder inside the repository (e.g. data/), not its top level")
    return folder


@dataclass
class Listing:
    """A commit's ledger files sorted by kind, from its tree alone (no file is read): what
    discovery would read, and the problems it reports that need no file's size."""

    shown: Callable[[str], str]  # a repo-relative path as discovery shows it on disk
    streams: gitrepo.TreeFile | None
    wanted: list[gitrepo.TreeFile]  # streams.yaml, project and in-year files, in git's order
    in_year: dict[str, str]  # repo-relative path -> kind name, for the in-year files
    problems: list[Diagnostic]


def shown_paths(repo: Path, folder: str) -> Callable[[str], str]:
    """How a repo-relative path under ``folder`` is shown: as discovery shows the ledger on disk
    (display_path), so that problems on the two sides of a comparison match and name files a
    user can open."""
    base = display_base(repo / folder)

    def shown(path: str) -> str:
        return join_shown(base, path[len(folder) + 1 :])

    return shown


def listing(repo: Path, folder: str, entries: list[gitrepo.TreeFile]) -> Listing:
    """Sort ``entries`` (``list_tree`` of ``folder``) as discovery sorts the files on disk."""
    streams_path = f"{folder}/{STREAMS_FILE}"
    projects_prefix = f"{folder}/{PROJECTS_DIR}/"
    shown = shown_paths(repo, folder)
    problems: list[Diagnostic] = []
    wanted = []
    streams = None
    in_year_kind: dict[str, str] = {}  # path -> kind name, for the in-year files
    left_out: list[tuple[str, ...]] = []  # files not read, relative to the ledger folder
    for entry in entries:
        is_streams = entry.path == streams_path
        in_projects = entry.path.startswith(projects_prefix) or entry.path == projects_prefix[:-1]
        kind = _in_year_kind(entry.path, folder)
        if kind is not None:
            if entry.mode in (_LINK, _SUBMODULE):
                problems.append(_refused(entry, shown(entry.path)))
                continue
            why = misplaced(kind, tuple(entry.path[len(folder) + len(kind.folder) + 2 :].split("/")))
            if why is not None:
                problems.append(CODES["Y018"].at(printable(why), printable(shown(entry.path))))
                continue
            in_year_kind[entry.path] = kind.name
            wanted.append(entry)
            continue
        linked = entry.mode in (_LINK, _SUBMODULE)
        if not (is_streams or in_projects) or (
            in_projects and not linked and not entry.path.endswith(PROJECT_SUFFIXES)
        ):
            # e.g. data/README.md: not part of the ledger, but said when it looks like a ledger file
            relative = tuple(entry.path[len(folder) + 1 :].split("/"))
            hidden = any(part.startswith(".") for part in relative[:-1])
            if entry.mode not in (_LINK, _SUBMODULE) and relative[0] != IMPORTS_DIR and not hidden:
                left_out.append(relative)
            continue
        if entry.mode in (_LINK, _SUBMODULE):
            # As on disk: a link that is, or may be, a project file or a folder is
            # reported; a link named like another kind of file is ignored.
            if _could_be_ledger(entry):
                problems.append(_refused(entry, shown(entry.path)))
            continue
        if is_streams or entry.path.endswith(PROJECT_SUFFIXES):
            wanted.append(entry)
            if is_streams:
                streams = entry
    for unread, why in unread_files(left_out):
        problems.append(CODES["Y020"].at(printable(why), printable(shown(f"{folder}/{unread}"))))
    return Listing(shown, streams, wanted, in_year_kind, problems)


def files_at(repo: Path, sha: str, folder: str) -> LedgerFiles | None:
    """The ledger files in ``folder`` of commit ``sha``, as discovery reads them from disk.

    None when the commit has no ``<folder>/streams.yaml`` (before the ledger existed).
    Links and submodules are reported (Y010), never read; oversized files are
    reported (Y015) before their bytes are loaded.
    """
    entries = gitrepo.list_tree(repo, sha, folder)
    streams_path = f"{folder}/{STREAMS_FILE}"
    if not any(e.path == streams_path for e in entries):
        return None
    found = listing(repo, folder, entries)
    shown, wanted, in_year_kind = found.shown, found.wanted, found.in_year
    problems = list(found.problems)
    sizes = gitrepo.blob_sizes(repo, [e.oid for e in wanted])
    readable = []
    for entry in wanted:
        if sizes[entry.oid] > MAX_FILE_BYTES:
            problems.append(
                CODES["Y015"].at(
                    f"the file is {sizes[entry.oid]:,} bytes; the limit is {MAX_FILE_BYTES:,}", shown(entry.path)
                )
            )
        else:
            readable.append(entry)
    blobs = gitrepo.read_blobs(repo, [e.oid for e in readable])
    files = LedgerFiles(None, None, problems=problems)
    for entry in readable:
        raw = RawFile(shown(entry.path), blobs[entry.oid])
        if entry.path == streams_path:
            files.streams = raw
        elif entry.path in in_year_kind:
            files.in_year.setdefault(in_year_kind[entry.path], []).append(raw)
        else:
            files.projects.append(raw)
    files.projects.sort(key=lambda f: f.path)
    for found_files in files.in_year.values():
        found_files.sort(key=lambda f: f.path)
    return files


def _in_year_kind(path: str, folder: str) -> FileKind | None:
    """The in-year kind whose folder holds ``path`` (under the ledger ``folder``), if any."""
    for kind in IN_YEAR:
        if path.startswith(f"{folder}/{kind.folder}/"):
            return kind
    return None


def _could_be_ledger(entry: gitrepo.TreeFile) -> bool:
    return entry.mode == _SUBMODULE or link_may_be_ledger(posixpath.basename(entry.path))


def _refused(entry: gitrepo.TreeFile, shown: str) -> Diagnostic:
    return refused_link(shown, "a symbolic link" if entry.mode == _LINK else "a git submodule")


def changed_paths(root: Path, files: LedgerFiles, revision: str) -> set[str]:
    """Display paths of the ledger files on disk (``files``, read from ``root``) that are new or
    different from ``revision``; raises GitError outside a repository or for a bad revision."""
    repo = gitrepo.repo_root(root)
    sha = gitrepo.resolve_revision(repo, revision)
    before = files_at(repo, sha, ledger_folder(repo, root))
    old = {raw.path: raw.data for raw in before.every_file()} if before is not None else {}
    return {raw.path for raw in files.every_file() if old.get(raw.path) != raw.data}
