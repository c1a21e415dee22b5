"""`budgetctl diff` against real git repositories built in a temporary directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import GIT_ENV, SHIPPED, commit, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

IDVA = "data/projects/victims-services/idva-service.yaml"


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def diff(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["diff", *args, "--data", str(repo / "data")])
    return result.exit_code, result.stdout, result.stderr


def diff_json(repo: Path, *args: str) -> dict:
    code, out, err = diff(repo, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_an_edited_allocation_shows_in_diff_head_with_amounts_and_headline(repo: Path) -> None:
    edit(repo, IDVA, "2023/24: 1275000", "2023/24: 1287500")
    code, out, _ = diff(repo, "HEAD")
    assert code == 0
    assert out.splitlines()[0] == "2023/24: allocated +£12,500.00 across 1 stream"
    assert "allocations.2023/24: £1,275,000.00 → £1,287,500.00 (+£12,500.00)" in out
    assert "Comparing HEAD (" in out and "with the working tree" in out
    data = diff_json(repo, "HEAD")
    [year] = data["years"]
    [row] = year["streams"]
    assert row["stream"] == "victims-services"
    assert row["allocated"] == {"before": "6599872.40", "after": "6612372.40", "change": "12500.00"}
    assert row["unallocated"]["change"] == "-12500.00"
    assert row["budget"]["change"] == "0.00"
    assert year["total"]["allocated"]["after"] == "17337860.40"
    [project] = data["projects"]
    assert project["id"] == "idva-service" and project["change"] == "changed"
    assert project["fields"] == [
        {"field": "allocations.2023/24", "before": "1275000.00", "after": "1287500.00", "change": "12500.00"}
    ]


def test_changes_on_two_streams_and_a_new_error_make_one_headline(repo: Path) -> None:
    edit(repo, IDVA, "2023/24: 1275000", "2023/24: 1287500")
    # 400,000 Helping Communities Fund (4,999.50 unallocated): one grant over its 5,000 cap is a new error.
    edit(
        repo,
        "data/projects/helping-communities-fund/dudley-home-security-packs.yaml",
        "2023/24: 2750.50",
        "2023/24: 5050.50",
    )
    data = diff_json(repo, "HEAD")
    assert data["headline"].startswith("2023/24: allocated +£")
    assert data["headline"].endswith(" across 2 streams; 1 new error")
    [new] = data["problems"]["new"]
    assert new["code"] == "E005"
    assert new["file"] == "data/projects/helping-communities-fund/dudley-home-security-packs.yaml"
    assert data["problems"]["fixed"] == []
    code, _, _ = diff(repo, "HEAD", "--fail-on-new-errors")
    assert code == 1


def test_a_fixed_error_is_reported_and_does_not_fail(repo: Path) -> None:
    edit(repo, IDVA, "2023/24: 1275000", "2023/24: 99999999")
    commit(repo, "over-allocate victims services")
    edit(repo, IDVA, "2023/24: 99999999", "2023/24: 1275000")
    data = diff_json(repo, "HEAD")
    assert [p["code"] for p in data["problems"]["fixed"]] == ["A001"]
    assert data["headline"] == "2023/24: allocated -£98,724,999.00 across 1 stream; 1 error fixed"
    code, _, _ = diff(repo, "HEAD", "--fail-on-new-errors")
    assert code == 0


def test_added_and_removed_projects(repo: Path) -> None:
    (repo / "data/projects/victims-services/isva-service.yaml").unlink()
    (repo / "data/projects/victims-services/stalking-advocacy.yaml").write_text(
        "title: Stalking advocacy\nstream: victims-services\nlead: Victims Commissioning Manager\n"
        "purpose: sexual-violence-and-domestic-abuse\nallocations:\n  2023/24: 40000.50\n",
        encoding="utf-8",
    )
    data = diff_json(repo, "HEAD")
    kinds = {p["id"]: p["change"] for p in data["projects"]}
    assert kinds == {"stalking-advocacy": "added", "isva-service": "removed"}
    added = next(p for p in data["projects"] if p["change"] == "added")
    assert added["path"] == {"before": None, "after": "data/projects/victims-services/stalking-advocacy.yaml"}
    assert {"field": "allocations.2023/24", "before": None, "after": "40000.50", "change": "40000.50"} in added[
        "fields"
    ]
    _, out, _ = diff(repo, "HEAD", "--format", "markdown")
    assert "- Added stalking-advocacy 'Stalking advocacy' (victims-services)" in out
    assert "- Removed isva-service" in out


def test_a_changed_field_is_shown_field_by_field(repo: Path) -> None:
    edit(
        repo,
        IDVA,
        "provider: Domestic Abuse Advocacy Partnership (illustrative)",
        "provider: Another Provider",
    )
    data = diff_json(repo, "HEAD")
    [project] = data["projects"]
    assert project["fields"] == [
        {
            "field": "provider",
            "before": "Domestic Abuse Advocacy Partnership (illustrative)",
            "after": "Another Provider",
        }
    ]
    assert data["years"] == []
    assert data["headline"] == "No change to amounts; 1 project changed"


def test_a_project_moved_to_another_folder_is_the_same_project(repo: Path) -> None:
    (repo / "data/projects/archive").mkdir()
    git(repo, "mv", IDVA, "data/projects/archive/idva-service.yaml")
    data = diff_json(repo, "HEAD")
    [project] = data["projects"]
    assert project["change"] == "moved"
    assert project["path"] == {"before": IDVA, "after": "data/projects/archive/idva-service.yaml"}
    assert project["fields"] == []
    assert data["years"] == []


def test_a_renamed_project_is_recognised(repo: Path) -> None:
    git(repo, "mv", IDVA, "data/projects/victims-services/domestic-violence-advisers.yaml")
    data = diff_json(repo, "HEAD")
    [project] = data["projects"]
    assert project["change"] == "renamed"
    assert project["id"] == "domestic-violence-advisers"
    assert project["previous_id"] == "idva-service"
    _, out, _ = diff(repo, "HEAD")
    assert "Renamed idva-service → domestic-violence-advisers" in out


def test_a_stream_budget_change(repo: Path) -> None:
    edit(repo, "data/streams.yaml", "2023/24: 6529875", "2023/24: 6524875")
    data = diff_json(repo, "HEAD")
    # 2023/24 is approved in the shipped ledger: an in-place edit of its budget is a new error (D014).
    assert data["headline"] == "2023/24: budget -£5,000.00 across 1 stream; 1 new error"
    assert [p["code"] for p in data["problems"]["new"]] == ["D014"]
    [stream] = data["streams"]
    assert stream["id"] == "victims-services" and stream["change"] == "changed"
    assert stream["fields"] == [
        {"field": "budget.2023/24", "before": "6529875.00", "after": "6524875.00", "change": "-5000.00"}
    ]
    [row] = data["years"][0]["streams"]
    assert row["unallocated"]["change"] == "-5000.00"


def test_two_committed_revisions(repo: Path) -> None:
    edit(repo, IDVA, "2023/24: 1275000", "2023/24: 1287500")
    commit(repo, "more advisers")
    # A later, uncommitted edit must not show in HEAD~1..HEAD.
    edit(repo, IDVA, "2023/24: 1287500", "2023/24: 1")
    data = diff_json(repo, "HEAD~1", "HEAD")
    assert data["headline"] == "2023/24: allocated +£12,500.00 across 1 stream"
    assert data["head"]["revision"] == "HEAD" and data["head"]["working_tree"] is False
    assert len(data["head"]["commit"]) == 40


def test_a_revision_before_the_ledger_existed_counts_as_empty(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("budgets\n", encoding="utf-8")
    commit(root, "readme")
    shutil.copytree(SHIPPED, root / "data")
    commit(root, "ledger")
    data = diff_json(root, "HEAD~1", "HEAD")
    assert data["base"]["empty"] is True and data["head"]["empty"] is False
    assert (
        data["headline"]
        == "2023/24: budget +£17,175,399.00 across 5 streams, adjustments +£301,276.30 across 4 streams, "
        "allocated +£17,325,360.40 across 5 streams; 2024/25: budget +£17,527,321.00 across 5 streams, "
        "adjustments +£40,000.00 across 1 stream, allocated +£3,385,000.00 across 3 streams; "
        "actuals +£17,165,213.90 (449 rows); 2023/24 forecast +£17,189,947.90; RAG helping-communities-fund -→green, "
        "community-safety-fund -→green, intervention-and-prevention -→green, victims-services -→green, "
        "violence-reduction-partnership -→green"
    )
    assert {p["change"] for p in data["projects"]} == {"added"}
    assert len(data["projects"]) == 139
    assert any("has no ledger" in note for note in data["notes"])
    # And the other way round: deleting the ledger removes everything.
    back = diff_json(root, "HEAD", "HEAD~1")
    assert back["headline"].startswith("2023/24: budget -£17,175,399.00 across 5 streams")


def test_no_change_says_so(repo: Path) -> None:
    code, out, _ = diff(repo, "HEAD", "--format", "markdown")
    assert code == 0
    assert out.splitlines()[0] == "No changes to the ledger."


@pytest.mark.parametrize("revision", ["HEAD;touch INJECTED", "no-such-branch", "HEAD~99", "$(touch INJECTED)"])
def test_a_bad_revision_is_exit_2_with_a_clear_message(repo: Path, revision: str) -> None:
    code, out, err = diff(repo, revision)
    assert code == 2
    assert "not a commit" in err and out == ""
    assert not (repo / "INJECTED").exists()


def test_an_option_like_revision_never_reaches_git(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "PWNED.txt"
    for args in (["--", f"--output={target}"], ["HEAD", "--", f"--output={target}"], [f"--output={target}"]):
        code, _, err = diff(repo, *args)
        assert code == 2, args
        assert "revision" in err or "No such option" in err
    assert not target.exists()


def test_outside_a_git_repository_is_exit_2(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path / "data")
    code, _, err = diff(tmp_path, "HEAD")
    assert code == 2
    assert "not inside a git working tree" in err


def test_the_working_tree_and_index_are_untouched(repo: Path) -> None:
    edit(repo, IDVA, "2023/24: 1275000", "2023/24: 1287500")
    git(repo, "add", IDVA)  # a staged change
    edit(repo, "data/streams.yaml", "2023/24: 400000", "2023/24: 400001")  # and an unstaged one
    status = git(repo, "status", "--porcelain")
    index = (repo / ".git/index").read_bytes()
    files = {p: p.read_bytes() for p in (repo / "data").rglob("*") if p.is_file()}
    for args in (["HEAD"], ["HEAD", "HEAD"], ["HEAD", "--format", "markdown"]):
        assert diff(repo, *args)[0] == 0
    assert git(repo, "status", "--porcelain") == status
    assert (repo / ".git/index").read_bytes() == index
    assert {p: p.read_bytes() for p in (repo / "data").rglob("*") if p.is_file()} == files


def test_a_committed_symlink_is_refused_not_followed(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("title: SECRET-CONTENT\n", encoding="utf-8")
    (repo / "data/projects/victims-services/leak.yaml").symlink_to(secret)
    commit(repo, "a link")
    code, out, _ = diff(repo, "HEAD~1", "HEAD", "--format", "json")
    assert code == 0
    data = json.loads(out)
    [new] = data["problems"]["new"]
    assert new["code"] == "Y010"
    assert new["file"] == "data/projects/victims-services/leak.yaml"
    assert "SECRET-CONTENT" not in out


def test_an_oversized_blob_is_refused_before_it_is_read(repo: Path) -> None:
    big = repo / "data/projects/victims-services/big.yaml"
    big.write_bytes(b"title: x\n" + b"#" * 5_000_001 + b"\n")
    commit(repo, "a big file")
    data = diff_json(repo, "HEAD~1", "HEAD")
    assert [p["code"] for p in data["problems"]["new"]] == ["Y015"]


def test_a_problem_on_a_shifted_line_is_not_new(repo: Path) -> None:
    edit(repo, IDVA, "2023/24: 1275000", "2023/24: 99999999")
    commit(repo, "over-allocate")
    edit(repo, IDVA, "title:", "# a comment that shifts every line\ntitle:")
    data = diff_json(repo, "HEAD")
    assert data["problems"] == {"new": [], "fixed": []}
    assert data["headline"] == "No changes to the ledger."


def test_owners_whose_approval_is_needed(repo: Path) -> None:
    edit(
        repo,
        "data/streams.yaml",
        "    programme: Victims Services\n",
        '    programme: Victims Services\n    owners: ["@org/victims", "@jane"]\n',
    )
    commit(repo, "owners")
    edit(repo, IDVA, "2023/24: 1275000", "2023/24: 1287500")
    data = diff_json(repo, "HEAD")
    assert data["approvals"] == [{"stream": "victims-services", "owners": ["@org/victims", "@jane"]}]
    assert data["approvers"] == ["@org/victims", "@jane"]
    _, out, _ = diff(repo, "HEAD", "--format", "markdown")
    # Shown in code spans: a posted comment does not notify them on every push.
    assert "- victims-services: `@org/victims`, `@jane`" in out


def test_markdown_neutralises_file_text(repo: Path) -> None:
    edit(
        repo,
        IDVA,
        "title: Independent domestic violence advisers",
        'title: "@everyone <img src=x> [x](http://e) | cell"',
    )
    _, out, _ = diff(repo, "HEAD", "--format", "markdown")
    assert "@everyone" not in out and "@&#8203;everyone" in out
    assert "<img" not in out.replace("\\<img", "") and "\\<img src=x\\>" in out
    assert "\\[x\\](http:\\/\\/e)" in out and "\\| cell" in out  # no link, and no bare address either


def test_golden_markdown_for_a_known_edit(tmp_path: Path, golden) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    files = {
        "data/streams.yaml": (
            "streams:\n"
            "  victims:\n    programme: Victims Services\n    funding: Specific Grant\n"
            '    owners: ["@org/victims-commissioning"]\n'
            "    budget:\n      2023/24: 100000\n"
            "  youth:\n    programme: Youth Diversion\n    funding: Police Grant\n"
            "    budget:\n      2023/24: 50000\n"
        ),
        "data/projects/victims/advocacy.yaml": (
            "title: Advocacy\nstream: victims\nlead: Victims Manager\nprovider: Old Provider\n"
            "allocations:\n  2023/24: 60000\n"
        ),
        "data/projects/victims/helpline.yaml": (
            "title: Helpline\nstream: victims\nlead: Victims Manager\nallocations:\n  2023/24: 30000\n"
        ),
        "data/projects/youth/mentoring.yaml": (
            "title: Mentoring\nstream: youth\nlead: Youth Manager\nallocations:\n  2023/24: 20000\n"
        ),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    commit(root, "ledger")
    edit(root, "data/projects/victims/advocacy.yaml", "provider: Old Provider\nallocations:\n  2023/24: 60000",
         "provider: New Provider\nallocations:\n  2023/24: 72500")  # fmt: skip
    (root / "data/projects/victims/helpline.yaml").unlink()
    (root / "data/projects/youth/boxing.yaml").write_text(
        "title: Boxing nights\nstream: youth\nlead: Youth Manager\nallocations:\n  2023/24: 35000\n", encoding="utf-8"
    )
    commit(root, "change")
    code, out, _ = diff(root, "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 0
    assert out.splitlines()[0] == "2023/24: allocated +£17,500.00 across 2 streams; 1 new error"
    golden("diff-known-edit.md", out)


def test_fresh_clone_subprocess(repo: Path, tmp_path: Path) -> None:
    """The issue's acceptance: in a fresh clone an edited allocation shows in `budgetctl diff HEAD`."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, env=GIT_ENV, capture_output=True)
    edit(clone, IDVA, "2023/24: 1275000", "2023/24: 1287500")
    # The installed script beside the running interpreter (the README's command runs
    # `.venv/bin/python -m pytest` with no VIRTUAL_ENV and no venv on PATH).
    script = Path(sys.executable).parent / "budgetctl"
    assert script.exists(), f"budgetctl is not installed beside {sys.executable}"
    exe = str(script)
    env = {k: v for k, v in GIT_ENV.items() if k != "BUDGETCTL_DATA"}
    result = subprocess.run([exe, "diff", "HEAD"], cwd=clone, capture_output=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.splitlines()[0] == "2023/24: allocated +£12,500.00 across 1 stream"
    assert "+£12,500.00" in out and "£1,287,500.00" in out


def test_a_broken_streams_file_is_not_an_empty_ledger(repo: Path) -> None:
    (repo / "data/streams.yaml").write_text("streams: [\n", encoding="utf-8")
    data = diff_json(repo, "HEAD")
    assert data["headline"] == "Totals could not be compared: streams.yaml has errors after the change; 1 new error"
    assert data["years"] == [] and data["streams"] == [] and data["projects"] == []
    assert [p["code"] for p in data["problems"]["new"]] == ["Y002"]
    assert any("budgets, allocations and streams are not compared" in note for note in data["notes"])


def test_a_broken_project_file_is_changed_not_removed(repo: Path) -> None:
    (repo / IDVA).write_text("title: [unclosed\n", encoding="utf-8")
    data = diff_json(repo, "HEAD")
    [project] = data["projects"]
    assert project["change"] == "changed" and project["fields"] == []
    assert "has errors in the working tree" in project["note"]
    # Totals are not compared with a broken project file; its actuals rows and forecast name a project
    # that no longer loads (the file's own error, then theirs).
    assert (
        data["headline"] == "Totals could not be compared: 1 project file with errors after the change; 18 new errors"
    )
    assert any("left out of its totals" in note for note in data["notes"])
