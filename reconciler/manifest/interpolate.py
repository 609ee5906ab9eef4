"""`${VAR}` and `${VAR:-default}` in manifest string values, shell-style.

- `${VAR}`: the variable's value (set-but-empty gives ""); unset is an error.
- `${VAR:-default}`: the default when VAR is unset *or empty* (as in the shell).
  The default is literal text up to the first `}`: no nesting.
- `$${` writes a literal `${`; a `$` not followed by `{` is just a dollar sign.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["InterpolationError", "interpolate"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class InterpolationError(ValueError):
    """What is wrong with one `${...}`; the caller adds the location."""


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
