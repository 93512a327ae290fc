"""Fuzz the Terraform path: mutated copies of the repository's own .tf files, scanned in-process.

Usage::

    python bench/fuzz_hcl.py --iterations 5000 --seconds 600 --seed 0

Every ``.tf`` / ``.tf.json`` file under ``tests/`` and ``examples/`` is a seed. Each
iteration takes one seed (chosen by a generator seeded with ``SEED:ITERATION``, so one
iteration can be replayed on its own with ``--only ITERATION``), copies the seed's
directory (its Terraform files, tfvars and sub-directories) to a temporary directory,
replaces the seed with a mutated version — byte flips, truncation, duplicated, deleted
or swapped lines, inserted braces/brackets/quotes/``${``/``%{``/heredoc markers, random
unicode (controls, astral characters, BOM, NUL), bad encodings (Latin-1, UTF-16, encoded
surrogates), deep nesting, splices of another seed, and — to get past the parser into the
evaluator — the value of an ``x = …`` line replaced by a random well-formed expression
(function calls with odd arguments, ``...`` expansion, for/splat/conditional/operators on
mismatched types) or by the value of a line of another seed — and runs ``tagcheck.sources.terraform.source.scan`` and ``engine.run`` on
it, as ``tagcheck scan`` would.

Outcomes, counted per iteration (the worst one wins):

``crash``   an exception escaped ``scan()`` or ``engine.run()``, a TC000 finding (a rule
            crashed), or the iteration ran over ``--timeout`` seconds;
``tc001``   a TC001 finding (file cannot be parsed / read) and no crash;
``finding`` other findings only;
``ok``      no finding at all.

Each distinct crash (by exception type and the innermost tagcheck frame) is saved once
to ``tests/fuzz/crashes/<signature>/`` — the mutated project plus ``crash.txt`` with the
traceback and how to replay it — where ``tests/fuzz/test_fuzz_regressions.py`` picks it
up as a regression test once the bug is fixed. ``--no-save`` keeps the tree clean.

This is a benchmark-style script (DESIGN.md §8): it prints numbers and exits 0 unless
``--fail-on-crash`` is given.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tagcheck import engine  # noqa: E402
from tagcheck.policy import load_policy  # noqa: E402
from tagcheck.sources.terraform.cache import ParseCache  # noqa: E402
from tagcheck.sources.terraform.source import scan  # noqa: E402

CRASH_DIR = ROOT / "tests" / "fuzz" / "crashes"
POLICY = ROOT / "tests" / "sources" / "terraform" / "cases" / "policy.yaml"
TODAY = datetime.date(2026, 11, 26)
COPY_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
MAX_COPY_FILES = 60

INSERTS = ["{", "}", "[", "]", "(", ")", '"', "'", "${", "%{", "}}", "$${", "\\", "\\u00", "<<EOF\n", "<<-EOT\n",
           "\nEOF\n", "=", "==", "?", ":", "...", "=>", "for", " for x in ", "#", "//", "/*", "*/", ",", ".", "*",
           "[*]", "null", "true", "-1e999", "99999999999999999999999999", "0x", "local.", "var.", "each.",
           "count.index", "module.", "merge(", "lookup(", "try(", "\n", "\r\n", "\t", " "]
UNICODE = ["\x00", "\x01", "\x1b[31m", "\x7f", "\u200b", "\u202e", "\ufeff", "\u00e9", "\u0301", "\u2028",
           "\U0001f600", "\uffff", "\ud7ff", "\u3000"]


def seeds(roots: list[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if "crashes" in path.parts or not path.is_file():
                continue
            if path.name.endswith(".tf") or path.name.endswith(".tf.json"):
                found.append(path)
    return found


# --- mutations ------------------------------------------------------------------------------

def _flip(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _lines_op(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    if not lines:
        return data
    i = rng.randrange(len(lines))
    op = rng.choice(["dup", "del", "swap", "repeat"])
    if op == "dup":
        lines.insert(i, lines[i])
    elif op == "del":
        del lines[i]
    elif op == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines[i:i + 1] = [lines[i]] * rng.randint(2, 20)
    return b"\n".join(lines)


def _insert(rng: random.Random, data: bytes) -> bytes:
    text = rng.choice(INSERTS if rng.random() < 0.75 else UNICODE)
    i = rng.randrange(len(data) + 1)
    return data[:i] + text.encode("utf-8", "surrogatepass") + data[i:]


def _nest(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice([10, 50, 150, 400, 1500])
    opener, closer = rng.choice([("(", ")"), ("[", "]"), ("{a = ", "}"), ("merge(", ")"), ("!", ""), ("-", ""),
                                 ("true ? 1 : ", ""), ('"${', '}"')])
    line = f"\nlocals {{\n  fuzz_{rng.randrange(1000)} = {opener * depth}1{closer * depth}\n}}\n"
    i = rng.randrange(len(data) + 1)
    while i < len(data) and data[i - 1:i] not in (b"", b"\n"):
        i += 1
    return data[:i] + line.encode() + data[i:]


def _splice(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    other = rng.choice(others)
    if not other:
        return data
    a = rng.randrange(len(other))
    b = min(len(other), a + rng.randint(1, 400))
    i = rng.randrange(len(data) + 1)
    return data[:i] + other[a:b] + data[i:]


def _bad_encoding(rng: random.Random, data: bytes) -> bytes:
    choice = rng.choice(["latin1", "bom", "utf16", "lone-surrogate", "cr"])
    if choice == "latin1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace") + b"\xe9"
    if choice == "bom":
        return b"\xef\xbb\xbf" + data
    if choice == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if choice == "lone-surrogate":
        i = rng.randrange(len(data) + 1)
        return data[:i] + b"\xed\xa0\x80" + data[i:]
    return data.replace(b"\n", b"\r")


_ASSIGN = re.compile(rb"^(\s*[\w\"-]+\s*=\s*)(.+)$", re.M)
_FUNCS = ["merge", "lookup", "coalesce", "coalescelist", "concat", "tomap", "tolist", "toset", "length", "keys",
          "values", "lower", "upper", "title", "trimspace", "trim", "trimprefix", "trimsuffix", "replace", "substr",
          "join", "split", "format", "tostring", "tonumber", "tobool", "contains", "flatten", "distinct", "compact",
          "zipmap", "element", "min", "max", "abs", "ceil", "floor", "try", "can", "file", "jsonencode", "nope",
          "provider::aws::arn_parse"]
_ATOMS = ['"a"', '""', '"${var.x}"', '"%{ if true }x%{ endif }"', "0", "-1", "1.5", "1e308", "true", "false", "null",
          "var.tags", "var.x", "local.tags", "local.a", "each.key", "each.value", "count.index", "data.x.y.z",
          "aws_s3_bucket.b.id", "module.m.out", "path.module", "terraform.workspace", "{}", "[]", "x"]

_KEYS = ["a", "team", '"cost-center"', "(var.k)", '"${var.k}"', "1"]
_TRAVERSALS = ["[0]", '["a"]', ".a", "[*].a", ".*.b", "[var.i]", "[-1]"]


def random_expr(rng: random.Random, depth: int = 0) -> str:
    """A random (mostly well-formed) HCL expression: the evaluator's side of the fuzzing."""
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(_ATOMS)
    form = rng.randrange(9)
    sub = lambda: random_expr(rng, depth + 1)  # noqa: E731
    if form == 0:
        return f"{rng.choice(_FUNCS)}({', '.join(sub() for _ in range(rng.randrange(4)))}{'...' if rng.random() < 0.1 else ''})"
    if form == 1:
        return "{" + ", ".join(f"{rng.choice(_KEYS)} = {sub()}" for _ in range(rng.randrange(4))) + "}"
    if form == 2:
        return "[" + ", ".join(sub() for _ in range(rng.randrange(4))) + "]"
    if form == 3:
        return f"{sub()} ? {sub()} : {sub()}"
    if form == 4:
        return f"{sub()} {rng.choice(['+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||'])} {sub()}"
    if form == 5:
        return f"{rng.choice(['!', '-'])}{sub()}"
    if form == 6:
        if rng.random() < 0.5:
            return f"[for k, v in {sub()} : {sub()} if {sub()}]"
        return f"{{for k, v in {sub()} : k => {sub()}{'...' if rng.random() < 0.2 else ''}}}"
    if form == 7:
        return f"{sub()}{rng.choice(_TRAVERSALS)}"
    return f'"pre-${{{sub()}}}-post"'


def _expression(rng: random.Random, data: bytes) -> bytes:
    matches = list(_ASSIGN.finditer(data))
    if not matches:
        return data
    m = rng.choice(matches)
    return data[:m.start(2)] + random_expr(rng).encode() + data[m.end(2):]


def _swap_values(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    matches = list(_ASSIGN.finditer(data))
    donors = list(_ASSIGN.finditer(rng.choice(others)))
    if not matches or not donors:
        return data
    m, d = rng.choice(matches), rng.choice(donors)
    return data[:m.start(2)] + d.group(2) + data[m.end(2):]


def mutate(rng: random.Random, data: bytes, others: list[bytes]) -> tuple[bytes, list[str]]:
    ops = []
    for _ in range(rng.choice([1, 1, 2, 2, 3, 5])):
        name = rng.choices(["flip", "truncate", "lines", "insert", "nest", "splice", "encoding", "expr", "swap"],
                           weights=[10, 4, 12, 14, 3, 6, 3, 35, 13])[0]
        if name == "expr":
            data = _expression(rng, data)
            ops.append(name)
            continue
        if name == "swap":
            data = _swap_values(rng, data, others)
            ops.append(name)
            continue
        if name == "flip":
            data = _flip(rng, data)
        elif name == "truncate":
            data = _truncate(rng, data)
        elif name == "lines":
            data = _lines_op(rng, data)
        elif name == "insert":
            data = _insert(rng, data)
        elif name == "nest":
            data = _nest(rng, data)
        elif name == "splice":
            data = _splice(rng, data, others)
        else:
            data = _bad_encoding(rng, data)
        ops.append(name)
    return data, ops


# --- one iteration --------------------------------------------------------------------------

class Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise Timeout("iteration ran over the time limit")


def copy_project(seed: Path, target: Path) -> Path:
    """The seed's directory (Terraform files, sub-directories) in ``target``; returns the seed's copy."""
    source_dir = seed.parent
    files = [p for p in source_dir.rglob("*") if p.is_file() and p.name.endswith(COPY_SUFFIXES)
             and "crashes" not in p.parts]
    if len(files) > MAX_COPY_FILES:
        files = [p for p in source_dir.iterdir() if p.is_file() and p.name.endswith(COPY_SUFFIXES)]
    for path in files:
        dest = target / path.relative_to(source_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    return target / seed.name


def run_project(directory: Path, policy) -> tuple[str, str | None]:
    """→ (outcome, traceback text or None)."""
    try:
        scanned = scan([directory], cwd=directory, cache=ParseCache(None), jobs=1)
        result = engine.run(scanned.resources, scanned.problems, policy, today=TODAY)
    except Timeout:
        return "crash", "Timeout: iteration ran over the time limit\n" + traceback.format_exc()
    except BaseException as exc:  # noqa: BLE001 - anything escaping is what we look for
        if isinstance(exc, KeyboardInterrupt):
            raise
        return "crash", traceback.format_exc()
    rules = {f.rule for f in result.findings}
    if "TC000" in rules:
        crashes = [f.message for f in result.findings if f.rule == "TC000"]
        return "crash", "TC000: " + "\n".join(crashes)
    if "TC001" in rules:
        return "tc001", None
    return ("finding" if rules else "ok"), None


def signature(trace: str) -> str:
    """Exception type + innermost tagcheck frame: one saved reproducer per distinct bug."""
    lines = trace.strip().splitlines()
    last = lines[-1].split(":")[0] if lines else "?"
    frames = [ln.strip() for ln in lines if ln.strip().startswith("File ") and "tagcheck" in ln]
    where = frames[-1] if frames else (lines[0] if lines else "")
    if trace.startswith("TC000"):
        where = trace.split(" on ")[0] + trace.split("(at ")[-1].split(";")[0] if "(at " in trace else trace[:80]
    return hashlib.sha1(f"{last}|{where}".encode()).hexdigest()[:12]


def save_crash(directory: Path, trace: str, seed: Path, seed_value: str, iteration: int, ops: list[str]) -> Path:
    sig = signature(trace)
    target = CRASH_DIR / sig
    if target.exists():
        return target
    shutil.copytree(directory, target)
    (target / "crash.txt").write_text(
        f"seed file: {seed.relative_to(ROOT)}\nreplay: python bench/fuzz_hcl.py --seed {seed_value} --only {iteration}\n"
        f"mutations: {', '.join(ops)}\n\n{trace}", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iterations", type=int, default=1000, help="at most this many iterations (default 1000)")
    ap.add_argument("--seconds", type=float, default=0, help="stop after this many seconds (0: no limit)")
    ap.add_argument("--seed", default="0", help="generator seed (default 0): same seed, same inputs")
    ap.add_argument("--only", type=int, help="replay this one iteration and print its outcome")
    ap.add_argument("--timeout", type=int, default=20, help="seconds one iteration may take (default 20)")
    ap.add_argument("--no-save", action="store_true", help="do not write reproducers to tests/fuzz/crashes/")
    ap.add_argument("--fail-on-crash", action="store_true", help="exit 1 when a crash was seen")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every crash's traceback")
    args = ap.parse_args(argv)

    seed_files = seeds([ROOT / "tests", ROOT / "examples"])
    seed_bytes = [p.read_bytes() for p in seed_files]
    policy = load_policy(POLICY)
    counts: Counter = Counter()
    crash_sigs: Counter = Counter()
    saved: set[Path] = set()
    started = time.monotonic()
    signal.signal(signal.SIGALRM, _alarm)
    iterations = [args.only] if args.only is not None else range(args.iterations)
    done = 0
    for iteration in iterations:
        if args.seconds and time.monotonic() - started > args.seconds:
            break
        rng = random.Random(f"{args.seed}:{iteration}")
        index = rng.randrange(len(seed_files))
        data, ops = mutate(rng, seed_bytes[index], seed_bytes)
        with tempfile.TemporaryDirectory(prefix="tagcheck-fuzz-") as tmp:
            project = Path(tmp) / "project"
            project.mkdir()
            copy = copy_project(seed_files[index], project)
            copy.write_bytes(data)
            signal.alarm(args.timeout)
            try:
                outcome, trace = run_project(project, policy)
            finally:
                signal.alarm(0)
            counts[outcome] += 1
            done += 1
            if outcome == "crash":
                crash_sigs[signature(trace)] += 1
                if args.verbose or args.only is not None:
                    print(f"--- crash at iteration {iteration} ({seed_files[index].relative_to(ROOT)}; {', '.join(ops)})")
                    print(trace)
                if not args.no_save:
                    saved.add(save_crash(project, trace, seed_files[index], args.seed, iteration, ops))
            elif args.only is not None:
                print(f"iteration {iteration}: {outcome} ({seed_files[index].relative_to(ROOT)}; {', '.join(ops)})")
    elapsed = time.monotonic() - started
    print(f"fuzz_hcl: seed {args.seed}, {len(seed_files)} seed files, {done} iterations in {elapsed:.1f} s "
          f"({done / elapsed if elapsed else 0:.1f}/s)")
    for outcome in ("ok", "tc001", "finding", "crash"):
        share = 100.0 * counts[outcome] / done if done else 0.0
        print(f"  {outcome:<8} {counts[outcome]:>7}  {share:5.1f} %")
    if crash_sigs:
        print(f"  distinct crashes: {len(crash_sigs)}")
        for sig, n in crash_sigs.most_common():
            print(f"    {sig}  x{n}")
    for path in sorted(saved):
        print(f"  saved {path.relative_to(ROOT)}")
    return 1 if args.fail_on_crash and counts["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())
