"""tools/price_list_offer.py: the AWS Price List bulk offer-file reader, on small files in that format.

tests/catalog/data/offer_ec2.json and offer_rds.json hold a few products and terms each,
among them the ones that must be filtered out: Windows, dedicated tenancy, bring-your-own
licence, pre-installed SQL, an unused capacity reservation, a Local Zone, GovCloud, Multi-AZ,
Aurora and Oracle, EBS storage in the EC2 offer, and Reserved terms cheaper than on-demand.
"""

import copy
import json
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "tools"
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(TOOLS))

import price_catalogue  # noqa: E402
import price_list_offer as offer  # noqa: E402


@pytest.fixture(scope="module")
def ec2_doc():
    return offer.load(DATA / "offer_ec2.json")


@pytest.fixture(scope="module")
def rds_doc():
    return offer.load(DATA / "offer_rds.json")


def test_ec2_keeps_linux_shared_on_demand_only(ec2_doc):
    tables = offer.ec2_prices(ec2_doc)
    # us-gov-west-1 and the Boston Local Zone are not commercial regions
    assert set(tables) == {"eu-west-1", "us-east-1"}
    # m5.large: the Linux / shared / NA / Used / no-licence SKU, not Windows (0.199),
    # dedicated (0.118), BYOL (0.090), SQL Web (0.132) or the unused reservation
    assert tables["eu-west-1"]["ec2"] == {"m5.large": 0.107, "t3.micro": 0.0114, "m5.metal": 5.136}
    assert tables["us-east-1"]["ec2"] == {"m5.large": 0.096}


def test_reserved_terms_are_never_read(ec2_doc):
    prices = offer.ec2_prices(ec2_doc)["eu-west-1"]["ec2"]
    assert 0.067 not in prices.values() and 0.0071 not in prices.values()
    # with its on-demand term gone the SKU has no price, and is not priced from Reserved
    doc = copy.deepcopy(ec2_doc)
    del doc["terms"]["OnDemand"]["EC2LINUXT3MICRO1"]
    assert "t3.micro" not in offer.ec2_prices(doc)["eu-west-1"]["ec2"]


@pytest.mark.parametrize("sku, attr, value", [
    ("EC2WINDOWSM5LRG1", "operatingSystem", "Windows"),
    ("EC2DEDICATEDM5L1", "tenancy", "Dedicated"),
    ("EC2UNUSEDCRM5LG1", "capacitystatus", "UnusedCapacityReservation"),
    ("EC2BYOLRHELM5LG1", "licenseModel", "Bring your own license"),
    ("EC2SQLWEBM5LRGE1", "preInstalledSw", "SQL Web"),
])
def test_each_filter_alone_excludes_its_product(ec2_doc, sku, attr, value):
    """Make the filtered product the only m5.large: it must not be priced."""
    doc = copy.deepcopy(ec2_doc)
    for other in ("EC2LINUXM5LARGE1",) + tuple(s for s in ("EC2WINDOWSM5LRG1", "EC2DEDICATEDM5L1", "EC2UNUSEDCRM5LG1",
                                                             "EC2BYOLRHELM5LG1", "EC2SQLWEBM5LRGE1") if s != sku):
        del doc["products"][other]
    assert doc["products"][sku]["attributes"][attr] == value
    assert "m5.large" not in offer.ec2_prices(doc)["eu-west-1"]["ec2"]
    # and the same product with that one attribute fixed is priced
    doc["products"][sku]["attributes"].update({attr: offer.EC2_FILTERS[attr]}, operation="RunInstances")
    assert "m5.large" in offer.ec2_prices(doc)["eu-west-1"]["ec2"]


def test_two_prices_for_one_type_are_an_error_naming_both_skus(ec2_doc):
    doc = copy.deepcopy(ec2_doc)
    twin = copy.deepcopy(doc["products"]["EC2LINUXM5LARGE1"])
    twin["sku"] = "EC2TWINM5LARGE01"
    doc["products"]["EC2TWINM5LARGE01"] = twin
    term = json.loads(json.dumps(doc["terms"]["OnDemand"]["EC2LINUXM5LARGE1"]).replace("0.1070000000", "0.1100000000"))
    doc["terms"]["OnDemand"]["EC2TWINM5LARGE01"] = term
    with pytest.raises(offer.OfferError, match=r"m5\.large is priced twice: 0\.107 \(SKU EC2LINUXM5LARGE1\) "
                                               r"and 0\.11 \(SKU EC2TWINM5LARGE01\)"):
        offer.ec2_prices(doc)


def test_rds_single_az_postgres_and_mysql_storage_and_iops(rds_doc):
    tables = offer.rds_prices(rds_doc)
    assert tables == {"eu-west-1": {
        "rds": {"postgres": {"db.t3.micro": 0.02}, "mysql": {"db.t3.micro": 0.018}},  # no Multi-AZ, MariaDB, Aurora, Oracle BYOL
        "rds_storage": {"gp3": 0.127},  # the Multi-AZ storage SKU is left out
        "rds_iops": {"io1": 0.11, "gp3": 0.022},
    }}


def test_describe_records_the_offer_version_and_date(ec2_doc):
    record = offer.describe(ec2_doc, "offer_ec2.json")
    assert record["offer_code"] == "AmazonEC2" and record["version"] == "20260715181513"
    assert record["publication_date"] == "2026-07-15T18:15:13Z" and record["kind"] == "aws-price-list-offer"


def test_files_that_are_not_offers_are_refused_with_their_name(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"products": {', encoding="utf-8")
    with pytest.raises(offer.OfferError, match=r"broken\.json:1: invalid JSON"):
        offer.load(bad)
    other = tmp_path / "other.json"
    other.write_text('{"regions": {}}', encoding="utf-8")
    with pytest.raises(offer.OfferError, match=r"other\.json: not an AWS Price List offer file"):
        offer.load(other)


def _seed(data_dir: Path) -> Path:
    data_dir.mkdir()
    (data_dir / price_catalogue.INDEX).write_text(json.dumps({"sources": {}, "regions": {}, "gaps": []}),
                                                  encoding="utf-8")
    return data_dir


def test_convert_writes_region_files_and_provenance(tmp_path):
    data_dir = _seed(tmp_path / "data")
    report = offer.convert([DATA / "offer_ec2.json", DATA / "offer_rds.json"], data_dir)
    assert report == ["offer_ec2.json: AmazonEC2 version 20260715181513, 2 region(s)",
                      "offer_rds.json: AmazonRDS version 20260710002345, 1 region(s)"]
    index = json.loads((data_dir / price_catalogue.INDEX).read_text(encoding="utf-8"))
    assert index["regions"]["eu-west-1"] == {"ec2": "aws-price-list/AmazonEC2/all", "rds": "aws-price-list/AmazonRDS/eu-west-1",
                                             "rds_iops": "aws-price-list/AmazonRDS/eu-west-1",
                                             "rds_storage": "aws-price-list/AmazonRDS/eu-west-1"}
    assert index["sources"]["aws-price-list/AmazonRDS/eu-west-1"]["version"] == "20260710002345"
    eu = json.loads((data_dir / "prices_aws_eu-west-1.json").read_text(encoding="utf-8"))
    assert eu["ec2"]["m5.large"] == 0.107 and eu["rds"]["postgres"]["db.t3.micro"] == 0.02
    # the CLI says what it did and exits 0
    assert offer.main(["convert", str(DATA / "offer_rds.json"), "--data-dir", str(data_dir)]) == 0


def test_cli_reports_an_unreadable_offer_and_exits_1(tmp_path, capsys):
    data_dir = _seed(tmp_path / "data")
    assert offer.main(["convert", str(DATA / "karpenter_pricing_aws.go"), "--data-dir", str(data_dir)]) == 1
    assert "karpenter_pricing_aws.go:1: invalid JSON" in capsys.readouterr().err
