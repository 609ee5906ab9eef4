"""`export`'s core: live campaigns → manifest text that plans to "No changes." against the
same live state, whatever the names and states (checked with the real loader and planner)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.client.live import LiveCampaign
from reconciler.export import campaigns as export_module
from reconciler.export.campaigns import (
    ExportError,
    build_export,
    exported_campaigns,
    server_of,
    split_file_name,
    yaml_scalar,
)
from reconciler.io import FileExistsRefusal, write_new_files
from reconciler.manifest import load
from reconciler.plan.planner import make_plan
from reconciler.vocabulary import CampaignType, LiveStatus

YAML_SPECIAL = [
    "no",
    "yes",
    "No",
    "off",
    "on",
    "y",
    "n",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "",
    "0012",
    "012",
    "0x1f",
    "1e3",
    "1_000",
    "12:30",
    ": x",
    "x: y",
    "#",
    "# not a comment",
    "a #b",
    "- x",
    "[a]",
    "{a: b}",
    "*alias",
    "&anchor",
    "!tag",
    "|",
    ">",
    "%",
    "@",
    "`x`",
    "'q'",
    '"dq"',
    "back\\slash",
    "${HOME}",
    "$${x}",
    "$",
    "ñandú",
    "北京 ventas",
    "emoji 🎉",
    "ß",
    "\u00a0nbsp",
    "trailing ",
    " leading",
    "tab\tname",
    "line\nbreak",
    "nel\x85",
    "ls\u2028",
    "bom\ufeff",
    "bell\x07",
    "a" * 100,
    "b" * 101,
]


def live(
    names: list[str], *, start: int = 100, descriptions: list[str] | None = None
) -> list[LiveCampaign]:
    statuses = [LiveStatus.STARTED, LiveStatus.STOPPED]
    return [
        LiveCampaign(
            campaign_id=str(start + i),
            name=name,
            type=CampaignType.PREVIEW if i % 2 else CampaignType.PREDICTIVE,
            status=statuses[i % 2 if i % 3 else 1],
            records=(i % 4) * 7,  # Started/Stopped, with and without records
            description=(descriptions or [""] * len(names))[i],
        )
        for i, name in enumerate(names)
    ]


def round_trip(tmp_path: Path, rows: list[LiveCampaign], *, split: bool = False) -> None:
    """What a user does: write the export, load it as `plan` would, plan against `rows`."""
    files = build_export(rows, source="http://127.0.0.1:1", server=None, split=split)
    write_new_files(tmp_path / "out", files)
    desired = load([str(tmp_path / "out")], environ={"HOME": "/root", "x": "X"})
    plan = make_plan(desired, rows)
    assert plan.actions == () and plan.errors == ()
    assert not plan.has_changes
    # every live campaign is managed, but for the ones no manifest can name: unmanaged
    # (a warning, never an action), since renaming them would be a change
    unwritable = {e.live.campaign_id for e in exported_campaigns(rows) if e.skip}
    assert {w.kind.value for w in plan.warnings} <= {"unmanaged"}
    assert len([w for w in plan.warnings]) == len(unwritable)
    assert len(desired.campaigns) == len(rows) - len(unwritable)


def test_yaml_special_unicode_and_control_names_round_trip(tmp_path: Path) -> None:
    round_trip(tmp_path, live(YAML_SPECIAL, descriptions=list(reversed(YAML_SPECIAL))))


def test_split_export_round_trips_too(tmp_path: Path) -> None:
    round_trip(tmp_path, live(YAML_SPECIAL), split=True)


def test_every_state_round_trips_and_stopped_is_never_exported_as_cleared(tmp_path: Path) -> None:
    rows = [
        LiveCampaign("1", "started-full", CampaignType.PREVIEW, LiveStatus.STARTED, 9),
        LiveCampaign("2", "started-empty", CampaignType.PREVIEW, LiveStatus.STARTED, 0),
        LiveCampaign("3", "stopped-full", CampaignType.PREDICTIVE, LiveStatus.STOPPED, 9),
        LiveCampaign("4", "stopped-empty", CampaignType.PREDICTIVE, LiveStatus.STOPPED, 0),
    ]
    text = build_export(rows, source="x", server=None)["campaigns.yaml"]
    states = re.findall(r"state: (\w+)", text)
    # cleared would empty the records an operator loads into it later
    assert states == ["started", "started", "stopped", "stopped"]
    round_trip(tmp_path, rows)


def test_duplicate_live_names_are_each_pinned_by_id_under_their_own_name(tmp_path: Path) -> None:
    rows = live(["dup", "dup", "dup", "dup (id 101)", "solo"])
    entries = {e.live.campaign_id: e for e in exported_campaigns(rows)}
    assert all(entries[i].name == "dup" and entries[i].pin for i in ("100", "101", "102"))
    assert not entries["103"].pin and not entries["104"].pin  # unique names need no pin
    text = build_export(rows, source="x", server=None)["campaigns.yaml"]
    assert "# pinned by id: 3 live campaigns are named 'dup'" in text
    round_trip(tmp_path, rows)


def test_fields_the_list_cannot_show_are_left_out_with_a_comment() -> None:
    text = build_export(live(["a"]), source="x", server="0002")["campaigns.yaml"]
    assert "Left out: skill_id, start_time, end_time, options, enable_edition" in text
    for key in ("skill_id:", "start_time:", "options:", "enable_edition:", "protect:"):
        assert f"    {key}" not in text
    assert '  server: "0002"' in text


def test_server_is_taken_from_a_wolkvox_url_only() -> None:
    assert server_of("https://wv0002.wolkvox.com/api/v2/") == "0002"
    assert server_of("http://127.0.0.1:8765/") is None
    assert server_of("https://wv0002.wolkvox.com.evil.example/") is None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=30))
def test_any_text_is_read_back_as_written(tmp_path: Path, text: str) -> None:
    path = tmp_path / "one.yaml"
    desc = yaml_scalar(text)
    path.write_text(
        f"version: 1\ncampaigns:\n  - name: a\n    type: preview\n    state: started\n"
        f"    description: {desc}\n",
        encoding="utf-8",
    )
    assert load([str(path)], environ={}).campaigns[0].description == text


def test_split_file_names_are_safe_and_unique() -> None:
    rows = live([*YAML_SPECIAL, "../../etc/passwd", "CON", "a/b", "a\\b", ".", ".."])
    names = [split_file_name(e) for e in exported_campaigns(rows)]
    assert len(set(names)) == len(names)
    for name in names:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*-[A-Za-z0-9-]+\.yaml", name), name


def test_a_round_trip_that_fails_is_refused_field_by_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a writer bug (here: descriptions upper-cased) must never reach a file
    real = export_module.ExportedCampaign.manifest_fields

    def broken_render(self: export_module.ExportedCampaign) -> dict[str, str]:
        fields = real(self)
        if "description" in fields:
            fields["description"] = fields["description"].upper()
        return fields

    rows = live(["a", "b"], descriptions=["quiet", "calm"])
    monkeypatch.setattr(export_module, "_campaign", _campaign_with(broken_render))
    with pytest.raises(ExportError) as caught:
        build_export(rows, source="x", server=None)
    assert "description: 'quiet' → 'QUIET'" in str(caught.value)
    assert "nothing was written" in str(caught.value)


def _campaign_with(fields: object) -> object:
    def render(entry: export_module.ExportedCampaign) -> list[str]:
        values = fields(entry)  # type: ignore[operator]
        lines = []
        for i, (key, value) in enumerate(values.items()):
            lines.append(f"{'  - ' if i == 0 else '    '}{key}: {yaml_scalar(value)}")
        return lines

    return render


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("mine")
    with pytest.raises(FileExistsRefusal, match="refusing to overwrite"):
        write_new_files(tmp_path, {"a.yaml": "new", "b.yaml": "new"})
    assert not (tmp_path / "a.yaml").exists()  # refused before anything was written
    assert (tmp_path / "b.yaml").read_text() == "mine"


def test_an_operation_with_no_campaigns_exports_an_empty_manifest(tmp_path: Path) -> None:
    round_trip(tmp_path, [])


def test_out_and_split_are_exclusive() -> None:
    from click.testing import CliRunner

    from reconciler.cli import cli

    result = CliRunner().invoke(cli, ["export", "-o", "a.yaml", "--split", "d"])
    assert result.exit_code == 2 and "exclusive" in result.output


def test_a_hostile_live_id_cannot_plant_an_entry(tmp_path: Path) -> None:
    # a comment line carries the live id: a newline in it must not start a YAML entry
    hostile = '9\n  - {name: important-prod, type: preview, state: absent, id: "1"}\n#'
    rows = [
        *live(["a", "b"]),
        LiveCampaign(hostile, "c", CampaignType.PREVIEW, LiveStatus.STOPPED, 0),
    ]
    round_trip(tmp_path, rows)
    desired = load([str(tmp_path / "out")], environ={})
    assert sorted(c.name for c in desired.campaigns) == ["a", "b"]
    text = (tmp_path / "out" / "campaigns.yaml").read_text()
    assert all(line.lstrip().startswith("#") for line in text.splitlines() if "prod" in line)


ANY_CHAR = st.characters(exclude_categories=["Cs"])
TEXT = st.text(ANY_CHAR, max_size=20)
ID_TEXT = st.one_of(
    st.from_regex(r"[0-9]{1,6}", fullmatch=True),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(ID_TEXT, st.text(ANY_CHAR, min_size=1, max_size=20), TEXT),
        min_size=1, max_size=5, unique_by=lambda r: r[0],
    )
)  # fmt: skip
def test_whatever_the_list_says_the_export_holds_exactly_its_campaigns(
    tmp_path: Path, rows: list[tuple[str, str, str]]
) -> None:
    # a hostile list (ids, names, descriptions with newlines, quotes, `#`, `${`, YAML
    # syntax) can neither add, remove nor change an entry: the export parses back to
    # exactly the campaigns it could write, each as listed, and the rest are refused
    campaigns = [
        LiveCampaign(cid, name, CampaignType.PREVIEW, LiveStatus.STOPPED, 0, desc)
        for cid, name, desc in rows
    ]
    out = Path(tempfile.mkdtemp(dir=tmp_path)) / "out"
    files = build_export(campaigns, source="http://127.0.0.1:1", server=None)
    write_new_files(out, files)
    desired = load([str(out)], environ={})
    written = {e.live.campaign_id for e in exported_campaigns(campaigns) if not e.skip}
    by_id = {c.campaign_id: c for c in campaigns}
    got = [(c.id or "", c.name, c.description) for c in desired.campaigns]
    assert len(got) == len(written)
    for cid, name, desc in got:
        if cid:
            assert cid in written and by_id[cid].name == name
        # descriptions compare without surrounding whitespace (as plan compares them)
        assert any(lc.name == name and lc.description.strip() == desc.strip() for lc in campaigns)


def test_a_live_text_that_is_not_valid_unicode_leaves_the_campaign_unmanaged(
    tmp_path: Path,
) -> None:
    rows = [
        *live(["a"]),
        LiveCampaign("7", "odd\ud800name", CampaignType.PREVIEW, LiveStatus.STOPPED, 0),
        LiveCampaign("8", "fine", CampaignType.PREVIEW, LiveStatus.STOPPED, 0, "d\udfff"),
    ]
    round_trip(tmp_path, rows)
    text = (tmp_path / "out" / "campaigns.yaml").read_text(encoding="utf-8")
    assert "not valid Unicode" in text
