"""The policy file: find it, read it, validate it, merge its ``extends``.

``load_policy()`` is the entry point; DESIGN.md §3 shows the file. Decisions the
design leaves open, made here:

- **No policy file** means the shipped ``finops-baseline`` policy (``source`` is None).
  Discovery walks up from ``start`` (default: the current directory) to the filesystem
  root; ``.tagcheck.yaml`` beats ``.tagcheck.yml`` in the same directory.
- **version** is required and must be 1. An empty file is therefore an error.
- **extends** is a list (a single string is accepted too). A bare name without ``/``
  and without a ``.yaml``/``.yml`` suffix is a shipped policy (``policies/NAME.yaml``);
  anything else is a path relative to the extending file. Bases apply in list order,
  later ones winning, and the extending file wins over all. Merge rules: see
  :mod:`tagcheck.policy.merge` (deep mappings, ``tags.required`` as an ordered union,
  ``ignore`` concatenated). Every file is validated on its own, before merging, so an
  error names the file it is in.
- **Validation** is the shipped JSON Schema (``schema.json``, draft 2020-12), then
  regexes and dates, then — when ``rule_schemas`` is given — rule ids and options.
  The first problem by line is raised; the rest are in ``PolicyError.further_errors``.
  Duplicate keys, non-string keys (``yes:``, ``2024:``) and recursive aliases are
  errors; ``<<`` merge keys work. Timestamps are kept as text, so ``2024-01-01`` in a
  list of allowed values is a string, as a tag value is.
  Shipped policies are trusted (the tests validate them), so running with no policy
  file never imports jsonschema. Rule schemas should set ``additionalProperties:
  false`` for a misspelt option to be caught.
- **Wildcards** in ``ignore`` (``rule`` and ``resource``) are ``*`` and ``?`` only;
  ``[`` and ``]`` are literal because Terraform addresses contain them. An entry
  applies up to and including its ``expires`` date. Rule ids in ``ignore`` are not
  checked against the registry (the engine reports unused suppressions as TC002).
- **key_case** None means the policy does not say; ``any`` says explicitly that no
  convention applies (and overrides a base policy's).
- **environments.production** defaults to ``prod, production``; ``non_production``
  has no default of its own (the baseline sets ``dev, test, sandbox``).

- **Typed sections**: ``Policy.governance`` (:class:`Governance`) and
  ``Policy.cost`` (:class:`CostSettings`) are built once, after validation and
  merging, with every default on the dataclass; rules and the engine read these.
  The sections as written are not kept.

Importing this package imports neither yaml (read when a policy text is not in the
cache) nor jsonschema, and never boto3.
"""

from .errors import PolicyError
from .loader import (
    DEFAULT_POLICY_NAME,
    POLICY_FILENAMES,
    SHIPPED_POLICIES_DIR,
    find_policy,
    load_default_policy,
    load_policy,
    shipped_policy_names,
)
from .model import AllowedValues, CostSettings, Governance, IgnoreEntry, Policy, RuleConfig
from .starter import starter_policy_text
from .validate import policy_schema

__all__ = [
    "DEFAULT_POLICY_NAME",
    "POLICY_FILENAMES",
    "SHIPPED_POLICIES_DIR",
    "AllowedValues",
    "CostSettings",
    "Governance",
    "IgnoreEntry",
    "Policy",
    "PolicyError",
    "RuleConfig",
    "find_policy",
    "load_default_policy",
    "load_policy",
    "policy_schema",
    "shipped_policy_names",
    "starter_policy_text",
]
