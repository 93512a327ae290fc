#!/usr/bin/env python3
"""Write the rule documentation pages: ``docs/rules/<RULE>.md`` for every rule and
``docs/rules/README.md``, the index, from the rule catalogue (``tagcheck.rules``) through
``tagcheck.report.rule_docs`` — the same text SARIF carries as each rule's ``help``.

Pages of rules that no longer exist are deleted. ``tests/report/test_rule_docs.py`` fails
when the committed pages differ from what this writes, so after changing a rule's text run::

    .venv/bin/python tools/gen_rule_docs.py [--output DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tagcheck.report import rule_docs  # noqa: E402
from tagcheck.rules import ALL_RULES  # noqa: E402

PAGE_NAME = re.compile(r"^[A-Z]{2,4}[0-9]{3}\.md$")  # what a rule's page is called (policy schema's rule ids)


def pages() -> dict[str, str]:
    """File name → text, for every page this writes."""
    out = {f"{rule.id}.md": rule_docs.page(rule) for rule in ALL_RULES}
    out["README.md"] = rule_docs.index(ALL_RULES)
    return out


def stale(directory: Path) -> list[Path]:
    """Rule pages in ``directory`` of rules that no longer exist."""
    wanted = pages()
    return sorted(p for p in directory.glob("*.md") if PAGE_NAME.match(p.name) and p.name not in wanted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "rules", help="directory (default: docs/rules)")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    for path in stale(args.output):
        path.unlink()
        print(f"deleted {path}")
    written = 0
    for name, text in pages().items():
        path = args.output / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            written += 1
    print(f"{written} of {len(pages())} pages written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
