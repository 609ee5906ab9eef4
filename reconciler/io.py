"""New files, all or nothing: `export`, `show --split` and `init` write only files that do not
exist yet, and each appears whole (never half a manifest a later plan would act on)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from .errors import ReconcilerError

__all__ = ["FileExistsRefusal", "atomic_write", "write_new_directory", "write_new_files"]

#: temporary files of ours end with this; one older than a minute is left by a killed run
TEMP_SUFFIX = ".wolkvox-tmp"
_STALE_AFTER = 60.0


class FileExistsRefusal(ReconcilerError):
    """A file to write exists already, or could not be written; nothing was left behind."""


def write_new_files(directory: Path, files: Mapping[str, str]) -> list[Path]:
    """Write every file (names relative to `directory`, `/` for subdirectories), refusing
    before writing anything if any of them exists; each file appears whole or not at all,
    and a failure halfway removes the ones written. Returns the paths written."""
    targets = [directory / name for name in files]
    existing = [str(t) for t in targets if t.exists() or t.is_symlink()]
    if existing:
        raise FileExistsRefusal(
            f"refusing to overwrite {', '.join(existing[:5])}"
            + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
            + ": move it away or choose another place"
        )
    written: list[Path] = []
    try:
        for name, target in zip(files, targets, strict=False):
            _write_new(target, files[name])
            written.append(target)
    except BaseException:
        for path in written:  # all or nothing: half an export would plan stops or creates
            path.unlink(missing_ok=True)
        raise
    return written


def _write_new(target: Path, text: str) -> None:
    """`text` into a new file `target`: a temporary file first, then a hard link, which
    fails rather than replace a file that appeared meanwhile."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise FileExistsRefusal(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, target)
    except FileExistsError:
        raise FileExistsRefusal(f"refusing to overwrite {target}: it appeared meanwhile") from None
    except OSError as exc:
        raise FileExistsRefusal(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` all at once: written to a temporary file beside it,
    synced, then renamed over it; the temporary file is removed on any failure (Ctrl-C
    included), and one left behind by a killed run (`kill -9`) is removed by the next
    write to the same directory. OSError when it cannot be written."""
    directory = path.parent if str(path.parent) else Path(".")
    _remove_stale(directory, path.name, Path.unlink)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new_directory(directory: Path, files: Mapping[str, str]) -> list[Path]:
    """Write `files` (flat names) as the whole content of `directory`, all or nothing:
    into a staging directory beside it, then one rename. A directory that exists and holds
    anything is refused (nothing written); on any failure or interruption (Ctrl-C, SIGTERM
    turned into one) the staging directory is removed, and one left by `kill -9` is
    removed by the next write beside it. Returns the paths written."""
    import shutil

    if directory.is_symlink() or (directory.exists() and any(directory.iterdir())):
        raise FileExistsRefusal(
            f"refusing to write into {directory}: it exists and is not empty "
            "(move it away or choose another place)"
        )
    parent = directory.parent if str(directory.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(parent, directory.name, shutil.rmtree)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=TEMP_SUFFIX, dir=parent))
    try:
        for name, text in files.items():
            if "/" in name or name.startswith("."):
                raise FileExistsRefusal(f"not a plain file name: {name!r}")
            with open(staging / name, "w", encoding="utf-8") as handle:
                handle.write(text)
        os.chmod(staging, 0o777 & ~_umask())
        if directory.exists():
            directory.rmdir()  # empty, checked above: the rename takes its place
        os.rename(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [directory / name for name in files]


def _remove_stale(directory: Path, name: str, remove: Callable[[Path], object]) -> None:
    """Remove what a killed run left of our temporary copies of `name` in `directory`
    (older than a minute: a younger one may be another run's, still being written)."""
    import time

    for stale in directory.glob(f".{name}.*{TEMP_SUFFIX}"):
        try:
            if time.time() - stale.stat().st_mtime > _STALE_AFTER:
                remove(stale)
        except OSError:  # another run's, just removed or in use: not ours to insist
            pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
