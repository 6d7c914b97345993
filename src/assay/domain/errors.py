"""The one error tree of Assay.

AssayError
├── ConfigError            a config file, CSV or JSONL import is malformed (names file, line, field)
├── TemplateError          a prompt template does not parse or render (names the variable and case)
├── AssertionConfigError   an assertion is unknown or its value is malformed
├── NotFound               a thing the caller named does not exist (or is not theirs)
├── Conflict               the change clashes with stored state
├── InvalidInput           a request or argument is malformed
├── Forbidden              the caller may not do this
├── StorageError           the database failed or is unreachable
└── ProviderError          a model call failed
    ├── RateLimited        429: retry after `retry_after` seconds
    ├── TransientError     408, 5xx, network trouble, an error inside a 200: worth retrying
    └── PermanentError     400, 401, 402, 403 and the like: retrying will not help
"""

from __future__ import annotations

from typing import Any


class AssayError(Exception):
    """Base of every error Assay raises on purpose."""

    code = "assay_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ConfigError(AssayError):
    """A config file or import is malformed."""

    code = "config_error"


class TemplateError(AssayError):
    """A prompt template does not parse or render."""

    code = "template_error"


class AssertionConfigError(ConfigError):
    """An assertion is unknown or its value is malformed."""

    code = "assertion_config_error"


class NotFound(AssayError):
    """A named thing does not exist or belongs to someone else."""

    code = "not_found"


class Conflict(AssayError):
    """The change clashes with stored state."""

    code = "conflict"


class InvalidInput(AssayError):
    """A request or argument is malformed."""

    code = "invalid_input"


class OpenRouterKeyMissing(InvalidInput):
    """A run names `openrouter:` models, but this deployment has no OpenRouter key."""

    code = "openrouter_key_missing"


class Forbidden(AssayError):
    """The caller may not do this."""

    code = "forbidden"


class StorageError(AssayError):
    """The database failed or is unreachable."""

    code = "storage_error"


class ProviderError(AssayError):
    """A model call failed."""

    code = "provider_error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        provider_code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.status = status
        self.provider_code = provider_code


class RateLimited(ProviderError):
    """The provider answered 429; `retry_after` is in seconds, when it said."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class TransientError(ProviderError):
    """A failure that a later attempt may not meet."""

    code = "provider_transient"


class PermanentError(ProviderError):
    """A failure that retrying will not mend."""

    code = "provider_permanent"
