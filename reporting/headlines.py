"""The sentences that say where a quarter's report stands: ``Version 1, published on 17 January
2017 by lee``, ``Draft — not yet published. Submitted for sign-off on …``, and the note beside a
figure revised since publication. One wording for the banner, the CLI and the pack."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


@overload
def as_utc(at: datetime) -> datetime: ...
@overload
def as_utc(at: None) -> None: ...
def as_utc(at: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC), PostgreSQL aware ones."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def day_label(at: datetime | None) -> str:
    """``17 January 2017``."""
    at = as_utc(at)
    return "" if at is None else f"{at.day} {at:%B %Y}"


def version_headline(version: int, published_at: datetime | None, published_by: str) -> str:
    """``Version 1, published on 17 January 2017 by lee``."""
    return f"Version {version}, published on {day_label(published_at)} by {published_by}"


def status_headline(
    state: str, changed_at: datetime | None, changed_by: str | None, note: str, *, reopened: bool, latest: str | None
) -> str:
    """One sentence for a banner or the CLI. ``latest``: the latest published version's
    headline (None when never published); ``reopened``: a draft that was published before."""
    if state == "published" and latest:
        return f"Published: {latest}."
    if state == "submitted":
        text = f"Draft — not yet published. Submitted for sign-off on {day_label(changed_at)} by {changed_by}."
    elif reopened:
        text = f"Draft — not yet published. Re-opened on {day_label(changed_at)} by {changed_by}: {note}"
    else:
        return "Draft — not yet published."
    if latest:
        text += f" The latest published is {latest[0].lower()}{latest[1:]}."
    return text


def revised_note(published_at: datetime | None, published_text: str, current_text: str) -> str:
    """``revised since publication on 17 January 2017: was 13,143, now 13,168``."""
    return f"revised since publication on {day_label(published_at)}: was {published_text}, now {current_text}"
