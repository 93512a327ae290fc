"""When AWS charges for old versions: EKS extended support and RDS Extended Support.

``data/support_calendar.json`` lists, with its source, the end of standard support of EKS
minor versions and of the RDS MySQL/PostgreSQL major versions that are (or were) in RDS
Extended Support, and the RDS per-vCPU-hour rates for the regions it has them for. Lookups
never guess: a version that is not listed is not in extended support, and a region with no
rate gives None (the estimate then says so). Read on first use.
"""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

from tagcheck.catalog import read_data


@cache
def _calendar() -> dict[str, Any]:
    return read_data("support_calendar.json")


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def source() -> tuple[str, str]:
    data = _calendar()
    return data["source"], data["as_of"]


def eks_extended(version: str, today: datetime.date) -> bool:
    """Whether an EKS cluster on ``version`` (``"1.30"``) pays the extended support price
    on ``today``: after its standard support ends — also after its extended support ends,
    since the cluster is then upgraded to the oldest version still in extended support."""
    entry = _calendar()["eks"].get(_minor(version))
    if entry is None:
        oldest = min(_calendar()["eks"], key=_version_key)
        return _version_key(_minor(version)) < _version_key(oldest) if _minor(version) else False
    return today > _date(entry["standard_end"])


def rds_extended_rate(engine: str, engine_version: str, region: str,
                      today: datetime.date) -> tuple[float | None, str] | None:
    """(USD per vCPU-hour or None when the region has no rate, the period's label) for a DB
    on ``engine`` ``engine_version`` that is in RDS Extended Support on ``today``; None when
    it is not (or the version is not listed)."""
    family = "mysql" if engine in ("mysql",) else "postgres" if engine in ("postgres", "postgresql") else None
    if family is None:
        return None
    major = engine_version.split(".")[0] if family == "postgres" else ".".join(engine_version.split(".")[:2])
    entry = _calendar()["rds"].get(f"{family} {major}")
    if entry is None or today <= _date(entry["standard_end"]) or today > _date(entry["extended_end"]):
        return None
    period = "year3" if today >= _date(entry["year3_start"]) else "year1_2"
    rates = _calendar()["rds_rates_per_vcpu_hour"].get(region)
    label = f"RDS Extended Support ({family} {major}, {'year 3' if period == 'year3' else 'years 1-2'})"
    return (rates[period] if rates else None), label


def _minor(version: str) -> str:
    parts = str(version).split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 and all(p.isdigit() for p in parts[:2]) else ""


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")) if version else ()
