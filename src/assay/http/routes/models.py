"""Routes under /v1/models: the cached OpenRouter catalog and the offline local models."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from assay.adapters.local_models import LOCAL_MODELS
from assay.adapters.postgres.catalog_repo import CatalogRepo
from assay.domain.errors import ProviderError, StorageError
from assay.http.request import scope_of
from assay.http.schemas.common import DEFAULT_PAGE, MAX_PAGE, decode_cursor, encode_cursor
from assay.http.schemas.models import ModelOut, ModelPage, RefreshOut
from assay.usecases.catalog import refresh_catalog

router = Router()  # type: ignore[no-untyped-call]
TAG = ["models"]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Search = Annotated[str | None, Query(min_length=1, max_length=200)]


class UpstreamUnavailable(StorageError):
    """The model provider could not be asked (answers 503 like any unavailable dependency)."""

    code = "upstream_unavailable"


@router.get("/models", tags=TAG)
def list_models(
    q: Search = None, cursor: str | None = None, limit: Limit = DEFAULT_PAGE
) -> ModelPage:
    """Models a run can name: `local:*`, then the cached OpenRouter catalog with prices."""
    scope = scope_of(router)
    after = decode_cursor(cursor, (str,))
    items = []
    if after is None:
        items = [
            ModelOut(id=f"local:{name}", source="local", name=f"offline {name} model")
            for name in sorted(LOCAL_MODELS)
            if q is None or q.lower() in f"local:{name}"
        ]
    rows = CatalogRepo(scope.conn, scope.workspace_id).list_page(
        q, after[0] if after else None, limit + 1
    )
    nxt = encode_cursor([rows[limit - 1]["model_id"]]) if len(rows) > limit else None
    items += [
        ModelOut(id=f"openrouter:{r['model_id']}", source="openrouter",
                 **{k: r[k] for k in ("name", "context_length", "prompt_price",
                                      "completion_price", "refreshed_at")})
        for r in rows[:limit]
    ]  # fmt: skip
    return ModelPage(items=items, next_cursor=nxt)


@router.post("/models/refresh", tags=TAG)
def refresh_models() -> RefreshOut:
    """Fetch OpenRouter's `/models` now and cache it for this workspace."""
    scope = scope_of(router)
    catalog = getattr(scope.services, "catalog", None)
    if catalog is None:
        raise StorageError("no model catalog is configured on this server")
    try:
        count = refresh_catalog(catalog=catalog, store=CatalogRepo(scope.conn, scope.workspace_id))
    except ProviderError as exc:
        raise UpstreamUnavailable(
            f"cannot refresh the model catalog: {exc.message}", details={"provider": exc.code}
        ) from exc
    return RefreshOut(models=count)
