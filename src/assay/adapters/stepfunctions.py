"""The run launcher on AWS Step Functions: one execution per run, named by the run id."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from assay.domain.errors import Conflict, StorageError


def execution_arn(state_machine_arn: str, run_id: uuid.UUID) -> str:
    """The ARN of the run's execution: the state machine's ARN with the run id as name."""
    head, sep, name = state_machine_arn.rpartition(":stateMachine:")
    if not sep:
        raise ValueError(f"not a state machine ARN: {state_machine_arn!r}")
    return f"{head}:execution:{name}:{run_id}"


class StepFunctionsLauncher:
    """Starts and stops run workflows; boto3 calls run off the event loop."""

    def __init__(self, client: Any, state_machine_arn: str) -> None:
        self._client = client
        self._arn = state_machine_arn

    async def start(self, run_id: uuid.UUID) -> str:
        """Start the run's execution; returns its ARN. Starting it twice is a Conflict."""
        try:
            answer = await asyncio.to_thread(
                self._client.start_execution,
                stateMachineArn=self._arn,
                name=str(run_id),
                input=json.dumps({"run_id": str(run_id)}),
            )
        except ClientError as exc:
            if _code(exc) == "ExecutionAlreadyExists":
                raise Conflict(
                    f"run {run_id} was already launched", details={"run_id": str(run_id)}
                ) from exc
            raise _storage("start_execution", exc) from exc
        except BotoCoreError as exc:
            raise _storage("start_execution", exc) from exc
        return str(answer["executionArn"])

    async def stop(self, run_id: uuid.UUID, reason: str) -> None:
        """Stop the run's execution; a run never launched or already ended is left as it is."""
        try:
            await asyncio.to_thread(
                self._client.stop_execution,
                executionArn=execution_arn(self._arn, run_id),
                error="Run.Cancelled",
                cause=reason[:32_000],
            )
        except ClientError as exc:
            if _code(exc) != "ExecutionDoesNotExist":
                raise _storage("stop_execution", exc) from exc
        except BotoCoreError as exc:
            raise _storage("stop_execution", exc) from exc


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _storage(operation: str, exc: Exception) -> StorageError:
    return StorageError(
        f"Step Functions {operation} failed: {exc}", details={"operation": operation}
    )
