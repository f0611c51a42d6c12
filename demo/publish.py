"""The demo's publishing history: Q3 2016/17 published as Havering's Crime & Disorder
sub-committee saw it on 17 January 2017; Q4 2016/17 left a draft. So readers of the demo land
on the published report and analysts see the draft they are working on."""

from __future__ import annotations

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


def publish_demo(engine: Engine, settings: Settings) -> VersionInfo | None:
    """Publish the demo's Q3 2016/17 (about 15 s: the pack is made in Word, PDF and HTML);
    None, and nothing done, when it is published already (``cspdash demo`` run again)."""
    with reading(engine) as session:
        if quarter_state(session, DEMO_PUBLISHED, settings.home_area).is_published:
            return None
    return publish_with_pack(
        engine, DEMO_PUBLISHED, settings.home_area, settings, DEMO_LEAD,
        note=f"{settings.committee_name}, {COMMITTEE_DAY.day} {COMMITTEE_DAY:%B %Y}",
        date=COMMITTEE_DAY.date(), now=COMMITTEE_DAY,
    )  # fmt: skip
