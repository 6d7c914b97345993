"""The run engine end to end: real Postgres, the fake OpenRouter over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest

from assay.usecases.calling import ModelLane
from assay.usecases.chunks import process_chunk
from assay.usecases.evaluate import Evaluator
from assay.usecases.runs import create_run
from fakes.openrouter import FakeOpenRouter
from integration.engine_support import engine, options, rows, suite


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_OPENROUTER_KEY", "sk-test-key")


async def test_clean_run_stores_one_passing_result_per_cell(database_url: str) -> None:
    with FakeOpenRouter(latency_ms=2, api_key="sk-test-key") as fake:
        s = suite(fake.base_url, cases=12, models=("fake/model", "openai/gpt-4o-mini"))
        async with engine(database_url) as e:
            run_id = await create_run(e.store, s, chunk_size=5)
            final = await e.runner.execute(run_id, options())
        assert (final.total, final.done, final.failed) == (24, 24, 0)
        assert fake.stats.calls == 24
        assert set(fake.stats.calls_by_request.values()) == {1}
    (status,) = rows(database_url, "select status from runs where id = %s", run_id)[0]
    assert status == "completed"
    results = rows(
        database_url,
        "select passed, cost, prompt_tokens, output from results where run_id = %s",
        run_id,
    )
    assert len(results) == 24
    assert all(
        r[0] is True and r[1] > 0 and r[2] > 0 and r[3].startswith("Say word") for r in results
    )


async def test_storms_of_429_5xx_and_errors_in_200_end_with_every_cell_done(
    database_url: str,
) -> None:
    with FakeOpenRouter(
        latency_ms=5,
        fail_rate_429=0.2,
        retry_after_s=0.02,
        fail_rate_5xx=0.2,
        fail_rate_error_in_200=0.1,
        seed=7,
    ) as fake:
        s = suite(fake.base_url, cases=40)
        async with engine(database_url) as e:
            run_id = await create_run(e.store, s, chunk_size=10)
            final = await e.runner.execute(run_id, options(concurrency=16))
        stats = fake.stats
    assert (final.done, final.failed) == (40, 0)
    assert stats.served_429 > 0 and stats.served_5xx > 0 and stats.served_error_in_200 > 0
    assert stats.ok == 40  # every cell paid for exactly one successful answer
    attempts = rows(database_url, "select sum(attempts) from results where run_id = %s", run_id)
    assert attempts[0][0] == stats.calls


async def test_permanent_errors_fail_the_cell_without_retrying(database_url: str) -> None:
    with FakeOpenRouter(status_by_model={"fake/model": 402}) as fake:
        s = suite(fake.base_url, cases=3)
        async with engine(database_url) as e:
            run_id = await create_run(e.store, s)
            final = await e.runner.execute(run_id, options())
        assert fake.stats.calls == 3
    assert (final.done, final.failed) == (0, 3)
    errors = rows(database_url, "select error_code, error from results where run_id = %s", run_id)
    assert {e[0] for e in errors} == {"provider_permanent"}
    assert all(e[1] for e in errors)


async def test_missing_template_variable_fails_the_cell_and_calls_nothing(
    database_url: str,
) -> None:
    with FakeOpenRouter() as fake:
        s = suite(fake.base_url, cases=2, template="Say {{ nothing_here }}")
        async with engine(database_url) as e:
            run_id = await create_run(e.store, s)
            final = await e.runner.execute(run_id, options())
        assert fake.stats.calls == 0
    assert final.failed == 2
    errors = rows(database_url, "select error from results where run_id = %s", run_id)
    assert all("nothing_here" in e[0] for e in errors)


async def test_a_chunk_processed_twice_writes_one_result_and_makes_one_call(
    database_url: str,
) -> None:
    with FakeOpenRouter(latency_ms=20) as fake:
        s = suite(fake.base_url, cases=6)
        async with engine(database_url) as e:
            run_id = await create_run(e.store, s, chunk_size=6)
            plan = await e.store.load_plan(run_id)
            outcomes: list[object] = []

            async def deliver(owner: str) -> None:
                evaluator = Evaluator(plan=plan, llm=e.runner.llm)
                await process_chunk(
                    store=e.store,
                    evaluator=evaluator,
                    lane=ModelLane(concurrency=4),
                    run_id=run_id,
                    chunk=0,
                    owner=owner,
                    lease_s=30,
                    emit=outcomes.append,
                )

            await asyncio.gather(deliver("worker-a"), deliver("worker-b"))  # concurrent duplicate
            await e.store.write_outcomes(run_id, plan.workspace_id, outcomes)  # type: ignore[arg-type]
            await deliver("worker-c")  # a late redelivery after the chunk is done
        assert fake.stats.calls == 6
        assert set(fake.stats.calls_by_request.values()) == {1}
    assert len(outcomes) == 6
    assert rows(database_url, "select count(*) from results where run_id = %s", run_id)[0][0] == 6


async def test_cache_answers_a_second_run_and_no_cache_calls_again(database_url: str) -> None:
    with FakeOpenRouter() as fake:
        s = suite(fake.base_url, cases=5)
        async with engine(database_url) as e:
            first = await create_run(e.store, s)
            await e.runner.execute(first, options())
            second = await create_run(e.store, s)
            await e.runner.execute(second, options())
            assert fake.stats.calls == 5
            third = await create_run(e.store, s, use_cache=False)
            await e.runner.execute(third, options())
        assert fake.stats.calls == 10
    cached = rows(database_url, "select run_id, bool_and(cached) from results group by run_id")
    assert dict(cached) == {first: False, second: True, third: False}


async def test_cancel_mid_run_stops_calling_models_at_once(database_url: str) -> None:
    with FakeOpenRouter(latency_ms=100) as fake:
        s = suite(fake.base_url, cases=60)
        async with engine(database_url) as e:
            run_id = await create_run(e.store, s, chunk_size=10)
            task = asyncio.create_task(e.runner.execute(run_id, options(concurrency=4)))
            for _ in range(200):
                if fake.stats.ok >= 4:
                    break
                await asyncio.sleep(0.02)
            await e.store.cancel(run_id)
            final = await asyncio.wait_for(task, timeout=30)
            calls_at_stop = fake.stats.calls
            await asyncio.sleep(0.3)
            assert fake.stats.calls == calls_at_stop
    assert final.cancelled > 0 and final.done < 60
    assert final.pending == 0 and final.leased == 0
    (status,) = rows(database_url, "select status from runs where id = %s", run_id)[0]
    assert status == "cancelled"
