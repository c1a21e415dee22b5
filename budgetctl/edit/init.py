"""Start a new ledger: ``DIR/data`` with a streams.yaml skeleton, an empty projects/ and a README.

The skeleton validates as it is (one example stream with a budget for the
current financial year); every rule kind is shown in comments, ready to
uncomment, so a new office learns the format from the file itself.
"""

from __future__ import annotations

import datetime
import errno
import os
import shutil
import tempfile
from pathlib import Path

from budgetctl.diagnostics import UserError
from budgetctl.infra.atomic import WriteRefused, fsync_directory, write_atomic
from budgetctl.model.kinds import PROJECTS_DIR, STREAMS_FILE


class InitRefused(UserError):
    """``init`` will not write here; str() says why (exit 2)."""


def financial_year(today: datetime.date) -> str:
    """The financial year (April to March) holding ``today``: 2024-03-31 -> 2023/24."""
    first = today.year if today.month >= 4 else today.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


STREAMS = """\
# Funding streams: their budgets per financial year and their rules.
# `budgetctl validate` checks every project in projects/ against them.
# Ids (streams, purposes, priorities, sources) are lower-case words joined by
# hyphens. Money is a plain number of pounds with at most two decimals.

# Optional: who publishes this ledger's grants as 360Giving data
# (`budgetctl export --format 360giving`); command-line options override it.
# publisher:
#   name: Office of the Police and Crime Commissioner for Example
#   org_id: GB-GOR-PB000            # your org-id (org-id.guide)
#   prefix: 360G-EXAMPLE            # your registered 360Giving prefix

# Optional: the objectives of the Police and Crime Plan; projects name them
# in `priorities: [...]`.
priorities:
  preventing-and-reducing-crime: Preventing and reducing crime
  prioritising-victims: Prioritising the rights of victims

streams:
  example-fund:                     # the stream id: projects say `stream: example-fund`
    programme: Example Fund         # the programme name in the board report
    funding: Police Grant           # the funding stream label in the board report
    description: Replace this with what the stream pays for and where its money comes from.
    budget:
      {year}: 100000

    # Where the money comes from, per year; sources must sum exactly to budget.
    # sources:
    #   police-grant:
    #     {year}: 90000
    #   partner-contributions:
    #     {year}: 10000

    # Who must approve changes to this stream (`budgetctl owners` writes them
    # into CODEOWNERS); its projects then live in projects/example-fund/.
    # owners: ["@example-org/commissioning-team"]

    # Conditions every project on this stream must meet (each is optional).
    # eligibility:
    #   required: [provider, npu, approved_by]   # project keys every project must give
    #   allowed:                                 # the ids a project key may take
    #     npu:
    #       north: North Neighbourhood Policing Unit
    #       south: South Neighbourhood Policing Unit
    #     approved_by:
    #       chief-executive: Chief Executive of the OPCC
    #   max_award: 5000                          # at most this per project per year
    #   excluded_costs:                          # cost ids a project's `costs:` must not list
    #     police-officer-costs: Police officer pay and overtime

  # A ring-fenced grant: every project must name one of its purposes.
  # example-victims-grant:
  #   programme: Victims Services
  #   funding: Specific Grant
  #   ring_fenced: true
  #   budget:
  #     {year}: 250000
  #   purposes:
  #     referral-service: Referral and information service for victims
  #     restorative-justice: Victim-led restorative justice
"""

README = """\
# Budget ledger

This folder is a budgetctl ledger: plain-text YAML kept in git, so every change
to a budget or an allocation is reviewed line by line.

- `streams.yaml`: the funding streams, their budget per financial year
  (written `YYYY/YY`, e.g. `{year}`) and their rules. Commented examples show
  every kind of rule.
- `projects/`: one file per project allocation, named after the project id,
  in a folder named after its stream (`projects/example-fund/youth-diversion.yaml`).

A project file looks like this:

```yaml
title: Youth diversion
stream: example-fund
lead: Head of Commissioning
provider: Example Youth Services
priorities: [preventing-and-reducing-crime]
allocations:
  {year}: 25000
```

Check the ledger with `budgetctl validate --data data` and see the totals with
`budgetctl summary --data data`. Replace this README with what your office
needs to know: where the budgets come from, who approves changes.
"""


STAGING_PREFIX = ".budgetctl-init-"


def create(directory: Path, today: datetime.date | None = None) -> list[Path]:
    """Write the skeleton under ``directory/data``; refuse a non-empty existing ``data`` folder.

    The ledger is built in a folder beside ``data`` and renamed into place in one step, so
    an ``init`` killed at any moment leaves either no ledger or a complete one. A staging
    folder left by a killed ``init`` is removed by the next one.
    """
    data = directory / "data"
    if data.is_symlink() or (data.exists() and not data.is_dir()):
        raise InitRefused(f"{data} exists and is not a folder; choose another DIR")
    if data.is_dir() and any(data.iterdir()):
        raise InitRefused(f"{data} already exists and is not empty; budgetctl init never overwrites a ledger")
    year = financial_year(today or datetime.date.today())
    files = {
        Path(STREAMS_FILE): STREAMS.format(year=year),
        Path("README.md"): README.format(year=year),
        Path(PROJECTS_DIR) / ".gitkeep": "",
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _sweep(directory)
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=directory))
    except OSError as exc:
        raise InitRefused(f"cannot create the ledger in {data}: {exc.strerror or exc}") from exc
    try:
        (staging / PROJECTS_DIR).mkdir()
        for path, text in files.items():
            write_atomic(staging / path, text.encode("utf-8"))
        # mkdtemp makes an owner-only folder; a ledger folder is made as mkdir would make it.
        mode = 0o777 & ~_umask()
        for folder in (staging / PROJECTS_DIR, staging):
            folder.chmod(mode)
        # rename(2) replaces only a missing name or an empty folder: a ledger that appeared
        # meanwhile is never overwritten.
        staging.rename(data)
    except (OSError, WriteRefused) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise InitRefused(f"{data} appeared meanwhile and is not empty; nothing was written") from exc
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise InitRefused(f"cannot create the ledger in {data}: {reason}") from exc
    fsync_directory(directory)
    return [data / path for path in files]


def _sweep(directory: Path) -> None:
    """Remove staging folders of ``init`` runs that were killed (their process is gone)."""
    for entry in directory.glob(f"{STAGING_PREFIX}*"):
        pid = entry.name[len(STAGING_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            pass  # alive, someone else's: leave it


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


# Hooks that run only on files inside the ledger folder (docs/projects/notes.yaml is
# not a ledger file), from the budgetctl installed where git commits are made.
PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): `pip install pre-commit && pre-commit install`.
# The hooks run the budgetctl installed in the environment that makes the commit.
repos:
  - repo: local
    hooks:
      - id: budgetctl-validate
        name: budgetctl validate
        entry: budgetctl validate --data data
        language: system
        pass_filenames: false
        files: ^data/(streams\\.ya?ml|projects/.+\\.ya?ml)$
      - id: budgetctl-fmt-check
        name: budgetctl fmt --check
        entry: budgetctl fmt --check
        language: system
        files: ^data/(streams\\.ya?ml|projects/.+\\.ya?ml)$
"""

WORKFLOW = """\
# Checks every pull request (and every merge-queue group) of this ledger:
# annotations on the changed files, and `budgetctl diff` in the job summary.
# Make the `ledger` job a required status check. Pin BUDGETCTL to the release you use.
name: ledger

on:
  pull_request:
  merge_group:   # a required check must also run in a merge queue, or nothing can merge

permissions:
  contents: read

env:
  BUDGETCTL: "budgetctl @ git+https://github.com/your-org/budgetctl@v{version}"

jobs:
  ledger:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@1af3b93b6815bc44a9784bd300feb67ff0d1eeb3 # v6.0.0
        with:
          fetch-depth: 2   # the merge commit and the base it is compared with
          persist-credentials: false
      - uses: actions/setup-python@e797f83bcb11b83ae66e0230d6156d7c80228e7c # v6.0.0
        with:
          python-version: "3.11"
      - run: python -m pip install --disable-pip-version-check --no-input "$BUDGETCTL"
      - run: budgetctl validate --data data --format github --changed-since HEAD^1
      - if: ${{{{ !cancelled() }}}}
        run: budgetctl diff HEAD^1 HEAD --data data --format markdown >> "$GITHUB_STEP_SUMMARY"
"""

DEPENDABOT = """\
# Keeps the actions pinned in .github/workflows/ at their current releases.
version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
"""


def create_ci(directory: Path, version: str) -> list[Path]:
    """The pre-commit configuration, the Actions workflow and a Dependabot configuration beside the ledger."""
    files = {
        directory / ".pre-commit-config.yaml": PRE_COMMIT,
        directory / ".github" / "workflows" / "ledger.yml": WORKFLOW.format(version=version),
        directory / ".github" / "dependabot.yml": DEPENDABOT,
    }
    for path in files:
        if path.exists():
            raise InitRefused(f"{path} already exists; budgetctl init never overwrites it")
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
    except (OSError, WriteRefused) as exc:
        raise InitRefused(f"cannot write {exc}") from exc
    return list(files)


def git_repository(directory: Path, *, make: bool) -> str:
    """Whether ``directory`` is in a git repository, as one line to print; with ``make``, a
    folder outside any repository becomes one (``git init``). A missing git is said, not raised."""
    from budgetctl.infra import git as gitrepo

    try:
        top = gitrepo.repo_root(directory)
        return f"{directory} is inside the git repository {top}: commit the new files there"
    except gitrepo.GitError:
        pass
    if not make:
        return f"not a git repository yet: run `git init {directory}` (or budgetctl init --git)"
    try:
        gitrepo.init_repository(directory)
    except gitrepo.GitError as exc:
        return f"not a git repository yet ({exc}): install git, then run `git init {directory}`"
    return f"initialised a git repository in {directory}"
