"""The publishing workflow on plain values, with no database: the state machine's transitions,
who may make them, what stops a quarter being published, the refusals as typed errors that
name no flag, and the sentences that say where a quarter stands."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest

from reporting.headlines import as_utc, day_label, revised_note, status_headline, version_headline
from reporting.scoring import RED_WITHOUT_ACTION, Scorecard, ScoreRow
from reporting.workflow import (
    AlreadyPublished,
    AlreadySubmitted,
    CorrectionNeedsReason,
    DamagedDocument,
    ForceNeedsReason,
    NotAllowed,
    NothingToReopen,
    NotReady,
    PublishingError,
    QuarterStatus,
    ReopenNeedsReason,
    VersionInfo,
    check_correction_reason,
    check_may_publish,
    check_ready,
    check_reopen,
    check_submit,
    needs_correction_reason,
    readiness,
)
from rules.direction import Direction
from rules.periods import Quarter
from rules.rating import Rating

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"
JAN_10 = datetime(2017, 1, 10, 9, tzinfo=UTC)
JAN_17 = datetime(2017, 1, 17, 10, tzinfo=UTC)
RANK = {"viewer": 0, "analyst": 1, "lead": 2, "admin": 3}


@dataclass(frozen=True)
class Person:
    """Stands in for ``store.users.Principal``: a name, a role and the role order."""

    name: str
    role: str

    def can(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


VIEWER, ANALYST, LEAD, ADMIN = Person("vic", "viewer"), Person("priya", "analyst"), Person("lee", "lead"), Person("ada", "admin")
V1 = VersionInfo(Q3.key, HAVERING, 1, "lee", JAN_17, "Sub-Committee", "", False, "", "0" * 64)


def status(
    state: str, versions: list[VersionInfo] | None = None, by: str | None = None, at: datetime | None = None, note: str = ""
) -> QuarterStatus:
    return QuarterStatus(Q3.key, HAVERING, state, by, at, note, versions or [])


def row(code: str = "CSP1", rag: Rating = Rating.GREEN, actual: float | None = 100.0, **kwargs: object) -> ScoreRow:
    values: dict = dict(
        code=code, name="Total notifiable offences", goal="Reduce crime", area_code=HAVERING, period=Q3.key, basis="ytd",
        unit="count", polarity="lower", rated=True, actual=actual, quarter_value=actual, ytd_value=actual, previous_quarter=None,
        same_period_last_year=None, quarter_last_year=None, ytd_last_year=None, target=None, rag=rag, reason="",
        no_comparator=False, dot_short=Direction.NA, dot_long=Direction.NA,
    )  # fmt: skip
    return ScoreRow(**{**values, **kwargs})


# --- The state machine ---------------------------------------------------------------------------


def test_workflow_an_analyst_submits_a_draft_and_a_viewer_may_not() -> None:
    check_submit(status("draft"), Q3, ANALYST)  # allowed: no refusal
    with pytest.raises(NotAllowed, match=r"vic \(viewer\) may not submit a quarter: only an analyst may\.") as refused:
        check_submit(status("draft"), Q3, VIEWER)
    assert (refused.value.user, refused.value.role, refused.value.needed) == ("vic", "viewer", "analyst")


def test_workflow_submitting_twice_or_a_published_quarter_is_refused() -> None:
    with pytest.raises(AlreadySubmitted, match="Q3 2016/17 for E09000016 was already submitted on 10 January 2017 by priya."):
        check_submit(status("submitted", by="priya", at=JAN_10), Q3, ANALYST)
    with pytest.raises(AlreadyPublished, match=r"is published \(Version 1, published on 17 January 2017 by lee\); re-open it"):
        check_submit(status("published", [V1]), Q3, LEAD)


def test_workflow_only_a_lead_publishes_and_not_twice() -> None:
    for who in (VIEWER, ANALYST):
        with pytest.raises(
            NotAllowed, match=rf"{who.name} \({who.role}\) may not publish a quarter: only a lead or an admin may\."
        ):
            check_may_publish(status("submitted"), Q3, who, force=False, reason="")
    for who in (LEAD, ADMIN):
        check_may_publish(status("draft"), Q3, who, force=False, reason="")
        check_may_publish(status("submitted"), Q3, who, force=False, reason="")
    with pytest.raises(
        AlreadyPublished, match="already published .*re-open it with a reason; the correction becomes the next version"
    ):
        check_may_publish(status("published", [V1]), Q3, LEAD, force=False, reason="")


def test_workflow_reopening_needs_a_reason_and_a_lead_once_published() -> None:
    with pytest.raises(NothingToReopen, match="is a draft already"):
        check_reopen(status("draft"), Q3, LEAD, "why")
    assert check_reopen(status("submitted"), Q3, ANALYST, "  a typo ") == "a typo"
    with pytest.raises(NotAllowed, match=r"priya \(analyst\) may not re-open this quarter"):
        check_reopen(status("published", [V1]), Q3, ANALYST, "the Met revised October")
    with pytest.raises(ReopenNeedsReason, match="a reason is required"):
        check_reopen(status("published", [V1]), Q3, LEAD, "   ")
    assert check_reopen(status("published", [V1]), Q3, LEAD, "the Met revised October") == "the Met revised October"


def test_workflow_a_correction_needs_a_reason_or_the_reopen_reason() -> None:
    reopened = status("draft", [V1], by="lee", at=JAN_17, note="the Met revised October")
    assert needs_correction_reason(reopened, "") and not needs_correction_reason(reopened, "revised October")
    assert not needs_correction_reason(status("draft"), "")
    check_correction_reason(reopened, "", "the Met revised October")
    check_correction_reason(reopened, "revised October", "")
    with pytest.raises(CorrectionNeedsReason, match="Version 2 would be a correction: give the reason for it.") as refused:
        check_correction_reason(reopened, "", "")
    assert refused.value.version == 2 and reopened.next_version == 2 and status("draft").next_version == 1


# --- What stops a quarter being published ----------------------------------------------------


def test_workflow_readiness_lists_a_red_without_action_and_an_incomplete_figure() -> None:
    card = Scorecard(Q3, HAVERING, "Havering", [
        row("CSP1", Rating.RED, flags=[RED_WITHOUT_ACTION]),
        row("CSP2", Rating.RED, corrective_action="Extra patrols."),
        row("CSP3", Rating.NO_DATA, actual=None, name="Anti-social behaviour incidents"),
        row("CSP4", Rating.GREEN, flags=["partial coverage: only 1 of 33 boroughs loaded"], name="Burglary"),
        row("CX1", Rating.NOT_RATED, actual=None, rated=False),
    ])  # fmt: skip
    assert readiness(card) == [
        "CSP1 Total notifiable offences: Red without corrective action",
        "CSP3 Anti-social behaviour incidents: no complete year to date figure for Q3 2016/17 (a month or quarter of data is missing)",
        "CSP4 Burglary: partial coverage: only 1 of 33 boroughs loaded",
    ]
    assert readiness(Scorecard(Q3, HAVERING, "Havering", [row()])) == []


def test_workflow_refusals_carry_data_and_name_no_flag() -> None:
    missing = ["CSP1 Total notifiable offences: Red without corrective action"]
    check_ready(Q3, HAVERING, missing, force=True)  # publishing anyway: allowed
    check_ready(Q3, HAVERING, [], force=False)
    with pytest.raises(NotReady) as refused:
        check_ready(Q3, HAVERING, missing, force=False)
    assert refused.value.missing == missing and refused.value.period == Q3 and refused.value.area == HAVERING
    assert (
        str(refused.value)
        == "Q3 2016/17 for E09000016 cannot be published yet:\n  - CSP1 Total notifiable offences: Red without corrective action"
    )
    with pytest.raises(ForceNeedsReason) as no_reason:
        check_may_publish(status("draft"), Q3, LEAD, force=True, reason="  ")
    damaged = DamagedDocument(Q3.key, HAVERING, 1)
    assert (damaged.version, damaged.fmt) == (1, None) and str(damaged).endswith("it has been altered outside cspdash.")
    errors = [
        refused.value,
        no_reason.value,
        ReopenNeedsReason(),
        CorrectionNeedsReason(2),
        NotAllowed("vic", "viewer", "publish a quarter", "lead"),
        damaged,
    ]
    assert all(isinstance(e, PublishingError) for e in errors)
    assert [e for e in errors if re.search(r"--\w|\bcspdash \w", str(e))] == []  # no flag, no command


def test_workflow_the_cli_adds_its_flags_to_a_refusal() -> None:
    """The refusal says what is wrong; the CLI says which flags put it right (the sign-off
    panel names its own controls instead: test_publishing_pages.py)."""
    from cli.common import publishing_message

    refused = NotReady(Q3, HAVERING, ["CSP1 Total notifiable offences: Red without corrective action"])
    assert publishing_message(refused) == (
        "Q3 2016/17 for E09000016 cannot be published yet:\n  - CSP1 Total notifiable offences: Red without corrective action\n"
        "Put these right, or publish with --force and a --reason that will be recorded."
    )
    assert publishing_message(ForceNeedsReason()) == "Publishing with --force needs a reason, which is recorded."
    assert publishing_message(ReopenNeedsReason()) == str(ReopenNeedsReason())


# --- Where a quarter stands, in words ------------------------------------------------------------


def test_headline_wording_for_each_state() -> None:
    assert V1.headline == "Version 1, published on 17 January 2017 by lee"
    assert status("draft").headline == "Draft — not yet published."
    assert (
        status("submitted", by="priya", at=JAN_10).headline
        == "Draft — not yet published. Submitted for sign-off on 10 January 2017 by priya."
    )
    assert status("published", [V1], by="lee", at=JAN_17).headline == "Published: Version 1, published on 17 January 2017 by lee."
    reopened = status("draft", [V1], by="lee", at=JAN_17, note="The Met revised October 2016")
    assert reopened.reopened and reopened.headline == (
        "Draft — not yet published. Re-opened on 17 January 2017 by lee: The Met revised October 2016 "
        "The latest published is version 1, published on 17 January 2017 by lee."
    )
    assert status_headline("submitted", JAN_10, "priya", "", reopened=False, latest=V1.headline).endswith(
        "The latest published is version 1, published on 17 January 2017 by lee."
    )


def test_headline_dates_are_read_in_utc() -> None:
    assert as_utc(None) is None and as_utc(datetime(2017, 1, 17, 23, 30)) == datetime(2017, 1, 17, 23, 30, tzinfo=UTC)
    late_in_new_york = datetime(2017, 1, 17, 20, tzinfo=timezone(timedelta(hours=-5)))
    assert day_label(late_in_new_york) == "18 January 2017" and day_label(None) == ""
    assert version_headline(2, JAN_17, "ada") == "Version 2, published on 17 January 2017 by ada"
    assert revised_note(JAN_17, "13,143", "13,168") == "revised since publication on 17 January 2017: was 13,143, now 13,168"
