"""Response-cache keys: the same model, parameters and rendered messages give the same key."""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.models import ChatMessage, ProviderSpec, content_hash


def response_cache_key(provider: ProviderSpec, messages: Sequence[ChatMessage], repeat: int) -> str:
    """Key of one call; repeats past the first get their own entries, so repeats stay distinct."""
    body = {
        "provider": provider.cache_identity(),
        "messages": [[m.role, m.content] for m in messages],
        "repeat": repeat,
    }
    return content_hash(body)
