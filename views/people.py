"""People by the names they go by: a user's display name ("Priya Shah") wherever a page or a
pack names who published, submitted or re-opened a quarter, in place of the login name they
sign in with (``priya``). The stored records keep the login name; only what is shown changes.
"""

from __future__ import annotations

from dataclasses import replace

from store.db import Session
from store.publishing import QuarterStatus, VersionInfo
from store.revisions import ChangeSource, RevisionReport
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


def named_source(source: ChangeSource, names: dict[str, str]) -> ChangeSource:
    """What changed a figure, naming its editor by display name ("target edited on the web by Priya Shah")."""
    shown = names.get(source.by)
    if not shown or shown == source.by:
        return source
    what = source.what[: -len(source.by)] + shown if source.what.endswith(f" by {source.by}") else source.what
    return replace(source, by=shown, what=what)


def named_report(session: Session, report: RevisionReport | None) -> RevisionReport | None:
    """``report`` with its version's publisher and each change's editor by display name."""
    if report is None:
        return None
    people = [report.version.published_by, *(s.by for r in report.revisions for s in r.sources)]
    names = display_names(session, people)
    revisions = [replace(r, sources=[named_source(s, names) for s in r.sources]) for r in report.revisions]
    return replace(report, version=named_version(report.version, names), revisions=revisions)


def shown_name(session: Session, login: str | None) -> str | None:
    """One person's shown name (None stays None)."""
    return display_names(session, [login]).get(login, login) if login else login
