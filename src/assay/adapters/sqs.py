"""The chunk queue on Amazon SQS: one message per chunk, carrying the run id and chunk only."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from assay.domain.errors import StorageError

BATCH = 10  # SendMessageBatch takes at most ten entries
MAX_VISIBILITY_S = 43_200  # SQS caps a message's visibility timeout at twelve hours


def chunk_body(run_id: uuid.UUID, chunk: int) -> str:
    """The body of the message naming one chunk of a run."""
    return json.dumps({"run_id": str(run_id), "chunk": chunk}, separators=(",", ":"))


class SqsChunkQueue:
    """Sends chunk messages and delays redelivery of one; boto3 calls run off the event loop."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    async def send_chunks(self, run_id: uuid.UUID, chunks: Sequence[int]) -> int:
        """Enqueue one message per chunk; returns how many were sent."""
        sent = 0
        for start in range(0, len(chunks), BATCH):
            batch = chunks[start : start + BATCH]
            await asyncio.to_thread(self._send_batch, run_id, batch)
            sent += len(batch)
        return sent

    async def delay(self, receipt_handle: str, seconds: int) -> None:
        """Hide a received message for `seconds` more, so it comes back after that."""
        timeout = max(0, min(MAX_VISIBILITY_S, int(seconds)))
        await asyncio.to_thread(
            self._call,
            "change_message_visibility",
            QueueUrl=self._url,
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=timeout,
        )

    def _send_batch(self, run_id: uuid.UUID, chunks: Sequence[int]) -> None:
        entries = [{"Id": str(c), "MessageBody": chunk_body(run_id, c)} for c in chunks]
        # a batch can partly fail; the failed entries get one more try before giving up
        for _ in range(2):
            answer = self._call("send_message_batch", QueueUrl=self._url, Entries=entries)
            failed = {f["Id"] for f in answer.get("Failed", [])}
            entries = [e for e in entries if e["Id"] in failed]
            if not entries:
                return
        raise StorageError(
            f"SQS refused {len(entries)} chunk message(s) of run {run_id}",
            details={"run_id": str(run_id), "chunks": [int(e["Id"]) for e in entries]},
        )

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = getattr(self._client, operation)(**params)
        except (ClientError, BotoCoreError) as exc:
            raise StorageError(
                f"SQS {operation} failed: {exc}", details={"operation": operation}
            ) from exc
        return answer
