"""Print a pip constraints file pinning every dependency of pyproject.toml to the oldest
version its range allows (`name>=X` → `name==X`), so CI tests the bottom of each range too.

The linters (ruff, mypy, types-*) are left free: CI runs them from the newest venv only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None  # type: ignore[assignment]

LINTERS = ("ruff", "mypy", "types-")


def requirements(pyproject: Path) -> list[str]:
    text = pyproject.read_text(encoding="utf-8")
    if tomllib is not None:
        project = tomllib.loads(text)["project"]
        found = list(project.get("dependencies", []))
        for extra in project.get("optional-dependencies", {}).values():
            found += extra
        return found
    return re.findall(r'^\s*"([A-Za-z0-9_.\-\[\]]+\s*[<>=!~][^"]*)",?\s*$', text, re.M)


def main() -> int:
    pyproject = Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml")
    for requirement in requirements(pyproject):
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)", requirement)
        if match and not match.group(1).lower().startswith(LINTERS):
            print(f"{match.group(1)}=={match.group(2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
