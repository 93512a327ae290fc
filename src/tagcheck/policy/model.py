"""The loaded policy: plain frozen data the rules and the engine read."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping


@dataclass(frozen=True)
class AllowedValues:
    """The values a tag may take: an explicit list, a regex (full match), or both (either passes)."""

    values: tuple[str, ...] | None = None
    pattern: str | None = None

    def permits(self, value: str) -> bool:
        if self.values is None and self.pattern is None:
            return True
        if self.values is not None and value in self.values:
            return True
        # re keeps its own cache of compiled patterns, so this stays cheap per call.
        return self.pattern is not None and re.fullmatch(self.pattern, value) is not None

    def describe(self) -> str:
        parts = []
        if self.values is not None:
            parts.append("one of " + ", ".join(self.values))
        if self.pattern is not None:
            parts.append(f"matching {self.pattern}")
        return " or ".join(parts) or "any value"


@dataclass(frozen=True)
class RuleConfig:
    """What the policy says about one rule; ``options`` is everything but enabled/severity."""

    enabled: bool = True
    severity: str | None = None  # "error" | "warning" | "info"; None: the rule's default
    options: Mapping[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1024)
def wildcard_regex(glob: str) -> re.Pattern[str]:
    """``*`` and ``?`` are wildcards; everything else is literal.

    Unlike fnmatch, ``[`` and ``]`` are literal: Terraform addresses such as
    ``aws_instance.web["b"]`` are full of brackets, and a character class would
    silently stop them matching themselves.
    """
    pieces = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in glob)
    return re.compile("".join(pieces), re.DOTALL)


@dataclass(frozen=True)
class IgnoreEntry:
    """One ``ignore:`` entry: skip findings of ``rule`` on resources matching ``resource``."""

    rule: str
    resource: str
    reason: str
    expires: datetime.date | None
    file: str
    line: int

    def matches(self, rule_id: str, address: str) -> bool:
        return bool(
            wildcard_regex(self.rule).fullmatch(rule_id) and wildcard_regex(self.resource).fullmatch(address)
        )

    def expired(self, today: datetime.date) -> bool:
        # The entry still holds on its expiry date and lapses the day after.
        return self.expires is not None and today > self.expires


@dataclass(frozen=True)
class Governance:
    """The ``governance:`` section, typed; every default lives here.

    ``governance.non_production`` is flattened into ``max_instance_size`` and
    ``schedule_tag`` (one class per section keeps import time down).
    """

    # governance.regions: where resources may live; empty: anywhere (GOV101 is silent).
    regions: tuple[str, ...] = ()
    # governance.allowed_instance_families: environment -> families allowed there (GOV102);
    # an environment not listed allows every family.
    allowed_instance_families: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # governance.prohibited_types: environment -> Terraform resource types not allowed there (GOV103).
    prohibited_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # governance.non_production.max_instance_size: the largest size outside production;
    # None: no cap (COST201 is silent).
    max_instance_size: str | None = None
    # governance.non_production.schedule_tag: the tag that is evidence of an off-hours
    # schedule. None: no tag counts as evidence (COST202 looks only at ASG schedules,
    # COST211 is silent) -- deliberately not "schedule", see DEFAULT_SCHEDULE_TAG.
    schedule_tag: str | None = None

    # The tag COST202's advice names when the policy names none (the rule's former
    # ``or "schedule"`` fallback). Advice only: it never makes a tag count as evidence.
    DEFAULT_SCHEDULE_TAG = "schedule"

    @property
    def suggested_schedule_tag(self) -> str:
        """The tag to tell the user to add: the policy's ``schedule_tag``, else ``schedule``."""
        return self.schedule_tag or self.DEFAULT_SCHEDULE_TAG


@dataclass(frozen=True)
class CostSettings:
    """The ``cost:`` section, typed; every default lives here."""

    # cost.prices: negotiated rates over the shipped catalogue -- a mapping in the
    # catalogue's shape, or a path (YAML/JSON) resolved against the policy file's directory
    # (see engine.pricebook_for). None (or empty): the shipped catalogue as is.
    prices: str | Mapping[str, Any] | None = None
    # cost.spot_discount: instance family (or "default") -> fraction spot saves; empty: the
    # catalogue's own.
    spot_discount: Mapping[str, float] = field(default_factory=dict)
    # cost.usage: quantities the code cannot show (cost/usage.py) -- a usage file's path,
    # relative to the policy file, or the mapping itself; None: no usage-based charges.
    usage: str | Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Policy:
    """A validated policy with every ``extends`` merged in.

    ``governance`` (:class:`Governance`) and ``cost`` (:class:`CostSettings`) are the
    typed sections, built once by the loader with their defaults; the sections as written
    are not kept, so no reader can bypass the defaults.
    ``files`` lists every file merged into this policy, bases first, the shipped ones
    included (a cache key for "did the policy change").
    """

    source: str | None
    required: tuple[str, ...] = ()
    allowed: Mapping[str, AllowedValues] = field(default_factory=dict)
    key_case: str | None = None
    environment_tag: str = "environment"
    non_production: tuple[str, ...] = ()
    production: tuple[str, ...] = ("prod", "production")
    governance: Governance = Governance()
    rules: Mapping[str, RuleConfig] = field(default_factory=dict)
    ignores: tuple[IgnoreEntry, ...] = ()
    cost: CostSettings = CostSettings()
    files: tuple[str, ...] = ()

    def rule_config(self, rule_id: str) -> RuleConfig:
        return self.rules.get(rule_id) or RuleConfig()

    def is_non_production(self, environment: str | None) -> bool:
        return environment is not None and environment in self.non_production

    def is_production(self, environment: str | None) -> bool:
        return environment is not None and environment in self.production
