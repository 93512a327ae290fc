#!/usr/bin/env python3
"""Read AWS Price List bulk offer files (JSON) into tagcheck's price catalogue.

The bulk API publishes one offer file per service, and per service and region.  Its JSON
(documented in the AWS Billing guide, "Reading the service price list file for an AWS
service") is::

    {"formatVersion": "v1.0", "offerCode": "AmazonEC2", "version": "20260715...",
     "publicationDate": "2026-07-15T...Z",
     "products": {SKU: {"sku": SKU, "productFamily": "Compute Instance",
                        "attributes": {"regionCode": "eu-west-1", "instanceType": "m5.large", ...}}},
     "terms": {"OnDemand": {SKU: {OFFER_TERM: {"offerTermCode": ..., "priceDimensions":
                  {RATE_CODE: {"unit": "Hrs", "pricePerUnit": {"USD": "0.1070000000"}, ...}}}}},
               "Reserved": {...}}}

What is read (everything else is left out, on purpose):

* AmazonEC2 → section ``ec2``: products of family "Compute Instance" (or its bare-metal
  variant) that run Linux with shared tenancy, no pre-installed software, no bring-your-own
  licence, capacity status "Used" (not an unused capacity reservation), operation
  RunInstances, in an AWS Region (not a Local Zone, Wavelength zone or Outpost); the
  on-demand $/hour.
* AmazonRDS → ``rds`` (PostgreSQL as ``postgres``, MySQL as ``mysql``: single-AZ, no licence
  required, $/hour per DB instance class), ``rds_storage`` (single-AZ $/GB-month of gp2,
  gp3, io1, io2 and magnetic ``standard``) and ``rds_iops`` (single-AZ $/IOPS-month of io1,
  io2 and gp3), told apart by their usage types (``RDS:GP3-Storage``, ``RDS:PIOPS`` ...).

Only ``terms.OnDemand`` is read: a Reserved term is never taken for an on-demand price.  Two
products that pass the same filters with different prices are an error naming both SKUs,
never a silent pick.  Commercial regions only (``aws`` partition).

Regenerating the catalogue (a maintainer with network access)::

    python tools/price_list_offer.py download --service AmazonEC2 --region eu-west-1 --dest /tmp/offers
    python tools/price_list_offer.py download --service AmazonRDS --region eu-west-1 --dest /tmp/offers
    python tools/price_list_offer.py convert /tmp/offers/AmazonEC2-eu-west-1.json /tmp/offers/AmazonRDS-eu-west-1.json

``download`` fetches ``/offers/v1.0/aws/<service>/current/region_index.json`` from the Price
List endpoint (``https://pricing.us-east-1.amazonaws.com``) and then the region's current
offer file.  ``convert`` replaces, for each region an offer file covers, the sections it
produces and records the offer code, version and publication date as that section's source
in ``src/tagcheck/catalog/data/prices_aws.json``.  A regional EC2 file is large (us-east-1:
about 0.5 GB; ``json`` needs a few GB of memory to read it); RDS files are far smaller.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import price_catalogue  # noqa: E402  (a sibling module of this script)

ENDPOINT = "https://pricing.us-east-1.amazonaws.com"

EC2_FAMILIES = ("Compute Instance", "Compute Instance (bare metal)")
EC2_FILTERS = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA",
               "capacitystatus": "Used", "licenseModel": "No License required"}
# Present in current files; checked where they appear.
EC2_OPTIONAL = {"marketoption": "OnDemand", "operation": "RunInstances", "locationType": "AWS Region"}

RDS_ENGINES = {"PostgreSQL": "postgres", "MySQL": "mysql"}
# Single-AZ usage types (after any region prefix such as "EU-") → catalogue volume type.
RDS_STORAGE_USAGE = {"RDS:GP2-Storage": "gp2", "RDS:GP3-Storage": "gp3", "RDS:PIOPS-Storage": "io1",
                     "RDS:PIOPS-Storage-IO2": "io2", "RDS:StorageUsage": "standard"}
RDS_IOPS_USAGE = {"RDS:PIOPS": "io1", "RDS:IO2-PIOPS": "io2", "RDS:PIOPS-IO2": "io2", "RDS:GP3-PIOPS": "gp3"}
_USAGE = re.compile(r"^(?:[A-Z0-9]+-)?(RDS:.+)$")


class OfferError(ValueError):
    """An offer file that cannot be read as documented, or that prices one thing twice."""


def load(path: Path) -> dict[str, Any]:
    """An offer file (``.json`` or ``.json.gz``) as parsed JSON."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            doc = json.load(handle)
    except json.JSONDecodeError as exc:
        raise OfferError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("products"), dict) or \
            not isinstance(doc.get("terms"), dict):
        raise OfferError(f"{path}: not an AWS Price List offer file (no products and terms)")
    return doc


def describe(doc: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """The catalogue's record of where an offer file's prices come from."""
    return {"kind": "aws-price-list-offer", "offer_code": doc.get("offerCode"),
            "format_version": doc.get("formatVersion"), "version": doc.get("version"),
            "publication_date": doc.get("publicationDate"), "file": origin,
            "tool": "tools/price_list_offer.py"}


def _on_demand(doc: Mapping[str, Any], sku: str, unit: str) -> Iterator[float]:
    """The USD prices of a SKU's on-demand dimensions in ``unit`` (Reserved terms are not read)."""
    for term in (doc["terms"].get("OnDemand", {}).get(sku) or {}).values():
        for dim in (term.get("priceDimensions") or {}).values():
            if dim.get("unit") != unit:
                continue
            usd = (dim.get("pricePerUnit") or {}).get("USD")
            try:
                yield float(usd)
            except (TypeError, ValueError):
                raise OfferError(f"SKU {sku}: price {usd!r} is not a number") from None


def _products(doc: Mapping[str, Any], families: tuple[str, ...]) -> Iterator[tuple[str, str, dict]]:
    """(sku, commercial region, attributes) of the products of ``families``."""
    for sku, product in doc["products"].items():
        if product.get("productFamily") not in families:
            continue
        attrs = product.get("attributes") or {}
        if attrs.get("locationType", "AWS Region") != "AWS Region":
            continue
        region = attrs.get("regionCode", "")
        if price_catalogue.COMMERCIAL_REGION.match(region):
            yield sku, region, attrs


def _put(table: dict, key: str, price: float, sku: str, owners: dict, where: str) -> None:
    if key in table and table[key] != price:
        raise OfferError(f"{where}: {key} is priced twice: {table[key]} (SKU {owners[key]}) and "
                         f"{price} (SKU {sku})")
    table[key] = price
    owners[key] = sku


def _single_price(doc, sku, unit) -> float | None:
    prices = [p for p in _on_demand(doc, sku, unit) if p > 0]
    return max(prices) if prices else None  # one dimension in practice; max skips a free tier


def ec2_prices(doc: Mapping[str, Any]) -> dict[str, dict[str, dict[str, float]]]:
    """``{region: {"ec2": {instance type: $/h}}}``, Linux on-demand as the docstring says."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    owners: dict[tuple[str, str], dict] = {}
    for sku, region, attrs in _products(doc, EC2_FAMILIES):
        if any(attrs.get(k) != v for k, v in EC2_FILTERS.items()):
            continue
        if any(k in attrs and attrs[k] != v for k, v in EC2_OPTIONAL.items()):
            continue
        itype = attrs.get("instanceType")
        price = _single_price(doc, sku, "Hrs")
        if not itype or price is None:
            continue
        table = out.setdefault(region, {}).setdefault("ec2", {})
        _put(table, itype, price, sku, owners.setdefault((region, "ec2"), {}), f"AmazonEC2 {region}")
    return out


def _rds_usage(attrs: Mapping[str, Any]) -> str | None:
    match = _USAGE.match(str(attrs.get("usagetype", "")))
    return match.group(1) if match else None


def rds_prices(doc: Mapping[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{region: {"rds": {engine: {class: $/h}}, "rds_storage": {...}, "rds_iops": {...}}}``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    owners: dict[tuple, dict] = {}
    for sku, region, attrs in _products(doc, ("Database Instance",)):
        engine = RDS_ENGINES.get(attrs.get("databaseEngine", ""))
        klass = attrs.get("instanceType", "")
        if (engine is None or attrs.get("deploymentOption") != "Single-AZ"
                or attrs.get("licenseModel") != "No license required" or not klass.startswith("db.")):
            continue
        price = _single_price(doc, sku, "Hrs")
        if price is None:
            continue
        table = out.setdefault(region, {}).setdefault("rds", {}).setdefault(engine, {})
        _put(table, klass, price, sku, owners.setdefault((region, engine), {}), f"AmazonRDS {region} {engine}")
    for family, section, usages, unit in (("Database Storage", "rds_storage", RDS_STORAGE_USAGE, "GB-Mo"),
                                          ("Provisioned IOPS", "rds_iops", RDS_IOPS_USAGE, "IOPS-Mo")):
        for sku, region, attrs in _products(doc, (family,)):
            volume = usages.get(_rds_usage(attrs) or "")
            if volume is None or attrs.get("deploymentOption") != "Single-AZ":
                continue
            price = _single_price(doc, sku, unit)
            if price is None:
                continue
            table = out.setdefault(region, {}).setdefault(section, {})
            _put(table, volume, price, sku, owners.setdefault((region, section), {}), f"AmazonRDS {region} {section}")
    return out


READERS = {"AmazonEC2": ec2_prices, "AmazonRDS": rds_prices}


def convert(paths: list[Path], data_dir: Path) -> list[str]:
    """Put each offer file's prices into the catalogue; returns one line per file."""
    report = []
    for path in paths:
        doc = load(path)
        code = doc.get("offerCode")
        reader = READERS.get(code)
        if reader is None:
            raise OfferError(f"{path}: offer {code!r} is not read (only {', '.join(READERS)})")
        tables = reader(doc)
        if not tables:
            raise OfferError(f"{path}: no {code} product passed the filters (is it the right file?)")
        scope = next(iter(tables)) if len(tables) == 1 else "all"
        source_id = f"aws-price-list/{code}/{scope}"
        written = price_catalogue.update(data_dir, source_id, describe(doc, path.name), tables)
        report.append(f"{path.name}: {code} version {doc.get('version')}, {len(written)} region(s)")
    return report


def download(service: str, region: str, dest: Path) -> Path:
    """Fetch the service's current offer file for ``region`` into ``dest``."""
    with urllib.request.urlopen(f"{ENDPOINT}/offers/v1.0/aws/{service}/current/region_index.json",
                                timeout=60) as resp:
        regions = json.load(resp).get("regions", {})
    if region not in regions:
        raise OfferError(f"{service} publishes no offer file for {region}")
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / f"{service}-{region}.json"
    with urllib.request.urlopen(ENDPOINT + regions[region]["currentVersionUrl"], timeout=600) as resp, \
            target.open("wb") as out:
        while chunk := resp.read(1 << 20):
            out.write(chunk)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    conv = sub.add_parser("convert", help="read offer files into the catalogue")
    conv.add_argument("offers", nargs="+", type=Path)
    conv.add_argument("--data-dir", type=Path, default=price_catalogue.DATA_DIR)
    down = sub.add_parser("download", help="fetch a region's current offer file (network)")
    down.add_argument("--service", required=True, choices=sorted(READERS))
    down.add_argument("--region", required=True)
    down.add_argument("--dest", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "download":
            print(download(args.service, args.region, args.dest))
        else:
            print("\n".join(convert(args.offers, args.data_dir)))
    except (OfferError, OSError) as exc:
        print(f"price_list_offer: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
