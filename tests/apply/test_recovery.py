"""After a create with no usable answer: find what it made, never send it again."""

from __future__ import annotations

import threading

import pytest

from reconciler.apply.recovery import find_created, recheck_waits_within
from reconciler.client.live import LiveCampaign
from reconciler.errors import OutcomeUnknown, QuotaExhausted
from reconciler.plan.model import Action, ActionKind
from reconciler.vocabulary import CampaignType, LiveStatus

P = CampaignType.PREVIEW
CREATE = Action(ActionKind.CREATE, "new", P, None, "")
LOST = OutcomeUnknown("timed out", call="create_campaign", campaign="new")


class Lists:
    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)

    def list_campaigns(self) -> list[LiveCampaign]:
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]


def live(*rows: tuple[str, str]) -> list[LiveCampaign]:
    return [LiveCampaign(cid, name, P, LiveStatus.STOPPED, 0) for cid, name in rows]


def test_the_waits_double_from_a_second_and_add_up_to_the_total() -> None:
    assert recheck_waits_within(15) == (1.0, 2.0, 4.0, 8.0)
    assert recheck_waits_within(0) == (0.0,)
    assert sum(recheck_waits_within(10)) == 10


def test_a_campaign_that_appears_with_the_name_is_adopted_a_known_one_never() -> None:
    lists = Lists(live(("1", "new")), live(("1", "new"), ("2", "new")))
    found = find_created(lists, CREATE, LOST, frozenset({"1"}), (0.0, 0.0), threading.Event())
    assert found == "2"


def test_two_that_appear_are_not_guessed_and_none_is_outcome_unknown() -> None:
    two = Lists(live(("2", "new"), ("3", "new")))
    with pytest.raises(OutcomeUnknown, match="refusing to guess") as guessed:
        find_created(two, CREATE, LOST, frozenset(), (0.0,), threading.Event())
    assert "(ids 2, 3)" in str(guessed.value)
    assert (guessed.value.call, guessed.value.campaign) == ("create_campaign", "new")
    none = Lists(live(), live())
    lost = OutcomeUnknown("HTTP 502; then more", call="create_campaign", campaign="new",
                          status_code=502)  # fmt: skip
    with pytest.raises(OutcomeUnknown, match="Not sending the create again") as unknown:
        find_created(none, CREATE, lost, frozenset(), (0.0, 0.0), threading.Event())
    assert "no usable answer (HTTP 502)" in str(unknown.value)
    assert "if the campaign is listed, apply adopts it; if not, apply creates it" in str(
        unknown.value
    )
    assert (unknown.value.campaign, unknown.value.status_code) == ("new", 502)
    assert unknown.value.__cause__ is lost


def test_a_quota_refusal_while_rereading_keeps_its_class() -> None:
    lists = Lists(QuotaExhausted("no calls left", call="campaigns", status_code=429))
    with pytest.raises(QuotaExhausted) as fatal:
        find_created(lists, CREATE, LOST, frozenset(), (0.0,), threading.Event())
    assert (fatal.value.call, fatal.value.status_code) == ("create_campaign", 429)
    assert "run `plan` to see whether it exists" in str(fatal.value)


class NoWait:
    """A stop event that never waits: the waits are counted, not slept."""

    def __init__(self) -> None:
        self.waited: list[float] = []

    def wait(self, delay: float) -> bool:
        self.waited.append(delay)
        return False


def test_the_list_is_read_after_each_wait_and_the_refusal_says_for_how_long() -> None:
    event = NoWait()
    lists = Lists(live(), live(), live())
    with pytest.raises(OutcomeUnknown) as refused:
        find_created(lists, CREATE, LOST, frozenset(), (0.0, 1.0, 2.0), event)  # type: ignore[arg-type]
    assert event.waited == [1.0, 2.0]  # no wait for a zero delay
    assert "re-read for 3 s, shows no campaign named 'new'" in str(refused.value)
    assert "timed out" in str(refused.value) and refused.value.call == "create_campaign"


def test_an_interruption_stops_the_rereading_at_once() -> None:
    class Stopped(NoWait):
        def wait(self, delay: float) -> bool:
            return True

    lists = Lists(live(("2", "new")))
    with pytest.raises(OutcomeUnknown, match="re-read for 0 s"):
        find_created(lists, CREATE, LOST, frozenset(), (1.0,), Stopped())  # type: ignore[arg-type]
    assert lists.answers  # never read


def test_a_transient_failure_while_rereading_is_outcome_unknown_not_its_own_class() -> None:
    from reconciler.errors import TransientError

    lists = Lists(TransientError("reset", call="campaigns"))
    with pytest.raises(OutcomeUnknown) as unknown:
        find_created(lists, CREATE, LOST, frozenset(), (0.0,), threading.Event())
    assert type(unknown.value) is OutcomeUnknown
    assert "re-reading the live list to find out failed too (campaigns failed: reset)" in str(
        unknown.value
    )
    assert unknown.value.status_code is None and unknown.value.campaign == "new"
