"""The AWS path under moto: the real ASL run by moto's engine, its Lambda tasks routed to our
handlers, moto's SQS fed to the worker handler by a poller that honours batchItemFailures."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from services.orchestrator import handler as orchestrator
from services.worker import handler as worker

from assay.adapters.postgres.database import async_pool
from assay.adapters.postgres.runs import PostgresRunStore
from assay.adapters.stepfunctions import StepFunctionsLauncher
from assay.domain.models import AssertionSpec, EvalSuite, PromptTemplate, ProviderSpec, TestCase
from assay.usecases.orchestration import cancel_run, launch_run
from assay.usecases.runs import create_run

ROOT = Path(__file__).resolve().parents[2]
ASL_PATH = ROOT / "statemachines" / "run.asl.json"
REGION, ACCOUNT = "us-east-1", "123456789012"
FUNCTIONS: dict[str, Callable[[dict[str, Any], Any], dict[str, Any]]] = {
    "assay-plan-run": orchestrator.plan_run,
    "assay-enqueue-chunks": orchestrator.enqueue_chunks,
    "assay-check-progress": orchestrator.check_progress,
    "assay-finalize-run": orchestrator.finalize_run,
    "assay-mark-run-failed": orchestrator.mark_run_failed,
}
SUBSTITUTION_FUNCTIONS = {
    "PlanRunFunctionArn": "assay-plan-run",
    "EnqueueChunksFunctionArn": "assay-enqueue-chunks",
    "CheckProgressFunctionArn": "assay-check-progress",
    "FinalizeRunFunctionArn": "assay-finalize-run",
    "MarkRunFailedFunctionArn": "assay-mark-run-failed",
}


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def render_definition(poll_seconds: int = 0, max_polls: int = 2000) -> str:
    """The ASL with DefinitionSubstitutions applied, as CloudFormation does."""
    text = ASL_PATH.read_text()
    values = {key: function_arn(name) for key, name in SUBSTITUTION_FUNCTIONS.items()}
    values |= {"PollSeconds": str(poll_seconds), "MaxPolls": str(max_polls)}
    for key, value in values.items():
        text = text.replace("${" + key + "}", value)
    assert "${" not in text, "an unsubstituted placeholder is left in the ASL"
    return text


class Context:
    """The parts of a LambdaContext the handlers and Powertools read."""

    def __init__(self, name: str, remaining_ms: int = 60_000) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function_arn(name)
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "test"
        self._remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self._remaining_ms


@dataclass
class Invocations:
    """What the Step Functions tasks invoked, in order, with error types."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def routed_invoke(invocations: Invocations) -> Callable[..., bytes]:
    """A stand-in for moto's LambdaBackend.invoke that runs our handler, as Lambda would."""

    def invoke(
        backend: Any,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: dict[str, str],
    ) -> bytes:
        name = function_name.rsplit(":", 1)[-1]
        event = json.loads(body) if body else {}
        invocations.calls.append((name, event))
        try:
            answer: Any = FUNCTIONS[name](event, Context(name))
        except Exception as exc:  # Lambda reports an unhandled error this way
            invocations.errors.append(type(exc).__name__)
            response_headers["x-amz-function-error"] = "Unhandled"
            answer = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
        payload = json.dumps(answer).encode()
        response_headers["Content-Length"] = str(len(payload))
        return payload

    return invoke


def sqs_event(records: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS poller sends, built from ReceiveMessage answers."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {
                    "ApproximateReceiveCount": m["Attributes"]["ApproximateReceiveCount"],
                    "SentTimestamp": m["Attributes"]["SentTimestamp"],
                    "SenderId": m["Attributes"].get("SenderId", "AIDAEXAMPLE"),
                    "ApproximateFirstReceiveTimestamp": m["Attributes"][
                        "ApproximateFirstReceiveTimestamp"
                    ],
                },
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(m["Body"].encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in records
        ]
    }


@dataclass
class Deliveries:
    """What the poller saw: handler calls, reported failures, acknowledged messages."""

    worker_calls: int = 0
    failures: int = 0
    acked: int = 0
    dead_letters: int = 0


class Poller:
    """Lambda's event source mapping in miniature: receive, invoke, delete what succeeded."""

    def __init__(self, queue_url: str, dlq_url: str, remaining_ms: int) -> None:
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.queue_url, self.dlq_url = queue_url, dlq_url
        self.remaining_ms = remaining_ms
        self.seen = Deliveries()

    def _arn(self, url: str) -> str:
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return str(attrs["Attributes"]["QueueArn"])

    def receive(self, url: str) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=1, AttributeNames=["All"], WaitTimeSeconds=0
        )
        return list(answer.get("Messages", []))

    def deliver(self, url: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """Invoke the queue's handler with these messages; delete those it did not report."""
        dead = url == self.dlq_url
        event = sqs_event(messages, self._arn(url))
        fn = worker.dead_letter_handler if dead else worker.lambda_handler
        answer = fn(
            event, Context("assay-dead-letters" if dead else "assay-worker", self.remaining_ms)
        )
        failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        for m in messages:
            if m["MessageId"] in failed:
                self.seen.failures += 1
            else:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                self.seen.acked += 1
        if dead:
            self.seen.dead_letters += len(messages)
        else:
            self.seen.worker_calls += 1
        return answer

    def poll_once(self) -> bool:
        """Deliver at most one message from each queue; False when both were empty."""
        busy = False
        for url in (self.queue_url, self.dlq_url):
            messages = self.receive(url)
            if messages:
                busy = True
                self.deliver(url, messages)
        return busy


@dataclass
class AwsStack:
    """The moto resources of one test and the helpers that drive a run through them."""

    database_url: str
    state_machine_arn: str
    queue_url: str
    dlq_url: str
    poller: Poller
    invocations: Invocations

    @property
    def sfn(self) -> Any:
        return boto3.client("stepfunctions", region_name=REGION)

    def create_run(
        self, suite: EvalSuite, *, chunk_size: int = 5, concurrency: int = 8
    ) -> uuid.UUID:
        async def go() -> uuid.UUID:
            pool = async_pool(self.database_url, min_size=1, max_size=2)
            await pool.open(wait=True)
            try:
                return await create_run(
                    PostgresRunStore(pool), suite, chunk_size=chunk_size, concurrency=concurrency
                )
            finally:
                await pool.close()

        return asyncio.run(go())

    def launcher(self) -> StepFunctionsLauncher:
        return StepFunctionsLauncher(self.sfn, self.state_machine_arn)

    def launch(self, run_id: uuid.UUID) -> str:
        return asyncio.run(launch_run(launcher=self.launcher(), run_id=run_id))

    def cancel(self, run_id: uuid.UUID) -> None:
        async def go() -> None:
            pool = async_pool(self.database_url, min_size=1, max_size=2)
            await pool.open(wait=True)
            try:
                await cancel_run(
                    store=PostgresRunStore(pool),
                    launcher=self.launcher(),
                    run_id=run_id,
                    reason="cancelled by the test",
                )
            finally:
                await pool.close()

        asyncio.run(go())

    def first_message(self, seconds: float = 10.0) -> dict[str, Any]:
        """Wait for EnqueueChunks to put a chunk message on the queue, and receive it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            messages = self.poller.receive(self.queue_url)
            if messages:
                return messages[0]
            time.sleep(0.05)
        raise AssertionError("no chunk message was enqueued")

    def execution(self, arn: str) -> dict[str, Any]:
        return dict(self.sfn.describe_execution(executionArn=arn))

    def drive(
        self,
        arn: str,
        *,
        seconds: float = 20.0,
        between: Callable[[Deliveries], None] | None = None,
    ) -> dict[str, Any]:
        """Poll the queues until the execution ends (or `seconds` pass); its description."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.poller.poll_once():
                time.sleep(0.05)
            if between:
                between(self.poller.seen)
            described = self.execution(arn)
            if described["status"] != "RUNNING":
                return described
        raise AssertionError(f"execution still running after {seconds}s: {self.execution(arn)}")

    def history(self, arn: str) -> list[dict[str, Any]]:
        return list(self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"])


def provider(model: str, base_url: str) -> ProviderSpec:
    """An OpenRouter model whose key is OPENROUTER_API_KEY, which the worker reads from a secret."""
    return ProviderSpec(
        id=f"openrouter:{model}", label=model, kind="openrouter", model=model, base_url=base_url
    )


def suite(
    base_url: str, *, cases: int = 10, models: tuple[str, ...] = ("fake/model",)
) -> EvalSuite:
    tests = tuple(
        TestCase(
            description=f"case {i}",
            vars={"word": f"word{i}"},
            assertions=(AssertionSpec(type="contains", value="word"),),
        )
        for i in range(cases)
    )
    return EvalSuite(
        description="aws test",
        prompts=(PromptTemplate(label="p1", text="Say {{ word }}"),),
        providers=tuple(provider(m, base_url) for m in models),
        tests=tests,
        source=f"/virtual/{uuid.uuid4().hex}.yaml",
    )
