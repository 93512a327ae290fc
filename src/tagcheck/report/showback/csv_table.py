"""The showback report as CSV: one row per resource, for a spreadsheet or a BI tool.

Columns: ``address, type, origin, region, account``, one ``tag:KEY`` column per required key
(the value under that key; empty when missing, unknown or a near miss), ``allocation``
(allocated | unallocated | unknown | not_taggable), ``monthly_cost_usd`` (empty when the
resource could not be priced), ``monthly_saving_usd`` (the resource's compounded possible
saving; empty when none) and ``rules`` (the rule ids of its findings, ``;``-separated).

Summing ``monthly_cost_usd`` gives the report's total; summing it over ``allocated`` rows
and dividing by the rows that are not ``not_taggable`` gives the allocation coverage.
``monthly_saving_usd`` is rounded per row, so its sum may differ from the report's possible
saving (rounded once) by up to half a cent a row.

Cells are written by the :mod:`csv` module (quotes, commas and newlines are quoted), control
and bidi characters become visible escapes (a CSV printed on a terminal cannot recolour or
reorder it), and a cell that a spreadsheet would read as a formula — starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, after any spaces or line breaks — gets a
leading ``'``.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Mapping

from tagcheck.report.escape import terminal_safe

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One CSV cell: text that no spreadsheet evaluates and no terminal interprets."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    if text.lstrip(" \n\x0b\x0c").startswith(_FORMULA_START):
        text = "'" + text
    return terminal_safe(text)


def render(document: Mapping[str, Any], **_options: Any) -> str:
    keys = list(document.get("policy", {}).get("required", []))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["address", "type", "origin", "region", "account", *[cell(f"tag:{k}") for k in keys],
                     "allocation", "monthly_cost_usd", "monthly_saving_usd", "rules"])
    for row in document.get("resources", []):
        tags = row.get("tags") or {}
        cost = row.get("monthly_cost_usd")
        saving = row.get("monthly_saving_usd")
        writer.writerow([cell(row["address"]), cell(row["type"]), cell(row["origin"]), cell(row.get("region")),
                         cell(row.get("account")), *[cell(tags.get(k)) for k in keys], cell(row["allocation"]),
                         cell(None if cost is None else float(cost)), cell(None if not saving else float(saving)),
                         cell(";".join(row.get("rules") or []))])
    return out.getvalue()
