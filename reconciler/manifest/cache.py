"""A content-addressed cache of parsed manifest files, so an unchanged file is not parsed twice.

Key: a digest of the file's bytes, this loader's format, the YAML backend (libyaml and the
pure-Python scanner do not accept quite the same inputs) and the schema's text (the
typing follows the schema). Value: the file's `fast.Parsed`, which is taken *before*
`${VAR}` interpolation, so an entry is right whatever the environment holds.

Entries live in `$XDG_CACHE_HOME/wolkvox-reconciler/manifests/` (default
`~/.cache/wolkvox-reconciler/manifests/`), one file each, written to a temporary name and
renamed into place: a reader sees a whole entry or none, and two writers of one entry
write the same bytes. Each entry carries a digest of its payload; one that is cut short,
altered or of another format is ignored (and overwritten). Any error reading or writing
the cache is ignored too: the cache can make a run faster, never make it fail.
`WOLKVOX_NO_CACHE=1` (or `load(..., cache=False)`) turns it off.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Mapping
from pathlib import Path

from .fast import FORMAT, Parsed

try:  # blake2b without hashlib, which loads OpenSSL first (2 ms of every cold start)
    from _blake2 import blake2b as _hash
except ImportError:  # pragma: no cover - another Python than CPython
    from hashlib import blake2b as _hash


def content_hash(data: bytes) -> str:
    """A strong digest of `data`, as hex (blake2b-256)."""
    return _hash(data, digest_size=32).hexdigest()


__all__ = [
    "DISABLE_ENV",
    "MAX_ENTRIES",
    "cache_dir",
    "enabled",
    "entry_key",
    "load_entry",
    "pack",
    "store_entry",
    "unpack",
]

DISABLE_ENV = "WOLKVOX_NO_CACHE"
_MAGIC = b"WVRC2\n"
#: entries kept: past this many, a write removes the oldest half (an edited file leaves
#: its old entry behind, which nothing will ask for again)
MAX_ENTRIES = 1024
_DIGEST = 32  # bytes of the blake2b digest


def enabled(environ: Mapping[str, str]) -> bool:
    return environ.get(DISABLE_ENV, "") in ("", "0")


def cache_dir(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_CACHE_HOME", "")
    # the XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "wolkvox-reconciler" / "manifests"


def entry_key(content: bytes, backend: str, schema_digest: str) -> str:
    digest = _hash(digest_size=32)
    digest.update(f"{FORMAT}\0{backend}\0{schema_digest}\0".encode())
    digest.update(content)
    return digest.hexdigest()


def load_entry(directory: Path, key: str) -> tuple[list[str], list[str], bytes] | None:
    """The entry's `token_envs`, `variables` and packed `Parsed` (see `unpack`), or None."""
    try:
        blob = (directory / key).read_bytes()
    except OSError:
        return None
    start = len(_MAGIC) + _DIGEST
    if (
        blob[: len(_MAGIC)] != _MAGIC
        or _hash(blob[start:], digest_size=32).digest() != blob[len(_MAGIC) : start]
    ):
        return None
    size = int.from_bytes(blob[start : start + 4], "big")
    try:
        header = marshal.loads(blob[start + 4 : start + 4 + size])
    except (ValueError, EOFError, TypeError):
        return None
    if not (
        isinstance(header, tuple)
        and len(header) == 2
        and all(isinstance(n, list) and all(isinstance(t, str) for t in n) for n in header)
    ):
        return None
    return header[0], header[1], blob[start + 4 + size :]


def pack(parsed: Parsed) -> bytes:
    return marshal.dumps(parsed.to_builtin())


def unpack(packed: bytes) -> Parsed | None:
    """The `Parsed` of `pack`, or None for bytes that are not one."""
    try:
        return Parsed.from_builtin(marshal.loads(packed))
    except (ValueError, EOFError, TypeError):
        return None


def store_entry(directory: Path, key: str, parsed: Parsed) -> bytes:
    """Writes the entry (when it can) and returns `pack(parsed)`."""
    packed = pack(parsed)
    header = marshal.dumps((parsed.token_envs, parsed.variables))
    body = len(header).to_bytes(4, "big") + header + packed
    try:
        directory.mkdir(parents=True, exist_ok=True)
        import tempfile  # only a run that writes an entry needs it

        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC + _hash(body, digest_size=32).digest() + body)
            os.replace(temporary, directory / key)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        global _stored
        _stored += 1
        if (_stored - 1) % _PRUNE_EVERY == 0:  # a scan per entry stored would be quadratic
            _prune(directory)
    except OSError:
        pass  # a read-only home, a full disk: run without the cache
    return packed


#: entries stored by this process; the directory is pruned at the first and every
#: _PRUNE_EVERY-th after (it may hold up to that many more than MAX_ENTRIES meanwhile)
_stored = 0
_PRUNE_EVERY = 256


def _prune(directory: Path) -> None:
    entries = []
    with os.scandir(directory) as scan:
        for entry in scan:
            with contextlib.suppress(OSError):  # removed meanwhile by another run
                entries.append((entry.stat().st_mtime_ns, entry.path))
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort()
    for _, path in entries[: len(entries) - MAX_ENTRIES // 2]:
        with contextlib.suppress(OSError):
            os.unlink(path)
