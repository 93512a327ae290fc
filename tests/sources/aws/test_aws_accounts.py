"""Several accounts: Organizations' ACTIVE accounts, or a list, each through sts:AssumeRole.

moto maps the credentials an assumed role returns to the member account, so resources made
through a member session land in that account, and the audit must find them there.
"""

from __future__ import annotations

import boto3
import pytest
from aws_helpers import REGION, audit, inject_fault
from botocore.exceptions import ClientError

from tagcheck.sources.aws import session as aws_session
from tagcheck.sources.aws.session import AuditInputError

ROLE = "OrganizationAccountAccessRole"


def _member_session(account):
    creds = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=REGION)


@pytest.fixture
def organization(moto):
    org = boto3.client("organizations", region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    members = [org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
               for name in ("research", "serving", "closed")]
    org.close_account(AccountId=members[2])
    for account in members[:2]:
        _member_session(account).client("s3").create_bucket(Bucket=f"bucket-of-{account}")
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="bucket-of-the-management-account")
    return members


def _buckets_by_account(result):
    return {r.account: r.address for r in result.resources if r.type == "aws_s3_bucket"}


def test_organization_audits_every_active_account(organization):
    research, serving, closed = organization
    result = audit(services=("s3",), assume_role=ROLE, organization=True)
    management = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
    assert result.accounts == sorted([management, research, serving])  # the suspended one is not audited
    assert _buckets_by_account(result) == {
        research: f"arn:aws:s3:::bucket-of-{research}", serving: f"arn:aws:s3:::bucket-of-{serving}",
        management: "arn:aws:s3:::bucket-of-the-management-account"}
    roles = {c["account"]: c for c in result.coverage if c["service"] == "sts"}
    assert set(roles) == {management, research, serving} and all(c["status"] == "ok" for c in roles.values())
    assert "caller's own account" in roles[management]["message"]
    assert result.api_calls_by_service["sts"] >= 3 and result.api_calls_by_service["organizations"] >= 1


def test_accounts_list_audits_only_those(organization):
    research = organization[0]
    result = audit(services=("s3",), assume_role=ROLE, accounts=(research,))
    assert result.accounts == [research]
    assert list(_buckets_by_account(result)) == [research]


def test_a_role_that_cannot_be_assumed_is_a_coverage_entry(organization, monkeypatch):
    research, serving, _ = organization
    real = aws_session.assume

    def assume(base, account, role, region, counter):
        if account == serving:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized to perform sts:AssumeRole"}},
                              "AssumeRole")
        return real(base, account, role, region, counter)

    monkeypatch.setattr("tagcheck.sources.aws.audit.assume", assume)
    result = audit(services=("s3",), assume_role=ROLE, accounts=(research, serving))
    assert result.accounts == [research]
    denied = [c for c in result.coverage if c["account"] == serving]
    assert [(c["service"], c["status"]) for c in denied] == [("sts", "denied")]
    assert "account not audited" in denied[0]["message"]


def test_organization_listing_denied_is_bad_input(moto, monkeypatch):
    inject_fault(monkeypatch, "before-call.organizations.ListAccounts", "AccessDeniedException")
    with pytest.raises(AuditInputError, match="organizations:ListAccounts"):
        audit(services=("s3",), assume_role=ROLE, organization=True)
