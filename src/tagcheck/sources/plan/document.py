"""Reading a plan file: its bytes and encoding, and the checks that it is a plan of a
format tagcheck reads, naming the JSON path of the first part that is not (see the
package's docstring for what is accepted)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any, Mapping

SUPPORTED_MAJORS = ("0", "1")


class PlanError(Exception):
    """The file is not a Terraform plan in JSON we can read (exit 2)."""


_BINARY_HINT = "a binary plan file? run `terraform show -json PLANFILE > plan.json`"


def read(path: Path) -> dict:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanError(f"{path}: no such file") from None
    except OSError as exc:
        raise PlanError(f"{path}: cannot read: {exc.strerror}") from None
    if data.startswith(b"PK"):
        raise PlanError(f"{path}: not JSON ({_BINARY_HINT})")
    encoding = _encoding(data)
    if encoding == "utf-8-sig" and b"\x00" in data[:512]:
        raise PlanError(f"{path}: not JSON ({_BINARY_HINT})")
    try:
        doc = json.loads(data.decode(encoding))
    except UnicodeDecodeError as exc:
        raise PlanError(f"{path}: not {encoding.upper().replace('-SIG', '')} text ({_BINARY_HINT}): {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise PlanError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise PlanError(f"{path}: JSON nested too deeply to read") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise PlanError(f"{path}: cannot read the JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise PlanError(f"{path}: not a Terraform plan (expected a JSON object)")
    version = doc.get("format_version")
    if "resource_changes" not in doc and "planned_values" not in doc:
        if "resources" in doc and "version" in doc:
            raise PlanError(f"{path}: this is a Terraform state file, not a plan; run `terraform plan -out=plan` "
                            "and `terraform show -json plan`")
        if "values" in doc:
            raise PlanError(f"{path}: this is `terraform show -json` of a state, not of a plan")
        raise PlanError(f"{path}: not a Terraform plan (no resource_changes)")
    if not isinstance(version, str) or version.split(".")[0] not in SUPPORTED_MAJORS:
        raise PlanError(f"{path}: plan format_version {version!r} is not supported (expected 0.x or 1.x)")
    return doc


def _encoding(data: bytes) -> str:
    """UTF-16 when a BOM or the NUL bytes of ASCII JSON text say so, else UTF-8 (BOM or not)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(data) >= 2 and data[0] != 0 and data[1] == 0:
        return "utf-16-le"
    if len(data) >= 2 and data[0] == 0 and data[1] != 0:
        return "utf-16-be"
    return "utf-8-sig"


_OBJECT, _LIST, _STRING = (dict,), (list,), (str,)
_OPTIONAL = (type(None),)


def check_shape(doc: Mapping[str, Any], path: Path) -> None:
    """The parts of a plan this module reads have the types Terraform writes; else a
    PlanError naming the first JSON path that does not."""

    def expect(value: Any, types: tuple, where: str) -> None:
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            wanted = " or ".join(_KIND[t] for t in types if t is not type(None))
            raise PlanError(f"{path}: {where}: expected {wanted}, got {kind(value)} "
                            "(not the JSON of `terraform show -json PLANFILE`?)")

    expect(doc.get("variables"), _OBJECT + _OPTIONAL, "variables")
    expect(doc.get("resource_changes"), _LIST + _OPTIONAL, "resource_changes")
    for i, change in enumerate(doc.get("resource_changes") or []):
        where = f"resource_changes[{i}]"
        expect(change, _OBJECT, where)
        for key in ("address", "type", "mode"):
            expect(change.get(key), _STRING, f"{where}.{key}")
        for key in ("name", "provider_name", "module_address"):
            expect(change.get(key), _STRING + _OPTIONAL, f"{where}.{key}")
        body = change.get("change")
        expect(body, _OBJECT, f"{where}.change")
        expect(body.get("actions"), _LIST + _OPTIONAL, f"{where}.change.actions")
        for j, action in enumerate(body.get("actions") or []):
            expect(action, _STRING, f"{where}.change.actions[{j}]")
        for key in ("before", "after"):
            expect(body.get(key), _OBJECT + _OPTIONAL, f"{where}.change.{key}")
        expect(body.get("after_unknown"), _OBJECT + (bool,) + _OPTIONAL, f"{where}.change.after_unknown")
    configuration = doc.get("configuration")
    expect(configuration, _OBJECT + _OPTIONAL, "configuration")
    configuration = configuration or {}
    expect(configuration.get("provider_config"), _OBJECT + _OPTIONAL, "configuration.provider_config")
    for key, config in (configuration.get("provider_config") or {}).items():
        expect(config, _OBJECT, f"configuration.provider_config.{key}")
        expect(config.get("expressions"), _OBJECT + _OPTIONAL, f"configuration.provider_config.{key}.expressions")
    modules = [(configuration.get("root_module"), "configuration.root_module")]
    while modules:
        module, where = modules.pop()
        expect(module, _OBJECT + _OPTIONAL, where)
        module = module or {}
        expect(module.get("resources"), _LIST + _OPTIONAL, f"{where}.resources")
        for i, res in enumerate(module.get("resources") or []):
            expect(res, _OBJECT, f"{where}.resources[{i}]")
        expect(module.get("module_calls"), _OBJECT + _OPTIONAL, f"{where}.module_calls")
        for name, call in (module.get("module_calls") or {}).items():
            expect(call, _OBJECT, f"{where}.module_calls.{name}")
            modules.append((call.get("module"), f"{where}.module_calls.{name}.module"))


_KIND = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return _KIND.get(type(value), type(value).__name__)
