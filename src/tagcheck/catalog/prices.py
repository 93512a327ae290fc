"""Public AWS on-demand list prices, per region, as package data (DESIGN.md §4).

``data/prices_aws.json`` holds USD list prices (EC2 Linux shared tenancy, RDS
single-AZ, EBS, S3, networking items, CloudWatch Logs) for the regions it lists,
with its ``source`` and ``as_of`` month, and default spot discounts per instance
family.  It is transcribed, not generated: update it by hand and the ``as_of``
with it.  It is read on first use, not on import.

Lookups never invent a number: a region, instance type, DB class, engine or item
the catalogue does not list gives None, and the caller reports the cost as
unknown.

Negotiated rates: ``PriceBook(overrides)`` deep-merges a mapping of the data
file's shape over it, e.g. ``{"regions": {"us-east-1": {"ec2": {"p3.2xlarge":
2.2}}}, "spot_discount": {"p3": 0.75}}``.  As a shorthand a region may sit at the
top level (``{"us-east-1": {"ec2": {...}}}``).  :func:`load_overrides` reads the
policy's ``cost.prices`` (a mapping, or a YAML/JSON file relative to the policy).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from tagcheck.catalog import read_data

__all__ = ["HOURS_PER_MONTH", "PriceBook", "default_pricebook", "load_overrides"]

HOURS_PER_MONTH = 730

_DATA = "prices_aws.json"

# Per-region sections and what their leaves are.
_FLAT_SECTIONS = ("ec2", "rds_storage", "rds_iops", "s3", "hourly", "per_gb")
_SECTIONS = _FLAT_SECTIONS + ("rds", "ebs")
_EBS_TABLES = ("gb_month", "iops_month")
_EBS_SCALARS = ("gp3_throughput_mbps_month", "snapshot_gb_month")
_TOP_KEYS = ("source", "as_of", "currency", "terms", "hours_per_month", "multi_az_factor", "notes",
             "low_confidence", "regions", "spot_discount")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$")

# RDS engine names as Terraform / the RDS API give them → price table.
_ENGINES = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",  # RDS for MariaDB is priced as RDS for MySQL
}
_ITEM_ALIASES = {"elastic_ip": "public_ipv4", "eip": "public_ipv4"}
_S3_ALIASES = {"GLACIER_FLEXIBLE_RETRIEVAL": "GLACIER", "INTELLIGENT_TIERING_FREQUENT": "INTELLIGENT_TIERING"}


@cache
def _base() -> dict[str, Any]:
    return read_data(_DATA)


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _is_price(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _check_prices(table: Any, where: str) -> None:
    if not isinstance(table, Mapping):
        raise ValueError(f"{where}: expected a mapping, got {type(table).__name__}")
    for key, value in table.items():
        if not _is_price(value):
            raise ValueError(f"{where}.{key}: expected a price (a number >= 0), got {value!r}")


def _normalise_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Check an overrides mapping and move top-level region keys under ``regions``."""
    if not isinstance(overrides, Mapping):
        raise ValueError(f"price overrides: expected a mapping, got {type(overrides).__name__}")
    out: dict[str, Any] = {}
    regions: dict[str, Any] = {}
    for key, value in overrides.items():
        if not isinstance(key, str):
            raise ValueError(f"price overrides: keys must be strings, got {key!r}")
        if key == "regions":
            if not isinstance(value, Mapping):
                raise ValueError("price overrides: regions: expected a mapping of region → prices")
            for region, table in value.items():
                regions[region] = _deep_merge(regions.get(region, {}), table) if isinstance(table, Mapping) else table
        elif _REGION.match(key):
            regions[key] = _deep_merge(regions.get(key, {}), value) if isinstance(value, Mapping) else value
        elif key in _TOP_KEYS:
            out[key] = value
        else:
            raise ValueError(f"price overrides: unknown key {key!r} (expected a region such as 'us-east-1', "
                             f"'regions' or 'spot_discount')")
    for region, table in regions.items():
        _check_region(region, table)
    if regions:
        out["regions"] = regions
    if "spot_discount" in out:
        spot = out["spot_discount"]
        if not isinstance(spot, Mapping):
            raise ValueError("price overrides: spot_discount: expected a mapping of instance family → fraction")
        for family, value in spot.items():
            if not _is_price(value) or value >= 1:
                raise ValueError(f"price overrides: spot_discount.{family}: expected a fraction from 0 to below 1 "
                                 f"(0.7 = 70 % cheaper than on-demand), got {value!r}")
    if "multi_az_factor" in out and not (_is_price(out["multi_az_factor"]) and out["multi_az_factor"] >= 1):
        raise ValueError(f"price overrides: multi_az_factor: expected a number >= 1, got {out['multi_az_factor']!r}")
    return out


def _check_region(region: str, table: Any) -> None:
    where = f"price overrides: regions.{region}"
    if not isinstance(table, Mapping):
        raise ValueError(f"{where}: expected a mapping of section → prices")
    for section, value in table.items():
        if section in _FLAT_SECTIONS:
            _check_prices(value, f"{where}.{section}")
        elif section == "rds":
            if not isinstance(value, Mapping):
                raise ValueError(f"{where}.rds: expected a mapping of engine → class prices")
            for engine, prices in value.items():
                _check_prices(prices, f"{where}.rds.{engine}")
        elif section == "ebs":
            if not isinstance(value, Mapping):
                raise ValueError(f"{where}.ebs: expected a mapping")
            for key, sub in value.items():
                if key in _EBS_TABLES:
                    _check_prices(sub, f"{where}.ebs.{key}")
                elif key in _EBS_SCALARS:
                    if not _is_price(sub):
                        raise ValueError(f"{where}.ebs.{key}: expected a price (a number >= 0), got {sub!r}")
                else:
                    raise ValueError(f"{where}.ebs: unknown key {key!r} (expected one of "
                                     f"{', '.join(_EBS_TABLES + _EBS_SCALARS)})")
        else:
            raise ValueError(f"{where}: unknown section {section!r} (expected one of {', '.join(_SECTIONS)})")


def _family(instance_type: str) -> str:
    name = instance_type.removeprefix("db.")
    return name.split(".", 1)[0]


class PriceBook:
    """Prices of the catalogue, with optional overrides (negotiated rates, spot discounts)."""

    def __init__(self, overrides: Mapping[str, Any] | None = None):
        base = _base()
        self.overridden = bool(overrides)
        data = _deep_merge(base, _normalise_overrides(overrides)) if overrides else base
        self._data = data
        self._regions: Mapping[str, Mapping[str, Any]] = data.get("regions", {})
        self._spot: Mapping[str, float] = data.get("spot_discount", {})
        self._multi_az = float(data.get("multi_az_factor", 2.0))
        self.source: str = str(data.get("source", ""))
        self.as_of: str = str(data.get("as_of", ""))

    def __repr__(self) -> str:
        return f"PriceBook(source={self.source!r}, as_of={self.as_of!r}, overridden={self.overridden})"

    # --- internals ---------------------------------------------------------------------------
    def _section(self, region: str, section: str) -> Mapping[str, Any]:
        table = self._regions.get(region) if isinstance(region, str) else None
        value = table.get(section) if isinstance(table, Mapping) else None
        return value if isinstance(value, Mapping) else {}

    @staticmethod
    def _price(table: Mapping[str, Any], key: Any) -> float | None:
        value = table.get(key) if isinstance(key, str) else None
        return float(value) if _is_price(value) else None

    # --- compute -----------------------------------------------------------------------------
    def ec2_hourly(self, region: str, instance_type: str) -> float | None:
        """On-demand $/h of an EC2 instance type (Linux, shared tenancy)."""
        return self._price(self._section(region, "ec2"), instance_type)

    def rds_hourly(self, region: str, instance_class: str, engine: str = "postgres",
                   multi_az: bool = False) -> float | None:
        """On-demand $/h of an RDS DB instance class; Multi-AZ is ``multi_az_factor`` (2) ×.

        ``engine`` as Terraform / RDS name it: postgres, mysql, mariadb (priced as mysql).
        Aurora, Oracle, SQL Server and other engines are not catalogued: None."""
        table_name = _ENGINES.get(engine.strip().lower()) if isinstance(engine, str) else None
        if table_name is None:
            return None
        engines = self._section(region, "rds")
        table = engines.get(table_name)
        price = self._price(table, instance_class) if isinstance(table, Mapping) else None
        if price is None:
            return None
        return round(price * self._multi_az, 6) if multi_az else price

    # --- storage -----------------------------------------------------------------------------
    def _ebs(self, region: str, key: str) -> Any:
        return self._section(region, "ebs").get(key)

    def ebs_gb_month(self, region: str, volume_type: str) -> float | None:
        """$/GB-month of an EBS volume type (gp2, gp3, io1, io2, st1, sc1, standard)."""
        table = self._ebs(region, "gb_month")
        return self._price(table, volume_type) if isinstance(table, Mapping) else None

    def ebs_iops_month(self, region: str, volume_type: str) -> float | None:
        """$/IOPS-month: io1/io2 provisioned IOPS; gp3 IOPS above the free 3,000."""
        table = self._ebs(region, "iops_month")
        return self._price(table, volume_type) if isinstance(table, Mapping) else None

    def ebs_throughput_month(self, region: str) -> float | None:
        """gp3 $ per MB/s-month of throughput above the free 125 MB/s."""
        value = self._ebs(region, "gp3_throughput_mbps_month")
        return float(value) if _is_price(value) else None

    def snapshot_gb_month(self, region: str) -> float | None:
        """EBS snapshot (standard tier) $/GB-month."""
        value = self._ebs(region, "snapshot_gb_month")
        return float(value) if _is_price(value) else None

    def rds_storage_gb_month(self, region: str, storage_type: str, multi_az: bool = False) -> float | None:
        """RDS storage $/GB-month (gp2, gp3, io1, io2, standard); Multi-AZ stores it twice."""
        price = self._price(self._section(region, "rds_storage"), storage_type)
        if price is None:
            return None
        return round(price * self._multi_az, 6) if multi_az else price

    def rds_iops_month(self, region: str, storage_type: str, multi_az: bool = False) -> float | None:
        """RDS provisioned IOPS $/IOPS-month (io1, io2; gp3 above its baseline)."""
        price = self._price(self._section(region, "rds_iops"), storage_type)
        if price is None:
            return None
        return round(price * self._multi_az, 6) if multi_az else price

    def s3_gb_month(self, region: str, storage_class: str) -> float | None:
        """S3 $/GB-month of a storage class as the API names it (STANDARD, GLACIER_IR, …)."""
        if not isinstance(storage_class, str):
            return None
        key = storage_class.strip().upper()
        return self._price(self._section(region, "s3"), _S3_ALIASES.get(key, key))

    # --- items -------------------------------------------------------------------------------
    def hourly(self, region: str, item: str) -> float | None:
        """$/h of nat_gateway, public_ipv4 (alias elastic_ip), alb, nlb, clb, eks_cluster, …"""
        if not isinstance(item, str):
            return None
        return self._price(self._section(region, "hourly"), _ITEM_ALIASES.get(item, item))

    def per_gb(self, region: str, item: str) -> float | None:
        """$/GB of nat_gateway_gb, cloudwatch_logs_ingest_gb; cloudwatch_logs_storage_gb per GB-month."""
        return self._price(self._section(region, "per_gb"), item)

    # --- purchasing --------------------------------------------------------------------------
    def spot_discount(self, instance_type: str) -> float:
        """Planning fraction saved on spot: the type's entry, else its family's, else the default."""
        spot = self._spot
        if isinstance(instance_type, str) and instance_type:
            for key in (instance_type, _family(instance_type)):
                if _is_price(spot.get(key)):
                    return float(spot[key])
        default = spot.get("default")
        return float(default) if _is_price(default) else 0.0

    def regions(self) -> tuple[str, ...]:
        """Regions with prices, sorted."""
        return tuple(sorted(self._regions))


@cache
def default_pricebook() -> PriceBook:
    """The shipped catalogue, no overrides (cached)."""
    return PriceBook()


def load_overrides(value: Any, base_dir: Path | None) -> Mapping[str, Any]:
    """The policy's ``cost.prices``: a mapping, or a path to a YAML/JSON file.

    A relative path is resolved against ``base_dir`` (the policy file's directory; the
    working directory when None).  Raises ValueError, naming the file, for a file that
    cannot be read or parsed, or whose content is not a valid overrides mapping."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        _normalise_overrides(value)
        return value
    if not isinstance(value, (str, os.PathLike)):
        raise ValueError(f"cost.prices: expected a mapping or a path to a YAML/JSON file, "
                         f"got {type(value).__name__}")
    path = Path(value)
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: price file not found (cost.prices)") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ValueError(f"{path}: cannot read price file: {reason}") from None
    data = _parse(text, path)
    if data is None:
        return {}
    try:
        _normalise_overrides(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return data


def _parse(text: str, path: Path) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    import yaml  # a YAML price file only; pyyaml is a dependency of tagcheck

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ValueError(f"{path}{line}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: invalid YAML: {exc}") from None
