"""One schema, two readers: what `validate` accepts, the published schema accepts in a
YAML 1.2 reader (check-jsonschema, as editors read it), and what `validate` refuses it
refuses too, except where the difference is only how a value was written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.manifest import load

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schemas" / "campaigns.schema.json"
FIXTURES = Path(__file__).parent / "fixtures"
GOOD = sorted((FIXTURES / "good").glob("*.yaml"))
BAD = sorted((FIXTURES / "bad").glob("*.yaml"))

#: bad fixtures the schema accepts, each for a reason a JSON Schema cannot express
SCHEMA_CANNOT_SEE = {
    # rules across fields, campaigns or files
    "duplicate_id.yaml": "ids unique across campaigns",
    "duplicate_name.yaml": "names unique across campaigns",
    "duplicate_name_alias.yaml": "names unique across campaigns",
    "end_before_start.yaml": "end after start",
    "end_equals_start.yaml": "end after start",
    "start_without_end.yaml": "both times or neither",
    "missing_state.yaml": "state here or in defaults",
    "missing_type.yaml": "type here or in defaults",
    "protect_cleared.yaml": "protect with cleared",
    # the environment: ${VAR} is resolved by the loader, not by an editor
    "bad_interpolation.yaml": "${...} syntax",
    "unterminated_interpolation.yaml": "${...} syntax",
    "unset_variable.yaml": "an unset variable",
    "token_interpolation.yaml": "the token's variable",
    # YAML features a YAML 1.2 reader resolves itself
    "merge_key.yaml": "merge keys are YAML 1.1",
    # typing only: a YAML 1.2 reader cannot see how the value was written
    "quoted_boolean.yaml": '"yes" (quoted) and yes read the same in YAML 1.2',
    "bad_skill_id.yaml": "1e3 is the number 1000 in YAML 1.2",
}


def readme_manifests(tmp_path: Path) -> list[Path]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    text = "\n".join(page.read_text() for page in pages)
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    out = []
    for i, block in enumerate(b for b in blocks if "version: 1" in b):
        path = tmp_path / f"readme-{i}.yaml"
        path.write_text(block)
        out.append(path)
    assert out, "the docs show no manifest"
    return out


def check_jsonschema(*files: Path) -> dict[str, list[str]]:
    """file name → the schema's complaints (empty: valid), one check-jsonschema run."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(SCHEMA),
            "-o",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout)
    found: dict[str, list[str]] = {str(f): [] for f in files}
    for error in report.get("errors", []) + report.get("parse_errors", []):
        found[error["filename"]].append(error["message"])
    return found


def test_every_manifest_validate_accepts_the_schema_accepts(tmp_path: Path) -> None:
    files = [ROOT / "examples" / "campaigns.yaml", *GOOD, *readme_manifests(tmp_path)]
    for path in files:
        load([str(path)], environ={})  # validate accepts it
    complaints = {f: c for f, c in check_jsonschema(*files).items() if c}
    assert complaints == {}


def test_every_bad_manifest_the_schema_can_see_it_refuses() -> None:
    # alias bombs are the loader's business (refused in milliseconds): check-jsonschema's
    # reader expands the bomb for minutes and crashes on the recursive one, and cannot read
    # a number of thousands of digits at all
    unreadable = ("recursive_alias.yaml", "alias_bomb.yaml", "huge_integer.yaml")
    bad = [p for p in BAD if p.name not in unreadable]
    found = check_jsonschema(*bad)
    for path in bad:
        with pytest.raises(Exception):  # noqa: B017 - any located ManifestError
            load([str(path)], environ={})
        if path.name in SCHEMA_CANNOT_SEE:
            assert found[str(path)] == [], f"{path.name} is refused now: drop it from the list"
        else:
            assert found[str(path)], f"{path.name}: validate refuses it, the schema accepts it"
