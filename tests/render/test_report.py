"""What apply prints per outcome, and its summary."""

from __future__ import annotations

from reconciler.apply.applier import ApplyReport, Outcome
from reconciler.plan.model import Action, ActionKind
from reconciler.render.report import outcome_line, report_summary
from reconciler.vocabulary import CampaignType

START = Action(ActionKind.START, "brand-new", CampaignType.PREVIEW, "4703", "")


def test_one_line_per_outcome_with_its_error_under_a_failure() -> None:
    assert outcome_line(Outcome(START, "done", "4703", 0.05)) == (
        "done     start  brand-new (id 4703)  0.05s"
    )
    failed = outcome_line(Outcome(START, "failed", "4703", 1.5, error="HTTP 500"))
    assert failed == "failed   start  brand-new (id 4703)  1.50s\n         HTTP 500"
    skipped = outcome_line(Outcome(START, "skipped", None, 0.0, error="not run"))
    assert skipped == "skipped  start  brand-new (id -)"
    assert "\x1b[" in outcome_line(Outcome(START, "done", "4703", 0.0), color=True)


def test_the_summary_counts_and_lists_failures_and_skips() -> None:
    report = ApplyReport(
        outcomes=(
            Outcome(START, "done", "4703", 0.1),
            Outcome(START, "failed", "4703", 0.1, error="boom"),
        ),
        api_calls=4,
    )
    text = report_summary(report, 4)
    assert text.startswith("Apply: 1 done, 1 failed, 0 skipped. 4 API calls used.")
    assert "Failed:" in text and "boom" in text and "Skipped:" not in text
