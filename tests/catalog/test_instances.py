"""Instance specs generated from moto's DescribeInstanceTypes dump (plus the P3 supplement)."""

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from tagcheck.catalog import instances
from tagcheck.catalog.instances import (
    FAMILY_SUCCESSOR,
    current_generation_equivalent,
    family_members,
    instance_spec,
    instance_types,
    size_rank,
    smaller_sizes,
)

REPO = Path(__file__).resolve().parents[2]
DATA = resources.files("tagcheck.catalog").joinpath("data", "ec2_instance_specs.json")


def _raw() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_importing_reads_no_file():
    code = ("import tagcheck.catalog.instances as i, tagcheck.catalog.prices as p\n"
            "assert i._catalog.cache_info().currsize == 0\n"
            "assert p._index.cache_info().currsize == 0\nassert p._region_prices.cache_info().currsize == 0\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_source_is_recorded():
    raw = _raw()
    assert raw["source"].startswith("moto ") and raw["source"].endswith(" instance_types.json.gz")
    assert instances.SOURCE == raw["source"] == instances.source()
    assert raw["supplement"]["source"] == "aws-docs"


def test_p3_from_the_supplement():
    for name, vcpu, mem, gpus in [("p3.2xlarge", 8, 61.0, 1), ("p3.8xlarge", 32, 244.0, 4),
                                  ("p3.16xlarge", 64, 488.0, 8)]:
        spec = instance_spec(name)
        assert spec is not None
        assert (spec.vcpu, spec.memory_gib, spec.gpus, spec.gpu_model) == (vcpu, mem, gpus, "V100")
        assert (spec.family, spec.source, spec.architectures) == ("p3", "aws-docs", ("x86_64",))


def test_supplement_only_adds_what_moto_lacks():
    raw = _raw()
    supplemented = set(raw["supplement"]["types"])
    assert {n for n, e in raw["types"].items() if e["source"] == "aws-docs"} == supplemented
    for name in ("m4.large", "c4.large", "r4.large", "t2.micro", "p3dn.24xlarge"):
        assert raw["types"][name]["source"] == "moto"


def test_moto_specs():
    m5 = instance_spec("m5.large")
    assert (m5.vcpu, m5.memory_gib, m5.gpus, m5.family, m5.size) == (2, 8.0, 0, "m5", "large")
    assert m5.generation == "current" and m5.architectures == ("x86_64",) and m5.source == "moto"
    g5 = instance_spec("g5.xlarge")
    assert (g5.gpus, g5.gpu_model, g5.family) == (1, "A10G", "g5")
    p4d = instance_spec("p4d.24xlarge")
    assert (p4d.vcpu, p4d.gpus, p4d.gpu_model) == (96, 8, "A100")
    assert instance_spec("m6g.large").architectures == ("arm64",)
    assert instance_spec("m4.large").generation == "previous"
    assert instance_spec("c4.large").generation == "previous"
    assert instance_spec("t3.micro").generation == "current"
    assert instance_spec("nope.large") is None and instance_spec("") is None


def test_generation_corrections_are_recorded():
    raw = _raw()
    fixed = raw["generation_corrections"]["families"]
    assert {"m5", "m6i", "r5", "c5", "g5"} <= set(fixed)
    for family in fixed:
        assert all(s.generation == "current" for s in family_members(family))


def test_rds_class_uses_its_ec2_twin():
    spec = instance_spec("db.r5.2xlarge")
    assert spec == instance_spec("r5.2xlarge")
    assert (spec.vcpu, spec.memory_gib) == (8, 64.0)
    assert instance_spec("db.t4g.large").memory_gib == 8.0
    assert instance_spec("db.serverless") is None
    assert instance_spec("db.t3.nano") is None  # not sold as an RDS class


def test_size_rank_order():
    order = ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "3xlarge", "4xlarge",
             "8xlarge", "12xlarge", "24xlarge", "48xlarge", "metal", "metal-48xl"]
    ranks = [size_rank(s) for s in order]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert size_rank("112xlarge") > size_rank("48xlarge")  # unknown sizes rank by their number


def test_family_members_sorted_small_to_large():
    names = [s.name for s in family_members("t3")]
    assert names == ["t3.nano", "t3.micro", "t3.small", "t3.medium", "t3.large", "t3.xlarge", "t3.2xlarge"]
    m5 = family_members("m5")
    assert [(s.vcpu, s.memory_gib) for s in m5] == sorted((s.vcpu, s.memory_gib) for s in m5)
    assert family_members("unknown") == []


def test_smaller_sizes():
    names = [s.name for s in smaller_sizes("m5.4xlarge")]
    assert names == ["m5.2xlarge", "m5.xlarge", "m5.large"]
    assert smaller_sizes("t3.nano") == []
    assert [s.name for s in smaller_sizes("db.r5.2xlarge")] == ["r5.xlarge", "r5.large"]
    assert "t3.nano" not in [s.name for s in smaller_sizes("db.t3.medium")]
    # no "smaller" type with more GPUs: g5.12xlarge (4 GPUs) is not below g5.16xlarge (1 GPU)
    assert "g5.12xlarge" not in [s.name for s in smaller_sizes("g5.16xlarge")]
    assert smaller_sizes("nope.large") == []


def test_current_generation_equivalent():
    successor = current_generation_equivalent("m4.large")
    assert successor == "m6i.large"
    spec = instance_spec(successor)
    assert spec is not None and spec.generation == "current"
    assert current_generation_equivalent("c4.xlarge") == "c6i.xlarge"
    assert current_generation_equivalent("r4.2xlarge") == "r6i.2xlarge"
    assert current_generation_equivalent("t2.micro") == "t3.micro"
    assert current_generation_equivalent("db.m4.large") == "db.m6i.large"
    assert current_generation_equivalent("p3.2xlarge") is None  # no same-size successor
    assert current_generation_equivalent("c4.8xlarge") is None  # c6i.8xlarge has fewer vCPUs
    assert current_generation_equivalent("m5.large") is None  # current
    assert current_generation_equivalent("nope.large") is None


def test_every_successor_is_a_current_family():
    for old, new in FAMILY_SUCCESSOR.items():
        if new is not None:
            members = family_members(new)
            assert members and all(s.generation == "current" for s in members), new


def test_generator_reproduces_the_committed_file(tmp_path):
    out = tmp_path / "specs.json"
    subprocess.run([sys.executable, str(REPO / "tools" / "gen_instance_specs.py"), "--output", str(out)],
                   check=True, capture_output=True, text=True)
    assert out.read_bytes() == DATA.read_bytes()


@pytest.mark.parametrize("name", ["p3.2xlarge", "m5.large", "t3.micro", "g4dn.xlarge", "inf2.xlarge", "trn1.2xlarge"])
def test_headline_types_exist(name):
    assert instance_spec(name) is not None


def test_specs_built_on_demand_are_the_whole_file():
    """The catalogue builds specs when asked: every type of the file is reachable by name and
    through its family, with the file's figures, and nothing else is."""
    raw = _raw()["types"]
    assert set(instance_types()) == set(raw)
    by_family: dict[str, set[str]] = {}
    for name, entry in raw.items():
        spec = instance_spec(name)
        assert (spec.family, spec.size, spec.vcpu, spec.memory_gib, spec.gpus, spec.generation) == (
            entry["family"], entry["size"], entry["vcpu"], entry["memory_gib"], entry["gpus"], entry["generation"])
        by_family.setdefault(entry["family"], set()).add(name)
    for family, names in by_family.items():
        assert {s.name for s in family_members(family)} == names
