"""The pull-request reporters (sarif, junit, github, markdown) and the JSON report's layout:
structure, escaping, stability."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tagcheck import engine
from tagcheck.model import Finding, Lever, Location, Origin, Resource, RunResult, Severity, Summary, TagSet
from tagcheck.policy import load_policy
from tagcheck.report import formats, render as render_kind
from tagcheck.report.findings import json_report
from tagcheck.report.escape import terminal_safe
from tagcheck.rules import ALL_RULES
from tagcheck.sources.terraform.source import scan

FORMATS = formats("findings")


def render(fmt: str, result, **options) -> str:
    return render_kind("findings", fmt, result, **options)


HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture"
EXAMPLE = HERE.parents[1] / "examples" / "terraform"
SCHEMA = json.loads((HERE.parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

HOSTILE = "<script>alert(1)</script>|`x`\n::error::%0A\r\x1b[31m\u202e\x00\x0b\ud800</details>]]>&amp;,a:b"


def _run(directory: Path) -> RunResult:
    scanned = scan([directory], cwd=directory)
    return engine.run(scanned.resources, scanned.problems, load_policy(start=directory))


@pytest.fixture(scope="module")
def fixture_result() -> RunResult:
    return _run(FIXTURE)


@pytest.fixture(scope="module")
def example_result() -> RunResult:
    return _run(EXAMPLE)


def _resource(address: str, file: str | None = "main.tf", line: int | None = 3, arn: str | None = None,
              suppressed: frozenset[str] = frozenset()) -> Resource:
    return Resource(address=address, type=address.split(".")[0], origin=Origin.AWS if arn else Origin.HCL,
                    location=Location(file, line, (line or 0) + 2 if line else None, arn=arn), tags=TagSet(),
                    suppressed_rules=suppressed)


def _finding(rule: str, severity: Severity, resource: Resource | None, message: str = "m", *,
             location: Location | None = None, **extra) -> Finding:
    return Finding(rule=rule, severity=severity, lever=Lever.TAGGING, message=message,
                   location=location or (resource.location if resource else Location()), resource=resource, **extra)


@pytest.fixture(scope="module")
def hostile_result() -> RunResult:
    """Hand-made: every field a value can reach carries HOSTILE; live resource, resource-less findings."""
    web = _resource(f"aws_instance.web[\"{HOSTILE}\"]", file=f"dir, with: {HOSTILE}.tf")
    live = _resource("aws_s3_bucket.live", file=None, line=None, arn="arn:aws:s3:::live-bucket")
    marked = _resource("aws_sqs_queue.q", suppressed=frozenset({"TAG001"}))
    findings = (
        _finding("TAG002", Severity.ERROR, web, f"tag env={HOSTILE!s} is not allowed", key=HOSTILE,
                 details={"found": HOSTILE}, fix=f"tags = {{\n  env = \"{HOSTILE}\"\n}}\n```\n</pre>",
                 monthly_cost_usd=12.5, monthly_saving_usd=3.25),
        _finding("TAG001", Severity.WARNING, live, HOSTILE),
        _finding("TAG005", Severity.INFO, web, HOSTILE),
        _finding("TC001", Severity.ERROR, None, f"cannot parse: {HOSTILE}", location=Location("bad.tf", 7, 7)),
        _finding("TC003", Severity.INFO, None, "remote module not scanned", location=Location("main.tf", 40, 44)),
    )
    suppressed = (
        _finding("TAG001", Severity.ERROR, marked, "inline"),
        _finding("TAG004", Severity.ERROR, marked, "policy"),
    )
    return RunResult(findings=findings, resources=(web, live, marked), suppressed=suppressed,
                     summary=Summary(resources=3, findings_by_severity={"error": 2, "warning": 1, "info": 2},
                                     suppressed=2))


def test_every_pr_format_is_registered():
    assert {"sarif", "junit", "github", "markdown"} <= set(FORMATS)


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit", "github", "markdown"])
def test_every_format_can_be_written_as_utf8(fmt, hostile_result):
    """A lone surrogate or control character in a value must not make the output unwritable."""
    render(fmt, hostile_result).encode("utf-8")


# --- SARIF -----------------------------------------------------------------------------------

def _validate_sarif(text: str) -> dict:
    doc = json.loads(text)
    validator = jsonschema.validators.validator_for(SCHEMA)
    validator.check_schema(SCHEMA)
    errors = sorted(validator(SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return doc


@pytest.mark.parametrize("which", ["fixture_result", "example_result", "hostile_result"])
def test_sarif_validates_against_the_oasis_schema(which, request):
    result = request.getfixturevalue(which)
    for options in ({}, {"docs_url": "https://example.org/tagcheck/rules"}):
        doc = _validate_sarif(render("sarif", result, **options))
        assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
        assert len(doc["runs"][0]["results"]) == len(result.findings) + len(result.suppressed)


def test_sarif_driver_lists_every_rule(fixture_result):
    driver = json.loads(render("sarif", fixture_result))["runs"][0]["tool"]["driver"]
    assert driver["name"] == "tagcheck" and "informationUri" not in driver
    assert [r["id"] for r in driver["rules"]] == [r.id for r in ALL_RULES]
    tag001 = next(r for r in driver["rules"] if r["id"] == "TAG001")
    assert tag001["defaultConfiguration"]["level"] == "error"
    assert tag001["properties"]["lever"] == "tagging" and "helpUri" not in tag001
    assert {r["defaultConfiguration"]["level"] for r in driver["rules"]} <= {"error", "warning", "note"}

    driver = json.loads(render("sarif", fixture_result, docs_url="https://d.example/rules"))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://d.example/rules"
    assert all(r["helpUri"] == f"https://d.example/rules#{r['id'].lower()}" for r in driver["rules"])


def test_sarif_results_point_at_their_rule_and_file(fixture_result):
    run = json.loads(render("sarif", fixture_result))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result, finding in zip(run["results"], fixture_result.findings):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "main.tf", "uriBaseId": "%SRCROOT%"}
        assert physical["region"]["startLine"] == finding.location.line
        assert result["properties"]["address"] == finding.resource.address
    levels = [r["level"] for r in run["results"]]
    assert levels == [{"error": "error", "warning": "warning", "info": "note"}[f.severity.value]
                      for f in fixture_result.findings]


def test_sarif_live_resource_has_a_logical_location_and_suppressions_have_kinds(hostile_result):
    results = json.loads(render("sarif", hostile_result))["runs"][0]["results"]
    live = next(r for r in results if r["properties"].get("address") == "aws_s3_bucket.live")
    assert "physicalLocation" not in live["locations"][0]
    assert live["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "arn:aws:s3:::live-bucket"
    kinds = {r["message"]["text"]: r["suppressions"][0]["kind"] for r in results if "suppressions" in r}
    assert kinds == {"inline": "inSource", "policy": "external"}
    tagged = next(r for r in results if r["ruleId"] == "TAG002")
    assert "monthly cost" not in tagged["message"]["text"] and "$12.50/mo" in tagged["message"]["text"]
    assert tagged["properties"]["monthly_saving_usd"] == 3.25
    uri = tagged["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri and "<" not in uri  # a URI reference, percent-encoded


def test_sarif_is_ascii_and_shows_no_bidi_or_control_characters(hostile_result):
    text = render("sarif", hostile_result)
    assert text.isascii()
    for result in json.loads(text)["runs"][0]["results"]:
        assert result["message"]["text"] == terminal_safe(result["message"]["text"])


def test_sarif_fingerprints_survive_moving_the_resources(fixture_result, tmp_path):
    shutil.copy(FIXTURE / ".tagcheck.yaml", tmp_path / ".tagcheck.yaml")
    (tmp_path / "main.tf").write_text("\n" * 5 + (FIXTURE / "main.tf").read_text(encoding="utf-8"), encoding="utf-8")
    before = json.loads(render("sarif", fixture_result))["runs"][0]["results"]
    after = json.loads(render("sarif", _run(tmp_path)))["runs"][0]["results"]
    assert len(before) == len(after) == len(fixture_result.findings)
    for old, new in zip(before, after):
        assert old["ruleId"] == new["ruleId"]
        assert old["partialFingerprints"] == new["partialFingerprints"]
        old_line = old["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert new["locations"][0]["physicalLocation"]["region"]["startLine"] == old_line + 5
    fingerprints = [r["partialFingerprints"]["tagcheck/v1"] for r in before]
    assert all(re.fullmatch("[0-9a-f]{64}", f) for f in fingerprints)
    assert len(set(fingerprints)) == len(fingerprints)


# --- GitHub workflow commands ----------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:]*)(?:,[A-Za-z]+=[^,:]*)*)::(.*)$")


def _unescape(value: str) -> str:
    """What the Actions runner does to a property value or the message."""
    return (value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


@pytest.mark.parametrize("which", ["fixture_result", "example_result", "hostile_result"])
def test_github_one_command_per_finding_and_nothing_else(which, request):
    result = request.getfixturevalue(which)
    text = render("github", result)
    assert "\r" not in text
    lines = text.splitlines()
    commands = [line for line in lines if line.startswith("::") or line.startswith("##[")]
    assert len(commands) == len(result.findings)
    assert all(COMMAND.match(line) for line in commands)
    assert lines[:len(commands)] == commands  # the summary comes after, as plain text
    assert not any(line.startswith(("::", "##[")) for line in lines[len(commands):])
    assert lines[len(commands)].startswith(f"{len(result.findings)} finding")
    for line, finding in zip(commands, result.findings):
        kind, props, _message = COMMAND.match(line).groups()
        assert kind == {"error": "error", "warning": "warning", "info": "notice"}[finding.severity.value]


def test_github_values_decode_to_the_original_text(hostile_result):
    line = render("github", hostile_result).splitlines()[0]
    kind, props, message = COMMAND.match(line).groups()
    decoded = dict(p.split("=", 1) for p in props.split(","))
    finding = hostile_result.findings[0]
    assert _unescape(decoded["file"]) == terminal_safe(finding.location.file)
    assert _unescape(decoded["title"]) == terminal_safe(f"TAG002 {finding.resource.address}")
    assert decoded["line"] == "3" and decoded["endLine"] == "5"
    assert _unescape(message).startswith(terminal_safe(finding.message))
    assert "\x1b" not in line and "\u202e" not in line


def test_github_fixture_hostile_value_stays_inside_its_annotation(fixture_result):
    line = next(l for l in render("github", fixture_result).splitlines() if "TAG002" in l)
    assert "%250A" in line  # a literal %0A in a tag value is not a newline for the runner
    assert COMMAND.match(line).group(1) == "error"


# --- JUnit -----------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["fixture_result", "example_result", "hostile_result"])
def test_junit_parses_and_counts_match(which, request):
    result = request.getfixturevalue(which)
    root = ET.fromstring(render("junit", result).encode("utf-8"))
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    resourceless = {(f.rule, f.location.file, f.location.line) for f in result.findings if f.resource is None}
    assert len(cases) == int(suite.get("tests")) == int(root.get("tests")) == len(result.resources) + len(resourceless)
    failing = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures")) == int(root.get("failures")) == len(failing)
    assert int(suite.get("skipped")) == len([c for c in cases if c.find("skipped") is not None])
    failures = [f for c in cases for f in c.findall("failure")]
    assert len(failures) == sum(f.severity != Severity.INFO for f in result.findings)
    assert sorted(f.get("type") for f in failures) == sorted(f.rule for f in result.findings if f.severity != Severity.INFO)
    names = {c.get("name") for c in cases}
    assert {r.address for r in result.resources if r.address == terminal_safe(r.address)} <= names


def test_junit_resourceless_findings_and_hostile_text(hostile_result):
    text = render("junit", hostile_result)
    root = ET.fromstring(text.encode("utf-8"))
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert cases[("TC001", "bad.tf:7")].find("failure").get("type") == "TC001"
    assert cases[("TC003", "main.tf:40")].find("skipped") is not None
    assert cases[("aws_s3_bucket", "aws_s3_bucket.live")].find("failure") is not None  # classname: type, no file
    for char in "\x00\x0b\x1b\u202e\ud800":
        assert char not in text
    failure = next(c for c in root.iter("testcase") if c.get("name").startswith("aws_instance.web")).find("failure")
    assert "<script>" in failure.get("message") and "\\x1b" in failure.get("message")  # escaped, and round-trips
    assert "fix:" in failure.text and "$12.50" in failure.text
    assert "\\r\\x1b[31m" in failure.text  # the fix keeps its lines; \r does not start a new one
    assert "location: bad.tf:7" in cases[("TC001", "bad.tf:7")].find("failure").text


# --- Markdown --------------------------------------------------------------------------------

def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def _tables(text: str) -> list[list[str]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


@pytest.mark.parametrize("which", ["fixture_result", "example_result", "hostile_result"])
def test_markdown_is_inert_and_tables_are_rectangular(which, request):
    result = request.getfixturevalue(which)
    text = render("markdown", result)
    assert "<script" not in text.lower()
    assert text.count("<details>") == text.count("</details>") <= 1
    assert not re.search(r"<(?!/?(details|summary|pre|br)>)", text)  # no HTML but ours
    for char in "\x1b\u202e\x00\r":
        assert char not in text
    tables = _tables(text)
    assert tables
    for table in tables:
        assert len({_unescaped_pipes(row) for row in table}) == 1, table
    assert "\\\\" not in text  # every backslash escapes the character after it


def test_markdown_title_counts_and_findings_order(example_result):
    text = render("markdown", example_result)
    counts = example_result.summary.findings_by_severity
    assert text.splitlines()[0] == (f"### tagcheck: {counts['error']} errors, {counts['warning']} warnings, "
                                    f"{counts['info']} info")
    assert "**Possible saving:**" in text and "**Unallocated:**" in text
    rows = _tables(text)[1][2:]
    rules = [row.split(" | ")[1] for row in rows]
    costs = [float(row.split(" | ")[5].replace("\\$", "").replace(",", "") or 0) for row in rows]
    groups = list(dict.fromkeys(rules))
    assert rules == sorted(rules, key=groups.index)  # grouped by rule
    totals = [sum(c for r, c in zip(rules, costs) if r == g) for g in groups]
    assert totals == sorted(totals, reverse=True)  # the rule with the most dollars first
    for group in groups:  # and within a rule the costliest first
        mine = [c for r, c in zip(rules, costs) if r == group]
        assert mine == sorted(mine, reverse=True)


def test_markdown_caps_the_findings_table(example_result):
    text = render("markdown", example_result, max_rows=3)
    assert len(_tables(text)[1]) == 2 + 3
    assert f"…and {len(example_result.findings) - 3} more" in text


def test_markdown_links_rules_only_with_docs_url(fixture_result):
    assert "](" not in render("markdown", fixture_result)
    assert "[TAG001](https://d.example/r#tag001)" in render("markdown", fixture_result, docs_url="https://d.example/r")


def test_markdown_hostile_fix_cannot_leave_its_block(hostile_result):
    text = render("markdown", hostile_result)
    details = text[text.index("<details>"):]
    assert details.rstrip().endswith("</details>") and details.count("</pre>") == details.count("<pre>")
    assert "&lt;/details&gt;" in details and "&lt;/pre&gt;" in details


# --- JSON layout: the same document as json.dumps(indent=2), one finding per line ----------------
@pytest.mark.parametrize("which", ["fixture_result", "example_result", "hostile_result"])
def test_layout_is_the_indented_document_with_a_line_per_finding(which, request):
    result: RunResult = request.getfixturevalue(which)
    text = render("json", result)
    text.encode("utf-8")  # writable even with a lone surrogate in a value
    doc = json.loads(text)
    assert doc == json.loads(json.dumps(json_report.document(result), ensure_ascii=True))
    lines = text.splitlines()
    start = lines.index('  "findings": [')
    finding_lines = lines[start + 1:start + 1 + len(result.findings)]
    assert [json.loads(line.rstrip(",")) for line in finding_lines] == doc["findings"]
    assert lines[start + 1 + len(result.findings)] == "  ],"
    assert lines[-1] == "}" and text.endswith("}\n")


def test_no_findings_is_an_empty_list_on_the_key_line():
    result = RunResult(findings=(), resources=(), suppressed=(), summary=Summary())
    text = render("json", result)
    assert '  "findings": [],' in text.splitlines()
    assert json.loads(text)["summary"] == Summary().to_json()
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def _many(count: int, long: str) -> RunResult:
    findings = []
    for i in range(count):
        resource = _resource(f"aws_instance.i{i:05}", file=f"dir/{i}.tf")
        findings.append(_finding(f"TAG00{1 + i % 6}", Severity.ERROR, resource, f"missing {long}",
                                 fix=f"tags = {{ team = \"{long}\" }}", monthly_cost_usd=float(i % 97)))
    return RunResult(findings=tuple(findings), resources=(), summary=Summary(resources=count))


@pytest.mark.parametrize("count, long", [(5_000, "x"), (300, "y" * 20_000)])
def test_markdown_comment_fits_whatever_the_input(count, long):
    text = render("markdown", _many(count, long))
    assert len(text) <= 60_000
    rows = _tables(text)[1][2:]
    assert rows and f"…and {count - len(rows)} more" in text
    assert text.count("<pre>") == len(rows)  # fixes only for the rows shown
    assert text.rstrip().endswith("</details>")


def test_markdown_max_chars_is_the_limit():
    result = _many(2_000, "z")
    small = render("markdown", result, max_chars=8_000)
    assert len(small) <= 8_000 and len(_tables(small)[1]) < len(_tables(render("markdown", result))[1])


def test_markdown_of_a_generated_1000_file_repository_fits(tmp_path):
    import sys

    sys.path.insert(0, str(HERE.parents[1] / "bench"))
    from gen_corpus import generate

    generate(1000, tmp_path / "corpus")
    scanned = scan([tmp_path / "corpus"], cwd=tmp_path / "corpus", jobs=2)
    result = engine.run(scanned.resources, scanned.problems, load_policy(start=tmp_path / "corpus"))
    assert len(result.findings) > 500  # the corpus carries deliberate mistakes
    text = render("markdown", result)
    assert len(text) <= 60_000 and "more (the JSON or SARIF report lists them all)" in text
