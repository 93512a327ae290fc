"""More faults: throttling that clears, a region that times out, and secrets that never leak.

Unlike ``aws_helpers.inject_fault`` (``before-call``, which short-circuits the client and so
bypasses botocore's retry loop), the faults here are injected at ``before-send``: inside the
endpoint's retry loop, exactly where an HTTP response or a socket error would arrive. The
handler is registered *first* so it answers before moto's own ``before-send`` stub.
"""

from __future__ import annotations

import logging
import threading

import boto3
import botocore.retries.bucket
import botocore.retries.standard
import pytest
from aws_helpers import REGION, audit, inject_fault
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

from tagcheck.cli import main
from tagcheck.report import RUN_FORMATS

# every format a live audit writes, the html page too (SARIF and codequality are refused for it: cli/aws.py)
FORMATS = sorted(set(RUN_FORMATS) - {"sarif", "codequality"})

AMI = "ami-12345678"
OTHER = "eu-west-1"


class _Raw:
    """Just enough of urllib3's response for ``AWSResponse.content``."""

    def __init__(self, body: bytes):
        self.body = body

    def stream(self, *_, **__):
        yield self.body


def _ec2_error(code: str, status: int = 503) -> AWSResponse:
    body = (f"<Response><Errors><Error><Code>{code}</Code><Message>injected {code}</Message></Error></Errors>"
            f"<RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>").encode()
    return AWSResponse("https://injected.invalid", status, {}, _Raw(body))


def _json_error(code: str, status: int = 400) -> AWSResponse:
    body = ('{"__type": "%s", "message": "injected %s"}' % (code, code)).encode()
    return AWSResponse("https://injected.invalid", status, {"Content-Type": "application/x-amz-json-1.1"}, _Raw(body))


def inject_send(monkeypatch, event: str, handler) -> None:
    """Register ``handler`` first on ``event`` (``before-send.SERVICE.Operation``) of every boto3 session."""
    original = boto3.session.Session.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register_first(event, handler)

    monkeypatch.setattr(boto3.session.Session, "__init__", init)


@pytest.fixture
def no_backoff(monkeypatch):
    """Retries without the exponential back-off sleep nor the adaptive mode's token-bucket wait
    (the retry decisions and the rate limiter's bookkeeping are untouched)."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setattr(botocore.retries.bucket.TokenBucket, "acquire", lambda self, amount=1, block=True: True)


def _failing_first(n: int, response):
    """A before-send handler answering the first ``n`` sends with ``response()``, then passing."""
    lock = threading.Lock()
    seen = {"sends": 0}

    def handler(request=None, **_):
        with lock:
            seen["sends"] += 1
            if seen["sends"] <= n:
                return response()
        return None

    return handler, seen


def _coverage(result, service):
    return [c for c in result.coverage if c["service"] == service]


# -- 1. throttling that clears ---------------------------------------------------------------------

def test_ec2_request_limit_exceeded_is_retried_until_it_succeeds(moto, monkeypatch, no_backoff):
    ec2 = boto3.client("ec2", region_name=REGION)
    ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=10)
    ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=20)
    handler, seen = _failing_first(3, lambda: _ec2_error("RequestLimitExceeded"))
    inject_send(monkeypatch, "before-send.ec2.DescribeVolumes", handler)
    result = audit(services=("ec2",), max_attempts=10, page_size=None)
    assert seen["sends"] == 4  # 3 throttled + the one that got through
    [volumes] = [c for c in _coverage(result, "ec2") if c["collector"] == "volumes"]
    assert volumes["status"] == "ok" and volumes["message"] == "" and volumes["resources"] == 2
    assert sum(1 for r in result.resources if r.type == "aws_ebs_volume") == 2
    assert all(c["status"] == "ok" for c in result.coverage)
    assert result.scan_info()["coverage_problems"] == 0
    assert result.api_calls_by_service["ec2"] >= 1  # retries are attempts of one call, not extra calls


def test_throttling_exception_on_a_json_service_is_retried(moto, monkeypatch, no_backoff):
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName="/a", tags={"team": "a"})
    logs.create_log_group(logGroupName="/b")
    handler, seen = _failing_first(3, lambda: _json_error("ThrottlingException"))
    inject_send(monkeypatch, "before-send.cloudwatch-logs.DescribeLogGroups", handler)
    result = audit(services=("logs",), max_attempts=10, page_size=None)
    assert seen["sends"] == 4
    [entry] = _coverage(result, "logs")
    assert entry["status"] == "ok" and entry["resources"] == 2
    assert {r.address.rsplit(":", 1)[-1] for r in result.resources} == {"/a", "/b"}


def test_throttling_beyond_max_attempts_is_an_error_entry_not_a_crash(moto, monkeypatch, no_backoff):
    boto3.client("ec2", region_name=REGION).create_volume(AvailabilityZone=f"{REGION}a", Size=10)
    handler, seen = _failing_first(10**6, lambda: _ec2_error("RequestLimitExceeded"))
    inject_send(monkeypatch, "before-send.ec2.DescribeVolumes", handler)
    result = audit(services=("ec2",), max_attempts=3)
    assert seen["sends"] == 4  # botocore's retries.max_attempts counts retries: 1 try + 3 retries
    statuses = {c["collector"]: c for c in _coverage(result, "ec2")}
    assert statuses["volumes"]["status"] == "error" and "RequestLimitExceeded" in statuses["volumes"]["message"]
    assert all(c["status"] == "ok" for name, c in statuses.items() if name != "volumes")


# -- 2. a region whose endpoint times out ----------------------------------------------------------

@pytest.mark.parametrize("error", [ConnectTimeoutError, ReadTimeoutError])
def test_a_region_that_times_out_is_an_error_entry_and_the_other_region_is_audited(moto, monkeypatch, no_backoff,
                                                                                      error):
    for region in (REGION, OTHER):
        boto3.client("ec2", region_name=region).run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                                                              InstanceType="t3.micro")
    sends = {"other": 0}
    lock = threading.Lock()

    def handler(request=None, **_):
        if OTHER in request.url:
            with lock:
                sends["other"] += 1
            raise error(endpoint_url=request.url)
        return None

    inject_send(monkeypatch, "before-send.ec2", handler)
    result = audit(regions=(REGION, OTHER), services=("ec2",), max_attempts=2)
    broken = [c for c in _coverage(result, "ec2") if c["region"] == OTHER]
    assert len(broken) == 5  # every ec2 collector of the region
    assert all(c["status"] == "error" and error.__name__ in c["message"] and c["resources"] == 0 for c in broken)
    assert sends["other"] == 3 * len(broken)  # retried (transient): 1 try + max_attempts=2 retries each
    healthy = [c for c in _coverage(result, "ec2") if c["region"] == REGION]
    assert healthy and all(c["status"] == "ok" for c in healthy)
    assert [r.region for r in result.resources if r.type == "aws_instance"] == [REGION]
    assert result.regions == [REGION, OTHER]
    assert result.scan_info()["coverage_problems"] == 5


def test_cli_completes_when_one_region_times_out(moto, monkeypatch, no_backoff, capsys):
    def handler(request=None, **_):
        if OTHER in request.url:
            raise ConnectTimeoutError(endpoint_url=request.url)
        return None

    inject_send(monkeypatch, "before-send.logs", handler)
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName="/ok", tags={"team": "a"})
    status = main(["aws", "--region", REGION, "--region", OTHER, "--services", "logs", "-f", "json",
                   "--fail-on", "never"])
    out, err = capsys.readouterr()
    assert status == 0
    assert f"error: 123456789012 {OTHER} logs log_groups" in err
    assert '"status": "ok"' in out


# -- 3. secrets never appear -----------------------------------------------------------------------

ACCESS_KEY = "AKIAZZLEAKCANARY0001"
SECRET_KEY = "SeCrEtCaNaRyXYZw/0123456789abcdefLEAKME"
SESSION_TOKEN = "FwoGZXIvYXdzEToken-CANARY-9f8e7d6c5b4a-LEAKME-session"
SECRETS = (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, SECRET_KEY[:8])


@pytest.fixture
def canary_credentials(moto, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)


def _seed_for_secrets():
    boto3.client("ec2", region_name=REGION).run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large")
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="canary-bucket")
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName="/canary")


def _assert_clean(where: str, text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"


def _tagcheck_records(caplog) -> str:
    """What tagcheck's own loggers (and the root/unnamed ones it could use) recorded. botocore's
    DEBUG wire logging is excluded: it prints signed request headers by design and is off unless
    the user turns botocore logging on."""
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                     if not r.name.startswith(("botocore", "boto3", "urllib3", "moto", "s3transfer")))


def _faults(kind: str, monkeypatch):
    if kind == "denied":
        inject_fault(monkeypatch, "before-call.ec2.DescribeVolumes", "AccessDenied")
    elif kind == "client-error":
        # an error message like AWS's own for a bad token: it names the operation, not the token
        inject_fault(monkeypatch, "before-call.s3.ListBuckets", "InvalidClientTokenId", status=403)
    elif kind == "exception":
        inject_fault(monkeypatch, "before-call.logs.DescribeLogGroups",
                     exception=ConnectTimeoutError(endpoint_url=f"https://logs.{REGION}.amazonaws.com/"))
    elif kind == "item-read":
        inject_fault(monkeypatch, "before-call.s3.GetBucketTagging", "AccessDenied")


@pytest.mark.parametrize("fault", ["none", "denied", "client-error", "exception", "item-read"])
def test_credentials_never_appear_in_any_output_or_log(canary_credentials, monkeypatch, tmp_path, capsys, caplog,
                                                       fault):
    _seed_for_secrets()
    _faults(fault, monkeypatch)
    caplog.set_level(logging.DEBUG)
    formats = sorted(FORMATS)
    argv = ["aws", "--region", REGION, "--services", "ec2,s3,logs", "--fail-on", "never"]
    for name in formats:
        argv += ["-f", name, "-o", str(tmp_path / f"report.{name}")]
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 0, err
    files = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    assert set(files) == {f"report.{name}" for name in formats}
    assert all(files.values())
    if fault != "none":  # the fault did happen and was reported
        assert "denied:" in err or "error:" in err or "partial" in err or "reads failed" in err
    for name, text in files.items():
        _assert_clean(name, text)
    _assert_clean("stdout", out)
    _assert_clean("stderr", err)
    _assert_clean("logs", _tagcheck_records(caplog))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_credentials_never_appear_on_stdout_in_any_format(canary_credentials, monkeypatch, capsys, caplog, name):
    _seed_for_secrets()
    inject_fault(monkeypatch, "before-call.ec2.DescribeInstances", "UnauthorizedOperation")
    caplog.set_level(logging.DEBUG)
    assert main(["aws", "--region", REGION, "--services", "ec2,s3", "-f", name, "--fail-on", "never"]) == 0
    out, err = capsys.readouterr()
    assert out
    _assert_clean(f"stdout ({name})", out)
    _assert_clean(f"stderr ({name})", err)
    _assert_clean("logs", _tagcheck_records(caplog))
