"""Baselines: adopt tagcheck on a legacy repository without a wall of old findings.

``--write-baseline FILE`` records the fingerprints of the current findings (rule, resource
address, key — never the line, so editing above a resource does not resurrect it);
``--baseline FILE`` hides findings whose fingerprint is recorded and lists the recorded
ones that no longer occur, so the baseline can shrink.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from tagcheck import __version__
from tagcheck.model import Finding

FORMAT = "tagcheck-baseline"


class BaselineError(Exception):
    pass


@dataclass(frozen=True)
class Baseline:
    fingerprints: frozenset[str]

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{path}: baseline file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{path}: cannot read baseline: {exc}") from None
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{path}:{exc.lineno}: baseline is not valid JSON: {exc.msg}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("findings"), list):
            raise BaselineError(f"{path}: not a tagcheck baseline (write one with --write-baseline)")
        prints = set()
        for entry in doc["findings"]:
            if isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str):
                prints.add(entry["fingerprint"])
        return cls(frozenset(prints))


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    entries = {}
    for f in findings:
        entries[f.fingerprint()] = {"fingerprint": f.fingerprint(), "rule": f.rule,
                                    "resource": f.resource.address if f.resource else None, "key": f.key,
                                    "message": f.message}
    doc = {"format": FORMAT, "version": 1, "tool": {"name": "tagcheck", "version": __version__},
           "findings": [entries[k] for k in sorted(entries)]}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)
