"""Terraform module directories → resource instances with their effective tags.

A directory's ``.tf`` and ``.tf.json`` files form one module. Evaluating a module
instance binds its variables (for a root, Terraform's precedence and the inputs a reusable
module leaves to its caller: variables.py; for a child, the call's arguments), evaluates
its locals lazily, resolves its ``provider "aws"`` configurations (inherited, aliased, or
passed with ``providers = {…}``), expands ``count``/``for_each`` into Terraform's instance
addresses and follows local module calls. Remote module sources are never fetched: each
call is reported once (TC003).

``terraform.workspace`` is ``--workspace``, else the root's ``.terraform/environment``,
else "default" (:func:`selected_workspace`). A resource or module block whose ``count``
or ``for_each`` gives no instance is recorded (:class:`ZeroInstances`) with the
expression and its value, so a whole environment evaluated away is never silent. A tagcheck
bug while evaluating one block is a TC000 at that block; the module's other blocks are
still evaluated.

Configuration errors Terraform itself would stop at are TC001 findings with the file and
line, reported once per module directory, and never stop the run (hardening, issue #8):

* a cycle among ``locals`` (``local.a → local.b → local.a``), found statically from the
  references, whether or not anything uses them; evaluating such a local is unknown with
  the same text as its reason;
* a variable ``default`` that refers to anything (``default = var.b``): Terraform allows
  constants only (and names the cycle when defaults refer to each other);
* ``resource``/``data`` blocks without two labels, ``module``/``variable``/``output``/
  ``provider`` blocks without one;
* a local ``source`` that loops back to a module being evaluated (the finding names the
  chain of directories), that nests more than :data:`MAX_MODULE_DEPTH` calls deep, or that
  is not a usable path (a NUL byte, a name too long). One whose directory does not exist
  is TC004.

A local ``source`` resolving outside the repository (the nearest directory above the root
module holding ``.git``) is not followed: it is reported as TC003 ("not scanned", like a
remote source), because tagcheck never reads outside the tree it was pointed at. Without
a repository there is no such boundary, and sources are followed as Terraform does.
``count`` above :data:`MAX_INSTANCES` (or not a whole number) is not expanded: the
resource's instances are unknown, with the reason.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable

from tagcheck.model import Location, Origin, Resource, SourceProblem, Unknown
from tagcheck.sources.terraform.evaluate import Scope, evaluate_or_unknown, render, source_text
from tagcheck.sources.terraform.expansion import ZeroInstances, instance_key
from tagcheck.sources.terraform.inputs import RootInputs, selected_workspace
from tagcheck.sources.terraform.moduledir import (
    ModuleDir, ParsedFile, internal_error, module_source_is_local, repository_top, resolve_source,
)
from tagcheck.sources.terraform.static_checks import LABELS, static_problems
from tagcheck.sources.terraform.tags import ProviderConfig, effective_tags
from tagcheck.sources.terraform.values import EvalError, PartialMap, first_unknown, to_string
from tagcheck.sources.terraform.variables import VarsFileError, declared_variables, root_variables

# Arguments of resource/module blocks that are Terraform's, not the resource's.
_RESOURCE_META = {"count", "for_each", "provider", "depends_on", "lifecycle"}
_MODULE_META = {"source", "version", "count", "for_each", "providers", "depends_on"}
_SUPPRESS = re.compile(r"(?:#|//)\s*tagcheck:ignore=([A-Za-z0-9*,\s]+?)(?:\s+(.*))?$")
MAX_MODULE_DEPTH = 32
# count / for_each beyond this many instances are not expanded (count = 1e9 would take
# all the memory there is); real configurations stay far below it.
MAX_INSTANCES = 10_000


class ModuleEvaluator:
    """Evaluates root modules, following local module calls."""

    def __init__(self, load_dir: Callable[[Path], ModuleDir], parse_vars_file: Callable[[Path], dict],
                 parse_expression: Callable[[str], Any], display_path: Callable[[Path], str]):
        self._load_dir = load_dir
        self._parse_vars_file = parse_vars_file
        self._parse_expression = parse_expression
        self._display = display_path
        self.resources: list[Resource] = []
        self.problems: list[SourceProblem] = []
        self._reported_calls: set[tuple[str, int]] = set()
        self._visited_dirs: set[Path] = set()
        self._checked_dirs: set[Path] = set()
        self._boundary: Path | None = None  # the repository of the root being evaluated
        self._root_label = ""  # Resource.root of the root being evaluated
        # resource address → the module directories it was evaluated through, root first
        self.directory_chains: dict[str, tuple[Path, ...]] = {}
        # (directory, local source, resolved directory or None, is a directory): what the
        # result depends on besides the files read (roots_cache.py checks them again)
        self.resolved_sources: list[tuple[str, str, str | None, bool]] = []
        self.zero_instances: list[ZeroInstances] = []
        self.workspace: tuple[str, str] = ("default", "default")  # of the root being evaluated

    # --- roots ---------------------------------------------------------------------

    def evaluate_root(self, directory: Path, inputs: RootInputs) -> None:
        mod = self._load_dir(directory)
        if self._first_visit(directory.resolve()):
            self.problems.extend(mod.problems)
        self._boundary = repository_top(directory.resolve())
        self._root_label = self._display(directory.resolve())  # one string shared by the root's resources
        self.workspace = selected_workspace(directory, inputs)
        try:
            variables = root_variables(mod, inputs, self._read_vars_file, self._parse_expression)
        except Exception as exc:  # noqa: BLE001 - a tagcheck bug: the blocks are still evaluated
            self.problems.append(internal_error(f"reading the variables of {self._display(directory)}", exc,
                                                Location(self._display(directory))))
            reason = "the root's variables could not be read (internal error, see TC000)"
            variables = {name: Unknown(reason) for name in declared_variables(mod)}
        self._evaluate(mod, variables, {}, prefix="", stack=(directory.resolve(),), root=mod)

    def _read_vars_file(self, path: Path) -> dict[str, Any]:
        try:
            return self._parse_vars_file(path)
        except VarsFileError as exc:
            self.problems.append(SourceProblem("TC001", exc.message, Location(self._display(path), exc.line, exc.line)))
            return {}

    # --- one module instance -------------------------------------------------------------

    def _evaluate(self, mod: ModuleDir, variables: dict[str, Any], inherited: dict[str, ProviderConfig],
                  prefix: str, stack: tuple[Path, ...], root: ModuleDir) -> dict[str, Any]:
        """Evaluate one module instance; returns its outputs."""
        self._check_once(mod)
        locals_exprs: dict[str, Any] = {}
        for _, block in mod.blocks("locals"):
            locals_exprs.update({name: expr for name, (expr, _line) in block.attrs.items()})
        calls = {block.labels[0]: (parsed, block) for parsed, block in mod.blocks("module") if len(block.labels) == 1}
        outputs: dict[str, Any] = {}
        in_progress: list[str] = []  # module calls being evaluated, outermost first
        providers: dict[str, ProviderConfig] = {}

        def module_outputs(name: str) -> Any:
            """module.NAME: evaluate the call when first referenced (Terraform's dependency order)."""
            if name in outputs:
                return outputs[name]
            if name not in calls:
                raise EvalError(f"module.{name} is not declared")
            if name in in_progress:
                # Terraform tracks single outputs and may not see a cycle here; at the
                # granularity of whole calls it is one: unknown, naming the chain
                chain = " → ".join(f"module.{n}" for n in in_progress[in_progress.index(name):] + [name])
                return Unknown(f"module calls depend on each other: {chain}")
            in_progress.append(name)
            parsed, block = calls[name]
            try:
                outputs[name] = self._module_call(mod, parsed, block, scope, providers, prefix, stack, root)
            finally:
                in_progress.pop()
            return outputs[name]

        scope = Scope(variables=variables, locals_exprs=locals_exprs,
                      path_module=os.path.relpath(mod.directory, root.directory), path_root=".", modules=module_outputs,
                      workspace=self.workspace[0], address_prefix=prefix)
        try:
            providers.update(self._providers(mod, scope, inherited))
        except Exception as exc:  # noqa: BLE001 - a tagcheck bug: the resources are still reported
            self.problems.append(internal_error(f"evaluating the provider blocks of {self._display(mod.directory)}",
                                                exc, Location(self._display(mod.directory))))
            reason = "the provider configuration could not be evaluated (internal error, see TC000)"
            providers.update({ref: ProviderConfig(ref, Unknown(reason), Unknown(reason))
                              for ref in ["aws", *(f"aws.{a}" for a in _provider_aliases(mod))]})
        # one block's failure never loses the others: each is evaluated on its own
        for parsed, block in mod.blocks("resource"):
            if len(block.labels) == LABELS["resource"]:
                self._guarded(parsed, block, prefix, lambda: self._resources(parsed, block, scope, providers, prefix, stack))
        for name in calls:
            parsed, block = calls[name]
            self._guarded(parsed, block, prefix, lambda: module_outputs(name))
        return {block.labels[0]: self._attr(block, "value", scope) for _, block in mod.blocks("output") if block.labels}

    def _guarded(self, parsed: ParsedFile, block, prefix: str, work: Callable[[], Any]) -> None:
        """Run one block's evaluation; a tagcheck bug in it is a TC000 at that block."""
        try:
            work()
        except RecursionError:
            raise  # nested too deeply: the root as a whole is reported
        except Exception as exc:  # noqa: BLE001
            what = ("module." if block.type == "module" else "") + ".".join(block.labels)
            self.problems.append(internal_error(f"evaluating {prefix}{what}", exc,
                                                Location(self._display(parsed.path), block.line, block.end_line)))

    def _providers(self, mod: ModuleDir, scope: Scope, inherited: dict[str, ProviderConfig]) -> dict[str, ProviderConfig]:
        providers = dict(inherited)
        for _, block in mod.blocks("provider"):
            if block.labels != ("aws",):
                continue
            alias = self._attr(block, "alias", scope)
            ref = f"aws.{alias}" if isinstance(alias, str) and alias else "aws"
            default_tags = None
            ignore_keys: frozenset[str] = frozenset()
            ignore_prefixes: tuple[str, ...] = ()
            ignore_unknown = None
            for sub in block.blocks:
                if sub.type == "default_tags":
                    default_tags = self._attr(sub, "tags", scope)
                elif sub.type == "ignore_tags":
                    keys, prefixes = self._attr(sub, "keys", scope), self._attr(sub, "key_prefixes", scope)
                    unknown = first_unknown([keys, prefixes])
                    if unknown is not None:  # which keys Terraform hides is itself unknown: never guess none
                        ignore_unknown = f"the provider's ignore_tags: {unknown.reason}"
                    ignore_keys = frozenset(k for k in keys if isinstance(k, str)) if isinstance(keys, list) else frozenset()
                    ignore_prefixes = tuple(p for p in prefixes if isinstance(p, str)) if isinstance(prefixes, list) else ()
            providers[ref] = ProviderConfig(ref, self._attr(block, "region", scope), default_tags,
                                            ignore_keys, ignore_prefixes, ignore_unknown=ignore_unknown)
        providers.setdefault("aws", ProviderConfig(declared=False))
        return providers

    @staticmethod
    def _attr(block, name: str, scope: Scope) -> Any:
        if name not in block.attrs:
            return None
        return evaluate_or_unknown(block.attrs[name][0], scope)

    # --- resources -----------------------------------------------------------------------

    def _resources(self, parsed: ParsedFile, block, scope: Scope, providers: dict[str, ProviderConfig], prefix: str,
                   stack: tuple[Path, ...]) -> None:
        rtype, name = block.labels
        location = Location(self._display(parsed.path), block.line, block.end_line)
        provider_ref = render(block.attrs["provider"][0]) if "provider" in block.attrs else "aws"
        provider = providers.get(provider_ref)
        if provider is None:
            provider = ProviderConfig(provider_ref, Unknown(f"provider {provider_ref} is not configured"),
                                      Unknown(f"provider {provider_ref} is not configured"))
        suppressed = _suppressions(parsed.lines, block.line, block.end_line)
        instances = self._instances(block, scope, f"{prefix}{rtype}.{name}", parsed)
        if not instances:
            self._zero(block, "resource", f"{prefix}{rtype}.{name}", location, scope, stack)
        for suffix, bindings in instances:
            inner = scope.child(**bindings)
            attrs = evaluate_body(block, inner, _RESOURCE_META)
            region = attrs.get("region") if "region" in attrs else provider.region
            self.directory_chains[f"{prefix}{rtype}.{name}{suffix}"] = stack
            self.resources.append(Resource(
                address=f"{prefix}{rtype}.{name}{suffix}", type=rtype, origin=Origin.HCL, location=location,
                tags=effective_tags(rtype, attrs, provider), attributes=attrs, region=region,
                module=prefix[:-1] if prefix else "", provider=provider.ref, suppressed_rules=suppressed,
                root=self._root_label,
            ))

    def _zero(self, block, kind: str, address: str, location: Location, scope: Scope, stack: tuple[Path, ...]) -> None:
        meta = "for_each" if "for_each" in block.attrs else "count"
        expr = block.attrs[meta][0]
        value = evaluate_or_unknown(expr, scope)
        shown = json.dumps(value) if isinstance(value, (dict, list)) else to_string(value)
        self.zero_instances.append(ZeroInstances(address, kind, location, f"{meta} = {source_text(expr)}", shown,
                                                 tuple(str(d) for d in stack)))

    def _instances(self, block, scope: Scope, address: str, parsed: ParsedFile) -> list[tuple[str, dict[str, Any]]]:
        """count / for_each → [(address suffix, names bound in the instance)]."""
        if "for_each" in block.attrs:
            value = evaluate_or_unknown(block.attrs["for_each"][0], scope)
            if isinstance(value, PartialMap):
                value = Unknown(value.reason)
            if isinstance(value, Unknown):
                return [("[*]", {"each": {"key": Unknown(value.reason), "value": Unknown(value.reason)}})]
            if isinstance(value, (dict, list)) and len(value) > MAX_INSTANCES:
                reason = f"for_each of {address} has {len(value)} elements (more than {MAX_INSTANCES} are not expanded)"
                return [("[*]", {"each": {"key": Unknown(reason), "value": Unknown(reason)}})]
            if isinstance(value, dict):
                return [(instance_key(k), {"each": {"key": k, "value": value[k]}}) for k in sorted(value)]
            if isinstance(value, list):
                if any(isinstance(v, (Unknown, PartialMap)) for v in value):
                    reason = first_unknown(value).reason
                    return [("[*]", {"each": {"key": Unknown(reason), "value": Unknown(reason)}})]
                if not all(isinstance(v, (str, int, float)) or v is None for v in value):
                    reason = f"for_each of {address} must be a map or a set of strings"
                    return [("[*]", {"each": {"key": Unknown(reason), "value": Unknown(reason)}})]
                keys = sorted({to_string(v) for v in value if v is not None})
                return [(instance_key(k), {"each": {"key": k, "value": k}}) for k in keys]
            reason = f"for_each of {address} is not a map or set"
            return [("[*]", {"each": {"key": Unknown(reason), "value": Unknown(reason)}})]
        if "count" in block.attrs:
            value = evaluate_or_unknown(block.attrs["count"][0], scope)
            reason = None
            if isinstance(value, Unknown):
                reason = value.reason
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                reason = f"count of {address} is not a number"
            elif value != value or value in (float("inf"), float("-inf")) or value != int(value):
                reason = f"count of {address} is not a whole number ({value!r})"
            elif value > MAX_INSTANCES:
                reason = f"count of {address} is {int(value)} (more than {MAX_INSTANCES} instances are not expanded)"
            if reason is not None:
                return [("[*]", {"count": {"index": Unknown(reason)}})]
            return [(f"[{i}]", {"count": {"index": i}}) for i in range(int(value))]
        return [("", {})]

    # --- module calls --------------------------------------------------------------------

    def _module_call(self, mod: ModuleDir, parsed: ParsedFile, block, scope: Scope,
                     providers: dict[str, ProviderConfig], prefix: str, stack: tuple[Path, ...], root: ModuleDir) -> Any:
        """Evaluate a module call's instances; returns its outputs as ``module.NAME`` reads
        them (an object, a list for count, a map for for_each; Unknown when not scanned)."""
        name = block.labels[0]
        location = Location(self._display(parsed.path), block.line, block.end_line)
        source = self._attr(block, "source", scope)
        if not module_source_is_local(source):
            key = (str(parsed.path), block.line)
            if key not in self._reported_calls:
                self._reported_calls.add(key)
                self.problems.append(SourceProblem(
                    "TC003", f"module.{name}: remote source {source!r} is not fetched; its resources are not scanned",
                    location, {"module": f"{prefix}module.{name}", "source": source if isinstance(source, str) else None}))
            return Unknown(f"module.{name} (remote module, not scanned)")
        resolved, exists, why = resolve_source(str(mod.directory), source)
        self.resolved_sources.append((str(mod.directory), source, resolved, exists))
        if resolved is None:
            self._report_once(parsed, block, SourceProblem(
                "TC001", f"module.{name}: source {source!r} is not a usable path ({why}); not followed", location))
            return Unknown(f"module.{name} (source is not a usable path)")
        child_dir = Path(resolved)
        if child_dir in stack:
            chain = " → ".join(self._display(d) for d in stack[stack.index(child_dir):] + (child_dir,))
            self._report_once(parsed, block, SourceProblem(
                "TC001", f"module.{name}: source {source!r} loops back to a module being evaluated "
                         f"(module cycle: {chain}); not followed", location, {"cycle": chain}))
            return Unknown(f"module.{name} (module cycle)")
        if len(stack) >= MAX_MODULE_DEPTH:
            self._report_once(parsed, block, SourceProblem(
                "TC001", f"module.{name}: module calls nest more than {MAX_MODULE_DEPTH} deep; "
                         f"source {source!r} not followed", location))
            return Unknown(f"module.{name} (module calls nested too deeply)")
        if self._boundary is not None and not child_dir.is_relative_to(self._boundary):
            self._report_once(parsed, block, SourceProblem(
                "TC003", f"module.{name}: source {source!r} resolves to {child_dir}, outside the repository "
                         f"{self._boundary}; its resources are not scanned", location,
                {"module": f"{prefix}module.{name}", "source": source}))
            return Unknown(f"module.{name} (outside the repository, not scanned)")
        if not exists:
            self._report_once(parsed, block, SourceProblem(
                "TC004", f"module.{name}: local source directory {source!r} does not exist "
                         f"({self._display(child_dir)}); its resources are not scanned", location,
                {"module": f"{prefix}module.{name}", "source": source, "resolved": self._display(child_dir)}))
            return Unknown(f"module.{name} (local source {source!r} not found)")
        child = self._load_dir(child_dir)
        if child.problems and self._first_visit(child_dir):
            self.problems.extend(child.problems)
        declared = declared_variables(child)
        expanded = "count" in block.attrs or "for_each" in block.attrs
        results: dict[Any, Any] = {}
        instances = self._instances(block, scope, f"{prefix}module.{name}", parsed)
        if not instances:
            self._zero(block, "module", f"{prefix}module.{name}", location, scope, stack)
        for suffix, bindings in instances:
            inner = scope.child(**bindings)
            variables = {n: (v.bind(v.default) if v.has_default else Unknown(f"var.{n} is not passed by module.{name}"))
                         for n, v in declared.items()}
            for arg, (expr, _line) in block.attrs.items():
                if arg not in _MODULE_META and arg in declared:
                    variables[arg] = declared[arg].bind(evaluate_or_unknown(expr, inner))
            child_providers = {"aws": providers["aws"]} if "aws" in providers else {}
            child_providers.update(self._passed_providers(block, providers))
            instance_outputs = self._evaluate(child, variables, child_providers, f"{prefix}module.{name}{suffix}.",
                                              stack + (child_dir,), root)
            key = (bindings.get("each") or {}).get("key", (bindings.get("count") or {}).get("index"))
            results[key] = instance_outputs
        if not expanded:
            return results.get(None, {})
        if any(isinstance(k, Unknown) for k in results):
            return Unknown(f"module.{name} instances are not known statically")
        if "count" in block.attrs:
            return [results[k] for k in sorted(results)]
        return results

    @staticmethod
    def _passed_providers(block, providers: dict[str, ProviderConfig]) -> dict[str, ProviderConfig]:
        if "providers" not in block.attrs or block.attrs["providers"][0][0] != "object":
            return {}
        passed = {}
        for key_expr, value_expr in block.attrs["providers"][0][1]:
            child_ref = key_expr[1] if key_expr[0] == "lit" else render(key_expr)
            parent = providers.get(render(value_expr))
            if parent is not None:
                passed[child_ref] = ProviderConfig(child_ref, parent.region, parent.default_tags, parent.ignore_keys,
                                                   parent.ignore_prefixes, parent.declared, parent.ignore_unknown)
        return passed

    def _check_once(self, mod: ModuleDir) -> None:
        """Configuration errors of a module directory, reported the first time it is evaluated."""
        if mod.directory in self._checked_dirs:
            return
        self._checked_dirs.add(mod.directory)
        self.problems.extend(static_problems(mod, self._display))

    def _report_once(self, parsed: ParsedFile, block, problem: SourceProblem) -> None:
        key = (str(parsed.path), block.line)
        if key not in self._reported_calls:
            self._reported_calls.add(key)
            self.problems.append(problem)

    def _first_visit(self, directory: Path) -> bool:
        if directory in self._visited_dirs:
            return False
        self._visited_dirs.add(directory)
        return True


def _provider_aliases(mod: ModuleDir) -> list[str]:
    aliases = []
    for _, block in mod.blocks("provider"):
        expr = block.attrs.get("alias", (None,))[0]
        if block.labels == ("aws",) and expr is not None and expr[0] == "lit" and isinstance(expr[1], str):
            aliases.append(expr[1])
    return aliases


def evaluate_body(block, scope: Scope, skip: set[str] = frozenset()) -> dict[str, Any]:
    """A block's arguments and nested blocks as plain values (nested blocks: lists of dicts)."""
    values: dict[str, Any] = {}
    for name, (expr, _line) in block.attrs.items():
        if name not in skip:
            values[name] = evaluate_or_unknown(expr, scope)
    for sub in block.blocks:
        if sub.type in skip:
            continue
        if sub.type == "dynamic" and sub.labels:
            _dynamic(sub, scope, values)
            continue
        existing = values.setdefault(sub.type, [])
        if isinstance(existing, list):
            existing.append(evaluate_body(sub, scope))
    return values


def _dynamic(block, scope: Scope, values: dict[str, Any]) -> None:
    """``dynamic "NAME" { for_each content {} }`` → NAME blocks, one per element."""
    name = block.labels[0]
    iterator = evaluate_or_unknown(block.attrs["iterator"][0], scope) if "iterator" in block.attrs else name
    if "iterator" in block.attrs and block.attrs["iterator"][0][0] == "ref":
        iterator = block.attrs["iterator"][0][1]
    collection = evaluate_or_unknown(block.attrs["for_each"][0], scope) if "for_each" in block.attrs else []
    content = next((b for b in block.blocks if b.type == "content"), None)
    if isinstance(collection, (Unknown, PartialMap)) or content is None:
        reason = first_unknown(collection).reason if content is not None else f"dynamic {name} without content"
        values[name] = Unknown(f"dynamic \"{name}\" blocks from {reason}")
        return
    if collection is not None and not isinstance(collection, (dict, list)):
        values[name] = Unknown(f"dynamic \"{name}\": for_each is a {type(collection).__name__}, not a collection")
        return
    items = sorted(collection.items()) if isinstance(collection, dict) else enumerate(collection or [])
    out = values.setdefault(name, [])
    if not isinstance(out, list):
        return
    for key, value in items:
        out.append(evaluate_body(content, scope.child(**{str(iterator): {"key": key, "value": value}})))


def _suppressions(lines: list[str], first: int, last: int) -> frozenset[str]:
    """Rule ids from ``# tagcheck:ignore=RULE[,RULE] reason`` above or inside a block."""
    rules: set[str] = set()
    for index in range(max(first - 2, 0), min(last, len(lines))):
        line = lines[index]
        if "tagcheck:ignore=" not in line:
            continue
        match = _SUPPRESS.search(line.strip())
        if match:
            rules.update(r.strip().upper() for r in match.group(1).split(",") if r.strip())
    return frozenset(rules) if rules else _NONE_SUPPRESSED


_NONE_SUPPRESSED: frozenset[str] = frozenset()  # shared by the many blocks without a suppression


