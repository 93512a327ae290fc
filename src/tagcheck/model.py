"""The plain data every stage of tagcheck passes along.

Sources produce :class:`Resource` objects, the engine turns them into :class:`Finding`
objects, reporters render a :class:`RunResult`. Nothing here imports tagcheck or a
third-party package, so every other module can depend on it and nothing else. The
classes have ``__slots__``: a monorepo scan holds a hundred thousand resources, each with
its tags, and an instance without a ``__dict__`` is about half the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 1, "warning": 2, "error": 3}[self.value]


# --fail-on: the lowest severity that makes the exit status 1, or never (DESIGN.md §3)
FAIL_ON = ("error", "warning", "info", "never")


class Lever(str, Enum):
    """The FinOps lever a finding pulls (DESIGN.md §3)."""

    TAGGING = "tagging"
    GOVERNANCE = "governance"
    RIGHTSIZING = "rightsizing"
    SCHEDULING = "scheduling"
    STORAGE = "storage"
    PURCHASING = "purchasing"
    IDLE = "idle"
    # not a FinOps lever: TC rules, about what tagcheck itself could not read or evaluate
    COVERAGE = "coverage"


class Origin(str, Enum):
    HCL = "hcl"
    PLAN = "plan"
    AWS = "aws"


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known without running Terraform (or the account).

    ``reason`` says, for people, what could not be resolved, e.g. ``var.tags`` or
    ``data.aws_caller_identity.current.account_id``. ``ref`` is for rules: the full address
    of the resource (or data source) the value was read from, e.g.
    ``module.app.aws_launch_template.api``, so a rule can follow
    ``launch_template { id = aws_launch_template.api.id }`` without parsing text. It is
    kept through functions that pass an unknown argument on (``lower(…)``), and is not part
    of equality: two unknowns are the same when they say the same thing.
    """

    reason: str
    ref: str | None = field(default=None, compare=False)

    def __bool__(self) -> bool:  # an unknown is never silently truthy
        return False


# --- reading attributes, whatever the source --------------------------------------------
# Attributes are plain data in every source, with one difference that cannot be normalised
# away without the provider's schema: a nested block (``root_block_device``,
# ``launch_template``) is a list of mappings from HCL and plans, but may be a single
# mapping in .tf.json, a plan's single-nested block or a live collector — and a mapping is
# also what a map argument (``tags``) is. So the model's contract is "a block is one
# mapping or a list of them", and rules read blocks through these two functions.

def first_block(value: Any) -> Mapping[str, Any] | None:
    """The first (usually only) block of a nested-block attribute, or None."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    if isinstance(value, dict):
        return value
    return None


def blocks(value: Any) -> list[Mapping[str, Any]]:
    """Every block of a nested-block attribute (``rule``, ``transition``)."""
    if isinstance(value, list):
        return [b for b in value if isinstance(b, dict)]
    return [value] if isinstance(value, dict) else []


def referenced_address(value: Any) -> str | None:
    """The full address of the resource a reference like ``aws_launch_template.api.id``
    points at (the source records it as ``Unknown.ref``), else None."""
    return value.ref if isinstance(value, Unknown) else None


@dataclass(frozen=True, slots=True)
class Location:
    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    column: int | None = None
    arn: str | None = None  # live resources are located by ARN

    def sort_key(self) -> tuple:
        return (self.file or self.arn or "", self.line or 0)


class TagSource(str, Enum):
    """Where an effective tag came from."""

    RESOURCE = "resource"  # the resource's own tags / tag blocks
    DEFAULT_TAGS = "default_tags"  # provider default_tags
    PROPAGATED = "propagated"  # e.g. ASG tag {} with propagate_at_launch
    ACCOUNT = "account"  # read from a live resource


@dataclass(frozen=True, slots=True)
class TagValue:
    """One tag of a resource: a known string, or an unknown value with its reason."""

    value: str | None
    source: TagSource = TagSource.RESOURCE
    unknown_reason: str | None = None

    @property
    def known(self) -> bool:
        return self.unknown_reason is None


@dataclass(frozen=True, slots=True)
class TagSet:
    """The tags Terraform (or the account) will put on a resource.

    ``complete`` is False when further keys may exist that could not be evaluated
    (e.g. ``merge(var.tags, {...})`` with ``var.tags`` unknown); ``unknown_reason`` says
    why. Keys in ``values`` are certain to be present even then.

    ``hidden_keys``/``hidden_prefixes`` come from provider ``ignore_tags``: Terraform
    neither sets nor reports them, so a required key among them is a finding of its own.
    """

    values: Mapping[str, TagValue] = field(default_factory=dict)
    complete: bool = True
    unknown_reason: str | None = None
    hidden_keys: frozenset[str] = frozenset()
    hidden_prefixes: tuple[str, ...] = ()

    def is_hidden(self, key: str) -> bool:
        return key in self.hidden_keys or any(key.startswith(p) for p in self.hidden_prefixes)

    def known_dict(self) -> dict[str, str]:
        return {k: v.value for k, v in self.values.items() if v.known and v.value is not None}


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource instance, whatever it was read from.

    ``tags`` is None for types that cannot carry tags. ``attributes`` holds the
    evaluated arguments (nested blocks as lists of dicts, :class:`Unknown` where a
    value cannot be known) for rules that look past the tags.
    """

    address: str
    type: str
    origin: Origin
    location: Location
    tags: TagSet | None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    region: str | Unknown | None = None
    account: str | None = None
    module: str = ""  # "" for the root module, else "module.app" / "module.app[\"a\"]"
    provider: str = "aws"  # provider configuration reference, e.g. "aws.west"
    suppressed_rules: frozenset[str] = frozenset()  # from inline tagcheck:ignore comments
    action: str | None = None  # plan action (create/update/no-op/…), None elsewhere
    # the root module an HCL address is unique within: a monorepo's roots may each have an
    # aws_s3_bucket.logs (or call one module by the same name); "" for plans and live resources
    root: str = ""

    @property
    def name(self) -> str:
        return self.address.rsplit(".", 1)[-1]

    @property
    def identity(self) -> tuple[str, str]:
        """Unique within a run, where the address alone is unique within a root only."""
        return (self.root, self.address)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    lever: Lever
    message: str
    location: Location
    resource: Resource | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None  # the tag key (or other subject) a per-key finding is about
    monthly_cost_usd: float | None = None
    monthly_saving_usd: float | None = None
    fix: str | None = None

    def sort_key(self) -> tuple:
        return (*self.location.sort_key(), self.rule, self.resource.address if self.resource else "", self.key or "")

    def fingerprint(self) -> str:
        """Identity that survives line moves: rule, resource address, key."""
        subject = self.resource.address if self.resource else (self.location.file or "")
        return f"{self.rule}|{subject}|{self.key or ''}"


@dataclass(frozen=True, slots=True)
class Note:
    """Something the user should know that is not a finding (coverage, skipped input)."""

    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class Summary:
    """The numbers of a run: the JSON report's ``summary`` (DESIGN.md §3), by :meth:`to_json`.

    ``allocation`` and ``cost`` are the documents of ``cost.allocation`` (coverage by count
    and by dollars; total, savings by lever); ``scan`` is what the source said about its input
    (its keys differ by source); ``baseline`` is there when a baseline was applied."""

    resources: int = 0
    findings: int = 0
    findings_by_severity: Mapping[str, int] = field(default_factory=dict)
    findings_by_rule: Mapping[str, int] = field(default_factory=dict)
    suppressed: int = 0
    allocation: Mapping[str, Any] = field(default_factory=dict)
    cost: Mapping[str, Any] = field(default_factory=dict)
    scan: Mapping[str, Any] = field(default_factory=dict)
    baseline: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "resources": self.resources, "findings": self.findings,
            "findings_by_severity": dict(self.findings_by_severity), "findings_by_rule": dict(self.findings_by_rule),
            "suppressed": self.suppressed, "allocation": dict(self.allocation), "cost": dict(self.cost),
            "scan": dict(self.scan),
        }
        if self.baseline is not None:
            doc["baseline"] = dict(self.baseline)
        return doc


@dataclass(frozen=True, slots=True)
class RunResult:
    findings: tuple[Finding, ...]
    resources: tuple[Resource, ...]
    suppressed: tuple[Finding, ...] = ()
    notes: tuple[Note, ...] = ()
    summary: Summary = field(default_factory=Summary)


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """An input a source could not read fully (TC001 parse error, TC003 remote module…).

    The engine turns each into a finding with the rule's configured severity.
    """

    rule: str
    message: str
    location: Location
    details: Mapping[str, Any] = field(default_factory=dict)
