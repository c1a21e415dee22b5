"""Time budgetctl against bean-check and hledger on the same generated ledgers.

    python benchmarks/run.py [--sizes 100,1000,10000,50000] [--runs K]
                             [--budgetctl PATH] [--bean-check PATH] [--hledger PATH]
                             [--out FILE.md] [--tmp] [--no-peers]

Every measurement is a fresh process, run under a tiny wrapper interpreter that
times it and reads its peak RSS from getrusage(RUSAGE_CHILDREN); the cell is the
median wall time of K runs and the largest peak. Prints a Markdown report (and
writes it to --out): one table of N x command, start-up, the shipped ledger,
and each target (benchmarks/README.md) as a ratio with PASS/FAIL.

Stdlib only; the peers are optional and found on PATH or in benchmarks/.peers-venv.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import generate

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
YEAR = generate.SUMMARY_YEAR
# Journals are checked against the generator's totals up to this size (the
# check loads each journal once more, which costs ~20 s for beancount at 50k).
VERIFY_MAX_N = 10_000

# Runs in a fresh interpreter per measurement, so RUSAGE_CHILDREN holds only
# the measured command (and its descendants that were waited for). That gives
# the largest single process; budgetctl may use worker processes, so a thread
# also samples the summed PSS of the whole process tree every 50 ms (PSS splits
# the pages that forked workers share, so nothing is counted twice).
_WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time
out, err, cwd, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]

def children():
    kids = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(name))
    return kids

def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0

tree = {"kib": 0, "procs": 1}
def sample(root):
    while root.poll() is None:
        kids, pids = children(), [root.pid]
        for pid in pids:
            pids.extend(kids.get(pid, ()))
        if len(pids) > 1:  # one process: getrusage below is exact
            tree["procs"] = max(tree["procs"], len(pids))
            tree["kib"] = max(tree["kib"], sum(pss_kib(p) for p in pids))
        time.sleep(0.05)

with open(out, "wb") as fo, open(err, "wb") as fe:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, cwd=cwd)
    sampler = threading.Thread(target=sample, args=(proc,), daemon=True)
    if os.path.exists("/proc/self/smaps_rollup"):
        sampler.start()
    rc = proc.wait()
    wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "maxrss_kib": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime,
                  "tree_kib": tree["kib"], "procs": tree["procs"]}))
"""


@dataclass
class Sample:
    wall: float
    peak_kib: int  # the larger of the biggest process and the sampled tree
    procs: int  # most processes seen at once in the tree
    rc: int
    output: str  # stdout + stderr when rc != 0
    cpu: float = 0.0  # user + system seconds of the command and the children it waited for


@dataclass
class Cell:
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.peak_kib for s in self.samples) / 1024

    @property
    def rcs(self) -> list[int]:
        return [s.rc for s in self.samples]

    @property
    def failed(self) -> bool:
        return any(self.rcs)

    @property
    def failure(self) -> str:
        return next((s.output for s in self.samples if s.rc), "")

    def text(self, with_mem: bool = True) -> str:
        s = f"{fmt_s(self.median)} [{len(self.samples)}]"
        if with_mem:
            s += f" / {self.peak_mib:.0f} MiB"
            procs = max(x.procs for x in self.samples)
            if procs > 1:
                s += f" ({procs} procs)"
        if self.failed:
            s += f" (exit {','.join(str(r) for r in sorted(set(self.rcs)) if r)})"
        if self.note:
            s += f" ({self.note})"
        return s


def fmt_s(sec: float) -> str:
    return f"{sec:.3g} s" if sec >= 0.01 else f"{sec * 1000:.3g} ms"


@dataclass
class Task:
    label: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    # Untimed, ahead of timed run k; may return extra env vars for that run.
    before: Callable[[int], dict[str, str] | None] | None = None
    warmup: bool = False
    # Exit codes that are a normal result (fmt --check exits 1 when a file would change).
    ok_exit: tuple[int, ...] = (0,)


class Runner:
    def __init__(self, base_env: dict[str, str], scratch: Path, runs: int) -> None:
        self.base_env = base_env
        self.scratch = scratch
        self.runs = runs

    def once(self, argv: list[str], env: dict[str, str], cwd: Path) -> Sample:
        """One timed run in a fresh wrapper process."""
        out, err = self.scratch / "stdout", self.scratch / "stderr"
        wrapper = [sys.executable, "-I", "-S", "-c", _WRAPPER, str(out), str(err), str(cwd)]
        res = subprocess.run(wrapper + argv, env=env, capture_output=True, text=True, check=True)
        r = json.loads(res.stdout)
        text = ""
        if r["rc"]:
            text = (out.read_text(errors="replace") + err.read_text(errors="replace"))[:3000]
        return Sample(r["wall"], max(r["maxrss_kib"], r["tree_kib"]), r["procs"], r["rc"], text, r.get("cpu", 0.0))

    def rounds(self, tasks: list[Task], what: str, runs: int | None = None) -> dict[str, Cell]:
        """Time the tasks in interleaved rounds (each task once per round), so a
        change in background load hits every command alike and the ratios stay
        fair. Tasks marked `warmup` first run once untimed."""
        for t in tasks:
            if t.warmup:
                self.once(t.argv, {**self.base_env, **t.env}, REPO)
        cells = {t.label: Cell() for t in tasks}
        for k in range(runs or self.runs):
            t0 = time.perf_counter()
            for t in tasks:
                extra = t.before(k) if t.before else None
                sample = self.once(t.argv, {**self.base_env, **t.env, **(extra or {})}, REPO)
                if sample.rc in t.ok_exit:
                    sample.rc = 0
                cells[t.label].samples.append(sample)
            log(f"[{what}] round {k + 1}/{runs or self.runs}: {time.perf_counter() - t0:.1f} s")
        for label, cell in cells.items():
            log(f"[{what}] {label}: {cell.text()}")
        return cells


def tool_version(argv: list[str]) -> str:
    try:
        res = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    lines = (res.stdout or res.stderr).strip().splitlines()
    return lines[0] if lines else f"(no output, exit {res.returncode})"


# Lock files held for the whole run, by ledger folder (see claim()).
_held: dict[Path, TextIO] = {}


def claim(d: Path) -> bool:
    """Lock d for this run. Two runs sharing one folder would race on the edited
    project file and on beancount's pickle (a half-written pickle makes
    bean-check reload everything), so a busy folder is not shared."""
    if d in _held:
        return True
    d.parent.mkdir(parents=True, exist_ok=True)
    fh = (d.parent / f".lock-{d.name}").open("w")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return False
    _held[d] = fh
    return True


def prepare(n: int, root: Path, journals: bool, spare: Path) -> Path:
    """Reuse root/<n> when it was generated by this generator version, else
    (re)generate it; if another run holds root/<n>, use spare/<n> instead.
    Returns the folder."""
    d = root / str(n)
    if not claim(d):
        log(f"[N={n}] {d} is in use by another benchmark run; using {spare / str(n)}")
        d = spare / str(n)
    try:
        exp = json.loads((d / "expected.json").read_text(encoding="utf-8"))
        fresh = (
            exp["generator_version"] == generate.GENERATOR_VERSION
            and exp["seed"] == generate.DEFAULT_SEED
            and (exp["journals"] or not journals)
        )
    except (OSError, ValueError, KeyError):
        fresh = False
    if not fresh:
        t0 = time.perf_counter()
        log(f"[N={n}] generating into {d} ...")
        generate.generate(n, d, journals, git=True)
        log(f"[N={n}] generated in {time.perf_counter() - t0:.1f} s")
    return d


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def edited(text: str, delta: Decimal) -> str:
    """The project file with its first allocation line changed by `delta` pounds,
    written in the same style (a decrease keeps the ledger valid)."""
    lines = text.splitlines(keepends=True)
    start = lines.index("allocations:\n")
    key, value = lines[start + 1].rstrip("\n").split(": ")
    lines[start + 1] = f"{key}: {Decimal(value) + delta}\n"
    return "".join(lines)


def interpreter(budgetctl: str) -> str | None:
    """The Python of a budgetctl script: the interpreter in its #! line."""
    try:
        first = Path(budgetctl).read_bytes()[:200].split(b"\n", 1)[0]
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    return first[2:].decode(errors="replace").strip().split()[0]


def compile_bytecode(budgetctl: str, pkg: Path | None) -> None:
    """Compile the package ``pkg`` with budgetctl's own interpreter, as a regular pip install
    does: an editable install run with PYTHONDONTWRITEBYTECODE=1 would otherwise compile
    every module changed since its last .pyc on every timed run."""
    py = interpreter(budgetctl)
    if py and pkg:
        subprocess.run([py, "-m", "compileall", "-q", str(pkg)], capture_output=True, timeout=300)


def package_dir(budgetctl: str) -> Path | None:
    """The budgetctl package folder, via the interpreter in the script's #! line."""
    py = interpreter(budgetctl)
    if py is None:
        return None
    code = "import budgetctl, pathlib; print(pathlib.Path(budgetctl.__file__).parent)"
    try:
        res = subprocess.run([py, "-c", code], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(res.stdout.strip()) if res.returncode == 0 and res.stdout.strip() else None


def code_stamp(pkg: Path | None) -> str:
    """Changes whenever a source file of the package does. In an editable
    install that others are editing, a change mid-run invalidates budgetctl's
    cache and turns "cached" rows into full runs; the report says so."""
    if pkg is None:
        return ""
    h = hashlib.sha256()
    for f in sorted(pkg.rglob("*.py")):
        st = f.stat()
        h.update(f"{f.relative_to(pkg)}:{st.st_mtime_ns}:{st.st_size}\n".encode())
    return h.hexdigest()


def summary_allocated(budgetctl: str, data: Path, env: dict[str, str]) -> Decimal | None:
    """budgetctl's own 2023/24 allocated total (JSON), or None if unavailable."""
    argv = [budgetctl, "summary", "--year", YEAR, "--data", str(data), "--format", "json"]
    res = subprocess.run(argv, capture_output=True, text=True, env=env)
    try:
        return Decimal(json.loads(res.stdout)["total"]["allocated"])
    except (ValueError, KeyError, TypeError):
        return None


# Row labels, in table order.
R_NOCACHE = "budgetctl validate --no-cache"
R_FIRST = "budgetctl validate, first run (empty cache)"
R_REPEAT = "budgetctl validate, repeated (warm cache)"
R_CHANGED = "budgetctl validate, one file changed"
R_SUMMARY = f"budgetctl summary --year {YEAR} (warm cache)"
R_BC_C = "bean-check -C (no cache)"
R_BC_WARM = "bean-check (warm pickle cache)"
R_BC_CHANGED = "bean-check, one file touched"
R_HL_CHECK = "hledger check"
R_HL_BAL = f"hledger bal Income:Grant {YEAR} (summary equiv.)"
R_PROJECTS = "budgetctl projects (table, warm cache)"
R_PROJECTS_CSV = "budgetctl projects --format csv (warm cache)"
R_SHOW = "budgetctl show ID (warm cache)"
R_TRACE = "budgetctl trace STREAM --measure unallocated (warm cache)"
R_OWNERS = "budgetctl owners"
R_FMT = "budgetctl fmt --check"
R_FMT_COLD = "budgetctl fmt --check, nothing cached"
R_REPORT = f"budgetctl report --year {YEAR} --format html (warm cache)"
R_DIFF1 = "budgetctl diff BASE HEAD, 1 project changed"
R_DIFF100 = "budgetctl diff BASE HEAD, 100 projects changed"
R_FLOOR = "floor: python start + stat walk of the ledger"
ROWS = (
    R_NOCACHE,
    R_FIRST,
    R_REPEAT,
    R_CHANGED,
    R_SUMMARY,
    R_PROJECTS,
    R_PROJECTS_CSV,
    R_SHOW,
    R_TRACE,
    R_OWNERS,
    R_FMT,
    R_FMT_COLD,
    R_REPORT,
    R_DIFF1,
    R_DIFF100,
    R_FLOOR,
    R_BC_C,
    R_BC_WARM,
    R_BC_CHANGED,
    R_HL_CHECK,
    R_HL_BAL,
)
# What --only selects: a name for each group of rows.
GROUPS = {
    "validate": (R_NOCACHE, R_FIRST, R_REPEAT, R_CHANGED),
    "summary": (R_SUMMARY,),
    "projects": (R_PROJECTS, R_PROJECTS_CSV),
    "show": (R_SHOW,),
    "trace": (R_TRACE,),
    "owners": (R_OWNERS,),
    "fmt": (R_FMT, R_FMT_COLD),
    "report": (R_REPORT,),
    "diff": (R_DIFF1, R_DIFF100),
    "floor": (R_FLOOR,),
    "peers": (R_BC_C, R_BC_WARM, R_BC_CHANGED, R_HL_CHECK, R_HL_BAL),
}

# What the trace row traces of the edited project's stream.
_TRACED = ("--measure", "unallocated", "--year", YEAR)

# The floor of a warm run: an interpreter that starts and stats every ledger file.
_STAT_WALK = (
    "import os,sys\nfor top, dirs, files in os.walk(sys.argv[1]):\n    [os.stat(os.path.join(top, f)) for f in files]"
)


def bench_size(
    n: int,
    d: Path,
    r: Runner,
    budgetctl: str,
    no_cache: bool,
    bean_check: str | None,
    hledger: str | None,
    notes: list[str],
    only: set[str],
    extras: dict[str, str],
) -> dict[str, Cell]:
    data = d / "data"
    caches = r.scratch / f"cache-{n}"
    shutil.rmtree(caches, ignore_errors=True)
    caches.mkdir()
    validate = [budgetctl, "validate", "--data", str(data)]
    warm = {"XDG_CACHE_HOME": str(caches / "warm")}

    def fresh_cache(k: int) -> dict[str, str]:
        return {"XDG_CACHE_HOME": tempfile.mkdtemp(prefix=f"fresh-{k}-", dir=caches)}

    exp = json.loads((d / "expected.json").read_text(encoding="utf-8"))
    target = d / exp["edit_target"]
    original = target.read_text(encoding="utf-8")
    changed_text = edited(original, Decimal(-1))

    def unkept(k: int) -> None:
        # The row times a paper built from the last whole check (the target's): the papers kept
        # (up to eight, one per ledger content) would serve it from the third round on.
        for paper in (caches / "warm").rglob("*.board-*"):
            paper.unlink()

    def change(k: int) -> None:
        # Alternate between the changed and the original text, so every timed
        # run follows a real content change against what the cache holds.
        target.write_text(changed_text if k % 2 == 0 else original, encoding="utf-8")

    # Round order matters: "changed" leaves the warm cache up to date for
    # "repeated" and the other warm rows; the warm-up runs are the first of "twice in a row".
    tasks = [
        Task(R_CHANGED, validate, warm, before=change, warmup=True),
        Task(R_REPEAT, validate, warm),
        Task(R_SUMMARY, [budgetctl, "summary", "--year", YEAR, "--data", str(data)], warm),
        Task(R_FIRST, validate, before=fresh_cache),
    ]
    if no_cache:
        tasks.append(Task(R_NOCACHE, [*validate, "--no-cache"]))
    shown_id = Path(exp["edit_target"]).stem
    report_file = r.scratch / f"report-{n}.html"
    tasks += [
        Task(R_PROJECTS, [budgetctl, "projects", "--data", str(data)], warm),
        Task(R_PROJECTS_CSV, [budgetctl, "projects", "--format", "csv", "--data", str(data)], warm),
        Task(R_SHOW, [budgetctl, "show", shown_id, "--data", str(data)], warm),
        # The edited project's stream: its figure changes every round.
        Task(R_TRACE, [budgetctl, "trace", Path(exp["edit_target"]).parent.name, *_TRACED, "--data", str(data)], warm),
        Task(R_OWNERS, [budgetctl, "owners", "--data", str(data)], warm),
        # The generated ledger is not all canonical (one-decimal amounts, flow mappings): exit 1 is normal.
        Task(R_FMT, [budgetctl, "fmt", "--check", "--data", str(data)], warm, ok_exit=(0, 1)),
        # Every file formatted and guarded again: no canonical set, no stat index.
        Task(
            R_FMT_COLD, [budgetctl, "fmt", "--check", "--data", str(data)], {"BUDGETCTL_NO_CACHE": "1"}, ok_exit=(0, 1)
        ),
        Task(
            R_REPORT,
            [budgetctl, "report", "--year", YEAR, "--format", "html", "--data", str(data), "-o", str(report_file)],
            warm,
            before=unkept,
        ),
        Task(R_FLOOR, [sys.executable, "-I", "-S", "-c", _STAT_WALK, str(data)]),
    ]
    refs = exp.get("git")
    if refs:
        diff = [budgetctl, "diff", refs["base"]]
        tasks += [
            Task(R_DIFF1, [*diff, refs["one"], "--data", str(data)], warm, warmup=True),
            Task(R_DIFF100, [*diff, refs["hundred"], "--data", str(data)], warm, warmup=True),
        ]
    elif only & {"diff"}:
        notes.append(f"N={n}: no diff rows: the generated ledger has no git repository (is git installed?)")
    wanted = {row for group in only for row in GROUPS[group]}
    if not wanted & set(GROUPS["validate"]):
        # The warm rows still need a warm cache: one untimed validate fills it.
        r.once(validate, {**r.base_env, **warm}, REPO)
    tasks = [t for t in tasks if t.label in wanted]
    pickle: Path | None = None
    if bean_check and "peers" in only:
        main = d / "beancount" / "main.beancount"
        pickle = main.parent / f".{main.name}.picklecache"
        pickle.unlink(missing_ok=True)
        part = main.parent / "part-01.beancount"

        def touch(k: int) -> None:
            part.touch()  # beancount's cache is keyed on the included files' mtimes

        tasks += [
            # Its warm-up writes the pickle; each timed run then rewrites it.
            Task(R_BC_CHANGED, [bean_check, str(main)], before=touch, warmup=True),
            Task(R_BC_WARM, [bean_check, str(main)]),
            # `-C` deletes the cache file it would have used: point it elsewhere
            # so the pickle of the other rows survives.
            Task(R_BC_C, [bean_check, "-C", str(main)], {"BEANCOUNT_LOAD_CACHE_FILENAME": ".{filename}.bench-unused"}),
        ]
    if hledger and "peers" in only:
        journal = str(d / "hledger" / "main.journal")
        fy = [f"{YEAR[:4]}-04-01", f"{int(YEAR[:4]) + 1}-04-01"]
        tasks += [
            Task(R_HL_CHECK, [hledger, "-f", journal, "check"], warmup=True),
            Task(R_HL_BAL, [hledger, "-f", journal, "bal", "Income:Grant", "-b", fy[0], "-e", fy[1]]),
        ]
    try:
        cells = r.rounds(tasks, f"N={n}")
        # Untimed: leave the ledger edited (an even run count ends on the
        # original text); summary must then see the edit, or the cache is stale.
        target.write_text(changed_text, encoding="utf-8")
        want = Decimal(exp["totals"][YEAR]) - 1
        got = summary_allocated(budgetctl, data, {**r.base_env, **warm})
    finally:
        target.write_text(original, encoding="utf-8")
    if R_REPORT in cells and report_file.exists():
        extras[f"report-kb-{n}"] = f"{report_file.stat().st_size / 1000:.0f}"
        pages = pdf_pages(report_file, r.scratch)
        if pages is not None:
            extras[f"report-pages-{n}"] = str(pages)
    if got is None:
        notes.append(f"N={n}: cache consistency after edits not checked (`summary --format json` gave no total)")
    elif got != want:
        notes.append(f"N={n}: **stale result**: after the edits summary says {YEAR} allocated {got}, expected {want}")
    else:
        notes.append(f"N={n}: after the edits, summary's {YEAR} allocated total {got} matches the edited ledger")
    if pickle is not None and not pickle.exists():
        cells[R_BC_WARM].note = "no cache written: load < 1 s"
    for label, cell in cells.items():
        if cell.failure:
            notes.append(f"N={n}, {label}: exit {cell.rcs}; first output:\n\n```\n{cell.failure.strip()}\n```")
    return cells


def pdf_pages(html: Path, scratch: Path) -> int | None:
    """The A4 pages of an HTML file printed by a headless Chromium, if one is installed (untimed)."""
    browser = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if browser is None:
        return None
    pdf = scratch / "report.pdf"
    pdf.unlink(missing_ok=True)
    argv = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-pdf-header-footer"]
    argv += [f"--user-data-dir={scratch / 'chromium'}", f"--print-to-pdf={pdf}", html.as_uri()]
    try:
        subprocess.run(argv, capture_output=True, timeout=300)
        data = pdf.read_bytes()
    except (OSError, subprocess.TimeoutExpired):
        return None
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) or None


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def change_targets(
    w: Callable[[str], None],
    sizes: list[int],
    get: Callable[[int, str], Cell | None],
    base: str,
    bean_check: str | None,
    extras: dict[str, str],
) -> None:
    """Each target on the cost of a change as a figure or a ratio, with its verdict."""
    bc = "needs bean-check" if not bean_check else "needs this size"
    for n in (10_000, 50_000):
        changed, repeat = get(n, R_CHANGED), get(n, R_REPEAT)
        if changed is None or repeat is None:
            w(f"- one file changed minus nothing changed, validate, N={n:,}: n/a (needs the validate rows at N={n:,})")
        else:
            extra = changed.median - repeat.median
            w(
                f"- one file changed minus nothing changed, validate, N={n:,}: {fmt_s(changed.median)} − "
                f"{fmt_s(repeat.median)} = **{extra * 1000:.0f} ms** (target ≤ 30 ms) "
                f"{verdict(extra <= 0.030 and not changed.failed)} "
                f"(in CPU seconds: {(changed.cpu - repeat.cpu) * 1000:.0f} ms)"
            )
    for n in (10_000, 50_000):
        one, hundred, repeat = get(n, R_DIFF1), get(n, R_DIFF100), get(n, R_REPEAT)
        label = f"N={n:,}"
        w(ratio_line(f"diff, 1 project changed / warm validate, {label}", one, "diff", repeat, "validate", 1.5))
        if one is not None and hundred is not None:
            more = hundred.median - one.median
            w(
                f"- diff, 100 changed minus 1 changed, {label}: **{more * 1000:.0f} ms** (target ≤ 100 ms) "
                f"{verdict(more <= 0.1 and not hundred.failed)} "
                f"(in CPU seconds: {(hundred.cpu - one.cpu) * 1000:.0f} ms)"
            )
        w(
            ratio_line(
                f"warm validate / bean-check warm, {label}",
                repeat,
                "validate",
                get(n, R_BC_WARM),
                "bean-check",
                0.1,
                missing=bc,
            )
        )
        w(
            ratio_line(
                f"warm validate / (start + stat walk), {label}", repeat, "validate", get(n, R_FLOOR), "floor", 2.0
            )
        )
        w(ratio_line(f"warm summary / warm validate, {label}", get(n, R_SUMMARY), "summary", repeat, "validate", 1.2))
        w(
            ratio_line(
                f"cold validate / bean-check -C, CPU seconds, {label}",
                get(n, base),
                "validate",
                get(n, R_BC_C),
                "bean-check -C",
                0.25,
                cpu=True,
                missing=bc,
            )
        )
        w(
            ratio_line(
                f"fmt --check / cold validate, CPU seconds, {label}",
                get(n, R_FMT),
                "fmt --check",
                get(n, base),
                "validate",
                1.0,
                cpu=True,
            )
        )
        w(
            ratio_line(
                f"fmt --check with nothing cached / cold validate, CPU seconds, {label}",
                get(n, R_FMT_COLD),
                "fmt --check",
                get(n, base),
                "validate",
                1.0,
                cpu=True,
            )
        )
    worst = largest_validate_peak(get)
    w(
        ratio_line(
            "peak memory, validate, N=50,000",
            worst,
            "budgetctl",
            get(50_000, R_BC_C),
            "bean-check -C",
            0.2,
            mem=True,
            missing="needs N=50,000 and bean-check",
        )
    )
    for row, limit in ((R_PROJECTS, 1.0), (R_PROJECTS_CSV, 1.0), (R_SHOW, 0.2), (R_OWNERS, 0.2)):
        cell = get(10_000, row)
        if cell is None:
            w(f"- {row}, N=10,000: n/a (not measured in this run)")
        else:
            w(
                f"- {row}, N=10,000: {fmt_s(cell.median)} (target < {limit} s) "
                f"{verdict(cell.median < limit and not cell.failed)} ({fmt_s(cell.cpu)} CPU)"
            )
    report, summary = get(10_000, R_REPORT), get(10_000, R_SUMMARY)
    w(ratio_line("report --format html / warm summary, N=10,000", report, "report", summary, "summary", 2.0))
    kb, pages = extras.get("report-kb-10000"), extras.get("report-pages-10000")
    if kb is None:
        w("- report size, N=10,000: n/a (not measured in this run)")
    else:
        w(f"- report size, N=10,000: **{kb} kB** (target < 300 kB) {verdict(int(kb) < 300)}")
        if pages is None:
            w("- report pages, N=10,000: n/a (no headless Chromium to print it)")
        else:
            w(f"- report pages, N=10,000, A4 in Chromium: **{pages}** (target ≤ 40) {verdict(int(pages) <= 40)}")


def largest_validate_peak(get: Callable[[int, str], Cell | None]) -> Cell | None:
    """The validate row of N=50,000 with the largest peak memory (the strict reading)."""
    peaks = [c for row in (R_NOCACHE, R_FIRST, R_REPEAT, R_CHANGED) if (c := get(50_000, row)) is not None]
    return max(peaks, key=lambda c: c.peak_mib) if peaks else None


def peak_table(title: str, cells: dict[str, Cell], text: Callable[[Cell], str] = Cell.text) -> list[str]:
    """A two-column table of labelled cells: median / peak."""
    rows = [f"| {label} | {text(cell)} |" for label, cell in cells.items()]
    return [f"| {title} | median / peak |", "|---|---|", *rows]


def ratio_line(
    name: str,
    a: Cell | None,
    a_label: str,
    b: Cell | None,
    b_label: str,
    limit: float,
    *,
    mem: bool = False,
    cpu: bool = False,
    missing: str = "",
) -> str:
    if a is None or b is None:
        return f"- {name}: n/a ({missing or 'not measured in this run'})"
    av, bv = (a.peak_mib, b.peak_mib) if mem else (a.cpu, b.cpu) if cpu else (a.median, b.median)
    unit = (lambda v: f"{v:.0f} MiB") if mem else fmt_s
    ratio = av / bv
    verdict = "PASS" if ratio <= limit and not a.failed else "FAIL"
    extra = " (budgetctl exited non-zero)" if a.failed else ""
    if not mem and not cpu and b.cpu:
        # On a busy machine wall time drifts; CPU seconds drift less: both are shown, wall decides.
        extra += f" (in CPU seconds: {fmt_s(a.cpu)} / {fmt_s(b.cpu)} = {a.cpu / b.cpu:.2f})"
    return (
        f"- {name}: {a_label} {unit(av)} / {b_label} {unit(bv)} = **{ratio:.2f}** "
        f"(target ≤ {limit}) **{verdict}**{extra}"
    )


# The in-year rows: a ledger of N projects with twelve monthly actuals files (one row per
# project and month), four forecasts, and a 10,000-row export to import.
R_IY_PLAIN = "validate, same ledger without in-year files, empty cache"
R_IY_COLD = "validate, empty cache"
R_IY_PLAIN_WARM = "validate, same ledger without in-year files, warm cache"
R_IY_WARM = "validate, warm cache"
R_IY_SUMMARY = f"summary --year {YEAR}, warm cache"
R_IY_MONITOR = f"monitor --year {YEAR} --as-at q4, warm cache"
R_IY_MONITOR_DEFAULT = "monitor (the default year and as-at date), warm cache"
R_IY_IMPORT = "import actuals, 10,000-row export (writes the file)"
R_IY_TRACE = "trace <first stream> --measure actual, warm cache"
R_IY_REPORT = f"report --year {YEAR} --format html, warm cache"
R_IY_PROJECTS = "projects --format csv, warm cache"
R_IY_ADJUSTMENTS = f"adjustments --year {YEAR}, warm cache"
R_IY_READ = "read the actuals: budgetctl's reader over every actuals file, in a bare Python"
R_IY_READ_FLOOR = "the same Python, imports and file bytes only (subtracted from the row above)"

# "The time to read the actuals" of the monitor target: budgetctl's own reader (the CSV
# subset, every row's checks, the row objects: what monitor does with the actuals on any
# run) over every actuals file, less the same process without the reading.
READ_ACTUALS = """
import sys, pathlib
from budgetctl.loading.inyear_monitoring import attach_in_year
from budgetctl.model.source import RawFile
root = pathlib.Path(sys.argv[1])
raws = [RawFile(p.relative_to(root).as_posix(), p.read_bytes()) for p in sorted(root.glob("actuals/*/*.csv"))]
if sys.argv[2] == "read":
    problems, count = attach_in_year(None, {"actuals": raws})
    assert count == len(raws) and not problems, problems[:3]
"""


def bench_in_year(n: int, root: Path, r: Runner, budgetctl: str) -> tuple[dict[str, Cell], list[str]]:
    """Time the in-year rows on a fresh N-project ledger (and its copy without in-year files)."""
    d = root / f"in-year-{n}"
    shutil.rmtree(d, ignore_errors=True)
    ledger = generate.generate(n, d, False)
    counts = generate.write_in_year(ledger, d)
    plain = root / f"plain-{n}"
    shutil.rmtree(plain, ignore_errors=True)
    (plain / "data").mkdir(parents=True)
    shutil.copy2(d / "data" / "streams.yaml", plain / "data" / "streams.yaml")
    shutil.copytree(d / "data" / "projects", plain / "data" / "projects")
    data, plain_data = str(d / "data"), str(plain / "data")
    caches = r.scratch / f"cache-in-year-{n}"
    caches.mkdir(exist_ok=True)
    warm = {"XDG_CACHE_HOME": str(caches / "warm")}
    plain_warm = {"XDG_CACHE_HOME": str(caches / "plain-warm")}

    written = d / "data" / "actuals" / "2023-24" / "export-10000.csv"
    receipts = d / "data" / "imports" / "receipts"  # the import's control totals, made by the first

    def undo_import() -> None:
        # All of it: a receipt (or its folder) left behind is a changed ledger to the warm rows.
        written.unlink(missing_ok=True)
        (receipts / "export-10000.yaml").unlink(missing_ok=True)
        if receipts.is_dir() and not any(receipts.iterdir()):
            receipts.rmdir()

    def fresh(k: int) -> dict[str, str]:
        # The last round's import is undone first, so the warm rows find the cached ledger.
        undo_import()
        return {"XDG_CACHE_HOME": tempfile.mkdtemp(prefix=f"fresh-{k}-", dir=caches)}

    def unimport(k: int) -> None:
        undo_import()  # each timed import adds its 10,000 rows again

    stream = ledger.streams[0].id
    mapping = str(d / "data" / "imports" / "bench.yaml")
    importing = [budgetctl, "import", "actuals", str(d / "export-10000.csv"), "--map", mapping, "--year", YEAR]
    importing += ["--data", data]
    tasks = [
        Task(R_IY_PLAIN, [budgetctl, "validate", "--data", plain_data], before=fresh),
        Task(R_IY_COLD, [budgetctl, "validate", "--data", data], before=fresh),
        Task(R_IY_PLAIN_WARM, [budgetctl, "validate", "--data", plain_data], plain_warm, warmup=True),
        Task(R_IY_WARM, [budgetctl, "validate", "--data", data], warm, warmup=True),
        Task(R_IY_SUMMARY, [budgetctl, "summary", "--year", YEAR, "--data", data], warm, warmup=True),
        # Like validate and summary above, a monitor row times the warm state: its
        # untimed first run keeps the view that a repeated monitor is served from.
        Task(R_IY_MONITOR, [budgetctl, "monitor", "--year", YEAR, "--as-at", "q4", "--data", data], warm, warmup=True),
        Task(R_IY_MONITOR_DEFAULT, [budgetctl, "monitor", "--data", data], warm, warmup=True),
        Task(R_IY_TRACE, [budgetctl, "trace", stream, "-m", "actual", "-y", YEAR, "--data", data], warm),
        # The plan's commands on a ledger with a year of actuals (the paper: built once, then kept).
        Task(R_IY_REPORT, [budgetctl, "report", "--year", YEAR, "--format", "html", "--data", data], warm, warmup=True),
        Task(R_IY_PROJECTS, [budgetctl, "projects", "--format", "csv", "--data", data], warm),
        Task(R_IY_ADJUSTMENTS, [budgetctl, "adjustments", "--year", YEAR, "--data", data], warm),
        Task(R_IY_IMPORT, importing, warm, before=unimport),
    ]
    python = interpreter(budgetctl)
    if python is not None:
        tasks.append(Task(R_IY_READ, [python, "-c", READ_ACTUALS, data, "read"], before=unimport))
        tasks.append(Task(R_IY_READ_FLOOR, [python, "-c", READ_ACTUALS, data, "floor"], before=unimport))
    cells = r.rounds(tasks, f"in-year N={n}")
    undo_import()
    notes = [f"in-year N={n}: {counts['actuals_rows']:,} actuals rows in 12 files, 4 forecasts"]
    for label, cell in cells.items():
        if cell.failure:
            notes.append(f"in-year N={n}, {label}: exit {cell.rcs}; first output:\n\n```\n{cell.failure.strip()}\n```")
    return cells, notes


def render_in_year(n: int, cells: dict[str, Cell], notes: list[str]) -> str:
    lines = [
        f"## In-year monitoring, {n:,} projects",
        "",
        "| command | wall (median) | CPU s (median) | peak memory |",
        "|---|---:|---:|---:|",
    ]
    for label, cell in cells.items():
        lines.append(f"| budgetctl {label} | {fmt_s(cell.median)} | {cell.cpu:.2f} | {cell.peak_mib:.0f} MiB |")
    cold, plain = cells[R_IY_COLD], cells[R_IY_PLAIN]
    warm, plain_warm = cells[R_IY_WARM], cells[R_IY_PLAIN_WARM]
    monitor, summary, trace = cells[R_IY_MONITOR], cells[R_IY_SUMMARY], cells[R_IY_TRACE]
    cold_ratio, warm_ratio = cold.cpu / plain.cpu, warm.cpu / plain_warm.cpu
    lines += [
        "",
        "Targets, by CPU seconds (wall time for comparison):",
        "",
        f"- validate cold, with / without in-year files: CPU {cold_ratio:.2f}, "
        f"wall {cold.median / plain.median:.2f} (target ≤ 1.5) {verdict(cold_ratio <= 1.5)}",
        f"- validate warm, with / without in-year files: CPU {warm_ratio:.2f}, "
        f"wall {warm.median / plain_warm.median:.2f} (target ≤ 1.2) {verdict(warm_ratio <= 1.2)}",
    ]
    read, floor = cells.get(R_IY_READ), cells.get(R_IY_READ_FLOOR)
    if read is not None and floor is not None and not (read.failed or floor.failed):
        reading = read.cpu - floor.cpu
        limit = summary.cpu + reading
        lines += [
            f"- monitor warm ≤ summary warm + reading the actuals: CPU {monitor.cpu:.2f} vs "
            f"{summary.cpu:.2f} + {reading:.2f} = {limit:.2f} {verdict(monitor.cpu <= limit)}",
            f"- trace warm vs the same limit: CPU {trace.cpu:.2f} vs {limit:.2f} (no target; for comparison)",
        ]
    else:
        lines.append("- monitor warm ≤ summary warm + reading the actuals: n/a (the reading rows did not run)")
    for label in (R_IY_MONITOR, R_IY_MONITOR_DEFAULT):
        ratio = cells[label].cpu / warm.cpu
        name = label.split(",")[0]
        lines.append(f"- {name} / validate, warm: CPU {ratio:.2f} (target ≤ 1.2) {verdict(ratio <= 1.2)}")
    for label in (R_IY_TRACE, R_IY_REPORT, R_IY_PROJECTS, R_IY_ADJUSTMENTS):
        if label in cells:
            ratio, name = cells[label].cpu / warm.cpu, label.split(",")[0]
            lines.append(f"- {name} / validate, warm: CPU {ratio:.2f} (no target; for comparison)")
    lines += [
        f"- monitor warm / summary warm: CPU {monitor.cpu / summary.cpu:.2f}",
        f"- memory, validate cold with / without in-year files: {cold.peak_mib / plain.peak_mib:.2f}",
        "",
        *[f"- {note}" for note in notes],
    ]
    return "\n".join(lines) + "\n"


def bench_hostile(r: Runner, budgetctl: str, scratch: Path, renames: int) -> dict[str, Cell]:
    """What an author controls, at the most the limits allow: every project renamed in one
    change, and the file with the most values a file may hold (and one far over it)."""
    root = scratch / "hostile"
    log(f"[hostile] generating a repository of {renames:,} projects, all renamed ...")
    generate.write_rename_repo(renames, root / "renames")
    generate.write_largest_file(root / "largest")
    over = root / "over"
    generate.write_largest_file(over, 2_450_000)  # 4.9 MB: far over the node limit
    tasks = [
        Task(
            f"diff HEAD, {renames:,} projects renamed",
            [budgetctl, "diff", "HEAD", "--format", "json", "--data", str(root / "renames" / "data")],
        ),
        Task(
            f"validate --no-cache, the largest file the limits allow ({generate.NODE_LIMIT:,} values)",
            [budgetctl, "validate", "--no-cache", "--data", str(root / "largest" / "data")],
        ),
        Task(
            "validate --no-cache, a 4.9 MB flow list of 2,450,000 items (refused, Y015)",
            [budgetctl, "validate", "--no-cache", "--data", str(over / "data")],
        ),
    ]
    return r.rounds(tasks, "hostile")


def render_hostile(hostile: dict[str, Cell]) -> str:
    if not hostile:
        return ""
    # A refused file exits 1 by design: that is the answer, not a failure.
    table = peak_table("command", hostile, lambda cell: cell.text().replace(" (exit 1)", " (exit 1: refused)"))
    return "\n".join(["", "## Hostile input at the limits", "", *table]) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes", default="100,1000,10000,50000", help="comma-separated project counts (default: %(default)s)"
    )
    ap.add_argument("--runs", type=int, default=3, help="timed runs per cell (median)")
    ap.add_argument(
        "--in-year",
        type=int,
        metavar="N",
        help="only the in-year rows, on an N-project ledger with twelve months of actuals and four forecasts",
    )
    ap.add_argument("--budgetctl", help="budgetctl executable (default: next to this python)")
    ap.add_argument("--bean-check", help="bean-check executable (default: PATH, .peers-venv)")
    ap.add_argument("--hledger", help="hledger executable (default: PATH)")
    ap.add_argument("--no-peers", action="store_true", help="skip bean-check and hledger")
    ap.add_argument(
        "--only",
        help=f"comma-separated groups of rows to run (default: all): {', '.join(GROUPS)}",
    )
    ap.add_argument("--out", type=Path, help="also write the Markdown report here")
    ap.add_argument(
        "--tmp", action="store_true", help="generate into a temporary folder instead of reusing benchmarks/out/"
    )
    ap.add_argument(
        "--renames",
        type=int,
        default=10_000,
        help="projects renamed in the hostile diff row (default: %(default)s; 0 skips the hostile rows)",
    )
    args = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.runs < 1 or not sizes or min(sizes) < 1:
        ap.error("--runs and every size must be at least 1")
    only = set(GROUPS) if not args.only else {g.strip() for g in args.only.split(",") if g.strip()}
    if only - set(GROUPS):
        ap.error(f"--only: unknown group(s) {', '.join(sorted(only - set(GROUPS)))}; choose from {', '.join(GROUPS)}")
    if "peers" not in only:
        args.no_peers = True

    beside = Path(sys.executable).parent / "budgetctl"  # not resolved: venv python is a link
    budgetctl = args.budgetctl or (str(beside) if beside.exists() else shutil.which("budgetctl"))
    if not budgetctl or subprocess.run([budgetctl, "--version"], capture_output=True).returncode:
        log(f"budgetctl not runnable: {budgetctl or 'not found'}")
        return 2
    bean_check = None if args.no_peers else generate.find_tool("bean-check", args.bean_check)
    hledger = None if args.no_peers else generate.find_tool("hledger", args.hledger)
    vhelp = subprocess.run([budgetctl, "validate", "--help"], capture_output=True, text=True)
    no_cache = "--no-cache" in vhelp.stdout + vhelp.stderr
    pkg = package_dir(budgetctl)
    compile_bytecode(budgetctl, pkg)
    # Isolated cache and no ledger from the environment: runs share no state with the user,
    # and every command names its --data; bytecode is compiled above, not on each run.
    base_env = {k: v for k, v in os.environ.items() if k not in ("BUDGETCTL_DATA", "PYTHONDONTWRITEBYTECODE")}

    if args.in_year:
        with tempfile.TemporaryDirectory(prefix="budgetctl-bench-") as tmp:
            env = {**base_env, "XDG_CACHE_HOME": str(Path(tmp) / "cache-default")}
            r = Runner(env, Path(tmp), args.runs)
            cells, notes = bench_in_year(args.in_year, Path(tmp), r, budgetctl)
            load = os.getloadavg()[0]
            notes.append(f"load average (1 min) after the runs: {load:.2f} on {os.cpu_count()} CPUs")
            report = render_in_year(args.in_year, cells, notes)
        print(report)
        if args.out:
            args.out.write_text(report, encoding="utf-8")
        return 0

    with tempfile.TemporaryDirectory(prefix="budgetctl-bench-") as tmp:
        scratch = Path(tmp)
        out_root = scratch / "ledgers" if args.tmp else HERE / "out"
        env = {**base_env, "XDG_CACHE_HOME": str(scratch / "cache-default")}
        r = Runner(env, scratch, args.runs)
        journals = bool(bean_check or hledger)
        notes: list[str] = []
        if not no_cache:
            notes.append(
                "`validate --no-cache` is not accepted by this budgetctl: its row is "
                "left out and the targets use the first run with an empty cache."
            )
        results: dict[int, dict[str, Cell]] = {}
        extras: dict[str, str] = {}
        checks: list[str] = []
        # Other work on the machine skews every cell; the report shows how busy it was.
        load_start = os.getloadavg()
        for n in sizes:
            d = prepare(n, out_root, journals, scratch / "ledgers")
            if journals and n <= VERIFY_MAX_N:
                ok, lines = generate.verify(d, bean_check, hledger)
                checks.append(f"N={n}: {'OK' if ok else 'MISMATCH'}: " + "; ".join(lines))
            before = code_stamp(pkg)
            results[n] = bench_size(n, d, r, budgetctl, no_cache, bean_check, hledger, notes, only, extras)
            if code_stamp(pkg) != before:
                notes.append(
                    f"N={n}: **budgetctl's source changed during these runs** "
                    f"({pkg}): a changed cache key makes warm-cache rows full runs; "
                    "measure again on a quiet tree"
                )

        k_small = max(args.runs, 5)  # cheap cells, and noisier than the big ones
        start_tasks = [
            Task("budgetctl --version", [budgetctl, "--version"], warmup=True),
            Task("budgetctl --help", [budgetctl, "--help"], warmup=True),
        ]
        if bean_check:
            start_tasks.append(Task("bean-check --version", [bean_check, "--version"], warmup=True))
        if hledger:
            start_tasks.append(Task("hledger --version", [hledger, "--version"], warmup=True))
        startup = r.rounds(start_tasks, "start-up", runs=k_small)

        shipped: dict[str, Cell] = {}
        shipped_data = REPO / "data"
        n_shipped = len([*shipped_data.glob("projects/**/*.yaml"), *shipped_data.glob("projects/**/*.yml")])
        if (shipped_data / "streams.yaml").exists() and only & {"validate", "summary"}:
            warm = {"XDG_CACHE_HOME": str(scratch / "cache-shipped")}
            sv = [budgetctl, "validate", "--data", str(shipped_data)]
            ship_tasks = [
                Task("budgetctl validate (warm cache)", sv, warm, warmup=True),
                Task(
                    f"budgetctl summary --year {YEAR} (warm cache)",
                    [budgetctl, "summary", "--year", YEAR, "--data", str(shipped_data)],
                    warm,
                ),
            ]
            if no_cache:
                ship_tasks.append(Task("budgetctl validate --no-cache", [*sv, "--no-cache"]))
            if bean_check:
                d100 = prepare(100, out_root, True, scratch / "ledgers")
                ship_tasks.append(
                    Task(
                        "bean-check, 100-project journal",
                        [bean_check, str(d100 / "beancount" / "main.beancount")],
                        warmup=True,
                    )
                )
            shipped = r.rounds(ship_tasks, "shipped", runs=k_small)
            for label, cell in shipped.items():
                if cell.failure:
                    notes.append(
                        f"shipped ledger, {label}: exit {cell.rcs}; first output:\n\n```\n{cell.failure.strip()}\n```"
                    )
        hostile = bench_hostile(r, budgetctl, scratch, args.renames) if args.renames else {}
        load_end = os.getloadavg()

    notes.append(
        f"load average (1 min): {load_start[0]:.2f} before the runs, {load_end[0]:.2f} "
        f"after, on {os.cpu_count()} CPUs. The benchmark itself adds about 1, so a "
        "figure well above that means other work competed with these runs"
    )
    report = render(
        sizes,
        results,
        startup,
        shipped,
        n_shipped,
        checks,
        notes,
        no_cache,
        budgetctl,
        bean_check,
        hledger,
        args.runs,
        extras,
    )
    report += render_hostile(hostile)
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0


def render(
    sizes: list[int],
    results: dict[int, dict[str, Cell]],
    startup: dict[str, Cell],
    shipped: dict[str, Cell],
    n_shipped: int,
    checks: list[str],
    notes: list[str],
    no_cache: bool,
    budgetctl: str,
    bean_check: str | None,
    hledger: str | None,
    runs: int,
    extras: dict[str, str],
) -> str:
    out: list[str] = []
    w = out.append
    w("# budgetctl benchmark")
    w("")
    w(
        f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.platform()} · {os.cpu_count()} CPUs · "
        f"Python {platform.python_version()}"
    )
    w(
        f"budgetctl: `{tool_version([budgetctl, '--version'])}` ({budgetctl}) · "
        f"bean-check: {tool_version([bean_check, '--version']) if bean_check else 'not installed'}"
        f" · hledger: {tool_version([hledger, '--version']) if hledger else 'not installed'}"
    )
    w("")
    w(
        f"Median wall time of {runs} fresh-process runs [runs] / peak memory: the RSS of the "
        "largest process, or the summed PSS of the process tree if larger (N procs); then the "
        "median CPU seconds (user + system, with the worker processes). "
        "Ledger: N projects × 3 years on max(5, N/100) streams (benchmarks/generate.py). "
        "Commands of one size run in interleaved rounds."
    )
    w("")
    w("| command | " + " | ".join(f"N={n:,} | CPU" for n in sizes) + " |")
    w("|---|" + "---|---|" * len(sizes))
    for row in ROWS:
        if not any(row in results[n] for n in sizes):
            continue
        cells = [
            f"{results[n][row].text()} | {fmt_s(results[n][row].cpu)}" if row in results[n] else " | " for n in sizes
        ]
        w(f"| {row} | " + " | ".join(cells) + " |")
    w("")
    out += peak_table("start-up", startup)
    if shipped:
        w("")
        out += peak_table(f"shipped ledger (data/, {n_shipped} projects)", shipped)

    def get(n: int, row: str) -> Cell | None:
        return results.get(n, {}).get(row)

    base = R_NOCACHE if no_cache else R_FIRST
    why10 = "needs N=10,000 and bean-check" if bean_check else "bean-check not installed"
    why50 = "needs N=50,000 and bean-check" if bean_check else "bean-check not installed"
    w("")
    w("## Targets: speed and memory against the peers, ratios measured side by side in this run")
    w("")
    w(
        ratio_line(
            "validate, nothing cached, N=10,000",
            get(10_000, base),
            "budgetctl",
            get(10_000, R_BC_C),
            "bean-check -C",
            0.5,
            missing=why10,
        )
    )
    w(
        ratio_line(
            "validate repeated, nothing changed, N=10,000",
            get(10_000, R_REPEAT),
            "budgetctl",
            get(10_000, R_BC_WARM),
            "bean-check warm",
            0.5,
            missing=why10,
        )
    )
    w(
        ratio_line(
            "validate after one file changed, N=10,000",
            get(10_000, R_CHANGED),
            "budgetctl",
            get(10_000, R_BC_WARM),
            "bean-check warm",
            1.2,
            missing=why10,
        )
    )
    # Strict reading: budgetctl's largest validate peak against bean-check's
    # smaller (uncached) peak.
    worst = largest_validate_peak(get)
    w(
        ratio_line(
            "peak memory, validate, N=50,000 (largest budgetctl validate row)",
            worst,
            "budgetctl",
            get(50_000, R_BC_C),
            "bean-check -C",
            0.5,
            mem=True,
            missing=why50,
        )
    )
    for row, label in ((base, "validate, nothing cached"), (R_REPEAT, "validate repeated"), (R_SUMMARY, "summary")):
        w(
            ratio_line(
                f"scaling, {label}: time at 50,000 / time at 10,000",
                get(50_000, row),
                "N=50,000",
                get(10_000, row),
                "N=10,000",
                5.5,
                missing="needs N=10,000 and N=50,000",
            )
        )
    bc100 = shipped.get("bean-check, 100-project journal")
    miss = "no shipped ledger" if not shipped else "bean-check not installed"
    for label in [k for k in shipped if k.startswith("budgetctl")]:
        w(
            ratio_line(
                f"shipped ledger ({n_shipped} projects), {label.removeprefix('budgetctl ')}",
                shipped[label],
                "budgetctl",
                bc100,
                "bean-check on 100 projects",
                1.5,
                missing=miss,
            )
        )
    w("")
    w("## Targets: the cost of a change scales with the change")
    w("")
    change_targets(w, sizes, get, base, bean_check, extras)
    ver = startup["budgetctl --version"]
    w(
        f"- `budgetctl --version`: {fmt_s(ver.median)} (target ≤ 0.1 s) "
        f"**{'PASS' if ver.median <= 0.1 and not ver.failed else 'FAIL'}**"
    )
    if checks:
        w("")
        w("## Journal equivalence (untimed)")
        w("")
        w("\n".join(f"- {c}" for c in checks))
    if notes:
        w("")
        w("## Notes")
        w("")
        w("\n".join(f"- {note}" for note in notes))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
