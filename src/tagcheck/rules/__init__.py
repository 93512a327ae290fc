"""All rules, by id. Families live in their own modules and are listed here explicitly."""

from __future__ import annotations

from tagcheck.rules import core, cost, governance, idle, tagging
from tagcheck.rules.registry import Hit, Rule, RuleContext

ALL_RULES: tuple[Rule, ...] = tuple(sorted(core.RULES + tagging.RULES + governance.RULES + cost.RULES + idle.RULES,
                                           key=lambda r: r.id))
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in ALL_RULES}


def rule_schemas() -> dict[str, dict]:
    """Rule id → JSON Schema of its options, for the policy validator."""
    return {r.id: dict(r.options_schema) for r in ALL_RULES}


__all__ = ["ALL_RULES", "RULES_BY_ID", "Hit", "Rule", "RuleContext", "rule_schemas"]
