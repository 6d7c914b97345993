"""The Lambda handlers with the event shapes AWS sends them (Step Functions task input, SQS)."""

from __future__ import annotations

import json
import uuid

import pytest
from services.orchestrator import handler as orchestrator
from services.worker import handler as worker

from assay.domain.errors import InvalidInput
from fakes.openrouter import FakeOpenRouter
from integration.engine_support import rows

from .harness import AwsStack, Context, suite


def _record(body: str, receives: int = 1) -> dict[str, object]:
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "handle-1",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": str(receives),
            "SentTimestamp": "1700000000000",
            "SenderId": "AIDAEXAMPLE",
            "ApproximateFirstReceiveTimestamp": "1700000000001",
        },
        "messageAttributes": {},
        "md5OfBody": "x",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:assay-chunks",
        "awsRegion": "us-east-1",
    }


def test_a_task_input_without_a_valid_run_id_names_the_field(aws: AwsStack) -> None:
    with pytest.raises(InvalidInput, match="run_id"):
        orchestrator.check_progress({"run_id": "not-a-uuid"}, Context("assay-check-progress"))


def test_check_progress_answers_counts_and_echoes_the_poll(aws: AwsStack) -> None:
    run_id = aws.create_run(suite("http://127.0.0.1:9/api/v1", cases=3))
    answer = orchestrator.check_progress(
        {"run_id": str(run_id), "polls": 4}, Context("assay-check-progress")
    )
    assert answer == {
        "run_id": str(run_id),
        "status": "queued",
        "finished": False,
        "polls": 4,
        "redispatched": 0,
        "progress": {"done": 0, "failed": 0, "total": 3, "cancelled": 0, "open": 3},
    }


def test_mark_run_failed_stores_the_lambda_error_message(aws: AwsStack) -> None:
    run_id = aws.create_run(suite("http://127.0.0.1:9/api/v1", cases=1))
    cause = json.dumps({"errorType": "StorageError", "errorMessage": "database unreachable"})
    event = {"run_id": str(run_id), "error": {"Error": "StorageError", "Cause": cause}}
    answer = orchestrator.mark_run_failed(event, Context("assay-mark-run-failed"))
    assert answer["status"] == "failed" and answer["progress"]["total"] == 1
    stored = rows(aws.database_url, "select status, error from runs where id = %s", run_id)
    assert stored == [("failed", "StorageError: database unreachable")]


def test_a_malformed_chunk_message_is_reported_as_a_batch_item_failure(aws: AwsStack) -> None:
    bad = _record('{"run_id": "x", "chunk": -1}')
    good_but_unknown = _record(json.dumps({"run_id": str(uuid.uuid4()), "chunk": 0}))
    answer = worker.lambda_handler({"Records": [bad, good_but_unknown]}, Context("assay-worker"))
    assert answer == {"batchItemFailures": [{"itemIdentifier": bad["messageId"]}]}


def test_messages_of_a_cancelled_run_are_acknowledged_without_calling_models(
    aws: AwsStack,
) -> None:
    with FakeOpenRouter() as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=3))
        rows(
            aws.database_url,
            "update runs set status = 'cancelled' where id = %s returning id",
            run_id,
        )
        event = {"Records": [_record(json.dumps({"run_id": str(run_id), "chunk": 0}))]}
        assert worker.lambda_handler(event, Context("assay-worker")) == {"batchItemFailures": []}
        assert fake.stats.calls == 0


def test_the_dead_letter_drain_drops_unreadable_messages(aws: AwsStack) -> None:
    event = {"Records": [_record("not json", receives=5)]}
    answer = worker.dead_letter_handler(event, Context("assay-dead-letters"))
    assert answer == {"batchItemFailures": []}
