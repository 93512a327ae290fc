"""tools/import_price_tables.py on small slices in the formats of the repositories it converts.

tests/catalog/data/pricing_page_maps/ is laid out like yeo/ec2.shop's data/ (pricing-page
price maps: EC2 per region, RDS per engine, EBS), with a Local Zone, GovCloud, a Multi-AZ
and a readable-standby class, and the "NoSuchKey" answer the repository stores where no
previous-generation map exists; karpenter_pricing_aws.go is a cut of karpenter's generated
on-demand map.  The fixtures are written for these tests; no repository content is copied.
"""

import json
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "tools"
DATA = Path(__file__).resolve().parent / "data"
MAPS = DATA / "pricing_page_maps"
KARPENTER = DATA / "karpenter_pricing_aws.go"
sys.path.insert(0, str(TOOLS))

import import_price_tables as tables  # noqa: E402
import price_catalogue  # noqa: E402

COMMITS = {"ec2": "a" * 40, "rds": "b" * 40, "ebs": "c" * 40}


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    (path / price_catalogue.INDEX).write_text(json.dumps({"sources": {}, "regions": {}, "gaps": []}), encoding="utf-8")
    return path


def _index(data_dir):
    return json.loads((data_dir / price_catalogue.INDEX).read_text(encoding="utf-8"))


def _region(data_dir, region):
    return json.loads((data_dir / price_catalogue.region_file(region)).read_text(encoding="utf-8"))


def test_ec2_maps_by_region_with_previous_generation_and_no_local_zones():
    ec2, locations, gaps, date = tables.read_ec2_maps(MAPS / "ec2", {})
    assert ec2 == {"eu-west-1": {"ec2": {"m5.large": 0.107, "p5.48xlarge": 108.152, "m4.large": 0.111}},
                   "us-east-1": {"ec2": {"m5.large": 0.096, "p5.48xlarge": 98.32}},
                   "ap-south-2": {"ec2": {"m5.large": 0.051}}}  # its previous-generation map is a NoSuchKey answer
    assert locations == {"EU (Ireland)": "eu-west-1", "US East (N. Virginia)": "us-east-1",
                         "Asia Pacific (Hyderabad)": "ap-south-2"}  # "Europe (...)" as "EU (...)"
    assert gaps == [] and date == "2025-04-04T22:41:22Z"


def test_rds_single_az_classes_storage_and_iops_by_region():
    _, locations, _, _ = tables.read_ec2_maps(MAPS / "ec2", {})
    rds, date, skipped = tables.read_rds_maps(MAPS / "rds", locations)
    assert rds["eu-west-1"] == {"rds": {"postgres": {"db.t3.micro": 0.02}, "mysql": {"db.t3.micro": 0.018}},
                                "rds_storage": {"gp3": 0.127, "standard": 0.11}, "rds_iops": {"gp3": 0.022}}
    assert rds["us-east-1"]["rds"] == {"postgres": {"db.t3.micro": 0.018}, "mysql": {"db.t3.micro": 0.017}}
    assert skipped == ["AWS GovCloud (US)"] and date == "2024-09-28T00:07:42Z"


def test_ebs_throughput_is_stored_per_mib_per_second():
    _, locations, _, _ = tables.read_ec2_maps(MAPS / "ec2", {})
    ebs, date = tables.read_ebs_map(MAPS / "ebs" / "ebs.json", locations)
    assert ebs == {"eu-west-1": {"ebs": {"gb_month": {"gp2": 0.11, "gp3": 0.088}, "iops_month": {"gp3": 0.0055},
                                         "gp3_throughput_mbps_month": 0.044, "snapshot_gb_month": 0.05}}}
    assert date == "2024-07-18T13:53:37Z"  # the Boston Local Zone has no region code: left out


def test_karpenter_map():
    prices, at = tables.read_karpenter(KARPENTER)
    assert prices == {"us-east-1": {"ec2": {"m5.large": 0.096, "m5.xlarge": 0.192, "p5.48xlarge": 55.04}}}
    assert at == "2026-07-20T13:44:30Z"


def test_types_repriced_since_the_maps_are_left_out_and_named():
    stale = tables.stale_types(MAPS / "ec2", KARPENTER)
    assert list(stale) == ["p5.48xlarge"]  # m5.large agrees; m5.xlarge is not in the maps
    assert "$98.32/h then, $55.04/h on 2026-07-20" in stale["p5.48xlarge"]


@pytest.mark.parametrize("karpenter_first", [False, True])
def test_import_writes_provenance_gaps_and_the_newest_source_wins(data_dir, karpenter_first):
    run_maps = lambda: tables.import_pricing_page_maps(MAPS, "yeo/ec2.shop", COMMITS,  # noqa: E731
                                                       tables.stale_types(MAPS / "ec2", KARPENTER), data_dir)
    run_karpenter = lambda: tables.import_karpenter(KARPENTER, "aws/karpenter-provider-aws", "d" * 40, data_dir)  # noqa: E731
    for step in ((run_karpenter, run_maps) if karpenter_first else (run_maps, run_karpenter)):
        step()
    index = _index(data_dir)
    assert index["regions"]["us-east-1"] == {"ec2": "karpenter/ec2", "rds": "ec2shop/rds",
                                             "rds_iops": "ec2shop/rds", "rds_storage": "ec2shop/rds"}
    assert index["regions"]["eu-west-1"]["ec2"] == "ec2shop/ec2"
    assert _region(data_dir, "us-east-1")["ec2"]["p5.48xlarge"] == 55.04  # never the older 98.32
    assert "p5.48xlarge" not in _region(data_dir, "eu-west-1")["ec2"]  # stale: left out, named
    assert [(g["region"], g["section"], g["types"], g["source"]) for g in index["gaps"]] == [
        ("*", "ec2", ["p5.48xlarge"], "ec2shop/ec2")]
    maps = index["sources"]["ec2shop/ec2"]
    assert (maps["repository"], maps["commit"], maps["publication_date"]) == ("yeo/ec2.shop", "a" * 40,
                                                                              "2025-04-04T22:41:22Z")
    assert index["sources"]["ec2shop/rds"]["commit"] == "b" * 40
    assert index["sources"]["karpenter/ec2"]["path"] == "pkg/providers/pricing/zz_generated.pricing_aws.go"


def test_a_region_the_source_drops_loses_that_section(data_dir, tmp_path):
    tables.import_pricing_page_maps(MAPS, "yeo/ec2.shop", COMMITS, {}, data_dir)
    assert "ap-south-2" in _index(data_dir)["regions"]
    smaller = tmp_path / "maps"
    for sub in ("rds", "ebs"):
        (smaller / sub).mkdir(parents=True)
        for f in (MAPS / sub).iterdir():
            (smaller / sub / f.name).write_bytes(f.read_bytes())
    (smaller / "ec2").mkdir()
    for f in (MAPS / "ec2").iterdir():
        if not f.name.startswith("ap-south-2"):
            (smaller / "ec2" / f.name).write_bytes(f.read_bytes())
    tables.import_pricing_page_maps(smaller, "yeo/ec2.shop", COMMITS, {}, data_dir)
    assert "ap-south-2" not in _index(data_dir)["regions"]
    assert "ec2" not in _region(data_dir, "ap-south-2")


def test_a_current_map_that_is_missing_is_an_error(tmp_path):
    (tmp_path / "ec2").mkdir()
    (tmp_path / "ec2" / "eu-west-1-ondemand.json").write_text(
        (MAPS / "ec2" / "ap-south-2-previousgen-ondemand.json").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(tables.TableError, match="no current-generation map for eu-west-1"):
        tables.read_ec2_maps(tmp_path / "ec2", {})


def test_cli_names_the_file_it_cannot_read(tmp_path, capsys, data_dir):
    (tmp_path / "m" / "ec2").mkdir(parents=True)
    (tmp_path / "m" / "ec2" / "eu-west-1-ondemand.json").write_text('{"regions": ', encoding="utf-8")
    code = tables.main(["pricing-page-maps", str(tmp_path / "m"), "--ec2-commit", "x", "--rds-commit", "x",
                        "--ebs-commit", "x", "--data-dir", str(data_dir)])
    assert code == 1
    assert "eu-west-1-ondemand.json:1: invalid JSON" in capsys.readouterr().err
