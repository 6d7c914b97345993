"""CheckProgress's safety net: a chunk whose message was lost is enqueued again, once."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import pytest

from assay import aws_wiring
from assay.adapters.postgres.database import async_pool
from assay.adapters.postgres.orchestration_store import PostgresChunkDispatches
from assay.adapters.postgres.runs import PostgresRunStore
from assay.usecases.orchestration import Redispatch, check_progress
from fakes.openrouter import FakeOpenRouter
from integration.engine_support import rows

from .conftest import OPENROUTER_KEY
from .harness import AwsStack, suite


class SentChunks:
    """A ChunkQueue that remembers what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[uuid.UUID, list[int]]] = []

    async def send_chunks(self, run_id: uuid.UUID, chunks: Sequence[int]) -> int:
        self.sent.append((run_id, list(chunks)))
        return len(chunks)

    async def delay(self, receipt_handle: str, seconds: int) -> None:
        """Not used by CheckProgress."""


@asynccontextmanager
async def dispatches(database_url: str) -> AsyncIterator[PostgresChunkDispatches]:
    pool = async_pool(database_url, min_size=1, max_size=2)
    await pool.open(wait=True)
    try:
        yield PostgresChunkDispatches(pool)
    finally:
        await pool.close()


def _started_an_hour_ago(aws: AwsStack, run_id: uuid.UUID) -> None:
    rows(
        aws.database_url,
        "update runs set status = 'running', started_at = now() - interval '1 hour' "
        "where id = %s returning id",
        run_id,
    )


def _sends(aws: AwsStack, run_id: uuid.UUID) -> dict[int, int]:
    found = rows(
        aws.database_url, "select chunk, sends from chunk_dispatches where run_id = %s", run_id
    )
    return dict(found)


def test_stalled_chunks_are_claimed_at_most_limit_per_check_and_only_once(aws: AwsStack) -> None:
    run_id = aws.create_run(suite("http://127.0.0.1:9/api/v1", cases=20), chunk_size=5)
    _started_an_hour_ago(aws, run_id)
    # chunk 1 was just sent; chunk 2 has a live lease; chunk 3's only lease has expired
    rows(
        aws.database_url,
        "update cells set state = 'leased', lease_owner = 'w', lease_until = now() + "
        "case chunk when 2 then interval '1 hour' else interval '-1 hour' end "
        "where run_id = %s and chunk in (2, 3) returning id",
        run_id,
    )

    async def go() -> list[list[int]]:
        async with dispatches(aws.database_url) as store:
            await store.record(run_id, [1])
            first = await store.claim_stalled(run_id, grace_s=60, limit=1)
            second = await store.claim_stalled(run_id, grace_s=60, limit=5)
            third = await store.claim_stalled(run_id, grace_s=60, limit=5)
            return [first, second, third]

    assert asyncio.run(go()) == [[0], [3], []]
    assert _sends(aws, run_id) == {0: 1, 1: 1, 3: 1}


def test_concurrent_checks_never_enqueue_the_same_chunk_twice(aws: AwsStack) -> None:
    run_id = aws.create_run(suite("http://127.0.0.1:9/api/v1", cases=30), chunk_size=5)
    _started_an_hour_ago(aws, run_id)
    rows(
        aws.database_url,
        "insert into chunk_dispatches (run_id, chunk, workspace_id, sent_at) "
        "select %s, c, workspace_id, now() - interval '1 hour' from runs, generate_series(0, 5) c "
        "where id = %s returning chunk",
        run_id,
        run_id,
    )

    async def go() -> list[list[int]]:
        async with dispatches(aws.database_url) as one, dispatches(aws.database_url) as two:
            claims = [
                store.claim_stalled(run_id, grace_s=60, limit=6) for store in (one, two, one, two)
            ]
            return list(await asyncio.gather(*claims))

    claimed = [chunk for got in asyncio.run(go()) for chunk in got]
    assert sorted(claimed) == [0, 1, 2, 3, 4, 5]
    assert _sends(aws, run_id) == {c: 2 for c in range(6)}


def test_check_progress_resends_only_for_an_active_run(aws: AwsStack) -> None:
    run_id = aws.create_run(suite("http://127.0.0.1:9/api/v1", cases=10), chunk_size=5)
    _started_an_hour_ago(aws, run_id)
    queue = SentChunks()

    async def check() -> int:
        async with dispatches(aws.database_url) as store:
            pool = async_pool(aws.database_url, min_size=1, max_size=1)
            await pool.open(wait=True)
            try:
                net = Redispatch(dispatches=store, queue=queue, grace_s=60, limit=10)
                report = await check_progress(
                    store=PostgresRunStore(pool), run_id=run_id, redispatch=net
                )
            finally:
                await pool.close()
        return report.redispatched

    assert asyncio.run(check()) == 2 and queue.sent == [(run_id, [0, 1])]
    rows(
        aws.database_url,
        "update chunk_dispatches set sent_at = now() - interval '1 hour' where run_id = %s "
        "returning chunk",
        run_id,
    )
    rows(
        aws.database_url, "update runs set status = 'cancelled' where id = %s returning id", run_id
    )
    assert asyncio.run(check()) == 0 and len(queue.sent) == 1


def test_a_run_whose_chunk_message_was_deleted_still_completes(
    aws: AwsStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDISPATCH_GRACE_SECONDS", "1")
    aws_wiring.reset()
    with FakeOpenRouter(latency_ms=1, api_key=OPENROUTER_KEY) as fake:
        run_id = aws.create_run(suite(fake.base_url, cases=10), chunk_size=5)
        arn = aws.launch(run_id)
        lost = aws.first_message()
        aws.poller.sqs.delete_message(QueueUrl=aws.queue_url, ReceiptHandle=lost["ReceiptHandle"])
        final = aws.drive(arn, seconds=30)
        stats = fake.stats
    assert final["status"] == "SUCCEEDED", final
    assert stats.calls == 10 and set(stats.calls_by_request.values()) == {1}
    chunk = json.loads(lost["Body"])["chunk"]
    assert _sends(aws, run_id)[chunk] >= 2  # sent by EnqueueChunks, then by CheckProgress
    outputs = [
        json.loads(e["taskSucceededEventDetails"]["output"])["Payload"]
        for e in aws.history(arn)
        if e["type"] == "TaskSucceeded"
    ]
    assert sum(o.get("redispatched", 0) for o in outputs) >= 1
    assert rows(aws.database_url, "select state, count(*) from cells where run_id = %s "
                "group by state", run_id) == [("done", 10)]  # fmt: skip
    assert rows(aws.database_url, "select status from runs where id = %s", run_id) == [
        ("completed",)
    ]
