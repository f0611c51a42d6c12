"""The partnerships a reader may read, each with its latest published quarter and that quarter's
RAG summary in words and counts (issue 23: the landing page ``/partnerships``).

Read in one session: the partnerships, which quarters each has published, and the summary
frozen in each one's latest version (never today's figures: the landing page shows what was
signed off). A private partnership is listed only to its members and administrators, the same
test ``web.access`` applies before a private partnership's page is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from rules.periods import Quarter
from rules.rating import Rating
from rules.summary import RagCounts
from settings import Settings
from store.db import Session, get_engine, reading
from store.partnerships import PartnershipInfo, held_codes, list_partnerships
from store.published import published_quarters, published_scorecard
from store.users import Principal

NOTHING_PUBLISHED = "No report published yet"
SCORECARD_PATH = "/"


@dataclass(frozen=True)
class PartnershipSummary:
    """One line of the landing page: a partnership and its latest published report, if any."""

    code: str
    name: str
    private: bool
    period: str | None  # "2016-17-Q3"; None when nothing is published
    period_label: str | None  # "Q3 2016/17"
    counts: RagCounts | None
    ratings: str  # "3 Green, 1 Amber, 2 Red" or NOTHING_PUBLISHED
    summary: str  # "Q3 2016/17: 3 Green, 1 Amber, 2 Red" or NOTHING_PUBLISHED
    href: str  # the scorecard of that quarter for the partnership's area


def may_read(info: PartnershipInfo, reader: Principal | None) -> bool:
    """Public partnerships are read by anyone who may read at all; a private one only by its
    members and administrators (``Principal.member_of``, as ``web.access`` checks)."""
    return not info.private or (reader is not None and reader.member_of(info.code))


def counts_words(counts: RagCounts) -> str:
    """ "3 Green, 1 Amber, 2 Red", naming indicators not rated or without a figure too, so a
    partial report never reads as complete; "no indicators" when there are none."""
    parts = [f"{counts.count(r)} {r.value}" for r in (Rating.GREEN, Rating.AMBER, Rating.RED)]
    if counts.not_rated:
        parts.append(f"{counts.not_rated} {Rating.NOT_RATED.value}")
    if counts.no_data:
        parts.append(f"{counts.no_data} with no figure")
    return ", ".join(parts) if counts.total else "no indicators"


def scorecard_href(code: str, period: str | None) -> str:
    """The partnership's scorecard (of ``period``), at its own address: ``/p/CODE/?period=…``,
    where the page shows that partnership's indicators for its area."""
    query = f"?{urlencode({'period': period})}" if period else ""
    return f"/p/{quote(code, safe='')}{SCORECARD_PATH}{query}"


def _latest_published(session: Session) -> dict[str, Quarter]:
    latest: dict[str, Quarter] = {}
    for quarter, area in published_quarters(session):  # sorted oldest first
        latest[area] = quarter
    return latest


def summaries_in(session: Session, reader: Principal | None) -> list[PartnershipSummary]:
    latest = _latest_published(session)
    out = []
    for info in list_partnerships(session):
        if not may_read(info, reader):
            continue
        quarter = latest.get(info.code)
        published = published_scorecard(session, quarter, info.code) if quarter is not None else None
        if quarter is None or published is None:
            out.append(PartnershipSummary(info.code, info.name, info.private, None, None, None, NOTHING_PUBLISHED,
                                          NOTHING_PUBLISHED, scorecard_href(info.code, None)))  # fmt: skip
            continue
        counts = published.card.summary.overall
        words = counts_words(counts)
        out.append(
            PartnershipSummary(
                info.code,
                info.name,
                info.private,
                quarter.key,
                quarter.label,
                counts,
                words,
                f"{quarter.label}: {words}",
                scorecard_href(info.code, quarter.key),
            )  # fmt: skip
        )
    return out


def partnership_summaries(settings: Settings, reader: Principal | None) -> list[PartnershipSummary]:
    """Every partnership ``reader`` may read (None: nobody signed in), by code."""
    with reading(get_engine(settings.database_url)) as session:
        return summaries_in(session, reader)


def several_partnerships(settings: Settings) -> bool:
    """Whether more than one partnership is held (the menu offers the list only then)."""
    with reading(get_engine(settings.database_url)) as session:
        return len(held_codes(session)) > 1
