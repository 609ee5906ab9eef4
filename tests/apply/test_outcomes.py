"""What apply reports: each outcome, then done / failed / skipped."""

from __future__ import annotations

from reconciler.apply.outcomes import ApplyReport, Outcome
from reconciler.plan.model import Action, ActionKind
from reconciler.vocabulary import CampaignType

START = Action(ActionKind.START, "a", CampaignType.PREVIEW, "1", "")


def test_the_report_sorts_its_outcomes_by_status() -> None:
    done = Outcome(START, "done", "1", 0.1)
    failed = Outcome(START, "failed", "1", 0.1, error="boom")
    skipped = Outcome(START, "skipped", "1", 0.0, error="not run")
    report = ApplyReport(outcomes=(done, failed, skipped), api_calls=3)
    assert (report.done, report.failed, report.skipped) == ([done], [failed], [skipped])
    assert not report.interrupted and report.halted is None
