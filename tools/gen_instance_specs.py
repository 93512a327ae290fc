#!/usr/bin/env python3
"""Generate tagcheck's EC2 instance-spec catalogue from the data shipped in moto.

Reads ``moto/ec2/resources/instance_types.json.gz`` of the installed moto (an
``ec2:DescribeInstanceTypes`` dump that moto keeps up to date) and writes
``src/tagcheck/catalog/data/ec2_instance_specs.json``: for every instance type its
vCPUs, memory (GiB), GPU count and model, family (the text before the dot), size
(the text after it), generation ("current" / "previous") and CPU architectures.

Why: DESIGN.md section 4 -- instance specs come with the price catalogue, generated
rather than typed, so right-sizing advice ("the next smaller size that fits") and
the previous-generation lever rest on AWS's own data.

Two small, explicit corrections, both recorded in the output file:

* ``SUPPLEMENT`` -- types that moto's dump no longer lists but that still run in
  accounts and Terraform code (P3, the classic V100 training instance), copied from
  AWS's published specs and marked ``"source": "aws-docs"``.  An entry is used
  only while moto lacks the type; m4, c4, r4 and t2 are in moto and come from it.
* ``GENERATION_CORRECTIONS`` -- families whose ``CurrentGeneration`` flag in
  moto 5.2.5 contradicts AWS's published list of current-generation instance
  types (M5, M6i, C5, R5, R6i, R7g, G5 ... are current generation there; moto
  flags them previous while flagging their older siblings R6g or G4dn current,
  an artefact of the dump).  The correction is applied only where moto says
  "previous" for a family listed here, so a later moto that fixes its data
  changes nothing.

Standard library only; the output is deterministic (sorted, no timestamps), so
re-running the script with the same moto reproduces the committed file byte for
byte (tests/catalog/test_instances.py checks that).  Usage::

    python tools/gen_instance_specs.py [--output PATH]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import importlib.resources
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "src" / "tagcheck" / "catalog" / "data" / "ec2_instance_specs.json"

# Instance types missing from moto's dump, from AWS's published specifications
# (docs.aws.amazon.com/ec2/latest/instancetypes/ac.html, "Accelerated computing").
# vcpu, memory in GiB, GPUs; keep this short and add a type only when moto lacks it.
SUPPLEMENT: dict[str, dict] = {
    "p3.2xlarge": {"vcpu": 8, "memory_gib": 61.0, "gpus": 1, "gpu_model": "V100",
                   "generation": "current", "architectures": ["x86_64"]},
    "p3.8xlarge": {"vcpu": 32, "memory_gib": 244.0, "gpus": 4, "gpu_model": "V100",
                   "generation": "current", "architectures": ["x86_64"]},
    "p3.16xlarge": {"vcpu": 64, "memory_gib": 488.0, "gpus": 8, "gpu_model": "V100",
                    "generation": "current", "architectures": ["x86_64"]},
}

# Families AWS lists as current generation although moto's dump flags them previous.
GENERATION_CORRECTIONS: tuple[str, ...] = (
    "c5", "c6gn", "g5", "m5", "m6i", "r5", "r6i", "r7g", "r7gd",
)
CORRECTION_REASON = (
    "moto's CurrentGeneration flag is false for these families, which AWS's instance-type "
    "documentation lists as current generation; set to current"
)


def moto_version() -> str:
    return importlib.metadata.version("moto")


def read_moto_types() -> dict[str, dict]:
    path = importlib.resources.files("moto.ec2").joinpath("resources", "instance_types.json.gz")
    return json.loads(gzip.decompress(path.read_bytes()))


def spec_from_moto(name: str, info: dict) -> dict:
    family, _, size = name.partition(".")
    gpus = (info.get("GpuInfo") or {}).get("Gpus") or []
    models = sorted({g["Name"] for g in gpus if g.get("Name")})
    generation = "current" if info.get("CurrentGeneration") else "previous"
    if generation == "previous" and family in GENERATION_CORRECTIONS:
        generation = "current"
    entry = {
        "vcpu": int(info["VCpuInfo"]["DefaultVCpus"]),
        "memory_gib": round(info["MemoryInfo"]["SizeInMiB"] / 1024, 3),
        "gpus": sum(int(g.get("Count", 0)) for g in gpus),
        "family": family,
        "size": size,
        "generation": generation,
        "architectures": sorted((info.get("ProcessorInfo") or {}).get("SupportedArchitectures") or []),
        "source": "moto",
    }
    if models:
        entry["gpu_model"] = "+".join(models)
    return entry


def spec_from_supplement(name: str, row: dict) -> dict:
    family, _, size = name.partition(".")
    entry = {
        "vcpu": row["vcpu"],
        "memory_gib": float(row["memory_gib"]),
        "gpus": row["gpus"],
        "family": family,
        "size": size,
        "generation": row["generation"],
        "architectures": list(row["architectures"]),
        "source": "aws-docs",
    }
    if row.get("gpu_model"):
        entry["gpu_model"] = row["gpu_model"]
    return entry


def build() -> dict:
    moto_types = read_moto_types()
    types = {name: spec_from_moto(name, info) for name, info in moto_types.items()}
    supplemented = []
    for name, row in SUPPLEMENT.items():
        if name not in types:
            types[name] = spec_from_supplement(name, row)
            supplemented.append(name)
    corrected = sorted({f for f in GENERATION_CORRECTIONS
                        if any(not info.get("CurrentGeneration") and n.partition(".")[0] == f
                               for n, info in moto_types.items())})
    return {
        "source": f"moto {moto_version()} instance_types.json.gz",
        "generated_by": "tools/gen_instance_specs.py",
        "supplement": {
            "source": "aws-docs",
            "note": "types moto lacks, from AWS's published instance specifications",
            "types": sorted(supplemented),
        },
        "generation_corrections": {"families": corrected, "reason": CORRECTION_REASON},
        "types": dict(sorted(types.items())),
    }


def render(doc: dict) -> str:
    """JSON with one instance type per line (readable diffs, a small file)."""
    head = {k: v for k, v in doc.items() if k != "types"}
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, sort_keys=True)},")
    lines.append('  "types": {')
    items = list(doc["types"].items())
    for i, (name, entry) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"    {json.dumps(name)}: {json.dumps(entry, sort_keys=True)}{comma}")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON")
    args = parser.parse_args(argv)
    doc = build()
    text = render(doc)
    json.loads(text)  # the hand-made layout must still be valid JSON
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    counts = {g: sum(1 for e in doc["types"].values() if e["generation"] == g) for g in ("current", "previous")}
    print(f"wrote {args.output}: {len(doc['types'])} instance types "
          f"({counts['current']} current, {counts['previous']} previous; "
          f"{len(doc['supplement']['types'])} from the supplement)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
