#!/usr/bin/env python3
"""How long the price catalogue takes on first use, in milliseconds.

A scan that prices anything reads the catalogue once: the first lookup builds the default
PriceBook and reads the region's prices.  Each measurement runs in a fresh interpreter (the
catalogue is cached per process), imports ``tagcheck.catalog.prices`` first, and then times
the first lookup of each region listed, then one lookup in every region the catalogue has
(what a multi-region live audit pays at most).  The median of ``--repeat`` runs is printed.
Asserts nothing and always exits 0, like the rest of bench/.

    .venv/bin/python bench/price_catalogue_load.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, sys, time
from tagcheck.catalog import prices
t0 = time.perf_counter()
book = prices.default_pricebook()
book.ec2_hourly("us-east-1", "m5.large")
t1 = time.perf_counter()
book.ec2_hourly("eu-west-1", "m5.large"); book.rds_hourly("eu-west-1", "db.t3.micro")
t2 = time.perf_counter()
for region in book.regions():
    book.ec2_hourly(region, "m5.large")
t3 = time.perf_counter()
print(json.dumps({"first_region": (t1 - t0) * 1e3, "second_region": (t2 - t1) * 1e3,
                  "all_regions": (t3 - t2) * 1e3, "regions": len(book.regions())}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    runs = []
    for _ in range(max(1, args.repeat)):
        out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
        runs.append(json.loads(out))
    data = ROOT / "src" / "tagcheck" / "catalog" / "data"
    files = sorted(data.glob("prices_aws*.json"))
    size = sum(f.stat().st_size for f in files)
    print(f"catalogue: {len(files)} file(s), {size / 1024:.0f} KiB, {runs[0]['regions']} regions")
    for key, label in (("first_region", "first lookup (us-east-1)"),
                       ("second_region", "then eu-west-1 (EC2 + RDS)"),
                       ("all_regions", "then one lookup in every region")):
        values = [r[key] for r in runs]
        print(f"{label:34s} median {statistics.median(values):7.2f} ms   "
              f"min {min(values):7.2f}   max {max(values):7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
