#!/usr/bin/env python3
"""Convert price tables that public repositories generate from AWS's price lists.

Two formats, one subcommand each.  Neither scales a price from one region to another: a
region, type or section the table does not list stays out of the catalogue.

``pricing-page-maps`` -- the price maps behind AWS's public pricing pages, as the repository
``yeo/ec2.shop`` commits them (``data/ec2/<region>-ondemand.json`` and
``<region>-previousgen-ondemand.json``; ``data/rds/rds-<engine>-ondemand.json``;
``data/ebs/ebs.json``).  Each map has a ``manifest`` (``hawkFilePublicationDate``: the
publication date recorded as the source's date) and ``regions`` keyed by location name,
whose entries carry the Price List rate code, ``price`` and attributes.  Read:

* EC2: every entry (the maps list Linux, shared tenancy, no pre-installed software,
  on-demand); region from the file name, location from the map.
* RDS: "Database Instance" entries for Single-AZ, no licence required (PostgreSQL as
  ``postgres``, MySQL as ``mysql``); Single-AZ "Database Storage" (gp2, gp3, io1, io2,
  magnetic as ``standard``) and provisioned IOPS (io1, io2, gp3).  Locations are mapped to
  region codes through the EC2 maps (``Europe (Ireland)`` and ``EU (Ireland)`` are one place).
* EBS: $/GB-month per volume type, $/IOPS-month (io1, io2 first tier, gp3), gp3 throughput
  (published per GiB/s-month, stored per MiB/s-month) and standard snapshots.

``--stale-against KARPENTER_FILE`` compares the maps' us-east-1 with karpenter's newer table
(below): an EC2 type whose us-east-1 price moved between the two dates (AWS's June 2025 GPU
price cuts, for instance) is left out of every region the maps supply and listed as a gap,
because the maps are known to be stale for it -- never re-priced by a ratio.

Newest wins: a section already supplied by a source with a later publication date is kept
(karpenter's us-east-1 EC2 over the maps', whatever order the two commands run in).

``karpenter`` -- ``pkg/providers/pricing/zz_generated.pricing_aws.go`` of
``aws/karpenter-provider-aws``: on-demand Linux $/h per instance type, generated from the AWS
Price List Query API (the ``// generated at <time> for <region>`` line dates it); only the
regions the file lists (us-east-1 today).

Regenerating (a maintainer with network access; the repositories are public)::

    git clone --filter=blob:none https://github.com/yeo/ec2.shop && cd ec2.shop
    mkdir -p /tmp/maps && git archive <commit> data/ec2 data/ebs | tar -x -C /tmp/maps
    git archive <commit> data/rds | tar -x -C /tmp/maps
    python tools/import_price_tables.py pricing-page-maps /tmp/maps/data \
        --repository yeo/ec2.shop --ec2-commit <commit> --rds-commit <commit> --ebs-commit <commit> \
        --stale-against zz_generated.pricing_aws.go
    python tools/import_price_tables.py karpenter zz_generated.pricing_aws.go \
        --repository aws/karpenter-provider-aws --commit <commit>

Each run replaces the sections it produces and records repository, path, commit and
publication date per section in ``src/tagcheck/catalog/data/prices_aws.json``; see
``src/tagcheck/catalog/data/PRICES.md`` for the commits the shipped catalogue was built from.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import price_catalogue  # noqa: E402  (a sibling module of this script)

_EC2_FILE = re.compile(r"^(?P<region>[a-z]{2}-[a-z]+-\d+)-(?:previousgen-)?ondemand\.json$")
RDS_ENGINES = {"postgresql": "postgres", "mysql": "mysql"}
_RDS_INSTANCE = re.compile(r"^Database Instance (?P<engine>\S+) No license required db \S+ .* Single-AZ ")
RDS_STORAGE = {"General Purpose": "gp2", "General Purpose-GP3": "gp3", "Provisioned IOPS": "io1",
               "Provisioned IOPS-IO2": "io2", "Magnetic": "standard"}
RDS_IOPS = {"Provisioned IOPS Single AZ": "io1", "Provisioned IO2 IOPS Single AZ": "io2",
            "Provisioned GP3 IOPS Single AZ": "gp3"}
EBS_GB = {"gp2": "Storage General Purpose gp2 GB Mo", "gp3": "Storage General Purpose gp3 GB Mo",
          "io1": "Storage Provisioned IOPS io1 GB Mo", "io2": "Storage Provisioned IOPS io2 GB month",
          "st1": "Storage Throughput Optimized HDD st1 GB Mo", "sc1": "Storage Cold HDD sc1 GB Mo",
          "standard": "Storage Magnetic standard GB Mo"}
EBS_IOPS = {"io1": "Provisioned EBS IOPS io1 Volumes per IOPS Mo",
            "io2": "Provisioned EBS IOPS io2 Volumes per IOPS Mo",
            "gp3": "Provisioned EBS IOPS gp3 Volumes per IOPS Mo"}
EBS_THROUGHPUT = "Provisioned Throughput gp3 per GiBps mo"
EBS_SNAPSHOT = "Storage Snapshot Amazon S3 GB Mo"


class TableError(ValueError):
    """A table that is not in the expected format, naming the file."""


def _missing(path: Path) -> bool:
    """The repository stored the pricing site's "NoSuchKey" answer: no map was published there
    (a region opened after a generation retired has no previous-generation map)."""
    head = path.read_text(encoding="utf-8")[:300]
    return head.startswith("<?xml") and "<Code>NoSuchKey</Code>" in head


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise TableError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("regions"), dict) or "manifest" not in doc:
        raise TableError(f"{path}: not a pricing-page price map (no manifest and regions)")
    return doc


def _price(entry: Mapping[str, Any], where: str) -> float:
    try:
        value = float(entry["price"])
    except (KeyError, TypeError, ValueError):
        raise TableError(f"{where}: no numeric price in {entry!r}") from None
    if value < 0:
        raise TableError(f"{where}: negative price {value}")
    return value


def _location_key(name: str) -> str:
    # The EC2 maps say "Europe (Ireland)", the RDS and EBS maps "EU (Ireland)".
    return re.sub(r"^Europe \(", "EU (", name)


def read_ec2_maps(ec2_dir: Path, newer: Mapping[str, str]) -> tuple[dict, dict[str, str], list, str]:
    """EC2 tables per region, location → region, gaps, and the maps' publication date."""
    tables: dict[str, dict[str, dict[str, float]]] = {}
    locations: dict[str, str] = {}
    dates = set()
    gaps = []
    files = sorted(p for p in ec2_dir.iterdir() if _EC2_FILE.match(p.name))
    if not files:
        raise TableError(f"{ec2_dir}: no <region>-ondemand.json price maps")
    for path in files:
        region = _EC2_FILE.match(path.name)["region"]
        if not price_catalogue.COMMERCIAL_REGION.match(region):
            continue
        if _missing(path):
            if "previousgen" not in path.name:
                raise TableError(f"{path}: the repository holds no current-generation map for {region}")
            continue
        doc = _read(path)
        dates.add(doc["manifest"].get("hawkFilePublicationDate", ""))
        for location, entries in doc["regions"].items():
            if locations.setdefault(_location_key(location), region) != region:
                raise TableError(f"{path}: location {location!r} is also {locations[_location_key(location)]}")
            table = tables.setdefault(region, {}).setdefault("ec2", {})
            for key, entry in entries.items():
                itype = entry.get("Instance Type")
                if not itype:
                    raise TableError(f"{path}: entry {key!r} has no Instance Type")
                if itype in newer:
                    continue
                price = _price(entry, f"{path}: {itype}")
                if table.get(itype, price) != price:
                    raise TableError(f"{path}: {itype} is priced twice ({table[itype]} and {price})")
                table[itype] = price
    for itype, why in sorted(newer.items()):
        gaps.append({"region": "*", "section": "ec2", "types": [itype], "reason": why})
    if len(dates) != 1:
        raise TableError(f"{ec2_dir}: the maps carry different publication dates {sorted(dates)}")
    return tables, locations, gaps, dates.pop()


def read_rds_maps(rds_dir: Path, locations: Mapping[str, str]) -> tuple[dict, str, list[str]]:
    """RDS instance, storage and IOPS tables per region; the publication date; skipped locations."""
    tables: dict[str, dict[str, Any]] = {}
    dates = set()
    skipped = set()
    for name, engine in RDS_ENGINES.items():
        path = rds_dir / f"rds-{name}-ondemand.json"
        doc = _read(path)
        dates.add(doc["manifest"].get("hawkFilePublicationDate", ""))
        for location, entries in doc["regions"].items():
            region = locations.get(_location_key(location))
            if region is None:
                skipped.add(location)  # GovCloud, Local Zones: not commercial regions
                continue
            sections = tables.setdefault(region, {})
            for key, entry in entries.items():
                match = _RDS_INSTANCE.match(key + " ")
                if match and match["engine"].lower() == name:
                    klass = entry.get("Instance Type", "")
                    sections.setdefault("rds", {}).setdefault(engine, {})[klass] = _price(entry, f"{path}: {key}")
                elif key.startswith("Database Storage Single AZ "):
                    volume = RDS_STORAGE.get(key.removeprefix("Database Storage Single AZ "))
                    if volume:
                        _agree(sections.setdefault("rds_storage", {}), volume, _price(entry, key), f"{path}: {location}")
                elif key in RDS_IOPS:
                    _agree(sections.setdefault("rds_iops", {}), RDS_IOPS[key], _price(entry, key), f"{path}: {location}")
    if len(dates) != 1:
        raise TableError(f"{rds_dir}: the RDS maps carry different publication dates {sorted(dates)}")
    return tables, dates.pop(), sorted(skipped)


def _agree(table: dict, key: str, price: float, where: str) -> None:
    # storage and IOPS appear in every engine's map: they must agree
    if table.get(key, price) != price:
        raise TableError(f"{where}: {key} is {table[key]} in one map and {price} in another")
    table[key] = price


def read_ebs_map(path: Path, locations: Mapping[str, str]) -> tuple[dict, str]:
    doc = _read(path)
    tables = {}
    for location, entries in doc["regions"].items():
        region = locations.get(_location_key(location))
        if region is None:
            continue
        where = f"{path}: {location}"
        ebs: dict[str, Any] = {
            "gb_month": {v: _price(entries[k], where) for v, k in EBS_GB.items() if k in entries},
            "iops_month": {v: _price(entries[k], where) for v, k in EBS_IOPS.items() if k in entries},
        }
        if EBS_THROUGHPUT in entries:  # per GiB/s-month → per MiB/s-month
            ebs["gp3_throughput_mbps_month"] = round(_price(entries[EBS_THROUGHPUT], where) / 1024, 6)
        if EBS_SNAPSHOT in entries:
            ebs["snapshot_gb_month"] = _price(entries[EBS_SNAPSHOT], where)
        if ebs["gb_month"]:
            tables[region] = {"ebs": ebs}
    return tables, doc["manifest"].get("hawkFilePublicationDate", "")


def stale_types(ec2_dir: Path, karpenter: Path) -> dict[str, str]:
    """EC2 types whose us-east-1 price in the maps differs from karpenter's newer table."""
    maps, _, _, maps_date = read_ec2_maps(ec2_dir, {})
    newer, newer_date = read_karpenter(karpenter)
    old, new = maps.get("us-east-1", {}).get("ec2", {}), newer.get("us-east-1", {}).get("ec2", {})
    return {t: f"repriced after {maps_date[:10]}: us-east-1 ${old[t]}/h then, ${new[t]}/h on "
               f"{newer_date[:10]}; the regional price map predates it"
            for t in sorted(old) if t in new and new[t] != old[t]}


def import_pricing_page_maps(data: Path, repository: str, commits: Mapping[str, str],
                             newer: Mapping[str, str], data_dir: Path) -> list[str]:
    ec2, locations, ec2_gaps, ec2_date = read_ec2_maps(data / "ec2", newer)
    rds, rds_date, skipped = read_rds_maps(data / "rds", locations)
    ebs, ebs_date = read_ebs_map(data / "ebs" / "ebs.json", locations)
    base = {"kind": "repository-table", "repository": repository, "generated_from":
            "AWS pricing-page price maps (Price List rate codes), as committed by the repository",
            "tool": "tools/import_price_tables.py pricing-page-maps"}
    report = []
    for source_id, tables, path, date, commit, gaps in (
            ("ec2shop/ec2", {r: s for r, s in ec2.items() if r in ec2}, "data/ec2/<region>-ondemand.json, "
             "data/ec2/<region>-previousgen-ondemand.json", ec2_date, commits["ec2"], ec2_gaps),
            ("ec2shop/rds", rds, "data/rds/rds-postgresql-ondemand.json, data/rds/rds-mysql-ondemand.json",
             rds_date, commits["rds"], []),
            ("ec2shop/ebs", ebs, "data/ebs/ebs.json", ebs_date, commits["ebs"], [])):
        record = dict(base, path=path, commit=commit, publication_date=date)
        sections = {s for t in tables.values() for s in t}
        price_catalogue.update(data_dir, source_id, record, tables, replace_sections=sections, gaps=gaps)
        report.append(f"{source_id}: {len(tables)} regions ({', '.join(sorted(sections))}), published {date}")
    if skipped:
        report.append(f"RDS locations without a commercial region: {', '.join(skipped)}")
    return report


_GO_REGION = re.compile(r'^\t"(?P<region>[a-z]{2}-[a-z]+-\d+)": \{$', re.M)
_GO_PRICE = re.compile(r'"(?P<type>[a-z0-9-]+\.[a-z0-9-]+)": (?P<price>\d+(?:\.\d+)?)')
_GO_DATE = re.compile(r"^// generated at (?P<at>\S+) for (?P<region>\S+)$", re.M)


def read_karpenter(path: Path) -> tuple[dict, str]:
    """``{region: {"ec2": {type: $/h}}}`` from karpenter's generated Go map, and its date."""
    text = path.read_text(encoding="utf-8")
    stamp = _GO_DATE.search(text)
    starts = list(_GO_REGION.finditer(text))
    if stamp is None or not starts:
        raise TableError(f"{path}: not karpenter's generated on-demand price map")
    tables = {}
    for i, start in enumerate(starts):
        body = text[start.end(): starts[i + 1].start() if i + 1 < len(starts) else len(text)]
        prices = {m["type"]: float(m["price"]) for m in _GO_PRICE.finditer(body)}
        if start["region"] and prices:
            tables[start["region"]] = {"ec2": prices}
    return tables, stamp["at"]


def import_karpenter(path: Path, repository: str, commit: str, data_dir: Path) -> list[str]:
    tables, at = read_karpenter(path)
    record = {"kind": "repository-table", "repository": repository, "commit": commit,
              "path": "pkg/providers/pricing/zz_generated.pricing_aws.go", "publication_date": at,
              "generated_from": "AWS Price List Query API (pricing:GetProducts), on-demand Linux",
              "tool": "tools/import_price_tables.py karpenter"}
    price_catalogue.update(data_dir, "karpenter/ec2", record, tables, replace_sections=["ec2"])
    return [f"karpenter/ec2: {', '.join(sorted(tables))}, generated {at}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    maps = sub.add_parser("pricing-page-maps", help="yeo/ec2.shop's data/ directory")
    maps.add_argument("data", type=Path, help="the data/ directory (with ec2/, rds/ and ebs/)")
    maps.add_argument("--repository", default="yeo/ec2.shop")
    for name in ("ec2", "rds", "ebs"):
        maps.add_argument(f"--{name}-commit", required=True, help=f"the commit data/{name} was taken from")
    maps.add_argument("--stale-against", type=Path, metavar="KARPENTER_FILE",
                      help="karpenter's newer map: EC2 types repriced in us-east-1 since are left out")
    karp = sub.add_parser("karpenter", help="karpenter's zz_generated.pricing_aws.go")
    karp.add_argument("file", type=Path)
    karp.add_argument("--repository", default="aws/karpenter-provider-aws")
    karp.add_argument("--commit", required=True)
    for p in (maps, karp):
        p.add_argument("--data-dir", type=Path, default=price_catalogue.DATA_DIR)
    args = parser.parse_args(argv)
    try:
        if args.command == "karpenter":
            report = import_karpenter(args.file, args.repository, args.commit, args.data_dir)
        else:
            newer = stale_types(args.data / "ec2", args.stale_against) if args.stale_against else {}
            commits = {"ec2": args.ec2_commit, "rds": args.rds_commit, "ebs": args.ebs_commit}
            report = import_pricing_page_maps(args.data, args.repository, commits, newer, args.data_dir)
    except (TableError, OSError, KeyError) as exc:
        print(f"import_price_tables: {exc}", file=sys.stderr)
        return 1
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
