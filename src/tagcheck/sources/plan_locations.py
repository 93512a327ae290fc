"""Where a plan's resources are written: each one's block in the ``.tf`` files, when the
plan's configuration can be found (issue #14).

Terraform's plan JSON has no file or line. It does name, in ``configuration``, each module
call's ``source`` and the resources every module declares, and a plan is usually written
in its root module's directory. So, given that directory (``tagcheck plan --config-dir``,
default: the plan file's own directory when it holds Terraform files), a resource
``module.a["x"].module.b.aws_s3_bucket.logs[0]`` is looked up as the ``resource
"aws_s3_bucket" "logs"`` block of the directory reached by following ``module_calls.a.source``
then ``module_calls.b.source`` from it — local paths only (``./``, ``../``): a registry or git
module is not on disk in the repository, and a copy under ``.terraform/modules`` is not a
file a reviewer or code scanning can open. Every instance of a block (``count``,
``for_each``) is located at the block.

A directory is taken for a module only when it has a block for everything the plan's
configuration lists for that module (resources, data sources, module calls): a wrong
``--config-dir``, or code changed since the plan, must not put findings on another
resource that happens to share a name. A resource that cannot be placed keeps the plan
file as its location, and ``info`` says how many were placed and why the others were not.

Files are read and parsed by the Terraform source's loader, through the parse cache, so a
configuration already scanned costs a hash per file; nothing here evaluates an expression.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from tagcheck.model import Location, Resource
from tagcheck.sources.plan.providers import config_address
from tagcheck.sources.terraform.loader import DirLoader, terraform_files
from tagcheck.sources.terraform.moduledir import ModuleDir, module_source_is_local, resolve_dir

_MAX_REASONS = 5


@dataclass
class Placement:
    resources: list[Resource]
    info: dict[str, Any] = field(default_factory=dict)  # summary.scan.source_positions


def shown(path: Path, cwd: Path) -> str:
    """A path as findings show it: relative to ``cwd`` when inside it (as the Terraform
    source shows files), else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive (Windows)
        return str(absolute)
    return str(absolute) if relative.startswith("..") else relative


def default_config_dir(plan_file: Path) -> Path | None:
    """The plan file's directory, when it holds Terraform files (it is then most likely the
    root module the plan was made in)."""
    directory = plan_file.parent
    try:
        return directory if terraform_files(directory) else None
    except OSError:
        return None


class ConfigDirError(Exception):
    """``--config-dir`` names no directory of Terraform files (exit 2)."""


def place(resources: list[Resource], configuration: Mapping[str, Any], plan_file: Path, config_dir: Path | None,
          cache, cwd: Path | None = None) -> Placement:
    """What ``tagcheck plan`` does: ``config_dir`` as given (it must hold Terraform files),
    else the plan file's directory if it holds some, else nothing is located."""
    if config_dir is not None:
        try:
            has_files = config_dir.is_dir() and bool(terraform_files(config_dir))
        except OSError:
            has_files = False
        if not has_files:
            raise ConfigDirError(f"--config-dir {config_dir}: no Terraform files (.tf, .tf.json) there to locate "
                                 "the plan's resources in")
    else:
        config_dir = default_config_dir(plan_file)
    if config_dir is None:
        return Placement(list(resources), {
            "config_dir": None, "located": 0, "not_located": len(resources),
            "not_located_why": [{"reason": "the plan file's directory holds no Terraform files; give the root "
                                           "module with --config-dir DIR", "resources": len(resources)}]})
    return locate(resources, configuration, config_dir, cache, cwd)


def locate(resources: list[Resource], configuration: Mapping[str, Any], config_dir: Path, cache,
           cwd: Path | None = None) -> Placement:
    """``resources`` of a plan whose ``configuration`` section was made in ``config_dir``,
    each located at its block where it can be found."""
    cwd = (cwd or Path.cwd()).resolve()
    finder = _BlockFinder(DirLoader(cwd, cache), configuration, config_dir)
    placed, reasons = [], {}
    for resource in resources:
        location, why = finder.find(resource)
        if location is None:
            reasons[why] = reasons.get(why, 0) + 1
            placed.append(resource)
        else:
            placed.append(dataclasses.replace(resource, location=location))
    located = len(resources) - sum(reasons.values())
    info: dict[str, Any] = {"config_dir": shown(config_dir, cwd), "located": located,
                            "not_located": len(resources) - located}
    if reasons:
        info["not_located_why"] = [{"reason": why, "resources": count} for why, count in
                                   sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[:_MAX_REASONS]]
    return Placement(placed, info)


class _BlockFinder:
    """Module path → its directory's blocks, found once per module of the configuration."""

    def __init__(self, loader: DirLoader, configuration: Mapping[str, Any], config_dir: Path):
        self.loader = loader
        root = configuration.get("root_module") if isinstance(configuration, Mapping) else None
        self.root = root if isinstance(root, Mapping) else {}
        self.config_dir = config_dir
        self._modules: dict[tuple[str, ...], tuple[dict | None, str]] = {}

    def find(self, resource: Resource) -> tuple[Location | None, str]:
        """The block's location, or None and why not."""
        parts = config_address({"module_address": resource.module, "type": resource.type,
                                "name": _block_name(resource)}).split(".")
        modules, key = tuple(parts[1:-2:2]), (parts[-2], parts[-1])
        blocks, why = self._module(modules)
        if blocks is None:
            return None, why
        found = blocks["resource"].get(key)
        if found is None:
            return None, f"no resource block for {'.'.join(key)} in {why}"
        return found, ""

    def _module(self, names: tuple[str, ...]) -> tuple[dict | None, str]:
        if names not in self._modules:
            self._modules[names] = self._read_module(names)
        return self._modules[names]

    def _read_module(self, names: tuple[str, ...]) -> tuple[dict | None, str]:
        """(the module's blocks, its directory as shown), or (None, why it has none)."""
        directory, config, where = self.config_dir, self.root, "the root module"
        for depth, name in enumerate(names, 1):
            calls = config.get("module_calls")
            call = calls.get(name) if isinstance(calls, Mapping) else None
            where = ".".join(f"module.{n}" for n in names[:depth])
            if not isinstance(call, Mapping):
                return None, f"{where} is not in the plan's configuration"
            source = call.get("source")
            if not isinstance(source, str):
                return None, f"{where} has no source in the plan's configuration"
            if not module_source_is_local(source):
                return None, f"{where} has a source that is not a local path ({source!r})"
            resolved = resolve_dir(directory / source)
            if resolved is None or not resolved.is_dir():
                return None, f"{where}'s source {source!r} is not a directory"
            directory = resolved
            module = call.get("module")
            config = module if isinstance(module, Mapping) else {}
        shown_dir = self.loader.display(Path(os.path.abspath(directory)))
        blocks = _blocks(self.loader.load(directory), self.loader.display)
        missing = _first_missing(config, blocks)
        if missing is not None:
            return None, (f"{shown_dir} is not the configuration of {where} in the plan "
                          f"(it has no block for {missing}: another directory, or code changed since the plan)")
        return blocks, shown_dir


def _block_name(resource: Resource) -> str:
    """The resource's name in its block's labels: the address after the module and type,
    without the instance key (``aws_s3_bucket.logs["a.b"]`` → ``logs``)."""
    rest = resource.address[len(resource.module) + 1:] if resource.module else resource.address
    rest = rest[len(resource.type) + 1:] if rest.startswith(resource.type + ".") else rest
    return rest.split("[", 1)[0]


def _blocks(mod: ModuleDir, display) -> dict[str, dict]:
    """The module's top-level resource, data and module blocks by their labels, with where
    each is written. A file that does not parse contributes nothing (the scan reports it)."""
    out: dict[str, dict] = {"resource": {}, "data": {}, "module": {}}
    for parsed in mod.files:
        for block in parsed.blocks:
            kind = out.get(block.type)
            if kind is None or not block.labels:
                continue
            kind.setdefault(tuple(block.labels[:2]) if block.type != "module" else block.labels[0],
                            Location(display(parsed.path), block.line, block.end_line))
    return out


def _first_missing(config: Mapping[str, Any], blocks: dict[str, dict]) -> str | None:
    """The first thing the plan's configuration lists for a module that the directory has
    no block for, as an address; None when it has them all."""
    for res in config.get("resources") or []:
        if not isinstance(res, Mapping):
            continue
        data = res.get("mode") == "data"
        key = (str(res.get("type")), str(res.get("name")))
        if key not in blocks["data" if data else "resource"]:
            return ("data." if data else "") + ".".join(key)
    for name in config.get("module_calls") or {}:
        if name not in blocks["module"]:
            return f"module.{name}"
    return None
