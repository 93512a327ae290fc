"""Helpers for the live-audit tests: a clean AWS environment, contexts, policies.

No test here touches the network: in-process tests use moto's ``mock_aws``; the
end-to-end and demo tests talk to a moto server on 127.0.0.1.
"""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from pathlib import Path

import boto3

from tagcheck import engine
from tagcheck.policy import load_policy
from tagcheck.rules import rule_schemas
from tagcheck.sources.aws.audit import AuditOptions, run_audit
from tagcheck.sources.aws.common import AuditSettings, CollectContext
from tagcheck.sources.aws.services import SERVICES
from tagcheck.sources.aws.session import AccountSession, CallCounter, client_config, hooked

REPO = Path(__file__).resolve().parents[3]
EXAMPLE_POLICY = REPO / "examples" / "terraform" / ".tagcheck.yaml"
REGION = "us-east-1"
ACCOUNT = "123456789012"
TODAY = datetime.date.today()


def clean_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The process environment without any real AWS settings, plus dummy credentials."""
    out = {k: v for k, v in (env if env is not None else os.environ).items()
           if not k.startswith(("AWS_", "MOTO_")) and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    out.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION,
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, MOTO_EC2_LOAD_DEFAULT_AMIS="false",
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    return out


def context(region: str = REGION, page_size: int | None = 2, services=SERVICES, metrics_days: int = 14,
            now: datetime.datetime | None = None) -> tuple[CollectContext, CallCounter]:
    """A collector context on a counted, read-only session."""
    counter = CallCounter()
    session = AccountSession(hooked(boto3.Session(region_name=region), counter), ACCOUNT, client_config(max_attempts=1))
    settings = AuditSettings(regions=(region,), services=tuple(services), metrics_days=metrics_days,
                             page_size=page_size, now=now)
    return CollectContext(session, region, settings), counter


def audit(**options):
    options.setdefault("regions", (REGION,))
    options.setdefault("max_attempts", 1)
    return run_audit(AuditOptions(**options))


def example_policy():
    return load_policy(EXAMPLE_POLICY, rule_schemas=rule_schemas())


def run_rules(resources, policy=None, today: datetime.date = TODAY):
    return engine.run(resources, [], policy or example_policy(), today=today)


def by_address(resources) -> dict:
    return {r.address: r for r in resources}


def lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def iam_role(name: str = "tagcheck-test-role") -> str:
    return boto3.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]


TEAM_POLICY = "version: 1\ntags:\n  required: [team]\n  key_case: lower\n"


def tag_rules(resources, tmp_path: Path) -> dict[str, set[str]]:
    """Address → the TAG rules that fire under a policy requiring only ``team``."""
    path = tmp_path / "team-policy.yaml"
    path.write_text(TEAM_POLICY, encoding="utf-8")
    result = engine.run(resources, [], load_policy(path, rule_schemas=rule_schemas()))
    out: dict[str, set[str]] = {r.address: set() for r in resources}
    for finding in result.findings:
        if finding.resource is not None and finding.rule.startswith("TAG"):
            out[finding.resource.address].add(finding.rule)
    return out


def inject_fault(monkeypatch, event: str, code: str = "AccessDenied", status: int = 403, exception=None,
                 when=None) -> None:
    """Make every boto3 session answer ``event`` (``before-call.SERVICE.Operation``) with an error
    response — or raise ``exception`` — before anything is sent. ``when(params, context)`` can
    narrow it (a region, a bucket)."""
    from botocore.awsrequest import AWSResponse

    original = boto3.session.Session.__init__

    def handler(params=None, context=None, **_):
        if when is not None and not when(params or {}, context or {}):
            return None
        if exception is not None:
            raise exception
        return (AWSResponse("https://injected.invalid", status, {}, None),
                {"Error": {"Code": code, "Message": f"injected {code}"}, "ResponseMetadata": {"HTTPStatusCode": status}})

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register(event, handler)

    monkeypatch.setattr(boto3.session.Session, "__init__", init)
