"""The showback report in GitHub-flavoured Markdown (a PR comment, a wiki page).

The same numbers as the HTML report, as tables: the headline, one table per required tag
key (team, feature, component first) with the *unallocated* and *unknown* buckets in
italics (a tag value cannot produce italics: ``markdown_cell`` escapes ``*``), savings by
lever and by team, the top findings by dollars and the resources that could not be priced.

Every value from the code or the account goes through ``markdown_cell``: it renders as
literal text, cannot add a column, open an HTML element or @-mention anyone.
"""

from __future__ import annotations

from typing import Any, Mapping

from tagcheck.report.escape import markdown_cell
from tagcheck.cost.allocation import display_keys

REASONS = {"missing": "missing", "empty": "empty", "not_allowed": "not allowed", "near_miss": "near miss",
           "hidden": "hidden by ignore_tags"}


def usd(value: float | None) -> str:
    return "" if value is None else f"\\${value:,.2f}"  # \$: GitHub renders $…$ as maths


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def render(document: Mapping[str, Any], *, title: str = "tagcheck showback", max_values: int = 50,
           **_options: Any) -> str:
    """``max_values``: value rows per key table (the rest are summed in one row; the JSON
    and CSV formats have them all)."""
    out: list[str] = [f"## {markdown_cell(title)}", ""]
    out += _headline(document)
    for key in display_keys(document["by_key"]):
        out += _key_table(key, document["by_key"][key], max_values)
    out += _savings(document["savings"])
    out += _findings(document["top_findings"])
    out += _unpriced(document["unpriced"])
    out += _notes(document)
    return "\n".join(out).rstrip("\n") + "\n"


def _headline(doc: Mapping[str, Any]) -> list[str]:
    totals, alloc = doc["totals"], doc["allocation"]
    lines = [
        f"- **Estimated cost:** {usd(totals['monthly_usd'])}/mo over {totals['resources']} resources "
        f"({totals['resources_priced']} priced, {totals['resources_unpriced']} could not be priced)",
        f"- **Allocated:** {_pct(alloc['coverage_pct_usd'])} of the dollars "
        f"({_allocated_note(alloc)}); {alloc['fully_tagged']}/{totals['taggable_resources']} "
        f"taggable resources carry every required tag ({_pct(alloc['coverage_pct'])})",
        f"- **Unallocated:** **{usd(alloc['unallocated_monthly_usd'])}/mo** on resources missing a required tag "
        "or allowed value",
    ]
    if alloc["unknown_monthly_usd"]:
        lines.append(f"- **Unknown:** {usd(alloc['unknown_monthly_usd'])}/mo on resources whose tags cannot be "
                     "verified statically")
    lines.append(f"- **Possible saving:** {usd(totals['possible_saving_monthly_usd'])}/mo")
    threshold = alloc.get("min_allocation")
    if threshold:
        verdict = "meets" if threshold["met"] else "**below**"
        lines.append(f"- **Minimum allocation:** {_pct(threshold['pct'])}: {verdict}")
    return lines + [""]


def _allocated_note(alloc: Mapping[str, Any]) -> str:
    priced = alloc["allocated_monthly_usd"] + alloc["unallocated_monthly_usd"] + alloc["unknown_monthly_usd"]
    return f"{usd(alloc['allocated_monthly_usd'])}/mo" if priced else "no priced dollars to allocate"


def _special(name: str, bucket: Mapping[str, Any]) -> str:
    label = f"*{name}*"
    reasons = bucket.get("by_reason") or {}
    if reasons:
        label += " (" + ", ".join(f"{REASONS.get(r, markdown_cell(r))} {v['resources']}" for r, v in reasons.items()) + ")"
    return label


def _key_table(key: str, table: Mapping[str, Any], max_values: int) -> list[str]:
    lines = [f"### Cost by {markdown_cell(key)}", "",
             f"| {markdown_cell(key)} | \\$/mo | share | resources | unpriced | possible saving/mo |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]

    def row(label: str, b: Mapping[str, Any]) -> str:
        return (f"| {label} | {usd(b['monthly_usd'])} | {_pct(b['share_pct'])} | {b['resources']} | {b['unpriced']} "
                f"| {usd(b['possible_saving_monthly_usd'])} |")

    for value in table["values"][:max_values]:
        lines.append(row(markdown_cell(value["value"]), value))
    rest = table["values"][max_values:]
    if rest:
        lines.append(f"| *{len(rest)} more values* | {usd(round(sum(v['monthly_usd'] for v in rest), 2))} "
                     f"| {_pct(round(sum(v['share_pct'] for v in rest), 1))} | {sum(v['resources'] for v in rest)} "
                     f"| {sum(v['unpriced'] for v in rest)} "
                     f"| {usd(round(sum(v['possible_saving_monthly_usd'] for v in rest), 2))} |")
    lines.append(row(_special("unallocated", table["unallocated"]), table["unallocated"]))
    if table["unknown"]["resources"]:
        lines.append(row(_special("unknown", table["unknown"]), table["unknown"]))
    if table["not_taggable"]["monthly_usd"]:
        lines.append(row("*not taggable*", table["not_taggable"]))
    return lines + [""]


def _savings(savings: Mapping[str, Any]) -> list[str]:
    lines = ["### Savings by lever", ""]
    if not savings["by_lever"]:
        return lines + ["No saving found.", ""]
    lines += ["| lever | saving/mo | findings |", "| --- | ---: | ---: |"]
    for lever in savings["by_lever"]:
        lines.append(f"| {markdown_cell(lever['lever'])} | {usd(lever['monthly_usd'])} | {lever['findings']} |")
    lines += ["", f"Levers on one resource overlap (schedule, then spot on what remains): together they save "
                  f"{usd(savings['possible_monthly_usd'])}/mo, not the sum.", ""]
    team = savings["by_team"]
    if team["key"] is not None:
        lines += [f"### Savings by {markdown_cell(team['key'])}", "",
                  f"| {markdown_cell(team['key'])} | possible saving/mo |", "| --- | ---: |"]
        for value in team["values"]:
            lines.append(f"| {markdown_cell(value['value'])} | {usd(value['monthly_usd'])} |")
        if team["unallocated_monthly_usd"]:
            lines.append(f"| *unallocated* | {usd(team['unallocated_monthly_usd'])} |")
        if team["unknown_monthly_usd"]:
            lines.append(f"| *unknown* | {usd(team['unknown_monthly_usd'])} |")
        lines.append("")
    return lines


def location_text(location: Mapping[str, Any]) -> str:
    if location.get("arn"):
        return location["arn"]
    where = location.get("file") or ""
    return f"{where}:{location['line']}" if where and location.get("line") else where


def _where(finding: Mapping[str, Any]) -> str:
    """The location, unless it only repeats the address (a live resource's ARN)."""
    where = location_text(finding["location"])
    return "" if where == finding["address"] else where


def _owner(owner: Mapping[str, Any]) -> str:
    if owner.get("bucket") == "value":
        return markdown_cell(owner["value"])
    return f"*{owner['bucket'].replace('_', ' ')}*" if owner.get("bucket") else ""


def _findings(findings: list) -> list[str]:
    lines = ["### Top findings by dollars", ""]
    if not findings:
        return lines + ["No finding carries a cost.", ""]
    lines += ["| \\$/mo | saving/mo | rule | lever | resource | owner | location | message |",
              "| ---: | ---: | --- | --- | --- | --- | --- | --- |"]
    for f in findings:
        lines.append(f"| {usd(f['monthly_cost_usd'])} | {usd(f['monthly_saving_usd'])} | {markdown_cell(f['rule'])} "
                     f"| {markdown_cell(f['lever'])} | {markdown_cell(f['address'] or '')} | {_owner(f['owner'])} "
                     f"| {markdown_cell(_where(f))} | {markdown_cell(f['message'])} |")
    return lines + [""]


def _unpriced(unpriced: list) -> list[str]:
    if not unpriced:
        return []
    lines = [f"### Not priced ({len(unpriced)})", "", "| resource | type | why |", "| --- | --- | --- |"]
    for item in unpriced:
        lines.append(f"| {markdown_cell(item['address'])} | {markdown_cell(item['type'])} "
                     f"| {markdown_cell(item['reason'] or '')} |")
    return lines + [""]


def _notes(doc: Mapping[str, Any]) -> list[str]:
    prices = doc.get("prices") or {}
    policy = doc["policy"]
    return [f"Estimates: on-demand list prices, 730 h a month ({markdown_cell(str(prices.get('source', '')))}, "
            f"{markdown_cell(str(prices.get('as_of', '')))}); usage-based charges are not included. "
            f"Policy: {markdown_cell(policy['source'] or 'built-in finops-baseline')}. "
            f"Required tags: {', '.join(markdown_cell(k) for k in policy['required'])}.", ""]
