"""The same numbers in every format, and the definitions they share with the engine."""

from __future__ import annotations

import pytest

from showback_helpers import EXAMPLE, csv_rows, load_json, parse_html
from tagcheck import engine
from tagcheck.cost import allocation as showback
from tagcheck.cost.estimate import CostModel
from tagcheck.policy import load_policy
from tagcheck.sources.terraform.source import scan


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """json, csv and html of examples/terraform, through the command line."""
    from tagcheck.cli import main

    out = tmp_path_factory.mktemp("formats")
    texts = {}
    for fmt in ("json", "csv", "html", "markdown"):
        target = out / f"report.{fmt}"
        assert main(["report", str(EXAMPLE), "--format", fmt, "--output", str(target)]) == 0
        texts[fmt] = target.read_text(encoding="utf-8")
    return texts


def _money(cell: str) -> float:
    return float(cell) if cell else 0.0


def test_csv_totals_match_json_and_html_headline(outputs):
    doc = load_json(outputs["json"])
    rows = csv_rows(outputs["csv"])
    assert len(rows) == doc["totals"]["resources"]

    total = sum(_money(r["monthly_cost_usd"]) for r in rows)
    by_status = {s: sum(_money(r["monthly_cost_usd"]) for r in rows if r["allocation"] == s)
                 for s in ("allocated", "unallocated", "unknown")}
    taggable = sum(by_status.values())
    coverage = round(100.0 * by_status["allocated"] / taggable, 1)
    saving = sum(_money(r["monthly_saving_usd"]) for r in rows)
    unpriced = [r["address"] for r in rows if r["monthly_cost_usd"] == ""]

    assert total == pytest.approx(doc["totals"]["monthly_usd"], abs=0.005)
    assert by_status["allocated"] == pytest.approx(doc["allocation"]["allocated_monthly_usd"], abs=0.005)
    assert by_status["unallocated"] == pytest.approx(doc["allocation"]["unallocated_monthly_usd"], abs=0.005)
    assert by_status["unknown"] == pytest.approx(doc["allocation"]["unknown_monthly_usd"], abs=0.005)
    assert coverage == doc["allocation"]["coverage_pct_usd"]
    # savings are rounded per row (half a cent each at most); the total is rounded once
    with_saving = sum(1 for r in rows if r["monthly_saving_usd"])
    assert saving == pytest.approx(doc["totals"]["possible_saving_monthly_usd"], abs=0.005 * with_saving + 1e-9)
    assert unpriced == [u["address"] for u in doc["unpriced"]]

    headline = parse_html(outputs["html"]).by_id("headline")
    assert float(headline.by_id("total-usd").attrs["data-usd"]) == pytest.approx(total, abs=0.005)
    assert float(headline.by_id("unallocated-usd").attrs["data-usd"]) == pytest.approx(by_status["unallocated"], abs=0.005)
    assert float(headline.by_id("allocated-pct").attrs["data-pct"]) == coverage
    assert float(headline.by_id("saving-usd").attrs["data-usd"]) == doc["totals"]["possible_saving_monthly_usd"]
    assert f"${total:,.2f}" in headline.by_id("total-usd").text
    assert f"\\${total:,.2f}/mo" in outputs["markdown"]
    assert f"{coverage:.1f}% of the dollars" in outputs["markdown"]


def test_csv_value_sums_match_each_key_table(outputs):
    doc = load_json(outputs["json"])
    rows = csv_rows(outputs["csv"])
    for key, table in doc["by_key"].items():
        for bucket in table["values"]:
            from_csv = sum(_money(r["monthly_cost_usd"]) for r in rows if r[f"tag:{key}"] == bucket["value"])
            assert from_csv == pytest.approx(bucket["monthly_usd"], abs=0.005), (key, bucket["value"])
        parts = [b["monthly_usd"] for b in table["values"]] + [table[k]["monthly_usd"]
                                                               for k in ("unallocated", "unknown", "not_taggable")]
        assert sum(parts) == pytest.approx(doc["totals"]["monthly_usd"], abs=0.01 * len(parts)), key
        assert sum(b["resources"] for b in table["values"]) + sum(
            table[k]["resources"] for k in ("unallocated", "unknown", "not_taggable")) == doc["totals"]["resources"]


def test_html_chart_bars_match_json(outputs):
    doc = load_json(outputs["json"])
    dom = parse_html(outputs["html"])
    for key, table in doc["by_key"].items():
        bars = dom.by_id(f"chart-{key}").find_all("g", cls="bar")
        assert {b.attrs["data-value"]: float(b.attrs["data-usd"]) for b in bars if "data-value" in b.attrs} == \
            {v["value"]: v["monthly_usd"] for v in table["values"]}


def test_definitions_are_the_engines():
    """Coverage is cost.allocation.allocation's; the possible saving compounds like cost_summary."""
    scanned = scan([EXAMPLE], cwd=EXAMPLE)
    policy = load_policy(start=EXAMPLE)
    prices = engine.pricebook_for(policy)
    result = engine.run(scanned.resources, scanned.problems, policy, prices=prices)
    doc = showback.build(result, policy, CostModel(prices, result.resources))
    allocation, cost = result.summary.allocation, result.summary.cost
    assert doc["allocation"]["coverage_pct_usd"] == allocation["coverage_pct_usd"]
    assert doc["allocation"]["unallocated_monthly_usd"] == allocation["unallocated_monthly_usd"]
    assert doc["totals"]["monthly_usd"] == cost["monthly_usd"]
    assert doc["totals"]["possible_saving_monthly_usd"] == pytest.approx(cost["possible_saving_monthly_usd"], abs=0.01)
    by_team = doc["savings"]["by_team"]
    assert sum(v["monthly_usd"] for v in by_team["values"]) + by_team["unallocated_monthly_usd"] + \
        by_team["unknown_monthly_usd"] == pytest.approx(cost["possible_saving_monthly_usd"], abs=0.01)
    statuses = {r["address"]: r["allocation"] for r in doc["resources"]}
    for resource in result.resources:
        expected = showback.allocation_status(resource, policy) if resource.tags is not None else "not_taggable"
        assert statuses[resource.address] == expected


def test_compound_saving_works_per_component():
    from tagcheck.cost.estimate import COMPUTE, FEE, STORAGE, CostLine, Estimate

    estimate = Estimate((CostLine("m5 on-demand", 730, "h", 100 / 730, COMPUTE),
                         CostLine("gp2 storage", 500, "GB-mo", 0.1, STORAGE), CostLine("fee", 1, "mo", 7.0, FEE)))
    # schedule and spot compound on the $100 of compute: 100 × (1 − 0.3 × 0.3) = 91; gp3 adds its $10
    assert showback.compound_saving(estimate, [("scheduling", 70.0), ("purchasing", 70.0)]) == pytest.approx(91.0)
    assert showback.compound_saving(estimate, [("scheduling", 70.0), ("purchasing", 70.0), ("storage", 10.0)]) \
        == pytest.approx(101.0)
    # a lever never saves more than its component: $300 of right-sizing on $100 of compute
    assert showback.compound_saving(estimate, [("rightsizing", 300.0)]) == pytest.approx(100.0)
    # deleting an idle resource saves it all, once: $157, not $157 + the rest
    assert showback.compound_saving(estimate, [("idle", 157.0), ("scheduling", 70.0)]) == pytest.approx(157.0)
    # without a known estimate the savings add: the figure each finding states
    assert showback.compound_saving(None, [("scheduling", 5.0), ("storage", 7.0)]) == pytest.approx(12.0)
    assert showback.compound_saving(Estimate(unknown="x"), [("scheduling", 5.0)]) == pytest.approx(5.0)


def test_unallocated_reasons_split_the_bucket(outputs):
    doc = load_json(outputs["json"])
    cost_center = doc["by_key"]["cost-center"]["unallocated"]
    assert set(cost_center["by_reason"]) == {"missing", "not_allowed", "near_miss"}
    assert sum(r["resources"] for r in cost_center["by_reason"].values()) == cost_center["resources"]
    assert sum(r["monthly_usd"] for r in cost_center["by_reason"].values()) == pytest.approx(cost_center["monthly_usd"])
    # the value that is not allowed is in the CSV under its key, but not a bucket of its own
    rows = {r["address"]: r for r in csv_rows(outputs["csv"])}
    assert rows["module.network.aws_nat_gateway.this[0]"]["tag:cost-center"] == "CC-0100"
    assert "CC-0100" not in {v["value"] for v in doc["by_key"]["cost-center"]["values"]}


def test_the_possible_saving_is_what_the_findings_say(outputs, tmp_path):
    """Issue #15: the GPU trainer's saving is COST203's spot-with-schedule figure plus
    COST204's gp3 saving, not a compounding of every lever over the whole bill."""
    import json

    from tagcheck.cli import main

    findings_file = tmp_path / "findings.json"
    assert main(["scan", str(EXAMPLE), "-f", "json", "--output", str(findings_file), "--fail-on", "never"]) == 0
    findings = {(f["rule"], f["resource"]["address"]): f
                for f in json.loads(findings_file.read_text())["findings"] if f["resource"]}
    trainer = "module.training.aws_instance.trainer"
    spot_and_schedule = findings["COST203", trainer]["details"]["combined_with_schedule_usd"]
    gp3 = findings["COST204", trainer]["monthly_saving_usd"]
    assert (spot_and_schedule, gp3) == (2034.35, 10.00)  # README: spot × schedule, then gp3

    doc = load_json(outputs["json"])
    rows = {r["address"]: r for r in doc["resources"]}
    assert rows[trainer]["monthly_saving_usd"] == pytest.approx(spot_and_schedule + gp3)
    database = rows["module.database.aws_db_instance.this"]  # right-size, then the schedule on the smaller hours
    assert database["monthly_saving_usd"] == pytest.approx(round(730 * (1 - 0.5 * 50 / 168), 2))
    assert doc["totals"]["possible_saving_monthly_usd"] == pytest.approx(
        sum(r["monthly_saving_usd"] or 0 for r in doc["resources"]), abs=0.01)


def test_every_resource_carries_its_cost_lines_and_the_page_shows_the_largest(outputs):
    doc = load_json(outputs["json"])
    for row in doc["resources"]:
        if row["monthly_cost_usd"] is not None:  # the lines add up to the estimate
            assert sum(line["monthly_usd"] for line in row["cost_lines"]) == pytest.approx(row["monthly_cost_usd"],
                                                                                          abs=0.01 * len(row["cost_lines"]))
        else:
            assert row["cost_unknown"]
    trainer = next(r for r in doc["resources"] if r["address"] == "module.training.aws_instance.trainer")
    assert trainer["cost_lines"] == [
        {"item": "p3.2xlarge on-demand", "component": "compute", "quantity": 730, "unit": "h", "unit_usd": 3.06,
         "monthly_usd": 2233.8},
        {"item": "root volume gp2 storage", "component": "storage", "quantity": 500, "unit": "GB-mo", "unit_usd": 0.1,
         "monthly_usd": 50.0}]
    page = outputs["html"]
    section = page[page.index('<section id="cost-lines">'):]
    assert "<td>p3.2xlarge on-demand</td><td>compute</td>" in section
    assert '<td class="num">500 GB-mo</td><td class="num">$0.1</td><td class="num">$50.00</td>' in section
