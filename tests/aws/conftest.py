"""Fixtures for the AWS path: moto with Step Functions execution, queues, secrets, handlers."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from moto.awslambda.models import LambdaBackend

from assay import aws_wiring

from .harness import REGION, AwsStack, Invocations, Poller, render_definition, routed_invoke

OPENROUTER_KEY = "sk-or-from-secrets-manager"


@pytest.fixture
def moto_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials, a region, and moto intercepting every boto3 call."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_SERVICE_NAME": "assay-test",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("DATABASE_URL", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield
    aws_wiring.reset()


@pytest.fixture
def stack_options() -> dict[str, int]:
    """Queue and worker settings; tests override this fixture to change them."""
    return {"visibility_s": 2, "max_receives": 4, "remaining_ms": 4000, "lease_s": 3}


@pytest.fixture
def aws(
    moto_env: None,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    stack_options: dict[str, int],
) -> AwsStack:
    """The AWS side of one test, as template.yaml builds it, under moto."""
    secrets = boto3.client("secretsmanager", region_name=REGION)
    db_arn = secrets.create_secret(Name="assay/database-url", SecretString=database_url)["ARN"]
    key_arn = secrets.create_secret(Name="assay/openrouter", SecretString=OPENROUTER_KEY)["ARN"]
    sqs = boto3.client("sqs", region_name=REGION)
    dlq_url = sqs.create_queue(QueueName="assay-chunks-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": stack_options["max_receives"]}
    queue_url = sqs.create_queue(
        QueueName="assay-chunks",
        Attributes={
            "VisibilityTimeout": str(stack_options["visibility_s"]),
            "RedrivePolicy": json.dumps(policy),
        },
    )["QueueUrl"]
    invocations = Invocations()
    monkeypatch.setattr(LambdaBackend, "invoke", routed_invoke(invocations))
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(
        name="assay-run",
        definition=render_definition(poll_seconds=0),
        roleArn="arn:aws:iam::123456789012:role/assay-run",
        type="STANDARD",
    )["stateMachineArn"]
    for name, value in {
        "DATABASE_URL_SECRET_ARN": db_arn,
        "OPENROUTER_API_KEY_SECRET_ARN": key_arn,
        "CHUNK_QUEUE_URL": queue_url,
        "STATE_MACHINE_ARN": machine,
        "WORKER_LEASE_SECONDS": str(stack_options["lease_s"]),
        "WORKER_MAX_RECEIVES": str(stack_options["max_receives"]),
        "WORKER_SAFETY_SECONDS": "0",
        "WORKER_WATCH_SECONDS": "0.1",
        "WORKER_RETRY_FLOOR_SECONDS": "0",
        "WORKER_RETRY_JITTER_SECONDS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    aws_wiring.reset()
    poller = Poller(queue_url, dlq_url, stack_options["remaining_ms"])
    return AwsStack(database_url, machine, queue_url, dlq_url, poller, invocations)
