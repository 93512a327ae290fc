"""Cost Explorer: last month's real cost by each required tag key (``--cost-explorer``).

Opt-in because every GetCostAndUsage request is billed ($0.01) and needs
``ce:GetCostAndUsage``. One request per required key, grouped by that tag, for the
last full calendar month, UnblendedCost. Cost Explorer names the group of untagged
spend ``KEY$`` (empty value): that is the key's unallocated dollars.

Cost Explorer only groups by tag keys activated as cost allocation tags (Billing →
Cost allocation tags); a key that is not activated puts every dollar in ``KEY$``. When
all the spend is untagged for a key the result says so, rather than claiming 100 %
unallocated. When the API is denied, not enabled or returns nothing (moto returns
nothing unless seeded), the result's ``status`` says so and the report keeps to the
catalogue estimates.
"""

from __future__ import annotations

import datetime
from typing import Any, Sequence

from botocore.exceptions import BotoCoreError, ClientError

from tagcheck.sources.aws.common import classify
from tagcheck.sources.aws.session import AccountSession, partition_of

METRIC = "UnblendedCost"


def last_month(today: datetime.date) -> tuple[str, str]:
    first = today.replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    return previous.isoformat(), first.isoformat()


def _endpoint_region(region: str) -> str:
    return {"aws-cn": "cn-northwest-1", "aws-us-gov": "us-gov-west-1"}.get(partition_of(region), "us-east-1")


def _groups(client: Any, key: str, start: str, end: str) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"TimePeriod": {"Start": start, "End": end}, "Granularity": "MONTHLY",
                              "Metrics": [METRIC], "GroupBy": [{"Type": "TAG", "Key": key}]}
    results = []
    while True:
        page = client.get_cost_and_usage(**params)
        results.extend(page.get("ResultsByTime") or [])
        if not page.get("NextPageToken"):
            return results
        params["NextPageToken"] = page["NextPageToken"]


def cost_by_tag(session: AccountSession, keys: Sequence[str], region: str, today: datetime.date
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(scan_info["cost_explorer"], its coverage entry)."""
    start, end = last_month(today)
    info: dict[str, Any] = {"status": "ok", "period": {"start": start, "end": end}, "metric": METRIC, "currency": "USD",
                            "by_tag": {}, "fallback": None}
    coverage = {"account": session.account, "region": "global", "service": "ce", "collector": "cost by tag",
                "status": "ok", "message": "", "resources": 0}
    client = session.client("ce", _endpoint_region(region))
    notes = []
    try:
        for key in keys:
            values: dict[str, float] = {}
            for period in _groups(client, key, start, end):
                for group in period.get("Groups") or []:
                    tag = (group.get("Keys") or [f"{key}$"])[0]
                    value = tag.split("$", 1)[1] if "$" in tag else tag
                    amount = float(((group.get("Metrics") or {}).get(METRIC) or {}).get("Amount") or 0)
                    values[value] = round(values.get(value, 0.0) + amount, 2)
            total = round(sum(values.values()), 2)
            untagged = values.pop("", 0.0)
            entry = {"values": dict(sorted(values.items())), "untagged_usd": untagged, "total_usd": total,
                     "untagged_pct": round(100.0 * untagged / total, 1) if total else None}
            if total and not values:
                entry["note"] = (f"every dollar is in {key}$: is {key!r} activated as a cost allocation tag "
                                 "(Billing → Cost allocation tags)?")
                notes.append(entry["note"])
            info["by_tag"][key] = entry
    except (ClientError, BotoCoreError) as exc:
        status, message = classify(exc)
        info.update(status=status, message=message, by_tag={}, fallback="catalogue estimates")
        coverage.update(status=status, message=message)
        return info, coverage
    if not any(e["total_usd"] for e in info["by_tag"].values()):
        message = "Cost Explorer returned no cost for the period (not enabled, no spend, or a test endpoint)"
        info.update(status="empty", message=message, fallback="catalogue estimates")
        coverage.update(message=message)
    elif notes:
        coverage.update(message="; ".join(notes))
    return info, coverage
