"""`explain_changes`: what moved between two records, one line per field."""

from __future__ import annotations

from reconciler.plan.explain import explain_changes


def test_equal_records_explain_nothing() -> None:
    assert explain_changes({"a": 1, "b": {"c": "x"}}, {"a": 1, "b": {"c": "x"}}) == []


def test_each_changed_added_and_removed_field_gets_one_line() -> None:
    lines = explain_changes(
        {"name": "a", "state": "started", "records": 3, "gone": "x"},
        {"name": "a", "state": "stopped", "records": "3", "new": "y"},
    )
    assert lines == [
        "gone: 'x' → (absent)",
        "new: (absent) → 'y'",
        "records: 3 → '3'",
        "state: 'started' → 'stopped'",
    ]


def test_nested_fields_are_named_by_their_path() -> None:
    lines = explain_changes(
        {"options": {"opt1": "a", "opt2": "b"}}, {"options": {"opt1": "z", "opt2": "b"}}
    )
    assert lines == ["options.opt1: 'a' → 'z'"]


def test_deepdiff_is_not_imported_by_a_plain_cli_start() -> None:
    import subprocess
    import sys

    code = (
        "import sys, reconciler.cli, reconciler.export.campaigns; print('deepdiff' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
