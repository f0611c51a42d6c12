"""``cspdash notify``: email subscribers what is due to them (#22 part 3).

Run it every few minutes from cron or a systemd timer (docs/running.md). Each run records
overdue corrective actions (when the module keeping them provides the hook), then, for every
active user with subscriptions and an email address, sends at most one digest an hour of their
subscribed events and each overdue-action notice at once, through ``CSPDASH_SMTP_URL`` from
``CSPDASH_MAIL_FROM``, each message in plain text and HTML with its figures and links starting
``CSPDASH_BASE_URL``. A message is marked sent only once the server accepted it; a failure is
logged and kept with the time of the next try (5, 10, 20 … minutes, at most 6 hours), so no
event is lost.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import click

from cli.common import AppContext, pass_app
from reporting.notifications import Message, NotificationError, SmtpSettings, digest_message, due, parse_smtp_url
from settings import Settings
from store.db import Engine, session_scope
from store.notifications import mark_failed, mark_sent, pending, recipients, record_overdue_actions, record_safely

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 30  # seconds: a mail server that never answers must not hang the timer


@dataclass
class NotifyReport:
    sent: list[str] = field(default_factory=list)  # "priya: Community safety performance: 2 changes"
    failed: list[str] = field(default_factory=list)  # "priya: 451 try later (next try 10:05 UTC)"
    no_address: list[str] = field(default_factory=list)  # users with events due but no email address
    overdue_recorded: int = 0
    mail_ready: bool = True

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.overdue_recorded:
            out.append(f"Recorded {self.overdue_recorded} overdue corrective action{'s' if self.overdue_recorded != 1 else ''}.")
        if not self.mail_ready:
            out.append(
                "Email is not set up (CSPDASH_SMTP_URL and CSPDASH_MAIL_FROM): nothing was sent; events stay recorded until it is."
            )
            return out
        out += [f"Sent to {line}" for line in self.sent]
        out += [f"Not sent to {line}" for line in self.failed]
        out += [
            f"{name} has events due but no email address: give one with `cspdash users set {name} --email ADDRESS`."
            for name in self.no_address
        ]
        if not self.sent and not self.failed:
            out.append("Nothing is due.")
        return out


def build_email(message: Message, sender: str, to_name: str, to_address: str) -> EmailMessage:
    """A multipart/alternative email: the plain text first, the HTML as the richer choice."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = formataddr((to_name, to_address))
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    email.set_content(message.text)
    email.add_alternative(f"<!doctype html><html><body>{message.html}</body></html>", subtype="html")
    return email


@contextmanager
def smtp_connection(settings: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """An open, signed-in connection to the mail server, closed afterwards."""
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if settings.ssl:
        server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=SMTP_TIMEOUT, context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT)
    try:
        server.ehlo()
        if settings.starttls:
            server.starttls(context=context)
            server.ehlo()
        if settings.user:
            server.login(settings.user, settings.password or "")
        yield server
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()


def _error_words(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
        return f"the mail server answered {error.smtp_code} {reply}".strip()
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the address: " + "; ".join(
            f"{who} ({code} {text.decode(errors='replace') if isinstance(text, bytes) else text})"
            for who, (code, text) in error.recipients.items()
        )
    return f"{type(error).__name__}: {error}"


def record_overdue(engine: Engine, now: datetime) -> int:
    """Record the corrective actions now overdue; never stops the sending."""
    counted: list[int] = []
    try:
        with session_scope(engine) as session:
            record_safely(session, "action_overdue", lambda: counted.append(record_overdue_actions(session, now)))
    except Exception:
        log.exception("could not record overdue corrective actions")
    return sum(counted)


def send_due(engine: Engine, settings: Settings, now: datetime | None = None) -> NotifyReport:
    """Send everything due at ``now`` (see the module's docstring); return what happened."""
    now = now or datetime.now(UTC)
    report = NotifyReport(overdue_recorded=record_overdue(engine, now), mail_ready=settings.mail_ready)
    if not settings.mail_ready:
        return report
    smtp = parse_smtp_url(settings.smtp_url or "")
    site = settings.base_url or ""
    sender = settings.mail_from or ""
    plans: list[tuple[int, str, str, str, Message, list[int]]] = []
    with session_scope(engine) as session:
        for person in recipients(session):
            now_due = due(person.subscribed, pending(session, person, now), person.last_digest, now)
            batches = [[h] for h in now_due.overdue] + ([now_due.digest] if now_due.digest else [])
            if not batches:
                continue
            if not person.email:
                report.no_address.append(person.name)
                continue
            for batch in batches:
                plans.append((person.user_id, person.name, person.shown, person.email,
                              digest_message(person.shown, batch, site), [h.id for h in batch]))  # fmt: skip
    if not plans:
        return report
    handled: set[int] = set()
    try:
        with smtp_connection(smtp) as server:
            for index, (user_id, name, shown, address, message, ids) in enumerate(plans):
                try:
                    server.send_message(build_email(message, sender, shown, address))
                except (smtplib.SMTPServerDisconnected, OSError):
                    raise  # the line is gone: every message not yet sent waits for the next run
                except smtplib.SMTPException as error:  # refused this message: the others may go
                    handled.add(index)
                    _failed(engine, report, user_id, name, ids, _error_words(error), now)
                    continue
                handled.add(index)
                with session_scope(engine) as session:
                    mark_sent(session, user_id, ids, now)
                report.sent.append(f"{name} <{address}>: {message.subject}")
    except (smtplib.SMTPException, OSError) as error:  # could not connect or sign in, or the line dropped
        words = _error_words(error)
        for index, (user_id, name, _shown, _address, _message, ids) in enumerate(plans):
            if index not in handled:
                _failed(engine, report, user_id, name, ids, words, now)
    return report


def _failed(engine: Engine, report: NotifyReport, user_id: int, name: str, ids: list[int], words: str, now: datetime) -> None:
    log.warning("could not email %s: %s", name, words)
    with session_scope(engine) as session:
        when = mark_failed(session, user_id, ids, words, now)
    report.failed.append(f"{name}: {words} (tried again from {when:%Y-%m-%d %H:%M} UTC)" if when else f"{name}: {words}")


@click.command("notify")
@pass_app
def notify(app: AppContext) -> None:
    """Email subscribers what is due: a digest of their events at most once an hour, and each
    overdue corrective action at once (see `cspdash users subscribe`). Run it every few minutes
    from cron or a systemd timer. Mail goes through CSPDASH_SMTP_URL from CSPDASH_MAIL_FROM, with
    links starting CSPDASH_BASE_URL. A failed send is logged and tried again on a later run (after
    5, 10, 20 … minutes); exits with status 1 when any send failed."""
    settings = app.settings
    if settings.mail_ready and not settings.base_url:
        raise click.ClickException("Set CSPDASH_BASE_URL to the site's public address (https://…) so messages can link to it.")
    try:
        report = send_due(app.engine(), settings)
    except NotificationError as error:
        raise click.ClickException(f"CSPDASH_SMTP_URL: {error}.") from None
    for line in report.lines():
        click.echo(line)
    if report.failed:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(notify)
