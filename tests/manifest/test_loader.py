"""The loader: what a valid manifest turns into, and the rules that span files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from reconciler.errors import Location, ManifestError
from reconciler.manifest import load
from reconciler.manifest.desired import Campaign, Operation
from reconciler.vocabulary import CampaignType, DesiredState, Unmanaged

EXAMPLE = Path(__file__).parents[2] / "examples" / "campaigns.yaml"


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def messages(exc: pytest.ExceptionInfo[ManifestError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_the_example_loads(backend: str) -> None:
    desired = load([str(EXAMPLE)], environ={})
    assert desired.files == (str(EXAMPLE),)
    assert desired.operation == Operation(
        server="0002",
        token_env="WOLKVOX_TOKEN",
        unmanaged=Unmanaged.WARN,
        daily_quota=5000,
        variables=("SALES_WAVE",),
    )
    assert 6 <= len(desired.campaigns) <= 10
    assert {c.state for c in desired.campaigns} == set(DesiredState) - {DesiredState.ABSENT}
    assert {c.type for c in desired.campaigns} == set(CampaignType)
    assert "sales-upsell-w1" in desired.by_name()  # ${SALES_WAVE:-w1}


def test_a_campaign_is_fully_converted(tmp_path: Path, backend: str) -> None:
    file = write(
        tmp_path / "m.yaml",
        """version: 1
campaigns:
  - name: no
    type: predictive
    description: 1e3
    state: started
    skill_id: 0100
    start_time: 8:00
    end_time: "18:00:30"
    options: {opt1: 1001, opt12: yes}
    enable_edition: yes
    protect: false
    id: 4638
""".replace("8:00\n", '"08:00"\n', 1),
    )
    (campaign,) = load([file], environ={}).campaigns
    assert campaign == Campaign(
        name="no",  # not False
        type=CampaignType.PREDICTIVE,
        state=DesiredState.STARTED,
        description="1e3",  # not 1000.0
        skill_id="0100",  # not 64
        start_time="08:00:00",
        end_time="18:00:30",
        options={"opt1": "1001", "opt12": "yes"},  # strings where the schema says string
        enable_edition=True,  # a boolean where the schema says boolean
        protect=False,
        id="4638",
    )
    assert campaign.location == Location(file, 3, 5)  # the `name` key


def test_absent_fields_take_their_defaults(tmp_path: Path) -> None:
    file = write(
        tmp_path / "m.yaml",
        "version: 1\ncampaigns:\n  - {name: a, type: preview, state: stopped}\n",
    )
    (campaign,) = load([file], environ={}).campaigns
    assert (campaign.start_time, campaign.end_time, campaign.skill_id) == ("", "", "")
    assert campaign.options == {}
    assert (campaign.enable_edition, campaign.protect, campaign.id) == (None, False, None)
    assert (campaign.speed, campaign.turbo_dial, campaign.amd, campaign.dial_order) == (None,) * 4


def test_no_operation_gives_the_default_operation(tmp_path: Path) -> None:
    file = write(tmp_path / "m.yaml", "version: 1\ncampaigns: []\n")
    desired = load([file], environ={})
    assert desired.operation == Operation()
    assert desired.operation.server is None
    assert desired.campaigns == ()


def test_server_is_text_even_unquoted(tmp_path: Path) -> None:
    file = write(tmp_path / "m.yaml", "version: 1\noperation: {server: 0002}\n")
    assert load([file], environ={}).operation.base_url == "https://wv0002.wolkvox.com/api/v2/"


def test_defaults_apply_to_their_own_file_only(tmp_path: Path) -> None:
    a = write(
        tmp_path / "a.yaml",
        """version: 1
defaults: {type: preview, state: stopped, options: {opt1: north, opt2: x}}
campaigns:
  - {name: a1}
  - {name: a2, state: started, options: {opt2: y, opt3: z}}
""",
    )
    b = write(tmp_path / "b.yaml", "version: 1\ncampaigns:\n  - {name: b1, state: started}\n")
    with pytest.raises(ManifestError) as caught:
        load([a, b], environ={})
    assert messages(caught) == [
        f"{b}:3:6: campaign 'b1': missing 'type' (set it here or in defaults)"
    ]
    a1, a2 = load([a], environ={}).campaigns
    assert (a1.type, a1.state, a1.options) == (
        CampaignType.PREVIEW,
        DesiredState.STOPPED,
        {"opt1": "north", "opt2": "x"},
    )
    # the campaign's own value wins; options merge key by key
    assert a2.state is DesiredState.STARTED
    assert a2.options == {"opt1": "north", "opt2": "y", "opt3": "z"}


def test_an_error_from_a_default_points_at_the_default(tmp_path: Path) -> None:
    file = write(
        tmp_path / "m.yaml",
        """version: 1
defaults: {type: preview, state: started, start_time: "18:00"}
campaigns:
  - {name: a, end_time: "09:00"}
""",
    )
    with pytest.raises(ManifestError) as caught:
        load([file], environ={})
    assert messages(caught) == [
        f"{file}:4:25: campaign 'a': end_time 09:00 must be after start_time 18:00"
    ]


def test_interpolation_uses_the_given_environment(tmp_path: Path) -> None:
    file = write(
        tmp_path / "m.yaml",
        """version: 1
operation:
  server: ${WOLKVOX_VAR_SERVER}
  daily_quota: ${WOLKVOX_VAR_QUOTA:-3000}  # unquoted: typed after interpolation
campaigns:
  - name: wave-${WOLKVOX_VAR_WAVE}
    type: preview
    state: started
    enable_edition: ${WOLKVOX_VAR_EDIT:-no}
    description: "{${WOLKVOX_VAR_WAVE}}"  # in flow style or with braces around it, quote
""",
    )
    desired = load(
        [file],
        environ={"WOLKVOX_VAR_SERVER": "0031", "WOLKVOX_VAR_WAVE": "7", "WOLKVOX_VAR_EDIT": "yes"},
    )
    assert desired.operation.server == "0031"
    assert desired.operation.daily_quota == 3000
    (campaign,) = desired.campaigns
    assert (campaign.name, campaign.enable_edition) == ("wave-7", True)
    assert campaign.description == "{7}"


def test_interpolation_defaults_to_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WOLKVOX_VAR_WOLKVOX_TEST_WAVE", "9")
    file = write(
        tmp_path / "m.yaml",
        "version: 1\ncampaigns:\n"
        "  - {name: 'w${WOLKVOX_VAR_WOLKVOX_TEST_WAVE}', type: preview, state: started}",
    )
    assert load([file]).campaigns[0].name == "w9"


def test_keys_are_never_interpolated(tmp_path: Path) -> None:
    file = write(tmp_path / "m.yaml", "version: 1\n${KEY}: 1\n")
    with pytest.raises(ManifestError, match=r"unknown key '\$\{KEY\}'"):
        load([file], environ={"KEY": "campaigns"})


def test_files_and_directories_merge_in_order(tmp_path: Path) -> None:
    campaign = "version: 1\ncampaigns:\n  - {{name: {}, type: preview, state: started}}\n"
    write(tmp_path / "d" / "b.yml", campaign.format("b"))
    write(tmp_path / "d" / "a.yaml", campaign.format("a"))
    write(tmp_path / "d" / "sub" / "c.yaml", campaign.format("c"))
    write(tmp_path / "d" / ".hidden.yaml", campaign.format("hidden"))
    write(tmp_path / "d" / ".git" / "x.yaml", campaign.format("git"))
    write(tmp_path / "d" / "notes.txt", "not yaml")
    first = write(tmp_path / "z.yaml", campaign.format("z"))
    desired = load([first, str(tmp_path / "d"), str(tmp_path / "d" / "a.yaml")], environ={})
    assert [c.name for c in desired.campaigns] == ["z", "a", "b", "c"]
    assert desired.files == (
        first,
        str(tmp_path / "d" / "a.yaml"),
        str(tmp_path / "d" / "b.yml"),
        str(tmp_path / "d" / "sub" / "c.yaml"),
    )  # a.yaml, named twice, is read once


def test_a_name_declared_in_two_files_names_both_places(tmp_path: Path) -> None:
    text = "version: 1\ncampaigns:\n  - {name: same, type: preview, state: started}\n"
    a = write(tmp_path / "a.yaml", text)
    b = write(tmp_path / "b.yaml", "# b\n" + text)
    with pytest.raises(ManifestError) as caught:
        load([a, b], environ={})
    assert messages(caught) == [f"{b}:4:6: campaign 'same' is declared twice: here and at {a}:3:6"]


def test_identical_operations_in_several_files_are_fine(tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", "version: 1\noperation: {server: '0002', unmanaged: stop}\n")
    b = write(tmp_path / "b.yaml", "version: 1\noperation:\n  unmanaged: stop\n  server: 0002\n")
    assert load([a, b], environ={}).operation == Operation(server="0002", unmanaged=Unmanaged.STOP)


def test_different_operations_name_both_places(tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", "version: 1\noperation: {server: '0002'}\n")
    b = write(tmp_path / "b.yaml", "version: 1\n\noperation: {server: '0003'}\n")
    with pytest.raises(ManifestError) as caught:
        load([a, b], environ={})
    assert messages(caught) == [
        f"{b}:3:1: operation differs from the one at {a}:2:1; declare it once, "
        "or identically in every file"
    ]


def test_every_problem_of_every_file_is_reported(tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", "version: 2\n")
    b = write(tmp_path / "b.yaml", "version: 1\ncampaigns:\n  - {name: x, type: p, state: s}\n")
    with pytest.raises(ManifestError) as caught:
        load([a, str(tmp_path / "missing.yaml"), b], environ={})
    assert len(caught.value.problems) == 4
    assert [p.location.file for p in caught.value.problems] == [
        a,
        b,
        b,
        str(tmp_path / "missing.yaml"),
    ]


def test_a_missing_path_is_one_line(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.yaml")
    with pytest.raises(ManifestError) as caught:
        load([path], environ={})
    assert messages(caught) == [f"{path}: no such file or directory"]


def test_a_directory_without_manifests_is_one_line(tmp_path: Path) -> None:
    write(tmp_path / "dir" / "README.md", "# not a manifest")
    path = str(tmp_path / "dir")
    with pytest.raises(ManifestError) as caught:
        load([path], environ={})
    assert messages(caught) == [f"{path}: directory holds no *.yaml or *.yml file"]


def test_non_utf8_bytes_are_located(tmp_path: Path, backend: str) -> None:
    file = tmp_path / "latin1.yaml"
    file.write_bytes("version: 1\ncampaigns:\n  - name: año\n".encode("latin-1"))
    with pytest.raises(ManifestError) as caught:
        load([str(file)], environ={})
    assert messages(caught) == [f"{file}:3:12: not UTF-8 text (byte 0xf1); save the file as UTF-8"]


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    file = tmp_path / "bom.yaml"
    file.write_bytes(
        "\ufeffversion: 1\ncampaigns:\n  - {name: año, type: preview, state: started}\n".encode()
    )
    assert load([str(file)], environ={}).campaigns[0].name == "año"


def test_an_unreadable_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = write(tmp_path / "locked.yaml", "version: 1\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # chmod 000 does not stop root (CI containers), so the refusal is simulated
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ManifestError) as caught:
        load([file], environ={})
    assert messages(caught) == [f"{file}: cannot read: Permission denied"]


def test_secrets_are_not_echoed(tmp_path: Path) -> None:
    file = write(
        tmp_path / "m.yaml",
        "version: 1\noperation:\n  token_env: 'tok-9f8e7d.6c5b'\n  token: tok-9f8e7d.6c5b\n",
    )
    with pytest.raises(ManifestError) as caught:
        load([file], environ={})
    assert len(caught.value.problems) == 2
    assert "tok-9f8e7d" not in str(caught.value)


def _refuse_to_list(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """chmod 000 does not stop root (CI containers), so the refusal is simulated."""
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == refused:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unlistable_directory_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "d" / "a.yaml", "version: 1\n")
    _refuse_to_list(monkeypatch, tmp_path / "d")
    with pytest.raises(ManifestError) as caught:
        load([str(tmp_path / "d")], environ={})
    assert messages(caught) == [f"{tmp_path / 'd'}: cannot list: Permission denied"]


def test_an_unlistable_subdirectory_is_an_error_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # skipped quietly, its campaigns would look unmanaged, and `unmanaged: stop` stops them
    write(tmp_path / "d" / "a.yaml", "version: 1\n")
    write(tmp_path / "d" / "team" / "b.yaml", "version: 1\n")
    _refuse_to_list(monkeypatch, tmp_path / "d" / "team")
    with pytest.raises(ManifestError) as caught:
        load([str(tmp_path / "d")], environ={})
    assert messages(caught) == [f"{tmp_path / 'd' / 'team'}: cannot list: Permission denied"]


def test_an_impossible_path_is_one_line(tmp_path: Path) -> None:
    path = str(tmp_path / ("x" * 5000))  # longer than any file system allows
    with pytest.raises(ManifestError) as caught:
        load([path], environ={})
    assert messages(caught) == [f"{path}: cannot use this path: File name too long"]


def test_the_token_variable_of_any_file_cannot_be_interpolated(tmp_path: Path) -> None:
    a = write(
        tmp_path / "a.yaml",
        "version: 1\ncampaigns:\n  - name: a\n    type: preview\n    state: started\n"
        "    skill_id: ${MY_TOKEN}\n",
    )
    b = write(tmp_path / "b.yaml", "version: 1\noperation: {token_env: MY_TOKEN}\n")
    with pytest.raises(ManifestError) as caught:
        load([a, b], environ={"MY_TOKEN": "987654321"})  # digits: a valid skill_id
    assert messages(caught) == [
        f"{a}:6:15: ${{MY_TOKEN}} holds the API token, which never goes into a manifest value"
    ]
    assert "987654321" not in str(caught.value)


def test_an_interpolated_token_env_still_guards_its_variable(tmp_path: Path) -> None:
    # `token_env: ${VAR:-MY_TOKEN}` names MY_TOKEN: `${MY_TOKEN}` must not reach a value
    file = write(
        tmp_path / "m.yaml",
        "version: 1\noperation:\n  token_env: ${WOLKVOX_VAR_TOKEN_VAR:-MY_TOKEN}\ncampaigns:\n"
        "  - name: a\n    type: preview\n    state: started\n    description: x${MY_TOKEN}\n",
    )
    with pytest.raises(ManifestError) as caught:
        load([file], environ={"MY_TOKEN": "s3cr3t-value"})
    assert messages(caught) == [
        f"{file}:8:18: ${{MY_TOKEN}} holds the API token, which never goes into a manifest value"
    ]
    assert "s3cr3t-value" not in str(caught.value)
    # and when TOKEN_VAR names another variable, MY_TOKEN is an ordinary one (listed)
    file = write(
        tmp_path / "m.yaml",
        Path(file).read_text().replace("campaigns:", "  variables: [MY_TOKEN]\ncampaigns:"),
    )
    desired = load([file], environ={"WOLKVOX_VAR_TOKEN_VAR": "OTHER", "MY_TOKEN": "v"})
    assert desired.operation.token_env == "OTHER"
    assert desired.campaigns[0].description == "xv"


def test_entries_that_pin_ids_may_share_a_name_but_not_an_id(tmp_path: Path) -> None:
    # two live campaigns of one name, exported as they are: each pinned by its id
    ok = write(
        tmp_path / "ok.yaml",
        "version: 1\ndefaults: {type: preview, state: stopped}\ncampaigns:\n"
        "  - {name: dup, id: '5'}\n  - {name: dup, id: '6'}\n",
    )
    assert [(c.name, c.id) for c in load([ok], environ={}).campaigns] == [
        ("dup", "5"),
        ("dup", "6"),
    ]
    for second in ("{name: dup}", "{name: dup, id: '5'}"):
        bad = write(
            tmp_path / "bad.yaml",
            "version: 1\ndefaults: {type: preview, state: stopped}\ncampaigns:\n"
            f"  - {{name: dup, id: '5'}}\n  - {second}\n",
        )
        with pytest.raises(ManifestError, match="declared twice"):
            load([bad], environ={})
