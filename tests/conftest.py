"""Shared fixtures: one local AWS emulator (moto's server) for the whole test session."""

from __future__ import annotations

import urllib.request

import boto3
import pytest

from planner.emulator import emulator_environment, local_aws


@pytest.fixture(scope="session")
def aws_endpoint():
    """The emulator's endpoint URL. Tests reach it over HTTP like real AWS."""
    with emulator_environment(), local_aws() as endpoint:
        yield endpoint


@pytest.fixture
def fresh_aws(aws_endpoint):
    """The emulator, emptied of everything earlier tests created."""
    request = urllib.request.Request(f"{aws_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    return aws_endpoint


@pytest.fixture
def aws_client(fresh_aws):
    """A factory for boto3 clients pointed at the emptied emulator (for seeding test data)."""

    def make(service: str, region: str = "us-east-1"):
        return boto3.client(service, region_name=region, endpoint_url=fresh_aws)

    return make
