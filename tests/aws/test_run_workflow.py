"""A run end to end on the AWS path: moto's Step Functions runs run.asl.json, SQS feeds workers."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid

import pytest
from services.worker import handler as worker

from assay.adapters.postgres.database import async_pool
from assay.adapters.postgres.runs import PostgresRunStore
from fakes.openrouter import FakeOpenRouter
from integration.engine_support import rows

from .conftest import OPENROUTER_KEY
from .harness import AwsStack, Context, sqs_event, suite


def _claim_as_dead_worker(aws: AwsStack, run_id: uuid.UUID, chunk: int, lease_s: float) -> int:
    async def go() -> int:
        pool = async_pool(aws.database_url, min_size=1, max_size=1)
        await pool.open(wait=True)
        try:
            store = PostgresRunStore(pool)
            return len(await store.claim_chunk(run_id, chunk, owner="lambda:dead", lease_s=lease_s))
        finally:
            await pool.close()

    return asyncio.run(go())


def test_clean_run_completes_with_one_result_and_one_call_per_cell(aws: AwsStack) -> None:
    with FakeOpenRouter(latency_ms=1, api_key=OPENROUTER_KEY) as fake:
        run_id = aws.create_run(
            suite(fake.base_url, cases=6, models=("fake/model", "openai/gpt-4o-mini"))
        )
        arn = aws.launch(run_id)
        final = aws.drive(arn)
        assert fake.stats.calls == 12
    assert final["status"] == "SUCCEEDED", final
    assert arn.endswith(f":{run_id}")
    assert rows(aws.database_url, "select status from runs where id = %s", run_id) == [
        ("completed",)
    ]
    results = rows(aws.database_url, "select passed, error from results where run_id = %s", run_id)
    assert len(results) == 12 and all(r == (True, None) for r in results)
    for event in aws.history(arn):  # every state output past PlanRun reports progress
        details = event.get("stateExitedEventDetails")
        if details and "run" in json.loads(details["output"]):
            assert {"done", "failed", "total"} <= set(
                json.loads(details["output"])["run"]["progress"]
            )
    names = [name for name, _ in aws.invocations.calls]
    assert names[:2] == ["assay-plan-run", "assay-enqueue-chunks"]
    assert names[-1] == "assay-finalize-run" and "assay-check-progress" in names


@pytest.mark.parametrize(
    "stack_options",
    [{"visibility_s": 2, "max_receives": 10, "remaining_ms": 1000, "lease_s": 3}],
)
def test_storms_of_429_and_5xx_end_with_every_cell_done(aws: AwsStack) -> None:
    # Retry-After outlasts the worker's one-second budget: the message must come back later
    with FakeOpenRouter(
        latency_ms=1,
        api_key=OPENROUTER_KEY,
        fail_rate_429=0.3,
        retry_after_s=1.5,
        fail_rate_5xx=0.2,
        seed=3,
    ) as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=10))
        final = aws.drive(aws.launch(run_id), seconds=40)
        stats = fake.stats
    assert final["status"] == "SUCCEEDED", final
    assert stats.served_429 > 0 and stats.served_5xx > 0
    assert stats.ok == 10  # one paid answer per cell
    assert aws.poller.seen.failures > 0  # deferred deliveries reported as batch failures
    states = rows(
        aws.database_url,
        "select state, count(*) from cells where run_id = %s group by state",
        run_id,
    )
    assert states == [("done", 10)]
    assert rows(aws.database_url, "select count(*) from results where run_id = %s", run_id) == [
        (10,)
    ]


@pytest.mark.parametrize(
    "stack_options",
    [{"visibility_s": 1, "max_receives": 3, "remaining_ms": 4000, "lease_s": 3}],
)
def test_a_poison_message_is_dead_lettered_and_its_cells_fail_with_a_reason(aws: AwsStack) -> None:
    with FakeOpenRouter(latency_ms=1, api_key=OPENROUTER_KEY) as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=10), chunk_size=5)
        # a stored case that no longer validates makes every delivery of chunk 0 fail
        rows(
            aws.database_url,
            "update test_cases set body = '{\"vars\": 5}'::jsonb where id = "
            "(select test_case_id from cells where run_id = %s and case_position = 2) "
            "returning id",
            run_id,
        )
        final = aws.drive(aws.launch(run_id))
        assert fake.stats.ok == 5
    assert final["status"] == "SUCCEEDED", final
    assert aws.poller.seen.dead_letters == 1
    dead = rows(
        aws.database_url,
        "select c.state, r.error_code, r.error from cells c join results r "
        "on r.cell_id = c.id where c.run_id = %s and c.chunk = 0",
        run_id,
    )
    assert len(dead) == 5
    assert all(d[0] == "failed" and d[1] == "dead_lettered" and "dead-letter" in d[2] for d in dead)
    done = rows(
        aws.database_url,
        "select count(*) from cells where run_id = %s and chunk = 1 and state = 'done'",
        run_id,
    )
    assert done == [(5,)]
    assert rows(aws.database_url, "select status from runs where id = %s", run_id) == [
        ("completed",)
    ]


def test_the_same_message_delivered_twice_makes_one_call_per_cell(aws: AwsStack) -> None:
    with FakeOpenRouter(latency_ms=1, api_key=OPENROUTER_KEY) as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=5), chunk_size=5)
        arn = aws.launch(run_id)
        message = aws.first_message()
        # an EnqueueChunks retry would send the same body again as a new message
        aws.poller.sqs.send_message(QueueUrl=aws.queue_url, MessageBody=message["Body"])
        event = sqs_event([message], aws.poller._arn(aws.queue_url))
        first = worker.lambda_handler(event, Context("assay-worker", 4000))
        second = worker.lambda_handler(event, Context("assay-worker", 4000))
        assert first == second == {"batchItemFailures": []}
        aws.poller.sqs.delete_message(
            QueueUrl=aws.queue_url, ReceiptHandle=message["ReceiptHandle"]
        )
        final = aws.drive(arn)
        stats = fake.stats
    assert final["status"] == "SUCCEEDED", final
    assert stats.calls == 5 and set(stats.calls_by_request.values()) == {1}
    assert aws.poller.seen.acked >= 1  # the duplicate was acknowledged without a call
    assert rows(aws.database_url, "select count(*) from results where run_id = %s", run_id) == [
        (5,)
    ]


@pytest.mark.parametrize(
    "stack_options",
    [{"visibility_s": 2, "max_receives": 4, "remaining_ms": 4000, "lease_s": 1}],
)
def test_a_worker_crash_mid_chunk_loses_no_cell(aws: AwsStack) -> None:
    with FakeOpenRouter(latency_ms=1, api_key=OPENROUTER_KEY) as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=10), chunk_size=5)
        arn = aws.launch(run_id)
        message = aws.first_message()
        chunk = json.loads(message["Body"])["chunk"]
        # the worker that received it claimed the cells, then died: no write, no delete
        assert _claim_as_dead_worker(aws, run_id, chunk, lease_s=1) == 5
        final = aws.drive(arn)
        stats = fake.stats
    assert final["status"] == "SUCCEEDED", final
    assert stats.calls == 10 and set(stats.calls_by_request.values()) == {1}
    attempts = rows(
        aws.database_url,
        "select attempts, state from cells where run_id = %s and chunk = %s",
        run_id,
        chunk,
    )
    assert attempts == [(2, "done")] * 5  # claimed again once the dead lease expired
    assert rows(aws.database_url, "select count(*) from results where run_id = %s", run_id) == [
        (10,)
    ]


def test_cancel_mid_run_stops_the_workflow_and_the_model_calls(aws: AwsStack) -> None:
    with FakeOpenRouter(latency_ms=150, api_key=OPENROUTER_KEY) as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=30), chunk_size=10, concurrency=2)
        arn = aws.launch(run_id)
        at_cancel: list[int] = []

        def cancel_once_calls_started() -> None:
            # runs beside the poller, so the cancel lands while a worker is inside a chunk
            deadline = time.monotonic() + 15
            while fake.stats.calls < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            aws.cancel(run_id)
            at_cancel.append(fake.stats.calls)

        canceller = threading.Thread(target=cancel_once_calls_started)
        canceller.start()
        try:
            final = aws.drive(arn)
        finally:
            canceller.join()
        while aws.poller.poll_once():  # the remaining messages are acknowledged
            pass
        calls = fake.stats.calls
    # moto lets a state that was mid-evaluation when the stop came overwrite "stopped" with a
    # States.Runtime failure (Environment.set_error does not check the state); AWS aborts
    if final["status"] != "ABORTED":
        failed = [
            e["executionFailedEventDetails"]
            for e in aws.history(arn)
            if e["type"] == "ExecutionFailed"
        ]
        assert failed and failed[0].get("error") == "States.Runtime", final
    assert 0 < at_cancel[0] < 30
    assert calls <= at_cancel[0] + 4  # the calls in flight, and any started before the watch saw it
    assert rows(aws.database_url, "select status from runs where id = %s", run_id) == [
        ("cancelled",)
    ]
    states = dict(
        rows(
            aws.database_url,
            "select state, count(*) from cells where run_id = %s group by state",
            run_id,
        )
    )
    assert states.get("cancelled", 0) > 0 and "pending" not in states and "leased" not in states


def test_a_run_cancelled_without_stopping_the_execution_ends_in_run_cancelled(
    aws: AwsStack,
) -> None:
    with FakeOpenRouter(latency_ms=1, api_key=OPENROUTER_KEY) as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=5))
        arn = aws.launch(run_id)
        aws.first_message()  # enqueued, then cancelled in Postgres only
        asyncio.run(_cancel_in_postgres(aws.database_url, run_id))
        final = aws.drive(arn)
        assert fake.stats.calls == 0
    assert final["status"] == "SUCCEEDED", final
    entered = [
        e["stateEnteredEventDetails"]["name"]
        for e in aws.history(arn)
        if "stateEnteredEventDetails" in e
    ]
    assert entered[-1] == "RunCancelled"
    assert json.loads(final["output"])["run"]["progress"]["total"] == 5


async def _cancel_in_postgres(database_url: str, run_id: uuid.UUID) -> None:
    pool = async_pool(database_url, min_size=1, max_size=1)
    await pool.open(wait=True)
    try:
        await PostgresRunStore(pool).cancel(run_id)
    finally:
        await pool.close()
