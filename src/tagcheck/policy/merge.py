"""How a policy combines with the policies it ``extends``.

- Mappings merge deep; on the same key the extending file wins.
- ``tags.required`` is the ordered union, base keys first: extending a policy can add
  required keys, never drop them.
- Each entry of ``tags.allowed`` is replaced whole (a list never mixes with a pattern).
- Any other list (allowed values, regions, non_production ...) is replaced by the child's.
- ``ignore`` entries concatenate, base first; an entry reached twice (two bases
  extending the same file) is kept once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import IgnoreEntry
from .yamldoc import KeyPath

UNION_LISTS: frozenset[KeyPath] = frozenset({("tags", "required")})
REPLACED_WHOLE_UNDER: frozenset[KeyPath] = frozenset({("tags", "allowed")})


@dataclass(frozen=True)
class PolicyLayer:
    """One file's contribution (or several files merged): settings, ignores, file names."""

    settings: dict[str, Any]  # the validated mapping without version/extends/ignore
    ignores: tuple[IgnoreEntry, ...] = ()
    files: tuple[str, ...] = ()


EMPTY_LAYER = PolicyLayer({})


def merge_layers(base: PolicyLayer, child: PolicyLayer) -> PolicyLayer:
    return PolicyLayer(
        settings=merge_settings(base.settings, child.settings),
        ignores=base.ignores + tuple(e for e in child.ignores if e not in base.ignores),
        files=base.files + tuple(f for f in child.files if f not in base.files),
    )


def merge_settings(base: dict[str, Any], child: dict[str, Any], path: KeyPath = ()) -> dict[str, Any]:
    result = dict(base)
    for key, value in child.items():
        here = (*path, key)
        old = result.get(key)
        if here in UNION_LISTS and isinstance(old, list) and isinstance(value, list):
            result[key] = old + [item for item in value if item not in old]
        elif isinstance(old, dict) and isinstance(value, dict) and path not in REPLACED_WHOLE_UNDER:
            result[key] = merge_settings(old, value, here)
        else:
            result[key] = value
    return result
