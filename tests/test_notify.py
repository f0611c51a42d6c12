"""People told when it matters (#22 part 3), on SQLite and PostgreSQL: subscriptions (store and
`cspdash users subscribe`), events recorded when a quarter is published (``published``,
``rating_changed``) and after a load (``special_cause``), recording that fails without failing
the publish or the load, and `cspdash notify` sending through a real SMTP server (aiosmtpd on
127.0.0.1): subject, plain and HTML parts, figures and link; one digest an hour; overdue actions
at once; a refused or unreachable server retried later without losing the event."""

from __future__ import annotations

import email
import socket
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select, text

from cli.main import cli
from cli.notify import send_due
from reporting.notifications import Event
from rules.periods import Quarter
from settings import Settings
from store.db import session_scope
from store.edits import TargetKey, TargetValues, save_target
from store.notification_models import NotificationDelivery
from store.notifications import (
    deliveries,
    record_event,
    record_special_causes,
    recorded_events,
    subscribe,
    subscriptions,
    unsubscribe,
)
from store.publication_models import PublishedVersion
from store.publishing import publish_quarter, reopen_quarter
from store.users import Principal, add_user

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"
LEAD = Principal("lee", "lead")
FILES = {"html": b"<!doctype html><title>pack</title>"}
SITE = "https://csp.example.org"
PASSWORD = "a long passphrase"


# ----- a real SMTP server ----------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler: keeps each accepted message; refuses the next ``refuse`` messages with 451."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(port: int | None = None, **options):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or _free_port(), **options)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def mail_settings(database_url: str, port: int) -> Settings:
    return replace(
        Settings.from_env({"DATABASE_URL": database_url}),
        smtp_url=f"smtp://127.0.0.1:{port}",
        mail_from="CSP performance <csp@example.org>",
        base_url=SITE,
    )


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    assert plain is not None and rich is not None, "multipart: plain text and HTML"
    return plain.get_content().replace("\r\n", "\n"), rich.get_content().replace("\r\n", "\n")


# ----- helpers ---------------------------------------------------------------------------------


def add_person(engine, name: str = "priya", email_address: str | None = "priya@council.example.gov.uk", *events: Event) -> None:
    with session_scope(engine) as session:
        add_user(session, name, PASSWORD, "analyst", email=email_address)
        if events:
            subscribe(session, name, events)


def publish(engine, by: Principal = LEAD, **kwargs):
    with session_scope(engine) as session:
        return publish_quarter(session, Q3, HAVERING, by, files=FILES, **kwargs)


def events_of(engine, kind: Event | None = None):
    with session_scope(engine) as session:
        return recorded_events(session, kind)


# ----- subscriptions -----------------------------------------------------------------------------


def test_notify_subscribe_and_unsubscribe_in_the_store(engine) -> None:
    add_person(engine)
    with session_scope(engine) as session:
        assert subscribe(session, "Priya", [Event.RATING_CHANGED, Event.PUBLISHED, Event.PUBLISHED]) == [
            Event.PUBLISHED, Event.RATING_CHANGED,
        ]  # fmt: skip
        assert subscribe(session, "priya", [Event.PUBLISHED]) == [Event.PUBLISHED, Event.RATING_CHANGED]
        assert unsubscribe(session, "priya", [Event.PUBLISHED, Event.SPECIAL_CAUSE]) == [Event.RATING_CHANGED]
    with session_scope(engine) as session:
        assert subscriptions(session, "priya") == [Event.RATING_CHANGED]


def test_notify_cli_subscribe_without_mail_settings_records_and_says_email_is_not_set_up(
    engine, database_url, monkeypatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("CSPDASH_SMTP_URL", "CSPDASH_MAIL_FROM", "CSPDASH_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    add_person(engine)
    runner = CliRunner()
    result = runner.invoke(cli, ["users", "subscribe", "priya", "published", "rating_changed"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "priya is subscribed to: published, rating_changed." in result.output
    assert "Email is not set up on this site yet" in result.output
    bad = runner.invoke(cli, ["users", "subscribe", "priya", "tea_break"])
    assert bad.exit_code == 2 and "'tea_break' is not an event; choose from published" in bad.output
    nobody = runner.invoke(cli, ["users", "subscribe", "nobody", "published"])
    assert nobody.exit_code == 1 and "no user called 'nobody'" in nobody.output
    result = runner.invoke(cli, ["users", "unsubscribe", "priya", "published"], catch_exceptions=False)
    assert result.output == "priya is subscribed to: rating_changed.\n"
    result = runner.invoke(cli, ["notify"], catch_exceptions=False)
    assert result.exit_code == 0 and "Email is not set up" in result.output
    with session_scope(engine) as session:
        assert subscriptions(session, "priya") == [Event.RATING_CHANGED]


def test_notify_migration_0019_downgrades_and_upgrades_with_users_kept(engine) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from store.schema import alembic_config, current_revision, head_revision, upgrade

    add_person(engine, "priya", "priya@council.example.gov.uk", Event.PUBLISHED)
    tables = {"notification_subscription", "notification_event", "notification_delivery"}
    assert tables <= set(inspect(engine).get_table_names())
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0018_csp_crime")
    engine.dispose()
    assert not tables & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert current_revision(engine) == head_revision() and tables <= set(inspect(engine).get_table_names())
    with session_scope(engine) as session:
        assert subscriptions(session, "priya") == [], "the user stays; subscriptions went with their table"


# ----- events recorded when they happen ----------------------------------------------------------


def test_notify_publishing_records_published_and_a_correction_records_rating_changes(demo_engine) -> None:
    publish(demo_engine)
    published = events_of(demo_engine, Event.PUBLISHED)
    assert len(published) == 1
    first = published[0]
    assert (first.period, first.area, first.indicator) == ("2016-17-Q3", HAVERING, None)
    assert first.summary.startswith("Havering, Q3 2016/17: version 1 published by lee (")
    assert first.link == "/?period=2016-17-Q3&area=E09000016"
    assert events_of(demo_engine, Event.RATING_CHANGED) == [], "a first publication has nothing to compare with"

    # CSP1 (lower is better) is Red at Q3 against 12,400; a target far above the year to date makes it Green.
    with session_scope(demo_engine) as session:
        save_target(
            session,
            TargetKey("CSP1", "2016-17", 3, None),
            TargetValues(99999.0, None, None, 0.0, "abs"),
            "priya",
            datetime.now(UTC),
        )
        reopen_quarter(session, Q3, HAVERING, LEAD, "the target was mistyped")
    publish(demo_engine)
    changed = events_of(demo_engine, Event.RATING_CHANGED)
    assert [e.indicator for e in changed] == ["CSP1"]
    assert "CSP1 Total notifiable offences, Havering, Q3 2016/17: Red (Q3 2016/17) → Green" in changed[0].summary
    assert "against a target of 99,999" in changed[0].summary
    assert changed[0].link == "/indicator/CSP1?period=2016-17-Q3&area=E09000016"
    assert len(events_of(demo_engine, Event.PUBLISHED)) == 2


def test_notify_a_failure_recording_events_never_stops_a_publish_or_a_load(demo_engine, caplog) -> None:
    with session_scope(demo_engine) as session:
        add_user(session, "priya", PASSWORD, "analyst")
        subscribe(session, "priya", [Event.SPECIAL_CAUSE])
    with demo_engine.begin() as conn:  # recording will fail for real: its table is gone
        conn.execute(text("DROP TABLE notification_delivery"))
        conn.execute(text("DROP TABLE notification_event"))
    info = publish(demo_engine)
    assert info.version == 1
    with session_scope(demo_engine) as session:
        assert session.scalar(select(PublishedVersion.version)) == 1, "the publish is stored"
    from tests.conftest import DEMO_DIR
    from tests.helpers import load

    summary = load(demo_engine, "asb", DEMO_DIR / "asb.csv", user="priya")
    assert summary.upload_id is not None and summary.rows > 0, "the load is stored"
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "could not record the published notification; the work itself went ahead" in logged
    assert "could not record the special cause notification; the work itself went ahead" in logged
    assert len([m for m in logged if m.startswith("could not record")]) == 2


def test_notify_a_load_records_special_cause_on_the_latest_period_once(demo_engine) -> None:
    from tests.conftest import DEMO_DIR
    from tests.helpers import load

    load(demo_engine, "asb", DEMO_DIR / "asb.csv", user="priya")
    assert events_of(demo_engine, Event.SPECIAL_CAUSE) == [], "nobody subscribes: nothing is charted or recorded"
    add_person(demo_engine, "priya", "priya@council.example.gov.uk", Event.SPECIAL_CAUSE)
    load(demo_engine, "asb", DEMO_DIR / "asb.csv", user="priya")
    recorded = events_of(demo_engine, Event.SPECIAL_CAUSE)
    # The demo's demand indicator DP1 is outside its limits in March 2017, its latest month; DP3's
    # quarterly limits are still provisional (12 points), so its latest quarter tells nobody.
    assert [(e.indicator, e.area, e.period) for e in recorded] == [("DP1", HAVERING, "2017-03")]
    assert "Havering, 2017-03: " in recorded[0].summary and "is outside the process limits" in recorded[0].summary
    assert recorded[0].link == "/indicator/DP1?period=2016-17-Q4&area=E09000016"
    load(demo_engine, "asb", DEMO_DIR / "asb.csv", user="priya")
    with session_scope(demo_engine) as session:
        assert record_special_causes(session, HAVERING) == 0
    assert len(events_of(demo_engine, Event.SPECIAL_CAUSE)) == 1, "once per indicator, area and period"


# ----- sending -----------------------------------------------------------------------------------


def test_notify_sends_a_digest_with_figures_and_links_at_most_one_an_hour(demo_engine, database_url) -> None:
    add_person(demo_engine, "priya", "priya@council.example.gov.uk", Event.PUBLISHED, Event.ACTION_OVERDUE)
    add_person(demo_engine, "nomail", None, Event.PUBLISHED)
    publish(demo_engine)
    now = datetime.now(UTC) + timedelta(minutes=1)
    with smtp_server() as (inbox, port):
        settings = mail_settings(database_url, port)
        report = send_due(demo_engine, settings, now)
        assert report.failed == [] and report.no_address == ["nomail"]
        assert len(inbox.messages) == 1
        message = inbox.messages[0]
        assert message["Subject"] == "Community safety performance: 1 change"
        assert message["To"] == "priya <priya@council.example.gov.uk>"
        assert message["From"] == "CSP performance <csp@example.org>"
        plain, rich = parts(message)
        assert "Havering, Q3 2016/17: version 1 published by lee (" in plain and " Red" in plain
        assert f"{SITE}/p/E09000016/?period=2016-17-Q3&area=E09000016" in plain
        assert f'href="{SITE}/p/E09000016/?period=2016-17-Q3&amp;area=E09000016"' in rich and "Havering, Q3 2016/17" in rich
        assert plain.startswith("Hello priya,") and f"change that on the Email alerts page:\n{SITE}/alerts" in plain
        assert f'<a href="{SITE}/alerts">Email alerts page</a>' in rich

        # Within the hour: a new event waits for the next digest; an overdue action goes at once.
        with session_scope(demo_engine) as session:
            record_event(session, Event.PUBLISHED, summary="Havering, Q4 2016/17: version 1 published by lee", link="/", now=now)
            record_event(session, Event.ACTION_OVERDUE, summary="CSP1: corrective action due 1 March 2017 is overdue (owner Sam)",
                         link="/indicator/CSP1", now=now)  # fmt: skip
        send_due(demo_engine, settings, now + timedelta(minutes=10))
        assert [m["Subject"] for m in inbox.messages[1:]] == ["Community safety performance: Corrective action overdue"]
        assert "due 1 March 2017 is overdue (owner Sam)" in parts(inbox.messages[1])[0]
        send_due(demo_engine, settings, now + timedelta(minutes=59))
        assert len(inbox.messages) == 2, "at most one digest an hour"
        send_due(demo_engine, settings, now + timedelta(minutes=61))
        assert len(inbox.messages) == 3
        assert "Havering, Q4 2016/17: version 1 published by lee" in parts(inbox.messages[2])[0]
        send_due(demo_engine, settings, now + timedelta(hours=5))
        assert len(inbox.messages) == 3, "each event is sent once"
    with session_scope(demo_engine) as session:
        assert all(d.sent_at is not None for d in deliveries(session, "priya"))
        assert deliveries(session, "nomail") == [], "kept for when an address is given"


def test_notify_a_refused_message_is_retried_later_without_losing_the_event(demo_engine, database_url) -> None:
    add_person(demo_engine, "priya", "priya@council.example.gov.uk", Event.PUBLISHED)
    publish(demo_engine)
    now = datetime.now(UTC) + timedelta(minutes=1)
    with smtp_server() as (inbox, port):
        settings = mail_settings(database_url, port)
        inbox.refuse = 1
        report = send_due(demo_engine, settings, now)
        assert report.sent == [] and len(report.failed) == 1
        assert "451 4.3.0 Try again later" in report.failed[0]
        with session_scope(demo_engine) as session:
            [state] = deliveries(session, "priya")
        assert (state.sent_at, state.attempts, state.next_try) == (None, 1, now + timedelta(minutes=5))
        assert "451" in state.last_error
        assert send_due(demo_engine, settings, now + timedelta(minutes=2)).sent == [], "waits for its next try"
        report = send_due(demo_engine, settings, now + timedelta(minutes=6))
        assert len(report.sent) == 1 and report.failed == []
        assert len(inbox.messages) == 1 and "version 1 published by lee" in parts(inbox.messages[0])[0]
    with session_scope(demo_engine) as session:
        [state] = deliveries(session, "priya")
    assert state.sent_at == now + timedelta(minutes=6) and state.attempts == 2


def test_notify_an_unreachable_server_is_retried_and_the_cli_exits_1(demo_engine, database_url, monkeypatch) -> None:
    add_person(demo_engine, "priya", "priya@council.example.gov.uk", Event.PUBLISHED)
    publish(demo_engine)
    port = _free_port()  # nothing listens here yet
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CSPDASH_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("CSPDASH_MAIL_FROM", "csp@example.org")
    monkeypatch.setenv("CSPDASH_BASE_URL", SITE + "/")
    result = CliRunner().invoke(cli, ["notify"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "Not sent to priya: ConnectionRefusedError" in result.output and "tried again from" in result.output
    with session_scope(demo_engine) as session:
        rows = session.scalars(select(NotificationDelivery)).all()
        assert [(r.sent_at, r.attempts) for r in rows] == [(None, 1)]
        for row in rows:
            row.next_try = datetime.now(UTC) - timedelta(seconds=1)  # as if the wait were over
    with smtp_server(port) as (inbox, _port):
        result = CliRunner().invoke(cli, ["notify"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "Sent to priya <priya@council.example.gov.uk>: Community safety performance: 1 change" in result.output
        assert len(inbox.messages) == 1
        assert f"{SITE}/p/E09000016/?period=2016-17-Q3" in parts(inbox.messages[0])[0]
    assert CliRunner().invoke(cli, ["notify"]).output == "Nothing is due.\n"


def test_notify_signs_in_to_the_mail_server_with_the_address_credentials(demo_engine, database_url) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    tried: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        tried.append((auth_data.login, auth_data.password))
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"csp", b"p@ss word"))

    add_person(demo_engine, "priya", "priya@council.example.gov.uk", Event.PUBLISHED)
    publish(demo_engine)
    now = datetime.now(UTC) + timedelta(minutes=1)
    # Plain-text AUTH on 127.0.0.1 only: a real server would need STARTTLS first (starttls=true).
    with smtp_server(authenticator=authenticator, auth_require_tls=False) as (inbox, port):
        right = replace(mail_settings(database_url, port), smtp_url=f"smtp://csp:p%40ss%20word@127.0.0.1:{port}")
        report = send_due(demo_engine, right, now)
        assert report.failed == [] and len(report.sent) == 1 and len(inbox.messages) == 1
    assert tried == [(b"csp", b"p@ss word")], "signed in with the address's user and %-decoded password"


def test_notify_needs_the_base_url_to_link(engine, database_url, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CSPDASH_SMTP_URL", "smtp://127.0.0.1:25")
    monkeypatch.setenv("CSPDASH_MAIL_FROM", "csp@example.org")
    monkeypatch.delenv("CSPDASH_BASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["notify"])
    assert result.exit_code == 1 and "Set CSPDASH_BASE_URL" in result.output
    monkeypatch.setenv("CSPDASH_BASE_URL", SITE)
    monkeypatch.setenv("CSPDASH_SMTP_URL", "http://mail.example.org")
    result = CliRunner().invoke(cli, ["notify"])
    assert result.exit_code == 1 and "must start smtp:// or smtps://" in result.output


pytestmark = [pytest.mark.db]


def test_notify_tells_of_each_overdue_corrective_action_once(demo_engine, database_url) -> None:
    """An open action past its due date is recorded by ``cspdash notify`` and sent at once;
    it is told once however long it stays overdue; an action done, or not yet due, is not."""
    from datetime import date

    from store.actions import add_action, drop_action

    add_person(demo_engine, "priya", "priya@council.example.gov.uk", Event.ACTION_OVERDUE)
    now = datetime.now(UTC) + timedelta(minutes=1)
    q4 = Quarter.parse("2016-17-Q4")
    with session_scope(demo_engine) as session:
        for action in list_actions_held(session):
            drop_action(session, action, "test", now)  # the demo's own actions are not this test's
        add_action(session, "CSP1", "E09000016", q4, "Weekend patrols in Romford", "sam", now, owner="Sam Lee",
                   due_date=date(2017, 3, 1))  # fmt: skip
        add_action(session, "CSP2", "E09000016", q4, "Not yet due", "sam", now, due_date=now.date() + timedelta(days=30))
        add_action(session, "CSP3", "E09000016", q4, "Done already", "sam", now, due_date=date(2017, 3, 1), status="done")
    with smtp_server() as (inbox, port):
        settings = mail_settings(database_url, port)
        report = send_due(demo_engine, settings, now)
        assert report.overdue_recorded == 1 and report.failed == []
        assert [m["Subject"] for m in inbox.messages] == ["Community safety performance: Corrective action overdue"]
        plain = parts(inbox.messages[0])[0]
        assert "CSP1 2016-17-Q4: corrective action overdue since 1 March 2017 (Sam Lee): Weekend patrols in Romford" in plain
        assert f"{SITE}/p/E09000016/indicator/CSP1?period=2016-17-Q4&area=E09000016" in plain
        again = send_due(demo_engine, settings, now + timedelta(hours=3))
        assert again.overdue_recorded == 0 and len(inbox.messages) == 1, "one notice per action"


def list_actions_held(session) -> list[int]:
    from store.actions import list_actions

    return [a.id for a in list_actions(session) if a.status == "open"]
