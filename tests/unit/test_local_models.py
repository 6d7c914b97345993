"""The offline `local:*` models."""

from __future__ import annotations

import json

import pytest

from assay.adapters.local_models import LOCAL_MODELS, LocalModels
from assay.domain.errors import PermanentError
from assay.domain.models import ChatMessage, ProviderSpec

MESSAGES = (
    ChatMessage(role="system", content="be brief"),
    ChatMessage(role="user", content="first question"),
    ChatMessage(role="assistant", content="an answer"),
    ChatMessage(role="user", content="Hello wide World"),
)


def local(name: str) -> ProviderSpec:
    return ProviderSpec(id=f"local:{name}", label=name, kind="local", model=name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("echo", "Hello wide World"),
        ("reverse", "dlroW ediw olleH"),
        ("upper", "HELLO WIDE WORLD"),
    ],
)
async def test_each_model_answers_from_the_last_user_message(name: str, expected: str) -> None:
    completion = await LocalModels().complete(local(name), MESSAGES)
    assert completion.text == expected
    assert completion.finish_reason == "stop"
    assert completion.model == f"local:{name}"


async def test_json_model_returns_parseable_json() -> None:
    completion = await LocalModels().complete(local("json"), MESSAGES)
    assert json.loads(completion.text) == {"echo": "Hello wide World"}


async def test_usage_counts_words_and_costs_nothing() -> None:
    completion = await LocalModels().complete(local("echo"), MESSAGES)
    usage = completion.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (9, 3, 12)
    assert usage.cost == 0.0


async def test_prefixed_model_names_are_accepted() -> None:
    completion = await LocalModels().complete(local("local:upper"), MESSAGES)
    assert completion.text == "HELLO WIDE WORLD"


async def test_no_user_message_gives_an_empty_answer() -> None:
    only_system = (ChatMessage(role="system", content="nothing to answer"),)
    completion = await LocalModels().complete(local("echo"), only_system)
    assert completion.text == ""
    assert completion.usage.completion_tokens == 0


async def test_unknown_model_is_a_permanent_error_listing_the_names() -> None:
    with pytest.raises(PermanentError) as info:
        await LocalModels().complete(local("nope"), MESSAGES)
    message = str(info.value)
    assert "'nope'" in message
    for name in LOCAL_MODELS:
        assert f"local:{name}" in message


def test_the_catalogue() -> None:
    assert frozenset({"echo", "reverse", "upper", "json"}) == LOCAL_MODELS


async def test_aclose_is_harmless_and_the_client_still_works() -> None:
    models = LocalModels()
    await models.aclose()
    assert (await models.complete(local("echo"), MESSAGES)).text == "Hello wide World"
