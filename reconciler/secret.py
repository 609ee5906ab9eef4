"""The token, kept out of every repr, message and log line."""

from __future__ import annotations

import hashlib
import os

from .errors import ConfigError

__all__ = ["Secret", "redact_all", "token_from_env"]

#: every Secret made in this process, so the CLI can redact them from any text it prints
_KNOWN: set[str] = set()


class Secret:
    """A string that never prints itself. `reveal()` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if value:
            _KNOWN.add(value)

    def reveal(self) -> str:
        return self._value

    def fingerprint(self) -> str:
        """A short, one-way digest: safe in lock files and plans to tell tokens apart."""
        return hashlib.sha256(self._value.encode()).hexdigest()[:12]

    def redact(self, text: str) -> str:
        """`text` with every occurrence of the secret replaced (last line of defence)."""
        return text.replace(self._value, "***") if self._value else text

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def token_from_env(env_var: str, environ: dict[str, str] | None = None) -> Secret:
    """The token held by `env_var`; a clear error (naming the variable only) when unset."""
    value = (os.environ if environ is None else environ).get(env_var, "")
    if not value.strip():
        raise ConfigError(
            f"no API token: set the environment variable {env_var} "
            "(named by operation.token_env in the manifest)"
        )
    return Secret(value.strip())


def redact_all(text: str) -> str:
    """`text` with every secret this process has seen replaced by `***`."""
    for value in _KNOWN:
        text = text.replace(value, "***")
    return text
