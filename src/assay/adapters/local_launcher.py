"""The local run executor of `assay up`: a thread with its own event loop running LocalRunner.

Started runs execute `parallel` at a time. `stop` cancels a run in Postgres; the runner polls
the status and stops calling models at once. On open it resumes runs a crashed `assay up` left
`queued` or `running`; on close it interrupts its runs and leaves them `queued` to resume.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from typing import Any

from assay import wiring
from assay.adapters.postgres.run_recovery import requeue_interrupted, unfinished_runs
from assay.domain.assertions import CodeRunner
from assay.domain.errors import StorageError
from assay.usecases.leases import is_dead_local_owner
from assay.usecases.local_run import LocalRunOptions

log = logging.getLogger(__name__)

OPEN_TIMEOUT_S = 60.0
CALL_TIMEOUT_S = 30.0
HTTP_CONNECTIONS = 100


class LocalLauncher:
    """Implements `assay.ports.RunLauncher` in-process."""

    def __init__(
        self, conninfo: str, *, parallel: int = 2, code_runner: CodeRunner | None = None
    ) -> None:
        self._conninfo = conninfo
        self._parallel = parallel
        self._code_runner = code_runner
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._closing: asyncio.Event | None = None
        self._engine: Any = None
        self._gate: asyncio.Semaphore | None = None
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._stopped: set[uuid.UUID] = set()

    def open(self, *, resume: bool = True) -> None:
        """Start the executor thread; with `resume`, pick up runs left unfinished."""
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._serve(resume),), name="assay-runs", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(OPEN_TIMEOUT_S):
            raise StorageError("the local run executor did not start in time")
        if self._failure is not None:
            raise StorageError(f"the local run executor failed to start: {self._failure}")

    def close(self, timeout: float = CALL_TIMEOUT_S) -> None:
        """Interrupt running runs (left resumable) and stop the thread."""
        if self._loop is not None and self._closing is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._closing.set)
            self._thread.join(timeout)

    def active(self) -> set[uuid.UUID]:
        """Runs this executor holds right now (running or waiting for a slot)."""
        return set(self._tasks)

    async def start(self, run_id: uuid.UUID) -> str:
        """Queue a stored run for execution; starting it twice is harmless."""
        self.submit(run_id)
        return f"local:{run_id}"

    async def stop(self, run_id: uuid.UUID, reason: str) -> None:
        """Cancel the run in Postgres; its runner notices and stops calling models."""
        loop = self._require_loop()
        future = asyncio.run_coroutine_threadsafe(self._cancel(run_id), loop)
        await asyncio.wait_for(asyncio.wrap_future(future), CALL_TIMEOUT_S)
        log.info("run stopped", extra={"run_id": str(run_id), "reason": reason})

    def submit(self, run_id: uuid.UUID) -> None:
        """Thread-safe: queue `run_id` on the executor's loop."""
        self._require_loop().call_soon_threadsafe(self._enqueue, run_id)

    def _require_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None or not self._ready.is_set() or self._failure is not None:
            raise StorageError("the local run executor is not running")
        return self._loop

    async def _serve(self, resume: bool) -> None:
        self._loop = asyncio.get_running_loop()
        self._closing = asyncio.Event()
        self._gate = asyncio.Semaphore(self._parallel)
        try:
            async with wiring.local_engine(
                self._conninfo, concurrency=HTTP_CONNECTIONS, code_runner=self._code_runner
            ) as engine:
                self._engine = engine
                left = await unfinished_runs(self._conninfo) if resume else []
                self._ready.set()
                for run_id in left:
                    owners = await engine.store.lease_owners(run_id)
                    if any(not is_dead_local_owner(o) for o in owners):
                        continue  # another live process (e.g. `assay run`) is executing it
                    log.info("resuming run", extra={"run_id": str(run_id)})
                    self._enqueue(run_id)
                await self._closing.wait()
                await self._interrupt_all()
        except Exception as exc:
            self._failure = exc
            log.exception("local run executor failed")
        finally:
            self._ready.set()

    def _enqueue(self, run_id: uuid.UUID) -> None:
        if run_id in self._tasks or (self._closing is not None and self._closing.is_set()):
            return
        task = asyncio.get_running_loop().create_task(self._execute(run_id))
        self._tasks[run_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(run_id, None))

    async def _execute(self, run_id: uuid.UUID) -> None:
        assert self._gate is not None
        async with self._gate:
            store = self._engine.store
            try:
                plan = await store.load_plan(run_id)
                if plan.status not in ("queued", "running"):
                    return
                options = LocalRunOptions(concurrency=plan.concurrency)
                await self._engine.runner.execute(run_id, options)
            except asyncio.CancelledError:
                raise
            except Exception:
                # LocalRunner has already marked the run failed; one run must not stop others.
                log.exception("run failed", extra={"run_id": str(run_id)})

    async def _cancel(self, run_id: uuid.UUID) -> None:
        self._stopped.add(run_id)
        await self._engine.store.cancel(run_id)

    async def _interrupt_all(self) -> None:
        tasks = dict(self._tasks)
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        interrupted = [run_id for run_id in tasks if run_id not in self._stopped]
        requeued = await requeue_interrupted(self._conninfo, interrupted)
        if requeued:
            log.info("runs left resumable", extra={"runs": requeued})
