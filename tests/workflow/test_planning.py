from __future__ import annotations

import pytest

from reconciler.apply.applier import recheck_waits_within
from reconciler.client import RetryPolicy
from reconciler.errors import ConfigError
from reconciler.workflow.planning import retry_from_env


def test_the_retry_backoff_comes_from_the_environment_or_is_the_default() -> None:
    assert retry_from_env({}) is None
    assert retry_from_env({"WOLKVOX_RETRY_BACKOFF": "0.1,1"}) == RetryPolicy(base=0.1, cap=1.0)
    assert retry_from_env({"WOLKVOX_RETRY_BACKOFF": "0.5"}) == RetryPolicy(base=0.5, cap=8.0)
    for bad in ("nan", "1,inf", "-1", "fast", "1,2,3"):
        with pytest.raises(ConfigError, match="WOLKVOX_RETRY_BACKOFF"):
            retry_from_env({"WOLKVOX_RETRY_BACKOFF": bad})


def test_recheck_waits_double_from_one_second_and_add_up_to_the_total() -> None:
    assert recheck_waits_within(15) == (1.0, 2.0, 4.0, 8.0)
    assert recheck_waits_within(0) == (0.0,)
    assert recheck_waits_within(0.35) == (0.35,)
    assert sum(recheck_waits_within(10)) == 10


def test_an_unreadable_skills_list_warns_per_skill_sent_and_blocks_nothing() -> None:
    from reconciler.errors import ApiError
    from reconciler.plan.model import Action, ActionKind, FindingKind, Plan
    from reconciler.vocabulary import CampaignType
    from reconciler.workflow.checks import with_skills

    create = Action(
        ActionKind.CREATE, "fresh", CampaignType.PREVIEW, None, "absent", {"skill_id": "7"}
    )
    plan = Plan(actions=(create,))

    class Failing:
        def token_info(self) -> None:
            raise AssertionError("not asked")

        def skills(self) -> list[object]:
            raise ApiError("HTTP 503 from the vendor", call="skills", status_code=503)

    def replan(skills: object) -> Plan:
        raise AssertionError("no list to plan again with")

    checked = with_skills(plan, Failing(), replan)
    assert checked.actions == (create,)
    assert not checked.errors
    [warning] = checked.warnings
    assert warning.kind is FindingKind.SKILLS_UNVERIFIED and warning.campaign == "fresh"
    assert "skill_id 7 not verified" in warning.message and "HTTP 503" in warning.message


def test_the_cycle_collector_is_off_while_planning_and_as_it_was_after() -> None:
    import gc

    from reconciler.workflow.planning import without_cycle_collection

    assert gc.isenabled()
    with pytest.raises(RuntimeError), without_cycle_collection():
        assert not gc.isenabled()
        raise RuntimeError("a plan that fails")
    assert gc.isenabled()  # back on, even after a failure
    gc.disable()
    try:
        with without_cycle_collection():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_workflow_names_load_their_module_when_asked_so_plan_never_loads_the_applier() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from reconciler.workflow import run_plan\n"
        "print('reconciler.apply.applier' in sys.modules)\n"
        "from reconciler.workflow import apply_manifests\n"
        "print('reconciler.apply.applier' in sys.modules)\n"
        "import reconciler.workflow as w\n"
        "try:\n"
        "    w.no_such_name\n"
        "except AttributeError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "False",
        "True",
        "module 'reconciler.workflow' has no attribute 'no_such_name'",
    ]
