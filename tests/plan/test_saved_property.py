"""Whatever a file holds, the saved-plan reader returns a plan document or raises
PlanError, one clear line: never a ValueError, a RecursionError or a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.errors import PlanError
from reconciler.plan.saved import read_document, saved_from_document

KEYS = ["format_version", "operation", "paths", "manifests", "actions", "warnings", "errors",
        "summary", "api_calls", "live", "fingerprints", "signature", "partial",
        "targets"]  # fmt: skip
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=6), st.just(2)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=8)
    ),
    max_leaves=25,
)  # fmt: skip


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=st.dictionaries(st.sampled_from(KEYS), JSONISH, max_size=10))
def test_any_document_is_a_plan_or_a_plan_error(tmp_path: Path, document: dict[str, Any]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    try:
        saved_from_document(read_document(path), str(path))
    except PlanError as exc:
        assert "\n" not in str(exc).strip() or str(path) in str(exc)


@pytest.mark.parametrize(
    "text",
    [
        '{"format_version": ' + "9" * 4400 + "}",
        '{"format_version": 2, "api_calls": ' + "9" * 4400 + "}",
        "[" * 100_000,
        '{"format_version": 2, "x": "\\ud800"}',
        "\xff\xfe",
    ],
    ids=["huge-version", "huge-count", "nested", "lone-surrogate", "not-utf8"],
)
def test_odd_files_are_a_plan_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape") if text != "\xff\xfe" else b"\xff\xfe")
    with pytest.raises(PlanError):
        saved_from_document(read_document(path), str(path))
