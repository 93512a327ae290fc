"""The shipped price catalogue and its loader."""

import json
import re
import subprocess
import sys
from importlib import resources

import pytest

from tagcheck.catalog.instances import instance_spec
from tagcheck.catalog.prices import HOURS_PER_MONTH, PriceBook, default_pricebook, load_overrides

DATA = resources.files("tagcheck.catalog").joinpath("data")
REGIONS_WITHOUT_A_SOURCE = ("ap-east-2", "ap-southeast-6")  # opened after the newest table converted
SECTIONS = ("ec2", "rds", "rds_storage", "rds_iops", "ebs", "s3", "hourly", "per_gb")
# Retired types the price tables still list but moto's instance data does not: priced, no spec.
NO_SPEC = {"c6gn.metal", "cr1.8xlarge", "dl1.24xlarge", "f1.16xlarge", "f1.2xlarge", "f1.4xlarge", "g2.2xlarge",
           "g2.8xlarge", "g3.16xlarge", "g3.4xlarge", "g3.8xlarge", "g3s.xlarge", "g4ad.16xlarge", "g4ad.2xlarge",
           "g4ad.4xlarge", "g4ad.8xlarge", "g4ad.xlarge", "i3.metal", "p2.16xlarge", "p2.8xlarge", "p2.xlarge",
           "u-12tb1.112xlarge", "u-18tb1.112xlarge", "u-24tb1.112xlarge", "u-9tb1.112xlarge",
           "db.x2g.12xlarge", "db.x2g.16xlarge", "db.x2g.2xlarge", "db.x2g.4xlarge", "db.x2g.8xlarge",
           "db.x2g.large", "db.x2g.xlarge"}


def _index() -> dict:
    return json.loads(DATA.joinpath("prices_aws.json").read_text(encoding="utf-8"))


def _region(region: str) -> dict:
    return json.loads(DATA.joinpath(f"prices_aws_{region}.json").read_text(encoding="utf-8"))


def _commercial_regions() -> list[str]:
    import botocore.loaders

    partitions = botocore.loaders.Loader().load_data("endpoints")["partitions"]
    return sorted(next(p for p in partitions if p["partition"] == "aws")["regions"])


@pytest.fixture(scope="module")
def book():
    return default_pricebook()


def test_source_and_as_of(book):
    assert "AWS Price List" in book.source
    assert book.as_of == "2024-07 to 2026-07"  # the span of the sources' publication months
    assert default_pricebook() is book


def test_every_commercial_region_has_ec2_or_a_named_gap(book):
    commercial = _commercial_regions()
    index = _index()
    gaps = {(g["region"], g["section"]) for g in index["gaps"] if "types" not in g}
    for region in commercial:
        if region in REGIONS_WITHOUT_A_SOURCE:
            assert region not in book.regions() and (region, "*") in gaps
            assert book.ec2_hourly(region, "m5.large") is None
            continue
        assert index["regions"][region]["ec2"] in index["sources"], region
        assert book.ec2_hourly(region, "t3.micro") or book.ec2_hourly(region, "m5.large"), region
        for section in SECTIONS:  # every section: a source, or a gap that says why not
            assert section in index["regions"][region] or (region, section) in gaps, (region, section)
    assert set(book.regions()) == set(commercial) - set(REGIONS_WITHOUT_A_SOURCE)
    assert len(book.regions()) == 32


def test_region_files_hold_exactly_the_sections_the_index_credits():
    index = _index()
    for region, sections in index["regions"].items():
        assert set(_region(region)) == set(sections), region


def test_provenance_fields_present(book):
    index = _index()
    for source_id, record in index["sources"].items():
        assert record["kind"] and record["publication_date"], source_id
        if record["kind"] == "repository-table":
            assert record["repository"] and record["path"] and re.fullmatch(r"[0-9a-f]{40}", record["commit"])
    assert book.provenance("us-east-1", "ec2")["repository"] == "aws/karpenter-provider-aws"
    rds = book.provenance("eu-west-1", "rds")
    assert (rds["id"], rds["repository"], rds["publication_date"]) == ("ec2shop/rds", "yeo/ec2.shop",
                                                                       "2024-09-28T00:07:42Z")
    assert book.provenance("us-east-1", "s3")["kind"] == "transcribed"
    assert book.provenance("eu-west-2", "s3") is None and book.provenance("ap-east-2", "ec2") is None


def test_rds_in_eu_west_1_and_eu_central_1(book):
    assert book.rds_hourly("eu-west-1", "db.t3.micro") == 0.02
    assert book.rds_hourly("eu-west-1", "db.t3.micro", "mysql") == 0.018
    assert book.rds_hourly("eu-central-1", "db.t3.micro", "postgres") == 0.021
    assert book.rds_hourly("eu-central-1", "db.t3.micro", "postgres", multi_az=True) == 0.042
    assert book.rds_storage_gb_month("eu-west-1", "gp3") == 0.127
    assert book.rds_iops_month("eu-west-1", "gp3") == 0.022


def test_stale_types_are_gaps_not_old_prices(book):
    """p5.48xlarge: $98.32/h in the April 2025 regional maps, $55.04/h after AWS's June 2025
    cut; a region whose only source predates the cut has no price for it, and says why."""
    assert book.ec2_hourly("us-east-1", "p5.48xlarge") == 55.04
    for region in ("us-west-2", "eu-west-1"):
        assert book.ec2_hourly(region, "p5.48xlarge") is None
        assert any(g.get("types") == ["p5.48xlarge"] for g in book.gaps(region))
    assert not any("types" in g for g in book.gaps("us-east-1"))


@pytest.mark.parametrize("itype, price", [
    ("p3.2xlarge", 3.06), ("t3.micro", 0.0104), ("m5.large", 0.096), ("g4dn.xlarge", 0.526),
    ("m4.large", 0.10), ("m6i.large", 0.096),
])
def test_headline_ec2_us_east_1(book, itype, price):
    assert book.ec2_hourly("us-east-1", itype) == price


def test_p3_month(book):
    assert round(book.ec2_hourly("us-east-1", "p3.2xlarge") * HOURS_PER_MONTH, 2) == 2233.8


def test_headline_items_us_east_1(book):
    r = "us-east-1"
    assert book.ebs_gb_month(r, "gp2") == 0.10
    assert book.ebs_gb_month(r, "gp3") == 0.08
    assert book.s3_gb_month(r, "STANDARD") == 0.023
    assert book.hourly(r, "nat_gateway") == 0.045
    assert book.hourly(r, "public_ipv4") == 0.005
    assert book.hourly(r, "elastic_ip") == 0.005
    assert book.hourly(r, "alb") == 0.0225
    assert book.hourly(r, "nlb") == 0.0225
    assert book.hourly(r, "eks_cluster") == 0.10
    assert book.per_gb(r, "nat_gateway_gb") == 0.045
    assert book.ebs_iops_month(r, "io1") == 0.065
    assert book.ebs_iops_month(r, "gp3") == 0.005
    assert book.ebs_throughput_month(r) == 0.04
    assert book.snapshot_gb_month(r) == 0.05
    assert book.s3_gb_month(r, "glacier_ir") == 0.004
    assert book.s3_gb_month(r, "DEEP_ARCHIVE") == 0.00099


def test_rds(book):
    r = "us-east-1"
    assert book.rds_hourly(r, "db.r5.2xlarge", "postgres") == 1.00
    assert book.rds_hourly(r, "db.r5.2xlarge", "postgres", multi_az=True) == 2.00
    assert book.rds_hourly(r, "db.t4g.large") == 0.129
    assert book.rds_hourly(r, "db.t3.micro", "mysql") == 0.017
    assert book.rds_hourly(r, "db.t3.micro", "mariadb") == book.rds_hourly(r, "db.t3.micro", "mysql")
    assert book.rds_hourly(r, "db.r5.2xlarge", "aurora-postgresql") is None
    assert book.rds_hourly(r, "db.r5.2xlarge", "sqlserver-se") is None
    assert book.rds_hourly(r, "db.r5.2xlarge", None) is None
    assert book.rds_storage_gb_month(r, "gp3") == 0.115
    assert book.rds_storage_gb_month(r, "gp3", multi_az=True) == 0.23


def test_unknown_is_none_never_a_guess(book):
    assert book.ec2_hourly("ap-southeast-6", "m5.large") is None
    assert book.ec2_hourly("us-east-1", "m5.huge") is None
    assert book.ec2_hourly("eu-west-1", "p5.48xlarge") is None
    assert book.rds_hourly("mx-central-1", "db.t3.micro") is None  # named gap: the RDS table predates it
    assert book.ebs_gb_month("us-east-1", "gp9") is None
    assert book.s3_gb_month("us-east-1", "REDUCED_REDUNDANCY") is None
    assert book.s3_gb_month("eu-west-2", "STANDARD") is None  # S3 is transcribed for four regions
    assert book.hourly("us-east-1", "nat") is None
    assert book.per_gb("mars-1", "nat_gateway_gb") is None
    assert book.ebs_throughput_month("mars-1") is None
    assert book.ec2_hourly("../prices_aws", "m5.large") is None


def test_every_price_has_a_spec_but_retired_types():
    index = _index()
    missing = set()
    for region in index["regions"]:
        doc = _region(region)
        missing |= {t for t in doc.get("ec2", {}) if instance_spec(t) is None}
        missing |= {c for table in doc.get("rds", {}).values() for c in table if instance_spec(c) is None}
    assert missing <= NO_SPEC, sorted(missing - NO_SPEC)


def test_every_price_is_a_positive_number():
    def leaves(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from leaves(v, f"{path}.{k}")
        else:
            yield path, node
    for region in _index()["regions"]:
        for path, value in leaves(_region(region)):
            assert isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0, (region, path)


def test_regional_prices_are_plausible(book):
    """No region lists a type at under 0.6x or over 2.2x N. Virginia's price (Mumbai and
    Hyderabad are the cheapest, São Paulo the dearest)."""
    base = _region("us-east-1")["ec2"]
    for region in book.regions():
        for itype, price in _region(region)["ec2"].items():
            if itype in base:
                assert 0.6 * base[itype] <= price <= 2.2 * base[itype], (region, itype, price, base[itype])


def test_a_lookup_reads_only_its_region():
    code = ("from tagcheck.catalog import prices as p\n"
            "p.default_pricebook().ec2_hourly('eu-west-1', 'm5.large')\n"
            "assert p._region_prices.cache_info().currsize == 1, p._region_prices.cache_info()\n"
            "assert len(p.default_pricebook().regions()) == 32\n"
            "assert p._region_prices.cache_info().currsize == 1\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_overrides_deep_merge():
    negotiated = PriceBook({"regions": {"us-east-1": {"ec2": {"p3.2xlarge": 2.2}}}})
    assert negotiated.ec2_hourly("us-east-1", "p3.2xlarge") == 2.2
    assert negotiated.ec2_hourly("us-east-1", "m5.large") == 0.096  # others unchanged
    assert negotiated.ec2_hourly("us-west-2", "p3.2xlarge") == 3.06
    assert negotiated.hourly("us-east-1", "nat_gateway") == 0.045
    assert negotiated.overridden and negotiated.source == default_pricebook().source
    assert negotiated.provenance("us-east-1", "ec2")["overridden"] is True
    assert "overridden" not in negotiated.provenance("us-east-1", "rds")
    # the default book is not changed by an override
    assert default_pricebook().ec2_hourly("us-east-1", "p3.2xlarge") == 3.06


def test_override_shorthand_and_new_entries():
    book = PriceBook({"us-east-1": {"ec2": {"x9.large": 1.5}}, "ap-south-1": {"hourly": {"nat_gateway": 0.056}},
                      "spot_discount": {"p3": 0.8}})
    assert book.ec2_hourly("us-east-1", "x9.large") == 1.5
    assert book.ec2_hourly("us-east-1", "m5.large") == 0.096
    assert book.hourly("ap-south-1", "nat_gateway") == 0.056
    assert book.ec2_hourly("ap-south-1", "m5.large") == default_pricebook().ec2_hourly("ap-south-1", "m5.large")
    assert "ap-south-1" in book.regions()
    assert PriceBook({"ap-southeast-6": {"ec2": {"m5.large": 0.12}}}).ec2_hourly("ap-southeast-6", "m5.large") == 0.12
    assert PriceBook({"ap-southeast-6": {"ec2": {"m5.large": 0.12}}}).provenance("ap-southeast-6", "ec2")["kind"] == "override"
    assert book.spot_discount("p3.2xlarge") == 0.8
    assert book.spot_discount("g5.xlarge") == 0.65  # untouched


def test_spot_discount(book):
    raw = _index()["spot_discount"]
    assert book.spot_discount("p3.2xlarge") == raw["p3"] == 0.7
    assert book.spot_discount("g4dn.xlarge") == 0.7
    assert book.spot_discount("t3.micro") == raw["t3"]
    assert book.spot_discount("x2iedn.xlarge") == raw["default"] == 0.6
    assert book.spot_discount("") == raw["default"]
    assert 0 < min(raw.values()) and max(raw.values()) < 1


@pytest.mark.parametrize("bad, message", [
    ({"regions": {"us-east-1": {"ec2": {"m5.large": "cheap"}}}}, "us-east-1.ec2.m5.large"),
    ({"regions": {"us-east-1": {"ec2": {"m5.large": -1}}}}, "m5.large"),
    ({"regions": {"us-east-1": {"compute": {}}}}, "unknown section 'compute'"),
    ({"spot_discount": {"p3": 1.5}}, "spot_discount.p3"),
    ({"bogus": 1}, "unknown key 'bogus'"),
    ({"us-east-1": {"ebs": {"gb_month": {"gp3": True}}}}, "ebs.gb_month.gp3"),
])
def test_bad_overrides(bad, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        PriceBook(bad)


def test_load_overrides_mapping_and_files(tmp_path):
    assert load_overrides(None, None) == {}
    mapping = {"us-east-1": {"ec2": {"m5.large": 0.08}}}
    assert load_overrides(mapping, None) == mapping
    (tmp_path / "prices.yaml").write_text("regions:\n  us-east-1:\n    ec2:\n      p3.2xlarge: 2.5\n"
                                          "spot_discount:\n  p3: 0.75\n", encoding="utf-8")
    (tmp_path / "prices.json").write_text(json.dumps({"us-west-2": {"hourly": {"nat_gateway": 0.04}}}),
                                          encoding="utf-8")
    data = load_overrides("prices.yaml", tmp_path)
    book = PriceBook(data)
    assert book.ec2_hourly("us-east-1", "p3.2xlarge") == 2.5 and book.spot_discount("p3.8xlarge") == 0.75
    assert PriceBook(load_overrides("prices.json", tmp_path)).hourly("us-west-2", "nat_gateway") == 0.04
    assert load_overrides(str(tmp_path / "prices.json"), None)  # absolute path, no base dir


def test_load_overrides_errors(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        load_overrides("missing.yaml", tmp_path)
    (tmp_path / "broken.yaml").write_text("regions:\n  us-east-1: [\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.yaml:\d+: invalid YAML"):
        load_overrides("broken.yaml", tmp_path)
    (tmp_path / "broken.json").write_text('{"regions": }', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json:1: invalid JSON"):
        load_overrides("broken.json", tmp_path)
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"list\.yaml: price overrides: expected a mapping"):
        load_overrides("list.yaml", tmp_path)
    (tmp_path / "typo.yaml").write_text("us-east-1:\n  ec2:\n    m5.large: abc\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"typo\.yaml: .*m5\.large"):
        load_overrides("typo.yaml", tmp_path)
    with pytest.raises(ValueError, match="mapping or a path"):
        load_overrides(42, tmp_path)
