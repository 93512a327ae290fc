"""CloudWatch CPU history: the evidence the right-sizing rule (COST210) needs.

One ``GetMetricData`` request carries up to 500 queries, so a region with hundreds of
instances costs a handful of calls rather than one per instance. Each query asks for
the daily ``Maximum`` of ``CPUUtilization`` over the window (``metrics_days``, from the
policy's COST210 ``days`` option, default 14): right-sizing on the daily peak, not on
an average, so a busy hour is never averaged away. Days without a datapoint (stopped,
not yet launched) are absent; the rule asks for a minimum number of days.

The fetch is a follow-up task of the EC2 and RDS collectors, with its own coverage
entry (``cloudwatch``): a denied ``cloudwatch:GetMetricData`` loses the evidence,
never the instances.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Sequence

from tagcheck.sources.aws.common import CollectContext, Outcome, Task, chunks

DAY = 86400
MAX_QUERIES = 500

EC2 = ("AWS/EC2", "InstanceId")
RDS = ("AWS/RDS", "DBInstanceIdentifier")


def cpu_followup(ctx: CollectContext, metric: tuple[str, str], targets: Sequence[tuple[str, str]]) -> list[Task]:
    """The metrics task for ``targets`` (ARN, dimension value), if metrics are wanted."""
    settings = ctx.settings
    if "cloudwatch" not in settings.services or settings.metrics_days <= 0 or not targets:
        return []
    namespace, dimension = metric
    targets = list(targets)
    return [Task("cloudwatch", f"cpu {namespace}", ctx.account, ctx.region, ctx.region,
                 lambda c: cpu_daily_max(c, namespace, dimension, targets))]


def window(now: datetime.datetime, days: int) -> tuple[datetime.datetime, datetime.datetime]:
    """From midnight UTC ``days`` days ago to now: whole days plus today so far."""
    start = (now - datetime.timedelta(days=days)).astimezone(datetime.timezone.utc)
    return start.replace(hour=0, minute=0, second=0, microsecond=0), now


def cpu_daily_max(ctx: CollectContext, namespace: str, dimension: str, targets: Sequence[tuple[str, str]]) -> Outcome:
    days = ctx.settings.metrics_days
    start, end = window(ctx.now, days)
    cloudwatch = ctx.client("cloudwatch")
    outcome = Outcome()
    for batch in chunks(list(targets), MAX_QUERIES):
        queries = [{"Id": f"m{i}", "ReturnData": True,
                    "MetricStat": {"Metric": {"Namespace": namespace, "MetricName": "CPUUtilization",
                                              "Dimensions": [{"Name": dimension, "Value": value}]},
                                   "Period": DAY, "Stat": "Maximum"}}
                   for i, (_, value) in enumerate(batch)]
        series: dict[str, dict[datetime.date, float]] = defaultdict(dict)
        pages = cloudwatch.get_paginator("get_metric_data").paginate(
            MetricDataQueries=queries, StartTime=start, EndTime=end, ScanBy="TimestampAscending")
        for page in pages:
            for result in page.get("MetricDataResults") or []:
                for stamp, value in zip(result.get("Timestamps") or [], result.get("Values") or []):
                    day = stamp.astimezone(datetime.timezone.utc).date()
                    series[result["Id"]][day] = max(value, series[result["Id"]].get(day, value))
        for i, (arn, _) in enumerate(batch):
            points = sorted(series.get(f"m{i}", {}).items())
            outcome.live_updates[arn] = {
                "cpu_daily_max_pct": [round(v, 2) for _, v in points],
                "cpu_dates": [d.isoformat() for d, _ in points],
                "cpu_window_days": days,
            }
    return outcome
