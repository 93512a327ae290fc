"""What a rule is: an id, its documentation, its defaults and a pure check function.

Rules are plain values collected in explicit tuples (``RULES`` in each family module);
nothing registers itself as an import side effect. A check is a function of one
resource and the run context returning :class:`Hit` objects; the engine turns hits into
findings with the rule's lever and the policy's severity for it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping

from tagcheck.model import Lever, Resource, Severity


@dataclass(frozen=True)
class Hit:
    """What a check found on one resource, before the engine makes it a finding."""

    message: str
    key: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    fix: str | None = None
    monthly_cost_usd: float | None = None
    monthly_saving_usd: float | None = None


@dataclass(frozen=True)
class RuleContext:
    policy: Any  # tagcheck.policy.Policy (rules only read it)
    today: datetime.date
    resources: tuple[Resource, ...] = ()
    costs: Any = None  # tagcheck.cost.estimate.CostModel for this run

    def options(self, rule_id: str) -> Mapping[str, Any]:
        return self.policy.rule_config(rule_id).options

    @cached_property
    def by_type(self) -> dict[str, list[Resource]]:
        """Resources by type, so a rule looking for companions does not scan the whole run."""
        grouped: dict[str, list[Resource]] = {}
        for resource in self.resources:
            grouped.setdefault(resource.type, []).append(resource)
        return grouped

    def environment(self, resource: Resource) -> str | None:
        """The resource's environment from its effective tags, when known."""
        if resource.tags is None:
            return None
        tag = resource.tags.values.get(self.policy.environment_tag)
        return tag.value if tag is not None and tag.known else None

    def is_non_production(self, resource: Resource) -> bool:
        env = self.environment(resource)
        return env is not None and env in self.policy.non_production

    def is_production(self, resource: Resource) -> bool:
        env = self.environment(resource)
        return env is not None and env in self.policy.production


Check = Callable[[Resource, RuleContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    lever: Lever
    summary: str
    docs: str  # markdown-ish text with an example, for `tagcheck explain`
    check: Check | None = None  # None: raised by the engine or a source (TC rules)
    options_schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}, "additionalProperties": False})
    # the only resource types the check can hit (None: any); the engine does not call it for
    # others — the check keeps its own test of the type, this only saves the call
    resource_types: frozenset[str] | None = None
