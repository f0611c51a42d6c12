"""People by the names they go by: a user's display name ("Priya Shah") wherever a page or a
pack names who published, submitted or re-opened a quarter, in place of the login name they
sign in with (``priya``). The stored records keep the login name; only what is shown changes.
"""

from __future__ import annotations

from dataclasses import replace

from store.db import Session
from store.publishing import QuarterStatus, VersionInfo
from store.revisions import RevisionReport
from store.users import display_names


def named_version(info: VersionInfo, names: dict[str, str]) -> VersionInfo:
    return replace(info, published_by=names.get(info.published_by, info.published_by))


def named_status(session: Session, status: QuarterStatus) -> QuarterStatus:
    """``status`` with each person named by their display name (its headline says "by Lee Okafor")."""
    names = display_names(session, [status.changed_by, *(v.published_by for v in status.versions)])
    if not names:
        return status
    changed_by = names.get(status.changed_by, status.changed_by) if status.changed_by else status.changed_by
    return replace(status, changed_by=changed_by, versions=[named_version(v, names) for v in status.versions])


def named_report(session: Session, report: RevisionReport | None) -> RevisionReport | None:
    if report is None:
        return None
    return replace(report, version=named_version(report.version, display_names(session, [report.version.published_by])))


def shown_name(session: Session, login: str | None) -> str | None:
    """One person's shown name (None stays None)."""
    return display_names(session, [login]).get(login, login) if login else login
