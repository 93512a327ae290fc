"""The showback report as JSON: the document :func:`tagcheck.cost.allocation.build` makes, as is.

One object (``version`` 1; dollars are USD a month, rounded to cents; percentages to 0.1)::

    {
      "version": 1, "kind": "showback", "tool": {"name", "version"}, "currency": "USD",
      "source":  {"source": "terraform" | "plan" | "aws", ...what was read},
      "policy":  {"source": path | null (built-in finops-baseline), "required": [key, ...]},
      "prices":  {"source", "as_of"},
      "totals":  {"monthly_usd", "resources", "taggable_resources", "resources_priced",
                  "resources_unpriced", "possible_saving_monthly_usd"},
      "allocation": {"coverage_pct_usd",            # % of priced dollars of taggable resources
                                                    # with every required tag allowed (cost.allocation.allocation)
                     "coverage_pct",                # the same by resource count
                     "fully_tagged", "allocated_monthly_usd", "unallocated_monthly_usd",
                     "unknown_monthly_usd",
                     "min_allocation": null | {"pct", "met"}},
      "by_key": {                                   # one entry per required key, policy order
        KEY: {"values": [{"value", BUCKET...}, ...],   # most dollars first
              "unallocated": {BUCKET..., "by_reason": {missing|empty|not_allowed|near_miss|hidden:
                                                       {"monthly_usd", "resources"}}},
              "unknown": {BUCKET...},                  # value not statically known
              "not_taggable": {BUCKET...}}             # types that carry no tags
        # BUCKET = "monthly_usd", "share_pct" (of totals.monthly_usd), "resources",
        #          "unpriced" (resources whose cost is unknown), "possible_saving_monthly_usd"
        # the buckets of one key add up to totals.monthly_usd
      },
      "savings": {"possible_monthly_usd",           # compounded per resource
                  "by_lever": [{"lever", "monthly_usd", "findings"}],   # overlapping: do not add up
                  "by_team": {"key", "values": [{"value", "monthly_usd"}],
                              "unallocated_monthly_usd", "unknown_monthly_usd"}},
      "top_findings": [{"rule", "severity", "lever", "address", "type",
                        "location": {"file", "line"} | {"arn"}, "message",
                        "monthly_cost_usd", "monthly_saving_usd",
                        "owner": {"key", "bucket": value|unallocated|unknown|not_taggable, "value", "allocation"}}],
      "unpriced": [{"address", "type", "reason"}],
      "resources": [{"address", "type", "origin", "region", "account",
                     "tags": {KEY: value | null},   # the value under the required key itself
                     "allocation": allocated | unallocated | unknown | not_taggable,
                     "monthly_cost_usd": number | null (unpriced),
                     "monthly_saving_usd": number | null, "rules": [id, ...],
                     "cost_lines": [{"item", "component": compute|storage|fee, "quantity", "unit",
                                     "unit_usd", "monthly_usd"}],   # the estimate, line by line
                     "cost_unknown": why there is no number | null,
                     "cost_excluded": [usage-based or unknowable parts left out]}]
    }

Tag values are data here (JSON escapes what JSON must); a consumer that puts them in a page
escapes them for that page.
"""

from __future__ import annotations

import json
from typing import Any, Mapping


def render(document: Mapping[str, Any], **_options: Any) -> str:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a hostile value: escape everything
        text = json.dumps(document, indent=2, ensure_ascii=True) + "\n"
    return text
