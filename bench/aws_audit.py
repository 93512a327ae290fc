#!/usr/bin/env python3
"""The live audit's benchmark: wall time and API calls of ``tagcheck aws`` against moto.

    .venv/bin/python bench/aws_audit.py [--resources 2000] [--regions us-east-1,us-west-2,eu-west-1]
                                        [--workers 1,8]

It starts moto's ThreadedMotoServer in a child process (so the server and the audit do not share
one interpreter lock), seeds about N resources spread over the regions — instances (each with its
root volume), extra volumes, Elastic IPs, log groups, DynamoDB tables, S3 buckets — with a mix of
complete, partial, near-miss and missing tags, then runs the whole audit (every collector, CPU
metrics included) once untimed (moto creates its backends on first use), then once per
``--workers`` value, and prints resources, wall time, API calls and the
speed-up against the first value. moto answers from memory, so the numbers show the audit's own
overhead and how well the pool overlaps calls; against real AWS, where each call waits ~50–200 ms
on the network, the speed-up of more workers is larger. It prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

TAG_SETS = [
    {"team": "ml-platform", "environment": "prod", "cost-center": "cc-1001"},
    {"team": "data", "environment": "dev"},
    {"Team": "ml-platform", "environment": "test", "cost-center": "cc-2040"},
    {},
]


def _serve(queue) -> None:
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    queue.put(server.get_host_and_port()[1])
    while True:
        time.sleep(3600)


def _pairs(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def seed(endpoint: str, regions: list[str], total: int) -> dict[str, int]:
    """About ``total`` resources: per region, a third of the share each of instances+root volumes,
    and of the other types."""
    import boto3

    made: dict[str, int] = {}
    share = total // len(regions)
    for r, region in enumerate(regions):
        ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
        logs = boto3.client("logs", region_name=region, endpoint_url=endpoint)
        ddb = boto3.client("dynamodb", region_name=region, endpoint_url=endpoint)
        s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint)
        instances = share // 6  # each instance brings its root volume: a third of the share
        for i in range(instances):
            tags = TAG_SETS[i % len(TAG_SETS)]
            spec = [{"ResourceType": "instance", "Tags": _pairs(tags)}] if tags else []
            ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                              InstanceType=("m5.large", "t3.medium", "c5.xlarge", "r5.2xlarge")[i % 4],
                              TagSpecifications=spec)
        rest = share - 2 * instances
        kinds = ["volume", "log_group", "table", "address", "bucket"]
        for i in range(rest):
            kind, tags = kinds[i % len(kinds)], TAG_SETS[i % len(TAG_SETS)]
            if kind == "volume":
                ec2.create_volume(AvailabilityZone=f"{region}a", Size=20 + i % 200, VolumeType=("gp2", "gp3")[i % 2],
                                  **({"TagSpecifications": [{"ResourceType": "volume", "Tags": _pairs(tags)}]} if tags else {}))
            elif kind == "log_group":
                logs.create_log_group(logGroupName=f"/bench/{region}/{i}", **({"tags": tags} if tags else {}))
            elif kind == "table":
                ddb.create_table(TableName=f"bench-{r}-{i}", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                                 AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                                 BillingMode="PAY_PER_REQUEST", **({"Tags": _pairs(tags)} if tags else {}))
            elif kind == "address":
                ec2.allocate_address(Domain="vpc", **({"TagSpecifications": [
                    {"ResourceType": "elastic-ip", "Tags": _pairs(tags)}]} if tags else {}))
            else:
                name = f"bench-{region}-{i}"
                s3.create_bucket(Bucket=name, **({} if region == "us-east-1" else
                                                 {"CreateBucketConfiguration": {"LocationConstraint": region}}))
                if tags:
                    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _pairs(tags)})
            made[kind] = made.get(kind, 0) + 1
        made["instance"] = made.get("instance", 0) + instances
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--regions", default="us-east-1,us-west-2,eu-west-1")
    parser.add_argument("--workers", default="1,8", help="comma list of --max-workers values to time")
    args = parser.parse_args()
    regions = [r.strip() for r in args.regions.split(",") if r.strip()]
    workers = [int(w) for w in args.workers.split(",")]

    queue = multiprocessing.get_context("spawn").Queue()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(queue,), daemon=True)
    server.start()
    endpoint = f"http://127.0.0.1:{queue.get(timeout=120)}"
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=regions[0],
                      AWS_ENDPOINT_URL=endpoint, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1",
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    os.environ.pop("AWS_PROFILE", None)
    try:
        started = time.perf_counter()
        made = seed(endpoint, regions, args.resources)
        print(f"seeded {sum(made.values())} resources (+ one root volume per instance) in {len(regions)} regions "
              f"in {time.perf_counter() - started:.1f} s: {made}")
        from tagcheck.sources.aws.audit import AuditOptions, run_audit

        run_audit(AuditOptions(regions=tuple(regions), max_workers=max(workers)))  # warm-up: moto builds its backends lazily
        baseline = None
        print(f"{'max-workers':>11}  {'resources':>9}  {'wall s':>7}  {'API calls':>9}  {'calls/s':>7}  {'speed-up':>8}  coverage")
        for count in workers:
            started = time.perf_counter()
            result = run_audit(AuditOptions(regions=tuple(regions), max_workers=count))
            wall = time.perf_counter() - started
            baseline = baseline or wall
            problems = sum(1 for c in result.coverage if c["status"] != "ok")
            print(f"{count:>11}  {len(result.resources):>9}  {wall:>7.2f}  {result.api_calls:>9}  "
                  f"{result.api_calls / wall:>7.0f}  {baseline / wall:>7.2f}x  "
                  f"{len(result.coverage) - problems} ok / {problems} not ok")
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
