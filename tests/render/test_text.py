from __future__ import annotations

from dataclasses import replace

from reconciler.client.live import LiveCampaign
from reconciler.manifest.desired import Desired, Operation
from reconciler.plan.planner import make_plan
from reconciler.render.text import render_text
from reconciler.vocabulary import LiveStatus, Unmanaged

from .plans import P, empty, field_kinds, four_kinds, with_error


def test_one_line_per_action_with_symbol_campaign_id_and_reason() -> None:
    text = render_text(four_kinds())
    lines = text.splitlines()
    # a destructive line names the live campaign it hits: name, id, status, records
    hit = "live campaign 'old-leads' (id 40, Started, 40 records)"
    assert f"  ~ stop   old-leads [preview, id 40]: desired cleared; stops {hit}" in lines
    assert (
        f"  - clear  old-leads [preview, id 40]: desired cleared; deletes the records of {hit}"
        in lines
    )
    assert "  + create new-leads [preview, id (new)]: not live, desired started" in lines
    assert any(line.startswith("  ~ start  new-leads [preview, id (known after") for line in lines)


def test_actions_print_in_execution_order() -> None:
    lines = render_text(four_kinds()).splitlines()
    order = [line.split()[1] for line in lines if line[:4] in ("  ~ ", "  - ", "  + ")]
    assert order == ["stop", "clear", "create", "start"]


def test_deletes_come_first_marked_irreversible_then_the_execution_order() -> None:
    lines = render_text(field_kinds()).splitlines()
    order = [line.split()[1] for line in lines if line[:4] in ("  ~ ", "  - ", "  + ")]
    assert order == ["delete", "stop", "create", "edit", "edit", "speed", "speed", "start"]
    assert "irreversible" in lines[0]
    text = "\n".join(lines)
    assert "  ~ edit   renamed [preview, id 44]: name: live 'old-name' → 'renamed'" in text
    assert "options.opt2: last applied 'a' → 'b'" in text
    assert "  ~ speed  fresh [preview, id (known after create)]: speed: new → 10" in text
    assert text.endswith(
        "Plan: 1 to create, 2 to edit, 2 to set speed, 1 to start, 1 to stop, 0 to clear, "
        "1 to delete. 10 API calls."
    )


def test_summary_line() -> None:
    text = render_text(four_kinds())
    assert text.endswith("Plan: 1 to create, 1 to start, 1 to stop, 1 to clear. 6 API calls.\n")


def test_warnings_are_marked_with_question_mark_and_show_both_values() -> None:
    text = render_text(four_kinds())
    assert "Warnings:" in text
    assert "  ? stray: live campaign 41" in text


def test_errors_are_marked_and_say_apply_will_refuse() -> None:
    text = render_text(with_error())
    assert "Errors:\n  ! dup: 2 live campaigns are named 'dup'" in text
    assert "1 error: apply will refuse this plan." in text


def test_no_changes() -> None:
    assert render_text(empty()) == "No changes.\n"


def test_colors_only_when_asked() -> None:
    plan = four_kinds()
    assert "\x1b[" not in render_text(plan)
    colored = render_text(plan, color=True)
    assert "\x1b[32m  + create new-leads" in colored
    assert "\x1b[31m  - clear  old-leads" in colored


def test_partial_plan_says_so() -> None:
    from dataclasses import replace

    plan = replace(empty(), targets=("a*",), excludes=("b",))
    assert render_text(plan).startswith("Partial plan (--target a* --exclude b)")


def test_control_characters_in_live_names_are_shown_escaped() -> None:
    # a name typed in the vendor's console may hold ESC or CR: printed raw, it could
    # recolor the terminal or overwrite the line with a forged one
    name = "evil\x1b[2K\r  + create harmless"
    d = Desired(Operation(unmanaged=Unmanaged.STOP), ())
    plan = make_plan(d, [LiveCampaign("9", name, P, LiveStatus.STARTED, 0)])
    text = render_text(plan, color=True)
    assert "\r" not in text and "\x1b[2K" not in text
    assert "evil\\x1b[2K\\r  + create harmless [preview, id 9]" in text
    plan = make_plan(replace(d, operation=Operation()), [plan_live(name)])
    assert "  ? evil\\x1b[2K\\r  + create harmless: live campaign 9" in render_text(plan)


def plan_live(name: str) -> LiveCampaign:
    return LiveCampaign("9", name, P, LiveStatus.STOPPED, 0)
