"""Write tagcheck's price catalogue: an index and one file per region (shared by the importers).

Layout, in ``src/tagcheck/catalog/data/``:

* ``prices_aws.json`` -- the index: terms, notes, spot discounts, every ``sources`` record
  (where a table came from: repository, path and commit, or offer file version and
  publication date), ``regions`` (for each region, which source each section's prices come
  from) and ``gaps`` (a region or section with no source, and prices left out on purpose,
  each with its reason).
* ``prices_aws_<region>.json`` -- that region's prices, ``{section: table}``, in the shape
  ``tagcheck.catalog.prices`` documents.  A scan reads only the regions it prices.

An importer hands :func:`update` the sections it produced per region and the record of its
source; each of those sections is replaced whole (a section never mixes two sources), unless
a source with a later ``publication_date`` supplies it already (newest wins, whatever order
the importers run in), and the index is rewritten.  Output is deterministic: sorted keys, no timestamps of its own.
Standard library only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "src" / "tagcheck" / "catalog" / "data"
INDEX = "prices_aws.json"

# The sections a region file may hold (tagcheck.catalog.prices reads the same names).
SECTIONS = ("ec2", "rds", "rds_storage", "rds_iops", "ebs", "s3", "hourly", "per_gb")
# A region code of the commercial partition (no GovCloud, China or ISO; no Local Zones).
COMMERCIAL_REGION = re.compile(r"^(?:us|ca|mx|sa|eu|il|me|af|ap)-[a-z]+-\d+$")


def region_file(region: str) -> str:
    return f"prices_aws_{region}.json"


def _dump(path: Path, doc: Any) -> None:
    path.write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def load_index(data_dir: Path) -> dict[str, Any]:
    return json.loads((data_dir / INDEX).read_text(encoding="utf-8"))


def load_region(data_dir: Path, region: str) -> dict[str, Any]:
    path = data_dir / region_file(region)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _date(record: Mapping[str, Any] | None) -> str:
    return str((record or {}).get("publication_date") or "")


def update(data_dir: Path, source_id: str, record: Mapping[str, Any],
           tables: Mapping[str, Mapping[str, Any]], *, replace_sections: Iterable[str] = (),
           gaps: Iterable[Mapping[str, Any]] = ()) -> list[str]:
    """Put ``tables`` (region → section → prices) from one source into the catalogue.

    ``replace_sections``: sections this source owns everywhere -- a region that had them
    from this same source but is absent from ``tables`` now loses them (the source dropped
    the region).  ``gaps``: this source's named gaps, replacing the ones it recorded before.
    Returns the regions written."""
    index = load_index(data_dir)
    index.setdefault("sources", {})[source_id] = dict(record)
    coverage: dict[str, dict[str, str]] = index.setdefault("regions", {})
    written = []
    for region, sections in sorted(tables.items()):
        if not COMMERCIAL_REGION.match(region):
            raise ValueError(f"{source_id}: {region!r} is not a commercial AWS region")
        unknown = set(sections) - set(SECTIONS)
        if unknown:
            raise ValueError(f"{source_id}: {region}: unknown section(s) {sorted(unknown)}")
        doc = load_region(data_dir, region)
        for section, table in sections.items():
            owner = coverage.get(region, {}).get(section)
            if not table or (owner not in (None, source_id) and
                             _date(index["sources"].get(owner)) > _date(record)):
                continue
            doc[section] = table
            coverage.setdefault(region, {})[section] = source_id
        _dump(data_dir / region_file(region), doc)
        written.append(region)
    for section in replace_sections:
        for region, owners in coverage.items():
            if owners.get(section) == source_id and section not in tables.get(region, {}):
                del owners[section]
                doc = load_region(data_dir, region)
                doc.pop(section, None)
                _dump(data_dir / region_file(region), doc)
    kept = [g for g in index.get("gaps", []) if g.get("source") != source_id]
    index["gaps"] = kept + [dict(g, source=source_id) for g in gaps]
    index["gaps"].sort(key=lambda g: (g.get("region", ""), g.get("section", ""), g.get("source", "")))
    index["regions"] = {r: dict(sorted(s.items())) for r, s in sorted(coverage.items()) if s}
    _dump(data_dir / INDEX, index)
    return written


def commercial_regions() -> list[str]:
    """The ``aws`` partition's regions as the installed botocore lists them."""
    import botocore.loaders  # botocore comes with boto3, a dependency of tagcheck

    for partition in botocore.loaders.Loader().load_data("endpoints")["partitions"]:
        if partition["partition"] == "aws":
            return sorted(r for r in partition["regions"] if COMMERCIAL_REGION.match(r))
    raise LookupError("botocore lists no 'aws' partition")


def name_gaps(data_dir: Path, regions: Iterable[str], reasons: Mapping[str, str]) -> list[dict[str, Any]]:
    """Name every (region, section) with no source and no gap yet; ``reasons`` by section,
    ``"*"`` for a region with no prices at all.  Returns the gaps added."""
    index = load_index(data_dir)
    coverage = index.get("regions", {})
    named = {(g.get("region"), g.get("section")) for g in index.get("gaps", []) if "types" not in g}
    added = []
    for region in regions:
        have = coverage.get(region, {})
        wanted = ["*"] if not have else [s for s in SECTIONS if s not in have]
        for section in wanted:
            if (region, section) not in named:
                added.append({"region": region, "section": section, "source": "none",
                              "reason": reasons.get(section, reasons["default"])})
    index["gaps"] = sorted(index.get("gaps", []) + added,
                           key=lambda g: (g.get("region", ""), g.get("section", ""), g.get("source", "")))
    _dump(data_dir / INDEX, index)
    return added


_GAP_REASONS = {
    "*": "no public, dated price table for this region was found (it opened after the newest one converted)",
    "s3": "S3 is transcribed for us-east-1, us-west-2, eu-west-1 and eu-central-1 only; no dated table converted",
    "hourly": "NAT, IPv4, load balancer and EKS hourly items are transcribed for four regions only",
    "per_gb": "NAT data processing and CloudWatch Logs are transcribed for four regions only",
    "default": "the converted tables predate this region's launch for this service",
}


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Name the catalogue's gaps: every commercial region "
                                     "(botocore's list) and section with no source gets a reason.")
    parser.add_argument("command", choices=["gaps"])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    for gap in name_gaps(args.data_dir, commercial_regions(), _GAP_REASONS):
        print(f"{gap['region']} {gap['section']}: {gap['reason']}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
