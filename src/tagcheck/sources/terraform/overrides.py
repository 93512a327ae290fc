"""Terraform's override files (``override.tf``, ``*_override.tf``, and their ``.tf.json``).

A module directory's override files are merged, in lexical order, after every primary file
has been read (loader.py): each block merges into the primary block with the same address —
its arguments replace the original's, and its nested blocks of a type replace all the
original's blocks of that type; ``locals`` override one by one. An override block with no
original to merge into is TC001, as Terraform rejects it.
"""

from __future__ import annotations

from pathlib import Path

from tagcheck.model import Location, SourceProblem
from tagcheck.sources.terraform.moduledir import ModuleDir, ParsedFile


def is_override(path: Path) -> bool:
    stem = path.name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def merge_override(mod: ModuleDir, override: ParsedFile, shown: str) -> None:
    """Merge one override file into the module's primary blocks (``shown``: its path as
    findings show it)."""
    primary = {}
    for parsed in mod.files:
        for block in parsed.blocks:
            primary.setdefault(_override_key(block), block)
    for block in override.blocks:
        if block.type == "locals":
            for name, attr in block.attrs.items():
                target = next((b for _, b in mod.blocks("locals") if name in b.attrs), None)
                if target is not None:
                    target.attrs[name] = attr
            continue
        target = primary.get(_override_key(block))
        if target is None:
            mod.problems.append(SourceProblem(
                "TC001", f"override for {block.type} {' '.join(block.labels)} has no original block to merge into",
                Location(shown, block.line, block.end_line)))
            continue
        target.attrs.update(block.attrs)
        replaced = {b.type for b in block.blocks}
        target.blocks = [b for b in target.blocks if b.type not in replaced] + list(block.blocks)


def _override_key(block) -> tuple:
    """The address an override block merges into (a provider's includes its alias)."""
    if block.type == "provider":
        alias = block.attrs.get("alias", (("lit", None), 0))[0]
        return (block.type, block.labels, alias[1] if alias[0] == "lit" else None)
    return (block.type, block.labels)
