"""One small bad manifest per rule (fixtures/bad/*.yaml), each declaring the errors it
must produce in `# expect: LINE:COL: text` comments (`# expect-also: text` adds another
fragment the same error must contain; `0:0` is an error about the whole file).

The loader must report exactly those errors, at exactly those places, with both YAML
backends — so removing any rule makes its fixture fail."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reconciler.errors import ManifestError
from reconciler.manifest import load

BAD = Path(__file__).parent / "fixtures" / "bad"
_EXPECT = re.compile(r"# expect: (\d+):(\d+): (.+)")
_ALSO = re.compile(r"# expect-also: (.+)")


@dataclass
class Expected:
    line: int
    column: int
    fragments: list[str] = field(default_factory=list)


def expectations(path: Path) -> list[Expected]:
    found: list[Expected] = []
    for text in path.read_text(encoding="utf-8").splitlines():
        if match := _EXPECT.match(text):
            found.append(Expected(int(match[1]), int(match[2]), [match[3]]))
        elif match := _ALSO.match(text):
            found[-1].fragments.append(match[1])
    return found


FIXTURES = sorted(BAD.glob("*.yaml"))


def test_there_is_a_fixture_per_rule() -> None:
    assert len(FIXTURES) >= 40
    assert all(expectations(f) for f in FIXTURES), "every bad fixture declares its errors"


@pytest.mark.parametrize("path", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_bad_manifest_reports_exactly_its_errors(path: Path, backend: str) -> None:
    expected = expectations(path)
    with pytest.raises(ManifestError) as caught:
        load([str(path)], environ={})
    problems = caught.value.problems
    assert len(problems) == len(expected), "\n".join(map(str, problems))
    for want, got in zip(expected, problems, strict=True):
        assert got.location.file == str(path)
        assert (got.location.line, got.location.column) == (want.line, want.column), str(got)
        for fragment in want.fragments:
            assert fragment in got.message, str(got)
        assert str(got).startswith(
            f"{path}:{want.line}:{want.column}: " if want.line else f"{path}: "
        )
