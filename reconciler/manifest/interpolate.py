"""`${VAR}` and `${VAR:-default}` in manifest string values, shell-style.

- `${VAR}`: the variable's value (set-but-empty gives ""); unset is an error.
- `${VAR:-default}`: the default when VAR is unset *or empty* (as in the shell).
  The default is literal text up to the first `}`: no nesting.
- `$${` writes a literal `${`; a `$` not followed by `{` is just a dollar sign.

Interpolation is opt-in, as Terraform reads only `TF_VAR_*`: a manifest sees only the
variables named `WOLKVOX_VAR_*` and those listed in `operation.variables`
(`ManifestEnviron`); any other `${NAME}` is an error, default or not, so that no
variable of the CI's environment (a forge token, a cloud key) can reach a plan, a pull
request comment or the vendor. The token's variable and the state backend's URL are never
interpolated, even when listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

__all__ = ["PREFIX", "InterpolationError", "ManifestEnviron", "interpolate"]

#: variables with this prefix are always visible to manifests
PREFIX = "WOLKVOX_VAR_"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class InterpolationError(ValueError):
    """What is wrong with one `${...}`; the caller adds the location."""


class ManifestEnviron(Mapping[str, str]):
    """The environment as manifests see it: `WOLKVOX_VAR_*` and the `allowed` names. Looking
    up any other name raises InterpolationError (a `${NAME:-default}` included)."""

    def __init__(self, environ: Mapping[str, str], allowed: frozenset[str]) -> None:
        self._environ = environ
        self._allowed = allowed

    def _visible(self, name: str) -> bool:
        return name.startswith(PREFIX) or name in self._allowed

    def __getitem__(self, name: str) -> str:
        if not self._visible(name):
            raise KeyError(name)
        return self._environ[name]

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if not self._visible(name):
            raise InterpolationError(
                f"${{{name}}} is not a variable the manifests may read: name it "
                f"{PREFIX}{name}, or list {name} in operation.variables"
            )
        return self._environ.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._environ if self._visible(name))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def interpolate(
    text: str, environ: Mapping[str, str], *, forbidden: frozenset[str] = frozenset()
) -> str:
    """`text` with its variables replaced. A name in `forbidden` (the token's variable)
    is refused before its value is read: the token must never reach a manifest value,
    from where it would be sent to the vendor and printed in plans."""
    if "$" not in text:
        return text
    out: list[str] = []
    i = 0
    while True:
        dollar = text.find("$", i)
        if dollar < 0:
            out.append(text[i:])
            break
        # everything up to this `$` is literal: copied in one piece, not character by character
        out.append(text[i:dollar])
        if text.startswith("$${", dollar):
            out.append("${")
            i = dollar + 3
            continue
        if not text.startswith("${", dollar):
            out.append("$")
            i = dollar + 1
            continue
        i = dollar
        end = text.find("}", i + 2)
        if end < 0:
            raise InterpolationError(f"unterminated {text[i : i + 20]!r}: missing '}}'")
        body = text[i + 2 : end]
        name, has_default, default = body.partition(":-")
        if not _NAME.match(name):
            raise InterpolationError(
                f"bad variable reference '${{{body}}}': expected ${{NAME}} or "
                "${NAME:-default}, NAME made of letters, digits and _"
            )
        if name in forbidden:
            raise InterpolationError(
                f"${{{name}}} holds the API token, which never goes into a manifest value"
            )
        value = environ.get(name)
        if has_default:
            out.append(value if value else default)
        elif value is None:
            raise InterpolationError(
                f"environment variable {name} is not set (write ${{{name}:-default}} "
                "to give a default)"
            )
        else:
            out.append(value)
        i = end + 1
    return "".join(out)
