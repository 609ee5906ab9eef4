"""Skills: a skill_id the operation does not have refuses its campaign before apply."""

from __future__ import annotations

from reconciler.plan.model import Action, ActionKind, FindingKind
from reconciler.plan.skills import VIRTUAL_AGENT, check_skills, skills_sent
from tests.plan.test_planner import PREVIEW, camp


def _create(name: str, skill: str) -> Action:
    return Action(ActionKind.CREATE, name, PREVIEW, None, "", params={"skill_id": skill})


def test_unknown_skills_refuse_their_campaigns_known_and_the_virtual_agent_pass() -> None:
    actions = [_create("a", "1001"), _create("b", "9999"), _create("c", VIRTUAL_AGENT)]
    chosen = [camp("a"), camp("b"), camp("c")]
    assert skills_sent(actions) == {"a": "1001", "b": "9999", "c": VIRTUAL_AGENT}
    findings, refused = check_skills(actions, chosen, frozenset({"1001", "1002"}))
    assert refused == {"b"}
    assert [(f.campaign, f.kind) for f in findings] == [("b", FindingKind.UNKNOWN_SKILL)]
    assert "skill_id 9999 is not one of the operation's 2 skills" in findings[0].message


def test_an_empty_skills_list_verifies_nothing_and_refuses_nothing() -> None:
    findings, refused = check_skills([_create("a", "1001")], [camp("a")], frozenset())
    assert refused == set()
    assert [f.kind for f in findings] == [FindingKind.SKILLS_UNVERIFIED]
    assert "apply sends it as declared" in findings[0].message
