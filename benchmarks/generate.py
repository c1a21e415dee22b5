"""Generate a deterministic budgetctl ledger of N projects, and optionally the
equivalent beancount and hledger journals, for the benchmark suite.

    python benchmarks/generate.py N OUTDIR [--journals] [--verify] [--seed S] [--no-git]

Writes OUTDIR/data/ (streams.yaml + data/projects/<stream-id>/<project-id>.yaml),
OUTDIR/expected.json (counts and exact totals per year, for checks), and with
--journals OUTDIR/beancount/main.beancount and OUTDIR/hledger/main.journal, each
with 50 included part files. --verify runs bean-check and hledger on the journals
and checks that their 2023/24 totals equal the generator's. Unless --no-git,
OUTDIR becomes a git repository whose branches bench-base, bench-one and
bench-hundred hold the ledger and the same ledger with 1 and 100 projects changed.

Stdlib only. All money is integer pence, written as exact text: no float anywhere.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

# Bump when the output changes, so run.py regenerates reused folders.
GENERATOR_VERSION = 3
DEFAULT_SEED = 20230401

BUDGET_YEARS = ("2021/22", "2022/23", "2023/24", "2024/25", "2025/26", "2026/27")
ALLOC_YEARS = ("2023/24", "2024/25", "2025/26")
SUMMARY_YEAR = "2023/24"
JOURNAL_PARTS = 50
# Branches of the git repository: the base commit and two children with 1 and 100 projects changed.
GIT_BASE, GIT_ONE, GIT_HUNDRED = "bench-base", "bench-one", "bench-hundred"

PRIORITIES = {
    "preventing-and-reducing-crime": "Preventing and reducing crime",
    "prioritising-victims": "Prioritising the rights of victims",
    "strengthening-communities": "Strengthening communities",
    "fair-and-effective-justice": "Fair and effective criminal justice",
}
PURPOSES = {
    "referral-service": "Referral service for victims of crime",
    "sexual-violence-and-domestic-abuse": "Support for victims of sexual and domestic abuse",
    "restorative-justice": "Restorative justice services",
}
NPUS = {
    "birmingham-east": "Birmingham East",
    "birmingham-west": "Birmingham West",
    "coventry": "Coventry",
    "dudley": "Dudley",
    "sandwell": "Sandwell",
    "solihull": "Solihull",
    "walsall": "Walsall",
    "wolverhampton": "Wolverhampton",
}
APPROVERS = {"chief-executive": "Chief Executive"}
EXCLUDED_COSTS = {
    "police-officer-costs": "Police officer costs",
    "capital-works": "Capital works",
}
ALLOWED_COSTS = ("staff", "venue-hire", "equipment", "training", "volunteer-expenses")
PARTNERSHIPS = {k: v for k, v in NPUS.items() if not k.startswith("birmingham")}
PARTNERSHIP_PRIORITIES = {
    "substance-misuse": "Substance misuse",
    "youth-violence": "Youth violence",
    "anti-social-behaviour": "Anti-social behaviour",
    "hate-crime": "Hate crime",
}
SECTORS = ("community-and-voluntary", "public-sector", "private-sector")
PROGRAMMES = (
    "Victims Services",
    "Helping Communities Fund",
    "Violence Reduction Partnership",
    "Community Safety Fund",
    "Offender Management",
)
FUNDINGS = (
    "Specific Grant",
    "Police Property Act Fund",
    "Specific Grant and Partner Contributions",
    "Core Grant",
    "Core Grant",
)
WORDS = (
    "community",
    "support",
    "advice",
    "outreach",
    "youth",
    "family",
    "recovery",
    "safety",
    "mentoring",
    "housing",
    "advocacy",
    "prevention",
    "education",
    "diversion",
)

# Stream kinds cycle by index so every kind occurs once S >= 5 (S is at least 5).
RING_FENCED, HCF, SOURCES, CSF, PLAIN = range(5)
HCF_MAX_AWARD_PENCE = 5000_00


def rnd(seed: int, *key: object) -> int:
    """A 64-bit number fixed by (seed, key): stable across Python versions and
    independent of generation order, unlike random.Random."""
    data = ":".join(str(k) for k in (seed, *key)).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def money_yaml(pence: int, one_decimal_ok: bool = False) -> str:
    """Exact YAML money text: 400000, 1234.50, or (when allowed) 1234.5."""
    pounds, p = divmod(pence, 100)
    if p == 0:
        return str(pounds)
    if one_decimal_ok and p % 10 == 0:
        return f"{pounds}.{p // 10}"
    return f"{pounds}.{p:02d}"


def money2(pence: int) -> str:
    """Money with exactly two decimals, as journals and reports print it."""
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{p:02d}"


@dataclass
class Stream:
    index: int
    id: str
    kind: int
    programme: str
    funding: str
    budget: dict[str, int] = field(default_factory=dict)
    sources: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def account(self) -> str:
        return "S" + self.id.split("-", 1)[1]


@dataclass
class Project:
    index: int
    id: str
    stream: Stream
    fields: dict[str, str | list[str]]
    allocations: dict[str, int]
    # Years whose amount is written with one decimal (1234.5): valid, and worth exercising.
    one_decimal: frozenset[str] = frozenset()

    @property
    def account(self) -> str:
        return self.id.upper()

    @property
    def relpath(self) -> str:
        return f"data/projects/{self.stream.id}/{self.id}.yaml"


@dataclass
class Ledger:
    seed: int
    streams: list[Stream]
    projects: list[Project]

    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(BUDGET_YEARS, 0)
        for p in self.projects:
            for y, v in p.allocations.items():
                out[y] += v
        return out


def build(n: int, seed: int = DEFAULT_SEED) -> Ledger:
    """Build the ledger in memory; budgets leave headroom so it validates clean."""
    s_count = max(5, n // 100)
    width = max(4, len(str(s_count)))
    streams = []
    for i in range(s_count):
        kind = i % 5
        streams.append(
            Stream(
                index=i,
                id=f"stream-{i + 1:0{width}d}",
                kind=kind,
                programme=f"{PROGRAMMES[kind]} {i + 1}",
                funding=FUNDINGS[kind],
            )
        )
    pwidth = max(6, len(str(n)))
    projects = [_project(j, f"p{j + 1:0{pwidth}d}", streams[j % s_count], seed) for j in range(n)]

    sums: dict[str, dict[str, int]] = {s.id: dict.fromkeys(BUDGET_YEARS, 0) for s in streams}
    for p in projects:
        for y, v in p.allocations.items():
            sums[p.stream.id][y] += v
    for s in streams:
        base = max(sums[s.id][ALLOC_YEARS[0]], 100_000_00)
        for y in BUDGET_YEARS:
            if y in ALLOC_YEARS:
                # 5-20% headroom over what is allocated, in whole pounds.
                pct = 5 + rnd(seed, "headroom", s.id, y) % 16
                headroom = max(1_000_00, sums[s.id][y] * pct // 100 // 100 * 100)
                s.budget[y] = sums[s.id][y] + headroom
            else:
                pct = 80 + rnd(seed, "other-year", s.id, y) % 41
                s.budget[y] = base * pct // 100
        if s.kind == SOURCES:
            grant: dict[str, int] = {}
            partners: dict[str, int] = {}
            for y, b in s.budget.items():
                # The split is arbitrary; the parts must sum exactly to the budget.
                grant[y] = b * (70 + rnd(seed, "split", s.id, y) % 21) // 100
                partners[y] = b - grant[y]
            s.sources = {"home-office-grant": grant, "partner-contributions": partners}
    return Ledger(seed=seed, streams=streams, projects=projects)


def _pick(seed: int, key: tuple[object, ...], options: tuple[str, ...] | list[str]) -> str:
    return options[rnd(seed, *key) % len(options)]


def _project(j: int, pid: str, s: Stream, seed: int) -> Project:
    f: dict[str, str | list[str]] = {}
    w1 = _pick(seed, (pid, "w1"), WORDS)
    w2 = _pick(seed, (pid, "w2"), WORDS)
    f["title"] = f"{w1.capitalize()} and {w2} project {j + 1}"
    f["stream"] = s.id
    f["lead"] = f"Commissioning Manager {1 + rnd(seed, pid, 'lead') % 12}"
    f["provider"] = f"Provider {1 + rnd(seed, pid, 'prov') % 900:04d} Community Trust"
    f["provider_sector"] = _pick(seed, (pid, "sector"), SECTORS)
    if s.kind == RING_FENCED:
        f["purpose"] = _pick(seed, (pid, "purpose"), list(PURPOSES))
    if rnd(seed, pid, "has-prio") % 3:
        prios = list(PRIORITIES)
        first = rnd(seed, pid, "prio") % len(prios)
        count = 1 + rnd(seed, pid, "prio-n") % 2
        f["priorities"] = [prios[(first + k) % len(prios)] for k in range(count)]
    if s.kind == HCF:
        f["npu"] = _pick(seed, (pid, "npu"), list(NPUS))
        f["approved_by"] = "chief-executive"
    if s.kind == CSF:
        f["partnership"] = _pick(seed, (pid, "partnership"), list(PARTNERSHIPS))
        pps = list(PARTNERSHIP_PRIORITIES)
        first = rnd(seed, pid, "pp") % len(pps)
        f["partnership_priorities"] = [pps[first], pps[(first + 1) % len(pps)]][: 1 + rnd(seed, pid, "pp-n") % 2]
    if s.kind in (HCF, PLAIN) or rnd(seed, pid, "has-costs") % 2:
        first = rnd(seed, pid, "costs") % len(ALLOWED_COSTS)
        f["costs"] = [ALLOWED_COSTS[first], ALLOWED_COSTS[(first + 2) % len(ALLOWED_COSTS)]]
    f["description"] = (
        f"Generated benchmark project {j + 1} funded from {s.id}; delivers {w1} and {w2} services in the force area."
    )
    allocs: dict[str, int] = {}
    for y in ALLOC_YEARS:
        r = rnd(seed, pid, "alloc", y)
        # Small grants on HCF streams, under their max_award.
        low, high = (500_00, HCF_MAX_AWARD_PENCE) if s.kind == HCF else (1_000_00, 250_000_00)
        pence = low + r % (high - low + 1)
        if (r >> 32) % 10 < 7:  # most amounts are whole pounds, as in real budgets
            pence -= pence % 100
        allocs[y] = pence
    one_dec = frozenset(y for y in ALLOC_YEARS if rnd(seed, pid, "fmt", y) % 4 == 0)
    return Project(index=j, id=pid, stream=s, fields=f, allocations=allocs, one_decimal=one_dec)


# ---------------------------------------------------------------- YAML ledger


def _flow_map(d: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"


def streams_yaml(ledger: Ledger) -> str:
    out = io.StringIO()
    w = out.write
    w(f"# Generated by benchmarks/generate.py (seed {ledger.seed}); do not edit.\n")
    w("priorities:\n")
    for k, v in PRIORITIES.items():
        w(f"  {k}: {v}\n")
    w("streams:\n")
    for s in ledger.streams:
        w(f"  {s.id}:\n")
        w(f"    programme: {s.programme}\n")
        w(f"    funding: {s.funding}\n")
        if s.kind == RING_FENCED:
            w("    ring_fenced: true\n")
        w("    budget:\n")
        for y, pence in s.budget.items():
            w(f"      {y}: {money_yaml(pence)}\n")
        if s.kind == RING_FENCED:
            w("    purposes:\n")
            for k, label in PURPOSES.items():
                w(f"      {k}: {label}\n")
        if s.sources:
            w("    sources:\n")
            for src, years in s.sources.items():
                w(f"      {src}:\n")
                for y, pence in years.items():
                    w(f"        {y}: {money_yaml(pence)}\n")
        if s.kind == HCF:
            w("    eligibility:\n")
            w("      required: [npu, approved_by]\n")
            w("      allowed:\n")
            w(f"        npu: {_flow_map(NPUS)}\n")
            w(f"        approved_by: {_flow_map(APPROVERS)}\n")
            w(f"      max_award: {money_yaml(HCF_MAX_AWARD_PENCE)}\n")
            w(f"      excluded_costs: {_flow_map(EXCLUDED_COSTS)}\n")
        if s.kind == CSF:
            w("    eligibility:\n")
            w("      required: [partnership, partnership_priorities]\n")
            w("      allowed:\n")
            w(f"        partnership: {_flow_map(PARTNERSHIPS)}\n")
            w(f"        partnership_priorities: {_flow_map(PARTNERSHIP_PRIORITIES)}\n")
    return out.getvalue()


def project_yaml(p: Project) -> str:
    lines = []
    for k, v in p.fields.items():
        lines.append(f"{k}: [{', '.join(v)}]" if isinstance(v, list) else f"{k}: {v}")
    lines.append("allocations:")
    for y, pence in p.allocations.items():
        lines.append(f"  {y}: {money_yaml(pence, one_decimal_ok=y in p.one_decimal)}")
    return "\n".join(lines) + "\n"


def write_ledger(ledger: Ledger, outdir: Path) -> None:
    data = outdir / "data"
    if data.exists():
        shutil.rmtree(data)
    (data / "projects").mkdir(parents=True)
    (data / "streams.yaml").write_text(streams_yaml(ledger), encoding="utf-8")
    for s in ledger.streams:
        (data / "projects" / s.id).mkdir()
    for p in ledger.projects:
        (outdir / p.relpath).write_text(project_yaml(p), encoding="utf-8")


# ---------------------------------------------------------------- git


def _git(outdir: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    fixed = {
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "GIT_AUTHOR_DATE": "2023-04-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2023-04-01T00:00:00Z",
    }
    res = subprocess.run(
        ["git", "-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", *args],
        cwd=outdir,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **fixed, **(env or {})},
    )
    return res.stdout.strip()


def changed_projects(ledger: Ledger, count: int) -> list[Project]:
    """``count`` projects spread over the ledger, each with its first allocation £1 lower (still valid)."""
    step = max(1, len(ledger.projects) // count)
    chosen = ledger.projects[::step][:count]
    out = []
    for p in chosen:
        first = next(iter(p.allocations))
        allocations = {**p.allocations, first: p.allocations[first] - 100}
        out.append(Project(p.index, p.id, p.stream, p.fields, allocations, p.one_decimal))
    return out


def write_git(ledger: Ledger, outdir: Path) -> bool:
    """Make OUTDIR a git repository: branch bench-base holds data/ as written, and bench-one and
    bench-hundred are its children with 1 and 100 projects changed (built from objects only: the
    working tree stays at bench-base). False when git is not available."""
    if shutil.which("git") is None:
        return False
    # Absolute: git runs in OUTDIR, and GIT_INDEX_FILE below names files under it.
    outdir = outdir.resolve()
    shutil.rmtree(outdir / ".git", ignore_errors=True)
    _git(outdir, "init", "-q", "-b", GIT_BASE)
    _git(outdir, "add", "data")
    _git(outdir, "commit", "-q", "-m", "generated ledger")
    base = _git(outdir, "rev-parse", "HEAD")
    scratch = outdir / ".git" / "bench-edits"
    scratch.mkdir()
    for branch, count in ((GIT_ONE, 1), (GIT_HUNDRED, 100)):
        index = {"GIT_INDEX_FILE": str(outdir / ".git" / f"index-{branch}")}
        _git(outdir, "read-tree", base, env=index)
        projects = changed_projects(ledger, count)
        paths = []
        for p in projects:
            path = scratch / f"{p.id}.yaml"
            path.write_text(project_yaml(p), encoding="utf-8")
            paths.append(str(path))
        blobs = _git(outdir, "hash-object", "-w", "--stdin-paths", stdin="\n".join(paths) + "\n").split()
        info = "".join(f"100644 {blob}\t{p.relpath}\n" for blob, p in zip(blobs, projects, strict=True))
        _git(outdir, "update-index", "--index-info", env=index, stdin=info)
        tree = _git(outdir, "write-tree", env=index)
        commit = _git(outdir, "commit-tree", tree, "-p", base, "-m", f"{count} project(s) changed")
        _git(outdir, "update-ref", f"refs/heads/{branch}", commit)
    shutil.rmtree(scratch)
    return True


# ---------------------------------------------------------------- journals


def _fy_start(year: str) -> str:
    return f"{year[:4]}-04-01"


def _fy_end(year: str) -> str:
    return f"{int(year[:4]) + 1}-04-01"


def _bc_str(v: str | list[str]) -> str:
    return '"' + (" ".join(v) if isinstance(v, list) else v).replace('"', "'") + '"'


def write_beancount(ledger: Ledger, outdir: Path) -> Path:
    """Per stream an `open` with metadata and one `custom "budget"` per year; per
    project an `open` with metadata and one transaction per allocation."""
    d = outdir / "beancount"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    opened = _fy_start(BUDGET_YEARS[0])
    main = io.StringIO()
    w = main.write
    w(f'option "title" "budgetctl benchmark, {len(ledger.projects)} projects"\n')
    w('option "operating_currency" "GBP"\n\n')
    w(f"{opened} commodity GBP\n\n")
    for s in ledger.streams:
        w(f"{opened} open Income:Grant:{s.account} GBP\n")
        w(f'  stream: "{s.id}"\n  programme: "{s.programme}"\n  funding: "{s.funding}"\n')
        w(f"  ring_fenced: {'TRUE' if s.kind == RING_FENCED else 'FALSE'}\n")
        for y, v in s.budget.items():
            w(f'{_fy_start(y)} custom "budget" Income:Grant:{s.account} "{y}" {money2(v)} GBP\n')
        w("\n")
    parts = [io.StringIO() for _ in range(JOURNAL_PARTS)]
    for p in ledger.projects:
        pw = parts[p.index % JOURNAL_PARTS].write
        pw(f"{opened} open Expenses:Project:{p.account} GBP\n")
        pw(f'  id: "{p.id}"\n')
        for k in ("title", "stream", "lead", "provider", "provider_sector", "purpose", "npu"):
            if k in p.fields:
                pw(f"  {k}: {_bc_str(p.fields[k])}\n")
        for y, v in p.allocations.items():
            pw(f'{_fy_start(y)} * "{p.fields["provider"]}" "Allocation {y} {p.id}"\n')
            pw(f"  Expenses:Project:{p.account}  {money2(v)} GBP\n")
            pw(f"  Income:Grant:{p.stream.account}\n")
        pw("\n")
    for i, part in enumerate(parts, 1):
        name = f"part-{i:02d}.beancount"
        (d / name).write_text(part.getvalue(), encoding="utf-8")
        w(f'include "{name}"\n')
    (d / "main.beancount").write_text(main.getvalue(), encoding="utf-8")
    return d / "main.beancount"


def _hl_tags(pairs: list[tuple[str, str | list[str]]]) -> str:
    # hledger tag values end at a comma, so list values are joined with spaces.
    return ", ".join(f"{k}:{' '.join(v) if isinstance(v, list) else v}" for k, v in pairs)


def write_hledger(ledger: Ledger, outdir: Path) -> Path:
    """Account directives with tags, one periodic `~` budget transaction per
    stream and year, and one transaction per allocation."""
    d = outdir / "hledger"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    main = io.StringIO()
    w = main.write
    w(f"; budgetctl benchmark, {len(ledger.projects)} projects\n")
    w("commodity 1000.00 GBP\n")
    w("account Equity:Budget\n\n")
    for s in ledger.streams:
        tags = _hl_tags(
            [
                ("stream", s.id),
                ("programme", s.programme),
                ("funding", s.funding),
                ("ring_fenced", "true" if s.kind == RING_FENCED else "false"),
            ]
        )
        w(f"account Income:Grant:{s.account}  ; {tags}\n")
    w("\n")
    for s in ledger.streams:
        for y, v in s.budget.items():
            w(f"~ every 1st april from {_fy_start(y)} to {_fy_end(y)}  budget {s.id} {y}\n")
            w(f"    Income:Grant:{s.account}  {money2(-v)} GBP\n")
            w("    Equity:Budget\n\n")
    parts = [io.StringIO() for _ in range(JOURNAL_PARTS)]
    for p in ledger.projects:
        pw = parts[p.index % JOURNAL_PARTS].write
        keys = ("title", "stream", "lead", "provider", "provider_sector", "purpose", "npu")
        tags = _hl_tags([("id", p.id)] + [(k, p.fields[k]) for k in keys if k in p.fields])
        pw(f"account Expenses:Project:{p.account}  ; {tags}\n")
    for p in ledger.projects:
        pw = parts[p.index % JOURNAL_PARTS].write
        for y, v in p.allocations.items():
            pw(f"\n{_fy_start(y)} Allocation {y} | {p.id}\n")
            pw(f"    Expenses:Project:{p.account}  {money2(v)} GBP\n")
            pw(f"    Income:Grant:{p.stream.account}\n")
    for i, part in enumerate(parts, 1):
        name = f"part-{i:02d}.journal"
        (d / name).write_text(part.getvalue(), encoding="utf-8")
        w(f"include {name}\n")
    (d / "main.journal").write_text(main.getvalue(), encoding="utf-8")
    return d / "main.journal"


# ---------------------------------------------------------------- checks


def find_tool(name: str, given: str | None = None) -> str | None:
    """An explicit path, else PATH, else the venv that install-peers.sh makes."""
    if given:
        return given if Path(given).exists() or shutil.which(given) else None
    found = shutil.which(name)
    if found:
        return found
    local = Path(__file__).resolve().parent / ".peers-venv" / "bin" / name
    return str(local) if local.exists() else None


_BEAN_TOTAL = """
import sys
from decimal import Decimal
from beancount import loader
from beancount.core import data
entries, errors, _ = loader.load_file(sys.argv[1])
lo, hi = sys.argv[2], sys.argv[3]
total = Decimal(0)
for e in entries:
    if isinstance(e, data.Transaction) and lo <= e.date.isoformat() < hi:
        for p in e.postings:
            if p.account.startswith("Expenses:Project:"):
                total += p.units.number
print(len(errors), total)
"""


def beancount_total(bean_check: str, main: Path, year: str) -> Decimal:
    """The year's allocation total as beancount loads it, via the python that
    owns bean-check (beancount is not a dependency of this project)."""
    py = Path(bean_check).resolve().parent / "python"
    argv = [str(py), "-c", _BEAN_TOTAL, str(main), _fy_start(year), _fy_end(year)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()
    if out[0] != "0":
        raise RuntimeError(f"beancount reported {out[0]} errors loading {main}")
    return Decimal(out[1])


def hledger_total(hledger: str, main: Path, year: str) -> Decimal:
    argv = [
        hledger,
        "-f",
        str(main),
        "bal",
        "Income:Grant",
        "-b",
        _fy_start(year),
        "-e",
        _fy_end(year),
        "-N",
        "-1",
        "-O",
        "csv",
    ]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))[1:]
    if not rows:
        return Decimal(0)
    # Income is negative in double entry; the allocation total is its negation.
    return -Decimal(rows[0][1].split()[0])


def verify(outdir: Path, bean_check: str | None, hledger: str | None) -> tuple[bool, list[str]]:
    """Run the peers' checks on the journals and compare their 2023/24 totals
    with the generator's; returns (all good, report lines)."""
    expected = json.loads((outdir / "expected.json").read_text(encoding="utf-8"))
    want = Decimal(expected["totals"][SUMMARY_YEAR])
    ok = True
    lines = [f"generator {SUMMARY_YEAR} total: {want}"]
    checks = [
        ("beancount", bean_check, outdir / "beancount" / "main.beancount", ["-C"]),
        ("hledger", hledger, outdir / "hledger" / "main.journal", ["check"]),
    ]
    for name, tool, main, flags in checks:
        if not tool:
            lines.append(f"{name}: not installed, journal not checked")
            continue
        argv = [tool, *flags, str(main)] if name == "beancount" else [tool, "-f", str(main), *flags]
        rc = subprocess.run(argv, capture_output=True, text=True)
        if name == "beancount":
            got = beancount_total(tool, main, SUMMARY_YEAR)
        else:
            got = hledger_total(tool, main, SUMMARY_YEAR)
        good = rc.returncode == 0 and got == want
        ok &= good
        lines.append(
            f"{name:9} {SUMMARY_YEAR} total: {got}  ({Path(tool).name} exit "
            f"{rc.returncode}) {'OK' if good else 'MISMATCH'}"
        )
        if rc.returncode:
            lines.append((rc.stdout + rc.stderr)[-2000:])
    return ok, lines


# ---------------------------------------------------------------- main


def generate(n: int, outdir: Path, journals: bool, seed: int = DEFAULT_SEED, git: bool = False) -> Ledger:
    ledger = build(n, seed)
    outdir.mkdir(parents=True, exist_ok=True)
    write_ledger(ledger, outdir)
    has_git = write_git(ledger, outdir) if git else False
    if journals:
        write_beancount(ledger, outdir)
        write_hledger(ledger, outdir)
    totals = ledger.totals()
    expected = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "projects": n,
        "streams": len(ledger.streams),
        "journals": journals,
        # Branches for `diff BASE HEAD`: HEAD changes 1 or 100 projects (None: git was not available).
        "git": {"base": GIT_BASE, "one": GIT_ONE, "hundred": GIT_HUNDRED} if has_git else None,
        "totals": {y: money2(v) for y, v in totals.items()},
        "budgets": {y: money2(sum(s.budget[y] for s in ledger.streams)) for y in BUDGET_YEARS},
        # A project on a plain stream: run.py edits its first allocation.
        "edit_target": next(
            (p.relpath for p in ledger.projects if p.stream.kind == PLAIN),
            ledger.projects[0].relpath if ledger.projects else None,
        ),
    }
    (outdir / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    return ledger


# ---------------------------------------------------------------- in-year files

IN_YEAR = "2023/24"
MONTHS = ("2023-04", "2023-05", "2023-06", "2023-07", "2023-08", "2023-09",
          "2023-10", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03")  # fmt: skip
QUARTER_ENDS = ("2023-06-30", "2023-09-30", "2023-12-31", "2024-03-31")
IMPORT_ROWS = 10_000


def write_in_year(ledger: Ledger, outdir: Path, import_rows: int = IMPORT_ROWS) -> dict[str, object]:
    """Twelve monthly actuals files (one payment per project and month: each project's
    2023/24 actual is exactly its allocation), four quarterly forecasts (a tenth of the
    projects each, up to 5% above their allocation, with a reason), and an export of
    ``import_rows`` new rows with its import mapping. Returns counts for expected.json."""
    data = outdir / "data"
    folder = data / "actuals" / "2023-24"
    folder.mkdir(parents=True, exist_ok=True)
    funded = [p for p in ledger.projects if IN_YEAR in p.allocations]
    header = "date,project,kind,amount,reference,supplier,description\n"
    for m, month in enumerate(MONTHS):
        lines = [header]
        for p in funded:
            whole = p.allocations[IN_YEAR]
            part = whole // 12 + (whole - whole // 12 * 12 if m == 11 else 0)
            lines.append(
                f"{month}-15,{p.id},payment,{money2(part)},AP-{month}-{p.index},{p.fields['provider']},{p.id} {month}\n"
            )
        (folder / f"{month}.csv").write_text("".join(lines), encoding="utf-8")
    forecasts = data / "forecasts" / "2023-24"
    forecasts.mkdir(parents=True, exist_ok=True)
    for q, as_at in enumerate(QUARTER_ENDS, 1):
        lines = [f"as_at: {as_at}\nprojects:\n"]
        for p in funded[q - 1 :: 10]:
            up = rnd(ledger.seed, "forecast", p.id, q) % 6
            outturn = p.allocations[IN_YEAR] * (100 + up) // 100
            lines.append(f"  {p.id}:\n    outturn: {money2(outturn)}\n    reason: Demand above plan in q{q}.\n")
        (forecasts / f"q{q}.yaml").write_text("".join(lines), encoding="utf-8")
    imports = data / "imports"
    imports.mkdir(parents=True, exist_ok=True)
    chosen = [funded[i % len(funded)] for i in range(import_rows)]
    mapping = [
        "header_row: 1\ncolumns:\n  date: Posting date\n  amount: Net amount\n  reference: Document no\n",
        "  project: Cost centre\n  supplier: Supplier name\n  description: Narrative\n",
        'date_format: "%d/%m/%Y"\nprojects:\n',
        *[f"  CC{p.index:06d}: {p.id}\n" for p in funded],
    ]
    (imports / "bench.yaml").write_text("".join(mapping), encoding="utf-8")
    export = ["Posting date,Cost centre,Document no,Supplier name,Narrative,Net amount\n"]
    for i, p in enumerate(chosen):
        export.append(f'28/03/2024,CC{p.index:06d},INV-{i:07d},Supplier {i % 500},Late invoice {i},"1,234.56"\n')
    (outdir / "export-10000.csv").write_text("".join(export), encoding="utf-8")
    return {"actuals_rows": len(funded) * 12, "forecast_files": 4, "import_rows": import_rows}


# ---------------------------------------------------------------- hostile inputs


def write_rename_repo(n: int, outdir: Path, seed: int = DEFAULT_SEED) -> None:
    """A git repository holding the N-project ledger, committed, then every project
    renamed (a new id, the same content) in the working tree: `budgetctl diff HEAD`
    must match N renames."""
    generate(n, outdir, False, seed)
    env = {
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@example.org",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    if (outdir / ".git").exists():
        shutil.rmtree(outdir / ".git")
    for args in (["init", "-q", "-b", "main"], ["add", "-A", "data"], ["commit", "-q", "-m", "ledger"]):
        subprocess.run(["git", "-C", str(outdir), *args], check=True, env=env, capture_output=True)
    for path in sorted((outdir / "data" / "projects").rglob("*.yaml")):
        path.rename(path.with_name(f"{path.stem}-renamed.yaml"))


def largest_flow_list(items: int) -> str:
    """A valid project file whose ``costs`` is a flow list of ``items`` one-character ids,
    4,000 to a line (lines stay under the length limit): the most parser events per byte
    a file can hold, 2 bytes an item."""
    head = "title: T\nstream: s\nlead: L\nallocations:\n  2023/24: 1\ncosts: [\n"
    lines = [",".join("a" * min(4000, items - start)) for start in range(0, items, 4000)]
    return head + ",\n".join(lines) + "]\n"


# budgetctl's limit on values in one file (MAX_NODES in budgetctl/loading/yamlsubset.py;
# a test keeps the two equal), and the values of largest_flow_list besides its items.
NODE_LIMIT = 100_000
FLOW_LIST_OVERHEAD = 13


def write_largest_file(outdir: Path, items: int = NODE_LIMIT - FLOW_LIST_OVERHEAD) -> None:
    """A one-project ledger whose project file is ``largest_flow_list(items)``: by default the
    most values the limits allow in one file."""
    data = outdir / "data"
    if data.exists():
        shutil.rmtree(data)
    (data / "projects").mkdir(parents=True)
    (data / "streams.yaml").write_text(
        "streams:\n  s:\n    programme: S\n    funding: F\n    budget:\n      2023/24: 10\n", encoding="utf-8"
    )
    (data / "projects" / "p.yaml").write_text(largest_flow_list(items), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of projects")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--journals", action="store_true", help="also write beancount and hledger")
    ap.add_argument(
        "--verify", action="store_true", help="check the journals with bean-check/hledger (implies --journals)"
    )
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--no-git", action="store_true", help="do not make OUTDIR a git repository")
    ap.add_argument(
        "--in-year", action="store_true", help="also write 2023/24 actuals, forecasts and an export to import"
    )
    ap.add_argument("--bean-check", help="bean-check executable (default: PATH, .peers-venv)")
    ap.add_argument("--hledger", help="hledger executable (default: PATH)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    ledger = generate(args.n, args.outdir, args.journals or args.verify, args.seed, git=not args.no_git)
    if args.in_year:
        counts = write_in_year(ledger, args.outdir)
        print(f"wrote {counts['actuals_rows']} actuals rows, 4 forecasts and a {IMPORT_ROWS}-row export")
    print(
        f"wrote {args.n} projects on {len(ledger.streams)} streams to {args.outdir}/data"
        + (" (+ beancount, hledger journals)" if args.journals or args.verify else "")
    )
    if args.verify:
        ok, lines = verify(args.outdir, find_tool("bean-check", args.bean_check), find_tool("hledger", args.hledger))
        print("\n".join(lines))
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
