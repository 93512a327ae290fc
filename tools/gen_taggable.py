#!/usr/bin/env python3
"""Generate tagcheck's taggable-type catalogue from the AWS provider schema.

Reads the npm package ``@cdktf/provider-aws`` (default 21.22.1, which ships the
schema of Terraform provider hashicorp/aws 6.25.0): either a tarball given with
``--tarball`` or one fetched with ``npm pack`` into a temporary directory.
Writes ``src/tagcheck/catalog/data/aws_taggable.json``: for every *resource*
type of the provider (data sources are skipped) whether it has a ``tags``
argument, a ``tags_all`` attribute (what decides whether provider
``default_tags`` reach it), repeated ``tag`` blocks (``aws_autoscaling_group``)
and nested tag maps (``volume_tags``, ``root_block_device.tags``, ...).

Why: DESIGN.md section 2 -- taggable types come from the provider schema, not
a hand list.  Every resource type is listed, untaggable ones included, so the
loader can tell "known type, not taggable" from "unknown type".

How: each resource folder ``lib/<name>/`` holds generated JavaScript.  The
resource class (``extends cdktf.TerraformResource``) carries
``tfResourceType``, its ``synthesizeHclAttributes()`` lists every settable
argument and block under its Terraform (snake_case) name with its storage
type, and each nested block has a ``<struct>ToHclTerraform`` function of the
same shape.  Computed-only attributes (``tags_all`` of plugin-framework
resources) appear only as getters on the class.  Names are taken from that
generated code, never converted from camelCase; the plain ``ToTerraform``
functions are parsed too and must agree, as a check on the parsing.

Standard library only.  Usage::

    python tools/gen_taggable.py [--tarball PATH] [--output PATH]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import glob
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "@cdktf/provider-aws"
PACKAGE_VERSION = "21.22.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "src" / "tagcheck" / "catalog" / "data" / "aws_taggable.json"

# --- classification rules (kept small, explicit and documented) -------------
# A repeated top-level block with one of these names and `key` + `value`
# fields is a tag block (aws_autoscaling_group `tag { key value
# propagate_at_launch }`).  Other key/value blocks are selectors or
# parameters (codedeploy ec2_tag_filter, backup selection_tag, eks taint...).
TAG_BLOCK_NAMES = frozenset({"tag", "tags"})
# Top-level string maps, besides `tags`, that set tags on parts of the
# resource (aws_instance / aws_spot_instance_request `volume_tags`).  Other
# top-level `*_tags` maps are selectors or tags for *other* resources
# (fms_policy.resource_tags, dlm target_tags, fsx final_backup_tags ...), and
# the schema cannot tell those apart, so they are not listed.
TOP_LEVEL_NESTED_TAG_MAPS = frozenset({"volume_tags"})
# A string map named `tags` inside a block is a nested tag attribute
# (root_block_device.tags, tag_specifications.tags) unless it sits below one
# of these blocks, where it selects resources by tag instead of setting tags:
# S3 lifecycle / replication / analytics / metrics / intelligent-tiering
# `filter` (and its `and`), aws_s3_bucket's legacy `lifecycle_rule`,
# aws_backup_framework `control.scope`, and aws_s3_object's
# `override_provider.default_tags` (an override of the provider default_tags).
SELECTOR_PARENTS = frozenset({"filter", "and", "scope", "lifecycle_rule", "default_tags"})

# --- parsing of the generated JavaScript -------------------------------------
# One attribute of an `attrs = {...}` object in synthesizeHclAttributes() or a
# `...ToHclTerraform(struct)` function.
HCL_ENTRY = re.compile(
    r'^ +"?(?P<name>[\w-]+)"?: \{\n'
    r" +value: (?P<value>.*?),\n"
    r" +isBlock: (?P<block>true|false),\n"
    r' +type: "(?P<type>\w+)",\n'
    r' +storageClassType: "(?P<sct>\w+)",\n'
    r" +\},?$",
    re.M,
)
HCL_FUNC = re.compile(r"^function (\w+)ToHclTerraform\(struct\) \{\n(.*?)^\}", re.M | re.S)
TF_FUNC = re.compile(r"^function (\w+)ToTerraform\(struct\) \{\n(.*?)^\}", re.M | re.S)
CLASS = re.compile(r"^class (\w+) extends ([\w.]+) \{\n(.*?)^\}", re.M | re.S)
SYNTH_HCL = re.compile(r"^    synthesizeHclAttributes\(\) \{\n(.*?)^    \}", re.M | re.S)
SYNTH_TF = re.compile(r"^    synthesizeAttributes\(\) \{\n(.*?)^    \}", re.M | re.S)
# keys of the object literal returned by a ToTerraform function / synthesizeAttributes
TF_KEY = re.compile(r'^ +"?([\w-]+)"?: ', re.M)
STRUCT_REF = re.compile(r"(\w+)ToHclTerraform\b")
TAGS_ALL_GETTER = re.compile(
    r"""getStringMapAttribute\(['"]tags_all['"]\)|new cdktf\.StringMap\(this, ['"]tags_all['"]\)"""
)


@dataclass
class Attr:
    name: str
    value: str
    is_block: bool
    type: str
    storage: str

    @property
    def is_string_map(self) -> bool:
        return self.storage == "stringMap" and not self.is_block

    @property
    def repeated(self) -> bool:
        # Blocks without max_items = 1 are mapped element-wise with listMapperHcl.
        return "listMapperHcl(" in self.value


@dataclass
class Module:
    """All generated JavaScript of one resource folder (index.js + index-structs)."""

    folder: str
    source: str
    structs: dict[str, list[Attr]] = field(default_factory=dict)


def _strip_source_map(text: str) -> str:
    # The trailing source map embeds the TypeScript source; never parse it.
    return text.split("\n//# sourceMappingURL=", 1)[0]


def _hcl_attrs(body: str) -> list[Attr]:
    return [
        Attr(m["name"], m["value"], m["block"] == "true", m["type"], m["sct"])
        for m in HCL_ENTRY.finditer(body)
    ]


def _tf_keys(body: str) -> list[str]:
    ret = body.rfind("return {")
    if ret < 0:
        return []
    return TF_KEY.findall(body[ret:])


def read_package(tarball: Path) -> tuple[dict, dict[str, str]]:
    """Return (package.json, {folder: concatenated JS}) for the lib/ folders."""
    sources: dict[str, list[tuple[str, str]]] = {}
    package_json = None
    pattern = re.compile(r"^package/lib/([^/]+)/(index\.js|index-structs/[^/]+\.js)$")
    with tarfile.open(tarball, "r:gz") as tf:
        for member in tf:
            if not member.isfile():
                continue
            if member.name == "package/package.json":
                package_json = json.load(tf.extractfile(member))
                continue
            m = pattern.match(member.name)
            if m:
                text = tf.extractfile(member).read().decode("utf-8")
                sources.setdefault(m[1], []).append((m[2], _strip_source_map(text)))
    if package_json is None:
        raise SystemExit(f"{tarball}: no package/package.json -- not an npm package tarball?")
    return package_json, {
        folder: "\n".join(text for _, text in sorted(parts)) for folder, parts in sources.items()
    }


def parse_module(folder: str, source: str, problems: list[str]) -> Module:
    mod = Module(folder, source)
    mod.structs = {m[1]: _hcl_attrs(m[2]) for m in HCL_FUNC.finditer(source)}
    # Check: the HCL and plain serialisers of every struct name the same attributes.
    for m in TF_FUNC.finditer(source):
        hcl = mod.structs.get(m[1])
        if hcl is not None and sorted(a.name for a in hcl) != sorted(_tf_keys(m[2])):
            problems.append(f"{folder}: {m[1]}: ToTerraform and ToHclTerraform disagree")
    return mod


@dataclass
class TypeInfo:
    tags: bool
    tags_all: bool
    tag_blocks: list[str]
    nested_tags: list[str]
    other_tag_maps: list[str]  # for the report only, not written

    def as_json(self) -> dict:
        return {
            "tags": self.tags,
            "tags_all": self.tags_all,
            "tag_blocks": self.tag_blocks,
            "nested_tags": self.nested_tags,
        }


def _walk(mod: Module, attrs: list[Attr], path: tuple[str, ...], out: TypeInfo) -> None:
    for a in attrs:
        here = path + (a.name,)
        dotted = ".".join(here)
        if a.is_string_map and path and a.name == "tags":
            if SELECTOR_PARENTS.isdisjoint(path):
                out.nested_tags.append(dotted)
            else:
                out.other_tag_maps.append(dotted)
        elif a.is_string_map and a.name.endswith("_tags"):
            if not path and a.name in TOP_LEVEL_NESTED_TAG_MAPS:
                out.nested_tags.append(dotted)
            else:
                out.other_tag_maps.append(dotted)
        refs = [r for r in STRUCT_REF.findall(a.value) if r in mod.structs]
        if refs and len(here) < 32:  # schemas are finite; the bound only guards the parser
            _walk(mod, mod.structs[refs[-1]], here, out)


def classify(mod: Module, class_name: str, body: str, problems: list[str]) -> TypeInfo:
    hcl = SYNTH_HCL.search(body)
    if hcl is None:
        problems.append(f"{mod.folder}: {class_name}: no synthesizeHclAttributes()")
        attrs: list[Attr] = []
    else:
        attrs = _hcl_attrs(hcl[1])
        tf = SYNTH_TF.search(body)
        if tf is None or sorted(_tf_keys(tf[1])) != sorted(a.name for a in attrs):
            problems.append(f"{mod.folder}: {class_name}: synthesizeAttributes and HCL disagree")
    top = {a.name: a for a in attrs}
    tags_attr = top.get("tags")
    # A resource's own tags are an optional string map (the provider's tag
    # schema); a *required* `tags` map is a selector (aws_inspector_resource_group).
    tags = bool(tags_attr and tags_attr.is_string_map and "resetTags()" in body)
    # tags_all: settable (SDK resources: optional+computed) or computed-only
    # (plugin-framework resources), so look at the config and the getters.
    tags_all = ("tags_all" in top and top["tags_all"].is_string_map) or bool(
        TAGS_ALL_GETTER.search(body)
    )
    tag_blocks = []
    for a in attrs:
        if a.is_block and a.repeated and a.name in TAG_BLOCK_NAMES:
            refs = [r for r in STRUCT_REF.findall(a.value) if r in mod.structs]
            fields = {f.name for f in mod.structs[refs[-1]]} if refs else set()
            if {"key", "value"} <= fields:
                tag_blocks.append(a.name)
    info = TypeInfo(tags, tags_all, sorted(tag_blocks), [], [])
    if tags_attr and not tags:
        info.other_tag_maps.append("tags")
    _walk(mod, attrs, (), info)
    info.nested_tags.sort()
    info.other_tag_maps.sort()
    return info


def build(package_json: dict, sources: dict[str, str]) -> tuple[dict, list[str], dict]:
    problems: list[str] = []
    types: dict[str, TypeInfo] = {}
    for folder in sorted(sources):
        mod = parse_module(folder, sources[folder], problems)
        for m in CLASS.finditer(mod.source):
            class_name, base, body = m[1], m[2], m[3]
            if base != "cdktf.TerraformResource":  # data sources, provider, structs
                continue
            t = re.search(rf'^{class_name}\.tfResourceType = "([\w-]+)";', mod.source, re.M)
            if t is None:
                problems.append(f"{folder}: {class_name}: no tfResourceType")
                continue
            if t[1] in types:
                problems.append(f"{folder}: duplicate resource type {t[1]}")
            types[t[1]] = classify(mod, class_name, body, problems)

    provider = package_json.get("cdktf", {}).get("provider", {})
    provider_name = provider.get("name", "")
    provider_name = provider_name.removeprefix("registry.terraform.io/")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    today = (
        _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
        if epoch
        else _dt.datetime.now(_dt.timezone.utc)
    ).date()
    doc = {
        "provider": provider_name,
        "provider_version": provider.get("version", ""),
        "source": f"npm {package_json['name']}@{package_json['version']}",
        "generated": today.isoformat(),
        "types": {name: types[name].as_json() for name in sorted(types)},
    }
    if not provider_name or not doc["provider_version"]:
        problems.append("package.json has no cdktf.provider name/version")
    if len(types) < 1000:
        problems.append(f"only {len(types)} resource types found -- parser out of date?")
    return doc, problems, types


def dump(doc: dict) -> str:
    """JSON with one resource type per line, for readable diffs."""
    head = {k: v for k, v in doc.items() if k != "types"}
    lines = ["{"]
    lines += [f"{json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append('"types": {')
    entries = [
        f"{json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}"
        for name, entry in doc["types"].items()
    ]
    lines.append(",\n".join(entries))
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


def npm_pack(dest: Path, spec: str) -> Path:
    subprocess.run(["npm", "pack", "--loglevel=warn", spec], cwd=dest, check=True, stdout=subprocess.DEVNULL)
    found = glob.glob(str(dest / "*.tgz"))
    if len(found) != 1:
        raise SystemExit(f"npm pack {spec}: expected one .tgz in {dest}, found {found}")
    return Path(found[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tarball", type=Path, help=f"{PACKAGE} .tgz (default: npm pack it)")
    ap.add_argument("--package-version", default=PACKAGE_VERSION,
                    help=f"version to npm pack without --tarball (default {PACKAGE_VERSION})")
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list tag-like maps that were not classified as nested tags")
    args = ap.parse_args(argv)

    if args.tarball:
        package_json, sources = read_package(args.tarball)
    else:
        with tempfile.TemporaryDirectory(prefix="gen_taggable-") as tmp:
            tarball = npm_pack(Path(tmp), f"{PACKAGE}@{args.package_version}")
            package_json, sources = read_package(tarball)

    doc, problems, infos = build(package_json, sources)
    if problems:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(dump(doc), encoding="utf-8")

    types = doc["types"]
    taggable = [n for n, e in types.items() if e["tags"] or e["tag_blocks"]]
    print(
        f"wrote {args.output}: {doc['provider']} {doc['provider_version']}, "
        f"{len(types)} resource types, {len(taggable)} taggable, "
        f"{sum(e['tags_all'] for e in types.values())} with tags_all",
        file=sys.stderr,
    )
    odd = [n for n, e in types.items() if e["tags"] != e["tags_all"]]
    if odd:
        print(f"note: tags without tags_all or vice versa: {', '.join(odd)}", file=sys.stderr)
    if args.verbose:
        for name, info in infos.items():
            if info.other_tag_maps:
                print(f"  not classified: {name}: {', '.join(info.other_tag_maps)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
