"""The shipped price catalogue and its loader."""

import json
from importlib import resources

import pytest

from tagcheck.catalog.instances import instance_spec
from tagcheck.catalog.prices import HOURS_PER_MONTH, PriceBook, default_pricebook, load_overrides

DATA = resources.files("tagcheck.catalog").joinpath("data", "prices_aws.json")
REGIONS = ("eu-central-1", "eu-west-1", "us-east-1", "us-west-2")


def _raw() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def book():
    return default_pricebook()


def test_source_and_as_of(book):
    assert book.source == "AWS public on-demand list prices (pricing pages / Price List API), transcribed"
    assert book.as_of.startswith("2025-")
    assert book.regions() == REGIONS
    assert default_pricebook() is book


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
    assert book.ec2_hourly("ap-south-1", "m5.large") is None
    assert book.ec2_hourly("us-east-1", "m5.huge") is None
    assert book.ec2_hourly("eu-west-1", "p5.48xlarge") is None
    assert book.rds_hourly("eu-west-1", "db.r5.large") is None
    assert book.ebs_gb_month("us-east-1", "gp9") is None
    assert book.s3_gb_month("us-east-1", "REDUCED_REDUNDANCY") is None
    assert book.hourly("us-east-1", "nat") is None
    assert book.per_gb("mars-1", "nat_gateway_gb") is None
    assert book.ebs_throughput_month("mars-1") is None


def test_every_ec2_price_has_a_spec():
    raw = _raw()
    missing = {t for region in raw["regions"].values() for t in region["ec2"] if instance_spec(t) is None}
    assert not missing
    rds = {c for region in raw["regions"].values() for table in region.get("rds", {}).values() for c in table}
    assert rds and not {c for c in rds if instance_spec(c) is None}


def test_every_region_has_the_core_items():
    raw = _raw()
    shapes = {}
    for name, region in raw["regions"].items():
        shapes[name] = (
            tuple(sorted(region["ebs"]["gb_month"])), tuple(sorted(region["ebs"]["iops_month"])),
            "gp3_throughput_mbps_month" in region["ebs"], "snapshot_gb_month" in region["ebs"],
            tuple(sorted(region["s3"])), tuple(sorted(region["hourly"])), tuple(sorted(region["per_gb"])),
            {"gp2", "gp3"} <= set(region["rds_storage"]),
        )
    assert len(set(shapes.values())) == 1, shapes
    assert set(raw["regions"]["us-east-1"]["hourly"]) >= {"nat_gateway", "public_ipv4", "alb", "nlb", "clb", "eks_cluster"}
    assert set(raw["regions"]["us-east-1"]["per_gb"]) == {"nat_gateway_gb", "cloudwatch_logs_ingest_gb",
                                                          "cloudwatch_logs_storage_gb"}


def test_every_price_is_a_positive_number():
    def leaves(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from leaves(v, f"{path}.{k}")
        else:
            yield path, node
    for path, value in leaves(_raw()["regions"]):
        assert isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0, path


def test_regional_prices_are_plausible(book):
    """EU list prices sit at or above N. Virginia's; Oregon equals it."""
    raw = _raw()
    base = raw["regions"]["us-east-1"]["ec2"]
    for region in ("eu-west-1", "eu-central-1"):
        for itype, price in raw["regions"][region]["ec2"].items():
            assert base[itype] <= price <= base[itype] * 1.3, (region, itype)
    assert raw["regions"]["us-west-2"]["ec2"].items() <= base.items()


def test_overrides_deep_merge():
    negotiated = PriceBook({"regions": {"us-east-1": {"ec2": {"p3.2xlarge": 2.2}}}})
    assert negotiated.ec2_hourly("us-east-1", "p3.2xlarge") == 2.2
    assert negotiated.ec2_hourly("us-east-1", "m5.large") == 0.096  # others unchanged
    assert negotiated.ec2_hourly("us-west-2", "p3.2xlarge") == 3.06
    assert negotiated.hourly("us-east-1", "nat_gateway") == 0.045
    assert negotiated.overridden and negotiated.source == default_pricebook().source
    # the default book is not changed by an override
    assert default_pricebook().ec2_hourly("us-east-1", "p3.2xlarge") == 3.06


def test_override_shorthand_and_new_entries():
    book = PriceBook({"us-east-1": {"ec2": {"x9.large": 1.5}}, "ap-south-1": {"hourly": {"nat_gateway": 0.056}},
                      "spot_discount": {"p3": 0.8}})
    assert book.ec2_hourly("us-east-1", "x9.large") == 1.5
    assert book.ec2_hourly("us-east-1", "m5.large") == 0.096
    assert book.hourly("ap-south-1", "nat_gateway") == 0.056
    assert "ap-south-1" in book.regions()
    assert book.spot_discount("p3.2xlarge") == 0.8
    assert book.spot_discount("g5.xlarge") == 0.65  # untouched


def test_spot_discount(book):
    raw = _raw()["spot_discount"]
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
