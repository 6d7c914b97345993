"""The `providers` section: `openrouter:<org/model>`, `openai:chat:<model>`, `local:<name>`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from assay.config.assertions import check_keys
from assay.config.source import Document, PathKey
from assay.domain.models import ProviderKind, ProviderSpec

PROVIDER_KEYS = frozenset({"id", "label", "config"})
CONFIG_KEYS = frozenset(
    {
        "temperature", "max_tokens", "top_p", "seed", "stop", "frequency_penalty",
        "presence_penalty", "response_format", "apiBaseUrl", "apiKey", "apiKeyEnvar",
    }
)  # fmt: skip
SUPPORTED_IDS = "openrouter:<org/model>, openai:chat:<model>, openai:<model>, local:<name>"
OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1"
OPENAI_BASE_URL = "https://api.openai.com/v1"
_NUMBERS = ("temperature", "top_p", "frequency_penalty", "presence_penalty")
_INTEGERS = ("max_tokens", "seed")
_CONNECTION = ("apiBaseUrl", "apiKey", "apiKeyEnvar")


def _kind_and_model(doc: Document, path: PathKey, provider_id: str) -> tuple[ProviderKind, str]:
    prefix, _, rest = provider_id.partition(":")
    if prefix == "openai" and rest.startswith("chat:"):
        rest = rest[len("chat:") :]
    elif prefix == "openai" and rest.split(":", 1)[0] in (
        "completion",
        "embedding",
        "embeddings",
        "responses",
    ):
        raise doc.error(
            path,
            f"provider '{provider_id}': only OpenAI chat models are supported ({SUPPORTED_IDS})",
        )
    if prefix not in ("openrouter", "openai", "local"):
        raise doc.error(path, f"unknown provider '{provider_id}' (supported: {SUPPORTED_IDS})")
    if not rest:
        raise doc.error(
            path, f"provider '{provider_id}' names no model (supported: {SUPPORTED_IDS})"
        )
    kind: ProviderKind = (
        "openrouter" if prefix == "openrouter" else "openai" if prefix == "openai" else "local"
    )
    return kind, rest


def _params(doc: Document, path: PathKey, config: Mapping[str, Any]) -> dict[str, Any]:
    """Model parameters, type-checked; connection settings are handled by the caller."""
    params: dict[str, Any] = {}
    for key, value in config.items():
        at = (*path, key)
        if key in _CONNECTION or value is None:
            continue
        if key in _NUMBERS and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise doc.error(at, f"must be a number, got {value!r}")
        if key in _INTEGERS and (isinstance(value, bool) or not isinstance(value, int)):
            raise doc.error(at, f"must be an integer, got {value!r}")
        if key == "stop" and not (
            isinstance(value, str)
            or (isinstance(value, list) and all(isinstance(s, str) for s in value))
        ):
            raise doc.error(at, "must be a string or a list of strings")
        if key == "response_format" and not isinstance(value, Mapping):
            raise doc.error(at, "must be an object, e.g. {type: json_object}")
        params[key] = value
    return params


def _string(doc: Document, path: PathKey, value: Any) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise doc.error(path, "must be a non-empty string")
    return value


def read_provider(doc: Document, path: PathKey, item: Any, env: Mapping[str, str]) -> ProviderSpec:
    """One provider: an id, `{id, label, config}`, or promptfoo's `{<id>: {label, config}}`."""
    if isinstance(item, Mapping) and len(item) == 1 and "id" not in item:
        ((key, body),) = item.items()
        if isinstance(body, Mapping) and ":" in str(key):
            item = {"id": key, **body}
    if isinstance(item, str):
        item = {"id": item}
    if not isinstance(item, Mapping):
        raise doc.error(path, "a provider must be an id string or an object with 'id'")
    check_keys(doc, path, item, PROVIDER_KEYS)
    provider_id = item.get("id")
    if not isinstance(provider_id, str) or not provider_id:
        raise doc.error((*path, "id"), "a provider needs an 'id' string")
    kind, model = _kind_and_model(doc, (*path, "id"), provider_id)
    config = item.get("config") or {}
    if not isinstance(config, Mapping):
        raise doc.error((*path, "config"), "'config' must be a mapping")
    check_keys(doc, (*path, "config"), config, CONFIG_KEYS)
    cpath = (*path, "config")
    base_url = _string(doc, (*cpath, "apiBaseUrl"), config.get("apiBaseUrl"))
    api_key = _string(doc, (*cpath, "apiKey"), config.get("apiKey"))
    key_env = _string(doc, (*cpath, "apiKeyEnvar"), config.get("apiKeyEnvar"))
    if kind == "local" and (base_url or api_key or key_env):
        raise doc.error(cpath, "local models take no apiBaseUrl, apiKey or apiKeyEnvar")
    if kind == "openrouter":
        base_url = base_url or env.get("OPENROUTER_BASE_URL") or OPENROUTER_BASE_URL
        key_env = key_env or "OPENROUTER_API_KEY"
    elif kind == "openai":
        base_url = base_url or env.get("OPENAI_BASE_URL") or OPENAI_BASE_URL
        key_env = key_env or "OPENAI_API_KEY"
    label = _string(doc, (*path, "label"), item.get("label")) or provider_id
    return ProviderSpec(
        id=provider_id,
        label=label,
        kind=kind,
        model=model,
        base_url=base_url,
        api_key=SecretStr(api_key) if api_key else None,
        api_key_env=None if api_key else key_env,
        params=_params(doc, cpath, config),
    )


def read_providers(doc: Document, value: Any, env: Mapping[str, str]) -> tuple[ProviderSpec, ...]:
    """The `providers` section, in order; labels must be unique."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise doc.error(("providers",), "'providers' must list at least one provider")
    specs = tuple(read_provider(doc, ("providers", i), item, env) for i, item in enumerate(value))
    labels = [s.label for s in specs]
    for i, label in enumerate(labels):
        if labels.index(label) != i:
            raise doc.error(
                ("providers", i),
                f"duplicate provider label '{label}'; give each a distinct 'label'",
            )
    return specs
