"""The demos' publishing history: one quarter published as the committee saw it, the next left
a draft, so readers land on the published report and analysts see the draft they work on.
Havering: Q3 2016/17, as its Crime & Disorder sub-committee saw it on 17 January 2017.
Hartlepool: Q3 2024/25, as the Safer Hartlepool Partnership saw it (a date of our choosing)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from exports.publication import publish_with_pack
from rules.periods import Quarter
from settings import Settings
from store.db import Engine, reading
from store.publishing import VersionInfo, quarter_state
from store.users import Principal

DEMO_PUBLISHED = Quarter.parse("2016-17-Q3")
COMMITTEE_DAY = dt.datetime(2017, 1, 17, 12, 0, tzinfo=dt.UTC)
DEMO_LEAD = Principal("demo", "lead")


@dataclasses.dataclass(frozen=True)
class DemoPublication:
    """The quarter a demo publishes, the day its committee met, and who met."""

    quarter: Quarter
    day: dt.datetime
    committee: str | None = None  # None: the committee named in the settings


HAVERING_PUBLICATION = DemoPublication(DEMO_PUBLISHED, COMMITTEE_DAY)
HARTLEPOOL_PUBLICATION = DemoPublication(
    Quarter.parse("2024-25-Q3"), dt.datetime(2025, 2, 12, 12, 0, tzinfo=dt.UTC), "Safer Hartlepool Partnership"
)


def publish_demo(engine: Engine, settings: Settings, plan: DemoPublication = HAVERING_PUBLICATION) -> VersionInfo | None:
    """Publish the demo's quarter for the settings' home area (about 15 s: the pack is made in
    Word, PDF and HTML); None, and nothing done, when it is published already (``cspdash demo``
    run again)."""
    with reading(engine) as session:
        if quarter_state(session, plan.quarter, settings.home_area).is_published:
            return None
    if plan.committee:  # the pack names the committee: the demo's own, not the settings' default
        settings = dataclasses.replace(settings, committee_name=plan.committee)
    return publish_with_pack(
        engine, plan.quarter, settings.home_area, settings, DEMO_LEAD,
        note=f"{settings.committee_name}, {plan.day.day} {plan.day:%B %Y}",
        date=plan.day.date(), now=plan.day,
    )  # fmt: skip
