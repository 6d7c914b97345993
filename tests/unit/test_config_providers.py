"""The `providers` section: ids, labels, config parameters, keys and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.config import load_suite
from assay.domain.errors import ConfigError
from assay.domain.models import ProviderSpec

HEAD = "prompts: ['Hi {{ text }}']\ntests:\n  - vars: {text: hi}\n"


def providers(
    tmp_path: Path, providers_yaml: str, env: dict[str, str] | None = None
) -> tuple[ProviderSpec, ...]:
    config = tmp_path / "promptfooconfig.yaml"
    config.write_text(HEAD + providers_yaml)
    return load_suite(config, env=env or {}).providers


def test_openrouter_defaults(tmp_path: Path) -> None:
    (spec,) = providers(tmp_path, "providers: openrouter:anthropic/claude-3.5-haiku\n")
    assert spec == ProviderSpec(
        id="openrouter:anthropic/claude-3.5-haiku",
        label="openrouter:anthropic/claude-3.5-haiku",
        kind="openrouter",
        model="anthropic/claude-3.5-haiku",
        base_url="https://openrouter.ai/api/v1",
        api_key_env="OPENROUTER_API_KEY",
    )


def test_openrouter_base_url_from_env(tmp_path: Path) -> None:
    (spec,) = providers(
        tmp_path, "providers: [openrouter:x/y]\n", {"OPENROUTER_BASE_URL": "http://127.0.0.1:9/v1"}
    )
    assert spec.base_url == "http://127.0.0.1:9/v1"


@pytest.mark.parametrize("provider_id", ["openai:chat:gpt-4o-mini", "openai:gpt-4o-mini"])
def test_openai_chat_ids(tmp_path: Path, provider_id: str) -> None:
    (spec,) = providers(tmp_path, f"providers: ['{provider_id}']\n")
    assert (spec.kind, spec.model, spec.label) == ("openai", "gpt-4o-mini", provider_id)
    assert spec.base_url == "https://api.openai.com/v1"
    assert spec.api_key_env == "OPENAI_API_KEY" and spec.api_key is None


def test_openai_base_url_from_env_and_config(tmp_path: Path) -> None:
    yaml = (
        "providers:\n"
        "  - openai:chat:a\n"
        "  - id: openai:chat:b\n"
        "    config: {apiBaseUrl: 'http://127.0.0.1:8000/v1', apiKeyEnvar: MY_KEY}\n"
    )
    env_spec, config_spec = providers(tmp_path, yaml, {"OPENAI_BASE_URL": "http://127.0.0.1:7/v1"})
    assert env_spec.base_url == "http://127.0.0.1:7/v1"
    assert config_spec.base_url == "http://127.0.0.1:8000/v1"
    assert config_spec.api_key_env == "MY_KEY"


def test_inline_api_key_is_secret_and_not_stored(tmp_path: Path) -> None:
    (spec,) = providers(
        tmp_path, "providers:\n  - id: openai:chat:m\n    config: {apiKey: sk-test-123}\n"
    )
    assert spec.api_key is not None and spec.api_key.get_secret_value() == "sk-test-123"
    assert spec.api_key_env is None
    assert "sk-test-123" not in repr(spec) and "sk-test-123" not in str(spec.stored())


def test_object_with_label_and_params(tmp_path: Path) -> None:
    yaml = (
        "providers:\n"
        "  - id: openrouter:org/model\n"
        "    label: cheap\n"
        "    config:\n"
        "      temperature: 0.2\n"
        "      max_tokens: 64\n"
        "      top_p: 1\n"
        "      seed: 7\n"
        '      stop: ["\\n\\n"]\n'
        "      frequency_penalty: 0\n"
        "      presence_penalty: 0.5\n"
        "      response_format: {type: json_object}\n"
    )
    (spec,) = providers(tmp_path, yaml)
    assert spec.label == "cheap"
    assert spec.params == {
        "temperature": 0.2,
        "max_tokens": 64,
        "top_p": 1,
        "seed": 7,
        "stop": ["\n\n"],
        "frequency_penalty": 0,
        "presence_penalty": 0.5,
        "response_format": {"type": "json_object"},
    }


def test_promptfoo_single_key_mapping_form(tmp_path: Path) -> None:
    (spec,) = providers(
        tmp_path,
        "providers:\n  - openai:chat:m:\n      label: mapped\n      config: {temperature: 0}\n",
    )
    assert (spec.id, spec.label, spec.params) == ("openai:chat:m", "mapped", {"temperature": 0})


def test_local_provider(tmp_path: Path) -> None:
    echo, reverse = providers(
        tmp_path, "providers: [local:echo, {id: local:reverse, label: rev}]\n"
    )
    assert (echo.kind, echo.model, echo.base_url, echo.api_key_env) == ("local", "echo", None, None)
    assert (reverse.model, reverse.label) == ("reverse", "rev")


@pytest.mark.parametrize(
    ("providers_yaml", "pattern"),
    [
        (
            "providers: [anthropic:claude]\n",
            r"providers\[0\]\.id: unknown provider 'anthropic:claude' \(supported: openrouter",
        ),
        ("providers: [openai:embedding:x]\n", r"only OpenAI chat models"),
        ("providers: ['openrouter:']\n", r"names no model"),
        ("providers: []\n", r"at least one provider"),
        (
            "providers:\n  - id: local:echo\n    delay: 5\n",
            r":6: providers\[0\]: unknown field 'delay'",
        ),
        (
            "providers:\n  - id: local:echo\n    config: {temprature: 1}\n",
            r"providers\[0\]\.config: unknown field 'temprature'",
        ),
        (
            "providers:\n  - id: openai:m\n    config: {temperature: hot}\n",
            r"config\.temperature: must be a number",
        ),
        (
            "providers:\n  - id: openai:m\n    config: {max_tokens: 1.5}\n",
            r"config\.max_tokens: must be an integer",
        ),
        (
            "providers:\n  - id: openai:m\n    config: {stop: [1]}\n",
            r"config\.stop: must be a string or a list",
        ),
        ("providers:\n  - id: local:echo\n    config: {apiKey: k}\n", r"local models take no"),
        ("providers: [local:a, local:a]\n", r"providers\[1\]: duplicate provider label 'local:a'"),
    ],
)
def test_bad_providers_are_reported(tmp_path: Path, providers_yaml: str, pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern):
        providers(tmp_path, providers_yaml)


def test_bad_api_key_value_is_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        providers(
            tmp_path, "providers:\n  - id: openai:m\n    config: {apiKey: [sk-secret-value]}\n"
        )
    assert "sk-secret-value" not in info.value.message
