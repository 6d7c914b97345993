"""The functions read the database URL and the OpenRouter key from Secrets Manager, and never
log the key."""

from __future__ import annotations

import io
import json
import logging
import os
import uuid
from typing import Any, cast

import boto3
import pytest
from services.orchestrator import handler as orchestrator
from services.worker import handler as worker

from assay import aws_wiring
from assay.domain.errors import ConfigError
from fakes.openrouter import FakeOpenRouter
from integration.engine_support import rows

from .conftest import OPENROUTER_KEY
from .harness import REGION, AwsStack, Context, sqs_event, suite


def _deliver_first_chunk(aws: AwsStack, run_id: uuid.UUID) -> dict[str, object]:
    orchestrator.enqueue_chunks({"run_id": str(run_id)}, Context("assay-enqueue-chunks"))
    message = aws.first_message()
    event = sqs_event([message], aws.poller._arn(aws.queue_url))
    return dict(worker.lambda_handler(event, Context("assay-worker", 4000)))


def test_the_functions_take_the_database_url_and_the_key_from_their_secrets(
    aws: AwsStack,
) -> None:
    # only ARNs in the environment, as template.yaml sets it
    assert "DATABASE_URL" not in os.environ and "OPENROUTER_API_KEY" not in os.environ
    assert os.environ["DATABASE_URL_SECRET_ARN"].startswith("arn:aws:secretsmanager:")
    with FakeOpenRouter(latency_ms=1, api_key=OPENROUTER_KEY) as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=3), chunk_size=5)
        orchestrator.plan_run({"run_id": str(run_id)}, Context("assay-plan-run"))
        assert _deliver_first_chunk(aws, run_id) == {"batchItemFailures": []}
        assert fake.stats.ok == 3  # the fake answers 401 to any other key
    assert rows(aws.database_url, "select count(*) from results where run_id = %s", run_id) == [
        (3,)
    ]


def test_a_wrong_key_in_the_secret_reaches_openrouter_as_is(aws: AwsStack) -> None:
    secrets = boto3.client("secretsmanager", region_name=REGION)
    secrets.put_secret_value(
        SecretId=os.environ["OPENROUTER_API_KEY_SECRET_ARN"], SecretString="sk-or-revoked"
    )
    with FakeOpenRouter(latency_ms=1, api_key=OPENROUTER_KEY) as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=2), chunk_size=5)
        orchestrator.plan_run({"run_id": str(run_id)}, Context("assay-plan-run"))
        _deliver_first_chunk(aws, run_id)
        assert fake.stats.calls == 2 and fake.stats.ok == 0
    failed = rows(aws.database_url, "select error_code from results where run_id = %s", run_id)
    assert len(failed) == 2 and all(code is not None for (code,) in failed)


def test_an_unreadable_database_secret_is_a_clear_error(aws: AwsStack) -> None:
    boto3.client("secretsmanager", region_name=REGION).delete_secret(
        SecretId=os.environ["DATABASE_URL_SECRET_ARN"], ForceDeleteWithoutRecovery=True
    )
    aws_wiring.reset()
    with pytest.raises(ConfigError, match="cannot read secret arn:aws:secretsmanager"):
        orchestrator.check_progress({"run_id": str(uuid.uuid4())}, Context("assay-check-progress"))


def test_the_key_never_appears_in_logs(aws: AwsStack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="assay")
    caplog.set_level(logging.INFO)  # what Lambda's runtime emits for every other library
    printed = io.StringIO()  # what the functions' Powertools loggers write to CloudWatch
    loggers = (worker.logger, orchestrator.logger)
    handlers = [cast(logging.StreamHandler[Any], lg.registered_handler) for lg in loggers]
    streams = [h.setStream(printed) for h in handlers]
    for lg in loggers:
        lg.setLevel("DEBUG")
    try:
        # 429s and 5xx make the worker log back-offs and deferrals as well as its normal lines
        with FakeOpenRouter(
            latency_ms=1, api_key=OPENROUTER_KEY, fail_rate_429=0.5, fail_rate_5xx=0.3, seed=5
        ) as fake:
            run_id = aws.create_run(suite(fake.base_url, cases=4), chunk_size=5)
            orchestrator.plan_run({"run_id": str(run_id)}, Context("assay-plan-run"))
            _deliver_first_chunk(aws, run_id)
            assert fake.stats.calls > 0
    finally:
        for lg, handler, stream in zip(loggers, handlers, streams, strict=True):
            lg.setLevel("WARNING")
            handler.setStream(stream)
    lines = printed.getvalue().splitlines()
    assert any(json.loads(line).get("message") == "chunk delivery" for line in lines), lines
    records = [r.getMessage() + json.dumps(r.__dict__, default=str) for r in caplog.records]
    assert any(str(run_id) in line for line in records)  # the capture saw the invocation
    assert not [line for line in records + lines if OPENROUTER_KEY in line]
