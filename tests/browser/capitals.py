"""The fake models' knowledge in the browser tests: capitals, which claude only partly knows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CAPITALS = {"France": "Paris", "Japan": "Tokyo", "Italy": "Rome", "Chile": "Santiago"}


def answers(claude_knows: set[str]) -> Callable[[dict[str, Any]], str]:
    """gpt-4o-mini always names the capital; claude only for the countries it `knows`."""

    def answer(body: dict[str, Any]) -> str:
        question = str(body["messages"][-1]["content"])
        country = next(c for c in CAPITALS if c in question)
        if "claude" in str(body["model"]) and country not in claude_knows:
            return "The capital is Paris."
        return f"The capital of {country} is {CAPITALS[country]}."

    return answer
