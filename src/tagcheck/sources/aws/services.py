"""The services ``tagcheck aws --services`` can name, without importing boto3.

The CLI validates ``--services`` against this list before anything heavy is loaded.
``cloudwatch`` is the CPU history the right-sizing rules read; leaving it out of
``--services`` skips the metric queries.
"""

from __future__ import annotations

SERVICES: tuple[str, ...] = (
    "ec2", "elbv2", "autoscaling", "rds", "s3", "lambda", "dynamodb", "eks", "ecs", "elasticache", "efs", "logs",
    "cloudwatch",
)
ALIASES = {"elb": "elbv2", "asg": "autoscaling", "awslambda": "lambda", "cloudwatchlogs": "logs", "metrics": "cloudwatch"}


def parse_services(text: str | None) -> tuple[str, ...]:
    """``"ec2, s3"`` → ``("ec2", "s3")``; every service when None. ValueError names an unknown one."""
    if text is None:
        return SERVICES
    chosen: list[str] = []
    for item in text.split(","):
        name = ALIASES.get(item.strip().lower(), item.strip().lower())
        if not name:
            continue
        if name not in SERVICES:
            raise ValueError(f"unknown service {item.strip()!r} (known: {', '.join(SERVICES)})")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise ValueError("no service named")
    return tuple(chosen)
