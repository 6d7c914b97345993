"""Creating a run from stored versions: resolve, plan its cells, store, start after commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assay.adapters.local_models import LOCAL_MODELS
from assay.domain.errors import InvalidInput, NotFound, OpenRouterKeyMissing
from assay.domain.models import AssertionSpec, PromptTemplate, ProviderSpec, TestCase, content_hash
from assay.domain.planning import plan_cells
from assay.usecases.test_sets import check_cases

MAX_RUN_CELLS = 500_000


@dataclass(frozen=True)
class ModelChoice:
    """A model as the request named it."""

    id: str
    label: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunRequest:
    """What a caller asks to run."""

    prompt_version_ids: Sequence[uuid.UUID]
    models: Sequence[ModelChoice]
    test_set_version_id: uuid.UUID | None = None
    test_set_id: uuid.UUID | None = None
    name: str | None = None
    assertions: Sequence[AssertionSpec] = ()
    repeats: int = 1
    concurrency: int = 10
    use_cache: bool = True


def provider_spec(choice: ModelChoice, openrouter_base_url: str) -> ProviderSpec:
    """`openrouter:<model>` or `local:<name>` as a provider; InvalidInput for anything else."""
    kind, _, model = choice.id.partition(":")
    label = choice.label or choice.id
    if kind == "local":
        if model not in LOCAL_MODELS:
            known = ", ".join(f"local:{m}" for m in sorted(LOCAL_MODELS))
            raise InvalidInput(
                f"unknown local model {choice.id!r}; known: {known}", details={"model": choice.id}
            )
        return ProviderSpec(
            id=choice.id, label=label, kind="local", model=model, params=choice.params
        )
    if kind == "openrouter" and model:
        return ProviderSpec(
            id=choice.id,
            label=label,
            kind="openrouter",
            model=model,
            base_url=openrouter_base_url,
            api_key_env="OPENROUTER_API_KEY",
            params=choice.params,
        )
    raise InvalidInput(
        f"model {choice.id!r}: use openrouter:<model> or local:<name>",
        details={"model": choice.id},
    )


def require_openrouter_key(providers: Sequence[ProviderSpec], *, has_key: bool) -> None:
    """Refuse a run whose every `openrouter:` call would fail for want of a key."""
    remote = [p.id for p in providers if p.kind == "openrouter"]
    if remote and not has_key:
        raise OpenRouterKeyMissing(
            "this server has no OpenRouter key, so it cannot call "
            f"{', '.join(remote)}: set OPENROUTER_API_KEY and restart `assay up` "
            "(on AWS, store the key in the OpenRouter API key secret), "
            "or pick only local: models, which need no key",
            details={"models": remote},
        )


def _unique(labels: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise InvalidInput(
                f"two {what} share the label {label!r}; give each a distinct label",
                details={"label": label},
            )
        seen.add(label)


def merged_cases(
    cases: Sequence[dict[str, Any]], defaults: Sequence[AssertionSpec]
) -> list[TestCase]:
    """Each case with the run's default assertions appended."""
    out = []
    for body in cases:
        case = TestCase.model_validate(body)
        out.append(case.model_copy(update={"assertions": (*case.assertions, *defaults)}))
    return out


def launch_run(
    *,
    runs: Any,
    test_sets: Any,
    prompts: Any,
    request: RunRequest,
    user_id: uuid.UUID,
    openrouter_base_url: str,
    has_openrouter_key: bool,
    on_commit: Callable[[Callable[[], None]], None],
    start: Callable[[uuid.UUID], Any],
) -> uuid.UUID:
    """Store the run, its prompts, models and planned cells; start it once committed."""
    check_cases([TestCase.model_validate({"assert": list(request.assertions)})])
    if request.test_set_version_id is not None:
        version = test_sets.get_version(request.test_set_version_id)
    else:
        test_sets.get_set(request.test_set_id)
        version = test_sets.latest_version(request.test_set_id)
        if version is None:
            raise InvalidInput("the test set has no version yet")
    rows = test_sets.version_cases(version["id"])
    if not rows:
        raise InvalidInput("the test set version has no cases", details={"version": version["id"]})
    found = {r["id"]: r for r in prompts.versions_by_ids(request.prompt_version_ids)}
    pinned = []
    for vid in request.prompt_version_ids:
        if vid not in found:
            raise NotFound(
                f"prompt version {vid} not found", details={"prompt_version_id": str(vid)}
            )
        row = found[vid]
        pinned.append(
            (vid, PromptTemplate(label=f"{row['name']} v{row['version']}", **row["body"]))
        )
    providers = [provider_spec(m, openrouter_base_url) for m in request.models]
    require_openrouter_key(providers, has_key=has_openrouter_key)
    _unique([t.label for _, t in pinned], "prompt versions")
    _unique([p.label for p in providers], "models")
    total = len(rows) * len(pinned) * len(providers) * request.repeats
    if total > MAX_RUN_CELLS:
        raise InvalidInput(
            f"the run would have {total} cells; the limit is {MAX_RUN_CELLS}",
            details={"cells": total, "limit": MAX_RUN_CELLS},
        )
    case_ids = [r["id"] for r in rows]
    if request.assertions:
        # Merged cases are content-addressed like any other, outside every version.
        cases = merged_cases([r["body"] for r in rows], request.assertions)
        bodies = [c.stored() for c in cases]
        hashes = [content_hash(b) for b in bodies]
        ids = test_sets.store_cases(version["test_set_id"], bodies, hashes)
        case_ids = [ids[h] for h in hashes]
    run_id = uuid.uuid4()
    spec = {
        "repeats": request.repeats,
        "concurrency": request.concurrency,
        "use_cache": request.use_cache,
        "assertions": [a.model_dump(mode="json") for a in request.assertions],
        "test_set_id": str(version["test_set_id"]),
        "source": "api",
    }
    runs.insert_run(
        run_id=run_id,
        name=request.name or f"run of version {version['version']}",
        version_id=version["id"],
        spec=spec,
        total_cells=total,
        created_by=user_id,
    )
    runs.insert_prompts(run_id, pinned)
    runs.insert_providers(run_id, providers)
    cells = list(
        plan_cells(
            run_id,
            cases=len(rows),
            prompts=len(pinned),
            providers=len(providers),
            repeats=request.repeats,
        )
    )
    runs.insert_cells(run_id, cells, case_ids)
    on_commit(lambda: start(run_id))
    return run_id
