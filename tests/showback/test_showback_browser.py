"""The HTML showback report of examples/terraform, rendered by a real headless Chromium.

Skipped (with the install command) where no Chromium is installed; CI installs Debian's
`chromium`. The page must work offline: Chromium runs with networking features off and
the page's own Content-Security-Policy forbids any fetch.
"""

from __future__ import annotations

import re
import struct

import pytest

from showback_helpers import (EXAMPLE, HOSTILE_FIXTURE, INSTALL_HINT, chromium, chromium_path, load_json,
                              parse_html, report)

BROWSER = chromium_path()
pytestmark = pytest.mark.skipif(BROWSER is None, reason=INSTALL_HINT)


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    """(html path, json document) of examples/terraform."""
    from tagcheck.cli import main

    out = tmp_path_factory.mktemp("report")
    page, data = out / "report.html", out / "report.json"
    assert main(["report", str(EXAMPLE), "--output", str(page)]) == 0
    assert main(["report", str(EXAMPLE), "--format", "json", "--output", str(data)]) == 0
    return page, load_json(data.read_text(encoding="utf-8"))


def _dump_dom(page, tmp_path) -> str:
    done = chromium(BROWSER, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


def test_rendered_dom_has_charts_headline_and_findings(example_report, tmp_path):
    page, doc = example_report
    dom = parse_html(_dump_dom(page, tmp_path))

    # the inline script ran under the page's CSP (its hash is right): it marks <html class="js">
    assert "js" in dom.find_all("html")[0].classes

    # headline: the unallocated figure is the JSON's, and visibly highlighted
    headline = dom.by_id("headline")
    unallocated = headline.by_id("unallocated-usd")
    assert float(unallocated.attrs["data-usd"]) == doc["allocation"]["unallocated_monthly_usd"]
    assert f"${doc['allocation']['unallocated_monthly_usd']:,.2f}" in unallocated.text
    assert "alert" in dom.by_id("unallocated").classes
    assert float(headline.by_id("total-usd").attrs["data-usd"]) == doc["totals"]["monthly_usd"]
    assert float(headline.by_id("allocated-pct").attrs["data-pct"]) == doc["allocation"]["coverage_pct_usd"]

    # one SVG bar chart per showback axis, a bar (with a tooltip and a label) per value
    for key in ("team", "feature", "component"):
        chart = dom.by_id(f"chart-{key}")
        assert chart.find_all("svg"), key
        bars = chart.find_all("g", cls="bar")
        values = {b.attrs["data-value"]: float(b.attrs["data-usd"]) for b in bars if "data-value" in b.attrs}
        assert values == {v["value"]: v["monthly_usd"] for v in doc["by_key"][key]["values"]}, key
        for bar in bars:
            assert bar.find_all("title") and bar.find_all("text", cls="label"), key
            assert bar.find_all("rect", cls="v"), key
        flagged = chart.find_all("g", cls="unallocated")
        assert len(flagged) == 1 and float(flagged[0].attrs["data-usd"]) == doc["by_key"][key]["unallocated"]["monthly_usd"]
    team_bars = dom.by_id("chart-team").find_all("g", cls="bar")
    assert [b.attrs.get("data-value") for b in team_bars if "data-value" in b.attrs] == ["ml-platform"]

    levers = {b.attrs["data-value"]: float(b.attrs["data-usd"]) for b in dom.by_id("chart-levers").find_all("g", cls="bar")}
    assert levers == {x["lever"]: x["monthly_usd"] for x in doc["savings"]["by_lever"]}

    # the findings table, most dollars first, every top finding of the JSON in it
    table = dom.by_id("findings-table")
    rows = table.find_all("tbody")[0].find_all("tr")
    assert len(rows) == len(doc["top_findings"]) > 0
    assert [r.attrs["data-rule"] for r in rows] == [f["rule"] for f in doc["top_findings"]]
    assert "module.training.aws_instance.trainer" in rows[0].text


def test_sorting_script_sorts_the_findings_table(example_report, tmp_path):
    """Click the $/mo heading (most dollars first → fewest first) in the real browser."""
    page, doc = example_report
    html = page.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)  # allow the probe below
    probe = ("<script>var th=document.querySelector('#findings-table th');th.click();"
             "document.body.setAttribute('data-order',Array.prototype.map.call("
             "document.querySelectorAll('#findings-table tbody tr td:first-child'),"
             "function(td){return td.getAttribute('data-sort')}).join(','));"
             "document.body.setAttribute('data-sorted',th.getAttribute('aria-sort'));</script>")
    probe_page = tmp_path / "probe.html"
    probe_page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    body = parse_html(_dump_dom(probe_page, tmp_path)).find_all("body")[0]
    order = [float(x) for x in body.attrs["data-order"].split(",")]
    assert body.attrs["data-sorted"] == "ascending"
    assert order == sorted(float(f["monthly_cost_usd"] or 0) for f in doc["top_findings"])


def test_screenshot_is_a_png(example_report, tmp_path):
    page, _ = example_report
    shot = tmp_path / "report.png"
    done = chromium(BROWSER, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000",
                    "--hide-scrollbars", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a page of charts and tables, not a blank or an error page
    print(f"\nscreenshot of the showback report: {shot}")


def test_hostile_values_stay_text_in_the_browser(tmp_path, capsys):
    """A tag value of `<script>…` shows as text: the page runs exactly one script (its own)."""
    project = tmp_path / "hostile"
    project.mkdir()
    (project / "main.tf").write_text((HOSTILE_FIXTURE / "main.tf").read_text(encoding="utf-8"), encoding="utf-8")
    (project / ".tagcheck.yaml").write_text("version: 1\ntags:\n  required: [team, environment, cost-center]\n")
    page = tmp_path / "hostile.html"
    status, _, _ = report(capsys, str(project), "--output", str(page))
    assert status == 0
    dump = _dump_dom(page, tmp_path)
    dom = parse_html(dump)
    assert len(dom.find_all("script")) == 1
    assert "alert(1)" not in dom.find_all("script")[0].text
    values = [b.attrs.get("data-value", "") for b in dom.by_id("chart-environment").find_all("g", cls="bar")]
    assert any(v.startswith("<script>alert(1)</script>|`x`") for v in values)
    assert "\x1b" not in dump and "\u202e" not in dump
