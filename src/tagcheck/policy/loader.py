"""Find, read, validate and merge policy files into a :class:`Policy`."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any, Mapping

from .errors import PolicyError
from .merge import EMPTY_LAYER, PolicyLayer, merge_layers
from .model import AllowedValues, CostSettings, Governance, IgnoreEntry, Policy, RuleConfig
from .consistency import check_merge
from .validate import RULE_KEYS, raise_first, validate_document
from .yamldoc import KeyPath, YamlDocument

POLICY_FILENAMES = (".tagcheck.yaml", ".tagcheck.yml")
SHIPPED_POLICIES_DIR = Path(__file__).resolve().parent.parent / "policies"
DEFAULT_POLICY_NAME = "finops-baseline"


def find_policy(start: Path) -> Path | None:
    """The first .tagcheck.yaml/.yml in ``start`` (a directory, or a file's directory) or above."""
    here = Path(os.path.abspath(start))  # lexical: keeps the user's symlinked view of the tree
    if not here.is_dir():
        here = here.parent
    for directory in (here, *here.parents):
        for name in POLICY_FILENAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None


def shipped_policy_names() -> tuple[str, ...]:
    """Names usable in ``extends:`` without a path, e.g. ``finops-baseline``."""
    return tuple(sorted(p.stem for p in SHIPPED_POLICIES_DIR.glob("*.yaml")))


def load_policy(
    path: Path | None = None,
    *,
    start: Path | None = None,
    rule_schemas: Mapping[str, dict] | None = None,
    validated=None,
) -> Policy:
    """Load ``path``; else the policy found upward from ``start`` (default: the current
    directory); else the built-in finops-baseline (``source`` None).

    ``validated``: an optional store with ``key(kind, bytes)``, ``get(key)`` and
    ``put(key, value)`` (tagcheck's content cache) remembering policy texts that passed
    validation.

    ``rule_schemas`` (rule id -> JSON Schema of its options) turns on checking of the
    ``rules:`` section: unknown ids and options that do not fit the rule's schema.
    """
    if path is None:
        path = find_policy(start if start is not None else Path.cwd())
    if path is None:
        return load_default_policy()
    path = Path(path)
    if not path.is_file():
        problem = "is a directory, not a policy file" if path.is_dir() else "policy file not found"
        raise PolicyError(problem, file=str(path))
    return build_policy(_ExtendsResolver(rule_schemas, validated).resolve(path, trusted=False), source=str(path))


def load_default_policy() -> Policy:
    """The built-in policy (shipped finops-baseline) used when there is no policy file."""
    shipped = SHIPPED_POLICIES_DIR / f"{DEFAULT_POLICY_NAME}.yaml"
    return build_policy(_ExtendsResolver(None).resolve(shipped, trusted=True), source=None)


class _ExtendsResolver:
    """Loads a file and, depth first, everything it extends; each file once per load."""

    def __init__(self, rule_schemas: Mapping[str, dict] | None, validated=None) -> None:
        self.rule_schemas = rule_schemas
        self.validated = validated
        self.resolved: dict[str, PolicyLayer] = {}  # real path -> merged layer

    def resolve(self, path: Path, *, trusted: bool, chain: tuple[tuple[str, str], ...] = ()) -> PolicyLayer:
        identity = os.path.realpath(path)
        chain = (*chain, (identity, str(path)))
        doc = self._read(path, trusted)
        merged = EMPTY_LAYER
        bases: list[PolicyLayer] = []
        for ref_path, ref in _extends_entries(doc.data):
            target, target_trusted = self._locate(ref, path, doc, ref_path)
            target_identity = os.path.realpath(target)
            seen = [i for i, _ in chain]
            if target_identity in seen:
                loop = [name for _, name in chain[seen.index(target_identity):]] + [str(target)]
                raise doc.error(ref_path, "extends cycle: " + " -> ".join(loop))
            if target_identity not in self.resolved:
                self.resolved[target_identity] = self.resolve(target, trusted=target_trusted, chain=chain)
            bases.append(self.resolved[target_identity])
            merged = merge_layers(merged, self.resolved[target_identity])
        result = merge_layers(merged, _own_layer(doc))
        if not trusted:  # shipped policies are consistent (tested); see consistency.py
            raise_first(check_merge(doc, [base.settings for base in bases], result.settings))
        return result

    def _read(self, path: Path, trusted: bool) -> YamlDocument:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise PolicyError("policy file is not UTF-8 text", file=str(path)) from None
        except OSError as exc:
            raise PolicyError(f"cannot read policy file: {exc.strerror or exc}", file=str(path)) from None
        doc = self._document(text, str(path))
        # Shipped policies are checked by the test suite; skipping them here keeps the
        # no-policy-file pre-commit run from importing jsonschema at all.
        if not trusted:
            self._validate(doc, text)
        return doc

    def _document(self, text: str, file: str) -> YamlDocument:
        """The YAML read, or its data and key lines from the store when this very text was
        read before (a warm run then does not import PyYAML)."""
        store = self.validated
        key = store.key("policy-document", text.encode("utf-8")) if store is not None else None
        cached = store.get(key) if store is not None else None
        if isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[1], dict):
            return YamlDocument(file, cached[0], cached[1])
        from .yamlread import read_yaml_document  # PyYAML: only for a text the cache has not seen

        doc = read_yaml_document(text, file)
        if store is not None:
            store.put(key, (doc.data, doc.lines))  # False (not kept) for data marshal cannot hold
        return doc

    def _validate(self, doc: YamlDocument, text: str) -> None:
        """Validate, unless the ``validated`` store has seen this very text pass against the
        same rule schemas (so a warm pre-commit run need not import jsonschema)."""
        store = self.validated
        key = None
        if store is not None:
            schemas = json.dumps(self.rule_schemas, sort_keys=True, default=str).encode()
            key = store.key("policy", schemas + b"\0" + text.encode("utf-8"))
            if store.get(key) == "valid":
                return
        validate_document(doc, self.rule_schemas)
        if store is not None:
            store.put(key, "valid")

    def _locate(self, ref: str, referrer: Path, doc: YamlDocument, ref_path: KeyPath) -> tuple[Path, bool]:
        """A bare name (no '/', no .yaml/.yml) is a shipped policy; anything else a path."""
        if "/" not in ref and "\\" not in ref and not ref.endswith((".yaml", ".yml")):
            shipped = SHIPPED_POLICIES_DIR / f"{ref}.yaml"
            if not shipped.is_file():
                names = ", ".join(shipped_policy_names()) or "none"
                message = f"unknown shipped policy '{ref}' (shipped: {names})"
                message += "; for a file, write a path ending in .yaml"
                raise doc.error(ref_path, message)
            return shipped, True
        try:
            target = Path(os.path.normpath(referrer.parent / Path(ref).expanduser()))
        except RuntimeError as exc:  # ~user that does not exist
            raise doc.error(ref_path, f"cannot expand {ref!r}: {exc}") from None
        if target.is_dir():
            raise doc.error(ref_path, f"extended policy is a directory, not a file: {target}")
        if not target.is_file():
            raise doc.error(ref_path, f"extended policy file not found: {target}")
        return target, False


def _extends_entries(data: dict[str, Any]) -> list[tuple[KeyPath, str]]:
    refs = data.get("extends", [])
    if isinstance(refs, str):
        return [(("extends",), refs)]
    return [(("extends", i), ref) for i, ref in enumerate(refs)]


def _own_layer(doc: YamlDocument) -> PolicyLayer:
    settings = {k: v for k, v in doc.data.items() if k not in ("version", "extends", "ignore")}
    ignores = tuple(
        IgnoreEntry(
            rule=entry["rule"],
            resource=entry.get("resource", "*"),
            reason=entry["reason"],
            expires=datetime.date.fromisoformat(entry["expires"]) if "expires" in entry else None,
            file=doc.file,
            line=doc.line_of(("ignore", index)) or 0,
        )
        for index, entry in enumerate(doc.data.get("ignore", []))
    )
    return PolicyLayer(settings, ignores, (doc.file,))


def build_policy(layer: PolicyLayer, source: str | None) -> Policy:
    settings = layer.settings
    tags = settings.get("tags", {})
    environments = settings.get("environments", {})
    return Policy(
        source=source,
        required=tuple(tags.get("required", ())),
        allowed={key: _allowed_values(spec) for key, spec in tags.get("allowed", {}).items()},
        key_case=tags.get("key_case"),
        environment_tag=environments.get("tag", "environment"),
        non_production=tuple(environments.get("non_production", ())),
        production=tuple(environments.get("production", ("prod", "production"))),
        governance=_governance(settings.get("governance", {})),
        rules={rule_id: _rule_config(config) for rule_id, config in settings.get("rules", {}).items()},
        ignores=layer.ignores,
        cost=_cost(settings.get("cost", {})),
        files=layer.files,
    )


# The typed sections pass only the keys a file sets, so the defaults stay on the
# dataclasses (model.py) and are written nowhere else.

def _governance(section: Mapping[str, Any]) -> Governance:
    given: dict[str, Any] = {}
    if "regions" in section:
        given["regions"] = tuple(section["regions"])
    for key in ("allowed_instance_families", "prohibited_types"):
        if key in section:
            given[key] = {env: tuple(items) for env, items in section[key].items()}
    non_production = section.get("non_production", {})
    for key in ("max_instance_size", "schedule_tag"):
        if key in non_production:
            given[key] = non_production[key]
    return Governance(**given)


def _cost(section: Mapping[str, Any]) -> CostSettings:
    given: dict[str, Any] = {}
    if "prices" in section:
        given["prices"] = section["prices"]  # a path or a mapping: pricebook_for reads either
    if "spot_discount" in section:
        given["spot_discount"] = dict(section["spot_discount"])
    if "usage" in section:
        given["usage"] = section["usage"]  # a path or a mapping: app.usage_for reads either
    return CostSettings(**given)


def _allowed_values(spec: list[str] | dict[str, str]) -> AllowedValues:
    if isinstance(spec, list):
        return AllowedValues(values=tuple(spec))
    values = spec.get("values")  # not in the schema yet; AllowedValues supports both
    return AllowedValues(values=tuple(values) if values is not None else None, pattern=spec.get("pattern"))


def _rule_config(config: dict[str, Any]) -> RuleConfig:
    return RuleConfig(
        enabled=config.get("enabled", True),
        severity=config.get("severity"),
        options={k: v for k, v in config.items() if k not in RULE_KEYS},
    )
