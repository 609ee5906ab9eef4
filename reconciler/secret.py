"""The token, kept out of every repr, message and log line.

Redaction matches a secret however text on its way out may have written it: whole, or any
run of 8 or more of its characters (a prefix, a suffix, the pieces between HTML tags); in
base64, standard or URL-safe, inside longer base64 text too; and character by character:
raw; percent-encoded (either hex case, `+` for a space, encoded again); escaped for JSON or
a Python repr (`\\"`, `\\\\`, `\\'`, `\\uXXXX`, `\\t`, nested escapes); or as an HTML
character reference. So a JSON journal line, a repr in a traceback or a `Location` header
cannot carry a secret past it. Callers redact *before* they cut or escape text: a cut
shorter than 8 characters can no longer be recognized.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from .errors import ConfigError

__all__ = ["Secret", "redact_all", "token_from_env"]

#: every Secret made in this process, so the CLI can redact them from any text it prints
_KNOWN: set[str] = set()

#: what replaces a secret
MASK = "***"

#: characters that introduce an encoded form; text without any holds secrets only raw
_ENCODED = re.compile(r"[%\\&+]")


class Secret:
    """A string that never prints itself. `reveal()` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str, *, everywhere: bool = True) -> None:
        """`everywhere`: redact it from all text this process prints (a token). A value
        whose every 8-character run must not vanish from output (a connection string
        holds `postgres` and the host) passes False, and has its secret parts made
        Secrets of their own."""
        self._value = value
        if value and everywhere:
            _KNOWN.add(value)

    def reveal(self) -> str:
        return self._value

    def fingerprint(self) -> str:
        """A short, one-way digest: safe in lock files and plans to tell tokens apart."""
        import hashlib  # here, not at the top: a cold `validate` never needs it

        return hashlib.sha256(self._value.encode()).hexdigest()[:12]

    def redact(self, text: str) -> str:
        """`text` with every occurrence of the secret, raw or encoded, replaced."""
        return _redact(self._value, text) if self._value else text

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
    """`text` with every secret this process has seen, raw or encoded, replaced by `***`."""
    # longest first: a secret that contains another is masked whole
    for value in sorted(_KNOWN, key=len, reverse=True):
        text = _redact(value, text)
    return text


def _redact(value: str, text: str) -> str:
    text = text.replace(value, MASK)
    if _ENCODED.search(text) is not None:
        text = _pattern(value).sub(MASK, text)
    # what a server can echo besides the secret itself: its base64 (inside any longer
    # base64 text too), and any run of RUN or more of its characters (a prefix, a suffix,
    # the pieces left between HTML tags)
    for piece in _pieces(value):
        if piece in text:
            text = text.replace(piece, MASK)
    return text


#: the shortest run of a secret's characters that is masked on its own
RUN = 8


@lru_cache(maxsize=256)
def _pieces(value: str) -> tuple[str, ...]:
    """The secret's base64 cores and its RUN-character windows, longest first."""
    import base64

    raw = value.encode("utf-8", "surrogatepass")
    cores = set()
    for offset in range(3):  # where the secret starts in the encoded data, modulo 3
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * offset + raw).decode("ascii").rstrip("=")
            # the first group mixes in what came before, the last what comes after
            core = text[4 if offset else 0 : len(text) - 4]
            if len(core) >= RUN:
                cores.add(core)
    windows = {value[i : i + RUN] for i in range(len(value) - RUN + 1)}
    return tuple(sorted(cores | windows, key=len, reverse=True))


@lru_cache(maxsize=256)
def _pattern(value: str) -> re.Pattern[str]:
    return re.compile("".join(_any_form(char) for char in value))


def _any_form(char: str) -> str:
    """A regex for one character of a secret in any of the forms in the module docstring."""
    code = ord(char)
    import html

    forms = {re.escape(char), re.escape(html.escape(char)), rf"&#0*{code};"}
    forms.add(rf"&#(?i:x0*{code:x});")
    # percent-encoding of its UTF-8 bytes, in either case, possibly encoded again (%2541)
    forms.add("".join(f"%(?:25)*(?i:{byte:02x})" for byte in char.encode("utf-8")))
    if char == " ":
        forms.add(r"\+")
    if char == "'":
        forms.add("&apos;")
    # JSON and repr escapes, behind one or more backslashes (an escape of an escape)
    if char in "\"'\\/":
        forms.add(r"\\+" + re.escape(char))
    short = {"\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t"}.get(char)
    if short:
        forms.add(r"\\+" + short)
    if code <= 0xFF:
        forms.add(rf"\\+(?i:x{code:02x})")
    if code <= 0xFFFF:
        forms.add(rf"\\+(?i:u{code:04x})")
    else:  # JSON writes it as a surrogate pair, a repr as \U0001f600
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.add(rf"\\+(?i:u{high:04x})\\+(?i:u{low:04x})")
        forms.add(rf"\\+(?i:U{code:08x})")
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"
