"""SQS-triggered handlers: the chunk worker, and the dead-letter drain that fails dead chunks."""

from __future__ import annotations

import uuid
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from assay.aws_wiring import runtime
from assay.domain.errors import Conflict, InvalidInput
from assay.usecases.orchestration import fail_dead_chunk
from assay.usecases.worker import ChunkMessage, ChunkVerdict, work_on_chunk

logger = Logger(service="assay-worker")
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
dead_letters = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


class ChunkDeferred(Exception):
    """The chunk will come back later (rate limit or time budget); reported as a batch failure."""


def _message(record: SQSRecord) -> ChunkMessage:
    try:
        return ChunkMessage.model_validate_json(record.body)
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InvalidInput(f"bad chunk message {record.message_id}: {where}") from None


def _receives(record: SQSRecord) -> int:
    return int(record.attributes.approximate_receive_count or 1)


def _work(record: SQSRecord, lambda_context: LambdaContext) -> ChunkVerdict:
    message = _message(record)
    rt = runtime("worker")
    owner = f"lambda:{record.message_id}:{uuid.uuid4().hex[:8]}"

    async def step() -> ChunkVerdict:
        verdict = await work_on_chunk(
            store=await rt.store(),
            llm=rt.llm(),
            clock=rt.clock,
            message=message,
            receives=_receives(record),
            owner=owner,
            limits=rt.worker_limits(lambda_context.get_remaining_time_in_millis()),
        )
        if verdict.outcome == "retry":
            await rt.queue.delay(record.receipt_handle, verdict.retry_after_s)
        return verdict

    verdict = rt.run(step())
    logger.info(
        "chunk delivery",
        extra={
            "run_id": str(message.run_id),
            "chunk": message.chunk,
            "outcome": verdict.outcome,
            "written": verdict.written,
        },
    )
    if verdict.outcome == "retry":
        raise ChunkDeferred(f"chunk {message.chunk} deferred {verdict.retry_after_s}s")
    return verdict


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """One chunk per message; failed or deferred messages are reported, the rest acknowledged."""
    return dict(
        process_partial_response(
            event=event, record_handler=_work, processor=processor, context=context
        )
    )


def _drain(record: SQSRecord) -> None:
    try:
        message = _message(record)
    except InvalidInput:
        logger.warning("unreadable dead letter dropped", extra={"message_id": record.message_id})
        return
    rt = runtime("worker")

    async def step() -> tuple[int, int]:
        return await fail_dead_chunk(
            transitions=await rt.transitions(),
            run_id=message.run_id,
            chunk=message.chunk,
            receives=_receives(record),
        )

    _, live = rt.run(step())
    if live:
        # someone still works on the chunk; look again when this message comes back
        raise Conflict(f"chunk {message.chunk} still has {live} leased cell(s)")


@logger.inject_lambda_context
def dead_letter_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Drains the dead-letter queue: the open cells of each dead chunk fail with a reason."""
    return dict(
        process_partial_response(
            event=event, record_handler=_drain, processor=dead_letters, context=context
        )
    )
