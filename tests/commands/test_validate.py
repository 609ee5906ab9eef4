"""`validate` and `schema`, as a user runs them: the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.cli import main
from reconciler.manifest import schema_text
from tests.helpers import run_cli

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "campaigns.yaml"


def test_the_example_is_valid() -> None:
    result = run_cli("validate", str(EXAMPLE))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "OK: 1 file, 8 campaigns (4 started, 2 stopped, 2 cleared)\n"


def test_a_directory_and_files_together(tmp_path: Path) -> None:
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "one.yml").write_text(
        "version: 1\ncampaigns:\n  - {name: solo, type: preview, state: stopped}\n"
    )
    result = run_cli("validate", str(EXAMPLE), str(tmp_path / "ops"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "OK: 2 files, 9 campaigns (4 started, 3 stopped, 2 cleared)\n"


def test_every_error_is_printed_located_and_the_exit_code_is_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\ncampaigns:\n  - name: a\n    type: preview\n    state: paused\n"
        "    colour: red\n  - name: a\n    type: preview\n    state: started\n"
    )
    result = run_cli("validate", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{bad}:5:12: campaigns[0].state: 'paused' is not one of: started, stopped, cleared, "
        "absent",
        f"{bad}:6:5: unknown key 'colour' in campaigns[0]; allowed: name, type, state, "
        "description, skill_id, start_time, end_time, options, enable_edition, protect, speed, "
        "turbo_dial, amd, routing_recall, dial_order, id",
        f"{bad}:7:5: campaign 'a' is declared twice: here and at {bad}:3:5",
        "3 errors found.",
    ]


def _latin1(path: Path) -> None:
    path.write_bytes("version: 1\n# año\n".encode("latin-1"))


@pytest.mark.parametrize(
    ("setup", "arg", "message"),
    [
        (lambda p: None, "missing.yaml", "missing.yaml: no such file or directory"),
        (lambda p: (p / "d").mkdir(), "d", "d: directory holds no *.yaml or *.yml file"),
        (
            lambda p: (p / "e.yaml").write_text(""),
            "e.yaml",
            "e.yaml: empty manifest: expected a mapping with 'version: 1'",
        ),
        (
            lambda p: _latin1(p / "l.yaml"),
            "l.yaml",
            "l.yaml:2:4: not UTF-8 text (byte 0xf1); save the file as UTF-8",
        ),
        (
            lambda p: (p / "list.yaml").write_text("- version: 1\n"),
            "list.yaml",
            "list.yaml:1:1: the top level must be a mapping "
            "(version, operation, defaults, campaigns), not a list",
        ),
    ],
    ids=["missing-file", "empty-directory", "empty-file", "not-utf8", "top-level-list"],
)
def test_bad_inputs_are_one_line_errors(tmp_path: Path, setup: Any, arg: str, message: str) -> None:
    setup(tmp_path)
    result = run_cli("validate", arg, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [message, "1 error found."]
    assert "Traceback" not in result.stderr


def test_schema_prints_the_manifest_schema() -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    assert result.stdout == schema_text()
    assert json.loads(result.stdout)["title"] == "wolkvox-reconciler campaign manifest"


def test_python_dash_m_runs_validate() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 1 file, 8 campaigns")


def test_validate_needs_a_path() -> None:
    result = run_cli("validate")
    assert result.returncode == 2
    assert "Missing argument 'PATH...'" in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000,
        b"a: &a [" + b"*a, " * 10 + b"]",
        bytes(range(256)),
        b"version: 1\ncampaigns: !!binary aGVsbG8=\n",
        b"\xef\xbb\xbf" + b"{" * 70 + b"}" * 70,
    ],
    ids=["deep", "recursive", "all-bytes", "binary-tag", "bom-nesting"],
)
def test_nasty_files_end_in_a_clean_error(tmp_path: Path, content: bytes) -> None:
    file = tmp_path / "nasty.yaml"
    file.write_bytes(content)
    result = run_cli("validate", str(file), timeout=30)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"{file}")
    assert "Traceback" not in result.stderr
    assert "Internal error" not in result.stderr


# -- property: whatever the input, exit 0 or 1 and never a traceback ---------------------


def validate_in_process(content: bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "m.yaml"
        file.write_bytes(content)
        with pytest.raises(SystemExit) as caught:
            main(["validate", str(file)])
            raise SystemExit(0)  # main returns normally on success
    captured = capsys.readouterr()
    code = caught.value.code
    return (code if isinstance(code, int) else 1), captured.out + captured.err


def assert_clean(code: int, output: str) -> None:
    assert code in (0, 1), output
    assert "Traceback" not in output
    assert "Internal error" not in output


# capsys is only read and reset between examples, so sharing it across them is safe
_QUICK: Any = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}

_words = st.sampled_from(
    [
        "version", "operation", "defaults", "campaigns", "name", "type", "state", "server",
        "token_env", "unmanaged", "daily_quota", "description", "skill_id", "start_time",
        "end_time", "options", "opt1", "opt12", "enable_edition", "protect", "id",
        "preview", "predictive", "started", "stopped", "cleared", "warn", "08:00", "18:00",
        "${X}", "${X:-1}", "0100", "no", "1e3",
    ]
)  # fmt: skip
_scalars = st.one_of(
    _words, st.text(max_size=12), st.integers(), st.booleans(), st.none(), st.floats()
)
_nested = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.one_of(_words, st.text(max_size=6)), inner, max_size=5)
    ),
    max_leaves=25,
)
_campaign = st.dictionaries(_words, _nested, max_size=8)
_manifest = st.fixed_dictionaries(
    {"version": st.sampled_from([1, "1", 2])},
    optional={
        "operation": st.dictionaries(_words, _nested, max_size=4),
        "defaults": _campaign,
        "campaigns": st.lists(_campaign, max_size=4),
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_any_text_gives_0_or_1(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert_clean(*validate_in_process(text.encode("utf-8", "surrogatepass"), capsys))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=200))
def test_any_bytes_give_0_or_1(content: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    assert_clean(*validate_in_process(content, capsys))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=st.one_of(_nested, _manifest))
def test_any_nested_yaml_gives_0_or_1(document: Any, capsys: pytest.CaptureFixture[str]) -> None:
    for style in (False, True):
        text = yaml.safe_dump(document, default_flow_style=style, allow_unicode=True)
        assert_clean(*validate_in_process(text.encode("utf-8", "surrogatepass"), capsys))


@pytest.mark.parametrize(
    "document",
    [
        {"version": 1, "campaigns": [{"name": "a", "type": "preview", "state": "started"}]},
        {"version": 1, "campaigns": [{"name": None, "options": [1, 2]}], "defaults": []},
        [{"version": 1}],
    ],
)
def test_nested_yaml_through_the_console_script(tmp_path: Path, document: Any) -> None:
    file = tmp_path / "m.yaml"
    file.write_text(yaml.safe_dump(document))
    result = run_cli("validate", str(file))
    assert_clean(result.returncode, result.stdout + result.stderr)


def test_an_unreadable_path_is_a_located_error_not_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "locked.yaml"
    file.write_text("version: 1\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # chmod 000 does not stop root (CI containers): both checks see a refusal instead
    monkeypatch.setattr("os.access", lambda *args, **kwargs: False)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(SystemExit) as caught:
        main(["validate", str(file)])
    assert caught.value.code == 1
    assert capsys.readouterr().err == f"{file}: cannot read: Permission denied\n1 error found.\n"
