"""Telling people when a rating changes (#22 part 3), as rules: the events a user can subscribe
to, which recorded events are due to a user now (a digest at most once an hour; an overdue
corrective action on its own, at once), the message each gets in plain text and HTML, when a
failed send is tried again, and what ``CSPDASH_SMTP_URL`` says.

Pure: the store records events and subscriptions and marks what was sent; a sender (not yet
built) posts the messages. An event is never dropped here: what is not due now stays pending.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

DIGEST_GAP = timedelta(hours=1)  # at most one digest per user per hour
RETRY_FIRST = timedelta(minutes=5)  # a failed send is tried again after 5, 10, 20 … minutes
RETRY_MOST = timedelta(hours=6)
ALERTS_PAGE = "/alerts"  # where a signed-in user chooses what they are sent


class Event(enum.StrEnum):
    PUBLISHED = "published"
    RATING_CHANGED = "rating_changed"
    SPECIAL_CAUSE = "special_cause"
    ACTION_OVERDUE = "action_overdue"


EVENT_WORDS = {
    Event.PUBLISHED: "a quarter is published",
    Event.RATING_CHANGED: "an indicator's rating changes",
    Event.SPECIAL_CAUSE: "an SPC chart shows special cause variation",
    Event.ACTION_OVERDUE: "a corrective action is overdue",
}


class NotificationError(ValueError):
    """Subscription or mail settings that cannot be used, with the reason in words."""


def parse_events(text: str | Iterable[str]) -> list[Event]:
    """Events as people list them (``published, rating_changed``), each once, in the order
    given. Refuses an unknown one naming it and the choices."""
    words = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    out: list[Event] = []
    for word in (w.strip().lower() for w in words):
        if not word:
            continue
        try:
            event = Event(word)
        except ValueError:
            raise NotificationError(f"{word!r} is not an event; choose from {', '.join(e.value for e in Event)}") from None
        if event not in out:
            out.append(event)
    if not out:
        raise NotificationError(f"name at least one event: {', '.join(e.value for e in Event)}")
    return out


@dataclass(frozen=True)
class Happening:
    """A recorded event, in words with its figures, and the page that shows it."""

    id: int
    kind: Event
    at: datetime
    summary: str  # "CSP1 Total notifiable offences, Havering, Q3 2016/17: Amber → Red (12,874 against 12,400)"
    link: str  # path on the site: /indicator/CSP1?period=2016-17-Q3&area=E09000016


@dataclass(frozen=True)
class Due:
    """What one user is sent now: a digest of their subscribed events, and overdue-action
    notices (each sent on its own, not held back for the digest)."""

    digest: list[Happening]
    overdue: list[Happening]


def due(subscribed: set[Event], pending: Sequence[Happening], last_digest: datetime | None, now: datetime) -> Due:
    """What is due to a user at ``now`` from the events recorded since they were last sent
    (``pending``): their subscribed events as one digest when an hour has passed since the last
    one, and any overdue corrective actions they subscribe to at once. What is not due stays
    pending (the caller marks only what it sent)."""
    mine = sorted((h for h in pending if h.kind in subscribed), key=lambda h: (h.at, h.id))
    overdue = [h for h in mine if h.kind is Event.ACTION_OVERDUE]
    rest = [h for h in mine if h.kind is not Event.ACTION_OVERDUE]
    digest_due = last_digest is None or now - last_digest >= DIGEST_GAP
    return Due(rest if digest_due else [], overdue)


def next_attempt(failures: int, last_failure: datetime) -> datetime:
    """When to try a failed send again: 5 minutes after the first failure, doubling, at most 6 hours."""
    wait: timedelta = RETRY_FIRST * (2 ** max(failures - 1, 0))
    return last_failure + min(wait, RETRY_MOST)


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def digest_message(user: str, happenings: Sequence[Happening], site: str) -> Message:
    """One email for a user's due events, newest last, each with its figures and a link."""
    if not happenings:
        raise NotificationError("a digest needs at least one event")
    base = site.rstrip("/")
    overdue = all(h.kind is Event.ACTION_OVERDUE for h in happenings)
    what = "Corrective action overdue" if overdue else f"{len(happenings)} change{'s' if len(happenings) != 1 else ''}"
    subject = f"Community safety performance: {what}"
    lines = [f"Hello {user},", "", f"Since your last update, {'these' if len(happenings) != 1 else 'this'} happened:", ""]
    for h in happenings:
        lines += [f"- {h.summary}", f"  {base}{h.link}"]
    lines += [
        "",
        "You receive these because you subscribed to them; change that on the Email alerts page:",
        f"{base}{ALERTS_PAGE}",
    ]
    items = "".join(
        f'<li>{html.escape(h.summary)} <a href="{html.escape(base + h.link, quote=True)}">Open</a></li>' for h in happenings
    )
    body = (
        f"<p>Hello {html.escape(user)},</p><p>Since your last update, {'these' if len(happenings) != 1 else 'this'} happened:</p>"
        f"<ul>{items}</ul><p>You receive these because you subscribed to them; change that on the "
        f'<a href="{html.escape(base + ALERTS_PAGE, quote=True)}">Email alerts page</a>.</p>'
    )
    return Message(subject, "\n".join(lines) + "\n", body)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool
    ssl: bool  # smtps://: TLS from the first byte

    def __repr__(self) -> str:  # never the password, in logs or tracebacks
        return f"SmtpSettings(host={self.host!r}, port={self.port}, user={self.user!r}, starttls={self.starttls}, ssl={self.ssl})"


def parse_smtp_url(url: str) -> SmtpSettings:
    """``smtp://user:password@host:587?starttls=true`` (or ``smtps://host:465``) as settings.
    Refuses anything else saying what is wrong, without repeating the password."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise NotificationError(f"the mail server address must start smtp:// or smtps://, not {parts.scheme or 'nothing'}://")
    if not parts.hostname:
        raise NotificationError("the mail server address names no host, like smtp://mail.example.org:587")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise NotificationError("the mail server address's port must be a number from 1 to 65535") from None
    options = {k.lower(): v[-1].strip().lower() for k, v in parse_qs(parts.query).items()}
    unknown = set(options) - {"starttls"}
    if unknown:
        raise NotificationError(f"the mail server address has options {', '.join(sorted(unknown))}; only starttls is understood")
    flag = options.get("starttls", "false")
    if flag not in ("true", "false", "1", "0", "yes", "no"):
        raise NotificationError(f"starttls must be true or false, not {flag!r}")
    return SmtpSettings(
        parts.hostname, port, unquote(parts.username) if parts.username else None, unquote(parts.password) if parts.password else None,
        flag in ("true", "1", "yes"), parts.scheme == "smtps",
    )  # fmt: skip


def describe_subscription(events: Iterable[Event], mail_ready: bool) -> str:
    """What a subscription means, in words for the page and the CLI."""
    chosen = [EVENT_WORDS[e] for e in events]
    said = "; ".join(chosen) if chosen else "nothing"
    if not mail_ready:
        return f"Recorded: you will be told when {said}. Email is not set up on this site yet, so nothing is sent until it is."
    return f"You will be emailed when {said} (at most one summary an hour; overdue actions at once)."


__all__ = [
    "DIGEST_GAP", "Due", "Event", "EVENT_WORDS", "Happening", "Message", "NotificationError", "SmtpSettings",
    "describe_subscription", "digest_message", "due", "next_attempt", "parse_events", "parse_smtp_url",
]  # fmt: skip
