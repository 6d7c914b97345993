"""Whether a deployment has an OpenRouter key, locally and on AWS, without reading the secret."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from assay import aws_wiring
from assay.aws_wiring import AwsSettings
from assay.http import services as http_services
from assay.settings import Settings, load_settings
from cfn_template import load_template

ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:assay/openrouter-api-key-AbCdEf"


@pytest.mark.parametrize(
    ("key", "arn", "configured"),
    [
        (None, None, False),
        ("", "", False),
        ("  ", "  ", False),
        ("sk-or-1", None, True),
        (None, ARN, True),
        ("sk-or-1", ARN, True),
    ],
)
def test_aws_counts_the_key_or_its_secret_arn(
    key: str | None, arn: str | None, configured: bool
) -> None:
    settings = AwsSettings(
        openrouter_api_key=SecretStr(key) if key is not None else None,
        openrouter_api_key_secret_arn=arn,
    )
    assert settings.openrouter_key_configured is configured


@pytest.mark.parametrize(("key", "configured"), [(None, False), (" ", False), ("sk-or-1", True)])
def test_locally_only_the_key_counts(key: str | None, configured: bool) -> None:
    settings = Settings(openrouter_api_key=SecretStr(key) if key is not None else None)
    assert settings.openrouter_key_configured is configured


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A Lambda environment with neither the key nor its ARN, and nothing cached."""
    for name in (
        "OPENROUTER_API_KEY",
        "OPENROUTER_API_KEY_SECRET_ARN",
        "STATE_MACHINE_ARN",
        "SUPABASE_URL",
        "SUPABASE_JWT_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL_SECRET_ARN", ARN.replace("openrouter-api-key", "db"))
    load_settings.cache_clear()
    yield monkeypatch
    load_settings.cache_clear()


def test_the_api_lambda_answers_from_the_arn_without_reading_the_secret(
    lambda_env: pytest.MonkeyPatch,
) -> None:
    def no_reading(arn: str) -> str:
        raise AssertionError(f"the API read the secret {arn}")

    lambda_env.setattr(aws_wiring, "read_secret", no_reading)
    assert http_services.lambda_services().has_openrouter_key is False
    lambda_env.setenv("OPENROUTER_API_KEY_SECRET_ARN", ARN)
    load_settings.cache_clear()
    services = http_services.lambda_services()
    assert services.has_openrouter_key is True
    assert services.settings.openrouter_api_key is None  # the answer came from the ARN alone


def test_the_api_function_gets_the_key_secret_arn_not_the_key() -> None:
    template = load_template()
    variables = template["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["OPENROUTER_API_KEY_SECRET_ARN"] == {"Ref": "OpenRouterKeySecret"}
    assert "OPENROUTER_API_KEY" not in variables
