"""Properties over generated ledgers (hypothesis).

* The summary reconciles: rows sum to the total, unallocated is budget minus
  allocated, and ``--by funding`` and ``--by priority`` totals equal the stream
  totals, which equal the sum of every project's allocation in the year.
* validate gives the same problems whatever the order of the files, whether
  handed to the pipeline shuffled or created on disk in a different order.

Examples are derandomised, so CI is repeatable; ``--hypothesis-profile=nightly``
runs many more.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading.discover import LedgerFiles, RawFile, read_ledger
from budgetctl.pipeline import check_files
from tests.conftest import examples

CI = examples(100, nightly=2_000, derandomize=True)

YEARS = ("2022/23", "2023/24")
STREAM_IDS = ("victims-services", "community-safety", "vrp", "helping-communities", "arts")
PRIORITY_IDS = ("victims", "crime", "policing", "youth")
FUNDING = ("Police Grant", "Specific Grant", "POCA")
TEXT = st.text(alphabet="abcXYZ 019[]/=+-@&'\"£é", min_size=1, max_size=20).filter(lambda t: t.strip())


def money_text(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return str(pounds) if rest == 0 else f"{pounds}.{rest:02d}"


@dataclass
class GenProject:
    id: str
    folder: str
    stream: str
    allocations: dict[str, int]  # pence
    priorities: list[str]


@dataclass
class GenLedger:
    priorities: list[str]
    streams: dict[str, tuple[str, str, dict[str, int]]]  # id -> programme, funding, budget pence
    projects: list[GenProject]

    def files(self) -> dict[str, str]:
        lines = ["priorities:"] if self.priorities else []
        lines += [f"  {p}: {json.dumps(p.title())}" for p in self.priorities]
        lines.append("streams:")
        for sid, (programme, funding, budget) in self.streams.items():
            lines += [
                f"  {sid}:",
                f"    programme: {json.dumps(programme)}",
                f"    funding: {json.dumps(funding)}",
                "    budget:",
                *(f"      {year}: {money_text(p)}" for year, p in budget.items()),
            ]
        files = {"streams.yaml": "\n".join(lines) + "\n"}
        for project in self.projects:
            body = [
                f"title: {json.dumps('Project ' + project.id)}",
                f"stream: {project.stream}",
                "lead: Manager",
            ]
            if project.priorities:
                body.append(f"priorities: [{', '.join(project.priorities)}]")
            body.append("allocations:")
            body += [f"  {year}: {money_text(p)}" for year, p in project.allocations.items()]
            files[f"projects/{project.folder}{project.id}.yaml"] = "\n".join(body) + "\n"
        return files


amounts = st.integers(min_value=0, max_value=10**10)


@st.composite
def ledgers(draw: st.DrawFn, *, broken: bool = False) -> GenLedger:
    """A ledger whose totals can be trusted (over-allocation allowed); with ``broken``,
    also unknown streams and priorities, duplicate ids and bad money."""
    priorities = draw(st.lists(st.sampled_from(PRIORITY_IDS), unique=True, max_size=4))
    stream_ids = draw(st.lists(st.sampled_from(STREAM_IDS), unique=True, min_size=1, max_size=5))
    streams = {
        sid: (
            draw(TEXT),
            draw(st.sampled_from(FUNDING)),
            {year: draw(amounts) for year in YEARS},
        )
        for sid in stream_ids
    }
    count = draw(st.integers(min_value=0, max_value=8))
    projects = []
    stream_choices = [*stream_ids, "no-such-stream"] if broken else stream_ids
    priority_choices = [*priorities, "no-such-priority"] if broken else priorities
    for index in range(count):
        project_id = f"p{index}" if not broken else draw(st.sampled_from(["p0", "p1", "p2", f"p{index}"]))
        projects.append(
            GenProject(
                id=project_id,
                folder=draw(st.sampled_from(["", "a/", "b/c/"])),
                stream=draw(st.sampled_from(stream_choices)),
                allocations={year: draw(amounts) for year in draw(st.sets(st.sampled_from(YEARS), min_size=1))},
                priorities=draw(st.lists(st.sampled_from(priority_choices), max_size=3)) if priority_choices else [],
            )
        )
    # Ids are unique across folders unless broken; two files cannot share one path.
    seen: set[str] = set()
    unique = []
    for project in projects:
        path = project.folder + project.id
        if path not in seen and (broken or project.id not in {p.id for p in unique}):
            seen.add(path)
            unique.append(project)
    return GenLedger(priorities, streams, unique)


def write(root: Path, files: dict[str, str], order: list[str] | None = None) -> Path:
    data = root / "data"
    for name in order or list(files):
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[name], encoding="utf-8")
    (data / "projects").mkdir(parents=True, exist_ok=True)
    return data


def summary_json(data: Path, by: str, year: str) -> dict:
    result = CliRunner().invoke(
        app, ["summary", "--data", str(data), "--year", year, "--by", by, "--format", "json", "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def D(text: str) -> Decimal:
    assert text == f"{Decimal(text):.2f}"  # JSON money: exactly two decimals
    return Decimal(text)


@examples(50, nightly=2_000, derandomize=True)
@given(ledgers())
def test_summary_reconciles_for_every_grouping(ledger: GenLedger) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = write(Path(tmp), ledger.files())
        for year in YEARS:
            expected_budget = sum(budget[year] for _, _, budget in ledger.streams.values())
            expected_allocated = sum(p.allocations.get(year, 0) for p in ledger.projects)

            by_stream = summary_json(data, "stream", year)
            rows, whole = by_stream["rows"], by_stream["total"]
            assert [row["stream"] for row in rows] == list(ledger.streams)
            for row in rows:
                assert D(row["unallocated"]) == D(row["budget"]) - D(row["allocated"])
                sid = row["stream"]
                assert D(row["budget"]) * 100 == ledger.streams[sid][2][year]
                assert D(row["allocated"]) * 100 == sum(
                    p.allocations.get(year, 0) for p in ledger.projects if p.stream == sid
                )
            for key in ("budget", "allocated", "unallocated"):
                assert sum(D(row[key]) for row in rows) == D(whole[key])
            assert D(whole["budget"]) * 100 == expected_budget
            assert D(whole["allocated"]) * 100 == expected_allocated
            assert D(whole["unallocated"]) == D(whole["budget"]) - D(whole["allocated"])

            by_funding = summary_json(data, "funding", year)
            assert by_funding["total"] == whole
            for key in ("budget", "allocated", "unallocated"):
                assert sum(D(row[key]) for row in by_funding["rows"]) == D(whole[key])
            groups: dict[str, Decimal] = defaultdict(Decimal)
            for row in rows:
                groups[row["funding"]] += D(row["budget"])
            assert {row["funding"]: D(row["budget"]) for row in by_funding["rows"]} == groups

            by_priority = summary_json(data, "priority", year)
            assert D(by_priority["total"]["allocated"]) == D(whole["allocated"])
            assert sum(D(row["allocated"]) for row in by_priority["rows"]) == D(whole["allocated"])


def raw_files(files: dict[str, str]) -> LedgerFiles:
    projects = [RawFile(f"data/{name}", text.encode()) for name, text in files.items() if name != "streams.yaml"]
    return LedgerFiles(None, RawFile("data/streams.yaml", files["streams.yaml"].encode()), projects)


def problems_of(checked) -> list[tuple[str, str, int, int, str]]:  # type: ignore[no-untyped-def]
    return [(p.code, p.file, p.line, p.column, p.message) for p in checked.problems]


@st.composite
def broken_ledgers(draw: st.DrawFn) -> tuple[dict[str, str], random.Random]:
    files = draw(ledgers(broken=True)).files()
    names = [n for n in files if n != "streams.yaml"]
    for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)) if names else []:
        files[name] = files[name].replace("allocations:\n  ", "allocations:\n  ", 1).replace(": 0\n", ": -0\n")
        files[name] += draw(st.sampled_from(["", "alocations: {}\n", "title: again\n", "lead: [x]\n"]))
    return files, draw(st.randoms(use_true_random=False))


@CI
@given(broken_ledgers())
def test_problems_do_not_depend_on_the_order_of_files(case: tuple[dict[str, str], random.Random]) -> None:
    files, rnd = case
    reference = problems_of(check_files(raw_files(files)))
    for _ in range(3):
        shuffled = raw_files(files)
        rnd.shuffle(shuffled.projects)
        assert problems_of(check_files(shuffled)) == reference


@examples(25, nightly=2_000, derandomize=True)
@given(broken_ledgers())
def test_problems_do_not_depend_on_the_order_files_were_created_on_disk(
    case: tuple[dict[str, str], random.Random],
) -> None:
    files, rnd = case
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(2):
            order = list(files)
            rnd.shuffle(order)
            data = write(Path(tmp) / str(attempt), files, order)
            checked = check_files(read_ledger(data))
            results.append(problems_of(checked))
    assert results[0] == results[1]


def test_duplicate_id_is_reported_at_the_later_path_in_any_order() -> None:
    """The fix for the first counterexample above: R004 used to name whichever file came second."""
    project = "title: T\nstream: s\nlead: L\nallocations: {2023/24: 1}\n"
    files = {
        "streams.yaml": "streams:\n  s: {programme: P, funding: F, budget: {2023/24: 5}}\n",
        "projects/p0.yaml": project,
        "projects/a/p0.yaml": project,
    }
    for reverse in (False, True):
        raw = raw_files(files)
        raw.projects.sort(key=lambda f: f.path, reverse=reverse)
        assert [(p.code, p.file, p.message) for p in check_files(raw).problems] == [
            (
                "R004",
                "data/projects/p0.yaml",
                "project id 'p0' is also used by data/projects/a/p0.yaml; rename one of the files",
            )
        ]


# --- fmt: keeps every value and comment, and is idempotent ---------------------------------------


def _comments(text: str) -> list[str]:
    # Generated text has no '#' inside values, so every '#' starts a comment.
    return sorted(line[line.index("#") :].strip() for line in text.splitlines() if "#" in line)


def _values(data: Path) -> dict[str, object]:
    from budgetctl.loading.yamlsubset import strict_load
    from budgetctl.model.source import plain

    values = {}
    for path in sorted(data.rglob("*.yaml")):
        source, problems = strict_load(path.read_bytes(), path.name)
        assert source is not None and not problems, problems
        values[str(path.relative_to(data))] = plain(source.root)
    return values


@st.composite
def messy_ledgers(draw: st.DrawFn) -> dict[str, str]:
    """A valid ledger written untidily: keys out of order, flow mappings, odd money, comments."""
    files = draw(ledgers()).files()
    messy = {}
    for name, text in files.items():
        lines = text.splitlines()
        if name != "streams.yaml":
            head = [line for line in lines if not line.startswith(("allocations:", "  "))]
            amounts = [line.strip() for line in lines if line.startswith("  ")]
            head = draw(st.permutations(head))
            if draw(st.booleans()):
                lines = [*head, "allocations: {" + ", ".join(amounts) + "}"]
            else:
                lines = [*head, "allocations:", *(f"    {a}" for a in amounts)]
        out = []
        for index, line in enumerate(lines):
            if draw(st.integers(0, 4)) == 0:
                out.append(f"# note {index} on {name}")
            out.append(line + (f"  # end {index}" if draw(st.integers(0, 3)) == 0 else ""))
        messy[name] = "\n".join(out) + "\n"
    return messy


@examples(30, nightly=2_000, derandomize=True)
@given(messy_ledgers())
def test_fmt_keeps_values_and_comments_and_is_idempotent(files: dict[str, str]) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        data = write(Path(tmp), files)
        before_values = _values(data)
        before_comments = {name: _comments(text) for name, text in files.items()}
        result = runner.invoke(app, ["fmt", "--data", str(data)])
        assert result.exit_code == 0, result.output
        assert _values(data) == before_values
        after = {name: (data / name).read_text(encoding="utf-8") for name in files}
        assert {name: _comments(text) for name, text in after.items()} == before_comments
        check = runner.invoke(app, ["fmt", "--data", str(data), "--check"])
        assert check.exit_code == 0, check.output
        runner.invoke(app, ["fmt", "--data", str(data)])
        assert {name: (data / name).read_text(encoding="utf-8") for name in files} == after
