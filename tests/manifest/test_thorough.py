"""The thorough path: located problems for what the fast path cannot vouch for."""

from __future__ import annotations

from reconciler.errors import Problem
from reconciler.manifest.thorough import decode, foreign, parse, token_envs, variables


def test_bytes_that_are_not_utf8_are_located_to_the_byte() -> None:
    problems: list[Problem] = []
    assert decode("m.yaml", "version: 1\n".encode("utf-8-sig"), problems) == "version: 1\n"
    assert decode("m.yaml", b"version: 1\nname: \xff\n", problems) is None
    (problem,) = problems
    assert str(problem) == "m.yaml:2:7: not UTF-8 text (byte 0xff); save the file as UTF-8"


def test_another_kind_of_yaml_is_recognised_a_manifest_with_typos_is_not() -> None:
    assert foreign(["jobs", "on", "name"])  # a CI workflow
    assert not foreign(["version", "campains"])  # a typo among known keys
    assert not foreign([])


def test_variables_and_token_envs_are_read_as_written() -> None:
    problems: list[Problem] = []
    root = parse(
        "m.yaml",
        "version: 1\noperation:\n  token_env: OPS_TOKEN\n  variables: [WAVE, REGION]\n",
        problems,
    )
    assert root is not None and problems == []
    assert token_envs(root) == ["OPS_TOKEN"]
    assert variables(root) == ["WAVE", "REGION"]
