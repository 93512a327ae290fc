#!/usr/bin/env python3
"""tagcheck on public Terraform repositories: crashes, TC000/TC001, verdicts, time and memory (issue #12).

    python bench/realworld.py DIR [--only NAME,...] [--json OUT] [--markdown] [--parse-jobs 1|2]

DIR holds the repositories of bench/realworld_manifest.tsv, extracted (only .tf, .tfvars and
.tf.json files) as DIR/OWNER__NAME; the harness never fetches anything and no third-party code is
kept in this repository (see bench/README.md, "Real-world corpus", for how to extract them).

For each repository, each in a fresh subprocess of this interpreter (``sys.executable -m tagcheck``,
so PYTHONPATH can point at another checkout's src/), with a standard policy (version 1, required
tags team, environment, cost-center) and ``--format json --fail-on never``:

  parse     python-hcl2 ``hcl2.loads`` of every .tf file and of the tfvars tagcheck loads by itself
            (terraform.tfvars, *.auto.tfvars), in one process (``--parse-jobs 2``: a pool of two
            forked processes, to compare with --jobs 2); files hcl2 rejects are listed.
            The issue's target ratio is against this one
  tree      the same with ``hcl2.parses_to_tree`` (the grammar without the conversion to dicts:
            run_bench.py's floor), for a stricter ratio
  nocache   ``tagcheck scan . --no-cache --jobs 2``
  cold      ``tagcheck scan . --jobs 2 --cache-dir FRESH`` (an empty cache directory)
  warm      the cold command again, on the cache it just filled

Wall time is from just before the fork to the reaping of the child (bench/run_bench.py's
``measure``). Memory, per run: ``RSS`` is ``ru_maxrss`` from os.wait4 — the child and the children
it waited for, but the largest *single* process, not their sum; ``PSS`` is the peak of the summed
PSS (/proc/PID/smaps_rollup) of the whole process tree, sampled every 0.2 s. "peak" is the larger
of the two. Findings are compared between the three scans as sorted
(rule, address, file, line, message) lists. Counts (findings by rule, TAG005 reason classes,
TC000/TC001) are those of the cold scan (of the no-cache scan if the cold one has no output).

One repetition of each measurement: the machine is shared, absolute times drift, read the ratios.
The script prints numbers and exits 0 (2 on bad arguments); it asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as _dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
MANIFEST = BENCH / "realworld_manifest.tsv"
sys.path.insert(0, str(BENCH))
from run_bench import Run, _loadavg, grammar_cache_note, measure, table, verdict  # noqa: E402

POLICY = """\
# tagcheck real-world harness: the standard policy
version: 1
tags:
  required: [team, environment, cost-center]
"""

EXTRACT_HELP = """\
Fetch each snapshot (the search library's `fetch`, `github:OWNER/NAME`), then extract only
Terraform files, e.g.

    mkdir -p {dest}
    git --git-dir=GITDIR archive COMMIT -- '*.tf' '*.tfvars' '*.tf.json' | tar -x -C {dest}

(if `archive` stops on a blob missing from the snapshot, list with `git ls-tree -r` and `git show`
each file). Keep the extracted tree outside the repository; commit only the harness and its
results, never the code."""

# The bare-parse child. Everything after the fork is timed, interpreter start-up included, as
# for tagcheck. argv: list file, result file (JSON: files that hcl2 rejects), number of processes,
# "loads" (hcl2.loads, the usual API) or "tree" (hcl2.parses_to_tree, the grammar alone: the floor).
PARSE_CHILD = r"""
import json, sys
import hcl2

api = hcl2.parses_to_tree if sys.argv[4] == "tree" else hcl2.loads

def parse(path):
    try:
        with open(path, encoding="utf-8") as fh:
            api(fh.read())
        return None
    except Exception as exc:  # noqa: BLE001 - a rejected file is a result, not a failure
        text = str(exc).strip().splitlines()
        return [path, type(exc).__name__, (text[0] if text else "")[:300]]

with open(sys.argv[1], encoding="utf-8") as fh:
    paths = fh.read().splitlines()
procs = int(sys.argv[3])
if procs > 1:
    import multiprocessing
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        results = pool.map(parse, paths, chunksize=8)
else:
    results = [parse(p) for p in paths]
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    json.dump([r for r in results if r], fh)
"""

SCANS = ("nocache", "cold", "warm")

# Reason texts that read like a Python exception rather than a statement about the user's code.
INTERNAL_ERROR = re.compile(
    r"is required, not|object has no attribute|must be a name|\berror:|Traceback|NoneType|"
    r"unhashable|not subscriptable|is not iterable|index out of range|KeyError|unsupported operand|"
    r"positional argument|invalid literal|can only concatenate|object is not callable|"
    r"argument must be|Exception|\b[A-Z][a-z]+Error\b|<[a-z_.]+ object at 0x", re.I)


# --- the manifest and the files -------------------------------------------------------------

@dataclass
class Entry:
    repo: str
    commit: str
    commit_date: str
    tf_files: int
    tf_bytes: int

    @property
    def dirname(self) -> str:
        return self.repo.replace("/", "__")

    @property
    def short(self) -> str:
        return self.repo.split("/", 1)[1]


def read_manifest(path: Path) -> list[Entry]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [Entry(r["repo"], r["commit"], r["commit_date"], int(r["tf_files"]), int(r["tf_bytes"]))
                for r in csv.DictReader(fh, delimiter="\t")]


def terraform_files(root: Path) -> tuple[list[Path], list[Path]]:
    """The .tf files, and the tfvars a scan loads without --var-file, outside hidden directories."""
    tf, tfvars = [], []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(root).parts[:-1]):
            continue
        if p.name.endswith(".tf"):
            tf.append(p)
        elif p.name == "terraform.tfvars" or p.name.endswith(".auto.tfvars"):
            tfvars.append(p)
    return tf, tfvars


# --- reason classes ------------------------------------------------------------------------

_SUBS = [
    (re.compile(r'"(?:[^"\\]|\\.)*"'), '"…"'),
    (re.compile(r"'(?:[^'\\]|\\.)*'"), "'…'"),
    (re.compile(r"\bfunction [\w:]+\(\)"), "function f()"),
    (re.compile(r"\b[\w:]+\(\)"), "f()"),
    (re.compile(r"\bdata\.[\w-]+\.[\w-]+(?:\[[^\]]*\])?(?:\.[\w*-]+|\[[^\]]*\])*"), "data.X"),
    (re.compile(r"\bvar\.[\w-]+(?:\.[\w*-]+|\[[^\]]*\])*"), "var.X"),
    (re.compile(r"\blocal\.[\w-]+(?:\.[\w*-]+|\[[^\]]*\])*"), "local.X"),
    (re.compile(r"\bmodule\.[\w-]+(?:\[[^\]]*\])?(?:\.[\w*-]+|\[[^\]]*\])*"), "module.X"),
    (re.compile(r"\b(?:each|count|self|path|terraform)\.[\w-]+(?:\.[\w*-]+|\[[^\]]*\])*"),
     lambda m: m.group(0).split(".", 1)[0] + ".X"),
    # a resource reference: TYPE.NAME[.attr…], TYPE having a provider prefix (aws_…, random_…)
    (re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\.[\w-]+(?:\[[^\]]*\])?(?:\.[\w*-]+|\[[^\]]*\])*"), "RESOURCE.X"),
    (re.compile(r"\b\d+(?:\.\d+)?\b"), "N"),
]


def reason_class(text: str) -> str:
    """A reason text with the user's names taken out: "var.tags supplied by the caller" →
    "var.X supplied by the caller", "function lookup() is not modelled" → "function f() …"."""
    out = text.strip()
    for pattern, repl in _SUBS:
        out = pattern.sub(repl, out)
    out = re.sub(r"(?:var\.X|local\.X|data\.X|module\.X|RESOURCE\.X)(?:, (?:var|local|data|module|RESOURCE)\.X)+",
                 lambda m: m.group(0).split(",")[0] + ", …", out)
    return re.sub(r"\s+", " ", out)[:160] or "(empty)"


def function_name(text: str) -> str | None:
    m = re.search(r"\bfunction ([\w:]+)\(\)", text)
    return m.group(1) if m else None


# --- one repository ---------------------------------------------------------------------------

@dataclass
class ScanRun:
    wall: float = 0.0
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    rc: int | None = None
    timed_out: bool = False
    error: str | None = None  # the last line of the traceback, or why there is no output
    has_output: bool = False

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb, self.pss_mb)


@dataclass
class RepoResult:
    repo: str
    commit: str
    present: bool = True
    tf_files: int = 0
    tf_bytes: int = 0
    tfvars_files: int = 0
    manifest_tf_files: int = 0
    parse: ScanRun = field(default_factory=ScanRun)
    tree: ScanRun = field(default_factory=ScanRun)
    parse_rejects: list = field(default_factory=list)  # [path, exception type, message]
    scans: dict = field(default_factory=dict)  # name -> ScanRun
    counted: str = ""  # the scan the counts come from
    resources: int | None = None
    zero_instances: int | None = None
    zero_blocks: list = field(default_factory=list)
    workspace: str | None = None
    by_rule: dict = field(default_factory=dict)
    tag005_classes: dict = field(default_factory=dict)  # class -> count
    tag005_examples: dict = field(default_factory=dict)  # class -> one text
    tag005_functions: dict = field(default_factory=dict)  # function name -> count
    reasons: dict = field(default_factory=dict)  # every distinct reason text -> count
    internal: dict = field(default_factory=dict)  # internal-error-looking text -> count
    internal_examples: dict = field(default_factory=dict)  # text -> one "rule address file:line"
    tc000: list = field(default_factory=list)  # {file, line, address, message}
    tc001: list = field(default_factory=list)  # {file, line, message, reason, hcl2_rejects}
    identical: bool | None = None  # None: a scan has no output, so not all three were compared
    pairs: dict = field(default_factory=dict)  # "nocache~cold" -> True / False / None (not compared)
    differences: dict = field(default_factory=dict)  # "nocache~cold" -> {only_a, only_b, examples}
    notes: list = field(default_factory=list)

    def short_name(self) -> str:
        return self.repo.split("/", 1)[1]


def finding_key(f: dict) -> tuple:
    loc = f.get("location") or {}
    res = f.get("resource") or {}
    return (f.get("rule") or "", res.get("address") or "", loc.get("file") or "", loc.get("line") or 0,
            f.get("message") or "")


def last_error_line(log: Path) -> str | None:
    try:
        lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return None
    return lines[-1][:300] if lines else None


def finding_reasons(f: dict) -> list[str]:
    details = f.get("details") or {}
    texts = []
    if isinstance(details.get("reason"), str):
        texts.append(details["reason"])
    if isinstance(details.get("reasons"), dict):
        texts += [v for v in details["reasons"].values() if isinstance(v, str)]
    return texts


def run_repo(entry: Entry, root: Path, policy: Path, tmp: Path, logs: Path, args) -> RepoResult:
    res = RepoResult(entry.repo, entry.commit, manifest_tf_files=entry.tf_files)
    tf, tfvars = terraform_files(root)
    res.tf_files, res.tfvars_files = len(tf), len(tfvars)
    res.tf_bytes = sum(p.stat().st_size for p in tf)
    if res.tf_files != entry.tf_files or res.tf_bytes != entry.tf_bytes:
        res.notes.append(f"{root} has {res.tf_files} .tf files, {res.tf_bytes} bytes; the manifest says "
                         f"{entry.tf_files}, {entry.tf_bytes}: extracted from another commit or incompletely?")
    for p in tf + tfvars:  # the page cache: everybody reads warm files
        p.read_bytes()
    work = tmp / entry.dirname
    work.mkdir(parents=True)

    # the bare parse
    listing = work / "parse-list.txt"
    listing.write_text("".join(f"{p}\n" for p in tf + tfvars), encoding="utf-8")
    for mode in ("loads", "tree"):
        rejects = work / f"{mode}-rejects.json"
        log = logs / f"{entry.dirname}-parse-{mode}.log"
        r = measure([sys.executable, "-c", PARSE_CHILD, str(listing), str(rejects), str(args.parse_jobs), mode],
                    root, sample_tree=True, log=log, timeout=args.timeout)
        run = _scanrun(r)
        try:
            rejected = [[str(Path(p).relative_to(root)), t, m] for p, t, m in json.loads(rejects.read_text())]
            run.has_output = True
            if mode == "loads":
                res.parse_rejects = rejected
        except (OSError, ValueError):
            run.error = last_error_line(log)
        if mode == "loads":
            res.parse = run
        else:
            res.tree = run
        print(f"    {'parse' if mode == 'loads' else mode} {run.wall:.2f}s", end="", flush=True)

    # the three scans
    cache = work / "cache"
    cache.mkdir()
    base = [sys.executable, "-m", "tagcheck", "scan", ".", "--policy", str(policy), "--format", "json",
            "--fail-on", "never"]
    opts = {"nocache": ["--no-cache", "--jobs", "2"], "cold": ["--jobs", "2", "--cache-dir", str(cache)],
            "warm": ["--jobs", "2", "--cache-dir", str(cache)]}
    docs: dict[str, dict] = {}
    for name in SCANS:
        out = work / f"{name}.json"
        log = logs / f"{entry.dirname}-{name}.log"
        r = measure(base + opts[name] + ["--output", str(out)], root, sample_tree=True, log=log,
                    timeout=args.timeout)
        run = _scanrun(r)
        try:
            docs[name] = json.loads(out.read_text(encoding="utf-8"))
            run.has_output = True
        except (OSError, ValueError) as exc:
            run.error = "no JSON output" + (f" ({type(exc).__name__})" if out.exists() else "")
        if run.rc not in (0, 1) or run.timed_out:
            run.error = ("timed out; " if run.timed_out else "") + (last_error_line(log) or run.error or "")
        res.scans[name] = run
        print(f"    {name} {run.wall:.2f}s" + (f" (exit {run.rc})" if run.rc not in (0, 1) else ""),
              end="", flush=True)
    print(flush=True)

    # identical findings?
    keys = {n: sorted(finding_key(f) for f in d.get("findings", [])) for n, d in docs.items()}
    pairs = [("nocache", "cold"), ("cold", "warm"), ("nocache", "warm")]
    same = True
    for a, b in pairs:
        if a not in keys or b not in keys:
            same = False
            res.pairs[f"{a}~{b}"] = None
            continue
        res.pairs[f"{a}~{b}"] = keys[a] == keys[b]
        if keys[a] != keys[b]:
            same = False
            ca, cb = collections.Counter(keys[a]), collections.Counter(keys[b])
            only_a, only_b = list((ca - cb).elements()), list((cb - ca).elements())
            res.differences[f"{a}~{b}"] = {"only_" + a: len(only_a), "only_" + b: len(only_b),
                                           "examples_" + a: [list(k) for k in only_a[:5]],
                                           "examples_" + b: [list(k) for k in only_b[:5]]}
    res.identical = same if len(keys) == 3 else None

    # counts from one scan
    res.counted = "cold" if "cold" in docs else ("nocache" if "nocache" in docs else "")
    if res.counted:
        count_findings(res, docs[res.counted], root)
    shutil.rmtree(work, ignore_errors=True)
    return res


def _scanrun(r: Run) -> ScanRun:
    return ScanRun(r.wall, r.maxrss_mb, r.tree_pss_mb or 0.0, r.rc, r.timed_out)


def count_findings(res: RepoResult, doc: dict, root: Path) -> None:
    summary = doc.get("summary") or {}
    scan = summary.get("scan") if isinstance(summary.get("scan"), dict) else {}
    res.resources = summary.get("resources")
    zero = summary.get("zero_instances", scan.get("zero_instances"))
    if isinstance(zero, dict):
        res.zero_instances = zero.get("count")
        res.zero_blocks = list(zero.get("blocks") or [])
    ws = scan.get("workspace", summary.get("workspace"))
    res.workspace = ws if isinstance(ws, str) else None
    findings = doc.get("findings") or []
    res.by_rule = dict(sorted(collections.Counter(f.get("rule") for f in findings).items()))
    rejected = {p for p, _t, _m in res.parse_rejects}
    classes, functions, reasons, internal = (collections.Counter() for _ in range(4))
    for f in findings:
        rule = f.get("rule")
        details = f.get("details") or {}
        loc = f.get("location") or {}
        address = (f.get("resource") or {}).get("address")
        where = f"{rule} {address or '-'} {loc.get('file')}:{loc.get('line')}"
        for text in set(finding_reasons(f)):
            reasons[text] += 1
            if INTERNAL_ERROR.search(text):
                internal[text] += 1
                res.internal_examples.setdefault(text, where)
        if rule == "TAG005":
            text = details.get("reason") if isinstance(details.get("reason"), str) else f.get("message") or ""
            cls = reason_class(text)
            classes[cls] += 1
            res.tag005_examples.setdefault(cls, text)
            fn = function_name(text)
            if fn:
                functions[fn] += 1
        elif rule == "TC000":
            res.tc000.append({"file": loc.get("file"), "line": loc.get("line"), "address": address,
                              "message": f.get("message"), "reason": details.get("reason")})
        elif rule == "TC001":
            file = details.get("file") or loc.get("file")
            rel = _rel(file, root)
            res.tc001.append({"file": rel, "line": loc.get("line"), "message": f.get("message"),
                              "reason": details.get("reason"),
                              "hcl2_rejects": None if rel is None else rel in rejected})
    res.tag005_classes = dict(classes.most_common())
    res.tag005_functions = dict(functions.most_common())
    res.reasons = dict(reasons.most_common())
    res.internal = dict(internal.most_common())


def _rel(file, root: Path) -> str | None:
    if not isinstance(file, str):
        return None
    p = Path(file)
    if p.is_absolute():
        try:
            return str(p.resolve().relative_to(root.resolve()))
        except ValueError:
            return file
    return str(Path(os.path.normpath(p)))


# --- the report -------------------------------------------------------------------------------

def md_table(rows: list[list[str]]) -> str:
    esc = [[c.replace("|", "\\|") for c in r] for r in rows]
    out = ["| " + " | ".join(esc[0]) + " |", "| " + " | ".join("---" for _ in esc[0]) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in esc[1:]]
    return "\n".join(out)


def s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def na(x) -> str:
    return "n/a" if x is None else str(x)


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def run_wall(run: ScanRun | None) -> str:
    if run is None:
        return "-"
    if run.timed_out:
        return f">{run.wall:.0f}"
    return s(run.wall) + ("!" if run.rc not in (0, 1) else "")


def totals(results: list[RepoResult]) -> dict:
    done = [r for r in results if r.present and r.scans]
    t: dict = {"repositories": len(done), "missing": [r.repo for r in results if not r.present]}
    both = [r for r in done if r.scans.get("cold") and not r.scans["cold"].timed_out and r.parse.wall]
    t["parse_s"] = sum(r.parse.wall for r in both)
    t["tree_s"] = sum(r.tree.wall for r in both)
    for name in SCANS:
        t[f"{name}_s"] = sum(r.scans[name].wall for r in both if name in r.scans)
    t["cold_over_parse"] = ratio(t["cold_s"], t["parse_s"])
    t["nocache_over_parse"] = ratio(t["nocache_s"], t["parse_s"])
    t["cold_over_tree"] = ratio(t["cold_s"], t["tree_s"])
    t["warm_over_cold"] = ratio(t["warm_s"], t["cold_s"])
    peaks = [(run.peak_mb, r.repo, name) for r in done for name, run in r.scans.items()]
    t["peak_mb"], t["peak_repo"], t["peak_scan"] = max(peaks) if peaks else (None, None, None)
    largest = max(done, key=lambda r: r.tf_bytes, default=None)
    t["largest_repo"] = largest.repo if largest else None
    t["largest_peak_mb"] = max((x.peak_mb for x in largest.scans.values()), default=None) if largest else None
    t["exit3_runs"] = [f"{r.short_name()} {n}" for r in done for n, x in r.scans.items() if x.rc == 3]
    t["other_bad_exits"] = [f"{r.short_name()} {n}: {x.rc}" for r in done for n, x in r.scans.items()
                            if x.rc not in (0, 1, 3)]
    t["tc000"] = sum(len(r.tc000) for r in done)
    t["tc001"] = sum(len(r.tc001) for r in done)
    t["tc001_hcl2_parses"] = sum(1 for r in done for x in r.tc001 if x["hcl2_rejects"] is False)
    t["hcl2_rejects"] = sum(len(r.parse_rejects) for r in done)
    t["internal_reason_findings"] = sum(sum(r.internal.values()) for r in done)
    t["internal_reason_texts"] = len({k for r in done for k in r.internal})
    t["tag001"] = sum(r.by_rule.get("TAG001", 0) for r in done)
    t["tag005"] = sum(r.by_rule.get("TAG005", 0) for r in done)
    t["zero_instances"] = (sum(r.zero_instances for r in done if r.zero_instances is not None)
                           if any(r.zero_instances is not None for r in done) else None)
    t["not_identical"] = [r.short_name() for r in done if r.identical is False]
    t["not_compared"] = [r.short_name() for r in done if r.identical is None]
    t["resources"] = sum(r.resources or 0 for r in done)
    return t


TITLE = "\x00"


def render(results: list[RepoResult], t: dict, markdown: bool, header: list[str]) -> str:
    tab = md_table if markdown else table
    done = [r for r in results if r.present and r.scans]
    out: list[str] = []
    out += ["  " + h for h in header] if markdown else header
    out += [""]
    if not done:
        missing = ", ".join(r.repo for r in results if not r.present)
        return "\n".join(out + [f"No repository ran (missing under the corpus directory: {missing})."])

    rows = [["repository", ".tf files", "resources", "zero-instance blocks", "exit nocache/cold/warm",
             "parse s", "tree s", "nocache s", "cold s", "warm s", "cold/parse", "warm/cold", "peak MB (RSS/PSS)",
             "TC000", "TC001", "TAG001", "TAG005", "internal-error reasons", "cached = uncached"]]
    for r in done:
        sc = r.scans
        peak = max(sc.values(), key=lambda x: x.peak_mb)
        rows.append([r.short_name(), str(r.tf_files), na(r.resources), na(r.zero_instances),
                     "/".join(na(sc[n].rc) if n in sc else "-" for n in SCANS),
                     run_wall(r.parse), run_wall(r.tree), run_wall(sc.get("nocache")), run_wall(sc.get("cold")),
                     run_wall(sc.get("warm")),
                     f"{ratio(sc['cold'].wall, r.parse.wall):.2f}" if "cold" in sc and r.parse.wall else "-",
                     f"{ratio(sc['warm'].wall, sc['cold'].wall):.3f}" if "warm" in sc else "-",
                     f"{peak.rss_mb:.0f}/{peak.pss_mb:.0f}",
                     str(len(r.tc000)), str(len(r.tc001)), str(r.by_rule.get("TAG001", 0)),
                     str(r.by_rule.get("TAG005", 0)), str(sum(r.internal.values())),
                     same_cell(r, markdown)])
    if t["repositories"] > 1:
        rows.append(["**total**" if markdown else "TOTAL", str(sum(r.tf_files for r in done)), str(t["resources"]),
                     na(t["zero_instances"]), f"{len(t['exit3_runs'])} × exit 3", s(t["parse_s"]), s(t["tree_s"]),
                     s(t["nocache_s"]), s(t["cold_s"]), s(t["warm_s"]),
                     f"{t['cold_over_parse']:.2f}" if t["cold_over_parse"] else "-",
                     f"{t['warm_over_cold']:.3f}" if t["warm_over_cold"] else "-",
                     f"max {t['peak_mb']:.0f}" if t["peak_mb"] else "-", str(t["tc000"]), str(t["tc001"]),
                     str(t["tag001"]), str(t["tag005"]), str(t["internal_reason_findings"]),
                     f"{len(t['not_identical'])} differ, {len(t['not_compared'])} n/a"])
    out += [TITLE + "Per repository (times in seconds, wall clock, one run each; ! = a crash; peak MB = the "
            "scan with the highest peak, ru_maxrss of its largest process / summed PSS of its process tree)",
            "", tab(rows), ""]

    rules = sorted({k for r in done for k in r.by_rule}, key=lambda k: (re.sub(r"\d", "", k), k))
    if rules:
        rows = [["repository"] + rules]
        for r in done:
            rows.append([r.short_name()] + [str(r.by_rule.get(k, "")) or "·" for k in rules])
        rows.append(["total"] + [str(sum(r.by_rule.get(k, 0) for r in done)) for k in rules])
        out += [TITLE + f"Findings by rule (the {', '.join(sorted({r.counted for r in done if r.counted}))} scan)", "",
                tab(rows), ""]

    classes = collections.Counter()
    example: dict[str, str] = {}
    per_repo: dict[str, list[str]] = collections.defaultdict(list)
    for r in done:
        for c, n in r.tag005_classes.items():
            classes[c] += n
            example.setdefault(c, r.tag005_examples[c])
            per_repo[c].append(f"{r.short_name()} {n}")
    if classes:
        rows = [["TAG005 reason class", "findings", "one example", "by repository"]]
        for c, n in classes.most_common():
            rows.append([c, str(n), example[c][:140], ", ".join(per_repo[c])])
        out += [TITLE + "TAG005 by reason class (details.reason with the names taken out)", "", tab(rows), ""]
        fns = collections.Counter()
        for r in done:
            fns.update(r.tag005_functions)
        if fns:
            out += ["  functions named by TAG005 reasons: "
                    + ", ".join(f"{k}() {v}" for k, v in fns.most_common()), ""]

    crash_rows = [["repository", "rule", "file:line", "address", "python-hcl2", "message"]]
    for r in done:
        for x in r.tc000:
            crash_rows.append([r.short_name(), "TC000", where(x), x["address"] or "-", "-", (x["message"] or "")[:220]])
        for x in r.tc001:
            hcl = {True: "rejects it too", False: "parses it", None: "?"}[x["hcl2_rejects"]]
            crash_rows.append([r.short_name(), "TC001", where(x), "-", hcl, (x["message"] or "")[:220]])
    out += [TITLE + "TC000 and TC001", ""]
    out += [tab(crash_rows) if len(crash_rows) > 1 else "  none", ""]

    bad = [[r.short_name(), n, str(x.rc), x.error or ""] for r in done for n, x in r.scans.items()
           if x.rc not in (0, 1) or x.timed_out]
    if bad:
        out += [TITLE + "Scans that crashed (exit status other than 0/1; the last line of their output)", "",
                tab([["repository", "scan", "exit", "error"]] + bad), ""]

    rejects = [[r.short_name(), p, f"{ty}: {m[:120]}"] for r in done for p, ty, m in r.parse_rejects]
    if rejects:
        out += [TITLE + "Files python-hcl2 rejects (bare parse)", "", tab([["repository", "file", "error"]] + rejects), ""]

    internal = collections.Counter()
    example_at: dict[str, str] = {}
    for r in done:
        for k, n in r.internal.items():
            internal[k] += n
            example_at.setdefault(k, f"{r.short_name()}: {r.internal_examples[k]}")
    out += [TITLE + "Internal-error-looking reason texts", ""]
    if internal:
        out += [tab([["reason text", "findings", "one example"]]
                    + [[k[:160], str(n), example_at[k]] for k, n in internal.most_common()]), ""]
    else:
        out += ["  none", ""]

    diffs = [[r.short_name(), pair, json.dumps({k: v for k, v in d.items() if not k.startswith("examples")})]
             for r in done for pair, d in r.differences.items()]
    if diffs:
        out += [TITLE + "Findings that differ between the scans (examples in --json)", "",
                tab([["repository", "scans", "counts"]] + diffs), ""]

    ws = sorted({r.workspace for r in done if r.workspace})
    out += [TITLE + "Whole manifest", ""]
    out += [f"  repositories scanned: {t['repositories']}"
            + (f"; missing: {', '.join(t['missing'])}" if t["missing"] else ""),
            f"  cold --jobs 2 / bare parse: {fmt(t['cold_over_parse'])} ({s(t['cold_s'])} s / {s(t['parse_s'])} s; "
            f"--no-cache --jobs 2 / bare parse {fmt(t['nocache_over_parse'])}; cold / hcl2.parses_to_tree "
            f"{fmt(t['cold_over_tree'])}, {s(t['tree_s'])} s)",
            f"  warm / cold: {fmt(t['warm_over_cold'], 3)} ({s(t['warm_s'])} s / {s(t['cold_s'])} s)",
            f"  max peak memory: {t['peak_mb'] or 0:.0f} MB ({t['peak_repo']}, {t['peak_scan']}); largest repository "
            f"{t['largest_repo']}: {t['largest_peak_mb'] or 0:.0f} MB",
            f"  exit 3: {len(t['exit3_runs'])} scan(s)" + (f" ({', '.join(t['exit3_runs'])})" if t["exit3_runs"] else "")
            + (f"; other exits: {', '.join(t['other_bad_exits'])}" if t["other_bad_exits"] else ""),
            f"  TC000: {t['tc000']}",
            f"  TC001: {t['tc001']} ({t['tc001_hcl2_parses']} on files python-hcl2 parses; hcl2 rejects "
            f"{t['hcl2_rejects']} file(s))",
            f"  internal-error-looking reasons: {t['internal_reason_findings']} finding(s), "
            f"{t['internal_reason_texts']} distinct text(s)",
            f"  TAG001: {t['tag001']}   TAG005: {t['tag005']}   zero-instance blocks: {na(t['zero_instances'])}",
            "  cached and uncached findings identical: "
            + ("yes" if not t["not_identical"] else f"NOT in {', '.join(t['not_identical'])}")
            + (f"; not compared (a scan crashed): {', '.join(t['not_compared'])}" if t["not_compared"] else ""),
            f"  workspace reported: {', '.join(ws) if ws else 'n/a'}", ""]

    out += [TITLE + "Targets (issue #12)", ""]
    out += ["  " + x for x in targets(t)]
    notes = [f"{r.short_name()}: {n}" for r in results for n in r.notes]
    if notes:
        out += ["", TITLE + "Notes"] + ["  " + n for n in notes]
    if markdown:  # titles in bold, indented lines as a list
        out = [f"**{x[1:]}**" if x.startswith(TITLE) else "- " + x[2:] if x.startswith("  ") else x for x in out]
    else:
        out = [x.lstrip(TITLE) for x in out]
    return "\n".join(out)


def same_cell(r: RepoResult, markdown: bool) -> str:
    if r.identical is not None:
        return "yes" if r.identical else ("**no**" if markdown else "NO")
    missing = [n for n in SCANS if not (r.scans.get(n) and r.scans[n].has_output)]
    known = [f"{p.replace('~', ' = ')}: {'yes' if v else 'NO'}" for p, v in r.pairs.items() if v is not None]
    return f"n/a ({', '.join(missing)} crashed{'; ' + ', '.join(known) if known else ''})"


def where(x: dict) -> str:
    return f"{x['file']}:{x['line']}" if x.get("line") is not None else f"{x['file']}"


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}×"


def targets(t: dict) -> list[str]:
    def count(n: int) -> str:
        return "met (0)" if n == 0 else f"MISSED ({n})"
    lines = [
        ("0 exit 3 across the manifest", count(len(t["exit3_runs"]))),
        ("0 TC000 across the manifest", count(t["tc000"])),
        ("TC001 only on files python-hcl2 rejects", count(t["tc001_hcl2_parses"])
         + " (whether a rejected file is really invalid Terraform: read the TC001 list)"),
        ("identical findings cached and uncached",
         "met" if not t["not_identical"] and not t["not_compared"] else
         f"MISSED ({len(t['not_identical'])} repositories differ, {len(t['not_compared'])} not compared)"),
        ("no reason text that is an internal error", count(t["internal_reason_findings"])),
        ("cold --jobs 2 ≤ 1.0 × bare parse, whole manifest", verdict(t["cold_over_parse"], 1.0, "×")),
        ("warm ≤ 0.1 × cold, whole manifest", verdict(t["warm_over_cold"], 0.1, "×")),
        ("peak memory ≤ 500 MB, largest repository", verdict(t["largest_peak_mb"], 500, " MB")),
        ("no TAG001 on tags only from an unset caller input", "not measured here (see the TAG001 counts)"),
    ]
    width = max(len(a) for a, _ in lines) + 1
    return [f"{a + ':':<{width}} {b}" for a, b in lines
    ]


def describe_tagcheck(env: dict) -> tuple[str, Path | None]:
    probe = subprocess.run([sys.executable, "-c", "import os, tagcheck, hcl2; "
                            "print(os.path.dirname(tagcheck.__file__)); print(tagcheck.__version__)"],
                           capture_output=True, text=True, env=env)
    if probe.returncode:
        return "tagcheck not importable: " + (probe.stderr.strip().splitlines() or ["?"])[-1], None
    pkg, version = probe.stdout.split("\n")[:2]
    text = f"tagcheck {version} from {pkg}"
    try:  # read-only git queries: which tagcheck was measured
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=pkg, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=pkg, capture_output=True,
                               text=True).stdout.strip()
        if head:
            text += f" (commit {head}{', + uncommitted changes' if dirty else ''})"
    except OSError:
        pass
    return text, Path(pkg)


def machine() -> str:
    cpu, mem = "?", "?"
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
        mem = next(f"{int(ln.split()[1]) / 1024 / 1024:.1f} GiB" for ln in open("/proc/meminfo")
                   if ln.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    import importlib.metadata as md
    versions = []
    for dist in ("python-hcl2", "lark"):
        try:
            versions.append(f"{dist} {md.version(dist)}")
        except md.PackageNotFoundError:
            versions.append(f"{dist} ?")
    return (f"{_dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {os.cpu_count()} CPUs ({cpu}) · {mem} · "
            f"Python {platform.python_version()} · " + " · ".join(versions))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path, help="the extracted repositories, as DIR/OWNER__NAME")
    ap.add_argument("--manifest", type=Path, default=MANIFEST, help=f"default: {MANIFEST.relative_to(REPO)}")
    ap.add_argument("--only", default="", metavar="NAMES",
                    help="comma-separated repositories to run (OWNER/NAME, OWNER__NAME or NAME; a substring is enough)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the raw numbers as JSON")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown (for RESULTS.md)")
    ap.add_argument("--parse-jobs", type=int, choices=(1, 2), default=1,
                    help="processes for the bare python-hcl2 parse (default 1)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before one run is killed (default 3600)")
    ap.add_argument("--logs", type=Path, help="keep the output of every run here (default: a temporary directory)")
    args = ap.parse_args(argv)

    entries = read_manifest(args.manifest)
    if args.only:
        wanted = [w.strip().lower() for w in args.only.split(",") if w.strip()]
        entries = [e for e in entries if any(w in e.repo.lower() or w in e.dirname.lower() for w in wanted)]
        if not entries:
            ap.error(f"--only {args.only}: no repository of {args.manifest} matches")
    if not args.dir.is_dir():
        ap.error(f"{args.dir} is not a directory")

    # Like run_bench.py: measure tagcheck as an install runs it, with its bytecode compiled.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    env = dict(os.environ)
    described, pkg = describe_tagcheck(env)
    if pkg is None:
        ap.error(f"run this with the Python of tagcheck's venv ({described})")
    import compileall
    compileall.compile_dir(str(pkg), quiet=1)

    header = [f"tagcheck real-world harness — {machine()}", described,
              f"python: {sys.executable}" + (f" · PYTHONPATH={env['PYTHONPATH']}" if env.get("PYTHONPATH") else ""),
              f"hcl2 grammar cache: {grammar_cache_note()}",
              f"bare parse: hcl2.loads (the ratio's denominator) and hcl2.parses_to_tree, each in {args.parse_jobs} "
              f"process{'es' if args.parse_jobs > 1 else ''}; scans: --jobs 2; corpus: {args.dir} ({args.manifest.name}, {len(entries)} repositories)"]
    print("\n".join(header), flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="tagcheck-realworld-"))
    logs = args.logs or tmp / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    policy = tmp / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    load_start = _loadavg()
    results: list[RepoResult] = []
    try:
        for e in entries:
            root = args.dir / e.dirname
            if not root.is_dir():
                print(f"\n== {e.repo}: MISSING {root}\n"
                      + EXTRACT_HELP.format(dest=root).replace("`github:OWNER/NAME`", f"`github:{e.repo}`")
                      .replace("COMMIT", e.commit), flush=True)
                results.append(RepoResult(e.repo, e.commit, present=False, manifest_tf_files=e.tf_files))
                continue
            print(f"\n== {e.repo} @ {e.commit[:10]}: {e.tf_files} .tf files, {e.tf_bytes / 1e6:.1f} MB", flush=True)
            results.append(run_repo(e, root, policy, tmp, logs, args))
    finally:  # the logs too, unless --logs put them elsewhere
        shutil.rmtree(tmp, ignore_errors=True)
    load_end = _loadavg()
    t = totals(results)
    header.append(f"load average (1 min) at start / end: {load_start:.1f} / {load_end:.1f} on {os.cpu_count()} CPUs "
                  "(other users of the machine make the absolute times drift)")
    print()
    text = render(results, t, args.markdown, header)
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"header": header, "totals": t,
                                         "repositories": [asdict(r) for r in results]}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
