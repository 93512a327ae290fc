"""Fixtures of the live-audit tests (helpers live in aws_helpers.py)."""

from __future__ import annotations

import os

import pytest
from aws_helpers import clean_env
from moto import mock_aws


@pytest.fixture
def aws_env(monkeypatch):
    for key in list(os.environ):
        if key.startswith(("AWS_", "MOTO_")):
            monkeypatch.delenv(key)
    for key, value in clean_env({}).items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def moto(aws_env):
    with mock_aws():
        yield
