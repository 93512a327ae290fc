"""The showback report as one self-contained HTML page.

No network at all: inline CSS, inline SVG charts drawn here, a system font stack, and a
few lines of inline JavaScript that only make the findings table sortable (the page reads
the same without it). A Content-Security-Policy ``<meta>`` allows exactly that style and
that script (by hash) and nothing else — no fetch, no image, no other script — so even an
escaping mistake could not run code or phone home.

What is on the page, with the ids and classes tests and scripts can rely on:

- ``#headline``: ``#total-usd``, ``#allocated-pct``, ``#unallocated-usd`` (highlighted),
  ``#unknown-usd`` (when non-zero), ``#saving-usd``, ``#min-allocation`` (when a threshold
  was given; class ``met`` or ``below``); each figure has ``data-usd`` / ``data-pct`` with the
  exact number; ``#allocation-bar`` is the allocated / unallocated / unknown split.
- ``#chart-KEY`` (KEY slugged: ``team``, ``feature``, ``component``, ``cost-center`` …) per
  required key, each an SVG of horizontal bars ``g.bar`` (``g.bar.unallocated``,
  ``g.bar.unknown``, ``g.bar.other`` for values past the first 15) with ``data-value``,
  ``data-usd``, a ``<title>`` tooltip and text labels; ``#table-KEY`` the same as a table.
- ``#chart-levers`` (``g.bar.saving``), ``#chart-savings-team``.
- ``#findings-table`` (``table.sortable``), ``#unpriced``, ``#notes``.

Every value from the code or the account is escaped: element text with ``html_text``,
attribute values with :func:`attr` (``& < > " '``), both after control and bidi characters
became visible escapes; labels are also put on one line.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Any, Mapping, Sequence

from tagcheck.report.escape import html_text, one_line, terminal_safe
from tagcheck.cost.allocation import display_keys

MAX_BARS = 15
LABEL_CHARS = 24
REASONS = {"missing": "missing", "empty": "empty", "not_allowed": "not allowed", "near_miss": "near miss",
           "hidden": "hidden by ignore_tags"}

CSS = """
:root{--fg:#1d232b;--muted:#5b6675;--line:#e3e7ed;--card:#f5f7fa;--bar:#3f6fb0;--bad:#c92a2a;--badbg:#fff1f0;
--unk:#98a2b3;--good:#2b8a3e}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:#fff;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.sub,.muted{color:var(--muted)}
#headline{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:18px 0 10px}
.card{background:var(--card);border-radius:8px;padding:12px 14px;border-left:4px solid var(--bar)}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .figure{font-size:26px;font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap}
.card .figure small{font-size:14px;font-weight:400;color:var(--muted)}
.card .note{font-size:12px;color:var(--muted)}
.card.alert{border-left-color:var(--bad);background:var(--badbg)}
.card.alert .figure{color:var(--bad)}
.card.saving{border-left-color:var(--good)}
.card.saving .figure{color:var(--good)}
#min-allocation{display:inline-block;margin:4px 0;padding:2px 10px;border-radius:12px;font-weight:600}
#min-allocation.met{background:#e6f4ea;color:var(--good)}
#min-allocation.below{background:var(--badbg);color:var(--bad)}
#allocation-bar{width:100%;height:auto;display:block;margin:6px 0 2px}
.legend span{margin-right:14px;white-space:nowrap}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:baseline}
.sw-alloc{background:var(--bar)}.sw-unalloc{background:var(--bad)}.sw-unk{background:var(--unk)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
figure.chart{margin:0;padding:10px 12px;border:1px solid var(--line);border-radius:8px;break-inside:avoid}
figure.chart figcaption{font-weight:600;margin-bottom:4px}
figure.chart svg{width:100%;height:auto;display:block}
svg text{font-size:12px;fill:var(--fg)}
svg text.amount{fill:var(--muted);font-variant-numeric:tabular-nums}
svg .bar rect.v{fill:var(--bar)}
svg .bar.saving rect.v{fill:var(--good)}
svg .bar.unknown rect.v,svg .bar.other rect.v{fill:var(--unk)}
svg .bar.unallocated rect.v{fill:var(--bad)}
svg .bar.unallocated text{fill:var(--bad);font-weight:700}
svg .bar:hover rect.v{opacity:.75}
svg rect.track{fill:var(--card)}
#allocation-bar .allocated rect{fill:var(--bar)}
#allocation-bar .unallocated rect{fill:var(--bad)}
#allocation-bar .unknown rect{fill:var(--unk)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;margin:4px 0 8px}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;background:var(--card)}
.num{text-align:right;white-space:nowrap}
tr.unallocated td{color:var(--bad);font-weight:600}
tr.unknown td{color:var(--muted)}
td.msg{min-width:300px;max-width:460px}
#findings-table code{font-size:11px}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.js table.sortable th{cursor:pointer;user-select:none}
.js table.sortable th:hover{text-decoration:underline}
table.sortable th[aria-sort=descending]::after{content:" \\25BE"}
table.sortable th[aria-sort=ascending]::after{content:" \\25B4"}
details{margin:6px 0}
summary{cursor:pointer;color:var(--muted)}
footer{margin-top:28px;font-size:12px;color:var(--muted)}
@media (max-width:900px){#headline{grid-template-columns:1fr 1fr}}
@media print{details{display:block}main{padding:0}}
""".strip()

SCRIPT = """
document.documentElement.classList.add("js");
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.tHead.rows[0].cells, body = table.tBodies[0];
  Array.prototype.forEach.call(heads, function (th, col) {
    function sort() {
      var numeric = th.classList.contains("num");
      var now = th.getAttribute("aria-sort");
      var dir = now ? (now === "descending" ? 1 : -1) : (numeric ? -1 : 1);
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir < 0 ? "descending" : "ascending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col];
        x = x.hasAttribute("data-sort") ? x.getAttribute("data-sort") : x.textContent;
        y = y.hasAttribute("data-sort") ? y.getAttribute("data-sort") : y.textContent;
        if (numeric) { return ((parseFloat(x) || 0) - (parseFloat(y) || 0)) * dir; }
        return x.localeCompare(y) * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.tabIndex = 0;
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
    });
  });
});
""".strip()


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


CSP = (f"default-src 'none'; style-src '{_sha256(CSS)}'; script-src '{_sha256(SCRIPT)}'; "
       "img-src 'none'; base-uri 'none'; form-action 'none'")


def attr(text: Any) -> str:
    """An attribute value (always written in double quotes)."""
    return html.escape(terminal_safe(str(text)), quote=True)


def text(value: Any) -> str:
    return html_text(str(value))


def label(value: Any, limit: int = LABEL_CHARS) -> str:
    """A chart label: one line, at most ``limit`` characters (the tooltip has it whole)."""
    line = one_line(str(value))
    if len(line) > limit:
        line = line[:limit - 1] + "…"
    return html_text(line)


def usd(value: float | None) -> str:
    return "" if value is None else f"${value:,.2f}"


def pct(value: float) -> str:
    return f"{value:.1f}%"


def slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "key"


def render(document: Mapping[str, Any], *, title: str = "tagcheck showback", **_options: Any) -> str:
    keys = display_keys(document["by_key"])
    ids: dict[str, str] = {}
    for key in keys:
        base = candidate = slug(key)
        n = 2
        while candidate in ids.values() or candidate in ("levers", "savings-team"):
            candidate, n = f"{base}-{n}", n + 1
        ids[key] = candidate
    source = document.get("source") or {}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{text(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{text(title)}: estimated monthly cost by tag</h1>",
        f'<p class="sub">Source: {text(_source_text(source))} · policy '
        f"<code>{text(document['policy']['source'] or 'built-in finops-baseline')}</code> · required tags: "
        + ", ".join(f"<code>{text(k)}</code>" for k in document["policy"]["required"]) + "</p>",
        _headline(document),
        "<h2>Cost by tag</h2>",
        '<div class="charts">',
    ]
    for key in keys:
        parts.append(_key_chart(key, ids[key], document["by_key"][key]))
    parts.append("</div>")
    for key in keys:
        parts.append(_key_table(key, ids[key], document["by_key"][key]))
    parts += ["<h2>Savings</h2>", '<div class="charts">', _levers_chart(document["savings"]),
              _team_savings_chart(document["savings"]), "</div>",
              '<p class="muted">Levers on one resource overlap (schedule, then spot on what remains): together they '
              f"save {usd(document['savings']['possible_monthly_usd'])}/mo, not the sum of the bars.</p>",
              _findings_table(document["top_findings"]),
              _cost_lines(document["resources"]),
              _unpriced(document["unpriced"]),
              _notes(document),
              "</main>",
              f"<script>{SCRIPT}</script>",
              "</body>",
              "</html>"]
    return "\n".join(parts) + "\n"


def _source_text(source: Mapping[str, Any]) -> str:
    kind = source.get("source") or "unknown"
    inputs = source.get("inputs")
    if inputs:
        return f"{kind} ({', '.join(str(i) for i in inputs)})"
    return str(kind)


def _headline(doc: Mapping[str, Any]) -> str:
    totals, alloc = doc["totals"], doc["allocation"]
    cards = [
        f'<div class="card" id="total"><div class="label">Estimated cost</div>'
        f'<div class="figure" id="total-usd" data-usd="{totals["monthly_usd"]}">{usd(totals["monthly_usd"])}'
        f"<small>/mo</small></div><div class=\"note\">{totals['resources']} resources, "
        f"{totals['resources_priced']} priced, {totals['resources_unpriced']} not priceable</div></div>",
        f'<div class="card" id="allocated"><div class="label">Allocated</div>'
        f'<div class="figure" id="allocated-pct" data-pct="{alloc["coverage_pct_usd"]}">'
        f"{pct(alloc['coverage_pct_usd'])}</div><div class=\"note\">of the dollars "
        f"({_allocated_note(alloc)}); {alloc['fully_tagged']}/{totals['taggable_resources']} "
        "taggable resources fully tagged</div></div>",
        f'<div class="card alert" id="unallocated"><div class="label">Unallocated</div>'
        f'<div class="figure" id="unallocated-usd" data-usd="{alloc["unallocated_monthly_usd"]}">'
        f"{usd(alloc['unallocated_monthly_usd'])}<small>/mo</small></div>"
        '<div class="note">on resources missing a required tag or allowed value'
        + (f'; <span id="unknown-usd" data-usd="{alloc["unknown_monthly_usd"]}">'
           f"{usd(alloc['unknown_monthly_usd'])}/mo</span> unknown (tags not verifiable statically)"
           if alloc["unknown_monthly_usd"] else "") + "</div></div>",
        f'<div class="card saving" id="saving"><div class="label">Possible saving</div>'
        f'<div class="figure" id="saving-usd" data-usd="{totals["possible_saving_monthly_usd"]}">'
        f"{usd(totals['possible_saving_monthly_usd'])}<small>/mo</small></div>"
        '<div class="note">levers compounded per resource</div></div>',
    ]
    out = ['<section id="headline" aria-label="headline">', *cards, "</section>"]
    threshold = alloc.get("min_allocation")
    if threshold:
        met = threshold["met"]
        out.append(f'<p id="min-allocation" class="{"met" if met else "below"}" data-pct="{threshold["pct"]}">'
                   f"Allocation {pct(alloc['coverage_pct_usd'])} {'meets' if met else 'is below'} the minimum "
                   f"of {pct(threshold['pct'])}</p>")
    out.append(_allocation_bar(alloc, totals))
    return "\n".join(out)


def _allocated_note(alloc: Mapping[str, Any]) -> str:
    priced = alloc["allocated_monthly_usd"] + alloc["unallocated_monthly_usd"] + alloc["unknown_monthly_usd"]
    return f"{usd(alloc['allocated_monthly_usd'])}/mo" if priced else "no priced dollars to allocate"


def _allocation_bar(alloc: Mapping[str, Any], totals: Mapping[str, Any]) -> str:
    width, height = 1000, 18
    parts = [("allocated", alloc["allocated_monthly_usd"]), ("unallocated", alloc["unallocated_monthly_usd"]),
             ("unknown", alloc["unknown_monthly_usd"])]
    whole = sum(v for _, v in parts)
    svg = [f'<svg id="allocation-bar" viewBox="0 0 {width} {height}" role="img" '
           'aria-label="allocated, unallocated and unknown share of the dollars">',
           f'<rect class="track" x="0" y="0" width="{width}" height="{height}" rx="4"/>']
    x = 0.0
    for name, value in parts:
        if not whole or not value:
            continue
        w = width * value / whole
        share = 100.0 * value / whole
        svg.append(f'<g class="part {name}"><title>{name}: {usd(value)}/mo ({share:.1f}%)</title>'
                   f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}"/></g>')
        x += w
    svg.append("</svg>")
    legend = ('<p class="legend muted"><span><i class="swatch sw-alloc"></i>allocated '
              f"{usd(alloc['allocated_monthly_usd'])}</span><span><i class=\"swatch sw-unalloc\"></i>unallocated "
              f"{usd(alloc['unallocated_monthly_usd'])}</span><span><i class=\"swatch sw-unk\"></i>unknown "
              f"{usd(alloc['unknown_monthly_usd'])}</span><span>(priced dollars of taggable resources)</span></p>")
    return "\n".join(svg) + "\n" + legend


def _reasons(bucket: Mapping[str, Any]) -> str:
    reasons = bucket.get("by_reason") or {}
    return ", ".join(f"{REASONS.get(r, r)} {v['resources']}" for r, v in reasons.items())


def _bars(key: str, table: Mapping[str, Any]) -> list[dict]:
    """The rows of a key's chart: values by dollars (the first MAX_BARS; the rest as one
    "other" bar), then unallocated (always) and unknown / not taggable when they hold any."""
    values = list(table["values"])
    rows = [{"kind": "value", "value": v["value"], "label": label(v["value"]), "tip": v["value"], **_nums(v)}
            for v in values[:MAX_BARS]]
    rest = values[MAX_BARS:]
    if rest:
        rows.append({"kind": "other", "value": None, "label": f"{len(rest)} other values",
                     "tip": f"{len(rest)} other values",
                     "monthly_usd": round(sum(v["monthly_usd"] for v in rest), 2),
                     "share_pct": round(sum(v["share_pct"] for v in rest), 1),
                     "resources": sum(v["resources"] for v in rest)})
    unalloc = table["unallocated"]
    why = _reasons(unalloc)
    rows.append({"kind": "unallocated", "value": None, "label": "unallocated",
                 "tip": f"unallocated ({why})" if why else "unallocated", **_nums(unalloc)})
    if table["unknown"]["resources"]:
        rows.append({"kind": "unknown", "value": None, "label": "unknown", "tip": "unknown (not statically known)",
                     **_nums(table["unknown"])})
    if table["not_taggable"]["monthly_usd"]:
        rows.append({"kind": "other", "value": None, "label": "not taggable", "tip": "types that carry no tags",
                     **_nums(table["not_taggable"])})
    return rows


def _nums(bucket: Mapping[str, Any]) -> dict:
    return {"monthly_usd": bucket["monthly_usd"], "share_pct": bucket["share_pct"], "resources": bucket["resources"]}


def _svg_bars(rows: Sequence[dict], *, element_id: str, caption: str, extra_class: str = "",
              show_share: bool = True) -> str:
    width, label_w, bar_x, bar_w, row_h, top = 572, 158, 164, 236, 24, 4
    height = top * 2 + row_h * max(1, len(rows))
    biggest = max([r["monthly_usd"] for r in rows] + [0.0])
    out = [f'<figure class="chart" id="{element_id}">', f"<figcaption>{caption}</figcaption>",
           f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{attr(_strip_tags(caption))}">']
    if not rows:
        out.append(f'<text x="{bar_x}" y="{top + 16}" class="amount">nothing to show</text>')
    for i, row in enumerate(rows):
        y = top + i * row_h
        w = (bar_w * row["monthly_usd"] / biggest) if biggest else 0.0
        if row["monthly_usd"] and w < 1.5:
            w = 1.5
        classes = " ".join(c for c in ("bar", row["kind"] if row["kind"] != "value" else "", extra_class) if c)
        data_value = f' data-value="{attr(row["value"])}"' if row.get("value") is not None else ""
        amount = usd(row["monthly_usd"]) + (f" · {row['share_pct']:.1f}%" if show_share else "")
        resources = row.get("resources")
        tip = f"{row['tip']}: {usd(row['monthly_usd'])}/mo" + (f", {row['share_pct']:.1f}% of the total" if show_share else "")
        if resources is not None:
            tip += f", {resources} resource{'s' if resources != 1 else ''}"
        out.append(
            f'<g class="{classes}"{data_value} data-usd="{row["monthly_usd"]}">'
            f"<title>{text(tip)}</title>"
            f'<rect class="track" x="{bar_x}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}" rx="2"/>'
            f'<rect class="v" x="{bar_x}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="2"/>'
            f'<text class="label" x="{label_w}" y="{y + 16}" text-anchor="end">{row["label"]}</text>'
            f'<text class="amount" x="{bar_x + w + 6:.1f}" y="{y + 16}">{text(amount)}</text>'
            "</g>")
    out += ["</svg>", "</figure>"]
    return "\n".join(out)


def _strip_tags(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def _key_chart(key: str, key_id: str, table: Mapping[str, Any]) -> str:
    return _svg_bars(_bars(key, table), element_id=f"chart-{key_id}", caption=f"Cost by <code>{text(key)}</code>")


def _key_table(key: str, key_id: str, table: Mapping[str, Any]) -> str:
    rows = [f'<details id="details-{key_id}"><summary>Table: cost by {text(key)}</summary>',
            f'<table id="table-{key_id}"><thead><tr><th>{text(key)}</th><th class="num">$/mo</th>'
            '<th class="num">share</th><th class="num">resources</th><th class="num">unpriced</th>'
            '<th class="num">possible saving/mo</th></tr></thead><tbody>']

    def row(cls: str, name: str, b: Mapping[str, Any]) -> str:
        return (f'<tr{cls}><td>{name}</td><td class="num">{usd(b["monthly_usd"])}</td>'
                f'<td class="num">{pct(b["share_pct"])}</td><td class="num">{b["resources"]}</td>'
                f'<td class="num">{b["unpriced"]}</td><td class="num">{usd(b["possible_saving_monthly_usd"])}</td></tr>')

    for value in table["values"]:
        rows.append(row("", f"<code>{text(value['value'])}</code>", value))
    why = _reasons(table["unallocated"])
    rows.append(row(' class="unallocated"', "unallocated" + (f" ({text(why)})" if why else ""), table["unallocated"]))
    if table["unknown"]["resources"]:
        rows.append(row(' class="unknown"', "unknown", table["unknown"]))
    if table["not_taggable"]["resources"]:
        rows.append(row(' class="unknown"', "not taggable", table["not_taggable"]))
    rows.append("</tbody></table></details>")
    return "\n".join(rows)


def _levers_chart(savings: Mapping[str, Any]) -> str:
    rows = [{"kind": "value", "value": lever["lever"], "label": label(lever["lever"]),
             "tip": f"{lever['lever']} ({lever['findings']} finding{'s' if lever['findings'] != 1 else ''})",
             "monthly_usd": lever["monthly_usd"], "share_pct": 0.0, "resources": None}
            for lever in savings["by_lever"]]
    return _svg_bars(rows, element_id="chart-levers", caption="Savings by lever ($/mo)", extra_class="saving",
                     show_share=False)


def _team_savings_chart(savings: Mapping[str, Any]) -> str:
    team = savings["by_team"]
    if team["key"] is None:
        return ""
    rows = [{"kind": "value", "value": v["value"], "label": label(v["value"]), "tip": v["value"],
             "monthly_usd": v["monthly_usd"], "share_pct": 0.0, "resources": None} for v in team["values"][:MAX_BARS]]
    if team["unallocated_monthly_usd"]:
        rows.append({"kind": "unallocated", "value": None, "label": "unallocated", "tip": "unallocated",
                     "monthly_usd": team["unallocated_monthly_usd"], "share_pct": 0.0, "resources": None})
    if team["unknown_monthly_usd"]:
        rows.append({"kind": "unknown", "value": None, "label": "unknown", "tip": "unknown",
                     "monthly_usd": team["unknown_monthly_usd"], "share_pct": 0.0, "resources": None})
    return _svg_bars(rows, element_id="chart-savings-team", extra_class="saving", show_share=False,
                     caption=f"Possible saving by <code>{text(team['key'])}</code> ($/mo)")


def _location(location: Mapping[str, Any]) -> str:
    if location.get("arn"):
        return str(location["arn"])
    where = location.get("file") or ""
    return f"{where}:{location['line']}" if where and location.get("line") else str(where)


def _owner(owner: Mapping[str, Any]) -> tuple[str, str]:
    """(cell html, row class)"""
    bucket = owner.get("bucket")
    if bucket == "value":
        return f"<code>{text(owner['value'])}</code>", ""
    if bucket is None:
        return "", ""
    return text(bucket.replace("_", " ")), (' class="unallocated"' if bucket == "unallocated" else "")


def _findings_table(findings: Sequence[Mapping[str, Any]]) -> str:
    out = ["<h2>Top findings by dollars</h2>"]
    if not findings:
        return "\n".join(out + ['<p id="findings-empty">No finding carries a cost.</p>'])
    out += ['<p class="muted">Most expensive resource first; click a column heading to sort.</p>',
            '<table id="findings-table" class="sortable"><thead><tr>'
            '<th class="num" aria-sort="descending">$/mo</th><th class="num">saving/mo</th><th>rule</th>'
            "<th>severity</th><th>lever</th><th>resource</th><th>owner</th><th>location</th><th>message</th>"
            "</tr></thead><tbody>"]
    for f in findings:
        owner, _ = _owner(f["owner"])
        cost, saving = f["monthly_cost_usd"], f["monthly_saving_usd"]
        where = _location(f["location"])
        where = "" if where == f["address"] else where  # a live resource: its ARN is its address
        out.append(
            f'<tr data-rule="{attr(f["rule"])}">'
            f'<td class="num" data-sort="{cost or 0}">{usd(cost)}</td>'
            f'<td class="num" data-sort="{saving or 0}">{usd(saving)}</td>'
            f"<td>{text(f['rule'])}</td><td>{text(f['severity'])}</td><td>{text(f['lever'])}</td>"
            f"<td><code>{text(f['address'] or '')}</code></td><td>{owner}</td>"
            f"<td><code>{text(where)}</code></td><td class=\"msg\">{text(f['message'])}</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


COST_LINE_RESOURCES = 10  # the costliest resources shown line by line


def _cost_lines(resources: Sequence[Mapping[str, Any]]) -> str:
    """How the largest estimates are made: each line's quantity × unit price, so a reader can
    check the arithmetic against the price list."""
    priced = sorted((r for r in resources if r.get("cost_lines")), key=lambda r: -(r["monthly_cost_usd"] or 0))
    out = ['<h2>How the largest costs are estimated</h2>', '<section id="cost-lines">']
    if not priced:
        out.append('<p class="muted">No resource has a priced cost line.</p>')
    for resource in priced[:COST_LINE_RESOURCES]:
        out.append(f"<h3><code>{text(resource['address'])}</code> {usd(resource['monthly_cost_usd'])}/mo</h3>")
        out.append('<table class="lines"><thead><tr><th>line</th><th>component</th><th class="num">quantity</th>'
                   '<th class="num">unit price</th><th class="num">$/mo</th></tr></thead><tbody>')
        for line in resource["cost_lines"]:
            out.append(f"<tr><td>{text(line['item'])}</td><td>{text(line['component'])}</td>"
                       f'<td class="num">{line["quantity"]:,.6g} {text(line["unit"])}</td>'
                       f'<td class="num">${line["unit_usd"]:,.6g}</td><td class="num">{usd(line["monthly_usd"])}</td></tr>')
        out.append("</tbody></table>")
        if resource.get("cost_excluded"):
            out.append('<p class="muted">Not included: ' + "; ".join(text(e) for e in resource["cost_excluded"]) + "</p>")
    if len(priced) > COST_LINE_RESOURCES:
        out.append(f'<p class="muted">… and {len(priced) - COST_LINE_RESOURCES} more priced resources '
                   "(every line is in the JSON report's <code>resources[].cost_lines</code>).</p>")
    out.append("</section>")
    return "\n".join(out)


def _unpriced(unpriced: Sequence[Mapping[str, Any]]) -> str:
    out = [f'<h2>Not priced ({len(unpriced)})</h2>', '<section id="unpriced">']
    if not unpriced:
        out.append('<p class="muted">Every resource was priced (usage-based charges such as data transfer and '
                   "S3 storage are not estimated).</p>")
    else:
        out.append('<p class="muted">These resources count $0 in every figure above.</p>')
        out.append("<table><thead><tr><th>resource</th><th>type</th><th>why</th></tr></thead><tbody>")
        for item in unpriced:
            out.append(f"<tr><td><code>{text(item['address'])}</code></td><td>{text(item['type'])}</td>"
                       f"<td>{text(item['reason'] or '')}</td></tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return "\n".join(out)


def _notes(doc: Mapping[str, Any]) -> str:
    prices = doc.get("prices") or {}
    tool = doc.get("tool") or {}
    return (
        '<footer id="notes"><p>Estimates: on-demand list prices, 730 hours a month '
        f"({text(prices.get('source', ''))}, {text(prices.get('as_of', ''))}); usage-based charges are not included. "
        "<b>Allocated</b>: the priced dollars of taggable resources that carry every required tag with an allowed "
        "value. <b>Unallocated</b> (per key): the key is missing, empty, not allowed, a near miss or hidden by "
        "ignore_tags. <b>Unknown</b>: the value cannot be known before apply.</p>"
        f"<p>Generated by {text(tool.get('name', 'tagcheck'))} {text(tool.get('version', ''))}.</p></footer>")
