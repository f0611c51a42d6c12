"""The line at the foot of every page, pack page and embed (issue 20 part 3):
"Data up to March 2017; last updated 6 December 2026; contact analyst@council.gov.uk."

Worded here once; the shell's footer, the Word and PDF packs' footers and the embeds use it.
"Data up to" is the last month held for the figures shown (a pack's quarter's last month, or
the latest month any source holds), "last updated" the latest load, and the contact the
``CSPDASH_CONTACT`` setting or else the report author's email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reporting.headlines import as_utc
from rules.periods import Quarter
from settings import Settings
from store.db import Session, get_engine, reading
from store.queries import data_dates
from views.wording import month_label


@dataclass(frozen=True)
class DataDates:
    up_to: str | None  # "2017-03"
    last_updated: date | None


def contact_of(settings: Settings) -> str:
    return settings.contact or settings.report_author_email


def dates_in(session: Session, period: Quarter | None = None) -> DataDates:
    """The dates for the figures of ``period`` (default: everything held)."""
    month, loaded = data_dates(session)
    if period is not None:
        last = period.months()[-1]
        month = min(month, last) if month else last
    return DataDates(month, as_utc(loaded).date() if isinstance(loaded, datetime) else None)


def data_line(dates: DataDates, contact: str) -> str:
    parts = [f"Data up to {month_label(dates.up_to)}" if dates.up_to else "No figures loaded yet"]
    if dates.last_updated:
        parts.append(f"last updated {dates.last_updated.day} {dates.last_updated:%B %Y}")
    if contact:
        parts.append(f"contact {contact}")
    return "; ".join(parts) + "."


def site_data_line(settings: Settings, period: Quarter | None = None) -> str:
    """The line for a page or an embed, read in its own session."""
    with reading(get_engine(settings.database_url)) as session:
        return data_line(dates_in(session, period), contact_of(settings))
