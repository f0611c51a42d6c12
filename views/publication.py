"""What the pages show about publishing: where a quarter stands (draft, submitted, published),
the figures as published (``?as=published[&version=N]``) and what has been revised since.

Cached like ``views.data``: keyed by (database URL, data version, arguments). Publishing,
submitting and re-opening change the data version, so the next page load sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rules.periods import Quarter
from store.db import get_engine, reading
from store.publishing import (
    PublishedScorecard,
    QuarterStatus,
    published_demand,
    published_indicator_detail,
    published_scorecard,
    quarter_state,
)
from store.queries import DemandPanel, IndicatorDetail
from store.revisions import Revision, RevisionReport, indicator_series_revisions, revisions
from views.data import version as data_version

DRAFT_BANNER = "Draft — not yet published"


class NotPublished(Exception):
    """``?as=published`` for a quarter (or version) that was never published; the message says so."""


@dataclass(frozen=True)
class Publication:
    """One page's view of a quarter's publication: its state, whether the page shows the
    frozen figures, and what changed since the version compared."""

    status: QuarterStatus
    as_published: bool
    version: int | None  # the version asked for (None: the latest)
    report: RevisionReport | None  # current figures against the published version

    @property
    def draft(self) -> bool:
        return not self.status.is_published

    @property
    def changes(self) -> list[Revision]:
        return self.report.revisions if self.report else []

    def note(self, code: str, field_name: str) -> str | None:
        """``revised since publication on 17 January 2017: was 13,143, now 13,168`` or None."""
        if self.report is None or self.as_published:
            return None
        revision = self.report.revised(code, field_name)
        return None if revision is None else self.report.note(revision)


def parse_request(as_: object, version: object) -> tuple[bool, int | None, str | None]:
    """``as`` and ``version`` from a query string: (as published?, version, error)."""
    as_published = str(as_ or "").strip().lower() == "published"
    if version in (None, ""):
        return as_published, None, None
    try:
        number = int(str(version))
        if number < 1:
            raise ValueError
    except ValueError:
        return as_published, None, f"The version must be a whole number from 1, not {str(version)[:20]!r}."
    return as_published, number, None


@lru_cache(maxsize=64)
def _publication(url: str, v: tuple, period: Quarter, area: str, as_published: bool, version: int | None) -> Publication:
    with reading(get_engine(url)) as session:
        status = quarter_state(session, period, area)
        numbers = [i.version for i in status.versions]
        if version is not None and version not in numbers:
            raise NotPublished(_missing_text(period, version, numbers))
        if as_published and not numbers:
            raise NotPublished(
                f"{period.label} has not been published for this area yet, so there is no published version to show."
            )
        report = revisions(session, period, area, version) if numbers else None
        return Publication(status, as_published, version, report)


def _missing_text(period: Quarter, version: int, numbers: list[int]) -> str:
    if not numbers:
        return f"{period.label} has not been published for this area yet, so there is no version {version}."
    held = ", ".join(str(n) for n in numbers)
    return f"There is no version {version} of {period.label} for this area: published versions are {held}."


def publication(url: str, period: Quarter, area: str, as_published: bool = False, version: int | None = None) -> Publication:
    """Raises NotPublished when the frozen figures asked for do not exist."""
    return _publication(url, data_version(url), period, area, as_published, version)


@lru_cache(maxsize=192)
def _read(url: str, v: tuple, reader: Callable[..., Any], args: tuple) -> Any:
    """``reader(session, *args)`` for the frozen figures, cached by the data version."""
    with reading(get_engine(url)) as session:
        return reader(session, *args)


def _frozen(url: str, reader: Callable[..., Any], args: tuple, missing: str) -> Any:
    """What ``reader`` finds; NotPublished with ``missing`` when it finds nothing."""
    found = _read(url, data_version(url), reader, args)
    if found is None:
        raise NotPublished(missing)
    return found


def frozen_scorecard(url: str, period: Quarter, area: str, version: int | None = None) -> PublishedScorecard:
    return _frozen(url, published_scorecard, (period, area, version), f"{period.label} has not been published for this area yet.")


def frozen_detail(url: str, code: str, period: Quarter, area: str, version: int | None = None) -> IndicatorDetail:
    missing = f"{code} was not part of the published {period.label} report for this area."
    return _frozen(url, published_indicator_detail, (code, period, area, version), missing)


def frozen_demand(url: str, period: Quarter, area: str, version: int | None = None) -> list[DemandPanel]:
    return _frozen(url, published_demand, (period, area, version), f"{period.label} has not been published for this area yet.")


def series_revisions(url: str, code: str, period: Quarter, area: str, version: int | None = None) -> list:
    return _read(url, data_version(url), indicator_series_revisions, (code, period, area, version)) or []


def publication_query(base_query: str, as_published: bool, version: int | None = None) -> str:
    """The page's ``?period=…&area=…`` with (or without) ``as=published`` and ``version``."""
    extra = ("&as=published" if as_published else "") + (f"&version={version}" if as_published and version else "")
    return base_query + extra


def clear_caches() -> None:
    for f in (_publication, _read):
        f.cache_clear()


def published_pack(url: str, period: Quarter, area: str, fmt: str, version: int | None = None):  # -> PublishedPack
    """A stored pack file, byte for byte as published; raises NotPublished if there is none."""
    from store.publishing import published_file

    with reading(get_engine(url)) as session:
        found = published_file(session, period, area, fmt, version)
    if found is None:
        raise NotPublished(
            f"No {fmt} pack was published for {period.label} in this area" + (f" as version {version}." if version else ".")
        )
    return found
