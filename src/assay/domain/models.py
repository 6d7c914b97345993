"""The typed values that flow through Assay: suites, prompts, providers, completions, results."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

Role = Literal["system", "user", "assistant"]


class Frozen(BaseModel):
    """A value object: immutable, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def canonical_json(value: Any) -> str:
    """The one JSON spelling of a value: keys sorted, compact, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def text_hash(text: str) -> str:
    """sha256 of a text, hex."""
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(value: Any) -> str:
    """Stable sha256 of a JSON-able value (keys sorted, compact)."""
    return text_hash(canonical_json(value))


class ChatMessage(Frozen):
    """One chat message; in a template its content is a template too."""

    role: Role
    content: str


class PromptTemplate(Frozen):
    """A prompt: either plain text (sent as one user message) or a list of chat messages."""

    label: str
    text: str | None = None
    messages: tuple[ChatMessage, ...] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> PromptTemplate:
        if (self.text is None) == (self.messages is None):
            raise ValueError("a prompt has either text or messages, not both or neither")
        return self

    def body(self) -> dict[str, Any]:
        """The stored form: {"text": ...} or {"messages": [...]}."""
        if self.messages is not None:
            return {"messages": [m.model_dump() for m in self.messages]}
        return {"text": self.text}

    def hash(self) -> str:
        return content_hash(self.body())


class AssertionSpec(Frozen):
    """One assertion as promptfoo writes it: `type`, `value`, `threshold`, `weight`, `metric`."""

    type: str
    value: Any = None
    threshold: float | None = None
    weight: float = 1.0
    metric: str | None = None


class TestCase(Frozen):
    """One case: variables plus what a good answer must satisfy."""

    __test__ = False  # not a pytest class

    description: str | None = None
    vars: dict[str, Any] = Field(default_factory=dict)
    assertions: tuple[AssertionSpec, ...] = Field(default=(), alias="assert")
    threshold: float | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        """The JSON form kept in Postgres (and hashed for versions)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


ProviderKind = Literal["openrouter", "openai", "local"]


class ProviderSpec(Frozen):
    """A model to call and how: `openrouter:<model>`, `openai:chat:<model>` or `local:<name>`."""

    id: str
    label: str
    kind: ProviderKind
    model: str
    base_url: str | None = None
    api_key: SecretStr | None = Field(default=None, exclude=True)
    api_key_env: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        """What a run records of this provider: never the key itself."""
        return self.model_dump(mode="json", exclude={"api_key"})

    def cache_identity(self) -> dict[str, Any]:
        """What makes two calls the same call, for the response cache."""
        return {
            "kind": self.kind,
            "model": self.model,
            "base_url": self.base_url,
            "params": self.params,
        }


class EvalSuite(Frozen):
    """A loaded config: prompts × providers × tests (defaultTest already merged into each test)."""

    description: str | None = None
    prompts: tuple[PromptTemplate, ...]
    providers: tuple[ProviderSpec, ...]
    tests: tuple[TestCase, ...]
    source: str | None = None


class Usage(Frozen):
    """Token counts and cost of one call, as the provider reported them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cost: float | None = None


class Completion(Frozen):
    """A model's answer."""

    text: str
    finish_reason: str | None = None
    usage: Usage = Usage()
    latency_ms: float = 0.0
    model: str | None = None
    cached: bool = False


class AssertionResult(Frozen):
    """How one assertion judged one output."""

    type: str
    passed: bool
    score: float
    reason: str = ""
    weight: float = 1.0
    metric: str | None = None


class GradingResult(Frozen):
    """How a case's assertions together judged one output."""

    passed: bool
    score: float
    reason: str = ""
    results: tuple[AssertionResult, ...] = ()


class GradingContext(Frozen):
    """What assertions may look at besides the output."""

    vars: dict[str, Any] = Field(default_factory=dict)
    prompt: str = ""
    latency_ms: float | None = None
    cost: float | None = None
    provider: str | None = None
    description: str | None = None
    allow_code: bool = False


CellState = Literal["pending", "leased", "done", "failed", "cancelled"]
RunStatus = Literal["queued", "running", "completed", "failed", "cancelled"]


class ResultRecord(Frozen):
    """One cell's outcome as exported to files and shown to people."""

    run_id: str
    cell_id: str
    case_index: int
    description: str | None = None
    vars: dict[str, Any] = Field(default_factory=dict)
    prompt_label: str
    provider: str
    repeat: int = 0
    state: CellState = "done"
    output: str | None = None
    error: str | None = None
    passed: bool | None = None
    score: float | None = None
    grading: GradingResult | None = None
    latency_ms: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    cost: float | None = None
    cached: bool = False
    finish_reason: str | None = None


class SummaryRow(Frozen):
    """Aggregates of one prompt × model within a run."""

    prompt_label: str
    provider: str
    cells: int
    passed: int
    failed: int
    errors: int
    pending: int = 0
    pass_rate: float | None = None
    mean_score: float | None = None
    cost: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
