#!/usr/bin/env python3
"""tagcheck's benchmark: tagcheck against the bare python-hcl2 parse (and Checkov), in one run.

    python bench/run_bench.py [--sizes 100,1000,10000] [--checkov PATH] [--install-checkov]

For each size it generates (or reuses) a corpus under bench/.corpus/SIZE with gen_corpus.py,
then times, each in a fresh subprocess so that interpreter start-up, imports and the grammar
load are paid the same way by everybody:

  tree      python-hcl2 ``parses_to_tree`` of every .tf and .tfvars file, one process — the floor
  loads     python-hcl2 ``loads`` of the same files (the usual API)
  cold-j1   ``tagcheck scan . --jobs 1`` with a fresh, empty ``--cache-dir``
  cold-j2   the same with ``--jobs 2``
  nocache   ``--jobs 1 --no-cache`` (cold without writing the cache)
  warm-j1   the same command as cold-j1 again, on the cache cold-j1 filled
  warm-j2   the same for cold-j2
  pc-cold   pre-commit on one changed module: ``tagcheck scan DIR/main.tf DIR/locals.tf``,
            fresh cache;  pc-warm: the same again on that cache
  checkov   ``checkov -d . --framework terraform`` with one custom YAML policy that only checks
            the three required tags (when a Checkov binary is available; see --checkov)

Times are wall-clock seconds, the median of --repeat runs (default 3 for sizes below 10,000
and 1 from 10,000 on). Memory is the peak RSS of the child from os.wait4 (for a process pool
that is the largest single process) and, for the cold scans, the peak of the summed PSS of
the whole process tree sampled every 0.2 s. Absolute times drift on a shared machine: read the
ratios. The script prints numbers and exits 0; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS_ROOT = BENCH / ".corpus"
CHECKOV_VENV = BENCH / ".checkov-venv"
CHECK_ID = "CKV2_TAGCHECK_1"
REQUIRED = ["team", "environment", "cost-center"]  # finops-baseline, which the corpus policy extends

sys.path.insert(0, str(BENCH))
import gen_corpus  # noqa: E402

# The bare-parse child: everything after "python -c" is what is timed (with interpreter start-up).
PARSE_CHILD = r"""
import sys
import hcl2
parse = hcl2.parses_to_tree if sys.argv[1] == "tree" else hcl2.loads
with open(sys.argv[2], encoding="utf-8") as fh:
    paths = fh.read().splitlines()
for p in paths:
    with open(p, encoding="utf-8") as fh:
        parse(fh.read())
"""

CHECKOV_POLICY = """\
# tagcheck benchmark: the only check Checkov runs — the finops-baseline required tags.
metadata:
  id: "%s"
  name: "Ensure resources carry the cost-allocation tags %s"
  category: "GENERAL_SECURITY"
definition:
  and:
%s""" % (CHECK_ID, ", ".join(REQUIRED), "".join(
    f'    - cond_type: "attribute"\n      resource_types: "taggable"\n      attribute: "tags.{t}"\n'
    f'      operator: "exists"\n' for t in REQUIRED))


# --- running one child and measuring it ------------------------------------------------

@dataclass
class Run:
    wall: float
    maxrss_mb: float
    tree_pss_mb: float | None = None
    rc: int = 0
    timed_out: bool = False
    cpu: float = 0.0  # user + system seconds of the child and the children it waited for


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, ()))
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd: list[str], cwd: Path, *, env: dict | None = None, timeout: float | None = None,
            sample_tree: bool = False, log: Path | None = None) -> Run:
    """Run cmd; wall time from just before the fork to the reaping of the child."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    peak = [0]
    stop = threading.Event()
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        timer = None
        timed_out = [False]
        if timeout:
            def kill():
                timed_out[0] = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            timer = threading.Timer(timeout, kill)
            timer.start()
        sampler = None
        if sample_tree:
            def sample():
                while not stop.wait(0.2):
                    peak[0] = max(peak[0], sum(_pss_kb(p) for p in _descendants(proc.pid)))
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        if timer:
            timer.cancel()
        if sampler:
            sampler.join()
    finally:
        if log:
            out.close()
    return Run(wall, usage.ru_maxrss / 1024, peak[0] / 1024 if sample_tree else None, proc.returncode,
               timed_out[0], usage.ru_utime + usage.ru_stime)


def median_run(runs: list[Run]) -> Run:
    bad = [r.rc for r in runs if r.rc not in (0, 1)]
    return Run(statistics.median(r.wall for r in runs), max(r.maxrss_mb for r in runs),
               max((r.tree_pss_mb for r in runs if r.tree_pss_mb is not None), default=None),
               bad[0] if bad else runs[0].rc, any(r.timed_out for r in runs), statistics.median(r.cpu for r in runs))


# --- the corpus --------------------------------------------------------------------------

def corpus(size: int, seed: int) -> tuple[Path, dict]:
    out = CORPUS_ROOT / str(size)
    marker = out / gen_corpus.MARKER
    if marker.exists():
        manifest = json.loads(marker.read_text())
        if (manifest.get("generator_version") == gen_corpus.GENERATOR_VERSION and manifest.get("seed") == seed
                and manifest.get("files_requested") == size):
            return out, manifest
    print(f"  generating {size}-file corpus in {out.relative_to(REPO)} …", flush=True)
    return out, gen_corpus.generate(size, out, seed)


def parse_list(root: Path) -> Path:
    """Every file tagcheck parses in a full scan: .tf, .tf.json and .tfvars."""
    files = sorted(str(p) for p in root.rglob("*")
                   if p.is_file() and (p.name.endswith((".tf", ".tf.json", ".tfvars")))
                   and not any(part.startswith(".") for part in p.relative_to(root).parts[:-1]))
    listing = root / ".parse-list.txt"
    listing.write_text("\n".join(files) + "\n")
    return listing


# --- Checkov -------------------------------------------------------------------------------

def install_checkov() -> Path:
    """Checkov in a venv of its own: it ships bc-python-hcl2, which overwrites the hcl2 package."""
    py = CHECKOV_VENV / "bin" / "python"
    if not py.exists():
        print(f"  creating {CHECKOV_VENV.relative_to(REPO)} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
    print("  pip install checkov (its own venv) …", flush=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "checkov"], check=True)
    return CHECKOV_VENV / "bin" / "checkov"


def find_checkov(arg: str | None) -> Path | None:
    if arg:
        p = Path(arg)
        return p if p.exists() else None
    candidate = CHECKOV_VENV / "bin" / "checkov"
    return candidate if candidate.exists() else None


def checkov_version(binary: Path) -> str:
    try:
        return subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=120).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


# --- the benchmark ---------------------------------------------------------------------------

@dataclass
class SizeResult:
    size: int
    manifest: dict
    runs: dict[str, Run] = field(default_factory=dict)  # medians
    raw: dict[str, list[Run]] = field(default_factory=dict)  # every repetition, in order
    notes: list[str] = field(default_factory=list)

    def ratio(self, a: str, b: str, cpu: bool = False) -> float | None:
        """a / b: the median of the per-repetition ratios when both ran in every repetition
        (a pair measured a minute apart shares the machine's load), else the ratio of medians."""
        ra, rb = self.raw.get(a), self.raw.get(b)
        if not ra or not rb or any(r.timed_out for r in ra):
            return None
        val = (lambda r: r.cpu) if cpu else (lambda r: r.wall)
        if len(ra) == len(rb):
            return statistics.median(val(x) / val(y) for x, y in zip(ra, rb) if val(y) > 0)
        return statistics.median(map(val, ra)) / statistics.median(map(val, rb))


def tagcheck_cmd() -> list[str]:
    script = Path(sys.executable).parent / "tagcheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tagcheck"]


def scan_options() -> set[str]:
    helptext = subprocess.run(tagcheck_cmd() + ["scan", "--help"], capture_output=True, text=True).stdout
    return {opt for opt in ("--jobs", "--cache-dir", "--no-cache") if opt in helptext}


def bench_size(size: int, args, checkov: Path | None, options: set[str], logs: Path) -> SizeResult:
    root, manifest = corpus(size, args.seed)
    res = SizeResult(size, manifest)
    load_start = _loadavg()
    repeat = args.repeat or (3 if size < 10_000 else 1)
    listing = parse_list(root)
    for p in listing.read_text().splitlines():  # the page cache: everybody reads warm files
        Path(p).read_bytes()
    tc = tagcheck_cmd()
    base = tc + ["scan", "--fail-on", "never"]
    pc_files = manifest["precommit_files"]
    tmp = Path(tempfile.mkdtemp(prefix=f"tagcheck-bench-{size}-"))

    def fresh_cache() -> Path:
        return Path(tempfile.mkdtemp(prefix="cache-", dir=tmp))

    def record(name: str, runs: list[Run]) -> None:
        res.raw[name] = runs
        res.runs[name] = median_run(runs)
        r = res.runs[name]
        extra = f", tree PSS {r.tree_pss_mb:.0f} MB" if r.tree_pss_mb is not None else ""
        bad = f"  (exit {r.rc}{', TIMEOUT' if r.timed_out else ''})" if r.rc not in (0, 1) or r.timed_out else ""
        if r.rc not in (0, 1) and not r.timed_out:
            res.notes.append(f"{name}: a run exited {r.rc} (a crash): see {logs.relative_to(REPO)}/{size}-{name}-*.log")
        print(f"  {name:<9} {r.wall:8.3f} s  cpu {r.cpu:8.3f} s   max RSS {r.maxrss_mb:6.0f} MB{extra}{bad}",
              flush=True)

    def log(name: str, i: int) -> Path:
        return logs / f"{size}-{name}-{i}.log"

    def add(name: str, run: Run) -> None:
        runs.setdefault(name, []).append(run)
        print(f"    {name} {run.wall:.2f}s", end="", flush=True)

    print(f"\n== {size} files: {manifest['tf_files']} .tf + {manifest['tfvars_files']} .tfvars, "
          f"{manifest['tf_bytes'] / 1e6:.1f} MB, {manifest['roots']} root modules, {manifest['modules']} modules; "
          f"repeat {repeat}", flush=True)

    skip = args.skip
    runs: dict[str, list[Run]] = {}
    have_all = {"--jobs", "--cache-dir", "--no-cache"} <= options
    if not have_all:
        missing = sorted({"--jobs", "--cache-dir", "--no-cache"} - options)
        res.notes.append(f"tagcheck scan lacks {', '.join(missing)}: only the plain full scan and pre-commit ran")

    def pair(cold: str, warm: str, opts: list[str], paths: list[str], i: int, sample: bool = False) -> None:
        """A cold run on a fresh cache (needed to fill it even when only the warm one is wanted)."""
        if cold in skip and warm in skip:
            return
        cache = fresh_cache()
        cmd = base + opts + ["--cache-dir", str(cache)] + paths
        add(cold, measure(cmd, root, sample_tree=sample, log=log(cold, i)))
        if warm not in skip:
            add(warm, measure(cmd, root, log=log(warm, i)))

    # One repetition runs every measurement once, so that a burst of load from other users of
    # the machine hits all of them rather than all repetitions of one.
    for i in range(repeat):
        print(f"  rep {i + 1}/{repeat}:", end="", flush=True)
        for mode in ("tree", "loads"):
            if mode not in skip:
                add(mode, measure([sys.executable, "-c", PARSE_CHILD, mode, str(listing)], root, log=log(mode, i)))
        if not have_all:
            if "cold-j1" not in skip:
                add("cold-j1", measure(base + ["."], root, log=log("plain", i)))
            if "pc-cold" not in skip:
                add("pc-cold", measure(base + pc_files, root, log=log("pc", i)))
            print()
            continue
        pair("cold-j1", "warm-j1", ["--jobs", "1"], ["."], i, sample=True)  # --jobs 1 has one worker too
        pair("cold-j2", "warm-j2", ["--jobs", "2"], ["."], i, sample=True)
        if "nocache" not in skip:
            add("nocache", measure(base + ["--jobs", "1", "--no-cache", "."], root, log=log("nocache", i)))
        pair("pc-cold", "pc-warm", [], pc_files, i)  # default --jobs, as the pre-commit hook runs it
        print()
    print("  median:")
    for name in ("tree", "loads", "cold-j1", "cold-j2", "nocache", "warm-j1", "warm-j2", "pc-cold", "pc-warm"):
        if name in runs and name not in skip:
            record(name, runs[name])

    if checkov and size <= args.checkov_max_size and "checkov" not in skip:
        policy_dir = CORPUS_ROOT / "checkov-policy"
        policy_dir.mkdir(parents=True, exist_ok=True)
        (policy_dir / "required_tags.yaml").write_text(CHECKOV_POLICY)
        env = dict(os.environ, LOG_LEVEL="ERROR")
        cmd = [str(checkov), "-d", ".", "--framework", "terraform", "--external-checks-dir", str(policy_dir),
               "--check", CHECK_ID, "--skip-download", "--compact", "--quiet", "-o", "json"]
        ck_repeat = 1 if size >= 1000 else repeat
        record("checkov", [measure(cmd, root, env=env, timeout=args.checkov_timeout, log=log("checkov", i))
                           for i in range(ck_repeat)])
    elif checkov and "checkov" not in skip:
        res.notes.append(f"Checkov skipped at {size} files (--checkov-max-size {args.checkov_max_size})")
    shutil.rmtree(tmp, ignore_errors=True)
    res.notes.append(f"load average (1 min) at start / end: {load_start:.1f} / {_loadavg():.1f} "
                     f"on {os.cpu_count()} CPUs (other users of the machine make the absolute times drift)")
    return res


def _loadavg() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


# --- the report ------------------------------------------------------------------------------

TIME_COLS = ["tree", "loads", "cold-j1", "cold-j2", "nocache", "warm-j1", "warm-j2", "pc-cold", "pc-warm", "checkov"]


def fmt_s(run: Run | None, cpu: bool = False) -> str:
    if run is None:
        return "-"
    if run.timed_out:
        return f">{run.wall:.0f}"
    value = run.cpu if cpu else run.wall
    text = f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return text + ("!" if run.rc not in (0, 1) else "")


def fmt_r(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(results: list[SizeResult]) -> str:
    out = []
    rows = [["files", "MB"] + TIME_COLS]
    for r in results:
        rows.append([str(r.size), f"{r.manifest['tf_bytes'] / 1e6:.1f}"] + [fmt_s(r.runs.get(c)) for c in TIME_COLS])
    out += ["Wall time, seconds (median of the repetitions; ! = a run crashed)", "", table(rows), ""]
    rows = [["files", "MB"] + TIME_COLS]
    for r in results:
        rows.append([str(r.size), f"{r.manifest['tf_bytes'] / 1e6:.1f}"]
                    + [fmt_s(r.runs.get(c), cpu=True) for c in TIME_COLS])
    out += ["CPU time (user + system, with the worker processes), seconds — less sensitive to other load", "",
            table(rows), ""]

    rows = [["files", "j1/tree", "j2/tree", "j1/loads", "nocache/tree", "warm/cold j1", "warm/cold j2",
             "checkov/cold-j2", "cpu j1/tree", "cpu j2/j1", "RSS j1 MB", "PSS j1 MB", "PSS j2 MB", "tree RSS MB"]]
    for r in results:
        g = r.runs.get
        rows.append([str(r.size), fmt_r(r.ratio("cold-j1", "tree")), fmt_r(r.ratio("cold-j2", "tree")),
                     fmt_r(r.ratio("cold-j1", "loads")), fmt_r(r.ratio("nocache", "tree")),
                     fmt_r(r.ratio("warm-j1", "cold-j1"), 3), fmt_r(r.ratio("warm-j2", "cold-j2"), 3),
                     fmt_r(r.ratio("checkov", "cold-j2"), 1),
                     fmt_r(r.ratio("cold-j1", "tree", cpu=True)), fmt_r(r.ratio("cold-j2", "cold-j1", cpu=True)),
                     f"{g('cold-j1').maxrss_mb:.0f}" if g("cold-j1") else "-",
                     f"{g('cold-j1').tree_pss_mb:.0f}" if g("cold-j1") and g("cold-j1").tree_pss_mb else "-",
                     f"{g('cold-j2').tree_pss_mb:.0f}" if g("cold-j2") and g("cold-j2").tree_pss_mb else "-",
                     f"{g('tree').maxrss_mb:.0f}" if g("tree") else "-"])
    out += ["Ratios of wall times (median of per-repetition ratios; lower is better), CPU ratios, peak memory",
            "", table(rows), ""]

    out += ["Targets (DESIGN §8, issue #7)", ""]
    by_size = {r.size: r for r in results}
    for line in targets(by_size):
        out.append("  " + line)
    notes = [f"{r.size}: {n}" for r in results for n in r.notes]
    if notes:
        out += ["", "Notes"] + ["  " + n for n in notes]
    return "\n".join(out)


def verdict(value: float | None, limit: float, unit: str = "", smaller_is_better: bool = True) -> str:
    if value is None:
        return "not measured"
    ok = value <= limit if smaller_is_better else value >= limit
    if ok:
        return f"met ({value:.3g}{unit} vs {'≤' if smaller_is_better else '≥'} {limit:g}{unit})"
    if smaller_is_better:
        return f"MISSED by {value - limit:.3g}{unit} ({value:.3g}{unit}, {value / limit:.2f}× the limit {limit:g}{unit})"
    return f"MISSED ({value:.3g}{unit}, needs ≥ {limit:g}{unit})"


def targets(by_size: dict[int, SizeResult]) -> list[str]:
    lines = []
    for size, r in sorted(by_size.items()):
        lines.append(f"cold full scan --jobs 1 ≤ 1.25 × bare parse   [{size:>5}]: "
                     + verdict(r.ratio("cold-j1", "tree"), 1.25, "×"))
        lines.append(f"cold full scan --jobs 2 ≤ 0.75 × bare parse   [{size:>5}]: "
                     + verdict(r.ratio("cold-j2", "tree"), 0.75, "×"))
    r = by_size.get(1000)
    g = r.runs.get if r else (lambda _k: None)
    lines.append("warm full scan ≤ 0.1 × cold (1,000 files)     [--jobs 1]: "
                 + verdict(r.ratio("warm-j1", "cold-j1") if r else None, 0.1, "×"))
    lines.append("warm full scan ≤ 0.1 × cold (1,000 files)     [--jobs 2]: "
                 + verdict(r.ratio("warm-j2", "cold-j2") if r else None, 0.1, "×"))
    lines.append("pre-commit, one module of 1,000 files < 0.5 s  [cold]: "
                 + verdict(g("pc-cold").wall if g("pc-cold") else None, 0.5, " s"))
    lines.append("pre-commit, one module of 1,000 files < 0.25 s [warm]: "
                 + verdict(g("pc-warm").wall if g("pc-warm") else None, 0.25, " s"))
    for size, r in sorted(by_size.items()):
        g = r.runs.get
        if g("checkov"):
            speedup = r.ratio("checkov", "cold-j2" if g("cold-j2") else "cold-j1")
            lines.append(f"≥ 20× faster than Checkov tag-only           [{size:>5}]: "
                         + (verdict(speedup, 20, "×", smaller_is_better=False) if not g("checkov").timed_out
                            else f"met at least (Checkov > {g('checkov').wall:.0f} s, timed out)"))
    r = by_size.get(10_000)
    peak = None
    if r:
        cands = [x for x in (r.runs.get("cold-j1") and r.runs["cold-j1"].maxrss_mb,
                             r.runs.get("cold-j1") and r.runs["cold-j1"].tree_pss_mb,
                             r.runs.get("cold-j2") and r.runs["cold-j2"].tree_pss_mb) if x]
        peak = max(cands) if cands else None
    lines.append("peak memory of a 10,000-file scan < 500 MB   [max of j1 RSS, j1 and j2 tree PSS]: "
                 + verdict(peak, 500, " MB"))
    return lines


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    import importlib.metadata as md
    versions = []
    for dist in ("tagcheck", "python-hcl2", "lark"):
        try:
            versions.append(f"{dist} {md.version(dist)}")
        except md.PackageNotFoundError:
            versions.append(f"{dist} ?")
    try:  # read-only git queries: which tagcheck was measured
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True,
                               text=True).stdout.strip()
        versions.append(f"commit {head or '?'}{' + uncommitted changes in src/' if dirty else ''}")
    except OSError:
        pass
    return (f"{_dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {os.cpu_count()} CPUs ({cpu}) · {mem} · "
            f"Python {platform.python_version()} · " + " · ".join(versions))


def grammar_cache_note() -> str:
    """python-hcl2 keeps its grammar tables next to its code; make sure they exist before timing."""
    probe = subprocess.run([sys.executable, "-c", "import hcl2, hcl2.parser, os; p = hcl2.parser.PARSER_FILE;"
                            "hcl2.parses_to_tree('a = 1\\n'); print(p, os.path.exists(p))"],
                           capture_output=True, text=True)
    return probe.stdout.strip() or probe.stderr.strip()[-300:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000", help="comma-separated corpus sizes (.tf files)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=0, help="repetitions (default: 3 below 10,000 files, else 1)")
    ap.add_argument("--checkov", metavar="PATH", help="Checkov binary (default: bench/.checkov-venv/bin/checkov if there)")
    ap.add_argument("--install-checkov", action="store_true",
                    help="pip install Checkov into bench/.checkov-venv first (never into tagcheck's venv)")
    ap.add_argument("--no-checkov", action="store_true", help="do not run Checkov even if it is installed")
    ap.add_argument("--checkov-max-size", type=int, default=1000,
                    help="largest corpus Checkov is run on (it takes minutes per 1,000 files)")
    ap.add_argument("--checkov-timeout", type=float, default=1800, help="seconds before a Checkov run is killed")
    ap.add_argument("--skip", default="", metavar="NAMES",
                    help=f"comma-separated measurements to leave out, of: {', '.join(TIME_COLS)}")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write the raw numbers as JSON")
    args = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = args.skip - set(TIME_COLS)
    if unknown:
        ap.error(f"--skip: unknown measurement(s) {', '.join(sorted(unknown))}")
    # An installed package has bytecode (pip compiles it); an editable checkout under
    # PYTHONDONTWRITEBYTECODE=1 would recompile tagcheck's modules on every run (~0.1 s),
    # which users never pay. Compile once so every measured run starts as an install does.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    import compileall
    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "src" / "tagcheck"), quiet=1)
    probe = subprocess.run([sys.executable, "-c", "import hcl2, tagcheck"], capture_output=True, text=True)
    if probe.returncode:
        ap.error(f"run this with the Python of tagcheck's venv (it must import hcl2 and tagcheck): "
                 f"{probe.stderr.strip().splitlines()[-1]}")

    print("tagcheck benchmark —", machine())
    print("hcl2 grammar cache:", grammar_cache_note())
    checkov = None
    if not args.no_checkov:
        if args.install_checkov:
            install_checkov()
        checkov = find_checkov(args.checkov)
        print("Checkov:", f"{checkov} ({checkov_version(checkov)})" if checkov else
              "not installed (python bench/run_bench.py --install-checkov, or --checkov PATH)")
    options = scan_options()
    logs = CORPUS_ROOT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    results = [bench_size(size, args, checkov, options, logs) for size in sizes]
    print()
    print(report(results))
    print(f"\nChild output (for a failed run): {logs.relative_to(REPO)}/")
    if args.json:
        args.json.write_text(json.dumps([
            {"size": r.size, "manifest": r.manifest, "notes": r.notes,
             "median": {k: vars(v) for k, v in r.runs.items()},
             "runs": {k: [vars(x) for x in v] for k, v in r.raw.items()}} for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
