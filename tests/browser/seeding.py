"""A finished run written straight into Postgres with COPY, for the dashboard's tests and bench.

Every cell's output names its place (`case 3 · prompt 0 · model 1 · repeat 7`), so a test can
tell which cell the page shows; a cell passes unless (case + model + repeat) % 3 == 0.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass

import psycopg

MODEL_IDS = ["openai/gpt-4o-mini", "anthropic/claude-3.5-haiku", "google/gemini-flash",
             "meta/llama-3.1-8b", "mistral/mistral-small"]  # fmt: skip


@dataclass(frozen=True)
class Shape:
    cases: int
    prompts: int
    models: int
    repeats: int = 1

    @property
    def cells(self) -> int:
        return self.cases * self.prompts * self.models * self.repeats

    def model_label(self, m: int) -> str:
        base = MODEL_IDS[m % len(MODEL_IDS)]
        return f"openrouter:{base}" if m < len(MODEL_IDS) else f"openrouter:{base}-{m}"


def output_of(c: int, p: int, m: int, r: int) -> str:
    return f"case {c} · prompt {p} · model {m} · repeat {r}"


def passes(c: int, m: int, r: int) -> bool:
    return (c + m + r) % 3 != 0


def seed_run(
    url: str, workspace: str, shape: Shape, *, name: str = "seeded", status: str = "completed"
) -> str:
    """A run of `shape` with a result in every cell, in `status`; returns its id.

    `running` leaves it for the caller to finish as the engine does (which keeps its summary).
    """
    rng = random.Random(7)
    ts, version, run = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    case_ids = [uuid.uuid4() for _ in range(shape.cases)]
    with psycopg.connect(url) as conn, conn.transaction():
        conn.execute(
            "insert into test_sets (id, workspace_id, name) values (%s, %s, %s)",
            (ts, workspace, f"{name} cases"),
        )
        with conn.cursor().copy(
            "copy test_cases (id, workspace_id, test_set_id, content_hash, body) from stdin"
        ) as copy:
            for i, cid in enumerate(case_ids):
                body = {"vars": {"question": f"question number {i}"},
                        "assert": [{"type": "contains", "value": f"answer {i}"}]}  # fmt: skip
                copy.write_row((cid, workspace, ts, f"h{i}", json.dumps(body)))
        conn.execute(
            "insert into test_set_versions (id, workspace_id, test_set_id, version, content_hash,"
            " case_count) values (%s, %s, %s, 1, 'v1', %s)",
            (version, workspace, ts, shape.cases),
        )
        with conn.cursor().copy(
            "copy test_set_version_cases (test_set_version_id, position, "
            "test_case_id, workspace_id) from stdin"
        ) as copy:
            for i, cid in enumerate(case_ids):
                copy.write_row((version, i, cid, workspace))
        conn.execute(
            "insert into runs (id, workspace_id, name, status, test_set_version_id, spec,"
            " total_cells, started_at, finished_at) values (%s, %s, %s, %s, %s, %s, %s,"
            " now() - interval '10 minutes', case when %s = 'running' then null else now() end)",
            (
                run,
                workspace,
                name,
                status,
                version,
                json.dumps({"repeats": shape.repeats}),
                shape.cells,
                status,
            ),
        )
        for p in range(shape.prompts):
            conn.execute(
                "insert into run_prompts (run_id, position, workspace_id, label, body) "
                "values (%s, %s, %s, %s, %s)",
                (run, p, workspace, f"prompt v{p + 1}", '{"text": "{{question}}"}'),
            )
        for m in range(shape.models):
            label = shape.model_label(m)
            conn.execute(
                "insert into run_providers (run_id, position, workspace_id, label, "
                "provider) values (%s, %s, %s, %s, %s)",
                (run, m, workspace, label, json.dumps({"id": label, "params": {}})),
            )
        cells = [
            (uuid.uuid4(), c, p, m, r)
            for c in range(shape.cases)
            for p in range(shape.prompts)
            for m in range(shape.models)
            for r in range(shape.repeats)
        ]
        with conn.cursor().copy(
            "copy cells (id, workspace_id, run_id, chunk, case_position, "
            "test_case_id, prompt_position, provider_position, repeat, state)"
            " from stdin"
        ) as copy:
            for cid, c, p, m, r in cells:
                copy.write_row((cid, workspace, run, m, c, case_ids[c], p, m, r, "done"))
        with conn.cursor().copy(
            "copy results (cell_id, workspace_id, run_id, output, "
            "finish_reason, prompt_tokens, completion_tokens, total_tokens, "
            "cost, latency_ms, passed, score, grading) from stdin"
        ) as copy:
            for cid, c, p, m, r in cells:
                passed = passes(c, m, r)
                reason = "" if passed else f'Expected output to contain "answer {c}"'
                grading = {"score": float(passed), "passed": passed, "reason": reason, "results": [
                    {"type": "contains", "passed": passed, "score": float(passed),
                     "reason": reason, "weight": 1.0}]}  # fmt: skip
                output = output_of(c, p, m, r) + (": answer " if passed else ": not sure ") + str(c)
                copy.write_row(
                    (cid, workspace, run, output, "stop", 40, 60, 100, 1e-4 * (m + 1),
                     rng.lognormvariate(6, 0.5), passed, float(passed), json.dumps(grading))
                )  # fmt: skip
    return str(run)
