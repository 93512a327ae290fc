"""``--diff-base REF``: keep only the resources a change touches.

A resource counts as changed when a changed line falls inside its own block, or when a
change touches anything else in a module directory it was evaluated through — locals,
variables, providers, a module call, tfvars — since that can change its effective tags
or cost. The change is ``git diff`` between the merge base of REF and HEAD and the
working tree, plus untracked files; deleted files mark their directory changed.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from tagcheck.sources.terraform.source import TerraformScan

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class DiffError(Exception):
    """git could not tell what changed (exit 2)."""


@dataclass
class Change:
    lines: dict[Path, list[tuple[int, int]]] = field(default_factory=dict)  # file → changed new-side ranges
    whole: set[Path] = field(default_factory=set)  # untracked, deleted or renamed files


def _git(cwd: Path, *args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise DiffError("git is not installed") from None
    if out.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {out.stderr.strip() or 'failed'}")
    return out.stdout


def git_changes(base_ref: str, cwd: Path) -> Change:
    top = Path(_git(cwd, "rev-parse", "--show-toplevel").strip())
    base = _git(cwd, "merge-base", base_ref, "HEAD").strip()
    change = Change()
    current: Path | None = None
    old = "/dev/null"
    for line in _git(top, "diff", "-U0", "--no-color", "--no-ext-diff", "--no-renames", base, "--").splitlines():
        if line.startswith("--- "):
            old, current = line[4:].strip(), None
        elif line.startswith("+++ "):
            new = line[4:].strip()
            if new != "/dev/null":
                current = (top / new[2:]).resolve()  # strip git's "b/"
            elif old != "/dev/null":
                change.whole.add((top / old[2:]).resolve())  # a deleted file
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or 1)
                change.lines.setdefault(current, []).append((start, start + max(count, 1) - 1))
    for name in _git(top, "ls-files", "--others", "--exclude-standard").splitlines():
        change.whole.add((top / name).resolve())
    return change


def _matters(path: Path) -> bool:
    """Files that can change what tagcheck evaluates (a README or a plan.json cannot)."""
    return path.name.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json"))


def changed_addresses(scan: TerraformScan, change: Change) -> set[str]:
    dirty_dirs = {p.parent for p in change.whole if _matters(p)}
    touched_blocks: set[tuple[Path, int]] = set()  # (file, first line of a resource block)
    for path, ranges in change.lines.items():
        module = scan.module(path.parent)
        if module is None or not _matters(path):
            continue
        if not (path.name.endswith(".tf") or path.name.endswith(".tf.json")):
            dirty_dirs.add(path.parent)  # tfvars
            continue
        parsed = next((f for f in module.files if f.path.resolve() == path), None)
        resource_blocks = [b for b in (parsed.blocks if parsed else []) if b.type == "resource"]
        for start, end in ranges:
            inside = [b for b in resource_blocks if b.line <= end and start <= b.end_line]
            if inside:
                touched_blocks.update((path, b.line) for b in inside)
            if not inside or any(start < b.line or end > b.end_line for b in inside):
                dirty_dirs.add(path.parent)
    changed = set()
    for resource in scan.resources:
        file = (scan.cwd / resource.location.file).resolve() if resource.location.file else None
        chain = scan.directory_chains.get(resource.address, ())
        if (file, resource.location.line) in touched_blocks or any(d in dirty_dirs for d in chain):
            changed.add(resource.address)
    return changed


def changed_files(change: Change) -> set[Path]:
    return set(change.lines) | change.whole


def extract_base_tree(base_ref: str, cwd: Path, target: Path) -> Path:
    """Write the merge base's tree into ``target`` (for the coverage before the change);
    returns the repository top level the scanned paths are relative to."""
    top = Path(_git(cwd, "rev-parse", "--show-toplevel").strip())
    base = _git(cwd, "merge-base", base_ref, "HEAD").strip()
    try:
        archive = subprocess.run(["git", "archive", "--format=tar", base], cwd=top, capture_output=True, check=True).stdout
    except subprocess.CalledProcessError as exc:
        raise DiffError(f"git archive {base}: {exc.stderr.decode(errors='replace').strip()}") from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return top.resolve()
